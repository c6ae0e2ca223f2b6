#!/usr/bin/env python3
"""Generate reference fixtures for src/rt (exospec) with numpy/scipy (and mpmath).

Writes tests/fixtures/rt_*.json. The formulas follow ExoJAX v2.0
(atm/atmprof.py pressure_layer_logspace + pressure_boundary_logspace,
spec/planck.py piBarr, spec/rtransfer.py initialize_gaussian_quadrature) and
are re-derived here with numpy only, so tests need no Python.

Usage: python3 scripts/gen_rt_fixtures.py
"""

import json
import os

import numpy as np
from scipy.special import expn, roots_legendre

import mpmath

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
OUT = os.path.join(ROOT, "tests", "fixtures")

# ExoJAX constants (utils/constants.py)
HCPERK = 1.4387773538277202
PIB_FAC = 3.741771790075259e-05


def dump(name, obj):
    path = os.path.join(OUT, name)
    with open(path, "w") as f:
        json.dump(obj, f, indent=1)
        f.write("\n")
    print("wrote", path)


def pressure_layers(p_top, p_btm, nlayer, r):
    log_top = np.log10(p_top)
    log_btm = np.log10(p_btm)
    dlogp = (log_btm - log_top) / (nlayer - 1)
    pressure = np.logspace(log_top, log_btm, nlayer)
    k = 10 ** -dlogp
    dparr = (k ** (r - 1.0) - k**r) * pressure
    upper = (k**r) * pressure
    bottom = (k ** (r - 1.0)) * pressure[-1]
    boundary = np.append(upper, bottom)
    return pressure, dparr, k, boundary


def gen_pressure():
    cases = []
    for p_top, p_btm, n, r in [
        (1e-5, 10.0, 100, 0.5),
        (1e-8, 1e2, 100, 0.5),
        (1e-3, 1e3, 7, 0.3),
        (1e-2, 1.0, 2, 1.0),
        (3e-6, 50.0, 33, 0.0),
    ]:
        p, dp, k, b = pressure_layers(p_top, p_btm, n, r)
        cases.append(
            {
                "pTop": p_top,
                "pBtm": p_btm,
                "nlayer": n,
                "referencePoint": r,
                "pressure": p.tolist(),
                "dParr": dp.tolist(),
                "k": float(k),
                "pressureBoundary": b.tolist(),
            }
        )
    dump("rt_pressure_layers.json", {"cases": cases})


def _legendre_mp(n, z):
    p0, p1 = mpmath.mpf(1), z
    for k in range(2, n + 1):
        p0, p1 = p1, ((2 * k - 1) * z * p1 - (k - 1) * p0) / k
    return p1, n * (z * p1 - p0) / (z * z - 1)


def gen_gauss_legendre():
    """scipy roots_legendre, plus a 50-digit reference (mpmath Newton from scipy's nodes).

    scipy's weights are themselves only good to ~6e-15 (n=8), 9e-14 (n=16), 1e-11 (n=100)
    relative near the interval ends, hence the high-precision column.
    """
    cases = []
    mpmath.mp.dps = 50
    for n in [1, 2, 3, 4, 5, 8, 16, 31, 32, 64, 100]:
        x, w = roots_legendre(n)
        xs, ws = [], []
        for xi in x:
            z = mpmath.mpf(xi)
            for _ in range(8):
                p, d = _legendre_mp(n, z)
                z -= p / d
            p, d = _legendre_mp(n, z)
            xs.append(float(z))
            ws.append(float(2 / ((1 - z * z) * d * d)))
        cases.append({"n": n, "x": x.tolist(), "w": w.tolist(), "xExact": xs, "wExact": ws})
    dump("rt_gauss_legendre.json", {"cases": cases})


def gen_expn3():
    x = np.concatenate(
        [
            [0.0, 1e-300, 1e-12, 1e-8, 1e-5, 1e-3, 0.01, 0.1, 0.25, 0.5, 0.75],
            [0.999, 1.0, 1.001, 1.25, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 7.5],
            [10.0, 15.0, 20.0, 30.0, 50.0, 100.0, 200.0, 400.0, 700.0],
            np.linspace(0.05, 3.0, 60),
        ]
    )
    e3 = expn(3, x)
    mpmath.mp.dps = 40  # cross-check scipy against mpmath
    for xi, ei in zip(x, e3):
        ref = float(mpmath.expint(3, mpmath.mpf(xi))) if xi > 0 else 0.5
        assert abs(ei - ref) <= 2e-15 * abs(ref), (xi, ei, ref)
    dump("rt_expn3.json", {"x": x.tolist(), "e3": e3.tolist()})


def gen_planck():
    nu = np.array([10.0, 100.0, 1000.0, 4300.0, 4347.8, 10000.0, 30000.0])
    temps = np.array([50.0, 300.0, 1300.0, 3000.0])
    # ExoJAX writes exp(x) - 1; expm1 is the same function without the eps/x cancellation
    # of the Rayleigh-Jeans end (2e-14 at x = 0.005), and is what exospec uses.
    with np.errstate(over="ignore"):  # overflow -> piB = 0, as in ExoJAX
        pib = (PIB_FAC * nu**3) / np.expm1(HCPERK * nu / temps[:, None])
    dump(
        "rt_planck.json",
        {"nu": nu.tolist(), "temperature": temps.tolist(), "piB": pib.ravel().tolist()},
    )


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    gen_pressure()
    gen_gauss_legendre()
    gen_expn3()
    gen_planck()
