// Tests of sample_from_inputs (sampling.hpp): reproducibility, every layer type, and the law of
// the draws on a grid of regimes (ordinary units, one dominant side, far tails on either side,
// extreme scales, exponential and removed sides), in float and double.
//
// Statistical bounds: with n independent draws, the sample mean is within 5 standard errors
// sqrt(Var/n) of the exact mean (from mean_from_inputs), the sample variance within 5
// sqrt((mu4 - var^2)/n) of var_from_inputs (mu4 the sample fourth central moment), and the
// fraction of positive draws within 5 sqrt(p (1 - p)/n) of p = prob_positive_from_inputs; each
// fails by chance with probability about 6e-7. The Kolmogorov-Smirnov distance to cdfs must
// stay below the level-1e-6 critical value t/sqrt(n), where P(sqrt(n) D > t) ~ 2 exp(-2 t^2)
// (the first term of Kolmogorov's series; the next, 2 exp(-8 t^2), is 1e-25 here) gives
// t = sqrt(-ln(1e-6/2)/2) = 2.6934. The seeds are fixed, so every run sees the same draws.
#include <algorithm>
#include <boost/math/special_functions/erf.hpp>
#include <cmath>
#include <cstdint>
#include <drelu/drelu.hpp>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "catch.hpp"
#include "test_helpers.hpp"

