"""Time exact region enumeration, face posets, R^d enumeration and the edge-subdivision code.

Run from the repository root::

    .venv/bin/python benchmarks/bench_regions.py [--repeat N] [--out FILE] [--arch 3-32-32-1]
        [--edge-subdivision PATH] [--no-posets]

For each network (seeded :meth:`spectral_exact.ReLUNetwork.random`, He initialisation) it
measures, in one process and in CPU seconds (``time.process_time``, one torch thread):

* ``regions``: :func:`spectral_exact.linear_regions` on the box ``[-1, 1]^d`` (flat arrays);
* ``complex``: :func:`spectral_exact.complex.complex_from_arrays` on those arrays (the shared
  complex: distinct vertices, edges, polygons, facets and their incidences; in d >= 3 on the
  box from the global edge subdivision's sign vectors, every level for every d), so that
  ``regions + complex`` is what the edge-subdivision code is compared with;
* ``objects``: creating every :class:`~spectral_exact.Region` / ``Polytope`` from them;
* ``posets``: :func:`spectral_exact.face_poset` of every region (and the number of faces, so
  that the time per face can be compared across dimensions);
* ``R^d``: :func:`spectral_exact.linear_regions` on all of ``R^d`` (``domain=None``);
* ``edge subdivision``: the published edge-subdivision code (Berzins, "Polyhedral complex
  extraction from ReLU networks using edge subdivision", ICML 2023,
  https://github.com/arturs-berzins/relu_edge_subdivision) on the same weights and box, when
  its checkout is given by ``--edge-subdivision PATH`` or the environment variable
  ``RELU_EDGE_SUBDIVISION`` (the column is left empty otherwise). That code has no licence: it
  is run from its own checkout, never copied here. It returns the vertices and edges of the
  complex (float32), not the regions.

The best of ``--repeat`` runs of each stage is reported, with the machine.
"""

from __future__ import annotations

import argparse
import importlib
import os
import platform
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

# run as a script from anywhere: import the package of this checkout
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import spectral_exact as se
from spectral_exact.complex import complex_from_arrays

ARCHITECTURES: tuple[tuple[int, ...], ...] = (
    (2, 32, 32, 1),
    (2, 64, 64, 1),
    (2, 64, 64, 64, 1),
    (3, 32, 32, 1),
    (4, 12, 12, 1),
    (4, 16, 16, 1),
)
SEED = 0
ENV_EDGE_SUBDIVISION = "RELU_EDGE_SUBDIVISION"


@dataclass(frozen=True)
class Timing:
    """One benchmark row (CPU seconds; ``nan`` where a stage was not run)."""

    arch: tuple[int, ...]
    n_regions: int
    t_regions: float
    t_complex: float
    t_objects: float
    t_posets: float
    n_faces: int
    n_regions_rd: int
    t_rd: float
    t_edge_subdivision: float
    es_vertices: int
    es_edges: int
    poset_every: int = 1

    @property
    def us_per_face(self) -> float:
        return 1e6 * self.t_posets / self.n_faces if self.n_faces else float("nan")


