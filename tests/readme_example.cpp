#include <drelu/drelu.hpp>
#include <iostream>
#include <random>

int main() {
  // Two units; every parameter holds one value per unit.
  const drelu::dReLU<double> layer(Eigen::Array2d(3.0, -3.0), Eigen::Array2d(-3.0, 3.0),
                                   Eigen::Array2d(0.5, 1.0), Eigen::Array2d(1.0, 0.5));
  Eigen::ArrayXXd inputs(2, 3);  // N x B: one row per unit, one column per sample
  inputs << -1.0, 0.0, 1.0, 2.0, 0.0, -2.0;
  const drelu::xReLU<double> same(layer);  // the same distribution in xReLU parameters
  std::mt19937_64 rng(42);
  std::cout << "cgf at zero input:\n" << drelu::cgfs(layer) << "\n";
  std::cout << "E[h] given the inputs:\n" << drelu::mean_from_inputs(layer, inputs) << "\n";
  std::cout << "E[h], xReLU form:\n" << drelu::mean_from_inputs(same, inputs) << "\n";
  std::cout << "P(h <= 0):\n" << drelu::cdfs(layer, Eigen::ArrayXXd::Zero(2, 3), inputs) << "\n";
  std::cout << "one draw per input:\n" << drelu::sample_from_inputs(layer, inputs, rng) << "\n";
}
