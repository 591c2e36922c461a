// Tests of the special functions of the standard normal tail (special_functions.hpp) against
// values computed offline with python3 + mpmath 1.3 at 80 to 1400 digits.
//
// Every reference table below was printed by python3 code of this form:
//
//   from mpmath import mp, mpf, erfc, exp, log, log1p, sqrt, pi, npdf, diff
//   import struct
//   mp.dps = 80
//   f32 = lambda x: struct.unpack('f', struct.pack('f', x))[0]    # round to float
//   Q = lambda a: erfc(a / sqrt(2)) / 2
//   lam = lambda a: npdf(a) / Q(a)
//   def erfcx(x):
//       x = mpf(x)
//       return erfc(x) * exp(x * x) if x < 1e50 else (1 - 1 / (2 * x * x)) / (x * sqrt(pi))
//   s = lambda v: mp.nstr(v, 25) + 'L'
//   def table(f, xs):   # one row {x, f(x), f(f32(x)), cond} per point
//       for x in xs:
//           xf = f32(x)
//           vf = f(mpf(xf)) if abs(xf) != float('inf') else None   # None: x overflows float
//           c = 0 if x == 0 else abs(x * diff(f, mpf(x)) / f(mpf(x))) if abs(x) < 1e90 else 1
//           print('{%r, %s, %s, %s},' % (x, s(f(mpf(x))), 'kNaN' if vf is None else s(vf),
//                                        mp.nstr(c, 3)))
//
// (two-argument tables print {a, w, f(a, w), f(f32(a), f32(w)), cond_a + cond_w}). The third
// column is the value at the float nearest to the argument, so that float is tested at the
// argument it really receives. cond = |x f'(x)/f(x)| is the relative condition number.
//
// Tolerances, u = epsilon of the tested type (2^-23, 2^-52, 2^-63):
//   erfcx, log_mills_ratio, truncated moments: |error| <= 4 u max(|ref|, floor) (floor 1 for
//     logs: an absolute error u in log R is a relative error u in R; 0 otherwise).
//   inverse_mills_ratio, log_tail_ratio, truncated_cdf, log_normal_tail: their arguments are
//     scaled (a/sqrt 2) inside, which costs cond u, so |error| <= 4 u max(1, cond) |ref|.
// A reference beyond the largest finite T must come out as +-inf; one below the smallest
// normal T may be flushed to zero (absolute allowance of numeric_limits<T>::min()).
#include <cmath>
#include <drelu/drelu.hpp>
#include <limits>
#include <string>
#include <type_traits>

#include "catch.hpp"
#include "test_helpers.hpp"

