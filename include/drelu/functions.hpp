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

// The same, written into a caller-provided N x B array or matrix (no allocation).
template <class Layer, class Derived, class Out, class = detail::if_layer<Layer>>
void energies(const Layer& layer, const Eigen::DenseBase<Derived>& x,
              Eigen::DenseBase<Out>& out) {
  detail::require_rows("drelu::energies", "x", x, layer.size());
  detail::require_same_shape("drelu::energies", "x", x, "out", out);
  const detail::evaluated_t<Derived> points(x.derived());
  detail::energy_kernel(detail::energy_coefficients(layer), points, out.derived());
}

// log ∫ exp(−U(h) + I h) dh elementwise; +inf where a side is not normalizable.
template <class Layer, class Derived, class = detail::if_layer<Layer>>
Batch<typename Layer::Scalar> cgfs(const Layer& layer, const Eigen::DenseBase<Derived>& inputs) {
  using C = detail::compute_t<typename Layer::Scalar>;
  return detail::map_inputs("drelu::cgfs", layer, inputs,
                            [](const unit::Unit<C>& u) { return unit::cgf(u); });
}

template <class Layer, class = detail::if_layer<Layer>>
Batch<typename Layer::Scalar> cgfs(const Layer& layer) {
  using C = detail::compute_t<typename Layer::Scalar>;
  return detail::map_units(layer, [](const unit::Unit<C>& u) { return unit::cgf(u); });
}

// E[h].
template <class Layer, class Derived, class = detail::if_layer<Layer>>
Batch<typename Layer::Scalar> mean_from_inputs(const Layer& layer,
                                               const Eigen::DenseBase<Derived>& inputs) {
  using C = detail::compute_t<typename Layer::Scalar>;
  return detail::map_inputs("drelu::mean_from_inputs", layer, inputs,
                            [](const unit::Unit<C>& u) { return unit::statistics(u).mean; });
}

template <class Layer, class = detail::if_layer<Layer>>
Batch<typename Layer::Scalar> mean_from_inputs(const Layer& layer) {
  using C = detail::compute_t<typename Layer::Scalar>;
  return detail::map_units(layer,
                           [](const unit::Unit<C>& u) { return unit::statistics(u).mean; });
}

// Var[h], by the law of total variance over the two sides.
template <class Layer, class Derived, class = detail::if_layer<Layer>>
Batch<typename Layer::Scalar> var_from_inputs(const Layer& layer,
                                              const Eigen::DenseBase<Derived>& inputs) {
  using C = detail::compute_t<typename Layer::Scalar>;
  return detail::map_inputs("drelu::var_from_inputs", layer, inputs,
                            [](const unit::Unit<C>& u) { return unit::statistics(u).variance; });
}

template <class Layer, class = detail::if_layer<Layer>>
Batch<typename Layer::Scalar> var_from_inputs(const Layer& layer) {
  using C = detail::compute_t<typename Layer::Scalar>;
  return detail::map_units(layer,
                           [](const unit::Unit<C>& u) { return unit::statistics(u).variance; });
}

// sqrt(Var[h]).
template <class Layer, class Derived, class = detail::if_layer<Layer>>
Batch<typename Layer::Scalar> std_from_inputs(const Layer& layer,
                                              const Eigen::DenseBase<Derived>& inputs) {
  using C = detail::compute_t<typename Layer::Scalar>;
  return detail::map_inputs("drelu::std_from_inputs", layer, inputs, [](const unit::Unit<C>& u) {
    return std::sqrt(unit::statistics(u).variance);
  });
}

template <class Layer, class = detail::if_layer<Layer>>
Batch<typename Layer::Scalar> std_from_inputs(const Layer& layer) {
  using C = detail::compute_t<typename Layer::Scalar>;
  return detail::map_units(
      layer, [](const unit::Unit<C>& u) { return std::sqrt(unit::statistics(u).variance); });
}

// E[|h|].
template <class Layer, class Derived, class = detail::if_layer<Layer>>
Batch<typename Layer::Scalar> mean_abs_from_inputs(const Layer& layer,
                                                   const Eigen::DenseBase<Derived>& inputs) {
  using C = detail::compute_t<typename Layer::Scalar>;
  return detail::map_inputs("drelu::mean_abs_from_inputs", layer, inputs,
                            [](const unit::Unit<C>& u) { return unit::statistics(u).mean_abs; });
}

template <class Layer, class = detail::if_layer<Layer>>
Batch<typename Layer::Scalar> mean_abs_from_inputs(const Layer& layer) {
  using C = detail::compute_t<typename Layer::Scalar>;
  return detail::map_units(layer,
                           [](const unit::Unit<C>& u) { return unit::statistics(u).mean_abs; });
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
  using C = detail::compute_t<typename Layer::Scalar>;
  return detail::map_units(layer, [](const unit::Unit<C>& u) { return unit::mode(u); });
}

// P(h > 0), the weight of the positive side, kept in relative precision when it is tiny.
template <class Layer, class Derived, class = detail::if_layer<Layer>>
Batch<typename Layer::Scalar> prob_positive_from_inputs(const Layer& layer,
                                                        const Eigen::DenseBase<Derived>& inputs) {
  using C = detail::compute_t<typename Layer::Scalar>;
  return detail::map_inputs(
      "drelu::prob_positive_from_inputs", layer, inputs,
      [](const unit::Unit<C>& u) { return unit::side_probabilities(u).positive; });
}

template <class Layer, class = detail::if_layer<Layer>>
Batch<typename Layer::Scalar> prob_positive_from_inputs(const Layer& layer) {
  using C = detail::compute_t<typename Layer::Scalar>;
  return detail::map_units(
      layer, [](const unit::Unit<C>& u) { return unit::side_probabilities(u).positive; });
}

// P(h < 0), the weight of the negative side (not computed as 1 − P(h > 0)).
template <class Layer, class Derived, class = detail::if_layer<Layer>>
Batch<typename Layer::Scalar> prob_negative_from_inputs(const Layer& layer,
                                                        const Eigen::DenseBase<Derived>& inputs) {
  using C = detail::compute_t<typename Layer::Scalar>;
  return detail::map_inputs(
      "drelu::prob_negative_from_inputs", layer, inputs,
      [](const unit::Unit<C>& u) { return unit::side_probabilities(u).negative; });
}

template <class Layer, class = detail::if_layer<Layer>>
Batch<typename Layer::Scalar> prob_negative_from_inputs(const Layer& layer) {
  using C = detail::compute_t<typename Layer::Scalar>;
  return detail::map_units(
      layer, [](const unit::Unit<C>& u) { return unit::side_probabilities(u).negative; });
}

// log p(x) = −U(x) + I x − cgf(I).
template <class Layer, class DerivedX, class DerivedI, class = detail::if_layer<Layer>>
Batch<typename Layer::Scalar> logpdfs(const Layer& layer, const Eigen::DenseBase<DerivedX>& x,
                                      const Eigen::DenseBase<DerivedI>& inputs) {
  using C = detail::compute_t<typename Layer::Scalar>;
  return detail::map_points("drelu::logpdfs", layer, x, inputs,
                            [](const unit::Unit<C>& u, C h) {
                              return unit::logpdf(u, h, unit::cgf(u));
                            });
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