namespace {

using drelu_test::Batch;
using drelu_test::check_close;
using drelu_test::check_invalid_argument;
using drelu_test::ErrorTable;
using drelu_test::Random;
using drelu_test::Vector;
using LD = long double;

constexpr LD kStandardErrors = 5;
constexpr LD kKolmogorovLevel = 2.6934L;  // sqrt(-log(1e-6/2)/2)

struct Regime {
  const char* name;
  double theta_p, theta_n, gamma_p, gamma_n, input;
};

const double kInf = std::numeric_limits<double>::infinity();

// Far tails: theta = -+a sqrt(gamma) puts a side's mode a standard deviations beyond 0, on
// the other side, so that only its tail beyond a is drawn.
const Regime kRegimes[] = {
    {"ordinary", 1, -1, 1, 2, 0.3},
    {"gaussian", 0.5, 0.5, 1, 1, 0},
    {"bimodal", 3, -3, 1, 1, 0},
    {"half-normal proposals (a = 0.1)", -0.1, 0.1, 1, 1, 0},
    {"exponential proposals", -1, 2, 0.5, 3, -0.7},
    {"positive side dominant", 4, -1, 1, 1, 0},
    {"negative side dominant", 0.5, -5, 2, 0.5, 0.25},
    {"tail a = 5 both sides", -5, 5, 1, 1, 0},
    {"tail a = 30 both sides", -30, 30, 1, 1, 0},
    {"tail a = 1e3 both sides", -1e3, 1e3, 1, 1, 0},
    {"tail a = 1e6 both sides", -1e6, 1e6, 1, 1, 0},
    {"tail a = 5 | 30", -5, 30, 1, 1, 0},
    {"tail a = 30 | 1e3", -30, 1e3, 1, 1, 0},
    {"tail a = 1e3 | 1e6", -1e3, 1e6, 1, 1, 0},
    {"tail a = 1e6 | 5", -1e6, 5, 1, 1, 0},
    {"tail a = 30, scaled gammas", -60, 15, 4, 0.25, 0},
    {"tail a = 1e6, scaled gammas", -2e6, 5e5, 4, 0.25, 0},
    {"tail a = 1e3 on h > 0 only", -1e3, -1, 1, 1, 0},
    {"tail a = 1e3 on h < 0 only", 1, 1e3, 1, 1, 0},
    {"gamma = 1e-8", 1e-4, -2e-4, 1e-8, 1e-8, 0},
    {"gamma = 1e8", 1e4, 3e4, 1e8, 1e8, 0},
    {"gamma 1e-8 | 1e8", 1e-4, -1e4, 1e-8, 1e8, 0},
    {"exponential side (gamma+ = 0)", -2, 1, 0, 1, 0},
    {"negative side removed", 1, 0, 1, kInf, 0},
    {"positive weight 1e-32", -1, -12, 1, 1, 0},
};

constexpr Eigen::Index kRegimeCount = sizeof(kRegimes) / sizeof(kRegimes[0]);

template <class T>
drelu::dReLU<T> regime_layer() {
  Vector<T> tp(kRegimeCount), tn(kRegimeCount), gp(kRegimeCount), gn(kRegimeCount);
  for (Eigen::Index i = 0; i < kRegimeCount; ++i) {
    tp(i) = T(kRegimes[i].theta_p);
    tn(i) = T(kRegimes[i].theta_n);
    gp(i) = T(kRegimes[i].gamma_p);
    gn(i) = T(kRegimes[i].gamma_n);
  }
  return drelu::dReLU<T>(tp, tn, gp, gn);
}

template <class T>
Batch<T> regime_inputs(Eigen::Index columns) {
  Batch<T> inputs(kRegimeCount, columns);
  for (Eigen::Index i = 0; i < kRegimeCount; ++i) inputs.row(i).setConstant(T(kRegimes[i].input));
  return inputs;
}

struct SampleStats {
  Eigen::Index n = 0;
  Eigen::Index positive = 0;
  Eigen::Index negative = 0;
  Eigen::Index not_finite = 0;
  LD mean = 0;
  LD var = 0;     // with denominator n - 1
  LD fourth = 0;  // fourth central moment
};

template <class Row>
SampleStats sample_stats(const Row& row) {
  SampleStats s;
  s.n = row.size();
  LD sum = 0;
  for (Eigen::Index j = 0; j < s.n; ++j) {
    const LD h = row(j);
    if (!std::isfinite(h)) ++s.not_finite;
    if (h > 0) ++s.positive;
    if (h < 0) ++s.negative;
    sum += h;
  }
  s.mean = sum / s.n;
  LD second = 0;
  for (Eigen::Index j = 0; j < s.n; ++j) {
    const LD d = row(j) - s.mean;
    second += d * d;
    s.fourth += d * d * d * d;
  }
  s.var = second / (s.n - 1);
  s.fourth /= s.n;
  return s;
}

// Sample mean, variance and fraction of positive draws of one unit against the exact values.
void check_moments(ErrorTable& table, const std::string& where, const SampleStats& s, LD mean,
                   LD var, LD prob_positive) {
  const LD n = s.n;
  INFO(where << ": " << s.n << " draws, " << s.positive << " positive, " << s.negative
             << " negative, " << s.not_finite << " not finite");
  CHECK(s.not_finite == 0);
  CHECK(s.positive + s.negative == s.n);  // no exact zeros: the law has no atom
  check_close(table, "mean (|z|/5)", where, s.mean, mean, kStandardErrors * std::sqrt(var / n));
  const LD var_se = std::sqrt(std::fmax(s.fourth - s.var * s.var, 0) / n);
  check_close(table, "variance (|z|/5)", where, s.var, var, kStandardErrors * var_se);
  const LD binomial_se = std::sqrt(prob_positive * (1 - prob_positive) / n);
  check_close(table, "P(h > 0) (|z|/5)", where, s.positive / n, prob_positive,
              kStandardErrors * binomial_se);
}

// The Kolmogorov-Smirnov distance of one unit's draws (a 1 x n row) to its cdf.
template <class T, class Layer>
LD kolmogorov_distance(const Layer& unit, const Batch<T>& draws, const Batch<T>& inputs) {
  Batch<T> sorted = draws;
  std::sort(sorted.data(), sorted.data() + sorted.size());
  const Batch<T> cdf = drelu::cdfs(unit, sorted, inputs);
  const LD n = sorted.size();
  LD distance = 0;
  for (Eigen::Index j = 0; j < sorted.size(); ++j) {
    const LD f = cdf(0, j);
    distance = std::max({distance, (j + 1) / n - f, f - j / n});
  }
  return distance;
}

template <class T>
drelu::dReLU<T> row_unit(const drelu::dReLU<T>& layer, Eigen::Index i) {
  const auto c = [](T v) { return Vector<T>::Constant(1, v); };
  return drelu::dReLU<T>(c(layer.theta_p()(i)), c(layer.theta_n()(i)), c(layer.gamma_p()(i)),
                         c(layer.gamma_n()(i)));
}

}  // namespace

