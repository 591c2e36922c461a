// drelu: the dReLU family of continuous hidden units (dReLU, pReLU, xReLU, nsReLU) for
// Restricted Boltzmann Machines. One include gives the whole public API of docs/api.md.
#pragma once

#include "functions.hpp"
#include "layers.hpp"
#include "random.hpp"
#include "sampling.hpp"
#include "special_functions.hpp"
#include "tail_approximations.hpp"
#include "truncated_normal.hpp"
#include "unit.hpp"
