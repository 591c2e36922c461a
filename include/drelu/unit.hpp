// One dReLU unit with its input folded in: the density
//   p(h) ∝ exp(-U(h)),  U(h) = gp/2 h₊² - tp h₊ + gn/2 h₋² - tn h₋,
// with tp = θ⁺ + I, tn = θ⁻ + I, gp = |γ⁺|, gn = |γ⁻|. It is a mixture of two truncated
// normals: the positive side (tp, gp) on h >= 0 and the mirrored negative side (-tn, gn) on
// -h >= 0, with weights pp = Z+/(Z+ + Z-) and pn = Z-/(Z+ + Z-).
//
// These scalar functions are the exact kernels of the batch API (functions.hpp): they run in
// long double for double and long double layers and for the fallbacks of the fast path, in
// double for float layers.
#pragma once

#include <cmath>
#include <limits>

#include "truncated_normal.hpp"

namespace drelu {
namespace unit {

template <class T>
struct Unit {
  T tp;  // θ⁺ + I
  T tn;  // θ⁻ + I
  T gp;  // |γ⁺|
  T gn;  // |γ⁻|
};

// One side's energy g/2 u² - t u at u >= 0; u = 0 gives 0 even for g = inf.
template <class T>
T side_energy(T t, T g, T u) {
  if (u == T(0)) return T(0);
  if (g == std::numeric_limits<T>::infinity()) return g;             // a removed side
  if (std::isinf(u) && g == T(0)) return t == T(0) ? T(0) : -t * u;  // avoids 0 * inf
  return (g * u / 2 - t) * u;
}

// U(h), the potential of the unit at h.
template <class T>
T energy(const Unit<T>& unit, T h) {
  if (h >= T(0)) return side_energy(unit.tp, unit.gp, h);
  return side_energy(-unit.tn, unit.gn, -h);
}

template <class T>
struct LogPartitions {
  T positive;  // log Z+
  T negative;  // log Z-
  T total;     // cgf = log(Z+ + Z-)
};

template <class T>
LogPartitions<T> log_partitions(const Unit<T>& unit) {
  const T positive = truncated_normal::log_partition(unit.tp, unit.gp);
  const T negative = truncated_normal::log_partition(-unit.tn, unit.gn);
  return {positive, negative, special::logsumexp(positive, negative)};
}

template <class T>
T cgf(const Unit<T>& unit) {
  return log_partitions(unit).total;
}

// Side weights from the log-partitions, pp = 1/(1 + exp(log Z- - log Z+)). When both sides
// are removed or both are not normalizable the weights are undefined and split evenly.
template <class T>
struct SideWeights {
  T positive;
  T negative;
};

template <class T>
SideWeights<T> side_weights(const LogPartitions<T>& logz) {
  using std::exp;
  if (std::isnan(logz.positive) || std::isnan(logz.negative)) return {logz.total, logz.total};
  if (std::isinf(logz.positive) && logz.positive == logz.negative) return {T(0.5), T(0.5)};
  if (logz.positive == std::numeric_limits<T>::infinity()) return {T(1), T(0)};
  if (logz.negative == std::numeric_limits<T>::infinity()) return {T(0), T(1)};
  return {T(1) / (T(1) + exp(logz.negative - logz.positive)),
          T(1) / (T(1) + exp(logz.positive - logz.negative))};
}

template <class T>
SideWeights<T> side_probabilities(const Unit<T>& unit) {
  return side_weights(log_partitions(unit));
}

template <class T>
struct Statistics {
  T mean;
  T variance;
  T mean_abs;
};

// E[h] = pp m+ - pn m-, or the second form
//   E[h] = (1/gp - 1/gn)/Z + pp tp/gp + pn tn/gn,   Z = Z+ + Z-,
// from integrating each side by parts (Z+ m+ = (1 + tp Z+)/gp, and alike for the mirrored
// side), wherever its terms are smaller than those of the first: near a Gaussian unit
// (gp = gn, tp = tn) E[h] = tp/gp can be far smaller than E|h|, and only the second form
// keeps it to a few roundoffs. mean_p and mean_n are pp m+ and pn m-.
template <class T>
T mixture_mean(const Unit<T>& unit, const LogPartitions<T>& logz, const SideWeights<T>& weights,
               T mean_p, T mean_n) {
  using std::abs;
  using std::exp;
  const T sides = mean_p - mean_n;
  const T inverse_z = exp(-logz.total);
  // 1/Z must be a normal number: where it underflows, its term may still dominate E[h].
  if (!(inverse_z >= std::numeric_limits<T>::min()) || !std::isfinite(inverse_z)) return sides;
  const T scale_term = (T(1) / unit.gp - T(1) / unit.gn) * inverse_z;
  const T positive_shift = weights.positive * unit.tp / unit.gp;
  const T negative_shift = weights.negative * unit.tn / unit.gn;
  const T by_parts = scale_term + positive_shift + negative_shift;
  const T by_parts_size = abs(scale_term) + abs(positive_shift) + abs(negative_shift);
  if (!std::isfinite(by_parts_size) || !(by_parts_size < mean_p + mean_n)) return sides;
  return by_parts;
}

// Mixture moments; the variance by the law of total variance,
//   Var = pp v+ + pn v- + pp pn (m+ + m-)²   (m- is the mean of -h on the negative side),
// which has no cancellation, unlike E[h²] - E[h]².
template <class T>
Statistics<T> statistics(const Unit<T>& unit) {
  const auto logz = log_partitions(unit);
  const auto weights = side_weights(logz);
  const auto positive = truncated_normal::moments(unit.tp, unit.gp);
  const auto negative = truncated_normal::moments(-unit.tn, unit.gn);
  // A side of weight 0 contributes nothing, even where its own moments are infinite.
  const auto weighted = [](T weight, T value) { return weight == T(0) ? T(0) : weight * value; };
  const T spread = positive.mean + negative.mean;
  const T between = weights.positive == T(0) || weights.negative == T(0)
                        ? T(0)
                        : weights.positive * weights.negative * spread * spread;
  const T mean_p = weighted(weights.positive, positive.mean);
  const T mean_n = weighted(weights.negative, negative.mean);
  return {mixture_mean(unit, logz, weights, mean_p, mean_n),
          weighted(weights.positive, positive.variance) +
              weighted(weights.negative, negative.variance) + between,
          mean_p + mean_n};
}

// The most probable h; at a tie between two peaks the positive one (tp²/gp >= tn²/gn).
template <class T>
T mode(const Unit<T>& unit) {
  if (std::isnan(unit.tp) || std::isnan(unit.tn)) return std::numeric_limits<T>::quiet_NaN();
  // A removed side (γ = inf) has no peak of its own, whatever its θ.
  const bool positive_peak = unit.tp > T(0) && unit.gp < std::numeric_limits<T>::infinity();
  const bool negative_peak = unit.tn < T(0) && unit.gn < std::numeric_limits<T>::infinity();
  if (positive_peak && negative_peak) {
    const T positive_height = unit.tp / unit.gp * unit.tp;
    const T negative_height = unit.tn / unit.gn * unit.tn;
    return positive_height >= negative_height ? unit.tp / unit.gp : unit.tn / unit.gn;
  }
  if (positive_peak) return unit.tp / unit.gp;
  if (negative_peak) return unit.tn / unit.gn;
  return T(0);
}

// log p(h) = -U(h) - cgf. Where the unit has no density (cgf = +inf: mass at infinity) every
// finite h has log p = -inf; where both sides are removed (cgf = -inf) the unit is a point mass
// at 0.
//
// On a side whose normal peaks inside it (t > 0 on its own axis u = |h|), -U and the cgf both
// hold q = t²/(2g), which can be far larger than log p itself (a narrow unit far from 0: q ~ 1e12
// while log p ~ 10 near the peak). There the exact split
//   -U(u) = -(g u - t)²/(2g) + q,   log Z_s = q + log Q(a) + log sqrt(2π) - log(g)/2,  a =
//   -t/sqrt(g)
// cancels q by hand: log p = -(g u - t)²/(2g) - [log Z_s - q] - log(1 + Z_o/Z_s), with g u - t
// from one fused multiply-add and Z_o the other side's partition.
template <class T>
T logpdf(const Unit<T>& unit, T h) {
  using std::exp;
  using std::log;
  constexpr T inf = std::numeric_limits<T>::infinity();
  const auto logz = log_partitions(unit);
  if (logz.total == inf && !std::isnan(h)) return -inf;
  if (logz.total == -inf) return h == T(0) ? inf : (std::isnan(h) ? h : -inf);
  const bool positive = h >= T(0);
  const T t = positive ? unit.tp : -unit.tn;
  const T g = positive ? unit.gp : unit.gn;
  const T u = positive ? h : -h;
  const T own = positive ? logz.positive : logz.negative;
  const T other = positive ? logz.negative : logz.positive;
  const bool peak_inside = t > T(0) && g > T(0) && std::isfinite(g) && std::isfinite(t) &&
                           std::isfinite(u) && std::isfinite(own);
  if (!peak_inside) return -energy(unit, h) - logz.total;
  const T log_sqrt_2pi = T(0.9189385332046727417803297364056176398L);
  const T own_scaled = special::log_normal_tail(-t / std::sqrt(g)) + log_sqrt_2pi - log(g) / 2;
  const T ratio = other - own;  // log(Z_o/Z_s)
  const T log_share = ratio > T(0) ? ratio + std::log1p(exp(-ratio)) : std::log1p(exp(ratio));
  const T distance = std::fma(g, u, -t);  // g u - t
  return -(distance * distance) / (2 * g) - own_scaled - log_share;
}

// P(H <= h) and P(H > h) together, each accurate in relative terms: the tail beyond h on h's
// own side, far = p_side P(u > |h| | side), and the near part p_other + p_side P(u <= |h|)
// are both formed directly; the smaller of the two is kept and the other is 1 minus it.
template <class T>
struct Tails {
  T lower;  // P(H <= h)
  T upper;  // P(H > h)
};

template <class T>
Tails<T> tails(const Unit<T>& unit, T h) {
  using std::exp;
  const auto logz = log_partitions(unit);
  const auto weights = side_weights(logz);
  if (std::isnan(h)) return {h, h};
  // Every unit, also one with mass at infinity, has all of it at or below +inf, none below -inf.
  if (h == std::numeric_limits<T>::infinity()) return {T(1), T(0)};
  if (h == -std::numeric_limits<T>::infinity()) return {T(0), T(1)};
  // Mass at infinity (a side that is not normalizable): every finite h is below it or above.
  if (logz.total == std::numeric_limits<T>::infinity()) return {weights.negative, weights.positive};
  // Both sides removed: a point mass at 0.
  if (logz.total == -std::numeric_limits<T>::infinity()) {
    return h >= T(0) ? Tails<T>{T(1), T(0)} : Tails<T>{T(0), T(1)};
  }
  const bool positive = h >= T(0);
  const T t = positive ? unit.tp : -unit.tn;
  const T g = positive ? unit.gp : unit.gn;
  const T distance = positive ? h : -h;
  const T log_weight = (positive ? logz.positive : logz.negative) - logz.total;
  using W = special::wider_t<T>;
  const T far = T(exp(W(log_weight) + truncated_normal::log_survival(t, g, distance)));
  T near;
  if (far <= T(0.5)) {
    near = T(1) - far;
  } else {
    const T other = positive ? weights.negative : weights.positive;
    near = other + exp(log_weight) * truncated_normal::cdf(t, g, distance);
  }
  const T far_kept = far <= T(0.5) ? far : T(1) - near;
  return positive ? Tails<T>{near, far_kept} : Tails<T>{far_kept, near};
}

}  // namespace unit
}  // namespace drelu
