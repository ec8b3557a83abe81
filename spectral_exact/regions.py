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
* On all of :math:`\mathbb{R}^d` (``domain=None``), the same edge subdivision runs on
  homogenised cones (incremental double description): a polyhedron ``P`` is the slice
  ``t = 1`` of ``C = cone{(1, v), (0, r)} + span{(0, l)}``, the face at infinity ``t >= 0`` is
  kept as a constraint so that rays meet rays along faces at infinity, and a hyperplane that
  is not parallel to the lineality space first trades one lineality direction for a ray on
  each side. No LP and no cdd call; vertices, rays and lineality come out directly.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ._errors import InvalidDomainError, InvalidNetworkError
from ._tolerances import DEFAULT_TOLERANCES, Tolerances
from .network import ReLUNetwork
from .polytope import Box, Polytope

__all__ = ["Region", "RegionArrays", "Regions", "linear_regions"]

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
class RegionArrays:
    """All regions of a :class:`Regions` as flat arrays (the engine's input format).

    Region ``i`` owns the rows ``[offset[i], offset[i + 1])`` of each concatenated table.
    Incidences are pairs of global row numbers. This is the array-native form that the region
    enumerator produces and the Fourier engine consumes (no Python object per region).

    Attributes
    ----------
    dim : int
        Ambient dimension ``d``.
    weight, bias : arrays (n, d), (n,)
        ``f(x) = weight[i] @ x + bias[i]`` on region ``i``.
    pattern : bool array (n, n_hidden_units)
        Activation patterns, hidden layers concatenated.
    vertices, vertex_offset : arrays (N, d), (n + 1,)
    facet_A, facet_b, facet_offset : arrays (M, d), (M,), (n + 1,)
        Irredundant facets ``facet_A x <= facet_b`` (unit rows, outward normals).
    incidence : int array (P, 2)
        ``(vertex row, facet row)``: the vertex lies on the facet.
    rays, ray_offset, ray_incidence : arrays (Q, d), (n + 1,), (R, 2)
        Extreme rays (unit) and ``(ray row, facet row)`` incidences (empty on a box).
    lineality, lineality_offset : arrays (Lr, d), (n + 1,)
        Orthonormal lineality bases (empty unless some region contains a line).
    """

    dim: int
    weight: FloatArray
    bias: FloatArray
    pattern: NDArray[np.bool_]
    vertices: FloatArray
    vertex_offset: NDArray[np.int64]
    facet_A: FloatArray
    facet_b: FloatArray
    facet_offset: NDArray[np.int64]
    incidence: NDArray[np.int64]
    rays: FloatArray
    ray_offset: NDArray[np.int64]
    ray_incidence: NDArray[np.int64]
    lineality: FloatArray
    lineality_offset: NDArray[np.int64]

    @property
    def n_regions(self) -> int:
        return int(self.weight.shape[0])


def _offsets(counts: list[int]) -> NDArray[np.int64]:
    return np.concatenate([[0], np.cumsum(np.asarray(counts, dtype=np.int64))]).astype(np.int64)


def _pairs(incidences: list[NDArray[np.bool_]], row0: NDArray[np.int64], col0: NDArray[np.int64]):  # type: ignore[no-untyped-def]
    """Global ``(row, column)`` pairs of the True entries of per-region incidence matrices."""
    parts = []
    for T, r0, c0 in zip(incidences, row0.tolist(), col0.tolist(), strict=True):
        i, j = np.nonzero(T)
        parts.append(np.stack([i + r0, j + c0], axis=1))
    return np.concatenate(parts).astype(np.int64) if parts else np.zeros((0, 2), np.int64)


