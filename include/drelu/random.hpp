// Random numbers for the samplers: a per-column stream (xoshiro256++ seeded by SplitMix64, after
// Blackman & Vigna 2021, "Scrambled linear pseudorandom number generators", ACM TOMS 47:36),
// uniforms in (0, 1), exponentials, and standard normals by Marsaglia & Tsang's ziggurat
// (2000, "The ziggurat method for generating random variables", J. Stat. Softw. 5(8)) with 256
// layers. Every value is a function of the stream's state alone, on every platform.
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
    for (auto& word : s_) word = splitmix64(state);
  }

  static constexpr result_type min() { return 0; }
  static constexpr result_type max() { return std::numeric_limits<result_type>::max(); }

  result_type operator()() {
    const std::uint64_t result = rotl(s_[0] + s_[3], 23) + s_[0];
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

 private:
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::array<std::uint64_t, 4> s_;
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

// An exponential variate of rate 1.
inline double exponential(Stream& stream) {
  return -std::log(uniform_open(stream));
}

namespace detail {

// Layer edges x[0..256] of the 256-layer ziggurat of exp(-x²/2), every layer of area
// v = 0.0049286732339746553 (with the tail beyond r = 3.6541528853610088 in layer 0), and the
// density at each edge. The constants r and v close the recursion
// x[i+1] = sqrt(-2 log(v/x[i] + f(x[i]))) at x[256] = 0 (solved with mpmath at 30 digits).
struct Ziggurat {
  static constexpr double r = 3.6541528853610087716;
  static constexpr double v = 0.0049286732339746553474;
  std::array<double, 257> x;
  std::array<double, 257> f;

  Ziggurat() {
    x[0] = v / std::exp(-r * r / 2);
    x[1] = r;
    for (int i = 1; i < 255; ++i) {
      x[i + 1] = std::sqrt(-2 * std::log(v / x[i] + std::exp(-x[i] * x[i] / 2)));
    }
    x[256] = 0;
    for (int i = 0; i <= 256; ++i) f[i] = std::exp(-x[i] * x[i] / 2);
  }
};

inline const Ziggurat& ziggurat() {
  static const Ziggurat table;
  return table;
}

// The tail beyond r (Marsaglia 1964): r + x with x exponential of rate r, accepted with
// probability exp(-x²/2).
inline double normal_tail(Stream& stream) {
  constexpr double r = Ziggurat::r;
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
    const double sign = (word & 0x100) ? -1.0 : 1.0;
    const double u = static_cast<double>(word >> 11) * 0x1.0p-53;
    const double x = u * z.x[layer];
    if (x < z.x[layer + 1]) return sign * x;
    if (layer == 0) return sign * detail::normal_tail(stream);
    const double y = z.f[layer] + uniform_open(stream) * (z.f[layer + 1] - z.f[layer]);
    if (y < std::exp(-x * x / 2)) return sign * x;
  }
}

}  // namespace random
}  // namespace drelu
