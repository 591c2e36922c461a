// The fast double kernel (fast_kernels.hpp) against the exact long double path (unit.hpp) at
// the extremes where a packet exp/log clamps, a = -t/sqrt(g) or t²/(2g) leave the double range,
// or a variance under- or overflows: the cases that broke an earlier version of the kernel. A
// unit is evaluated alone and among ordinary units, since packets pair elements.
#include <cmath>
#include <drelu/drelu.hpp>
#include <limits>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "catch.hpp"

namespace {

struct Unit {
  double theta_p, theta_n, gamma_p, gamma_n;
};

// The extreme unit in row `row` of a layer whose other rows are ordinary units.
template <class T>
drelu::dReLU<T> layer_with(const Unit& u, Eigen::Index rows, Eigen::Index row) {
  using Vector = Eigen::Array<T, Eigen::Dynamic, 1>;
  Vector tp = Vector::Constant(rows, T(0.5)), tn = Vector::Constant(rows, T(-0.3));
  Vector gp = Vector::Constant(rows, T(1.5)), gn = Vector::Constant(rows, T(0.7));
  tp(row) = T(u.theta_p);
  tn(row) = T(u.theta_n);
  gp(row) = T(u.gamma_p);
  gn(row) = T(u.gamma_n);
  return drelu::dReLU<T>(tp, tn, gp, gn);
}

// The relative condition number of f at the unit, sum over the four parameters of
// |x df/dx| / |f|, by forward differences of relative step 1e-9 on the long double path.
template <class F>
long double condition(const Unit& u, Eigen::Index rows, Eigen::Index row, F f) {
  const long double base = f(layer_with<long double>(u, rows, row));
  if (base == 0 || !std::isfinite(base)) return 0;
  long double sum = 0;
  for (int k = 0; k < 4; ++k) {
    Unit moved = u;
    double* parameter[] = {&moved.theta_p, &moved.theta_n, &moved.gamma_p, &moved.gamma_n};
    const double step = *parameter[k] * 1e-9;
    if (step == 0) continue;
    *parameter[k] += step;
    const long double changed = f(layer_with<long double>(moved, rows, row));
    sum += std::fabs((changed - base) / base) * std::fabs(*parameter[k] / step);
  }
  return sum;
}

// The contract: |fast - exact| <= 16 max(1, cond) u |exact| (infinities and zeros equal).
template <class F>
void check_agrees(const Unit& u, Eigen::Index rows, Eigen::Index row, F f, const char* what) {
  const double fast = double(f(layer_with<double>(u, rows, row)));
  const double expected = double(f(layer_with<long double>(u, rows, row)));
  const long double cond = condition(u, rows, row, f);
  INFO(what << ": fast " << fast << ", exact " << expected << ", cond " << double(cond));
  if (std::isinf(expected) || expected == 0) {
    CHECK(fast == expected);
  } else {
    CHECK(std::fabs(fast - expected) <=
          16 * std::fmax(1.0L, cond) * 0x1p-53L * std::fabs(expected));
  }
}

const std::vector<Unit> kExtremeUnits = {
    {4.0000000000000001e+151, 0.0, 1.0000000000000001e+300, 1e-300},  // clamped packet exp
    {1.3407807929942596e+154, -1e-153, 1.1e+305, 5.6e-309},
    {40.0, 0.0, 1.0, 1e-4},      // weight ratio below exp's range
    {1e200, -2e200, 1.0, 1.0},   // t²/(2g) overflows on both sides
    {-1e200, 0.0, 1e-300, 1.0},  // a = -t/sqrt(g) overflows
    {-3.3303331069422497e+250, 4.1970827002498184e+268, 4.7584932443312926e-252,
     3.4501022684064747e+66},
    {-1e308, 1e308, 1.0, 1.0},  // subnormal total mass
    {-1.7e308, 1.7e308, 1.0, 1.0},
    {-1e200, 1e200, 1.0, 1.0},  // variance 2e-400 underflows
    {1e300, 0.0, 1e-300, 1.0},  // cgf and mean overflow
    // Both exponents q near 1e20: q⁺ − q⁻ from exponents as pairs of doubles.
    {1.01264788843857e-80, -1.062501218460083e+125, 5.1272787297970316e-181,
     5.6445441961475198e+229},
    {35547317023.192986, -21821437873.81414, 6.3178642954088575, 2.3808757544036507},
    {1e195, -0.001, 1e290, 1e-200},  // t²/(2g) overflows on a side inside the scale domain
    // The big side's 1/sqrt(g) is tiny: the other side's weight leaves the double range while
    // its probability does not.
    {5.1795796770352975e+122, 0.9977835986280763, 1.7981263827585172e+242, 0.25237880731616641},
    {-1e-25, -3.9999999999999997e+146, 1e-150, 1.0000000000000001e+290},
    // The side of larger q has the smaller weight: q and the log would cancel in the cgf.
    {2.5382836251854823e+146, -0.02690838883524885, 1.0000000000000001e+290, 1.866169400639168},
    {1.630238479845597e-200, -2.290600418942448e+123, 2.6576775011692826, 1.3325388216691262e+244},
    // A side with probability below 1e-308 whose spread still shows in the variance.
    {0x1.e49619a441adbp+337, -0x1.9649847187fd8p-481, 0x1.4e718d7d7625ap+664,
     0x1.f2f5c7a1a488ep-961},
    {-0x1.ec8c8c35ee8b7p-480, -0x1.5319b4bf5aa54p+487, 0x1.f2f5c7a1a488ep-961,
     0x1.485ce9e7a065ep+963},
    {1e-12, -5.0, 1.0, 1.0},  // a just below 0: the variance's fit on [-1, 0)
};

// Nearly equal side weights with both q = t²/(2g) near 1e9 to 1e12 (found by an adversarial
// search over ulp neighbours): a rounded q⁺ − q⁻ is off by about u q, which shows in the
// variance at second order, where a first-order condition number does not see it.
const std::vector<Unit> kEqualWeightUnits = {
    {0x1.20b6b38ed7f45p+14, -0x1.32e716a0dea19p+16, 0x1.baeda3d77d43dp-7, 0x1.f47ed1e3bbdfcp-3},
    {0x1.aeb785e3210ddp+26, -0x1.1c6ddbfb727cep+22, 0x1.d26ffaf177be9p+16, 0x1.96ce6edf514fdp+7},
};

}  // namespace

