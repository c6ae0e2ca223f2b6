"""Reference values for tests/infer (SVI, autoguides, diagnostics).

Writes tests/fixtures/infer_svi.json and tests/fixtures/infer_diagnostics.json:
- Bayesian linear regression data and its analytic Gaussian posterior;
- the 3-D correlated Gaussian target and its precision;
- moments of the mild Neal funnel v ~ N(0, 1), x | v ~ N(0, exp(v/2)) by 2-D quadrature;
- numpyro.diagnostics reference values (effective_sample_size via FFT autocorrelation, hpdi,
  split_gelman_rubin, np.quantile), re-implemented here from numpyro's source with numpy.

Run: python3 scripts/gen_infer_fixtures.py
"""
import json
import os

import numpy as np

ROOT = os.path.join(os.path.dirname(__file__), "..", "tests", "fixtures")


def regression():
    rng = np.random.default_rng(20240611)
    n = 12
    x = np.linspace(-0.5, 2.0, n)
    X = np.stack([np.ones(n), x, 0.5 * x ** 2], axis=1)
    w_true = np.array([0.5, -1.0, 0.8])
    sigma = 0.5
    alpha = 1.0  # prior precision: w ~ N(0, I / alpha)
    y = X @ w_true + sigma * rng.standard_normal(n)
    prec = alpha * np.eye(3) + X.T @ X / sigma ** 2
    cov = np.linalg.inv(prec)
    mean = cov @ X.T @ y / sigma ** 2
    return {
        "X": X.ravel().tolist(), "n": n, "y": y.tolist(), "sigma": sigma,
        "priorScale": 1 / np.sqrt(alpha), "mean": mean.tolist(),
        "cov": cov.ravel().tolist(), "precision": prec.ravel().tolist(),
    }


def gauss3():
    m = np.array([1.0, -2.0, 0.5])
    S = np.array([[1.0, 0.6, -0.3], [0.6, 2.0, 0.4], [-0.3, 0.4, 0.5]])
    return {"mean": m.tolist(), "cov": S.ravel().tolist(),
            "precision": np.linalg.inv(S).ravel().tolist()}


def funnel():
    # tensor-product trapezoid quadrature on a wide grid (the integrands are negligible outside)
    v = np.linspace(-9, 9, 3601)
    x = np.linspace(-60, 60, 24001)
    V, Xg = np.meshgrid(v, x, indexing="ij")
    s = np.exp(V / 2)
    p = np.exp(-0.5 * V ** 2) / np.sqrt(2 * np.pi) * np.exp(-0.5 * (Xg / s) ** 2) / (s * np.sqrt(2 * np.pi))
    integ = lambda f: np.trapezoid(np.trapezoid(f * p, x, axis=1), v)
    z = integ(np.ones_like(p))
    m_v, m_x = integ(V) / z, integ(Xg) / z
    return {
        "normalization": z,
        "meanV": m_v, "sdV": np.sqrt(integ((V - m_v) ** 2) / z),
        "meanX": m_x, "sdX": np.sqrt(integ((Xg - m_x) ** 2) / z),
        "meanAbsX": integ(np.abs(Xg)) / z,
        # indicators with half weight on the boundary grid points (exact for the trapezoid rule)
        "probVNeg": integ((V < 0) + 0.5 * np.isclose(V, 0)) / z,
        "probAbsXBelow1": integ((np.abs(Xg) < 1) + 0.5 * np.isclose(np.abs(Xg), 1)) / z,
    }


# --- numpyro.diagnostics, transcribed -------------------------------------------------------

def _fft_next_fast_len(target):
    if target <= 2:
        return target
    while True:
        m = target
        while m % 2 == 0:
            m //= 2
        while m % 3 == 0:
            m //= 3
        while m % 5 == 0:
            m //= 5
        if m == 1:
            return target
        target += 1


