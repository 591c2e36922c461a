// Random numbers for the samplers: a per-column stream (xoshiro256++ seeded by SplitMix64, after
// Blackman & Vigna 2021, "Scrambled linear pseudorandom number generators", ACM TOMS 47:36),
// uniforms in (0, 1), and exponentials and standard normals by Marsaglia & Tsang's ziggurat
// (2000, "The ziggurat method for generating random variables", J. Stat. Softw. 5(8)) with 256
// layers each. Every value is a function of the stream's state alone, on every platform.
#pragma once

#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <type_traits>

namespace drelu {
namespace random {

// SplitMix64: expands one 64-bit seed into well-mixed words.
inline std::uint64_t splitmix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

// xoshiro256++: the stream of one column, fixed by (seed, column) alone, so that a batch does
// not depend on how its columns are split across threads.
class Stream {
 public:
  using result_type = std::uint64_t;

  Stream(std::uint64_t seed, std::uint64_t column) {
    std::uint64_t state = seed ^ (column * 0xD1B54A32D192ED03ull);
    s0_ = splitmix64(state);
    s1_ = splitmix64(state);
    s2_ = splitmix64(state);
    s3_ = splitmix64(state);
  }

  static constexpr result_type min() { return 0; }
  static constexpr result_type max() { return std::numeric_limits<result_type>::max(); }

  result_type operator()() {
    const std::uint64_t result = rotl(s0_ + s3_, 23) + s0_;
    const std::uint64_t t = s1_ << 17;
    s2_ ^= s0_;
    s3_ ^= s1_;
    s1_ ^= s2_;
    s0_ ^= s3_;
    s2_ ^= t;
    s3_ = rotl(s3_, 45);
    return result;
  }

 private:
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  // Four words rather than an array, which keeps the state in registers in the draw loops.
  std::uint64_t s0_, s1_, s2_, s3_;
};

// 64 random bits from any uniform random bit generator: directly from a 64-bit range, from
// two draws of a 32-bit range, otherwise through std::uniform_int_distribution (whose output
// is then specific to the standard library).
template <class Generator>
std::uint64_t bits64(Generator& rng) {
  constexpr auto range = Generator::max() - Generator::min();
  if constexpr (range == std::numeric_limits<std::uint64_t>::max()) {
    return static_cast<std::uint64_t>(rng() - Generator::min());
  } else if constexpr (range == std::numeric_limits<std::uint32_t>::max()) {
    const std::uint64_t high = static_cast<std::uint64_t>(rng() - Generator::min());
    const std::uint64_t low = static_cast<std::uint64_t>(rng() - Generator::min());
    return (high << 32) | low;
  } else {
    return std::uniform_int_distribution<std::uint64_t>()(rng);
  }
}

// A uniform double in the open interval (0, 1): 53 random bits, offset by half a step.
inline double uniform_open(Stream& stream) {
  return (static_cast<double>(stream() >> 11) + 0.5) * 0x1.0p-53;
}

namespace detail {

// Layer edges x[0..256] of a 256-layer ziggurat of a decreasing density f on [0, inf), and
// the density at each edge: every layer has area v (layer 0 also holds the tail beyond r), so
// x[i+1] = f⁻¹(v/x[i] + f(x[i])), which closes at x[256] = 0 for the right pair (r, v).
struct ZigguratTable {
  std::array<double, 257> x;
  std::array<double, 257> f;

