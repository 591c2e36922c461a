#!/usr/bin/env python3
"""Fit the branch-free approximations of include/drelu/packet_approximations.hpp.

The packet kernels (fast_kernels.hpp) evaluate, for every element of a column at once, the
mean gap m(b) = 1/R(b) - b of a standard normal truncated to (b, inf) for b >= 0, and its
truncated variance v(a) = 1 - m(a)/R(a) for a >= -1 (R is the Mills ratio; see
fit_tail_approximations.py). Each is one rational function P/Q on its whole half line after a
change of variable onto [-1, 1) (Shepherd and Laframboise, Math. Comp. 36 (1981), use it for
erfc), applied to the functions made flat by their asymptotic behaviour:
    fm = m(b) (b + cm)      in y = (b - K)/(b + K),                 -> 1 as b -> inf
    fv = v(a) (a + cv)^2    in w = (a + 1)/(a + 1 + KV) = (1 + z)/2, -> 1 as a -> inf
with z = (a + 1 - KV)/(a + 1 + KV). Below a = 0 the kernels' closed form 1 - lambda (lambda - a)
of the variance cancels; the fit of v reaches down to a = -1, where that loss is below one bit.

Method (mpmath): a linearized least-squares fit of P - f Q at Chebyshev nodes of the variable
on [-1, 1], reweighted by 1/|f Q| of the previous iteration (Loeb's iteration) so that it
minimizes the relative error, in the Chebyshev basis; then expanded in powers of the variable
(of w for v: in z its coefficients reach 10^4), with Q normalized to a constant coefficient of
1. The kernels evaluate P/Q as (Q + D)/Q with D = P - Q, so that a rounding error of Q (which
would count fully in P/Q: the power-series coefficients of these rationals reach 10^3 and their
Horner sums err by several u) cancels, and one of D is damped by D/P. The constant coefficient
of D is a pair of doubles (hi + lo), the others are rounded to double. Rational functions
converge much faster here than polynomials (degree 11 over 11 where a polynomial needs degree
28): the functions' asymptotic series in 1/b diverge. The degree
(numerator and denominator alike) is the smallest one whose fit, with its rounded coefficients
evaluated exactly, meets the target relative error on a grid; that error and the one of the
exact coefficients are printed (stderr and the header). End-to-end errors in floating point are
measured by tests/test_packet_approximations.cpp.

It also fits Q(r) = (exp(r) - 1)/r for |r| <= log(2)/2, the reduced argument of the kernels'
exponential (packet_math.hpp), by Chebyshev interpolation in powers of r.

The float lanes of float layers (float_kernels.hpp) evaluate in float, so their sets have
float coefficients (the constant one as a pair hi + lo) and target 2^-26.5 with them rounded:
m as above (degree 6); k(b) = v(b)/m(b)^2 for b >= 0, in the same y (it falls from 1 to 0.57
at b = 0, where the fit of v (a + cv)^2 in w has coefficients too large for float); v(-b) on
0 <= b <= 1 as a polynomial in b; and Q(r) of degree 6.

Usage (from the repository root):
  python3 tools/fit_packet_approximations.py > include/drelu/packet_approximations.hpp
Needs only mpmath (1.3); about 25 s.
"""

import os
import struct
import sys

import mpmath as mp

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fit_tail_approximations as tails  # noqa: E402  (sets mp.dps = 70)

mp.mp.dps = 50

K = mp.mpf(4)                   # y = (b - K)/(b + K)
VARIANCE_START = mp.mpf(-1)     # the fit of v covers a >= -1
KV = mp.mpf(6)                  # z = (a - VARIANCE_START - KV)/(a - VARIANCE_START + KV)
SHIFT = {'m': mp.mpf('1.25'), 'v': mp.mpf('2.625')}
POWER = {'m': 1, 'v': 2}
# The power basis of each fit: m in y itself, v in w = (1 + z)/2 = (a + 1)/(a + 1 + KV), where its
# coefficients are small (in z they reach 700, and rounding them would cost 7 bits).
UNIT_VARIABLE = {'m': False, 'v': True, 'k': False}
TARGET = mp.mpf(2) ** -54.5     # relative error of each fit with its coefficients rounded
FLOAT_TARGET = mp.mpf(2) ** -32  # the same for the set used by float layers
FLOAT_LANE_TARGET = mp.mpf(2) ** -26.5  # the sets evaluated in float, coefficients in float
INTERIOR_END = mp.mpf(1)        # the float lanes' polynomial of v(-b) covers 0 <= b <= 1
FLOAT_EXP_DEGREE = 6
NODES = 160                     # fitting nodes (Chebyshev points of [-1, 1])
GRID = 500                      # error grid
NEAR_ONE = (8, 12, 16, 20, 30, 40, 52)  # grid points 1 - 2^-k, far in the tail
ITERATIONS = 5


