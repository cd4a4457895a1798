#!/usr/bin/env python3
"""Golden values for Sprig's degree-distribution statistics (Sources/Sprig/Analysis).

Writes Tests/SprigTests/Analysis/Fixtures/*.json; the Swift tests read only those
files. Re-run after changing a rule here or in the Swift code that mirrors it:

    pip install powerlaw==2.0.0 scipy numpy
    python3 scripts/analysis/make_fixtures.py

What is computed, and with which options (they define the rules Swift mirrors):

* Power-law fits: `powerlaw.Fit(data, discrete=True, xmin_distance='D',
  estimate_discrete=False, parameter_ranges={'alpha': [1, 6]}, xmin=(lo, hi))`.
  - `estimate_discrete=False`: powerlaw 2.0 otherwise uses the approximate
    closed form 1 + n / sum(log(x / (xmin - 1/2))) instead of the exact
    discrete MLE whenever xmin >= 10 (CSN eq. 3.7); Sprig computes the exact
    MLE with the Hurwitz zeta normaliser, so the reference must too.
  - `parameter_ranges={'alpha': [1, 6]}`: Sprig searches alpha in (1, 6];
    powerlaw's default range is [0, 3], which would throw out every x_min
    whose alpha is near or above 3.
  - x_min candidates: powerlaw tries every unique value in [lo, hi) except
    the largest one. Sprig tries every unique positive value below the
    maximum whose tail (values >= x_min) holds at least `MIN_TAIL` points;
    `xmin_range()` turns that rule into powerlaw's (lo, hi).
  - A candidate counts only if its fitted alpha is at least 0.01 inside the
    range ends (powerlaw flags it `noise` otherwise); Sprig does the same.
  - sigma is powerlaw's `standard_err` = (alpha - 1) / sqrt(n_tail), the
    continuous approximation (CSN eq. 3.2), also for discrete=True.
  - D is the KS distance over the unique tail values with both CDFs taken
    as P(X < x) (powerlaw's `statistics.cdf` uses searchsorted 'left').
  - Likelihood ratios: `fit.distribution_compare('power_law', alt,
    normalized_ratio=True)` for 'exponential' and 'lognormal' (R/(sigma sqrt n)
    and p = erfc(|R| / sqrt(2 n sigma^2))), and the raw R as well.
* Binomial (Erdos-Renyi null): scipy.stats.binom and chi2; the pooling rule
  (`pooled_bins`) is the one Sprig's BinomialFitTest uses, written again here.
* Special functions: scipy.special.zeta (Hurwitz), gammaincc, chi2.sf,
  binom.cdf/sf, for unit tests of the Swift implementations. The binomial
  log-pmf comes from mpmath at 40 digits instead: scipy's binom.logpmf is the
  gammaln difference, which loses ~1e-9 to cancellation at n = 10^6 (Sprig's
  Loader algorithm is exact to ~1e-13 there).
"""
import json
import math
import os
import sys
import time
import warnings

import mpmath
import numpy as np
import powerlaw
import scipy
from scipy import optimize, special, stats

MIN_TAIL = 10  # Sprig's PowerLawFit default `minimumTailCount`
ALPHA_RANGE = [1, 6]  # Sprig's exponent search range
ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
OUT = os.path.join(ROOT, "Tests", "SprigTests", "Analysis", "Fixtures")


# ---------------------------------------------------------------- samples
def discrete_power_law(rng, n, alpha, xmin, cutoff=10**6):
    """Exact inversion of the discrete power-law CCDF on a table up to
    `cutoff` (mass beyond it, zeta(alpha, cutoff+1)/zeta(alpha, xmin), is
    below 1e-8 for alpha = 2.5 and is redrawn)."""
    x = np.arange(xmin, cutoff + 1, dtype=np.float64)
    pmf = x ** (-alpha) / special.zeta(alpha, xmin)
    cdf = np.cumsum(pmf)
    out = []
    while len(out) < n:
        u = rng.random(n - len(out))
        idx = np.searchsorted(cdf, u, side="right")
        out.extend(int(xmin + i) for i in idx if i < len(x))
    return out


