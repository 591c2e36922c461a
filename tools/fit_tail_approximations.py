#!/usr/bin/env python3
"""Fit the double-precision approximations of include/drelu/tail_approximations.hpp.

Standard normal Y, Q(a) = P(Y > a), phi its density. The functions fitted are
  R(a)    = Q(a)/phi(a)            Mills ratio                     (tables on [-2, 16))
  m(a)    = 1/R(a) - a             mean gap E[Y - a | Y > a]       (tables on [-8, 16))
  v(a)    = 1 - m(a)/R(a)          truncated variance Var[Y|Y>a]   (tables on [-8, 16))
  L(a)    = log R(a)               log Mills ratio                 (tables on [-8, 16))
and, for a >= 16, in the variable t = 1/a^2 (each function tends to 1, or L(a) + log a to 0):
  a R(a)     = 1 + t gR(t)
  a m(a)     = 1 + t gm(t)
  a^2 v(a)   = 1 + t gv(t)
  L(a)       = -log(a) + t gL(t)

Method (all in mpmath at 70 digits):
  * the reference values come from erfc for a < 20 and from Laplace's continued fraction
    m(a) = 1/(a + 2/(a + 3/(a + ...))), differentiated term by term for v = -m', for a >= 20;
  * the table range is cut into intervals of width 1/2 (plus one interval past its end, for
    inputs just below it whose index rounds up); on each, the function is interpolated
    at the Chebyshev nodes (first kind) by a polynomial of the function's degree, which is then
    expanded in powers of x = a - c around the interval midpoint c. The constant and linear
    coefficients are kept as pairs of doubles (hi + lo), the others are rounded to double. For L
    the function interpolated is q(a) = L(a)/(a - a0), with a0 = 0.3026... the zero of L as a
    pair of doubles, so that L = (a - a0) q(a) keeps its relative accuracy near a0;
  * the tail functions g are interpolated in t on [0, 1/16^2] the same way (monomials in t);
  * the degree of each family is the smallest one for which the interpolant of every interval
    (exact coefficients) meets the relative error TARGET below, sampled at SAMPLES points per
    interval (ends included); the maximum relative error with the double coefficients,
    evaluated exactly, is measured at the same points and printed (stderr and the header).
  * the reference points of tests/data/tail_functions.csv come from the same reference
    functions, at exact doubles, with 36 significant digits.

Usage (from the repository root):
  python3 tools/fit_tail_approximations.py                  print the C++ tables and errors
  python3 tools/fit_tail_approximations.py --update-header  rewrite the generated block of the
                                                            header in place
  python3 tools/fit_tail_approximations.py --no-fit --csv tests/data/tail_functions.csv
                                                            write the reference points
  ... --csv PATH --random N                                 with N more pseudo-random points
Needs only mpmath (1.3). The fits take about 5 s, the reference points about 1 ms each.
"""

import argparse
import math
import os
import struct
import sys

import mpmath as mp

DPS = 70                 # working precision (decimal digits)
WIDTH = mp.mpf(1) / 2    # width of the table intervals
TABLE_LOW = -8           # tables of m, v, L start here; the one of R at -2
TAIL_START = 16          # tail forms in t = 1/a^2 from here on
TARGET = 2.0 ** -58      # relative error target of each interpolant, exact coefficients
SAMPLES = 41             # error sample points per interval
MIN_DEGREE, MAX_DEGREE = 6, 20

mp.mp.dps = DPS
SQRT_HALF_PI = mp.sqrt(mp.pi / 2)


# ---------------------------------------------------------------------------------------------
# Reference values.

def _continued_fraction(a):
    """f1 and its derivative, with m = 1/f1 and v = f1'/f1^2, for a >= 20 (converged)."""
    def evaluate(n):
        f = a
        df = mp.mpf(1)
        for k in range(n, 0, -1):
            r = (k + 1) / f
            df = 1 - r * df / f
            f = a + r
        return f, df

    n = 40
    f, df = evaluate(n)
    while True:
        n *= 2
        g, dg = evaluate(n)
        if abs(g - f) <= abs(g) * mp.mpf(10) ** (-DPS + 5) and \
                abs(dg - df) <= abs(dg) * mp.mpf(10) ** (-DPS + 5):
            return g, dg
        f, df = g, dg


