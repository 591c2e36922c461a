// The float lanes of the fast path: cgf, mean, variance, std, mean |h| and mean with variance of
// float layers, computed in float, on packets of twice as many lanes as the double kernel's.
// The method is the one of fast_kernels.hpp (its header), step by step, with fits of float
// accuracy (packet_approximations.hpp, the *_float_lanes sets) and these changes:
// - t = (θ_hi + I) + θ_lo, with θ_hi + θ_lo the double parameter split into two floats (the
//   dReLU parameters of a converted float layer carry more bits than a float);
// - x = exp(−d) from the packet exp, set to 0 where d > 87 (the float exp stops at exp(−87));
//   1/Z = exp(−q_big)/S for the mean's second form only where q_big < 80;
// - a side's variance: for a >= 0, v = k(b) m(b)² with k = v/m², fitted in the same variable
//   y = (b − 4)/(b + 4) as m; for −1 <= a < 0 a polynomial in b = −a; below, 1 − λ(λ + b).
// Float lanes err by a few float roundings where the double kernel's results are rounded to
// float once (docs/accuracy.md measures both). A packet is handed to the double kernel
// (packet_rows), which handles every case, when one of its lanes leaves the float lanes'
// domain: a unit with γ± outside [2^-40, 2^40] or a θ± beyond the float range, an input that is
// not finite, b beyond 2^40, both q beyond 2^12 (where the rounding of q± shows in d, as beyond
// 2^20 in double), a result that is not finite, a variance or std below 2^-100, or a side whose
// probability is below 2^-60 while its moments exceed the other side's by 2^30.
#pragma once

#include <Eigen/Core>
#include <cmath>

#include "fast_kernels.hpp"
#include "packet_approximations.hpp"
#include "packet_math.hpp"

// GCC diagnostics of SIMD code: packet_math.hpp.
DRELU_SIMD_DIAGNOSTICS_BEGIN

