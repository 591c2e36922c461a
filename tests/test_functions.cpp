// Tests of the batch functions (functions.hpp): every function of the API table with and
// without inputs, against numerical integration and closed forms, their symmetries and
// identities, the shapes and Eigen expressions they accept, and their errors.
//
// The oracle is Boost.Math quadrature of exp(-U(h) + I h) in long double, split at 0, at the
// side modes and 8 side standard deviations either side of them: exp_sinh on the two
// unbounded pieces, 61-point Gauss-Kronrod with up to 5 bisections on the bounded ones. It is
// checked against the Gaussian closed forms below (to 1e-17 relative).
//
// Tolerances, u_T = epsilon of the layer's type T, u_C = epsilon of C = double for float layers
// (which drelu computes in double) and C = T otherwise: a result is rounded once to T (u_T |v|)
// after a computation at least as precise as C, whose condition numbers in the random regime
// are below 1e3 (`random` rows of tests/data/drelu_public_meta.csv); with a factor 4 of slack
// that is 4096 u_C (9e-13 in double) relative to the scale named at each check.
#include <algorithm>
#include <boost/math/quadrature/exp_sinh.hpp>
#include <boost/math/quadrature/gauss_kronrod.hpp>
#include <boost/math/special_functions/erf.hpp>
#include <cmath>
#include <drelu/drelu.hpp>
#include <functional>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "catch.hpp"
#include "test_helpers.hpp"

namespace {

using drelu_test::Batch;
using drelu_test::check_close;
using drelu_test::check_invalid_argument;
using drelu_test::compute_t;
using drelu_test::epsilon;
using drelu_test::ErrorTable;
using drelu_test::Random;
using drelu_test::show;
using drelu_test::Vector;
using LD = long double;

// ---------------------------------------------------------------------------------------------
// The quadrature oracle.

// One unit with its input folded in: p(h) ∝ exp(-V(h)), V(h) = U(h) - I h.
struct EffectiveUnit {
  LD tp, tn, gp, gn;

  LD potential(LD h) const {
    if (h >= 0) return (gp * h / 2 - tp) * h;
    return (gn * h / 2 - tn) * h;
  }

  // The sizes of the two terms of the potential, which bound its rounding error.
  LD potential_terms(LD h) const {
    if (h >= 0) return gp * h * h / 2 + std::fabs(tp * h);
    return gn * h * h / 2 + std::fabs(tn * h);
  }
};

class Quadrature {
 public:
  explicit Quadrature(const EffectiveUnit& unit) : unit_(unit) {
    add_side(unit.tp, unit.gp, 1);
    add_side(-unit.tn, unit.gn, -1);
    std::sort(breaks_.begin(), breaks_.end());
    breaks_.erase(std::unique(breaks_.begin(), breaks_.end()), breaks_.end());
    mass_ = integrate([](LD) { return LD(1); });
    cgf = std::log(mass_) - shift_;
    mean = integrate([](LD h) { return h; }) / mass_;
    const LD mu = mean;
    var = integrate([mu](LD h) { return (h - mu) * (h - mu); }) / mass_;
    mean_abs = integrate([](LD h) { return std::fabs(h); }) / mass_;
    third = integrate([mu](LD h) { return std::pow(std::fabs(h - mu), 3); }) / mass_;
  }

  // {P(h <= x), P(h > x)}, each integrated directly.
  std::pair<LD, LD> tails(LD x) const {
    std::vector<LD> breaks = breaks_;
    breaks.push_back(x);
    std::sort(breaks.begin(), breaks.end());
    LD lower = 0;
    LD upper = 0;
    const auto one = [](LD) { return LD(1); };
    for (std::size_t k = 0; k <= breaks.size(); ++k) {
      const LD a = k == 0 ? -kInf : breaks[k - 1];
      const LD b = k == breaks.size() ? kInf : breaks[k];
      (b <= x ? lower : upper) += piece(one, a, b);
    }
    return {lower / mass_, upper / mass_};
  }

  LD cgf = 0, mean = 0, var = 0, mean_abs = 0, third = 0;  // third = E|h - mean|^3

 private:
  static constexpr LD kInf = std::numeric_limits<LD>::infinity();
  static constexpr LD kTolerance = 1e-18L;
  // Boost's long double Gauss-Kronrod error estimate does not go below about 1e-14, so the
  // tolerance is never declared met and the bisections are capped; the pieces are narrow
  // enough for 32 x 61 points (the Gaussian self-check below measures the result).
  static constexpr unsigned kBisections = 5;

  // The side u >= 0 with density ∝ exp(-g u^2/2 + t u) (0 < g < inf), sign +1 (h = u) or -1
  // (h = -u). The shift is the smallest V, at 0 or at a side mode (V(t/g) = -t^2/(2g)).
  void add_side(LD t, LD g, int sign) {
    breaks_.push_back(0);
    if (!(t > 0)) return;
    const LD mode = t / g;
    const LD sd = 1 / std::sqrt(g);
    shift_ = std::min(shift_, -t * t / (2 * g));
    for (const LD offset : {LD(0), -8 * sd, 8 * sd}) {
      if (mode + offset > 0) breaks_.push_back(sign * (mode + offset));
    }
  }

  // V(h) - shift, around an interior side mode m = t/g as g/2 (h - m)^2 + (V(m) - shift), which
  // avoids the cancellation of V(h) ~ V(m) against the shift near the mode.
  LD excess(LD h) const {
    const bool positive = h >= 0;
    const LD t = positive ? unit_.tp : -unit_.tn;
    const LD g = positive ? unit_.gp : unit_.gn;
    const LD u = positive ? h : -h;
    if (!(t > 0)) return (g * u / 2 - t) * u - shift_;
    const LD d = u - t / g;
    return g / 2 * d * d + (-t * t / (2 * g) - shift_);
  }

  template <class F>
  LD piece(F f, LD a, LD b) const {
    const auto integrand = [&](LD h) {
      const LD density = std::exp(-excess(h));
      return density == 0 ? LD(0) : f(h) * density;  // f may overflow where density is 0
    };
    if (std::isinf(a) || std::isinf(b)) {
      static boost::math::quadrature::exp_sinh<LD> tails_rule;
      return tails_rule.integrate(integrand, a, b, kTolerance);
    }
    if (!(b > a)) return 0;
    return boost::math::quadrature::gauss_kronrod<LD, 61>::integrate(integrand, a, b, kBisections,
                                                                     kTolerance);
  }

