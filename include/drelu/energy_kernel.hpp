// The potential U(x) of every element of a batch, one column at a time on SIMD packets
// (packet_math.hpp) for float and double layers:
//   U(x) = (γ⁺/2 x − θ⁺) x  for x > 0,   (γ⁻/2 x − θ⁻) x  for x < 0,   0 at x = 0,
// so it streams at memory speed. Computed in the layer's own type: its rounding error is at
// most about 2 u (|γ x²/2| + |θ x|), within the condition number of U. (Eigen 3.4's select of
// array expressions is not vectorized, hence the explicit packets.)
#pragma once

#include <Eigen/Core>
#include <cmath>
#include <limits>
#include <type_traits>

#include "batch.hpp"
#include "packet_math.hpp"

// GCC diagnostics of SIMD code: packet_math.hpp.
DRELU_SIMD_DIAGNOSTICS_BEGIN

namespace drelu {
namespace detail {

template <class T>
struct EnergyCoefficients {
  Vector<T> half_gamma_p, theta_p, half_gamma_n, theta_n;
};

template <class Layer>
EnergyCoefficients<typename Layer::Scalar> energy_coefficients(const Layer& layer) {
  using T = typename Layer::Scalar;
  const auto units = rounded_unit_parameters<T, compute_t<T>>(layer);
  return {units.gamma_p / T(2), units.theta_p, units.gamma_n / T(2), units.theta_n};
}

// The rare elements where the packet formula met 0 · inf or ∞ − ∞, recomputed one by one: on a
// removed side (γ = inf) U = +inf; at h = ±inf on a side with γ = 0, U = −θ h, or 0 when θ = 0
// too. NaN points stay NaN.
template <class T, class OutColumn>
void repair_infinite_points(const EnergyCoefficients<T>& c, const T* x, OutColumn out) {
  for (Eigen::Index i = 0; i < out.size(); ++i) {
    const T h = x[i];
    if (!std::isnan(out(i)) || std::isnan(h)) continue;
    const T theta = h > T(0) ? c.theta_p(i) : c.theta_n(i);
    const T half_gamma = h > T(0) ? c.half_gamma_p(i) : c.half_gamma_n(i);
    if (half_gamma == std::numeric_limits<T>::infinity()) {
      out(i) = half_gamma;  // a removed side, whatever θ
    } else {
      out(i) = theta == T(0) ? T(0) : -theta * h;
    }
  }
}

// U at rows [i, i + lanes) of one column h; P is a packet of T, or T itself.
template <class P, class T>
DRELU_ALWAYS_INLINE P packet_energy(const EnergyCoefficients<T>& c, const T* h, Eigen::Index i) {
  namespace ei = simd::ei;
  const auto load = [i](const T* data) { return ei::ploadu<P>(data + i); };
  const P x = load(h);
  const P zero = ei::pzero(x);
  const P positive =
      ei::pmul(ei::psub(ei::pmul(load(c.half_gamma_p.data()), x), load(c.theta_p.data())), x);
  const P negative =
      ei::pmul(ei::psub(ei::pmul(load(c.half_gamma_n.data()), x), load(c.theta_n.data())), x);
  return ei::pselect(ei::pcmp_lt(zero, x), positive,
                     ei::pselect(ei::pcmp_lt(x, zero), negative, x));
}

// u = U(h) for the n points of one column; returns whether some u is NaN.
template <class T>
bool energy_column(const EnergyCoefficients<T>& c, const T* h, T* u, Eigen::Index n) {
  namespace ei = simd::ei;
  using P = simd::Packet<T>;
  constexpr int lanes = simd::lanes<T>;
  Eigen::Index i = 0;
  bool nan = false;
  if constexpr (lanes > 1) {
    P ordered = ei::ptrue(P());
    for (; i + lanes <= n; i += lanes) {
      const P r = packet_energy<P>(c, h, i);
      ordered = ei::pand(ordered, ei::pcmp_eq(r, r));
      ei::pstoreu(u + i, r);
    }
    nan = ei::predux_any(ei::pnot(ordered));
  }
  for (; i < n; ++i) {
    const T x = h[i];
    u[i] = x > T(0) ? (c.half_gamma_p(i) * x - c.theta_p(i)) * x
                    : (x < T(0) ? (c.half_gamma_n(i) * x - c.theta_n(i)) * x : x);
    nan = nan || std::isnan(u[i]);
  }
  return nan;
}

// Whether the columns of an expression are contiguous arrays of T that the kernel can read or
// write in place (otherwise it goes through a per-thread copy).
template <class T, class Expression>
constexpr bool has_contiguous_columns() {
  return std::is_same<typename Expression::Scalar, T>::value &&
         (int(Expression::Flags) & Eigen::DirectAccessBit) != 0 &&
         (int(Expression::Flags) & Eigen::RowMajorBit) == 0;
}

// out = U(x); x and out are N x B with the same shape (checked by the caller).
template <class T, class Points, class Out>
void energy_kernel(const EnergyCoefficients<T>& c, const Points& x, Out& out) {
  const Eigen::Index n = x.rows();
#ifdef _OPENMP
#pragma omp parallel for schedule(static) if (x.size() >= kParallelThreshold)
#endif
  for (Eigen::Index j = 0; j < x.cols(); ++j) {
    thread_local Vector<T> h_copy, u_copy;
    const T* h = nullptr;
    T* u = nullptr;
    if constexpr (has_contiguous_columns<T, Points>()) {
      if (x.innerStride() == 1) h = x.col(j).data();
    }
    if (h == nullptr) {
      h_copy = x.col(j).array().template cast<T>();
      h = h_copy.data();
    }
    if constexpr (has_contiguous_columns<T, Out>()) {
      if (out.innerStride() == 1) u = out.col(j).data();
    }
    if (u == h) {  // in place: keep the points for the repair below
      h_copy = Eigen::Map<const Vector<T>>(h, n);
      h = h_copy.data();
    }
    const bool in_place = u != nullptr;
    if (!in_place) {
      u_copy.resize(n);
      u = u_copy.data();
    }
    const bool nan = energy_column(c, h, u, n);
    if (!in_place) out.col(j).array() = u_copy;
    if (nan) repair_infinite_points(c, h, out.col(j));
  }
}

}  // namespace detail
}  // namespace drelu

DRELU_SIMD_DIAGNOSTICS_END