namespace {

using drelu_test::check_close;
using drelu_test::epsilon;
using drelu_test::ErrorTable;

const long double kNaN = std::numeric_limits<long double>::quiet_NaN();

struct Point {
  double x;
  long double at_double;  // f(x)
  long double at_float;   // f(float(x)), kNaN when x does not fit in a float
  double cond;
};

struct Pair {
  double a;
  double w;
  long double at_double;
  long double at_float;
  double cond;
};

// table(erfcx, [-30, -5, -1, 0, 1e-10, 0.3, 0.5, 1, 5, 10, 25.9, 26, 26.1, 30,
//                100, 1e5, 1e10, 1e300])
const Point kErfcx[] = {
    {-30, 1.465762844461484341037733e+391L, 1.465762844461484341037733e+391L, 1.8e+3},
    {-5, 144009798674.6610404105896L, 144009798674.6610404105896L, 50.0},
    {-1, 5.008980080762283466309825L, 5.008980080762283466309825L, 2.23},
    {0, 1.0L, 1.0L, 0.0},
    {1e-10, 0.9999999998871620833004487L, 0.999999999887162081793901L, 1.13e-10},
    {0.3, 0.7345993345676551499197833L, 0.7345993263705912187249071L, 0.281},
    {0.5, 0.6156903441929258748707934L, 0.6156903441929258748707934L, 0.416},
    {1, 0.4275835761558070044107503L, 0.4275835761558070044107503L, 0.639},
    {5, 0.1107046377330686263702121L, 0.1107046377330686263702121L, 0.964},
    {10, 0.05614099274382258585751739L, 0.05614099274382258585751739L, 0.99},
    {25.9, 0.02176718115073821256188067L, 0.02176718147086131149967559L, 0.999},
    {26, 0.02168358485056290661617299L, 0.02168358485056290661617299L, 0.999},
    {26.1, 0.02160062772634620660233843L, 0.02160062741109971417451261L, 0.999},
    {30, 0.01879588886141675149712533L, 0.01879588886141675149712533L, 0.999},
    {100, 0.005641613782989432903556457L, 0.005641613782989432903556457L, 1.0},
    {100000.0, 0.000005641895835195468077749231L, 0.000005641895835195468077749231L, 1.0},
    {10000000000.0, 5.641895835477562869452585e-11L, 5.641895835477562869452585e-11L, 1.0},
    {1e+300, 5.641895835477562573254406e-301L, kNaN, 1.0},
};

// logR = lambda a: log(sqrt(pi / 2) * erfcx(a / sqrt(2)))
// table(logR, [-40, -10, -1, -0.3, 0, 0.3, 0.5, 1, 3, 5.99, 6, 6.01, 10, 26, 100, 1e3, 1e6,
//              1e10, 1e100])
const Point kLogMillsRatio[] = {
    {-40, 800.9189385332046727417803L, 800.9189385332046727417803L, 2.0},
    {-10, 50.91893853320467274178032L, 50.91893853320467274178032L, 1.96},
    {-1, 1.246184754181222852253847L, 1.246184754181222852253847L, 1.03},
    {-0.3, 0.4825283716161915332760609L, 0.4825283825503162063212497L, 0.57},
    {0, 0.2257913526447274323630976L, 0.2257913526447274323630976L, 0.0},
    {0.3, 0.001835715035822081786799928L, 0.001835706713035181957913971L, 114.0},
    {0.5, -0.1319732283889458670993994L, -0.1319732283889458670993994L, 2.43},
    {1, -0.4220831118045907639904533L, -0.4220831118045907639904533L, 1.24},
    {3, -1.188787688305676801495747L, -1.188787688305676801495747L, 0.714},
    {5.99, -1.816244390182615291214576L, -1.816244353853842103766068L, 0.523},
    {6, -1.817830416770032913188524L, -1.817830416770032913188524L, 0.523},
    {6.01, -1.819414044591355611114916L, -1.819414080810320633661414L, 0.523},
    {10, -2.312346617307797836566698L, -2.312346617307797836566698L, 0.424},
    {26, -3.259570396723158947539686L, -3.259570396723158947539686L, 0.306},
    {100, -4.605270161000415884522128L, -4.605270161000415884522128L, 0.217},
    {1000.0, -6.907756278979637064387219L, -6.907756278979637064387219L, 0.145},
    {1000000.0, -13.81551055796527410410795L, -13.81551055796527410410795L, 0.0724},
    {10000000000.0, -23.02585092994045684018991L, -23.02585092994045684018991L, 0.0434},
    {1e+100, -230.258509299404568417702L, kNaN, 1.0},
};

// table(lam, [-30, -10, -5, -1, 0, 0.3, 1, 3, 5.99, 6, 6.01, 10, 100, 1e6, 1e10])
const Point kInverseMillsRatio[] = {
    {-30, 1.473646134878547519049493e-196L, 1.473646134878547519049493e-196L, 900.0},
    {-10, 7.694598626706419346339092e-23L, 7.694598626706419346339092e-23L, 100.0},
    {-5, 0.000001486719940904905712441744L, 0.000001486719940904905712441744L, 25.0},
    {-1, 0.2875999709391783612286701L, 0.2875999709391783612286701L, 1.29},
    {0, 0.7978845608028653558798921L, 0.7978845608028653558798921L, 0.0},
    {0.3, 0.9981659688584833198998548L, 0.9981659771660060039411179L, 0.209},
    {1, 1.525135276160981209089091L, 1.525135276160981209089091L, 0.525},
    {3, 3.283098654930436506928092L, 3.283098654930436506928092L, 0.849},
    {5.99, 6.148722829073211536470369L, 6.14872260569765854406287L, 0.951},
    {6, 6.158482604544598917277503L, 6.158482604544598917277503L, 0.951},
    {6.01, 6.168243075371024247741649L, 6.168243298778408490961517L, 0.951},
    {10, 10.09809323396251196284364L, 10.09809323396251196284364L, 0.981},
    {100, 100.0099980009992607051849L, 100.0099980009992607051849L, 1.0},
    {1000000.0, 1000000.000000999999999998L, 1000000.000000999999999998L, 1.0},
    {10000000000.0, 10000000000.0000000001L, 10000000000.0000000001L, 1.0},
};

// mp.dps = 120; gap = lambda a: lam(a) - a
// table(gap, [-50, -10, -3, -1, -0.1, 0, 0.1, 0.5, 1, 2, 3, 5, 5.99, 6, 6.01, 7, 10, 20, 50,
//             100, 1e3, 1e4, 1e6])
const Point kGap[] = {
    {-50, 50.0L, 50.0L, 1.0},
    {-10, 10.00000000000000000000008L, 10.00000000000000000000008L, 1.0},
    {-3, 3.004437839042125663793302L, 3.004437839042125663793302L, 0.985},
    {-1, 1.28759997093917836122867L, 1.28759997093917836122867L, 0.489},
    {-0.1, 0.8353317485057806704746994L, 0.8353317490805989888458092L, 0.0462},
    {0, 0.7978845608028653558798921L, 0.7978845608028653558798921L, 0.0},
    {0.1, 0.7626174715309361382839425L, 0.7626174710210886708403479L, 0.0449},
    {0.5, 0.641077770368064480883883L, 0.641077770368064480883883L, 0.209},
    {1, 0.5251352761609812090890905L, 0.5251352761609812090890905L, 0.379},
    {2, 0.3732155328228408672990327L, 0.3732155328228408672990327L, 0.612},
    {3, 0.2830986549304365069280922L, 0.2830986549304365069280922L, 0.748},
    {5, 0.186503967125842115616509L, 0.186503967125842115616509L, 0.877},
    {5.99, 0.1587228290732113233075481L, 0.1587228345794944815628704L, 0.908},
    {6, 0.1584826045445989172775027L, 0.1584826045445989172775027L, 0.908},
    {6.01, 0.1582430753710244609044699L, 0.1582430698965725534615165L, 0.908},
    {7, 0.1375456132265032764941423L, 0.1375456132265032764941423L, 0.929},
    {10, 0.09809323396251196284364165L, 0.09809323396251196284364165L, 0.963},
    {20, 0.04975306852785054221402331L, 0.04975306852785054221402331L, 0.99},
    {50, 0.01998403190563980941159352L, 0.01998403190563980941159352L, 0.998},
    {100, 0.009998000999260705184902395L, 0.009998000999260705184902395L, 1.0},
    {1000.0, 0.000999998000009999926000706L, 0.000999998000009999926000706L, 1.0},
    {10000.0, 0.0000999999980000000999999926L, 0.0000999999980000000999999926L, 1.0},
    {1000000.0, 0.00000099999999999800000000001L, 0.00000099999999999800000000001L, 1.0},
};

// mp.dps = 120; var = lambda a: 1 - lam(a) * (lam(a) - a); table(var, <same points as kGap>)
const Point kVariance[] = {
    {-50, 1.0L, 1.0L, 0.0},
    {-10, 0.9999999999999999999992305L, 0.9999999999999999999992305L, 7.62e-20},
    {-3, 0.9866667884582591937909535L, 0.9866667884582591937909535L, 0.108},
    {-1, 0.6296862857766054008612445L, 0.6296862857766054008612445L, 0.47},
    {-0.1, 0.3857540447888532642841932L, 0.3857540451307484135765531L, 0.0595},
    {0, 0.3633802276324186569244649L, 0.3633802276324186569244649L, 0.0},
    {0.1, 0.3421528449626681905751222L, 0.3421528446549015277765168L, 0.0604},
    {0.5, 0.2684804071558789461800924L, 0.2684804071558789461800924L, 0.303},
    {1, 0.199097665570348791553368L, 0.199097665570348791553368L, 0.587},
    {2, 0.1142791004140812566441677L, 0.1142791004140812566441677L, 1.04},
    {3, 0.07055918678526811686240206L, 0.07055918678526811686240206L, 1.34},
    {5, 0.03269643461711222534531581L, 0.03269643461711222534531581L, 1.66},
    {5.99, 0.02405731738246028184820563L, 0.02405731898065227005936117L, 1.74},
    {6, 0.02398763678916677094695708L, 0.02398763678916677094695708L, 1.74},
    {6.01, 0.02391824611726329537053607L, 0.02391824453234304469694505L, 1.74},
    {7, 0.0182619116966222314659098L, 0.0182619116966222314659098L, 1.8},
    {10, 0.009445377825656261164136818L, 0.009445377825656261164136818L, 1.89},
    {20, 0.002463261615052163599685286L, 0.002463261615052163599685286L, 1.97},
    {50, 0.0003990431868038995479099272L, 0.0003990431868038995479099272L, 2.0},
    {100, 0.00009994004994826345036127725L, 0.00009994004994826345036127725L, 2.0},
    {1000.0, 0.0000009999940000499994820063539L, 0.0000009999940000499994820063539L, 2.0},
    {10000.0, 9.99999940000004999999482e-9L, 9.99999940000004999999482e-9L, 2.0},
    {1000000.0, 9.9999999999400000000005e-13L, 9.9999999999400000000005e-13L, 2.0},
};

// mp.dps = 1400
// lam_asym = lambda a: a / (1 - a**-2 + 3 * a**-4 - 15 * a**-6 + 105 * a**-8)
// L = lambda a: lam(a) if a < 1e25 else lam_asym(a)
// sgap = lambda a: a * (L(a) - a); svar = lambda a: a * a * (1 - L(a) * (L(a) - a))
// table(sgap, [6, 6.01, 8, 10, 20, 100, 1e3, 1e6, 1e10, 1e30, 1e100, 1e300])
const Point kScaledGap[] = {
    {6, 0.9508956272675935036650165L, 0.9508956272675935036650165L, 0.0919},
    {6.01, 0.9510408829798569763043236L, 0.9510408862973654086173787L, 0.0916},
    {8, 0.9709448978889014452281619L, 0.9709448978889014452281619L, 0.0558},
    {10, 0.9809323396251196284364165L, 0.9809323396251196284364165L, 0.0371},
    {20, 0.9950613705570108442804662L, 0.9950613705570108442804662L, 0.00981},
    {100, 0.9998000999260705184902395L, 0.9998000999260705184902395L, 0.0004},
    {1000.0, 0.999998000009999926000706L, 0.999998000009999926000706L, 4.0e-6},
    {1000000.0, 0.99999999999800000000001L, 0.99999999999800000000001L, 4.0e-12},
    {10000000000.0, 0.99999999999999999998L, 0.99999999999999999998L, 4.0e-20},
    {1e+30, 1.0L, 1.0L, 4.0e-60},
    {1e+100, 1.0L, kNaN, 1.0},
    {1e+300, 1.0L, kNaN, 1.0},
};

// table(svar, <same points as kScaledGap>)
const Point kScaledVariance[] = {
    {6, 0.863554924410003754090455L, 0.863554924410003754090455L, 0.261},
    {6.01, 0.8639294415801618938295607L, 0.8639294501355949477569464L, 0.26},
    {8, 0.9167925403738182512470743L, 0.9167925403738182512470743L, 0.162},
    {10, 0.9445377825656261164136818L, 0.9445377825656261164136818L, 0.109},
    {20, 0.9853046460208654398741145L, 0.9853046460208654398741145L, 0.0292},
    {100, 0.9994004994826345036127725L, 0.9994004994826345036127725L, 0.0012},
    {1000.0, 0.9999940000499994820063539L, 0.9999940000499994820063539L, 1.2e-5},
    {1000000.0, 0.99999999999400000000005L, 0.99999999999400000000005L, 1.2e-11},
    {10000000000.0, 0.99999999999999999994L, 0.99999999999999999994L, 1.2e-19},
    {1e+30, 1.0L, 1.0L, 1.2e-59},
    {1e+100, 1.0L, kNaN, 1.0},
    {1e+300, 1.0L, kNaN, 1.0},
};

// mp.dps = 200; ltr = lambda a, w: log(Q(a + w) / Q(a))
// pairs = [(-20, 0.1), (-20, 0.5), (-10, 1e-10), (-10, 0.3), (-10, 0.5), (-10, 2),
//          (-3, 0.25), (-3, 5), (-1, 0.4999), (-1, 0.5), (-1, 0.5001), (-0.75, 0.5),
//          (0, 1e-8), (0, 0.5), (0, 1), (0.3, 10), (2, 0.1), (2, 3), (5.99, 0.5), (6, 0.01),
//          (6, 1), (10, 1e-12), (10, 0.5), (10, 0.5001), (30, 2), (1e3, 1e-3), (1e3, 1),
//          (1e6, 1e-6)]
// table2(ltr, pairs)
const Pair kLogTailRatio[] = {
    {-20, 0.1, -1.759280796922048978565766e-88L, -1.759280857407551632457712e-88L, 401.0},
    {-20, 0.5, -5.488840113248549324178257e-85L, -5.488840113248549324178257e-85L, 401.0},
    {-10, 1e-10, -7.694598630553718941293046e-33L, -7.694598733287628787815212e-33L, 101.0},
    {-10, 0.3, -1.43129463856858895009982e-22L, -1.431294814699787297180905e-22L, 101.0},
    {-10, 0.5, -1.041831654512100223218055e-21L, -1.041831654512100223218055e-21L, 101.0},
    {-10, 2, -6.220960498073255816928258e-16L, -6.220960498073255816928258e-16L, 97.5},
    {-3, 0.25, -0.001633401603625998200412054L, -0.001633401603625998200412054L, 10.0},
    {-3, 5, -3.781833523717283755036706L, -3.781833523717283755036706L, 5.02},
    {-1, 0.4999, -0.1961417227909004619276408L, -0.1961417295154110567765634L, 2.43},
    {-1, 0.5, -0.1961926362652065035391325L, -0.1961926362652065035391325L, 2.43},
    {-1, 0.5001, -0.1962435548777581874510896L, -0.1962435633275851023776882L, 2.43},
    {-0.75, 0.5, -0.2559898085710651954375138L, -0.2559898085710651954375138L, 2.01},
    {0, 1e-08, -7.978845639859642380451475e-9L, -7.978845591368439262345941e-9L, 1.0},
    {0, 0.5, -0.482764581033673299462497L, -0.482764581033673299462497L, 1.18},
    {0, 1, -1.147874464449318196353551L, -1.147874464449318196353551L, 1.33},
    {0.3, 10, -55.3431931349061149767394L, -55.3431932469291332137426L, 1.93},
    {2, 0.1, -0.2417598885619522841807453L, -0.2417598922307343139143229L, 1.75},
    {2, 3, -11.28181406030669378724816L, -11.28181406030669378724816L, 1.88},
    {5.99, 0.5, -3.196492515042263345418729L, -3.19649240316773992782525L, 1.95},
    {6, 0.01, -0.06163362782132273294195543L, -0.06163362644261296644824094L, 1.95},
    {6, 1, -6.64753854883636958766127L, -6.64753854883636958766127L, 1.96},
    {10, 1e-12, -1.009809323396300703704822e-11L, -1.009809319361301802374702e-11L, 1.98},
    {10, 0.5, -5.172901910560772837401439L, -5.172901910560772837401439L, 1.98},
    {10, 0.5001, -5.17396127391033209642094L, -5.173961449701200471692514L, 1.98},
    {30, 2, -62.06440466938217706466962L, -62.06440466938217706466962L, 2.0},
    {1000.0, 0.001, -1.000001499997500034149953L, -1.000001547495046313483882L, 2.0},
    {1000.0, 1, -1000.500999498336089513137L, -1000.500999498336089513137L, 2.0},
    {1000000.0, 1e-06, -1.000000000001499954748109L, -0.9999999974767427078732992L, 2.0},
};

// tcdf = lambda a, w: 1 - Q(a + w) / Q(a); table2(tcdf, <same pairs as kLogTailRatio>)
const Pair kTruncatedCdf[] = {
    {-20, 0.1, 1.759280796922048978565766e-88L, 1.759280857407551632457712e-88L, 401.0},
    {-20, 0.5, 5.488840113248549324178257e-85L, 5.488840113248549324178257e-85L, 401.0},
    {-10, 1e-10, 7.694598630553718941293046e-33L, 7.694598733287628787815212e-33L, 101.0},
    {-10, 0.3, 1.431294638568588950099717e-22L, 1.431294814699787297180803e-22L, 101.0},
    {-10, 0.5, 1.041831654512100223217513e-21L, 1.041831654512100223217513e-21L, 101.0},
    {-10, 2, 6.220960498073253881910782e-16L, 6.220960498073253881910782e-16L, 97.5},
    {-3, 0.25, 0.001632068329249602082522545L, 0.001632068329249602082522545L, 9.99},
    {-3, 5, 0.9772191161815955347402954L, 0.9772191161815955347402954L, 0.442},
    {-1, 0.4999, 0.1781042549350548284611027L, 0.1781042604619014554289062L, 2.2},
    {-1, 0.5, 0.1781460994377198927835327L, 0.1781460994377198927835327L, 2.2},
    {-1, 0.5001, 0.178187946032662395115443L, 0.1781879529768319784012471L, 2.2},
    {-0.75, 0.5, 0.2258501415546878929671707L, 0.2258501415546878929671707L, 1.77},
    {0, 1e-08, 7.978845608028653592756044e-9L, 7.978845559537450861554332e-9L, 1.0},
    {0, 0.5, 0.3829249225480262072754092L, 0.3829249225480262072754092L, 0.919},
    {0, 1, 0.6826894921370858971704651L, 0.6826894921370858971704651L, 0.709},
    {0.3, 10, 0.9999999999999999999999991L, 0.9999999999999999999999991L, 9.85e-23},
    {2, 0.1, 0.214755298847999673353982L, 0.2147553017288913165992726L, 1.55},
    {2, 3, 0.9999874000039853775048679L, 0.9999874000039853775048679L, 0.000267},
    {5.99, 0.5, 0.9590945721734225416129119L, 0.9590945675971470423374766L, 0.266},
    {6, 0.01, 0.05977270318070221742497537L, 0.05977270188440165968261382L, 1.89},
    {6, 1, 0.9987027887990256227524413L, 0.9987027887990256227524413L, 0.0169},
    {10, 1e-12, 1.009809323391202129356749e-11L, 1.009809319356203228067375e-11L, 1.98},
    {10, 0.5, 0.994331903379087745221401L, 0.994331903379087745221401L, 0.0584},
    {10, 0.5001, 0.9943379047735197908149377L, 0.9943379057688643400151298L, 0.0584},
    {30, 2, 1.0L, 1.0L, 1.38e-25},
    {1000.0, 0.001, 0.6321211106463858867432369L, 0.6321211281197300440359991L, 1.16},
    {1000.0, 1, 1.0L, 1.0L, 0.0},
    {1000000.0, 1e-06, 0.6321205588291094809189927L, 0.6321205579003031946740263L, 1.16},
};

// lQ = lambda y: log(Q(y)) if y >= 0 else log1p(-Q(-y))
// table(lQ, [-30, -5, -1, -1e-10, 0, 1e-10, 0.5, 1, 5, 6, 30, 1e5, 1e10])
const Point kLogNormalTail[] = {
    {-30, -4.906713927148187059533809e-198L, -4.906713927148187059533809e-198L, 901.0},
    {-5, -0.0000002866516129637635933845963L, -0.0000002866516129637635933845963L, 25.9},
    {-1, -0.1727537790234498895264832L, -0.1727537790234498895264832L, 1.66},
    {-1e-10, -0.6931471804801568533401287L, -0.6931471804801568522748385L, 1.15e-10},
    {0, -0.6931471805599453094172321L, -0.6931471805599453094172321L, 0.0},
    {1e-10, -0.6931471806397337655007018L, -0.6931471806397337665659919L, 1.15e-10},
    {0.5, -1.175911761593618608879729L, -1.175911761593618608879729L, 0.485},
    {1, -1.841021645009263505770783L, -1.841021645009263505770783L, 0.828},
    {5, -15.0649983939887257360837L, -15.0649983939887257360837L, 1.72},
    {6, -20.73676894997470565496885L, -20.73676894997470565496885L, 1.78},
    {30, -454.3212439563431971073558L, -454.3212439563431971073558L, 1.98},
    {100000.0, -5000000012.431863998274901L, -5000000012.431863998274901L, 2.0},
    {10000000000.0, -50000000000000000023.94479L, -50000000000000000023.94479L, 2.0},
};

template <class T>
long double reference(long double at_double, long double at_float) {
  return std::is_same<T, float>::value ? at_float : at_double;
}

// How a reference value is compared (see the file comment).
struct Tolerance {
  long double ulps;
  long double floor;          // the bound is ulps u max(|ref|, floor)
  bool use_cond;              // multiply by max(1, cond)
  bool double_level = false;  // long double held to double's u (see kMomentUlps)
};

// The unit of a tolerance: the type's epsilon, except that truncated_moments in long double is
// promised to double precision only. It has no wider type to absorb the cancellation of
// lambda - a and 1 - lambda m below a = 6 (a factor up to 2 a^2 + 3), so it keeps about 58
// bits there: well inside double's bound, which is the contract for long double layers.
template <class T>
long double tolerance_epsilon(const Tolerance& tolerance) {
  if (tolerance.double_level && std::is_same<T, long double>::value) {
    return std::numeric_limits<double>::epsilon();
  }
  return epsilon<T>();
}

template <class T>
void check_value(ErrorTable& table, const std::string& group, const std::string& where, T got,
                 long double ref, double cond, const Tolerance& tolerance) {
  const long double largest = std::numeric_limits<T>::max();
  if (std::fabs(ref) > largest) {
    check_close(table, group + " (overflow)", where, got, std::copysign(INFINITY, ref), 0);
    return;
  }
  long double bound =
      tolerance.ulps * tolerance_epsilon<T>(tolerance) * std::fmax(std::fabs(ref), tolerance.floor);
  if (tolerance.use_cond) bound *= std::fmax(1.0, cond);
  if (std::fabs(ref) < std::numeric_limits<T>::min()) bound += std::numeric_limits<T>::min();
  check_close(table, group, where, got, ref, bound);
}

template <class T, class F, std::size_t N>
void check_points(ErrorTable& table, const std::string& group, const Point (&points)[N], F f,
                  const Tolerance& tolerance) {
  for (const Point& p : points) {
    const long double ref = reference<T>(p.at_double, p.at_float);
    if (std::isnan(ref)) continue;  // the argument does not fit in T
    check_value<T>(table, group, "x = " + drelu_test::show(p.x), f(T(p.x)), ref, p.cond, tolerance);
  }
}

template <class T, class F, std::size_t N>
void check_pairs(ErrorTable& table, const std::string& group, const Pair (&pairs)[N], F f,
                 const Tolerance& tolerance) {
  for (const Pair& p : pairs) {
    const std::string where = "a = " + drelu_test::show(p.a) + ", w = " + drelu_test::show(p.w);
    check_value<T>(table, group, where, f(T(p.a), T(p.w)), reference<T>(p.at_double, p.at_float),
                   p.cond, tolerance);
  }
}

const Tolerance kFewUlps{4, 0, false};
const Tolerance kFewUlpsOfLog{4, 1, false};
const Tolerance kFewUlpsTimesCond{4, 0, true};
const Tolerance kMomentUlps{4, 0, false, true};

}  // namespace