_cache = {}


def reference(a):
    """Dict of R, m, v, L, am (= a m), a2v (= a^2 v) at the real number a (mpf or float)."""
    a = mp.mpf(a)
    key = a
    if key in _cache:
        return _cache[key]
    if mp.isinf(a) and a > 0:
        out = dict(R=mp.mpf(0), m=mp.mpf(0), v=mp.mpf(0), L=mp.mpf('-inf'),
                   am=mp.mpf(1), a2v=mp.mpf(1))
    elif a >= 20:
        f1, df1 = _continued_fraction(a)
        m = 1 / f1
        out = dict(R=1 / (a + m), m=m, v=df1 / (f1 * f1), L=-mp.log(a) - mp.log1p(m / a),
                   am=a / f1, a2v=a * a * df1 / (f1 * f1))
    else:
        R = SQRT_HALF_PI * mp.exp(a * a / 2) * mp.erfc(a / mp.sqrt(2))
        lam = 1 / R
        m = lam - a
        v = 1 - lam * m
        out = dict(R=R, m=m, v=v, L=mp.log(R), am=a * m, a2v=a * a * v)
    _cache[key] = out
    return out


# ---------------------------------------------------------------------------------------------
# Polynomial fitting.

def to_double(x):
    return float(mp.mpf(x))


def chebyshev_interpolant(func, lo, hi, degree, center):
    """Monomial coefficients (mpf), in powers of x = a - center, of the polynomial that
    interpolates func(a) at the degree + 1 Chebyshev nodes of [lo, hi]."""
    n = degree + 1
    mid = (lo + hi) / 2
    half = (hi - lo) / 2
    nodes = [mp.cos(mp.pi * (j + mp.mpf(1) / 2) / n) for j in range(n)]
    values = [func(mid + half * u) for u in nodes]
    cheb = []
    for k in range(n):
        s = mp.fsum(values[j] * mp.cos(k * mp.pi * (j + mp.mpf(1) / 2) / n) for j in range(n))
        cheb.append(2 * s / n)
    cheb[0] /= 2
    # u = alpha x + beta maps [lo, hi] onto [-1, 1].
    return chebyshev_in_powers(cheb, 1 / half, (center - mid) / half)


def chebyshev_in_powers(cheb, alpha, beta):
    """Power-series coefficients in x of sum_k cheb[k] T_k(alpha x + beta)."""
    n = len(cheb)
    basis = [[mp.mpf(1)], [beta, alpha]]
    for k in range(2, n):
        prev, cur = basis[k - 2], basis[k - 1]
        nxt = [mp.mpf(0)] * (k + 1)
        for i, c in enumerate(cur):
            nxt[i] += 2 * beta * c
            nxt[i + 1] += 2 * alpha * c
        for i, c in enumerate(prev):
            nxt[i] -= c
        basis.append(nxt)
    result = [mp.mpf(0)] * n
    for k in range(n):
        for i, c in enumerate(basis[k]):
            result[i] += cheb[k] * c
    return result


def horner_exact(coefficients, x):
    s = mp.mpf(0)
    for c in reversed(coefficients):
        s = s * x + c
    return s


def split(x):
    hi = to_double(x)
    return hi, to_double(x - hi)


def sample_points(lo, hi):
    pts = [lo + (hi - lo) * mp.mpf(i) / (SAMPLES - 1) for i in range(SAMPLES)]
    pts[-1] = hi - (hi - lo) * mp.mpf(2) ** -40   # the interval is half-open
    return pts


# --- Interval tables ----------------------------------------------------------------------------

ZERO_OF_L = None


