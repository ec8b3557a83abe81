"""Statistics on learning curves shared by the experiments' claims.

First crossings of a threshold and Spearman rank correlations (the claims themselves are in
:mod:`._claims`).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = ["first_crossing", "spearman"]


def first_crossing(
    curves: NDArray[np.float64], steps: NDArray[np.float64], threshold: float
) -> NDArray[np.float64]:
    """Return the first recorded step at which each column of ``curves`` reaches ``threshold``.

    ``curves`` has shape ``(T, K)``; columns that never reach ``threshold`` get ``inf``.
    """
    curves = np.asarray(curves, dtype=np.float64)
    hit = curves >= threshold
    out = np.full(curves.shape[1], np.inf)
    any_hit = hit.any(axis=0)
    out[any_hit] = np.asarray(steps, dtype=np.float64)[hit.argmax(axis=0)[any_hit]]
    return out


def spearman(x: ArrayLike, y: ArrayLike) -> float:
    """Return the Spearman rank correlation (ties averaged; ``inf`` ranks last).

    NaN if constant or if fewer than two points.

    Examples
    --------
    >>> spearman([1, 2, 3], [10, 30, 20])
    0.5
    """
    from scipy.stats import spearmanr

    xa = np.asarray(x, dtype=np.float64)
    ya = np.asarray(y, dtype=np.float64)
    if xa.size < 2 or ya.size != xa.size:
        return float("nan")
    if np.all(ya == ya[0]) or np.all(xa == xa[0]):
        return float("nan")
    big = np.nanmax(np.abs(np.r_[xa[np.isfinite(xa)], ya[np.isfinite(ya)], 1.0])) * 10
    xa = np.where(np.isposinf(xa), big, xa)
    ya = np.where(np.isposinf(ya), big, ya)
    return float(spearmanr(xa, ya).statistic)
