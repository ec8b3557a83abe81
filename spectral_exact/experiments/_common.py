"""Compatibility facade for the names the experiments' former grab-bag module exported.

These names are now defined in modules split by concern. New code imports from those modules:

* :mod:`._runtime`: :class:`ExperimentError`, ``SCALES``, seeding, torch settings, device,
  progress bars;
* :mod:`._protocol`: the configs (:class:`BaseConfig`, :class:`MLPConfig`), ``override``,
  ``config_dict``, ``base_meta``, :class:`RunContext`, ``make_run``, the
  :class:`Experiment` protocol;
* :mod:`._training`: ``make_mlp``, ``train_full_batch`` (with :class:`Record`),
  ``spectral_norms``;
* :mod:`._spectra`: the exact transform and the DFT quantities;
* :mod:`._analysis`: ``first_crossing``, ``spearman``;
* :mod:`._claims`: claims as statistics over seeds;
* :mod:`._io`, :mod:`._figures`: results on disk, figures;
* :mod:`.targets`: the targets and data of every experiment.
"""

from __future__ import annotations

from .._errors import ExperimentError
from ._analysis import first_crossing, spearman
from ._claims import Claim, ClaimSpec, claims_from_values, learning_auc, seed_slice
from ._figures import new_figure, save_figure
from ._io import load_results, save_results
from ._protocol import BaseConfig, MLPConfig, base_meta, config_dict, override
from ._runtime import (
    DEFAULT_TORCH_THREADS,
    SCALES,
    configure_torch,
    progress,
    resolve_device,
    seed_everything,
)
from ._spectra import count_regions, exact_fourier, to_relu_network
from ._training import Record, linear_layers, make_mlp, spectral_norms, train_full_batch

__all__ = [
    "DEFAULT_TORCH_THREADS",
    "SCALES",
    "BaseConfig",
    "Claim",
    "ClaimSpec",
    "ExperimentError",
    "MLPConfig",
    "Record",
    "base_meta",
    "claims_from_values",
    "config_dict",
    "configure_torch",
    "count_regions",
    "exact_fourier",
    "first_crossing",
    "learning_auc",
    "linear_layers",
    "load_results",
    "make_mlp",
    "new_figure",
    "override",
    "progress",
    "resolve_device",
    "save_figure",
    "save_results",
    "seed_everything",
    "seed_slice",
    "spearman",
    "spectral_norms",
    "to_relu_network",
    "train_full_batch",
]
