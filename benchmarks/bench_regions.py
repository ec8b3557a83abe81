"""Time exact region enumeration (with face posets) for a few reference networks.

Run from the repository root::

    .venv/bin/python benchmarks/bench_regions.py [--repeat N] [--out FILE] [--arch 2-64-64-64-1]

For each network (seeded :meth:`spectral_exact.ReLUNetwork.random`, He initialisation) on the
box ``[-1, 1]^d`` it times :func:`spectral_exact.linear_regions` followed by
:func:`spectral_exact.face_poset` on every region, and reports the number of regions, the
seconds spent in each stage, regions per second for the whole pipeline, and the ratio to the
reference figure of 42,000 regions/s (the fastest published extractor, edge subdivision of the
1-skeleton, on a random 2-D 3x64 net, measured on the 2-core development machine). The best of
``--repeat`` runs is reported. Results are written as a Markdown table together with the
machine they were measured on.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

# run as a script from anywhere: import the package of this checkout
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import spectral_exact as se  # noqa: E402

REFERENCE_REGIONS_PER_S = 42_000.0
"""Regions/s of the fastest published region extractor (2-D 3x64 net, 2-core machine)."""

ARCHITECTURES: tuple[tuple[int, ...], ...] = (
    (2, 32, 32, 1),
    (2, 64, 64, 64, 1),
    (2, 128, 128, 128, 128, 1),
    (3, 32, 32, 1),
)
SEED = 0


@dataclass(frozen=True)
class Timing:
    """One benchmark row."""

    arch: tuple[int, ...]
    n_regions: int
    t_regions: float
    t_posets: float

    @property
    def total(self) -> float:
        return self.t_regions + self.t_posets

    @property
    def rate(self) -> float:
        return self.n_regions / self.total

    @property
    def rate_regions_only(self) -> float:
        return self.n_regions / self.t_regions


def time_one(arch: tuple[int, ...], repeat: int) -> Timing:
    """Best-of-``repeat`` timing of regions + face posets for one architecture."""
    net = se.ReLUNetwork.random(arch, seed=SEED)
    d = arch[0]
    box = se.Box(-np.ones(d), np.ones(d))
    best: Timing | None = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        regions = se.linear_regions(net, box)
        t1 = time.perf_counter()
        for r in regions:
            se.face_poset(r.polytope)
        t2 = time.perf_counter()
        cur = Timing(arch, len(regions), t1 - t0, t2 - t1)
        if best is None or cur.total < best.total:
            best = cur
    assert best is not None
    return best


def machine_description() -> str:
    """nproc, CPU model, Python and NumPy versions."""
    cpu = platform.processor() or "unknown"
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return (
        f"{os.cpu_count()} CPUs ({cpu}), Python {platform.python_version()}, "
        f"NumPy {np.__version__}, {platform.system()} {platform.machine()}"
    )


def arch_name(arch: tuple[int, ...]) -> str:
    return "-".join(str(a) for a in arch)


def to_markdown(rows: list[Timing], machine: str, repeat: int) -> str:
    lines = [
        "# Region enumeration benchmark",
        "",
        f"Machine: {machine}.",
        "",
        "Command: `.venv/bin/python benchmarks/bench_regions.py` "
        f"(best of {repeat}; seeded `ReLUNetwork.random(arch, seed={SEED})`, box `[-1, 1]^d`).",
        "Total = `linear_regions` + `face_poset` on every region. Reference: "
        f"{REFERENCE_REGIONS_PER_S:,.0f} regions/s (edge subdivision of the 1-skeleton, "
        "random 2-D 3x64 net, same class of 2-core machine).",
        "",
        "| net | regions | regions s | posets s | total s | regions/s (total) "
        "| regions/s (regions only) | ratio to 42k |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {arch_name(r.arch)} | {r.n_regions} | {r.t_regions:.3f} | {r.t_posets:.3f} "
            f"| {r.total:.3f} | {r.rate:,.0f} | {r.rate_regions_only:,.0f} "
            f"| {r.rate / REFERENCE_REGIONS_PER_S:.2f} |"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per net (best is kept)")
    parser.add_argument(
        "--out",
        type=Path,
        default=Path(__file__).with_name("results_regions.md"),
        help="Markdown results file",
    )
    parser.add_argument(
        "--arch",
        action="append",
        default=None,
        help="only this architecture, e.g. 2-64-64-64-1 (repeatable; default: all)",
    )
    args = parser.parse_args(argv)
    archs = (
        ARCHITECTURES
        if args.arch is None
        else tuple(tuple(int(x) for x in a.split("-")) for a in args.arch)
    )
    rows = []
    for arch in archs:
        t = time_one(arch, args.repeat)
        rows.append(t)
        print(
            f"{arch_name(arch):>22}: {t.n_regions:6d} regions  regions {t.t_regions:7.3f} s  "
            f"posets {t.t_posets:7.3f} s  {t.rate:9,.0f} regions/s  "
            f"ratio {t.rate / REFERENCE_REGIONS_PER_S:.2f}",
            flush=True,
        )
    machine = machine_description()
    args.out.write_text(to_markdown(rows, machine, args.repeat))
    print(f"machine: {machine}\nwrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