  template <class F>
  LD integrate(F f) const {
    LD sum = piece(f, -kInf, breaks_.front());
    for (std::size_t k = 1; k < breaks_.size(); ++k) sum += piece(f, breaks_[k - 1], breaks_[k]);
    return sum + piece(f, breaks_.back(), kInf);
  }

  EffectiveUnit unit_;
  std::vector<LD> breaks_;
  LD shift_ = 0;
  LD mass_ = 0;
};

// ---------------------------------------------------------------------------------------------
// Layers and bounds.

template <class T>
drelu::dReLU<T> layer_of(const Vector<T>& tp, const Vector<T>& tn, const Vector<T>& gp,
                         const Vector<T>& gn) {
  return drelu::dReLU<T>(tp, tn, gp, gn);
}

template <class T>
drelu::dReLU<T> single_unit(LD tp, LD tn, LD gp, LD gn) {
  const auto c = [](LD v) { return Vector<T>::Constant(1, T(v)); };
  return drelu::dReLU<T>(c(tp), c(tn), c(gp), c(gn));
}

template <class T>
EffectiveUnit effective(const drelu::dReLU<T>& layer, Eigen::Index i, LD input) {
  return {LD(layer.theta_p()(i)) + input, LD(layer.theta_n()(i)) + input,
          std::fabs(LD(layer.gamma_p()(i))), std::fabs(LD(layer.gamma_n()(i)))};
}

// Rounding to T of a result computed in C with `ulps` units of C relative to `scale` (and the
// absolute rounding of a subnormal T).
template <class T>
LD bound(LD value, LD scale, LD ulps) {
  return epsilon<T>() * std::fabs(value) + ulps * epsilon<compute_t<T>>() * scale +
         std::numeric_limits<T>::denorm_min();
}

// The same for the cgf and moments of the batch functions' fast path, which float layers
// compute on float lanes (float_kernels.hpp): a few float roundings of the terms, bounded by
// 16 u = 8 epsilon of `scale`, the contract's factor.
template <class T>
LD fast_bound(LD value, LD scale, LD ulps) {
  if constexpr (std::is_same<T, float>::value) {
    return 8 * epsilon<float>() * scale + std::numeric_limits<float>::denorm_min();
  } else {
    return bound<T>(value, scale, ulps);
  }
}

constexpr LD kRandomUlps = 4096;

// The random regime of the reference tables: theta+- ~ N(0, 3), gamma+- log-uniform on
// [0.1, 10], I ~ N(0, 2), with a fixed seed.
template <class T>
struct RandomSet {
  drelu::dReLU<T> layer;
  Batch<T> inputs;  // N x 1
};

template <class T>
RandomSet<T> random_set(std::uint64_t seed, Eigen::Index n) {
  Random random(seed);
  const auto theta = [](Random& r) { return r.normal(3); };
  const auto gamma = [](Random& r) { return r.log_uniform(0.1, 10); };
  const Vector<T> tp = random.vector<T>(n, theta);
  const Vector<T> tn = random.vector<T>(n, theta);
  const Vector<T> gp = random.vector<T>(n, gamma);
  const Vector<T> gn = random.vector<T>(n, gamma);
  const Vector<T> in = random.vector<T>(n, [](Random& r) { return r.normal(2); });
  return {layer_of<T>(tp, tn, gp, gn), Batch<T>(in)};
}

}  // namespace

// -----------------------------------------------------------------------------------------------

TEST_CASE("the quadrature oracle reproduces the Gaussian closed forms", "[functions]") {
  // theta+ = theta- = t, gamma+ = gamma- = g is N(t/g, 1/g); cgf = t^2/(2g) + log(2 pi/g)/2.
  const LD pi = 3.141592653589793238462643383279502884L;
  ErrorTable table("quadrature oracle vs Gaussian closed forms (long double)");
  // Dyadic t and g with exact square roots, so that every point below is exact.
  for (const LD t : {-7.5L, -1.0L, 0.0L, 0.375L, 12.0L}) {
    for (const LD g : {0.0625L, 1.0L, 16.0L}) {
      const Quadrature q({t, t, g, g});
      const std::string where = "t = " + show(t) + ", g = " + show(g);
      const LD cgf = t * t / (2 * g) + std::log(2 * pi / g) / 2;
      check_close(table, "cgf", where, q.cgf, cgf, 1e-17L * std::fmax(1, std::fabs(cgf)));
      check_close(table, "mean", where, q.mean, t / g, 1e-17L * (std::fabs(t / g) + 1));
      check_close(table, "var", where, q.var, 1 / g, 1e-17L / g);
      const LD x = t / g - 2 / std::sqrt(g);  // two sd below the mean
      const LD below = boost::math::erfc(std::sqrt(2.0L)) / 2;
      check_close(table, "cdf", where, q.tails(x).first, below, 1e-17L * below);
      check_close(table, "sf", where, q.tails(-x + 2 * t / g).second, below, 1e-17L * below);
    }
  }
  table.print();
}

