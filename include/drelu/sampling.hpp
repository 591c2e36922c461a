// Exact sampling: pick a side with its exact probability, then draw the one-sided truncated
// normal of that side by rejection (docs/sampling.md):
//   a < 0            normal proposal, accepted when above a (acceptance Q(a) >= 1/2)
//   0 <= a < 0.25    half-normal proposal (acceptance 2 Q(a) > 0.80)
//   a >= 0.25        exponential proposal with Robert's (1995) optimal rate
//                    α = (a + sqrt(a² + 4))/2, acceptance >= 0.80 and -> 1 as a -> inf.
// No inverse CDF anywhere, so the far tail is as exact as the bulk. Results depend only on the
// generator's state.
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>
#include <random>

#include "batch.hpp"

namespace drelu {
namespace random {

// A uniform double in the open interval (0, 1) with 53 random bits, from any uniform random
// bit generator (the same bits give the same value on every platform for 32- and 64-bit
// generators).
template <class Generator>
double uniform_open(Generator& rng) {
  using result_type = typename Generator::result_type;
  constexpr auto range = Generator::max() - Generator::min();
  std::uint64_t bits;
  if constexpr (range == std::numeric_limits<std::uint64_t>::max()) {
    bits = static_cast<std::uint64_t>(rng() - Generator::min()) >> 11;
  } else if constexpr (range == std::numeric_limits<std::uint32_t>::max()) {
    const std::uint64_t high = static_cast<std::uint64_t>(rng() - Generator::min());
    const std::uint64_t low = static_cast<std::uint64_t>(rng() - Generator::min());
    bits = ((high << 32) | low) >> 11;
  } else {
    static_assert(std::is_unsigned<result_type>::value, "generator must return unsigned");
    double u;
    do {
      u = std::generate_canonical<double, 53>(rng);
    } while (u <= 0.0 || u >= 1.0);
    return u;
  }
  return (static_cast<double>(bits) + 0.5) * 0x1.0p-53;
}

// An exponential variate of rate 1.
template <class Generator>
double exponential(Generator& rng) {
  return -std::log(uniform_open(rng));
}

// A standard normal variate (Marsaglia's polar method; one of each pair is used, which keeps
// every draw a function of the generator's state alone).
template <class Generator>
double normal(Generator& rng) {
  double x, y, r2;
  do {
    x = 2.0 * uniform_open(rng) - 1.0;
    y = 2.0 * uniform_open(rng) - 1.0;
    r2 = x * x + y * y;
  } while (r2 >= 1.0);
  return x * std::sqrt(-2.0 * std::log(r2) / r2);
}

// A draw u >= 0 from the side density ∝ exp(-g u²/2 + t u) (g >= 0, normalizable).
// The exponential branch works in u's own scale with rate β = α sqrt(g) =
// (-t + sqrt(t² + 4g))/2, so it stays exact when a = -t/sqrt(g) overflows and for g = 0.
template <class Generator>
double truncated_normal_side(double t, double g, Generator& rng) {
  if (std::isinf(g)) return 0.0;
  const double sqrt_g = std::sqrt(g);
  const double a = g == 0.0 ? std::numeric_limits<double>::infinity() : -t / sqrt_g;
  if (a < 0.0) {
    for (;;) {
      const double z = normal(rng);
      if (z >= a) return (z - a) / sqrt_g;
    }
  }
  if (a < 0.25) {
    for (;;) {
      const double z = std::abs(normal(rng));
      if (z >= a) return (z - a) / sqrt_g;
    }
  }
  const double rate = (-t + std::hypot(t, 2.0 * sqrt_g)) / 2.0;
  for (;;) {
    const double e = exponential(rng);
    const double excess = (e - 1.0) / rate;  // (Y - α) / sqrt(g)
    if (exponential(rng) >= excess * excess * g / 2.0) return e / rate;
  }
}

// One draw of a whole unit: side by its exact probability, then the side's truncated normal.
template <class Generator>
double unit_draw(const unit::Unit<double>& u, Generator& rng) {
  const auto weights = unit::side_probabilities(u);
  const bool positive = weights.negative < weights.positive
                            ? !(uniform_open(rng) < weights.negative)
                            : uniform_open(rng) < weights.positive;
  if (positive) return truncated_normal_side(u.tp, u.gp, rng);
  return -truncated_normal_side(-u.tn, u.gn, rng);
}

}  // namespace random

// Independent draws from p(h) ∝ exp(−U(h) + I h), one per element of the N x B inputs; column
// by column, unit by unit, in that order.
template <class Layer, class Derived, class Generator, class = detail::if_layer<Layer>>
Batch<typename Layer::Scalar> sample_from_inputs(const Layer& layer,
                                                 const Eigen::DenseBase<Derived>& inputs,
                                                 Generator& rng) {
  using T = typename Layer::Scalar;
  detail::require_rows("drelu::sample_from_inputs", "inputs", inputs, layer.size());
  const detail::evaluated_t<Derived> in(inputs.derived());
  const auto units = detail::unit_parameters<double>(layer);
  Batch<T> out(inputs.rows(), inputs.cols());
  for (Eigen::Index j = 0; j < out.cols(); ++j) {
    for (Eigen::Index i = 0; i < out.rows(); ++i) {
      out(i, j) = T(random::unit_draw(units.unit(i, double(in(i, j))), rng));
    }
  }
  return out;
}

// One draw per unit at zero input (N x 1).
template <class Layer, class Generator, class = detail::if_layer<Layer>>
Batch<typename Layer::Scalar> sample_from_inputs(const Layer& layer, Generator& rng) {
  return sample_from_inputs(layer, Batch<typename Layer::Scalar>::Zero(layer.size(), 1), rng);
}

}  // namespace drelu