TEMPLATE_TEST_CASE("the same seed gives the same batch", "[sampling]", std::mt19937_64,
                   std::mt19937) {
  using Generator = TestType;
  const auto layer = regime_layer<double>();
  const Batch<double> inputs = regime_inputs<double>(50);
  Generator first(2024);
  Generator second(2024);
  Generator other(2025);
  const Batch<double> a = drelu::sample_from_inputs(layer, inputs, first);
  const Batch<double> b = drelu::sample_from_inputs(layer, inputs, second);
  const Batch<double> c = drelu::sample_from_inputs(layer, inputs, other);
  REQUIRE(a.rows() == kRegimeCount);
  REQUIRE(a.cols() == 50);
  CHECK((a == b).all());
  CHECK((a != c).count() > a.size() / 2);
  // The generator advances: the next call from either gives a new, again identical, batch.
  const Batch<double> a2 = drelu::sample_from_inputs(layer, inputs, first);
  const Batch<double> b2 = drelu::sample_from_inputs(layer, inputs, second);
  CHECK((a2 == b2).all());
  CHECK((a2 != a).count() > a.size() / 2);
  // float layers too.
  const auto layer_f = regime_layer<float>();
  Generator third(7);
  Generator fourth(7);
  const Batch<float> inputs_f = regime_inputs<float>(20);
  CHECK((drelu::sample_from_inputs(layer_f, inputs_f, third) ==
         drelu::sample_from_inputs(layer_f, inputs_f, fourth))
            .all());
}

TEMPLATE_TEST_CASE("draws follow the law on a grid of regimes", "[sampling]", float, double) {
  using T = TestType;
  const Eigen::Index n = 20000;
  const auto layer = regime_layer<T>();
  const Batch<T> inputs = regime_inputs<T>(n);
  std::mt19937_64 rng(20240611);
  const Batch<T> draws = drelu::sample_from_inputs(layer, inputs, rng);
  const Batch<T> in = regime_inputs<T>(1);
  const Batch<T> mean = drelu::mean_from_inputs(layer, in);
  const Batch<T> var = drelu::var_from_inputs(layer, in);
  const Batch<T> positive = drelu::prob_positive_from_inputs(layer, in);
  ErrorTable table(std::string("sampling, 2e4 draws per regime (") + drelu_test::type_name<T>() +
                   ")");
  for (Eigen::Index i = 0; i < kRegimeCount; ++i) {
    const auto stats = sample_stats(draws.row(i));
    check_moments(table, kRegimes[i].name, stats, mean(i, 0), var(i, 0), positive(i, 0));
  }
  // The sides that must never be drawn.
  const auto index_of = [](const std::string& name) {
    for (Eigen::Index i = 0; i < kRegimeCount; ++i) {
      if (name == kRegimes[i].name) return i;
    }
    return Eigen::Index(-1);
  };
  const Eigen::Index removed = index_of("negative side removed");
  const Eigen::Index tiny = index_of("positive weight 1e-32");
  REQUIRE(removed >= 0);
  REQUIRE(tiny >= 0);
  CHECK(positive(tiny, 0) < T(1e-30));
  CHECK((draws.row(removed) >= 0).all());
  CHECK((draws.row(tiny) < 0).all());
  // Kolmogorov-Smirnov against cdfs, one regime at a time.
  const LD critical = kKolmogorovLevel / std::sqrt(LD(n));
  for (Eigen::Index i = 0; i < kRegimeCount; ++i) {
    const Batch<T> row = draws.row(i);
    const Batch<T> row_inputs = inputs.row(i);
    const LD distance = kolmogorov_distance<T>(row_unit(layer, i), row, row_inputs);
    check_close(table, "KS distance / critical", kRegimes[i].name, distance, 0, critical);
  }
  table.print();
}

