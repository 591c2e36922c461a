# Independent reference rows of the same kinds as shared/reference/drelu_public.csv (grid-free:
# random units, tails at other R, other scale extremes, Gaussian, near-Gaussian, near-symmetric
# and near-equal-mass units), computed here with mpmath at 90 digits from the closed forms of the
# reference README, with condition numbers by forward differences of relative step 1e-30 (tp and
# tn perturbed separately when the input is not 0). Writes the same file names the test reads:
#   python3 tools/make_independent_reference.py && mv drelu_*.csv tests/data/independent/
# (the committed copy was made with seed 777; the CTest entry drelu_reference_independent runs
# the reference-table test on it).
import mpmath as mp, random, math, sys
mp.mp.dps = 90
def side(t, g):
    s = 1/mp.sqrt(g); a = -t*s
    Q = mp.erfc(a/mp.sqrt(2))/2
    lam = mp.npdf(a)/Q
    logZ = mp.log(s*mp.sqrt(2*mp.pi)) + a*a/2 + mp.log(Q)
    return logZ, s*(lam-a), s*s*(1-lam*(lam-a))
def logZ(t, g):
    return side(t, g)[0]
def quantities(tp_, tn_, gp_, gn_, I_):
    tp = mp.mpf(tp_)+mp.mpf(I_); tn = mp.mpf(tn_)+mp.mpf(I_)
    return quantities_t(tp, tn, mp.mpf(gp_), mp.mpf(gn_), mp.mpf(tp_), mp.mpf(tn_), mp.mpf(I_))
def quantities_t(tp, tn, gp, gn, thp, thn, I):
    lp, mpos, vp = side(tp, gp)
    ln, mneg, vn = side(-tn, gn)
    big = max(lp, ln)
    cgf = big + mp.log(mp.e**(lp-big) + mp.e**(ln-big))
    pp = mp.e**(lp-cgf); pn = mp.e**(ln-cgf)
    mean = pp*mpos - pn*mneg
    var = pp*vp + pn*vn + pp*pn*(mpos+mneg)**2
    mabs = pp*mpos + pn*mneg
    if tp <= 0 <= tn: mode = mp.mpf(0)
    elif tp > 0 and tn >= 0: mode = tp/gp
    elif tp <= 0 and tn < 0: mode = tn/gn
    else: mode = tp/gp if tp*tp/gp >= tn*tn/gn else tn/gn
    out = {'cgf': cgf, 'pp': pp, 'mean': mean, 'var': var, 'mean_abs': mabs, 'mode': mode}
    for name, h in (('m1', -1), ('0p5', mp.mpf('0.5')), ('2', 2)):
        h = mp.mpf(h)
        U = (gp/2*h*h - thp*h) if h >= 0 else (gn/2*h*h - thn*h)
        Ut = (gp/2*h*h - tp*h) if h >= 0 else (gn/2*h*h - tn*h)
        out['logpdf_'+name] = -Ut - cgf
        if h < 0:
            cdf = mp.e**(-cgf - Ut + logZ(gn*h - tn, gn))
        else:
            cdf = 1 - mp.e**(-cgf - Ut + logZ(tp - gp*h, gp))
        out['cdf_'+name] = cdf
        out['energy_'+name] = U
    return out
COLS = ['cgf','pp','mean','var','mean_abs','mode','logpdf_m1','logpdf_0p5','logpdf_2','cdf_m1','cdf_0p5','cdf_2','energy_m1','energy_0p5','energy_2']
def cond(params):
    base = quantities(*params)
    names = list(range(5))
    conds = {c: mp.mpf(0) for c in COLS}
    eps = mp.mpf('1e-30')
    tp_, tn_, gp_, gn_, I_ = [mp.mpf(x) for x in params]
    # perturb theta_p, theta_n, gamma_p, gamma_n, input, and (if I != 0) tp and tn directly
    variants = []
    for k in range(5):
        p = [tp_, tn_, gp_, gn_, I_]
        if p[k] == 0: continue
        p[k] = p[k]*(1+eps)
        variants.append(quantities_t(p[0]+p[4], p[1]+p[4], p[2], p[3], p[0], p[1], p[4]))
    if I_ != 0:
        for k in range(2):
            tp, tn = tp_+I_, tn_+I_
            if k == 0: tp = tp*(1+eps)
            else: tn = tn*(1+eps)
            variants.append(quantities_t(tp, tn, gp_, gn_, tp_, tn_, I_))
    for v in variants:
        for c in COLS:
            if base[c] != 0: conds[c] += abs((v[c]-base[c])/base[c])/eps
            elif v[c] != 0: conds[c] = mp.inf
    return base, conds
