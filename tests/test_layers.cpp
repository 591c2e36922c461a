// Tests of the four layer classes (layers.hpp): construction, accessors, Eigen expressions as
// parameters, the conversions between the parameterizations and the errors for invalid
// parameters.
//
// Tolerances, u = epsilon of the layer's scalar type:
//   round trips: every leg of a conversion is a handful of roundings, so a round trip is within
//     8 u of the start, measured against the magnitudes that enter the sums (derived next to
//     each check);
//   converted layers: their parameters differ by such a few ulps, and the outputs of this
//     random regime have relative condition numbers below 1e3 (the `random` rows of
//     tests/data/drelu_public_meta.csv), so outputs agree within 8 * 1024 u of their scale.
#include <cmath>
#include <drelu/drelu.hpp>
#include <limits>
#include <string>
#include <type_traits>
#include <vector>

#include "catch.hpp"
#include "test_helpers.hpp"

namespace {

using drelu_test::Batch;
using drelu_test::check_close;
using drelu_test::check_invalid_argument;
using drelu_test::epsilon;
using drelu_test::ErrorTable;
using drelu_test::Random;
using drelu_test::Vector;

template <class T>
bool same(const Vector<T>& a, const Vector<T>& b) {
  return a.size() == b.size() && (a == b).all();
}

template <class T>
Vector<T> values(std::initializer_list<double> list) {
  Vector<T> out(static_cast<Eigen::Index>(list.size()));
  Eigen::Index i = 0;
  for (const double v : list) out(i++) = T(v);
  return out;
}

template <class T>
struct RandomLayers {
  drelu::dReLU<T> d;
  drelu::pReLU<T> p;
  drelu::xReLU<T> x;
  drelu::nsReLU<T> ns;
};

// theta, delta, xi ~ N(0, 3), gamma log-uniform on [0.1, 10], eta uniform on (-0.9, 0.9).
template <class T>
RandomLayers<T> random_layers(Random& random, Eigen::Index n) {
  const auto theta = [](Random& r) { return r.normal(3); };
  const auto gamma = [](Random& r) { return r.log_uniform(0.1, 10); };
  const auto eta = [](Random& r) { return r.uniform(-0.9, 0.9); };
  const auto v = [&](auto draw) { return random.vector<T>(n, draw); };
  drelu::dReLU<T> d(v(theta), v(theta), v(gamma), v(gamma));
  drelu::pReLU<T> p(v(theta), v(gamma), v(theta), v(eta));
  drelu::xReLU<T> x(v(theta), v(gamma), v(theta), v(theta));
  drelu::nsReLU<T> ns(v(theta), v(theta), v(theta));
  return {d, p, x, ns};
}

constexpr long double kRoundTripUlps = 8;

template <class T>
void check_parameter(ErrorTable& table, const std::string& group, Eigen::Index i, T got, T start,
                     long double scale) {
  check_close(table, group, "unit " + std::to_string(i), got, start,
              kRoundTripUlps * epsilon<T>() * scale);
}

// dReLU -> shared scale -> dReLU: theta+- come back to within u (|theta+| + |theta-|) (they
// are recombined from weighted sums of both), the gammas relatively. Through pReLU both are
// multiplied by r = (g+ + g-)/(2 min g) = 1/(1 - |eta|): eta is stored with an absolute error
// of a few u, which is a relative error u r in the smaller of 1 + eta and 1 - eta (inherent in
// the parameterization, not in its implementation; xReLU avoids it).
template <class T>
void check_drelu_round_trip(ErrorTable& table, const std::string& group,
                            const drelu::dReLU<T>& start, const drelu::dReLU<T>& back,
                            bool through_eta) {
  REQUIRE(back.size() == start.size());
  for (Eigen::Index i = 0; i < start.size(); ++i) {
    const long double gp = std::fabs(start.gamma_p()(i));
    const long double gn = std::fabs(start.gamma_n()(i));
    const long double r = through_eta ? (gp + gn) / (2 * std::fmin(gp, gn)) : 1;
    const long double thetas = std::fabs(start.theta_p()(i)) + std::fabs(start.theta_n()(i));
    check_parameter(table, group + " theta_p", i, back.theta_p()(i), start.theta_p()(i),
                    r * thetas);
    check_parameter(table, group + " theta_n", i, back.theta_n()(i), start.theta_n()(i),
                    r * thetas);
    check_parameter(table, group + " gamma_p", i, back.gamma_p()(i), start.gamma_p()(i), r * gp);
    check_parameter(table, group + " gamma_n", i, back.gamma_n()(i), start.gamma_n()(i), r * gn);
  }
}

// Shared-scale -> dReLU -> shared-scale: theta and delta within u (|theta| + |delta|), gamma
// relatively. The asymmetry: eta within u; xi = (g- - g+)/(2 min g) within u (1 + |xi|) (a
// ratio of the two gammas) when it went through a dReLU, within u |xi| (1 + |xi|) when it went
// through eta (1 - |eta| = 1/(1 + |xi|) carries u |xi| relative error).
template <class T, class Layer>
void check_shared_round_trip(ErrorTable& table, const std::string& group, const Layer& start,
                             const Layer& back, const Vector<T>& asymmetry_start,
                             const Vector<T>& asymmetry_back, bool xi_through_eta) {
  REQUIRE(back.size() == start.size());
  for (Eigen::Index i = 0; i < start.size(); ++i) {
    const long double sum = std::fabs(start.theta()(i)) + std::fabs(start.delta()(i));
    check_parameter(table, group + " theta", i, back.theta()(i), start.theta()(i), sum);
    check_parameter(table, group + " delta", i, back.delta()(i), start.delta()(i), sum);
    check_parameter(table, group + " gamma", i, back.gamma()(i), start.gamma()(i),
                    std::fabs(start.gamma()(i)));
    const long double a = std::fabs(asymmetry_start(i));
    long double scale = 1;
    if (std::is_same<Layer, drelu::xReLU<T>>::value) scale = xi_through_eta ? a * (1 + a) : 1 + a;
    check_parameter(table, group + " asymmetry", i, asymmetry_back(i), asymmetry_start(i), scale);
  }
}

// Everything the batch API says about two layers that should be one distribution, compared at
// inputs and points that cover both sides.
template <class T, class A, class B>
void check_same_distribution(ErrorTable& table, const std::string& group, const A& a, const B& b) {
  const Eigen::Index n = a.size();
  REQUIRE(b.size() == n);
  Batch<T> inputs(n, 3);
  inputs.col(0).setZero();
  inputs.col(1).setConstant(T(1.5));
  inputs.col(2).setConstant(T(-2.25));
  Batch<T> points(n, 3);
  points.col(0).setConstant(T(-1));
  points.col(1).setConstant(T(0.5));
  points.col(2).setConstant(T(2));
  const long double k = 8 * 1024 * epsilon<T>();
  const Batch<T> sd = drelu::std_from_inputs(a, inputs);
  const auto compare = [&](const char* what, const Batch<T>& got, const Batch<T>& want,
                           auto scale) {
    for (Eigen::Index j = 0; j < got.cols(); ++j) {
      for (Eigen::Index i = 0; i < n; ++i) {
        const std::string where =
            group + ", unit " + std::to_string(i) + ", column " + std::to_string(j);
        check_close(table, what, where, got(i, j), want(i, j), k * scale(i, j));
      }
    }
  };
  const auto relative = [&](const Batch<T>& v) {
    return [&v](Eigen::Index i, Eigen::Index j) { return std::fabs(v(i, j)); };
  };
  const auto log_scale = [&](const Batch<T>& v) {
    return [&v](Eigen::Index i, Eigen::Index j) { return std::fmax(1.0L, std::fabs(v(i, j))); };
  };
  const auto with_sd = [&](const Batch<T>& v) {
    return [&v, &sd](Eigen::Index i, Eigen::Index j) { return std::fabs(v(i, j)) + sd(i, j); };
  };
  const Batch<T> cgf = drelu::cgfs(a, inputs);
  compare("cgf", drelu::cgfs(b, inputs), cgf, log_scale(cgf));
  const Batch<T> mean = drelu::mean_from_inputs(a, inputs);
  compare("mean", drelu::mean_from_inputs(b, inputs), mean, with_sd(mean));
  const Batch<T> var = drelu::var_from_inputs(a, inputs);
  compare("var", drelu::var_from_inputs(b, inputs), var, relative(var));
  const Batch<T> mean_abs = drelu::mean_abs_from_inputs(a, inputs);
  compare("mean_abs", drelu::mean_abs_from_inputs(b, inputs), mean_abs, relative(mean_abs));
  const Batch<T> mode = drelu::mode_from_inputs(a, inputs);
  compare("mode", drelu::mode_from_inputs(b, inputs), mode, with_sd(mode));
  const Batch<T> cdf = drelu::cdfs(a, points, inputs);
  compare("cdf", drelu::cdfs(b, points, inputs), cdf, relative(cdf));
  const Batch<T> energy = drelu::energies(a, points);
  const Batch<T> energy_b = drelu::energies(b, points);
  // U(x) sums terms of size gamma x^2/2 and |theta x|; their sum bounds its rounding.
  const drelu::dReLU<T> d(a);
  const auto energy_scale = [&](Eigen::Index i, Eigen::Index j) {
    const long double x = points(i, j);
    const bool positive = x >= 0;
    const long double g = positive ? d.gamma_p()(i) : d.gamma_n()(i);
    const long double t = positive ? d.theta_p()(i) : d.theta_n()(i);
    return std::fabs(g) * x * x / 2 + std::fabs(t * x);
  };
  compare("energy", energy_b, energy, energy_scale);
}

}  // namespace

