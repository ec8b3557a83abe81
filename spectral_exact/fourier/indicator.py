r"""Fourier transforms of polytope indicators and of affine functions on polytopes.

For a face ``F`` with relative-interior point ``x_F`` and ``q = Proj_F(k)`` (projection on the
linear space parallel to ``F``), Diaz, Le & Robins (2016) give, by the divergence theorem with
the constant field :math:`v = i q/|q|^2` (so that :math:`-ik\cdot v = 1` on ``F``),

.. math::

    I_F(k) := \int_F e^{-ik\cdot x}\,dx
        = \sum_{G \lessdot F} \frac{i\,q\cdot N_F(G)}{|q|^2}\, I_G(k),

and for an affine weight :math:`g(x) = w\cdot x + c` (integrating
:math:`\nabla\cdot(g\,e^{-ik\cdot x}v)` instead),

.. math::

    J_F(k) := \int_F g\,e^{-ik\cdot x}\,dx
        = \sum_{G \lessdot F} \frac{i\,q\cdot N_F(G)}{|q|^2}\, J_G(k)
          - \frac{i\, w\cdot q}{|q|^2}\, I_F(k).

The recursion is exact but cancels badly when ``|q| * R_F`` is small (``R_F`` = radius of
``F``): the weights blow up like ``1/|q|`` while ``I_F`` stays ``O(vol F)``. So every face is
evaluated by the recursion only where its reduced frequency ``|q| R_F`` exceeds
``tol.series_threshold``; below it, ``I_F`` and ``J_F`` come from the Taylor series of the
Hermite-Genocchi formula on a triangulation of ``F`` (:func:`~.kernels.simplex_series`),
and edges always use closed forms (:func:`~.kernels.segment_transforms`). ``Proj_F(k) = 0``
exactly is the series' first term, ``vol(F) e^{-ik.x_F}``: the terminating case of the
recursion. The result is accurate to ~1e-14 relative at generic, exactly degenerate and nearly
degenerate frequencies alike (tests compare against 40-digit mpmath).

Unbounded pointed polyhedra are handled as tempered distributions (Abel summation; rays have
``int_0^inf e^{-its} ds = 1/(it)``); a frequency with ``Proj_F(k) = 0`` on an unbounded face
is on the singular set and raises :class:`~spectral_exact.SingularFrequencyError`. A
polyhedron with lineality space ``L`` has transform ``0`` off ``{Proj_L(k) = 0}``.

All faces of all polytopes of a collection are evaluated together, level by level, with numpy
arrays over (faces x frequencies): prepare once (:func:`prepare_polytopes`), evaluate many.
For a network's regions, :func:`prepare_complex` builds the same levels over the distinct
faces of their shared complex, so a face shared by several regions is evaluated once.

Pointed cones (unbounded faces with one vertex ``a``) are split into simplicial cones and
evaluated in closed form, :math:`|\det U| e^{-ik\cdot a} / \prod_j (i k\cdot u_j)`: on a cone
of opening ``theta`` the recursion's facet terms cancel to ``theta`` times their size and lose
``u / theta`` relative (1e-6 at ``theta = 2^-34``); the closed form loses nothing.
:func:`polytope_fourier` propagates the recursion's sum of term moduli and warns
(:class:`~spectral_exact.IllConditionedWarning`, with the bound) where it cancels.

References
----------
R. Diaz, Q.-N. Le and S. Robins, "Fourier transforms of polytopes, solid angle sums, and
discrete volume" (2016). doi:10.48550/arXiv.1602.08593 (the face-poset recursion of the
transform of a polytope).

C. de Boor, "Divided differences", Surveys in Approximation Theory 1, 46-69 (2005), ISSN
1555-578X (the Hermite-Genocchi formula: the integral of exp over a simplex is a divided
difference of exp).
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from math import factorial

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._errors import (
    IllConditionedWarning,
    InvalidPolytopeError,
    SingularFrequencyError,
    region_context,
)
from .._tolerances import DEFAULT_TOLERANCES, Tolerances
from .._types import ArrayOps, BackendArray, BackendName, ComplexArray, FloatArray
from .._validate import polyhedron, real_array, real_number, tolerances
from ..complex import FaceLevel, PolyhedralComplex
from ..face_poset import face_poset
from ..polytope import Box, Polytope
from ._backend import NumpyOps, get_backend
from ._convention import PHASE_UNIT, as_frequencies, phase
from .kernels import ray_transforms, segment_transforms, simplex_series

_NUMPY = NumpyOps()

__all__ = [
    "PreparedPolytopes",
    "prepare_polytopes",
    "prepare_complex",
    "evaluate_prepared",
    "evaluate_levels",
    "polytope_fourier",
    "affine_polytope_fourier",
]


#: bound on (edges x frequencies) complex entries held at once while evaluating
_CHUNK_ENTRIES = 4_000_000
#: the torch backend (GPU memory) takes chunks this many times larger
_TORCH_CHUNK_FACTOR = 8


@dataclass(frozen=True, eq=False)
class _Level:
    """All faces of one dimension j across a collection (arrays indexed by face)."""

    dim: int
    point: FloatArray  # (n, d) relative-interior point (vertex for j = 0, midpoint/start j = 1)
    basis: FloatArray  # (n, j, d)
    radius: FloatArray  # (n,)
    bounded: NDArray[np.bool_]  # (n,)
    w: FloatArray  # (n, d) gradient of the affine weight
    c: FloatArray  # (n,) g(x) = w.x + c
    # j = 1 only
    direction: FloatArray  # (n, d)
    length: FloatArray  # (n,) (inf for rays)
    # facets: edges to level j-1
    parent: NDArray[np.int64]  # (E,)
    child: NDArray[np.int64]  # (E,)
    normal: FloatArray  # (E, d)
    # triangulation for the series (bounded faces, j >= 2)
    simplices: FloatArray  # (S, j+1, d)
    simplex_factor: FloatArray  # (S,) j! vol(S)
    simplex_face: NDArray[np.int64]  # (S,)
    # simplicial cones triangulating the pointed cones (one vertex, unbounded) of this level:
    # closed forms (face index, apex, rays), summed per face
    cone_face: NDArray[np.int64] = field(default_factory=lambda: np.zeros(0, np.int64))
    cone_apex: FloatArray = field(default_factory=lambda: np.zeros((0, 0)))  # (C, d)
    cone_rays: FloatArray = field(default_factory=lambda: np.zeros((0, 0, 0)))  # (C, dim, d)

    @property
    def volume(self) -> FloatArray:
        """``dim``-volume of each face (``inf`` when unbounded; 1 for vertices)."""
        n = len(self.radius)
        if self.dim == 0:
            return np.ones(n)
        if self.dim == 1:
            return np.where(self.bounded, self.length, np.inf)
        vol = np.bincount(self.simplex_face, self.simplex_factor, minlength=n)
        return np.where(self.bounded, vol / factorial(self.dim), np.inf)


@dataclass(frozen=True)
class PreparedPolytopes:
    """A collection of polyhedra with affine weights, flattened for batched evaluation.

    Build with :func:`prepare_polytopes`; evaluate with :func:`evaluate_prepared`.
    """

    ambient_dim: int
    levels: tuple[_Level, ...]
    top_level: NDArray[np.int64]  # (n_cells,) dimension of each cell (or -1: lineality)
    top_index: NDArray[np.int64]  # (n_cells,) index in its level
    lineality: tuple[FloatArray, ...]  # per cell, (l, d) basis (empty if pointed)
    tol: Tolerances

    @property
    def n_cells(self) -> int:
        """Number of top-level cells."""
        return int(self.top_level.shape[0])

    @property
    def n_faces(self) -> int:
        """Number of faces over all levels."""
        return int(sum(len(lv.radius) for lv in self.levels))


def _simplex_factor(S: FloatArray) -> float:
    """``m! vol_m(S)`` for an m-simplex given by its vertices (rows).

    ``sqrt(det(E E^T))`` (the Gram determinant) squares the condition number of the edge
    matrix ``E`` and returned 0 for a simplex of relative thickness 2^-33; the product of the
    diagonal of ``R`` in ``E^T = Q R`` (Householder, backward stable column by column) is the
    same quantity to a few ulps at any thickness.
    """
    E = S[1:] - S[0]
    if len(E) == 0:
        return 1.0
    r = np.linalg.qr(E.T, mode="r")
    return float(abs(np.prod(np.diag(r))))


def prepare_polytopes(
    polytopes: Sequence[Polytope | Box],
    weights: Sequence[tuple[ArrayLike, float]] | None = None,
    *,
    tol: Tolerances = DEFAULT_TOLERANCES,
) -> PreparedPolytopes:
    """Flatten face posets of ``polytopes`` (and affine weights ``(w, c)``) for evaluation.

    Parameters
    ----------
    polytopes : sequence of Polytope or Box
        All in the same ambient dimension.
    weights : sequence of (w, c), optional
        Affine weight ``g(x) = w.x + c`` per polytope (default ``g = 1``).
    """
    polys = [p.to_polytope() if isinstance(p, Box) else p for p in polytopes]
    if not polys:
        raise InvalidPolytopeError("need at least one polytope")
    d = polys[0].ambient_dim
    for p in polys:
        if not isinstance(p, Polytope):
            raise InvalidPolytopeError(f"expected Polytope or Box, got {type(p).__name__}")
        if p.ambient_dim != d:
            raise InvalidPolytopeError(
                f"all polytopes must live in R^{d}; got one in R^{p.ambient_dim}"
            )
    if weights is None:
        weights = [(np.zeros(d), 1.0)] * len(polys)
    if len(weights) != len(polys):
        raise InvalidPolytopeError(f"{len(weights)} weights for {len(polys)} polytopes")
    if d == 2 and all(p._simple_polygon for p in polys):
        return _prepare_polygons(polys, weights, tol)
    return _prepare_from_posets(polys, weights, tol)


def _prepare_from_posets(
    polys: Sequence[Polytope], weights: Sequence[tuple[ArrayLike, float]], tol: Tolerances
) -> PreparedPolytopes:
    """:func:`prepare_polytopes` for any polyhedra, from their face posets."""
    d = polys[0].ambient_dim

    # per-level accumulators
    acc: list[dict[str, list]] = [
        {
            k: []
            for k in (
                "point",
                "basis",
                "radius",
                "bounded",
                "w",
                "c",
                "direction",
                "length",
                "parent",
                "child",
                "normal",
                "simplices",
                "sfac",
                "sface",
                "cface",
                "capex",
                "crays",
            )
        }
        for _ in range(d + 1)
    ]
    counts = [0] * (d + 1)
    top_level = []
    top_index = []
    lin = []
    for i_poly, (P, (w, c)) in enumerate(zip(polys, weights, strict=True)):
        w = np.asarray(w, dtype=float)
        c = float(c)
        lin.append(P.lineality)
        if not P.is_pointed:
            top_level.append(-1)
            top_index.append(-1)
            continue
        with region_context(i_poly, what="polytope"):
            G = face_poset(P)
        index: dict[frozenset[int], tuple[int, int]] = {}
        # assign indices, lowest dimension first so children exist before parents
        nodes = sorted(G.nodes, key=lambda n: G.nodes[n]["dim"])
        for node in nodes:
            data = G.nodes[node]
            j = data["dim"]
            a = acc[j]
            index[node] = (j, counts[j])
            counts[j] += 1
            V = data["vertices"]
            R = data["rays"]
            if j == 1:
                if data["bounded"]:
                    u = V[1] - V[0]
                    L = float(np.linalg.norm(u))
                    a["direction"].append(u / L)
                    a["length"].append(L)
                    a["point"].append((V[0] + V[1]) / 2)
                else:
                    a["direction"].append(R[0])
                    a["length"].append(np.inf)
                    a["point"].append(V[0])
            else:
                a["direction"].append(np.zeros(d))
                a["length"].append(0.0)
                a["point"].append(data["point"] if j > 0 else V[0])
            a["basis"].append(data["basis"])
            a["radius"].append(data["radius"] if j > 0 else 0.0)
            a["bounded"].append(data["bounded"])
            a["w"].append(w)
            a["c"].append(c)
        for F, Gc, e in G.edges(data=True):
            jf, i_f = index[F]
            _, i_g = index[Gc]
            acc[jf]["parent"].append(i_f)
            acc[jf]["child"].append(i_g)
            acc[jf]["normal"].append(e["normal"])
        # triangulations of bounded faces of dimension >= 2 (cone from the lowest vertex)
        m = len(P.vertices)
        tri: dict[frozenset[int], list[tuple[int, ...]]] = {}
        for node in nodes:
            data = G.nodes[node]
            j = data["dim"]
            if not data["bounded"]:
                continue
            if j == 0:
                tri[node] = [(min(node),)]
                continue
            v0 = min(node)
            simp: list[tuple[int, ...]] = []
            for ch in G.successors(node):
                if v0 in ch:
                    continue
                simp.extend((v0, *s) for s in tri[ch])
            tri[node] = simp
            if j >= 2:
                i_f = index[node][1]
                for s in simp:
                    S = P.vertices[list(s)]
                    acc[j]["simplices"].append(S)
                    acc[j]["sfac"].append(_simplex_factor(S))
                    acc[j]["sface"].append(i_f)
        # pointed cones (one vertex): simplicial cones from the lowest ray over the facets
        tri_c: dict[frozenset[int], list[tuple[int, ...]]] = {}
        for node in nodes:
            data = G.nodes[node]
            j = data["dim"]
            if data["bounded"] or len(data["vertices"]) != 1:
                continue
            rays_of = sorted(g for g in node if g >= m)
            if j == 1:
                tri_c[node] = [(rays_of[0],)]
                continue
            r0 = rays_of[0]
            simp = []
            for ch in G.successors(node):
                if r0 not in ch:
                    simp.extend((r0, *s) for s in tri_c[ch])
            tri_c[node] = simp
            i_f = index[node][1]
            for s in simp:
                acc[j]["cface"].append(i_f)
                acc[j]["capex"].append(data["vertices"][0])
                acc[j]["crays"].append(P.rays[[g - m for g in s]])
        top = max(G.nodes, key=lambda n: G.nodes[n]["dim"])
        jt, it = index[top]
        top_level.append(jt)
        top_index.append(it)

    levels = []
    for j in range(d + 1):
        a = acc[j]
        n = counts[j]
        levels.append(
            _Level(
                dim=j,
                point=np.array(a["point"], dtype=float).reshape(n, d),
                basis=np.array(a["basis"], dtype=float).reshape(n, j, d),
                radius=np.array(a["radius"], dtype=float).reshape(n),
                bounded=np.array(a["bounded"], dtype=bool).reshape(n),
                w=np.array(a["w"], dtype=float).reshape(n, d),
                c=np.array(a["c"], dtype=float).reshape(n),
                direction=np.array(a["direction"], dtype=float).reshape(n, d),
                length=np.array(a["length"], dtype=float).reshape(n),
                parent=np.array(a["parent"], dtype=np.int64),
                child=np.array(a["child"], dtype=np.int64),
                normal=np.array(a["normal"], dtype=float).reshape(-1, d),
                simplices=np.array(a["simplices"], dtype=float).reshape(-1, j + 1, d),
                simplex_factor=np.array(a["sfac"], dtype=float),
                simplex_face=np.array(a["sface"], dtype=np.int64),
                cone_face=np.array(a["cface"], dtype=np.int64),
                cone_apex=np.array(a["capex"], dtype=float).reshape(-1, d),
                cone_rays=np.array(a["crays"], dtype=float).reshape(len(a["cface"]), j, d),
            )
        )
    return PreparedPolytopes(
        d,
        tuple(levels),
        np.array(top_level, dtype=np.int64),
        np.array(top_index, dtype=np.int64),
        tuple(lin),
        tol,
    )


def _complex_is_complete(cx: PolyhedralComplex) -> bool:
    """Whether every level of ``cx`` is built.

    Always in ``d <= 3``; in ``d >= 4`` when the global edge subdivision built the complex.

    The shared-complex route needs every face of dimension ``j >= 1`` with its facets (CSR
    children with normals), every edge with two distinct ends or one end and a ray, and no
    region containing a line.
    """
    d = cx.dim
    if not cx.is_pointed or cx.n_regions == 0 or len(cx.levels) != d + 1:
        return False
    for j in range(1, d + 1):
        lv = cx.levels[j]
        if lv.n == 0 or np.any(np.diff(lv.child_ptr) == 0):
            return False
    e = cx.levels[1]
    nv, nr = np.diff(e.vertex_ptr), np.diff(e.ray_ptr)
    return bool(np.all(((nv == 2) & (nr == 0)) | ((nv == 1) & (nr == 1))))


def prepare_complex(
    cx: PolyhedralComplex, tol: Tolerances = DEFAULT_TOLERANCES
) -> PreparedPolytopes:
    r"""Build the level engine's levels over the distinct faces of a shared complex.

    Each distinct face of ``cx`` is one face of the returned levels, so every ``I_F`` and
    ``J_F`` is computed once per frequency however many regions own ``F``: the cells are the
    regions (``levels[d]``, each with its own affine weight ``(w_R, c_R)``), and a face below
    dimension ``d`` carries the weight of one region owning it. That is exact because the
    network is continuous: every region containing ``F`` restricts to the same affine
    function on ``F``, so :math:`J_F = \int_F f\,e^{-ik\cdot x}` is intrinsic to ``F``.

    Geometry comes from the complex's arrays (no networkx): edges from their two vertex ids
    (or vertex and ray), faces of dimension ``j >= 2`` from their point, basis, radius and
    CSR facets with outward normals; the triangulation of each bounded face for the
    Hermite-Genocchi series is the cone from its lowest vertex over the triangulations of the
    facets not containing it, built level by level from the edges up, exactly as the per-region
    route builds it from the face posets.

    Raises :class:`~spectral_exact.InvalidPolytopeError` when the complex's levels are not all
    built (:func:`_complex_is_complete`).
    """
    if not _complex_is_complete(cx):
        raise InvalidPolytopeError(
            f"the complex (d = {cx.dim}, face counts {cx.face_counts()}) does not have every "
            "level built, or a region contains a line"
        )
    d = cx.dim
    V, R = cx.vertices, cx.rays
    n_reg = cx.n_regions
    # a region owning each face, from the regions down (any owner: f is continuous)
    owner: list[NDArray[np.int64]] = [np.zeros(0, np.int64)] * (d + 1)
    own = np.full(cx.levels[d].n, -1, dtype=np.int64)
    own[cx.region_face] = np.arange(n_reg)
    owner[d] = own
    parents: list[NDArray[np.int64]] = [np.zeros(0, np.int64)] * (d + 1)
    for j in range(d, 0, -1):
        lv = cx.levels[j]
        parents[j] = np.repeat(np.arange(lv.n, dtype=np.int64), np.diff(lv.child_ptr))
        o = np.full(cx.levels[j - 1].n, -1, dtype=np.int64)
        o[lv.child_idx] = owner[j][parents[j]]
        owner[j - 1] = o
    if any(np.any(o < 0) for o in owner):
        raise InvalidPolytopeError("the complex has a face owned by no region")
    W, C = cx.weight, cx.bias
    levels: list[_Level] = []
    # simplices (vertex ids) and their face of the previous level, for the series
    s_ids = np.zeros((0, 1), np.int64)
    s_face = np.zeros(0, np.int64)
    c_ids = np.zeros((0, 1), np.int64)  # simplicial cones (ray ids) of the pointed cones
    c_face = np.zeros(0, np.int64)
    for j in range(d + 1):
        lv = cx.levels[j]
        n = lv.n
        direction = np.zeros((n, d))
        length = np.zeros(n)
        point = lv.point
        basis = lv.basis
        radius = lv.radius
        if j == 0:
            point, basis, radius = V, np.zeros((n, 0, d)), np.zeros(n)
            s_ids, s_face = np.arange(n, dtype=np.int64)[:, None], np.arange(n, dtype=np.int64)
        elif j == 1:
            b = lv.bounded
            first = lv.vertex_idx[lv.vertex_ptr[:-1]]
            last = lv.vertex_idx[lv.vertex_ptr[1:] - 1]
            u = V[last] - V[first]
            L = np.linalg.norm(u, axis=1)
            point = np.where(b[:, None], (V[first] + V[last]) / 2, V[first])
            direction = np.where(b[:, None], u / np.where(L > 0, L, 1.0)[:, None], 0.0)
            if np.any(~b):
                direction[~b] = R[lv.ray_idx[lv.ray_ptr[:-1][~b]]]
            length = np.where(b, L, np.inf)
            basis = direction[:, None, :]
            radius = np.where(b, L / 2, np.inf)
            bi = np.flatnonzero(b)
            s_ids, s_face = np.stack([first[bi], last[bi]], axis=1), bi
            c_face = np.flatnonzero(~b & (np.diff(lv.vertex_ptr) == 1))
            c_ids = lv.ray_idx[lv.ray_ptr[:-1][c_face]][:, None]
        else:
            s_ids, s_face = _cone_simplices(
                lv, lv.vertex_ptr, lv.vertex_idx, lv.bounded, s_ids, s_face
            )
            pointed = ~lv.bounded & (np.diff(lv.vertex_ptr) == 1)
            c_ids, c_face = _cone_simplices(lv, lv.ray_ptr, lv.ray_idx, pointed, c_ids, c_face)
        S = V[s_ids] if j >= 2 else np.zeros((0, j + 1, d))
        cone = c_face if j >= 2 else np.zeros(0, np.int64)
        cone_rays = R[c_ids].reshape(len(c_ids), j, d) if j >= 2 else np.zeros((0, j, d))
        levels.append(
            _Level(
                dim=j, point=np.ascontiguousarray(point), basis=np.ascontiguousarray(basis),
                radius=radius, bounded=lv.bounded.copy(), w=W[owner[j]], c=C[owner[j]],
                direction=direction, length=length,
                parent=parents[j], child=lv.child_idx.astype(np.int64),
                normal=lv.child_normal.reshape(-1, d),
                simplices=S, simplex_factor=_simplex_factors(S),
                simplex_face=s_face if j >= 2 else np.zeros(0, np.int64),
                cone_face=cone, cone_apex=V[lv.vertex_idx[lv.vertex_ptr[:-1][cone]]],
                cone_rays=cone_rays,
            )
        )  # fmt: skip
    return PreparedPolytopes(
        d,
        tuple(levels),
        np.full(n_reg, d, dtype=np.int64),
        cx.region_face.astype(np.int64),
        tuple(np.zeros((0, d)) for _ in range(n_reg)),
        tol,
    )


def _cone_simplices(
    lv: FaceLevel,
    ptr: NDArray[np.int64],
    idx: NDArray[np.int64],
    which: NDArray[np.bool_],
    child_ids: NDArray[np.int64],
    child_face: NDArray[np.int64],
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Triangulate the faces ``which`` of ``lv``: cone from the lowest generator over the facets.

    Generators are the vertices (CSR ``ptr, idx`` = ``vertex_ptr, vertex_idx``: bounded faces,
    simplices) or the rays (``ray_ptr, ray_idx``: pointed cones, simplicial cones).
    ``child_ids (S, m)`` are the generator ids of the pieces of the level below and
    ``child_face (S,)`` the face each belongs to. Returns ``(S', m + 1)`` ids and faces.
    """
    par = np.repeat(np.arange(lv.n, dtype=np.int64), np.diff(lv.child_ptr))
    ch = lv.child_idx
    has = np.diff(ptr) > 0
    v0 = np.full(lv.n, -1, dtype=np.int64)
    if np.any(has):
        v0[has] = np.minimum.reduceat(idx, ptr[:-1][has]) if len(idx) else -1
    keep = which[par]
    # facets containing the apex contribute nothing (their cone is flat)
    order = np.argsort(child_face, kind="stable")
    sf = child_face[order]
    n_child = int(ch.max()) + 1 if len(ch) else 0
    starts = np.searchsorted(sf, np.arange(n_child))
    counts = np.searchsorted(sf, np.arange(n_child), side="right") - starts
    cnt_e = counts[ch]
    # the apex is in the facet iff it is a vertex of one of the facet's simplices
    e_rep = np.repeat(np.arange(len(ch)), cnt_e)
    offs = np.arange(len(e_rep)) - np.repeat(np.cumsum(cnt_e) - cnt_e, cnt_e)
    sidx = order[np.repeat(starts[ch], cnt_e) + offs]
    has_apex = np.zeros(len(ch), dtype=bool)
    hit = np.any(child_ids[sidx] == v0[par[e_rep]][:, None], axis=1)
    np.logical_or.at(has_apex, e_rep, hit)
    sel = keep[e_rep] & ~has_apex[e_rep]
    ids = np.concatenate([v0[par[e_rep[sel]]][:, None], child_ids[sidx[sel]]], axis=1)
    return ids.astype(np.int64), par[e_rep[sel]]


