"""Benchmark the exact Fourier engine.

Run from the repository root::

    .venv/bin/python benchmarks/bench_fourier.py [--out benchmarks/results_fourier.md] [--quick]

1. **Throughput**: frequency-region evaluations per second of
   :func:`spectral_exact.network_fourier` (geometry prepared once with
   :func:`spectral_exact.prepare_network`, then a batch of frequencies), per route, for 1-D,
   2-D and 3-D nets on ``[-1, 1]^d`` and on R^d.
2. **Time to accuracy** on ``[-1, 1]^2`` at 32 frequencies with ``|k| = 100``: the exact engine
   (regions + evaluation, from scratch) whose accuracy is checked against the 40-digit mpmath
   reference (target 1e-11), against the trapezoidal FFT reference, whose error falls as
   ``C h^2``: it is measured for growing ``n`` and the ``n`` (and the time) needed to reach
   1e-6 relative to ``max |F|`` is extrapolated from the fitted constant and an ``n^2 log n``
   cost model fitted to the measured FFT times (a grid that fine does not fit in memory here).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench_regions import machine_description as machine  # noqa: E402

import spectral_exact as se  # noqa: E402
from spectral_exact.fft import fft_fourier, fft_fourier_at  # noqa: E402
from spectral_exact.testing import mp_network_fourier_box  # noqa: E402

THROUGHPUT_NETS = ((1, 32, 32, 1), (2, 32, 32, 1), (2, 64, 64, 64, 1), (3, 16, 16, 1))
WORK = 4_000_000
TTA_ARCH = (2, 32, 32, 1)
TTA_K_NORM = 100.0
TTA_N_FREQ = 32
EXACT_TARGET = 1e-11
FFT_TARGET = 1e-6


def throughput(quick: bool) -> list[str]:
    rows = [
        "| net | domain | regions | frequencies | route | seconds | region-freq evals/s |",
        "|---|---|---|---|---|---|---|",
    ]
    rng = np.random.default_rng(0)
    for arch in THROUGHPUT_NETS[:2] if quick else THROUGHPUT_NETS:
        d = arch[0]
        net = se.ReLUNetwork.random(arch, seed=0)
        for domain in (se.Box([-1.0] * d, [1.0] * d), None):
            prep = se.prepare_network(net, domain)
            # about WORK region-frequency pairs per row, at most 4096 frequencies
            n_k = int(min(4096, max(256, WORK // prep.n_regions)))
            k = rng.uniform(-60, 60, size=(n_k, d))
            routes = ("regions", "lemma1", "laplacian") if domain is not None else ("lemma1",)
            for route in routes:
                t0 = time.perf_counter()
                se.network_fourier(prep, k, method=route)
                dt = time.perf_counter() - t0
                rate = prep.n_regions * n_k / dt
                dom = f"[-1,1]^{d}" if domain is not None else f"R^{d}"
                rows.append(
                    f"| {'-'.join(map(str, arch))} | {dom} | {prep.n_regions} | {n_k} | {route} "
                    f"| {dt:.3f} | {rate:,.0f} |"
                )
                print(rows[-1], flush=True)
    return rows


def time_to_accuracy(quick: bool) -> list[str]:
    net = se.ReLUNetwork.random(TTA_ARCH, seed=0)
    box = se.Box([-1.0, -1.0], [1.0, 1.0])
    ang = np.linspace(0, np.pi, TTA_N_FREQ, endpoint=False) + 0.1
    k = TTA_K_NORM * np.stack([np.cos(ang), np.sin(ang)], axis=1)
    t0 = time.perf_counter()
    prep = se.prepare_network(net, box)
    exact = se.network_fourier(prep, k)
    t_exact = time.perf_counter() - t0
    n_ref = 4 if quick else 8
    ref = mp_network_fourier_box(net, box.lo, box.hi, k[:n_ref])
    err_exact = float(np.max(np.abs(exact[:n_ref] - ref) / np.abs(ref)))
    scale = float(np.max(np.abs(exact)))
    ns = [256, 512, 1024] if quick else [256, 512, 1024, 2048]
    errs, times, grid_times = [], [], []
    for n in ns:
        t0 = time.perf_counter()
        approx = fft_fourier_at(net, box, n, k)
        times.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        fft_fourier(net, box, n=n)
        grid_times.append(time.perf_counter() - t0)
        errs.append(float(np.max(np.abs(approx - exact)) / scale))
    h = 2.0 / (np.array(ns) - 1)
    order, logc = np.polyfit(np.log(h), np.log(errs), 1)
    h_needed = float(np.exp((np.log(FFT_TARGET) - logc) / order))
    n_needed = int(np.ceil(2.0 / h_needed + 1))
    # cost model for the FFT grid route: t = a n^2 log n
    a = float(np.median(np.array(grid_times) / (np.array(ns) ** 2 * np.log(ns))))
    t_fft_needed = a * n_needed**2 * np.log(n_needed)
    lines = [
        f"Net {'-'.join(map(str, TTA_ARCH))} (seed 0, {prep.n_regions} regions) on [-1,1]^2, "
        f"{TTA_N_FREQ} frequencies with |k| = {TTA_K_NORM:g}.",
        "",
        "| method | setting | error (rel. to max abs F) | seconds |",
        "|---|---|---|---|",
        f"| exact engine (regions + transform) | closed form | {err_exact:.1e} vs 40-digit mpmath "
        f"(target {EXACT_TARGET:g}) | {t_exact:.3f} |",
    ]
    for n, e, t, tg in zip(ns, errs, times, grid_times, strict=True):
        lines.append(f"| trapezoid/FFT | n = {n} | {e:.2e} | {tg:.3f} (grid FFT), {t:.2f} (at k) |")
    lines += [
        f"| trapezoid/FFT (extrapolated) | n = {n_needed:,} for {FFT_TARGET:g} | "
        f"fitted order {order:.2f} | ~{t_fft_needed:,.0f} (n^2 log n model; "
        f"{n_needed**2 * 16 / 2**30:,.0f} GiB of samples) |",
        "",
        f"Exact: {err_exact:.1e} in {t_exact:.2f} s. FFT: 1e-6 needs n = {n_needed:,} per axis, "
        f"about {t_fft_needed / max(t_exact, 1e-9):,.0f}x the exact engine's time.",
    ]
    for line in lines:
        print(line, flush=True)
    return lines


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Benchmark the exact Fourier engine")
    ap.add_argument("--out", default=str(Path(__file__).with_name("results_fourier.md")))
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args(argv)
    parts = [
        "# Exact Fourier engine benchmarks",
        "",
        f"Machine: {machine()}. Shared and noisy: compare ratios within one run.",
        "Command: `.venv/bin/python benchmarks/bench_fourier.py`",
        "",
        "## Throughput",
        "",
        *throughput(args.quick),
        "",
        "## Time to accuracy: exact (1e-11) vs FFT (1e-6)",
        "",
        *time_to_accuracy(args.quick),
        "",
    ]
    Path(args.out).write_text("\n".join(parts))
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
