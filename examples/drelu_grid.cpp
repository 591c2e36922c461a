// drelu_grid: the distribution of a dReLU hidden unit for a grid of parameters.
//
// Reproduces the figure of the dReLU-family documentation: a 2 x 2 grid of panels, θ⁺ down the
// rows and θ⁻ across the columns; in each panel, for every (γ⁺, γ⁻), a histogram of samples drawn
// at zero input and the exact density exp(−cgf − U(h)). For every curve, one line on stdout
// compares the sample mean and variance with the exact ones and gives the Kolmogorov–Smirnov
// distance of the samples to the exact CDF.

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <drelu/drelu.hpp>
#include <iostream>
#include <iterator>
#include <random>
#include <stdexcept>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "svg_figure.hpp"

namespace {

constexpr double kThetas[] = {-3.0, 3.0};
constexpr double kGammas[] = {0.5, 1.0};
// The first four colours of the Okabe–Ito palette, which colour-blind readers can tell apart.
constexpr const char* kPalette[] = {"#0072B2", "#E69F00", "#009E73", "#CC79A7"};
constexpr int kDensityPoints = 100;
constexpr int kFigureWidth = 1000, kFigureHeight = 700;

struct Options {
  std::string output = "drelu_grid.svg";
  long samples = 10000;
  long bins = 30;
  std::uint64_t seed = 42;
  bool help = false;
};

// A command line that cannot be understood; reported in one line with exit status 2.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

const char* usage() {
  return "Usage: drelu_grid [--output PATH] [--samples N] [--bins K] [--seed S] [--help]\n"
         "Draws the dReLU distribution grid as an SVG figure and compares samples with the\n"
         "exact moments and CDF (one line per curve on stdout).\n"
         "  --output PATH  SVG file to write (default: drelu_grid.svg)\n"
         "  --samples N    samples per curve, N > 0 (default: 10000)\n"
         "  --bins K       histogram bins, K > 0 (default: 30)\n"
         "  --seed S       random seed, a non-negative integer (default: 42)\n"
         "  --help         print this help and exit\n";
}

// Parses the whole of `text` as a decimal integer; rejects blanks and trailing garbage.
template <class Integer>
Integer parse_integer(const std::string& flag, const std::string& text, const char* expected) {
  Integer value{};
  const char* end = text.data() + text.size();
  const auto [stop, error] = std::from_chars(text.data(), end, value);
  if (text.empty() || error != std::errc() || stop != end) {
    throw UsageError(flag + " expects " + expected + ", got '" + text + "'");
  }
  return value;
}

long parse_positive(const std::string& flag, const std::string& text) {
  const char* expected = "a positive integer";
  const long value = parse_integer<long>(flag, text, expected);
  if (value <= 0) throw UsageError(flag + " expects " + expected + ", got '" + text + "'");
  return value;
}

Options parse_options(int argc, char** argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (flag == "--help" || flag == "-h") {
      options.help = true;
      continue;
    }
    if (flag.rfind('-', 0) != 0) throw UsageError("unexpected argument '" + flag + "'");
    if (flag != "--output" && flag != "--samples" && flag != "--bins" && flag != "--seed") {
      throw UsageError("unknown option '" + flag + "' (try --help)");
    }
    if (i + 1 == argc) throw UsageError(flag + " expects a value");
    const std::string value = argv[++i];
    if (flag == "--output") {
      if (value.empty()) throw UsageError("--output expects a non-empty path");
      options.output = value;
    } else if (flag == "--samples") {
      options.samples = parse_positive(flag, value);
    } else if (flag == "--bins") {
      options.bins = parse_positive(flag, value);
    } else {
      options.seed = parse_integer<std::uint64_t>(flag, value, "a non-negative integer");
    }
  }
  return options;
}

struct Parameters {
  double theta_p, theta_n, gamma_p, gamma_n;
};

drelu::dReLU<double> make_layer(const Parameters& p) {
  const auto one = [](double value) { return Eigen::ArrayXd::Constant(1, value); };
  return drelu::dReLU<double>(one(p.theta_p), one(p.theta_n), one(p.gamma_p), one(p.gamma_n));
}