TEMPLATE_TEST_CASE("a layer of n default units has theta = 0, gamma = 1, delta = eta = xi = 0",
                   "[layers]", float, double, long double) {
  using T = TestType;
  const Eigen::Index n = 5;
  const Vector<T> zeros = Vector<T>::Zero(n);
  const Vector<T> ones = Vector<T>::Ones(n);
  const drelu::dReLU<T> d(n);
  CHECK(d.size() == n);
  CHECK(same(d.theta_p(), zeros));
  CHECK(same(d.theta_n(), zeros));
  CHECK(same(d.gamma_p(), ones));
  CHECK(same(d.gamma_n(), ones));
  const drelu::pReLU<T> p(n);
  CHECK(p.size() == n);
  CHECK(same(p.theta(), zeros));
  CHECK(same(p.gamma(), ones));
  CHECK(same(p.delta(), zeros));
  CHECK(same(p.eta(), zeros));
  const drelu::xReLU<T> x(n);
  CHECK(x.size() == n);
  CHECK(same(x.theta(), zeros));
  CHECK(same(x.gamma(), ones));
  CHECK(same(x.delta(), zeros));
  CHECK(same(x.xi(), zeros));
  const drelu::nsReLU<T> ns(n);
  CHECK(ns.size() == n);
  CHECK(same(ns.theta(), zeros));
  CHECK(same(ns.delta(), zeros));
  CHECK(same(ns.xi(), zeros));
  CHECK(drelu::dReLU<T>(0).size() == 0);
  CHECK(drelu::nsReLU<T>(0).size() == 0);
  STATIC_REQUIRE(std::is_same<typename drelu::dReLU<T>::Scalar, T>::value);
  STATIC_REQUIRE(std::is_same<drelu::dReLU<>::Scalar, double>::value);
  STATIC_REQUIRE(std::is_same<drelu::nsReLU<>::Scalar, double>::value);
}

