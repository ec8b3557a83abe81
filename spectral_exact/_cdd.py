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

from ._errors import NumericalError
from ._types import FloatArray

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


def _split_generators(array: Sequence[Sequence[float]], lin_set: set[int], d: int):
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


def _raw_generators(
    A: NDArray[np.float64],
    b: NDArray[np.float64],
    A_eq: NDArray[np.float64] | None = None,
    b_eq: NDArray[np.float64] | None = None,
) -> Generators:
    """Cddlib's H -> V conversion on the data as given (see :func:`generators_from_halfspaces`)."""
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
            raise NumericalError("cddlib returned rays without a point")
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


def _raw_halfspaces(
    points: NDArray[np.float64],
    rays: NDArray[np.float64] | None = None,
    lineality: NDArray[np.float64] | None = None,
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """Cddlib's V -> H conversion on the data as given (see :func:`halfspaces_from_points`)."""
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


# ------------------------------------------------------------------ scale-free wrappers
#: relative size (to the largest principal extent) below which an axis of a point set counts
#: as flat: the hull is then lower dimensional (the same rule as ``Tolerances.rank``)
FLAT_AXIS_RTOL = 1e-9
Float = FloatArray  # (m, d) float64 matrices and vectors


def _unit_rows(A: Float, b: Float) -> tuple[Float, Float]:
    n = np.linalg.norm(A, axis=1)
    n = np.where(n > 0, n, 1.0)
    return A / n[:, None], b / n


def halfspaces_from_points(
    points: Float,
    rays: Float | None = None,
    lineality: Float | None = None,
    *,
    flat_rtol: float = FLAT_AXIS_RTOL,
) -> tuple[Float, Float, Float, Float]:
    """Irredundant H-representation of ``conv(points) + cone(rays) + span(lineality)``.

    Returns ``(A, b, A_eq, b_eq)`` (unit rows): inequalities ``A x <= b`` and the equations
    ``A_eq x = b_eq`` of the affine hull (empty when full dimensional).

    cddlib's floating-point tolerances are absolute, so the points are first mapped to a
    unit-size, well-rounded frame: centred on their bounding-box midpoint and whitened along
    their principal axes (``y = diag(1/sigma) V^T (x - c)``, ``sigma`` the extent along each
    axis). A 1e-8-sized, a 1e12-sized, a far-away (1e6) or a thin (aspect 1e-8) triangle all
    reach cddlib as the same well-conditioned triangle. An axis whose extent is below
    ``flat_rtol`` times the largest is left unscaled: the hull is lower dimensional there
    and cddlib returns its equation. The result is mapped back exactly
    (``A = A' diag(1/sigma) V^T``, ``b = b' + A c``) and rows are normalised.
    """
    d = points.shape[1]
    lo, hi = points.min(axis=0), points.max(axis=0)
    c = (lo + hi) / 2
    X = points - c
    if len(X) >= 2 and np.any(X):
        _, _, Vt = np.linalg.svd(X, full_matrices=True)
        ext = np.max(np.abs(X @ Vt.T), axis=0)
        big = float(ext.max())
        sigma = np.where(ext > flat_rtol * big, ext, big)
    else:
        Vt, sigma = np.eye(d), np.ones(d)
    Minv = Vt / sigma[:, None]  # y = Minv (x - c)
    Y = X @ Minv.T
    R = None if rays is None or len(rays) == 0 else rays @ Minv.T
    L = None if lineality is None or len(lineality) == 0 else lineality @ Minv.T
    if R is not None:
        R = R / np.linalg.norm(R, axis=1)[:, None]
    Ay, by, Aey, bey = _raw_halfspaces(Y, R, L)
    A, A_eq = Ay @ Minv, Aey @ Minv
    b, b_eq = by + A @ c, bey + A_eq @ c
    A, b = _unit_rows(A, b)
    A_eq, b_eq = _unit_rows(A_eq, b_eq)
    return A, b, A_eq, b_eq


def _interior_frame(A: Float, b: Float, A_eq: Float | None, b_eq: Float | None):
    """Return a point ``x0`` deep inside ``{A x <= b, A_eq x = b_eq}`` and a length scale, or None.

    ``x0`` is the Chebyshev centre (LP, radius capped so that unbounded polyhedra have one);
    the scale is the largest distance from ``x0`` to a facet hyperplane.
    """
    from scipy.optimize import linprog

    n, d = A.shape
    Au, bu = _unit_rows(A, b)
    cap = 1.0 + float(np.max(np.abs(bu))) if n else 1.0
    c_obj = np.zeros(d + 1)
    c_obj[-1] = -1.0
    A_ub = np.hstack([Au, np.ones((n, 1))])
    eq = A_eq is not None and b_eq is not None and len(A_eq) > 0
    A_eq_lp = np.hstack([A_eq, np.zeros((len(A_eq), 1))]) if eq and A_eq is not None else None
    res = linprog(
        c_obj,
        A_ub=A_ub,
        b_ub=bu,
        A_eq=A_eq_lp,
        b_eq=b_eq if eq else None,
        bounds=[(None, None)] * d + [(0.0, cap)],
        method="highs",
    )
    if res.status != 0 or res.x is None:
        return None
    x0 = res.x[:d]
    dist = bu - Au @ x0
    scale = float(np.max(dist)) if n else 0.0
    if not np.isfinite(scale) or scale <= 0:
        scale = max(float(res.x[-1]), 1.0)
    return x0, scale


def generators_from_halfspaces(
    A: Float,
    b: Float,
    A_eq: Float | None = None,
    b_eq: Float | None = None,
) -> Generators:
    """Vertices, extreme rays and lineality of ``{x : A x <= b, A_eq x = b_eq}`` (floats).

    The problem is first moved to a unit-size frame, ``x = x0 + s y`` with ``x0`` a Chebyshev
    centre and ``s`` the largest facet distance from it, because cddlib's float tolerances are
    absolute: without it a triangle with legs 1e8 came back empty and one with legs 1e-8 as a
    point. Points are mapped back (``x0 + s y``); rays and lineality are scale free.
    """
    frame = _interior_frame(A, b, A_eq, b_eq)
    if frame is None:  # empty (or the LP failed): let cddlib decide on the raw data
        return _raw_generators(A, b, A_eq, b_eq)
    x0, s = frame
    by = (b - A @ x0) / s
    beq = None if A_eq is None or b_eq is None else (b_eq - A_eq @ x0) / s
    g = _raw_generators(A, by, A_eq, beq)
    return Generators(x0 + s * g.points, g.rays, g.lineality)


#: Qhull facets whose unit equations agree to this (in the whitened frame) are one facet
QHULL_COPLANAR_RTOL = 1e-12


def halfspaces_from_points_qhull(points: Float) -> tuple[Float, Float]:
    """Return ``A x <= b`` of the hull of full-dimensional ``points`` by Qhull (no cddlib).

    The fallback when cddlib's float arithmetic drops an extreme point (features below about
    1e-9 relative): the same whitened frame as :func:`halfspaces_from_points`, Qhull's
    triangulated facets, coplanar ones merged by their equations.
    """
    from scipy.spatial import ConvexHull

    c = (points.min(axis=0) + points.max(axis=0)) / 2
    X = points - c
    _, _, Vt = np.linalg.svd(X, full_matrices=True)
    sigma = np.max(np.abs(X @ Vt.T), axis=0)
    Minv = Vt / sigma[:, None]
    hull = ConvexHull(X @ Minv.T)
    eq = hull.equations  # rows (n, offset): n . y + offset <= 0, |n| = 1
    key = np.round(eq / QHULL_COPLANAR_RTOL).astype(np.int64)
    _, first = np.unique(key, axis=0, return_index=True)
    eq = eq[np.sort(first)]
    A = eq[:, :-1] @ Minv
    b = -eq[:, -1] + A @ c
    return _unit_rows(A, b)
