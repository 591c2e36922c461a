// The four layer class templates of the dReLU family. Each holds one value per unit of each of
// its parameters, validated at construction (so an invalid layer cannot exist), and converts
// explicitly to the parameterizations that can express it (see parameterization.hpp).
#pragma once

#include <Eigen/Core>
#include <array>
#include <cmath>
#include <type_traits>

#include "parameterization.hpp"
#include "validation.hpp"

namespace drelu {

template <class T = double>
class dReLU;
template <class T = double>
class pReLU;
template <class T = double>
class xReLU;
template <class T = double>
class nsReLU;

namespace detail {

template <class T>
using Vector = Eigen::Array<T, Eigen::Dynamic, 1>;

template <class T>
void require_supported_scalar() {
  static_assert(std::is_same<T, float>::value || std::is_same<T, double>::value ||
                    std::is_same<T, long double>::value,
                "drelu layers support float, double and long double");
}

// Applies a per-unit conversion to four parameter vectors, producing four others.
template <class T, class Convert>
void convert_units(const Vector<T>& in0, const Vector<T>& in1, const Vector<T>& in2,
                   const Vector<T>& in3, Vector<T>& out0, Vector<T>& out1, Vector<T>& out2,
                   Vector<T>& out3, Convert convert) {
  const Eigen::Index n = in0.size();
  out0.resize(n);
  out1.resize(n);
  out2.resize(n);
  out3.resize(n);
  for (Eigen::Index i = 0; i < n; ++i) {
    const auto result = convert(in0(i), in1(i), in2(i), in3(i));
    out0(i) = result[0];
    out1(i) = result[1];
    out2(i) = result[2];
    out3(i) = result[3];
  }
}

// A dReLU's shared-scale parameters {θ, γ, Δ, asymmetry} by convert (prelu_from_drelu or
// xrelu_from_drelu), evaluated in the wider conversion type and rounded once to T.
template <class T, class Convert>
std::array<T, 4> shared_scale_from_drelu(T tp, T tn, T gp, T gn, Convert convert) {
  using W = parameterization::conversion_t<T>;
  const auto s = convert(parameterization::DreluParameters<W>{W(tp), W(tn), W(gp), W(gn)});
  return {T(s.theta), T(s.gamma), T(s.delta), T(s.asymmetry)};
}

inline Eigen::Index unit_count(const char* function, Eigen::Index units) {
  if (units < 0) fail(function, ": units = ", units, "; expected a count >= 0");
  return units;
}

template <class T>
void require_invertible_scales(const char* function, const Vector<T>& gamma_p,
                               const Vector<T>& gamma_n) {
  for (Eigen::Index i = 0; i < gamma_p.size(); ++i) {
    const T gp = std::abs(gamma_p(i));
    const T gn = std::abs(gamma_n(i));
    if (!(gp > T(0) && gn > T(0) && std::isfinite(gp) && std::isfinite(gn))) {
      fail(function, ": unit ", i, " has gamma_p = ", gamma_p(i), ", gamma_n = ", gamma_n(i),
           "; a shared-scale form needs both |gamma| finite and nonzero");
    }
  }
}

}  // namespace detail

// dReLU: U(h) = |γ⁺|/2 h₊² − θ⁺ h₊ + |γ⁻|/2 h₋² − θ⁻ h₋. Any non-NaN values are valid;
// γ = ±inf removes a side, γ = 0 makes it exponential (or not normalizable for θ >= 0).
template <class T>
class dReLU {
 public:
  using Scalar = T;
  using Vector = detail::Vector<T>;

  explicit dReLU(Eigen::Index units)
      : theta_p_(Vector::Zero(detail::unit_count("drelu::dReLU", units))),
        theta_n_(Vector::Zero(units)),
        gamma_p_(Vector::Ones(units)),
        gamma_n_(Vector::Ones(units)) {
    detail::require_supported_scalar<T>();
  }

