// The float lanes of float layers (float_kernels.hpp) against the exact long double path at the
// same (float) parameters, under the contract |err| <= 16 max(1, cond) u |exact| with u = 2^-24:
// random units of several regimes, and units at each edge of the float lanes' domain, where a
// packet falls back to the double kernel. The units of a regime share one layer, so that every
// packet mixes them.
#include <cmath>
#include <drelu/drelu.hpp>
#include <functional>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "catch.hpp"
#include "test_helpers.hpp"

namespace {

using drelu_test::ErrorTable;
using LD = long double;

// A unit's parameters and its input, all floats.
struct Case {
  float theta_p, theta_n, gamma_p, gamma_n, input;
};

using Quantity = std::function<LD(const drelu::dReLU<LD>&, LD)>;

// The exact value of a quantity for one unit at one input.
LD exact_value(const Quantity& f, const Case& c) {
  const auto one = [](LD v) { return Eigen::Array<LD, Eigen::Dynamic, 1>::Constant(1, v); };
  return f(drelu::dReLU<LD>(one(c.theta_p), one(c.theta_n), one(c.gamma_p), one(c.gamma_n)),
           c.input);
}

// The relative condition number, sum over the four parameters and the input of |x df/dx| / |f|,
// by forward differences of relative step 2^-30 on the long double path.
LD condition(const Quantity& f, const Case& c, LD base) {
  if (base == 0 || !std::isfinite(base)) return 0;
  const LD values[] = {c.theta_p, c.theta_n, c.gamma_p, c.gamma_n, c.input};
  LD sum = 0;
  for (int k = 0; k < 5; ++k) {
    if (values[k] == 0) continue;
    const LD step = values[k] * 0x1p-30L;
    LD moved[5] = {values[0], values[1], values[2], values[3], values[4]};
    moved[k] += step;
    const auto one = [](LD v) { return Eigen::Array<LD, Eigen::Dynamic, 1>::Constant(1, v); };
    const LD changed =
        f(drelu::dReLU<LD>(one(moved[0]), one(moved[1]), one(moved[2]), one(moved[3])), moved[4]);
    sum += std::fabs((changed - base) / base) * std::fabs(values[k] / step);
  }
  return sum;
}

template <class F>
LD at_input(F batch_function, const drelu::dReLU<LD>& layer, LD input) {
  const Eigen::Array<LD, Eigen::Dynamic, Eigen::Dynamic> in =
      Eigen::Array<LD, Eigen::Dynamic, Eigen::Dynamic>::Constant(1, 1, input);
  return batch_function(layer, in)(0, 0);
}

// Every case of a regime in one float layer; each quantity checked element by element. `rounding`
// records, without a check, the error in units of u |exact| where cond <= 2: the float lanes' own
// rounding.
void check_regime(const std::string& name, const std::vector<Case>& cases, ErrorTable& table,
                  ErrorTable& rounding) {
  const Eigen::Index n = Eigen::Index(cases.size());
  Eigen::ArrayXf tp(n), tn(n), gp(n), gn(n);
  Eigen::ArrayXXf inputs(n, 1);
  for (Eigen::Index i = 0; i < n; ++i) {
    const Case& c = cases[std::size_t(i)];
    tp(i) = c.theta_p;
    tn(i) = c.theta_n;
    gp(i) = c.gamma_p;
    gn(i) = c.gamma_n;
    inputs(i, 0) = c.input;
  }
  const drelu::dReLU<float> layer(tp, tn, gp, gn);
  Eigen::ArrayXXf mean(n, 1), variance(n, 1);
  drelu::meanvar_from_inputs(layer, inputs, mean, variance);
  struct Checked {
    const char* what;
    Eigen::ArrayXXf got;
    Quantity exact;
  };
  const std::vector<Checked> checked = {
      {"cgf", drelu::cgfs(layer, inputs),
       [](const auto& l, LD x) {
         return at_input([](auto&... a) { return drelu::cgfs(a...); }, l, x);
       }},
      {"mean", drelu::mean_from_inputs(layer, inputs),
       [](const auto& l, LD x) {
         return at_input([](auto&... a) { return drelu::mean_from_inputs(a...); }, l, x);
       }},
      {"variance", drelu::var_from_inputs(layer, inputs),
       [](const auto& l, LD x) {
         return at_input([](auto&... a) { return drelu::var_from_inputs(a...); }, l, x);
       }},
      {"std", drelu::std_from_inputs(layer, inputs),
       [](const auto& l, LD x) {
         return at_input([](auto&... a) { return drelu::std_from_inputs(a...); }, l, x);
       }},
      {"mean |h|", drelu::mean_abs_from_inputs(layer, inputs),
       [](const auto& l, LD x) {
         return at_input([](auto&... a) { return drelu::mean_abs_from_inputs(a...); }, l, x);
       }},
  };
  for (const Checked& q : checked) {
    for (Eigen::Index i = 0; i < n; ++i) {
      const Case& c = cases[std::size_t(i)];
      const LD exact = exact_value(q.exact, c);
      if (!std::isfinite(exact) || std::fabs(exact) > std::numeric_limits<float>::max()) continue;
      const LD cond = condition(q.exact, c, exact);
      const LD bound = 16 * std::fmax(1.0L, cond) * 0x1p-24L * std::fabs(exact) +
                       std::numeric_limits<float>::denorm_min();
      const std::string where = name + " " + std::to_string(i) + " (" +
                                drelu_test::show(c.theta_p) + ", " + drelu_test::show(c.theta_n) +
                                ", " + drelu_test::show(c.gamma_p) + ", " +
                                drelu_test::show(c.gamma_n) + "; I = " + drelu_test::show(c.input) +
                                ", cond " + drelu_test::show(cond) + ")";
      drelu_test::check_close(table, q.what, where, q.got(i, 0), exact, bound);
      if (cond <= 2) {
        rounding.record(q.what, std::fabs(q.got(i, 0) - exact), 0x1p-24L * std::fabs(exact), where);
      }
      if (std::string(q.what) == "mean") {
        drelu_test::check_close(table, "meanvar mean", where, mean(i, 0), exact, bound);
      }
      if (std::string(q.what) == "variance") {
        drelu_test::check_close(table, "meanvar variance", where, variance(i, 0), exact, bound);
      }
    }
  }
}

// n cases of draw(rng).
template <class Draw>
std::vector<Case> cases_of(int n, unsigned seed, Draw draw) {
  std::mt19937_64 rng(seed);
  std::vector<Case> cases;
  for (int k = 0; k < n; ++k) cases.push_back(draw(rng));
  return cases;
}

float log_uniform(std::mt19937_64& rng, double lo, double hi) {
  std::uniform_real_distribution<double> u(std::log(lo), std::log(hi));
  return float(std::exp(u(rng)));
}

// θ that puts a side's q = θ²/(2γ) at q (sign s).
float theta_at(double q, float gamma, double s) {
  return float(s * std::sqrt(2 * q * double(gamma)));
}

}  // namespace

