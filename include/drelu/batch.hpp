// The machinery shared by every batch function: the computation type of a layer, the dReLU
// parameters of its units, and loops that apply a scalar kernel of unit.hpp to every element
// of an N x B batch after checking its shape.
#pragma once

#include <Eigen/Core>
#include <algorithm>
#include <type_traits>

#include "layers.hpp"
#include "parameterization.hpp"
#include "special_functions.hpp"
#include "unit.hpp"
#include "validation.hpp"

namespace drelu {

// The type every batch function returns: N x B, one column per sample.
template <class T>
using Batch = Eigen::Array<T, Eigen::Dynamic, Eigen::Dynamic>;

namespace detail {

// The exact kernels run in a wider type than the layer's (double for float, long double for
// double and long double) and round once at the end: log-partitions of size L feed exponents
// whose rounding would otherwise cost L ulps (docs/numerics.md).
template <class T>
using compute_t = special::wider_t<T>;

template <class Layer>
struct is_layer : std::false_type {};
template <class T>
struct is_layer<dReLU<T>> : std::true_type {};
template <class T>
struct is_layer<pReLU<T>> : std::true_type {};
template <class T>
struct is_layer<xReLU<T>> : std::true_type {};
template <class T>
struct is_layer<nsReLU<T>> : std::true_type {};

template <class Layer, class Result = void>
using if_layer = std::enable_if_t<is_layer<Layer>::value, Result>;

// The dReLU parameters of every unit in the computation type, with |γ| taken once.
template <class C>
struct UnitParameters {
  Vector<C> theta_p, theta_n, gamma_p, gamma_n;