TEMPLATE_TEST_CASE("constructors keep the parameters they are given", "[layers]", float, double,
                   long double) {
  using T = TestType;
  const Vector<T> a = values<T>({0.5, -1.25, 3});
  const Vector<T> b = values<T>({-4, 0, 1e-3});
  const Vector<T> g = values<T>({0.25, 8, 1});
  const Vector<T> h = values<T>({2, -0.5, 1e4});  // a negative gamma is kept as given
  const Vector<T> e = values<T>({-0.75, 0, 0.5});
  const drelu::dReLU<T> d(a, b, g, h);
  CHECK(d.size() == 3);
  CHECK(same(d.theta_p(), a));
  CHECK(same(d.theta_n(), b));
  CHECK(same(d.gamma_p(), g));
  CHECK(same(d.gamma_n(), h));
  const drelu::pReLU<T> p(a, g, b, e);
  CHECK(p.size() == 3);
  CHECK(same(p.theta(), a));
  CHECK(same(p.gamma(), g));
  CHECK(same(p.delta(), b));
  CHECK(same(p.eta(), e));
  const drelu::xReLU<T> x(b, g, a, h);
  CHECK(x.size() == 3);
  CHECK(same(x.theta(), b));
  CHECK(same(x.gamma(), g));
  CHECK(same(x.delta(), a));
  CHECK(same(x.xi(), h));
  const drelu::nsReLU<T> ns(a, b, h);
  CHECK(ns.size() == 3);
  CHECK(same(ns.theta(), a));
  CHECK(same(ns.delta(), b));
  CHECK(same(ns.xi(), h));
}