Eigen::Map<const Eigen::ArrayXXd> as_row(const std::vector<double>& values) {
  return Eigen::Map<const Eigen::ArrayXXd>(values.data(), 1, Eigen::Index(values.size()));
}

std::vector<double> sorted_samples(const drelu::dReLU<double>& layer, long count,
                                   std::mt19937_64& rng) {
  const Eigen::ArrayXXd drawn =
      drelu::sample_from_inputs(layer, Eigen::ArrayXXd::Zero(1, count), rng);
  std::vector<double> samples(drawn.data(), drawn.data() + drawn.size());
  std::sort(samples.begin(), samples.end());
  return samples;
}

svg::Range sample_range(const std::vector<double>& sorted) {
  svg::Range range;
  range.include(sorted.front());
  range.include(sorted.back());
  return range.widened();
}

std::vector<double> linspace(const svg::Range& range, long count) {
  std::vector<double> points(count);
  for (long i = 0; i < count; ++i) points[i] = range.lo + range.span() * i / double(count - 1);
  return points;
}

struct Histogram {
  std::vector<double> edges, densities;
};

// A histogram of the samples over their range, normalized to integrate to one.
Histogram density_histogram(const std::vector<double>& sorted, long bins) {
  const svg::Range range = sample_range(sorted);
  const double width = range.span() / bins;
  Histogram histogram{linspace(range, bins + 1), std::vector<double>(bins, 0.0)};
  const double weight = 1.0 / (sorted.size() * width);
  for (const double x : sorted) {
    const long bin = std::min(bins - 1, static_cast<long>((x - range.lo) / width));
    histogram.densities[bin] += weight;
  }
  return histogram;
}

// The exact density exp(−cgf − U(h)) at every point of `xs`.
std::vector<double> exact_density(const drelu::dReLU<double>& layer,
                                  const std::vector<double>& xs) {
  const double cgf = drelu::cgfs(layer)(0, 0);
  const Eigen::ArrayXXd density = (-cgf - drelu::energies(layer, as_row(xs))).exp();
  return std::vector<double>(density.data(), density.data() + density.size());
}

double mean(const std::vector<double>& values) {
  double sum = 0;
  for (const double value : values) sum += value;
  return sum / values.size();
}

// The unbiased sample variance (zero for a single sample).
double variance(const std::vector<double>& values) {
  if (values.size() < 2) return 0.0;
  const double centre = mean(values);
  double sum = 0;
  for (const double value : values) sum += (value - centre) * (value - centre);
  return sum / (values.size() - 1);
}

// sup_x |F_n(x) − F(x)| between the empirical CDF of the sorted samples and the exact CDF.
double kolmogorov_smirnov(const drelu::dReLU<double>& layer, const std::vector<double>& sorted) {
  const Eigen::ArrayXXd cdf = drelu::cdfs(layer, as_row(sorted));
  const double n = double(sorted.size());
  double distance = 0;
  for (std::size_t i = 0; i < sorted.size(); ++i) {
    const double above = (i + 1) / n - cdf(0, Eigen::Index(i));
    const double below = cdf(0, Eigen::Index(i)) - i / n;
    distance = std::max({distance, above, below});
  }
  return distance;
}

std::string theta_title(double theta_p, double theta_n) {
  return "θ⁺=" + svg::fixed(theta_p, 1) + ", θ⁻=" + svg::fixed(theta_n, 1);
}

std::string gamma_label(double gamma_p, double gamma_n) {
  return "γ⁺=" + svg::fixed(gamma_p, 1) + ", γ⁻=" + svg::fixed(gamma_n, 1);
}

// `text` right-aligned in a column of `width` characters.
std::string right_aligned(const std::string& text, std::size_t width) {
  return std::string(width > text.size() ? width - text.size() : 0, ' ') + text;
}

std::string right_aligned(double value, std::size_t width, int decimals) {
  return right_aligned(svg::fixed(value, decimals), width);
}