TEMPLATE_TEST_CASE("cgf, moments and cdf agree with numerical integration", "[functions]", float,
                   double, long double) {
  using T = TestType;
  const Eigen::Index n = 200;
  const auto set = random_set<T>(20240611, n);
  const auto& layer = set.layer;
  const Batch<T> cgf = drelu::cgfs(layer, set.inputs);
  const Batch<T> mean = drelu::mean_from_inputs(layer, set.inputs);
  const Batch<T> var = drelu::var_from_inputs(layer, set.inputs);
  const Batch<T> mean_abs = drelu::mean_abs_from_inputs(layer, set.inputs);
  // Points at -3, -1, 0, 1, 3 standard deviations from the mean, and h = 0.
  const LD offsets[] = {-3, -1, 0, 1, 3};
  Batch<T> points(n, 6);
  for (Eigen::Index i = 0; i < n; ++i) {
    for (int k = 0; k < 5; ++k) points(i, k) = T(mean(i, 0) + offsets[k] * std::sqrt(var(i, 0)));
    points(i, 5) = 0;
  }
  const Batch<T> inputs = set.inputs.replicate(1, points.cols());
  const Batch<T> cdf = drelu::cdfs(layer, points, inputs);
  const Batch<T> sf = drelu::sfs(layer, points, inputs);
  const Batch<T> logpdf = drelu::logpdfs(layer, points, inputs);
  const Batch<T> energy = drelu::energies(layer, points);

  ErrorTable table(std::string("functions vs quadrature, 200 random units (") +
                   drelu_test::type_name<T>() + ")");
  for (Eigen::Index i = 0; i < n; ++i) {
    const LD input = set.inputs(i, 0);
    const Quadrature q(effective(layer, i, input));
    const std::string where = "unit " + std::to_string(i);
    const LD sd = std::sqrt(q.var);
    check_close(table, "cgf", where, cgf(i, 0), q.cgf,
                fast_bound<T>(q.cgf, std::fmax(1, std::fabs(q.cgf)), kRandomUlps));
    check_close(table, "mean", where, mean(i, 0), q.mean,
                fast_bound<T>(q.mean, std::fabs(q.mean) + sd, kRandomUlps));
    check_close(table, "var", where, var(i, 0), q.var, fast_bound<T>(q.var, q.var, kRandomUlps));
    check_close(table, "mean_abs", where, mean_abs(i, 0), q.mean_abs,
                fast_bound<T>(q.mean_abs, q.mean_abs, kRandomUlps));
    for (Eigen::Index k = 0; k < points.cols(); ++k) {
      const LD x = points(i, k);
      const auto tails = q.tails(x);
      const std::string at = where + ", x = " + show(x);
      check_close(table, "cdf (relative)", at, cdf(i, k), tails.first,
                  bound<T>(tails.first, tails.first, kRandomUlps));
      check_close(table, "sf (relative)", at, sf(i, k), tails.second,
                  bound<T>(tails.second, tails.second, kRandomUlps));
      // log p(x) = -U(x) + I x - cgf: a sum of terms whose sizes bound its rounding.
      const LD u = effective(layer, i, 0).potential(x);
      const LD want = -u + input * x - q.cgf;
      const LD terms = std::fabs(u) + std::fabs(input * x) + std::fabs(q.cgf);
      check_close(table, "logpdf", at, logpdf(i, k), want, bound<T>(want, terms, kRandomUlps));
      const LD energy_terms = effective(layer, i, 0).potential_terms(x);
      check_close(table, "energy", at, energy(i, k), u, 4 * epsilon<T>() * energy_terms);
    }
  }
  table.print();
}

TEMPLATE_TEST_CASE("Gaussian units match the closed forms", "[functions]", float, double,
                   long double) {
  using T = TestType;
  const LD pi = 3.141592653589793238462643383279502884L;
  ErrorTable table(std::string("Gaussian closed forms (") + drelu_test::type_name<T>() + ")");
  // Every t, g and input is a short dyadic, exact in float, so t + I is exact too. The small
  // t make E[h] = t/g far smaller than E|h|, which the mean must still resolve.
  const std::vector<std::pair<LD, LD>> shifts = {
      {-3.0L, 0.0L},     {-3.0L, 0.75L},    {-0.5L, 0.0L},
      {-0.5L, 0.75L},    {0.0L, 0.0L},      {0.0L, 0.75L},
      {1.25L, 0.0L},     {1.25L, 0.75L},    {4.0L, 0.0L},
      {4.0L, 0.75L},     {0x1p-10L, 0.0L},  {0x1p-20L, 0x1p-30L},
      {-0x1p-40L, 0.0L}, {0.0L, -0x1p-33L}, {-0.75L, 0.75L + 0x1p-16L}};
  for (const auto& [theta, input] : shifts) {
    for (const LD g : {0.25L, 1.0L, 4.0L}) {
      const auto layer = single_unit<T>(theta, theta, g, g);
      const Batch<T> in = Batch<T>::Constant(1, 1, T(input));
      const LD t = theta + input;
      const std::string where = "t = " + show(t) + ", g = " + show(g);
      const LD half_log = std::log(2 * pi / g) / 2;
      const LD cgf = t * t / (2 * g) + half_log;
      // A few operations on terms of size t^2/(2g) and |log(2 pi/g)/2|: 16 u_C of their sum.
      check_close(table, "cgf", where, drelu::cgfs(layer, in)(0, 0), cgf,
                  fast_bound<T>(cgf, t * t / (2 * g) + std::fabs(half_log), 16));
      const LD sd = 1 / std::sqrt(g);
      // The mean relative to itself: a few roundoffs, however small t is.
      check_close(table, "mean", where, drelu::mean_from_inputs(layer, in)(0, 0), t / g,
                  fast_bound<T>(t / g, std::fabs(t / g), 16));
      check_close(table, "meanvar mean", where, drelu::meanvar_from_inputs(layer, in).mean(0, 0),
                  t / g, fast_bound<T>(t / g, std::fabs(t / g), 16));
      check_close(table, "var", where, drelu::var_from_inputs(layer, in)(0, 0), 1 / g,
                  fast_bound<T>(1 / g, 1 / g, 16));
      check_close(table, "std", where, drelu::std_from_inputs(layer, in)(0, 0), sd,
                  fast_bound<T>(sd, sd, 16));
      for (const LD z : {-6.0L, -2.5L, -1.0L, 0.0L, 0.5L, 2.0L, 5.0L}) {
        const T x = T(t / g + z * sd);
        const LD zx = (LD(x) - t / g) * std::sqrt(g);  // the exact z of the rounded x
        const Batch<T> xs = Batch<T>::Constant(1, 1, x);
        const std::string at = where + ", z = " + show(z);
        // Phi(z) = erfc(-z/sqrt 2)/2 has relative condition |z| phi(z)/Phi(z) <= 1 + z^2 in
        // z, and the library's truncation points carry an error of a few u_C.
        const LD cdf = boost::math::erfc(-zx / std::sqrt(2.0L)) / 2;
        const LD sf = boost::math::erfc(zx / std::sqrt(2.0L)) / 2;
        check_close(table, "cdf", at, drelu::cdfs(layer, xs, in)(0, 0), cdf,
                    bound<T>(cdf, cdf * (1 + zx * zx), 16));
        check_close(table, "sf", at, drelu::sfs(layer, xs, in)(0, 0), sf,
                    bound<T>(sf, sf * (1 + zx * zx), 16));
        const LD logpdf = -g / 2 * (LD(x) - t / g) * (LD(x) - t / g) - half_log;
        const LD terms = g * LD(x) * LD(x) / 2 + std::fabs(t * LD(x)) + std::fabs(cgf);
        check_close(table, "logpdf", at, drelu::logpdfs(layer, xs, in)(0, 0), logpdf,
                    bound<T>(logpdf, terms, 16));
      }
    }
  }
  table.print();
}

