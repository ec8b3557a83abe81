"""Sweeps over seeds on a Dask LocalCluster of 2 processes (spectral_exact.experiments._sweep):
the merged result equals one in-process run over the same seeds (reproducible across
processes), a re-run resumes (counted tasks), a changed config is refused, and the CLI wires
it. Tiny configs: a few seconds, most of it starting the worker processes.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from spectral_exact.experiments import ExperimentError, get_experiment, run_experiment
from spectral_exact.experiments import _common as C
from spectral_exact.experiments._sweep import Task, merge_task_results, run_sweep, run_task
from spectral_exact.experiments.cli import build_parser, run_experiment_command

# the sweep runs experiments, which train torch models
pytest.importorskip("torch")

TINY5: dict[str, Any] = dict(width=8, depth=3, n_steps=20, record_every=10, Ls=(0, 4), grid=11)


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    """One LocalCluster of 2 processes x 1 thread for the module (starting one takes seconds)."""
    from dask.distributed import LocalCluster

    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
    ) as cluster:
        yield cluster.scheduler_address


def test_sweep_on_two_processes_matches_serial_and_resumes(tmp_path: Path, scheduler: str) -> None:
    out = tmp_path / "sweep"
    res = run_sweep(
        "exp5", out, seeds=[2, 0, 1], scheduler=scheduler, overrides=TINY5, plot_figures=False
    )
    keys = tuple(f"exp5-quick-seed{s:06d}" for s in (0, 1, 2))
    assert res.executed == keys and res.skipped == ()
    assert res.meta["seeds"] == [0, 1, 2]
    # the merged arrays equal one in-process run over seeds 0, 1, 2, bit for bit
    serial = run_experiment("exp5", tmp_path / "serial", seeds=3, show_progress=False, **TINY5)
    saved, meta = C.load_results(out)
    assert saved.keys() == serial.keys() and meta["seeds"] == [0, 1, 2]
    for key in serial:
        np.testing.assert_array_equal(saved[key], np.asarray(serial[key]), err_msg=key)
    # re-run: nothing executes; after deleting one task, exactly that one runs again
    again = run_sweep(
        "exp5", out, seeds=[0, 1, 2], scheduler=scheduler, overrides=TINY5, plot_figures=False
    )
    assert again.executed == () and again.skipped == keys
    shutil.rmtree(out / "tasks" / keys[1])
    third = run_sweep("exp5", out, seeds=[0, 1, 2], scheduler=scheduler, overrides=TINY5)
    assert (out / "fig8.png").is_file()
    assert third.executed == (keys[1],) and third.skipped == (keys[0], keys[2])
    for key in serial:
        np.testing.assert_array_equal(third.arrays[key], np.asarray(serial[key]), err_msg=key)
    # a finished task of another config is refused, not mixed in
    with pytest.raises(ExperimentError, match="holds a finished task run with another config"):
        run_sweep("exp5", out, seeds=[0], scheduler=scheduler, overrides={**TINY5, "n_steps": 30})


def test_grid_points_are_tasks_and_merge_like_serial(tmp_path: Path, scheduler: str) -> None:
    tiny: dict[str, Any] = dict(width=6, depth=2, n_steps=10, freqs=(10, 40, 70), Ls=(0, 4))
    res = run_sweep(
        "exp6",
        tmp_path / "g",
        seeds=[0, 1],
        scheduler=scheduler,
        overrides=tiny,
        plot_figures=False,
    )
    assert len(res.executed) == 6 and res.executed[0] == "exp6-quick-seed000000-grid0000"
    serial = run_experiment("exp6", tmp_path / "serial", seeds=2, show_progress=False, **tiny)
    for key in serial:
        np.testing.assert_array_equal(res.arrays[key], np.asarray(serial[key]), err_msg=key)
    assert res.meta["config"]["freqs"] == [10, 40, 70]
    # one task per seed only
    whole = run_sweep(
        "exp6",
        tmp_path / "w",
        seeds=[0, 1],
        scheduler=scheduler,
        overrides=tiny,
        split_grid=False,
        plot_figures=False,
    )
    assert whole.executed == ("exp6-quick-seed000000", "exp6-quick-seed000001")
    for key in serial:
        np.testing.assert_array_equal(whole.arrays[key], np.asarray(serial[key]), err_msg=key)


def test_run_task_is_atomic_and_merge_checks_shared_arrays(tmp_path: Path) -> None:
    tiny: dict[str, Any] = dict(width=6, depth=2, n_steps=10, freqs=(10, 40), Ls=(0, 4))
    tasks = [Task("exp6", "quick", s, tuple(sorted(tiny.items()))) for s in (1, 0)]
    for t in tasks:
        assert run_task(t, str(tmp_path)) == t.key
    names = sorted(p.name for p in (tmp_path / "tasks").iterdir())
    assert names == ["exp6-quick-seed000000", "exp6-quick-seed000001"]  # no temp dirs left
    dirs = [tmp_path / "tasks" / n for n in names]
    arrays, meta = merge_task_results("exp6", dirs[::-1])
    assert meta["seeds"] == [0, 1] and arrays["train_acc"].shape == (2, 2, 2)
    serial = run_experiment("exp6", tmp_path / "serial", seeds=2, show_progress=False, **tiny)
    for key in serial:
        np.testing.assert_array_equal(arrays[key], np.asarray(serial[key]), err_msg=key)
    # every array of every experiment is either shared or declared in SEED_AXIS
    for name in (
        "exp1",
        "exp2",
        "exp3",
        "exp4",
        "exp5",
        "exp6",
        "exp7",
        "fprinciple",
        "spectrum2d",
    ):
        assert isinstance(get_experiment(name).SEED_AXIS, dict)
    with pytest.raises(ExperimentError, match="duplicate seeds"):
        merge_task_results("exp6", [dirs[0], dirs[0]])


def test_cli_options(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    args = build_parser().parse_args(
        [
            "exp6",
            "--seeds",
            "2",
            "--workers",
            "2",
            "--scheduler",
            "tcp://h:8786",
            "--out",
            str(tmp_path),
            "--no-progress",
        ]
    )
    assert (args.scheduler, args.workers, args.serial) == ("tcp://h:8786", 2, False)
    args = build_parser().parse_args(
        ["exp6", "--serial", "--scheduler", "tcp://x:1", "--out", str(tmp_path)]
    )
    with pytest.raises(ExperimentError, match="--serial and --scheduler exclude each other"):
        run_experiment_command(args)
    # --serial in this process, with a tiny quick config: prints every claim with its CI
    exp6 = get_experiment("exp6")
    tiny = C.override(
        exp6.CONFIGS["quick"], width=6, depth=2, n_steps=10, freqs=(10, 40), Ls=(0, 4)
    )
    monkeypatch.setitem(exp6.CONFIGS, "quick", tiny)
    args = build_parser().parse_args(
        ["exp6", "--serial", "--seeds", "3", "--out", str(tmp_path / "s"), "--no-progress"]
    )
    assert run_experiment_command(args) == 0
    text = capsys.readouterr().out
    assert "in this process" in text and text.count("95% CI") == len(exp6.CLAIMS)
    assert "3 seed(s)" in text


def test_exp7_ablation_runs_are_tasks_and_merge_like_serial(tmp_path: Path, scheduler: str) -> None:
    tiny: dict[str, Any] = dict(
        depths=(2,),
        widths=(4, 6),
        clips=(0.1,),
        depth_width=6,
        width_depth=2,
        clip_width=6,
        clip_depth=2,
        n_steps=10,
        n_xi=5,
    )
    res = run_sweep(
        "exp7", tmp_path / "g", seeds=[0, 1], scheduler=scheduler, overrides=tiny,
        plot_figures=False,
    )  # fmt: skip
    assert len(res.executed) == 8 and res.executed[-1] == "exp7-quick-seed000001-grid0003"
    serial = run_experiment("exp7", tmp_path / "serial", seeds=2, show_progress=False, **tiny)
    for key in serial:
        np.testing.assert_array_equal(res.arrays[key], np.asarray(serial[key]), err_msg=key)
    assert res.meta["config"]["only"] == []
    assert res.arrays["ablation"].tolist() == ["depth", "width", "width", "clip"]
    with pytest.raises(ExperimentError, match="config field only must index the 4 runs"):
        run_experiment("exp7", tmp_path / "bad", seeds=1, show_progress=False, only=(4,), **tiny)


def test_exp3_beta_grid_tasks_merge_like_serial(tmp_path: Path, scheduler: str) -> None:
    tiny: dict[str, Any] = dict(
        width=6,
        depth=2,
        n_steps=10,
        record_every=5,
        n_train=40,
        n_val=20,
        noise_freqs=(0.0, 4.0, 16.0),
        betas=(0.25, 1.0),
    )
    res = run_sweep(
        "exp3",
        tmp_path / "g",
        seeds=[0, 1],
        scheduler=scheduler,
        overrides=tiny,
        plot_figures=False,
    )
    assert len(res.executed) == 4 and res.executed[1] == "exp3-quick-seed000000-grid0001"
    serial = run_experiment("exp3", tmp_path / "serial", seeds=2, show_progress=False, **tiny)
    for key in serial:
        np.testing.assert_array_equal(res.arrays[key], np.asarray(serial[key]), err_msg=key)