TEMPLATE_TEST_CASE("every layer type samples its own law", "[sampling]", float, double) {
  using T = TestType;
  Random random(99);
  const Eigen::Index units = 6;
  const auto theta = [](Random& r) { return r.normal(3); };
  const auto gamma = [](Random& r) { return r.log_uniform(0.1, 10); };
  const auto v = [&](auto draw) { return random.vector<T>(units, draw); };
  const drelu::pReLU<T> p(v(theta), v(gamma), v(theta),
                          v([](Random& r) { return r.uniform(-0.9, 0.9); }));
  const drelu::xReLU<T> x(v(theta), v(gamma), v(theta), v(theta));
  const drelu::nsReLU<T> ns(v(theta), v(theta), v(theta));
  const drelu::dReLU<T> d(v(theta), v(theta), v(gamma), v(gamma));
  const Batch<T> inputs = v([](Random& r) { return r.normal(2); }).replicate(1, 20000);
  ErrorTable table(std::string("sampling each layer type (") + drelu_test::type_name<T>() + ")");
  std::mt19937_64 rng(5);
  const auto check_layer = [&](const auto& layer, const char* name) {
    const Batch<T> draws = drelu::sample_from_inputs(layer, inputs, rng);
    const Batch<T> in = inputs.col(0);
    const Batch<T> mean = drelu::mean_from_inputs(layer, in);
    const Batch<T> var = drelu::var_from_inputs(layer, in);
    const Batch<T> positive = drelu::prob_positive_from_inputs(layer, in);
    for (Eigen::Index i = 0; i < units; ++i) {
      check_moments(table, std::string(name) + " unit " + std::to_string(i),
                    sample_stats(draws.row(i)), mean(i, 0), var(i, 0), positive(i, 0));
    }
  };
  check_layer(d, "dReLU");
  check_layer(p, "pReLU");
  check_layer(x, "xReLU");
  check_layer(ns, "nsReLU");
  table.print();
}

TEST_CASE("a layer draws what its dReLU draws", "[sampling]") {
  Random random(17);
  const auto theta = [](Random& r) { return r.normal(3); };
  const auto gamma = [](Random& r) { return r.log_uniform(0.1, 10); };
  const auto v = [&](auto draw) { return random.vector<double>(5, draw); };
  const drelu::pReLU<double> p(v(theta), v(gamma), v(theta),
                               v([](Random& r) { return r.uniform(-0.9, 0.9); }));
  const drelu::xReLU<double> x(v(theta), v(gamma), v(theta), v(theta));
  const drelu::nsReLU<double> ns(v(theta), v(theta), v(theta));
  const Batch<double> inputs = v(theta).replicate(1, 30);
  const auto same_draws = [&](const auto& layer) {
    std::mt19937_64 a(1);
    std::mt19937_64 b(1);
    const Batch<double> from_layer = drelu::sample_from_inputs(layer, inputs, a);
    const Batch<double> from_drelu =
        drelu::sample_from_inputs(drelu::dReLU<double>(layer), inputs, b);
    return (from_layer == from_drelu).all();
  };
  CHECK(same_draws(p));
  CHECK(same_draws(x));
  CHECK(same_draws(ns));
}

TEST_CASE("draws of a symmetric unit truncated 38 sd from each mode", "[sampling]") {
  // theta+ = -38, theta- = 38, gamma = 1: |h| is Y - 38 given Y > 38, so E|h| = m(38) and
  // sd|h| = sqrt(v(38)) (mpmath, mp.dps = 60, lam(a) = npdf(a)/Q(a):
  //   mp.nstr(lam(38) - 38, 15), mp.nstr(sqrt(1 - lam(38) * (lam(38) - 38)), 15)).
  const LD mean_abs = 0.026279466575869L;
  const LD sd_abs = 0.0262613737924401L;
  const Eigen::Index n = 100000;
  const auto c = [](double v) { return Eigen::ArrayXd::Constant(1, v); };
  const drelu::dReLU<double> unit(c(-38), c(38), c(1), c(1));
  std::mt19937_64 rng(38);
  const Batch<double> draws = drelu::sample_from_inputs(unit, Batch<double>::Zero(1, n), rng);
  ErrorTable table("symmetric units, 1e5 draws");
  const LD got = draws.abs().template cast<LD>().mean();
  check_close(table, "mean |h| (|z|/5)", "a = 38, double", got, mean_abs,
              kStandardErrors * sd_abs / std::sqrt(LD(n)));
  const auto stats = sample_stats(draws.row(0));
  CHECK(std::fabs(stats.positive - n / 2.0L) <= kStandardErrors * std::sqrt(n / 4.0L));
  table.print();
}