TEMPLATE_TEST_CASE("logpdf keeps its digits near the peak of a narrow unit far from 0",
                   "[functions]", float, double, long double) {
  using T = TestType;
  const LD pi = 3.141592653589793238462643383279502884L;
  ErrorTable table(std::string("narrow far-out peaks (") + drelu_test::type_name<T>() + ")");
  // Near the peak, -U(x) + I x and the cgf both hold q = t^2/(2g) (up to 2^81 here), while
  // log p is about log(g/2pi)/2 (up to 28): the library must cancel q exactly. The units are
  // Gaussian (or one-sided with the other side negligible), and every value is a short dyadic,
  // so log p = log(g/2pi)/2 - z^2/2 at x = t/g + z/sqrt(g) (z of x once rounded to T).
  for (const int scale : {20, 40, 80}) {
    const LD g = std::ldexp(1.0L, scale);
    const LD sd = std::ldexp(1.0L, -scale / 2);
    for (const LD peak : {2.0L, -1.0L, 0.75L}) {
      const LD theta = peak * g;
      const bool positive = peak > 0;
      for (const bool one_sided : {false, true}) {
        const auto layer = one_sided ? (positive ? single_unit<T>(theta, -3, g, 1)
                                                 : single_unit<T>(3, theta, 1, g))
                                     : single_unit<T>(theta, theta, g, g);
        for (const LD z : {0.0L, 1.0L, -2.5L, 6.0L}) {
          const Batch<T> x = Batch<T>::Constant(1, 1, T(peak + z * sd));
          const LD zx = (LD(x(0, 0)) - peak) / sd;  // the exact z of the rounded x
          const LD want = std::log(g / (2 * pi)) / 2 - zx * zx / 2;
          const std::string where = "g = 2^" + std::to_string(scale) + ", peak " + show(peak) +
                                    (one_sided ? " (one side)" : "") + ", z = " + show(z);
          check_close(table, "logpdf", where, drelu::logpdfs(layer, x)(0, 0), want,
                      bound<T>(want, std::fabs(want) + zx * zx / 2 + 1, 16));
        }
      }
    }
  }
  table.print();
}

TEMPLATE_TEST_CASE("std is sqrt(var) and the mode follows the rule", "[functions]", float, double,
                   long double) {
  using T = TestType;
  const auto set = random_set<T>(99, 300);
  const Batch<T> var = drelu::var_from_inputs(set.layer, set.inputs);
  const Batch<T> sd = drelu::std_from_inputs(set.layer, set.inputs);
  const Batch<T> mode = drelu::mode_from_inputs(set.layer, set.inputs);
  ErrorTable table(std::string("std and mode (") + drelu_test::type_name<T>() + ")");
  for (Eigen::Index i = 0; i < set.layer.size(); ++i) {
    const std::string where = "unit " + std::to_string(i);
    // sqrt is correctly rounded, so std and sqrt(var) differ by the rounding of var to T.
    check_close(table, "std = sqrt(var)", where, sd(i, 0), std::sqrt(var(i, 0)),
                epsilon<T>() * sd(i, 0));
    // The rule of the reference README with tp = theta+ + I, tn = theta- + I.
    const EffectiveUnit u = effective(set.layer, i, set.inputs(i, 0));
    LD want = 0;
    if (u.tp > 0 && u.tn < 0) {
      want = u.tp * u.tp / u.gp >= u.tn * u.tn / u.gn ? u.tp / u.gp : u.tn / u.gn;
    } else if (u.tp > 0) {
      want = u.tp / u.gp;
    } else if (u.tn < 0) {
      want = u.tn / u.gn;
    }
    // t/g from a t rounded once in C: 2 u_C relative, then rounded to T.
    check_close(table, "mode", where, mode(i, 0), want, bound<T>(want, std::fabs(want), 2));
  }
  // The rule's edges: both peaks removed by the inputs, an exact tie (positive wins) and the
  // higher negative peak of a bimodal unit.
  const auto mode_of = [](LD tp, LD tn, LD gp, LD gn) {
    return drelu::mode_from_inputs(single_unit<T>(tp, tn, gp, gn))(0, 0);
  };
  CHECK(mode_of(-1, 2, 1, 1) == 0);
  CHECK(mode_of(0, 0, 3, 0.5) == 0);
  CHECK(mode_of(2, -3, 1, 2.25) == 2);  // 2^2/1 = 3^2/2.25 = 4
  CHECK(mode_of(2, -2, 1, 1) == 2);
  CHECK(mode_of(1, -3, 1, 1) == -3);
  CHECK(mode_of(-1, -3, 1, 2) == T(-1.5));
  CHECK(mode_of(3, 1, 2, 1) == T(1.5));
  table.print();
}

TEMPLATE_TEST_CASE("energies of a known layer, by hand", "[functions]", float, double,
                   long double) {
  using T = TestType;
  const T inf = std::numeric_limits<T>::infinity();
  // unit 0: an ordinary unit; unit 1: gamma+ = -4 acts as 4, gamma- = inf removes h < 0;
  // unit 2: gamma+ = inf removes h > 0, gamma- = -3 acts as 3.
  Vector<T> tp(3), tn(3), gp(3), gn(3);
  tp << 1, T(0.5), -1;
  tn << -2, 0, T(1.5);
  gp << 2, -4, inf;
  gn << T(0.5), inf, -3;
  const drelu::dReLU<T> layer(tp, tn, gp, gn);
  Batch<T> x(3, 4);
  x.rowwise() = (Eigen::Array<T, 1, 4>() << -1, 0, T(0.5), 2).finished();
  // U(h) = |g+|/2 h+^2 - t+ h+ + |g-|/2 h-^2 - t- h-, every value exact in binary.
  Batch<T> expected(3, 4);
  expected << T(-1.75), 0, T(-0.25), 2,  //
      inf, 0, T(0.25), 7,                //
      3, 0, inf, inf;
  const Batch<T> got = drelu::energies(layer, x);
  REQUIRE(got.rows() == 3);
  REQUIRE(got.cols() == 4);
  for (Eigen::Index i = 0; i < 3; ++i) {
    for (Eigen::Index j = 0; j < 4; ++j) {
      INFO("unit " << i << ", x = " << show(x(i, j)));
      CHECK(got(i, j) == expected(i, j));
    }
  }
  // Negative gammas act as |gamma| everywhere, not only in the energy.
  const auto flipped = single_unit<T>(1, -2, -2, -T(0.5));
  const auto plain = single_unit<T>(1, -2, 2, T(0.5));
  CHECK(drelu::cgfs(flipped)(0, 0) == drelu::cgfs(plain)(0, 0));
  CHECK(drelu::mean_from_inputs(flipped)(0, 0) == drelu::mean_from_inputs(plain)(0, 0));
  CHECK(drelu::var_from_inputs(flipped)(0, 0) == drelu::var_from_inputs(plain)(0, 0));
}

