// The fast double-precision tail functions of drelu/tail_approximations.hpp against the mpmath
// reference points of tests/data/tail_functions.csv (tools/fit_tail_approximations.py --csv):
// every point, every function, error in ulps of the correctly rounded result,
//   ulp(y) = 2^(max(floor(log2 |y|), -1022) - 52),
// bound 2 ulps. A reference beyond the double range must give +-inf. The worst error of each
// function, in ulps and relative to u = 2^-53, is printed.
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "catch.hpp"
#include "drelu/tail_approximations.hpp"
#include "tail_table.hpp"

namespace {

namespace fast = drelu::special::fast;

using drelu_test::read_tail_table;
using drelu_test::TailRow;

// Error of got in ulps of the double nearest to ref (ref in long double: 11 more bits).
long double ulp_error(double got, long double ref) {
  constexpr long double max_double = std::numeric_limits<double>::max();
  if (std::isnan(got)) return std::numeric_limits<long double>::infinity();
  if (std::fabs(ref) > max_double) {
    // Beyond the range: the correctly rounded result is +-inf (or the largest double).
    if (std::isinf(got) && (got > 0) == (ref > 0)) return 0;
    if (std::isinf(ref)) return std::numeric_limits<long double>::infinity();
  }
  if (std::isinf(got)) return std::numeric_limits<long double>::infinity();
  int exponent = 0;
  std::frexp(ref, &exponent);  // |ref| in [2^(exponent-1), 2^exponent)
  const int binade = exponent - 1 > -1022 ? exponent - 1 : -1022;
  return std::fabs(static_cast<long double>(got) - ref) / std::ldexp(1.0L, binade - 52);
}

// Worst errors of one function, overall and in the three regions of the implementation:
// a < -8 (closed forms), [-8, 16) (tables), a >= 16 (tail polynomials in 1/a^2).
struct Worst {
  struct Region {
    long double ulps = 0;
    long double relative = 0;  // in units of u = 2^-53
    double at = 0;
    std::size_t count = 0;
  };
  const char* name;
  Region all{};
  Region regions[3]{};

  static void update(Region& r, double a, long double ulps, long double relative) {
    ++r.count;
    if (ulps > r.ulps) {
      r.ulps = ulps;
      r.at = a;
    }
    if (relative > r.relative) r.relative = relative;
  }

  void add(double a, double got, long double ref) {
    const long double e = ulp_error(got, ref);
    long double relative = 0;
    if (ref != 0 && std::isfinite(got) && std::fabs(ref) <= std::numeric_limits<double>::max() &&
        std::fabs(ref) >= std::numeric_limits<double>::min()) {
      relative = std::fabs((got - ref) / ref) / std::ldexp(1.0L, -53);
    }
    update(all, a, e, relative);
    update(regions[a < -8 ? 0 : (a < 16 ? 1 : 2)], a, e, relative);
  }

  void print() const {
    std::printf("  %-28s worst %.3Lf ulp at a = %.17g, relative %.3Lf u (%zu points)\n", name,
                all.ulps, all.at, all.relative, all.count);
    static const char* const labels[3] = {"a < -8", "[-8, 16)", "a >= 16"};
    for (int i = 0; i < 3; ++i) {
      if (regions[i].count == 0) continue;
      std::printf("    %-10s %.3Lf ulp, relative %.3Lf u (%zu points)\n", labels[i],
                  regions[i].ulps, regions[i].relative, regions[i].count);
    }
  }
};

}  // namespace

TEST_CASE("fast tail functions are within 2 ulps of mpmath", "[fast]") {
  const auto rows = read_tail_table();
  REQUIRE(rows.size() >= 2000);

  Worst mills{"mills_ratio (a >= 0)"};
  Worst mills_negative{"mills_ratio (a < 0)"};
  Worst gap{"mean_gap"};
  Worst variance{"truncated_variance"};
  Worst log_mills{"log_mills_ratio"};
  Worst scaled_gap{"scaled_mean_gap"};
  Worst scaled_variance{"scaled_truncated_variance"};

  for (const auto& row : rows) {
    const double a = row.a;
    (a >= 0 ? mills : mills_negative).add(a, fast::mills_ratio(a), row.values[0]);
    gap.add(a, fast::mean_gap(a), row.values[1]);
    variance.add(a, fast::truncated_variance(a), row.values[2]);
    log_mills.add(a, fast::log_mills_ratio(a), row.values[3]);
    scaled_gap.add(a, fast::scaled_mean_gap(a), row.values[4]);
    scaled_variance.add(a, fast::scaled_truncated_variance(a), row.values[5]);
  }

  std::printf("drelu::special::fast against %zu mpmath points (fma: %s):\n", rows.size(),
#if defined(FP_FAST_FMA) || defined(__FP_FAST_FMA) || defined(__FMA__)
              "hardware"
#else
              "none"
#endif
  );
  for (const Worst* w :
       {&mills, &mills_negative, &gap, &variance, &log_mills, &scaled_gap, &scaled_variance}) {
    w->print();
  }
  CHECK(mills.all.ulps <= 2);
  CHECK(mills_negative.all.ulps <= 2);
  CHECK(gap.all.ulps <= 2);
  CHECK(variance.all.ulps <= 2);
  CHECK(log_mills.all.ulps <= 2);
  CHECK(scaled_gap.all.ulps <= 2);
  CHECK(scaled_variance.all.ulps <= 2);
}

TEST_CASE("fast tail functions take the limits at infinities and keep NaN", "[fast]") {
  constexpr double inf = std::numeric_limits<double>::infinity();
  constexpr double nan = std::numeric_limits<double>::quiet_NaN();
  CHECK(fast::mills_ratio(inf) == 0);
  CHECK(fast::mean_gap(inf) == 0);
  CHECK(fast::truncated_variance(inf) == 0);
  CHECK(fast::log_mills_ratio(inf) == -inf);
  CHECK(fast::scaled_mean_gap(inf) == 1);
  CHECK(fast::scaled_truncated_variance(inf) == 1);

  CHECK(fast::mills_ratio(-inf) == inf);
  CHECK(fast::mean_gap(-inf) == inf);
  CHECK(fast::truncated_variance(-inf) == 1);
  CHECK(fast::log_mills_ratio(-inf) == inf);
  CHECK(fast::scaled_mean_gap(-inf) == -inf);
  CHECK(fast::scaled_truncated_variance(-inf) == inf);

  CHECK(std::isnan(fast::mills_ratio(nan)));
  CHECK(std::isnan(fast::mean_gap(nan)));
  CHECK(std::isnan(fast::truncated_variance(nan)));
  CHECK(std::isnan(fast::log_mills_ratio(nan)));
  CHECK(std::isnan(fast::scaled_mean_gap(nan)));
  CHECK(std::isnan(fast::scaled_truncated_variance(nan)));

  // The values at 0, sqrt(pi/2), sqrt(2/pi), 1 - 2/pi and log sqrt(pi/2), within an ulp.
  CHECK(ulp_error(fast::mills_ratio(0.0), 1.2533141373155002512078826424055226L) <= 1);
  CHECK(ulp_error(fast::mills_ratio(-0.0), 1.2533141373155002512078826424055226L) <= 1);
  CHECK(ulp_error(fast::mean_gap(0.0), 0.7978845608028653558798921198687637L) <= 1);
  CHECK(ulp_error(fast::truncated_variance(0.0), 0.3633802276324186569244649465099426L) <= 1);
  CHECK(ulp_error(fast::log_mills_ratio(0.0), 0.2257913526447274323630976149474411L) <= 1);
}
