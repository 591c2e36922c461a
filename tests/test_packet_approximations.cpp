// The branch-free mean gap m(b) and Mills ratio R(b) = 1/(b + m(b)) (b >= 0) and truncated
// variance v(a) (a >= -1) of the packet kernels (drelu/packet_math.hpp,
// packet_approximations.hpp) against the mpmath points of tests/data/tail_functions.csv with
// -1 <= a <= 1e100 (the kernels' domain), evaluated both on scalars and on the widest packets of
// this build. Bounds,
// relative, in u = 2^-53: for the double set 4 u (m, R) and 6 u (v); for the set of float layers
// 2^-31 (2^22 u), far below float's 2^-24. The worst errors are printed.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <string>
#include <vector>

#include "catch.hpp"
#include "drelu/packet_math.hpp"
#include "tail_table.hpp"

// GCC diagnostics of SIMD code (packet types as template arguments): packet_math.hpp.
DRELU_SIMD_DIAGNOSTICS_BEGIN

namespace {

namespace simd = drelu::detail::simd;

struct Point {
  double a;
  long double mills, gap, variance;
};

// The rows of tail_functions.csv in the kernels' domain, -1 <= a <= 1e100.
std::vector<Point> read_points() {
  std::vector<Point> points;
  for (const auto& row : drelu_test::read_tail_table()) {
    if (row.a >= -1 && row.a <= 1e100) {
      points.push_back({row.a, row.values[0], row.values[1], row.values[2]});
    }
  }
  return points;
}

// v at a >= -1, and m and R at b = a >= 0, through the kernel's own steps.
template <class Fits, class P>
void evaluate(const P& a, P& gap, P& variance, P& mills) {
  namespace ei = simd::ei;
  variance = simd::truncated_variance<Fits>(a);
  if (simd::ei::pfirst(a) < 0) return;
  const simd::Quotient<P> m = simd::mean_gap<Fits>(a, simd::transformed(a));
  gap = ei::pdiv(m.numerator, m.denominator);
  mills = ei::pdiv(m.denominator, ei::pmadd(a, m.denominator, m.numerator));
}

struct Worst {
  const char* name;
  long double bound, worst = 0;
  double at = 0;

  void add(double b, double got, long double ref) {
    const long double error = std::fabs((got - ref) / ref) / std::ldexp(1.0L, -53);
    if (error > worst) {
      worst = error;
      at = b;
    }
    CHECK(error <= bound);
  }
};

}  // namespace

template <class Fits>
struct Bounds;

template <>
struct Bounds<simd::DoubleFits> {
  static constexpr long double gap = 4, variance = 6, mills = 4;
  static constexpr const char* name = "double set";
};

template <>
struct Bounds<simd::FloatLayerFits> {
  static constexpr long double gap = 0x1p22, variance = 0x1p22, mills = 0x1p22;
  static constexpr const char* name = "float-layer set";
};

TEMPLATE_TEST_CASE("packet approximations of m, v and R are within their bounds of mpmath",
                   "[fast]", simd::DoubleFits, simd::FloatLayerFits) {
  using Fits = TestType;
  const auto points = read_points();
  REQUIRE(points.size() >= 1000);
  using Packet = simd::Packet<double>;
  constexpr int lanes = simd::lanes<double>;
  Worst gap{"mean gap m", Bounds<Fits>::gap},
      variance{"truncated variance v", Bounds<Fits>::variance},
      mills{"Mills ratio R", Bounds<Fits>::mills};
  for (const Point& p : points) {
    double m = 0, v = 0, r = 0;
    evaluate<Fits>(p.a, m, v, r);
    double lane_m[lanes], lane_v[lanes], lane_r[lanes];
    Packet pm = simd::broadcast<Packet>(0), pv = pm, pr = pm;
    evaluate<Fits>(simd::broadcast<Packet>(p.a), pm, pv, pr);
    simd::ei::pstoreu(lane_m, pm);
    simd::ei::pstoreu(lane_v, pv);
    simd::ei::pstoreu(lane_r, pr);
    for (const double got : {v, lane_v[lanes - 1]}) variance.add(p.a, got, p.variance);
    if (p.a < 0) continue;
    for (const double got : {m, lane_m[lanes - 1]}) gap.add(p.a, got, p.gap);
    for (const double got : {r, lane_r[lanes - 1]}) mills.add(p.a, got, p.mills);
  }
  std::printf("packet approximations, %s, vs mpmath (%zu points, a in [-1, 1e100], %d lanes):\n",
              Bounds<Fits>::name, points.size(), lanes);
  for (const Worst* w : {&gap, &variance, &mills}) {
    std::printf("  %-22s worst %.3Lg u at a = %.17g (bound %.3Lg u)\n", w->name, w->worst, w->at,
                w->bound);
  }
}

