// Reader for the high-precision reference tables (tests/data/README.md): every data row with its
// regime, mode flag and per-column condition numbers. Values are parsed with strtold so that
// entries beyond the double range keep their magnitude where long double can hold it.
#pragma once

#include <cstdlib>
#include <fstream>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace drelu_test {

struct ReferenceRow {
  std::size_t index = 0;
  std::map<std::string, long double> value;  // column -> reference value
  std::map<std::string, double> cond;        // column -> condition number (inf allowed)
  std::string regime;
  std::string mode_flag;
  bool finite_in_double = false;
};

inline std::vector<std::string> split_csv_line(const std::string& line) {
  std::vector<std::string> fields;
  std::string field;
  for (char c : line) {
    if (c == ',') {
      fields.push_back(field);
      field.clear();
    } else if (c != '\r') {
      field += c;
    }
  }
  fields.push_back(field);
  return fields;
}

inline std::vector<std::vector<std::string>> read_csv(const std::string& path,
                                                      std::vector<std::string>& header) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open reference file " + path);
  std::string line;
  std::getline(in, line);
  header = split_csv_line(line);
  std::vector<std::vector<std::string>> rows;
  while (std::getline(in, line)) {
    if (!line.empty()) rows.push_back(split_csv_line(line));
  }
  return rows;
}

// The directory of the tables: $DRELU_REFERENCE_DIR if set, else the copy in tests/data.
inline std::string reference_directory() {
  if (const char* dir = std::getenv("DRELU_REFERENCE_DIR")) return dir;
  return DRELU_TEST_DATA_DIR;
}

// Loads <dir>/<name>.csv and <dir>/<name>_meta.csv.
inline std::vector<ReferenceRow> load_reference(const std::string& name = "drelu_public") {
  const std::string dir = reference_directory();
  std::vector<std::string> data_header, meta_header;
  const auto data = read_csv(dir + "/" + name + ".csv", data_header);
  const auto meta = read_csv(dir + "/" + name + "_meta.csv", meta_header);
  if (data.size() != meta.size()) throw std::runtime_error("reference and meta row counts differ");
  std::vector<ReferenceRow> rows(data.size());
  for (std::size_t r = 0; r < data.size(); ++r) {
    ReferenceRow& row = rows[r];
    row.index = r;
    for (std::size_t c = 0; c < data_header.size() && c < data[r].size(); ++c) {
      if (data_header[c] == "finite_in_double") {
        row.finite_in_double = data[r][c] == "1";
      } else {
        row.value[data_header[c]] = std::strtold(data[r][c].c_str(), nullptr);
      }
    }
    for (std::size_t c = 0; c < meta_header.size() && c < meta[r].size(); ++c) {
      const std::string& key = meta_header[c];
      if (key == "regime") row.regime = meta[r][c];
      if (key == "mode_flag") row.mode_flag = meta[r][c];
      if (key.rfind("cond_", 0) == 0) {
        row.cond[key.substr(5)] =
            meta[r][c].empty() ? 0.0 : std::strtod(meta[r][c].c_str(), nullptr);
      }
    }
  }
  return rows;
}

}  // namespace drelu_test