namespace drelu {
namespace detail {

using PacketF = simd::Packet<float>;
inline constexpr int kFloatLanes = simd::lanes<float>;

// One side of every unit in float, from the double side parameters (fast_kernels.hpp).
struct FloatSideParameters {
  ColumnF theta_hi, theta_lo;  // sign_theta ≈ theta_hi + theta_lo
  ColumnF inv_sqrt_g, half_inv_g, inv_g;
};

struct FloatLaneUnits {
  FloatSideParameters positive, negative;
  ColumnF excluded;  // nonzero for the units outside the float lanes' domain
};

inline FloatSideParameters float_side_parameters(const SideParameters& side) {
  FloatSideParameters f;
  f.theta_hi = side.sign_theta.cast<float>();
  f.theta_lo = (side.sign_theta - f.theta_hi.cast<double>()).cast<float>();
  f.inv_sqrt_g = side.inv_sqrt_g.cast<float>();
  f.half_inv_g = side.half_inv_g.cast<float>();
  f.inv_g = side.inv_g.cast<float>();
  return f;
}

// Whether one side of a row stays inside the float lanes' domain.
inline bool float_lane_side(const SideParameters& side, const FloatSideParameters& f,
                            Eigen::Index i) {
  return side.g(i) >= 0x1p-40 && side.g(i) <= 0x1p40 && std::isfinite(f.theta_hi(i)) &&
         std::isfinite(f.theta_lo(i));
}

inline FloatLaneUnits float_lane_units(const FastUnits& units) {
  FloatLaneUnits lanes;
  lanes.positive = float_side_parameters(units.positive);
  lanes.negative = float_side_parameters(units.negative);
  const Eigen::Index padded = units.positive.g.size();
  lanes.excluded = ColumnF::Zero(padded);
  for (Eigen::Index i = 0; i < padded; ++i) {
    const bool inside = float_lane_side(units.positive, lanes.positive, i) &&
                        float_lane_side(units.negative, lanes.negative, i);
    lanes.excluded(i) = inside ? 0.0f : 1.0f;
  }
  return lanes;
}

template <class P>
DRELU_ALWAYS_INLINE P load_float(const ColumnF& c, Eigen::Index i) {
  return simd::ei::ploadu<P>(c.data() + i);
}

template <class P>
DRELU_ALWAYS_INLINE void store_float(ColumnF& c, Eigen::Index i, const P& x) {
  simd::ei::pstoreu(c.data() + i, x);
}

// The values of one side on float lanes (Side of fast_kernels.hpp, and the fits' variable y).
template <class P>
struct FloatSide {
  P t, a, b, q, e, mass, y, negative, transformed, gap_numerator, gap_denominator;
};

template <class P>
DRELU_ALWAYS_INLINE FloatSide<P> float_side_values(const FloatSideParameters& p, Eigen::Index i,
                                                   const P& input, bool mirrored) {
  namespace ei = simd::ei;
  using simd::broadcast;
  namespace fits = special::packet;
  constexpr float sqrt_2pi_hi = 2.50662827e+00f;
  constexpr float sqrt_2pi_lo = -2.86602048e-10f;
  const P zero = ei::pzero(input);
  const P inv_sqrt_g = load_float<P>(p.inv_sqrt_g, i);
  const P theta_hi = load_float<P>(p.theta_hi, i);
  FloatSide<P> s;
  s.t = ei::padd(mirrored ? ei::psub(theta_hi, input) : ei::padd(theta_hi, input),
                 load_float<P>(p.theta_lo, i));
  s.a = ei::pnegate(ei::pmul(s.t, inv_sqrt_g));
  s.b = ei::pabs(s.a);
  const P positive_t = ei::pmax(s.t, zero);
  s.q = ei::pmul(ei::pmul(positive_t, positive_t), load_float<P>(p.half_inv_g, i));
  s.e = simd::exp_nonpositive(ei::pnegate(s.q));
  s.transformed = simd::transformed(s.b);
  const simd::Quotient<P> gap = simd::rational_fit(
      fits::mean_gap_float_lanes_difference, fits::mean_gap_float_lanes_denominator, s.transformed);
  s.gap_numerator = gap.numerator;
  s.gap_denominator = ei::pmul(gap.denominator, ei::padd(s.b, broadcast<P>(fits::mean_gap_shift)));
  const P mills = ei::pdiv(s.gap_denominator, ei::pmadd(s.b, s.gap_denominator, s.gap_numerator));
  s.negative = ei::pcmp_lt(s.a, zero);
  const P negative_mass = ei::padd(ei::psub(broadcast<P>(sqrt_2pi_hi), ei::pmul(s.e, mills)),
                                   broadcast<P>(sqrt_2pi_lo));
  s.mass = ei::pselect(s.negative, negative_mass, mills);
  s.y = ei::pmul(s.mass, inv_sqrt_g);
  return s;
}

// The side weights (Weights of fast_kernels.hpp) with x = exp(−d), 0 where d > 87.
template <class P>
DRELU_ALWAYS_INLINE Weights<P> float_side_weights(const FloatSide<P>& pos,
                                                  const FloatSide<P>& neg) {
  namespace ei = simd::ei;
  const P d_signed = ei::psub(pos.q, neg.q);
  Weights<P> w;
  w.big_is_positive = ei::pcmp_le(ei::pzero(d_signed), d_signed);
  const auto big = [&](const P& positive, const P& negative) {
    return ei::pselect(w.big_is_positive, positive, negative);
  };
  w.q_big = big(pos.q, neg.q);
  w.q_small = big(neg.q, pos.q);
  w.e_big = big(pos.e, neg.e);
  w.y_big = big(pos.y, neg.y);
  w.y_small = big(neg.y, pos.y);
  w.d = ei::pabs(d_signed);
  w.far = ei::pcmp_lt(simd::broadcast<P>(87.0f), w.d);
  w.x = ei::pandnot(simd::exp_nonpositive(ei::pnegate(w.d)), w.far);
  w.small = ei::pmul(w.y_small, w.x);
  return w;
}

// Mean (on the side's own axis) and, when asked, variance of one side, as side_moments of
// fast_kernels.hpp, with the variance of float_kernels.hpp's header.
template <class P>
DRELU_ALWAYS_INLINE void float_side_moments(const FloatSideParameters& p, Eigen::Index i,
                                            const FloatSide<P>& s, bool with_variance, P& mean,
                                            P& variance) {
  namespace ei = simd::ei;
  using simd::broadcast;
  namespace fits = special::packet;
  P ratio, gap;
  side_gap(s, ratio, gap);
  mean = ei::pmul(gap, load_float<P>(p.inv_sqrt_g, i));
  if (!with_variance) return;
  const simd::Quotient<P> k =
      simd::rational_fit(fits::variance_gap_ratio_float_lanes_difference,
                         fits::variance_gap_ratio_float_lanes_denominator, s.transformed);
  const P outside = ei::pdiv(ei::pmul(ei::pmul(ratio, ratio), k.numerator), k.denominator);
  const P inside = simd::flat_polynomial(fits::interior_variance_float_lanes, s.b);
  const P tail = ei::psub(broadcast<P>(1.0f), ei::pmul(ratio, gap));
  const P deep = ei::pcmp_lt(broadcast<P>(1.0f), s.b);
  variance = ei::pmul(ei::pselect(s.negative, ei::pselect(deep, tail, inside), outside),
                      load_float<P>(p.inv_g, i));
}

// The quantity at rows [i, i + kFloatLanes) into the workspace's float results; returns the
// lanes that leave the float lanes' domain (the caller recomputes the packet in double).
template <Quantity Q, class P>
P float_packet(const FloatLaneUnits& units, Eigen::Index i, FastWorkspace& w) {
  namespace ei = simd::ei;
  using simd::broadcast;
  const P input = load_float<P>(w.input_float, i);
  const FloatSide<P> pos = float_side_values(units.positive, i, input, false);
  const FloatSide<P> neg = float_side_values(units.negative, i, input, true);
  const Weights<P> weights = float_side_weights(pos, neg);
  const P limit = broadcast<P>(0x1p40f);
  const P inside = ei::pand(ei::pcmp_lt(pos.b, limit), ei::pcmp_lt(neg.b, limit));  // not NaN
  const P both_deep = ei::pcmp_lt(broadcast<P>(0x1p12f), ei::pmin(pos.q, neg.q));
  const P excluded = ei::pcmp_lt(broadcast<P>(0.5f), load_float<P>(units.excluded, i));
  P fallback = ei::por(ei::por(ei::pnot(inside), both_deep), ei::por(excluded, not_finite(input)));
  if constexpr (Q == Quantity::cgf) {
    const P cgf = weights_cgf(weights);
    store_float(w.result_float, i, cgf);
    return ei::por(fallback, not_finite(cgf));
  } else {
    const P inverse_total = ei::pdiv(broadcast<P>(1.0f), ei::padd(weights.y_big, weights.small));
    const P p_big = ei::pmul(weights.y_big, inverse_total);
    const P p_small = ei::pmul(weights.small, inverse_total);
    const P p_pos = ei::pselect(weights.big_is_positive, p_big, p_small);
    const P p_neg = ei::pselect(weights.big_is_positive, p_small, p_big);
    constexpr bool with_variance =
        Q == Quantity::variance || Q == Quantity::std || Q == Quantity::mean_and_variance;
    P mean_p = ei::pzero(input), var_p = mean_p, mean_n = mean_p, var_n = mean_p;
    float_side_moments(units.positive, i, pos, with_variance, mean_p, var_p);
    float_side_moments(units.negative, i, neg, with_variance, mean_n, var_n);
    fallback = ei::por(fallback, lost_share(p_pos, p_neg, mean_p, mean_n, var_p, var_n,
                                            with_variance, 0x1p-60f, 0x1p30f));
    if constexpr (Q == Quantity::mean_abs) {
      const P mean_abs = ei::pmadd(p_pos, mean_p, ei::pmul(p_neg, mean_n));
      store_float(w.result_float, i, mean_abs);
      return ei::por(fallback, not_finite(mean_abs));
    }
    const P variance = mixture_variance(p_pos, p_neg, mean_p, mean_n, var_p, var_n);
    const P tiny_variance = ei::pcmp_lt(variance, broadcast<P>(0x1p-100f));
    if constexpr (Q == Quantity::mean || Q == Quantity::mean_and_variance) {
      // exp(−q_big) is normal, and not clamped, below q_big = 87.
      const P known = ei::pcmp_lt(weights.q_big, broadcast<P>(80.0f));
      const P mean = mixture_mean(load_float<P>(units.positive.inv_g, i),
                                  load_float<P>(units.negative.inv_g, i), pos.t, neg.t, weights,
                                  p_pos, p_neg, mean_p, mean_n, inverse_total, known);
      store_float(w.result_float, i, mean);
      if constexpr (Q == Quantity::mean) return ei::por(fallback, not_finite(mean));
      store_float(w.result2_float, i, variance);
      return ei::por(ei::por(fallback, not_finite(mean)),
                     ei::por(not_finite(variance), tiny_variance));
    }
    const P result = Q == Quantity::std ? simd::correctly_rounded_sqrt(variance) : variance;
    store_float(w.result_float, i, result);
    return ei::por(fallback, ei::por(not_finite(variance), tiny_variance));
  }
}

// The float lanes' counterpart of fast_column (fast_kernels.hpp) for the quantities above:
// result (and result2) = the quantity of every row, through the float results; the packets with
// a lane outside the float lanes' domain are computed by the double kernel. Returns whether some
// row needs a review for the exact path.
template <Quantity Q>
bool float_column(const FastUnits& units, const FloatLaneUnits& lanes, FastWorkspace& w) {
  w.input_float = w.input.cast<float>();
  w.exact_row.setZero();
  PacketD review = simd::ei::pzero(PacketD());
  for (Eigen::Index i = 0; i < packet_rows_end(w, kFloatLanes); i += kFloatLanes) {
    const PacketF fallback = float_packet<Q, PacketF>(lanes, i, w);
    if (!simd::ei::predux_any(fallback)) continue;
    for (Eigen::Index k = i; k < i + kFloatLanes; k += kLanes) {
      review = simd::ei::por(review, packet_rows<Q, simd::FloatLayerFits>(units, k, w));
    }
    w.result_float.segment(i, kFloatLanes) = w.result.segment(i, kFloatLanes).cast<float>();
    if (Q == Quantity::mean_and_variance) {
      w.result2_float.segment(i, kFloatLanes) = w.result2.segment(i, kFloatLanes).cast<float>();
    }
  }
  w.result = w.result_float.cast<double>();
  if (Q == Quantity::mean_and_variance) w.result2 = w.result2_float.cast<double>();
  return simd::ei::predux_any(review);
}

}  // namespace detail
}  // namespace drelu

DRELU_SIMD_DIAGNOSTICS_END