def sequences():
    rng = np.random.default_rng(20240501)
    seqs = {}
    # 1. A real discrete power law, alpha = 2.5, x >= 1.
    seqs["power_law"] = dict(
        description="discrete power law, alpha=2.5, x_min=1, n=5000 (numpy default_rng(20240501), exact inversion)",
        degrees=discrete_power_law(rng, 5000, 2.5, 1),
        binomial=dict(trials=1000, probability=None),  # p from the mean, see below
    )
    # 2. Binomial(1000, 0.04), 2000 samples: the Erdos-Renyi null itself.
    seqs["binomial"] = dict(
        description="Binomial(n=1000, p=0.04), 2000 samples",
        degrees=[int(v) for v in rng.binomial(1000, 0.04, size=2000)],
        binomial=dict(trials=1000, probability=0.04),
    )
    # 3. Lognormal rounded to integers (zeros are dropped by the fits).
    seqs["lognormal"] = dict(
        description="round(exp(N(mu=2.5, sigma=0.9))), 3000 samples",
        degrees=[int(v) for v in np.rint(np.exp(rng.normal(2.5, 0.9, size=3000)))],
        binomial=dict(trials=2000, probability=None),
    )
    # 4. Resembles a SET-trained layer's in-degrees: most units near the
    # Erdos-Renyi mean, a heavy tail of hubs, a few dead units.
    n_in, p = 784, 0.03
    body = rng.binomial(n_in, p, size=850)
    hubs = np.minimum(discrete_power_law(rng, 130, 2.3, 30), n_in)
    dead = np.zeros(20, dtype=int)
    mix = np.concatenate([body, hubs, dead])
    rng.shuffle(mix)
    seqs["trained_like"] = dict(
        description="mixture like a SET-trained layer's in-degrees: 850 x Binomial(784, 0.03), "
        "130 hubs from a discrete power law (alpha=2.3, x_min=30, capped at 784), 20 zeros",
        degrees=[int(v) for v in mix],
        binomial=dict(trials=n_in, probability=p),
    )
    # 5. A real trained Sprig layer (committed beside this script).
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "trained_sprig_layer.json")) as f:
        layer = json.load(f)
    seqs["trained_sprig"] = dict(
        description=layer["description"],
        degrees=[int(v) for v in layer["degrees"]],
        binomial=dict(trials=layer["outputs"], probability=layer["connections"] / (layer["inputs"] * layer["outputs"])),
    )
    for s in seqs.values():
        b = s["binomial"]
        if b["probability"] is None:
            b["probability"] = float(np.mean(s["degrees"])) / b["trials"]
    return seqs


# ---------------------------------------------------------------- power law
def xmin_range(data):
    """powerlaw's (lo, hi) whose candidates equal Sprig's rule: unique
    positive values u < max with #(x >= u) >= MIN_TAIL."""
    x = np.sort(np.asarray([v for v in data if v > 0]))
    u = np.unique(x)
    tail = len(x) - np.searchsorted(x, u, side="left")
    ok = [i for i in range(len(u) - 1) if tail[i] >= MIN_TAIL]
    if not ok:
        return None, []
    last = ok[-1]
    # powerlaw drops the largest value inside [lo, hi): include the next one.
    return (float(u[0]), float(u[last + 1]) + 0.5), [int(v) for v in u[: last + 1]]