TEST_CASE("parameters may be any Eigen vector expression", "[layers]") {
  const Eigen::ArrayXd expected = (Eigen::ArrayXd(4) << 0.5, -1.25, 2, 0.875).finished();
  const Eigen::VectorXd column = expected.matrix();
  const Eigen::RowVectorXd row = column.transpose();
  std::vector<double> storage(expected.data(), expected.data() + expected.size());
  const Eigen::Map<const Eigen::ArrayXd> map(storage.data(), 4);
  Eigen::MatrixXd matrix = Eigen::MatrixXd::Constant(6, 5, 7.0);
  matrix.block(1, 2, 4, 1) = column;
  matrix.block(5, 1, 1, 4) = row;
  const Eigen::ArrayXf single = expected.cast<float>();  // every value is exact in float

  const drelu::dReLU<double> d(column, row, map, matrix.block(1, 2, 4, 1));
  CHECK(d.size() == 4);
  CHECK(same<double>(d.theta_p(), expected));
  CHECK(same<double>(d.theta_n(), expected));
  CHECK(same<double>(d.gamma_p(), expected));
  CHECK(same<double>(d.gamma_n(), expected));

  const drelu::pReLU<double> p(single.cast<double>(), matrix.row(5).tail(4), 2 * expected,
                               matrix.col(2).segment(1, 4).array() / 4);
  CHECK(same<double>(p.theta(), expected));
  CHECK(same<double>(p.gamma(), expected));
  CHECK(same<double>(p.delta(), 2 * expected));
  CHECK(same<double>(p.eta(), expected / 4));

  const drelu::xReLU<double> x(expected.reverse(), expected.abs(), row.array(), -column);
  CHECK(same<double>(x.theta(), expected.reverse()));
  CHECK(same<double>(x.gamma(), expected.abs()));
  CHECK(same<double>(x.delta(), expected));
  CHECK(same<double>(x.xi(), -expected));

  // A float layer from double expressions rounds each value once.
  const drelu::nsReLU<float> ns(map, column, expected + 0.1);
  CHECK(same<float>(ns.theta(), single));
  CHECK(same<float>(ns.delta(), single));
  CHECK(same<float>(ns.xi(), (expected + 0.1).cast<float>()));
}

