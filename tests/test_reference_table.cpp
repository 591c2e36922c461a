// Every finite row of the reference table, every column, float, double and long double, at
// the bound of the accuracy contract:
//   |got - ref| <= 16 max(1, cond) u |ref|    (u = 2^-53; 2^-24 for float)
// with an exact-zero reference (cond = inf) passing when |got| <= 16 u scale. The worst ratio
// error/bound per column is printed, so the margin is visible in the test output.
#include <cfloat>
#include <cmath>
#include <cstdio>
#include <drelu/drelu.hpp>
#include <limits>
#include <string>
#include <type_traits>
#include <vector>

#include "catch.hpp"
#include "reference_table.hpp"

namespace {

using drelu_test::ReferenceRow;

const std::vector<std::string> kPoints = {"m1", "0p5", "2"};
const double kPointValues[] = {-1.0, 0.5, 2.0};

// Everything the library says about the row's unit, by column name, computed in T from the
// parameters rounded to P.
template <class T, class P = T>
std::vector<std::pair<std::string, long double>> compute_row(const ReferenceRow& row) {
  using Vec = Eigen::Array<T, Eigen::Dynamic, 1>;
  using Arr = Eigen::Array<T, Eigen::Dynamic, Eigen::Dynamic>;
  const auto param = [&](const char* name) {
    return Vec::Constant(1, T(P(row.value.at(name))));
  };
  const drelu::dReLU<T> layer(param("theta_p"), param("theta_n"), param("gamma_p"),
                              param("gamma_n"));
  const Arr input = Arr::Constant(1, 1, T(P(row.value.at("input"))));
  Arr x(1, 3);
  x << T(-1.0), T(0.5), T(2.0);
  const Arr inputs3 = Arr::Constant(1, 3, input(0, 0));
  const Arr logpdf = drelu::logpdfs(layer, x, inputs3);
  const Arr cdf = drelu::cdfs(layer, x, inputs3);
  const Arr energy = drelu::energies(layer, x);
  std::vector<std::pair<std::string, long double>> out = {
      {"cgf", drelu::cgfs(layer, input)(0, 0)},
      {"pp", drelu::prob_positive_from_inputs(layer, input)(0, 0)},
      {"mean", drelu::mean_from_inputs(layer, input)(0, 0)},
      {"var", drelu::var_from_inputs(layer, input)(0, 0)},
      {"mean_abs", drelu::mean_abs_from_inputs(layer, input)(0, 0)},
      {"mode", drelu::mode_from_inputs(layer, input)(0, 0)}};
  for (int k = 0; k < 3; ++k) {
    out.push_back({"logpdf_" + kPoints[k], logpdf(0, k)});
    out.push_back({"cdf_" + kPoints[k], cdf(0, k)});
    out.push_back({"energy_" + kPoints[k], energy(0, k)});
  }
  return out;
}

// Whether a value can be held by T without overflow or underflow (0 counts as held).
template <class T>
bool representable(long double v) {
  if (v == 0) return true;
  const long double a = std::fabs(v);
  return a >= std::numeric_limits<T>::min() && a <= std::numeric_limits<T>::max();
}

template <class T>
bool row_fits(const ReferenceRow& row) {
  if (!row.finite_in_double) return false;
  for (const auto& kv : row.value) {
    if (!representable<T>(kv.second)) return false;
  }
  return true;
}

struct ColumnReport {
  double worst_ratio = 0;
  std::size_t worst_row = 0;
  std::size_t checked = 0;
  std::vector<std::string> failures;
};

// For float the parameters themselves are rounded by 2^-24, far enough for the first-order
// estimate cond u to miss the second-order part (a pp = 1/2 row whose variance is flat in pp
// to first order) or a jump of the mode. What the rounding of the parameters costs is
// therefore also measured directly, as the long double result at the rounded parameters minus
// the reference, and added to the bound. For double and long double it is zero.
template <class T>
std::map<std::string, long double> input_rounding_error(const ReferenceRow& row) {
  std::map<std::string, long double> cost;
  if (!std::is_same<T, float>::value) return cost;
  for (const auto& [column, value] : compute_row<long double, T>(row)) {
    cost[column] = std::fabs(value - row.value.at(column));
  }
  return cost;
}

template <class T>
std::map<std::string, ColumnReport> check_table(const std::vector<ReferenceRow>& rows,
                                                double unit_roundoff) {
  std::map<std::string, ColumnReport> report;
  for (const auto& row : rows) {
    if (!row_fits<T>(row)) continue;
    const long double sd = std::sqrt(row.value.at("var"));
    auto rounding = input_rounding_error<T>(row);
    for (const auto& [column, got] : compute_row<T>(row)) {
      if (column == "mode" && !row.mode_flag.empty()) continue;
      const long double ref = row.value.at(column);
      const double cond = row.cond.at(column);
      long double error = std::isnan(got) ? INFINITY : std::fabs(got - ref);
      long double bound;
      if (std::isinf(cond) || ref == 0) {
        const long double scale = column == "mean" ? sd : 1.0L;
        bound = 16 * unit_roundoff * scale;
      } else {
        bound = 16 * std::fmax(1.0, cond) * unit_roundoff * std::fabs(ref);
      }
      if (std::isinf(ref) && got == ref) error = 0;
      if (rounding.count(column) && std::isfinite(rounding[column])) bound += rounding[column];
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
                      row.index, row.regime.c_str(), got, ref, ratio);
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

TEST_CASE("reference table, double", "[reference]") { run_table<double>("double", 0x1p-53); }

TEST_CASE("reference table, float", "[reference]") { run_table<float>("float", 0x1p-24); }

TEST_CASE("reference table, long double", "[reference]") {
  run_table<long double>("long double", 0x1p-53);
}
