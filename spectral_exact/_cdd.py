"""The only module that talks to pycddlib (``cdd``): conversions between H- and V-representations.

cddlib's float arithmetic is not always reliable: on some perfectly well-conditioned inputs
(seen here: a simplicial cone in R^3 whose cdd V-representation, depending on earlier calls in
the process, came back with a spurious point at 1e15 and a missing ray) it returns a wrong
answer. :func:`generators_from_halfspaces` therefore cross-checks small problems against a
brute-force vertex/ray enumeration (every ``d'``-subset of constraints, batched in numpy) and
uses the brute-force answer when the two disagree.

Matrix conventions (cddlib's): an H-representation ``{x : A x <= b}`` is the matrix
``[b | -A]`` (each row ``b_i - A_i x >= 0``); a V-representation has rows ``[1 | v]`` for
points and ``[0 | r]`` for rays, with ``lin_set`` marking lineality directions.

Only float arithmetic is used: the ``pycddlib-standalone`` build has no GMP (no ``cdd.gmp``).
Exact rational geometry (see :mod:`spectral_exact.symbolic`) is done without cdd.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations
from math import comb

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


def _split_generators(array: Sequence[Sequence[float]], lin_set: set[int], d: int):  # type: ignore[no-untyped-def]
    points, rays, lin = [], [], []
    for i, row in enumerate(array):
        if i in lin_set:
            lin.append(row[1:])
        elif row[0] == 0:
            rays.append(row[1:])
        else:
            points.append([x / row[0] for x in row[1:]])
    return points, rays, lin


#: brute-force enumeration is used as the cross-check when C(n, d) is at most this
BRUTE_FORCE_MAX_SUBSETS = 50_000


def _nullspace(M: NDArray[np.float64], rel_tol: float) -> NDArray[np.float64]:
    if M.shape[0] == 0:
        return np.eye(M.shape[1])
    _, s, vt = np.linalg.svd(M)
    r = int(np.sum(s > rel_tol * max(s[0], 1e-300))) if s.size else 0
    return np.asarray(vt[r:])


def _dedupe(points: NDArray[np.float64], rel: float) -> NDArray[np.float64]:
    out: list[NDArray[np.float64]] = []
    for p in points:
        if not any(np.linalg.norm(p - q) <= rel * (1.0 + np.linalg.norm(q)) for q in out):
            out.append(p)
    return np.array(out, dtype=float).reshape(-1, points.shape[1])


def brute_force_generators(
    A: NDArray[np.float64],
    b: NDArray[np.float64],
    *,
    feas_tol: float = 1e-10,
    rank_tol: float = 1e-10,
) -> Generators:
    """Vertices, extreme rays and lineality of ``{x : A x <= b}`` by enumerating subsets.

    Lineality is the null space of ``A``; in its orthogonal complement (dimension ``d'``)
    every vertex solves some ``d'`` constraints with equality and every extreme ray spans the
    null space of some ``d' - 1`` of them. Cost ``C(n, d')`` small solves, batched.
    """
    n, d = A.shape
    norms = np.linalg.norm(A, axis=1)
    An, bn = A / norms[:, None], b / norms
    lin = _nullspace(An, rank_tol)
    comp = _nullspace(lin, rank_tol) if len(lin) else np.eye(d)  # basis of L-perp (rows)
    dp = comp.shape[0]
    Ac = An @ comp.T  # constraints in L-perp coordinates
    pts: list[NDArray[np.float64]] = []
    if dp == 0:
        pts = [np.zeros(d)]
    else:
        idx = np.array(list(combinations(range(n), dp)), dtype=np.int64).reshape(-1, dp)
        M = Ac[idx]  # (S, dp, dp)
        dets = np.abs(np.linalg.det(M))
        ok = dets > rank_tol
        sol = np.linalg.solve(M[ok], bn[idx[ok]][..., None])[..., 0]  # (S', dp)
        x = sol @ comp
        scale = 1.0 + np.linalg.norm(x, axis=1)
        feas = np.all(x @ An.T <= bn + feas_tol * scale[:, None], axis=1)
        pts = list(_dedupe(x[feas], feas_tol))
    rays: list[NDArray[np.float64]] = []
    if dp >= 1:
        for sub in combinations(range(n), dp - 1) if dp > 1 else [()]:
            N = _nullspace(Ac[list(sub)], rank_tol) if sub else np.eye(1)
            if N.shape[0] != 1:
                continue
            for sgn in (1.0, -1.0):
                r = sgn * (N[0] @ comp)
                if np.all(r @ An.T <= feas_tol):
                    rays.append(r / np.linalg.norm(r))
    R = _dedupe(np.array(rays, dtype=float).reshape(-1, d), feas_tol)
    return Generators(np.array(pts, dtype=float).reshape(-1, d), R, lin)


def _same_generators(a: Generators, b: Generators, tol: float) -> bool:
    if a.points.shape != b.points.shape or a.rays.shape != b.rays.shape:
        return False
    if a.lineality.shape[0] != b.lineality.shape[0]:
        return False
    for X, Y in ((a.points, b.points), (a.rays, b.rays)):
        for p in X:
            dist = np.min(np.linalg.norm(Y - p, axis=1)) if len(Y) else np.inf
            if dist > tol * (1.0 + np.linalg.norm(p)):
                return False
    return True


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
    import cdd  # imported on first use: the region and Fourier engines never need it

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
    R = np.array(rays, dtype=float).reshape(-1, d)
    if len(R):
        R = R / np.linalg.norm(R, axis=1)[:, None]
    out = Generators(
        np.array(points, dtype=float).reshape(-1, d),
        R,
        np.array(lin, dtype=float).reshape(-1, d),
    )
    no_eq = A_eq is None or len(A_eq) == 0
    if no_eq and len(A) and comb(len(A), min(d, len(A))) <= BRUTE_FORCE_MAX_SUBSETS:
        bf = brute_force_generators(A, b)
        if len(bf.points) and not _same_generators(out, bf, 1e-7):
            return bf
    return out


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
    import cdd

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