TEMPLATE_TEST_CASE("conversions round-trip to a few ulp", "[layers]", float, double, long double) {
  using T = TestType;
  Random random(20240611);
  const auto layers = random_layers<T>(random, 60);
  ErrorTable table(std::string("conversion round trips (") + drelu_test::type_name<T>() + ")");

  check_drelu_round_trip(table, "d->p->d", layers.d, drelu::dReLU<T>(drelu::pReLU<T>(layers.d)),
                         true);
  check_drelu_round_trip(table, "d->x->d", layers.d, drelu::dReLU<T>(drelu::xReLU<T>(layers.d)),
                         false);
  const drelu::pReLU<T> p_d(drelu::dReLU<T>(layers.p));
  check_shared_round_trip<T>(table, "p->d->p", layers.p, p_d, layers.p.eta(), p_d.eta(), false);
  const drelu::pReLU<T> p_x(drelu::xReLU<T>(layers.p));
  check_shared_round_trip<T>(table, "p->x->p", layers.p, p_x, layers.p.eta(), p_x.eta(), false);
  const drelu::xReLU<T> x_d(drelu::dReLU<T>(layers.x));
  check_shared_round_trip<T>(table, "x->d->x", layers.x, x_d, layers.x.xi(), x_d.xi(), false);
  const drelu::xReLU<T> x_p(drelu::pReLU<T>(layers.x));
  check_shared_round_trip<T>(table, "x->p->x", layers.x, x_p, layers.x.xi(), x_p.xi(), true);

  // nsReLU is the xReLU with gamma = 1; every conversion from it goes through that xReLU.
  const drelu::xReLU<T> x_ns(layers.ns);
  const drelu::xReLU<T> x_ones(layers.ns.theta(), Vector<T>::Ones(layers.ns.size()),
                               layers.ns.delta(), layers.ns.xi());
  CHECK(same(x_ns.theta(), x_ones.theta()));
  CHECK(same(x_ns.gamma(), x_ones.gamma()));
  CHECK(same(x_ns.delta(), x_ones.delta()));
  CHECK(same(x_ns.xi(), x_ones.xi()));
  const drelu::dReLU<T> d_ns(layers.ns);
  const drelu::dReLU<T> d_ones(x_ones);
  CHECK(same(d_ns.theta_p(), d_ones.theta_p()));
  CHECK(same(d_ns.gamma_n(), d_ones.gamma_n()));
  const drelu::pReLU<T> p_ns(layers.ns);
  const drelu::pReLU<T> p_ones(x_ones);
  CHECK(same(p_ns.eta(), p_ones.eta()));
  CHECK(same(p_ns.delta(), p_ones.delta()));
  table.print();
}

TEMPLATE_TEST_CASE("converted layers are the same distribution", "[layers]", float, double,
                   long double) {
  using T = TestType;
  Random random(7);
  const auto l = random_layers<T>(random, 40);
  ErrorTable table(std::string("converted layers agree (") + drelu_test::type_name<T>() + ")");
  check_same_distribution<T>(table, "dReLU{p}", l.p, drelu::dReLU<T>(l.p));
  check_same_distribution<T>(table, "pReLU{d}", l.d, drelu::pReLU<T>(l.d));
  check_same_distribution<T>(table, "xReLU{d}", l.d, drelu::xReLU<T>(l.d));
  check_same_distribution<T>(table, "xReLU{p}", l.p, drelu::xReLU<T>(l.p));
  check_same_distribution<T>(table, "pReLU{x}", l.x, drelu::pReLU<T>(l.x));
  check_same_distribution<T>(table, "dReLU{x}", l.x, drelu::dReLU<T>(l.x));
  check_same_distribution<T>(table, "dReLU{ns}", l.ns, drelu::dReLU<T>(l.ns));
  check_same_distribution<T>(table, "xReLU{ns}", l.ns, drelu::xReLU<T>(l.ns));
  check_same_distribution<T>(table, "pReLU{ns}", l.ns, drelu::pReLU<T>(l.ns));
  table.print();
}

