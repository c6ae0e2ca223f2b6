#!/usr/bin/env python3
"""Independent reference values for tests/db/* and tests/opacity/cia_test.ts.

Reads ../shared/data with numpy only (no exospec code) and writes
tests/fixtures/db_reference.json. Run from the project root:
    python3 scripts/gen_db_fixtures.py
"""
import bz2
import json
import os

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, "..", "shared", "data")
OUT = os.path.join(ROOT, "tests", "fixtures", "db_reference.json")

C2 = 1.4387773538277202  # hc/k [cm K]
CCGS = 29979245800.0  # [cm/s]
TREF = 296.0


def exomol():
    d = os.path.join(DATA, "CO", "12C-16O", "SAMPLE")
    pf = np.loadtxt(os.path.join(d, "12C-16O__SAMPLE.pf"))
    qtref = float(np.interp(TREF, pf[:, 0], pf[:, 1]))
    st = np.loadtxt(bz2.open(os.path.join(d, "12C-16O__SAMPLE.states.bz2"), "rt"), usecols=(0, 1, 2, 3))
    tr = np.loadtxt(bz2.open(os.path.join(d, "12C-16O__SAMPLE.trans.bz2"), "rt"))
    ids = st[:, 0].astype(int)
    lut = {i: k for k, i in enumerate(ids)}
    iu = np.array([lut[int(i)] for i in tr[:, 0]])
    il = np.array([lut[int(i)] for i in tr[:, 1]])
    a = tr[:, 2]
    nu = tr[:, 3]
    el = st[il, 1]
    gu = st[iu, 2]
    jl = st[il, 3]
    ju = st[iu, 3]
    s0 = -a * gu * np.exp(-C2 * el / TREF) * np.expm1(-C2 * nu / TREF) / (8.0 * np.pi * CCGS * nu**2 * qtref)
    out = {"qtref": qtref, "nu": nu.tolist(), "s0": s0.tolist(), "elower": el.tolist(), "gupper": gu.tolist(),
           "jlower": jl.tolist(), "nu_states": (st[iu, 1] - st[il, 1]).tolist()}
    for gas in ("H2", "He"):
        b = np.loadtxt(os.path.join(d, f"12C-16O__{gas}.broad"), usecols=(1, 2, 3))
        amap = {int(r[2]): (r[0], r[1]) for r in b}
        out[f"alpha_{gas}"] = [amap.get(int(j), (0.07, 0.5))[0] for j in jl]
        out[f"n_{gas}"] = [amap.get(int(j), (0.07, 0.5))[1] for j in jl]
    lo, hi = 1e8 / 23000.0, 1e8 / 22920.0
    out["tutorial_window"] = [lo, hi]
    out["tutorial_count"] = int(np.sum((nu >= lo) & (nu <= hi)))
    return out


def hitemp():
    path = os.path.join(DATA, "HITEMP", "05_HITEMP_SAMPLE.par")
    with open(path, "r", newline="") as f:
        lines = [ln.rstrip("\r\n") for ln in f if ln.strip()]
    iso = [ln[2] for ln in lines]
    nu = np.array([float(ln[3:15]) for ln in lines])
    counts = {c: iso.count(c) for c in sorted(set(iso))}
    sel = [(k, ln) for k, ln in enumerate(lines) if ln[2] == "1" and 4300.0 <= float(ln[3:15]) <= 4310.0]
    k, ln = sel[3]
    spot = {"line": k + 1, "nu": float(ln[3:15]), "s": float(ln[15:25]), "a": float(ln[25:35]),
            "gamma_air": float(ln[35:40]), "gamma_self": float(ln[40:45]), "elower": float(ln[45:55]),
            "n_air": float(ln[55:59]), "delta_air": float(ln[59:67]), "gupper": float(ln[146:153]),
            "glower": float(ln[153:160])}
    # S from A for iso 1 with the ExoMol Q(296) and HITRAN abundance 0.986544.
    pf = np.loadtxt(os.path.join(DATA, "CO", "12C-16O", "SAMPLE", "12C-16O__SAMPLE.pf"))
    q = float(np.interp(TREF, pf[:, 0], pf[:, 1]))
    rows = [ln for ln in lines if ln[2] == "1"]
    s = np.array([float(r[15:25]) for r in rows])
    a = np.array([float(r[25:35]) for r in rows])
    e = np.array([float(r[45:55]) for r in rows])
    g = np.array([float(r[146:153]) for r in rows])
    v = np.array([float(r[3:15]) for r in rows])
    sc = 0.986544 * (-a * g * np.exp(-C2 * e / TREF) * np.expm1(-C2 * v / TREF) / (8.0 * np.pi * CCGS * v**2 * q))
    strong = s > 1e-30
    rel = np.abs(sc / s - 1.0)
    return {"counts": counts, "n_records": len(lines), "iso1_4300_4310": len(sel), "spot": spot,
            "s_from_a": {"n_strong": int(strong.sum()), "median_rel": float(np.median(rel[strong])),
                         "max_rel": float(np.max(rel[strong])), "median_ratio": float(np.median((sc / s)[strong]))},
            "nu_min": float(nu.min()), "nu_max": float(nu.max())}


def cia():
    path = os.path.join(DATA, "CIA", "H2-H2_Borysow.cia")
    blocks = []
    with open(path) as f:
        rows = [ln.split() for ln in f if ln.strip()]
    k = 0
    while k < len(rows):
        h = rows[k]
        n = int(h[3])
        t = float(h[4])
        dat = np.array(rows[k + 1:k + 1 + n], dtype=float)
        blocks.append((t, dat))
        k += 1 + n
    blocks.sort(key=lambda b: b[0])
    tc = np.array([b[0] for b in blocks])
    nuc = blocks[0][1][:, 0]
    logac = np.log10(np.array([b[1][:, 1] for b in blocks]))
    nus = np.array([4299.0, 4300.0, 4310.0, 4359.5, 20.0, 16480.0])
    temps = np.array([60.0, 200.0, 275.0, 1234.5, 7000.0])
    # ExoJAX v2.0: jnp.interp in T at column jnp.digitize(nu, nucia) (clamped to the last column).
    inus = np.minimum(np.digitize(nus, nuc), len(nuc) - 1)
    dig = [[float(np.interp(T, tc, logac[:, i])) for i in inus] for T in temps]
    lin = []
    for T in temps:
        col = np.array([np.interp(T, tc, logac[:, i]) for i in range(len(nuc))])
        lin.append([float(np.interp(x, nuc, col)) for x in nus])
    return {"nu": nus.tolist(), "t": temps.tolist(), "digitize": dig, "linear": lin,
            "k_4300_200": float(10 ** logac[list(tc).index(200.0), list(nuc).index(4300.0)])}


if __name__ == "__main__":
    ref = {"exomol": exomol(), "hitemp": hitemp(), "cia": cia()}
    with open(OUT, "w") as f:
        json.dump(ref, f, indent=1)
    print("wrote", OUT)
    print(json.dumps(ref["hitemp"]["s_from_a"]), ref["hitemp"]["counts"], ref["exomol"]["tutorial_count"])