def argument(name, y):
    """b (for m) or a (for v) at the value y of the fit's variable."""
    if name in ('m', 'k'):
        return K * (1 + y) / (1 - y)
    return VARIANCE_START + KV * (1 + y) / (1 - y)


_values = {}


def flat_function(name, y):
    key = (name, y)
    if key not in _values:
        x = argument(name, y)
        r = tails.reference(x)
        if name == 'k':  # v/m^2, from 0.57 at b = 0 to 1 as b -> inf
            _values[key] = r['v'] / r['m'] ** 2
        else:
            _values[key] = r[name] * (x + SHIFT[name]) ** POWER[name]
    return _values[key]


def chebyshev_values(degree, y):
    t = [mp.mpf(1), y]
    while len(t) <= degree:
        t.append(2 * y * t[-1] - t[-2])
    return t[:degree + 1]


def rational_fit(name, degree):
    """Power-series coefficients (mpf) of P and Q, both of the given degree, with Q(0) = 1."""
    ys = [mp.cos(mp.pi * (i + mp.mpf(1) / 2) / NODES) for i in range(NODES)]
    ys += [1 - mp.mpf(2) ** -k for k in NEAR_ONE]
    fs = [flat_function(name, y) for y in ys]
    basis = [chebyshev_values(degree, y) for y in ys]
    q_previous = [mp.mpf(1)] * len(ys)
    for _ in range(ITERATIONS):
        rows, rhs = [], []
        for t, f, q in zip(basis, fs, q_previous):
            w = 1 / abs(f * q)
            rows.append([w * t[k] for k in range(degree + 1)] +
                        [-w * f * t[k] for k in range(1, degree + 1)])
            rhs.append(w * f)
        a = mp.matrix(rows)
        x = mp.lu_solve(a.T * a, a.T * mp.matrix(rhs))
        p = [x[k] for k in range(degree + 1)]
        q = [mp.mpf(1)] + [x[degree + k] for k in range(1, degree + 1)]
        q_previous = [mp.fsum(qk * tk for qk, tk in zip(q, t)) for t in basis]
    p = tails.chebyshev_in_powers(p, mp.mpf(1), mp.mpf(0))
    q = tails.chebyshev_in_powers(q, mp.mpf(1), mp.mpf(0))
    if UNIT_VARIABLE[name]:
        p, q = to_unit_variable(p), to_unit_variable(q)
    return [c / q[0] for c in p], [c / q[0] for c in q]


def to_unit_variable(coefficients):
    """Power-series coefficients in w = (1 + y)/2 of sum c_k y^k, that is of sum c_k (2w - 1)^k."""
    result = [mp.mpf(0)] * len(coefficients)
    power = [mp.mpf(1)]  # coefficients of (2w - 1)^k
    for c in coefficients:
        for i, e in enumerate(power):
            result[i] += c * e
        shifted = [mp.mpf(0)] + [2 * e for e in power]
        power = [s - e for s, e in zip(shifted, power + [mp.mpf(0)])]
    return result


def error_grid():
    return [-1 + 2 * mp.mpf(i) / GRID for i in range(GRID)] + \
        [1 - mp.mpf(2) ** -k for k in NEAR_ONE]


def relative_error(name, d, q):
    """Maximum relative error of (Q + D)/Q on the grid, evaluated exactly."""
    def ratio(y):
        x = (1 + y) / 2 if UNIT_VARIABLE[name] else y
        denominator = tails.horner_exact(q, x)
        return (denominator + tails.horner_exact(d, x)) / denominator
    return max(abs(ratio(y) / flat_function(name, y) - 1) for y in error_grid())


def rounded(coefficients):
    """{c0_hi, c0_lo, c1, ...} as doubles, and the mpf values they stand for."""
    hi = float(coefficients[0])
    lo = float(coefficients[0] - mp.mpf(hi))
    doubles = [hi, lo] + [float(c) for c in coefficients[1:]]
    return doubles, [mp.mpf(hi) + mp.mpf(lo)] + [mp.mpf(c) for c in doubles[2:]]


def to_float(x):
    return struct.unpack('f', struct.pack('f', float(x)))[0]