TEMPLATE_TEST_CASE("erfcx, Mills ratios and truncated moments against mpmath", "[special]", float,
                   double, long double) {
  using T = TestType;
  namespace sp = drelu::special;
  ErrorTable table(std::string("special functions vs mpmath (") + drelu_test::type_name<T>() + ")");
  check_points<T>(
      table, "erfcx", kErfcx, [](T x) { return sp::erfcx(x); }, kFewUlps);
  check_points<T>(
      table, "log_mills_ratio", kLogMillsRatio, [](T a) { return sp::log_mills_ratio(a); },
      kFewUlpsOfLog);
  check_points<T>(
      table, "inverse_mills_ratio", kInverseMillsRatio,
      [](T a) { return sp::inverse_mills_ratio(a); }, kFewUlpsTimesCond);
  check_points<T>(
      table, "truncated_moments gap", kGap, [](T a) { return sp::truncated_moments(a).gap; },
      kMomentUlps);
  check_points<T>(
      table, "truncated_moments variance", kVariance,
      [](T a) { return sp::truncated_moments(a).variance; }, kMomentUlps);
  check_points<T>(
      table, "scaled_tail_moments gap", kScaledGap,
      [](T a) { return sp::scaled_tail_moments(a).gap; }, kFewUlps);
  check_points<T>(
      table, "scaled_tail_moments variance", kScaledVariance,
      [](T a) { return sp::scaled_tail_moments(a).variance; }, kFewUlps);
  check_pairs<T>(
      table, "log_tail_ratio", kLogTailRatio, [](T a, T w) { return sp::log_tail_ratio(a, w); },
      kFewUlpsTimesCond);
  check_pairs<T>(
      table, "truncated_cdf", kTruncatedCdf, [](T a, T w) { return sp::truncated_cdf(a, w); },
      kFewUlpsTimesCond);
  check_points<T>(
      table, "log_normal_tail", kLogNormalTail, [](T y) { return sp::log_normal_tail(y); },
      kFewUlpsTimesCond);
  table.print();
}

