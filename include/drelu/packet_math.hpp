// SIMD building blocks of the fast kernels (fast_kernels.hpp), written once on Eigen's packet
// functions (Eigen/src/Core/GenericPacketMath.h): the same code runs on AVX-512, AVX, SSE or
// NEON packets, and on plain scalars (Eigen's generic packet functions are defined for them),
// which the kernels use for the rare elements that need std::exp's full range.
#pragma once

#include <Eigen/Core>
#include <cmath>
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

// The regions of SIMD code (this header, fast_kernels.hpp, energy_kernel.hpp) silence two GCC
// diagnostics that do not concern them. Templates instantiated on SIMD types (__m128d, ...) drop
// those types' attributes, which GCC reports. GCC 12 also reports false positives inside its own
// AVX-512 intrinsics (`__Y` "used uninitialized", GCC bug 105593, fixed in GCC 13) wherever
// Eigen's packets are inlined.
#if defined(__GNUC__) && !defined(__clang__)
#if __GNUC__ < 13
#define DRELU_SIMD_DIAGNOSTICS_BEGIN                                                        \
  _Pragma("GCC diagnostic push") _Pragma("GCC diagnostic ignored \"-Wignored-attributes\"") \
      _Pragma("GCC diagnostic ignored \"-Wuninitialized\"")                                 \
          _Pragma("GCC diagnostic ignored \"-Wmaybe-uninitialized\"")
#else
#define DRELU_SIMD_DIAGNOSTICS_BEGIN \
  _Pragma("GCC diagnostic push") _Pragma("GCC diagnostic ignored \"-Wignored-attributes\"")
#endif
#define DRELU_SIMD_DIAGNOSTICS_END _Pragma("GCC diagnostic pop")
#else
#define DRELU_SIMD_DIAGNOSTICS_BEGIN
#define DRELU_SIMD_DIAGNOSTICS_END
#endif

DRELU_SIMD_DIAGNOSTICS_BEGIN

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

// Under EIGEN_FAST_MATH (its default) the float packet sqrts of AVX and SSE are also
// approximations (rsqrt and a Newton step).
#ifdef EIGEN_VECTORIZE_AVX512
template <>
DRELU_ALWAYS_INLINE ei::Packet8d correctly_rounded_sqrt(const ei::Packet8d& x) {
  return _mm512_sqrt_pd(x);
}
template <>
DRELU_ALWAYS_INLINE ei::Packet16f correctly_rounded_sqrt(const ei::Packet16f& x) {
  return _mm512_sqrt_ps(x);
}
#endif
#ifdef EIGEN_VECTORIZE_AVX
template <>
DRELU_ALWAYS_INLINE ei::Packet8f correctly_rounded_sqrt(const ei::Packet8f& x) {
  return _mm256_sqrt_ps(x);
}
#endif
#ifdef EIGEN_VECTORIZE_SSE2
template <>
DRELU_ALWAYS_INLINE ei::Packet4f correctly_rounded_sqrt(const ei::Packet4f& x) {
  return _mm_sqrt_ps(x);
}
#endif

// a b − c d by Kahan's algorithm: w = c d rounded, its error e = w − c d by an fma, then
// (a b − w) + e. Within about 1.5 u of the exact value with a hardware fma, and exactly 0
// when a b and c d are the same product, also where the compiler contracts a product and a
// sum into an fma of its own (GCC's default -ffp-contract=fast does so on packets), which
// makes a plain a b − c d differ from 0 by the rounding error of one product.
template <class P>
DRELU_ALWAYS_INLINE P difference_of_products(const P& a, const P& b, const P& c, const P& d) {
  const P w = ei::pmul(c, d);
  const P e = ei::pmadd(ei::pnegate(c), d, w);
  const P f = ei::pmadd(a, b, ei::pnegate(w));
  return ei::padd(f, e);
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

// The bits of x shifted left into the exponent field (by 52 for a double, 23 for a float), on the
// packets that have the shift (SSE2, AVX2, AVX-512); `has_exponent_shift` tells which.
template <class P>
inline constexpr bool has_exponent_shift =
    false
#if defined(EIGEN_VECTORIZE_AVX512)
    || std::is_same<P, __m512d>::value || std::is_same<P, __m512>::value
#endif
#if defined(EIGEN_VECTORIZE_AVX2)
    || std::is_same<P, __m256d>::value || std::is_same<P, __m256>::value
#endif
#if defined(EIGEN_VECTORIZE_SSE2)
    || std::is_same<P, __m128d>::value || std::is_same<P, __m128>::value
#endif
    ;

#if defined(EIGEN_VECTORIZE_AVX512)
DRELU_ALWAYS_INLINE __m512d shifted_into_exponent(__m512d x) {
  return _mm512_castsi512_pd(_mm512_slli_epi64(_mm512_castpd_si512(x), 52));
}
DRELU_ALWAYS_INLINE __m512 shifted_into_exponent(__m512 x) {
  return _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_castps_si512(x), 23));
}
#endif
#if defined(EIGEN_VECTORIZE_AVX2)
DRELU_ALWAYS_INLINE __m256d shifted_into_exponent(__m256d x) {
  return _mm256_castsi256_pd(_mm256_slli_epi64(_mm256_castpd_si256(x), 52));
}
DRELU_ALWAYS_INLINE __m256 shifted_into_exponent(__m256 x) {
  return _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_castps_si256(x), 23));
}
#endif
#if defined(EIGEN_VECTORIZE_SSE2)
DRELU_ALWAYS_INLINE __m128d shifted_into_exponent(__m128d x) {
  return _mm_castsi128_pd(_mm_slli_epi64(_mm_castpd_si128(x), 52));
}
DRELU_ALWAYS_INLINE __m128 shifted_into_exponent(__m128 x) {
  return _mm_castsi128_ps(_mm_slli_epi32(_mm_castps_si128(x), 23));
}
#endif

