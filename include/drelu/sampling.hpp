// Exact sampling: pick a side with its exact probability, then draw the one-sided truncated
// normal of that side by rejection (docs/numerics.md, Sampling):
//   a < 0            normal proposal, accepted when above a (acceptance Q(a) >= 1/2)
//   0 <= a < 0.25    half-normal proposal (acceptance 2 Q(a) > 0.80)
//   a >= 0.25        exponential proposal with Robert's (1995) optimal rate
//                    α = (a + sqrt(a² + 4))/2, acceptance >= 0.79 and -> 1 as a -> inf.
// No inverse CDF anywhere, so the far tail is as exact as the bulk.
//
// Reproducibility: a call draws one 64-bit seed from the caller's generator; column j of the
// batch then uses its own stream fixed by (seed, j) (random.hpp). The batch is therefore a
// function of the generator's state alone, whether or not OpenMP splits the columns across
// threads, and the caller's generator advances by one 64-bit draw per call.
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

#include "batch.hpp"
#include "fast_kernels.hpp"
#include "random.hpp"

namespace drelu {
namespace random {

// The rejection steps for a regular side (0 < g < inf, t finite) density ∝ exp(-g u²/2 + t u),
// u >= 0, given a = -t/sqrt(g) and sqrt(g) from the caller (the batch kernel has them at hand).
// Below a = 0.25: normal proposals, folded to |z| where a >= 0, accepted when z >= a.
inline double normal_proposal_draw(double a, double sqrt_g, Stream& stream) {
  for (;;) {
    const double normal_draw = normal(stream);
    const double z = a >= 0.0 ? std::abs(normal_draw) : normal_draw;
    if (z >= a) return (z - a) / sqrt_g;
  }
}

// From a = 0.25 on: exponential proposals in u's own scale with rate β = α sqrt(g) =
// (-t + sqrt(t² + 4g))/2, so that the draw stays exact when a = -t/sqrt(g) overflows.
inline double exponential_proposal_draw(double t, double g, double sqrt_g, Stream& stream) {
  // sqrt(t² + 4g) without hypot's cost where the squares cannot overflow.
  const bool moderate = std::abs(t) < 1e150 && g < 1e300;
  const double root = moderate ? std::sqrt(t * t + 4.0 * g) : std::hypot(t, 2.0 * sqrt_g);
  const double inverse_rate = 1.0 / (0.5 * root - 0.5 * t);  // halves: no overflow
  const double half_g = g / 2.0;
  for (;;) {
    const double e = exponential(stream);
    const double excess = (e - 1.0) * inverse_rate;  // (Y - α) / sqrt(g)
    if (exponential(stream) >= excess * excess * half_g) return e * inverse_rate;
  }
}

inline constexpr double kExponentialProposalFrom = 0.25;

inline double regular_side_draw(double t, double g, double a, double sqrt_g, Stream& stream) {
  if (a < kExponentialProposalFrom) return normal_proposal_draw(a, sqrt_g, stream);
  return exponential_proposal_draw(t, g, sqrt_g, stream);
}

// A draw u >= 0 from the side density ∝ exp(-g u²/2 + t u) (g >= 0, normalizable).
// The exponential branch works in u's own scale with rate β = α sqrt(g) =
// (-t + sqrt(t² + 4g))/2, so it stays exact when a = -t/sqrt(g) overflows and for g = 0.
inline double truncated_normal_side(double t, double g, Stream& stream) {
  if (std::isnan(t)) return t;
  if (std::isinf(g)) return 0.0;
  if (g == 0.0 && t >= 0.0) return std::numeric_limits<double>::infinity();  // no density
  if (t == std::numeric_limits<double>::infinity()) return t;
  const double sqrt_g = std::sqrt(g);
  const double a = g == 0.0 ? std::numeric_limits<double>::infinity() : -t / sqrt_g;
  return regular_side_draw(t, g, a, sqrt_g, stream);
}

// Whether a draw takes the positive side, given both side probabilities: the less likely side
// is tested, so a probability of 1e-30 is never rounded up to 2^-53.
inline bool choose_positive(double positive, double negative, Stream& stream) {
  const double u = uniform_open(stream);
  return negative < positive ? !(u < negative) : u < positive;
}

// A draw from the chosen side of a unit.
inline double side_draw(const unit::Unit<double>& u, bool positive, Stream& stream) {
  if (positive) return truncated_normal_side(u.tp, u.gp, stream);
  return -truncated_normal_side(-u.tn, u.gn, stream);
}

// One draw of a whole unit whose side weights come from the exact path of unit.hpp in long
// double (degenerate units, infinite inputs, weights the fast kernel could not represent).
inline double unit_draw(const unit::Unit<long double>& exact, Stream& stream) {
  if (std::isnan(exact.tp) || std::isnan(exact.tn)) return std::numeric_limits<double>::quiet_NaN();
  const auto weights = unit::side_probabilities(exact);
  const unit::Unit<double> u{double(exact.tp), double(exact.tn), double(exact.gp),
                             double(exact.gn)};
  const bool positive = choose_positive(double(weights.positive), double(weights.negative), stream);
  return side_draw(u, positive, stream);
}

}  // namespace random

namespace detail {

// The rows of each proposal kind of a column (per thread, reused across columns and calls).
struct SamplingWorkspace {
  std::vector<Eigen::Index> normal_rows, exponential_rows;