def rounded_float(coefficients):
    """{c0_hi, c0_lo, c1, ...} as floats, and the mpf values they stand for."""
    hi = to_float(coefficients[0])
    lo = to_float(coefficients[0] - mp.mpf(hi))
    floats = [hi, lo] + [to_float(c) for c in coefficients[1:]]
    return floats, [mp.mpf(hi) + mp.mpf(lo)] + [mp.mpf(c) for c in floats[2:]]


def fit(name, target, first_degree, rounding=rounded):
    """The degree, errors (exact and rounded coefficients) and the rounded D = P - Q and Q."""
    for degree in range(first_degree, 25):
        p, q = rational_fit(name, degree)
        d = [pk - qk for pk, qk in zip(p, q)]
        d_doubles, d_values = rounding(d)
        q_doubles, q_values = rounding(q)
        rerr = relative_error(name, d_values, q_values)
        if rerr <= target:
            return degree, relative_error(name, d, q), rerr, d_doubles, q_doubles
    raise RuntimeError('%s does not reach the target' % name)


def float_literal(x):
    if x == 0:
        return '0.0f'
    text = '%.8e' % x
    assert to_float(float(text)) == x
    return text + 'f'


def emit_array(lines, ident, doubles, scalar='double'):
    lines.append('inline constexpr %s %s[%d] = {' % (scalar, ident, len(doubles)))
    literal = float_literal if scalar == 'float' else tails.literal
    items = [literal(x) for x in doubles]
    for i in range(0, len(items), 3):
        lines.append('    ' + ', '.join(items[i:i + 3]) + ',')
    lines.append('};')


def comment(lines, msg):
    """msg as comment lines of at most 100 characters, broken before ', error'."""
    if len(msg) + 3 <= 100 or ', error' not in msg:
        lines.append('// %s' % msg)
        return
    head, tail = msg.split(', error', 1)
    lines.append('// %s,' % head)
    lines.append('//   error%s' % tail)


def emit(lines, name, what, target, suffix, first_degree, scalar='double'):
    rounding = rounded_float if scalar == 'float' else rounded
    degree, err, rerr, d, q = fit(name, target, first_degree, rounding)
    ident = {'m': 'mean_gap', 'v': 'truncated_variance', 'k': 'variance_gap_ratio'}[name] + suffix
    msg = '%s: degree %d/%d, error 2^%.2f (rounded coefficients 2^%.2f)' % (
        what, degree, degree, float(mp.log(err, 2)), float(mp.log(rerr, 2)))
    print(msg, file=sys.stderr)
    comment(lines, msg)
    lines.append('// D = P - Q and Q, {c0_hi, c0_lo, c1, ..., c%d}' % degree)
    emit_array(lines, ident + '_difference', d, scalar)
    emit_array(lines, ident + '_denominator', q, scalar)
    lines.append('')


def interior_variance(b):
    """v(-b) = Var[Y | Y > -b] for b >= 0."""
    return tails.reference(-b)['v']


def emit_interior_variance(lines):
    """The polynomial in b of v(-b) on [0, INTERIOR_END] (Chebyshev interpolant in powers of b),
    of the smallest degree whose float coefficients (constant one as hi + lo) meet the target."""
    points = [INTERIOR_END * i / 1000 for i in range(1001)]
    for degree in range(4, 20):
        c = tails.chebyshev_interpolant(interior_variance, mp.mpf(0), INTERIOR_END, degree,
                                        mp.mpf(0))
        floats, values = rounded_float(c)
        err = max(abs(tails.horner_exact(values, b) / interior_variance(b) - 1) for b in points)
        if err <= FLOAT_LANE_TARGET:
            break
    msg = ('truncated variance v(-b), 0 <= b <= %s, float lanes: degree %d, error 2^%.2f '
           '(float coefficients)' % (mp.nstr(INTERIOR_END, 3), degree, float(mp.log(err, 2))))
    print(msg, file=sys.stderr)
    comment(lines, msg)
    lines.append('// {c0_hi, c0_lo, c1, ..., c%d}' % degree)
    emit_array(lines, 'interior_variance_float_lanes', floats, 'float')
    lines.append('')


EXP_HALF_WIDTH = mp.log(2) / 2 * mp.mpf('1.0001')  # |r| <= log(2)/2, with a margin
EXP_DEGREE = 10


def fit_exponential(degree=EXP_DEGREE, rounding=float):
    """Coefficients of Q(r) = (exp(r) - 1)/r on |r| <= log(2)/2 (Chebyshev interpolant, in powers
    of r), and the maximum relative error of 1 + r Q(r) with them rounded, evaluated exactly."""
    def f(r):
        return mp.expm1(r) / r if r != 0 else mp.mpf(1)
    c = tails.chebyshev_interpolant(f, -EXP_HALF_WIDTH, EXP_HALF_WIDTH, degree, mp.mpf(0))
    doubles = [rounding(x) for x in c]
    points = [-EXP_HALF_WIDTH + 2 * EXP_HALF_WIDTH * i / 2000 for i in range(2001)]
    err = max(abs((1 + r * tails.horner_exact([mp.mpf(x) for x in doubles], r)) / mp.exp(r) - 1)
              for r in points)
    return doubles, err


