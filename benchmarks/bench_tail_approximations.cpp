// Micro benchmark of drelu::special::fast (drelu/tail_approximations.hpp) against the library
// calls it replaces and two yardsticks. Standalone for now, from the repository root:
//   g++ -std=c++17 -O2 -march=native -Iinclude benchmarks/bench_tail_approximations.cpp
//   ./a.out
// Each row is the time per call over arrays of 4096 inputs (throughput: independent calls, the
// results stored to an array), best of several runs; "chain" rows feed each result into the
// next input (latency).
#include <algorithm>
#include <boost/math/special_functions/erf.hpp>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <random>
#include <vector>

#include "drelu/special_functions.hpp"
#include "drelu/tail_approximations.hpp"

namespace {

namespace fast = drelu::special::fast;
using Clock = std::chrono::steady_clock;

constexpr std::size_t count = 4096;
volatile double sink = 0;

std::vector<double> uniform_inputs(double lo, double hi, unsigned seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> dist(lo, hi);
  std::vector<double> x(count);
  for (auto& v : x) v = dist(rng);
  return x;
}

std::vector<double> log_uniform_inputs(double lo, double hi, unsigned seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> dist(std::log(lo), std::log(hi));
  std::vector<double> x(count);
  for (auto& v : x) v = std::exp(dist(rng));
  return x;
}

// out[i] = f(in[i]); __restrict lets a compiler vectorize the loop where f allows it.
template <class F>
__attribute__((noinline)) void apply(const double* __restrict in, double* __restrict out,
                                     std::size_t n, F f) {
  for (std::size_t i = 0; i < n; ++i) out[i] = f(in[i]);
}

// ns per call of f over the inputs, best of `runs` runs of `reps` sweeps.
template <class F>
double throughput(const std::vector<double>& in, F f, int reps = 200, int runs = 7) {
  std::vector<double> out(in.size());
  double best = 1e300;
  for (int run = 0; run < runs; ++run) {
    const auto start = Clock::now();
    for (int r = 0; r < reps; ++r) {
      apply(in.data(), out.data(), in.size(), f);
      sink = sink + out[r % in.size()];
    }
    const double ns = std::chrono::duration<double, std::nano>(Clock::now() - start).count();
    best = std::min(best, ns / (double(reps) * double(in.size())));
  }
  return best;
}

// ns per call when each call waits for the previous result (the input is perturbed by
// 0 * result so that the value stays the same while the dependency is real).
template <class F>
double latency(const std::vector<double>& in, F f, int reps = 100, int runs = 7) {
  double best = 1e300;
  for (int run = 0; run < runs; ++run) {
    double carry = 0;
    const auto start = Clock::now();
    for (int r = 0; r < reps; ++r) {
      for (std::size_t i = 0; i < in.size(); ++i) carry = f(in[i] + 0.0 * carry);
    }
    const double ns = std::chrono::duration<double, std::nano>(Clock::now() - start).count();
    sink = sink + carry;
    best = std::min(best, ns / (double(reps) * double(in.size())));
  }
  return best;
}

void row(const char* name, const char* range, double ns) {
  std::printf("  %-44s %-16s %8.2f ns\n", name, range, ns);
}

}  // namespace

int main() {
  const auto core = uniform_inputs(-6.0, 6.0, 1);      // where drelu's sides usually are
  const auto positive = uniform_inputs(0.0, 16.0, 2);  // the tables of a >= 0
  const auto tail = log_uniform_inputs(16.0, 1e6, 3);  // the tail polynomials
  const auto left = uniform_inputs(-30.0, -8.0, 4);    // the closed forms below -8
  const double inv_sqrt2 = 0.70710678118654752440;

  std::printf("drelu::special::fast, ns per call (throughput over %zu inputs unless 'chain')\n",
              count);
  std::printf(" yardsticks\n");
  row("boost::math::erfc(double)", "x in [-6,6]/v2",
      throughput(core, [=](double a) { return boost::math::erfc(a * inv_sqrt2); }));
  row("std::log1p(std::exp(x))", "x in [-6, 6]",
      throughput(core, [](double a) { return std::log1p(std::exp(a)); }));
  row("std::exp(x)", "x in [-6, 6]", throughput(core, [](double a) { return std::exp(a); }));
  row("std::log(x)", "x in [16, 1e6]", throughput(tail, [](double a) { return std::log(a); }));

  std::printf(" fast functions\n");
  const auto measure = [&](const char* name, auto f) {
    row(name, "a in [-6, 6]", throughput(core, f));
    row(name, "a in [0, 16)", throughput(positive, f));
    row(name, "a in [16, 1e6]", throughput(tail, f));
    row(name, "a in [-30, -8]", throughput(left, f));
    row(name, "chain, [-6, 6]", latency(core, f));
  };
  measure("fast::mills_ratio", [](double a) { return fast::mills_ratio(a); });
  measure("fast::mean_gap", [](double a) { return fast::mean_gap(a); });
  measure("fast::truncated_variance", [](double a) { return fast::truncated_variance(a); });
  measure("fast::log_mills_ratio", [](double a) { return fast::log_mills_ratio(a); });
  measure("fast::scaled_mean_gap", [](double a) { return fast::scaled_mean_gap(a); });
  measure("fast::scaled_truncated_variance",
          [](double a) { return fast::scaled_truncated_variance(a); });

  std::printf(
      " the table cores alone (a in [-8, 16) known; a loop that compilers can vectorize"
      " with gathers, e.g. g++ -O3 -march=native)\n");
  {
    using namespace drelu::special::fast::detail;
    row("evaluate_table(mean_gap_table)", "a in [-6, 6]",
        throughput(core, [](double a) { return evaluate_table(mean_gap_table, a, table_low); }));
    row("evaluate_table(truncated_variance_table)", "a in [-6, 6]", throughput(core, [](double a) {
          return evaluate_table(truncated_variance_table, a, table_low);
        }));
    row("log_mills_ratio_table_value", "a in [-6, 6]",
        throughput(core, [](double a) { return log_mills_ratio_table_value(a); }));
  }

  std::printf(" a dReLU cgf at g = 1: its two log-partitions, log R(a) + log R(-a)\n");
  row("fast::log_mills_ratio(a) + fast::log_mills_ratio(-a)", "a in [-6, 6]",
      throughput(core,
                 [](double a) { return fast::log_mills_ratio(a) + fast::log_mills_ratio(-a); }));

  std::printf(" the current long double / Boost implementation (special_functions.hpp)\n");
  row("special::log_mills_ratio<double>", "a in [-6, 6]",
      throughput(
          core, [](double a) { return drelu::special::log_mills_ratio(a); }, 10, 3));
  row("special::truncated_moments<double>.variance", "a in [-6, 6]",
      throughput(
          core, [](double a) { return drelu::special::truncated_moments(a).variance; }, 10, 3));
  return sink == 12345.0 ? 1 : 0;
}