  template <class ThetaP, class ThetaN, class GammaP, class GammaN>
  dReLU(const Eigen::DenseBase<ThetaP>& theta_p, const Eigen::DenseBase<ThetaN>& theta_n,
        const Eigen::DenseBase<GammaP>& gamma_p, const Eigen::DenseBase<GammaN>& gamma_n)
      : theta_p_(detail::parameter_vector<T>("drelu::dReLU", "theta_p", theta_p)),
        theta_n_(detail::parameter_vector<T>("drelu::dReLU", "theta_n", theta_n)),
        gamma_p_(detail::parameter_vector<T>("drelu::dReLU", "gamma_p", gamma_p)),
        gamma_n_(detail::parameter_vector<T>("drelu::dReLU", "gamma_n", gamma_n)) {
    detail::require_supported_scalar<T>();
    validate("drelu::dReLU");
  }

  explicit dReLU(const pReLU<T>& layer) {
    from_shared_scale(layer.theta(), layer.gamma(), layer.delta(), layer.eta(),
                      &parameterization::drelu_from_prelu<Wide>);
    validate("drelu::dReLU (from pReLU)");
  }
  explicit dReLU(const xReLU<T>& layer) {
    from_shared_scale(layer.theta(), layer.gamma(), layer.delta(), layer.xi(),
                      &parameterization::drelu_from_xrelu<Wide>);
    validate("drelu::dReLU (from xReLU)");
  }
  explicit dReLU(const nsReLU<T>& layer) : dReLU(xReLU<T>(layer)) {}

  const Vector& theta_p() const { return theta_p_; }
  const Vector& theta_n() const { return theta_n_; }
  const Vector& gamma_p() const { return gamma_p_; }
  const Vector& gamma_n() const { return gamma_n_; }
  Eigen::Index size() const { return theta_p_.size(); }

 private:
  // Conversions from the shared-scale forms are evaluated in this type and rounded once to T.
  using Wide = parameterization::conversion_t<T>;

  void validate(const char* function) const {
    detail::require_same_length(function, "theta_p", theta_p_, "theta_n", theta_n_);
    detail::require_same_length(function, "theta_p", theta_p_, "gamma_p", gamma_p_);
    detail::require_same_length(function, "theta_p", theta_p_, "gamma_n", gamma_n_);
    detail::require_no_nan(function, "theta_p", theta_p_);
    detail::require_no_nan(function, "theta_n", theta_n_);
    detail::require_no_nan(function, "gamma_p", gamma_p_);
    detail::require_no_nan(function, "gamma_n", gamma_n_);
  }

  template <class Convert>
  void from_shared_scale(const Vector& theta, const Vector& gamma, const Vector& delta,
                         const Vector& asymmetry, Convert convert) {
    detail::convert_units(
        theta, gamma, delta, asymmetry, theta_p_, theta_n_, gamma_p_, gamma_n_,
        [&](T t, T g, T d, T a) {
          const auto p = convert({Wide(t), Wide(g), Wide(d), Wide(a)});
          return std::array<T, 4>{T(p.theta_p), T(p.theta_n), T(p.gamma_p), T(p.gamma_n)};
        });
  }

  Vector theta_p_, theta_n_, gamma_p_, gamma_n_;
};

// pReLU: the dReLU with γ⁺ = γ/(1+η), γ⁻ = γ/(1−η), θ⁺ = θ + Δ/(1+η), θ⁻ = θ − Δ/(1−η);
// η in the open interval (−1, 1).
template <class T>
class pReLU {
 public:
  using Scalar = T;
  using Vector = detail::Vector<T>;

  explicit pReLU(Eigen::Index units)
      : theta_(Vector::Zero(detail::unit_count("drelu::pReLU", units))),
        gamma_(Vector::Ones(units)),
        delta_(Vector::Zero(units)),
        eta_(Vector::Zero(units)) {
    detail::require_supported_scalar<T>();
  }