// The packet loop of energies (whole packets of rows, then the rows left over), its repair of
// the points where the formula meets 0 * inf or inf - inf, and its in-place and copying paths
// for inputs and outputs of every layout.
TEMPLATE_TEST_CASE("energies on packets, every layout, limits in any row", "[functions]", float,
                   double, long double) {
  using T = TestType;
  const T inf = std::numeric_limits<T>::infinity();
  // The three units of the test above and a fourth with γ⁺ = 0 (where U = −θ⁺ h, so the formula
  // meets 0 * inf at h = inf), repeated to 23 rows: the limits land in packets and in the rows
  // left over, whatever the packet width.
  const Eigen::Index n = 23;
  Vector<T> tp(n), tn(n), gp(n), gn(n);
  const T unit_tp[4] = {1, T(0.5), -1, 2}, unit_tn[4] = {-2, 0, T(1.5), 0};
  const T unit_gp[4] = {2, -4, inf, 0}, unit_gn[4] = {T(0.5), inf, -3, 1};
  for (Eigen::Index i = 0; i < n; ++i) {
    tp(i) = unit_tp[i % 4];
    tn(i) = unit_tn[i % 4];
    gp(i) = unit_gp[i % 4];
    gn(i) = unit_gn[i % 4];
  }
  const drelu::dReLU<T> layer(tp, tn, gp, gn);
  const T points[5] = {-1, 0, T(0.5), 2, inf};
  const T expected[4][5] = {{T(-1.75), 0, T(-0.25), 2, inf},
                            {inf, 0, T(0.25), 7, inf},
                            {3, 0, inf, inf, inf},
                            {T(0.5), 0, -1, -4, -inf}};
  Batch<T> x(n, 5);
  for (Eigen::Index i = 0; i < n; ++i) {
    for (Eigen::Index j = 0; j < 5; ++j) x(i, j) = points[(i + j) % 5];
  }
  const auto check = [&](const auto& got, const char* layout) {
    INFO(layout);
    REQUIRE(got.rows() == n);
    REQUIRE(got.cols() == 5);
    for (Eigen::Index i = 0; i < n; ++i) {
      for (Eigen::Index j = 0; j < 5; ++j) {
        INFO("row " << i << ", x = " << show(x(i, j)));
        CHECK(got(i, j) == expected[i % 4][(i + j) % 5]);
      }
    }
  };
  check(drelu::energies(layer, x), "plain array");
  check(drelu::energies(layer, x * T(1)), "expression");
  const Eigen::Array<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> row_major = x;
  check(drelu::energies(layer, row_major), "row-major input");
  check(drelu::energies(layer, x.template cast<double>()), "input of another scalar");
  Batch<T> big = Batch<T>::Constant(n + 2, 7, T(-7));
  auto block = big.block(1, 1, n, 5);
  drelu::energies(layer, x, block);
  check(block, "strided output block");
  CHECK((big.row(0) == T(-7)).all());
  CHECK((big.col(6) == T(-7)).all());
  Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> row_major_out(n, 5);
  drelu::energies(layer, x, row_major_out);
  check(row_major_out, "row-major output");
  Batch<T> in_place = x;
  drelu::energies(layer, in_place, in_place);
  check(in_place, "in place");
}

TEMPLATE_TEST_CASE("one-sided and exponential limits", "[functions]", float, double, long double) {
  using T = TestType;
  const T inf = std::numeric_limits<T>::infinity();
  const LD u = epsilon<T>();
  // gamma+ = 0, theta+ = -2 and the negative side removed: an Exp(2) variable.
  const auto exponential = single_unit<T>(-2, 0, 0, inf);
  CHECK(std::fabs(drelu::cgfs(exponential)(0, 0) + std::log(2.0L)) <= 4 * u);
  CHECK(std::fabs(drelu::mean_from_inputs(exponential)(0, 0) - 0.5L) <= 4 * u * 0.5L);
  CHECK(std::fabs(drelu::var_from_inputs(exponential)(0, 0) - 0.25L) <= 4 * u * 0.25L);
  const Batch<T> one = Batch<T>::Constant(1, 1, 1);
  CHECK(std::fabs(drelu::cdfs(exponential, one)(0, 0) + std::expm1(-2.0L)) <= 4 * u);
  CHECK(drelu::prob_positive_from_inputs(exponential)(0, 0) == 1);
  // gamma+ = 0 with theta+ >= 0 is not normalizable: cgf = +inf (not an exception, not NaN).
  const auto improper = single_unit<T>(0.5, 0, 0, 1);
  CHECK(drelu::cgfs(improper)(0, 0) == inf);
  // A side truncated far beyond double range: theta+ = 1e300, gamma+ = 1e-300 is N(1e600,
  // 1e300) on h > 0 for all practical purposes. mean and cgf are +inf, var = 1/gamma+.
  if (std::is_same<T, double>::value) {
    const auto far = single_unit<T>(1e300, 0, 1e-300, 1);
    CHECK(drelu::cgfs(far)(0, 0) == inf);
    CHECK(drelu::mean_from_inputs(far)(0, 0) == inf);
    const LD var = drelu::var_from_inputs(far)(0, 0);
    INFO("var = " << show(var));
    CHECK(std::fabs(var - 1e300L) <= 16 * u * 1e300L);
  }
}