TEST_CASE("pReLU with eta = 0.99 (the issue's case)", "[layers]") {
  using V = Eigen::ArrayXd;
  const drelu::pReLU<double> p(V::Constant(1, 0.2), V::Constant(1, 1.3), V::Constant(1, 0.4),
                               V::Constant(1, 0.99));
  const drelu::dReLU<double> d(p);
  ErrorTable table("pReLU eta = 0.99");
  // The exact results for the binary64 parameters (0.99 is 0.98999999999999999112...):
  //   from mpmath import mp, mpf, erfc, exp, log, sqrt, pi, quad, inf; mp.dps = 50
  //   th, g, d, eta = [mpf(v) for v in (0.2, 1.3, 0.4, 0.99)]
  //   gp, gn, tp, tn = g / (1 + eta), g / (1 - eta), th + d / (1 + eta), th - d / (1 - eta)
  //   U = lambda h: gp / 2 * h * h - tp * h if h >= 0 else gn / 2 * h * h - tn * h
  //   pts = [-inf, tn / gn, 0, tp / gp, inf]; Z = quad(lambda h: exp(-U(h)), pts)
  //   m1 = quad(lambda h: h * exp(-U(h)), pts) / Z
  //   m2 = quad(lambda h: (h - m1)**2 * exp(-U(h)), pts) / Z   # and log(Z)
  // The parameters are within an ulp (converted in long double, rounded once); cgf, mean and var
  // have condition numbers of a few units here, so 64 ulp. With the decimal 0.99 instead the
  // issue's values are 0.40100502512562814, -39.8, 0.65326633165829146, 130,
  // 4.6019743865191273, -0.26853417813602513, 0.082620566276757616, within 1e-13 of these.
  const long double u = epsilon<double>();
  struct Expected {
    const char* name;
    double got;
    long double exact;
    long double decimal;
    long double ulps;
  };
  const Expected expected[] = {
      {"theta_p", d.theta_p()(0), 0.40100502512562816386L, 0.40100502512562814L, 1},
      {"theta_n", d.theta_n()(0), -39.799999999999966682L, -39.8L, 1},
      {"gamma_p", d.gamma_p()(0), 0.65326633165829148252L, 0.65326633165829146L, 1},
      {"gamma_n", d.gamma_n()(0), 129.99999999999988898L, 130.0L, 1},
      {"cgf", drelu::cgfs(p)(0, 0), 4.6019743865191228025L, 4.6019743865191273L, 64},
      {"mean", drelu::mean_from_inputs(p)(0, 0), -0.26853417813602497224L, -0.26853417813602513L,
       64},
      {"var", drelu::var_from_inputs(p)(0, 0), 0.082620566276757949184L, 0.082620566276757616L,
       64}};
  for (const auto& e : expected) {
    check_close(table, e.name, "binary64 eta", e.got, e.exact, e.ulps * u * std::fabs(e.exact));
    check_close(table, std::string(e.name) + " (decimal eta)", "1e-13", e.got, e.decimal,
                1e-13L * std::fabs(e.decimal));
  }
  table.print();
}

TEST_CASE("a pReLU whose theta- cancels: energies and moments from the exact dReLU", "[layers]") {
  // theta- = theta - Delta/(1 - eta) = 0.268 from -3.71 and -3.97 (a 14-fold cancellation).
  // Formed in double, theta- was off by 14 ulp and the energy at x = -1 by 19 ulp (cond 1 in
  // the dReLU parameters); formed in long double and rounded once, both are within an ulp.
  //   th, g, d, eta = [mpf(v) for v in (-3.7061956807679315, 0.12924400899721458,
  //                                     -4.705465171353341, -0.18403390936097608)]  # doubles
  //   tn = th - d / (1 - eta); gn = g / (1 - eta); U(-1) = gn / 2 + tn
  using V = Eigen::ArrayXd;
  const drelu::pReLU<double> p(
      V::Constant(1, -3.7061956807679315), V::Constant(1, 0.12924400899721458),
      V::Constant(1, -4.705465171353341), V::Constant(1, -0.18403390936097608));
  ErrorTable table("pReLU with a cancelling theta-");
  const long double u = epsilon<double>();
  const long double theta_n = 0.26790095122201164851L;
  const long double energy = 0.322478783822670722352L;
  check_close(table, "theta_n", "dReLU(p)", drelu::dReLU<double>(p).theta_n()(0), theta_n,
              u * std::fabs(theta_n));
  check_close(table, "energy", "x = -1", drelu::energies(p, V::Constant(1, -1.0))(0, 0), energy,
              2 * u * std::fabs(energy));
  table.print();
}

