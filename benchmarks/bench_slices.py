"""Benchmark: a trained digits CNN analysed exactly on 2-D slices through test images.

For each plane through three test images (box ``[-m, 1 + m]^2`` in slice coordinates):
compile time (once), region enumeration (count, seconds, regions/s), the exact transform on
an ``n x n`` FFT grid (seconds, microseconds per region-frequency pair) and the FFT
reference on the same grid; and the regions/pieces along the line between two images.

Usage::

    PYTHONPATH=. .venv/bin/python benchmarks/bench_slices.py [--slices 5] [--n 16] [--margin 0.25]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_regions import machine_description


def main(argv: list[str] | None = None) -> int:
    import torch

    import spectral_exact as se
    from spectral_exact._cli_slice import train_cnn
    from spectral_exact.experiments.data import load_digits

    ap = argparse.ArgumentParser()
    ap.add_argument("--slices", type=int, default=5)
    ap.add_argument("--n", type=int, default=16)
    ap.add_argument("--margin", type=float, default=0.25)
    ap.add_argument("--channels", type=int, default=3)
    ap.add_argument("--epochs", type=int, default=15)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    torch.set_num_threads(1)

    X, y = load_digits()
    t0 = time.perf_counter()
    model, info = train_cnn(X, y, channels=args.channels, epochs=args.epochs, seed=args.seed)
    t_train = time.perf_counter() - t0
    test = info["test"]
    print(f"# Slices benchmark\n\nMachine: {machine_description()}\n")
    print(
        f"Model: `make_digits_cnn(8, channels={args.channels})` trained {args.epochs} epochs "
        f"(seed {args.seed}, {t_train:.1f} s, test accuracy {info['test_accuracy']:.3f}). "
        f"Box `[-{args.margin}, {1 + args.margin}]^2` in slice coordinates; spectrum on the "
        f"{args.n}x{args.n} FFT grid.\n"
    )
    print(
        "| slice (test images) | labels | compile s | regions | regions s | regions/s | "
        "exact F s | us / (region k) | FFT s | line regions | line pieces |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    m = args.margin
    box = se.Box([-m, -m], [1 + m, 1 + m])
    totals = np.zeros(3)
    for s in range(args.slices):
        idx = [int(i) for i in test[3 * s : 3 * s + 3]]
        logit = int(y[idx[0]])
        t0 = time.perf_counter()
        net = se.from_torch(model, input_shape=(1, 8, 8), output=logit)
        t_comp = time.perf_counter() - t0
        plane = se.slice_through(net, X[idx])
        t0 = time.perf_counter()
        regs = se.linear_regions(plane, box)
        t_reg = time.perf_counter() - t0
        t0 = time.perf_counter()
        kg, _ = se.fft_fourier(plane, box, n=args.n)
        t_fft = time.perf_counter() - t0
        t0 = time.perf_counter()
        prep = se.prepare_network(plane, domain=box)
        se.network_fourier(prep, kg.reshape(-1, 2), domain=box)
        t_ex = time.perf_counter() - t0
        line = se.linear_regions(se.slice_through(net, X[idx[:2]]), se.Box([0.0], [1.0]))
        nk = args.n**2
        totals += [len(regs), t_reg, t_ex]
        print(
            f"| {idx} | {[int(y[i]) for i in idx]} | {t_comp:.2f} | {len(regs)} | {t_reg:.2f} | "
            f"{len(regs) / t_reg:,.0f} | {t_ex:.2f} | {1e6 * t_ex / (len(regs) * nk):.1f} | "
            f"{t_fft:.3f} | {len(line)} | {se.linear_pieces(line)} |"
        )
    print(
        f"\nAll {args.slices} slices: {int(totals[0])} regions in {totals[1]:.2f} s "
        f"({totals[0] / totals[1]:,.0f} regions/s), exact spectra {totals[2]:.1f} s "
        f"({totals[2] / args.slices:.2f} s per slice at {args.n**2} frequencies)."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