rng = random.Random(777)
rows = []
def add(regime, tp, tn, gp, gn, I=0.0):
    rows.append((regime, float(tp), float(tn), float(gp), float(gn), float(I)))
for _ in range(60): add('random', rng.gauss(0,3), rng.gauss(0,3), 10**rng.uniform(-1,1), 10**rng.uniform(-1,1), rng.gauss(0,2))
for _ in range(20): add('random_noinput', rng.gauss(0,3), rng.gauss(0,3), 10**rng.uniform(-1,1), 10**rng.uniform(-1,1))
for R in (20, 300, 3e4, 3e5):
    for sp in (1,-1):
        for sn in (1,-1):
            add('tail_both', -sp*R, sn*R, 1, 1)
            add('tail_both_scaled', -sp*R*0.5, sn*R*2, 0.25, 4)
            add('tail_pos_side', -sp*R, sn*1.5, 1, 2)
            add('tail_neg_side', sp*0.7, sn*R*0.25, 1.3, 0.0625)
for g in (1e-6, 1e-3, 1e3, 1e6):
    add('scale_both_moderate', rng.uniform(-2,2), rng.uniform(-2,2), g, g)
    add('scale_both_large', rng.uniform(-2e3,2e3), rng.uniform(-2e3,2e3), g, g)
    add('scale_gamma_p_only', rng.uniform(-2,2), rng.uniform(-2,2), g, 1)
    add('scale_gamma_n_only', rng.uniform(-2,2), rng.uniform(-2,2), 1, g)
for _ in range(10):
    t = rng.gauss(0,5); g = 10**rng.uniform(-2,2); add('gauss_exact', t, t, g, g)
for _ in range(4):
    t = rng.gauss(0,5); g = 10**rng.uniform(-1,1); add('gauss_exact_input', t, t, g, g, rng.gauss(0,3))
for e in (3e-12, 3e-9, 3e-7):
    add('gauss_near', 2.5, 2.5*(1+e), 1.5, 1.5); add('gauss_near', -1.5, -1.5, 0.8, 0.8*(1+e))
for T in (7, 70, 3e3, 3e4):
    for e in (1e-14, 1e-9, 1e-5):
        add('near_sym', T, -T*(1+e), 1, 1)
for _ in range(6):
    add('equal_mass_like', rng.uniform(0.5,5), -rng.uniform(0.5,5), 10**rng.uniform(-1,1), 10**rng.uniform(-1,1))
out = open('drelu_public.csv', 'w')
meta = open('drelu_public_meta.csv', 'w')
out.write('theta_p,theta_n,gamma_p,gamma_n,input,'+','.join(COLS)+',finite_in_double\n')
meta.write('row,regime,mode_flag,'+','.join('cond_'+c for c in COLS)+'\n')
for k,(reg,tp,tn,gp,gn,I) in enumerate(rows):
    base, conds = cond((tp,tn,gp,gn,I))
    finite = all(v == 0 or (mp.mpf('2.2250738585072014e-308') <= abs(v) <= mp.mpf('1.7976931348623157e308')) for v in base.values())
    tpe, tne = mp.mpf(tp)+mp.mpf(I), mp.mpf(tn)+mp.mpf(I)
    flag = ''
    if tpe > 0 > tne:
        hp, hn = tpe*tpe/gp, tne*tne/gn
        if hp == hn: flag = 'tie'
        elif abs(hp-hn) <= mp.mpf('1e-10')*max(hp,hn): flag = 'near_tie'
    out.write(','.join(repr(x) for x in (tp,tn,gp,gn,I)) + ',' + ','.join(mp.nstr(base[c], 25, min_fixed=0, max_fixed=0) for c in COLS) + ',' + ('1' if finite else '0') + '\n')
    meta.write('%d,%s,%s,' % (k, reg, flag) + ','.join(('inf' if conds[c] == mp.inf else mp.nstr(conds[c], 3, min_fixed=0, max_fixed=0)) for c in COLS) + '\n')
print(len(rows))