TEMPLATE_TEST_CASE("mirroring h -> -h", "[functions]", float, double, long double) {
  using T = TestType;
  // (theta+, gamma+) <-> (-theta-, gamma-) with negated inputs is the law of -h.
  const auto set = random_set<T>(4242, 100);
  const auto& a = set.layer;
  const drelu::dReLU<T> b(-a.theta_n(), -a.theta_p(), a.gamma_n(), a.gamma_p());
  const Batch<T> in = set.inputs.replicate(1, 2);
  Batch<T> x(a.size(), 2);
  x.col(0).setConstant(T(0.75));
  x.col(1).setConstant(T(-2.5));
  const Batch<T> in_b = -in;
  const Batch<T> x_b = -x;
  ErrorTable table(std::string("mirror symmetry (") + drelu_test::type_name<T>() + ")");
  const Batch<T> sd = drelu::std_from_inputs(a, in);
  // The two computations are the same operations on the same numbers up to the order of a few
  // sums: 4 u_T of each value's scale.
  const auto compare = [&](const char* what, const Batch<T>& got, const Batch<T>& want,
                           bool add_sd) {
    for (Eigen::Index j = 0; j < got.cols(); ++j) {
      for (Eigen::Index i = 0; i < got.rows(); ++i) {
        const LD scale = std::fabs(want(i, j)) + (add_sd ? sd(i, j) : 0);
        check_close(table, what, "unit " + std::to_string(i) + ", column " + std::to_string(j),
                    got(i, j), want(i, j), 4 * epsilon<T>() * scale);
      }
    }
  };
  compare("mean -> -mean", drelu::mean_from_inputs(b, in_b), -drelu::mean_from_inputs(a, in), true);
  compare("var", drelu::var_from_inputs(b, in_b), drelu::var_from_inputs(a, in), false);
  compare("mean_abs", drelu::mean_abs_from_inputs(b, in_b), drelu::mean_abs_from_inputs(a, in),
          false);
  compare("cgf", drelu::cgfs(b, in_b), drelu::cgfs(a, in), false);
  compare("mode -> -mode", drelu::mode_from_inputs(b, in_b), -drelu::mode_from_inputs(a, in), true);
  compare("prob_positive <-> prob_negative", drelu::prob_positive_from_inputs(b, in_b),
          drelu::prob_negative_from_inputs(a, in), false);
  compare("cdf(x) <-> sf(-x)", drelu::cdfs(b, x_b, in_b), drelu::sfs(a, x, in), false);
  compare("sf(x) <-> cdf(-x)", drelu::sfs(b, x_b, in_b), drelu::cdfs(a, x, in), false);
  compare("logpdf(x) <-> logpdf(-x)", drelu::logpdfs(b, x_b, in_b), drelu::logpdfs(a, x, in),
          false);
  table.print();
}

TEMPLATE_TEST_CASE("cdf + sf = 1 and P(h > 0) + P(h < 0) = 1", "[functions]", float, double,
                   long double) {
  using T = TestType;
  const auto set = random_set<T>(31337, 100);
  Batch<T> x(set.layer.size(), 5);
  x.rowwise() = (Eigen::Array<T, 1, 5>() << -4, -1, 0, T(0.5), 3).finished();
  const Batch<T> in = set.inputs.replicate(1, 5);
  // The smaller of the two is accurate and the other is 1 minus it in C, then both are
  // rounded to T: the sum is 1 within 2 u_T.
  const Batch<T> sum = drelu::cdfs(set.layer, x, in) + drelu::sfs(set.layer, x, in);
  CHECK((sum - 1).abs().maxCoeff() <= 2 * epsilon<T>());
  const Batch<T> sides = drelu::prob_positive_from_inputs(set.layer, set.inputs) +
                         drelu::prob_negative_from_inputs(set.layer, set.inputs);
  CHECK((sides - 1).abs().maxCoeff() <= 2 * epsilon<T>());
  CHECK((drelu::cdfs(set.layer, x, in) >= 0).all());
  CHECK((drelu::cdfs(set.layer, x, in) <= 1).all());
}

TEMPLATE_TEST_CASE("cdf is 0 at -inf and 1 at +inf, also with mass at infinity", "[functions]",
                   float, double, long double) {
  using T = TestType;
  const T inf = std::numeric_limits<T>::infinity();
  // An ordinary unit at I = +inf and I = -inf, an exponential side with theta = 0 (not
  // normalizable) and an ordinary unit at I = 0: the cgf is +inf in the first three.
  const auto ordinary = single_unit<T>(1, -0.5, 2, 0.5);
  const auto open_side = single_unit<T>(0, -0.5, 0, 0.5);
  const Batch<T> x = (Eigen::Array<T, 1, 3>() << -inf, 0, inf).finished();
  for (const auto& [layer, input] : {std::pair{ordinary, inf}, std::pair{ordinary, -inf},
                                     std::pair{open_side, T(0)}, std::pair{ordinary, T(0)}}) {
    const Batch<T> in = Batch<T>::Constant(1, 3, input);
    const Batch<T> cdf = drelu::cdfs(layer, x, in);
    const Batch<T> sf = drelu::sfs(layer, x, in);
    INFO("input " << input << ", cdf " << cdf << ", sf " << sf);
    CHECK(cdf(0, 0) == 0);
    CHECK(sf(0, 0) == 1);
    CHECK(cdf(0, 2) == 1);
    CHECK(sf(0, 2) == 0);
    // At 0, P(h < 0) up to rounding (two routes).
    CHECK(std::fabs(cdf(0, 1) - drelu::prob_negative_from_inputs(layer, in.col(0))(0, 0)) <=
          2 * epsilon<T>());
  }
}

TEMPLATE_TEST_CASE("the derivative of the cgf in the input is the mean", "[functions]", float,
                   double, long double) {
  using T = TestType;
  const auto set = random_set<T>(555, 50);
  const LD u = epsilon<T>();
  ErrorTable table(std::string("d cgf / dI = mean (") + drelu_test::type_name<T>() + ")");
  for (Eigen::Index i = 0; i < set.layer.size(); ++i) {
    const LD input = set.inputs(i, 0);
    const Quadrature q(effective(set.layer, i, input));
    const LD sd = std::sqrt(q.var);
    // Central difference with step s = u^(1/3) sd (rounded to a representable offset): its
    // error is at most s^2 max|cgf'''|/6 + 2 e/(2 s), where cgf''' is the third cumulant,
    // |kappa_3| <= E|h - mean|^3 (taken twice for its variation over [I - s, I + s]), and
    // e = 64 u max(1, |cgf|) bounds the error of each cgf value.
    const T step = T(std::cbrt(u) * sd);
    const T up = T(input + step);
    const T down = T(input - step);
    const LD width = LD(up) - LD(down);
    const auto cgf_at = [&](T v) {
      return LD(drelu::cgfs(set.layer, Batch<T>::Constant(set.layer.size(), 1, v))(i, 0));
    };
    const LD derivative = (cgf_at(up) - cgf_at(down)) / width;
    const LD e = 64 * u * std::fmax(1, std::fabs(q.cgf));
    const LD truncation = width * width / 4 * 2 * q.third / 6;
    check_close(table, "central difference", "unit " + std::to_string(i), derivative, q.mean,
                truncation + 2 * e / width);
  }
  table.print();
}