def zero_of_log_mills_ratio():
    global ZERO_OF_L
    if ZERO_OF_L is None:
        ZERO_OF_L = mp.findroot(lambda a: reference(a)['L'], mp.mpf('0.3'))
    return ZERO_OF_L


def zero_pair():
    """The zero a0 of L as a pair of doubles, and their exact sum."""
    hi, lo = split(zero_of_log_mills_ratio())
    return hi, lo, mp.mpf(hi) + mp.mpf(lo)


def fit_interval(name, lo, hi, degree):
    """Fit one interval. Returns (coefficients as doubles [c0_hi, c0_lo, c1_hi, c1_lo, c2, ...,
    c_degree] in powers of x = a - midpoint, max relative error with these coefficients, max
    relative error of the interpolant itself). For L the polynomial is that of
    q(a) = L(a)/(a - a0), with a0 the pair of doubles of zero_pair()."""
    func = lambda a: reference(a)[name]
    center = (lo + hi) / 2
    assert mp.mpf(to_double(center)) == center
    factor = lambda a: 1
    if name == 'L':
        z = zero_pair()[2]
        factor = lambda a: a - z
    coeffs = chebyshev_interpolant(lambda a: func(a) / factor(a), lo, hi, degree, center)
    rounded = list(split(coeffs[0])) + list(split(coeffs[1])) + \
        [to_double(c) for c in coeffs[2:]]
    exact = [mp.mpf(rounded[0]) + mp.mpf(rounded[1]), mp.mpf(rounded[2]) + mp.mpf(rounded[3])]
    exact += [mp.mpf(c) for c in rounded[4:]]
    worst = mp.mpf(0)
    worst_unrounded = mp.mpf(0)
    for a in sample_points(lo, hi):
        x = a - center
        ref = func(a)
        worst = max(worst, abs(factor(a) * horner_exact(exact, x) - ref) / abs(ref))
        worst_unrounded = max(worst_unrounded,
                              abs(factor(a) * horner_exact(coeffs, x) - ref) / abs(ref))
    return rounded, worst, worst_unrounded


def fit_table(name, low, high, degree=None):
    """Fit every interval of the table of `name` on [low, high) at the smallest common
    degree meeting TARGET (or the given degree)."""
    # One row past the range, for a just below `high`, where the index may round up.
    count = int((high - low) / WIDTH) + 1
    bounds = [(low + WIDTH * k, low + WIDTH * (k + 1)) for k in range(count)]
    if degree is None:
        # The needed degree of each interval, searched upwards from that of its neighbour.
        degree = MIN_DEGREE
        for lo, hi in bounds:
            while fit_interval(name, lo, hi, degree)[2] > TARGET:
                degree += 1
                if degree > MAX_DEGREE:
                    raise RuntimeError('no degree reaches the target on %s' % ((lo, hi),))
    fits = [fit_interval(name, lo, hi, degree) for lo, hi in bounds]
    return degree, fits


# --- Tail polynomials -----------------------------------------------------------------------

TAIL_T = mp.mpf(1) / TAIL_START ** 2


def tail_function(name):
    """g(t) for t = 1/a^2 in (0, TAIL_T], and the full function value from it."""
    def g(t):
        a = 1 / mp.sqrt(t)
        ref = reference(a)
        if name == 'L':
            return (ref['L'] + mp.log(a)) / t
        scaled = {'R': a * ref['R'], 'm': ref['am'], 'v': ref['a2v']}[name]
        return (scaled - 1) / t
    return g


def tail_error(name, coeffs):
    """Max relative error of the tail form over t in (0, TAIL_T], exact evaluation."""
    g = tail_function(name)
    exact = [mp.mpf(c) for c in coeffs]
    worst = mp.mpf(0)
    pts = [TAIL_T * mp.mpf(i) / (4 * SAMPLES) for i in range(1, 4 * SAMPLES + 1)]
    pts += [TAIL_T * mp.mpf(10) ** -k for k in range(1, 12)]
    for t in pts:
        a = 1 / mp.sqrt(t)
        approx = t * horner_exact(exact, t)
        truth = t * g(t)
        if name == 'L':
            whole = truth - mp.log(a)       # relative to L itself
        else:
            whole = 1 + truth
            approx, truth = approx + 1, truth + 1
        worst = max(worst, abs(approx - truth) / abs(whole))
    return worst