def region_arrays_from_objects(regions: Sequence[Region], d: int) -> RegionArrays:
    """:class:`RegionArrays` gathered from :class:`Region` objects (the generic, slow path)."""
    polys = [r.polytope for r in regions]
    n = len(polys)

    def cat(arrs: list[FloatArray], width: int) -> FloatArray:
        return np.concatenate(arrs).reshape(-1, width) if arrs else np.zeros((0, width))

    voff = _offsets([len(p.vertices) for p in polys])
    foff = _offsets([len(p.A) for p in polys])
    roff = _offsets([len(p.rays) for p in polys])
    loff = _offsets([len(p.lineality) for p in polys])
    pats = [np.concatenate(r.pattern) if r.pattern else np.zeros(0, bool) for r in regions]
    width = len(pats[0]) if pats else 0
    return RegionArrays(
        dim=d,
        weight=cat([np.asarray(r.weight, float) for r in regions], d),
        bias=np.array([float(r.bias) for r in regions], dtype=float),
        pattern=np.array(pats, dtype=bool).reshape(n, width),
        vertices=cat([p.vertices for p in polys], d),
        vertex_offset=voff,
        facet_A=cat([p.A for p in polys], d),
        facet_b=np.concatenate([p.b for p in polys]) if n else np.zeros(0),
        facet_offset=foff,
        incidence=_pairs([p.vertex_incidence for p in polys], voff[:-1], foff[:-1]),
        rays=cat([p.rays for p in polys], d),
        ray_offset=roff,
        ray_incidence=_pairs([p.ray_incidence for p in polys], roff[:-1], foff[:-1]),
        lineality=cat([p.lineality for p in polys], d),
        lineality_offset=loff,
    )


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

    @cached_property
    def arrays(self) -> RegionArrays:
        """The regions as flat arrays (:class:`RegionArrays`), built once."""
        return region_arrays_from_objects(self.regions, self.net.input_dim)

    @property
    def total_volume(self) -> float:
        return float(sum(r.polytope.volume for r in self.regions))

    def __repr__(self) -> str:
        dom = f"R^{self.net.input_dim}" if self.domain is None else repr(self.domain)
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
) -> tuple[_Piece, _Piece]:
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
        on_h = np.concatenate([np.zeros(len(keep), bool), np.ones(len(zer) + len(newV), bool)])
        T = np.hstack([T_old, on_h[:, None]])
        # constraint: sign * (h x + c) >= 0  <=>  (-sign h) x <= sign c
        A = np.vstack([p.A, -sign * h / hn])
        b = np.append(p.b, sign * c / hn)
        # drop constraints that are no longer facets (fewer than d tight vertices)
        facet = T.sum(0) >= d
        out.append(_Piece(V, A[facet], b[facet], T[:, facet], p.M, p.beta, p.pattern, p.on))
    return out[0], out[1]


def _cut_general(
    work: list[_Piece],
    Mz: FloatArray,
    bz: FloatArray,
    eps: FloatArray,
    js: list[int],
    d: int,
) -> list[_Piece]:
    """Split the pieces ``work`` by the neurons ``js`` (in order) of one layer."""
    for j in js:
        nxt = []
        hj, cj, ej = Mz[j], float(bz[j]), float(eps[j])
        for q in work:
            sq = q.V @ hj + cj
            above = sq.max() > ej
            if above and sq.min() < -ej:
                a, bb = _split(q, hj, cj, sq, ej, d)
                a.on = q.on | {j}
                nxt.extend([a, bb])
            else:
                if above:
                    q.on = q.on | {j}
                nxt.append(q)
        work = nxt
    return work


def _finish_general(
    work: list[_Piece],
    parent_pattern: list[NDArray[np.bool_]],
    active: NDArray[np.bool_],
    cutting: NDArray[np.int64],
    Mz: FloatArray,
    bz: FloatArray,
) -> list[_Piece]:
    """Activation pattern and next-layer input map of the pieces cut from one parent."""
    for q in work:
        pat = active.copy()
        pat[cutting] = False
        pat[list(q.on)] = True
        q.pattern = [*parent_pattern, pat]
        q.M = pat[:, None] * Mz
        q.beta = pat * bz
        q.on = frozenset()
    return work


def _layer_general(
    p: _Piece, W: FloatArray, bvec: FloatArray, tol: Tolerances, scale: float, d: int
) -> list[_Piece]:
    """The pieces of ``p`` cut by one layer (general dimension, one piece at a time)."""
    Mz = W @ p.M  # (width, d)
    bz = W @ p.beta + bvec
    S = p.V @ Mz.T + bz  # (m, width)
    eps = tol.geometry * (np.linalg.norm(Mz, axis=1) * scale + np.abs(bz))
    cutting = np.flatnonzero(np.any(S > eps, 0) & np.any(S < -eps, 0))
    centroid_sign = (p.V.mean(0) @ Mz.T + bz) > 0
    active = np.where(np.any(S > eps, 0), True, np.where(np.any(S < -eps, 0), False, centroid_sign))
    work = _cut_general([p], Mz, bz, eps, cutting.tolist(), d)
    return _finish_general(work, p.pattern, active, cutting, Mz, bz)