  template <class Density, class Inverse>
  ZigguratTable(double r, double v, Density density, Inverse inverse) {
    x[0] = v / density(r);
    x[1] = r;
    for (int i = 1; i < 255; ++i) x[i + 1] = inverse(v / x[i] + density(x[i]));
    x[256] = 0;
    for (int i = 0; i <= 256; ++i) f[i] = density(x[i]);
  }
};

// The normal ziggurat, of exp(-x²/2): v = 0.0049286732339746553, r = 3.6541528853610088
// (solved with mpmath at 30 digits).
inline constexpr double kNormalZigguratEdge = 3.6541528853610087716;

inline const ZigguratTable& ziggurat() {
  static const ZigguratTable table(
      kNormalZigguratEdge, 0.0049286732339746553474, [](double x) { return std::exp(-x * x / 2); },
      [](double y) { return std::sqrt(-2 * std::log(y)); });
  return table;
}

// The exponential ziggurat, of exp(-x): v = 0.0039496598225815572, r = 7.6971174701310497
// (mpmath, 40 digits; the values of Marsaglia & Tsang 2000).
inline constexpr double kExponentialZigguratEdge = 7.6971174701310497140;

inline const ZigguratTable& exponential_ziggurat() {
  static const ZigguratTable table(
      kExponentialZigguratEdge, 0.0039496598225815572200, [](double x) { return std::exp(-x); },
      [](double y) { return -std::log(y); });
  return table;
}

}  // namespace detail

#if defined(__GNUC__) || defined(__clang__)
#define DRELU_NOINLINE __attribute__((noinline))
#else
#define DRELU_NOINLINE
#endif

namespace detail {

// The wedge tests of the ziggurats (about 1% of the draws), out of line: y uniform between the
// densities at the layer's two edges, accepted below the density at x. They take no stream, so
// the callers' streams stay in registers.
DRELU_NOINLINE inline bool exponential_wedge_accepts(int layer, double x, double u) {
  const auto& z = exponential_ziggurat();
  return z.f[layer] + u * (z.f[layer + 1] - z.f[layer]) < std::exp(-x);
}

DRELU_NOINLINE inline bool normal_wedge_accepts(int layer, double x, double u) {
  const auto& z = ziggurat();
  return z.f[layer] + u * (z.f[layer + 1] - z.f[layer]) < std::exp(-x * x / 2);
}

}  // namespace detail

// An exponential variate of rate 1 by the ziggurat: one 64-bit word picks the layer (8 bits)
// and the position (53 bits); about 99% of the draws need nothing else. Beyond r (layer 0) the
// tail is r plus a fresh exponential (memorylessness).
inline double exponential(Stream& stream) {
  const auto& z = detail::exponential_ziggurat();
  double offset = 0;
  for (;;) {
    const std::uint64_t word = stream();
    const int layer = static_cast<int>(word & 0xFF);
    const double x = static_cast<double>(word >> 11) * 0x1.0p-53 * z.x[layer];
    if (x < z.x[layer + 1]) return offset + x;
    if (layer == 0) {
      offset += detail::kExponentialZigguratEdge;
    } else if (detail::exponential_wedge_accepts(layer, x, uniform_open(stream))) {
      return offset + x;
    }
  }
}

namespace detail {

// The tail beyond r (Marsaglia 1964): r + x with x exponential of rate r, accepted with
// probability exp(-x²/2).
inline double normal_tail(Stream& stream) {
  constexpr double r = kNormalZigguratEdge;
  for (;;) {
    const double x = exponential(stream) / r;
    const double y = exponential(stream);
    if (y + y >= x * x) return r + x;
  }
}

}  // namespace detail

// A standard normal variate by the ziggurat: one 64-bit word picks the layer (8 bits), the sign
// (1 bit) and the position (53 bits); about 99% of the draws need nothing else.
inline double normal(Stream& stream) {
  const auto& z = detail::ziggurat();
  for (;;) {
    const std::uint64_t word = stream();
    const int layer = static_cast<int>(word & 0xFF);
    const double sign = 1.0 - 2.0 * static_cast<double>((word >> 8) & 1);  // no branch
    const double x = static_cast<double>(word >> 11) * 0x1.0p-53 * z.x[layer];
    if (x < z.x[layer + 1]) return sign * x;
    if (layer == 0) return sign * detail::normal_tail(stream);
    if (detail::normal_wedge_accepts(layer, x, uniform_open(stream))) return sign * x;
  }
}

}  // namespace random
}  // namespace drelu
