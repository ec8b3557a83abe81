r"""Targets and data of the experiments, in one place (no experiment imports another).

* :func:`sine_sum`, :func:`amplitudes`: Sec. 3.1's :math:`\lambda(z) = \sum_i A_i
  \sin(2\pi k_i z + \varphi_i)` on ``[0, 1)`` (experiments 1 and 2);
* :func:`flower`, :func:`wave_target`, :func:`stripe_labels`: Sec. 4's flower manifolds
  :math:`\gamma_L` and the targets on them (experiments 5 and 6);
* :func:`radial_wave`, :func:`split_data`: Sec. 3.2's radial-wave noise
  :math:`\psi_k(x) = \sin(k\|x\|)` and the train/validation split of digits or MNIST
  (experiments 3 and 4);
* :func:`delta_peak`: App. A.5's discrete δ-peak (experiment 7);
* :func:`xu_target`: Xu et al.'s :math:`\sin x + \sin 3x + \sin 5x` (F-Principle);
* :func:`plane_waves`: the 2-D target of ``spectrum2d``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._runtime import ExperimentError
from .data import load_dataset

__all__ = [
    "AMPLITUDE_SETTINGS",
    "amplitudes",
    "delta_peak",
    "flower",
    "plane_waves",
    "radial_wave",
    "sine_sum",
    "split_data",
    "stripe_labels",
    "wave_target",
    "xu_target",
]

#: Sec. 3.1's two amplitude settings
AMPLITUDE_SETTINGS = ("equal", "increasing")

F64 = NDArray[np.float64]


def amplitudes(setting: str, n: int) -> F64:
    """``A_i``: all ones (``equal``) or ``0.1, ..., 1`` (``increasing``).

    Examples
    --------
    >>> amplitudes("increasing", 4).round(2).tolist()
    [0.1, 0.4, 0.7, 1.0]
    """
    if setting == "equal":
        return np.ones(n)
    if setting == "increasing":
        return np.linspace(0.1, 1.0, n)
    raise ExperimentError(f"unknown amplitude setting {setting!r}; use one of {AMPLITUDE_SETTINGS}")


def sine_sum(z: F64, freqs: ArrayLike, amps: ArrayLike, phases: ArrayLike) -> F64:
    """``Σ A_i sin(2π k_i z + φ_i)`` at the points ``z`` (shape ``(n,)``)."""
    k = np.asarray(freqs, dtype=np.float64)
    return np.asarray(
        np.sum(np.asarray(amps) * np.sin(2 * np.pi * k * z[:, None] + np.asarray(phases)), axis=1)
    )


def flower(z: F64, L: float) -> F64:
    r"""Return the points of the flower curve :math:`\gamma_L` at ``z``, shape ``(n, 2)``.

    :math:`\gamma_L(z) = (1 + \tfrac12 \sin(2\pi L z))(\cos 2\pi z, \sin 2\pi z)`;
    ``L = 0`` is the unit circle.
    """
    r = 1.0 + 0.5 * np.sin(2 * np.pi * L * z)
    return np.stack([r * np.cos(2 * np.pi * z), r * np.sin(2 * np.pi * z)], axis=-1)


def wave_target(z: F64, freqs: ArrayLike, phases: ArrayLike) -> F64:
    """``Σ sin(2π k_i z + φ_i)`` (equal amplitudes)."""
    k = np.asarray(freqs, dtype=np.float64)
    return np.asarray(np.sum(np.sin(2 * np.pi * k * z[:, None] + np.asarray(phases)), axis=1))


def stripe_labels(z: F64, k: float, phase: float) -> F64:
    r"""Sec. 4's binary target :math:`\mathbb 1[\sin(2\pi k z + \varphi) > 0]` as 0/1 floats."""
    return (np.sin(2 * np.pi * k * z + phase) > 0).astype(np.float64)


def radial_wave(x: F64, k: float) -> F64:
    r"""Sec. 3.2's :math:`\psi_k(x) = \sin(k\|x\|)` per row of ``x`` (zero for ``k = 0``)."""
    radius = np.linalg.norm(x, axis=1)
    return np.sin(k * radius) if k > 0 else np.zeros_like(radius)


def split_data(config: Any, seed: int) -> tuple[F64, NDArray[np.int64], F64, NDArray[np.int64]]:
    """Split the data set into training and validation sets, deterministic in ``seed``.

    The sizes are ``config.n_train`` and ``config.n_val``; the data set is
    ``config.data_path`` (digits when ``None``).
    """
    x, y = load_dataset(config.data_path)
    n = config.n_train + config.n_val
    if n > x.shape[0]:
        raise ExperimentError(f"n_train + n_val = {n} exceeds the data set size {x.shape[0]}")
    perm = np.random.default_rng(seed).permutation(x.shape[0])[:n]
    tr, va = perm[: config.n_train], perm[config.n_train :]
    return x[tr], y[tr], x[va], y[va]


def delta_peak(n_points: int) -> tuple[F64, F64, int]:
    """Return the data of App. A.5: points, the delta-peak target and the index of the peak.

    The points are ``n_points`` uniform points on ``[0, 1)``; the target is 1 at the middle
    point and 0 elsewhere.
    """
    z = np.arange(n_points) / n_points
    ipk = n_points // 2
    y = np.zeros(n_points)
    y[ipk] = 1.0
    return z, y, ipk


def xu_target(x: F64, peaks: ArrayLike) -> F64:
    """``Σ sin(ω x)`` over the peak frequencies (Xu et al.'s ``sin x + sin 3x + sin 5x``)."""
    return np.asarray(np.sum(np.sin(np.asarray(peaks) * x[..., None]), axis=-1))


def plane_waves(x: F64, waves: ArrayLike, amps: ArrayLike) -> F64:
    """``Σ A_j sin(2π ξ_j · x)`` for points ``x`` of shape ``(n, 2)``."""
    w = np.asarray(waves, dtype=float)
    return np.asarray(np.sum(np.asarray(amps) * np.sin(2 * np.pi * x @ w.T), axis=-1))
