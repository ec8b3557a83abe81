r"""Estimate how many linear regions an enumeration yields (a cheap guard before enumerating).

:func:`estimate_regions` answers in milliseconds, so that :func:`spectral_exact.linear_regions`
(and everything that calls it) can refuse a network whose regions would not fit in memory
(``max_regions``, default :data:`DEFAULT_MAX_REGIONS`) instead of running for hours and then
running out of memory.

Exact first layer (Zaslavsky)
-----------------------------
The regions of a ReLU network refine those of its first layer, whose zero sets form an
arrangement :math:`\mathcal A` of hyperplanes :math:`\{a_j\cdot x + c_j = 0\}` (rows with
:math:`a_j = 0` never cut; hyperplanes equal up to scale count once). By Zaslavsky's theorem
(Zaslavsky 1975; Stanley, *An introduction to hyperplane arrangements*, 2007, Thm 2.5) the number
of regions of :math:`\mathcal A` in an open convex set :math:`K` is

.. math::

    r(\mathcal A, K) = \sum_{X \in L(\mathcal A),\ X\cap K \ne \emptyset} |\mu(\hat 0, X)|,

the sum over the flats (non-empty intersections) meeting ``K`` of the Möbius function of the
intersection poset; on :math:`\mathbb R^d` it is :math:`(-1)^d \chi_{\mathcal A}(-1)`. In
general position this is :math:`\sum_{i\le d}\binom{n}{i}`; lines through one point give ``2n``,
parallel lines ``n + 1``. It is computed *for the actual arrangement* (coincident, parallel,
concurrent hyperplanes; the flats are identified by the set of hyperplanes through them, with
the geometry tolerance) by deletion-restriction, adding one hyperplane ``H`` at a time: ``H``
adds the number of regions that the earlier hyperplanes cut ``H ∩ K`` into, i.e. in the plane
:math:`1 + \#\{\text{earlier distinct intersection points in } K \text{ on } H\}` and in 3-D
:math:`1 + \#\{\text{distinct lines } H\cap H' \text{ meeting } K\} + \sum_p (m_p - 1)` over the
distinct points ``p`` in ``K`` on ``H`` where ``m_p`` of those lines meet (in the plane,
directly: :math:`1 + n_K + \sum_p (m_p - 1)`). This is exact for ``d <= 3`` (``K`` = the open
box, or all of :math:`\mathbb R^d`); for ``d >= 4`` (or more than a few hundred thousand
candidate intersection points) the general-position value :math:`\sum_{i\le d}\binom{n}{i}` is
used, an upper bound on :math:`\mathbb R^d` attained by generic weights (``method`` says so).
It is exact for a one-hidden-layer network, and a lower bound for deeper ones.

Sampled estimate (deeper networks): chord scaling
-------------------------------------------------
Random chords of the domain (uniform point, uniform direction; on :math:`\mathbb R^d` chords of
length ``20 R`` through points of the ball of radius ``R`` = the largest distance of a
first-layer hyperplane from the origin plus one) are sampled at ``256`` equispaced points and
pushed through the network. Along a chord every neuron's sign flip is one region boundary
crossed, so ``m = 1 + (number of flips)`` counts the regions the chord meets; ``m_1`` counts the
first-layer flips only (exact: a first-layer pre-activation is affine along the chord). For an
arrangement-like subdivision the number of regions scales like the ``d``-th power of the
crossings per line (``C(n, d)`` regions for ``n`` hyperplanes met ``~ n`` times by a line), so,
calibrated on the exact first-layer count,

.. math::  \hat N = r_1\, \big(\bar m / \bar m_1\big)^d .

**Bias**: a heuristic, not an unbiased estimator. It misses flips closer than one sampling step
(low), and deeper bent hyperplanes are not spread like the first layer's (either way).
Measured on random He-initialised nets (``tests/test_estimate.py``, and 2-16-16-1 to
3-32-32-1 on ``[-1, 1]^d``, five sampler seeds each): within 0.79-1.07 of the true count; the
tests require a factor 2.
The distinct activation patterns among the sampled points give a certain lower bound. The
reported estimate is ``max(N̂, lower bound)``: a guard against orders-of-magnitude blow-ups,
not a count.

One input (``d = 1``): the regions are counted exactly from the sorted breakpoints
(:mod:`spectral_exact.fourier._onedim`), which costs about as much as the sampling.

References
----------
T. Zaslavsky, "Facing up to arrangements: face-count formulas for partitions of space by
hyperplanes", Mem. Amer. Math. Soc. 154 (1975). doi:10.1090/memo/0154

T. Serra, C. Tjandraatmadja and S. Ramalingam, "Bounding and counting linear regions of deep
neural networks", Proc. 35th ICML, PMLR 80 (2018). doi:10.48550/arXiv.1711.02114
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ._errors import InvalidDomainError, InvalidNetworkError, TooManyRegionsError
from ._tolerances import DEFAULT_TOLERANCES, TINY, Tolerances
from ._types import FloatArray
from .network import ReLUNetwork
from .polytope import Box, Polytope

__all__ = [
    "DEFAULT_MAX_REGIONS",
    "RegionEstimate",
    "arrangement_regions",
    "check_region_budget",
    "estimate_regions",
]


#: Default ``max_regions`` of :func:`spectral_exact.linear_regions` and the Fourier engine:
#: 500,000 regions. Measured peak footprint of regions with their prepared face data
#: (``prepare_network``, growth of the peak RSS): 8.6 kB per region in 2-D (2-64-64-64-1,
#: 14,353 regions), 41 kB per region in 3-D (3-16-16-1, 3,524 regions), i.e. about 4 GB and
#: 20 GB at the default: it fits a 24 GiB machine in 2-D and 3-D. Pass ``max_regions=None`` to
#: lift the limit, or a larger number on a larger machine.
DEFAULT_MAX_REGIONS = 500_000
#: Default number of sampled points (fewer when the network is large, see ``_FLOP_BUDGET``).
DEFAULT_SAMPLES = 20_000
#: The sampling forward pass is limited to about this many multiply-adds (~10 ms).
_FLOP_BUDGET = 1e8
#: Smallest number of samples, whatever the network's size.
_MIN_SAMPLES = 2_000
#: :func:`check_region_budget` accepts on a quick estimate (``_MIN_SAMPLES`` points) when it is
#: below the budget by this factor per input dimension (``d`` powers of the chord ratio).
_QUICK_MARGIN = 2.0
#: Points per random chord of the sampled estimate.
_POINTS_PER_CHORD = 256
#: On R^d, chords run over ``[-reach R, reach R]`` (``R``: first-layer hyperplanes' reach).
_CHORD_REACH = 10.0
#: Largest number of candidate intersection points the exact first-layer count examines
#: (beyond it the general-position value is used): pairs of lines in 2-D, triples in 3-D.
_MAX_CANDIDATES_2D = 400_000
_MAX_CANDIDATES_3D = 6_000
#: Sorted neighbours compared when looking for coincident intersection points (2-D).
_CLUSTER_WINDOW = 8
#: Points closer than this many incidence tolerances are checked for 3+ lines exactly.
_CLUSTER_SLACK = 1e4
#: Entries of one incidence block (points x hyperplanes) in the 2-D count.
_CHUNK = 1 << 21


@dataclass(frozen=True)
class RegionEstimate:
    """Estimated number of linear regions of a network on a domain.

    Attributes
    ----------
    estimate : float
        The estimate (exact when ``exact``).
    lower_bound : int
        A certain lower bound: max of the exact first-layer count and the number of distinct
        activation patterns seen among the samples.
    first_layer : int
        Regions of the first layer's hyperplane arrangement in the domain (Zaslavsky; for
        ``d >= 4`` the general-position value, see ``method``).
    method : str
        How ``estimate`` was obtained: ``"breakpoints (exact, 1-D)"``, ``"zaslavsky (exact,
        one hidden layer)"``, ``"chord scaling (sampled)"``, with ``"; first layer: general
        position"`` appended for ``d >= 4``.
    n_samples : int
        Points sampled (0 when none were needed).
    exact : bool
        Whether ``estimate`` is the exact count.
    """

    estimate: float
    lower_bound: int
    first_layer: int
    method: str
    n_samples: int
    exact: bool


# ---------------------------------------------------------------------- arrangement counts
def _unique_hyperplanes(A: FloatArray, c: FloatArray, tol: float) -> tuple[FloatArray, FloatArray]:
    """Return unit normals (first non-zero entry positive), zero rows dropped, duplicates merged."""
    norms = np.linalg.norm(A, axis=1)
    keep = norms > tol * max(1.0, float(norms.max(initial=0.0)))
    A, c = A[keep] / norms[keep, None], c[keep] / norms[keep]
    if len(A) == 0:
        return A, c
    lead = np.argmax(np.abs(A) > tol, axis=1)
    sgn = np.sign(A[np.arange(len(A)), lead])
    A, c = A * sgn[:, None], c * sgn
    key = np.round(np.column_stack([A, c]) / (tol * 1e3)).astype(np.int64)
    _, first = np.unique(key, axis=0, return_index=True)
    first.sort()
    return A[first], c[first]


def _incidence_key(M: NDArray[np.bool_]) -> NDArray[np.int64]:
    """Ids of the distinct rows of a boolean matrix (equal rows, equal id; 64-bit hash)."""
    if M.shape[0] == 0:
        return np.zeros(0, np.int64)
    h = M.astype(np.uint64) @ _hash_weights(M.shape[1])
    _, inv = np.unique(h, return_inverse=True)
    return np.asarray(inv, dtype=np.int64).reshape(-1)


def _inside(P: FloatArray, lo: FloatArray | None, hi: FloatArray | None, eps: float) -> Any:
    if lo is None or hi is None:
        return np.ones(len(P), dtype=bool)
    return np.all((P > lo + eps) & (P < hi - eps), axis=1)


def _line_meets_box(
    p0: FloatArray, u: FloatArray, lo: FloatArray | None, hi: FloatArray | None, eps: float
) -> Any:
    """Lines ``p0 + s u`` meeting the open box (slab method)."""
    if lo is None or hi is None:
        return np.ones(len(p0), dtype=bool)
    smin = np.full(len(p0), -np.inf)
    smax = np.full(len(p0), np.inf)
    for i in range(p0.shape[1]):
        ui, pi = u[:, i], p0[:, i]
        par = np.abs(ui) <= TINY
        with np.errstate(divide="ignore", invalid="ignore"):
            s1 = (lo[i] + eps - pi) / ui
            s2 = (hi[i] - eps - pi) / ui
        a, b = np.minimum(s1, s2), np.maximum(s1, s2)
        ok_par = (pi > lo[i] + eps) & (pi < hi[i] - eps)
        smin = np.where(par, np.where(ok_par, smin, np.inf), np.maximum(smin, a))
        smax = np.where(par, np.where(ok_par, smax, -np.inf), np.minimum(smax, b))
    return smin < smax


def _hyperplane_meets_box(
    A: FloatArray, c: FloatArray, lo: FloatArray | None, hi: FloatArray | None, eps: float
) -> Any:
    if lo is None or hi is None:
        return np.ones(len(A), dtype=bool)
    centre, half = (lo + hi) / 2, (hi - lo) / 2
    return np.abs(A @ centre + c) < np.abs(A) @ half - eps


def _count_1d(c: FloatArray, lo: FloatArray | None, hi: FloatArray | None, eps: float) -> int:
    pts = np.unique(np.round(-c / eps) * eps) if len(c) else c
    if lo is not None and hi is not None:
        pts = pts[(pts > lo[0] + eps) & (pts < hi[0] - eps)]
    return 1 + len(pts)


def _count_2d(
    A: FloatArray, c: FloatArray, lo: FloatArray | None, hi: FloatArray | None, eps: float
) -> int:
    r"""1 + #lines meeting K + sum over intersection points p in K of (m_p - 1).

    No clustering of points: a point on ``m_p`` lines is the intersection of ``C(m_p, 2)``
    pairs, so :math:`\sum_p (m_p - 1) = \sum_{pairs} 2 / m_p` with ``m_p`` counted by an
    incidence test per pair (in chunks).
    """
    n = len(A)
    total = 1 + int(np.sum(_hyperplane_meets_box(A, c, lo, hi, eps)))
    if n < 2:
        return total
    i, j = np.triu_indices(n, 1)
    det = A[i, 0] * A[j, 1] - A[i, 1] * A[j, 0]
    ok = np.abs(det) > eps
    i, j, det = i[ok], j[ok], det[ok]
    if len(i) == 0:
        return total
    x = (-c[i] * A[j, 1] + c[j] * A[i, 1]) / det
    y = (-A[i, 0] * c[j] + A[j, 0] * c[i]) / det
    P = np.column_stack([x, y])
    P = P[_inside(P, lo, hi, eps)]
    # only points with a near-duplicate can lie on 3+ lines: find them by sorting, then
    # count their lines exactly; every other point lies on exactly 2 (m_p - 1 = 1)
    loose_all = _CLUSTER_SLACK * eps * (1.0 + np.abs(P).sum(1))
    g = 2.0 * float(loose_all.max())
    near = np.zeros(len(P), dtype=bool)
    for shift in (0.0, 0.5):  # two bin offsets: points within g/2 in x share a bin once
        order = np.lexsort((P[:, 1], np.floor(P[:, 0] / g + shift)))
        Q = P[order]
        loose = loose_all[order]
        hit_sorted = np.zeros(len(Q), dtype=bool)
        for sh in range(1, min(_CLUSTER_WINDOW, len(Q) - 1) + 1):
            hit = (np.abs(Q[sh:, 0] - Q[:-sh, 0]) <= loose[sh:]) & (
                np.abs(Q[sh:, 1] - Q[:-sh, 1]) <= loose[sh:]
            )
            hit_sorted[sh:] |= hit
            hit_sorted[:-sh] |= hit
        near[order] |= hit_sorted
    acc = float(np.sum(~near))
    Q = P[near]
    step = max(1, _CHUNK // max(n, 1))
    for s0 in range(0, len(Q), step):
        q = Q[s0 : s0 + step]
        m = np.sum(np.abs(q @ A.T + c) <= eps * (1.0 + np.abs(q).sum(1))[:, None], axis=1)
        acc += float(np.sum(2.0 / np.maximum(m, 2)))
    return total + int(round(acc))


def _count_3d_general(
    A: FloatArray, c: FloatArray, lo: FloatArray | None, hi: FloatArray | None, eps: float
) -> int | None:
    """Zaslavsky's count for planes in general position, vectorised; None if they are not.

    In general position (no two planes parallel, no three through a line, no four through a
    point) a plane meeting ``K`` adds one region, each pair's line meeting ``K`` one more and
    each triple's point inside ``K`` one more: ``1 + planes + lines + points`` (what
    :func:`_count_3d`'s deletion-restriction adds up plane by plane, with the same tests of
    meeting the box).
    """
    n = len(A)
    meets = _hyperplane_meets_box(A, c, lo, hi, eps)
    if n < 2:
        return 1 + int(np.sum(meets))
    ii, jj = np.triu_indices(n, 1)
    u = np.cross(A[ii], A[jj])
    un = np.linalg.norm(u, axis=1)
    if np.any(un <= eps):
        return None  # parallel planes
    u /= un[:, None]
    N = np.stack([A[ii], A[jj]], axis=1)  # (L, 2, 3)
    G = N @ N.transpose(0, 2, 1)
    rhs = -np.stack([c[ii], c[jj]], axis=1)
    p0 = (N.transpose(0, 2, 1) @ np.linalg.solve(G, rhs[..., None]))[..., 0]
    on = (np.abs(u @ A.T) <= eps) & (
        np.abs(p0 @ A.T + c) <= eps * (1.0 + np.abs(p0).sum(1))[:, None]
    )
    if np.any(on.sum(1) != 2):
        return None  # three planes through a line
    lines = int(np.sum(_line_meets_box(p0, u, lo, hi, eps)))
    points = 0
    if n >= 3:
        t = np.array(list(itertools.combinations(range(n), 3)), dtype=np.int64)
        M = A[t]  # (T, 3, 3)
        if np.any(np.abs(np.linalg.det(M)) <= eps):
            return None  # a triple without a single common point
        P: FloatArray = np.asarray(np.linalg.solve(M, -c[t][..., None])[..., 0], dtype=float)
        inc = np.abs(P @ A.T + c) <= eps * (1.0 + np.abs(P).sum(1))[:, None]
        if np.any(inc.sum(1) != 3):
            return None  # four planes through a point
        points = int(np.sum(_inside(P, lo, hi, eps)))
    return 1 + int(np.sum(meets)) + lines + points


def _count_3d(
    A: FloatArray, c: FloatArray, lo: FloatArray | None, hi: FloatArray | None, eps: float
) -> int:
    """Deletion-restriction: plane j adds the regions its predecessors cut ``H_j ∩ K`` into.

    Planes in general position take the vectorised count (:func:`_count_3d_general`).
    """
    general = _count_3d_general(A, c, lo, hi, eps)
    if general is not None:
        return general
    return _count_3d_incremental(A, c, lo, hi, eps)


def _count_3d_incremental(
    A: FloatArray, c: FloatArray, lo: FloatArray | None, hi: FloatArray | None, eps: float
) -> int:
    """:func:`_count_3d` plane by plane, any arrangement (the general route)."""
    meets = _hyperplane_meets_box(A, c, lo, hi, eps)
    total = 1
    for j in range(len(A)):
        if not meets[j]:
            continue
        total += 1
        if j == 0:
            continue
        a, cj = A[j], c[j]
        prev = np.arange(j)
        u = np.cross(a, A[prev])  # line directions H_j ∩ H_i
        un = np.linalg.norm(u, axis=1)
        ok = un > eps
        prev, u = prev[ok], u[ok] / un[ok, None]
        if len(prev) == 0:
            continue
        # a point of each line: least-norm solution of the 2x3 system
        N = np.stack([np.broadcast_to(a, (len(prev), 3)), A[prev]], axis=1)  # (L, 2, 3)
        rhs = -np.stack([np.full(len(prev), cj), c[prev]], axis=1)  # (L, 2)
        G = N @ N.transpose(0, 2, 1)
        p0 = (N.transpose(0, 2, 1) @ np.linalg.solve(G, rhs[..., None]))[..., 0]
        # distinct lines: the set of earlier planes containing each
        on = (np.abs(u @ A[:j].T) <= eps) & (
            np.abs(p0 @ A[:j].T + c[:j]) <= eps * (1.0 + np.abs(p0).sum(1))[:, None]
        )
        lid = _incidence_key(on)
        _, first = np.unique(lid, return_index=True)
        line_of_prev = np.full(j, -1, dtype=np.int64)
        line_of_prev[prev] = lid
        L_p0, L_u = p0[first], u[first]
        in_K = _line_meets_box(L_p0, L_u, lo, hi, eps)
        total += int(np.sum(in_K))
        # points: intersections of pairs of distinct lines on H_j (lines meeting K only)
        keep_lines = first[in_K]
        if len(keep_lines) < 2:
            continue
        rep = prev[keep_lines]  # one earlier plane per line
        ii, kk = np.triu_indices(len(rep), 1)
        r1, r2 = rep[ii], rep[kk]
        M = np.stack([np.broadcast_to(a, (len(r1), 3)), A[r1], A[r2]], axis=1)
        dets = np.linalg.det(M)
        okp = np.abs(dets) > eps
        if not np.any(okp):
            continue
        rhs3 = -np.stack([np.full(int(okp.sum()), cj), c[r1[okp]], c[r2[okp]]], axis=1)
        P = np.linalg.solve(M[okp], rhs3[..., None])[..., 0]
        P = P[_inside(P, lo, hi, eps)]
        if len(P) == 0:
            continue
        inc = np.abs(P @ A[:j].T + c[:j]) <= eps * (1.0 + np.abs(P).sum(1))[:, None]
        pid = _incidence_key(inc)
        _, pfirst = np.unique(pid, return_index=True)
        inc = inc[pfirst]
        # m_p = number of distinct lines (on H_j) through p
        rows, cols = np.nonzero(inc)
        lines = line_of_prev[cols]
        good = lines >= 0
        pairs = np.unique(np.stack([rows[good], lines[good]], axis=1), axis=0)
        m = np.bincount(pairs[:, 0], minlength=len(inc))
        total += int(np.sum(np.maximum(m - 1, 0)))
    return total


def _general_position(n: int, d: int) -> int:
    return int(sum(math.comb(n, i) for i in range(min(n, d) + 1)))


def arrangement_regions(
    A: Any,
    c: Any,
    domain: Box | None = None,
    *,
    tol: Tolerances = DEFAULT_TOLERANCES,
) -> tuple[int, bool]:
    r"""Count the regions of the arrangement ``{x : A x + c = 0}`` in ``domain`` (Zaslavsky).

    Parameters
    ----------
    A, c : arrays (n, d), (n,)
        Hyperplanes ``A[j] @ x + c[j] = 0``; zero rows are ignored, repeated ones merged.
    domain : Box or None
        Count the regions meeting the open box, or all of :math:`\mathbb{R}^d` (``None``).
    tol : Tolerances
        ``tol.geometry`` (relative to ``1 + max |box corner|``) decides incidences.

    Returns
    -------
    (int, bool)
        The count and whether it is exact (``False`` for ``d >= 4`` or very large
        arrangements, where the general-position value, an upper bound on
        :math:`\mathbb{R}^d`, is returned).

    Examples
    --------
    >>> import numpy as np
    >>> from spectral_exact._estimate import arrangement_regions
    >>> th = np.linspace(0, np.pi, 5, endpoint=False)
    >>> A = np.column_stack([np.cos(th), np.sin(th)])
    >>> arrangement_regions(A, np.zeros(5))       # 5 lines through one point: 2n
    (10, True)
    >>> arrangement_regions(A, np.arange(5.0))    # general position: 1 + n + C(n, 2)
    (16, True)
    >>> arrangement_regions(np.ones((4, 1)) * [[1.0, 0.0]], np.arange(4.0))  # parallel: n + 1
    (5, True)
    """
    A = np.atleast_2d(np.asarray(A, dtype=float))
    c = np.asarray(c, dtype=float).reshape(-1)
    d = A.shape[1]
    lo = hi = None
    scale = 1.0
    if domain is not None:
        lo, hi = np.asarray(domain.lo, float), np.asarray(domain.hi, float)
        scale += float(np.max(np.abs(np.concatenate([lo, hi]))))
    eps = tol.geometry * scale * 10.0
    A, c = _unique_hyperplanes(A, c, tol.rank)
    n = len(A)
    if d == 1:
        return _count_1d(c * np.sign(A[:, 0]) if n else c, lo, hi, eps), True
    if d == 2 and math.comb(n, 2) <= _MAX_CANDIDATES_2D:
        return _count_2d(A, c, lo, hi, eps), True
    if d == 3 and math.comb(n, 3) <= _MAX_CANDIDATES_3D:
        return _count_3d(A, c, lo, hi, eps), True
    return _general_position(n, d), False


# ------------------------------------------------------------------------- sampled count
def _domain_box(net: ReLUNetwork, domain: Any) -> tuple[Box | None, Polytope | None]:
    if domain is None:
        return None, None
    if isinstance(domain, Box):
        box, poly = domain, None
    elif isinstance(domain, Polytope):
        V = domain.vertices
        if not domain.is_bounded or len(V) == 0:
            raise InvalidDomainError("a polytope domain must be bounded (use None for R^d)")
        box, poly = Box(V.min(0), V.max(0)), domain
    elif isinstance(domain, (tuple, list)) and len(domain) == 2:
        box, poly = Box(domain[0], domain[1]), None
    else:
        raise InvalidDomainError(
            f"domain must be a Box, a bounded Polytope, (lo, hi) or None; got "
            f"{type(domain).__name__}"
        )
    if box.dim != net.input_dim:
        raise InvalidDomainError(
            f"the domain lives in R^{box.dim} but the network takes inputs in R^{net.input_dim}"
        )
    return box, poly


def _chords(
    net: ReLUNetwork, box: Box | None, n_lines: int, n_points: int, rng: np.random.Generator
) -> FloatArray:
    """``n_points`` equispaced points on each of ``n_lines`` random chords, (L, P, d)."""
    d = net.input_dim
    u = rng.standard_normal((n_lines, d))
    u /= np.linalg.norm(u, axis=1, keepdims=True)
    if box is not None:
        p = box.lo + (box.hi - box.lo) * rng.random((n_lines, d))
        with np.errstate(divide="ignore", invalid="ignore"):
            s1 = (box.lo - p) / u
            s2 = (box.hi - p) / u
        lo = np.max(np.where(u != 0, np.minimum(s1, s2), -np.inf), axis=1)
        hi = np.min(np.where(u != 0, np.maximum(s1, s2), np.inf), axis=1)
    else:
        W, b = net.weights[0], net.biases[0]
        nrm = np.linalg.norm(W, axis=1)
        live = nrm > 0
        R = 1.0 + (float(np.max(np.abs(b[live]) / nrm[live])) if np.any(live) else 0.0)
        q = rng.standard_normal((n_lines, d))
        p = R * q / np.linalg.norm(q, axis=1, keepdims=True) * rng.random((n_lines, 1))
        lo, hi = np.full(n_lines, -_CHORD_REACH * R), np.full(n_lines, _CHORD_REACH * R)
    s = lo[:, None] + (hi - lo)[:, None] * np.linspace(0.0, 1.0, n_points)[None, :]
    return p[:, None, :] + s[..., None] * u[:, None, :]


def estimate_regions(
    net: ReLUNetwork,
    domain: Box | Polytope | tuple[Any, Any] | None = None,
    *,
    n_samples: int | None = None,
    seed: int = 0,
    tol: Tolerances = DEFAULT_TOLERANCES,
) -> RegionEstimate:
    r"""Estimate the number of linear regions of ``net`` on ``domain`` in milliseconds.

    Exact for one input (sorted breakpoints) and for one hidden layer (Zaslavsky's count of
    the first-layer arrangement, ``d <= 3``); deeper: the exact first-layer count scaled by
    ``(crossings per random chord / first-layer crossings)^d`` (see the module docstring for
    its bias; measured within 0.79-1.07 of the truth on random nets), never below the
    distinct activation patterns seen on the chords.

    Parameters
    ----------
    net : ReLUNetwork
    domain : Box, bounded Polytope, (lo, hi) or None
        ``None``: all of :math:`\mathbb{R}^d`. A polytope is replaced by its bounding box
        for the first-layer count, and only chord points inside it are used.
    n_samples : int, optional
        Points to sample for deep nets, 256 per chord (default: :data:`DEFAULT_SAMPLES`,
        fewer for large nets so that the forward pass stays around 1e8 multiply-adds, at
        least 2000).
    seed : int
        Seed of the sampler (the estimate is deterministic for a given seed).
    tol : Tolerances

    Returns
    -------
    RegionEstimate

    Examples
    --------
    >>> import numpy as np, spectral_exact as se
    >>> net = se.ReLUNetwork.random((2, 8, 1), seed=0)
    >>> est = se.estimate_regions(net)          # one hidden layer: exact on R^2
    >>> est.exact, est.estimate == len(se.linear_regions(net))
    (True, True)
    """
    from ._validate import integer

    if n_samples is not None:
        n_samples = integer(n_samples, "n_samples", minimum=1)
    seed = integer(seed, "seed", minimum=0)
    if not isinstance(net, ReLUNetwork):
        raise InvalidNetworkError(
            f"net must be a ReLUNetwork, got {type(net).__name__} {net!r:.60}"
        )
    from .fourier._onedim import _single_thread

    with _single_thread():  # small products: BLAS threads only contend
        return _estimate(net, domain, n_samples, seed, tol)


def _estimate(
    net: ReLUNetwork, domain: Any, n_samples: int | None, seed: int, tol: Tolerances
) -> RegionEstimate:
    box, poly = _domain_box(net, domain)
    d = net.input_dim
    if d == 1:
        from .fourier._onedim import breakpoints

        bp = breakpoints(net, box, tol=tol)
        n = bp.n_regions
        return RegionEstimate(float(n), n, n, "breakpoints (exact, 1-D)", 0, True)
    if not net.hidden_widths:
        return RegionEstimate(1.0, 1, 1, "affine (exact, no hidden layer)", 0, True)
    first, exact_first = arrangement_regions(net.weights[0], net.biases[0], box, tol=tol)
    note = "" if exact_first else "; first layer: general position"
    if len(net.hidden_widths) == 1 and poly is None:
        return RegionEstimate(
            float(first),
            first if exact_first else 1,
            first,
            "zaslavsky (exact, one hidden layer)" + note,
            0,
            exact_first,
        )
    flops_per_point = sum(w.size for w in net.weights)
    if n_samples is None:
        n = int(min(DEFAULT_SAMPLES, max(_MIN_SAMPLES, _FLOP_BUDGET / flops_per_point)))
    else:
        n = int(n_samples)
    n_lines = max(8, n // _POINTS_PER_CHORD)
    rng = np.random.default_rng(seed)
    X = _chords(net, box, n_lines, _POINTS_PER_CHORD, rng)  # (L, P, d)
    if poly is not None:  # keep the chords' points inside the polytope (flips counted inside)
        inside = np.all(X @ poly.A.T <= poly.b, axis=-1)
    else:
        inside = np.ones(X.shape[:2], dtype=bool)
    pats = np.concatenate(net.patterns(X), axis=-1)  # (L, P, N)
    both = inside[:, 1:] & inside[:, :-1]
    flips = (pats[:, 1:] != pats[:, :-1]) & both[..., None]
    w1 = net.hidden_widths[0]
    m_full = 1.0 + flips.sum(axis=(1, 2))
    m_first = 1.0 + flips[..., :w1].sum(axis=(1, 2))
    ratio = float(np.mean(m_full) / np.mean(m_first))
    flat = pats[inside]
    h = flat.astype(np.uint64) @ _hash_weights(flat.shape[1])
    seen = len(np.unique(h))
    lower = max(seen, first if exact_first and poly is None else 0)
    est = max(first * ratio**d, float(lower))
    return RegionEstimate(
        est, lower, first, "chord scaling (sampled)" + note, int(inside.sum()), False
    )


def _hash_weights(n: int) -> NDArray[np.uint64]:
    """Return fixed random odd 64-bit multipliers: pattern -> hash (collisions ~ 2^-64 per pair)."""
    rng = np.random.default_rng(0x5E)
    return rng.integers(1, 2**63, size=n, dtype=np.uint64) * np.uint64(2) + np.uint64(1)


def check_region_budget(
    net: ReLUNetwork,
    domain: Any,
    max_regions: float | None,
    *,
    tol: Tolerances = DEFAULT_TOLERANCES,
    what: str = "linear_regions",
) -> RegionEstimate | None:
    r"""Raise :class:`~spectral_exact.TooManyRegionsError` if the estimate exceeds ``max_regions``.

    Free when the crude product bound :math:`\\prod_l \\sum_{i\\le d} \\binom{d_l}{i}` (Serra et
    al., 2018) is already within the budget; otherwise a quick estimate (``_MIN_SAMPLES``
    points) settles it when exact, or when below ``max_regions / _QUICK_MARGIN**d`` (a
    margin far beyond its sampling error), and :func:`estimate_regions` with its default
    samples decides the rest (and is the number named when refusing). Returns the estimate
    when one was computed.
    """
    if max_regions is None:
        return None
    d = net.input_dim
    bound = 1.0
    for w in net.hidden_widths:
        bound *= _general_position(w, d)
        if bound > max_regions:
            break
    if bound <= max_regions:
        return None
    quick = estimate_regions(net, domain, n_samples=_MIN_SAMPLES, tol=tol)
    if quick.estimate <= max_regions and (
        quick.exact or quick.estimate * _QUICK_MARGIN**d <= max_regions
    ):
        return quick
    est = estimate_regions(net, domain, tol=tol)
    if est.estimate > max_regions:
        dom = f"R^{d}" if domain is None else repr(domain)
        raise TooManyRegionsError(
            f"{what}: {net!r} on {dom} has an estimated {est.estimate:,.0f} linear regions "
            f"({est.method}; at least {est.lower_bound:,}), more than "
            f"max_regions={max_regions:,.0f}; pass a larger max_regions, or max_regions=None "
            "to enumerate anyway"
        )
    return est
