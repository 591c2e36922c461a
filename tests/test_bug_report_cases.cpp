// The cases that other projects' bug reports showed wrong (accuracy issue), each a kind of fault
// that must not come back: far tails, cancellation in the variance, subnormal erfc, overflowing
// exponents, η rounding to 1, the ReLU limit. Expected values come from the issue text (computed
// there with mpmath); each is checked to a relative tolerance of a few units of roundoff of the
// scalar type, or of the digits quoted when fewer.
#include <cmath>
#include <drelu/drelu.hpp>
#include <limits>

#include "catch.hpp"

namespace {

template <class T>
drelu::dReLU<T> unit(T theta_p, T theta_n, T gamma_p, T gamma_n) {
  using Vector = Eigen::Array<T, Eigen::Dynamic, 1>;
  return drelu::dReLU<T>(Vector::Constant(1, theta_p), Vector::Constant(1, theta_n),
                         Vector::Constant(1, gamma_p), Vector::Constant(1, gamma_n));
}

// The values quoted with 17 significant digits are exact to about 2^-53 relative, which bounds
// how closely a long double result can be checked against them.
constexpr long double kQuotedPrecision = 2 * 0x1p-53L;

// |got - want| <= tolerance |want|, reported with both values on failure.
template <class T>
void check_relative(T got, long double want, long double tolerance) {
  tolerance = std::fmax(tolerance, kQuotedPrecision);
  INFO("got " << static_cast<long double>(got) << ", want " << want << ", tolerance " << tolerance);
  CHECK(std::isfinite(got));
  CHECK(std::fabs(static_cast<long double>(got) - want) <= tolerance * std::fabs(want));
}

template <class T>
long double ulps(int count) {
  return count * static_cast<long double>(std::numeric_limits<T>::epsilon());
}

}  // namespace

TEMPLATE_TEST_CASE("symmetric unit truncated 38 sd from each mode", "[cases]", double,
                   long double) {
  using T = TestType;
  const auto layer = unit<T>(-38, 38, 1, 1);
  check_relative(drelu::cgfs(layer)(0, 0), -2.94513030505551L, 1e-14L);
  check_relative(drelu::mean_abs_from_inputs(layer)(0, 0), 0.0262794665759L, 1e-11L);
  check_relative(drelu::var_from_inputs(layer)(0, 0), 0.00138027011698L, 1e-11L);
  CHECK(std::fabs(drelu::mean_from_inputs(layer)(0, 0)) <= ulps<T>(4) * 0.04L);
}

TEST_CASE("float symmetric units at a = 5, 5.25, 5.5", "[cases]") {
  const float a[] = {5.0f, 5.25f, 5.5f};
  const long double mean_abs[] = {0.186503967126L, 0.178655388386L, 0.171410313897L};
  const long double cgf[] = {-0.952912680224L, -0.998544296273L, -1.04229063886L};
  for (int k = 0; k < 3; ++k) {
    const auto layer = unit<float>(-a[k], a[k], 1, 1);
    check_relative(drelu::mean_abs_from_inputs(layer)(0, 0), mean_abs[k], ulps<float>(4));
    check_relative(drelu::cgfs(layer)(0, 0), cgf[k], ulps<float>(4));
  }
}

TEMPLATE_TEST_CASE("variance where E[h^2] - E[h]^2 and 1 - mu (mu - a) cancel", "[cases]", double,
                   long double) {
  using T = TestType;
  const auto layer = unit<T>(-999000, 999000, 1, 1);
  check_relative(drelu::var_from_inputs(layer)(0, 0), 2.00400600800e-12L, 1e-11L);
  check_relative(drelu::cgfs(layer)(0, 0), -13.1213628770717L, 1e-14L);
}

TEMPLATE_TEST_CASE("cgfs where erfc is subnormal or exp overflows", "[cases]", double,
                   long double) {
  using T = TestType;
  const T root2 = std::sqrt(T(2));
  check_relative(drelu::cgfs(unit<T>(-30 * root2, 30 * root2, 1, 1))(0, 0), -3.0551785774392053L,
                 ulps<double>(4));
  check_relative(drelu::cgfs(unit<T>(100 * root2, 100 * root2, 1, 1))(0, 0), 10000.918938533204673L,
                 ulps<double>(4));
}

