// The potential U(x) of every element of a batch, one column at a time with Eigen's packet math:
//   U(x) = (γ⁺/2 x − θ⁺) x  for x > 0,   (γ⁻/2 x − θ⁻) x  for x < 0,   0 at x = 0,
// so it streams at memory speed. Computed in the layer's own type: its rounding error is at
// most about 2 u (|γ x²/2| + |θ x|), within the condition number of U.
#pragma once

#include <Eigen/Core>
#include <cmath>
#include <limits>

#include "batch.hpp"

namespace drelu {
namespace detail {

template <class T>
struct EnergyCoefficients {
  Vector<T> half_gamma_p, theta_p, half_gamma_n, theta_n;
};

template <class Layer>
EnergyCoefficients<typename Layer::Scalar> energy_coefficients(const Layer& layer) {
  using T = typename Layer::Scalar;
  const auto units = unit_parameters<T>(layer);
  return {units.gamma_p / T(2), units.theta_p, units.gamma_n / T(2), units.theta_n};
}

// The rare elements where the packet formula met 0 · inf or ∞ − ∞, recomputed one by one: on a
// removed side (γ = inf) U = +inf; at h = ±inf on a side with γ = 0, U = −θ h, or 0 when θ = 0
// too. NaN points stay NaN.
template <class T, class Column, class OutColumn>
void repair_infinite_points(const EnergyCoefficients<T>& c, const Column& x, OutColumn out) {
  for (Eigen::Index i = 0; i < x.size(); ++i) {
    const T h = T(x(i));
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

// out = U(x); x and out are N x B with the same shape (checked by the caller).
template <class T, class Points, class Out>
void energy_kernel(const EnergyCoefficients<T>& c, const Points& x, Out& out) {
#ifdef _OPENMP
#pragma omp parallel for schedule(static) if (x.size() >= kParallelThreshold)
#endif
  for (Eigen::Index j = 0; j < x.cols(); ++j) {
    const auto h = x.col(j).array().template cast<T>();
    const auto positive = (c.half_gamma_p * h - c.theta_p) * h;
    const auto negative = (c.half_gamma_n * h - c.theta_n) * h;
    out.col(j).array() = (h > T(0)).select(positive, (h < T(0)).select(negative, h));
    if (out.col(j).hasNaN()) repair_infinite_points(c, x.col(j), out.col(j));
  }
}

}  // namespace detail
}  // namespace drelu
