// Built with OpenMP when the compiler has it: splitting the columns across threads must not
// change a single bit of any result, sampling included (one stream per column).
#include <omp.h>

#include <drelu/drelu.hpp>
#include <functional>
#include <random>

#include "catch.hpp"

namespace {

template <class T = double>
drelu::dReLU<T> random_layer(Eigen::Index units, std::mt19937_64& rng) {
  std::normal_distribution<double> normal;
  std::uniform_real_distribution<double> uniform(-1, 1);
  Eigen::Array<T, Eigen::Dynamic, 1> tp(units), tn(units), gp(units), gn(units);
  for (Eigen::Index i = 0; i < units; ++i) {
    tp(i) = T(3 * normal(rng));
    tn(i) = T(3 * normal(rng));
    gp(i) = T(std::pow(10.0, uniform(rng)));
    gn(i) = T(std::pow(10.0, uniform(rng)));
  }
  return drelu::dReLU<T>(tp, tn, gp, gn);
}

template <class Run>
Eigen::ArrayXXd with_threads(int threads, Run run) {
  omp_set_num_threads(threads);
  return run();
}

}  // namespace

TEST_CASE("results do not depend on the number of OpenMP threads", "[openmp]") {
  std::mt19937_64 setup(11);
  const auto layer = random_layer(64, setup);
  Eigen::ArrayXXd inputs(64, 1000);  // above the threading threshold
  std::normal_distribution<double> normal;
  for (Eigen::Index k = 0; k < inputs.size(); ++k) inputs(k) = 2 * normal(setup);

  const auto cgf = [&] { return Eigen::ArrayXXd(drelu::cgfs(layer, inputs)); };
  const auto var = [&] { return Eigen::ArrayXXd(drelu::var_from_inputs(layer, inputs)); };
  const auto cdf = [&] { return Eigen::ArrayXXd(drelu::cdfs(layer, inputs, inputs)); };
  const auto energy = [&] { return Eigen::ArrayXXd(drelu::energies(layer, inputs)); };
  const auto sample = [&] {
    std::mt19937_64 rng(2024);
    return Eigen::ArrayXXd(drelu::sample_from_inputs(layer, inputs, rng));
  };
  CHECK((with_threads(1, cgf) == with_threads(2, cgf)).all());
  CHECK((with_threads(1, var) == with_threads(2, var)).all());
  CHECK((with_threads(1, cdf) == with_threads(2, cdf)).all());
  CHECK((with_threads(1, energy) == with_threads(2, energy)).all());
  CHECK((with_threads(1, sample) == with_threads(2, sample)).all());
  CHECK((with_threads(2, sample) == with_threads(3, sample)).all());
}

TEST_CASE("float layers' float lanes do not depend on the number of OpenMP threads", "[openmp]") {
  std::mt19937_64 setup(12);
  const auto layer = random_layer<float>(60, setup);
  Eigen::ArrayXXf inputs(60, 1000);  // 60 rows: the last float packet is padded
  std::normal_distribution<double> normal;
  for (Eigen::Index k = 0; k < inputs.size(); ++k) inputs(k) = float(2 * normal(setup));
  inputs(7, 3) = 1e30f;  // a lane outside the float lanes' domain: its packet runs in double
  using Floats = Eigen::ArrayXXf;
  const auto cgf = [&] { return Floats(drelu::cgfs(layer, inputs)); };
  const auto mean = [&] { return Floats(drelu::mean_from_inputs(layer, inputs)); };
  const auto var = [&] { return Floats(drelu::var_from_inputs(layer, inputs)); };
  const auto run = [](int threads, const auto& f) {
    omp_set_num_threads(threads);
    return f();
  };
  for (const auto& f : {std::function<Floats()>(cgf), std::function<Floats()>(mean),
                        std::function<Floats()>(var)}) {
    CHECK((run(1, f) == run(2, f)).all());
    CHECK((run(2, f) == run(3, f)).all());
  }
}
