"""Paper-scale smoke runs: one seed of the ``paper`` config with every training loop cut.

Every size stays at paper scale (data, nets, grids, pairs, nodes, radii, FFT sizes, the exact
transforms and path analyses); only the training steps are cut. Each training loop is wrapped
by a timer (exp8: the DAE's ``ae_steps`` and the regression nets' ``n_steps``; exp9: the CNN's
``n_steps`` and NEB's ``neb_steps``; knn: the spectrum net's ``n_steps``; exp1..exp7,
fprinciple, spectrum2d: every ``train_full_batch`` call, both where the module looks it up
and in :mod:`spectral_exact.experiments._training`, where ``RunContext.train`` finds it, with
the steps of each call read from its ``n_steps`` argument). The run gives the measured seconds
per step of each call; the estimate of one full seed is::

    wall(smoke) + sum_calls [(seconds per update) x (paper - smoke steps)
                             + (seconds per record) x (paper - smoke records)]

where a call's update time is its time less that of its ``on_record`` callbacks (timed on
their own: records come every ``record_every`` steps, or at a fixed number of checkpoints).

Grid experiments (exp3, exp6, exp7) keep their whole grid and extrapolate every training on
its own. ``n_seeds`` times that is the whole paper scale on one core (on a cluster every seed,
and every grid point of exp3/exp6/exp7, is its own Dask task). What does not scale with the
steps (exact transforms of trained nets, whose cost grows with their number of linear regions;
exp9's adversarial search and path analyses; per-record spectra beyond the record count) is
taken at its smoke-run value: an estimate, not a measurement, of the full run.

Usage: .venv/bin/python validation/paper_smoke.py [NAME ...] [--results DIR]
Writes ``validation/results/paper_smoke-NAMES.md`` / ``.json`` for this run and merges its
rows into ``validation/results/paper_smoke.md`` / ``.json`` (replacing rows of the same name).
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

#: per experiment: the config changes of the smoke run (distinct step counts per field, so
#: that each training call's step count names the config field it came from)
SMOKE: dict[str, dict[str, int | tuple[int, ...]]] = {
    "exp1": {"n_steps": 200},
    "exp2": {"n_steps": 200},
    "exp3": {"n_steps": 100},
    "exp4": {"n_steps": 100},
    "exp5": {"n_steps": 100},
    "exp6": {"n_steps": 20},
    "exp7": {"n_steps": 50},
    "exp8": {"ae_steps": 100, "n_steps": 200},
    "exp9": {"n_steps": 100, "neb_steps": 20, "checkpoints": (0, 10, 20)},
    "fprinciple": {"n_steps": 500, "n_steps_init": 1000},
    "knn": {"n_steps": 200},
    "spectrum2d": {"n_steps": 120},
}
#: the timed loops as (attribute, config field counting its steps); the attribute is looked up
#: on the experiment module, or on :mod:`._training` when it starts with ``_training.`` (where
#: ``RunContext.train`` finds ``train_full_batch``); field ``None``: the steps of each call are
#: its ``n_steps`` argument, and its paper steps those of the config field with that smoke value
_TFB = (("train_full_batch", None), ("_training.train_full_batch", None))
LOOPS: dict[str, tuple[tuple[str, str | None], ...]] = {
    **{n: _TFB for n in ("exp1", "exp2", "exp3", "exp4", "exp5", "exp6", "exp7")},
    **{n: _TFB for n in ("fprinciple", "spectrum2d")},
    "exp8": (("train_dae", "ae_steps"), ("train_full_batch", "n_steps")),
    "exp9": (("train_cnn", "n_steps"), ("neb_relax", "neb_steps")),
    "knn": (("train_full_batch", "n_steps"),),
}


#: one timed call: (seconds in all, seconds in its ``on_record`` callbacks, records, its
#: ``n_steps`` argument or None, its record count at paper steps or None when it has none)
Call = tuple[float, float, int, int | None, Callable[[int], int] | None]


def _records_at(kwargs: dict[str, Any]) -> Callable[[int], int] | None:
    """Return the record count of a ``train_full_batch`` call as a function of its steps."""
    if kwargs.get("on_record") is None:
        return None
    if kwargs.get("record_steps") is not None:  # checkpoints: as many at any number of steps
        n_at = len(kwargs["record_steps"])
        return lambda n: n_at
    every = int(kwargs.get("record_every", 100))
    return lambda n: n // every + 1


def _timed(fn: Callable[..., Any], log: list[Call]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        rec = [0.0, 0]
        cb = kwargs.get("on_record")
        if cb is not None:

            def timed_cb(*a: Any, **k: Any) -> Any:
                t = time.perf_counter()
                try:
                    return cb(*a, **k)
                finally:
                    rec[0] += time.perf_counter() - t
                    rec[1] += 1

            kwargs["on_record"] = timed_cb
        t0 = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            total = time.perf_counter() - t0
            log.append((total, rec[0], int(rec[1]), kwargs.get("n_steps"), _records_at(kwargs)))

    return wrapper


def _owner(mod: Any, attr: str) -> tuple[Any, str]:
    if attr.startswith("_training."):
        from spectral_exact.experiments import _training

        return _training, attr.split(".", 1)[1]
    return mod, attr


def smoke(name: str, steps: dict[str, Any] | None = None) -> dict[str, Any]:
    """Run one seed of ``name``'s paper config with ``steps`` (default :data:`SMOKE`); time it.

    Every timed call is extrapolated on its own: its seconds per step times the paper steps of
    its loop (grid experiments run many trainings per seed; the grid is kept, the steps cut).
    """
    mod = get_experiment(name)
    paper = get_config(name, "paper")
    changes = dict(SMOKE[name] if steps is None else steps)
    cfg = override(paper, **changes)
    logs: dict[str, list[Call]] = {}
    saved: dict[str, tuple[Any, str, Any]] = {}
    for attr, _field in LOOPS[name]:
        owner, a = _owner(mod, attr)
        if not hasattr(owner, a):
            continue
        saved[attr] = (owner, a, getattr(owner, a))
        logs[attr] = []
    for attr, (owner, a, fn) in saved.items():
        setattr(owner, a, _timed(fn, logs[attr]))
    try:
        with tempfile.TemporaryDirectory() as tmp:
            t0 = time.perf_counter()
            mod.run(cfg, seeds=[0], out=tmp, show_progress=False, plot_figures=True)
            wall = time.perf_counter() - t0
            pngs = sorted(p.name for p in Path(tmp).glob("*.png"))
    finally:
        for owner, a, fn in saved.values():
            setattr(owner, a, fn)
    by_smoke = {v: k for k, v in changes.items() if isinstance(v, int) and k.endswith("steps")}
    loops = []
    est = wall
    for attr, fld in LOOPS[name]:
        if not logs.get(attr):
            continue
        secs = sum(c[0] for c in logs[attr])
        rec_secs = sum(c[1] for c in logs[attr])
        n_smoke_tot = n_paper_tot = rec_smoke = rec_paper = 0
        for t, t_rec, n_rec, n_call, records_at in logs[attr]:
            f = fld if fld is not None else by_smoke.get(n_call or -1, "n_steps")
            n_s = getattr(cfg, f) if fld is not None or n_call is None else n_call
            n_p = getattr(paper, f)
            # the updates scale with the steps, the records with their count at paper steps
            r_p = records_at(n_p) if records_at is not None and n_rec else n_rec
            est += (t - t_rec) / n_s * (n_p - n_s) + (t_rec / n_rec * (r_p - n_rec) if n_rec else 0)
            n_smoke_tot += n_s
            n_paper_tot += n_p
            rec_smoke += n_rec
            rec_paper += r_p
        calls = len(logs[attr])
        per_step = (secs - rec_secs) / n_smoke_tot if n_smoke_tot else float("nan")
        loops.append(
            {
                "loop": attr,
                "field": fld,
                "calls": calls,
                "smoke_steps": n_smoke_tot // calls if calls else 0,
                "paper_steps": n_paper_tot // calls if calls else 0,
                "seconds": secs,
                "ms_per_step": 1e3 * per_step,
                "record_seconds": rec_secs,
                "records": rec_smoke,
                "paper_records": rec_paper,
                "s_per_record": rec_secs / rec_smoke if rec_smoke else 0.0,
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
            + (
                f" + {lp['s_per_record']:.2f} s per record ({lp['records']}, paper "
                f"{lp['paper_records']})"
                if lp.get("records")
                else ""
            )
            for lp in r["loops"]
        )
        lines.append(
            f"| {r['experiment']} | {r['smoke_changes']} | {r['wall_s']:.1f} | {loops} | "
            f"{r['estimated_seed_s'] / 60:.1f} min | {r['estimated_paper_s'] / 3600:.1f} h "
            f"({r['paper_seeds']} seeds) |"
        )
    if rows:
        total = sum(r["estimated_paper_s"] for r in rows)
        longest = max(rows, key=lambda r: r["estimated_seed_s"])
        lines += [
            "",
            f"Total of the {len(rows)} experiments above, every seed, one core: "
            f"{total / 3600:.1f} h; the longest single seed: {longest['experiment']}, "
            f"{longest['estimated_seed_s'] / 3600:.1f} h (with seeds as independent tasks, "
            f"N workers take about max(total / N, longest seed)).",
        ]
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
    args.results.mkdir(parents=True, exist_ok=True)
    stem = "paper_smoke-" + "-".join(args.names)
    (args.results / f"{stem}.md").write_text(table(rows))
    (args.results / f"{stem}.json").write_text(json.dumps(rows, indent=2))
    # merged into paper_smoke.json / .md: this run's rows replace earlier ones of the same name
    merged_path = args.results / "paper_smoke.json"
    merged = json.loads(merged_path.read_text()) if merged_path.exists() else []
    new_names = {r["experiment"] for r in rows}
    merged = [r for r in merged if r["experiment"] not in new_names] + rows
    merged.sort(key=lambda r: list(SMOKE).index(r["experiment"]))
    md = table(merged)
    print(md)
    merged_path.write_text(json.dumps(merged, indent=2))
    (args.results / "paper_smoke.md").write_text(md)
    return 0


if __name__ == "__main__":
    sys.exit(main())
