"""Benchmark exact spectra on uniform grids (:func:`spectral_exact.network_fourier_grid`).

Run from the repository root::

    .venv/bin/python benchmarks/bench_grid.py [--out benchmarks/results_grid.md] [--quick]

For each case (a net on ``[-1, 1]^d`` and a grid size ``n``), in one process:

1. **Exact grid**, from scratch (region enumeration included): wall and CPU seconds with the
   breakdown of :func:`spectral_exact.fourier.grid.network_fourier_grid_report` (regions,
   flat arrays, quadrature nodes, NUFFT, small-``|k|`` closed-form points); best of
   a few runs (one in 3-D).
2. **Accuracy** of the exact grid against the closed form :func:`spectral_exact.network_fourier`
   (regions route): at every grid point of a smaller grid, and at sample points (the lowest
   ``|k|``, the axes, random points) of the benchmarked grid; relative to ``max |F|``.
3. **Sampling + FFT** (:func:`spectral_exact.fft_fourier`) at ``n`` and at ``4 n``: time, and
   its error at ``|k| ~ K_PROBE`` against the exact values (trapezoid sums at fixed
   frequencies, :func:`spectral_exact.fft.fft_fourier_at`); the ``O(h^2)`` constant is fitted
   over several ``n`` and extrapolated to the ``n`` that reaches ``FFT_TARGET`` relative to
   ``max |F|``; its time from an ``n^d log n`` cost model fitted to the measured FFT times.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench_regions import machine_description as machine

import spectral_exact as se
from spectral_exact.fft import fft_fourier_at
from spectral_exact.fourier.grid import network_fourier_grid_report

#: (architecture, n of the benchmarked grid, n of the all-points accuracy grid (0: none),
#: FFT ns fitted, timing repeats, random sample points)
Case = tuple[tuple[int, ...], int, int, tuple[int, ...], int, int]
CASES: tuple[Case, ...] = (
    ((2, 64, 64, 64, 1), 256, 0, (128, 256, 512, 1024), 2, 160),
    ((2, 32, 32, 1), 256, 64, (128, 256, 512, 1024), 2, 160),
    ((1, 64, 64, 1), 4096, 4096, (1024, 4096, 16384, 65536), 2, 160),
    ((3, 16, 16, 1), 16, 0, (128, 160, 192, 224), 1, 24),
)
QUICK_CASES: tuple[Case, ...] = (
    ((2, 32, 32, 1), 128, 32, (64, 128, 256), 2, 160),
    ((1, 32, 32, 1), 1024, 1024, (256, 1024, 4096), 2, 160),
    ((3, 6, 6, 1), 8, 8, (8, 16, 32), 1, 24),
)
K_PROBE = 100.0
N_PROBE = 32
FFT_TARGET = 1e-6


def _timed(fn: Any, repeat: int) -> tuple[float, float, Any]:
    """Best wall and CPU seconds over ``repeat`` calls, and the last result."""
    best_w, best_c, out = np.inf, np.inf, None
    for _ in range(repeat):
        w0, c0 = time.perf_counter(), time.process_time()
        out = fn()
        best_w = min(best_w, time.perf_counter() - w0)
        best_c = min(best_c, time.process_time() - c0)
    return best_w, best_c, out


def _sample_indices(rep: Any, rng: np.random.Generator, n_sample: int) -> tuple[np.ndarray, ...]:
    """Grid indices: the 3^d lowest |k|, the axes (every 8th point), random points."""
    k = rep.k_grid
    shape = k.shape[:-1]
    d = len(shape)
    c = shape[0] // 2
    idx = set()
    for off in np.ndindex(*(3,) * d):
        idx.add(tuple(c - 1 + o for o in off))
    for a in range(d):
        for j in range(0, shape[0], 8):
            t = [c] * d
            t[a] = j
            idx.add(tuple(t))
    for _ in range(n_sample):
        idx.add(tuple(int(v) for v in rng.integers(0, shape[0], size=d)))
    arr = np.array(sorted(idx))
    return tuple(arr[:, a] for a in range(d))


def bench_case(
    arch: tuple[int, ...], n: int, n_all: int, fft_ns: tuple[int, ...], repeat: int, n_sample: int
) -> list[str]:
    d = arch[0]
    net = se.ReLUNetwork.random(arch, seed=0)
    box = se.Box([-1.0] * d, [1.0] * d)
    name = "-".join(map(str, arch))
    rng = np.random.default_rng(0)

    w_ex, c_ex, rep = _timed(lambda: network_fourier_grid_report(net, box, n), repeat)
    tm = rep.timings
    scale = float(np.abs(rep.values).max())

    # accuracy against the closed form
    sel = _sample_indices(rep, rng, n_sample)
    prep = se.prepare_network(net, box)
    w0 = time.perf_counter()
    ref = se.network_fourier(prep, rep.k_grid[sel])
    per_point = (time.perf_counter() - w0) / len(sel[0])  # closed form, geometry prepared
    err_sample = float(np.abs(rep.values[sel] - ref).max()) / scale
    err_all = None
    if n_all:
        rep_all = network_fourier_grid_report(net, box, n_all)
        ref_all = se.network_fourier(net, rep_all.k_grid, domain=box)
        err_all = float(np.abs(rep_all.values - ref_all).max() / np.abs(ref_all).max())
    bound_rel = float(rep.error_bound.max()) / scale

    # FFT timings at n and 4n, errors at |k| ~ K_PROBE for the fitted ns
    t_fft = {}
    for m in sorted({n, 4 * n, *fft_ns}):
        if m**d > 2**22:
            continue
        t_fft[m] = _timed(lambda m=m: se.fft_fourier(net, domain=box, n=m), repeat)[:2]
    # probe |k| = K_PROBE, or 60% of the coarsest fitted grid's Nyquist pi/h if that is lower
    k_probe = min(K_PROBE, 0.6 * np.pi * (min(fft_ns) - 1) / 2.0)
    dirs = rng.standard_normal((N_PROBE, d))
    kp = k_probe * dirs / np.linalg.norm(dirs, axis=1, keepdims=True)
    exact_p = se.network_fourier(net, kp, domain=box)
    errs, errs_local = [], []
    local = float(np.abs(exact_p).max())
    for m in fft_ns:
        tn = fft_fourier_at(net, box, m, kp)
        errs.append(float(np.abs(tn - exact_p).max()) / scale)
        errs_local.append(float(np.abs(tn - exact_p).max()) / local)
    h = 2.0 / (np.array(fft_ns, dtype=float) - 1)
    slope, _icpt = np.polyfit(np.log(h), np.log(errs), 1)
    c2 = float(np.exp(np.mean(np.log(errs) - 2 * np.log(h))))  # C in C h^2
    h_need = np.sqrt(FFT_TARGET / c2)
    n_need = int(np.ceil(2.0 / h_need)) + 1
    ms = np.array(sorted(t_fft), dtype=float)
    ts = np.array([t_fft[int(m)][0] for m in ms])
    cost = ms**d * np.log(ms)
    a_fit = float(np.sum(ts * cost) / np.sum(cost * cost))  # least squares through 0
    t_need = a_fit * n_need**d * np.log(n_need)

    lines = [
        f"### {name} on [-1,1]^{d}, n = {n} ({n**d:,} frequencies)",
        "",
        f"* {rep.n_regions:,} regions, {rep.n_nodes:,} quadrature nodes, "
        f"{int(rep.exact.sum())} grid points from the closed form (k = 0 included), "
        f"NUFFT/quadrature eps {rep.eps:.0e}.",
        f"* **Exact grid: {w_ex:.3f} s wall** ({c_ex:.3f} s CPU), best of {repeat}: "
        + ", ".join(f"{k} {v:.3f}" for k, v in tm.items())
        + " s.",
        f"* Error vs the closed form, relative to max|F|: {err_sample:.1e} at "
        f"{len(sel[0])} sample points (lowest |k|, axes, random)"
        + (f"; {err_all:.1e} at all {n_all**d:,} points of the n = {n_all} grid" if n_all else "")
        + f". Documented bound (max over the grid): {bound_rel:.1e}.",
        "",
        "| route | wall s | CPU s | wall ratio to exact grid |",
        "|---|---|---|---|",
        f"| exact grid n = {n} | {w_ex:.3f} | {c_ex:.3f} | 1.00 |",
    ]
    for m, (tw, tc) in sorted(t_fft.items()):
        if m in (n, 4 * n):
            lines.append(f"| sampling + FFT n = {m} | {tw:.3f} | {tc:.3f} | {tw / w_ex:.2f} |")
    lines.append(
        f"| FFT n = {n_need:,} for {FFT_TARGET:g} (extrapolated) | {t_need:.3g} | | "
        f"{t_need / w_ex:.3g} |"
    )
    t_direct = per_point * n**d
    lines.append(
        f"| closed form `network_fourier` at all {n**d:,} points (extrapolated from "
        f"{len(sel[0])}, geometry prepared) | {t_direct:.3g} | | {t_direct / w_ex:.3g} |"
    )
    lines += [
        "",
        f"FFT (trapezoid) error at |k| = {k_probe:g} ({N_PROBE} directions), relative to "
        f"max|F| = {scale:.3e}: "
        + ", ".join(f"n = {m}: {e:.1e}" for m, e in zip(fft_ns, errs, strict=True))
        + f" (relative to max|F| over those |k| = {k_probe:g} points, {local:.2e}: "
        + ", ".join(f"n = {m}: {e:.1e}" for m, e in zip(fft_ns, errs_local, strict=True))
        + f"); fitted order {-slope if slope < 0 else slope:.2f}, C = {c2:.3g} in C h^2; "
        f"{FFT_TARGET:g} needs n = {n_need:,} per axis (time from a fitted "
        f"n^{d} log n model).",
        "",
    ]
    for line in lines:
        print(line, flush=True)
    return lines


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Benchmark exact spectra on uniform grids")
    ap.add_argument("--out", default=str(Path(__file__).with_name("results_grid.md")))
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args(argv)
    parts = [
        "# Exact spectra on uniform grids: network_fourier_grid vs sampling + FFT",
        "",
        f"Machine: {machine()}. Shared and noisy: compare ratios within one run.",
        "Command: `.venv/bin/python benchmarks/bench_grid.py`",
        "",
        "Exact grid = `network_fourier_grid_report(net, box, n)` from a bare network (region",
        "enumeration included). FFT = `fft_fourier(net, domain=box, n=m)` (network sampled on",
        "m^d points, trapezoid weights, FFT). Both return the same k_grid for the same n.",
        "",
    ]
    for case in QUICK_CASES if args.quick else CASES:
        parts += bench_case(*case)
    Path(args.out).write_text("\n".join(parts))
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