def fit_tail(name):
    g = tail_function(name)
    degree = 2
    while True:
        coeffs = chebyshev_interpolant(g, mp.mpf(0), TAIL_T, degree, mp.mpf(0))
        rounded = [to_double(c) for c in coeffs]
        err = tail_error(name, rounded)
        if err <= TARGET:
            return degree, rounded, err
        degree += 1
        if degree > MAX_DEGREE:
            raise RuntimeError('tail of %s does not reach the target' % name)


# ---------------------------------------------------------------------------------------------
# Output.

def literal(x):
    if x == 0:
        return '0.0'
    s = '%.17e' % x
    assert float(s) == x
    return s


def log2_error(err):
    return '2^%.2f' % float(mp.log(err, 2)) if err > 0 else '0'


def format_rows(rows, indent='    '):
    """rows: list of lists of doubles; each row in braces, 3 numbers per line."""
    out = []
    for row in rows:
        items = [literal(x) for x in row]
        lines = []
        for i in range(0, len(items), 3):
            lines.append(indent + '  ' + ', '.join(items[i:i + 3]) + ',')
        out.append(indent + '{')
        out.extend(lines)
        out.append(indent + '},')
    return out


TABLES = [
    # name, C++ identifier, table start, description
    ('R', 'mills_ratio', 0, TAIL_START, 'Mills ratio R(a)'),
    ('R', 'mills_ratio_negative', -2, 0, 'Mills ratio R(a)'),
    ('m', 'mean_gap', TABLE_LOW, TAIL_START, 'mean gap m(a)'),
    ('v', 'truncated_variance', TABLE_LOW, TAIL_START, 'truncated variance v(a)'),
    ('L', 'log_mills_ratio', TABLE_LOW, TAIL_START, 'log Mills ratio log R(a)'),
]
TAILS = [
    ('R', 'mills_ratio', 'a R(a) = 1 + t g(t)'),
    ('m', 'mean_gap', 'a m(a) = 1 + t g(t)'),
    ('v', 'truncated_variance', 'a^2 v(a) = 1 + t g(t)'),
    ('L', 'log_mills_ratio', 'log R(a) = -log(a) + t g(t)'),
]