def _region_general(p: _Piece, net: ReLUNetwork, tol: Tolerances) -> Region:
    w = (net.weights[-1] @ p.M)[0]
    c = float((net.weights[-1] @ p.beta + net.biases[-1])[0])
    poly = Polytope._from_parts(p.A, p.b, p.V, vertex_incidence=p.T, tol=tol)
    return Region(tuple(p.pattern), poly, w, c)


def _bounded_regions_general(net: ReLUNetwork, domain: Polytope, tol: Tolerances) -> list[Region]:
    """Regions on a bounded domain, any dimension: one piece at a time."""
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
        pieces = [q for p in pieces for q in _layer_general(p, W, bvec, tol, scale, d)]
    return [_region_general(p, net, tol) for p in pieces]


def _bounded_regions(
    net: ReLUNetwork, domain: Polytope, tol: Tolerances, *, fast: bool = True
) -> list[Region]:
    """Regions on a bounded domain: the batched polygon path in 2-D, else the general one."""
    if fast and net.input_dim == 2:
        cyc = _cyclic_polygon(domain)
        if cyc is not None:
            return _bounded_regions_2d(net, domain, tol, cyc)
    return _bounded_regions_general(net, domain, tol)


# ---------------------------------------------------------------------------- bounded, 2-D
class _Grow:
    """An append-only numpy array with amortised growth (private work buffer)."""

    def __init__(self, a: NDArray[Any]) -> None:
        self.a = a
        self.n = len(a)

    def append(self, x: NDArray[Any]) -> None:
        k = self.n + len(x)
        if k > len(self.a):
            new = np.empty((max(k, 2 * len(self.a)), *self.a.shape[1:]), self.a.dtype)
            new[: self.n] = self.a[: self.n]
            self.a = new
        self.a[self.n : k] = x
        self.n = k

    @property
    def v(self) -> NDArray[Any]:
        return self.a[: self.n]


def _cyclic_polygon(domain: Polytope) -> tuple[FloatArray, FloatArray, FloatArray] | None:
    """Vertices of a 2-D domain in cyclic order and the facet row of each edge ``k -> k+1``.

    ``None`` when the domain is not a polygon whose facets each hold exactly two vertices.
    """
    T = domain.vertex_incidence
    m = len(domain.vertices)
    if (
        domain.ambient_dim != 2
        or m < 3
        or T.shape[1] != m
        or not np.all(T.sum(0) == 2)
        or not np.all(T.sum(1) == 2)
    ):
        return None
    order, facets = [0], []
    cur, prev_f = 0, -1
    for _ in range(m):
        fs = np.flatnonzero(T[cur])
        f = int(fs[0] if fs[0] != prev_f else fs[1])
        vs = np.flatnonzero(T[:, f])
        cur = int(vs[0] if vs[0] != cur else vs[1])
        order.append(cur)
        facets.append(f)
        prev_f = f
    if order[-1] != 0 or len(set(order[:-1])) != m:
        return None
    return domain.vertices[order[:-1]], domain.A[facets], domain.b[facets]


