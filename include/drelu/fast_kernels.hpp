// The double kernel of the batch functions' fast path (fast_path.hpp): cgf, side probabilities,
// mean, variance and mean |h| of every element, one column at a time, in double, with every
// step on SIMD packets (packet_math.hpp) and no branch on the data. Double layers use it for
// every fast quantity, float layers for the probabilities, for sampling and for the packets
// their float lanes (float_kernels.hpp) hand back.
//
// Each side (t, g) of a unit is written Z = exp(q) y with, for a = −t/sqrt(g) and b = |a|,
//   a >= 0:  q = 0,        y = R(b)/sqrt(g)
//   a <  0:  q = t²/(2g),  y = (sqrt(2π) − exp(−q) R(b))/sqrt(g)     (y in [1/2, 1] sqrt(2π/g))
// where R = 1/(b + m(b)) is the Mills ratio and m the mean gap (packet_approximations.hpp).
// With "big" the side of larger q, d = q_big − q_small and x = e^(−d),
//   cgf = q_big + log(y_big + y_small x)   (from the small side where it dominates and x < 1/4),
// p_big = y_big/S, p_small = y_small x/S, S = y_big + y_small x (through r = y_small x/y_big
// where y_small x is tiny): no log-partition is rounded and then exponentiated,
// so a weight keeps its relative accuracy whatever the scales. Side moments:
//   a >= 0:  mean m(b)/sqrt(g)
//   a <  0:  mean (λ + b)/sqrt(g),  λ = exp(−q)/(y sqrt(g)) = φ(b)/Φ(b) <= 0.8
// and variance v(a)/g from the rational fit for a >= −1, (1 − λ (λ + b))/g below.
//
// Elements the packets cannot represent take other paths: where e^(−d) falls below the packet
// exp's range (d > 700) the element is recomputed with the scalar instantiation of the same
// code (std::exp, full range); units with γ outside [1e-290, 1e290] or θ infinite, inputs that
// are not finite, b beyond 1e100, q beyond the double range, results that left the double range
// on the way and standard deviations below 1.5e-154 take the exact scalar path of unit.hpp in
// long double. Where both q exceed 2^20, d comes from exponents formed as pairs of doubles.
#pragma once

#include <Eigen/Core>
#include <cmath>
#include <limits>
#include <type_traits>
#include <vector>

#include "batch.hpp"
#include "packet_math.hpp"
#include "unit.hpp"

// GCC diagnostics of SIMD code: packet_math.hpp.
DRELU_SIMD_DIAGNOSTICS_BEGIN