def main():
    lines = [
        '// Coefficients of the branch-free approximations used by the packet kernels.',
        '// ---- generated by tools/fit_packet_approximations.py: do not edit by hand ----',
        '// Rational functions P/Q (mpmath, %d digits):' % mp.mp.dps,
        '//   mean gap            m(b) (b + %s)    = P(y)/Q(y), y = (b - %s)/(b + %s), b >= 0'
        % (mp.nstr(SHIFT['m'], 4), mp.nstr(K, 3), mp.nstr(K, 3)),
        '//   truncated variance  v(a) (a + %s)^2 = P(w)/Q(w), w = (a + 1)/(a + %s), a >= -1'
        % (mp.nstr(SHIFT['v'], 5), mp.nstr(KV - VARIANCE_START, 3)),
        '// evaluated as (Q + D)/Q with D = P - Q: an error of Q cancels, and one of D is damped',
        '// by D/P (at most 0.16 for m, 0.4 for v).',
        '// The sets without a suffix target 2^-54.5 (double results); the *_float_layers sets',
        '// target 2^-32, far below a float ulp, with lower degrees (float layers, computed in',
        '// double). Each fit: its degrees, the maximum relative error of P/Q with exact',
        '// coefficients and with the rounded ones (exact evaluation) at %d points.'
        % (GRID + len(NEAR_ONE)),
        '#pragma once',
        '',
        'namespace drelu {',
        'namespace special {',
        'namespace packet {',
        '',
        '// clang-format off',
        'inline constexpr double transform_center = %s;' % tails.literal(float(K)),
        'inline constexpr double mean_gap_shift = %s;' % tails.literal(float(SHIFT['m'])),
        'inline constexpr double variance_domain_start = %s;' % tails.literal(
            float(VARIANCE_START)),
        'inline constexpr double variance_transform_center = %s;' % tails.literal(float(KV)),
        'inline constexpr double truncated_variance_shift = %s;' % tails.literal(
            float(SHIFT['v'])),
        '',
    ]
    for target, suffix, label, degrees in ((TARGET, '', '', (10, 13)),
                                           (FLOAT_TARGET, '_float_layers', ', float layers',
                                            (5, 6))):
        emit(lines, 'm', 'mean gap' + label, target, suffix, degrees[0])
        emit(lines, 'v', 'truncated variance' + label, target, suffix, degrees[1])
    doubles, err = fit_exponential()
    msg = 'exp(r) = 1 + r Q(r), |r| <= log(2)/2: degree %d, error 2^%.2f (rounded coefficients)' % (
        EXP_DEGREE, float(mp.log(err, 2)))
    print(msg, file=sys.stderr)
    lines.append('// %s' % msg)
    lines.append('// {q0, q1, ..., q%d}' % EXP_DEGREE)
    emit_array(lines, 'exponential_reduced', doubles)
    lines.append('')
    lines.append('// The float lanes of float layers (float_kernels.hpp): coefficients in float,')
    lines.append('// evaluated in float, target 2^-26.5 with the rounded coefficients.')
    emit(lines, 'm', 'mean gap, float lanes', FLOAT_LANE_TARGET, '_float_lanes', 5, 'float')
    emit(lines, 'k', 'variance ratio k(b) = v(b)/m(b)^2 = P(y)/Q(y), float lanes',
         FLOAT_LANE_TARGET, '_float_lanes', 5, 'float')
    emit_interior_variance(lines)
    floats, err = fit_exponential(FLOAT_EXP_DEGREE, to_float)
    msg = 'exp(r) = 1 + r Q(r), float lanes: degree %d, error 2^%.2f (float coefficients)' % (
        FLOAT_EXP_DEGREE, float(mp.log(err, 2)))
    print(msg, file=sys.stderr)
    lines.append('// %s' % msg)
    lines.append('// {q0, q1, ..., q%d}' % FLOAT_EXP_DEGREE)
    emit_array(lines, 'exponential_reduced_float_lanes', floats, 'float')
    lines.append('')
    lines += ['// clang-format on', '', '}  // namespace packet', '}  // namespace special',
              '}  // namespace drelu']
    print('\n'.join(lines))


if __name__ == '__main__':
    main()