def _ranges(
    st: NDArray[np.int64], c: NDArray[np.int64]
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Concatenated index ranges ``[st_i, st_i + c_i)`` and the offset of each in the result."""
    off = np.cumsum(c) - c
    return np.repeat(st - off, c) + np.arange(int(c.sum())), off


def _layer_extremes(
    X: FloatArray, start: NDArray[np.int64], cnt: NDArray[np.int64], MzT: FloatArray, bz: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Per piece and neuron, max and min of the pre-activation over the piece's vertices.

    ``MzT[i, q, j]``: coefficient of ``x_i`` in neuron j's pre-activation on piece q. Pieces are
    grouped by vertex count, so that each group is one dense ``(pieces, m, width)`` block.
    """
    n, w = bz.shape
    smax = np.empty((n, w))
    smin = np.empty((n, w))
    for m in np.unique(cnt).tolist():
        idx = np.flatnonzero(cnt == m)
        step = max(1, (1 << 21) // (m * max(w, 1)))
        for i0 in range(0, len(idx), step):
            ch = idx[i0 : i0 + step]
            Xg = X[start[ch][:, None] + np.arange(m)]  # (c, m, 2)
            S = Xg[:, :, 0, None] * MzT[0, ch][:, None, :]
            S += Xg[:, :, 1, None] * MzT[1, ch][:, None, :]
            S += bz[ch][:, None, :]
            smax[ch] = S.max(1)
            smin[ch] = S.min(1)
    return smax, smin


def _cyclic_incidence(m: int) -> NDArray[np.bool_]:
    T = np.eye(m, dtype=bool)
    return T | np.roll(T, 1, axis=0)  # edge k holds vertices k and k + 1


def _bounded_regions_2d(
    net: ReLUNetwork,
    domain: Polytope,
    tol: Tolerances,
    cyc: tuple[FloatArray, FloatArray, FloatArray],
) -> list[Region]:
    """Regions of a net on a polygon: all pieces of a layer split at once, neuron by neuron.

    Pieces are convex polygons stored in flat arrays (vertices in cyclic order, one facet row
    per edge ``k -> k+1``, per-piece offsets). For each neuron, every piece its hyperplane cuts
    is split in one vectorised step (signs, edge crossings, Sutherland-Hodgman order). Same
    semantics as :func:`_bounded_regions_general` (thresholds, zero vertices in both children,
    centroid sign of flat neurons); a cut whose sign pattern is not ``+..+ T -..- T`` (one
    transition point, a zero vertex or an edge crossing, between the runs: only under
    numerical degeneracy) hands that piece to the general path.
    """
    X0, A0, b0 = cyc
    d = 2
    scale = float(np.max(np.linalg.norm(domain.vertices, axis=1))) + 1.0
    X = X0.copy()
    E = np.arange(len(X0))
    start = np.zeros(1, np.int64)
    cnt = np.array([len(X0)], np.int64)
    Acon, bcon = _Grow(A0.copy()), _Grow(b0.copy())
    MT = np.eye(2)[:, None, :]  # (2, n, k): MT[i, q] = column i of piece q's input map
    beta = np.zeros((1, 2))
    pats: list[NDArray[np.bool_]] = []
    gen: list[_Piece] = []  # pieces handed to the general path
    for W, bvec in zip(net.weights[:-1], net.biases[:-1], strict=True):
        gen = [q for p in gen for q in _layer_general(p, W, bvec, tol, scale, d)]
        n, k = MT.shape[1:]
        if n == 0:
            continue
        w = W.shape[0]
        MzT = (MT.reshape(2 * n, k) @ W.T).reshape(2, n, w)  # pre-activation maps
        bz = beta @ W.T + bvec  # (n, w)
        eps = tol.geometry * (np.sqrt(MzT[0] * MzT[0] + MzT[1] * MzT[1]) * scale + np.abs(bz))
        smax, smin = _layer_extremes(X, start, cnt, MzT, bz)
        cen = np.add.reduceat(X, start, axis=0) / cnt[:, None]
        csign = cen[:, :1] * MzT[0] + cen[:, 1:] * MzT[1] + bz > 0
        cutting = (smax > eps) & (smin < -eps)
        active = np.where(smax > eps, True, np.where(smin < -eps, False, csign))
        XG, EG = _Grow(X), _Grow(E)
        sG, cG = _Grow(start.copy()), _Grow(cnt.copy())
        parG, onG = _Grow(np.arange(n)), _Grow(np.zeros((n, w), bool))
        alive = _Grow(np.ones(n, bool))
        for j in np.flatnonzero(cutting.any(0)).tolist():
            cand = np.flatnonzero(cutting[parG.v, j] & alive.v)
            pq = parG.v[cand]
            c = cG.v[cand]
            vi, off = _ranges(sG.v[cand], c)
            h, cc, e = MzT[:, pq, j].T, bz[pq, j], eps[pq, j]
            xv = XG.v[vi]
            s = xv[:, 0] * np.repeat(h[:, 0], c) + xv[:, 1] * np.repeat(h[:, 1], c)
            s += np.repeat(cc, c)
            above = np.maximum.reduceat(s, off) > e
            split = above & (np.minimum.reduceat(s, off) < -e)
            onG.v[cand[above & ~split], j] = True
            if not split.any():
                continue
            vm = np.repeat(split, c)
            xs, ss, Es, cs = xv[vm], s[vm], EG.v[vi[vm]], c[split]
            es = np.repeat(e[split], cs)
            Q, h, cc = cand[split], h[split], cc[split]
            o = np.cumsum(cs) - cs
            sg = (ss > es).astype(np.int8) - (ss < -es).astype(np.int8)
            nxt = np.arange(len(sg)) + 1
            nxt[o + cs - 1] = o
            sgn = sg[nxt]
            cross = sg * sgn < 0
            trans = np.add.reduceat((sg == 0).astype(np.int64) + cross, o)
            if np.any(trans != 2):
                bad = np.flatnonzero(trans != 2)
                for r in bad.tolist():
                    q, p = int(Q[r]), int(parG.v[Q[r]])
                    Mzp = np.ascontiguousarray(MzT[:, p].T)
                    sl = slice(int(o[r]), int(o[r] + cs[r]))
                    piece = _Piece(
                        xs[sl].copy(),
                        Acon.v[Es[sl]],
                        bcon.v[Es[sl]],
                        _cyclic_incidence(int(cs[r])),
                        Mzp,
                        bz[p],
                        [],
                        frozenset(np.flatnonzero(onG.v[q]).tolist()),
                    )
                    cut_p = np.flatnonzero(cutting[p])
                    work = _cut_general([piece], Mzp, bz[p], eps[p], cut_p[cut_p >= j].tolist(), d)
                    parent_pattern = [P[p] for P in pats]
                    gen.extend(_finish_general(work, parent_pattern, active[p], cut_p, Mzp, bz[p]))
                    alive.v[q] = False
                good = trans == 2
                vm = np.repeat(good, cs)
                xs, ss, Es, cs, sg = xs[vm], ss[vm], Es[vm], cs[good], sg[vm]
                Q, h, cc = Q[good], h[good], cc[good]
                if len(Q) == 0:
                    continue
                o = np.cumsum(cs) - cs
                nxt = np.arange(len(sg)) + 1
                nxt[o + cs - 1] = o
                sgn = sg[nxt]
                cross = sg * sgn < 0
            # new facet rows: sign * (h x + c) >= 0  <=>  (-sign h) x <= sign c, unit rows
            hn = np.linalg.norm(h, axis=1)
            n2 = len(Q)
            Anew = np.empty((2 * n2, 2))
            bnew = np.empty(2 * n2)
            Anew[0::2] = -1.0 * h / hn[:, None]
            Anew[1::2] = 1.0 * h / hn[:, None]
            bnew[0::2] = 1.0 * cc / hn
            bnew[1::2] = -1.0 * cc / hn
            hpos = np.repeat(Acon.n + 2 * np.arange(n2), cs)
            Acon.append(Anew)
            bcon.append(bnew)
            # crossing points, interpolated from the positive end (as the general path)
            ci = np.flatnonzero(cross)
            pos_first = sg[ci] > 0
            ia = np.where(pos_first, ci, nxt[ci])
            ib = np.where(pos_first, nxt[ci], ci)
            t = ss[ia] / (ss[ia] - ss[ib])
            coords = np.empty((len(sg), 2, 2))
            coords[:, 0] = xs
            coords[ci, 1] = xs[ia] + t[:, None] * (xs[ib] - xs[ia])
            zero = sg == 0
            eid = np.empty((len(sg), 2), np.int64)
            children = []
            for side, hid in ((1, hpos), (-1, hpos + 1)):
                # slot 0: the vertex if on this side or on h; slot 1: the crossing on its edge.
                # a point where the walk leaves this side starts the new edge on h.
                pres = np.stack([sg * side >= 0, cross], axis=1)
                eid[:, 0] = np.where(zero & (sgn * side < 0), hid, Es)
                eid[:, 1] = np.where(cross & (sg * side > 0), hid, Es)
                ccnt = np.add.reduceat(pres.sum(1), o)
                children.append((coords[pres], eid[pres], ccnt))
            (Xp, Ep, cp), (Xn, En, cn) = children
            sG.v[Q] = XG.n + np.cumsum(cp) - cp
            cG.v[Q] = cp
            XG.append(Xp)
            EG.append(Ep)
            sG.append(XG.n + np.cumsum(cn) - cn)
            cG.append(cn)
            XG.append(Xn)
            EG.append(En)
            parG.append(parG.v[Q])
            onG.append(onG.v[Q])
            alive.append(np.ones(len(Q), bool))
            onG.v[Q, j] = True
        live = np.flatnonzero(alive.v)
        cnt = cG.v[live]
        vi, start = _ranges(sG.v[live], cnt)
        X, E = XG.v[vi], EG.v[vi]
        par = parG.v[live]
        pat = np.where(cutting[par], onG.v[live], active[par])
        pats = [P[par] for P in pats] + [pat]
        MT = pat * MzT[:, par]
        beta = pat * bz[par]
    out = [_region_general(p, net, tol) for p in gen]
    n = len(cnt)
    if n:
        wl, bl = net.weights[-1][0], float(net.biases[-1][0])
        w_all = list((MT @ wl).T)
        c_all = (beta @ wl + bl).tolist()
        polys = Polytope._from_polygons(X, start, cnt, Acon.v[E], bcon.v[E], tol)
        patterns = list(zip(*[list(P) for P in pats], strict=True)) if pats else [()] * n
        new = object.__new__
        for pt, poly, wi, ci in zip(patterns, polys, w_all, c_all, strict=True):
            reg: Region = new(Region)
            reg.__dict__.update(pattern=pt, polytope=poly, weight=wi, bias=ci)
            out.append(reg)
    return out


# ---------------------------------------------------------------------------- all of R^d
@dataclass
class _Cone:
    """A polyhedron P in homogenised double description (mutable work record, private).

    ``P = {x : (1, x) in C}`` with ``C = cone(G) + span(L)`` in R^{d+1}; rows of ``G`` are
    ``(1, v)`` (vertices) or ``(0, r)`` (rays); constraints ``H @ (t, x) >= 0`` with row 0 the
    face at infinity ``t >= 0``; ``T[i, j]``: generator i tight at constraint j.
    """

    G: FloatArray
    L: FloatArray
    H: FloatArray
    T: NDArray[np.bool_]
    M: FloatArray
    beta: FloatArray
    pattern: list[NDArray[np.bool_]]
    on: frozenset[int] = frozenset()


#: homogenising coordinate below which a generator is a ray (t = 0), relative to its size
_T_RAY = 1e-13


def _normalise_generators(G: FloatArray) -> FloatArray:
    """Scale vertices to t = 1 and rays to unit length with t = 0 exactly."""
    t = G[:, 0]
    out = G.copy()
    vert = t > _T_RAY * np.linalg.norm(G[:, 1:], axis=1)
    out[vert] = G[vert] / t[vert, None]
    ray = ~vert
    if np.any(ray):
        out[ray, 0] = 0.0
        out[ray] = out[ray] / np.linalg.norm(out[ray, 1:], axis=1)[:, None]
    return out


def _cone_signs(c: _Cone, phi: FloatArray, tol: Tolerances) -> tuple[FloatArray, FloatArray]:
    """Signed values of phi at the generators and their zero thresholds."""
    s = c.G @ phi
    hn = float(np.linalg.norm(phi[1:]))
    norms = np.where(c.G[:, 0] > 0, np.linalg.norm(c.G[:, 1:], axis=1) + 1.0, 1.0)
    eps = tol.geometry * (hn * norms + abs(phi[0]) * (c.G[:, 0] > 0))
    return s, eps


def _split_cone(c: _Cone, phi: FloatArray, tol: Tolerances, d: int) -> tuple[_Cone, _Cone] | int:
    """Split by phi.(t, x) = 0. Returns the two children, or +1/-1 (whole cone on one side)."""
    H_new_pos = np.vstack([c.H, phi])
    H_new_neg = np.vstack([c.H, -phi])
    if len(c.L):
        pl = c.L @ phi
        j = int(np.argmax(np.abs(pl)))
        if abs(pl[j]) > tol.geometry * float(np.linalg.norm(phi[1:])):
            lstar = c.L[j] / pl[j]  # phi . lstar = 1
            Lnew = np.delete(c.L, j, axis=0)
            Lnew = Lnew - np.outer(Lnew @ phi, lstar)
            if len(Lnew):
                q, _ = np.linalg.qr(Lnew.T)
                Lnew = q.T
                Lnew[:, 0] = 0.0  # lineality lives at infinity (t = 0) exactly
            Gp = c.G - np.outer(c.G @ phi, lstar)
            Gp = _normalise_generators(Gp)
            ray = np.concatenate([[0.0], lstar[1:] / np.linalg.norm(lstar[1:])])
            children = []
            for sign, H in ((1.0, H_new_pos), (-1.0, H_new_neg)):
                G = np.vstack([Gp, sign * ray])
                T_old = np.vstack([c.T, np.ones((1, c.T.shape[1]), bool)])
                on_h = np.concatenate([np.ones(len(Gp), bool), [False]])
                T = np.hstack([T_old, on_h[:, None]])
                children.append(_Cone(G, Lnew, H, T, c.M, c.beta, c.pattern, c.on))
            return children[0], children[1]
    s, eps = _cone_signs(c, phi, tol)
    pos = np.flatnonzero(s > eps)
    neg = np.flatnonzero(s < -eps)
    if len(neg) == 0 or len(pos) == 0:
        if len(pos):
            return 1
        if len(neg):
            return -1
        return 1 if phi[0] > 0 else -1
    zer = np.flatnonzero(np.abs(s) <= eps)
    ia, ib = _edges(c.T, pos, neg, d - len(c.L))
    newG = s[ia, None] * c.G[ib] - s[ib, None] * c.G[ia]
    newG = _normalise_generators(newG)
    newT = c.T[ia] & c.T[ib]
    out = []
    for keep, H in ((pos, H_new_pos), (neg, H_new_neg)):
        G = np.vstack([c.G[keep], c.G[zer], newG])
        T_old = np.vstack([c.T[keep], c.T[zer], newT])
        on_h = np.concatenate([np.zeros(len(keep), bool), np.ones(len(zer) + len(newG), bool)])
        T = np.hstack([T_old, on_h[:, None]])
        # keep row 0 (t >= 0) and rows that can still be facets
        facet = T.sum(0) + len(c.L) >= d
        facet[0] = True
        out.append(_Cone(G, c.L, H[facet], T[:, facet], c.M, c.beta, c.pattern, c.on))
    return out[0], out[1]


def _unbounded_regions(net: ReLUNetwork, tol: Tolerances) -> list[Region]:
    """Regions on all of R^d by incremental double description of homogenised cones."""
    d = net.input_dim
    root = _Cone(
        G=np.eye(d + 1)[:1],
        L=np.eye(d + 1)[1:],
        H=np.eye(d + 1)[:1],
        T=np.zeros((1, 1), bool),  # the point (1, 0) is not on t = 0
        M=np.eye(d),
        beta=np.zeros(d),
        pattern=[],
    )
    pieces = [root]
    for W, bvec in zip(net.weights[:-1], net.biases[:-1], strict=True):
        new_pieces: list[_Cone] = []
        for p in pieces:
            Mz = W @ p.M
            bz = W @ p.beta + bvec
            work = [p]
            for j in range(len(bz)):
                phi = np.concatenate([[bz[j]], Mz[j]])
                nxt = []
                for q in work:
                    if not np.any(Mz[j]):
                        if bz[j] > 0:
                            q.on = q.on | {j}
                        nxt.append(q)
                        continue
                    res = _split_cone(q, phi, tol, d)
                    if isinstance(res, int):
                        if res > 0:
                            q.on = q.on | {j}
                        nxt.append(q)
                    else:
                        a, b_ = res
                        a.on = q.on | {j}
                        nxt.extend([a, b_])
                work = nxt
            for q in work:
                pat = np.zeros(len(bz), bool)
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
        vert = p.G[:, 0] > 0
        H = p.H[1:]  # drop t >= 0
        A, b = -H[:, 1:], H[:, 0]
        T = p.T[:, 1:]
        # keep only facets: tight generators + lineality span a hyperplane
        keep = T.sum(0) + len(p.L) >= d
        lin = p.L[:, 1:]
        poly = Polytope._from_parts(
            A[keep],
            b[keep],
            p.G[vert, 1:],
            rays=p.G[~vert, 1:],
            lineality=lin,
            vertex_incidence=T[vert][:, keep],
            ray_incidence=T[~vert][:, keep],
            tol=tol,
        )
        out.append(Region(tuple(p.pattern), poly, w, c))
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
            "domain must be a Box, a bounded Polytope, (lo, hi) or None; "
            f"got {type(domain).__name__}"
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
    from .slicing import check_enumeration_dim  # torchnet: refuse high d, suggest a slice

    check_enumeration_dim(net)
    poly = _check_domain(net, domain)
    regs = _unbounded_regions(net, tol) if poly is None else _bounded_regions(net, poly, tol)
    return Regions(net, domain, tuple(regs))
