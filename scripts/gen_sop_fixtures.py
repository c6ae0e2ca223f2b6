"""Generate reference fixtures for src/sop (spectral operators).

Independent numpy re-implementation of ExoJAX v2.0 conventions:
- numpy.convolve(mode="same") and numpy.interp (the exact reference semantics);
- ExoJAX's SopRotation / SopInstProfile pipeline: resolution_eslog, velocity_grid,
  rotkernel / Gaussian kernel normalised to unit sum, FFT "convolve_same"
  (irfft(rfft(f, n) * rfft(k, n))[n_half:-n_half]) and jnp.interp sampling with RV.

Run from the repository root:  python3 scripts/gen_sop_fixtures.py
Writes tests/fixtures/sop_convolve.json, sop_sampling.json, sop_operators.json.
"""

import json
import numpy as np

C_KMS = 299792.458
OUT = "tests/fixtures/"


def dump(name, obj):
    with open(OUT + name, "w") as fh:
        json.dump(obj, fh, separators=(",", ":"))
    print("wrote", OUT + name)


def tolist(a):
    return [float(v) for v in np.asarray(a, dtype=np.float64)]


rng = np.random.default_rng(20240601)

# ---- convolveSame vs numpy.convolve(mode="same") --------------------------------------
cases = []
for n_sig, n_ker in [(50, 7), (50, 8), (50, 1), (50, 2), (13, 13), (9, 20), (10, 21), (300, 61), (1, 5)]:
    f = rng.normal(size=n_sig)
    k = rng.normal(size=n_ker)
    cases.append({"f": tolist(f), "kernel": tolist(k), "same": tolist(np.convolve(f, k, mode="same"))})
dump("sop_convolve.json", {"cases": cases})

# ---- ESLOG grid as ExoJAX wavenumber_grid(x0, x1, N, unit="AA", xsmode="premodit") -----
def wavenumber_grid_aa(x0, x1, n):
    wav = np.logspace(np.log10(x0), np.log10(x1), n, dtype=np.float64)
    return 1.0e8 / wav[::-1]


nu = wavenumber_grid_aa(22920.0, 22950.0, 1200)

# ---- sampling vs numpy.interp (incl. clamping outside the grid) ------------------------
f = 1.0 + 0.1 * rng.normal(size=nu.size)
nu_obs = np.concatenate([
    np.sort(rng.uniform(nu[0] - 0.05, nu[-1] + 0.05, size=400)),
    nu[:3], nu[-3:],  # exact nodes
])
samp = []
for rv in [0.0, 12.345, -87.6]:
    x = nu_obs * (1.0 + rv / C_KMS)
    samp.append({"rv": rv, "out": tolist(np.interp(x, nu, f))})
dump("sop_sampling.json", {"nuGrid": tolist(nu), "f": tolist(f), "nuObs": tolist(nu_obs), "cases": samp})

# ---- full operator pipelines as ExoJAX builds them ---------------------------------------
def resolution_eslog(nu):
    return (len(nu) - 1) / np.log(nu[-1] / nu[0])


def velocity_grid(resolution, vmax):
    dv = C_KMS * np.log1p(1.0 / resolution)
    nk = int(vmax / dv + 1)
    return dv * np.arange(-nk, nk + 1)


def rotkernel(x, u1, u2):
    x2 = x * x
    inside = x2 <= 1.0
    s = np.sqrt(np.where(inside, 1.0 - x2, 0.0))
    k = np.pi / 2.0 * u1 * (1.0 - x2) - 2.0 / 3.0 * s * (-3.0 + 3.0 * u1 + u2 + 2.0 * u2 * x2)
    return np.where(inside, k, 0.0)


def convolve_same_exojax(sig, ker):
    n_fft = len(sig) + len(ker) - 1
    full = np.fft.irfft(np.fft.rfft(sig, n=n_fft) * np.fft.rfft(ker, n=n_fft), n=n_fft)
    h = (len(ker) - 1) // 2
    return full[h:-h]


# a spectrum with a few lines on a continuum
q = np.arange(nu.size)
spec = np.ones(nu.size)
for c0, depth, w in [(300.0, 0.6, 3.0), (610.5, 0.3, 1.5), (900.2, 0.8, 6.0)]:
    spec -= depth * np.exp(-0.5 * ((q - c0) / w) ** 2)

res = resolution_eslog(nu)
ops = {"nuGrid": tolist(nu), "f": tolist(spec), "resolution": res, "rotation": [], "ipgauss": []}
for vsini_max, vsini, u1, u2 in [(100.0, 30.0, 0.0, 0.0), (100.0, 57.3, 0.6, 0.2), (40.0, 12.0, 0.3, -0.1)]:
    vr = velocity_grid(res, vsini_max)
    k = rotkernel(vr / vsini, u1, u2)
    k = k / np.sum(k)
    ops["rotation"].append({
        "vsiniMax": vsini_max, "vsini": vsini, "u1": u1, "u2": u2,
        "vGridLength": len(vr), "dv": float(vr[1] - vr[0]),
        "out": tolist(convolve_same_exojax(spec, k)),
    })
for vr_max, beta in [(50.0, 2.5), (1000.0, 7.0)]:
    vr = velocity_grid(res, vr_max)
    x = vr / beta
    k = np.exp(-x * x / 2.0)
    k = k / np.sum(k)
    ops["ipgauss"].append({
        "vrMax": vr_max, "beta": beta, "vGridLength": len(vr), "dv": float(vr[1] - vr[0]),
        "out": tolist(convolve_same_exojax(spec, k)),
    })
dump("sop_operators.json", ops)