namespace {

// Arguments one ulp apart across an internal switch at t (t itself and its two neighbours).
// Each value is within 4 u of the truth and a one-ulp step of the argument moves a function by
// at most L u relatively, L = |x f'(x)/f(x)| <= 3 at every switch tested here (mpmath, see the
// cond columns above and for w: 2.6 at (a, w) = (-5, 0.5), 2.4 at (-2, 2)), so neighbours
// differ by at most (2 * 4 + 3) u max(|f(t)|, floor).
template <class T, class F>
void check_continuity(ErrorTable& table, const std::string& group, T t, F f, long double floor,
                      const Tolerance& unit = kFewUlps) {
  const T below = std::nextafter(t, -std::numeric_limits<T>::infinity());
  const T above = std::nextafter(t, std::numeric_limits<T>::infinity());
  const long double at = f(t);
  const long double bound = 11 * tolerance_epsilon<T>(unit) * std::fmax(std::fabs(at), floor);
  check_close(table, group, "just below " + drelu_test::show(t), f(below), at, bound);
  check_close(table, group, "just above " + drelu_test::show(t), f(above), at, bound);
}

}  // namespace

TEMPLATE_TEST_CASE("special functions are continuous across their internal switches", "[special]",
                   float, double, long double) {
  using T = TestType;
  namespace sp = drelu::special;
  ErrorTable table(std::string("continuity across switches (") + drelu_test::type_name<T>() + ")");
  for (const T x : {T(0.5), T(26)}) {
    check_continuity<T>(
        table, "erfcx", x, [](T v) { return sp::erfcx(v); }, 0);
  }
  const T six = 6;
  check_continuity<T>(
      table, "log_mills_ratio", six, [](T a) { return sp::log_mills_ratio(a); }, 1);
  check_continuity<T>(
      table, "inverse_mills_ratio", six, [](T a) { return sp::inverse_mills_ratio(a); }, 0);
  check_continuity<T>(
      table, "truncated_moments gap", six, [](T a) { return sp::truncated_moments(a).gap; }, 0,
      kMomentUlps);
  check_continuity<T>(
      table, "truncated_moments variance", six,
      [](T a) { return sp::truncated_moments(a).variance; }, 0, kMomentUlps);
  check_continuity<T>(
      table, "log_normal_tail at y = 0", T(0), [](T y) { return sp::log_normal_tail(y); }, 0);
  // w = 1/2 separates quadrature from the closed forms; a + w = 0 is the mirrored branch of
  // truncated_cdf.
  const T half = T(0.5);
  for (const T a : {T(-5), T(-1), T(-0.5), T(-0.25), T(0), T(2), T(10)}) {
    check_continuity<T>(
        table, "log_tail_ratio at w = 1/2", half, [a](T w) { return sp::log_tail_ratio(a, w); }, 0);
    check_continuity<T>(
        table, "truncated_cdf at w = 1/2", half, [a](T w) { return sp::truncated_cdf(a, w); }, 0);
  }
  check_continuity<T>(
      table, "truncated_cdf at a + w = 0", T(2), [](T w) { return sp::truncated_cdf(T(-2), w); },
      0);
  check_continuity<T>(
      table, "log_tail_ratio at a = 0", T(0), [](T a) { return sp::log_tail_ratio(a, T(2)); }, 0);
  table.print();
}

