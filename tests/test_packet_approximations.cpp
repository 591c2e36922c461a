// The branch-free mean gap m(b) and Mills ratio R(b) = 1/(b + m(b)) (b >= 0) and truncated
// variance v(a) (a >= -1) of the packet kernels (drelu/packet_math.hpp,
// packet_approximations.hpp) against the mpmath points of tests/data/tail_functions.csv with
// -1 <= a <= 1e100 (the kernels' domain), evaluated both on scalars and on the widest packets of
// this build. Bounds,
// relative, in u = 2^-53: for the double set 4 u (m, R) and 6 u (v); for the set of float layers
// 2^-31 (2^22 u), far below float's 2^-24. The worst errors are printed.
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "catch.hpp"
#include "drelu/packet_math.hpp"
#include "tail_table.hpp"

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
