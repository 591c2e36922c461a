#!/usr/bin/env python3
"""Fit the branch-free approximations of include/drelu/packet_approximations.hpp.

The packet kernels (fast_kernels.hpp) evaluate, for every element of a column at once, the
mean gap m(b) = 1/R(b) - b and the truncated variance v(b) = 1 - m(b)/R(b) of a standard normal
truncated to (b, inf), for every b >= 0 (R is the Mills ratio; see fit_tail_approximations.py).
A single polynomial covers the whole half line after the change of variable
    y = (b - K)/(b + K)          [0, inf) -> [-1, 1)
(Shepherd and Laframboise, Math. Comp. 36 (1981), use it for erfc), applied to the functions
made flat by their asymptotic behaviour:
    fm(y) = m(b) (b + cm)        -> 1 as b -> inf, = cm sqrt(2/pi) at b = 0
    fv(y) = v(b) (b + cv)^2      -> 1 as b -> inf, = cv^2 (1 - 2/pi) at b = 0
and, for -1 <= a < 0 (where the kernels' form 1 - lambda (lambda - a) of the variance would
cancel), the truncated variance itself as a polynomial in x = a + 1/2:
    fn(x) = v(a)
Each is interpolated at Chebyshev nodes (of [-1, 1] in y, of [-1, 0] in a) and expanded in
powers of y (of x); the constant
coefficient is a pair of doubles (hi + lo), the others are rounded to double. No table and no
branch: the same instructions for every element, so the kernels vectorize.

Reference values come from fit_tail_approximations.reference (erfc below 20, Laplace's
continued fraction beyond). The degree of each function is the smallest one whose interpolant
meets the target relative error at the sample points; the error with the rounded coefficients,
evaluated exactly, is printed (stderr and the header). End-to-end errors in floating point
are measured by tests/test_packet_approximations.cpp.

Usage (from the repository root):
  python3 tools/fit_packet_approximations.py > include/drelu/packet_approximations.hpp
Needs only mpmath (1.3); about 3 s.
"""

import os
import sys

import mpmath as mp

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fit_tail_approximations as tails  # noqa: E402  (sets mp.dps = 70)

K = mp.mpf(4)
SHIFT = {'m': mp.mpf('1.25'), 'v': mp.mpf('1.625')}
POWER = {'m': 1, 'v': 2}
TARGET = mp.mpf(2) ** -56  # relative error of each interpolant, exact coefficients
FLOAT_TARGET = mp.mpf(2) ** -32  # the same for the set used by float layers
SAMPLES = 600


def flat_function(name):
    shift, power = SHIFT[name], POWER[name]

    def f(y):
        b = K * (1 + y) / (1 - y)
        return tails.reference(b)[name] * (b + shift) ** power
    return f


def sample_points():
    pts = [-1 + 2 * mp.mpf(i) / SAMPLES for i in range(SAMPLES)]
    return pts + [1 - mp.mpf(2) ** -k for k in (12, 20, 30, 40, 52)]


def fit(name, target):
    f = flat_function(name)
    pts = sample_points()
    exact = {y: f(y) for y in pts}
    for degree in range(8, 40):
        c = tails.chebyshev_interpolant(f, mp.mpf(-1), mp.mpf(1), degree, mp.mpf(0))
        err = max(abs(tails.horner_exact(c, y) / exact[y] - 1) for y in pts)
        if err <= target:
            break
    hi = float(c[0])
    lo = float(c[0] - mp.mpf(hi))
    rounded = [mp.mpf(hi) + mp.mpf(lo)] + [mp.mpf(float(x)) for x in c[1:]]
    rerr = max(abs(tails.horner_exact(rounded, y) / exact[y] - 1) for y in pts)
    return degree, err, rerr, [hi, lo] + [float(x) for x in c[1:]]


NEGATIVE_LOW, NEGATIVE_CENTER = mp.mpf(-1), mp.mpf(-0.5)