TEST_CASE("draws of float symmetric units at a = 5, 5.25, 5.5", "[sampling]") {
  // theta+ = -a, theta- = a, gamma = 1: E|h| = m(a), sd|h| = sqrt(v(a)) (mpmath as above).
  const float a[] = {5.0f, 5.25f, 5.5f};
  const LD mean_abs[] = {0.186503967125842L, 0.178655388386098L, 0.171410313897306L};
  const LD sd_abs[] = {0.180821554625305L, 0.173612969485567L, 0.166918476671836L};
  const Eigen::Index n = 100000;
  ErrorTable table("float symmetric units, 1e5 draws");
  std::mt19937 rng(55);
  for (int k = 0; k < 3; ++k) {
    const auto c = [](float v) { return Eigen::ArrayXf::Constant(1, v); };
    const drelu::dReLU<float> unit(c(-a[k]), c(a[k]), c(1), c(1));
    const Batch<float> draws = drelu::sample_from_inputs(unit, Batch<float>::Zero(1, n), rng);
    CHECK(draws.allFinite());
    const LD got = draws.abs().template cast<LD>().mean();
    check_close(table, "mean |h| (|z|/5)", "a = " + drelu_test::show(a[k]), got, mean_abs[k],
                kStandardErrors * sd_abs[k] / std::sqrt(LD(n)));
  }
  table.print();
}

TEST_CASE("sample_from_inputs: shapes, errors and NaN", "[sampling]") {
  using B = Batch<double>;
  const Eigen::ArrayXd theta = (Eigen::ArrayXd(3) << 1, -2, 0.5).finished();
  const Eigen::ArrayXd gamma = (Eigen::ArrayXd(3) << 1, 2, 0.5).finished();
  const drelu::dReLU<double> layer(theta, -theta, gamma, gamma);
  std::mt19937_64 rng(1);
  const B single = drelu::sample_from_inputs(layer, rng);
  CHECK(single.rows() == 3);
  CHECK(single.cols() == 1);
  CHECK(single.allFinite());
  // The overload without inputs is the call with one column of zeros.
  std::mt19937_64 a(3);
  std::mt19937_64 b(3);
  CHECK((drelu::sample_from_inputs(layer, a) == drelu::sample_from_inputs(layer, B::Zero(3, 1), b))
            .all());
  const B empty = drelu::sample_from_inputs(layer, B(3, 0), rng);
  CHECK(empty.rows() == 3);
  CHECK(empty.cols() == 0);
  check_invalid_argument([&] { drelu::sample_from_inputs(layer, B::Zero(2, 5), rng); },
                         {"drelu::sample_from_inputs", "2 x 5", "3"});
  // Any Eigen expression as inputs, as for the other functions.
  const Eigen::MatrixXd w = Eigen::MatrixXd::Constant(3, 2, 0.25);
  const Eigen::MatrixXd v = Eigen::MatrixXd::Constant(2, 4, -1.0);
  std::mt19937_64 c(9);
  std::mt19937_64 d(9);
  const B product = (w * v).array();
  CHECK((drelu::sample_from_inputs(layer, w * v, c) == drelu::sample_from_inputs(layer, product, d))
            .all());
  // NaN in the inputs gives NaN in that element only.
  B inputs = B::Zero(3, 4);
  inputs(1, 2) = std::numeric_limits<double>::quiet_NaN();
  const B draws = drelu::sample_from_inputs(layer, inputs, rng);
  for (Eigen::Index j = 0; j < 4; ++j) {
    for (Eigen::Index i = 0; i < 3; ++i) {
      INFO("(" << i << ", " << j << ") = " << draws(i, j));
      CHECK(std::isnan(draws(i, j)) == (i == 1 && j == 2));
    }
  }
}