// Relative errors in u = 2^-53; Eigen's packet exp, which it replaces, is measured alongside.
TEST_CASE("the kernels' exponential is within 3 u of exp on [-708, 0]", "[fast]") {
  using Packet = simd::Packet<double>;
  constexpr int lanes = simd::lanes<double>;
  std::vector<double> points = {0.0,    -0.0,    -1e-300, -1e-17, -0.5,   -1.0,
                                -700.0, -707.99, -708.0,  -1e-3,  -37.25, -745.0 + 37.0};
  const double ln2 = 0.69314718055994530942;
  for (int k = 0; k <= 1021; ++k) {  // the ends of every reduction interval, and their neighbours
    for (const double x : {-(k + 0.5) * ln2, -k * ln2}) {
      points.push_back(x);
      points.push_back(std::nextafter(x, 0.0));
      points.push_back(std::nextafter(x, -1000.0));
    }
  }
  std::uint64_t state = 12345;
  for (int n = 0; n < 200000; ++n) {  // uniform on [-708, 0], and log-uniform towards 0
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    const double u = double(state >> 11) * 0x1p-53;
    points.push_back(n % 2 == 0 ? -708.0 * u : -std::exp2(-60.0 * u) * 8.0);
  }
  long double worst = 0, worst_eigen = 0;
  double at = 0;
  for (const double x : points) {
    if (x < -708.0) continue;
    double lane[lanes], eigen[lanes];
    simd::ei::pstoreu(lane, simd::exp_nonpositive(simd::broadcast<Packet>(x)));
    simd::ei::pstoreu(eigen, simd::ei::pexp(simd::broadcast<Packet>(x)));
    const long double ref = std::exp(static_cast<long double>(x));
    const long double u = std::ldexp(1.0L, -53) * ref;
    const long double error = std::fabs(lane[lanes - 1] - ref) / u;
    if (error > worst) {
      worst = error;
      at = x;
    }
    worst_eigen = std::max(worst_eigen, std::fabs(eigen[lanes - 1] - ref) / u);
    REQUIRE(error <= 3.0L);
    CHECK(simd::exp_nonpositive(x) == std::exp(x));  // the scalar instantiation is std::exp
  }
  if constexpr (simd::has_exponent_shift<Packet>) {  // not on scalars (std::exp) or Eigen's pexp
    double below[lanes];
    simd::ei::pstoreu(below, simd::exp_nonpositive(simd::broadcast<Packet>(-1000.0)));
    CHECK(below[0] > 0);  // clamped, as the kernels expect: exp(-708) on packets
    CHECK(below[0] <= std::exp(-707.0));
  }
  std::printf(
      "exp_nonpositive on %d-lane packets: worst %.3Lg u at x = %.17g (Eigen's pexp %.3Lg u; "
      "%zu points)\n",
      lanes, worst, at, worst_eigen, points.size());
}