constexpr std::size_t kParameterWidth = 8, kStatisticWidth = 12;

void print_header() {
  for (const char* name : {"theta_p", "theta_n", "gamma_p", "gamma_n"}) {
    std::cout << right_aligned(name, kParameterWidth);
  }
  for (const char* name : {"mean_sample", "mean_exact", "var_sample", "var_exact", "ks"}) {
    std::cout << right_aligned(name, kStatisticWidth);
  }
  std::cout << '\n';
}

void print_comparison(const Parameters& p, const drelu::dReLU<double>& layer,
                      const std::vector<double>& sorted) {
  for (const double parameter : {p.theta_p, p.theta_n, p.gamma_p, p.gamma_n}) {
    std::cout << right_aligned(parameter, kParameterWidth, 1);
  }
  const double statistics[] = {mean(sorted), drelu::mean_from_inputs(layer)(0, 0), variance(sorted),
                               drelu::var_from_inputs(layer)(0, 0),
                               kolmogorov_smirnov(layer, sorted)};
  for (const double statistic : statistics) {
    std::cout << right_aligned(statistic, kStatisticWidth, 4);
  }
  std::cout << '\n';
}

// Draws one (γ⁺, γ⁻) curve into its panel and prints its comparison line.
void add_curve(svg::Panel& panel, const Parameters& p, const std::string& colour,
               const Options& options, std::mt19937_64& rng) {
  const drelu::dReLU<double> layer = make_layer(p);
  const std::vector<double> sorted = sorted_samples(layer, options.samples, rng);
  Histogram histogram = density_histogram(sorted, options.bins);
  panel.add_bars(std::move(histogram.edges), std::move(histogram.densities), {colour});
  std::vector<double> xs = linspace(sample_range(sorted), kDensityPoints);
  std::vector<double> density = exact_density(layer, xs);
  panel.add_line(std::move(xs), std::move(density), {colour});
  print_comparison(p, layer, sorted);
}

std::vector<svg::LegendEntry> gamma_legend() {
  std::vector<svg::LegendEntry> entries;
  int colour = 0;
  for (const double gamma_p : kGammas) {
    for (const double gamma_n : kGammas) {
      entries.push_back({gamma_label(gamma_p, gamma_n), {kPalette[colour]}, {kPalette[colour]}});
      ++colour;
    }
  }
  return entries;
}

// Curve k (in the order θ⁺, θ⁻, γ⁺, γ⁻) draws its samples from a generator seeded with seed + k.
svg::Figure draw_grid(const Options& options) {
  const int size = static_cast<int>(std::size(kThetas));
  svg::Figure figure(kFigureWidth, kFigureHeight, size, size);
  std::uint64_t curve = 0;
  for (int row = 0; row < size; ++row) {
    for (int column = 0; column < size; ++column) {
      svg::Panel& panel = figure.panel(row, column);
      panel.title(theta_title(kThetas[row], kThetas[column]));
      panel.labels("h", "P(h)");
      int colour = 0;
      for (const double gamma_p : kGammas) {
        for (const double gamma_n : kGammas) {
          std::mt19937_64 rng(options.seed + curve++);
          const Parameters p{kThetas[row], kThetas[column], gamma_p, gamma_n};
          add_curve(panel, p, kPalette[colour++], options, rng);
        }
      }
    }
  }
  figure.panel(0, 0).legend(gamma_legend());
  return figure;
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  try {
    options = parse_options(argc, argv);
  } catch (const UsageError& error) {
    std::cerr << "drelu_grid: " << error.what() << '\n';
    return 2;
  }
  if (options.help) {
    std::cout << usage();
    return 0;
  }
  try {
    print_header();
    const svg::Figure figure = draw_grid(options);
    figure.save(options.output);
    std::cout << "SVG figure written to " << options.output << '\n';
  } catch (const std::exception& error) {
    std::cerr << "drelu_grid: " << error.what() << '\n';
    return 1;
  }
  return 0;
}
