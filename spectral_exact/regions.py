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
  No LP or cdd call is made. All pieces of a layer are split neuron by neuron in vectorised
  steps: convex polygons in cyclic order in 2-D (:func:`_bounded_regions_2d`), pieces with
  their 1-skeleta and constraints as bit masks in d >= 3 (:func:`_bounded_regions_batched`;
  the per-layer bookkeeping, :func:`_refine_layer`, is shared with the cones on R^d).
* On all of :math:`\mathbb{R}^d` (``domain=None``), the same edge subdivision runs on
  homogenised cones (incremental double description): a polyhedron ``P`` is the slice
  ``t = 1`` of ``C = cone{(1, v), (0, r)} + span{(0, l)}``, the face at infinity ``t >= 0`` is
  kept as a constraint so that rays meet rays along faces at infinity. When the first layer
  has rank ``d``, ``d`` of its neurons cut R^d into ``2^d`` pointed simplicial cones and all
  cones are then split in batches like bounded pieces (:func:`_unbounded_regions_batched`;
  in 2-D as cyclic polygons of generators, :func:`_unbounded_regions_2d`); otherwise a
  hyperplane that is not parallel to the lineality space first trades one lineality
  direction for a ray on each side, one cone at a time. Vertices, rays and lineality come
  out directly. In 3-D and 4-D (:data:`RD_SUBDIVISION_DIMS`) the regions on R^d are first read off
  the global edge subdivision of a box proven to contain every vertex
  (:mod:`spectral_exact._subdivision_rd`); the cones take what that route declines.