// The float lanes' fits (float_kernels.hpp), evaluated in float on float packets through the
// kernel's steps: m and R at b = a in [0, 2^40], v = k m² for a >= 0 and the polynomial of v(-b)
// for -1 <= a < 0. Relative errors in units of u = 2^-24, against mpmath at the double a (so they
// include rounding a to float).
TEST_CASE("the float lanes' approximations are within a few float u of mpmath", "[fast]") {
  namespace ei = simd::ei;
  namespace fits = drelu::special::packet;
  using Packet = simd::Packet<float>;
  constexpr int lanes = simd::lanes<float>;
  long double worst[4] = {0, 0, 0, 0};  // m, R, v (a >= 0), v (-1 <= a < 0)
  double at[4] = {0, 0, 0, 0};
  const long double bounds[4] = {4, 4, 8, 4};
  const auto record = [&](int k, double a, float got, long double ref) {
    const long double error = std::fabs((got - ref) / ref) / std::ldexp(1.0L, -24);
    if (error > worst[k]) {
      worst[k] = error;
      at[k] = a;
    }
    CHECK(error <= bounds[k]);
  };
  for (const Point& p : read_points()) {
    if (p.a > 0x1p40) continue;
    float lane[lanes];
    const Packet a = simd::broadcast<Packet>(float(p.a));
    const Packet b = ei::pabs(a);
    if (p.a < 0) {
      ei::pstoreu(lane, simd::flat_polynomial(fits::interior_variance_float_lanes, b));
      record(3, p.a, lane[lanes - 1], p.variance);
      continue;
    }
    const Packet y = simd::transformed(b);
    auto m = simd::rational_fit(fits::mean_gap_float_lanes_difference,
                                fits::mean_gap_float_lanes_denominator, y);
    m.denominator = ei::pmul(m.denominator, ei::padd(b, simd::broadcast<Packet>(1.25f)));
    const Packet gap = ei::pdiv(m.numerator, m.denominator);
    ei::pstoreu(lane, gap);
    record(0, p.a, lane[lanes - 1], p.gap);
    ei::pstoreu(lane, ei::pdiv(m.denominator, ei::pmadd(b, m.denominator, m.numerator)));
    record(1, p.a, lane[lanes - 1], p.mills);
    const auto k = simd::rational_fit(fits::variance_gap_ratio_float_lanes_difference,
                                      fits::variance_gap_ratio_float_lanes_denominator, y);
    ei::pstoreu(lane, ei::pdiv(ei::pmul(ei::pmul(gap, gap), k.numerator), k.denominator));
    record(2, p.a, lane[lanes - 1], p.variance);
  }
  const char* names[4] = {"mean gap m", "Mills ratio R", "variance k m^2", "variance v(-b)"};
  std::printf("float lanes' approximations vs mpmath (%d lanes, u = 2^-24):\n", lanes);
  for (int k = 0; k < 4; ++k) {
    std::printf("  %-16s worst %.3Lg u at a = %.9g (bound %.3Lg u)\n", names[k], worst[k], at[k],
                bounds[k]);
  }
}

TEST_CASE("the float lanes' exponential is within 2 float u of exp on [-87, 0]", "[fast]") {
  using Packet = simd::Packet<float>;
  constexpr int lanes = simd::lanes<float>;
  std::vector<float> points = {0.0f, -0.0f, -1e-30f, -1e-8f, -0.5f, -1.0f, -86.99f, -87.0f};
  std::uint64_t state = 6789;
  for (int n = 0; n < 200000; ++n) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    const double u = double(state >> 11) * 0x1p-53;
    points.push_back(float(n % 2 == 0 ? -87.0 * u : -std::exp2(-30.0 * u) * 4.0));
  }
  long double worst = 0;
  float at = 0;
  for (const float x : points) {
    float lane[lanes];
    simd::ei::pstoreu(lane, simd::exp_nonpositive(simd::broadcast<Packet>(x)));
    const long double ref = std::exp(static_cast<long double>(x));
    const long double error = std::fabs(lane[lanes - 1] - ref) / (std::ldexp(1.0L, -24) * ref);
    if (error > worst) {
      worst = error;
      at = x;
    }
    REQUIRE(error <= 2.0L);
  }
  if constexpr (simd::has_exponent_shift<Packet>) {
    float below[lanes];
    simd::ei::pstoreu(below, simd::exp_nonpositive(simd::broadcast<Packet>(-200.0f)));
    CHECK(below[0] >= std::numeric_limits<float>::min());  // clamped at exp(-87), a normal float
  }
  std::printf("exp_nonpositive on %d-lane float packets: worst %.3Lg u at x = %.9g (%zu points)\n",
              lanes, worst, double(at), points.size());
}

DRELU_SIMD_DIAGNOSTICS_END