template <class T>
drelu::dReLU<T> single_layer(double theta_p, double theta_n, double gamma_p, double gamma_n) {
  const auto c = [](double v) { return Vector<T>::Constant(1, T(v)); };
  return drelu::dReLU<T>(c(theta_p), c(theta_n), c(gamma_p), c(gamma_n));
}

// Power against a small bias in the far tails: with 4e5 draws per side the bound of 5 standard
// errors is below 1% of the mean, so a sampler whose tail draws are off by 1% fails, while a
// correct one fails by chance with probability about 6e-7 per check.
TEMPLATE_TEST_CASE("far-tail draws are unbiased to better than 1%", "[sampling]", float, double) {
  using T = TestType;
  const Eigen::Index n = 400000;
  for (const double a : {5.0, 30.0, 1e3, 1e6}) {
    for (const double side : {1.0, -1.0}) {
      // One side truncated a standard deviations beyond its mode, the other removed.
      const double inf = std::numeric_limits<double>::infinity();
      const auto layer = side > 0 ? single_layer<T>(-a, 0, 1, inf) : single_layer<T>(0, a, inf, 1);
      std::mt19937_64 rng(std::uint64_t(a) * 7 + (side > 0 ? 1 : 2));
      const Batch<T> draws = drelu::sample_from_inputs(layer, n, rng);
      const LD exact = drelu::mean_abs_from_inputs(layer)(0, 0);
      const LD sd = drelu::std_from_inputs(layer)(0, 0);
      const LD mean = draws.template cast<LD>().abs().mean();
      const LD bound = kStandardErrors * sd / std::sqrt(LD(n));
      INFO("a = " << a << ", side " << side << ": mean |h| " << mean << ", exact " << exact);
      CHECK(bound < 0.01L * exact);
      CHECK(std::fabs(mean - exact) <= bound);
      CHECK((side * draws.template cast<LD>() >= 0).all());
    }
  }
}

TEST_CASE("ziggurat exponentials and normals follow their laws, tails included", "[sampling]") {
  // Counts beyond fixed points, each against its binomial law at 5 standard errors (a false
  // failure has probability below 1e-6 per check), on both sides of each ziggurat's base-layer
  // edge r (7.697 for the exponential, 3.654 for the normal) and far into the tails.
  drelu::random::Stream stream(20261204, 3);
  constexpr long n = 10000000;
  std::vector<double> exponentials(static_cast<std::size_t>(n));
  std::vector<double> normals(static_cast<std::size_t>(n));
  for (double& e : exponentials) e = drelu::random::exponential(stream);
  for (double& z : normals) z = drelu::random::normal(stream);
  const auto check_tail = [](const std::vector<double>& draws, double x, LD probability,
                             const char* what) {
    const long count = std::count_if(draws.begin(), draws.end(), [x](double d) { return d > x; });
    const LD se = std::sqrt(n * probability * (1 - probability));
    INFO(what << " beyond " << x << ": " << count << " draws, expected "
              << double(n * probability));
    CHECK(std::fabs(count - n * probability) <= 5 * se);
  };
  for (const double x : {0.1, 0.5, 1.0, 2.0, 4.0, 7.5, 7.6971174701310497, 7.8, 9.0, 11.0}) {
    check_tail(exponentials, x, std::exp(-LD(x)), "exponential");
  }
  CHECK(*std::min_element(exponentials.begin(), exponentials.end()) >= 0);
  for (const double x : {-4.0, -3.6541528853610088, -2.0, -0.5, 0.0, 0.5, 1.0, 2.0, 3.0,
                         3.6541528853610088, 3.8, 4.5}) {
    const LD upper = boost::math::erfc(LD(x) / std::sqrt(2.0L)) / 2;
    check_tail(normals, x, upper, "normal");
  }
}
