#!/usr/bin/env python3
"""Reference values for helper-A modules (grid, Faddeeva/Voigt, FFT), from numpy/scipy.

Writes tests/fixtures/faddeeva_{wofz,voigt,fft,grid}.json. Run from the repository root:
    python3 scripts/gen_faddeeva_fixtures.py
Non-finite numbers are written as the strings "inf", "-inf", "nan".
"""
import json
import math
import os

import numpy as np
from scipy.special import voigt_profile, wofz

OUT = os.path.join(os.path.dirname(__file__), "..", "tests", "fixtures")


def num(v):
    v = float(v)
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    return v


def dump(name, obj):
    with open(os.path.join(OUT, name), "w") as f:
        json.dump(obj, f, separators=(",", ":"))
        f.write("\n")


def gen_wofz():
    mags = np.logspace(-8, 8, 33)  # 1e-8 ... 1e8, half-decade steps
    axis = np.concatenate([-mags[::-1], [0.0], mags])
    ys = np.concatenate([axis, [1e-10, -1e-10, 1e-300, 0.3, 2.5, 6.3, 9.99, 27.0]])
    xs = np.concatenate([axis, [0.3, 1.7, 2.5, 5.5, 9.99, 10.01, 27.0, 28.0, 1e150]])
    pts = [(x, y) for x in xs for y in ys]
    rng = np.random.default_rng(20240601)
    # Dense random sample of the hard region |x| < 30, |y| < 12, plus tiny y.
    for _ in range(2500):
        x = rng.uniform(-30, 30)
        y = rng.uniform(-12, 12) if rng.random() < 0.7 else 10 ** rng.uniform(-14, 0)
        pts.append((x, y))
    for _ in range(1500):
        x = 10 ** rng.uniform(-9, 9) * rng.choice([-1, 1])
        y = 10 ** rng.uniform(-12, 9) * rng.choice([-1, 1])
        pts.append((x, y))
    x = np.array([p[0] for p in pts])
    y = np.array([p[1] for p in pts])
    with np.errstate(all="ignore"):
        w = wofz(x + 1j * y)
    dump("faddeeva_wofz.json", {
        "source": "scipy.special.wofz " + __import__("scipy").__version__,
        "x": [num(v) for v in x], "y": [num(v) for v in y],
        "re": [num(v) for v in w.real], "im": [num(v) for v in w.imag],
    })


def gen_voigt():
    cases = []
    for sigma, gamma in [(1.0, 1.0), (0.03, 0.001), (0.03, 1e-8), (1e-3, 0.2), (0.05, 0.05),
                         (1e-6, 1e-2), (2.0, 1e-12)]:
        xs = np.concatenate([[0.0], np.logspace(-6, 3, 40) * max(sigma, gamma),
                             -np.logspace(-3, 1, 7) * max(sigma, gamma)])
        cases.append({"sigma": sigma, "gamma": gamma, "x": [num(v) for v in xs],
                      "v": [num(v) for v in voigt_profile(xs, sigma, gamma)]})
    dump("faddeeva_voigt.json", {"source": "scipy.special.voigt_profile", "cases": cases})


def gen_fft():
    rng = np.random.default_rng(7)
    out = []
    for nx, n in [(8, None), (7, None), (12, 16), (30, None), (97, None), (100, 120),
                  (128, None), (7000, 14000), (9, 5), (1, None), (2, None)]:
        x = rng.standard_normal(nx)
        X = np.fft.rfft(x) if n is None else np.fft.rfft(x, n)
        nn = nx if n is None else n
        y = np.fft.irfft(X, nn)
        # irfft of a spectrum with non-zero imaginary DC / Nyquist parts, and a truncated one
        Z = X + 1j * rng.standard_normal(len(X)) * 0.1
        yz = np.fft.irfft(Z, nn)
        yt = np.fft.irfft(Z, max(1, nn // 2))
        case = {"x": list(map(num, x)), "n": nn,
                "re": list(map(num, X.real)), "im": list(map(num, X.imag)),
                "irfft": list(map(num, y))}
        if nn <= 1000:  # keep the file small: the perturbed spectra only for small n
            case.update({"zre": list(map(num, Z.real)), "zim": list(map(num, Z.imag)),
                         "irfft_z": list(map(num, yz)), "n_trunc": max(1, nn // 2),
                         "irfft_trunc": list(map(num, yt))})
        out.append(case)
    dump("faddeeva_fft.json", {"source": "numpy.fft " + np.__version__, "cases": out})


def gen_grid():
    out = []
    for x0, x1, n, unit in [(22920.0, 23000.0, 3500, "AA"), (2292.0, 2300.0, 3500, "nm"),
                            (2.292, 2.3, 3500, "um"), (4347.0, 4363.0, 4000, "cm-1"),
                            (1900.0, 2300.0, 200000, "cm-1")]:
        grid = np.logspace(np.log10(x0), np.log10(x1), n, dtype=np.float64)
        fac = {"AA": 1.0e8, "nm": 1.0e7, "um": 1.0e4}
        nus = grid if unit == "cm-1" else fac[unit] / grid[::-1]
        res = (len(nus) - 1) / np.log(nus[-1] / nus[0])
        dv = 299792.458 * np.log1p(1.0 / res)
        vmax = 50.0
        nk = int(vmax / dv + 1)
        vg = dv * np.arange(-nk, nk + 1)
        out.append({"x0": x0, "x1": x1, "n": n, "unit": unit, "resolution": float(res),
                    "nu_first": float(nus[0]), "nu_last": float(nus[-1]),
                    "nu_sample": [float(nus[i]) for i in (0, 1, n // 2, n - 2, n - 1)],
                    "vmax": vmax, "velocity_grid_len": len(vg), "velocity_grid_last": float(vg[-1]),
                    "velocity_step": float(dv)})
    dump("faddeeva_grid.json", {"source": "numpy " + np.__version__, "cases": out})


if __name__ == "__main__":
    gen_wofz()
    gen_voigt()
    gen_fft()
    gen_grid()