def fit_negative_variance(target):
    def f(a):
        return tails.reference(a)['v']
    pts = [NEGATIVE_LOW * i / SAMPLES for i in range(SAMPLES + 1)]
    exact = {a: f(a) for a in pts}
    for degree in range(8, 40):
        c = tails.chebyshev_interpolant(f, NEGATIVE_LOW, mp.mpf(0), degree, NEGATIVE_CENTER)
        err = max(abs(tails.horner_exact(c, a - NEGATIVE_CENTER) / exact[a] - 1) for a in pts)
        if err <= target:
            break
    hi = float(c[0])
    lo = float(c[0] - mp.mpf(hi))
    rounded = [mp.mpf(hi) + mp.mpf(lo)] + [mp.mpf(float(x)) for x in c[1:]]
    rerr = max(abs(tails.horner_exact(rounded, a - NEGATIVE_CENTER) / exact[a] - 1) for a in pts)
    return degree, err, rerr, [hi, lo] + [float(x) for x in c[1:]]


def emit(lines, name, what, target, suffix):
    degree, err, rerr, coeffs = (fit(name, target) if name != 'n'
                                 else fit_negative_variance(target))
    ident = {'m': 'mean_gap', 'v': 'truncated_variance',
             'n': 'negative_truncated_variance'}[name] + suffix
    msg = '%s: degree %d, error 2^%.2f (rounded coefficients 2^%.2f)' % (
        what, degree, float(mp.log(err, 2)), float(mp.log(rerr, 2)))
    print(msg, file=sys.stderr)
    lines.append('// %s' % msg)
    lines.append('// {c0_hi, c0_lo, c1, ..., c%d}' % degree)
    lines.append('inline constexpr double %s[%d] = {' % (ident, len(coeffs)))
    items = [tails.literal(x) for x in coeffs]
    for i in range(0, len(items), 3):
        lines.append('    ' + ', '.join(items[i:i + 3]) + ',')
    lines.append('};')
    lines.append('')


def main():
    lines = [
        '// Coefficients of the branch-free approximations used by the packet kernels.',
        '// ---- generated by tools/fit_packet_approximations.py: do not edit by hand ----',
        '// For b >= 0 and y = (b - K)/(b + K), K = %s (mpmath, %d digits):' % (
            mp.nstr(K, 3), mp.mp.dps),
        '//   mean gap            m(b) (b + %s)   = sum c_k y^k' % mp.nstr(SHIFT['m'], 4),
        '//   truncated variance  v(b) (b + %s)^2 = sum c_k y^k' % mp.nstr(SHIFT['v'], 5),
        '// and, for -1 <= a < 0, v(a) = sum c_k x^k with x = a + 1/2.',
        '// The sets without a suffix target 2^-56 (double results); the *_float_layers sets target',
        '// 2^-32, far below a float ulp, with lower degrees (float layers, computed in double).',
        '// Each fit: its degree, the maximum relative error of the interpolant and of the',
        '// polynomial with the rounded coefficients (exact evaluation) at %d points of [-1, 1).'
        % (SAMPLES + 5),
        '#pragma once',
        '',
        'namespace drelu {',
        'namespace special {',
        'namespace packet {',
        '',
        '// clang-format off',
        'inline constexpr double transform_center = %s;' % tails.literal(float(K)),
        'inline constexpr double mean_gap_shift = %s;' % tails.literal(float(SHIFT['m'])),
        'inline constexpr double truncated_variance_shift = %s;' % tails.literal(
            float(SHIFT['v'])),
        '',
    ]
    for target, suffix, label in ((TARGET, '', ''),
                                  (FLOAT_TARGET, '_float_layers', ', float layers')):
        emit(lines, 'm', 'mean gap' + label, target, suffix)
        emit(lines, 'v', 'truncated variance' + label, target, suffix)
        emit(lines, 'n', 'variance on [-1, 0)' + label, target, suffix)
    lines += ['// clang-format on', '', '}  // namespace packet', '}  // namespace special',
              '}  // namespace drelu']
    print('\n'.join(lines))


if __name__ == '__main__':
    main()