def _simplex_factors(S: FloatArray) -> FloatArray:
    """``m! vol_m`` of each simplex ``S (n, m+1, d)`` (vectorised :func:`_simplex_factor`)."""
    if S.shape[0] == 0:
        return np.zeros(0)
    E = S[:, 1:] - S[:, :1]
    r = np.linalg.qr(np.swapaxes(E, 1, 2), mode="r")
    return np.abs(np.prod(np.diagonal(r, axis1=1, axis2=2), axis=1))


def _prepare_polygons(
    polys: Sequence[Polytope], weights: Sequence[tuple[ArrayLike, float]], tol: Tolerances
) -> PreparedPolytopes:
    """:func:`prepare_polytopes` for bounded convex polygons, without building face posets.

    The same levels as the poset route, read straight off the vertex-edge incidence: vertices;
    edges (midpoint, unit direction, length; facet normals to their end vertices are -/+ the
    direction); polygons (vertex mean, basis I, outward edge normals ``A[j]``) with the fan
    triangulation from their lowest-index vertex.
    """
    n = len(polys)
    m = np.array([len(p.vertices) for p in polys])
    voff = np.concatenate([[0], np.cumsum(m)])
    V = np.concatenate([p.vertices for p in polys])  # (N0, 2)
    W = np.array([np.asarray(w, dtype=float) for w, _ in weights]).reshape(n, 2)
    C = np.array([float(c) for _, c in weights])
    cell_of_vertex = np.repeat(np.arange(n), m)
    # edges: the two vertices of every facet, from the incidence
    ends, normals, cell_of_edge = [], [], []
    for i, p in enumerate(polys):
        vi, fj = np.nonzero(p.vertex_incidence)
        order = np.argsort(fj, kind="stable")
        ends.append(vi[order].reshape(-1, 2) + voff[i])
        normals.append(p.A)
        cell_of_edge.append(np.full(p.A.shape[0], i))
    E = np.concatenate(ends)  # (N1, 2) global vertex ids
    Nrm = np.concatenate(normals)
    ce = np.concatenate(cell_of_edge)
    a, b = V[E[:, 0]], V[E[:, 1]]
    L = np.linalg.norm(b - a, axis=1)
    u = (b - a) / L[:, None]
    mid = (a + b) / 2
    n1 = len(E)
    lvl0 = _Level(
        dim=0, point=V, basis=np.zeros((len(V), 0, 2)), radius=np.zeros(len(V)),
        bounded=np.ones(len(V), bool), w=W[cell_of_vertex], c=C[cell_of_vertex],
        direction=np.zeros((len(V), 2)), length=np.zeros(len(V)),
        parent=np.zeros(0, np.int64), child=np.zeros(0, np.int64), normal=np.zeros((0, 2)),
        simplices=np.zeros((0, 1, 2)), simplex_factor=np.zeros(0),
        simplex_face=np.zeros(0, np.int64),
    )  # fmt: skip
    lvl1 = _Level(
        dim=1, point=mid, basis=u[:, None, :], radius=L / 2, bounded=np.ones(n1, bool),
        w=W[ce], c=C[ce], direction=u, length=L,
        parent=np.repeat(np.arange(n1), 2), child=E.reshape(-1),
        normal=np.stack([-u, u], axis=1).reshape(-1, 2),
        simplices=np.zeros((0, 2, 2)), simplex_factor=np.zeros(0),
        simplex_face=np.zeros(0, np.int64),
    )  # fmt: skip
    centre = np.add.reduceat(V, voff[:-1], axis=0) / m[:, None]
    radius = np.maximum.reduceat(np.linalg.norm(V - centre[cell_of_vertex], axis=1), voff[:-1])
    # fan triangulation from each polygon's first vertex over the edges not containing it
    v0 = voff[:-1][ce]
    fan = (E[:, 0] != v0) & (E[:, 1] != v0)
    S = np.stack([V[v0[fan]], a[fan], b[fan]], axis=1)  # (T, 3, 2)
    e1, e2 = S[:, 1] - S[:, 0], S[:, 2] - S[:, 0]
    lvl2 = _Level(
        dim=2, point=centre, basis=np.broadcast_to(np.eye(2), (n, 2, 2)).copy(),
        radius=radius, bounded=np.ones(n, bool), w=W, c=C,
        direction=np.zeros((n, 2)), length=np.zeros(n),
        parent=ce, child=np.arange(n1), normal=Nrm,
        simplices=S, simplex_factor=np.abs(e1[:, 0] * e2[:, 1] - e1[:, 1] * e2[:, 0]),
        simplex_face=ce[fan],
    )  # fmt: skip
    return PreparedPolytopes(
        2,
        (lvl0, lvl1, lvl2),
        np.full(n, 2, dtype=np.int64),
        np.arange(n, dtype=np.int64),
        tuple(np.zeros((0, 2)) for _ in range(n)),
        tol,
    )