TEST_CASE("the fast kernel agrees with the exact path at the extremes", "[fast]") {
  for (const Unit& u : kExtremeUnits) {
    for (const Eigen::Index rows : {1, 2, 5}) {
      const Eigen::Index row = rows / 2;
      INFO("unit " << u.theta_p << ", " << u.theta_n << ", " << u.gamma_p << ", " << u.gamma_n
                   << " in row " << row << " of " << rows);
      const auto at = [row](const auto& batch) { return static_cast<long double>(batch(row, 0)); };
      check_agrees(
          u, rows, row, [&](const auto& l) { return at(drelu::cgfs(l)); }, "cgf");
      check_agrees(
          u, rows, row, [&](const auto& l) { return at(drelu::prob_positive_from_inputs(l)); },
          "P(h > 0)");
      check_agrees(
          u, rows, row, [&](const auto& l) { return at(drelu::prob_negative_from_inputs(l)); },
          "P(h < 0)");
      check_agrees(
          u, rows, row, [&](const auto& l) { return at(drelu::mean_from_inputs(l)); }, "mean");
      check_agrees(
          u, rows, row, [&](const auto& l) { return at(drelu::var_from_inputs(l)); }, "variance");
      check_agrees(
          u, rows, row, [&](const auto& l) { return at(drelu::std_from_inputs(l)); }, "std");
      check_agrees(
          u, rows, row, [&](const auto& l) { return at(drelu::meanvar_from_inputs(l).mean); },
          "meanvar mean");
      check_agrees(
          u, rows, row, [&](const auto& l) { return at(drelu::meanvar_from_inputs(l).variance); },
          "meanvar variance");
    }
  }
}

TEST_CASE("the variance of nearly equal weights with huge exponents keeps its digits", "[fast]") {
  // The long double path agrees with mpmath to 1e-18 on these units (712739153879.516613 and
  // 142279211.623985213); the bound, 16 u, is below the contract's 16 max(1, cond) u.
  for (const Unit& u : kEqualWeightUnits) {
    for (const Eigen::Index rows : {1, 5}) {
      const Eigen::Index row = rows / 2;
      const long double exact =
          drelu::var_from_inputs(layer_with<long double>(u, rows, row))(row, 0);
      const auto layer = layer_with<double>(u, rows, row);
      const double fast[] = {drelu::var_from_inputs(layer)(row, 0),
                             drelu::meanvar_from_inputs(layer).variance(row, 0),
                             std::pow(drelu::std_from_inputs(layer)(row, 0), 2.0)};
      for (const double value : fast) {
        INFO("unit " << u.theta_p << ", " << u.theta_n << ": fast " << value << ", exact "
                     << double(exact));
        CHECK(std::fabs(value - exact) <= 16 * 0x1p-53L * exact);
      }
    }
  }
}