  void resize(Eigen::Index padded) {
    normal_rows.resize(std::size_t(padded));
    exponential_rows.resize(std::size_t(padded));
  }
};

inline SamplingWorkspace& thread_sampling_workspace(Eigen::Index n) {
  thread_local SamplingWorkspace workspace;
  if (workspace.normal_rows.size() != std::size_t(padded_rows(n))) {
    workspace.resize(padded_rows(n));
  }
  return workspace;
}

// Column j of the draws, from the column's own stream: one uniform per row; the side
// probabilities of the whole column and the side each uniform chooses by the packet kernel;
// rows the fast path leaves out are drawn by unit_draw; then the rejection draws, first every
// row with a normal proposal, then every row with an exponential one (tight loops, no branch on
// the side).
template <class Layer, class Inputs, class Out>
void sample_kernel(const Layer& layer, const Inputs& inputs, std::uint64_t seed, Out& out) {
  using T = typename Layer::Scalar;
  const FastUnits units = fast_units(layer);
  std::vector<char> exact_unit(std::size_t(layer.size()), 0);
  for (Eigen::Index i : units.irregular) exact_unit[std::size_t(i)] = 1;
  const Eigen::Index rows = out.rows();
#ifdef _OPENMP
  const int chunk = parallel_chunk(inputs.cols());
#pragma omp parallel for schedule(dynamic, chunk) if (inputs.size() >= kParallelThreshold)
#endif
  for (Eigen::Index j = 0; j < out.cols(); ++j) {
    random::Stream stream(seed, static_cast<std::uint64_t>(j));
    FastWorkspace& w = thread_workspace(rows);
    SamplingWorkspace& s = thread_sampling_workspace(rows);
    w.input.head(rows) = inputs.col(j).array().template cast<double>();
    // The draw loops work on local copies of the stream, which stay in registers; unit_draw
    // (not inlined) takes the stream itself.
    random::Stream local = stream;
    for (Eigen::Index i = 0; i < rows; ++i) w.uniform(i) = random::uniform_open(local);
    stream = local;
    fast_column<Quantity::sampling, FitsFor<Layer>>(units, w);
    std::size_t normal_count = 0, exponential_count = 0;
    for (Eigen::Index i = 0; i < rows; ++i) {
      if (w.excluded(i) != 0 || exact_unit[std::size_t(i)]) {
        out(i, j) = T(random::unit_draw(units.exact.unit(i, w.input(i)), stream));
        continue;
      }
      const bool normal_proposal = w.a(i) < random::kExponentialProposalFrom;
      s.normal_rows[normal_count] = i;
      s.exponential_rows[exponential_count] = i;
      normal_count += normal_proposal;
      exponential_count += !normal_proposal;
    }
    local = stream;
    for (std::size_t k = 0; k < normal_count; ++k) {
      const Eigen::Index i = s.normal_rows[k];
      out(i, j) = T(w.sign(i) * random::normal_proposal_draw(w.a(i), w.sqrt_g(i), local));
    }
    for (std::size_t k = 0; k < exponential_count; ++k) {
      const Eigen::Index i = s.exponential_rows[k];
      out(i, j) =
          T(w.sign(i) * random::exponential_proposal_draw(w.t(i), w.g(i), w.sqrt_g(i), local));
    }
  }
}

}  // namespace detail

// Independent draws from p(h) ∝ exp(−U(h) + I h), one per element of the N x B inputs.
template <class Layer, class Derived, class Generator, class = detail::if_layer<Layer>>
Batch<typename Layer::Scalar> sample_from_inputs(const Layer& layer,
                                                 const Eigen::DenseBase<Derived>& inputs,
                                                 Generator& rng) {
  detail::require_rows("drelu::sample_from_inputs", "inputs", inputs, layer.size());
  const detail::evaluated_t<Derived> in(inputs.derived());
  Batch<typename Layer::Scalar> out(inputs.rows(), inputs.cols());
  detail::sample_kernel(layer, in, random::bits64(rng), out);
  return out;
}

// The same, written into a caller-provided N x B array or matrix (no N x B allocation).
template <class Layer, class Derived, class Generator, class Out, class = detail::if_layer<Layer>>
void sample_from_inputs(const Layer& layer, const Eigen::DenseBase<Derived>& inputs, Generator& rng,
                        Eigen::DenseBase<Out>& out) {
  detail::require_rows("drelu::sample_from_inputs", "inputs", inputs, layer.size());
  detail::require_same_shape("drelu::sample_from_inputs", "inputs", inputs, "out", out);
  const detail::evaluated_t<Derived> in(inputs.derived());
  detail::sample_kernel(layer, in, random::bits64(rng), out.derived());
}

// B columns of draws at zero input (N x B); B = 1 without the count.
template <class Layer, class Generator, class = detail::if_layer<Layer>>
Batch<typename Layer::Scalar> sample_from_inputs(const Layer& layer, Eigen::Index columns,
                                                 Generator& rng) {
  if (columns < 0) {
    detail::fail("drelu::sample_from_inputs: columns = ", columns, "; expected a count >= 0");
  }
  using T = typename Layer::Scalar;
  return sample_from_inputs(layer, Batch<T>::Zero(layer.size(), columns), rng);
}

template <class Layer, class Generator, class = detail::if_layer<Layer>>
Batch<typename Layer::Scalar> sample_from_inputs(const Layer& layer, Generator& rng) {
  return sample_from_inputs(layer, Eigen::Index(1), rng);
}

}  // namespace drelu