TEMPLATE_TEST_CASE("a side at theta = -1e200 keeps its log-normalizer and mean", "[cases]", double,
                   long double) {
  using T = TestType;
  check_relative(drelu::truncated_normal::log_partition(T(-1e200), T(1)), -460.51701859880914L,
                 ulps<double>(4));
  check_relative(drelu::truncated_normal::moments(T(-1e200), T(1)).mean, 1e-200L, ulps<double>(4));
  // The whole unit with that side: the positive side's weight is 1e-200-ish, never NaN.
  const auto layer = unit<T>(T(-1e200), T(0), 1, 1);
  CHECK(std::isfinite(drelu::cgfs(layer)(0, 0)));
  CHECK(std::isfinite(drelu::mean_from_inputs(layer)(0, 0)));
  CHECK(drelu::prob_positive_from_inputs(layer)(0, 0) > 0);
}

TEMPLATE_TEST_CASE("Gaussian cdf deep in the lower tail is not 0", "[cases]", double, long double) {
  using T = TestType;
  const auto layer = unit<T>(0, 0, 1, 1);
  Eigen::Array<T, 1, 2> x;
  x << -9, -30;
  const auto cdf = drelu::cdfs(layer, x);
  check_relative(cdf(0, 0), 1.1285884059538406e-19L, ulps<double>(8));
  check_relative(cdf(0, 1), 4.9067139271481871e-198L, ulps<double>(8));
  const auto sf = drelu::sfs(layer, Eigen::Array<T, 1, 2>(-x));
  check_relative(sf(0, 0), 1.1285884059538406e-19L, ulps<double>(8));
  check_relative(sf(0, 1), 4.9067139271481871e-198L, ulps<double>(8));
}

TEMPLATE_TEST_CASE("pReLU with eta = 0.99 converts and evaluates accurately", "[cases]", double,
                   long double) {
  using T = TestType;
  using Vector = Eigen::Array<T, Eigen::Dynamic, 1>;
  const drelu::pReLU<T> layer(Vector::Constant(1, T(0.2)), Vector::Constant(1, T(1.3)),
                              Vector::Constant(1, T(0.4)), Vector::Constant(1, T(0.99)));
  const drelu::dReLU<T> converted(layer);
  // η = 0.99 is not exact in binary and 1/(1 - η) amplifies its rounding by 100.
  const long double tolerance = 256 * ulps<double>(1);
  check_relative(converted.theta_p()(0), 0.40100502512562814L, tolerance);
  check_relative(converted.theta_n()(0), -39.8L, tolerance);
  check_relative(converted.gamma_p()(0), 0.65326633165829146L, tolerance);
  check_relative(converted.gamma_n()(0), 130.0L, tolerance);
  check_relative(drelu::cgfs(layer)(0, 0), 4.6019743865191273L, tolerance);
  check_relative(drelu::mean_from_inputs(layer)(0, 0), -0.26853417813602513L, tolerance);
  check_relative(drelu::var_from_inputs(layer)(0, 0), 0.082620566276757616L, tolerance);
  const drelu::pReLU<T> back(converted);
  check_relative(back.theta()(0), 0.2L, ulps<T>(16));
  check_relative(back.gamma()(0), 1.3L, ulps<T>(16) + 1e-16L);
  check_relative(back.delta()(0), 0.4L, ulps<T>(256) + 1e-15L);
  check_relative(back.eta()(0), 0.99L, ulps<T>(16) + 1e-16L);
}

TEMPLATE_TEST_CASE("xReLU with xi = 1e17 does not round eta to 1", "[cases]", float, double,
                   long double) {
  using T = TestType;
  using Vector = Eigen::Array<T, Eigen::Dynamic, 1>;
  const T gamma = T(1.5);
  for (const T xi : {T(1e17), T(-1e17)}) {
    const drelu::xReLU<T> layer(Vector::Constant(1, T(0)), Vector::Constant(1, gamma),
                                Vector::Constant(1, T(0)), Vector::Constant(1, xi));
    const drelu::dReLU<T> converted(layer);
    const T steep = xi > 0 ? converted.gamma_n()(0) : converted.gamma_p()(0);
    const T shallow = xi > 0 ? converted.gamma_p()(0) : converted.gamma_n()(0);
    check_relative(steep, 1e17L * static_cast<long double>(gamma), ulps<T>(4));
    check_relative(shallow, static_cast<long double>(gamma) / 2, ulps<T>(4));
    CHECK(std::isfinite(drelu::cgfs(layer)(0, 0)));
  }
}

