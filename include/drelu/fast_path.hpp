// The batch functions' fast path: every column of a float or double layer's inputs through the
// packet kernels, the float lanes of float layers (float_kernels.hpp) for the quantities they
// compute and the double kernel (fast_kernels.hpp) otherwise, then the exact scalar path of
// unit.hpp for the elements the packets leave out.
#pragma once

#include <Eigen/Core>
#include <cmath>
#include <type_traits>

#include "batch.hpp"
#include "fast_kernels.hpp"
#include "float_kernels.hpp"
#include "unit.hpp"

namespace drelu {
namespace detail {

template <class Fits>
bool fast_column(const FastUnits& units, Quantity quantity, FastWorkspace& w) {
  switch (quantity) {
    case Quantity::cgf:
      return fast_column<Quantity::cgf, Fits>(units, w);
    case Quantity::prob_positive:
      return fast_column<Quantity::prob_positive, Fits>(units, w);
    case Quantity::prob_negative:
      return fast_column<Quantity::prob_negative, Fits>(units, w);
    case Quantity::mean:
      return fast_column<Quantity::mean, Fits>(units, w);
    case Quantity::variance:
      return fast_column<Quantity::variance, Fits>(units, w);
    case Quantity::std:
      return fast_column<Quantity::std, Fits>(units, w);
    case Quantity::mean_abs:
      return fast_column<Quantity::mean_abs, Fits>(units, w);
    case Quantity::mean_and_variance:
      return fast_column<Quantity::mean_and_variance, Fits>(units, w);
    case Quantity::sampling:
      return fast_column<Quantity::sampling, Fits>(units, w);
  }
  return true;
}

// The quantities that float layers compute on float lanes.
inline bool has_float_lanes(Quantity quantity) {
  switch (quantity) {
    case Quantity::cgf:
    case Quantity::mean:
    case Quantity::variance:
    case Quantity::std:
    case Quantity::mean_abs:
    case Quantity::mean_and_variance:
      return true;
    case Quantity::prob_positive:
    case Quantity::prob_negative:
    case Quantity::sampling:
      break;
  }
  return false;
}

inline bool float_column(const FastUnits& units, const FloatLaneUnits& lanes, Quantity quantity,
                         FastWorkspace& w) {
  switch (quantity) {
    case Quantity::cgf:
      return float_column<Quantity::cgf>(units, lanes, w);
    case Quantity::mean:
      return float_column<Quantity::mean>(units, lanes, w);
    case Quantity::variance:
      return float_column<Quantity::variance>(units, lanes, w);
    case Quantity::std:
      return float_column<Quantity::std>(units, lanes, w);
    case Quantity::mean_abs:
      return float_column<Quantity::mean_abs>(units, lanes, w);
    case Quantity::mean_and_variance:
      return float_column<Quantity::mean_and_variance>(units, lanes, w);
    case Quantity::prob_positive:
    case Quantity::prob_negative:
    case Quantity::sampling:
      break;
  }
  return fast_column<simd::FloatLayerFits>(units, quantity, w);
}

// Runs fast_column (float_column for the float lanes of float layers) over every column of the
// inputs, then store(j, workspace) writes column j and exact(i, j, unit) overwrites the elements
// the fast path leaves out (irregular units, inputs that are not finite, b out of the fast
// domain, results that are not finite).
template <class Layer, class Inputs, class Store, class Exact>
void for_each_fast_column(const Layer& layer, const Inputs& inputs, Quantity quantity, Store store,
                          Exact exact) {
  const FastUnits units = fast_units(layer);
  const bool float_lanes =
      std::is_same<typename Layer::Scalar, float>::value && has_float_lanes(quantity);
  const FloatLaneUnits lanes = float_lanes ? float_lane_units(units) : FloatLaneUnits();
  const Eigen::Index n = inputs.rows();
#ifdef _OPENMP
  const int chunk = parallel_chunk(inputs.cols());
#pragma omp parallel for schedule(dynamic, chunk) if (inputs.size() >= kParallelThreshold)
#endif
  for (Eigen::Index j = 0; j < inputs.cols(); ++j) {
    FastWorkspace& w = thread_workspace(n);
    w.input.head(n) = inputs.col(j).array().template cast<double>();
    const bool review = float_lanes ? float_column(units, lanes, quantity, w)
                                    : fast_column<FitsFor<Layer>>(units, quantity, w);
    store(j, w);
    for (Eigen::Index i : units.irregular) exact(i, j, units.exact.unit(i, w.input(i)));
    if (!review) continue;
    for (Eigen::Index i = 0; i < n; ++i) {
      const double second = quantity == Quantity::mean_and_variance ? w.result2(i) : 0.0;
      if (needs_exact(quantity, w.result(i), second) || !std::isfinite(w.input(i)) ||
          w.exact_row(i) != 0) {
        exact(i, j, units.exact.unit(i, w.input(i)));
      }
    }
  }
}

// out(i, j) = the quantity for unit i at inputs(i, j).
template <class Layer, class Inputs, class Out>
void fast_kernel(const Layer& layer, const Inputs& inputs, Quantity quantity, Out& out) {
  using T = typename Layer::Scalar;
  const Eigen::Index n = inputs.rows();
  for_each_fast_column(
      layer, inputs, quantity,
      [&](Eigen::Index j, const FastWorkspace& w) {
        out.col(j).array() = w.result.head(n).template cast<T>();
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
  const Eigen::Index n = inputs.rows();
  for_each_fast_column(
      layer, inputs, Quantity::mean_and_variance,
      [&](Eigen::Index j, const FastWorkspace& w) {
        mean.col(j).array() = w.result.head(n).template cast<T>();
        variance.col(j).array() = w.result2.head(n).template cast<T>();
      },
      [&](Eigen::Index i, Eigen::Index j, const unit::Unit<long double>& u) {
        const auto statistics = unit::statistics(u);
        mean(i, j) = T(statistics.mean);
        variance(i, j) = T(statistics.variance);
      });
}

}  // namespace detail
}  // namespace drelu
