"""Time the exact transform of 1-D nets: sorted breakpoints against the polytope engine.

Run from the repository root::

    .venv/bin/python benchmarks/bench_onedim.py [--repeat N] [--out FILE] [--line]

For the architectures of experiments 1 and 2 (``depth 6``: five hidden layers of width 128
(``quick``) or 256 (``paper``), torch's default initialisation, i.e.
``ReLUNetwork.random(arch, scale="pytorch")``) and a few smaller nets, on the experiments'
domain ``[0, 1]``, it times one *exact transform per net* as the experiments call it at every
record: a fresh network object (no cache), its regions, and 64 frequencies
``k = 2 pi (1..64)``. Two routes in the same process:

* ``new``: :func:`spectral_exact.network_fourier` (dispatches to the sorted-breakpoint path,
  :mod:`spectral_exact.fourier._onedim`);
* ``old``: ``network_fourier(prepare_network(net, box), k)`` with the regions of the general
  enumerators of :mod:`spectral_exact.regions` (``_bounded_regions`` /
  ``_unbounded_regions_rescaled``,
  as before the 1-D path; :func:`~spectral_exact.linear_regions` itself now uses the sorted
  breakpoints in 1-D): the route every 1-D transform took before.

Best of ``--repeat`` runs (``new``: ten times as many); the largest difference between the two
results relative to ``max |F|`` is reported too. ``--line`` adds the same nets on all of R
(``domain=None``, frequencies ``k != 0``), where the engine is much slower.

The ``overhead`` column is the per-net cost outside the two compiled kernels (argument checks,
the BLAS thread limit, flattening the weights, building the result): per public call, its
time minus the time spent inside the enumeration kernel
(:func:`~spectral_exact.fourier._onedim_kernels.enumerate_net`) and the transform kernel of
that same call; best of as many runs as the new path. The load average of the machine before
and after the run is written with the results.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_regions import machine_description

import spectral_exact as se
from spectral_exact import regions as regions_module
from spectral_exact.fourier import _onedim
from spectral_exact.fourier import spectrum as network_module
from spectral_exact.fourier.spectrum import network_fourier, prepare_network

ARCHITECTURES: tuple[tuple[int, ...], ...] = (
    (1, 16, 16, 1),
    (1, 64, 64, 64, 1),
    (1, 128, 128, 128, 128, 128, 1),  # exp1 / exp2 "quick"
    (1, 256, 256, 256, 256, 256, 1),  # exp1 / exp2 "paper"
)
SEED = 0
N_FREQ = 64


@dataclass(frozen=True)
class Row:
    arch: tuple[int, ...]
    domain: str
    n_regions: int
    t_new: float
    t_old: float
    rel_diff: float
    t_overhead: float


def _general_regions(net: se.ReLUNetwork, box: se.Box | None, **_: object) -> se.Regions:
    """Regions from the general-dimension enumerators (the pre-1-D route)."""
    tol = se.DEFAULT_TOLERANCES
    if box is None:
        arrays = regions_module._unbounded_regions_rescaled(net, tol)
    else:
        arrays = regions_module._bounded_regions(net, box.to_polytope(), tol)
    return se.Regions(net, box, arrays, tol)


def _fresh(arch: tuple[int, ...]) -> se.ReLUNetwork:
    net = se.ReLUNetwork.random(arch, seed=SEED, scale="pytorch")
    return se.ReLUNetwork(net.weights, net.biases)  # a new object: nothing cached


def time_one(arch: tuple[int, ...], line: bool, repeat: int) -> Row:
    box = None if line else se.Box([0.0], [1.0])
    k = 2 * np.pi * np.arange(1, N_FREQ + 1, dtype=float)[:, None]
    t_new = np.inf
    for _ in range(10 * repeat):
        net = _fresh(arch)
        t0 = time.perf_counter()
        new = se.network_fourier(net, k, domain=box)
        t_new = min(t_new, time.perf_counter() - t0)
    t_over = _overhead(arch, box, k, 10 * repeat, t_new)
    t_old = np.inf
    saved = network_module.linear_regions
    network_module.linear_regions = _general_regions  # type: ignore[assignment]
    try:
        for _ in range(repeat):
            net = _fresh(arch)
            t0 = time.perf_counter()
            prep = prepare_network(net, box)
            old = network_fourier(prep, k, method="laplacian" if line else None)
            t_old = min(t_old, time.perf_counter() - t0)
    finally:
        network_module.linear_regions = saved
    diff = float(np.max(np.abs(new - old)) / np.max(np.abs(old)))
    return Row(arch, "R" if line else "[0, 1]", len(prep.regions), t_new, t_old, diff, t_over)


def _overhead(
    arch: tuple[int, ...], box: se.Box | None, k: np.ndarray, runs: int, t_call: float
) -> float:
    """Best over ``runs`` public calls of (call time - time inside the compiled kernels of that
    same call): the per-net cost of argument checks, BLAS thread limit and glue.
    """
    del t_call
    kern = _onedim._kernels()
    names = ("enumerate_net", "box_transform", "line_transform")
    saved = {n: getattr(kern, n) for n in names}
    inside = [0.0]

    def spy(fn):  # type: ignore[no-untyped-def]
        def run(*args):  # type: ignore[no-untyped-def]
            t0 = time.perf_counter()
            out = fn(*args)
            inside[0] += time.perf_counter() - t0
            return out

        return run

    best = np.inf
    try:
        for n in names:
            setattr(kern, n, spy(saved[n]))
        for _ in range(runs):
            net = _fresh(arch)
            inside[0] = 0.0
            t0 = time.perf_counter()
            se.network_fourier(net, k, domain=box)
            best = min(best, time.perf_counter() - t0 - inside[0])
    finally:
        for n in names:
            setattr(kern, n, saved[n])
    return max(best, 0.0)


def _load() -> str:
    try:
        return ", ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:  # pragma: no cover - not on every platform
        return "unknown"


def arch_name(arch: tuple[int, ...]) -> str:
    return "-".join(str(a) for a in arch)


def to_markdown(
    rows: list[Row], machine: str, repeat: int, argv: list[str], load: tuple[str, str]
) -> str:
    cmd = " ".join(["benchmarks/bench_onedim.py", *argv])
    lines = [
        "# 1-D nets: sorted breakpoints vs the polytope engine",
        "",
        f"Machine: {machine}. Load average (1, 5, 15 min) before the run: {load[0]}; "
        f"after: {load[1]} (the machine is shared: compare ratios within one run).",
        "",
        f"Command: `.venv/bin/python {cmd}` (best of {10 * repeat} runs for the new path, "
        f"{repeat} for the engine; seeded `ReLUNetwork.random(arch, seed={SEED}, "
        'scale="pytorch")`, a fresh network object per run so nothing is cached). Time per net '
        f"= regions + {N_FREQ} frequencies `k = 2 pi (1..{N_FREQ})`, as experiments 1 and 2 call "
        "it at every record. The engine on R uses its most accurate route "
        '(`method="laplacian"`). Difference = max |new - old| / max |old|. Overhead = per call, '
        "its time minus the time inside its two compiled kernels (argument checks, BLAS "
        "thread limit, glue), best of the runs.",
        "",
        "| net | domain | regions | new ms | engine ms | speed-up | difference | overhead us |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {arch_name(r.arch)} | {r.domain} | {r.n_regions} | {1e3 * r.t_new:.3f} "
            f"| {1e3 * r.t_old:.1f} | {r.t_old / r.t_new:,.0f}x | {r.rel_diff:.1e} "
            f"| {1e6 * r.t_overhead:.0f} |"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="engine runs per net (best kept)")
    parser.add_argument("--out", type=Path, default=Path(__file__).with_name("results_onedim.md"))
    parser.add_argument("--line", action="store_true", help="also time the nets on all of R")
    args = parser.parse_args(argv)
    load_before = _load()
    rows = []
    for line in (False, True) if args.line else (False,):
        for arch in ARCHITECTURES:
            r = time_one(arch, line, args.repeat)
            rows.append(r)
            print(
                f"{arch_name(arch):>26} {r.domain:>7}: {r.n_regions:5d} regions  "
                f"new {1e3 * r.t_new:8.3f} ms  engine {1e3 * r.t_old:9.1f} ms  "
                f"x{r.t_old / r.t_new:,.0f}  diff {r.rel_diff:.1e}  "
                f"overhead {1e6 * r.t_overhead:.0f} us",
                flush=True,
            )
    machine = machine_description()
    load = (load_before, _load())
    args.out.write_text(to_markdown(rows, machine, args.repeat, argv, load))
    print(f"machine: {machine}\nload before / after: {load[0]} / {load[1]}\nwrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
