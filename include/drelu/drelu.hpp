// drelu: the dReLU family of continuous hidden units (dReLU, pReLU, xReLU, nsReLU) for
// Restricted Boltzmann Machines. One include gives the whole public API of docs/api.md.
#pragma once

// drelu's limits test for infinities and NaN, and its error-free splittings assume that
// roundings are not reordered: under -ffast-math or -ffinite-math-only it would return wrong
// values (and the sampler could loop forever on a NaN input), so such builds stop here.
#if (defined(__FAST_MATH__) || (defined(__FINITE_MATH_ONLY__) && __FINITE_MATH_ONLY__)) && \
    !defined(DRELU_ALLOW_FAST_MATH)
#error \
    "drelu needs IEEE arithmetic: compile without -ffast-math and -ffinite-math-only (docs/api.md)"
#endif

#include "functions.hpp"
#include "layers.hpp"
#include "random.hpp"
#include "sampling.hpp"
#include "special_functions.hpp"
#include "tail_approximations.hpp"
#include "truncated_normal.hpp"
#include "unit.hpp"
