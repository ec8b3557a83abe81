"""The only module that talks to pycddlib (``cdd``).

Matrix conventions (cddlib's): an H-representation ``{x : A x <= b}`` is the matrix
``[b | -A]`` (each row ``b_i - A_i x >= 0``); a V-representation has rows ``[1 | v]`` for
points and ``[0 | r]`` for rays, with ``lin_set`` marking lineality directions.

Only float arithmetic is used: the ``pycddlib-standalone`` build has no GMP (no ``cdd.gmp``).
Exact rational geometry (see :mod:`spectral_exact.symbolic`) is done without cdd.
"""

from __future__ import annotations

from dataclasses import dataclass

import cdd
import numpy as np
from numpy.typing import NDArray

__all__ = [
    "Generators",
    "generators_from_halfspaces",
    "halfspaces_from_points",
]


@dataclass(frozen=True)
class Generators:
    """Float V-representation: points, rays and a basis of lineality directions."""

    points: NDArray[np.float64]
    rays: NDArray[np.float64]
    lineality: NDArray[np.float64]


def _split_generators(array: list[list[float]], lin_set: set[int], d: int):  # type: ignore[no-untyped-def]
    points, rays, lin = [], [], []
    for i, row in enumerate(array):
        if i in lin_set:
            lin.append(row[1:])
        elif row[0] == 0:
            rays.append(row[1:])
        else:
            points.append([x / row[0] for x in row[1:]])
    return points, rays, lin


def generators_from_halfspaces(
    A: NDArray[np.float64],
    b: NDArray[np.float64],
    A_eq: NDArray[np.float64] | None = None,
    b_eq: NDArray[np.float64] | None = None,
) -> Generators:
    """Vertices, extreme rays and lineality of ``{x : A x <= b, A_eq x = b_eq}`` (floats)."""
    d = A.shape[1]
    rows = np.hstack([b[:, None], -A]).tolist()
    n_ineq = len(rows)
    if A_eq is not None and b_eq is not None and len(A_eq):
        rows += np.hstack([b_eq[:, None], -A_eq]).tolist()
    mat = cdd.matrix_from_array(rows, rep_type=cdd.RepType.INEQUALITY)
    if len(rows) > n_ineq:
        mat.lin_set = set(range(n_ineq, len(rows)))
    poly = cdd.polyhedron_from_matrix(mat)
    gen = cdd.copy_generators(poly)
    points, rays, lin = _split_generators(gen.array, set(gen.lin_set), d)
    if not points and (rays or lin):
        # cddlib lists no point for a cone with apex at the origin
        if np.all(b >= 0) and (b_eq is None or np.all(b_eq == 0)):
            points = [[0.0] * d]
        else:  # pragma: no cover - cddlib always lists a point otherwise
            raise RuntimeError("cddlib returned rays without a point")
    return Generators(
        np.array(points, dtype=float).reshape(-1, d),
        np.array(rays, dtype=float).reshape(-1, d),
        np.array(lin, dtype=float).reshape(-1, d),
    )


def halfspaces_from_points(
    points: NDArray[np.float64],
    rays: NDArray[np.float64] | None = None,
    lineality: NDArray[np.float64] | None = None,
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """Irredundant H-representation of ``conv(points) + cone(rays) + span(lineality)``.

    Returns ``(A, b, A_eq, b_eq)``: inequalities ``A x <= b`` and the equations
    ``A_eq x = b_eq`` of the affine hull (empty when full dimensional).
    """
    d = points.shape[1]
    rows = [[1.0, *p] for p in points.tolist()]
    if rays is not None:
        rows += [[0.0, *r] for r in rays.tolist()]
    n_before_lin = len(rows)
    if lineality is not None:
        rows += [[0.0, *r] for r in lineality.tolist()]
    mat = cdd.matrix_from_array(rows, rep_type=cdd.RepType.GENERATOR)
    if lineality is not None and len(lineality):
        mat.lin_set = set(range(n_before_lin, len(rows)))
    poly = cdd.polyhedron_from_matrix(mat)
    ineq = cdd.copy_inequalities(poly)
    cdd.matrix_canonicalize(ineq)
    arr = np.array(ineq.array, dtype=float).reshape(-1, d + 1)
    lin = sorted(ineq.lin_set)
    mask = np.ones(len(arr), dtype=bool)
    mask[lin] = False
    ineqs, eqs = arr[mask], arr[lin]
    # drop the trivial row 1 >= 0 that cdd adds for bounded polyhedra
    nontrivial = np.any(ineqs[:, 1:] != 0, axis=1)
    ineqs = ineqs[nontrivial]
    return -ineqs[:, 1:], ineqs[:, 0], -eqs[:, 1:], eqs[:, 0]
