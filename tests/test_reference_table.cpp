// Every finite row of the reference table, every column, float, double and long double, at
// the bound of the accuracy contract:
//   |got - ref| <= 16 max(1, cond) u |ref|    (u = 2^-53; 2^-24 for float)
// with an exact-zero reference (cond = inf) passing when |got| <= 16 u scale. The worst ratio
// error/bound per column is printed, so the margin is visible in the test output.
#include <cmath>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "catch.hpp"
#include "reference_checks.hpp"

namespace {

using drelu_test::ReferenceRow;

struct ColumnReport {
  double worst_ratio = 0;
  std::size_t worst_row = 0;
  std::size_t checked = 0;
  std::vector<std::string> failures;
};

template <class T>
std::map<std::string, ColumnReport> check_table(const std::vector<ReferenceRow>& rows,
                                                double unit_roundoff) {
  std::map<std::string, ColumnReport> report;
  for (const auto& row : rows) {
    if (!drelu_test::row_fits<T>(row)) continue;
    auto rounding = drelu_test::input_rounding_error<T>(row);
    for (const auto& [column, got] : drelu_test::compute_row<T>(row)) {
      if (column == "mode" && !row.mode_flag.empty()) continue;
      const auto comparison =
          drelu_test::compare(row, column, got, unit_roundoff, rounding[column]);
      const long double error = comparison.error;
      const long double bound = comparison.bound;
      const double ratio = double(error / bound);
      auto& col = report[column];
      ++col.checked;
      if (!(ratio <= col.worst_ratio)) {
        col.worst_ratio = std::isnan(ratio) ? INFINITY : ratio;
        col.worst_row = row.index;
      }
      if (!(ratio <= 1)) {
        char buffer[256];
        std::snprintf(buffer, sizeof buffer, "row %zu (%s): got %.17Lg ref %.17Lg ratio %.3g",
                      row.index, row.regime.c_str(), got, row.value.at(column), ratio);
        col.failures.push_back(buffer);
      }
    }
  }
  return report;
}

template <class T>
void run_table(const char* type_name, double unit_roundoff) {
  const auto rows = drelu_test::load_reference();
  const auto report = check_table<T>(rows, unit_roundoff);
  // Every column of the contract is checked on some row (a table that loads no row fails).
  for (const char* column :
       {"cgf", "pp", "mean", "var", "mean_abs", "mode", "logpdf_m1", "logpdf_0p5", "logpdf_2",
        "cdf_m1", "cdf_0p5", "cdf_2", "energy_m1", "energy_0p5", "energy_2"}) {
    INFO(type_name << ": column " << column);
    CHECK(report.count(column) == 1);
  }
  std::printf("\nreference table (%s, dir %s): worst |error| / bound per column\n", type_name,
              drelu_test::reference_directory().c_str());
  std::printf("  %-12s %8s %12s %8s\n", "column", "checked", "worst ratio", "at row");
  for (const auto& [column, col] : report) {
    std::printf("  %-12s %8zu %12.3g %8zu\n", column.c_str(), col.checked, col.worst_ratio,
                col.worst_row);
  }
  for (const auto& [column, col] : report) {
    std::string failures;
    for (std::size_t k = 0; k < col.failures.size() && k < 12; ++k) {
      failures += "\n  " + col.failures[k];
    }
    INFO(type_name << " column " << column << failures);
    CHECK(col.failures.empty());
    CHECK(col.checked > 0);
  }
}

}  // namespace

TEST_CASE("reference table, double", "[reference]") {
  run_table<double>("double", 0x1p-53);
}

TEST_CASE("reference table, float", "[reference]") {
  run_table<float>("float", 0x1p-24);
}

TEST_CASE("reference table, long double", "[reference]") {
  run_table<long double>("long double", 0x1p-53);
}