def _series_level(
    lv: _Level, k: BackendArray, mask: BackendArray, want_j: bool, n_terms: int, ops: ArrayOps
) -> tuple[BackendArray, BackendArray, BackendArray, BackendArray]:
    """Series values at the (face, frequency) pairs selected by ``mask`` (n, K)."""
    fi, ki = (ops.to_numpy(x) for x in ops.nonzero(mask))
    order = np.argsort(lv.simplex_face, kind="stable")
    sface = lv.simplex_face[order]
    starts = np.searchsorted(sface, np.arange(len(lv.radius)))
    ends = np.searchsorted(sface, np.arange(len(lv.radius)), side="right")
    counts = ends[fi] - starts[fi]
    pair = np.repeat(np.arange(len(fi)), counts)
    offs = np.arange(len(pair)) - np.repeat(np.cumsum(counts) - counts, counts)
    sidx = order[np.repeat(starts[fi], counts) + offs]
    L = ops.level(lv)
    sidx_t, pair_t = ops.asarray(sidx), ops.asarray(pair)
    fp, kp = ops.asarray(fi[pair]), ops.asarray(ki[pair])
    xp = ops.xp
    S = L.simplices[sidx_t]  # (Q, j+1, d)
    kk = k[kp]  # (Q, d)
    xf = L.point[fp]  # (Q, d)
    a = PHASE_UNIT * xp.einsum("qvd,qd->qv", S - xf[:, None, :], kk)
    g = None
    if want_j:
        g = xp.einsum("qvd,qd->qv", S, L.w[fp]) + L.c[fp][:, None]
    E, Eg = simplex_series(a, g, n_terms, ops)
    ph = phase(xp.einsum("qd,qd->q", xf, kk), xp) * L.simplex_factor[sidx_t]
    I = ops.zeros((len(fi),))
    ops.add_at(I, pair_t, ph * E)
    J = None
    if want_j and Eg is not None:
        J = ops.zeros((len(fi),))
        ops.add_at(J, pair_t, ph * Eg)
    return ops.asarray(fi), ops.asarray(ki), I, J


