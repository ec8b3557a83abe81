r"""Exact linear regions of a ReLU network.

A ReLU network is continuous and piecewise linear: every activation pattern of its hidden
neurons that is realised on a full-dimensional set gives a convex polyhedron (a *linear region*)
on which :math:`f(x) = w\cdot x + c` (Rahaman et al., 2019, Sec. 2; Hanin & Rolnick, 2019).

:func:`linear_regions` enumerates them by layer-wise refinement: the domain is split by each
neuron's hyperplane restricted to the current region (on which the neuron's pre-activation is
affine), keeping only full-dimensional pieces.

* On a box (or any bounded polytope), pieces are kept in double description (vertices and
  vertex-facet incidence) and split by *edge subdivision of the 1-skeleton*: a hyperplane cuts
  the edges whose end points have opposite signs; two vertices span an edge iff no third vertex
  lies on every facet they share (a purely combinatorial test, exact for degenerate polytopes).
  All sign tests for a layer are one matrix product per piece; no LP or cdd call is made.
* On all of :math:`\mathbb{R}^d` (``domain=None``), pieces are kept as H-representations,
  full-dimensionality is decided by a Chebyshev-ball LP (scipy/HiGHS), and the final
  polyhedra (vertices, rays, lineality) come from cddlib.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ._errors import InvalidDomainError, InvalidNetworkError
from ._tolerances import DEFAULT_TOLERANCES, Tolerances
from .network import ReLUNetwork
from .polytope import Box, Polytope

__all__ = ["Region", "Regions", "linear_regions"]

FloatArray = NDArray[np.float64]


@dataclass(frozen=True, eq=False)
class Region:
    """One linear region: ``f(x) = weight @ x + bias`` for ``x`` in ``polytope``.

    Attributes
    ----------
    pattern : tuple of bool arrays
        Activation pattern, one array per hidden layer (``True`` = neuron active).
    polytope : Polytope
        The region (intersected with the domain when one was given).
    weight : array (d,)
        Gradient of ``f`` on the region.
    bias : float
        Offset: ``f(x) = weight @ x + bias``.
    """

    pattern: tuple[NDArray[np.bool_], ...]
    polytope: Polytope
    weight: FloatArray
    bias: float

    def __call__(self, x: Any) -> FloatArray:
        return np.asarray(np.asarray(x, dtype=float) @ self.weight + self.bias)

    @property
    def pattern_key(self) -> bytes:
        """Hashable key of the activation pattern."""
        return np.concatenate(self.pattern).tobytes() if self.pattern else b""


@dataclass(frozen=True, eq=False)
class Regions(Sequence[Region]):
    """The linear regions of ``net`` on ``domain`` (a sequence of :class:`Region`)."""

    net: ReLUNetwork
    domain: Box | Polytope | None
    regions: tuple[Region, ...]

    def __len__(self) -> int:
        return len(self.regions)

    def __getitem__(self, i):  # type: ignore[no-untyped-def, override]
        return self.regions[i]

    def __iter__(self) -> Iterator[Region]:
        return iter(self.regions)

    def locate(self, x: Any) -> NDArray[np.int64]:
        """Index of the region containing each point of ``x`` (shape (..., d)); -1 if none.

        Points are matched by activation pattern (exact for interior points).
        """
        xa = np.asarray(x, dtype=float)
        pats = np.concatenate(self.net.patterns(xa), axis=-1) if self.net.n_hidden else None
        lookup = {r.pattern_key: i for i, r in enumerate(self.regions)}
        flat = (
            pats.reshape(-1, pats.shape[-1])
            if pats is not None
            else np.zeros((int(np.prod(xa.shape[:-1])), 0), bool)
        )
        out = np.array([lookup.get(p.tobytes(), -1) for p in flat], dtype=np.int64)
        return out.reshape(xa.shape[:-1])

    @property
    def total_volume(self) -> float:
        return float(sum(r.polytope.volume for r in self.regions))

    def __repr__(self) -> str:
        dom = "R^%d" % self.net.input_dim if self.domain is None else repr(self.domain)
        return f"Regions({len(self)} regions of {self.net!r} on {dom})"


# ---------------------------------------------------------------------------- bounded domains
@dataclass
class _Piece:
    """A bounded piece in double description (mutable work record, private)."""

    V: FloatArray  # (m, d) vertices
    A: FloatArray  # (n, d) constraint normals (unit)
    b: FloatArray  # (n,)
    T: NDArray[np.bool_]  # (m, n) incidence: vertex i tight at constraint j
    M: FloatArray  # (width, d) current-layer input map: a = M x + beta
    beta: FloatArray
    pattern: list[NDArray[np.bool_]]
    on: frozenset[int] = frozenset()  # neurons of the current layer found active by a cut


def _edges(T: NDArray[np.bool_], idx_a: NDArray[np.int64], idx_b: NDArray[np.int64], d: int):  # type: ignore[no-untyped-def]
    """Pairs (i in idx_a, j in idx_b) spanning an edge of the polytope with incidence T."""
    common = T[idx_a][:, None, :] & T[idx_b][None, :, :]  # (P, N, n)
    cand = common.sum(-1) >= d - 1
    ia, ib = np.nonzero(cand)
    if len(ia) == 0:
        return ia, ib
    C = common[ia, ib]  # (E, n)
    # a third vertex k contains the common set -> not an edge
    contains = ~np.any(C[:, None, :] & ~T[None, :, :], axis=-1)  # (E, m)
    n_contain = contains.sum(-1)
    ok = n_contain == 2
    return idx_a[ia[ok]], idx_b[ib[ok]]


def _split(
    p: _Piece, h: FloatArray, c: float, s: FloatArray, eps: float, d: int
) -> tuple[_Piece | None, _Piece | None]:
    """Split piece p by h.x + c = 0 given signed values s at its vertices."""
    pos = np.flatnonzero(s > eps)
    neg = np.flatnonzero(s < -eps)
    zer = np.flatnonzero(np.abs(s) <= eps)
    ia, ib = _edges(p.T, pos, neg, d)
    t = s[ia] / (s[ia] - s[ib])
    newV = p.V[ia] + t[:, None] * (p.V[ib] - p.V[ia])
    newT = p.T[ia] & p.T[ib]
    hn = np.linalg.norm(h)
    out = []
    for keep, sign in ((pos, 1.0), (neg, -1.0)):
        V = np.vstack([p.V[keep], p.V[zer], newV])
        T_old = np.vstack([p.T[keep], p.T[zer], newT])
        on_h = np.concatenate(
            [np.zeros(len(keep), bool), np.ones(len(zer) + len(newV), bool)]
        )
        T = np.hstack([T_old, on_h[:, None]])
        # constraint: sign * (h x + c) >= 0  <=>  (-sign h) x <= sign c
        A = np.vstack([p.A, -sign * h / hn])
        b = np.append(p.b, sign * c / hn)
        # drop constraints that are no longer facets (fewer than d tight vertices)
        facet = T.sum(0) >= d
        out.append(_Piece(V, A[facet], b[facet], T[:, facet], p.M, p.beta, p.pattern, p.on))
    return out[0], out[1]


def _bounded_regions(net: ReLUNetwork, domain: Polytope, tol: Tolerances) -> list[Region]:
    d = net.input_dim
    scale = float(np.max(np.linalg.norm(domain.vertices, axis=1))) + 1.0
    root = _Piece(
        domain.vertices.copy(),
        domain.A.copy(),
        domain.b.copy(),
        domain.vertex_incidence.copy(),
        np.eye(d),
        np.zeros(d),
        [],
    )
    pieces = [root]
    for W, bvec in zip(net.weights[:-1], net.biases[:-1], strict=True):
        new_pieces: list[_Piece] = []
        for p in pieces:
            Mz = W @ p.M  # (width, d)
            bz = W @ p.beta + bvec
            S = p.V @ Mz.T + bz  # (m, width)
            eps = tol.geometry * (np.linalg.norm(Mz, axis=1) * scale + np.abs(bz))
            cutting = np.flatnonzero(np.any(S > eps, 0) & np.any(S < -eps, 0))
            centroid_sign = (p.V.mean(0) @ Mz.T + bz) > 0
            active = np.where(np.any(S > eps, 0), True, np.where(np.any(S < -eps, 0), False, centroid_sign))
            work = [p]
            for j in cutting:
                nxt = []
                for q in work:
                    sq = q.V @ Mz[j] + bz[j]
                    if np.any(sq > eps[j]) and np.any(sq < -eps[j]):
                        a, bb = _split(q, Mz[j], float(bz[j]), sq, float(eps[j]), d)
                        a.on = q.on | {int(j)}
                        nxt.extend([a, bb])
                    else:
                        if np.any(sq > eps[j]):
                            q.on = q.on | {int(j)}
                        nxt.append(q)
                work = nxt
            for q in work:
                pat = active.copy()
                pat[cutting] = False
                pat[list(q.on)] = True
                q.pattern = [*p.pattern, pat]
                q.M = pat[:, None] * Mz
                q.beta = pat * bz
                q.on = frozenset()
                new_pieces.append(q)
        pieces = new_pieces
    out = []
    for p in pieces:
        w = (net.weights[-1] @ p.M)[0]
        c = float((net.weights[-1] @ p.beta + net.biases[-1])[0])
        poly = Polytope._from_parts(p.A, p.b, p.V, vertex_incidence=p.T, tol=tol)
        out.append(Region(tuple(p.pattern), poly, w, c))
    return out


# ---------------------------------------------------------------------------- all of R^d
def _chebyshev_radius(A: FloatArray, b: FloatArray, cap: float) -> tuple[float, FloatArray]:
    """Largest r <= cap with a ball of radius r inside {A x <= b}; and its centre."""
    from scipy.optimize import linprog

    d = A.shape[1]
    norms = np.linalg.norm(A, axis=1)
    c = np.zeros(d + 1)
    c[-1] = -1.0
    A_ub = np.hstack([A, norms[:, None]])
    bounds = [(None, None)] * d + [(None, cap)]
    res = linprog(c, A_ub=A_ub, b_ub=b, bounds=bounds, method="highs")
    if res.status != 0:
        return -np.inf, np.zeros(d)
    return float(res.x[-1]), np.asarray(res.x[:d])


def _unbounded_regions(net: ReLUNetwork, tol: Tolerances) -> list[Region]:
    d = net.input_dim
    cap = 1.0
    # a piece: (A, b, centre, M, beta, pattern)
    pieces: list[tuple[FloatArray, FloatArray, FloatArray, FloatArray, FloatArray, list]] = [
        (np.zeros((0, d)), np.zeros(0), np.zeros(d), np.eye(d), np.zeros(d), [])
    ]
    min_r = tol.min_width
    for W, bvec in zip(net.weights[:-1], net.biases[:-1], strict=True):
        new = []
        for A, b, x0, M, beta, pattern in pieces:
            Mz = W @ M
            bz = W @ beta + bvec
            work = [(A, b, x0, np.zeros(len(bz), bool))]
            for j in range(len(bz)):
                h, c = Mz[j], bz[j]
                hn = np.linalg.norm(h)
                nxt = []
                for A_, b_, x_, pat in work:
                    if hn == 0:
                        pat = pat.copy()
                        pat[j] = c > 0
                        nxt.append((A_, b_, x_, pat))
                        continue
                    sides = []
                    for sign in (1.0, -1.0):
                        A2 = np.vstack([A_, -sign * h / hn])
                        b2 = np.append(b_, sign * c / hn)
                        r, xc = _chebyshev_radius(A2, b2, cap)
                        if r > min_r:
                            p2 = pat.copy()
                            p2[j] = sign > 0
                            sides.append((A2, b2, xc, p2))
                    if not sides:  # pragma: no cover - cannot happen for a full-dim piece
                        raise RuntimeError("a full-dimensional piece vanished on both sides")
                    if len(sides) == 1:
                        # keep the original (redundant constraint dropped) with the side's pattern
                        sides = [(A_, b_, x_, sides[0][3])]
                    nxt.extend(sides)
                work = nxt
            for A_, b_, x_, pat in work:
                new.append((A_, b_, x_, pat[:, None] * Mz, pat * bz, pattern + [pat]))
        pieces = new
    out = []
    for A, b, _x0, M, beta, pattern in pieces:
        w = (net.weights[-1] @ M)[0]
        c = float((net.weights[-1] @ beta + net.biases[-1])[0])
        if len(A) == 0:
            poly = Polytope._from_parts(
                np.zeros((0, d)), np.zeros(0), np.zeros((1, d)), lineality=np.eye(d), tol=tol
            )
        else:
            poly = Polytope.from_halfspaces(A, b, tol=tol)
        out.append(Region(tuple(pattern), poly, w, c))
    return out


# ---------------------------------------------------------------------------- public entry
def _check_domain(net: ReLUNetwork, domain: Any) -> Polytope | None:
    if domain is None:
        return None
    if isinstance(domain, Box):
        poly = domain.to_polytope()
    elif isinstance(domain, Polytope):
        poly = domain
        if not poly.is_bounded:
            raise InvalidDomainError("a polytope domain must be bounded (use domain=None for R^d)")
        if poly.dim != poly.ambient_dim:
            raise InvalidDomainError(
                f"the domain is flat: dimension {poly.dim} in R^{poly.ambient_dim}"
            )
    elif isinstance(domain, (tuple, list)) and len(domain) == 2:
        poly = Box(domain[0], domain[1]).to_polytope()
    else:
        raise InvalidDomainError(
            f"domain must be a Box, a bounded Polytope, (lo, hi) or None; got {type(domain).__name__}"
        )
    if poly.ambient_dim != net.input_dim:
        raise InvalidDomainError(
            f"the domain lives in R^{poly.ambient_dim} but the network takes inputs in "
            f"R^{net.input_dim}"
        )
    return poly


def linear_regions(
    net: ReLUNetwork,
    domain: Box | Polytope | None = None,
    *,
    tol: Tolerances = DEFAULT_TOLERANCES,
) -> Regions:
    r"""All full-dimensional linear regions of ``net`` on ``domain``.

    Parameters
    ----------
    net : ReLUNetwork
    domain : Box, bounded Polytope, or None
        ``None`` means all of :math:`\mathbb{R}^d`; regions are then unbounded polyhedra,
        possibly with lineality.
    tol : Tolerances
        ``tol.geometry`` decides when a vertex lies on a neuron's hyperplane (relative to the
        domain size); ``tol.min_width`` the smallest Chebyshev radius kept on R^d.

    Returns
    -------
    Regions
        A sequence of :class:`Region` (pattern, polytope, weight, bias).

    Examples
    --------
    >>> import numpy as np, spectral_exact as se
    >>> net = se.ReLUNetwork([np.array([[1.0], [-1.0]]), np.array([[1.0, 1.0]])],
    ...                      [np.zeros(2), np.zeros(1)])          # f(x) = |x|
    >>> regs = se.linear_regions(net, se.Box([-1], [1]))
    >>> sorted(float(r.weight[0]) for r in regs)
    [-1.0, 1.0]
    """
    if not isinstance(net, ReLUNetwork):
        raise InvalidNetworkError(f"expected a ReLUNetwork, got {type(net).__name__}")
    poly = _check_domain(net, domain)
    regs = _unbounded_regions(net, tol) if poly is None else _bounded_regions(net, poly, tol)
    return Regions(net, domain, tuple(regs))
