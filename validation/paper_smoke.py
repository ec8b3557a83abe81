"""Paper-scale smoke runs of exp8, exp9 and knn: one seed of the ``paper`` config with every
training loop cut to a few steps (everything else at paper size: data, nets, pairs, nodes,
grids, radii, FFT sizes, the exact transforms and path analyses), timed per loop, and the
full paper-scale wall time estimated from it.

Each training loop (exp8: the DAE's ``ae_steps`` and the regression nets' ``n_steps``; exp9:
the CNN's ``n_steps`` and NEB's ``neb_steps``; knn: the spectrum net's ``n_steps``) is wrapped
by a timer, so the run gives the measured seconds per step of each loop; the estimate of one
full seed is::

    wall(smoke) - sum_loops time(loop) + sum_loops (seconds per step) x (paper steps)

and ``n_seeds`` times that for the whole paper scale on one core (divide by the number of
Dask workers on a cluster: seeds are independent tasks). What does not scale with the steps
(knn's exact transforms, whose cost grows with the trained net's number of linear regions;
exp9's adversarial search and exact path analyses, which depend on the trained CNN) is taken
at its smoke-run value: an estimate, not a measurement, of the full run.

Usage: .venv/bin/python validation/paper_smoke.py [exp8 exp9 knn] [--results DIR]
Writes ``validation/results/paper_smoke.md`` / ``.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from spectral_exact.experiments import get_config, get_experiment
from spectral_exact.experiments._protocol import override

RESULTS = Path(__file__).resolve().parent / "results"

#: per experiment: the config changes of the smoke run, and the timed loops as
#: (module attribute, config field counting its steps, how to read the steps of one call)
SMOKE: dict[str, dict[str, int | tuple[int, ...]]] = {
    "exp8": {"ae_steps": 100, "n_steps": 200},
    "exp9": {"n_steps": 100, "neb_steps": 20, "checkpoints": (0, 10, 20)},
    "knn": {"n_steps": 200},
}
LOOPS: dict[str, tuple[tuple[str, str], ...]] = {
    "exp8": (("train_dae", "ae_steps"), ("train_full_batch", "n_steps")),
    "exp9": (("train_cnn", "n_steps"), ("neb_relax", "neb_steps")),
    "knn": (("train_full_batch", "n_steps"),),
}


def _timed(fn: Callable[..., Any], log: list[float]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        t0 = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            log.append(time.perf_counter() - t0)

    return wrapper


def smoke(name: str, steps: dict[str, Any] | None = None) -> dict[str, Any]:
    """Run one seed of ``name``'s paper config with ``steps`` (default :data:`SMOKE`); time it."""
    mod = get_experiment(name)
    paper = get_config(name, "paper")
    changes = dict(SMOKE[name] if steps is None else steps)
    cfg = override(paper, **changes)
    logs: dict[str, list[float]] = {}
    saved = {}
    for attr, _field in LOOPS[name]:
        saved[attr] = getattr(mod, attr)
        logs[attr] = []
        setattr(mod, attr, _timed(saved[attr], logs[attr]))
    try:
        with tempfile.TemporaryDirectory() as tmp:
            t0 = time.perf_counter()
            mod.run(cfg, seeds=[0], out=tmp, show_progress=False, plot_figures=True)
            wall = time.perf_counter() - t0
            pngs = sorted(p.name for p in Path(tmp).glob("*.png"))
    finally:
        for attr, fn in saved.items():
            setattr(mod, attr, fn)
    loops = []
    est = wall
    for attr, fld in LOOPS[name]:
        calls, secs = len(logs[attr]), sum(logs[attr])
        n_smoke, n_paper = getattr(cfg, fld), getattr(paper, fld)
        per_step = secs / (calls * n_smoke) if calls else float("nan")
        est += calls * per_step * (n_paper - n_smoke)
        loops.append(
            {
                "loop": attr,
                "field": fld,
                "calls": calls,
                "smoke_steps": n_smoke,
                "paper_steps": n_paper,
                "seconds": secs,
                "ms_per_step": 1e3 * per_step,
            }
        )
    return {
        "experiment": name,
        "smoke_changes": {k: list(v) if isinstance(v, tuple) else v for k, v in changes.items()},
        "wall_s": wall,
        "figures": pngs,
        "loops": loops,
        "estimated_seed_s": est,
        "paper_seeds": paper.n_seeds,
        "estimated_paper_s": est * paper.n_seeds,
    }


def table(rows: Sequence[dict[str, Any]]) -> str:
    """Markdown table of smoke results."""
    lines = [
        "## Paper-scale smoke runs (one seed, training loops cut)",
        "",
        f"{os.cpu_count()} cores {platform.machine()}, python {platform.python_version()}; "
        "one process, one torch thread",
        "",
        "| experiment | smoke changes | smoke wall (s) | loops: ms per step (calls x steps) | "
        "estimated full seed | estimated paper scale (all seeds, one core) |",
        "|---|---|---|---|---|---|",
    ]
    for r in rows:
        loops = "; ".join(
            f"{lp['loop']}: {lp['ms_per_step']:.1f} ms ({lp['calls']} x {lp['smoke_steps']}, "
            f"paper {lp['paper_steps']})"
            for lp in r["loops"]
        )
        lines.append(
            f"| {r['experiment']} | {r['smoke_changes']} | {r['wall_s']:.1f} | {loops} | "
            f"{r['estimated_seed_s'] / 60:.1f} min | {r['estimated_paper_s'] / 3600:.1f} h "
            f"({r['paper_seeds']} seeds) |"
        )
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    """Run the smoke runs named on the command line (default all) and write the table."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("names", nargs="*", default=sorted(SMOKE), choices=sorted(SMOKE))
    p.add_argument("--results", type=Path, default=RESULTS)
    args = p.parse_args(argv)
    rows = []
    for name in args.names or sorted(SMOKE):
        print(f"{name}: paper config, {SMOKE[name]} ...", flush=True)
        rows.append(smoke(name))
        print(json.dumps(rows[-1], indent=1), flush=True)
    md = table(rows)
    print(md)
    args.results.mkdir(parents=True, exist_ok=True)
    stem = "paper_smoke" if set(args.names) == set(SMOKE) else "paper_smoke-" + "-".join(args.names)
    (args.results / f"{stem}.md").write_text(md)
    (args.results / f"{stem}.json").write_text(json.dumps(rows, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