def _cone_transforms(
    lv: _Level, k: BackendArray, want_j: bool, ops: ArrayOps
) -> tuple[BackendArray, BackendArray | None]:
    r"""Return the closed forms on the simplicial-cone faces ``a + sum_j s_j u_j`` of ``lv``.

    .. math::

        \int e^{-ik\cdot x} = rac{V e^{-ik\cdot a}}{\prod_j z_j},\qquad
        \int g\,e^{-ik\cdot x} = rac{V e^{-ik\cdot a}}{\prod_j z_j}
            \Big(g(a) + \sum_j rac{w\cdot u_j}{z_j}\Big),\qquad z_j = i\,k\cdot u_j,

    ``V`` the ``j``-volume of the parallelepiped of the rays (``|prod diag R|``, ``U^T = QR``,
    accurate at any thinness). The recursion sums facet terms of size ``1/|k|^2`` that cancel
    to ``theta/|k|^2`` on a cone of opening ``theta`` (relative error ``u/theta``: 1e-6 at
    ``theta = 2^-34``); the product has no cancellation. The caller has checked ``k.u_j != 0``
    (rays are edges of the level below).
    """
    xp = ops.xp
    U = lv.cone_rays  # (C, j, d)
    r = np.linalg.qr(np.swapaxes(U, 1, 2), mode="r")
    vol = np.abs(np.prod(np.diagonal(r, axis1=1, axis2=2), axis=1))
    fc = lv.cone_face
    U_t = ops.asarray(np.ascontiguousarray(U))
    z = -PHASE_UNIT * xp.einsum("cjd,kd->ckj", U_t, k)  # (C, K, j)
    prod = z[..., 0]
    for i in range(1, U.shape[1]):
        prod = prod * z[..., i]
    ph = phase(ops.asarray(lv.cone_apex) @ k.T, xp) * ops.asarray(vol)[:, None]
    I = ph / prod
    J = None
    if want_j:
        w = lv.w[fc]
        g_a = ops.asarray(np.einsum("cd,cd->c", w, lv.cone_apex) + lv.c[fc])
        wu = ops.asarray(np.einsum("cjd,cd->cj", U, w))  # (C, j)
        J = I * (g_a[:, None] + (wu[:, None, :] / z).sum(-1))
    return I, J