  unit::Unit<C> unit(Eigen::Index i, C input) const {
    return {theta_p(i) + input, theta_n(i) + input, gamma_p(i), gamma_n(i)};
  }
};

template <class C, class Convert>
UnitParameters<C> unit_parameters_by(Eigen::Index n, Convert convert) {
  UnitParameters<C> result{Vector<C>(n), Vector<C>(n), Vector<C>(n), Vector<C>(n)};
  for (Eigen::Index i = 0; i < n; ++i) {
    const parameterization::DreluParameters<C> d = convert(i);
    result.theta_p(i) = d.theta_p;
    result.theta_n(i) = d.theta_n;
    result.gamma_p(i) = std::abs(d.gamma_p);
    result.gamma_n(i) = std::abs(d.gamma_n);
  }
  return result;
}

template <class C, class T>
UnitParameters<C> unit_parameters(const dReLU<T>& layer) {
  return unit_parameters_by<C>(layer.size(), [&](Eigen::Index i) {
    return parameterization::DreluParameters<C>{C(layer.theta_p()(i)), C(layer.theta_n()(i)),
                                                C(layer.gamma_p()(i)), C(layer.gamma_n()(i))};
  });
}

template <class C, class T>
UnitParameters<C> unit_parameters(const pReLU<T>& layer) {
  return unit_parameters_by<C>(layer.size(), [&](Eigen::Index i) {
    return parameterization::drelu_from_prelu<C>(
        {C(layer.theta()(i)), C(layer.gamma()(i)), C(layer.delta()(i)), C(layer.eta()(i))});
  });
}

template <class C, class T>
UnitParameters<C> unit_parameters(const xReLU<T>& layer) {
  return unit_parameters_by<C>(layer.size(), [&](Eigen::Index i) {
    return parameterization::drelu_from_xrelu<C>(
        {C(layer.theta()(i)), C(layer.gamma()(i)), C(layer.delta()(i)), C(layer.xi()(i))});
  });
}

template <class C, class T>
UnitParameters<C> unit_parameters(const nsReLU<T>& layer) {
  return unit_parameters_by<C>(layer.size(), [&](Eigen::Index i) {
    return parameterization::drelu_from_xrelu<C>(
        {C(layer.theta()(i)), C(1), C(layer.delta()(i)), C(layer.xi()(i))});
  });
}

// The dReLU parameters converted in a wider type W and rounded once to C: a shared-scale
// layer's θ± = θ ± Δ/(1 ± η) can cancel, and then each is within half an ulp of its exact value
// instead of carrying the cancellation's error.
template <class C, class W, class Layer>
UnitParameters<C> rounded_unit_parameters(const Layer& layer) {
  const auto wide = unit_parameters<W>(layer);
  return {wide.theta_p.template cast<C>(), wide.theta_n.template cast<C>(),
          wide.gamma_p.template cast<C>(), wide.gamma_n.template cast<C>()};
}

// Batches below this many elements stay on one thread when OpenMP is on.
constexpr Eigen::Index kParallelThreshold = 16384;

// Columns per chunk of the threads' dynamic schedule: about 64 chunks per batch, so that a
// thread whose core is shared with other work, or whose columns cost more, takes fewer chunks
// instead of finishing last. Results do not depend on the schedule: each column is computed
// alone (and, when sampling, from its own stream).
inline int parallel_chunk(Eigen::Index columns) {
  return static_cast<int>(std::clamp<Eigen::Index>(columns / 64, 1, 1 << 20));
}

// Evaluates expensive expressions (products) once; plain objects are used in place.
template <class Derived>
using evaluated_t = typename Eigen::internal::nested_eval<Derived, 1>::type;

// out(i, j) = kernel(unit i with input in(i, j)), for evaluated inputs of the right shape.
template <class Layer, class Inputs, class Out, class Kernel>
void map_evaluated(const Layer& layer, const Inputs& in, Out& out, Kernel kernel) {
  using T = typename Layer::Scalar;
  using C = compute_t<T>;
  const auto units = unit_parameters<C>(layer);
#ifdef _OPENMP
  const int chunk = parallel_chunk(out.cols());
#pragma omp parallel for schedule(dynamic, chunk) if (out.size() >= kParallelThreshold)
#endif
  for (Eigen::Index j = 0; j < out.cols(); ++j) {
    for (Eigen::Index i = 0; i < out.rows(); ++i) {
      out(i, j) = T(kernel(units.unit(i, C(in(i, j)))));
    }
  }
}

// out(i, j) = kernel(unit i with input inputs(i, j)).
template <class Layer, class Derived, class Kernel>
Batch<typename Layer::Scalar> map_inputs(const char* function, const Layer& layer,
                                         const Eigen::DenseBase<Derived>& inputs, Kernel kernel) {
  require_rows(function, "inputs", inputs, layer.size());
  const evaluated_t<Derived> in(inputs.derived());
  Batch<typename Layer::Scalar> out(inputs.rows(), inputs.cols());
  map_evaluated(layer, in, out, kernel);
  return out;
}

// out(i, j) = kernel(unit i with input inputs(i, j), point x(i, j)).
template <class Layer, class DerivedX, class DerivedI, class Kernel>
Batch<typename Layer::Scalar> map_points(const char* function, const Layer& layer,
                                         const Eigen::DenseBase<DerivedX>& x,
                                         const Eigen::DenseBase<DerivedI>& inputs, Kernel kernel) {
  using T = typename Layer::Scalar;
  using C = compute_t<T>;
  require_rows(function, "x", x, layer.size());
  require_same_shape(function, "x", x, "inputs", inputs);
  const evaluated_t<DerivedX> points(x.derived());
  const evaluated_t<DerivedI> in(inputs.derived());
  const auto units = unit_parameters<C>(layer);
  Batch<T> out(x.rows(), x.cols());
#ifdef _OPENMP
  const int chunk = parallel_chunk(out.cols());
#pragma omp parallel for schedule(dynamic, chunk) if (out.size() >= kParallelThreshold)
#endif
  for (Eigen::Index j = 0; j < out.cols(); ++j) {
    for (Eigen::Index i = 0; i < out.rows(); ++i) {
      out(i, j) = T(kernel(units.unit(i, C(in(i, j))), C(points(i, j))));
    }
  }
  return out;
}

}  // namespace detail
}  // namespace drelu
