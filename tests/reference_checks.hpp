// What the accuracy contract checks on one row of a reference table: the library's value of
// every column, whether the row fits a scalar type, and the bound of each comparison,
//   |got - ref| <= 16 max(1, cond) u |ref|  (+ the measured cost of rounding the parameters),
// with an exact-zero reference (cond = inf) passing when |got| <= 16 u scale. Shared by the
// reference-table test and tools/accuracy_report.cpp.
#pragma once

#include <cmath>
#include <drelu/drelu.hpp>
#include <limits>
#include <map>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "reference_table.hpp"

namespace drelu_test {

using ColumnValues = std::vector<std::pair<std::string, long double>>;

// Everything the library says about the row's unit, by column name, computed in T from the
// parameters rounded to P.
template <class T, class P = T>
ColumnValues compute_row(const ReferenceRow& row) {
  using Vector = Eigen::Array<T, Eigen::Dynamic, 1>;
  using Batch = Eigen::Array<T, Eigen::Dynamic, Eigen::Dynamic>;
  const auto param = [&](const char* name) {
    return Vector::Constant(1, T(P(row.value.at(name))));
  };
  const drelu::dReLU<T> layer(param("theta_p"), param("theta_n"), param("gamma_p"),
                              param("gamma_n"));
  const Batch input = Batch::Constant(1, 1, T(P(row.value.at("input"))));
  Batch x(1, 3);
  x << T(-1.0), T(0.5), T(2.0);
  const Batch inputs = Batch::Constant(1, 3, input(0, 0));
  const Batch logpdf = drelu::logpdfs(layer, x, inputs);
  const Batch cdf = drelu::cdfs(layer, x, inputs);
  const Batch energy = drelu::energies(layer, x);
  ColumnValues out = {{"cgf", drelu::cgfs(layer, input)(0, 0)},
                      {"pp", drelu::prob_positive_from_inputs(layer, input)(0, 0)},
                      {"mean", drelu::mean_from_inputs(layer, input)(0, 0)},
                      {"var", drelu::var_from_inputs(layer, input)(0, 0)},
                      {"mean_abs", drelu::mean_abs_from_inputs(layer, input)(0, 0)},
                      {"mode", drelu::mode_from_inputs(layer, input)(0, 0)}};
  const char* points[] = {"m1", "0p5", "2"};
  for (int k = 0; k < 3; ++k) {
    out.push_back({std::string("logpdf_") + points[k], logpdf(0, k)});
    out.push_back({std::string("cdf_") + points[k], cdf(0, k)});
    out.push_back({std::string("energy_") + points[k], energy(0, k)});
  }
  return out;
}

// Whether a value can be held by T without overflow or underflow (0 counts as held).
template <class T>
bool representable(long double v) {
  if (v == 0) return true;
  const long double magnitude = std::fabs(v);
  return magnitude >= std::numeric_limits<T>::min() && magnitude <= std::numeric_limits<T>::max();
}

// Rows checked for T: finite in double, and every value held by T.
template <class T>
bool row_fits(const ReferenceRow& row) {
  if (!row.finite_in_double) return false;
  for (const auto& entry : row.value) {
    if (!representable<T>(entry.second)) return false;
  }
  return true;
}

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

struct Comparison {
  long double error;           // |got - ref|, inf for NaN
  long double bound;           // what the contract allows
  long double relative_error;  // |got - ref| / |ref| (absolute for ref = 0)
};

// The comparison of one column; mode is skipped by the caller on rows flagged as ties.
inline Comparison compare(const ReferenceRow& row, const std::string& column, long double got,
                          double unit_roundoff, long double rounding_cost) {
  const long double ref = row.value.at(column);
  const double cond = row.cond.at(column);
  long double error = std::isnan(got) ? INFINITY : std::fabs(got - ref);
  if (std::isinf(ref) && got == ref) error = 0;
  long double bound;
  if (std::isinf(cond) || ref == 0) {
    const long double scale = column == "mean" ? std::sqrt(row.value.at("var")) : 1.0L;
    bound = 16 * unit_roundoff * scale;
  } else {
    bound = 16 * std::fmax(1.0, cond) * unit_roundoff * std::fabs(ref);
  }
  if (std::isfinite(rounding_cost)) bound += rounding_cost;
  const long double relative = ref == 0 ? error : error / std::fabs(ref);
  return {error, bound, relative};
}

}  // namespace drelu_test
