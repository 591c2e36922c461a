// Special functions of the standard normal tail that Boost.Math does not provide in the form
// drelu needs: the scaled complementary error function, the Mills ratio and the moments of a
// one-sided truncated standard normal, each accurate far into the tail.
//
// Notation: Y ~ N(0, 1), Q(a) = P(Y > a) = erfc(a/sqrt 2)/2, phi the standard normal density.
//   Mills ratio          R(a) = Q(a)/phi(a)
//   inverse Mills ratio  lambda(a) = 1/R(a) = E[Y | Y > a]
//   mean gap             m(a) = lambda(a) - a = E[Y - a | Y > a]
//   truncated variance   v(a) = Var[Y | Y > a] = 1 - lambda(a) m(a) = -m'(a)
#pragma once

#include <boost/math/special_functions/erf.hpp>
#include <cmath>
#include <limits>
#include <type_traits>

namespace drelu {
namespace special {

namespace detail {

// Wider type used where a formula cancels: float -> double, double -> long double.
template <class T>
struct wider {
  using type = long double;
};
template <>
struct wider<float> {
  using type = double;
};

template <class T>
constexpr T sqrt_pi() {
  return T(1.772453850905516027298167483341145183L);
}
template <class T>
constexpr T sqrt_half_pi() {
  return T(1.253314137315500251207882642405522627L);
}
template <class T>
constexpr T sqrt2() {
  return T(1.414213562373095048801688724209698079L);
}

// Beyond this truncation point the continued fraction of m(a) is used.
template <class T>
constexpr T tail_threshold() {
  return T(6);
}

// Terms of the continued fraction that reach full long double precision (checked against
// mpmath at 50 digits: relative error below 1e-20 for every a >= 6 with these counts).
template <class T>
int continued_fraction_terms(T a) {
  if (a < T(8)) return 34;
  if (a < T(12)) return 24;
  if (a < T(20)) return 16;
  return 11;
}

// Laplace's continued fraction for a >= tail_threshold:
//   m(a) = 1/(a + 2/(a + 3/(a + 4/(a + ...)))),
// evaluated backwards as f_k = a + (k+1)/f_{k+1}, together with f_k' (derivative in a), so
// that m = 1/f_1 and v = -m' = f_1'/f_1^2 come without the cancellation of 1 - lambda m.
template <class T>
struct TailFraction {
  T f1;
  T df1;
};

template <class T>
TailFraction<T> tail_fraction(T a) {
  const int n = continued_fraction_terms(a);
  T f = a;
  T df = T(1);
  for (int k = n; k >= 1; --k) {
    const T ratio = T(k + 1) / f;
    df = T(1) - ratio * df / f;
    f = a + ratio;
  }
  return {f, df};
}

}  // namespace detail

// The wider type in which drelu evaluates formulas that cancel or feed a large exponent.
template <class T>
using wider_t = typename detail::wider<T>::type;

// erfcx(x) = exp(x^2) erfc(x), for every real x. Overflows to +inf only where the true value
// does (x < -26.6 in double). Below x = 26 the factor exp(x^2) is formed from the exact split
// x^2 = hi + lo (fma), so the rounding of x^2 costs nothing; beyond x = 26, where erfc
// approaches the subnormal range, Laplace's continued fraction of the Mills ratio is used.
template <class T>
T erfcx(T x) {
  static_assert(std::is_floating_point<T>::value, "erfcx needs a floating-point type");
  using std::exp;
  using std::fma;
  // In float exp(x^2) overflows from x = 9.4 on; double holds every intermediate.
  if constexpr (std::is_same<T, float>::value) return float(erfcx(double(x)));
  if (std::isnan(x)) return x;
  if (std::isinf(x)) return x > 0 ? T(0) : std::numeric_limits<T>::infinity();
  if (x < T(0.5)) {
    const T hi = x * x;
    const T lo = fma(x, x, -hi);
    return exp(hi) * (T(1) + lo) * boost::math::erfc(x);
  }
  if (x < T(26)) {
    const T hi = x * x;
    const T lo = fma(x, x, -hi);
    return exp(hi) * boost::math::erfc(x) * (T(1) + lo);
  }
  // erfcx(x) = sqrt(2/pi) R(a) with a = x sqrt 2, and R(a) = 1/(a + m(a)).
  const T a = x * detail::sqrt2<T>();
  const auto cf = detail::tail_fraction(a);
  return T(1) / (detail::sqrt_pi<T>() * (x + T(1) / (cf.f1 * detail::sqrt2<T>())));
}

// log R(a) = log(Q(a)/phi(a)), the log of the Mills ratio, for every real a; finite for every
// finite a except where a^2/2 itself overflows (a < -1.9e154 in double gives +inf).
template <class T>
T log_mills_ratio(T a) {
  using std::log;
  using std::log1p;
  if (std::isnan(a)) return a;
  if (a >= detail::tail_threshold<T>()) {
    if (std::isinf(a)) return -std::numeric_limits<T>::infinity();
    // R = 1/(a + m): log R = -log a - log1p(m/a), free of the overflow of a^2.
    const auto cf = detail::tail_fraction(a);
    return -log(a) - log1p(T(1) / (cf.f1 * a));
  }
  const T x = a / detail::sqrt2<T>();
  if (x >= T(0)) return log(detail::sqrt_half_pi<T>() * erfcx(x));
  // x < 0: R = sqrt(pi/2) exp(x^2) erfc(x) with erfc(x) in (1, 2].
  return x * x + log(detail::sqrt_half_pi<T>() * boost::math::erfc(x));
}

// lambda(a) = phi(a)/Q(a) = E[Y | Y > a], the inverse Mills ratio.
template <class T>
T inverse_mills_ratio(T a) {
  using std::exp;
  using std::fma;
  if (a == -std::numeric_limits<T>::infinity()) return T(0);
  if (a >= detail::tail_threshold<T>()) {
    if (std::isinf(a)) return a;
    return a + T(1) / detail::tail_fraction(a).f1;
  }
  const T x = a / detail::sqrt2<T>();
  const T sqrt_2_over_pi = T(0.7978845608028653558798921198687637369L);
  if (x >= T(0)) return sqrt_2_over_pi / erfcx(x);
  // Negative a: lambda = sqrt(2/pi) exp(-x^2)/erfc(x), small and free of overflow.
  const T hi = x * x;
  const T lo = fma(x, x, -hi);
  return sqrt_2_over_pi * exp(-hi) * (T(1) - lo) / boost::math::erfc(x);
}

// The two moments of a truncated standard normal Y | Y > a, in the forms that keep their
// digits: gap = m(a) = E[Y - a], variance = v(a). For a >= 6 the continued fraction gives
// both with no cancellation; below, lambda - a and 1 - lambda m cancel by at most a factor
// 2 a^2 + 3 (< 75), so they are evaluated in the wider type, which leaves full precision for
// float and double. long double has no wider type: there it keeps about 58 bits (measured
// worst 670 long double ulps, 0.33 double ulps, just below a = 6), within double's bound.
template <class T>
struct TruncatedMoments {
  T gap;
  T variance;
};

template <class T>
TruncatedMoments<T> truncated_moments(T a) {
  using W = typename detail::wider<T>::type;
  if (a == -std::numeric_limits<T>::infinity()) return {std::numeric_limits<T>::infinity(), T(1)};
  if (a >= detail::tail_threshold<T>()) {
    if (std::isinf(a)) return {T(0), T(0)};
    const auto cf = detail::tail_fraction(a);
    return {T(1) / cf.f1, cf.df1 / (cf.f1 * cf.f1)};
  }
  const W wa = W(a);
  const W lambda = inverse_mills_ratio(wa);
  const W gap = lambda - wa;
  return {T(gap), T(W(1) - lambda * gap)};
}

// The same moments scaled by the truncation point for a >= tail_threshold: a m(a) and
// a^2 v(a), which tend to 1 as a -> inf and stay finite even where a^2 overflows.
template <class T>
TruncatedMoments<T> scaled_tail_moments(T a) {
  if (std::isinf(a)) return {T(1), T(1)};
  const auto cf = detail::tail_fraction(a);
  const T a_over_f = T(1) / (cf.f1 / a);
  return {a_over_f, cf.df1 * a_over_f * a_over_f};
}

// log Q(y), the log of the standard normal upper tail, for every real y: through the Mills
// ratio for y >= 0 (no underflow of Q itself), as log1p(-Q(-y)) for y < 0.
template <class T>
T log_normal_tail(T y) {
  using std::log;
  const T log_sqrt_2pi = T(0.9189385332046727417803297364056176398L);
  if (std::isnan(y)) return y;
  if (y >= T(0)) return log_mills_ratio(y) - y * y / 2 - log_sqrt_2pi;
  return std::log1p(-boost::math::erfc(-y / detail::sqrt2<T>()) / 2);
}

namespace detail {

// -integral of lambda over [a, a + w] = log Q(a + w) - log Q(a), for 0 < w <= 1/2, by 8-point
// Gauss-Legendre (error below 1e-20: lambda is analytic with derivatives of moderate size).
template <class T>
T log_tail_ratio_quadrature(T a, T w) {
  static constexpr long double nodes[4] = {
      0.1834346424956498049394761L, 0.5255324099163289858177390L, 0.7966664774136267395915539L,
      0.9602898564975362316835609L};
  static constexpr long double weights[4] = {
      0.3626837833783619829651504L, 0.3137066458778872873379622L, 0.2223810344533744705443560L,
      0.1012285362903762591525314L};
  const T half = w / 2;
  const T centre = a + half;
  T sum = 0;
  for (int k = 0; k < 4; ++k) {
    const T offset = half * T(nodes[k]);
    sum += T(weights[k]) *
           (inverse_mills_ratio(centre - offset) + inverse_mills_ratio(centre + offset));
  }
  return -half * sum;
}

}  // namespace detail

template <class T>
T truncated_cdf(T a, T w);

// log(Q(a + w)/Q(a)) for w >= 0, the log of the probability that Y | Y > a exceeds a + w, in
// the wider type (it is often the large exponent of a tiny probability).
// Accurate in relative terms also for tiny w (quadrature of lambda for w <= 1/2); for a >= 0
// the difference of log Mills ratios minus the exact quadratic w (a + w/2); for a < 0 the
// difference of log1p forms.
template <class T>
wider_t<T> log_tail_ratio(T a, T w) {
  using W = wider_t<T>;
  if (std::isnan(a) || std::isnan(w)) return std::numeric_limits<W>::quiet_NaN();
  if (w == T(0)) return W(0);
  if (std::isinf(w)) return -std::numeric_limits<W>::infinity();
  const W wa = W(a);
  const W ww = W(w);
  // Both ends at most 0: Q(b)/Q(a) = 1 - F with F formed without cancellation, while lambda
  // varies like phi there and would need many quadrature nodes.
  if (wa + ww <= W(0)) return std::log1p(-W(truncated_cdf(wa, ww)));
  if (w <= T(0.5)) return detail::log_tail_ratio_quadrature(wa, ww);
  if (a >= T(0)) return log_mills_ratio(wa + ww) - log_mills_ratio(wa) - ww * (wa + ww / 2);
  return log_normal_tail(wa + ww) - log_normal_tail(wa);
}

// P(a < Y <= a + w)/Q(a) = 1 - Q(a + w)/Q(a) for w >= 0, accurate in relative terms when it is
// tiny: where both ends are at most 0 it is (Phi(b) - Phi(a))/Q(a) with b = a + w, formed from
// the mirrored tail ratio Q(-a)/Q(-b) (lambda is smooth there, unlike on the left where it
// varies like phi); across 0 with w > 1/2 it is the difference of normal probabilities, each
// below 1/2; elsewhere -expm1 of log_tail_ratio.
template <class T>
T truncated_cdf(T a, T w) {
  using W = wider_t<T>;
  using std::exp;
  using std::expm1;
  if (std::isnan(a) || std::isnan(w)) return std::numeric_limits<T>::quiet_NaN();
  const W wa = W(a);
  const W wb = W(a) + W(w);
  if (wb <= W(0)) {
    const W mirrored = log_tail_ratio(T(-wb), w);  // log(Q(-a)/Q(-b))
    return T(exp(log_normal_tail(-wb) - log_normal_tail(wa)) * -expm1(mirrored));
  }
  if (w <= T(0.5) || a >= T(0)) return T(-expm1(log_tail_ratio(a, w)));
  const W lower = boost::math::erfc(-wa / detail::sqrt2<W>()) / 2;  // Phi(a)
  const W upper = boost::math::erfc(wb / detail::sqrt2<W>()) / 2;   // Q(b)
  return T((W(1) - upper - lower) / (W(1) - lower));
}

// log(exp(x) + exp(y)) without overflow; -inf when both are -inf.
template <class T>
T logsumexp(T x, T y) {
  using std::exp;
  using std::log1p;
  if (std::isnan(x) || std::isnan(y)) return x + y;
  const T hi = x > y ? x : y;
  const T lo = x > y ? y : x;
  if (std::isinf(hi)) return hi;
  return hi + log1p(exp(lo - hi));
}

}  // namespace special
}  // namespace drelu