TEST_CASE("every function with and without inputs, on all layer types", "[functions]") {
  using V = Eigen::ArrayXd;
  using B = Batch<double>;
  Random random(11);
  const auto normals = [&](double sd) {
    return random.vector<double>(4, [sd](Random& r) { return r.normal(sd); });
  };
  const V gammas = random.vector<double>(4, [](Random& r) { return r.log_uniform(0.1, 10); });
  const V eta = random.vector<double>(4, [](Random& r) { return r.uniform(-0.9, 0.9); });
  const drelu::dReLU<double> d(normals(3), normals(3), gammas, gammas.reverse());
  const drelu::pReLU<double> p(normals(3), gammas, normals(3), eta);
  const drelu::xReLU<double> x(normals(3), gammas, normals(3), normals(3));
  const drelu::nsReLU<double> ns(normals(3), normals(3), normals(3));
  B points(4, 3);
  points << -1, 0.5, 2, 0, 1, -3, 0.25, -0.25, 7, 1e-3, -1e3, 4;
  const B zero_column = B::Zero(4, 1);
  const B zero_points = B::Zero(4, 3);

  const auto check_layer = [&](const auto& layer, const char* name) {
    INFO("layer " << name);
    const auto same = [](const B& a, const B& b) {
      return a.rows() == b.rows() && a.cols() == b.cols() && (a == b).all();
    };
    CHECK(drelu::cgfs(layer).rows() == 4);
    CHECK(drelu::cgfs(layer).cols() == 1);
    CHECK(same(drelu::cgfs(layer), drelu::cgfs(layer, zero_column)));
    CHECK(same(drelu::mean_from_inputs(layer), drelu::mean_from_inputs(layer, zero_column)));
    CHECK(same(drelu::var_from_inputs(layer), drelu::var_from_inputs(layer, zero_column)));
    CHECK(same(drelu::std_from_inputs(layer), drelu::std_from_inputs(layer, zero_column)));
    CHECK(
        same(drelu::mean_abs_from_inputs(layer), drelu::mean_abs_from_inputs(layer, zero_column)));
    CHECK(same(drelu::mode_from_inputs(layer), drelu::mode_from_inputs(layer, zero_column)));
    CHECK(same(drelu::prob_positive_from_inputs(layer),
               drelu::prob_positive_from_inputs(layer, zero_column)));
    CHECK(same(drelu::prob_negative_from_inputs(layer),
               drelu::prob_negative_from_inputs(layer, zero_column)));
    CHECK(same(drelu::logpdfs(layer, points), drelu::logpdfs(layer, points, zero_points)));
    CHECK(same(drelu::cdfs(layer, points), drelu::cdfs(layer, points, zero_points)));
    CHECK(same(drelu::sfs(layer, points), drelu::sfs(layer, points, zero_points)));
    CHECK(drelu::logpdfs(layer, points).cols() == 3);
    CHECK(drelu::energies(layer, points).cols() == 3);
    // Every layer type is its dReLU.
    const drelu::dReLU<double> as_d(layer);
    CHECK(same(drelu::energies(layer, points), drelu::energies(as_d, points)));
    const B cgf = drelu::cgfs(layer);
    const B cgf_d = drelu::cgfs(as_d);
    CHECK((cgf - cgf_d).abs().maxCoeff() <= 1e-12 * cgf.abs().max(1).maxCoeff());
    // Constant inputs in every column give equal columns.
    const B in = B::Constant(4, 3, 0.5);
    const B means = drelu::mean_from_inputs(layer, in);
    CHECK(same(means.col(1), means.col(0)));
    CHECK(same(means.col(2), means.col(0)));
  };
  check_layer(d, "dReLU");
  check_layer(p, "pReLU");
  check_layer(x, "xReLU");
  check_layer(ns, "nsReLU");
}

TEST_CASE("batches may be any Eigen dense expression", "[functions]") {
  using B = Batch<double>;
  Random random(3);
  const auto v = [&](auto draw) { return random.vector<double>(4, draw); };
  const auto theta = [](Random& r) { return r.normal(3); };
  const auto gamma = [](Random& r) { return r.log_uniform(0.1, 10); };
  const drelu::dReLU<double> layer(v(theta), v(theta), v(gamma), v(gamma));
  Eigen::MatrixXd w(4, 5);
  Eigen::MatrixXd hidden(5, 3);
  for (Eigen::Index j = 0; j < 5; ++j) {
    w.col(j) = v(theta).matrix();
    if (j < 3) hidden.col(j).head(4) = v(theta).matrix();
    hidden(4, j % 3) = 0.5 * double(j);
  }
  const B inputs = (w * hidden).array();  // the evaluated product
  const Eigen::MatrixXd as_matrix = inputs.matrix();
  std::vector<double> storage(inputs.data(), inputs.data() + inputs.size());
  const Eigen::Map<const Eigen::MatrixXd> map(storage.data(), 4, 3);
  Eigen::ArrayXXd big = Eigen::ArrayXXd::Constant(7, 6, 9.0);
  big.block(2, 1, 4, 3) = inputs;
  const auto block = big.block(2, 1, 4, 3);
  B points(4, 3);
  points << -1, 0.5, 2, 0, 1, -3, 0.25, -0.25, 7, 1e-3, -1e3, 4;
  const Eigen::MatrixXd points_matrix = points.matrix();

  const auto same = [](const B& a, const B& b) {
    return a.rows() == b.rows() && a.cols() == b.cols() && (a == b).all();
  };
  const B cgf = drelu::cgfs(layer, inputs);
  CHECK(same(drelu::cgfs(layer, as_matrix), cgf));
  CHECK(same(drelu::cgfs(layer, map), cgf));
  CHECK(same(drelu::cgfs(layer, block), cgf));
  CHECK(same(drelu::cgfs(layer, w * hidden), cgf));
  const B mean = drelu::mean_from_inputs(layer, inputs);
  CHECK(same(drelu::mean_from_inputs(layer, w * hidden), mean));
  CHECK(same(drelu::mean_from_inputs(layer, map), mean));
  CHECK(same(drelu::var_from_inputs(layer, block), drelu::var_from_inputs(layer, inputs)));
  CHECK(same(drelu::mode_from_inputs(layer, as_matrix), drelu::mode_from_inputs(layer, inputs)));
  // A matrix-vector product gives one column.
  const Eigen::VectorXd h = hidden.col(1);
  const B single = (w * h).array();
  CHECK(
      same(drelu::mean_abs_from_inputs(layer, w * h), drelu::mean_abs_from_inputs(layer, single)));
  CHECK(drelu::std_from_inputs(layer, w * h).cols() == 1);
  // Points and inputs of different expression types.
  const B cdf = drelu::cdfs(layer, points, inputs);
  CHECK(same(drelu::cdfs(layer, points_matrix, w * hidden), cdf));
  CHECK(same(drelu::cdfs(layer, points_matrix.block(0, 0, 4, 3), map), cdf));
  CHECK(same(drelu::logpdfs(layer, points_matrix, block), drelu::logpdfs(layer, points, inputs)));
  CHECK(same(drelu::sfs(layer, points.matrix(), as_matrix), drelu::sfs(layer, points, inputs)));
  CHECK(same(drelu::energies(layer, points_matrix), drelu::energies(layer, points)));
}