TEMPLATE_TEST_CASE("special functions at infinities and NaN", "[special]", float, double,
                   long double) {
  using T = TestType;
  namespace sp = drelu::special;
  const T inf = std::numeric_limits<T>::infinity();
  const T nan = std::numeric_limits<T>::quiet_NaN();
  const T big = std::numeric_limits<T>::max();

  CHECK(sp::erfcx(inf) == 0);
  CHECK(sp::erfcx(-inf) == inf);
  CHECK(std::isnan(sp::erfcx(nan)));
  CHECK(sp::log_mills_ratio(inf) == -inf);
  CHECK(sp::log_mills_ratio(-inf) == inf);
  CHECK(std::isnan(sp::log_mills_ratio(nan)));
  CHECK(sp::inverse_mills_ratio(inf) == inf);
  CHECK(sp::inverse_mills_ratio(-inf) == 0);  // lambda(a) ~ phi(a) -> 0
  CHECK(std::isnan(sp::inverse_mills_ratio(nan)));
  CHECK(sp::log_normal_tail(inf) == -inf);
  CHECK(sp::log_normal_tail(-inf) == 0);
  CHECK(std::isnan(sp::log_normal_tail(nan)));

  // Y | Y > a: a -> inf pins Y to a; a -> -inf is the whole standard normal (gap inf, var 1).
  CHECK(sp::truncated_moments(inf).gap == 0);
  CHECK(sp::truncated_moments(inf).variance == 0);
  CHECK(sp::truncated_moments(-inf).gap == inf);
  CHECK(sp::truncated_moments(-inf).variance == 1);
  CHECK(std::isnan(sp::truncated_moments(nan).gap));
  CHECK(std::isnan(sp::truncated_moments(nan).variance));

  // a m(a) = 1 - 1/a^2 + ... and a^2 v(a) = 1 - 3/a^2 + ...: 1 to rounding where a^2
  // overflows.
  for (const T a : {big, inf}) {
    INFO("a = " << drelu_test::show(a));
    CHECK(std::fabs(sp::scaled_tail_moments(a).gap - 1) <= 4 * epsilon<T>());
    CHECK(std::fabs(sp::scaled_tail_moments(a).variance - 1) <= 4 * epsilon<T>());
  }

  for (const T a : {T(-3), T(0), T(7)}) {
    INFO("a = " << drelu_test::show(a));
    CHECK(sp::log_tail_ratio(a, T(0)) == 0);
    CHECK(sp::log_tail_ratio(a, inf) == -inf);
    CHECK(sp::truncated_cdf(a, T(0)) == 0);
    CHECK(sp::truncated_cdf(a, inf) == 1);
  }
  CHECK(std::isnan(sp::log_tail_ratio(nan, T(1))));
  CHECK(std::isnan(sp::log_tail_ratio(T(1), nan)));
  CHECK(std::isnan(sp::truncated_cdf(nan, T(1))));
  CHECK(std::isnan(sp::truncated_cdf(T(1), nan)));
}

