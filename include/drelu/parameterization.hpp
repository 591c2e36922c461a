// The conversions between the four parameterizations, one unit at a time (docs/math.md).
//
//   pReLU (θ, γ, Δ, η) -> dReLU:  γ⁺ = γ/(1+η),  γ⁻ = γ/(1−η),  θ⁺ = θ + Δ/(1+η),
//                                  θ⁻ = θ − Δ/(1−η)
//   xReLU (θ, γ, Δ, ξ) -> pReLU:  η = ξ/(1+|ξ|)
//   nsReLU (θ, Δ, ξ)    -> xReLU:  γ = 1
//
// The xReLU -> dReLU map is written with the factors 1/(1±η) expressed through ξ, so it stays
// exact for |ξ| so large that η rounds to ±1 (ξ = 1e17 gives γ⁻ = 1e17 γ, not inf).
#pragma once

#include <cmath>
#include <type_traits>

namespace drelu {
namespace parameterization {

// The type in which a layer of scalar T evaluates a conversion before rounding the result once
// to T (float -> double, double and long double -> long double), so that a converted parameter
// does not carry the rounding errors of the formula's steps.
template <class T>
using conversion_t = std::conditional_t<std::is_same<T, float>::value, double, long double>;

template <class T>
struct DreluParameters {
  T theta_p;
  T theta_n;
  T gamma_p;
  T gamma_n;
};

template <class T>
struct SharedScaleParameters {
  T theta;
  T gamma;
  T delta;
  T asymmetry;  // η for pReLU, ξ for xReLU
};

// The dReLU of a shared-scale unit given its two factors 1/(1+η) and 1/(1−η).
template <class T>
DreluParameters<T> drelu_from_factors(T theta, T gamma, T delta, T positive, T negative) {
  return {theta + delta * positive, theta - delta * negative, gamma * positive, gamma * negative};
}

// θ± = (θ (1 ± η) ± Δ)/(1 ± η): the numerator from one fused multiply-add, so that where θ and
// ±Δ/(1 ± η) cancel the difference is formed exactly (1 ± η is exact for |η| >= 2^-11 in a type
// at least 11 bits wider than the layer's) instead of from a rounded Δ/(1 ± η).
template <class T>
DreluParameters<T> drelu_from_prelu(const SharedScaleParameters<T>& p) {
  const T plus = T(1) + p.asymmetry;
  const T minus = T(1) - p.asymmetry;
  return {std::fma(p.theta, plus, p.delta) / plus, std::fma(p.theta, minus, -p.delta) / minus,
          p.gamma / plus, p.gamma / minus};
}

// With η = ξ/(1+|ξ|): for ξ >= 0, 1/(1−η) = 1+ξ and 1/(1+η) = 1/(1 + ξ/(1+ξ)); mirrored for
// ξ < 0.
template <class T>
DreluParameters<T> drelu_from_xrelu(const SharedScaleParameters<T>& x) {
  const T magnitude = std::abs(x.asymmetry);
  const T large = T(1) + magnitude;
  const T small = T(1) / (T(1) + magnitude / large);
  if (x.asymmetry >= T(0)) return drelu_from_factors(x.theta, x.gamma, x.delta, small, large);
  return drelu_from_factors(x.theta, x.gamma, x.delta, large, small);
}

template <class T>
T eta_from_xi(T xi) {
  return xi / (T(1) + std::abs(xi));
}

template <class T>
T xi_from_eta(T eta) {
  return eta / (T(1) - std::abs(eta));
}

// The inverse map, with g± = |γ±| > 0 and finite:
//   γ = 2 g⁺ g⁻/(g⁺ + g⁻),  η = (g⁻ − g⁺)/(g⁺ + g⁻),  θ = (g⁻ θ⁺ + g⁺ θ⁻)/(g⁺ + g⁻),
//   Δ = γ (θ⁺ − θ⁻)/(g⁺ + g⁻).
// Written with the weights w± = g±/(g⁺ + g⁻) so that nothing overflows for huge γ.
template <class T>
SharedScaleParameters<T> prelu_from_drelu(const DreluParameters<T>& d) {
  const T gp = std::abs(d.gamma_p);
  const T gn = std::abs(d.gamma_n);
  const T weight_p = gp / (gp + gn);
  const T weight_n = gn / (gp + gn);
  const T gamma = T(2) * gn * weight_p;
  return {weight_n * d.theta_p + weight_p * d.theta_n, gamma,
          T(2) * weight_p * weight_n * (d.theta_p - d.theta_n), weight_n - weight_p};
}

// ξ = η/(1 − |η|) = (g⁻ − g⁺)/(2 min(g⁺, g⁻)), exact where η would round to ±1.
template <class T>
SharedScaleParameters<T> xrelu_from_drelu(const DreluParameters<T>& d) {
  auto x = prelu_from_drelu(d);
  const T gp = std::abs(d.gamma_p);
  const T gn = std::abs(d.gamma_n);
  x.asymmetry = (gn - gp) / (T(2) * std::fmin(gp, gn));
  return x;
}

}  // namespace parameterization
}  // namespace drelu