TEST_CASE("the mean of a unit whose improbable side carries it", "[fast]") {
  // theta+ = 4e101, gamma+ = 1e200 (q+ = 800: exp(-q+) leaves the double range) against
  // theta- = 0, gamma- = 1e-200: P(h < 0) ~ 1e-148, yet its mean, -8e99, makes E[h] ~ -1.5e-48.
  // Here 1/Z underflows, so the by-parts form of the mean must not be used. mpmath (50 digits):
  //   Zp = sqrt(pi/(2 gp)) exp(tp^2/(2 gp)) erfc(-tp/sqrt(2 gp)), Zn = sqrt(pi/(2 gn)),
  //   E[h] = ((1 + tp Zp)/gp - 1/gn)/(Zp + Zn).
  // cond is about 2 q+ = 1.6e3 (3e3 for the second unit), hence the bound 16 * 4096 u.
  struct Case {
    Unit unit;
    long double mean;
  };
  const Case cases[] = {{{4e101, 0.0, 1e200, 1e-200}, -1.4632702508383215e-48L},
                        {{3.9e101, 0.0, 1e200, 1e-200}, -2.0890872494293516e-31L}};
  for (const Case& c : cases) {
    for (const Eigen::Index rows : {1, 5}) {
      const Eigen::Index row = rows / 2;
      const auto layer = layer_with<double>(c.unit, rows, row);
      const double fast[] = {
          drelu::mean_from_inputs(layer)(row, 0), drelu::meanvar_from_inputs(layer).mean(row, 0),
          double(drelu::mean_from_inputs(layer_with<long double>(c.unit, rows, row))(row, 0))};
      for (const double value : fast) {
        INFO("theta+ = " << c.unit.theta_p << ": " << value << ", mpmath " << double(c.mean));
        CHECK(std::fabs(value - c.mean) <= 16 * 4096 * 0x1p-53L * std::fabs(c.mean));
      }
    }
  }
}

TEST_CASE("sampling takes the right side where the fast weights leave the double range", "[fast]") {
  // Each unit's true P(h > 0) is 1, 1 or 1/2.
  const std::vector<Unit> units = {
      {1e200, 0.0, 1e300, 1e300}, {1e155, 0.0, 1.0, 1.0}, {-1e200, 1e200, 1e-300, 1e-300}};
  const double expected[] = {1.0, 1.0, 0.5};
  for (std::size_t k = 0; k < units.size(); ++k) {
    const auto layer = layer_with<double>(units[k], 3, 1);
    std::mt19937_64 rng(5);
    const Eigen::ArrayXXd draws = drelu::sample_from_inputs(layer, 4000, rng);
    const double positive = (draws.row(1) > 0).cast<double>().mean();
    INFO("unit " << k << ": fraction positive " << positive);
    CHECK(draws.allFinite());
    // 5 binomial standard errors (0 when the probability is 1).
    CHECK(std::fabs(positive - expected[k]) <=
          5 * std::sqrt(expected[k] * (1 - expected[k]) / 4000.0));
  }
}

