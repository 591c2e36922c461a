// The fast path of the batch functions for float and double layers: cgf, side probabilities,
// mean, variance and mean |h| of every element, one column at a time, in double.
//
// Each side (t, g) of a unit is written Z = exp(q) y with
//   a >= 0:  q = 0,        y = R(a)/sqrt(g)
//   a <  0:  q = t²/(2g),  y = (sqrt(2π) − exp(−q) R(|a|))/sqrt(g)     (y in [1/2, 1] sqrt(2π/g))
// where a = −t/sqrt(g) and R is the Mills ratio (tail_approximations.hpp, a few ulps). Then
//   cgf = q* + log(y⁺ e^(q⁺−q*) + y⁻ e^(q⁻−q*)),  q* = max(q⁺, q⁻),
// and the side weights are the two terms over their sum: no log-partition is ever rounded and
// then exponentiated, so a weight keeps its relative accuracy whatever the scales. The
// exponentials and the log run over whole columns with Eigen's packet math; the Mills ratio and
// the truncated moments are evaluated element by element. Units with γ = 0, ±inf or subnormal,
// or θ infinite, inputs that are not finite, results that left the double range on the way and
// standard deviations below 1.5e-154 take the exact scalar path of unit.hpp in long double.
#pragma once

#include <Eigen/Core>
#include <cmath>
#include <limits>
#include <type_traits>
#include <vector>

#include "batch.hpp"
#include "tail_approximations.hpp"
#include "unit.hpp"

namespace drelu {
namespace detail {

// Scalars whose batch functions take the fast path.
template <class T>
struct has_fast_path : std::integral_constant<bool, std::is_same<T, float>::value ||
                                                        std::is_same<T, double>::value> {};

using ColumnD = Eigen::Array<double, Eigen::Dynamic, 1>;

// One side of every unit, with what the kernels need hoisted out of the batch loop. The
// negative side is mirrored: its t is −(θ⁻ + I).
struct SideParameters {
  ColumnD sign_theta;  // θ⁺, or −θ⁻ for the negative side
  ColumnD sqrt_g;      // sqrt(g)
  ColumnD inv_sqrt_g;  // 1/sqrt(g)
  ColumnD inv_g;       // 1/g
  ColumnD half_inv_g;  // 1/(2g)
};

struct FastUnits {
  SideParameters positive, negative;
  UnitParameters<double> parameters;    // the dReLU parameters, converted in double
  UnitParameters<long double> exact;    // for the units and elements the fast path leaves out
  std::vector<Eigen::Index> irregular;  // units with γ = 0 or ±inf on a side, or θ infinite
};

inline SideParameters side_parameters(const ColumnD& theta, const ColumnD& gamma, double sign) {
  SideParameters side;
  side.sign_theta = sign * theta;
  side.sqrt_g = gamma.sqrt();
  side.inv_sqrt_g = side.sqrt_g.inverse();
  side.inv_g = gamma.inverse();
  side.half_inv_g = side.inv_g / 2;
  return side;
}

template <class Layer>
FastUnits fast_units(const Layer& layer) {
  FastUnits units;
  units.parameters = unit_parameters<double>(layer);
  units.exact = unit_parameters<long double>(layer);
  const auto& u = units.parameters;
  units.positive = side_parameters(u.theta_p, u.gamma_p, 1.0);
  units.negative = side_parameters(u.theta_n, u.gamma_n, -1.0);
  // γ must be a positive double whose reciprocal is finite too (no subnormal γ), θ finite.
  const auto usable_scale = [](double g) { return g > 0 && std::isfinite(1 / g) && g < INFINITY; };
  for (Eigen::Index i = 0; i < layer.size(); ++i) {
    const bool regular = usable_scale(u.gamma_p(i)) && usable_scale(u.gamma_n(i)) &&
                         std::isfinite(u.theta_p(i)) && std::isfinite(u.theta_n(i));
    if (!regular) units.irregular.push_back(i);
  }
  return units;
}

// Per-column values of one side: t, a, the exponent q, the scaled mass y, and (on demand) the
// side's mean and variance.
struct SideColumn {
  ColumnD t, a, q, y, mean, variance;