  template <class Theta, class Gamma, class Delta, class Eta>
  pReLU(const Eigen::DenseBase<Theta>& theta, const Eigen::DenseBase<Gamma>& gamma,
        const Eigen::DenseBase<Delta>& delta, const Eigen::DenseBase<Eta>& eta)
      : theta_(detail::parameter_vector<T>("drelu::pReLU", "theta", theta)),
        gamma_(detail::parameter_vector<T>("drelu::pReLU", "gamma", gamma)),
        delta_(detail::parameter_vector<T>("drelu::pReLU", "delta", delta)),
        eta_(detail::parameter_vector<T>("drelu::pReLU", "eta", eta)) {
    detail::require_supported_scalar<T>();
    validate("drelu::pReLU");
  }

  explicit pReLU(const dReLU<T>& layer) {
    detail::require_invertible_scales("drelu::pReLU (from dReLU)", layer.gamma_p(),
                                      layer.gamma_n());
    detail::convert_units(
        layer.theta_p(), layer.theta_n(), layer.gamma_p(), layer.gamma_n(), theta_, gamma_, delta_,
        eta_, [](T tp, T tn, T gp, T gn) {
          return detail::shared_scale_from_drelu(
              tp, tn, gp, gn,
              &parameterization::prelu_from_drelu<parameterization::conversion_t<T>>);
        });
    validate("drelu::pReLU (from dReLU)");
  }
  explicit pReLU(const xReLU<T>& layer)
      : theta_(layer.theta()),
        gamma_(layer.gamma()),
        delta_(layer.delta()),
        eta_(layer.xi().unaryExpr([](T xi) { return parameterization::eta_from_xi(xi); })) {
    validate("drelu::pReLU (from xReLU)");
  }
  explicit pReLU(const nsReLU<T>& layer) : pReLU(xReLU<T>(layer)) {}

  const Vector& theta() const { return theta_; }
  const Vector& gamma() const { return gamma_; }
  const Vector& delta() const { return delta_; }
  const Vector& eta() const { return eta_; }
  Eigen::Index size() const { return theta_.size(); }

 private:
  void validate(const char* function) const {
    detail::require_same_length(function, "theta", theta_, "gamma", gamma_);
    detail::require_same_length(function, "theta", theta_, "delta", delta_);
    detail::require_same_length(function, "theta", theta_, "eta", eta_);
    detail::require_finite(function, "theta", theta_);
    detail::require_no_nan(function, "gamma", gamma_);
    detail::require_finite(function, "delta", delta_);
    detail::require_no_nan(function, "eta", eta_);
    for (Eigen::Index i = 0; i < eta_.size(); ++i) {
      if (!(eta_(i) > T(-1) && eta_(i) < T(1))) {
        detail::fail(function, ": parameter eta(", i, ") = ", eta_(i),
                     " is outside the open interval (-1, 1); use xReLU or nsReLU for "
                     "unbounded asymmetry");
      }
    }
  }

  Vector theta_, gamma_, delta_, eta_;
};

// xReLU: the pReLU with η = ξ/(1+|ξ|), for any real ξ.
template <class T>
class xReLU {
 public:
  using Scalar = T;
  using Vector = detail::Vector<T>;

  explicit xReLU(Eigen::Index units)
      : theta_(Vector::Zero(detail::unit_count("drelu::xReLU", units))),
        gamma_(Vector::Ones(units)),
        delta_(Vector::Zero(units)),
        xi_(Vector::Zero(units)) {
    detail::require_supported_scalar<T>();
  }

  template <class Theta, class Gamma, class Delta, class Xi>
  xReLU(const Eigen::DenseBase<Theta>& theta, const Eigen::DenseBase<Gamma>& gamma,
        const Eigen::DenseBase<Delta>& delta, const Eigen::DenseBase<Xi>& xi)
      : theta_(detail::parameter_vector<T>("drelu::xReLU", "theta", theta)),
        gamma_(detail::parameter_vector<T>("drelu::xReLU", "gamma", gamma)),
        delta_(detail::parameter_vector<T>("drelu::xReLU", "delta", delta)),
        xi_(detail::parameter_vector<T>("drelu::xReLU", "xi", xi)) {
    detail::require_supported_scalar<T>();
    validate("drelu::xReLU");
  }

