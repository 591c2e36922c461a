// Uses the installed (or vendored) drelu: a standard normal unit must have the textbook cgf,
// mean and variance, and a conversion must keep the distribution.
#include <cmath>
#include <cstdio>
#include <drelu/drelu.hpp>

#if __cplusplus < 201703L
#error "drelu::drelu did not bring its C++17 requirement to this target"
#endif

int main() {
  const drelu::dReLU<double> normal(1);  // θ± = 0, γ± = 1: h ~ N(0, 1)
  const double cgf = drelu::cgfs(normal)(0, 0);
  const double var = drelu::var_from_inputs(normal)(0, 0);
  const drelu::nsReLU<double> ns(1);
  const double mean = drelu::mean_from_inputs(drelu::dReLU<double>(ns))(0, 0);
  const double log_sqrt_2pi = 0.91893853320467274178;
  if (std::abs(cgf - log_sqrt_2pi) > 1e-14 || std::abs(var - 1) > 1e-14 || mean != 0) {
    std::printf("unexpected: cgf %.17g, var %.17g, mean %.17g\n", cgf, var, mean);
    return 1;
  }
  std::printf("drelu consumer: ok\n");
  return 0;
}