def best_cpu(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    """Smallest CPU time of ``repeat`` calls of ``fn`` and the last result."""
    best, out = float("inf"), None
    for _ in range(repeat):
        t0 = time.process_time()
        out = fn()
        best = min(best, time.process_time() - t0)
    return best, out


def load_edge_subdivision(path: str | None) -> Any:
    """The edge-subdivision module and its ``Net`` class from a checkout, or ``None``."""
    if not path:
        return None
    root = Path(path)
    if not (root / "edge_subdivision.py").is_file():
        print(f"no edge_subdivision.py under {root}: column skipped", file=sys.stderr)
        return None
    import torch

    torch.set_num_threads(1)
    sys.path.insert(0, str(root))
    es = importlib.import_module("edge_subdivision")
    nn_mod = importlib.import_module("NN")
    return es, nn_mod.Net


def edge_subdivision_run(mod: Any, net: se.ReLUNetwork, repeat: int) -> tuple[float, int, int]:
    """CPU time, vertices and edges of the edge-subdivision code on ``net`` and ``[-1, 1]^d``."""
    import torch

    es, Net = mod
    f = Net(list(net.architecture))
    with torch.no_grad():
        for lin, W, b in zip(f.fcs, net.weights, net.biases, strict=True):
            lin.weight.copy_(torch.tensor(np.array(W), dtype=torch.float32))
            lin.bias.copy_(torch.tensor(np.array(b), dtype=torch.float32))

    def run() -> Any:
        with torch.no_grad():
            return es.skeletal_subdivision(
                f, bbox=(-1, 1), device=torch.device("cpu"), verbose=False
            )

    t, (vs, edges, _) = best_cpu(run, repeat)
    return t, len(vs), len(edges)


def time_one(
    arch: tuple[int, ...], repeat: int, es_mod: Any, posets: bool, rd: bool, every: int = 1
) -> Timing:
    """All stages for one architecture."""
    net = se.ReLUNetwork.random(arch, seed=SEED)
    d = arch[0]
    box = se.Box(-np.ones(d), np.ones(d))
    t_reg, regions = best_cpu(lambda: se.linear_regions(net, box), repeat)
    t_cx, _ = best_cpu(lambda: complex_from_arrays(regions.arrays), repeat)
    t0 = time.process_time()
    objs = list(regions)
    t_obj = time.process_time() - t0
    t_pos, n_faces = float("nan"), 0
    if posets:
        t_pos, n_faces = best_cpu(
            lambda: sum(se.face_poset(r.polytope).number_of_nodes() for r in objs[::every]),
            repeat,
        )
    t_rd, n_rd = float("nan"), 0
    if rd:
        t_rd, reg_rd = best_cpu(lambda: se.linear_regions(net, None), repeat)
        n_rd = len(reg_rd)
    t_es, nv, ne = float("nan"), 0, 0
    if es_mod is not None:
        t_es, nv, ne = edge_subdivision_run(es_mod, net, repeat)
    return Timing(
        arch, len(regions), t_reg, t_cx, t_obj, t_pos, n_faces, n_rd, t_rd, t_es, nv, ne, every
    )


def machine_description() -> str:
    """nproc, CPU model, Python and NumPy versions."""
    cpu = platform.processor() or "unknown"
    try:
        with Path("/proc/cpuinfo").open() as fh:
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


def _f(x: float, fmt: str = ".3f") -> str:
    return "" if x != x else format(x, fmt)


def to_markdown(
    rows: list[Timing], machine: str, repeat: int, command: str, load: tuple[float, float]
) -> str:
    lines = [
        "# Region enumeration benchmark",
        "",
        f"Machine: {machine}. Load average (1 min) at the start and end of the run: "
        f"{load[0]:.1f}, {load[1]:.1f}.",
        "",
        f"Command: `{command}` (best of {repeat}; CPU seconds; seeded "
        f"`ReLUNetwork.random(arch, seed={SEED})`, box `[-1, 1]^d`; one torch thread).",
        "",
        "`regions`: `linear_regions` on the box (flat arrays); `complex`: `complex_from_arrays`"
        " (the shared complex); `objects`: creating every Region /"
        " Polytope from them; `posets`: `face_poset` of every region (of every N-th region with"
        " `--poset-every N`: `posets s` and `faces` are then the subsample's, and the last column"
        " counts N times `posets s`); `R^d`: `linear_regions`"
        " with `domain=None`; `ES`: the published edge-subdivision code (Berzins, ICML 2023) on"
        " the same weights and box (vertices and edges of the complex, float32).",
        "",
        "| net | regions | regions s | complex s | objects s | posets s | faces | us/face "
        "| R^d regions | R^d s | R^d / box | ES s | ES / regions | ES / (regions+complex) "
        "| ES / (regions+objects+posets) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        total = r.t_regions + r.t_objects + r.t_posets * r.poset_every  # all regions
        lines.append(
            f"| {arch_name(r.arch)} | {r.n_regions} | {_f(r.t_regions)} | {_f(r.t_complex)} "
            f"| {_f(r.t_objects)} "
            f"| {_f(r.t_posets)} | {r.n_faces or ''} | {_f(r.us_per_face, '.1f')} "
            f"| {r.n_regions_rd or ''} | {_f(r.t_rd)} | {_f(r.t_rd / r.t_regions, '.2f')} "
            f"| {_f(r.t_edge_subdivision)} | {_f(r.t_edge_subdivision / r.t_regions, '.2f')} "
            f"| {_f(r.t_edge_subdivision / (r.t_regions + r.t_complex), '.2f')} "
            f"| {_f(r.t_edge_subdivision / total, '.2f')} |"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per stage (best is kept)")
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
        help="only this architecture, e.g. 3-32-32-1 (repeatable; default: all)",
    )
    parser.add_argument(
        "--edge-subdivision",
        default=os.environ.get(ENV_EDGE_SUBDIVISION),
        help=f"checkout of relu_edge_subdivision (default: ${ENV_EDGE_SUBDIVISION}; none: skip)",
    )
    parser.add_argument("--no-posets", action="store_true", help="skip the face posets")
    parser.add_argument("--no-rd", action="store_true", help="skip the R^d enumeration")
    parser.add_argument(
        "--poset-every",
        type=int,
        default=1,
        help="face posets of every N-th region only (us/face stays comparable; default 1)",
    )
    args = parser.parse_args(argv)
    archs = (
        ARCHITECTURES
        if args.arch is None
        else tuple(tuple(int(x) for x in a.split("-")) for a in args.arch)
    )
    es_mod = load_edge_subdivision(args.edge_subdivision)
    load0 = os.getloadavg()[0]
    rows = []
    for arch in archs:
        t = time_one(
            arch, args.repeat, es_mod, not args.no_posets, not args.no_rd, args.poset_every
        )
        rows.append(t)
        print(
            f"{arch_name(arch):>16}: {t.n_regions:6d} regions {t.t_regions:7.3f} s  complex "
            f"{t.t_complex:6.3f} s  objects "
            f"{t.t_objects:6.3f} s  posets {t.t_posets:7.3f} s ({t.us_per_face:5.1f} us/face)  "
            f"R^d {t.n_regions_rd:6d} {t.t_rd:7.3f} s  "
            f"edge subdivision {t.t_edge_subdivision:7.3f} s "
            f"({t.es_vertices} vertices, {t.es_edges} edges)",
            flush=True,
        )
    machine = machine_description()
    command = "python benchmarks/bench_regions.py " + " ".join(
        a for a in (argv if argv is not None else sys.argv[1:]) if a != args.edge_subdivision
    )
    load = (load0, os.getloadavg()[0])
    args.out.write_text(to_markdown(rows, machine, args.repeat, command.strip(), load))
    print(f"load average (1 min): {load[0]:.1f} at the start, {load[1]:.1f} at the end")
    print(f"machine: {machine}\nwrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
