// SIMD building blocks of the fast kernels (fast_kernels.hpp), written once on Eigen's packet
// functions (Eigen/src/Core/GenericPacketMath.h): the same code runs on AVX-512, AVX, SSE or
// NEON packets, and on plain scalars (Eigen's generic packet functions are defined for them),
// which the kernels use for the rare elements that need std::exp's full range.
#pragma once

#include <Eigen/Core>
#include <cstddef>
#include <type_traits>

#include "packet_approximations.hpp"

// The per-packet helpers are forced inline so that the compiler can interleave the
// independent chains of the two sides of a unit.
#if defined(__GNUC__) || defined(__clang__)
#define DRELU_ALWAYS_INLINE inline __attribute__((always_inline))
#else
#define DRELU_ALWAYS_INLINE inline
#endif

namespace drelu {
namespace detail {
namespace simd {

namespace ei = Eigen::internal;

// The widest packet of S that Eigen enables for this build, and its number of lanes.
template <class S>
using Packet = typename ei::packet_traits<S>::type;

template <class S>
inline constexpr int lanes = ei::unpacket_traits<Packet<S>>::size;

template <class P>
using scalar_of = typename ei::unpacket_traits<P>::type;

template <class P>
inline constexpr bool is_scalar = std::is_same<P, scalar_of<P>>::value;

template <class P>
P broadcast(scalar_of<P> x) {
  return ei::pset1<P>(x);
}

// sqrt rounded correctly: Eigen 3.4's AVX-512 psqrt<Packet8d> is an approximation (rsqrt14 and
// Newton steps) unless EIGEN_FAST_MATH is 0; its other packet sqrts are the exact instructions.
template <class P>
DRELU_ALWAYS_INLINE P correctly_rounded_sqrt(const P& x) {
  return ei::psqrt(x);
}

#ifdef EIGEN_VECTORIZE_AVX512
template <>
DRELU_ALWAYS_INLINE ei::Packet8d correctly_rounded_sqrt(const ei::Packet8d& x) {
  return _mm512_sqrt_pd(x);
}
#endif

// a b − c.
template <class P>
DRELU_ALWAYS_INLINE P multiply_subtract(const P& a, const P& b, const P& c) {
  return ei::pmadd(a, b, ei::pnegate(c));
}

// c0_hi + (c0_lo + y (c1 + c2 y + ... + cd y^(d-1))) for c = {c0_hi, c0_lo, c1, ..., cd}, the
// layout of packet_approximations.hpp. The tail is split into its even and odd powers, two
// independent Horner chains in y², which halves the dependency chain.
template <class P, std::size_t N>
P flat_polynomial(const scalar_of<P> (&c)[N], const P& y) {
  constexpr int tail = int(N) - 2;  // tail coefficient j (of y^j) is c[j + 2]
  constexpr int last_even = (tail - 1) % 2 == 0 ? tail - 1 : tail - 2;
  constexpr int last_odd = (tail - 1) % 2 == 1 ? tail - 1 : tail - 2;
  const P y2 = ei::pmul(y, y);
  P even = broadcast<P>(c[last_even + 2]);
  for (int j = last_even - 2; j >= 0; j -= 2) even = ei::pmadd(even, y2, broadcast<P>(c[j + 2]));
  P odd = broadcast<P>(c[last_odd + 2]);
  for (int j = last_odd - 2; j >= 1; j -= 2) odd = ei::pmadd(odd, y2, broadcast<P>(c[j + 2]));
  const P sum = ei::pmadd(y, odd, even);
  return ei::padd(broadcast<P>(c[0]), ei::pmadd(y, sum, broadcast<P>(c[1])));
}

// The change of variable of packet_approximations.hpp: y = (b − K)/(b + K), b >= 0.
template <class P>
P transformed(const P& b) {
  const P center = broadcast<P>(special::packet::transform_center);
  return ei::pdiv(ei::psub(b, center), ei::padd(b, center));
}

// The coefficient sets of packet_approximations.hpp: full double accuracy, and the lower-degree
// set for float layers (relative error 2^-32, computed in double, rounded to float at the end).
struct DoubleFits {
  static constexpr const auto& mean_gap_difference = special::packet::mean_gap_difference;
  static constexpr const auto& mean_gap_denominator = special::packet::mean_gap_denominator;
  static constexpr const auto& variance_difference = special::packet::truncated_variance_difference;
  static constexpr const auto& variance_denominator =
      special::packet::truncated_variance_denominator;
};

struct FloatLayerFits {
  static constexpr const auto& mean_gap_difference =
      special::packet::mean_gap_float_layers_difference;
  static constexpr const auto& mean_gap_denominator =
      special::packet::mean_gap_float_layers_denominator;
  static constexpr const auto& variance_difference =
      special::packet::truncated_variance_float_layers_difference;
  static constexpr const auto& variance_denominator =
      special::packet::truncated_variance_float_layers_denominator;
};

// A rational fit P/Q of packet_approximations.hpp at x, as numerator Q + D (D = P − Q) and
// denominator Q: an error of Q cancels in the quotient.
template <class P>
struct Quotient {
  P numerator, denominator;
};

template <class P, std::size_t N>
DRELU_ALWAYS_INLINE Quotient<P> rational_fit(const scalar_of<P> (&difference)[N],
                                             const scalar_of<P> (&denominator)[N], const P& x) {
  const P q = flat_polynomial(denominator, x);
  return {ei::padd(q, flat_polynomial(difference, x)), q};
}

// The mean gap m(b) = E[Y − b | Y > b] of a standard normal Y, for b >= 0, as a quotient (the
// kernels divide once, after choosing between this and another quotient), given
// y = transformed(b): m(b) (b + shift) = P(y)/Q(y).
template <class Fits, class P>
DRELU_ALWAYS_INLINE Quotient<P> mean_gap(const P& b, const P& y) {
  Quotient<P> m = rational_fit(Fits::mean_gap_difference, Fits::mean_gap_denominator, y);
  m.denominator =
      ei::pmul(m.denominator, ei::padd(b, broadcast<P>(special::packet::mean_gap_shift)));
  return m;
}

// The truncated variance v(a) = Var[Y | Y > a], for a >= −1, from v(a) (a + shift)² = P(w)/Q(w)
// with w = (a + 1)/(a + 1 + K) in [0, 1).
template <class Fits, class P>
DRELU_ALWAYS_INLINE P truncated_variance(const P& a) {
  using special::packet::truncated_variance_shift;
  using special::packet::variance_domain_start;
  using special::packet::variance_transform_center;
  const P from_start = ei::psub(a, broadcast<P>(variance_domain_start));
  const P w = ei::pdiv(from_start, ei::padd(from_start, broadcast<P>(variance_transform_center)));
  const P shifted = ei::padd(a, broadcast<P>(truncated_variance_shift));
  const Quotient<P> v = rational_fit(Fits::variance_difference, Fits::variance_denominator, w);
  return ei::pdiv(v.numerator, ei::pmul(v.denominator, ei::pmul(shifted, shifted)));
}

}  // namespace simd
}  // namespace detail
}  // namespace drelu