def _raise_singular(k: BackendArray, where: BackendArray, what: str, ops: ArrayOps) -> None:
    bad = np.argwhere(ops.to_numpy(where))[0]
    kb = ops.to_numpy(k)[bad[1]].tolist()
    raise SingularFrequencyError(
        f"k = {kb} is orthogonal to {what}: the transform of an unbounded polyhedron is "
        "singular there"
    )


def _evaluate_chunk(
    prep: PreparedPolytopes,
    k: BackendArray,
    want_j: bool,
    ops: ArrayOps | None = None,
    moduli: list[BackendArray] | None = None,
) -> tuple[list[BackendArray], list[BackendArray]]:
    """All face transforms (per level) at frequencies ``k`` (backend array, (K, d)).

    With a list ``moduli``, also append per level the recursion's running sum of term moduli
    ``M_F = sum_G |w_{F,G}| M_G`` (``M = |I|`` for vertices, edges and series faces): the
    rounding error of ``I_F`` is a few ``u M_F`` (its cancellation is ``M_F / |I_F|``).
    """
    ops = ops or _NUMPY
    xp = ops.xp
    tol = prep.tol
    knorm = ops.row_norms(k)  # (K,)
    K = k.shape[0]
    Is: list[BackendArray] = []
    Js: list[BackendArray] = []
    for lv in prep.levels:
        j = lv.dim
        n = len(lv.radius)
        if n == 0:
            Is.append(ops.zeros((0, K)))
            Js.append(ops.zeros((0, K)) if want_j else None)
            if moduli is not None:
                moduli.append(xp.abs(ops.zeros((0, K))))
            continue
        L = ops.level(lv)
        if j == 0:
            I = phase(L.point @ k.T, xp)
            J = I * (xp.einsum("nd,nd->n", L.w, L.point) + L.c)[:, None] if want_j else None
        elif j == 1:
            I = ops.empty((n, K))
            J = ops.empty((n, K)) if want_j else None
            gmid = xp.einsum("nd,nd->n", L.w, L.point) + L.c
            gamma = xp.einsum("nd,nd->n", L.w, L.direction)
            b = L.bounded
            if lv.bounded.any():
                Ib, Jb = segment_transforms(
                    k, L.point[b], L.direction[b], L.length[b], gmid[b], gamma[b], ops
                )
                I[b] = Ib
                if J is not None:
                    J[b] = Jb
            if (~lv.bounded).any():
                t = L.direction[~b] @ k.T
                sing = xp.abs(t) <= tol.singular * knorm
                if sing.any():
                    _raise_singular(k, sing, "an unbounded edge", ops)
                Ir, Jr = ray_transforms(k, L.point[~b], L.direction[~b], gmid[~b], gamma[~b], ops)
                I[~b] = Ir
                if J is not None:
                    J[~b] = Jr
        else:
            kb = xp.einsum("njd,kd->nkj", L.basis, k)  # (n, K, j)
            qn2 = (kb * kb).sum(-1)  # (n, K)
            qn = xp.sqrt(qn2)
            series = L.bounded[:, None] & (qn * L.radius[:, None] < tol.series_threshold)
            unb_sing = (~L.bounded[:, None]) & (qn <= tol.singular * knorm[None, :])
            if unb_sing.any():
                _raise_singular(k, unb_sing, f"an unbounded {j}-face", ops)
            safe = xp.where(series, 1.0, qn2)
            kN = xp.einsum("ed,kd->ek", L.normal, k)  # (E, K)
            wgt = -PHASE_UNIT * kN / safe[L.parent]  # (E, K)
            I = ops.zeros((n, K))
            ops.add_at(I, L.parent, wgt * Is[j - 1][L.child])
            J = None
            if want_j:
                child_J = Js[j - 1]
                assert child_J is not None
                J = ops.zeros((n, K))
                ops.add_at(J, L.parent, wgt * child_J[L.child])
                Bw = xp.einsum("njd,nd->nj", L.basis, L.w)
                wq = xp.einsum("nkj,nj->nk", kb, Bw)
                J += PHASE_UNIT * wq / safe * I
            if moduli is not None:
                M = xp.abs(ops.zeros((n, K)))
                ops.add_at(M, L.parent, xp.abs(wgt) * moduli[j - 1][L.child])
            if series.any():
                fi, ki, Iser, Jser = _series_level(lv, k, series, want_j, tol.series_terms, ops)
                I[fi, ki] = Iser
                if J is not None and Jser is not None:
                    J[fi, ki] = Jser
                if moduli is not None:
                    M[fi, ki] = xp.abs(Iser)
            if len(lv.cone_face):
                Ic, Jc = _cone_transforms(lv, k, want_j, ops)
                cf = ops.asarray(lv.cone_face)
                I[cf] = 0
                ops.add_at(I, cf, Ic)
                if J is not None and Jc is not None:
                    J[cf] = 0
                    ops.add_at(J, cf, Jc)
                if moduli is not None:
                    M[cf] = 0
                    ops.add_at(M, cf, xp.abs(Ic))
            if moduli is not None:
                moduli.append(M)
        if moduli is not None and j < 2:
            moduli.append(xp.abs(I))
        Is.append(I)
        Js.append(J)
    return Is, Js