TEMPLATE_TEST_CASE("output overloads and meanvar equal the allocating calls", "[fast]", float,
                   double, long double) {
  using T = TestType;
  using Batch = Eigen::Array<T, Eigen::Dynamic, Eigen::Dynamic>;
  std::mt19937_64 rng(3);
  std::normal_distribution<double> normal;
  Eigen::Array<T, Eigen::Dynamic, 1> tp(4), tn(4), gp(4), gn(4);
  tp << 1, -2, 0.5, 3;
  tn << -1, 2, -0.5, 0;
  gp << 1, 0.3, 2, 0;  // the last unit: γ⁺ = 0 with θ⁺ > 0, a side without density
  gn << 2, 5, 0.1, 1;
  const drelu::dReLU<T> layer(tp, tn, gp, gn);
  Batch inputs(4, 7);
  for (Eigen::Index k = 0; k < inputs.size(); ++k) inputs(k) = T(2 * normal(rng));
  Batch out(4, 7), second(4, 7);
  const auto same = [](const Batch& a, const Batch& b) {
    return ((a == b) || (a.isNaN() && b.isNaN())).all();
  };
  drelu::cgfs(layer, inputs, out);
  CHECK(same(out, drelu::cgfs(layer, inputs)));
  drelu::mean_from_inputs(layer, inputs, out);
  CHECK(same(out, drelu::mean_from_inputs(layer, inputs)));
  drelu::var_from_inputs(layer, inputs, out);
  CHECK(same(out, drelu::var_from_inputs(layer, inputs)));
  drelu::std_from_inputs(layer, inputs, out);
  CHECK(same(out, drelu::std_from_inputs(layer, inputs)));
  drelu::mean_abs_from_inputs(layer, inputs, out);
  CHECK(same(out, drelu::mean_abs_from_inputs(layer, inputs)));
  drelu::energies(layer, inputs, out);
  CHECK(same(out, drelu::energies(layer, inputs)));
  drelu::meanvar_from_inputs(layer, inputs, out, second);
  CHECK(same(out, drelu::mean_from_inputs(layer, inputs)));
  CHECK(same(second, drelu::var_from_inputs(layer, inputs)));
  const auto both = drelu::meanvar_from_inputs(layer, inputs);
  CHECK(same(both.mean, drelu::mean_from_inputs(layer, inputs)));
  CHECK(same(both.variance, drelu::var_from_inputs(layer, inputs)));
  std::mt19937_64 a(9), b(9);
  drelu::sample_from_inputs(layer, inputs, a, out);
  CHECK(same(out, drelu::sample_from_inputs(layer, inputs, b)));
  Batch wrong(3, 7);
  CHECK_THROWS_AS(drelu::cgfs(layer, inputs, wrong), std::invalid_argument);
  CHECK_THROWS_AS(drelu::meanvar_from_inputs(layer, inputs, out, wrong), std::invalid_argument);
}

TEST_CASE("infinite thetas give limits, not NaN", "[fast]") {
  const double inf = std::numeric_limits<double>::infinity();
  // θ⁺ = −inf: the positive side is a point mass at 0 of weight 0; h < 0 is a half-normal.
  const Unit sharp{-inf, 0.0, 1.0, 1.0};
  const auto layer = layer_with<double>(sharp, 1, 0);
  Eigen::ArrayXXd x(1, 2);
  x << 1.0, -1.0;
  const Eigen::ArrayXXd cdf = drelu::cdfs(layer, x);
  const Eigen::ArrayXXd sf = drelu::sfs(layer, x);
  CHECK(cdf(0, 0) == 1.0);
  CHECK(sf(0, 0) == 0.0);
  CHECK(std::fabs(cdf(0, 1) - 0.31731050786291410) <= 1e-15);  // 2 Q(1): a half-normal
  // A removed side with its θ pointing away has no peak: the mode is the other side's.
  const auto removed = layer_with<double>({inf, -2.0, inf, 1.0}, 1, 0);
  CHECK(drelu::mode_from_inputs(removed)(0, 0) == -2.0);
  // On a removed side U = +inf whatever θ, so log p = -inf there.
  Eigen::ArrayXXd one(1, 1);
  one << 1.0;
  CHECK(drelu::energies(removed, one)(0, 0) == inf);
  CHECK(drelu::logpdfs(removed, one)(0, 0) == -inf);
  CHECK(drelu::energies(removed, -one)(0, 0) == -1.5);  // γ⁻/2 + θ⁻ at h = -1
}

TEST_CASE("a shared-scale layer needs finite thetas; a dReLU with one converts or throws",
          "[fast]") {
  const double inf = std::numeric_limits<double>::infinity();
  const auto c = [](double v) { return Eigen::ArrayXd::Constant(1, v); };
  CHECK_THROWS_AS(drelu::pReLU<double>(c(inf), c(1), c(inf), c(0)), std::invalid_argument);
  CHECK_THROWS_AS(drelu::xReLU<double>(c(0), c(1), c(0), c(inf)), std::invalid_argument);
  CHECK_THROWS_AS(drelu::nsReLU<double>(c(0), c(-inf), c(0)), std::invalid_argument);
  const drelu::dReLU<double> infinite(c(1), c(inf), c(1), c(1));
  CHECK(std::isfinite(drelu::cgfs(infinite)(0, 0)));
  CHECK_THROWS_AS(drelu::xReLU<double>(infinite), std::invalid_argument);
  CHECK_THROWS_AS(drelu::pReLU<double>(infinite), std::invalid_argument);
  try {
    drelu::pReLU<double>(c(inf), c(1), c(0), c(0));
  } catch (const std::invalid_argument& error) {
    CHECK(std::string(error.what()).find("theta(0) = inf") != std::string::npos);
  }
}