def generate(progress=True):
    lines = []
    summary = []
    w = lines.append
    w('// ---- generated by tools/fit_tail_approximations.py: do not edit by hand ----')
    w('// Settings: %d digits, interval width %s, tables from %d (R: from -2) to %d, tail in'
      % (DPS, mp.nstr(WIDTH, 3), TABLE_LOW, TAIL_START))
    w('// t = 1/a^2 beyond; target relative error of the interpolants %s (%d samples per'
      % (log2_error(TARGET), SAMPLES))
    w('// interval).')
    w('// Measured maximum relative error of each fit with its double coefficients, in exact')
    w('// arithmetic (and of the interpolant with exact coefficients):')
    body = []
    for name, ident, low, high, text in TABLES:
        degree, fits = fit_table(name, mp.mpf(low), mp.mpf(high))
        worst = max(f[1] for f in fits)
        worst_unrounded = max(f[2] for f in fits)
        summary.append('%-20s table  degree %2d  %d intervals  max rel error %s '
                       '(interpolant %s)' % (ident, degree, len(fits), log2_error(worst),
                                             log2_error(worst_unrounded)))
        if progress:
            print(summary[-1], file=sys.stderr)
        w('//   %-20s table on [%d, %d): degree %2d, %s (interpolant %s)'
          % (ident, low, high, degree, log2_error(worst), log2_error(worst_unrounded)))
        body.append('')
        body.append('// %s on [%d, %d) and one interval past it:' % (text, low, high))
        body.append('// row k, for [%d + k/2, %d + (k+1)/2), is the polynomial in x = a - midpoint,'
                    % (low, low))
        body.append('// {c0_hi, c0_lo, c1_hi, c1_lo, c2, ..., c%d}.' % degree)
        if name == 'L':
            hi, lo, _ = zero_pair()
            body.append('// The polynomial is that of log R(a)/(a - a0), a0 = a0_hi + a0_lo the '
                        'zero of log R.')
            body.append('inline constexpr double log_mills_ratio_zero_hi = %s;' % literal(hi))
            body.append('inline constexpr double log_mills_ratio_zero_lo = %s;' % literal(lo))
        rows = [f[0] for f in fits]
        width = degree + 3
        body.append('inline constexpr int %s_degree = %d;' % (ident, degree))
        body.append('inline constexpr double %s_table[%d][%d] = {' % (ident, len(fits), width))
        body.extend(format_rows(rows, '    '))
        body.append('};')
    for name, ident, text in TAILS:
        degree, coeffs, err = fit_tail(name)
        summary.append('%-20s tail   degree %2d  max rel error %s'
                       % (ident, degree, log2_error(err)))
        if progress:
            print(summary[-1], file=sys.stderr)
        w('//   %-20s tail, t in [0, 1/%d]: degree %d, %s'
          % (ident, TAIL_START ** 2, degree, log2_error(err)))
        body.append('')
        body.append('// Tail a >= %d, t = 1/a^2: %s, g(t) = sum_k c_k t^k.'
                    % (TAIL_START, text))
        body.append('inline constexpr double %s_tail[%d] = {' % (ident, degree + 1))
        items = [literal(x) for x in coeffs]
        for i in range(0, len(items), 3):
            body.append('    ' + ', '.join(items[i:i + 3]) + ',')
        body.append('};')
    lines.extend(body)
    lines.append('')
    lines.append('// Constants, correctly rounded (sqrt(2 pi) also as hi + lo).')
    hi, lo = split(mp.sqrt(2 * mp.pi))
    lines.append('inline constexpr double sqrt_2pi_hi = %s;' % literal(hi))
    lines.append('inline constexpr double sqrt_2pi_lo = %s;' % literal(lo))
    lines.append('inline constexpr double inv_sqrt_2pi = %s;'
                 % literal(to_double(1 / mp.sqrt(2 * mp.pi))))
    lines.append('inline constexpr double log_sqrt_2pi = %s;'
                 % literal(to_double(mp.log(mp.sqrt(2 * mp.pi)))))
    lines.append('// ---- end of generated tables ----')
    return lines, summary


# --- Reference points ---------------------------------------------------------------------------

def next_up(x):
    if x == math.inf:
        return x
    b = struct.unpack('<q', struct.pack('<d', x))[0]
    b = b + 1 if x >= 0 else b - 1
    if x == 0:
        return 5e-324
    return struct.unpack('<d', struct.pack('<q', b))[0]


def next_down(x):
    return -next_up(-x)