TEST_CASE("batch shapes: wrong row counts throw, zero columns are fine", "[functions]") {
  using B = Batch<double>;
  const drelu::dReLU<double> layer(4);
  const B wrong = B::Zero(3, 2);
  const B right = B::Zero(4, 2);
  const B wider = B::Zero(4, 3);
  const std::vector<std::string> sizes = {"3 x 2", "4"};
  const auto expect = [&](const char* name, auto call) {
    std::vector<std::string> parts = sizes;
    parts.push_back(std::string("drelu::") + name);
    check_invalid_argument(call, parts);
  };
  expect("energies", [&] { drelu::energies(layer, wrong); });
  expect("cgfs", [&] { drelu::cgfs(layer, wrong); });
  expect("mean_from_inputs", [&] { drelu::mean_from_inputs(layer, wrong); });
  expect("var_from_inputs", [&] { drelu::var_from_inputs(layer, wrong); });
  expect("std_from_inputs", [&] { drelu::std_from_inputs(layer, wrong); });
  expect("mean_abs_from_inputs", [&] { drelu::mean_abs_from_inputs(layer, wrong); });
  expect("mode_from_inputs", [&] { drelu::mode_from_inputs(layer, wrong); });
  expect("prob_positive_from_inputs", [&] { drelu::prob_positive_from_inputs(layer, wrong); });
  expect("prob_negative_from_inputs", [&] { drelu::prob_negative_from_inputs(layer, wrong); });
  expect("logpdfs", [&] { drelu::logpdfs(layer, wrong); });
  expect("cdfs", [&] { drelu::cdfs(layer, wrong); });
  expect("sfs", [&] { drelu::sfs(layer, wrong, wrong); });
  // x and inputs of different shapes.
  const std::vector<std::string> mismatch = {"4 x 2", "4 x 3"};
  for (const auto& call : std::vector<std::function<void()>>{
           [&] { drelu::logpdfs(layer, right, wider); }, [&] { drelu::cdfs(layer, right, wider); },
           [&] { drelu::sfs(layer, wider, right); }}) {
    check_invalid_argument(call, mismatch);
  }
  // An N x 0 batch gives N x 0.
  const B empty(4, 0);
  CHECK(drelu::cgfs(layer, empty).rows() == 4);
  CHECK(drelu::cgfs(layer, empty).cols() == 0);
  CHECK(drelu::mean_from_inputs(layer, empty).cols() == 0);
  CHECK(drelu::energies(layer, empty).cols() == 0);
  CHECK(drelu::cdfs(layer, empty).cols() == 0);
  CHECK(drelu::logpdfs(layer, empty, empty).cols() == 0);
}

TEST_CASE("NaN in a batch gives NaN in that element only", "[functions]") {
  using B = Batch<double>;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  // Units with every sign combination of theta+- (side modes on either side of 0).
  Eigen::ArrayXd tp(4), tn(4), g(4);
  tp << 1.5, -1.5, 2, -0.5;
  tn << -2, 1, 0.5, -3;
  g << 1, 0.5, 2, 4;
  const drelu::dReLU<double> layer(tp, tn, g, g.reverse());
  B inputs = B::Constant(4, 3, 0.25);
  B points = B::Constant(4, 3, -0.75);
  const auto check_only = [](const char* name, const B& out, Eigen::Index i0, Eigen::Index j0) {
    for (Eigen::Index j = 0; j < out.cols(); ++j) {
      for (Eigen::Index i = 0; i < out.rows(); ++i) {
        INFO(name << " at (" << i << ", " << j << ") = " << show(out(i, j)));
        if (i == i0 && j == j0) {
          CHECK(std::isnan(out(i, j)));
        } else {
          CHECK(!std::isnan(out(i, j)));
        }
      }
    }
  };
  for (Eigen::Index unit = 0; unit < 4; ++unit) {
    B in = inputs;
    in(unit, 1) = nan;
    check_only("cgfs", drelu::cgfs(layer, in), unit, 1);
    check_only("mean", drelu::mean_from_inputs(layer, in), unit, 1);
    check_only("var", drelu::var_from_inputs(layer, in), unit, 1);
    check_only("std", drelu::std_from_inputs(layer, in), unit, 1);
    check_only("mean_abs", drelu::mean_abs_from_inputs(layer, in), unit, 1);
    check_only("mode", drelu::mode_from_inputs(layer, in), unit, 1);
    check_only("prob_positive", drelu::prob_positive_from_inputs(layer, in), unit, 1);
    check_only("logpdfs (NaN input)", drelu::logpdfs(layer, points, in), unit, 1);
    check_only("cdfs (NaN input)", drelu::cdfs(layer, points, in), unit, 1);
    for (const double x : {-0.75, 0.75}) {
      B at = B::Constant(4, 3, x);
      at(unit, 2) = nan;
      INFO("other points at x = " << x);
      check_only("energies", drelu::energies(layer, at), unit, 2);
      check_only("logpdfs (NaN point)", drelu::logpdfs(layer, at, inputs), unit, 2);
      check_only("cdfs (NaN point)", drelu::cdfs(layer, at, inputs), unit, 2);
      check_only("sfs (NaN point)", drelu::sfs(layer, at, inputs), unit, 2);
    }
  }
}