def autocorrelation(x, axis=0, bias=True):
    N = x.shape[axis]
    M = _fft_next_fast_len(N)
    M2 = 2 * M
    x = np.swapaxes(x, axis, -1)
    centered = x - x.mean(axis=-1, keepdims=True)
    f = np.fft.rfft(centered, n=M2, axis=-1)
    ac = np.fft.irfft(f * np.conjugate(f), n=M2, axis=-1)[..., :N]
    if not bias:
        ac = ac / np.arange(N, 0.0, -1)
    ac = ac / ac[..., :1]
    return np.swapaxes(ac, axis, -1)


def autocovariance(x, axis=0, bias=True):
    return autocorrelation(x, axis, bias) * x.var(axis=axis, keepdims=True)


def _chain_var_stats(x):
    C, N = x.shape[:2]
    chain_var = x.var(axis=1, ddof=1)
    var_within = chain_var.mean(axis=0)
    var_estimator = var_within * (N - 1) / N
    if C > 1:
        var_estimator = var_estimator + x.mean(axis=1).var(axis=0, ddof=1)
    else:
        var_within = var_estimator
    return var_within, var_estimator


def effective_sample_size(x, bias=True):
    gamma = autocovariance(x, axis=1, bias=bias)
    var_within, var_estimator = _chain_var_stats(x)
    rho = 1.0 - (var_within - gamma.mean(axis=0)) / var_estimator
    rho[0] = 1.0  # numpyro: the correlation at lag 0 is always 1
    Rho = rho[:-1:2, ...] + rho[1::2, ...]
    Rho = np.concatenate([Rho[:1], np.minimum.accumulate(np.clip(Rho[1:], 0, None), axis=0)], axis=0)
    tau = -1.0 + 2.0 * np.sum(Rho, axis=0)
    return np.prod(x.shape[:2]) / tau


def gelman_rubin(x):
    w, v = _chain_var_stats(x)
    return np.sqrt(v / w)


def split_gelman_rubin(x):
    h = x.shape[1] // 2
    return gelman_rubin(np.concatenate([x[:, :h], x[:, -h:]], axis=0))


def hpdi(x, prob=0.90, axis=0):
    x = np.swapaxes(x, axis, 0)
    s = np.sort(x, axis=0)
    mass = x.shape[0]
    L = int(prob * mass)
    widths = s[L:] - s[: mass - L]
    start = widths.argmin(axis=0)
    lo = np.take_along_axis(s, start[None, ...], axis=0)
    hi = np.take_along_axis(s, (start + L)[None, ...], axis=0)
    return np.concatenate([lo, hi], axis=0)


def diagnostics():
    rng = np.random.default_rng(7)
    n = 501
    # AR(1) chains with different correlation, as columns
    phis = [0.0, 0.5, 0.9]
    x = np.zeros((n, len(phis)))
    for j, phi in enumerate(phis):
        e = rng.standard_normal(n)
        for i in range(n):
            x[i, j] = (phi * x[i - 1, j] if i else 0.0) + e[i]
    chains = rng.standard_normal((2, 400)) + np.array([[0.0], [0.3]])
    return {
        "samples": x.ravel().tolist(), "n": n, "m": len(phis),
        "ess": effective_sample_size(x[None]).tolist(),
        "autocorr": autocorrelation(x, axis=0)[:6].ravel().tolist(),
        "hpdi90": hpdi(x, 0.9).ravel().tolist(),
        "hpdi50": hpdi(x, 0.5).ravel().tolist(),
        "quantiles": np.quantile(x, [0.05, 0.5, 0.95], axis=0).ravel().tolist(),
        "chains": chains.ravel().tolist(),
        "essChains": float(effective_sample_size(chains)),
        "rhat": float(gelman_rubin(chains)),
        "splitRhat": float(split_gelman_rubin(chains)),
    }


if __name__ == "__main__":
    with open(os.path.join(ROOT, "infer_svi.json"), "w") as f:
        json.dump({"regression": regression(), "gauss3": gauss3(), "funnel": funnel()}, f, indent=1)
    with open(os.path.join(ROOT, "infer_diagnostics.json"), "w") as f:
        json.dump(diagnostics(), f)
    print("wrote infer_svi.json, infer_diagnostics.json")
