r"""Sweeps over seeds as tasks on a Dask cluster, with deterministic merging and resume.

An experiment run over seeds ``s_0, ..., s_{N-1}`` is split into one task per seed, and, for
experiments that declare a ``GRID`` (independent runs inside one seed's run: exp6's
frequencies, exp7's ablation runs; :class:`._protocol.Grid`), one task per seed and grid
point. Each task runs the experiment with that
single seed (and grid value) in a worker process (one torch thread) and writes
its ``results.npz`` + ``meta.json`` into ``OUT/tasks/<key>/``, atomically: it writes into a
temporary sibling directory and renames it into place, so a task directory that exists is
complete. A re-run with the same ``OUT`` skips the tasks whose directory exists (resume); a
task directory written under another config raises :class:`ExperimentError` instead of being
mixed in.

The merge is deterministic: task results are concatenated in increasing seed order along
each array's seed axis (the module's ``SEED_AXIS``), then in grid order along each array's
grid axis (``GRID``); arrays without such an axis must be identical in every task. Because
every seed's run is seeded only by its own seed, the merged
arrays equal those of one in-process run over the same seeds (tested), on the same machine
and library versions.

Clusters: by default a :class:`dask.distributed.LocalCluster` of processes with one thread
each (``n_workers`` defaults to ``min(#tasks, os.cpu_count())``); with ``scheduler`` the
tasks go to an existing cluster (``dask scheduler`` + ``dask worker ADDRESS --nthreads 1``
on each machine; every worker needs this package installed and ``OUT`` on a shared file
system).
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ._io import load_results, save_results
from ._protocol import Grid, config_dict, grid_of
from ._runtime import ExperimentError

__all__ = [
    "SweepResult",
    "Task",
    "merge_grid_results",
    "merge_task_results",
    "run_sweep",
    "run_task",
]

TASKS_DIR = "tasks"


def _grid(mod: Any) -> Grid:
    """Return the module's :class:`Grid`; raise if it has none."""
    grid = grid_of(mod)
    if grid is None:
        raise ExperimentError(f"experiment {getattr(mod, 'NAME', mod)!r} declares no GRID")
    return grid


@dataclass(frozen=True)
class Task:
    """One unit of work: experiment ``name`` at ``scale`` (with ``overrides``) for one seed."""

    name: str
    scale: str
    seed: int
    overrides: tuple[tuple[str, Any], ...] = ()
    grid_index: int | None = None

    @property
    def key(self) -> str:
        """Stable task key; sorting keys sorts by seed, then grid index."""
        key = f"{self.name}-{self.scale}-seed{self.seed:06d}"
        return key if self.grid_index is None else f"{key}-grid{self.grid_index:04d}"

    def config(self) -> Any:
        """Return the full config with the overrides, restricted to this task's grid value."""
        from . import get_config, get_experiment

        cfg = get_config(self.name, self.scale, **dict(self.overrides))
        if self.grid_index is None:
            return cfg
        return _grid(get_experiment(self.name)).select(cfg, self.grid_index)


@dataclass(frozen=True)
class SweepResult:
    """What :func:`run_sweep` did.

    The merged arrays and meta, and which tasks ran now and which were found finished (resumed).
    """

    arrays: dict[str, np.ndarray]
    meta: dict[str, Any]
    executed: tuple[str, ...]
    skipped: tuple[str, ...]


def _task_dir(out: Path, task: Task) -> Path:
    return out / TASKS_DIR / task.key


def _is_done(out: Path, task: Task) -> bool:
    d = _task_dir(out, task)
    if not ((d / "results.npz").is_file() and (d / "meta.json").is_file()):
        return False
    meta = json.loads((d / "meta.json").read_text())
    if meta.get("config") != config_dict(task.config()):
        raise ExperimentError(
            f"{str(d)!r} holds a finished task run with another config of {task.name}; "
            "use another --out (or delete it) to run this config"
        )
    return True


def run_task(task: Task, out: str, device: str = "cpu") -> str:
    """Run ``task`` in the current process and return its key.

    Its results are published atomically under ``out/tasks/<key>``. Runs with one torch thread.
    """
    from . import get_experiment
    from ._runtime import configure_torch

    configure_torch(1)
    outp = Path(out)
    final = _task_dir(outp, task)
    if final.is_dir():
        return task.key
    tmp = final.parent / f".{task.key}.tmp-{uuid.uuid4().hex}"
    tmp.parent.mkdir(parents=True, exist_ok=True)
    try:
        get_experiment(task.name).run(
            task.config(),
            seeds=[task.seed],
            out=tmp,
            device=device,
            show_progress=False,
            plot_figures=False,
        )
        try:
            tmp.rename(final)
        except OSError:
            if not final.is_dir():  # a real error, not a concurrent duplicate
                raise
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return task.key


