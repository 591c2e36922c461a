// Shared utilities of the unit tests: scalar-type traits, a comparison that records the worst
// error of each group of checks and prints it as a table (so the margins show in the test
// output), and helpers for the messages of std::invalid_argument.
#pragma once

#include <Eigen/Core>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <iomanip>
#include <limits>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "catch.hpp"

namespace drelu_test {

template <class T>
constexpr long double epsilon() {
  return std::numeric_limits<T>::epsilon();
}

template <class T>
const char* type_name() {
  if (std::is_same<T, float>::value) return "float";
  if (std::is_same<T, double>::value) return "double";
  return "long double";
}

// The precision the tests expect of a layer of scalar T: double for float (whose kernels run
// in double), T otherwise.
template <class T>
using compute_t = std::conditional_t<std::is_same<T, float>::value, double, T>;

template <class T>
using Vector = Eigen::Array<T, Eigen::Dynamic, 1>;

template <class T>
using Batch = Eigen::Array<T, Eigen::Dynamic, Eigen::Dynamic>;

// Seeded draws for random parameter sets (std::mt19937_64, so the sets are the same on every
// run).
class Random {
 public:
  explicit Random(std::uint64_t seed) : engine_(seed) {}

  double normal(double sd) { return std::normal_distribution<double>(0.0, sd)(engine_); }
  double uniform(double low, double high) {
    return std::uniform_real_distribution<double>(low, high)(engine_);
  }
  double log_uniform(double low, double high) {
    return std::exp(uniform(std::log(low), std::log(high)));
  }

  // n values of draw(), rounded to T.
  template <class T, class Draw>
  Vector<T> vector(Eigen::Index n, Draw draw) {
    Vector<T> out(n);
    for (Eigen::Index i = 0; i < n; ++i) out(i) = T(draw(*this));
    return out;
  }

 private:
  std::mt19937_64 engine_;
};

inline std::string show(long double value) {
  std::ostringstream out;
  out << std::setprecision(21) << value;
  return out.str();
}

// The worst |error| / bound of every group of checks, printed as a small table.
class ErrorTable {
 public:
  explicit ErrorTable(std::string title) : title_(std::move(title)) {}

  void record(const std::string& group, long double error, long double bound,
              const std::string& where) {
    Entry& entry = find(group);
    ++entry.count;
    long double ratio = error / bound;
    if (error == 0) ratio = 0;
    if (std::isnan(ratio)) ratio = std::numeric_limits<long double>::infinity();
    if (ratio >= entry.worst_ratio) {
      entry.worst_ratio = ratio;
      entry.worst_error = error;
      entry.where = where;
    }
  }

  void print() const {
    std::printf("\n%s: worst |error| / bound per group\n", title_.c_str());
    std::printf("  %-34s %6s %11s %11s  %s\n", "group", "checks", "worst ratio", "|error|", "at");
    for (const auto& entry : entries_) {
      std::printf("  %-34s %6zu %11.3Lg %11.3Lg  %s\n", entry.group.c_str(), entry.count,
                  entry.worst_ratio, entry.worst_error, entry.where.c_str());
    }
  }

 private:
  struct Entry {
    std::string group;
    std::size_t count = 0;
    long double worst_ratio = 0;
    long double worst_error = 0;
    std::string where;
  };

  Entry& find(const std::string& group) {
    for (auto& entry : entries_) {
      if (entry.group == group) return entry;
    }
    entries_.emplace_back();
    entries_.back().group = group;
    return entries_.back();
  }

  std::string title_;
  std::vector<Entry> entries_;
};

// |got - expected| <= bound, where equal infinities count as no error; records the result.
inline void check_close(ErrorTable& table, const std::string& group, const std::string& where,
                        long double got, long double expected, long double bound) {
  const long double error = got == expected ? 0.0L : std::fabs(got - expected);
  table.record(group, error, bound, where);
  INFO(group << " at " << where << ": got " << show(got) << ", expected " << show(expected)
             << ", |error| " << show(error) << ", bound " << show(bound));
  CHECK(error <= bound);
}

// The message of the std::invalid_argument that call throws; empty if it throws nothing.
// Any other exception propagates (and fails the test).
template <class Call>
std::string invalid_argument_message(Call&& call) {
  try {
    call();
  } catch (const std::invalid_argument& error) {
    return error.what();
  }
  return "";
}

// The call throws std::invalid_argument and its message contains every one of parts.
template <class Call>
void check_invalid_argument(Call&& call, const std::vector<std::string>& parts) {
  const std::string message = invalid_argument_message(std::forward<Call>(call));
  INFO("message: \"" << message << "\"");
  REQUIRE_FALSE(message.empty());
  for (const auto& part : parts) {
    INFO("expected to contain \"" << part << "\"");
    CHECK(message.find(part) != std::string::npos);
  }
}

}  // namespace drelu_test
