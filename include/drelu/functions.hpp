// The batch API of ../shared/API.md: energies, cgfs, moments, densities and distribution
// functions of every unit of a layer for every column of an N x B batch.
//
// Every function takes any Eigen dense expression, returns an evaluated Batch<T> (T the layer's
// scalar), and throws std::invalid_argument (naming the function and the sizes) when a batch
// does not have one row per unit. Overloads without inputs mean zero inputs and return N x 1
// (logpdfs, cdfs and sfs without inputs: zero inputs of x's shape). NaN in a batch propagates
// to the matching outputs; it is never produced from numbers. Formulas, limits and measured
// errors: docs/math.md and docs/accuracy.md.
#pragma once

#include <cmath>

#include "batch.hpp"
#include "energy_kernel.hpp"
#include "fast_path.hpp"

namespace drelu {

namespace detail {

template <class Derived>
auto zeros_like(const Eigen::DenseBase<Derived>& x) {
  return Batch<typename Derived::Scalar>::Zero(x.rows(), x.cols());
}

}  // namespace detail

// U(x) elementwise: the potential alone, without the input term. U(0) = 0 for every layer,
// U(x) = +inf on a side with γ = ±inf.
template <class Layer, class Derived, class = detail::if_layer<Layer>>
Batch<typename Layer::Scalar> energies(const Layer& layer, const Eigen::DenseBase<Derived>& x) {
  detail::require_rows("drelu::energies", "x", x, layer.size());
  Batch<typename Layer::Scalar> out(x.rows(), x.cols());
  const detail::evaluated_t<Derived> points(x.derived());
  detail::energy_kernel(detail::energy_coefficients(layer), points, out);
  return out;
}

// The same, written into a caller-provided N x B array or matrix (no N x B allocation).
template <class Layer, class Derived, class Out, class = detail::if_layer<Layer>>
void energies(const Layer& layer, const Eigen::DenseBase<Derived>& x, Eigen::DenseBase<Out>& out) {
  detail::require_rows("drelu::energies", "x", x, layer.size());
  detail::require_same_shape("drelu::energies", "x", x, "out", out);
  const detail::evaluated_t<Derived> points(x.derived());
  detail::energy_kernel(detail::energy_coefficients(layer), points, out.derived());
}

namespace detail {

// A quantity of the unit at every input: the fast double kernel for float and double layers,
// the long double scalar kernel of unit.hpp for long double layers.
template <class Layer, class Derived, class Out>
void quantity_into(const char* function, const Layer& layer,
                   const Eigen::DenseBase<Derived>& inputs, Quantity quantity, Out& out) {
  using T = typename Layer::Scalar;
  require_rows(function, "inputs", inputs, layer.size());
  require_same_shape(function, "inputs", inputs, "out", out);
  const evaluated_t<Derived> in(inputs.derived());
  if constexpr (has_fast_path<T>::value) {
    fast_kernel(layer, in, quantity, out);
  } else {
    map_evaluated(layer, in, out,
                  [quantity](const auto& unit) { return exact_quantity(unit, quantity); });
  }
}

template <class Layer, class Derived>
Batch<typename Layer::Scalar> quantity(const char* function, const Layer& layer,
                                       const Eigen::DenseBase<Derived>& inputs, Quantity which) {
  Batch<typename Layer::Scalar> out(inputs.rows(), inputs.cols());
  quantity_into(function, layer, inputs, which, out);
  return out;
}

template <class Layer>
auto zero_inputs(const Layer& layer) {
  return Batch<typename Layer::Scalar>::Zero(layer.size(), 1);
}

}  // namespace detail

// Each quantity below comes in three forms: (layer, I) returns N x B; (layer, I, out) writes
// into a caller-provided N x B array or matrix (nothing of size N x B is allocated; a call
// builds per-unit tables of size N); (layer) means zero inputs and returns N x 1.

// log ∫ exp(−U(h) + I h) dh elementwise; +inf where a side is not normalizable.
template <class Layer, class Derived, class = detail::if_layer<Layer>>
Batch<typename Layer::Scalar> cgfs(const Layer& layer, const Eigen::DenseBase<Derived>& inputs) {
  return detail::quantity("drelu::cgfs", layer, inputs, detail::Quantity::cgf);
}

template <class Layer, class Derived, class Out, class = detail::if_layer<Layer>>
void cgfs(const Layer& layer, const Eigen::DenseBase<Derived>& inputs, Eigen::DenseBase<Out>& out) {
  detail::quantity_into("drelu::cgfs", layer, inputs, detail::Quantity::cgf, out.derived());
}

template <class Layer, class = detail::if_layer<Layer>>
Batch<typename Layer::Scalar> cgfs(const Layer& layer) {
  return cgfs(layer, detail::zero_inputs(layer));
}

// E[h].
template <class Layer, class Derived, class = detail::if_layer<Layer>>
Batch<typename Layer::Scalar> mean_from_inputs(const Layer& layer,
                                               const Eigen::DenseBase<Derived>& inputs) {
  return detail::quantity("drelu::mean_from_inputs", layer, inputs, detail::Quantity::mean);
}

template <class Layer, class Derived, class Out, class = detail::if_layer<Layer>>
void mean_from_inputs(const Layer& layer, const Eigen::DenseBase<Derived>& inputs,
                      Eigen::DenseBase<Out>& out) {
  detail::quantity_into("drelu::mean_from_inputs", layer, inputs, detail::Quantity::mean,
                        out.derived());
}

template <class Layer, class = detail::if_layer<Layer>>
Batch<typename Layer::Scalar> mean_from_inputs(const Layer& layer) {
  return mean_from_inputs(layer, detail::zero_inputs(layer));
}

// Var[h], by the law of total variance over the two sides.
template <class Layer, class Derived, class = detail::if_layer<Layer>>
Batch<typename Layer::Scalar> var_from_inputs(const Layer& layer,
                                              const Eigen::DenseBase<Derived>& inputs) {
  return detail::quantity("drelu::var_from_inputs", layer, inputs, detail::Quantity::variance);
}

template <class Layer, class Derived, class Out, class = detail::if_layer<Layer>>
void var_from_inputs(const Layer& layer, const Eigen::DenseBase<Derived>& inputs,
                     Eigen::DenseBase<Out>& out) {
  detail::quantity_into("drelu::var_from_inputs", layer, inputs, detail::Quantity::variance,
                        out.derived());
}

template <class Layer, class = detail::if_layer<Layer>>
Batch<typename Layer::Scalar> var_from_inputs(const Layer& layer) {
  return var_from_inputs(layer, detail::zero_inputs(layer));
}

// sqrt(Var[h]).
template <class Layer, class Derived, class = detail::if_layer<Layer>>
Batch<typename Layer::Scalar> std_from_inputs(const Layer& layer,
                                              const Eigen::DenseBase<Derived>& inputs) {
  return detail::quantity("drelu::std_from_inputs", layer, inputs, detail::Quantity::std);
}

template <class Layer, class Derived, class Out, class = detail::if_layer<Layer>>
void std_from_inputs(const Layer& layer, const Eigen::DenseBase<Derived>& inputs,
                     Eigen::DenseBase<Out>& out) {
  detail::quantity_into("drelu::std_from_inputs", layer, inputs, detail::Quantity::std,
                        out.derived());
}

template <class Layer, class = detail::if_layer<Layer>>
Batch<typename Layer::Scalar> std_from_inputs(const Layer& layer) {
  return std_from_inputs(layer, detail::zero_inputs(layer));
}

// E[|h|].
template <class Layer, class Derived, class = detail::if_layer<Layer>>
Batch<typename Layer::Scalar> mean_abs_from_inputs(const Layer& layer,
                                                   const Eigen::DenseBase<Derived>& inputs) {
  return detail::quantity("drelu::mean_abs_from_inputs", layer, inputs, detail::Quantity::mean_abs);
}

template <class Layer, class Derived, class Out, class = detail::if_layer<Layer>>
void mean_abs_from_inputs(const Layer& layer, const Eigen::DenseBase<Derived>& inputs,
                          Eigen::DenseBase<Out>& out) {
  detail::quantity_into("drelu::mean_abs_from_inputs", layer, inputs, detail::Quantity::mean_abs,
                        out.derived());
}

template <class Layer, class = detail::if_layer<Layer>>
Batch<typename Layer::Scalar> mean_abs_from_inputs(const Layer& layer) {
  return mean_abs_from_inputs(layer, detail::zero_inputs(layer));
}

// E[h] and Var[h] in one pass, sharing the side weights and moments.
template <class T>
struct MeanVariance {
  Batch<T> mean;
  Batch<T> variance;
};

template <class Layer, class Derived, class Mean, class Variance, class = detail::if_layer<Layer>>
void meanvar_from_inputs(const Layer& layer, const Eigen::DenseBase<Derived>& inputs,
                         Eigen::DenseBase<Mean>& mean, Eigen::DenseBase<Variance>& variance) {
  using T = typename Layer::Scalar;
  using C = detail::compute_t<T>;
  const char* function = "drelu::meanvar_from_inputs";
  detail::require_rows(function, "inputs", inputs, layer.size());
  detail::require_same_shape(function, "inputs", inputs, "mean", mean);
  detail::require_same_shape(function, "inputs", inputs, "variance", variance);
  const detail::evaluated_t<Derived> in(inputs.derived());
  if constexpr (detail::has_fast_path<T>::value) {
    detail::fast_mean_variance_kernel(layer, in, mean.derived(), variance.derived());
  } else {
    const auto units = detail::unit_parameters<C>(layer);
#ifdef _OPENMP
    const int chunk = detail::parallel_chunk(in.cols());
#pragma omp parallel for schedule(dynamic, chunk) if (in.size() >= detail::kParallelThreshold)
#endif
    for (Eigen::Index j = 0; j < in.cols(); ++j) {
      for (Eigen::Index i = 0; i < in.rows(); ++i) {
        const auto statistics = unit::statistics(units.unit(i, C(in(i, j))));
        mean.derived()(i, j) = T(statistics.mean);
        variance.derived()(i, j) = T(statistics.variance);
      }
    }
  }
}

template <class Layer, class Derived, class = detail::if_layer<Layer>>
MeanVariance<typename Layer::Scalar> meanvar_from_inputs(const Layer& layer,
                                                         const Eigen::DenseBase<Derived>& inputs) {
  using T = typename Layer::Scalar;
  MeanVariance<T> result{Batch<T>(inputs.rows(), inputs.cols()),
                         Batch<T>(inputs.rows(), inputs.cols())};
  meanvar_from_inputs(layer, inputs, result.mean, result.variance);
  return result;
}

template <class Layer, class = detail::if_layer<Layer>>
MeanVariance<typename Layer::Scalar> meanvar_from_inputs(const Layer& layer) {
  return meanvar_from_inputs(layer, detail::zero_inputs(layer));
}

// The most probable h; at an exact tie of the two peaks, the positive one.
template <class Layer, class Derived, class = detail::if_layer<Layer>>
Batch<typename Layer::Scalar> mode_from_inputs(const Layer& layer,
                                               const Eigen::DenseBase<Derived>& inputs) {
  using C = detail::compute_t<typename Layer::Scalar>;
  return detail::map_inputs("drelu::mode_from_inputs", layer, inputs,
                            [](const unit::Unit<C>& u) { return unit::mode(u); });
}

template <class Layer, class = detail::if_layer<Layer>>
Batch<typename Layer::Scalar> mode_from_inputs(const Layer& layer) {
  return mode_from_inputs(layer, detail::zero_inputs(layer));
}

// P(h > 0), the weight of the positive side, kept in relative precision when it is tiny.
template <class Layer, class Derived, class = detail::if_layer<Layer>>
Batch<typename Layer::Scalar> prob_positive_from_inputs(const Layer& layer,
                                                        const Eigen::DenseBase<Derived>& inputs) {
  return detail::quantity("drelu::prob_positive_from_inputs", layer, inputs,
                          detail::Quantity::prob_positive);
}

template <class Layer, class = detail::if_layer<Layer>>
Batch<typename Layer::Scalar> prob_positive_from_inputs(const Layer& layer) {
  return prob_positive_from_inputs(layer, detail::zero_inputs(layer));
}

// P(h < 0), the weight of the negative side (not computed as 1 − P(h > 0)).
template <class Layer, class Derived, class = detail::if_layer<Layer>>
Batch<typename Layer::Scalar> prob_negative_from_inputs(const Layer& layer,
                                                        const Eigen::DenseBase<Derived>& inputs) {
  return detail::quantity("drelu::prob_negative_from_inputs", layer, inputs,
                          detail::Quantity::prob_negative);
}

template <class Layer, class = detail::if_layer<Layer>>
Batch<typename Layer::Scalar> prob_negative_from_inputs(const Layer& layer) {
  return prob_negative_from_inputs(layer, detail::zero_inputs(layer));
}

// log p(x) = −U(x) + I x − cgf(I).
template <class Layer, class DerivedX, class DerivedI, class = detail::if_layer<Layer>>
Batch<typename Layer::Scalar> logpdfs(const Layer& layer, const Eigen::DenseBase<DerivedX>& x,
                                      const Eigen::DenseBase<DerivedI>& inputs) {
  using C = detail::compute_t<typename Layer::Scalar>;
  return detail::map_points("drelu::logpdfs", layer, x, inputs,
                            [](const unit::Unit<C>& u, C h) { return unit::logpdf(u, h); });
}

template <class Layer, class DerivedX, class = detail::if_layer<Layer>>
Batch<typename Layer::Scalar> logpdfs(const Layer& layer, const Eigen::DenseBase<DerivedX>& x) {
  return logpdfs(layer, x, detail::zeros_like(x));
}

// P(h <= x).
template <class Layer, class DerivedX, class DerivedI, class = detail::if_layer<Layer>>
Batch<typename Layer::Scalar> cdfs(const Layer& layer, const Eigen::DenseBase<DerivedX>& x,
                                   const Eigen::DenseBase<DerivedI>& inputs) {
  using C = detail::compute_t<typename Layer::Scalar>;
  return detail::map_points("drelu::cdfs", layer, x, inputs,
                            [](const unit::Unit<C>& u, C h) { return unit::tails(u, h).lower; });
}

template <class Layer, class DerivedX, class = detail::if_layer<Layer>>
Batch<typename Layer::Scalar> cdfs(const Layer& layer, const Eigen::DenseBase<DerivedX>& x) {
  return cdfs(layer, x, detail::zeros_like(x));
}

// P(h > x), the survival function, accurate where it is tiny (not 1 − cdf).
template <class Layer, class DerivedX, class DerivedI, class = detail::if_layer<Layer>>
Batch<typename Layer::Scalar> sfs(const Layer& layer, const Eigen::DenseBase<DerivedX>& x,
                                  const Eigen::DenseBase<DerivedI>& inputs) {
  using C = detail::compute_t<typename Layer::Scalar>;
  return detail::map_points("drelu::sfs", layer, x, inputs,
                            [](const unit::Unit<C>& u, C h) { return unit::tails(u, h).upper; });
}

template <class Layer, class DerivedX, class = detail::if_layer<Layer>>
Batch<typename Layer::Scalar> sfs(const Layer& layer, const Eigen::DenseBase<DerivedX>& x) {
  return sfs(layer, x, detail::zeros_like(x));
}

}  // namespace drelu