// The constants of exp_nonpositive: Cody and Waite's two-part ln 2 (the high part has few enough
// bits that k times it is exact), the round-to-integer shifter 1.5·2^p, the lowest argument (the
// smallest k whose 2^k is normal), the exponent bias added to k and the coefficients of
// exp(r) = 1 + r Q(r) (packet_approximations.hpp).
template <class S>
struct ExponentialConstants;

template <>
struct ExponentialConstants<double> {
  static constexpr double log2_e = 1.44269504088896338700e+00;
  static constexpr double ln2_hi = 6.93147180369123816490e-01;  // 32 significant bits
  static constexpr double ln2_lo = 1.90821492927058770002e-10;
  static constexpr double shifter = 0x1.8p52;
  static constexpr double lowest = -708.0;
  static constexpr double biased_zero = 0x1p52 + 1023.0;  // k + 1023 in the low bits
  static constexpr const auto& reduced = special::packet::exponential_reduced;
};

template <>
struct ExponentialConstants<float> {
  static constexpr float log2_e = 1.44269502e+00f;
  static constexpr float ln2_hi = 6.93359375e-01f;  // 9 significant bits
  static constexpr float ln2_lo = -2.12194442e-04f;
  static constexpr float shifter = 0x1.8p23f;
  static constexpr float lowest = -87.0f;
  static constexpr float biased_zero = 0x1p23f + 127.0f;  // k + 127 in the low bits
  static constexpr const auto& reduced = special::packet::exponential_reduced_float_lanes;
};

// exp(x) for x <= 0: on packets within about one ulp, and exp(lowest) for x below `lowest`
// (−708 for doubles, −87 for floats: the kernels handle smaller exponents otherwise); on scalars
// std::exp. x = k ln 2 + r with k = round(x/ln 2) (by the shifter) and |r| <= ln(2)/2,
// exp(r) = 1 + r Q(r), times 2^k built in the exponent field: no division and no general
// ldexp, unlike Eigen 3.4's packet exp, which this replaces on the packets with the shift.
template <class P>
DRELU_ALWAYS_INLINE P exp_nonpositive(const P& x) {
  if constexpr (is_scalar<P>) {
    return std::exp(x);
  } else if constexpr (!has_exponent_shift<P>) {
    return ei::pexp(x);
  } else {
    using C = ExponentialConstants<scalar_of<P>>;
    const P shifter = broadcast<P>(C::shifter);
    const P clamped = ei::pmax(x, broadcast<P>(C::lowest));
    const P k = ei::psub(ei::pmadd(clamped, broadcast<P>(C::log2_e), shifter), shifter);
    const P r =
        ei::pmadd(k, broadcast<P>(-C::ln2_lo), ei::pmadd(k, broadcast<P>(-C::ln2_hi), clamped));
    const auto& q = C::reduced;
    constexpr int degree = int(sizeof q / sizeof q[0]) - 1;
    static_assert(degree % 2 == 0, "the even chain ends with the last coefficient");
    const P r2 = ei::pmul(r, r);
    P even = broadcast<P>(q[degree]);
    for (int j = degree - 2; j >= 0; j -= 2) even = ei::pmadd(even, r2, broadcast<P>(q[j]));
    P odd = broadcast<P>(q[degree - 1]);
    for (int j = degree - 3; j >= 1; j -= 2) odd = ei::pmadd(odd, r2, broadcast<P>(q[j]));
    const P reduced = ei::pmadd(r, ei::pmadd(r, odd, even), broadcast<P>(1));
    const P power = shifted_into_exponent(ei::padd(k, broadcast<P>(C::biased_zero)));
    return ei::pmul(reduced, power);
  }
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

DRELU_SIMD_DIAGNOSTICS_END