def csv_points(extra_random=0):
    pts = set()
    # Dense in [0, 30]: a quasi-random (golden ratio) sequence, 1500 points.
    g = (math.sqrt(5) - 1) / 2
    for i in range(1500):
        pts.add(30.0 * ((0.5 + i * g) % 1.0))
    # Negative side [-40, 0): 500 points.
    for i in range(500):
        pts.add(-40.0 * ((0.25 + i * g) % 1.0))
    # Log-spaced beyond 30, up to 1e300: 300 points.
    for i in range(300):
        pts.add(float(30.0 * 10 ** (i * (300 - math.log10(30)) / 299)))
    # Every interval boundary, +-1 ulp, and the zero of log R with its neighbours.
    for k in range(2 * (TAIL_START - TABLE_LOW) + 1):
        b = TABLE_LOW + 0.5 * k
        for x in (b, next_up(b), next_down(b)):
            pts.add(x)
    z = float(zero_of_log_mills_ratio())
    x = z
    for _ in range(4):
        x = next_down(x)
    for _ in range(9):
        pts.add(x)
        x = next_up(x)
    # The thresholds of the closed forms below -8, and special values (some beyond [-40, 1e300]).
    for b in (-40.0, -38.0, -1e150):
        for x in (b, next_up(b), next_down(b)):
            pts.add(x)
    for x in (0.0, 5e-324, 1e-300, 1e-20, 1e-8, -5e-324, -1e-300, -1e-20, -1e-8, -37.6, -37.7,
              -1e10, -1e100, -1.3e154, -1.4e154, -1.9e154, -2e154, -1e200, 1e100, 1e150,
              1.3e154, 1.4e154, 2e154, 1e200, 1e300, 1e305, 1e308, 1.7976931348623157e308):
        pts.add(x)
    # Optional extra points for a deeper check (not in the committed file): uniform on [-10, 40]
    # and log-uniform on [40, 1e300], from a fixed seed.
    import random
    rng = random.Random(20240601)
    for i in range(extra_random):
        if i % 4:
            pts.add(rng.uniform(-10.0, 40.0))
        else:
            pts.add(40.0 * 10 ** rng.uniform(0.0, 298.0))
    return sorted(pts)


def write_csv(path, extra_random=0):
    pts = csv_points(extra_random)
    with open(path, 'w') as out:
        out.write('# Reference values of the standard normal tail functions, from mpmath at %d '
                  'digits\n' % DPS)
        out.write('# (tools/fit_tail_approximations.py --csv). a is an exact double; columns:\n')
        out.write('# R = Q(a)/phi(a), m = 1/R - a, v = 1 - m/R, logR = log R, am = a m, '
                  'a2v = a^2 v;\n')
        out.write('# 36 significant digits; inf (0.0) where |value| > 1e1000 (< 1e-1000).\n')
        out.write('a,R,m,v,logR,am,a2v\n')
        for x in pts:
            ref = reference(x)
            fields = [repr(x)]
            for key in ('R', 'm', 'v', 'L', 'am', 'a2v'):
                y = ref[key]
                if abs(y) > mp.mpf(10) ** 1000:     # far beyond any floating-point range
                    fields.append('inf' if y > 0 else '-inf')
                elif abs(y) < mp.mpf(10) ** -1000:
                    fields.append('0.0' if y >= 0 else '-0.0')
                else:
                    fields.append(mp.nstr(y, 36, min_fixed=1, max_fixed=0))
            out.write(','.join(fields) + '\n')
    return len(pts)


def update_header(path, lines):
    with open(path) as f:
        text = f.read()
    begin = text.index('// ---- generated by tools/fit_tail_approximations.py')
    end_marker = '// ---- end of generated tables ----'
    end = text.index(end_marker) + len(end_marker)
    text = text[:begin] + '\n'.join(lines) + text[end:]
    with open(path, 'w') as f:
        f.write(text)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--update-header', action='store_true',
                        help='rewrite the generated block of include/drelu/'
                             'tail_approximations.hpp')
    parser.add_argument('--csv', metavar='PATH', help='write the reference points to PATH')
    parser.add_argument('--random', metavar='N', type=int, default=0,
                        help='add N pseudo-random points to the CSV (a deeper check; the '
                             'committed file has none)')
    parser.add_argument('--no-fit', action='store_true', help='skip the fits (with --csv)')
    args = parser.parse_args()
    if not args.no_fit:
        lines, summary = generate()
        root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        if args.update_header:
            update_header(os.path.join(root, 'include', 'drelu', 'tail_approximations.hpp'),
                          lines)
        else:
            print('\n'.join(lines))
    if args.csv:
        n = write_csv(args.csv, args.random)
        print('wrote %d reference points to %s' % (n, args.csv), file=sys.stderr)


if __name__ == '__main__':
    main()
