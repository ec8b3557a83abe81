"""Spectral-bias experiments of Rahaman et al. (2019) and Xu et al. (2019), with exact spectra.

Every experiment is a module following the typed protocol of :mod:`._protocol`
(:class:`Experiment`): a frozen ``Config`` dataclass deriving from :class:`BaseConfig` /
:class:`MLPConfig`, ``CONFIGS`` (``"quick"`` and ``"paper"``), ``run(config, seeds=...,
out=..., device=..., show_progress=...)`` (built by :func:`make_run` from the experiment's own
training-and-measuring ``compute``; saves ``results.npz`` + ``meta.json`` and PNG figures
into ``out``), ``plot(out)`` (redraws the figures from the saved data, no training),
``CLAIMS`` (the paper's claims as :class:`ClaimSpec`, criteria fixed in code),
``claims(arrays, meta)`` (each claim measured on every seed's run, as a :class:`Claim` with
mean, spread and a bootstrap interval) and ``SEED_AXIS`` (which axis of each saved array
indexes the seed, for merging runs). Targets and data shared by several experiments live in
:mod:`.targets`; no experiment imports another.

Drive them with :func:`run_experiment` (all seeds in this process), :func:`run_sweep` (one
Dask task per seed, resumable) / :func:`replot_experiment`, or from the command line:
``spectral-exact experiment NAME --scale quick --seeds 5 --out DIR``. Torch, matplotlib and
dask are imported only when an experiment runs.
"""

from __future__ import annotations

import importlib
import os
from typing import Any

from ._claims import Claim, ClaimSpec
from ._protocol import BaseConfig, Experiment, MLPConfig, check_experiment, make_run
from ._runtime import SCALES, ExperimentError
from ._sweep import SweepResult, run_sweep

__all__ = [
    "EXPERIMENTS",
    "SCALES",
    "BaseConfig",
    "Claim",
    "ClaimSpec",
    "Experiment",
    "ExperimentError",
    "MLPConfig",
    "SweepResult",
    "check_experiment",
    "get_experiment",
    "make_run",
    "replot_experiment",
    "run_experiment",
    "run_sweep",
]

#: name -> one-line description (the module ``spectral_exact.experiments.<name>``)
EXPERIMENTS: dict[str, str] = {
    "exp1": "spectral bias of a 1-D MLP during training, exact vs DFT spectrum (Sec. 3.1)",
    "exp2": "robustness of frequencies to parameter perturbations (Sec. 3.1, Fig. 3)",
    "exp3": "radial-wave noise on digits/MNIST, validation-loss dip (Sec. 3.2, Fig. 4)",
    "exp4": "RBF-kernel eigenbasis spectrum on digits/MNIST (Sec. 3.2, Fig. 5)",
    "exp5": "regression on flower manifolds (Sec. 4, Fig. 7, 8)",
    "exp6": "classification on flower manifolds, accuracy over (k, L) (Sec. 4, Fig. 9)",
    "exp7": "fitting a delta-peak: depth/width/weight-clip ablations (App. A.5)",
    "fprinciple": "F-Principle: per-frequency relative error, initialisation scale (Xu et al.)",
    "spectrum2d": "exact 2-D spectrum during training with N_f*L_f of Theorem 1",
    "exp8": "white-noise labels on a DAE-learned manifold vs a flat one (App. A.6)",
    "exp9": "same-class paths in a CNN, straight vs NEB, exact regions/class changes (App. A.7)",
    "knn": "KNN vs DNN on flower manifolds: accuracy over (k, L, K), radial spectra (App. E)",
}


def get_experiment(name: str) -> Experiment:
    """Return the module of experiment ``name``, checked against the :class:`Experiment` protocol.

    Raises :class:`ExperimentError` on unknown names.
    """
    if name not in EXPERIMENTS:
        raise ExperimentError(f"unknown experiment {name!r}; choose one of {sorted(EXPERIMENTS)}")
    return check_experiment(importlib.import_module(f"{__name__}.{name}"))


def get_config(name: str, scale: str = "quick", **overrides: Any) -> Any:
    """Return the ``scale`` config of experiment ``name`` with ``overrides`` applied."""
    from ._protocol import override

    if scale not in SCALES:
        raise ExperimentError(f"unknown scale {scale!r}; choose one of {list(SCALES)}")
    cfg = get_experiment(name).CONFIGS[scale]
    return override(cfg, **overrides) if overrides else cfg


def run_experiment(
    name: str,
    out: str | os.PathLike[str],
    *,
    scale: str = "quick",
    seeds: int | None = None,
    seed: int = 0,
    device: str = "cpu",
    show_progress: bool = True,
    **overrides: Any,
) -> dict[str, Any]:
    """Run experiment ``name`` at ``scale`` and return the saved arrays.

    ``seeds`` runs use seeds ``seed, seed+1, ...`` (default: the scale's ``n_seeds``).
    """
    cfg = get_config(name, scale, **overrides)
    n = cfg.n_seeds if seeds is None else int(seeds)
    if n < 1:
        raise ExperimentError(f"--seeds must be >= 1, got {n}")
    if seed < 0:
        raise ExperimentError(f"--seed must be >= 0, got {seed}")
    mod = get_experiment(name)
    result: dict[str, Any] = mod.run(
        cfg,
        seeds=list(range(seed, seed + n)),
        out=out,
        device=device,
        show_progress=show_progress,
    )
    return result


def replot_experiment(name: str, out: str | os.PathLike[str]) -> list[Any]:
    """Redraw the figures of experiment ``name`` from the data saved in ``out``."""
    paths: list[Any] = get_experiment(name).plot(out)
    return paths


def experiment_claims(name: str, out: str | os.PathLike[str]) -> list[Claim]:
    """Measure the paper's claims on the data saved in ``out``."""
    from ._io import load_results

    arrays, meta = load_results(out)
    if meta.get("experiment") != name:
        raise ExperimentError(f"{str(out)!r} holds {meta.get('experiment')!r}, not {name!r}")
    claims: list[Claim] = get_experiment(name).claims(arrays, meta)
    return claims