  explicit xReLU(const dReLU<T>& layer) {
    detail::require_invertible_scales("drelu::xReLU (from dReLU)", layer.gamma_p(),
                                      layer.gamma_n());
    detail::convert_units(
        layer.theta_p(), layer.theta_n(), layer.gamma_p(), layer.gamma_n(), theta_, gamma_, delta_,
        xi_, [](T tp, T tn, T gp, T gn) {
          return detail::shared_scale_from_drelu(
              tp, tn, gp, gn,
              &parameterization::xrelu_from_drelu<parameterization::conversion_t<T>>);
        });
    validate("drelu::xReLU (from dReLU)");
  }
  explicit xReLU(const pReLU<T>& layer)
      : theta_(layer.theta()),
        gamma_(layer.gamma()),
        delta_(layer.delta()),
        xi_(layer.eta().unaryExpr([](T eta) { return parameterization::xi_from_eta(eta); })) {}
  explicit xReLU(const nsReLU<T>& layer)
      : theta_(layer.theta()),
        gamma_(Vector::Ones(layer.size())),
        delta_(layer.delta()),
        xi_(layer.xi()) {}

  const Vector& theta() const { return theta_; }
  const Vector& gamma() const { return gamma_; }
  const Vector& delta() const { return delta_; }
  const Vector& xi() const { return xi_; }
  Eigen::Index size() const { return theta_.size(); }

 private:
  void validate(const char* function) const {
    detail::require_same_length(function, "theta", theta_, "gamma", gamma_);
    detail::require_same_length(function, "theta", theta_, "delta", delta_);
    detail::require_same_length(function, "theta", theta_, "xi", xi_);
    detail::require_finite(function, "theta", theta_);
    detail::require_no_nan(function, "gamma", gamma_);
    detail::require_finite(function, "delta", delta_);
    detail::require_finite(function, "xi", xi_);
  }

  Vector theta_, gamma_, delta_, xi_;
};

// nsReLU: the xReLU with γ = 1.
template <class T>
class nsReLU {
 public:
  using Scalar = T;
  using Vector = detail::Vector<T>;

  explicit nsReLU(Eigen::Index units)
      : theta_(Vector::Zero(detail::unit_count("drelu::nsReLU", units))),
        delta_(Vector::Zero(units)),
        xi_(Vector::Zero(units)) {
    detail::require_supported_scalar<T>();
  }

  template <class Theta, class Delta, class Xi>
  nsReLU(const Eigen::DenseBase<Theta>& theta, const Eigen::DenseBase<Delta>& delta,
         const Eigen::DenseBase<Xi>& xi)
      : theta_(detail::parameter_vector<T>("drelu::nsReLU", "theta", theta)),
        delta_(detail::parameter_vector<T>("drelu::nsReLU", "delta", delta)),
        xi_(detail::parameter_vector<T>("drelu::nsReLU", "xi", xi)) {
    detail::require_supported_scalar<T>();
    const char* function = "drelu::nsReLU";
    detail::require_same_length(function, "theta", theta_, "delta", delta_);
    detail::require_same_length(function, "theta", theta_, "xi", xi_);
    detail::require_finite(function, "theta", theta_);
    detail::require_finite(function, "delta", delta_);
    detail::require_finite(function, "xi", xi_);
  }

  const Vector& theta() const { return theta_; }
  const Vector& delta() const { return delta_; }
  const Vector& xi() const { return xi_; }
  Eigen::Index size() const { return theta_.size(); }

 private:
  Vector theta_, delta_, xi_;
};

}  // namespace drelu
