"""Driver of the ``validation/exp*.py`` scripts: run an experiment (quick scale by default),
measure the paper's claims, print a markdown table with pass/fail and write it to
``validation/results/<script>.md`` and ``.json``."""

from __future__ import annotations

import argparse
import json
import platform
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from . import EXPERIMENTS, SCALES, experiment_claims, get_experiment, run_experiment


def claims_table(name: str, claims: Sequence[object], header: str) -> str:
    """Markdown table of measured claims."""
    lines = [header, "", "| claim | measured | criterion | result | details |",
             "|---|---|---|---|---|"]
    for c in claims:
        lines.append(f"| {c.name} | {c.measured:.3f} | {c.op} {c.threshold:g} | "  # type: ignore[attr-defined]
                     f"{'pass' if c.passed else 'FAIL'} | {c.description} |")  # type: ignore[attr-defined]
    return "\n".join(lines) + "\n"


def main(name: str, script: str, argv: Sequence[str] | None = None) -> int:
    """Run experiment ``name`` and record its claims under the file stem ``script``."""
    if name not in EXPERIMENTS:
        raise SystemExit(f"unknown experiment {name!r}")
    p = argparse.ArgumentParser(description=f"Validate {name}: {EXPERIMENTS[name]}")
    p.add_argument("--scale", choices=SCALES, default="quick")
    p.add_argument("--seeds", type=int, default=None)
    p.add_argument("--device", choices=("cpu", "cuda"), default="cpu")
    p.add_argument("--out", type=Path, default=None, help="keep the run's data here")
    p.add_argument("--results", type=Path,
                   default=Path(__file__).resolve().parents[2] / "validation" / "results")
    p.add_argument("--no-progress", action="store_true")
    args = p.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        out = args.out or Path(tmp) / name
        t0 = time.perf_counter()
        run_experiment(name, out, scale=args.scale, seeds=args.seeds, device=args.device,
                       show_progress=not args.no_progress)
        wall = time.perf_counter() - t0
        claims = experiment_claims(name, out)
        meta = json.loads((Path(out) / "meta.json").read_text())
    mod = get_experiment(name)
    header = (f"## {name}: {mod.TITLE}\n\nscale `{args.scale}`, seeds {meta['seeds']}, device "
              f"`{args.device}`, wall time {wall:.1f} s on {platform.machine()} "
              f"({platform.python_version()}, torch {meta['versions']['torch']})")
    table = claims_table(name, claims, header)
    print(table)
    args.results.mkdir(parents=True, exist_ok=True)
    stem = script if args.scale == "quick" else f"{script}-{args.scale}"
    (args.results / f"{stem}.md").write_text(table)
    (args.results / f"{stem}.json").write_text(json.dumps({
        "experiment": name, "scale": args.scale, "seeds": meta["seeds"], "wall_s": wall,
        "config": meta["config"], "claims": [c.as_dict() for c in claims],
    }, indent=2, default=float))
    return 0 if all(c.passed for c in claims) else 1