def exact_alpha(data, xmin):
    """The discrete MLE at `xmin` to ~1e-10 (powerlaw's Nelder-Mead stops
    at tol=1e-4): bounded Brent on -L(alpha)/n = alpha*mean(log x) + log zeta(alpha, xmin)."""
    x = np.asarray([v for v in data if v >= xmin], dtype=float)
    m = np.mean(np.log(x))
    res = optimize.minimize_scalar(lambda a: a * m + np.log(special.zeta(a, xmin)),
                                   bounds=(1 + 1e-9, ALPHA_RANGE[1]), method="bounded",
                                   options=dict(xatol=1e-12))
    return float(res.x)


def power_law_fixture(data):
    rng_range, candidates = xmin_range(data)
    if rng_range is None:
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t0 = time.time()
        fit = powerlaw.Fit(
            data, discrete=True, xmin_distance="D", estimate_discrete=False,
            parameter_ranges={"alpha": ALPHA_RANGE}, xmin=rng_range, verbose=0)
        elapsed = time.time() - t0
        res = fit.xmin_fitting_results
        assert [int(v) for v in res["xmins"]] == candidates, "candidate rule mismatch"
        pl = fit.power_law
        out = dict(
            xmin=int(fit.xmin), alpha=float(pl.alpha), sigma=float(pl.standard_err),
            alpha_exact=exact_alpha(data, int(fit.xmin)),
            D=float(pl.D), n_tail=int(fit.n_tail), loglikelihood=float(pl.loglikelihood),
            seconds=round(elapsed, 2),
            candidates=dict(
                xmins=candidates, D=[float(v) for v in res["distances"]],
                alpha=[float(v) for v in res["alphas"]],
                valid=[bool(v) for v in res["valid_fits"]]),
        )
        for alt in ("exponential", "lognormal"):
            Rn, p = fit.distribution_compare("power_law", alt, normalized_ratio=True)
            R, _ = fit.distribution_compare("power_law", alt)
            d = getattr(fit, alt)
            out[alt] = dict(R=float(R), normalized_R=float(Rn), p=float(p),
                            parameters={k: float(v) for k, v in d.parameters.items()},
                            loglikelihood=float(d.loglikelihood))
    return out


# ---------------------------------------------------------------- binomial
def pooled_bins(n, p, N):
    """Sprig's pooling: lower tail [0, a] with a the first k where N*cdf(k)
    >= 5; upper tail [u, n] with u the last k where N*P(X >= k) >= 5; in
    between, consecutive degrees are gathered left to right until a bin's
    expected count reaches 5; a last open bin joins the upper tail."""
    if N < 5:
        return None
    dist = stats.binom(n, p)
    lo, hi = 0, n  # a = min k with N*cdf(k) >= 5
    while lo < hi:
        mid = (lo + hi) // 2
        if N * dist.cdf(mid) >= 5:
            hi = mid
        else:
            lo = mid + 1
    a = lo
    lo, hi = 0, n  # u = max k with N*sf(k-1) >= 5
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if N * dist.sf(mid - 1) >= 5:
            lo = mid
        else:
            hi = mid - 1
    u = lo
    if a >= u:
        return None
    bins = [(0, a, N * dist.cdf(a))]
    start, acc = a + 1, 0.0
    for k in range(a + 1, u):
        acc += N * dist.pmf(k)
        if acc >= 5:
            bins.append((start, k, acc))
            start, acc = k + 1, 0.0
    bins.append((start, n, N * dist.sf(start - 1)))
    return bins


def binomial_fixture(degrees, n, p):
    N = len(degrees)
    bins = pooled_bins(n, p, N)
    d = np.asarray(degrees)
    obs = [int(np.sum((d >= lo) & (d <= hi))) for lo, hi, _ in bins]
    exp = [e for _, _, e in bins]
    chi2 = float(sum((o - e) ** 2 / e for o, e in zip(obs, exp)))
    dof = len(bins) - 1
    ks_k = np.arange(0, int(d.max()) + 1)
    emp = np.searchsorted(np.sort(d), ks_k, side="right") / N
    ks = float(np.max(np.abs(emp - stats.binom.cdf(ks_k, n, p))))
    return dict(trials=n, probability=p, chi2=chi2, dof=dof,
                p_value=float(stats.chi2.sf(chi2, dof)),
                bins=[[int(lo), int(hi)] for lo, hi, _ in bins],
                observed=obs, expected=[float(e) for e in exp], ks_distance=ks)


