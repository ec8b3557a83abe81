"""Compare the numpy and torch (CPU / CUDA) backends of the exact Fourier engine.

Run from the repository root (on a machine with a GPU to include CUDA)::

    python benchmarks/bench_backends.py [--out benchmarks/results_backends.md]

For each net on ``[-1, 1]^d`` (geometry prepared once) it evaluates
``network_fourier(prep, k, backend=..., device=...)`` at a batch of frequencies, by the default
route (the fused Laplacian route over the shared complex: numba kernels with numpy,
:mod:`spectral_exact.fourier._fused_torch` with torch) and by the per-region level engine
(``method="regions"``), and reports the seconds, frequency-region evaluations per second, and
the largest relative difference to the numpy result of the same route; it also checks the
shared high-precision reference values with every backend (default route). The load average of
the machine is written with the results (the 2-core development machine is shared).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import spectral_exact as se

NETS = ((2, 32, 32, 1), (3, 16, 16, 1))
REFERENCE = Path(__file__).resolve().parents[1] / "tests" / "data" / "windowed_fourier_cases.json"


def backends() -> list[tuple[str, str | None]]:
    out: list[tuple[str, str | None]] = [("numpy", None)]
    try:
        import torch
    except ImportError:
        return out
    out.append(("torch", "cpu"))
    if torch.cuda.is_available():
        out.append(("torch", "cuda"))
    return out


def _load() -> str:
    try:
        return ", ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:  # pragma: no cover - not on every platform
        return "unknown"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=str(Path(__file__).with_name("results_backends.md")))
    ap.add_argument("--n-freq", type=int, default=16384)
    args = ap.parse_args(argv)
    import torch

    gpu = torch.cuda.get_device_name(0) if torch.cuda.is_available() else "none"
    lines = [
        "# Backends of the exact Fourier engine",
        "",
        f"Python {platform.python_version()}, numpy {np.__version__}, torch {torch.__version__}, "
        f"GPU: {gpu}, {os.cpu_count()} CPUs, torch threads {torch.get_num_threads()}. "
        f"Command: `python benchmarks/bench_backends.py {' '.join(argv or sys.argv[1:])}`. "
        f"Load average before the run: {_load()}.",
        "",
        "| net | regions | frequencies | backend | route | seconds | region-freq evals/s "
        "| max rel. diff. vs numpy |",
        "|---|---|---|---|---|---|---|---|",
    ]
    rng = np.random.default_rng(0)
    for arch in NETS:
        d = arch[0]
        net = se.ReLUNetwork.random(arch, seed=0)
        prep = se.prepare_network(net, se.Box([-1.0] * d, [1.0] * d))
        n_k = args.n_freq if d < 3 else args.n_freq // 4
        k = rng.uniform(-80, 80, size=(n_k, d))
        for method, route in ((None, "fused"), ("regions", "level engine")):
            ref = None
            for backend, device in backends():
                # warm up (compilation, device copies of the arrays)
                se.network_fourier(prep, k[:64], backend=backend, device=device, method=method)
                if device == "cuda":
                    torch.cuda.synchronize()
                t0 = time.perf_counter()
                F = se.network_fourier(prep, k, backend=backend, device=device, method=method)
                if device == "cuda":
                    torch.cuda.synchronize()
                dt = time.perf_counter() - t0
                if ref is None:
                    ref = F
                diff = float(np.max(np.abs(F - ref) / np.abs(ref)))
                name = backend if device is None else f"{backend} ({device})"
                lines.append(
                    f"| {'-'.join(map(str, arch))} | {prep.n_regions} | {n_k} | {name} | {route} "
                    f"| {dt:.3f} | {prep.n_regions * n_k / dt:,.0f} | {diff:.1e} |"
                )
                print(lines[-1], flush=True)
    data = json.loads(REFERENCE.read_text())
    lines += ["", "Shared reference values (40 digits), worst relative error per backend:", ""]
    for backend, device in backends():
        worst = 0.0
        for case in data["networks"]:
            net = se.ReLUNetwork(case["weights"], case["biases"])
            want = np.array([a + 1j * b for a, b in case["F"]])
            got = se.network_fourier(
                net,
                case["k"],
                domain=se.Box(case["lo"], case["hi"]),
                backend=backend,
                device=device,
            )
            worst = max(worst, float(np.max(np.abs(got - want) / np.abs(want))))
        name = backend if device is None else f"{backend} ({device})"
        lines.append(f"* {name}: {worst:.1e} ({'PASS' if worst <= 1e-11 else 'FAIL'} at 1e-11)")
        print(lines[-1], flush=True)
    lines += ["", f"Load average after the run: {_load()}."]
    Path(args.out).write_text("\n".join(lines) + "\n")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
