"""The ``spectral-exact`` command line.

Subcommands (each has ``--help``):

``regions``
    Enumerate the exact linear regions (with face posets) of a saved or built-in net on a box,
    print a summary, write ``summary.json`` and, in 1-D or 2-D, ``regions.png``.
``fourier``
    Evaluate the exact transform :math:`F(k) = \\int f(x) e^{-ik\\cdot x} dx` (on a box, or on
    all of :math:`\\mathbb{R}^d` as a tempered distribution) at frequencies given on the
    command line.
``demo``
    The main job: train a small net and run the whole pipeline (:mod:`spectral_exact.demo`).
``experiment``
    The spectral-bias experiments (:mod:`spectral_exact.experiments`; needs torch).
``version``
    Print the package and library versions.

Heavy modules (torch, matplotlib, the Fourier engine) are imported inside the handlers, so
``spectral-exact --help`` works without them.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ._errors import SpectralExactError

__all__ = ["main", "build_parser"]

DEFAULT_ARCH = "2,16,16,1"
DEFAULT_SEED = 0
DEFAULT_LO = -1.0
DEFAULT_HI = 1.0


class CommandError(SpectralExactError):
    """A command-line argument that cannot be used (reported without a traceback)."""


# ---------------------------------------------------------------------------- parsing helpers
def _parse_ints(text: str, what: str) -> list[int]:
    try:
        return [int(t) for t in text.replace(" ", "").split(",") if t]
    except ValueError as exc:
        raise CommandError(f"{what} must be comma-separated integers, got {text!r}") from exc


def _parse_floats(text: str, what: str) -> list[float]:
    try:
        return [float(t) for t in text.replace(" ", "").split(",") if t]
    except ValueError as exc:
        raise CommandError(f"{what} must be comma-separated numbers, got {text!r}") from exc


def parse_frequencies(text: str, d: int) -> np.ndarray:
    """Parse ``"k1,k2;k1,k2;..."`` into an array of shape ``(n, d)``."""
    rows = [r for r in text.split(";") if r.strip()]
    if not rows:
        raise CommandError(f"--k needs at least one frequency, got {text!r}")
    ks = [_parse_floats(r, "--k") for r in rows]
    bad = [r for r, k in zip(rows, ks, strict=True) if len(k) != d]
    if bad:
        raise CommandError(
            f"each frequency in --k needs {d} components (the net's input dimension); "
            f"got {bad[0].strip()!r}"
        )
    return np.array(ks, dtype=float)


def _add_net_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--net",
        type=Path,
        default=None,
        help="saved network (.npz from ReLUNetwork.save, or a torch.save(model) file of a "
        "piecewise-linear model with one output); default: a seeded random net",
    )
    p.add_argument(
        "--arch",
        default=DEFAULT_ARCH,
        help=f"architecture of the built-in random net, d,w1,...,1 (default {DEFAULT_ARCH})",
    )
    p.add_argument("--seed", type=int, default=DEFAULT_SEED, help="seed of the built-in random net")


def _add_box_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--lo", type=float, default=None, help=f"box lower bound (default {DEFAULT_LO})")
    p.add_argument("--hi", type=float, default=None, help=f"box upper bound (default {DEFAULT_HI})")
    p.add_argument(
        "--box",
        default=None,
        help="box as LO,HI (same bounds on every axis) or LO1,...,LOd,HI1,...,HId; "
        "write --box=-1,1 (with '=') for negative bounds",
    )


def _load_net(args: argparse.Namespace) -> Any:
    from .network import ReLUNetwork
    from .torch_model import load_network  # torchnet: .npz or a saved torch model

    if args.net is not None:  # .npz (ReLUNetwork.save) or a saved torch model (torchnet)
        return load_network(args.net)
    return ReLUNetwork.random(_parse_ints(args.arch, "--arch"), seed=args.seed)


def _make_box(args: argparse.Namespace, d: int) -> Any:
    from .polytope import Box

    if args.box is not None:
        if args.lo is not None or args.hi is not None:
            raise CommandError("give either --box or --lo/--hi, not both")
        vals = _parse_floats(args.box, "--box")
        if len(vals) == 2:
            return Box([vals[0]] * d, [vals[1]] * d)
        if len(vals) == 2 * d:
            return Box(vals[:d], vals[d:])
        raise CommandError(
            f"--box needs 2 or {2 * d} numbers for a net on R^{d}, got {len(vals)}: {args.box!r}"
        )
    lo = DEFAULT_LO if args.lo is None else args.lo
    hi = DEFAULT_HI if args.hi is None else args.hi
    return Box([lo] * d, [hi] * d)


# ---------------------------------------------------------------------------- regions
def region_summary(regions: Any, box: Any, t_regions: float, t_posets: float) -> dict[str, Any]:
    """The numbers printed and written by ``spectral-exact regions``."""
    vols = np.array([r.polytope.volume for r in regions])
    n_vertices = Counter(int(len(r.polytope.vertices)) for r in regions)
    total = t_regions + t_posets
    return {
        "architecture": list(regions.net.architecture),
        "box_lo": box.lo.tolist(),
        "box_hi": box.hi.tolist(),
        "n_regions": len(regions),
        "volume_sum": float(vols.sum()),
        "box_volume": box.volume,
        "volume_rel_error": float(abs(vols.sum() - box.volume) / box.volume),
        "min_region_volume": float(vols.min()),
        "max_region_volume": float(vols.max()),
        "vertices_per_region": {str(k): n_vertices[k] for k in sorted(n_vertices)},
        "time_regions_s": t_regions,
        "time_face_posets_s": t_posets,
        "time_total_s": total,
        "regions_per_s": len(regions) / total if total > 0 else float("inf"),
    }


def _print_summary(s: dict[str, Any]) -> None:
    arch = "-".join(str(a) for a in s["architecture"])
    print(f"net {arch} on box lo={s['box_lo']} hi={s['box_hi']}")
    print(f"  regions            {s['n_regions']}")
    print(
        f"  volume sum         {s['volume_sum']:.15g} (box {s['box_volume']:.15g}, "
        f"relative error {s['volume_rel_error']:.2e})"
    )
    print(
        f"  region volume      min {s['min_region_volume']:.3e}  max {s['max_region_volume']:.3e}"
    )
    print(
        f"  time               regions {s['time_regions_s']:.3f} s + face posets "
        f"{s['time_face_posets_s']:.3f} s = {s['time_total_s']:.3f} s "
        f"({s['regions_per_s']:,.0f} regions/s)"
    )
    print(
        "  vertices/region    " + "  ".join(f"{k}:{v}" for k, v in s["vertices_per_region"].items())
    )


def _cmd_regions(args: argparse.Namespace) -> int:
    from .face_poset import face_poset
    from .regions import linear_regions

    net = _load_net(args)
    box = _make_box(args, net.input_dim)
    t0 = time.perf_counter()
    regions = linear_regions(net, box)
    t1 = time.perf_counter()
    for r in regions:
        face_poset(r.polytope)
    t2 = time.perf_counter()
    summary = region_summary(regions, box, t1 - t0, t2 - t1)
    _print_summary(summary)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    files = ["summary.json"]
    if net.input_dim <= 2 and not args.no_plot:
        from .plotting import plot_regions

        fig = plot_regions(regions, color=args.color)
        fig.savefig(out / "regions.png", dpi=args.dpi)
        import matplotlib.pyplot as plt

        plt.close(fig)
        files.append("regions.png")
    summary["files"] = files
    (out / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
    print(f"wrote {', '.join(str(out / f) for f in files)}")
    return 0


# ---------------------------------------------------------------------------- fourier
def _cmd_fourier(args: argparse.Namespace) -> int:
    from . import network_fourier

    net = _load_net(args)
    d = net.input_dim
    k = parse_frequencies(args.k, d)
    if args.whole_space:
        if args.box is not None or args.lo is not None or args.hi is not None:
            raise CommandError("--whole-space takes no box (--box/--lo/--hi)")
        domain = None
        where = f"R^{d} (tempered distribution)"
    else:
        domain = _make_box(args, d)
        where = f"box lo={domain.lo.tolist()} hi={domain.hi.tolist()}"
    values = np.asarray(network_fourier(net, k, domain=domain))
    arch = "-".join(str(a) for a in net.architecture)
    print(f"F(k) = integral of f(x) exp(-i k.x) dx over {where}; net {arch}")
    kw = max(12, 13 * d)
    print(f"{'k':>{kw}}  {'Re F':>22}  {'Im F':>22}  {'|F|':>12}")
    rows = []
    for kk, v in zip(k, values, strict=True):
        ks = ",".join(f"{x:g}" for x in kk)
        print(f"{ks:>{kw}}  {v.real:>22.15e}  {v.imag:>22.15e}  {abs(v):>12.5e}")
        rows.append({"k": kk.tolist(), "re": float(v.real), "im": float(v.imag)})
    if args.out is not None:
        out = Path(args.out)
        out.mkdir(parents=True, exist_ok=True)
        (out / "fourier.json").write_text(
            json.dumps(
                {"architecture": list(net.architecture), "domain": where, "values": rows}, indent=2
            )
            + "\n"
        )
        print(f"wrote {out / 'fourier.json'}")
    return 0


# ---------------------------------------------------------------------------- demo
def _cmd_demo(args: argparse.Namespace) -> int:
    from .demo import DemoConfig, run_demo

    cfg = DemoConfig(seed=args.seed, progress=not args.no_progress)
    if args.quick:
        cfg = dataclasses.replace(cfg, steps=QUICK_DEMO_STEPS, decay_points=300)
    report = run_demo(args.out, cfg)
    print(Path(args.out, "report.md").read_text())
    print(f"{report['n_regions']} regions; wrote report.md, report.json and figures to {args.out}")
    return 0


QUICK_DEMO_STEPS = 200
"""Training steps of ``spectral-exact demo --quick``."""


# ---------------------------------------------------------------------------- version
def _cmd_version(args: argparse.Namespace) -> int:
    import platform

    import networkx
    import scipy

    from . import __version__

    print(f"spectral-exact {__version__}")
    print(
        f"python {platform.python_version()}, numpy {np.__version__}, scipy {scipy.__version__}, "
        f"networkx {networkx.__version__}"
    )
    return 0


# ---------------------------------------------------------------------------- experiment
def _add_experiment(sub: Any, wanted: bool) -> None:
    """Register ``experiment``: the real parser if it is requested and importable."""
    if wanted:
        try:
            from .experiments.cli import add_experiment_parser
        except ImportError as exc:
            p = sub.add_parser("experiment", help="spectral-bias experiments (needs torch)")
            p.add_argument("rest", nargs=argparse.REMAINDER)
            p.set_defaults(func=_experiment_unavailable, import_error=str(exc))
            return
        add_experiment_parser(sub)
        return
    p = sub.add_parser(
        "experiment",
        help="spectral-bias experiments (needs torch); see 'spectral-exact experiment --help'",
    )
    p.add_argument("rest", nargs=argparse.REMAINDER)


def _experiment_unavailable(args: argparse.Namespace) -> int:
    print(
        "error: the 'experiment' subcommand is unavailable: "
        f"{args.import_error}. Install the extras: pip install -e '.[torch,experiments]'",
        file=sys.stderr,
    )
    return 2


def _run_experiment(args: argparse.Namespace) -> int:
    from .experiments.cli import run_experiment_command

    return int(run_experiment_command(args))


# ---------------------------------------------------------------------------- parser / main
def build_parser(argv: Sequence[str] = ()) -> argparse.ArgumentParser:
    """The argument parser (``argv`` decides whether the experiment parser is imported)."""
    from . import __version__

    parser = argparse.ArgumentParser(
        prog="spectral-exact",
        description="Exact Fourier transforms of ReLU networks, F(k) = ∫ f(x) exp(-i k·x) dx, "
        "and spectral bias.",
    )
    parser.add_argument("--version", action="version", version=f"spectral-exact {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser(
        "regions",
        help="enumerate and summarise the exact linear regions of a net",
        description="Enumerate the linear regions of a net on a box (with face posets), print "
        "a summary and write summary.json (and regions.png for d <= 2).",
    )
    _add_net_arguments(p)
    _add_box_arguments(p)
    p.add_argument("--out", default="spectral_exact_regions", help="output directory")
    p.add_argument(
        "--color",
        choices=["random", "value"],
        default="random",
        help="region colours: random, or a heat map of f",
    )
    p.add_argument("--dpi", type=int, default=150, help="resolution of regions.png")
    p.add_argument("--no-plot", action="store_true", help="do not write regions.png")
    p.set_defaults(func=_cmd_regions)

    p = sub.add_parser(
        "fourier",
        help="evaluate the exact Fourier transform of a net at given frequencies",
        description="Evaluate F(k) = ∫ f(x) exp(-i k·x) dx, k in radians per unit length, on a "
        "box (default [-1, 1]^d) or on all of R^d (--whole-space).",
    )
    _add_net_arguments(p)
    _add_box_arguments(p)
    p.add_argument(
        "--k",
        default="3,0;0,3",
        help="frequencies 'k1,...,kd;k1,...,kd;...' (default '3,0;0,3')",
    )
    p.add_argument(
        "--whole-space",
        action="store_true",
        help="transform on all of R^d (a tempered distribution, off its singular set)",
    )
    p.add_argument("--out", default=None, help="also write fourier.json into this directory")
    p.set_defaults(func=_cmd_fourier)

    p = sub.add_parser(
        "demo",
        help="train a small net and run the whole pipeline (the main job)",
        description="Train a small 2-D ReLU net, compute its regions and exact transform, "
        "compare with the FFT, check Theorem 1, and write a report with figures.",
    )
    p.add_argument("--out", default="spectral_exact_demo", help="output directory")
    p.add_argument("--seed", type=int, default=0, help="random seed")
    p.add_argument("--quick", action="store_true", help="a shorter run (fewer training steps)")
    p.add_argument("--no-progress", action="store_true", help="hide the training progress bar")
    p.set_defaults(func=_cmd_demo)

    _add_experiment(sub, wanted=len(argv) > 0 and argv[0] == "experiment")

    from ._cli_slice import register as _register_slice  # torchnet: `slice` subcommand

    _register_slice(sub)
    p = sub.add_parser("version", help="print versions", description="Print versions.")
    p.set_defaults(func=_cmd_version)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``spectral-exact`` console script; returns the exit status."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(args_list)
    args = parser.parse_args(args_list)
    if args.command is None:
        parser.print_help()
        return 2
    if args.command == "experiment" and not hasattr(args, "func"):
        args.func = _run_experiment
    try:
        return int(args.func(args))
    except SpectralExactError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
