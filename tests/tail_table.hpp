// The mpmath reference points of tests/data/tail_functions.csv
// (tools/fit_tail_approximations.py --csv): one row per point a, with R, m, v, log R, a m and
// a^2 v in long double.
#pragma once

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "catch.hpp"

namespace drelu_test {

struct TailRow {
  double a;
  long double values[6];  // R, m, v, log R, a m, a^2 v
};

inline std::vector<TailRow> read_tail_table() {
  const std::string path = std::string(DRELU_TEST_DATA_DIR) + "/tail_functions.csv";
  std::ifstream in(path);
  REQUIRE(in.good());
  std::vector<TailRow> rows;
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
    TailRow row{};
    std::getline(fields, field, ',');
    row.a = std::strtod(field.c_str(), nullptr);
    for (long double& value : row.values) {
      REQUIRE(std::getline(fields, field, ','));
      value = std::strtold(field.c_str(), nullptr);
    }
    rows.push_back(row);
  }
  return rows;
}

}  // namespace drelu_test
