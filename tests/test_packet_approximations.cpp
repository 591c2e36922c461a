// The branch-free mean gap m(b), truncated variance v(b) and Mills ratio R(b) = 1/(b + m(b)) of
// the packet kernels (drelu/packet_math.hpp, packet_approximations.hpp) against the mpmath points
// of tests/data/tail_functions.csv with 0 <= b <= 1e100 (the kernels' domain), evaluated both on
// scalars and on the widest packets of this build. Bounds: 4 u (m, R) and 6 u (v) relative,
// u = 2^-53; the worst errors are printed.
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "catch.hpp"
#include "drelu/packet_math.hpp"

namespace {

namespace simd = drelu::detail::simd;

struct Point {
  double b;
  long double mills, gap, variance;
};

std::vector<Point> read_points() {
  std::ifstream in(std::string(DRELU_TEST_DATA_DIR) + "/tail_functions.csv");
  REQUIRE(in.good());
  std::vector<Point> points;
  std::string line;
  bool header = true;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    if (header) {
      header = false;
      continue;
    }
    std::stringstream fields(line);
    std::string field;
    long double values[4];
    for (long double& value : values) {
      REQUIRE(std::getline(fields, field, ','));
      value = std::strtold(field.c_str(), nullptr);
    }
    const double b = static_cast<double>(values[0]);
    if (b >= 0 && b <= 1e100) points.push_back({b, values[1], values[2], values[3]});
  }
  return points;
}

// m, v and R at b, through the kernel's own steps.
template <class P>
void evaluate(const P& b, P& gap, P& variance, P& mills) {
  namespace ei = simd::ei;
  const P y = simd::transformed(b);
  const P numerator = simd::mean_gap_numerator(y);
  const P denominator = simd::mean_gap_denominator(b);
  gap = ei::pdiv(numerator, denominator);
  variance = simd::truncated_variance(b, y);
  mills = ei::pdiv(denominator, ei::pmadd(b, denominator, numerator));
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

TEST_CASE("packet approximations of m, v and R are within a few u of mpmath", "[fast]") {
  const auto points = read_points();
  REQUIRE(points.size() >= 1000);
  using Packet = simd::Packet<double>;
  constexpr int lanes = simd::lanes<double>;
  Worst gap{"mean gap m", 4}, variance{"truncated variance v", 6}, mills{"Mills ratio R", 4};
  for (const Point& p : points) {
    double m, v, r;
    evaluate(p.b, m, v, r);
    double lane_m[lanes], lane_v[lanes], lane_r[lanes];
    Packet pm, pv, pr;
    evaluate(simd::broadcast<Packet>(p.b), pm, pv, pr);
    simd::ei::pstoreu(lane_m, pm);
    simd::ei::pstoreu(lane_v, pv);
    simd::ei::pstoreu(lane_r, pr);
    for (const double got : {m, lane_m[lanes - 1]}) gap.add(p.b, got, p.gap);
    for (const double got : {v, lane_v[lanes - 1]}) variance.add(p.b, got, p.variance);
    for (const double got : {r, lane_r[lanes - 1]}) mills.add(p.b, got, p.mills);
  }
  std::printf("packet approximations vs mpmath (%zu points, b in [0, 1e100], %d lanes):\n",
              points.size(), lanes);
  for (const Worst* w : {&gap, &variance, &mills}) {
    std::printf("  %-22s worst %.2Lf u at b = %.17g (bound %.0Lf u)\n", w->name, w->worst, w->at,
                w->bound);
  }
}