def merge_task_results(
    name: str, task_dirs: Sequence[str | os.PathLike[str]]
) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    """Merge single-seed results (any order) into one multi-seed result, in seed order.

    Arrays listed in the module's ``SEED_AXIS`` are concatenated along that axis; every other
    array must be equal in all tasks (it does not depend on the seed).
    """
    from . import get_experiment

    axes: Mapping[str, int] = get_experiment(name).SEED_AXIS
    loaded = [load_results(d) for d in task_dirs]
    if not loaded:
        raise ExperimentError(f"nothing to merge for {name}")
    loaded.sort(key=lambda am: int(am[1]["seeds"][0]))
    seeds = [int(m["seeds"][0]) for _, m in loaded]
    if len(set(seeds)) != len(seeds):
        raise ExperimentError(f"duplicate seeds among the task results of {name}: {seeds}")
    first_a, first_m = loaded[0]
    arrays: dict[str, np.ndarray] = {}
    for key, val in first_a.items():
        parts = [a[key] for a, _ in loaded]
        if key in axes:
            arrays[key] = np.concatenate(parts, axis=axes[key])
        else:
            for p, (_, m) in zip(parts[1:], loaded[1:]):
                if not np.array_equal(p, val):
                    raise ExperimentError(
                        f"array {key!r} of {name} differs between seed {seeds[0]} and seed "
                        f"{m['seeds'][0]} but has no seed axis in SEED_AXIS"
                    )
            arrays[key] = val
    meta = dict(first_m)
    meta["seeds"] = seeds
    return arrays, meta


def merge_grid_results(
    name: str, groups: Sequence[tuple[dict[str, np.ndarray], dict[str, Any]]]
) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    """Concatenate seed-merged results of successive grid values.

    They are joined along the module's ``GRID`` axes (in the given order).
    """
    from . import get_experiment

    axes: Mapping[str, int] = _grid(get_experiment(name)).axes
    first_a, first_m = groups[0]
    arrays: dict[str, np.ndarray] = {}
    for key, val in first_a.items():
        parts = [a[key] for a, _ in groups]
        if key in axes:
            arrays[key] = np.concatenate(parts, axis=axes[key])
        else:
            for i, p in enumerate(parts[1:], start=1):
                if not np.array_equal(p, val):
                    raise ExperimentError(
                        f"array {key!r} of {name} differs between grid values 0 and {i} but "
                        "has no grid axis in GRID"
                    )
            arrays[key] = val
    return arrays, dict(first_m)


def run_sweep(
    name: str,
    out: str | os.PathLike[str],
    *,
    scale: str = "quick",
    seeds: Sequence[int] = (0,),
    device: str = "cpu",
    scheduler: str | None = None,
    n_workers: int | None = None,
    overrides: dict[str, Any] | None = None,
    split_grid: bool = True,
    plot_figures: bool = True,
    on_done: Callable[[str], None] | None = None,
) -> SweepResult:
    """Run experiment ``name`` for every seed as a Dask task, merge into ``out``.

    Parameters
    ----------
    name, scale, device
        As in :func:`spectral_exact.experiments.run_experiment`.
    seeds : sequence of int
        One task per seed.
    out : path
        Task results go to ``out/tasks/<key>/``; the merged ``results.npz``, ``meta.json`` and
        the figures to ``out``. Finished tasks found there are not run again.
    scheduler : str, optional
        Address of an existing Dask scheduler (``tcp://host:8786``); default: a fresh
        ``LocalCluster`` of processes with one thread each.
    n_workers : int, optional
        Workers of the local cluster (default ``min(#tasks to run, os.cpu_count())``).
    split_grid : bool
        One task per seed and grid value for experiments with a ``GRID`` (default); with
        ``False`` one task per seed.
    on_done : callable, optional
        Called with each task key as it finishes (progress reporting).
    """
    from . import get_experiment

    if not seeds:
        raise ExperimentError("seeds must not be empty")
    if n_workers is not None and n_workers < 1:
        raise ExperimentError(f"n_workers must be >= 1, got {n_workers}")
    mod = get_experiment(name)
    if not hasattr(mod, "SEED_AXIS"):
        raise ExperimentError(f"experiment {name} does not declare SEED_AXIS; cannot split it")
    outp = Path(out)
    from . import get_config

    items = tuple(sorted((overrides or {}).items()))
    full_config = get_config(name, scale, **dict(items))
    grid = grid_of(mod) if split_grid else None
    n_grid = grid.size(full_config) if grid is not None else 0
    grid_ids: list[int | None] = list(range(n_grid)) if grid is not None else [None]
    tasks = sorted(
        (Task(name, scale, int(s), items, g) for s in seeds for g in grid_ids), key=lambda t: t.key
    )
    todo = [t for t in tasks if not _is_done(outp, t)]
    skipped = tuple(t.key for t in tasks if t not in todo)
    executed: list[str] = []
    if todo:
        from dask.distributed import Client, LocalCluster, as_completed

        cluster = None
        if scheduler is None:
            nw = n_workers or max(1, min(len(todo), os.cpu_count() or 1))
            cluster = LocalCluster(
                n_workers=nw, threads_per_worker=1, processes=True, dashboard_address=":0"
            )
            client = Client(cluster)
        else:
            client = Client(scheduler)
        try:
            futures = [
                client.submit(run_task, t, str(outp), device, key=t.key, pure=False) for t in todo
            ]
            for fut in as_completed(futures):
                key = fut.result()
                executed.append(key)
                if on_done is not None:
                    on_done(key)
        finally:
            client.close()
            if cluster is not None:
                cluster.close()
    groups = [
        merge_task_results(name, [_task_dir(outp, t) for t in tasks if t.grid_index == g])
        for g in grid_ids
    ]
    arrays, meta = groups[0] if grid is None else merge_grid_results(name, groups)
    meta["config"] = config_dict(full_config)
    meta["tasks"] = [t.key for t in tasks]
    save_results(outp, arrays, meta)
    if plot_figures:
        mod.plot(outp)
    return SweepResult(arrays, meta, tuple(sorted(executed)), skipped)