TEST_CASE("float lanes meet the contract over regimes and at their domain's edges", "[fast]") {
  ErrorTable table("float lanes vs exact long double, 16 max(1, cond) u (float)");
  ErrorTable rounding("float lanes vs exact long double where cond <= 2, in units of u (float)");
  std::normal_distribution<double> normal;
  std::uniform_real_distribution<double> uniform(0, 1);
  const auto sign = [&](std::mt19937_64& r) { return uniform(r) < 0.5 ? -1.0 : 1.0; };
  check_regime("typical",
               cases_of(256, 1,
                        [&](std::mt19937_64& r) {
                          return Case{float(3 * normal(r)), float(3 * normal(r)),
                                      log_uniform(r, 0.1, 10), log_uniform(r, 0.1, 10),
                                      float(2 * normal(r))};
                        }),
               table, rounding);
  check_regime("wide",
               cases_of(256, 2,
                        [&](std::mt19937_64& r) {
                          const auto theta = [&] {
                            return float(sign(r) * std::pow(10.0, 6 * uniform(r) - 3));
                          };
                          return Case{theta(), theta(), log_uniform(r, 0x1p-45, 0x1p45),
                                      log_uniform(r, 0x1p-45, 0x1p45), float(10 * normal(r))};
                        }),
               table, rounding);
  // One side's q from 70 to 100: x = exp(−d) near the float exp's end (d = 87).
  check_regime(
      "d near 87",
      cases_of(256, 3,
               [&](std::mt19937_64& r) {
                 const float gp = log_uniform(r, 0.01, 100), gn = log_uniform(r, 0.01, 100);
                 return Case{theta_at(70 + 30 * uniform(r), gp, 1), float(normal(r)), gp, gn, 0.0f};
               }),
      table, rounding);
  // Both q from 2^8 to 2^15, with nearly equal weights: the rounding of q± in d.
  check_regime(
      "both q large",
      cases_of(256, 4,
               [&](std::mt19937_64& r) {
                 const float gp = log_uniform(r, 0.01, 100), gn = log_uniform(r, 0.01, 100);
                 const double q = std::ldexp(1.0, 8 + int(8 * uniform(r)));
                 const double shift = 0.5 * std::log(double(gp) / double(gn)) + normal(r);
                 return Case{theta_at(q + shift, gp, 1), theta_at(q, gn, -1), gp, gn, 0.0f};
               }),
      table, rounding);
  // Near-Gaussian units with small t: the mean's second form.
  check_regime("near Gaussian",
               cases_of(256, 5,
                        [&](std::mt19937_64& r) {
                          const float g = log_uniform(r, 0.01, 100);
                          const float t = float(sign(r) * std::pow(10.0, -8 * uniform(r)));
                          return Case{t, t, g, float(g * (1 + 1e-3 * normal(r))), 0.0f};
                        }),
               table, rounding);
  // a = −θ/sqrt(γ) near −1, 0 and 1: the variance's three pieces.
  check_regime(
      "variance pieces",
      cases_of(256, 6,
               [&](std::mt19937_64& r) {
                 const float gp = log_uniform(r, 0.1, 10), gn = log_uniform(r, 0.1, 10);
                 const double a = std::floor(3 * uniform(r)) - 1 + 1e-3 * normal(r);
                 return Case{float(-a * std::sqrt(double(gp))), float(3 * normal(r)), gp, gn, 0.0f};
               }),
      table, rounding);
  // A narrow likely side (γ⁺ near 2^40, q⁺ from 60 to 120) against a wide improbable one (γ⁻
  // near 2^-40) whose variance, 2^80 times larger, shows in the total down to P(h < 0) ~ 2^-100:
  // d near the float exp's end, and probabilities below 2^-60 with moments 2^30 apart.
  check_regime("improbable wide side",
               cases_of(256, 7,
                        [&](std::mt19937_64& r) {
                          const float gp = log_uniform(r, 0x1p36, 0x1p40),
                                      gn = log_uniform(r, 0x1p-40, 0x1p-36);
                          return Case{theta_at(60 + 60 * uniform(r), gp, 1),
                                      float(normal(r) * 0x1p-18), gp, gn, 0.0f};
                        }),
               table, rounding);
  // b near 2^40 and scales near 2^±40: the domain's other edges.
  check_regime("b and scale edges",
               cases_of(256, 8,
                        [&](std::mt19937_64& r) {
                          const float gp = log_uniform(r, 0x1p-42, 0x1p-38),
                                      gn = log_uniform(r, 0x1p38, 0x1p42);
                          const double b = std::ldexp(1.0, 38 + int(4 * uniform(r)));
                          return Case{float(-b * std::sqrt(double(gp))), float(normal(r)), gp, gn,
                                      float(normal(r))};
                        }),
               table, rounding);
  table.print();
  rounding.print();
}
