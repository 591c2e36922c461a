// One side of a dReLU unit: the density on u >= 0 proportional to exp(-g u^2/2 + t u), a
// normal N(t/g, 1/g) truncated to [0, inf). The standardized truncation point is
// a = -t/sqrt(g); every quantity is the standard-normal one of special_functions.hpp, scaled.
//
// Limits, exact instead of NaN:
//   g = 0, t < 0   exponential side: Z = 1/(-t), mean 1/(-t), variance 1/t^2
//   g = 0, t >= 0  not normalizable: log Z = +inf, mean = variance = +inf
//   g = +inf       side removed: log Z = -inf, mean = variance = 0
//   t = +inf       (an infinite input) log Z = +inf, mean = +inf, variance 1/g, the limit
#pragma once

#include <cmath>
#include <limits>

#include "special_functions.hpp"

namespace drelu {
namespace truncated_normal {

template <class T>
struct Moments {
  T mean;
  T variance;
};

// Standardized truncation point a = -t/sqrt(g), for 0 < g < inf.
template <class T>
T truncation_point(T t, T g) {
  return -t / std::sqrt(g);
}

// log Z(t, g) = log of the integral over u >= 0 of exp(-g u^2/2 + t u).
// Z = R(a)/sqrt(g) with R the Mills ratio. For a >= 6 the form
// log Z = -log(-t) - log1p(m(a)/a) avoids the cancellation of log(1/sqrt g) against log R(a).
template <class T>
T log_partition(T t, T g) {
  using std::log;
  constexpr T inf = std::numeric_limits<T>::infinity();
  if (g == T(0)) return t < T(0) ? -log(-t) : inf;
  if (std::isinf(g)) return -inf;
  if (t == inf) return inf;
  const T a = truncation_point(t, g);
  if (a >= special::detail::tail_threshold<T>()) {
    const T scaled_gap = special::scaled_tail_moments(a).gap;  // a m(a)
    return -log(-t) - std::log1p(scaled_gap / a / a);
  }
  return special::log_mills_ratio(a) - log(g) / 2;
}

// Mean and variance of the side: s m(a) and s^2 v(a) with s = 1/sqrt(g); in the tail,
// (a m(a))/(-t) and (a^2 v(a))/t^2, which stay exact when a or s overflow.
template <class T>
Moments<T> moments(T t, T g) {
  constexpr T inf = std::numeric_limits<T>::infinity();
  if (g == T(0)) {
    if (t < T(0)) return {T(1) / -t, T(1) / (t * t)};
    return {inf, inf};
  }
  if (std::isinf(g)) return {T(0), T(0)};
  if (t == inf) return {inf, T(1) / g};
  const T a = truncation_point(t, g);
  if (a >= special::detail::tail_threshold<T>()) {
    const auto scaled = special::scaled_tail_moments(a);
    return {scaled.gap / -t, scaled.variance / t / t};
  }
  const auto standard = special::truncated_moments(a);
  return {standard.gap / std::sqrt(g), standard.variance / g};
}

// log P(u > h | side) for h >= 0: log Q(a + h sqrt g) - log Q(a), accurate in relative terms
// also for small h (see special::log_tail_ratio); returned in the wider type, since it is
// often a large exponent.
template <class T>
special::wider_t<T> log_survival(T t, T g, T h) {
  using W = special::wider_t<T>;
  if (h == T(0)) return W(0);
  if (g == T(0)) return t < T(0) ? W(t) * W(h) : W(0);
  if (std::isinf(g) || std::isinf(h)) return -std::numeric_limits<W>::infinity();
  if (t == std::numeric_limits<T>::infinity()) return W(0);
  if (t == -std::numeric_limits<T>::infinity()) return -std::numeric_limits<W>::infinity();
  const T sqrt_g = std::sqrt(g);
  return special::log_tail_ratio(-t / sqrt_g, h * sqrt_g);
}

// P(u <= h | side) for h >= 0, accurate in relative terms where it is tiny.
template <class T>
T cdf(T t, T g, T h) {
  if (h == T(0)) return T(0);
  if (g == T(0)) return t < T(0) ? -std::expm1(t * h) : T(0);
  if (std::isinf(g) || std::isinf(h)) return T(1);
  if (t == std::numeric_limits<T>::infinity()) return T(0);
  if (t == -std::numeric_limits<T>::infinity()) return T(1);  // all its mass at 0
  const T sqrt_g = std::sqrt(g);
  return special::truncated_cdf(-t / sqrt_g, h * sqrt_g);
}

}  // namespace truncated_normal
}  // namespace drelu