TEST_CASE("erfcx overflows only where the true value does", "[special]") {
  // erfcx(x) ~ 2 exp(x^2): 2 exp(26.6^2) = 1.7e307 < DBL_MAX < 2 exp(26.7^2) = 2.6e309.
  CHECK(std::isinf(drelu::special::erfcx(-30.0)));
  CHECK(std::isinf(drelu::special::erfcx(-26.7)));
  CHECK(std::isfinite(drelu::special::erfcx(-26.6)));
  CHECK(std::isfinite(drelu::special::erfcx(-30.0L)));
}

TEMPLATE_TEST_CASE("logsumexp", "[special]", float, double, long double) {
  using T = TestType;
  using drelu::special::logsumexp;
  const T inf = std::numeric_limits<T>::infinity();
  ErrorTable table(std::string("logsumexp (") + drelu_test::type_name<T>() + ")");
  // Closed forms; log(e + e^2) = 2.313261687518222834048995 and log1p(e^-50) =
  // 1.928749847963917783017157e-22 by mpmath: mp.nstr(log(exp(1) + exp(2)), 25), ...
  const long double ln2 = 0.6931471805599453094172321L;
  struct Case {
    T x, y;
    long double expected;
  };
  const Case cases[] = {{0, 0, ln2},
                        {1, 2, 2.313261687518222834048995L},
                        {3, -47, 3 + 1.928749847963917783017157e-22L},
                        {-inf, 5, 5},
                        {T(-80), T(-80), -80 + ln2},
                        {T(80), T(80), 80 + ln2}};
  for (const Case& c : cases) {
    const std::string where = drelu_test::show(c.x) + ", " + drelu_test::show(c.y);
    const long double bound = 2 * epsilon<T>() * std::fabs(c.expected);
    check_close(table, "logsumexp", where, logsumexp(c.x, c.y), c.expected, bound);
    check_close(table, "logsumexp swapped", where, logsumexp(c.y, c.x), c.expected, bound);
  }
  // exp(1000) overflows every type but long double; the result must not.
  const T large = std::is_same<T, long double>::value ? T(20000) : T(1000);
  check_close(table, "logsumexp without overflow", "large, large", logsumexp(large, large),
              large + ln2, 2 * epsilon<T>() * (large + 1));
  CHECK(logsumexp(-inf, -inf) == -inf);
  CHECK(logsumexp(inf, T(0)) == inf);
  CHECK(logsumexp(T(0), inf) == inf);
  CHECK(logsumexp(inf, inf) == inf);
  CHECK(logsumexp(inf, -inf) == inf);
  table.print();
}