def _check_lineality(prep: PreparedPolytopes, k: FloatArray) -> None:
    for ci, L in enumerate(prep.lineality):
        if len(L):
            proj = np.linalg.norm(k @ L.T, axis=1)
            sing = proj <= prep.tol.singular * np.linalg.norm(k, axis=1)
            if np.any(sing):
                bad = int(np.argmax(sing))
                raise SingularFrequencyError(
                    f"k = {k[bad].tolist()} is orthogonal to the lineality space of polyhedron "
                    f"{ci}: its transform is a distribution supported there (no finite value)"
                )


def evaluate_levels(
    prep: PreparedPolytopes,
    k: FloatArray,
    *,
    affine: bool = False,
    backend: BackendName = "numpy",
    device: str | None = None,
) -> Iterator[tuple[slice, list[ComplexArray], list[ComplexArray | None]]]:
    """Yield ``(frequency slice, I per level, J per level)`` chunk by chunk (numpy arrays).

    ``I[j]`` has shape ``(n_faces_j, chunk)``: the transform of every ``j``-face of every
    cell. ``backend="torch"`` evaluates with torch on ``device`` (a GPU when present) and
    returns numpy arrays. Used by the network routes that need facet values.
    """
    _check_lineality(prep, k)
    ops = get_backend(backend, device)
    max_rows = max([len(lv.parent) for lv in prep.levels] + [len(lv.radius) for lv in prep.levels])
    chunk = max(1, _CHUNK_ENTRIES // max(max_rows, 1))
    if ops.name == "torch":
        chunk *= _TORCH_CHUNK_FACTOR
    for s in range(0, len(k), chunk):
        kc = ops.asarray(np.ascontiguousarray(k[s : s + chunk]))
        Is, Js = _evaluate_chunk(prep, kc, affine, ops)
        yield (
            slice(s, s + chunk),
            [ops.to_numpy(x) for x in Is],
            [None if x is None else ops.to_numpy(x) for x in Js],
        )


def evaluate_prepared(
    prep: PreparedPolytopes,
    k: FloatArray,
    *,
    affine: bool = False,
    backend: BackendName = "numpy",
    device: str | None = None,
) -> tuple[ComplexArray, ComplexArray | None]:
    """Return the transforms of every cell at frequencies ``k (K, d)``.

    Returns ``I (n_cells, K)`` (indicators) and, with ``affine=True``, ``J (n_cells, K)``
    (affine weights). Cells with lineality are 0 off their singular set.
    """
    K = len(k)
    I_out = np.zeros((prep.n_cells, K), complex)
    J_out = np.zeros((prep.n_cells, K), complex) if affine else None
    pointed = prep.top_level >= 0
    for sl, Is, Js in evaluate_levels(prep, k, affine=affine, backend=backend, device=device):
        for lev in np.unique(prep.top_level[pointed]):
            cells = np.flatnonzero(prep.top_level == lev)
            I_out[cells, sl] = Is[lev][prep.top_index[cells]]
            if J_out is not None:
                Jl = Js[lev]
                assert Jl is not None
                J_out[cells, sl] = Jl[prep.top_index[cells]]
    return I_out, J_out


def polytope_fourier(
    P: Polytope | Box,
    k: ArrayLike,
    *,
    tol: Tolerances = DEFAULT_TOLERANCES,
    backend: BackendName = "numpy",
    device: str | None = None,
) -> ComplexArray:
    r"""Fourier transform of the indicator of a polyhedron: :math:`\int_P e^{-ik\cdot x}dx`.

    Parameters
    ----------
    P : Polytope or Box
        Bounded or unbounded, full- or lower-dimensional (then the integral is with respect to
        the ``dim P``-dimensional volume on ``P``).
    k : array_like (..., d)
        Frequencies in radians per unit length.
    backend, device : str
        ``"numpy"`` (default) or ``"torch"`` on ``device`` (default: a GPU when present).

    Returns
    -------
    complex ndarray (...)

    Raises
    ------
    SingularFrequencyError
        For an unbounded ``P`` and ``k`` on its singular set (e.g. ``k = 0``).

    Examples
    --------
    >>> import numpy as np, spectral_exact as se
    >>> sq = se.Box([0, 0], [1, 1])
    >>> complex(se.polytope_fourier(sq, [0.0, 0.0]))
    (1+0j)
    >>> F = se.polytope_fourier(sq, [2.0, 0.0])                  # (1 - e^{-2i}) / (2i)
    >>> bool(np.isclose(F, (1 - np.exp(-2j)) / 2j))
    True
    """
    tolerances(tol)
    if not isinstance(P, PreparedPolytopes):
        polyhedron(P)
    prep = P if isinstance(P, PreparedPolytopes) else prepare_polytopes([P], tol=tol)
    kk, batch = as_frequencies(k, prep.ambient_dim)
    I, M = _first_cell_with_moduli(prep, kk, backend, device)
    _warn_cancellation(prep.ambient_dim, kk, I, M)
    return I.reshape(batch)


def _first_cell_with_moduli(
    prep: PreparedPolytopes, k: FloatArray, backend: BackendName, device: str | None
) -> tuple[ComplexArray, FloatArray]:
    """Transform of cell 0 at ``k`` and its recursion's sum of term moduli ``M`` (numpy)."""
    _check_lineality(prep, k)
    I_out = np.zeros(len(k), complex)
    M_out = np.zeros(len(k))
    lev, idx = int(prep.top_level[0]), int(prep.top_index[0])
    if lev < 0:  # a polyhedron with lineality: 0 off its singular set
        return I_out, M_out
    ops = get_backend(backend, device)
    max_rows = max([len(lv.parent) for lv in prep.levels] + [len(lv.radius) for lv in prep.levels])
    chunk = max(1, _CHUNK_ENTRIES // max(max_rows, 1))
    for s in range(0, len(k), chunk):
        kc = ops.asarray(np.ascontiguousarray(k[s : s + chunk]))
        Ms: list[BackendArray] = []
        Is, _ = _evaluate_chunk(prep, kc, False, ops, moduli=Ms)
        I_out[s : s + chunk] = ops.to_numpy(Is[lev][idx])
        M_out[s : s + chunk] = ops.to_numpy(Ms[lev][idx])
    return I_out, M_out


def _warn_cancellation(d: int, k: FloatArray, I: ComplexArray, M: FloatArray) -> None:
    r"""Warn where the recursion's cancellation leaves fewer than half the digits.

    The rounding error of a value of the Diaz-Le-Robins recursion is about
    ``ERROR_BOUND_FACTOR * u * (d + 1) * M`` (``u`` = unit roundoff, ``M`` = its sum of term
    moduli, :func:`_evaluate_chunk`): terms of size ``M`` cancel to ``|I|``. A cone of opening
    angle ``theta`` has ``M / |I| ~ 1 / theta`` (its two facet terms nearly cancel), so its
    value carries ``~ u / theta`` relative error; the same warning as
    :func:`~spectral_exact.network_fourier` (:class:`~spectral_exact.IllConditionedWarning`)
    names the worst ``k`` and the bound when it exceeds ``ILL_CONDITIONED_RTOL |I|``.
    """
    from .spectrum import ERROR_BOUND_FACTOR, ILL_CONDITIONED_RTOL

    bound = ERROR_BOUND_FACTOR * (float(np.finfo(float).eps) / 2) * (d + 1) * M
    bad = bound > ILL_CONDITIONED_RTOL * np.abs(I)
    if np.any(bad):
        with np.errstate(divide="ignore", invalid="ignore"):
            rel = np.where(bad, bound / np.abs(I), -1.0)
        worst = int(np.argmax(np.nan_to_num(rel, nan=np.inf)))
        warnings.warn(
            IllConditionedWarning(
                f"{int(bad.sum())} of {len(k)} frequencies have an estimated relative error "
                f"above ILL_CONDITIONED_RTOL = {ILL_CONDITIONED_RTOL:g} (worst: "
                f"{rel[worst]:.1e}, bound {bound[worst]:.1e} at k = {k[worst].tolist()}): the "
                "face recursion cancels there (a thin cone or face, or a near-zero of the "
                "transform)"
            ),
            stacklevel=3,
        )


def affine_polytope_fourier(
    P: Polytope | Box,
    w: ArrayLike,
    c: float,
    k: ArrayLike,
    *,
    tol: Tolerances = DEFAULT_TOLERANCES,
) -> ComplexArray:
    r""":math:`\int_P (w\cdot x + c)\, e^{-ik\cdot x}\, dx` in closed form (see module docs)."""
    tolerances(tol)
    Pp = P.to_polytope() if isinstance(P, Box) else polyhedron(P)
    wa = real_array(w, "w", InvalidPolytopeError)
    c = real_number(c, "c", InvalidPolytopeError)
    if wa.shape != (Pp.ambient_dim,):
        raise InvalidPolytopeError(
            f"w must be a finite vector of length {Pp.ambient_dim} and c finite; got {w!r}, {c!r}"
        )
    prep = prepare_polytopes([Pp], [(wa, float(c))], tol=tol)
    kk, batch = as_frequencies(k, Pp.ambient_dim)
    _, J = evaluate_prepared(prep, kk, affine=True)
    assert J is not None
    return J[0].reshape(batch)
