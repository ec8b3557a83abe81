"""The ``experiment`` subcommand of ``spectral-exact``.

``spectral-exact experiment NAME [--scale quick|paper] [--seeds N] [--seed S]
[--device cpu|cuda] [--out DIR] [--replot] [--no-progress] [--data MNIST_DIR]``

The main CLI wires it with::

    from spectral_exact.experiments.cli import add_experiment_parser, run_experiment_command
    add_experiment_parser(subparsers)          # adds the "experiment" subparser
    ...
    return run_experiment_command(args)        # when args.command == "experiment"

It also runs standalone: ``python -m spectral_exact.experiments.cli NAME ...``.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from . import EXPERIMENTS, SCALES

__all__ = ["add_experiment_parser", "build_parser", "main", "run_experiment_command"]

_DATA_EXPERIMENTS = ("exp3", "exp4")


def _configure(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
    listing = "\n".join(f"  {k:<11} {v}" for k, v in EXPERIMENTS.items())
    p.formatter_class = argparse.RawDescriptionHelpFormatter
    p.description = (
        "Run one of the spectral-bias experiments (Rahaman et al., 2019) and save its data "
        "(results.npz, meta.json) and figures (PNG) into --out.\n\nexperiments:\n" + listing
    )
    p.add_argument("name", choices=sorted(EXPERIMENTS), metavar="NAME",
                   help="experiment to run: " + ", ".join(EXPERIMENTS))
    p.add_argument("--scale", choices=SCALES, default="quick",
                   help="quick: about a minute on 2 CPU cores; paper: the paper's sizes "
                        "(default: quick)")
    p.add_argument("--seeds", type=int, default=None, metavar="N",
                   help="number of runs/seeds (default: the scale's own; paper exp1 uses 10)")
    p.add_argument("--seed", type=int, default=0, metavar="S",
                   help="first seed; runs use S, S+1, ..., S+N-1 (default: 0)")
    p.add_argument("--device", choices=("cpu", "cuda"), default="cpu",
                   help="torch device; cuda fails with an error if unavailable (default: cpu)")
    p.add_argument("--out", type=Path, default=None, metavar="DIR",
                   help="output directory (default: ./experiments_out/NAME-SCALE)")
    p.add_argument("--replot", action="store_true",
                   help="redraw the figures from the data saved in --out, without training")
    p.add_argument("--no-progress", action="store_true", help="hide progress bars")
    p.add_argument("--data", default=None, metavar="MNIST_DIR",
                   help="exp3/exp4 only: directory with MNIST IDX files (default: sklearn digits)")
    return p


def add_experiment_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``experiment`` subcommand to an ``argparse`` subparsers object."""
    p = subparsers.add_parser(
        "experiment", help="run a spectral-bias experiment (exp1..exp7, fprinciple, spectrum2d)"
    )
    return _configure(p)


def build_parser() -> argparse.ArgumentParser:
    """A standalone parser (``python -m spectral_exact.experiments.cli``)."""
    return _configure(argparse.ArgumentParser(prog="spectral-exact experiment"))


def run_experiment_command(args: argparse.Namespace) -> int:
    """Run (or ``--replot``) the experiment described by parsed ``args``; returns an exit code.

    Bad options raise :class:`~spectral_exact.experiments.ExperimentError` (a ``ValueError``).
    """
    from . import experiment_claims, replot_experiment, run_experiment

    out = args.out
    if out is None:
        out = Path("experiments_out") / f"{args.name}-{args.scale}"
    if args.replot:
        paths = replot_experiment(args.name, out)
        print(f"redrew {len(paths)} figure(s) in {out}")
        return 0
    overrides = {}
    if args.data is not None:
        if args.name not in _DATA_EXPERIMENTS:
            from ._common import ExperimentError

            raise ExperimentError(f"--data only applies to {_DATA_EXPERIMENTS}, not {args.name}")
        overrides["data_path"] = str(args.data)
    t0 = time.perf_counter()
    run_experiment(args.name, out, scale=args.scale, seeds=args.seeds, seed=args.seed,
                   device=args.device, show_progress=not args.no_progress, **overrides)
    dt = time.perf_counter() - t0
    print(f"{args.name} ({args.scale}) finished in {dt:.1f} s; data and figures in {out}")
    for c in experiment_claims(args.name, out):
        print(f"  [{'pass' if c.passed else 'FAIL'}] {c.name}: {c.measured:.3f} {c.op} "
              f"{c.threshold:g}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``python -m spectral_exact.experiments.cli``."""
    from ._common import ExperimentError

    args = build_parser().parse_args(argv)
    try:
        return run_experiment_command(args)
    except ExperimentError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