  void resize(Eigen::Index n) {
    for (ColumnD* c : {&t, &a, &q, &y, &mean, &variance}) c->resize(n);
  }
};

// R(b) for b >= 0, with the table of [0, 16) inlined into the column loop.
inline double mills_ratio_of_magnitude(double b) {
  namespace fast = special::fast;
  if (b < 16) return fast::detail::evaluate_table(fast::detail::mills_ratio_table, b, 0.0);
  return fast::mills_ratio(b);
}

// t, a, q and y of one side for the inputs of one column. Eigen 3.4 does not vectorize select(),
// so the exponential runs over the whole column (q = 0 gives 1 where a >= 0) and the branch
// on the sign of a sits in the element loop with the Mills ratio.
template <class Inputs>
void side_masses(const SideParameters& p, const Inputs& input, double sign, SideColumn& s) {
  constexpr double sqrt_2pi = 2.506628274631000502415765284811045253;
  s.t = p.sign_theta + sign * input;
  s.a = -s.t / p.sqrt_g;
  s.q = s.t.max(0.0).square() * p.half_inv_g;  // t²/(2g) where a < 0, else 0
  s.y = (-s.q).exp();
  for (Eigen::Index i = 0; i < s.a.size(); ++i) {
    const double a = s.a(i);
    if (a >= 16) {
      // Far tail: y = R(a)/sqrt(g) = (a R(a))/(−t), exact also where a overflows.
      s.y(i) = special::fast::scaled_mills_ratio_tail(a) / -s.t(i);
      continue;
    }
    const double mills = mills_ratio_of_magnitude(std::abs(a));
    const double negative = a < 0;  // a blend, not a branch: the sign is unpredictable
    const double mass = negative * (sqrt_2pi - s.y(i) * mills) + (1 - negative) * mills;  // exact
    s.y(i) = p.inv_sqrt_g(i) * mass;
  }
}

// Mean (and, when asked, variance) of one side: s m(a) and v(a)/g, or in the far tail
// (a >= 16) a m(a)/(−t) and a² v(a)/t², which stay exact where a or 1/sqrt(g) overflow.
inline void side_moments(const SideParameters& p, bool with_variance, SideColumn& s) {
  namespace fast = special::fast;
  const double low = fast::detail::table_low;
  for (Eigen::Index i = 0; i < s.a.size(); ++i) {
    const double a = s.a(i);
    if (a >= 16) {
      const double t = s.t(i);
      s.mean(i) = fast::scaled_mean_gap(a) / -t;
      if (with_variance) s.variance(i) = fast::scaled_truncated_variance(a) / t / t;
      continue;
    }
    // The tables of [-8, 16) are inlined into the column loop.
    const bool table = a >= low;
    s.mean(i) = (table ? fast::detail::evaluate_table(fast::detail::mean_gap_table, a, low)
                       : fast::mean_gap(a)) *
                p.inv_sqrt_g(i);
    if (!with_variance) continue;
    s.variance(i) =
        (table ? fast::detail::evaluate_table(fast::detail::truncated_variance_table, a, low)
               : fast::truncated_variance(a)) *
        p.inv_g(i);
  }
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
  mean_and_variance
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
struct FastWorkspace {
  SideColumn positive, negative;
  ColumnD input, weight_p, weight_n, total, result, result2;

  void resize(Eigen::Index n) {
    positive.resize(n);
    negative.resize(n);
    for (ColumnD* c : {&input, &weight_p, &weight_n, &total, &result, &result2}) c->resize(n);
  }
};

inline FastWorkspace& thread_workspace(Eigen::Index n) {
  thread_local FastWorkspace workspace;
  if (workspace.input.size() != n) workspace.resize(n);
  return workspace;
}

// weight = y exp(d) for every element (d <= 0, y > 0). Eigen 3.4's packet exp clamps its
// argument at -709.78 (it returns DBL_MIN below, not a subnormal or 0), and exp(d) can
// underflow where y exp(d) does not, so those rare elements use exp(d + log y).
inline void scaled_exp(const ColumnD& d, const ColumnD& y, ColumnD& weight) {
  weight = y * d.exp();
  if ((d < -708).any()) {
    for (Eigen::Index i = 0; i < d.size(); ++i) {
      if (d(i) < -708) weight(i) = std::exp(d(i) + std::log(y(i)));
    }
  }
}

// log of every element; Eigen's packet log clamps subnormal arguments to DBL_MIN, so those
// elements use std::log.
inline void log_in_place(ColumnD& x) {
  const bool subnormal = (x < std::numeric_limits<double>::min()).any();
  if (!subnormal) {
    x = x.log();
    return;
  }
  for (Eigen::Index i = 0; i < x.size(); ++i) x(i) = std::log(x(i));
}

// The unnormalized side weights of one column, scaled by exp(-result) with result the larger
// exponent, and their sum.
inline void side_weights(const FastUnits& units, FastWorkspace& w) {
  side_masses(units.positive, w.input, 1.0, w.positive);
  side_masses(units.negative, w.input, -1.0, w.negative);
  w.result = w.positive.q.max(w.negative.q);
  w.total = w.positive.q - w.result;
  scaled_exp(w.total, w.positive.y, w.weight_p);
  w.total = w.negative.q - w.result;
  scaled_exp(w.total, w.negative.y, w.weight_n);
  w.total = w.weight_p + w.weight_n;
}

// The side probabilities of one column in weight_p and weight_n.
inline void side_probabilities(const FastUnits& units, FastWorkspace& w) {
  side_weights(units, w);
  w.weight_p /= w.total;
  w.weight_n /= w.total;
}

// result = the quantity for every unit at the inputs of one column (and result2 = the variance
// for Quantity::mean_and_variance).
inline void fast_column(const FastUnits& units, Quantity quantity, FastWorkspace& w) {
  if (quantity == Quantity::cgf) {
    side_weights(units, w);
    log_in_place(w.total);
    w.result += w.total;
    return;
  }
  side_probabilities(units, w);
  if (quantity == Quantity::prob_positive) {
    w.result = w.weight_p;
    return;
  }
  if (quantity == Quantity::prob_negative) {
    w.result = w.weight_n;
    return;
  }
  const bool with_variance = quantity == Quantity::variance || quantity == Quantity::std ||
                             quantity == Quantity::mean_and_variance;
  side_moments(units.positive, with_variance, w.positive);
  side_moments(units.negative, with_variance, w.negative);
  const ColumnD& mp = w.positive.mean;
  const ColumnD& mn = w.negative.mean;
  switch (quantity) {
    case Quantity::mean:
      w.result = w.weight_p * mp - w.weight_n * mn;
      break;
    case Quantity::mean_abs:
      w.result = w.weight_p * mp + w.weight_n * mn;
      break;
    case Quantity::mean_and_variance:
      w.result = w.weight_p * mp - w.weight_n * mn;
      w.result2 = w.weight_p * w.positive.variance + w.weight_n * w.negative.variance +
                  w.weight_p * w.weight_n * (mp + mn).square();
      break;
    default:
      w.result = w.weight_p * w.positive.variance + w.weight_n * w.negative.variance +
                 w.weight_p * w.weight_n * (mp + mn).square();
      if (quantity == Quantity::std) w.result = w.result.sqrt();
  }
}

// Runs fast_column over every column of the inputs, then store(j, workspace) writes column j and
// exact(i, j, unit) overwrites the elements the fast path leaves out (irregular units,
// inputs that are not finite, results that are not finite).
template <class Layer, class Inputs, class Store, class Exact>
void for_each_fast_column(const Layer& layer, const Inputs& inputs, Quantity quantity, Store store,
                          Exact exact) {
  const FastUnits units = fast_units(layer);
  const Eigen::Index n = inputs.rows();
#ifdef _OPENMP
#pragma omp parallel for schedule(static) if (inputs.size() >= kParallelThreshold)
#endif
  for (Eigen::Index j = 0; j < inputs.cols(); ++j) {
    FastWorkspace& w = thread_workspace(n);
    w.input = inputs.col(j).array().template cast<double>();
    fast_column(units, quantity, w);
    store(j, w);
    for (Eigen::Index i : units.irregular) exact(i, j, units.exact.unit(i, w.input(i)));
    // Inputs that are not finite, and results that overflowed on the way (t²/(2g) beyond the
    // double range): the exact path returns the right infinity or limit.
    const bool suspicious = !w.result.allFinite() || !w.input.allFinite() ||
                            (quantity == Quantity::mean_and_variance && !w.result2.allFinite()) ||
                            (quantity == Quantity::std && (w.result < 1.5e-154).any());
    if (suspicious) {
      for (Eigen::Index i = 0; i < n; ++i) {
        const double second = quantity == Quantity::mean_and_variance ? w.result2(i) : 0.0;
        if (needs_exact(quantity, w.result(i), second) || !std::isfinite(w.input(i))) {
          exact(i, j, units.exact.unit(i, w.input(i)));
        }
      }
    }
  }
}

// out(i, j) = the quantity for unit i at inputs(i, j).
template <class Layer, class Inputs, class Out>
void fast_kernel(const Layer& layer, const Inputs& inputs, Quantity quantity, Out& out) {
  using T = typename Layer::Scalar;
  for_each_fast_column(
      layer, inputs, quantity,
      [&](Eigen::Index j, const FastWorkspace& w) {
        out.col(j).array() = w.result.template cast<T>();
      },
      [&](Eigen::Index i, Eigen::Index j, const unit::Unit<long double>& u) {
        out(i, j) = T(exact_quantity(u, quantity));
      });
}

// mean(i, j) and variance(i, j) together, sharing the side weights and moments.
template <class Layer, class Inputs, class Mean, class Variance>
void fast_mean_variance_kernel(const Layer& layer, const Inputs& inputs, Mean& mean,
                               Variance& variance) {
  using T = typename Layer::Scalar;
  for_each_fast_column(
      layer, inputs, Quantity::mean_and_variance,
      [&](Eigen::Index j, const FastWorkspace& w) {
        mean.col(j).array() = w.result.template cast<T>();
        variance.col(j).array() = w.result2.template cast<T>();
      },
      [&](Eigen::Index i, Eigen::Index j, const unit::Unit<long double>& u) {
        const auto statistics = unit::statistics(u);
        mean(i, j) = T(statistics.mean);
        variance(i, j) = T(statistics.variance);
      });
}

}  // namespace detail
}  // namespace drelu