TEST_CASE("xReLU with xi = +-1e17 converts to finite gammas", "[layers]") {
  using V = Eigen::ArrayXd;
  const double u = epsilon<double>();
  const double gamma = 1.7;
  const double theta = 0.3;
  const double delta = 0.25;
  for (const double xi : {1e17, -1e17}) {
    INFO("xi = " << xi);
    const drelu::xReLU<double> x(V::Constant(1, theta), V::Constant(1, gamma),
                                 V::Constant(1, delta), V::Constant(1, xi));
    const drelu::dReLU<double> d(x);
    // eta = xi/(1 + |xi|): the steep side has gamma (1 + |xi|), the other gamma/(2 - 1/(1 +
    // |xi|)) = gamma/2 to 1e-17.
    const double steep = xi > 0 ? d.gamma_n()(0) : d.gamma_p()(0);
    const double flat = xi > 0 ? d.gamma_p()(0) : d.gamma_n()(0);
    CHECK(std::isfinite(steep));
    CHECK(std::fabs(steep - 1e17 * gamma) <= 4 * u * 1e17 * gamma);
    CHECK(std::fabs(flat - gamma / 2) <= 4 * u * gamma / 2);
    // theta+- = theta + delta/(1 + eta) and theta - delta/(1 - eta).
    const double flat_theta = xi > 0 ? d.theta_p()(0) : d.theta_n()(0);
    const double steep_theta = xi > 0 ? d.theta_n()(0) : d.theta_p()(0);
    CHECK(std::fabs(flat_theta - (xi > 0 ? theta + delta / 2 : theta - delta / 2)) <= 4 * u);
    CHECK(std::fabs(steep_theta - (xi > 0 ? -delta * 1e17 : delta * 1e17)) <= 4 * u * 1e17);
    CHECK(std::isfinite(drelu::cgfs(x)(0, 0)));
    CHECK(std::isfinite(drelu::mean_from_inputs(x)(0, 0)));
    CHECK(std::isfinite(drelu::var_from_inputs(x)(0, 0)));
    // Back to xReLU: xi = (g- - g+)/(2 min g) is exact enough to round-trip.
    const drelu::xReLU<double> back(d);
    CHECK(std::fabs(back.xi()(0) - xi) <= 8 * u * std::fabs(xi));
    // eta rounds to +-1 in double: no pReLU holds this unit.
    check_invalid_argument([&] { drelu::pReLU<double>{x}; }, {"pReLU", "eta", "xReLU"});
  }
}