TEST_CASE("the variance is the law of total variance over the two sides", "[fast]") {
  // Var = pp v+ + pn v- + pp pn (m+ + m-)^2 with the sides' own moments (truncated_normal.hpp,
  // long double) and the side weights, checked over a batch of random units and inputs.
  std::mt19937_64 rng(8);
  std::normal_distribution<double> normal;
  std::uniform_real_distribution<double> uniform(-1, 1);
  const Eigen::Index n = 200;
  Eigen::ArrayXd tp(n), tn(n), gp(n), gn(n);
  Eigen::ArrayXXd inputs(n, 1);
  for (Eigen::Index i = 0; i < n; ++i) {
    tp(i) = 3 * normal(rng);
    tn(i) = 3 * normal(rng);
    gp(i) = std::pow(10.0, 2 * uniform(rng));
    gn(i) = std::pow(10.0, 2 * uniform(rng));
    inputs(i, 0) = 2 * normal(rng);
  }
  const drelu::dReLU<double> layer(tp, tn, gp, gn);
  const Eigen::ArrayXXd var = drelu::var_from_inputs(layer, inputs);
  const Eigen::ArrayXXd pp = drelu::prob_positive_from_inputs(layer, inputs);
  const Eigen::ArrayXXd pn = drelu::prob_negative_from_inputs(layer, inputs);
  for (Eigen::Index i = 0; i < n; ++i) {
    namespace tn_ = drelu::truncated_normal;
    const long double t = tp(i) + inputs(i, 0), s = tn(i) + inputs(i, 0);
    const auto positive = tn_::moments(t, (long double)gp(i));
    const auto negative = tn_::moments(-s, (long double)gn(i));
    const long double spread = positive.mean + negative.mean;
    const long double total = pp(i, 0) * positive.variance + pn(i, 0) * negative.variance +
                              pp(i, 0) * pn(i, 0) * spread * spread;
    INFO("unit " << i << ": var " << var(i, 0) << ", total " << double(total));
    CHECK(std::fabs(var(i, 0) - total) <= 64 * 0x1p-53L * total);
  }
}

TEMPLATE_TEST_CASE("an exactly symmetric unit has mean exactly 0", "[fast]", float, double,
                   long double) {
  // θ⁺ + I = −(θ⁻ + I) and γ⁺ = γ⁻: the two sides are mirror images, E[h] = 0. Under fma
  // contraction, p⁺ m⁺ − p⁻ m⁻ left the rounding error of one product (a hunt's cases come
  // first). The random units have t = n·2^s and I = k·2^s with |n|, |k| <= 4096, so that
  // θ⁺ = t − I and θ⁻ = −t − I are exact.
  using T = TestType;
  using Vector = Eigen::Array<T, Eigen::Dynamic, 1>;
  struct Symmetric {
    double theta_p, theta_n, gamma, input;
  };
  std::vector<Symmetric> units = {{-0x1.7f897ep+1, 0x1.7f897ep+1, 0x1.a91e42p-3, 0.0},
                                  {0x1.50c342p-12, -0x1.50c342p-12, 0x1.658622p-33, 0.0},
                                  {0x1.f613dcp-16, -0x1.3b09eep-15, 0x1.1a66ep-37, 0x1p-18}};
  std::mt19937_64 rng(17);
  std::uniform_int_distribution<int> count(-4096, 4096), scale(-40, 10);
  std::uniform_real_distribution<double> uniform(-1, 1);
  for (int k = 0; k < 125; ++k) {
    const int s = scale(rng);
    const double t = std::ldexp(count(rng), s);
    const double input = k % 2 == 0 ? 0.0 : std::ldexp(count(rng), s);
    units.push_back({t - input, -t - input, std::pow(2.0, 36 * uniform(rng)), input});
  }
  const Eigen::Index n = Eigen::Index(units.size());
  Vector tp(n), tn(n), g(n);
  Eigen::Array<T, Eigen::Dynamic, Eigen::Dynamic> in(n, 1);
  for (Eigen::Index i = 0; i < n; ++i) {
    const Symmetric& u = units[std::size_t(i)];
    tp(i) = T(u.theta_p), tn(i) = T(u.theta_n), g(i) = T(u.gamma), in(i, 0) = T(u.input);
  }
  const drelu::dReLU<T> layer(tp, tn, g, g);
  const auto mean = drelu::mean_from_inputs(layer, in);
  const auto both = drelu::meanvar_from_inputs(layer, in);
  for (Eigen::Index i = 0; i < n; ++i) {
    INFO("theta+ = " << double(tp(i)) << ", gamma = " << double(g(i))
                     << ", I = " << double(in(i, 0)));
    CHECK(mean(i, 0) == 0);
    CHECK(both.mean(i, 0) == 0);
  }
}
