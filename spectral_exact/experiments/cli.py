"""The ``experiment`` subcommand of ``spectral-exact``.

``spectral-exact experiment NAME [--scale quick|paper] [--seeds N] [--seed S]
[--device cpu|cuda] [--out DIR] [--scheduler ADDRESS] [--workers N] [--serial] [--replot]
[--no-progress] [--data MNIST_DIR]``

By default every seed is a task on a Dask ``LocalCluster`` (processes, one thread each);
``--scheduler`` sends them to an existing cluster; a re-run with the same ``--out`` skips the
finished tasks (:mod:`._sweep`). ``--serial`` runs all seeds in this process instead.

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

_DATA_EXPERIMENTS = ("exp3", "exp4", "exp8", "exp9")


def _configure(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
    listing = "\n".join(f"  {k:<11} {v}" for k, v in EXPERIMENTS.items())
    p.formatter_class = argparse.RawDescriptionHelpFormatter
    p.description = (
        "Run one of the spectral-bias experiments (Rahaman et al., 2019) and save its data "
        "(results.npz, meta.json) and figures (PNG) into --out.\n\nexperiments:\n" + listing
    )
    p.add_argument(
        "name",
        choices=sorted(EXPERIMENTS),
        metavar="NAME",
        help="experiment to run: " + ", ".join(EXPERIMENTS),
    )
    p.add_argument(
        "--scale",
        choices=SCALES,
        default="quick",
        help="quick: about a minute on 2 CPU cores; paper: the paper's sizes (default: quick)",
    )
    p.add_argument(
        "--seeds",
        type=int,
        default=None,
        metavar="N",
        help="number of runs/seeds (default: the scale's own; paper exp1 uses 10)",
    )
    p.add_argument(
        "--seed",
        type=int,
        default=0,
        metavar="S",
        help="first seed; runs use S, S+1, ..., S+N-1 (default: 0)",
    )
    p.add_argument(
        "--device",
        choices=("cpu", "cuda"),
        default="cpu",
        help="torch device; cuda fails with an error if unavailable (default: cpu)",
    )
    p.add_argument(
        "--out",
        type=Path,
        default=None,
        metavar="DIR",
        help="output directory (default: ./experiments_out/NAME-SCALE)",
    )
    p.add_argument(
        "--scheduler",
        default=None,
        metavar="ADDRESS",
        help="run the seeds as tasks on this existing Dask scheduler "
        "(default: a LocalCluster of processes, one thread each)",
    )
    p.add_argument(
        "--workers",
        type=int,
        default=None,
        metavar="N",
        help="workers of the LocalCluster (default: min(#seeds, #cores))",
    )
    p.add_argument(
        "--serial",
        action="store_true",
        help="run all seeds one after another in this process (no Dask)",
    )
    p.add_argument(
        "--replot",
        action="store_true",
        help="redraw the figures from the data saved in --out, without training",
    )
    p.add_argument("--no-progress", action="store_true", help="hide progress bars")
    p.add_argument(
        "--data",
        default=None,
        metavar="MNIST_DIR",
        help="exp3/exp4/exp8/exp9 only: directory with MNIST IDX files (default: sklearn digits)",
    )
    return p


def add_experiment_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``experiment`` subcommand to an ``argparse`` subparsers object."""
    p = subparsers.add_parser(
        "experiment",
        help="run a spectral-bias experiment (exp1..exp9, fprinciple, spectrum2d, knn)",
    )
    return _configure(p)


def build_parser() -> argparse.ArgumentParser:
    """Return a standalone parser (``python -m spectral_exact.experiments.cli``)."""
    return _configure(argparse.ArgumentParser(prog="spectral-exact experiment"))


def run_experiment_command(args: argparse.Namespace) -> int:
    """Run (or ``--replot``) the experiment described by parsed ``args``; returns an exit code.

    Bad options raise :class:`~spectral_exact.experiments.ExperimentError` (a ``ValueError``).
    """
    from . import experiment_claims, get_config, replot_experiment, run_experiment
    from ._runtime import ExperimentError
    from ._sweep import run_sweep

    out = args.out
    if out is None:
        out = Path("experiments_out") / f"{args.name}-{args.scale}"
    if args.replot:
        paths = replot_experiment(args.name, out)
        print(f"redrew {len(paths)} figure(s) in {out}")
        return 0
    if args.scheduler is None:
        # fail fast, before a cluster starts or anything trains: --device cuda on a machine
        # without CUDA is one line and exit code 2 (on an existing cluster, --scheduler, each
        # task checks the device on its worker before training)
        from ._runtime import resolve_device

        resolve_device(args.device)
    overrides = {}
    if args.data is not None:
        if args.name not in _DATA_EXPERIMENTS:
            raise ExperimentError(f"--data only applies to {_DATA_EXPERIMENTS}, not {args.name}")
        overrides["data_path"] = str(args.data)
    t0 = time.perf_counter()
    if args.serial:
        if args.scheduler is not None:
            raise ExperimentError("--serial and --scheduler exclude each other")
        run_experiment(
            args.name,
            out,
            scale=args.scale,
            seeds=args.seeds,
            seed=args.seed,
            device=args.device,
            show_progress=not args.no_progress,
            **overrides,
        )
        how = "in this process"
    else:
        n = get_config(args.name, args.scale).n_seeds if args.seeds is None else args.seeds
        if n < 1:
            raise ExperimentError(f"--seeds must be >= 1, got {n}")
        if args.seed < 0:
            raise ExperimentError(f"--seed must be >= 0, got {args.seed}")
        res = run_sweep(
            args.name,
            out,
            scale=args.scale,
            seeds=range(args.seed, args.seed + n),
            device=args.device,
            scheduler=args.scheduler,
            n_workers=args.workers,
            overrides=overrides,
            on_done=None if args.no_progress else (lambda key: print(f"  done {key}", flush=True)),
        )
        how = f"as Dask tasks: {len(res.executed)} run, {len(res.skipped)} resumed from {out}/tasks"
    dt = time.perf_counter() - t0
    print(f"{args.name} ({args.scale}) finished in {dt:.1f} s {how}; data and figures in {out}")
    for c in experiment_claims(args.name, out):
        lo, hi = c.ci
        print(
            f"  [{'pass' if c.passed else 'FAIL'}] {c.name}: mean {c.mean:.3f} "
            f"(95% CI [{lo:.3f}, {hi:.3f}], {len(c.values)} seed(s)) {c.op} {c.threshold:g}"
        )
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``python -m spectral_exact.experiments.cli``."""
    from ._runtime import ExperimentError

    args = build_parser().parse_args(argv)
    try:
        return run_experiment_command(args)
    except ExperimentError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