TEMPLATE_TEST_CASE("the ReLU limit gamma_n = +inf has no NaN", "[cases]", float, double,
                   long double) {
  using T = TestType;
  const T inf = std::numeric_limits<T>::infinity();
  const auto layer = unit<T>(0, 0, 1, inf);
  Eigen::Array<T, 1, 3> x;
  x << 1, 0, -1;
  const auto energy = drelu::energies(layer, x);
  CHECK(energy(0, 0) == T(0.5));
  CHECK(energy(0, 1) == T(0));
  CHECK(energy(0, 2) == inf);
  const long double tolerance = ulps<T>(8);
  check_relative(drelu::cgfs(layer)(0, 0), 0.22579135264472743L, tolerance);
  check_relative(drelu::mean_from_inputs(layer)(0, 0), 0.797884560802865L, tolerance + 1e-15L);
  check_relative(drelu::var_from_inputs(layer)(0, 0), 0.363380227632419L, tolerance + 1e-15L);
  check_relative(drelu::mean_abs_from_inputs(layer)(0, 0), 0.797884560802865L, tolerance + 1e-15L);
  const auto cdf = drelu::cdfs(layer, x);
  const auto logpdf = drelu::logpdfs(layer, x);
  CHECK(cdf(0, 2) == T(0));
  CHECK(cdf(0, 1) == T(0));
  check_relative(cdf(0, 0), 0.68268949213708590L, tolerance);
  CHECK(logpdf(0, 2) == -inf);
  CHECK_FALSE(std::isnan(logpdf(0, 0)));
  CHECK(drelu::mode_from_inputs(layer)(0, 0) == T(0));
}

TEMPLATE_TEST_CASE("limits are exact instead of NaN", "[cases]", float, double, long double) {
  using T = TestType;
  const T inf = std::numeric_limits<T>::infinity();
  SECTION("gamma = 0 with a confining theta is an exponential side") {
    const auto layer = unit<T>(-1, 1, 0, 0);  // Laplace density exp(-|h|)/2
    check_relative(drelu::cgfs(layer)(0, 0), std::log(2.0L), ulps<T>(4));
    CHECK(drelu::mean_from_inputs(layer)(0, 0) == T(0));
    check_relative(drelu::var_from_inputs(layer)(0, 0), 2.0L, ulps<T>(4));
    Eigen::Array<T, 1, 1> x;
    x << 1;
    check_relative(drelu::cdfs(layer, x)(0, 0), 1 - std::exp(-1.0L) / 2, ulps<T>(4));
  }
  SECTION("a side that is not normalizable gives +inf, not NaN") {
    const auto layer = unit<T>(1, 1, 0, 1);
    CHECK(drelu::cgfs(layer)(0, 0) == inf);
    CHECK(drelu::mean_from_inputs(layer)(0, 0) == inf);
    CHECK(drelu::var_from_inputs(layer)(0, 0) == inf);
    Eigen::Array<T, 1, 1> x;
    x << 3;
    CHECK(drelu::cdfs(layer, x)(0, 0) == T(0));
    CHECK(drelu::logpdfs(layer, x)(0, 0) == -inf);
  }
  SECTION("infinite inputs") {
    const auto layer = unit<T>(0, 0, 2, 4);
    Eigen::Array<T, 1, 2> inputs;
    inputs << inf, -inf;
    const auto cgf = drelu::cgfs(layer, inputs);
    const auto mean = drelu::mean_from_inputs(layer, inputs);
    const auto var = drelu::var_from_inputs(layer, inputs);
    CHECK(cgf(0, 0) == inf);
    CHECK(cgf(0, 1) == inf);
    CHECK(mean(0, 0) == inf);
    CHECK(mean(0, 1) == -inf);
    CHECK(var(0, 0) == T(0.5));  // the limit: N(I/γ⁺, 1/γ⁺)
    CHECK(var(0, 1) == T(0.25));
  }
}