# ---------------------------------------------------------------- special functions
def special_fixture():
    zeta = [dict(s=s, a=a, value=float(special.zeta(s, a)))
            for s, a in [(2, 1), (3, 1), (2, 2), (1.5, 1), (2.5, 1), (2.5, 7), (1.01, 1),
                         (1.2, 3), (4.0, 50), (6.0, 1), (5.5, 1000), (2.2, 100000), (3.3, 12)]]
    gamma_q = [dict(a=a, x=x, value=float(special.gammaincc(a, x)))
               for a, x in [(0.5, 0.1), (0.5, 2), (1, 1), (3, 0.5), (3, 10), (10, 5), (10, 15),
                            (50, 40), (50, 70), (250, 200), (250, 400), (2.5, 100)]]
    chi2 = [dict(x=x, dof=k, value=float(stats.chi2.sf(x, k)))
            for x, k in [(0.5, 1), (3.84, 1), (10, 5), (30, 10), (100, 40), (200, 40), (1000, 60)]]
    mpmath.mp.dps = 40

    def logpmf(k, n, p):
        p = mpmath.mpf(p)
        return float(mpmath.log(mpmath.binomial(n, k)) + k * mpmath.log(p) + (n - k) * mpmath.log(1 - p))

    binom = [dict(n=n, p=p, k=k, logpmf=logpmf(k, n, p),
                  cdf=float(stats.binom.cdf(k, n, p)), sf=float(stats.binom.sf(k, n, p)))
             for n, p, k in [(10, 0.3, 3), (1000, 0.04, 40), (1000, 0.04, 10), (1000, 0.04, 80),
                             (1000, 0.04, 0), (784, 0.03, 23), (10**6, 2e-5, 20),
                             (10**6, 2e-5, 45), (10**6, 0.3, 300000), (10**6, 0.3, 301500),
                             (10**6, 0.3, 298000), (50, 0.5, 50), (50, 0.999, 50)]]
    return dict(hurwitz_zeta=zeta, gamma_q=gamma_q, chi2_sf=chi2, binomial=binom)


def main():
    os.makedirs(OUT, exist_ok=True)
    versions = dict(powerlaw=powerlaw.__version__, scipy=scipy.__version__,
                    numpy=np.__version__, python=sys.version.split()[0])
    fits = {}
    for name, s in sequences().items():
        print(f"{name}: n={len(s['degrees'])}", flush=True)
        fits[name] = dict(description=s["description"], degrees=s["degrees"],
                          power_law=power_law_fixture(s["degrees"]),
                          binomial=binomial_fixture(s["degrees"], s["binomial"]["trials"],
                                                    s["binomial"]["probability"]))
        pl = fits[name]["power_law"]
        if pl:
            print(f"  xmin={pl['xmin']} alpha={pl['alpha']:.5f} D={pl['D']:.5f} "
                  f"n_tail={pl['n_tail']} ({pl['seconds']} s)")
        b = fits[name]["binomial"]
        print(f"  chi2={b['chi2']:.3f} dof={b['dof']} p={b['p_value']:.3g}")
    meta = dict(generator="scripts/analysis/make_fixtures.py", versions=versions,
                min_tail=MIN_TAIL, alpha_range=ALPHA_RANGE)
    with open(os.path.join(OUT, "degree_sequences.json"), "w") as f:
        json.dump(dict(meta=meta, sequences=fits), f, separators=(",", ":"))
    with open(os.path.join(OUT, "special_functions.json"), "w") as f:
        json.dump(dict(meta=meta, **special_fixture()), f, indent=1)


if __name__ == "__main__":
    main()
