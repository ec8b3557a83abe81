"""Driver of the ``validation/exp*.py`` scripts: run an experiment over seeds ``0..N-1``
(quick scale and :data:`VALIDATION_SEEDS` seeds by default) as Dask tasks, measure the
paper's claims per seed, print a markdown table (mean, spread, bootstrap interval, every
seed's value, pass/fail) and write it to ``validation/results/<script>.md`` and ``.json``.

It lives next to the scripts, outside the package: the package never writes into the
repository (the results folder is this file's sibling ``results/``, or ``--results``).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from spectral_exact.experiments import EXPERIMENTS, SCALES, experiment_claims, get_experiment
from spectral_exact.experiments._claims import MIN_SEEDS_TO_PASS, Claim
from spectral_exact.experiments._runtime import ExperimentError, resolve_device
from spectral_exact.experiments._sweep import run_sweep

#: where the tables go by default
RESULTS = Path(__file__).resolve().parent / "results"

#: seeds every validation runs by default
VALIDATION_SEEDS = 5


def _g(x: float) -> str:
    return f"{x:.3f}"


def claims_table(claims: Sequence[Claim], header: str) -> str:
    """Markdown table of claims measured over seeds."""
    lines = [
        header,
        "",
        "| claim | criterion (mean over seeds) | mean ± sd | 95% CI | seeds meeting it | "
        "per-seed values | result |",
        "|---|---|---|---|---|---|---|",
    ]
    for c in claims:
        lo, hi = c.ci
        lines.append(
            f"| {c.name} | {c.op} {c.threshold:g} | {_g(c.mean)} ± {_g(c.spread)} | "
            f"[{_g(lo)}, {_g(hi)}] | {c.n_seeds_meeting}/{len(c.values)}"
            f"{f' ({c.n_censored} censored)' if c.n_censored else ''} | "
            f"{', '.join(_g(v) for v in c.values)} | {'pass' if c.passed else 'FAIL'} |"
        )
    lines += ["", "Metrics (fixed in the module before the runs):", ""]
    lines += [f"- **{c.name}**: {c.metric}" for c in claims]
    lines += ["", "Per-seed details:", ""]
    lines += [f"- **{c.name}**: {c.details}" for c in claims if c.details]
    lines += [
        "",
        f"A claim passes when the whole percentile-bootstrap 95% interval of its mean "
        f"over seeds clears the criterion, every seed's value is defined (unless the claim is "
        f"censored, below), and there are "
        f">= {MIN_SEEDS_TO_PASS} seeds.",
    ]
    censored = [c.name for c in claims if c.undefined == "censored"]
    if censored:
        lines += [
            "",
            "Censored claims (declared in the module before the runs): "
            + ", ".join(f"**{n}**" for n in censored)
            + f". Seeds on which the metric is undefined (nan) are left out of the mean, "
            f"spread and interval and counted as censored; such a claim passes when at least "
            f"{MIN_SEEDS_TO_PASS} seeds are defined and the interval over them clears the "
            f"criterion.",
        ]
    return "\n".join(lines) + "\n"


def main(name: str, script: str, argv: Sequence[str] | None = None) -> int:
    """Run experiment ``name`` over seeds and record its claims under the file stem ``script``."""
    if name not in EXPERIMENTS:
        raise SystemExit(f"unknown experiment {name!r}")
    p = argparse.ArgumentParser(description=f"Validate {name}: {EXPERIMENTS[name]}")
    p.add_argument("--scale", choices=SCALES, default="quick")
    p.add_argument(
        "--seeds",
        type=int,
        default=VALIDATION_SEEDS,
        help=f"seeds 0..N-1 (default {VALIDATION_SEEDS})",
    )
    p.add_argument("--device", choices=("cpu", "cuda"), default="cpu")
    p.add_argument("--scheduler", default=None, help="address of an existing Dask scheduler")
    p.add_argument("--workers", type=int, default=None, help="local Dask workers")
    p.add_argument(
        "--out", type=Path, default=None, help="keep the run's data here (and resume from it)"
    )
    p.add_argument(
        "--results",
        type=Path,
        default=RESULTS,
    )
    p.add_argument("--no-progress", action="store_true")
    args = p.parse_args(argv)
    if args.seeds < 1:
        raise SystemExit(f"--seeds must be >= 1, got {args.seeds}")
    if args.scheduler is None:  # fail fast (one line, exit 2) before anything trains
        try:
            resolve_device(args.device)
        except ExperimentError as exc:
            print(f"error: {exc}", file=sys.stderr)
            raise SystemExit(2) from None
    with tempfile.TemporaryDirectory() as tmp:
        out = args.out or Path(tmp) / name
        t0 = time.perf_counter()
        res = run_sweep(
            name,
            out,
            scale=args.scale,
            seeds=range(args.seeds),
            device=args.device,
            scheduler=args.scheduler,
            n_workers=args.workers,
        )
        wall = time.perf_counter() - t0
        claims = experiment_claims(name, out)
        meta: dict[str, Any] = json.loads((Path(out) / "meta.json").read_text())
    mod = get_experiment(name)
    n_workers = args.workers or min(args.seeds, os.cpu_count() or 1)
    where = args.scheduler or f"LocalCluster, {n_workers} processes x 1 thread"
    header = (
        f"## {name}: {mod.TITLE}\n\nscale `{args.scale}`, seeds {meta['seeds']}, device "
        f"`{args.device}`, wall time {wall:.1f} s for {len(res.executed)} task(s) run "
        f"({len(res.skipped)} resumed) on {where}, {os.cpu_count()} cores "
        f"{platform.machine()} (python {platform.python_version()}, torch "
        f"{meta['versions']['torch']}, numpy {meta['versions']['numpy']})"
    )
    table = claims_table(claims, header)
    print(table)
    args.results.mkdir(parents=True, exist_ok=True)
    stem = script if args.scale == "quick" else f"{script}-{args.scale}"
    (args.results / f"{stem}.md").write_text(table)
    (args.results / f"{stem}.json").write_text(
        json.dumps(
            {
                "experiment": name,
                "scale": args.scale,
                "seeds": meta["seeds"],
                "wall_s": wall,
                "tasks_executed": list(res.executed),
                "tasks_resumed": list(res.skipped),
                "config": meta["config"],
                "versions": meta["versions"],
                "claims": [c.as_dict() for c in claims],
            },
            indent=2,
            default=float,
        )
    )
    return 0 if all(c.passed for c in claims) else 1