namespace drelu {
namespace detail {

// Scalars whose batch functions take the fast path.
template <class T>
struct has_fast_path : std::integral_constant<bool, std::is_same<T, float>::value ||
                                                        std::is_same<T, double>::value> {};

using ColumnD = Eigen::Array<double, Eigen::Dynamic, 1>;
using ColumnF = Eigen::Array<float, Eigen::Dynamic, 1>;
using PacketD = simd::Packet<double>;
inline constexpr int kLanes = simd::lanes<double>;
// Rows per block: whole packets of doubles and of floats (the float lanes, float_kernels.hpp).
inline constexpr int kRowBlock =
    simd::lanes<float> > simd::lanes<double> ? simd::lanes<float> : simd::lanes<double>;

// Rows rounded up to whole blocks; the padding rows hold a harmless unit and input.
inline Eigen::Index padded_rows(Eigen::Index n) {
  return (n + kRowBlock - 1) / kRowBlock * kRowBlock;
}

// One side of every unit, with what the kernels need hoisted out of the batch loop. The
// negative side is mirrored: its t is −(θ⁻ + I).
struct SideParameters {
  ColumnD sign_theta;  // θ⁺, or −θ⁻ for the negative side
  ColumnD g;           // g
  ColumnD sqrt_g;      // sqrt(g)
  ColumnD inv_sqrt_g;  // 1/sqrt(g)
  ColumnD inv_g;       // 1/g
  ColumnD half_inv_g;  // 1/(2g)
};

struct FastUnits {
  SideParameters positive, negative;
  UnitParameters<double> parameters;    // the dReLU parameters, rounded to double
  UnitParameters<long double> exact;    // for the units and elements the fast path leaves out
  std::vector<Eigen::Index> irregular;  // units outside the fast path's domain
};

// The fast path's domain for a scale: 1/(2g) and 1/sqrt(g) stay normal doubles, far from both
// ends of the range.
inline bool usable_scale(double g) {
  return g >= 1e-290 && g <= 1e290;
}

inline SideParameters side_parameters(const ColumnD& theta, const ColumnD& gamma, double sign,
                                      Eigen::Index padded) {
  const Eigen::Index n = theta.size();
  ColumnD g = ColumnD::Ones(padded);
  SideParameters side;
  side.sign_theta = ColumnD::Zero(padded);
  for (Eigen::Index i = 0; i < n; ++i) {
    // Units outside the domain take the exact path; a harmless side keeps their lanes finite.
    const bool usable = usable_scale(gamma(i)) && std::isfinite(theta(i));
    g(i) = usable ? gamma(i) : 1.0;
    side.sign_theta(i) = usable ? sign * theta(i) : 0.0;
  }
  side.g = g;
  side.sqrt_g = g.unaryExpr([](double x) { return std::sqrt(x); });  // Eigen's may not round
  side.inv_sqrt_g = side.sqrt_g.inverse();
  side.inv_g = g.inverse();
  side.half_inv_g = side.inv_g / 2;
  return side;
}

template <class Layer>
FastUnits fast_units(const Layer& layer) {
  FastUnits units;
  units.exact = unit_parameters<long double>(layer);
  units.parameters = rounded_unit_parameters<double, long double>(layer);
  const auto& u = units.parameters;
  const Eigen::Index padded = padded_rows(layer.size());
  units.positive = side_parameters(u.theta_p, u.gamma_p, 1.0, padded);
  units.negative = side_parameters(u.theta_n, u.gamma_n, -1.0, padded);
  for (Eigen::Index i = 0; i < layer.size(); ++i) {
    const bool regular = usable_scale(u.gamma_p(i)) && usable_scale(u.gamma_n(i)) &&
                         std::isfinite(u.theta_p(i)) && std::isfinite(u.theta_n(i));
    if (!regular) units.irregular.push_back(i);
  }
  return units;
}

// What a fast kernel computes for one column.
enum class Quantity {
  cgf,
  prob_positive,
  prob_negative,
  mean,
  variance,
  std,
  mean_abs,
  mean_and_variance,
  sampling  // side probabilities, t and a of both sides (sampling.hpp)
};

// The exact scalar value of one element (irregular units, non-finite inputs, results out of
// the double range), from unit.hpp in long double.
inline long double exact_quantity(const unit::Unit<long double>& u, Quantity quantity) {
  switch (quantity) {
    case Quantity::cgf:
      return unit::cgf(u);
    case Quantity::prob_positive:
      return unit::side_probabilities(u).positive;
    case Quantity::prob_negative:
      return unit::side_probabilities(u).negative;
    case Quantity::mean:
    case Quantity::mean_and_variance:
      return unit::statistics(u).mean;
    case Quantity::variance:
      return unit::statistics(u).variance;
    case Quantity::std:
      return std::sqrt(unit::statistics(u).variance);
    case Quantity::mean_abs:
      return unit::statistics(u).mean_abs;
    case Quantity::sampling:
      break;
  }
  return NAN;
}

// Whether a fast result must be recomputed exactly: not finite (an overflow on the way), or a
// standard deviation whose variance left the normal double range.
inline bool needs_exact(Quantity quantity, double result, double result2) {
  if (!std::isfinite(result)) return true;
  if (quantity == Quantity::mean_and_variance) return !std::isfinite(result2);
  return quantity == Quantity::std && result < 1.5e-154;
}

// Workspace of one thread: reused across columns and calls, so no column allocates once the
// thread has seen a layer of this size (a call still builds its per-unit tables, O(N)).
// `exact_row` marks (nonzero) the rows that the packets cannot represent, for the exact path.
struct FastWorkspace {
  ColumnD input, result, result2, exact_row;
  // Quantity::sampling: one uniform per row (an input), and the side it chooses: its sign, t, a,
  // g and sqrt(g), and `excluded` (nonzero) where the packet path could not represent the row's
  // input or weights (result and result2 hold the side probabilities).
  ColumnD uniform, sign, t, a, g, sqrt_g, excluded;
  // The float lanes (float_kernels.hpp): input and results in float.
  ColumnF input_float, result_float, result2_float;
  Eigen::Index rows = 0;  // the layer's units; the columns are padded to whole row blocks
  void resize(Eigen::Index padded) {
    for (ColumnD* c :
         {&input, &result, &result2, &exact_row, &uniform, &sign, &t, &a, &g, &sqrt_g, &excluded}) {
      c->setZero(padded);
    }
    for (ColumnF* c : {&input_float, &result_float, &result2_float}) c->setZero(padded);
  }
};

inline FastWorkspace& thread_workspace(Eigen::Index n) {
  thread_local FastWorkspace workspace;
  if (workspace.input.size() != padded_rows(n)) workspace.resize(padded_rows(n));
  workspace.rows = n;
  return workspace;
}

// The rows of the workspace's column rounded up to whole packets of `lanes`.
inline Eigen::Index packet_rows_end(const FastWorkspace& w, int lanes) {
  return (w.rows + lanes - 1) / lanes * lanes;
}

// Side values of one packet of rows. P is a packet, or a scalar for the full-range recompute.
// The mean gap m(b) is kept as the quotient gap_numerator/gap_denominator.
template <class P>
struct Side {
  P t, a, b, q, e, mass, y, negative, gap_numerator, gap_denominator;
};

template <class P>
DRELU_ALWAYS_INLINE P load(const ColumnD& c, Eigen::Index i) {
  if constexpr (simd::is_scalar<P>) {
    return c(i);
  } else {
    return simd::ei::ploadu<P>(c.data() + i);
  }
}

template <class P>
DRELU_ALWAYS_INLINE void store(ColumnD& c, Eigen::Index i, const P& x) {
  if constexpr (simd::is_scalar<P>) {
    c(i) = x;
  } else {
    simd::ei::pstoreu(c.data() + i, x);
  }
}

// t, a, b = |a|, q, e = exp(−q), y and the mean gap m(b) of one side at rows [i, i + lanes).
// The Mills ratio R = 1/(b + m) is formed as den/(b den + num) with m = num/den: one division.
template <class Fits, class P>
DRELU_ALWAYS_INLINE Side<P> side_values(const SideParameters& p, Eigen::Index i, const P& input,
                                        bool mirrored) {
  namespace ei = simd::ei;
  using simd::broadcast;
  constexpr double sqrt_2pi_hi = 2.50662827463100069e+00;
  constexpr double sqrt_2pi_lo = -1.83285799804591668e-16;
  const P zero = ei::pzero(input);
  const P inv_sqrt_g = load<P>(p.inv_sqrt_g, i);
  Side<P> s;
  s.t = mirrored ? ei::psub(load<P>(p.sign_theta, i), input)
                 : ei::padd(load<P>(p.sign_theta, i), input);
  s.a = ei::pnegate(ei::pmul(s.t, inv_sqrt_g));
  s.b = ei::pabs(s.a);
  const P positive_t = ei::pmax(s.t, zero);
  s.q = ei::pmul(ei::pmul(positive_t, positive_t), load<P>(p.half_inv_g, i));
  s.e = simd::exp_nonpositive(ei::pnegate(s.q));
  const simd::Quotient<P> gap = simd::mean_gap<Fits>(s.b, simd::transformed(s.b));
  s.gap_numerator = gap.numerator;
  s.gap_denominator = gap.denominator;
  const P mills = ei::pdiv(s.gap_denominator, ei::pmadd(s.b, s.gap_denominator, s.gap_numerator));
  s.negative = ei::pcmp_lt(s.a, zero);
  const P negative_mass = ei::padd(ei::psub(broadcast<P>(sqrt_2pi_hi), ei::pmul(s.e, mills)),
                                   broadcast<P>(sqrt_2pi_lo));
  s.mass = ei::pselect(s.negative, negative_mass, mills);  // y sqrt(g)
  s.y = ei::pmul(s.mass, inv_sqrt_g);
  return s;
}

// The side weights, scaled by exp(−q_big), with "big" the side of larger q and "small" the other:
// y_big and y_small x, x = exp(−d), d = q_big − q_small >= 0. Since a side with a >= 0 has
// q = 0 and e = 1, x = e_big/e_small on every lane, a division instead of another exp, as long
// as e_big is far from underflow; lanes with q_big > 700 take the exp (a branch per packet), and
// lanes with d > 700 are `far`: the packet exp stops at exp(−708) (packet_math.hpp), so
// the scalar instantiation recomputes them with r = exp(log(y_small/y_big) − d), the small
// side's weight relative to the big one's.
template <class P>
struct Weights {
  P big_is_positive, q_big, q_small, d, e_big, y_big, y_small, x, small, far;
};

// d_signed = q⁺ − q⁻, from the rounded q or, where both are large, from exponent_difference.
template <class P>
DRELU_ALWAYS_INLINE Weights<P> side_weights(const Side<P>& pos, const Side<P>& neg,
                                            const P& d_signed) {
  namespace ei = simd::ei;
  using simd::broadcast;
  Weights<P> w;
  w.big_is_positive = ei::pcmp_le(ei::pzero(d_signed), d_signed);
  const auto big_small = [&](const P& positive, const P& negative, P& big, P& small) {
    big = ei::pselect(w.big_is_positive, positive, negative);
    small = ei::pselect(w.big_is_positive, negative, positive);
  };
  P e_small;
  big_small(pos.q, neg.q, w.q_big, w.q_small);
  big_small(pos.e, neg.e, w.e_big, e_small);
  big_small(pos.y, neg.y, w.y_big, w.y_small);
  w.d = ei::pabs(d_signed);
  w.far = ei::pcmp_lt(broadcast<P>(700.0), w.d);
  w.x = ei::pdiv(w.e_big, e_small);
  const P deep = ei::pcmp_lt(broadcast<P>(700.0), w.q_big);
  if (ei::predux_any(deep)) {
    w.x = ei::pselect(deep, simd::exp_nonpositive(ei::pnegate(w.d)), w.x);
  }
  w.small = ei::pmul(w.y_small, w.x);
  return w;
}

// q = t²/(2g) of one side, t = base + shift, as an unevaluated sum hi + lo accurate to about u²
// relative: t by a two-sum, t² by a two-product (std::fma, exact with or without hardware fma),
// the division with its exact remainder.
inline void exact_exponent(double base, double shift, double g, double& hi, double& lo) {
  const double t = base + shift;
  const double shift_part = t - base;
  const double t_error = (base - (t - shift_part)) + (shift - shift_part);
  const double square = t * t;
  const double square_error = std::fma(t, t, -square) + 2 * t * t_error;
  const double two_g = 2 * g;
  hi = square / two_g;
  lo = (std::fma(-hi, two_g, square) + square_error) / two_g;
}

// q⁺ − q⁻ of one row, accurate to a few u of |q⁺ − q⁻| however large q⁺ and q⁻ are (their
// rounded difference is off by about u q, which near equal weights shows in the variance at
// second order).
inline double exponent_difference(const FastUnits& units, Eigen::Index row, double input) {
  double positive_hi, positive_lo, negative_hi, negative_lo;
  exact_exponent(units.positive.sign_theta(row), input, units.positive.g(row), positive_hi,
                 positive_lo);
  exact_exponent(units.negative.sign_theta(row), -input, units.negative.g(row), negative_hi,
                 negative_lo);
  return (positive_hi - negative_hi) + (positive_lo - negative_lo);
}

// q⁺ − q⁻ at rows [i, i + lanes): rounded, except on the lanes where both q exceed 2^20.
template <class P>
DRELU_ALWAYS_INLINE P exponent_differences(const FastUnits& units, Eigen::Index i,
                                           const FastWorkspace& w, const Side<P>& pos,
                                           const Side<P>& neg) {
  namespace ei = simd::ei;
  const P rounded = ei::psub(pos.q, neg.q);
  const P large = ei::pcmp_lt(simd::broadcast<P>(0x1p20), ei::pmin(pos.q, neg.q));
  if (!ei::predux_any(large)) return rounded;
  if constexpr (simd::is_scalar<P>) {
    return exponent_difference(units, i, w.input(i));
  } else {
    constexpr int lanes = ei::unpacket_traits<P>::size;
    double d[lanes], flag[lanes];
    ei::pstoreu(d, rounded);
    ei::pstoreu(flag, large);
    for (int k = 0; k < lanes; ++k) {
      if (flag[k] != 0) d[k] = exponent_difference(units, i + k, w.input(i + k));
    }
    return ei::ploadu<P>(d);
  }
}

// r = y_small x / y_big, the small side's weight relative to the big side's, where y_small x
// may leave the double range: through log and exp on the far lanes of the scalar instantiation.
template <class P>
DRELU_ALWAYS_INLINE P relative_weight(const Weights<P>& w) {
  const P ratio = simd::ei::pdiv(w.y_small, w.y_big);
  if constexpr (simd::is_scalar<P>) {
    if (w.d > 700) return std::exp(std::log(ratio) - w.d);
  }
  return simd::ei::pmul(ratio, w.x);
}

// The cgf: q_big + log(y_big + y_small x), or, on lanes where the small side's weight dominates
// (y_small x > y_big) with x < 1/4, q_small + log(y_small (1 + 1/r)): the larger term first, so
// that q and the log do not cancel.
template <class P>
DRELU_ALWAYS_INLINE P weights_cgf(const Weights<P>& w) {
  namespace ei = simd::ei;
  const P one = simd::broadcast<P>(1.0);
  P cgf = ei::padd(w.q_big, ei::plog(ei::padd(w.y_big, w.small)));
  // Only where d > 1 can q_big and the log cancel by more than the cgf's own conditioning.
  P small_dominates =
      ei::pand(ei::pcmp_lt(w.y_big, w.small), ei::pcmp_lt(w.x, simd::broadcast<P>(0.25)));
  if constexpr (simd::is_scalar<P>) small_dominates = ei::por(small_dominates, w.far);
  if (ei::predux_any(small_dominates)) {
    const P r = relative_weight(w);
    const P alternative =
        ei::padd(w.q_small, ei::plog(ei::pmul(w.y_small, ei::padd(one, ei::pdiv(one, r)))));
    const P big_base = ei::padd(w.q_big, ei::plog(ei::pmul(w.y_big, ei::padd(one, r))));
    cgf =
        ei::pselect(small_dominates, ei::pselect(ei::pcmp_lt(one, r), alternative, big_base), cgf);
  }
  return cgf;
}

// The side probabilities y_big/total and y_small x/total; where y_small x is below 2^-900
// (possibly rounded to a subnormal while its probability is not), 1/(1 + r) and r/(1 + r).
// inverse_total = 1/total = 1/(y_big + y_small x).
template <class P>
DRELU_ALWAYS_INLINE void weights_probabilities(const Weights<P>& w, P& p_positive, P& p_negative,
                                               P& inverse_total) {
  namespace ei = simd::ei;
  const P one = simd::broadcast<P>(1.0);
  inverse_total = ei::pdiv(one, ei::padd(w.y_big, w.small));
  P p_big = ei::pmul(w.y_big, inverse_total);
  P p_small = ei::pmul(w.small, inverse_total);
  P tiny = ei::pcmp_lt(w.small, simd::broadcast<P>(0x1p-900));
  if constexpr (simd::is_scalar<P>) tiny = ei::por(tiny, w.far);
  if (ei::predux_any(tiny)) {
    const P r = relative_weight(w);
    const P p_big_r = ei::pdiv(one, ei::padd(one, r));
    p_big = ei::pselect(tiny, p_big_r, p_big);
    p_small = ei::pselect(tiny, ei::pmul(r, p_big_r), p_small);
  }
  p_positive = ei::pselect(w.big_is_positive, p_big, p_small);
  p_negative = ei::pselect(w.big_is_positive, p_small, p_big);
}

// Mean (in units of h, sign of the side's own axis) and, when asked, variance of one side. On
// lanes with a < 0 the gap is λ + b, λ = φ(b)/Φ(b) = e/(y sqrt(g)); one division gives λ or m.
// The variance is the fit of v for a >= −1, and 1 − λ (λ + b) below (cancellation at most 0.6).
// The gap of a side (Side, or FloatSide of float_kernels.hpp) in units of 1/sqrt(g), λ + b or m,
// and `ratio`, λ or m, from one division.
template <class S, class P>
DRELU_ALWAYS_INLINE void side_gap(const S& s, P& ratio, P& gap) {
  namespace ei = simd::ei;
  ratio = ei::pdiv(ei::pselect(s.negative, s.e, s.gap_numerator),
                   ei::pselect(s.negative, s.mass, s.gap_denominator));
  gap = ei::padd(ratio, ei::pselect(s.negative, s.b, ei::pzero(s.b)));
}

template <class Fits, class P>
DRELU_ALWAYS_INLINE void side_moments(const SideParameters& p, Eigen::Index i, const Side<P>& s,
                                      bool with_variance, P& mean, P& variance) {
  namespace ei = simd::ei;
  using simd::broadcast;
  P ratio, gap;
  side_gap(s, ratio, gap);
  mean = ei::pmul(gap, load<P>(p.inv_sqrt_g, i));
  if (!with_variance) return;
  const P tail = ei::pcmp_lt(s.a, broadcast<P>(special::packet::variance_domain_start));
  const P tail_variance = ei::psub(broadcast<P>(1.0), ei::pmul(ratio, gap));
  variance = ei::pmul(ei::pselect(tail, tail_variance, simd::truncated_variance<Fits>(s.a)),
                      load<P>(p.inv_g, i));
}

// The mixture mean E[h] = p⁺ m⁺ − p⁻ m⁻, or, on lanes where its two terms cancel more than
// those of the second form, E[h] = (1/g⁺ − 1/g⁻)/Z + p⁺ t⁺/g⁺ + p⁻ t⁻/g⁻ (t⁻ = θ⁻ + I unmirrored).
// The second form follows from integrating each side by parts, Z_s m_s = (1 + t_s Z_s)/g_s; it
// has no cancellation near a Gaussian unit (g⁺ = g⁻, t⁺ = t⁻), where E[h] = t/g may be far
// smaller than E|h|. 1/Z = exp(−q_big)/(y_big + y_small x), used only on the lanes where it is
// `known` (exp(−q_big) not clamped by the packet exp).
template <class P>
DRELU_ALWAYS_INLINE P mixture_mean(const P& inv_g_p, const P& inv_g_n, const P& t_p, const P& t_n,
                                   const Weights<P>& w, const P& p_pos, const P& p_neg,
                                   const P& mean_p, const P& mean_n, const P& inverse_total,
                                   const P& known) {
  namespace ei = simd::ei;
  // Both differences by difference_of_products: an exactly symmetric unit (p⁺ = p⁻, m⁺ = m⁻,
  // t⁺ = −t⁻, g⁺ = g⁻) gets E[h] = 0 exactly.
  const P positive_term = ei::pmul(p_pos, mean_p);
  const P negative_term = ei::pmul(p_neg, mean_n);
  const P sides = simd::difference_of_products(p_pos, mean_p, p_neg, mean_n);
  const P inverse_z = ei::pmul(w.e_big, inverse_total);
  const P scale_term = ei::pmul(ei::psub(inv_g_p, inv_g_n), inverse_z);
  const P positive_weight = ei::pmul(p_pos, t_p);
  const P negative_weight = ei::pmul(p_neg, t_n);
  const P positive_shift = ei::pmul(positive_weight, inv_g_p);
  const P negative_shift = ei::pmul(negative_weight, inv_g_n);
  const P by_parts = ei::padd(
      scale_term, simd::difference_of_products(positive_weight, inv_g_p, negative_weight, inv_g_n));
  const P sides_size = ei::padd(positive_term, negative_term);
  const P by_parts_size =
      ei::padd(ei::pabs(scale_term), ei::padd(ei::pabs(positive_shift), ei::pabs(negative_shift)));
  return ei::pselect(ei::pand(known, ei::pcmp_lt(by_parts_size, sides_size)), by_parts, sides);
}

// Law of total variance: within the sides, plus between them (the means are on the sides' own
// axes, so their gap is m⁺ + m⁻).
template <class P>
DRELU_ALWAYS_INLINE P mixture_variance(const P& p_pos, const P& p_neg, const P& mean_p,
                                       const P& mean_n, const P& var_p, const P& var_n) {
  namespace ei = simd::ei;
  const P gap = ei::padd(mean_p, mean_n);
  return ei::padd(ei::pmadd(p_pos, var_p, ei::pmul(p_neg, var_n)),
                  ei::pmul(ei::pmul(p_pos, p_neg), ei::pmul(gap, gap)));
}

// Lanes where a side's probability fell below `tiny` while its moments exceed the other side's
// by more than `huge`, so that its share may still show in the result although its probability
// was not computed to full relative accuracy (var_p and var_n are used when with_variance).
template <class P>
DRELU_ALWAYS_INLINE P lost_share(const P& p_pos, const P& p_neg, const P& mean_p, const P& mean_n,
                                 const P& var_p, const P& var_n, bool with_variance,
                                 simd::scalar_of<P> tiny, simd::scalar_of<P> huge_ratio) {
  namespace ei = simd::ei;
  const P lost = ei::pcmp_lt(ei::pmin(p_pos, p_neg), simd::broadcast<P>(tiny));
  const P huge = simd::broadcast<P>(huge_ratio);
  const P positive_likely = ei::pcmp_le(p_neg, p_pos);
  const auto likely_unlikely = [&](const P& positive, const P& negative, P& likely, P& unlikely) {
    likely = ei::pselect(positive_likely, positive, negative);
    unlikely = ei::pselect(positive_likely, negative, positive);
  };
  P mean_likely, mean_unlikely;
  likely_unlikely(mean_p, mean_n, mean_likely, mean_unlikely);
  P share = ei::pand(lost, ei::pcmp_lt(ei::pmul(huge, mean_likely), mean_unlikely));
  if (with_variance) {
    P var_likely, var_unlikely;
    likely_unlikely(var_p, var_n, var_likely, var_unlikely);
    const P gap = ei::padd(mean_p, mean_n);
    const P spread = ei::pmadd(gap, gap, var_unlikely);
    share = ei::por(share, ei::pand(lost, ei::pcmp_lt(ei::pmul(huge, var_likely), spread)));
  }
  return share;
}

// Lanes of one packet that need more than the packet path: `far` ones are recomputed by the
// scalar instantiation (full-range exp), `review` ones are checked for the exact path (b out of
// the fast domain, input or result not finite, a standard deviation below 1.5e-154).
template <class P>
struct LaneFlags {
  P far, review;
};

template <class P>
DRELU_ALWAYS_INLINE P not_finite(const P& x) {
  namespace ei = simd::ei;
  return ei::pnot(ei::pcmp_lt(ei::pabs(x), simd::broadcast<P>(INFINITY)));  // also NaN
}

// The side that each row's uniform chooses, given the side probabilities (the less likely side
// is tested, as in random::choose_positive), and that side's sign, t, a, g and sqrt(g), by
// selects. Rows whose input or weights the packet path could not represent are `excluded`.
template <class P>
DRELU_ALWAYS_INLINE void choose_sides(const FastUnits& units, Eigen::Index i, FastWorkspace& w,
                                      const Side<P>& pos, const Side<P>& neg, const P& p_pos,
                                      const P& p_neg, const P& review) {
  namespace ei = simd::ei;
  using simd::broadcast;
  const P u = load<P>(w.uniform, i);
  const P positive = ei::pselect(ei::pcmp_lt(p_neg, p_pos), ei::pnot(ei::pcmp_lt(u, p_neg)),
                                 ei::pcmp_lt(u, p_pos));
  const auto choose = [&](const ColumnD& on_positive, const ColumnD& on_negative) {
    return ei::pselect(positive, load<P>(on_positive, i), load<P>(on_negative, i));
  };
  store(w.sign, i, ei::pselect(positive, broadcast<P>(1.0), broadcast<P>(-1.0)));
  store(w.t, i, ei::pselect(positive, pos.t, neg.t));
  store(w.a, i, ei::pselect(positive, pos.a, neg.a));
  store(w.g, i, choose(units.positive.g, units.negative.g));
  store(w.sqrt_g, i, choose(units.positive.sqrt_g, units.negative.sqrt_g));
  const P representable = ei::pcmp_lt(broadcast<P>(0.5), ei::padd(p_pos, p_neg));  // not NaN
  const P excluded = ei::por(ei::por(review, ei::pnot(representable)), not_finite(p_pos));
  store(w.excluded, i, ei::pand(excluded, broadcast<P>(1.0)));
}

// The quantity at rows [i, i + lanes) of the workspace's column.
template <Quantity Q, class Fits, class P>
LaneFlags<P> packet_quantity(const FastUnits& units, Eigen::Index i, FastWorkspace& w) {
  namespace ei = simd::ei;
  const P input = load<P>(w.input, i);
  const Side<P> pos = side_values<Fits>(units.positive, i, input, false);
  const Side<P> neg = side_values<Fits>(units.negative, i, input, true);
  const Weights<P> weights = side_weights(pos, neg, exponent_differences(units, i, w, pos, neg));
  const P one = simd::broadcast<P>(1.0);
  const P limit = simd::broadcast<P>(1e100);
  const P outside = ei::pnot(ei::pand(ei::pcmp_lt(pos.b, limit), ei::pcmp_lt(neg.b, limit)));
  // Lanes for the exact path: b out of the domain, input not finite, q overflowed (t² beyond
  // the double range).
  P review =
      ei::por(ei::por(outside, not_finite(input)), ei::por(not_finite(pos.q), not_finite(neg.q)));
  store(w.exact_row, i, ei::pand(review, one));
  if constexpr (Q == Quantity::cgf) {
    const P cgf = weights_cgf(weights);
    store(w.result, i, cgf);
    return {weights.far, ei::por(review, not_finite(cgf))};
  }
  P p_pos, p_neg, inverse_total;
  weights_probabilities(weights, p_pos, p_neg, inverse_total);
  if constexpr (Q == Quantity::prob_positive || Q == Quantity::prob_negative) {
    const P p = Q == Quantity::prob_positive ? p_pos : p_neg;
    store(w.result, i, p);
    return {weights.far, ei::por(review, not_finite(p))};
  }
  if constexpr (Q == Quantity::sampling) {
    store(w.result, i, p_pos);
    store(w.result2, i, p_neg);
    choose_sides(units, i, w, pos, neg, p_pos, p_neg, review);
    return {weights.far, ei::por(review, ei::por(not_finite(p_pos), not_finite(p_neg)))};
  }
  constexpr bool with_variance =
      Q == Quantity::variance || Q == Quantity::std || Q == Quantity::mean_and_variance;
  P mean_p = ei::pzero(input), var_p = mean_p, mean_n = mean_p, var_n = mean_p;
  side_moments<Fits>(units.positive, i, pos, with_variance, mean_p, var_p);
  side_moments<Fits>(units.negative, i, neg, with_variance, mean_n, var_n);
  // A side whose probability left the double range (below 2^-1000) while its moments exceed the
  // other side's by more than 2^900, so that its share may still show: exact.
  const P lost =
      lost_share(p_pos, p_neg, mean_p, mean_n, var_p, var_n, with_variance, 0x1p-1000, 0x1p900);
  if (ei::predux_any(lost)) {
    review = ei::por(review, lost);
    store(w.exact_row, i, ei::pand(review, one));
  }
  if constexpr (Q == Quantity::mean_abs) {
    const P mean_abs = ei::pmadd(p_pos, mean_p, ei::pmul(p_neg, mean_n));
    store(w.result, i, mean_abs);
    return {weights.far, ei::por(review, not_finite(mean_abs))};
  }
  const P variance = mixture_variance(p_pos, p_neg, mean_p, mean_n, var_p, var_n);
  if constexpr (Q == Quantity::mean || Q == Quantity::mean_and_variance) {
    // Beyond q_big = 700, exp(−q_big) is clamped (packets) or subnormal (scalars): 1/Z is not
    // known there.
    const P known = ei::pcmp_lt(weights.q_big, simd::broadcast<P>(700.0));
    const P mean =
        mixture_mean(load<P>(units.positive.inv_g, i), load<P>(units.negative.inv_g, i), pos.t,
                     neg.t, weights, p_pos, p_neg, mean_p, mean_n, inverse_total, known);
    store(w.result, i, mean);
    if constexpr (Q == Quantity::mean) return {weights.far, ei::por(review, not_finite(mean))};
    store(w.result2, i, variance);
    return {weights.far, ei::por(review, ei::por(not_finite(mean), not_finite(variance)))};
  }
  if constexpr (Q == Quantity::std) {
    const P std = simd::correctly_rounded_sqrt(variance);
    store(w.result, i, std);
    const P tiny = ei::pcmp_lt(std, simd::broadcast<P>(1.5e-154));
    return {weights.far, ei::por(review, ei::por(not_finite(std), tiny))};
  }
  store(w.result, i, variance);
  return {weights.far, ei::por(review, not_finite(variance))};
}

// The quantity at rows [i, i + kLanes), with the far lanes recomputed by the scalar
// instantiation; returns the lanes that need a review for the exact path.
template <Quantity Q, class Fits>
PacketD packet_rows(const FastUnits& units, Eigen::Index i, FastWorkspace& w) {
  const LaneFlags<PacketD> flags = packet_quantity<Q, Fits, PacketD>(units, i, w);
  PacketD review = flags.review;
  if constexpr (kLanes > 1) {
    if (!simd::ei::predux_any(flags.far)) return review;
    for (Eigen::Index k = i; k < i + kLanes; ++k) {
      review = simd::ei::por(
          review, simd::broadcast<PacketD>(packet_quantity<Q, Fits, double>(units, k, w).review));
    }
  }
  return review;
}

// result = the quantity for every row of the workspace's column (result2 = the variance for
// Quantity::mean_and_variance; the side probabilities, t and a for Quantity::sampling). Returns
// whether some row needs a review for the exact path. One instantiation per quantity, so that
// each kernel is compiled for what it computes.
template <Quantity Q, class Fits>
bool fast_column(const FastUnits& units, FastWorkspace& w) {
  PacketD review = simd::ei::pzero(PacketD());
  for (Eigen::Index i = 0; i < packet_rows_end(w, kLanes); i += kLanes) {
    review = simd::ei::por(review, packet_rows<Q, Fits>(units, i, w));
  }
  return simd::ei::predux_any(review);
}

// The coefficient set of a layer: float layers, whose results are rounded to float, use the
// lower-degree fits.
template <class Layer>
using FitsFor = std::conditional_t<std::is_same<typename Layer::Scalar, float>::value,
                                   simd::FloatLayerFits, simd::DoubleFits>;

}  // namespace detail
}  // namespace drelu

DRELU_SIMD_DIAGNOSTICS_END