The enumerators produce flat arrays (:class:`RegionArrays`, the Fourier engine's input);
:class:`Regions` holds them and creates :class:`Region` / :class:`Polytope` objects only when
they are asked for. The general one-piece-at-a-time paths stay callable (``fast=False``) as
the reference the batched ones are tested against.

References
----------
A. Berzins, "Polyhedral complex extraction from ReLU networks using edge subdivision", Proc.
40th ICML, PMLR 202 (2023). doi:10.48550/arXiv.2306.07212

N. Rahaman, A. Baratin, D. Arpit, F. Draxler, M. Lin, F. A. Hamprecht, Y. Bengio and A.
Courville, "On the spectral bias of neural networks", Proc. 36th ICML, PMLR 97, 5301-5310
(2019). doi:10.48550/arXiv.1806.08734 (Lemma 1 and Theorem 1).
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from . import _validate as validate
from ._errors import InvalidDomainError, region_context
from ._estimate import DEFAULT_MAX_REGIONS, check_region_budget
from ._tolerances import (
    DEFAULT_TOLERANCES,
    ROUNDING_ULPS,
    Tolerances,
    hyperplane_tolerance,
    zero_distance,
)
from ._types import BoolArray, FloatArray, IntArray
from ._validate import check_network_scale
from .network import ReLUNetwork
from .polytope import Box, Polytope

__all__ = ["Region", "RegionArrays", "Regions", "linear_regions"]


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
        """Evaluate the affine map at points ``x (..., d)``."""
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
        """Number of regions."""
        return int(self.weight.shape[0])


def _offsets(counts: Sequence[int] | NDArray[np.int64]) -> NDArray[np.int64]:
    return np.concatenate([[0], np.cumsum(np.asarray(counts, dtype=np.int64))]).astype(np.int64)


def _pairs(incidences: list[NDArray[np.bool_]], row0: NDArray[np.int64], col0: NDArray[np.int64]):
    """Global ``(row, column)`` pairs of the True entries of per-region incidence matrices."""
    parts = []
    for T, r0, c0 in zip(incidences, row0.tolist(), col0.tolist(), strict=True):
        i, j = np.nonzero(T)
        parts.append(np.stack([i + r0, j + c0], axis=1))
    return np.concatenate(parts).astype(np.int64) if parts else np.zeros((0, 2), np.int64)


def _cat(arrs: list[NDArray[Any]], shape: tuple[int, ...], dtype: Any = np.float64) -> NDArray[Any]:
    return np.concatenate(arrs).reshape(-1, *shape) if arrs else np.zeros((0, *shape), dtype)


def _readonly_arrays(ra: RegionArrays) -> RegionArrays:
    for v in vars(ra).values():
        if isinstance(v, np.ndarray):
            v.setflags(write=False)
    return ra


def _concat_region_arrays(parts: list[RegionArrays], d: int, width: int) -> RegionArrays:
    """Return the regions of ``parts`` in order, as one :class:`RegionArrays`."""
    parts = [p for p in parts if p.n_regions] or parts[:1]
    if len(parts) == 1:
        return parts[0]
    if not parts:
        return _empty_region_arrays(d, width)

    def off(name: str) -> NDArray[np.int64]:
        o = [getattr(p, name) for p in parts]
        shift = np.cumsum([0] + [int(x[-1]) for x in o[:-1]])
        return np.concatenate([o[0]] + [x[1:] + s for x, s in zip(o[1:], shift[1:], strict=True)])

    def pairs(name: str, rows: str, cols: str) -> NDArray[np.int64]:
        out = []
        r0 = c0 = 0
        for p in parts:
            out.append(getattr(p, name) + np.array([r0, c0]))
            r0 += int(getattr(p, rows)[-1])
            c0 += int(getattr(p, cols)[-1])
        return np.concatenate(out).astype(np.int64)

    def cat(name: str) -> NDArray[Any]:
        return np.concatenate([getattr(p, name) for p in parts])

    return _readonly_arrays(
        RegionArrays(
            dim=d,
            weight=cat("weight"),
            bias=cat("bias"),
            pattern=cat("pattern"),
            vertices=cat("vertices"),
            vertex_offset=off("vertex_offset"),
            facet_A=cat("facet_A"),
            facet_b=cat("facet_b"),
            facet_offset=off("facet_offset"),
            incidence=pairs("incidence", "vertex_offset", "facet_offset"),
            rays=cat("rays"),
            ray_offset=off("ray_offset"),
            ray_incidence=pairs("ray_incidence", "ray_offset", "facet_offset"),
            lineality=cat("lineality"),
            lineality_offset=off("lineality_offset"),
        )
    )


def _empty_region_arrays(d: int, width: int) -> RegionArrays:
    z = np.zeros(1, np.int64)
    return _readonly_arrays(
        RegionArrays(
            dim=d,
            weight=np.zeros((0, d)),
            bias=np.zeros(0),
            pattern=np.zeros((0, width), bool),
            vertices=np.zeros((0, d)),
            vertex_offset=z.copy(),
            facet_A=np.zeros((0, d)),
            facet_b=np.zeros(0),
            facet_offset=z.copy(),
            incidence=np.zeros((0, 2), np.int64),
            rays=np.zeros((0, d)),
            ray_offset=z.copy(),
            ray_incidence=np.zeros((0, 2), np.int64),
            lineality=np.zeros((0, d)),
            lineality_offset=z.copy(),
        )
    )


def region_arrays_from_objects(regions: Sequence[Region], d: int) -> RegionArrays:
    """:class:`RegionArrays` gathered from :class:`Region` objects (the generic, slow path)."""
    polys = [r.polytope for r in regions]
    n = len(polys)
    voff = _offsets([len(p.vertices) for p in polys])
    foff = _offsets([len(p.A) for p in polys])
    roff = _offsets([len(p.rays) for p in polys])
    loff = _offsets([len(p.lineality) for p in polys])
    pats = [np.concatenate(r.pattern) if r.pattern else np.zeros(0, bool) for r in regions]
    width = len(pats[0]) if pats else 0
    return RegionArrays(
        dim=d,
        weight=_cat([np.asarray(r.weight, float) for r in regions], (d,)),
        bias=np.array([float(r.bias) for r in regions], dtype=float),
        pattern=np.array(pats, dtype=bool).reshape(n, width),
        vertices=_cat([p.vertices for p in polys], (d,)),
        vertex_offset=voff,
        facet_A=_cat([p.A for p in polys], (d,)),
        facet_b=np.concatenate([p.b for p in polys]) if n else np.zeros(0),
        facet_offset=foff,
        incidence=_pairs([p.vertex_incidence for p in polys], voff[:-1], foff[:-1]),
        rays=_cat([p.rays for p in polys], (d,)),
        ray_offset=roff,
        ray_incidence=_pairs([p.ray_incidence for p in polys], roff[:-1], foff[:-1]),
        lineality=_cat([p.lineality for p in polys], (d,)),
        lineality_offset=loff,
    )


def _unit_rows(A: FloatArray, b: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Rows of ``A x <= b`` scaled to unit normals (the same operation as ``Polytope``)."""
    norms = np.linalg.norm(A, axis=1)
    return A / norms[:, None], b / norms


@dataclass(frozen=True, eq=False)
class Regions(Sequence[Region]):
    """The linear regions of ``net`` on ``domain`` (a sequence of :class:`Region`).

    The regions are held as flat arrays (:attr:`arrays`, a :class:`RegionArrays`); a
    :class:`Region` and its :class:`~spectral_exact.polytope.Polytope` are created only when
    asked for (``regions[i]``, iteration) and then kept.
    """

    net: ReLUNetwork
    domain: Box | Polytope | None
    arrays: RegionArrays
    tol: Tolerances = field(default=DEFAULT_TOLERANCES, repr=False)
    _objects: list[Region | None] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        """Allocate the cache of :class:`Region` objects built on demand."""
        object.__setattr__(self, "_objects", [None] * self.arrays.n_regions)

    def __len__(self) -> int:
        """Return the number of regions."""
        return self.arrays.n_regions

    def __getitem__(self, i):
        """Return region ``i`` (a tuple of regions for a slice)."""
        if isinstance(i, slice):
            return tuple(self._region(k) for k in range(*i.indices(len(self))))
        n = len(self)
        k = int(i)
        if not -n <= k < n:
            raise IndexError(f"region index {i} out of range for {n} regions")
        return self._region(k % n)

    def __iter__(self) -> Iterator[Region]:
        """Iterate over the regions in order."""
        return (self._region(k) for k in range(len(self)))

    @property
    def regions(self) -> tuple[Region, ...]:
        """All regions as :class:`Region` objects (created on first access)."""
        return tuple(self)

    def _region(self, i: int) -> Region:
        r = self._objects[i]
        if r is None:
            with region_context(i, self.arrays.pattern[i]):
                r = self._objects[i] = _region_from_arrays(self.arrays, i, self.net, self.tol)
        return r

    def locate(self, x: Any) -> NDArray[np.int64]:
        """Index of the region containing each point of ``x`` (shape (..., d)); -1 if none.

        Points are matched by activation pattern (exact for interior points).
        """
        xa = np.asarray(x, dtype=float)
        pats = np.concatenate(self.net.patterns(xa), axis=-1) if self.net.n_hidden else None
        P = np.ascontiguousarray(self.arrays.pattern)
        lookup = {row.tobytes(): i for i, row in enumerate(P)}
        flat = (
            pats.reshape(-1, pats.shape[-1])
            if pats is not None
            else np.zeros((int(np.prod(xa.shape[:-1])), 0), bool)
        )
        out = np.array([lookup.get(p.tobytes(), -1) for p in flat], dtype=np.int64)
        return out.reshape(xa.shape[:-1])

    @property
    def total_volume(self) -> float:
        """Sum of the region volumes."""
        return float(sum(r.polytope.volume for r in self))

    def __repr__(self) -> str:
        """Show the number of regions, the network and the domain."""
        dom = f"R^{self.net.input_dim}" if self.domain is None else repr(self.domain)
        return f"Regions({len(self)} regions of {self.net!r} on {dom})"


def _region_from_arrays(ra: RegionArrays, i: int, net: ReLUNetwork, tol: Tolerances) -> Region:
    """Region ``i`` of ``ra`` as objects (views of the flat arrays, read-only)."""
    v0, v1 = int(ra.vertex_offset[i]), int(ra.vertex_offset[i + 1])
    f0, f1 = int(ra.facet_offset[i]), int(ra.facet_offset[i + 1])
    r0, r1 = int(ra.ray_offset[i]), int(ra.ray_offset[i + 1])
    l0, l1 = int(ra.lineality_offset[i]), int(ra.lineality_offset[i + 1])
    T = np.zeros((v1 - v0, f1 - f0), bool)
    p0, p1 = np.searchsorted(ra.incidence[:, 0], [v0, v1])
    T[ra.incidence[p0:p1, 0] - v0, ra.incidence[p0:p1, 1] - f0] = True
    R = np.zeros((r1 - r0, f1 - f0), bool)
    if r1 > r0:
        q0, q1 = np.searchsorted(ra.ray_incidence[:, 0], [r0, r1])
        R[ra.ray_incidence[q0:q1, 0] - r0, ra.ray_incidence[q0:q1, 1] - f0] = True
    poly = Polytope._from_arrays(
        ra.facet_A[f0:f1],
        ra.facet_b[f0:f1],
        ra.vertices[v0:v1],
        ra.rays[r0:r1],
        ra.lineality[l0:l1],
        T,
        R,
        tol,
    )
    row = ra.pattern[i]
    bounds = np.cumsum([0, *net.hidden_widths]).tolist()
    pattern = tuple(row[a:b] for a, b in itertools.pairwise(bounds))
    return Region(pattern, poly, ra.weight[i], float(ra.bias[i]))


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


def _edges(T: NDArray[np.bool_], idx_a: NDArray[np.int64], idx_b: NDArray[np.int64], d: int):
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
    """Return the pieces of ``p`` cut by one layer (general dimension, one piece at a time)."""
    Mz = W @ p.M  # (width, d)
    bz = W @ p.beta + bvec
    S = p.V @ Mz.T + bz  # (m, width)
    eps = hyperplane_tolerance(np.linalg.norm(Mz, axis=1), bz, scale)
    cutting = np.flatnonzero(np.any(S > eps, 0) & np.any(S < -eps, 0))
    centroid_sign = (p.V.mean(0) @ Mz.T + bz) > 0
    active = np.where(np.any(S > eps, 0), True, np.where(np.any(S < -eps, 0), False, centroid_sign))
    work = _cut_general([p], Mz, bz, eps, cutting.tolist(), d)
    return _finish_general(work, p.pattern, active, cutting, Mz, bz)


def _arrays_from_pieces(pieces: list[_Piece], net: ReLUNetwork) -> RegionArrays:
    """:class:`RegionArrays` of finished bounded pieces (general path)."""
    d, width = net.input_dim, net.n_hidden
    if not pieces:
        return _empty_region_arrays(d, width)
    wl, bl = net.weights[-1], net.biases[-1]
    n = len(pieces)
    voff = _offsets([len(p.V) for p in pieces])
    foff = _offsets([len(p.A) for p in pieces])
    A, b = _unit_rows(_cat([p.A for p in pieces], (d,)), np.concatenate([p.b for p in pieces]))
    empty = np.zeros((0, d))
    return _readonly_arrays(
        RegionArrays(
            dim=d,
            weight=np.array([(wl @ p.M)[0] for p in pieces]).reshape(n, d),
            bias=np.array([float((wl @ p.beta + bl)[0]) for p in pieces]),
            pattern=np.array(
                [np.concatenate(p.pattern) if p.pattern else np.zeros(0, bool) for p in pieces],
                bool,
            ).reshape(n, width),
            vertices=_cat([p.V for p in pieces], (d,)),
            vertex_offset=voff,
            facet_A=A,
            facet_b=b,
            facet_offset=foff,
            incidence=_pairs([p.T for p in pieces], voff[:-1], foff[:-1]),
            rays=empty,
            ray_offset=np.zeros(n + 1, np.int64),
            ray_incidence=np.zeros((0, 2), np.int64),
            lineality=empty.copy(),
            lineality_offset=np.zeros(n + 1, np.int64),
        )
    )


def _bounded_regions_general(net: ReLUNetwork, domain: Polytope, tol: Tolerances) -> RegionArrays:
    """Regions on a bounded domain, any dimension: one piece at a time."""
    d = net.input_dim
    scale = zero_distance(domain.vertices, tol)
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
    return _arrays_from_pieces(pieces, net)


def _bounded_regions(
    net: ReLUNetwork, domain: Polytope, tol: Tolerances, *, fast: bool = True
) -> RegionArrays:
    """Regions on a bounded domain: batched paths (polygons in 2-D, skeleta in d >= 3).

    The global edge subdivision of :mod:`spectral_exact._subdivision` is tried first
    (general position on a simple domain: it also gives the complex, see
    :func:`~spectral_exact.complex.complex_from_arrays`), then the cyclic-polygon
    enumerator in 2-D and the batched enumerator in ``d >= 3``.
    ``fast=False`` runs the general path, one piece at a time.
    """
    if fast and net.input_dim == 2:
        cyc = _cyclic_polygon(domain)
        if cyc is not None:
            from . import _subdivision
            from .complex import register_skeleton

            out = _subdivision.regions_from_skeleton(net, domain, tol)
            if out is not None:  # general position: the global edge subdivision
                register_skeleton(*out)
                return out[0]
            return _bounded_regions_2d(net, domain, tol, cyc)
    if fast and net.input_dim >= 3:
        from . import _subdivision
        from .complex import register_skeleton

        out = _subdivision.regions_from_skeleton(net, domain, tol)
        if out is not None:  # general position: one global vertex and edge table
            register_skeleton(*out)
            return out[0]
        return _bounded_regions_batched(net, domain, tol)
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


def _emit_polygon_halves(
    coords: FloatArray,
    sg: IntArray,
    sgn: IntArray,
    cross: BoolArray,
    Es: IntArray,
    hpos: IntArray,
    o: IntArray,
    Q: IntArray,
    tables: tuple[Any, Any, Any, Any, Any, Any],
) -> None:
    """Append the two halves of the cyclic polygons ``Q`` cut by the hyperplanes ``hpos``.

    Shared by the 2-D box splitter and the R^2 cone splitter. ``coords[:, 0]`` are the
    polygons' points and ``coords[:, 1]`` the crossings on their outgoing edges; ``sg`` the
    points' signs, ``sgn`` the next point's, ``cross`` where an edge crosses, ``Es`` the edge
    ids and ``o`` the polygon offsets. The positive halves replace ``Q`` in place, the
    negative ones are appended (``tables`` = start, count, points, edge ids, parent, on-plane
    flags, as growable arrays).
    """
    sG, cG, XG, EG, parG, onG = tables
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


def _bounded_regions_2d(
    net: ReLUNetwork,
    domain: Polytope,
    tol: Tolerances,
    cyc: tuple[FloatArray, FloatArray, FloatArray],
) -> RegionArrays:
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
    scale = zero_distance(domain.vertices, tol)
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
        eps = hyperplane_tolerance(np.sqrt(MzT[0] * MzT[0] + MzT[1] * MzT[1]), bz, scale)
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
            _emit_polygon_halves(
                coords, sg, sgn, cross, Es, hpos, o, Q, (sG, cG, XG, EG, parG, onG)
            )
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
    general = _arrays_from_pieces(gen, net)
    n = len(cnt)
    if n == 0:
        return general
    wl, bl = net.weights[-1][0], float(net.biases[-1][0])
    A, b = _unit_rows(Acon.v[E], bcon.v[E])
    # edge k of a polygon holds its vertices k and k + 1 (cyclically): vertex k lies on the
    # facets k - 1 and k, listed in increasing order
    first = np.cumsum(cnt) - cnt
    loc = np.arange(len(X)) - np.repeat(first, cnt)
    prev = np.where(loc == 0, np.repeat(cnt, cnt) - 1, loc - 1)
    lo, hi = np.minimum(loc, prev), np.maximum(loc, prev)
    rows = np.repeat(np.arange(len(X)), 2)
    base = np.repeat(first, cnt)
    cols = np.stack([lo, hi], axis=1).reshape(-1) + np.repeat(base, 2)
    batched = _readonly_arrays(
        RegionArrays(
            dim=d,
            weight=np.ascontiguousarray((MT @ wl).T).reshape(n, d),
            bias=beta @ wl + bl,
            pattern=np.concatenate(pats, axis=1) if pats else np.zeros((n, 0), bool),
            vertices=np.array(X, dtype=np.float64),
            vertex_offset=_offsets(cnt),
            facet_A=A,
            facet_b=b,
            facet_offset=_offsets(cnt),
            incidence=np.stack([rows, cols], axis=1).astype(np.int64),
            rays=np.zeros((0, d)),
            ray_offset=np.zeros(n + 1, np.int64),
            ray_incidence=np.zeros((0, 2), np.int64),
            lineality=np.zeros((0, d)),
            lineality_offset=np.zeros(n + 1, np.int64),
        )
    )
    return _concat_region_arrays([general, batched], d, net.n_hidden)


# ---------------------------------------------------------------------------- bounded, any d
def _bits(k: NDArray[np.int64], n_words: int) -> NDArray[np.uint64]:
    """Bit masks (n, n_words) with bit ``k[i]`` set in row i."""
    out = np.zeros((len(k), n_words), np.uint64)
    out[np.arange(len(k)), k // 64] = np.left_shift(np.uint64(1), (k % 64).astype(np.uint64))
    return out


def _unpack(K: NDArray[np.uint64]) -> NDArray[np.bool_]:
    """Bit masks (n, W) as booleans (n, 64 W), bit ``b`` of word ``w`` at column ``64 w + b``."""
    u8 = np.ascontiguousarray(K).view(np.uint8).reshape(len(K), -1)
    return np.unpackbits(u8, axis=1, bitorder="little").view(bool)


def _set_bits(K: NDArray[np.uint64]) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Return ``(row, bit)`` of every set bit of the masks ``K`` (n, W).

    Rows ascend within a bit rank (not sorted overall). Peels the lowest set bit of all words at
    once per round.
    """
    rows, bits = [], []
    one = np.uint64(1)
    for w in range(K.shape[1]):
        r = np.flatnonzero(K[:, w])
        x = K[r, w]
        while len(r):
            low = x & (~x + one)
            rows.append(r)
            bits.append(np.frexp(low.astype(np.float64))[1].astype(np.int64) + (64 * w - 1))
            x = x ^ low
            nz = x != 0
            r, x = r[nz], x[nz]
    if not rows:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    return np.concatenate(rows).astype(np.int64), np.concatenate(bits)


def _pack(B: NDArray[np.bool_]) -> NDArray[np.uint64]:
    """Inverse of :func:`_unpack`."""
    u8 = np.packbits(B, axis=1, bitorder="little")
    return np.ascontiguousarray(u8).view(np.uint64).reshape(len(B), -1)


def _group_pairs(
    group: NDArray[np.int64],
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int64], NDArray[np.int64]]:
    """All pairs ``i < j`` of positions with the same (sorted, contiguous) group id.

    Returns the pairs and, per position, the start and size of its group.
    """
    n = len(group)
    if n == 0:
        z = np.zeros(0, np.int64)
        return z, z, z, z
    change = np.flatnonzero(np.diff(group)) + 1
    starts = np.concatenate([[0], change])
    sizes = np.diff(np.concatenate([starts, [n]]))
    g_start = np.repeat(starts, sizes)
    g_size = np.repeat(sizes, sizes)
    n_after = g_start + g_size - 1 - np.arange(n)
    first = np.repeat(np.arange(n), n_after)
    second, _ = _ranges(np.arange(n) + 1, n_after)
    return first, second, g_start, g_size


def _bounded_regions_batched(net: ReLUNetwork, domain: Polytope, tol: Tolerances) -> RegionArrays:
    """Regions of a net on a bounded polytope, any dimension: all pieces split at once.

    Pieces are kept in flat arrays: vertices, their tight constraints as bit masks, and the
    edges of each piece (its 1-skeleton, local vertex numbers). For each neuron, every piece
    its hyperplane cuts is split in vectorised steps: signs at the vertices, new vertices on
    the cut edges (interpolated from the positive end), the cut edges' halves, and the new
    edges inside the hyperplane: two vertices on it span an edge iff no third vertex is tight
    at every constraint both are tight at (the combinatorial test of :func:`_edges`, run only
    among the vertices on the hyperplane, since such a third vertex must lie on it too).
    Constraints are never renumbered: a piece keeps one bit per constraint it was ever cut
    by, and a mask of those that are still facets (at least ``d`` tight vertices, the rule of
    :func:`_split`). Same semantics as :func:`_bounded_regions_general`.
    """
    d = net.input_dim
    n_dom = len(domain.A)
    W = max(1, -(-(n_dom + net.n_hidden) // 64))
    scale = zero_distance(domain.vertices, tol)
    m0 = len(domain.vertices)
    T0 = domain.vertex_incidence
    ia0, ib0 = _edges(T0, np.arange(m0), np.arange(m0), d)
    keep0 = ia0 < ib0
    XG = _Grow(domain.vertices.astype(np.float64).copy())
    KG = _Grow(_pack(np.pad(T0, ((0, 0), (0, 64 * W - n_dom)))))
    EG = _Grow(np.stack([ia0[keep0], ib0[keep0]], axis=1).astype(np.int32))
    vs, vc = np.zeros(1, np.int64), np.array([m0], np.int64)
    es, ec = np.zeros(1, np.int64), np.array([len(EG.v)], np.int64)
    alive = _pack(np.pad((T0.sum(0) >= d)[None, :], ((0, 0), (0, 64 * W - n_dom))))
    ncon = np.array([n_dom], np.int64)
    Acon, bcon = _Grow(domain.A.copy()), _Grow(domain.b.copy())
    # constraint row of each bit (int32, one column per bit a lineage can use)
    cid = np.full((1, n_dom + net.n_hidden), -1, np.int32)
    cid[0, :n_dom] = np.arange(n_dom)
    tb = _PieceTables(XG, KG, EG, vs, vc, es, ec, alive, ncon, cid, Acon, bcon,
                      np.eye(d)[None, :, :], np.zeros((1, d)), [])  # fmt: skip

    def sides(t: _PieceTables, Mz: FloatArray, bz: FloatArray) -> tuple[Any, Any, Any]:
        # per piece and neuron: some vertex above / below the threshold; centroid side
        n, w = bz.shape
        eps = hyperplane_tolerance(np.linalg.norm(Mz, axis=2), bz, scale)
        smax = np.empty((n, w))
        smin = np.empty((n, w))
        step = max(1, (1 << 22) // max(1, int(t.vc.max()) * w * d))
        for i0 in range(0, n, step):
            sl = slice(i0, min(n, i0 + step))
            cv, off = _ranges(t.vs[sl], t.vc[sl])
            pid = np.repeat(np.arange(sl.start, sl.stop), t.vc[sl])
            S = np.einsum("vd,vjd->jv", t.XG.v[cv], Mz[pid]) + bz[pid].T
            smax[sl] = np.maximum.reduceat(S, off, axis=1).T
            smin[sl] = np.minimum.reduceat(S, off, axis=1).T
        cen = np.add.reduceat(t.XG.v, t.vs, axis=0) / t.vc[:, None]
        csign = np.einsum("nd,njd->nj", cen, Mz) + bz > 0
        return smax > eps, smin < -eps, (csign, eps)

    def values(xv, h, cc, c, pq, j, extra):
        s = np.einsum("vd,vd->v", xv, np.repeat(h, c, axis=0)) + np.repeat(cc, c)
        return s, np.repeat(extra[1][pq, j], c)

    for Wl, bvec in zip(net.weights[:-1], net.biases[:-1], strict=True):
        _refine_layer(tb, Wl, bvec, d, W, sides, values, cone=False, keep_bits=None)
    XG, KG, vs, vc, alive, cid, Acon, bcon = (tb.XG, tb.KG, tb.vs, tb.vc, tb.alive, tb.cid,
                                              tb.Acon, tb.bcon)  # fmt: skip
    M, beta, pats = tb.M, tb.beta, tb.pats
    n = len(vc)
    wl, bl = net.weights[-1][0], float(net.biases[-1][0])
    vi, _voff = _ranges(vs, vc)
    X = XG.v[vi]
    vpiece = np.repeat(np.arange(n), vc)
    alive_b = _unpack(alive)
    foff = _offsets(alive_b.sum(1))
    pr, kk = np.nonzero(alive_b)  # facets of each piece, in order of their bits
    A, b = _unit_rows(Acon.v[cid[pr, kk]], bcon.v[cid[pr, kk]])
    incidence = _incidence_pairs(KG.v[vi] & alive[vpiece], vpiece, alive_b)
    return _readonly_arrays(
        RegionArrays(
            dim=d,
            weight=np.einsum("k,nkd->nd", wl, M).reshape(n, d),
            bias=beta @ wl + bl,
            pattern=np.concatenate(pats, axis=1) if pats else np.zeros((n, 0), bool),
            vertices=np.array(X, dtype=np.float64),
            vertex_offset=_offsets(vc),
            facet_A=A,
            facet_b=b,
            facet_offset=foff,
            incidence=incidence,
            rays=np.zeros((0, d)),
            ray_offset=np.zeros(n + 1, np.int64),
            ray_incidence=np.zeros((0, 2), np.int64),
            lineality=np.zeros((0, d)),
            lineality_offset=np.zeros(n + 1, np.int64),
        )
    )


def _pre_activation_maps(Wl: FloatArray, M: FloatArray) -> FloatArray:
    """Compute ``Mz[n] = Wl @ M[n]`` for every piece (n, w, d) as one BLAS product.

    The pieces' input maps (n, k, d) side by side. Both batched enumerators (and the R^2
    cyclic path) call this, so their pieces get the same maps to the last bit.
    """
    n, k, d = M.shape
    out = np.ascontiguousarray(M.transpose(0, 2, 1)).reshape(n * d, k) @ Wl.T  # (n d, w)
    return np.ascontiguousarray(out.reshape(n, d, -1).transpose(0, 2, 1))


@dataclass
class _PieceTables:
    """Pieces of the batched enumerators in flat tables (mutable work record, private).

    Vertices (or homogenised generators) ``XG`` with their tight constraints as bit masks
    ``KG`` and the pieces' 1-skeleta ``EG`` (local vertex numbers); piece ``i`` owns the rows
    ``[vs[i], vs[i] + vc[i])`` and edges ``[es[i], es[i] + ec[i])``; ``alive`` (facet bits),
    ``ncon`` (bits used), ``cid`` (constraint row of each bit in ``Acon``, ``bcon``), the input
    map ``a = M x + beta`` of the current layer and the activation patterns so far.
    """

    XG: _Grow
    KG: _Grow
    EG: _Grow
    vs: NDArray[np.int64]
    vc: NDArray[np.int64]
    es: NDArray[np.int64]
    ec: NDArray[np.int64]
    alive: NDArray[np.uint64]
    ncon: NDArray[np.int64]
    cid: NDArray[np.int32]
    Acon: _Grow
    bcon: _Grow
    M: FloatArray
    beta: FloatArray
    pats: list[NDArray[np.bool_]]


def _refine_layer(
    t: _PieceTables, Wl, bvec, d: int, W: int, sides, values, *, cone: bool, keep_bits
) -> None:
    """Split every piece of ``t`` by the neurons of one layer, in place.

    This is the bookkeeping shared by the bounded and the cone enumerators.

    ``sides(t, Mz, bz)`` gives, per piece and neuron, whether some vertex is strictly above /
    below the neuron's hyperplane and ``extra = (side when neither, per-neuron data)``;
    ``values(x, h, cc, counts, pieces, j, extra)`` the signed values of neuron ``j`` at the
    vertices of the given pieces and their zero thresholds. Neurons are offered in order;
    pieces cut by one are split by :func:`_split_batched`; at the end every piece gets its
    pattern for the layer and the next layer's input map.
    """
    vi, t.vs = _ranges(t.vs, t.vc)
    XG, KG = _Grow(t.XG.v[vi]), _Grow(t.KG.v[vi])
    ei, t.es = _ranges(t.es, t.ec)
    EG = _Grow(t.EG.v[ei])
    t.XG, t.KG, t.EG = XG, KG, EG
    n, w = len(t.vc), Wl.shape[0]
    Mz = _pre_activation_maps(Wl, t.M)  # (n, w, d)
    bz = t.beta @ Wl.T + bvec  # (n, w)
    pos_any, neg_any, extra = sides(t, Mz, bz)
    cutting = pos_any & neg_any
    active = np.where(pos_any, True, np.where(neg_any, False, extra[0]))
    sG, cG = _Grow(t.vs.copy()), _Grow(t.vc.copy())
    esG, ecG = _Grow(t.es.copy()), _Grow(t.ec.copy())
    parG, onG = _Grow(np.arange(n)), _Grow(np.zeros((n, w), bool))
    alG, ncG, cidG = _Grow(t.alive.copy()), _Grow(t.ncon.copy()), _Grow(t.cid.copy())
    for j in np.flatnonzero(cutting.any(0)).tolist():
        cand = np.flatnonzero(cutting[parG.v, j])
        pq = parG.v[cand]
        c = cG.v[cand]
        vi, off = _ranges(sG.v[cand], c)
        h, cc = Mz[pq, j], bz[pq, j]
        s, ev = values(XG.v[vi], h, cc, c, pq, j, extra)
        above = np.logical_or.reduceat(s > ev, off)
        split = above & np.logical_or.reduceat(s < -ev, off)
        onG.v[cand[above & ~split], j] = True
        if not split.any():
            continue
        vm = np.repeat(split, c)
        _split_batched(
            cand[split], h[split], cc[split], ev[vm], s[vm], j, d, W,
            XG, KG, EG, sG, cG, esG, ecG, parG, onG, alG, ncG, cidG, t.Acon, t.bcon,
            cone=cone, keep_bits=keep_bits,
        )  # fmt: skip
    t.vs, t.vc, t.es, t.ec = sG.v, cG.v, esG.v, ecG.v
    par = parG.v
    t.alive, t.ncon, t.cid = alG.v, ncG.v, cidG.v
    pat = np.where(cutting[par], onG.v, active[par])
    t.pats = [P[par] for P in t.pats] + [pat]
    t.M = pat[:, :, None] * Mz[par]
    t.beta = pat * bz[par]


def _incidence_pairs(
    K: NDArray[np.uint64], piece: NDArray[np.int64], alive_b: NDArray[np.bool_]
) -> NDArray[np.int64]:
    """Return ``(row, facet column)`` of every set bit of the masks ``K``, sorted.

    Rows are those of pieces ``piece``; facets are numbered piece by piece in the order of
    their bits (``alive_b``).

    Bits are unpacked in chunks of rows, so the pairs come out sorted by row and, within a
    row, by bit, hence by column.
    """
    nb = alive_b.shape[1]
    pos = np.cumsum(alive_b.reshape(-1)) - 1  # facet column of each alive (piece, bit)
    out = []
    step = max(1, (1 << 22) // max(1, nb))
    for r0 in range(0, len(K), step):
        rr, bb = np.nonzero(_unpack(K[r0 : r0 + step]))
        rr += r0
        out.append(np.stack([rr, pos[piece[rr] * nb + bb]], axis=1))
    return np.concatenate(out).astype(np.int64) if out else np.zeros((0, 2), np.int64)


def _split_batched(
    S: NDArray[np.int64],
    h: FloatArray,
    cc: FloatArray,
    es_: FloatArray,
    s: FloatArray,
    j: int,
    d: int,
    W: int,
    XG: _Grow,
    KG: _Grow,
    EG: _Grow,
    sG: _Grow,
    cG: _Grow,
    esG: _Grow,
    ecG: _Grow,
    parG: _Grow,
    onG: _Grow,
    alG: _Grow,
    ncG: _Grow,
    cidG: _Grow,
    Acon: _Grow,
    bcon: _Grow,
    cone: bool = False,
    keep_bits: NDArray[np.uint64] | None = None,
) -> None:
    """Split the pieces ``S`` by their hyperplanes ``h x + cc = 0``.

    Values ``s`` at their vertices, thresholds ``es_`` per vertex: the positive child replaces
    the piece, the negative one is appended (see :func:`_bounded_regions_batched`).

    With ``cone``, the "vertices" are the generators ``(t, x)`` of homogenised cones (see
    :class:`_Cone`), new ones are ``s_a g_b - s_b g_a`` normalised as in
    :func:`_split_cone`, and the constraints in ``keep_bits`` (``t >= 0``) stay facets.
    """
    nS = len(S)
    cs = cG.v[S]
    voff = np.cumsum(cs) - cs
    vglob, _ = _ranges(sG.v[S], cs)
    vpiece = np.repeat(np.arange(nS), cs)
    sg = (s > es_).astype(np.int8) - (s < -es_).astype(np.int8)
    XS, KS = XG.v[vglob], KG.v[vglob]
    # the new constraint: bit ncon of each piece
    k_new = ncG.v[S]
    hmask = _bits(k_new, W)
    # edges of the pieces, as indices into the vertex list of this step
    ecs = ecG.v[S]
    ei, _ = _ranges(esG.v[S], ecs)
    epiece = np.repeat(np.arange(nS), ecs)
    ga = EG.v[ei, 0] + voff[epiece]
    gb = EG.v[ei, 1] + voff[epiece]
    sa, sb = sg[ga], sg[gb]
    cut = sa.astype(np.int64) * sb < 0
    pos_first = sa[cut] > 0
    ia = np.where(pos_first, ga[cut], gb[cut])
    ib = np.where(pos_first, gb[cut], ga[cut])
    if cone:
        newX = _normalise_generators(s[ia, None] * XS[ib] - s[ib, None] * XS[ia])
        nC = len(ia)
    else:
        t = s[ia] / (s[ia] - s[ib])
        newX = XS[ia] + t[:, None] * (XS[ib] - XS[ia])
        nC = len(t)
    cpiece = epiece[cut]
    newK = (KS[ia] & KS[ib]) | hmask[cpiece]
    zero = sg == 0
    KS = np.where(zero[:, None], KS | hmask[vpiece], KS)
    # all vertices of both children: the old ones, then the new ones
    nV = len(sg)
    allX = np.concatenate([XS, newX])
    allK = np.concatenate([KS, newK])
    allp = np.concatenate([vpiece, cpiece])
    allcat = np.concatenate([zero.astype(np.int8), np.full(nC, 2, np.int8)])
    allsg = np.concatenate([sg, np.zeros(nC, np.int8)])
    # edges inside the hyperplane (shared by both children): pairs of vertices on it with no
    # third vertex on it tight at all their common constraints
    onh = np.flatnonzero(allsg == 0)
    onh = onh[np.argsort(allp[onh], kind="stable")]
    f, g, g0, gsz = _group_pairs(allp[onh])
    common = allK[onh[f]] & allK[onh[g]]
    # constraints that can be facets of the children: the parent's facets and h
    live_h = (alG.v[S] | hmask)[allp[onh]]
    n_live = np.bitwise_count(allK[onh] & live_h).sum(1)  # per vertex on h
    n_common = np.bitwise_count(common & live_h[f]).sum(1)
    ok = n_common >= d - 1
    f, g, common, n_common = f[ok], g[ok], common[ok], n_common[ok]
    # a vertex on exactly d of them is simple (all d are facets: a vertex lies on >= d): any
    # d - 1 of its facets meet in an edge through it, so a pair sharing d - 1 is an edge
    sure = (n_common == d - 1) & ((n_live[f] == d) | (n_live[g] == d))
    test = np.flatnonzero(~sure)
    if len(test):
        # containment test against every vertex on h of the same piece
        ft = f[test]
        sz = gsz[ft]
        tri_pair = np.repeat(np.arange(len(ft)), sz)
        third, _ = _ranges(g0[ft], sz)
        inside = np.all((common[test][tri_pair] & ~allK[onh[third]]) == 0, axis=1)
        n_in = np.bincount(tri_pair, weights=inside, minlength=len(ft))
        sure[test] = n_in == 2  # only the pair itself
    f, g = f[sure], g[sure]
    hu, hw = onh[f], onh[g]
    # ids of the new constraint rows: sign * (h x + c) >= 0  <=>  (-sign h) x <= sign c
    hn = np.linalg.norm(h, axis=1)
    Anew = np.empty((2 * nS, d))
    bnew = np.empty(2 * nS)
    Anew[0::2] = -h / hn[:, None]
    Anew[1::2] = h / hn[:, None]
    bnew[0::2] = cc / hn
    bnew[1::2] = -cc / hn
    row0 = Acon.n
    Acon.append(Anew)
    bcon.append(bnew)
    n_old = len(parG.v)
    alive_parent, cid_parent = alG.v[S], cidG.v[S]
    for side in (1, -1):
        sel = np.flatnonzero(allsg * side >= 0)
        order = sel[np.lexsort((allcat[sel], allp[sel]))]
        cnt = np.bincount(allp[order], minlength=nS)
        start_local = np.cumsum(cnt) - cnt
        local = np.full(nV + nC, -1, np.int64)
        local[order] = np.arange(len(order)) - start_local[allp[order]]
        # edges: kept ones (both ends on this side or on h, not both on h), cut halves, h edges
        keep = ~cut & (sa * side >= 0) & (sb * side >= 0) & ~((sa == 0) & (sb == 0))
        end = ia if side > 0 else ib
        eu = np.concatenate([ga[keep], end, hu])
        ev = np.concatenate([gb[keep], nV + np.arange(nC), hw])
        ep = np.concatenate([epiece[keep], cpiece, allp[hu]])
        eo = np.argsort(ep, kind="stable")
        E = np.stack([local[eu[eo]], local[ev[eo]]], axis=1).astype(np.int32)
        ecnt = np.bincount(ep, minlength=nS)
        Kc = allK[order]
        # constraints still facets: at least d tight vertices
        cand_f = alive_parent | hmask
        rr, bb = _set_bits(Kc & cand_f[allp[order]])
        tight = np.bincount(allp[order][rr] * (64 * W) + bb, minlength=nS * 64 * W)
        al = cand_f & _pack(tight.reshape(nS, 64 * W) >= d)
        if keep_bits is not None:
            al |= keep_bits
        vstart = XG.n + start_local
        estart = EG.n + np.cumsum(ecnt) - ecnt
        XG.append(allX[order])
        KG.append(Kc)
        EG.append(E)
        cid_c = cid_parent.copy()
        cid_c[np.arange(nS), k_new] = row0 + np.arange(nS) * 2 + (0 if side > 0 else 1)
        if side > 0:
            sG.v[S], cG.v[S], esG.v[S], ecG.v[S] = vstart, cnt, estart, ecnt
            alG.v[S] = al
            cidG.v[S] = cid_c
            ncG.v[S] = k_new + 1
        else:
            sG.append(vstart)
            cG.append(cnt)
            esG.append(estart)
            ecG.append(ecnt)
            alG.append(al)
            cidG.append(cid_c)
            ncG.append(k_new + 1)
            parG.append(parG.v[S])
            onG.append(onG.v[S])
    onG.v[S, j] = True
    assert len(parG.v) == n_old + nS


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
    eps = _cone_eps(hn, norms, abs(phi[0]), c.G[:, 0] > 0, tol.geometry)
    return s, eps


def _cone_eps(hn: Any, norms: Any, absc: Any, vert: Any, geo: float) -> Any:
    """Zero thresholds of a neuron ``h . x + c`` at cone generators (units of the arrangement).

    ``hn = |h|``, ``norms = |x| + 1`` at vertices ``(1, x)`` and 1 at rays ``(0, r)``,
    ``absc = |c|``, ``vert``: the generator is a vertex. A distance of ``geo`` (the
    arrangement's length is 1, see :func:`_unbounded_regions_rescaled`) plus the rounding
    of the value at the vertex, ``ROUNDING_ULPS`` ulps of ``|h| |x| + |c|``; at a ray (a
    vertex at infinity, a unit direction known to rounding) ``ROUNDING_ULPS`` ulps of
    ``|h|``. Positions and angles enter at rounding level only: a vertex 6e9 away where
    nearly parallel kinks meet (2^-34 rad) is 0.05 off a deeper neuron's zero set, which
    ``geo * |x|`` (0.06) took for "on it", and a ray 5e-12 rad off that zero set was taken
    for parallel to it (``geo * |h|``): the region was not split.
    """
    r = ROUNDING_ULPS * float(np.finfo(float).eps)
    return np.where(vert, geo * hn + r * (hn * (norms - 1.0) + absc), r * hn)


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


def _decided_neurons(
    p: _Cone, Mz: FloatArray, bz: FloatArray, tol: Tolerances
) -> tuple[NDArray[np.bool_], NDArray[np.bool_]]:
    """Neurons that leave the cone ``p`` (hence all its pieces) on one side, by sign.

    A neuron is decided when it has no component along the lineality space and its value at
    every generator is beyond the zero threshold of :func:`_cone_signs` with one sign; pieces
    of ``p`` are cones over combinations of its generators, so they stay on that side.
    """
    Phi = np.column_stack([bz, Mz])  # (w, d + 1)
    hn = np.linalg.norm(Mz, axis=1)
    S = p.G @ Phi.T
    vert = p.G[:, 0] > 0
    norms = np.where(vert, np.linalg.norm(p.G[:, 1:], axis=1) + 1.0, 1.0)
    eps = _cone_eps(hn[None, :], norms[:, None], np.abs(bz)[None, :], vert[:, None], tol.geometry)
    free = np.ones(len(bz), bool)
    if len(p.L):
        free = ~np.any(np.abs(p.L @ Phi.T) > tol.geometry * hn[None, :], axis=0)
    live = np.any(Mz != 0, axis=1) & free
    return live & np.all(S > eps, axis=0), live & np.all(S < -eps, axis=0)


def _unbounded_regions(net: ReLUNetwork, tol: Tolerances, *, fast: bool = True) -> RegionArrays:
    """Regions on all of R^d by incremental double description of homogenised cones.

    ``fast`` takes the batched path (:func:`_unbounded_regions_batched`) when the first layer
    has rank ``d``, and otherwise skips, for each cone, the neurons that leave it on one side
    (:func:`_decided_neurons`); ``fast=False`` offers every neuron to every piece.
    """
    d = net.input_dim
    if fast and d == 2:
        cyclic = _unbounded_regions_2d(net, tol)
        if cyclic is not None:
            return cyclic
    if fast:
        batched = _unbounded_regions_batched(net, tol)
        if batched is not None:
            return batched
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
            neurons = range(len(bz))
            if fast:
                pos, neg = _decided_neurons(p, Mz, bz, tol)
                neurons = np.flatnonzero(~(pos | neg)).tolist()  # type: ignore[assignment]
                if pos.any():
                    p.on = p.on | frozenset(np.flatnonzero(pos).tolist())
            for j in neurons:
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
    return _arrays_from_cones(pieces, net)


def _initial_cones(
    net: ReLUNetwork, tol: Tolerances
) -> tuple[FloatArray, NDArray[np.bool_], FloatArray, FloatArray, NDArray[np.int64]] | None:
    """Return the ``2^d`` simplicial cones cut out by ``d`` first-layer neurons.

    The neurons have independent normals (chosen by pivoted Gram-Schmidt); the cones come as
    homogenised generators; ``None`` without such neurons.

    Returns the generators ``(2^d (d + 1), d + 1)`` (apex ``(1, x_0)`` then the unit rays of
    each cone), their incidence with the constraints ``t >= 0, s_j (W_j x + b_j) >= 0``, the
    constraint rows as ``A x <= b`` (row 0, ``t >= 0``, is a placeholder) and the sign
    pattern ``s`` of each cone.
    """
    d = net.input_dim
    W1, b1 = net.weights[0], net.biases[0]
    # greedy pivoted Gram-Schmidt on the unit rows: d rows far from each other's span
    norms = np.linalg.norm(W1, axis=1)
    if W1.shape[0] < d or not np.any(norms > 0):
        return None
    R = np.where(norms[:, None] > 0, W1 / np.where(norms > 0, norms, 1.0)[:, None], 0.0)
    J_list: list[int] = []
    for _ in range(d):
        res = np.linalg.norm(R, axis=1)
        i = int(np.argmax(res))
        if res[i] <= tol.rank:
            return None
        J_list.append(i)
        q = R[i] / res[i]
        R = R - np.outer(R @ q, q)
    J = np.sort(np.asarray(J_list))
    WJ, bJ = W1[J], b1[J]
    x0 = np.linalg.solve(WJ, -bJ)
    Rinv = np.linalg.inv(WJ)
    Rinv = Rinv / np.linalg.norm(Rinv, axis=0)[None, :]  # column i: W_j r = 0 (j != i)
    sig = 1.0 - 2.0 * ((np.arange(2**d)[:, None] >> np.arange(d)[None, :]) & 1)  # (2^d, d)
    n = len(sig)
    G = np.zeros((n, d + 1, d + 1))
    G[:, 0, 0] = 1.0
    G[:, 0, 1:] = x0
    G[:, 1:, 1:] = np.transpose(Rinv[None, :, :] * sig[:, None, :], (0, 2, 1))
    T = np.zeros((d + 1, d + 1), bool)
    T[0, 1:] = True  # the apex is on every hyperplane
    T[1:, 0] = True  # rays are at infinity (t = 0)
    T[1:, 1:] = ~np.eye(d, dtype=bool)  # ray i leaves hyperplane i only
    A = np.zeros((n, d + 1, d))
    b = np.zeros((n, d + 1))
    b[:, 0] = 1.0
    A[:, 1:] = -sig[:, :, None] * WJ[None, :, :]
    b[:, 1:] = sig * bJ[None, :]
    return G.reshape(-1, d + 1), T, A.reshape(-1, d), b.reshape(-1), J


def _unbounded_regions_batched(net: ReLUNetwork, tol: Tolerances) -> RegionArrays | None:
    """Regions on R^d with all cones split at once (the batched form of the cone path).

    ``d`` first-layer neurons with independent normals cut R^d into ``2^d`` pointed
    simplicial cones (:func:`_initial_cones`); from there the pieces are homogenised pointed
    cones handled like the bounded pieces of :func:`_bounded_regions_batched` (generators
    ``(1, v)`` and ``(0, r)``, their 1-skeleton, constraints as bit masks, ``t >= 0`` kept as
    constraint 0), with the signs, thresholds and new generators of :func:`_split_cone`.
    Returns ``None`` (the caller uses the cone-by-cone path) when the first layer has rank
    below ``d``, so that some regions contain lines.
    """
    d = net.input_dim
    if len(net.weights) < 2:
        return None
    init = _initial_cones(net, tol)
    if init is None:
        return None
    G0, T0, A0, b0, _ = init
    n0 = 2**d
    n_con = d + 1
    W = max(1, -(-(n_con + net.n_hidden) // 64))
    iu, ju = np.triu_indices(d + 1, 1)
    XG = _Grow(G0.copy())
    KG = _Grow(np.tile(_pack(np.pad(T0, ((0, 0), (0, 64 * W - n_con)))), (n0, 1)))
    EG = _Grow(np.tile(np.stack([iu, ju], axis=1).astype(np.int32), (n0, 1)))
    vc = np.full(n0, d + 1, np.int64)
    vs = np.cumsum(vc) - vc
    ec = np.full(n0, len(iu), np.int64)
    es = np.cumsum(ec) - ec
    keep_bits = _bits(np.zeros(1, np.int64), W)
    alive = np.tile(
        _pack(np.pad(np.ones((1, n_con), bool), ((0, 0), (0, 64 * W - n_con)))), (n0, 1)
    )
    ncon = np.full(n0, n_con, np.int64)
    Acon, bcon = _Grow(A0.copy()), _Grow(b0.copy())
    cid = np.full((n0, n_con + net.n_hidden), -1, np.int32)
    cid[:, :n_con] = np.arange(n0 * n_con).reshape(n0, n_con)
    M0 = np.broadcast_to(np.eye(d), (n0, d, d)).copy()
    tb = _PieceTables(XG, KG, EG, vs, vc, es, ec, alive, ncon, cid, Acon, bcon, M0,
                      np.zeros((n0, d)), [])  # fmt: skip
    geo = tol.geometry

    def sides(t: _PieceTables, Mz: FloatArray, bz: FloatArray) -> tuple[Any, Any, Any]:
        # thresholds of _cone_signs at every generator; a piece on no side follows bz > 0
        n, w = bz.shape
        hn = np.linalg.norm(Mz, axis=2)
        pos_any = np.empty((n, w), bool)
        neg_any = np.empty((n, w), bool)
        step = max(1, (1 << 22) // max(1, int(t.vc.max()) * w * d))
        for i0 in range(0, n, step):
            sl = slice(i0, min(n, i0 + step))
            cv, off = _ranges(t.vs[sl], t.vc[sl])
            pid = np.repeat(np.arange(sl.start, sl.stop), t.vc[sl])
            Gc = t.XG.v[cv]
            vert = Gc[:, 0] > 0
            norms = np.where(vert, np.linalg.norm(Gc[:, 1:], axis=1) + 1.0, 1.0)
            S = np.einsum("vd,vjd->jv", Gc[:, 1:], Mz[pid]) + Gc[:, 0] * bz[pid].T
            E = _cone_eps(hn[pid].T, norms, np.abs(bz[pid]).T, vert, geo)
            pos_any[sl] = np.logical_or.reduceat(S > E, off, axis=1).T
            neg_any[sl] = np.logical_or.reduceat(S < -E, off, axis=1).T
        return pos_any, neg_any, (bz > 0, hn)

    def values(gv, h, cc, c, pq, j, extra):
        vert = gv[:, 0] > 0
        norms = np.where(vert, np.linalg.norm(gv[:, 1:], axis=1) + 1.0, 1.0)
        s = np.einsum("vd,vd->v", gv[:, 1:], np.repeat(h, c, axis=0))
        s += gv[:, 0] * np.repeat(cc, c)
        ev = _cone_eps(np.repeat(extra[1][pq, j], c), norms, np.repeat(np.abs(cc), c), vert, geo)
        return s, ev

    for Wl, bvec in zip(net.weights[:-1], net.biases[:-1], strict=True):
        _refine_layer(tb, Wl, bvec, d, W, sides, values, cone=True, keep_bits=keep_bits)
    XG, KG, vs, vc, alive, cid, Acon, bcon = (tb.XG, tb.KG, tb.vs, tb.vc, tb.alive, tb.cid,
                                              tb.Acon, tb.bcon)  # fmt: skip
    M, beta, pats = tb.M, tb.beta, tb.pats
    n = len(vc)
    vi, _ = _ranges(vs, vc)
    Gall = XG.v[vi]
    gpiece = np.repeat(np.arange(n), vc)
    is_ray = Gall[:, 0] <= 0
    # vertices first, then rays, piece by piece (stable: generator order kept within each)
    order = np.lexsort((is_ray, gpiece))
    Gall, gpiece, is_ray = Gall[order], gpiece[order], is_ray[order]
    alive_f = alive & ~keep_bits  # t >= 0 is no facet of the region
    alive_b = _unpack(alive_f)
    foff = _offsets(alive_b.sum(1))
    pr, kk = np.nonzero(alive_b)
    A, b = _unit_rows(Acon.v[cid[pr, kk]], bcon.v[cid[pr, kk]])
    gg, col = _incidence_pairs(KG.v[vi][order] & alive_f[gpiece], gpiece, alive_b).T
    row_v = np.cumsum(~is_ray) - 1  # row among vertices / among rays
    row_r = np.cumsum(is_ray) - 1
    vsel = ~is_ray[gg]
    inc = np.stack([row_v[gg[vsel]], col[vsel]], axis=1)
    rinc = np.stack([row_r[gg[~vsel]], col[~vsel]], axis=1)
    return _pointed_cone_arrays(net, M, beta, pats, Gall, is_ray, gpiece, (A, b, foff), inc, rinc)


def _pointed_cone_arrays(
    net: ReLUNetwork,
    M: FloatArray,
    beta: FloatArray,
    pats: list[NDArray[np.bool_]],
    G: FloatArray,
    is_ray: NDArray[np.bool_],
    piece: NDArray[np.int64],
    facets: tuple[FloatArray, FloatArray, NDArray[np.int64]],
    inc: NDArray[np.int64],
    rinc: NDArray[np.int64],
) -> RegionArrays:
    """:class:`RegionArrays` of ``n`` pointed cones on R^d from their homogeneous generators.

    ``G`` (rows ``(1, x)`` for vertices, ``(0, u)`` for rays, grouped by ``piece``, vertices
    before rays within a piece), the last hidden layer's affine maps ``M``, ``beta`` and the
    patterns ``pats``; ``facets = (A, b, facet_offset)``; ``inc`` / ``rinc`` the (vertex row,
    facet row) and (ray row, facet row) pairs, sorted here.
    """
    d, n = net.input_dim, len(M)
    wl, bl = net.weights[-1][0], float(net.biases[-1][0])
    A, b, foff = facets
    inc = inc[np.lexsort((inc[:, 1], inc[:, 0]))].astype(np.int64)
    rinc = rinc[np.lexsort((rinc[:, 1], rinc[:, 0]))].astype(np.int64)
    return _readonly_arrays(
        RegionArrays(
            dim=d,
            weight=np.einsum("k,nkd->nd", wl, M).reshape(n, d),
            bias=beta @ wl + bl,
            pattern=np.concatenate(pats, axis=1),
            vertices=np.array(G[~is_ray, 1:]),
            vertex_offset=_offsets(np.bincount(piece[~is_ray], minlength=n)),
            facet_A=A,
            facet_b=b,
            facet_offset=foff,
            incidence=inc,
            rays=np.array(G[is_ray, 1:]),
            ray_offset=_offsets(np.bincount(piece[is_ray], minlength=n)),
            ray_incidence=rinc,
            lineality=np.zeros((0, d)),
            lineality_offset=np.zeros(n + 1, np.int64),
        )
    )


def _cone_sides_2d(
    X: FloatArray, start: NDArray[np.int64], cnt: NDArray[np.int64], MzT: FloatArray,
    bz: FloatArray, hn: FloatArray, geo: float,
) -> tuple[NDArray[np.bool_], NDArray[np.bool_]]:  # fmt: skip
    """Tell, per cone and neuron, whether some generator is strictly above / below.

    Uses the thresholds of :func:`_cone_signs` (pieces grouped by generator count: dense
    blocks).
    """
    n, w = bz.shape
    pos = np.empty((n, w), bool)
    neg = np.empty((n, w), bool)
    for m in np.unique(cnt).tolist():
        idx = np.flatnonzero(cnt == m)
        step = max(1, (1 << 20) // (m * max(w, 1)))
        for i0 in range(0, len(idx), step):
            ch = idx[i0 : i0 + step]
            Xg = X[start[ch][:, None] + np.arange(m)]  # (c, m, 3): (t, x, y)
            vert = Xg[:, :, 0] > 0
            nrm = np.where(vert, np.sqrt(Xg[:, :, 1] ** 2 + Xg[:, :, 2] ** 2) + 1.0, 1.0)
            S = Xg[:, :, 1, None] * MzT[0, ch][:, None, :]
            S += Xg[:, :, 2, None] * MzT[1, ch][:, None, :]
            S += Xg[:, :, 0, None] * bz[ch][:, None, :]
            E = _cone_eps(hn[ch][:, None, :], nrm[:, :, None], np.abs(bz[ch])[:, None, :],
                          vert[:, :, None], geo)  # fmt: skip
            pos[ch] = np.any(S > E, axis=1)
            neg[ch] = np.any(S < -E, axis=1)
    return pos, neg


def _unbounded_regions_2d(net: ReLUNetwork, tol: Tolerances) -> RegionArrays | None:
    """Enumerate the regions on R^2 as cyclic polygons of homogenised generators.

    The cones of :func:`_unbounded_regions_batched`, split like the polygons of
    :func:`_bounded_regions_2d`.

    A pointed cone of R^3 is the cone over a convex polygon: its generators ``(1, v)`` and
    ``(0, r)`` in cyclic order, one constraint row per edge ``k -> k+1`` (the edge between
    two rays lies on ``t = 0``, the face at infinity, which is no facet of the region). Signs,
    thresholds and new generators are those of :func:`_split_cone`; a cut whose sign pattern
    is not ``+..+ T -..- T`` (numerical degeneracy only) returns ``None``, and the caller
    takes the edge-list path. Returns ``None`` too when the first layer has rank below 2.
    """
    d = 2
    if len(net.weights) < 2:
        return None
    init = _initial_cones(net, tol)
    if init is None:
        return None
    G0, _, A0, b0, _ = init
    n0 = 4
    geo = tol.geometry
    # cone c: apex, ray 1, ray 2; edges apex -> ray 1 on constraint 2, ray 1 -> ray 2 on
    # constraint 0 (t >= 0), ray 2 -> apex on constraint 1 (see _initial_cones)
    X = G0.copy()
    E = (3 * np.arange(n0)[:, None] + np.array([2, 0, 1])[None, :]).reshape(-1)
    start = 3 * np.arange(n0, dtype=np.int64)
    cnt = np.full(n0, 3, np.int64)
    Acon, bcon = _Grow(A0.copy()), _Grow(b0.copy())
    infG = _Grow(np.tile(np.array([True, False, False]), n0))  # rows on t = 0
    M = np.broadcast_to(np.eye(d), (n0, d, d)).copy()  # (n, k, d) input maps
    beta = np.zeros((n0, 2))
    pats: list[NDArray[np.bool_]] = []
    for W, bvec in zip(net.weights[:-1], net.biases[:-1], strict=True):
        n, w = len(cnt), W.shape[0]
        # the operations of the edge-list path (_refine_layer): same roundings, same regions
        Mz = _pre_activation_maps(W, M)  # (n, w, d)
        MzT = np.moveaxis(Mz, 2, 0)
        bz = beta @ W.T + bvec
        hn = np.linalg.norm(Mz, axis=2)
        pos_any, neg_any = _cone_sides_2d(X, start, cnt, MzT, bz, hn, geo)
        cutting = pos_any & neg_any
        active = np.where(pos_any, True, np.where(neg_any, False, bz > 0))
        XG, EG = _Grow(X), _Grow(E)
        sG, cG = _Grow(start.copy()), _Grow(cnt.copy())
        parG, onG = _Grow(np.arange(n)), _Grow(np.zeros((n, w), bool))
        for j in np.flatnonzero(cutting.any(0)).tolist():
            cand = np.flatnonzero(cutting[parG.v, j])
            pq = parG.v[cand]
            c = cG.v[cand]
            vi, off = _ranges(sG.v[cand], c)
            h, cc = Mz[pq, j], bz[pq, j]
            gv = XG.v[vi]
            vert = gv[:, 0] > 0
            nrm = np.where(vert, np.sqrt(gv[:, 1] ** 2 + gv[:, 2] ** 2) + 1.0, 1.0)
            # the same operations as the edge-list path (same roundings, same generators)
            s = np.einsum("vd,vd->v", gv[:, 1:], np.repeat(h, c, axis=0))
            s += gv[:, 0] * np.repeat(cc, c)
            ev = _cone_eps(np.repeat(hn[pq, j], c), nrm, np.repeat(np.abs(cc), c), vert, geo)
            above = np.logical_or.reduceat(s > ev, off)
            split = above & np.logical_or.reduceat(s < -ev, off)
            onG.v[cand[above & ~split], j] = True
            if not split.any():
                continue
            vm = np.repeat(split, c)
            xs, ss, es, Es, cs = gv[vm], s[vm], ev[vm], EG.v[vi[vm]], c[split]
            Q, h, cc = cand[split], h[split], cc[split]
            o = np.cumsum(cs) - cs
            sg = (ss > es).astype(np.int8) - (ss < -es).astype(np.int8)
            nxt = np.arange(len(sg)) + 1
            nxt[o + cs - 1] = o
            sgn = sg[nxt]
            cross = sg * sgn < 0
            if np.any(np.add.reduceat((sg == 0).astype(np.int64) + cross, o) != 2):
                return None
            # new constraint rows: sign * (h x + c) >= 0  <=>  (-sign h) x <= sign c
            hnq = np.linalg.norm(h, axis=1)
            n2 = len(Q)
            Anew = np.empty((2 * n2, 2))
            bnew = np.empty(2 * n2)
            Anew[0::2] = -h / hnq[:, None]
            Anew[1::2] = h / hnq[:, None]
            bnew[0::2] = cc / hnq
            bnew[1::2] = -cc / hnq
            hpos = np.repeat(Acon.n + 2 * np.arange(n2), cs)
            Acon.append(Anew)
            bcon.append(bnew)
            infG.append(np.zeros(2 * n2, bool))
            # new generators on the cut edges, as _split_cone: s_a g_b - s_b g_a (a positive)
            ci = np.flatnonzero(cross)
            pos_first = sg[ci] > 0
            ia = np.where(pos_first, ci, nxt[ci])
            ib = np.where(pos_first, nxt[ci], ci)
            coords = np.empty((len(sg), 2, 3))
            coords[:, 0] = xs
            coords[ci, 1] = _normalise_generators(ss[ia, None] * xs[ib] - ss[ib, None] * xs[ia])
            _emit_polygon_halves(
                coords, sg, sgn, cross, Es, hpos, o, Q, (sG, cG, XG, EG, parG, onG)
            )
            onG.v[Q, j] = True
        cnt = cG.v
        vi, start = _ranges(sG.v, cnt)
        X, E = XG.v[vi], EG.v[vi]
        par = parG.v
        pat = np.where(cutting[par], onG.v, active[par])
        pats = [P[par] for P in pats] + [pat]
        M = pat[:, :, None] * Mz[par]
        beta = pat * bz[par]
    n = len(cnt)
    is_inf = infG.v
    piece = np.repeat(np.arange(n), cnt)
    first = np.cumsum(cnt) - cnt
    loc = np.arange(len(X)) - np.repeat(first, cnt)
    prev = np.where(loc == 0, np.repeat(cnt, cnt) - 1, loc - 1) + np.repeat(first, cnt)
    # facets: the edges not on t = 0, numbered in edge order
    fkeep = ~is_inf[E]
    fcol = np.cumsum(fkeep) - 1
    A, b = _unit_rows(Acon.v[E[fkeep]], bcon.v[E[fkeep]])
    is_ray = X[:, 0] <= 0
    row = np.where(is_ray, np.cumsum(is_ray) - 1, np.cumsum(~is_ray) - 1)
    # generator k lies on the edges k - 1 and k
    g = np.repeat(np.arange(len(X)), 2)
    e = np.stack([prev, np.arange(len(X))], axis=1).reshape(-1)
    ok = fkeep[e]
    g, e = g[ok], e[ok]
    pairs = np.stack([row[g], fcol[e]], axis=1).astype(np.int64)
    rg = is_ray[g]
    facets = (A, b, _offsets(np.bincount(piece[fkeep], minlength=n)))
    return _pointed_cone_arrays(net, M, beta, pats, X, is_ray, piece, facets, pairs[~rg], pairs[rg])


def _arrays_from_cones(pieces: list[_Cone], net: ReLUNetwork) -> RegionArrays:
    """:class:`RegionArrays` of finished homogenised cones (regions on R^d)."""
    d, width = net.input_dim, net.n_hidden
    if not pieces:
        return _empty_region_arrays(d, width)
    wl, bl = net.weights[-1], net.biases[-1]
    n = len(pieces)
    Vs, Rs, As, bs, Ls, Ts, RTs = [], [], [], [], [], [], []
    for p in pieces:
        vert = p.G[:, 0] > 0
        H = p.H[1:]  # drop t >= 0
        T = p.T[:, 1:]
        # keep only facets: tight generators + lineality span a hyperplane
        keep = T.sum(0) + len(p.L) >= d
        As.append(-H[keep, 1:])
        bs.append(H[keep, 0])
        Vs.append(p.G[vert, 1:])
        Rs.append(p.G[~vert, 1:])
        Ls.append(p.L[:, 1:])
        Ts.append(T[vert][:, keep])
        RTs.append(T[~vert][:, keep])
    voff = _offsets([len(v) for v in Vs])
    roff = _offsets([len(r) for r in Rs])
    foff = _offsets([len(a) for a in As])
    A, b = _unit_rows(_cat(As, (d,)), np.concatenate(bs))
    R = _cat(Rs, (d,))
    if len(R):
        R = R / np.linalg.norm(R, axis=1)[:, None]
    return _readonly_arrays(
        RegionArrays(
            dim=d,
            weight=np.array([(wl @ p.M)[0] for p in pieces]).reshape(n, d),
            bias=np.array([float((wl @ p.beta + bl)[0]) for p in pieces]),
            pattern=np.array(
                [np.concatenate(p.pattern) if p.pattern else np.zeros(0, bool) for p in pieces],
                bool,
            ).reshape(n, width),
            vertices=_cat(Vs, (d,)),
            vertex_offset=voff,
            facet_A=A,
            facet_b=b,
            facet_offset=foff,
            incidence=_pairs(Ts, voff[:-1], foff[:-1]),
            rays=R,
            ray_offset=roff,
            ray_incidence=_pairs(RTs, roff[:-1], foff[:-1]),
            lineality=_cat(Ls, (d,)),
            lineality_offset=_offsets([len(x) for x in Ls]),
        )
    )


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
        # the transforms' rule and messages for a (lo, hi) pair
        poly = validate.as_box_domain(domain, net.input_dim).to_polytope()
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


def _arrangement_length(net: ReLUNetwork) -> float:
    """Return the length scale of a network's arrangement: the farthest first-layer hyperplane.

    ``1`` when every first-layer hyperplane passes through the origin (no scale to take).
    """
    W, b = net.weights[0], net.biases[0]
    with np.errstate(over="ignore", invalid="ignore"):
        n = np.linalg.norm(W, axis=1)
        dist = np.abs(b[n > 0]) / n[n > 0]
    dist = dist[np.isfinite(dist) & (dist > 0)]
    return float(dist.max()) if len(dist) else 1.0


def _unbounded_regions_rescaled(net: ReLUNetwork, tol: Tolerances) -> RegionArrays:
    """:func:`_unbounded_regions` in units of the arrangement's own length ``L``.

    The cone enumerators' zero tests mix positions with a unit length; enumerating
    ``y -> f(L y)`` (first layer ``L W_1``) instead and mapping back (vertices and facet
    offsets times ``L``, gradients divided by ``L``) makes them scale covariant: a net whose
    biases are all scaled by ``s`` gets exactly the regions of the unscaled one, scaled.
    """
    L = _arrangement_length(net)
    if L == 1.0:
        return _unbounded_regions(net, tol)
    scaled = ReLUNetwork((net.weights[0] * L, *net.weights[1:]), net.biases)
    a = _unbounded_regions(scaled, tol)
    return dataclasses.replace(
        a,
        vertices=a.vertices * L,
        facet_b=a.facet_b * L,
        weight=a.weight / L,
    )


#: input dimensions whose regions on R^d are read off a subdivided bounding box (measured on
#: the idle 2-core machine after the compiled skeleton passes, R^d time / box [-1, 1]^d time:
#: 2-32-32-1 1.9x against 6.3x by cones, 2-64-64-1 1.4x / 2.9x, 3-32-32-1 1.8x / 4.1x,
#: 4-12-12-1 2.2x / 3.5x, 4-16-16-1 2.3x / 3.0x). Not 2-D: deep R^2 nets whose kinks cross
#: at 2^-24 rad (tests/test_nearly_parallel_deep.py) get regions on the wrong side of a
#: neuron there, as the box is far wider than the arrangement; the cones are exact there
RD_SUBDIVISION_DIMS = frozenset({3, 4})


def _unbounded_regions_fast(net: ReLUNetwork, tol: Tolerances) -> RegionArrays:
    """Regions on R^d: in :data:`RD_SUBDIVISION_DIMS` through the subdivision of a box.

    :func:`~spectral_exact._subdivision_rd.unbounded_regions_subdivided` (first layer of rank
    ``d``, general position, every vertex proven inside the box) and otherwise the cone
    enumerator (:func:`_unbounded_regions_rescaled`).
    """
    if net.input_dim in RD_SUBDIVISION_DIMS:
        from ._subdivision_rd import unbounded_regions_subdivided

        out = unbounded_regions_subdivided(net, tol)
        if out is not None:
            return out
    return _unbounded_regions_rescaled(net, tol)


def _domain_radius(net: ReLUNetwork, poly: Polytope | None) -> float:
    """Largest |x| that matters: the domain's vertices, or on R^d the first layer's planes."""
    if poly is not None:
        return float(np.max(np.abs(poly.vertices)))
    W, b = net.weights[0], net.biases[0]
    with np.errstate(over="ignore", invalid="ignore"):  # huge weights: check_network_scale
        n = np.linalg.norm(W, axis=1)
        dist = np.abs(b[n > 0]) / n[n > 0]
    return float(np.max(dist[np.isfinite(dist)], initial=1.0))


def linear_regions(
    net: ReLUNetwork,
    domain: Box | Polytope | None = None,
    *,
    tol: Tolerances = DEFAULT_TOLERANCES,
    max_regions: float | None = DEFAULT_MAX_REGIONS,
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
        domain size).
    max_regions : float or None
        Refuse to enumerate (:class:`~spectral_exact.TooManyRegionsError`, naming the
        estimate) when :func:`~spectral_exact.estimate_regions` expects more regions than this.
        Default :data:`~spectral_exact._estimate.DEFAULT_MAX_REGIONS` (500,000: about 4 GB
        in 2-D and 20 GB in 3-D with face data); ``None`` disables the check. Networks with
        one input are enumerated from their sorted breakpoints (:mod:`.fourier._onedim`) and
        refused as soon as a layer exceeds it.

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
    validate.network(net)
    validate.tolerances(tol)
    max_regions = validate.optional_limit(max_regions, "max_regions")
    from .slicing import check_enumeration_dim  # torchnet: refuse high d, suggest a slice

    check_enumeration_dim(net)
    poly = _check_domain(net, domain)
    check_network_scale(net, _domain_radius(net, poly))
    if net.input_dim == 1:  # sorted breakpoints (fourier._onedim): same regions, far faster
        from .fourier import _onedim

        bp = _onedim.breakpoints(net, poly, tol=tol, max_regions=max_regions)
        objs = _onedim.regions_from_breakpoints(bp, tol)
        return Regions(net, domain, region_arrays_from_objects(objs, 1), tol)
    check_region_budget(net, domain, max_regions, tol=tol)
    from .fourier._onedim import _single_thread

    with _single_thread():  # small products (pieces x width): BLAS threads only contend
        arrays = (
            _unbounded_regions_fast(net, tol) if poly is None else _bounded_regions(net, poly, tol)
        )
    return Regions(net, domain, arrays, tol)