TEST_CASE("invalid parameters throw std::invalid_argument naming class, parameter, value",
          "[layers]") {
  using V = Eigen::ArrayXd;
  const V three = V::Constant(3, 0.5);
  const V two = V::Constant(2, 0.5);
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  const auto with = [&](Eigen::Index i, double value) {
    V v = three;
    v(i) = value;
    return v;
  };
  const Eigen::MatrixXd square = Eigen::MatrixXd::Constant(2, 2, 0.5);

  SECTION("unequal lengths") {
    check_invalid_argument([&] { drelu::dReLU<double>(three, two, three, three); },
                           {"drelu::dReLU", "theta_n", "2", "3"});
    check_invalid_argument([&] { drelu::pReLU<double>(three, three, three, two); },
                           {"drelu::pReLU", "eta", "2", "3"});
    check_invalid_argument([&] { drelu::xReLU<double>(three, two, three, three); },
                           {"drelu::xReLU", "gamma", "2", "3"});
    check_invalid_argument([&] { drelu::nsReLU<double>(three, three, two); },
                           {"drelu::nsReLU", "xi", "2", "3"});
  }
  SECTION("NaN in each parameter") {
    const V n = with(1, nan);
    check_invalid_argument([&] { drelu::dReLU<double>(n, three, three, three); },
                           {"drelu::dReLU", "theta_p", "NaN"});
    check_invalid_argument([&] { drelu::dReLU<double>(three, n, three, three); },
                           {"drelu::dReLU", "theta_n", "NaN"});
    check_invalid_argument([&] { drelu::dReLU<double>(three, three, n, three); },
                           {"drelu::dReLU", "gamma_p", "NaN"});
    check_invalid_argument([&] { drelu::dReLU<double>(three, three, three, n); },
                           {"drelu::dReLU", "gamma_n", "NaN"});
    check_invalid_argument([&] { drelu::pReLU<double>(n, three, three, three); },
                           {"drelu::pReLU", "theta", "NaN"});
    check_invalid_argument([&] { drelu::pReLU<double>(three, n, three, three); },
                           {"drelu::pReLU", "gamma", "NaN"});
    check_invalid_argument([&] { drelu::pReLU<double>(three, three, n, three); },
                           {"drelu::pReLU", "delta", "NaN"});
    check_invalid_argument([&] { drelu::pReLU<double>(three, three, three, n); },
                           {"drelu::pReLU", "eta", "NaN"});
    check_invalid_argument([&] { drelu::xReLU<double>(n, three, three, three); },
                           {"drelu::xReLU", "theta", "NaN"});
    check_invalid_argument([&] { drelu::xReLU<double>(three, n, three, three); },
                           {"drelu::xReLU", "gamma", "NaN"});
    check_invalid_argument([&] { drelu::xReLU<double>(three, three, n, three); },
                           {"drelu::xReLU", "delta", "NaN"});
    check_invalid_argument([&] { drelu::xReLU<double>(three, three, three, n); },
                           {"drelu::xReLU", "xi", "NaN"});
    check_invalid_argument([&] { drelu::nsReLU<double>(n, three, three); },
                           {"drelu::nsReLU", "theta", "NaN"});
    check_invalid_argument([&] { drelu::nsReLU<double>(three, n, three); },
                           {"drelu::nsReLU", "delta", "NaN"});
    check_invalid_argument([&] { drelu::nsReLU<double>(three, three, n); },
                           {"drelu::nsReLU", "xi", "NaN"});
    check_invalid_argument([&] { drelu::dReLU<float>(three.cast<float>(), n, three, three); },
                           {"drelu::dReLU", "theta_n", "NaN"});
  }
  SECTION("a matrix is not a parameter vector") {
    check_invalid_argument([&] { drelu::dReLU<double>(square, square, square, square); },
                           {"drelu::dReLU", "theta_p", "2 x 2"});
    check_invalid_argument([&] { drelu::pReLU<double>(two, square, two, two); },
                           {"drelu::pReLU", "gamma", "2 x 2"});
    check_invalid_argument([&] { drelu::xReLU<double>(two, two, square, two); },
                           {"drelu::xReLU", "delta", "2 x 2"});
    check_invalid_argument([&] { drelu::nsReLU<double>(two, two, square); },
                           {"drelu::nsReLU", "xi", "2 x 2"});
  }
  SECTION("pReLU needs eta in (-1, 1) and points to xReLU") {
    check_invalid_argument([&] { drelu::pReLU<double>(three, three, three, with(2, 1.0)); },
                           {"drelu::pReLU", "eta", "= 1 ", "(-1, 1)", "xReLU"});
    check_invalid_argument([&] { drelu::pReLU<double>(three, three, three, with(0, -1.0)); },
                           {"drelu::pReLU", "eta", "= -1 ", "(-1, 1)", "xReLU"});
    check_invalid_argument([&] { drelu::pReLU<double>(three, three, three, with(1, 1.5)); },
                           {"drelu::pReLU", "eta", "1.5", "(-1, 1)", "xReLU"});
    check_invalid_argument([&] { drelu::pReLU<long double>(three, three, three, with(1, -inf)); },
                           {"drelu::pReLU", "eta", "-inf", "xReLU"});
  }
  SECTION("a side with gamma = 0 or inf has no shared-scale form") {
    const V zero = with(1, 0.0);
    const V infinite = with(2, inf);
    const drelu::dReLU<double> flat(three, three, zero, three);
    const drelu::dReLU<double> removed(three, three, three, infinite);
    check_invalid_argument([&] { drelu::pReLU<double>{flat}; },
                           {"pReLU", "dReLU", "gamma_p = 0", "unit 1"});
    check_invalid_argument([&] { drelu::xReLU<double>{flat}; },
                           {"xReLU", "dReLU", "gamma_p = 0", "unit 1"});
    check_invalid_argument([&] { drelu::pReLU<double>{removed}; },
                           {"pReLU", "dReLU", "gamma_n = inf", "unit 2"});
    check_invalid_argument([&] { drelu::xReLU<double>{removed}; },
                           {"xReLU", "dReLU", "gamma_n = inf", "unit 2"});
  }
}
