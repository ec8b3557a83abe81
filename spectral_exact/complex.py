r"""The polyhedral complex of a network's linear regions, array-native and deduplicated.

Neighbouring linear regions share faces: a kink facet separates two regions, a vertex of a
2-D net belongs to about four. :func:`complex_from_arrays` reads the flat region tables of
:class:`~spectral_exact.regions.RegionArrays` and stores every distinct vertex, ray and face
once, with CSR child lists (face -> its facets, with outward normals inside the face's affine
hull), per-face geometry (relative-interior point, orthonormal basis, radius, boundedness),
which regions share each facet (with each region's outward normal there) and each region's
top face. The Fourier engine evaluates each distinct face once per frequency
(:mod:`spectral_exact.fourier._fused`).

**Deduplication only saves work; correctness never depends on it.** Vertices closer than
``tol.geometry`` times the coordinate scale (the largest absolute coordinate: relative, never
an absolute floor) are merged, faces by their sets of vertex (and ray) ids. Should two copies
of one point fail to merge, they stay distinct vertices, and so do the faces through them.
Nothing breaks:

* the Laplacian route sums over ``(region, facet)`` pairs with coefficient
  :math:`w_R\cdot n_{R,G}` (Green's identity region by region, exact for each pair); merging
  only adds the coefficients of pairs that share a facet, so an unmerged copy is evaluated
  with its own coefficient and the sum is the same;
* the boundary term :math:`J_G = \int_G f e^{-ik\cdot x}` is intrinsic to the face because
  ``f`` is continuous, so the affine weight of any region containing ``G`` gives it.

Merged vertices take the coordinates of their first copy; copies agree to a few ulps (the
enumerator computes each vertex from the same hyperplanes), far below ``tol.geometry``.

Regions enumerated by the global edge subdivision (:mod:`spectral_exact._subdivision`:
``linear_regions`` in ``d >= 3`` on a simple bounded domain, general position) bring their
complex along: vertices, edges and faces are identified by their sign vectors (exact, no
merging), and faces of every dimension are built for every ``d``. From other region arrays
faces of every dimension are built for ``d <= 3``; for ``d >= 4`` the complex then holds the
vertices, the regions and their facets (the levels in between are left empty). The engine's
level routes (:mod:`spectral_exact.fourier.indicator`) run over the complex when it has every
level and region by region otherwise.

References
----------
A. Berzins, "Polyhedral complex extraction from ReLU networks using edge subdivision", Proc.
40th ICML, PMLR 202 (2023). doi:10.48550/arXiv.2306.07212
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ._tolerances import DEFAULT_TOLERANCES, TINY, Tolerances
from ._types import FloatArray, IntArray
from .regions import RegionArrays

__all__ = ["FaceLevel", "PolyhedralComplex", "complex_from_arrays"]


@dataclass(frozen=True, eq=False)
class FaceLevel:
    """The distinct ``dim``-faces of a complex (arrays indexed by face id).

    Attributes
    ----------
    dim : int
    vertex_ptr, vertex_idx : int arrays (n + 1,), (nnz,)
        CSR: the vertex ids of face ``i`` are ``vertex_idx[vertex_ptr[i]:vertex_ptr[i+1]]``
        (sorted).
    ray_ptr, ray_idx : int arrays
        CSR of the ray ids of each face (empty for bounded faces).
    child_ptr, child_idx, child_normal : arrays (n + 1,), (c,), (c, d)
        CSR of the facets of each face (ids in level ``dim - 1``) with the unit outward
        normal of the face at that facet, in the face's direction space. Empty for vertices.
    point : array (n, d)
        Vertex mean (bounded faces) or the first vertex (unbounded faces).
    basis : array (n, dim, d)
        Orthonormal basis of the face's direction space.
    radius : array (n,)
        Largest distance from ``point`` to a vertex.
    bounded : bool array (n,)
    """

    dim: int
    vertex_ptr: IntArray
    vertex_idx: IntArray
    ray_ptr: IntArray
    ray_idx: IntArray
    child_ptr: IntArray
    child_idx: IntArray
    child_normal: FloatArray
    point: FloatArray
    basis: FloatArray
    radius: FloatArray
    bounded: NDArray[np.bool_]

    @property
    def n(self) -> int:
        """Number of faces."""
        return int(self.vertex_ptr.shape[0] - 1)

    def vertices_of(self, i: int) -> IntArray:
        """Vertex ids of face ``i``."""
        return self.vertex_idx[self.vertex_ptr[i] : self.vertex_ptr[i + 1]]

    def children_of(self, i: int) -> IntArray:
        """Ids (in level ``dim - 1``) of the facets of face ``i``."""
        return self.child_idx[self.child_ptr[i] : self.child_ptr[i + 1]]


@dataclass(frozen=True, eq=False)
class PolyhedralComplex:
    """Distinct vertices, rays and faces of a collection of regions, with their incidences.

    Build with :func:`complex_from_arrays`.

    Attributes
    ----------
    dim : int
        Ambient dimension ``d``.
    vertices : array (n_vertices, d)
    rays : array (n_rays, d)
        Distinct unit extreme rays (empty on a bounded domain).
    levels : tuple of FaceLevel
        ``levels[j]`` holds the distinct ``j``-faces, ``j = 0..d``; ``levels[d]`` are the
        (pointed) regions themselves.
    vertex_of_row : int array (N,)
        Vertex id of every row of ``RegionArrays.vertices``.
    facet_of_row : int array (M,)
        Facet id (in ``levels[d - 1]``) of every facet row of the regions (-1 for facets of
        regions with lineality, which are not faces of the complex).
    region_of_row : int array (M,)
        Region owning each facet row.
    facet_normal : array (M, d)
        Outward unit normal of the region at each facet row (``RegionArrays.facet_A``).
    region_face : int array (n_regions,)
        Id of each region's top face in ``levels[d]`` (-1: the region contains a line).
    weight, bias : arrays (n_regions, d), (n_regions,)
        ``f(x) = weight[r] @ x + bias[r]`` on region ``r``.
    scale : float
        The coordinate scale used for merging vertices.
    region_of_vertex_row : int array (N,)
        Region owning each row of ``RegionArrays.vertices``.
    """

    dim: int
    vertices: FloatArray
    rays: FloatArray
    levels: tuple[FaceLevel, ...]
    vertex_of_row: IntArray
    facet_of_row: IntArray
    region_of_row: IntArray
    facet_normal: FloatArray
    region_face: IntArray
    weight: FloatArray
    bias: FloatArray
    scale: float
    region_of_vertex_row: IntArray

    @property
    def n_vertices(self) -> int:
        """Number of distinct vertices."""
        return int(self.vertices.shape[0])

    @property
    def n_regions(self) -> int:
        """Number of regions."""
        return int(self.region_face.shape[0])

    @property
    def is_pointed(self) -> bool:
        """True when no region contains a line (every region is a face of the complex)."""
        return bool(np.all(self.region_face >= 0))

    def face_counts(self) -> tuple[int, ...]:
        """Return the number of distinct faces of each dimension ``0..d``."""
        return tuple(lv.n for lv in self.levels)

    def facet_regions(self, facet: int) -> IntArray:
        """Regions having ``facet`` (an id in ``levels[d - 1]``) as a facet."""
        return self.region_of_row[self.facet_of_row == facet]

    def vertex_values(self) -> FloatArray:
        """``f`` at every vertex (from the first region containing it; ``f`` is continuous)."""
        n = self.n_vertices
        first = np.full(n, -1, dtype=np.int64)
        rows = np.arange(len(self.vertex_of_row))[::-1]
        first[self.vertex_of_row[rows]] = rows  # the last write is the first row
        reg = self.region_of_vertex_row[first]
        return np.einsum("nd,nd->n", self.weight[reg], self.vertices) + self.bias[reg]


def _csr(groups: list[list[int]] | list[tuple[int, ...]]) -> tuple[IntArray, IntArray]:
    counts = np.fromiter((len(g) for g in groups), dtype=np.int64, count=len(groups))
    ptr = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    idx = (
        np.fromiter((x for g in groups for x in g), dtype=np.int64, count=int(ptr[-1]))
        if len(groups)
        else np.zeros(0, np.int64)
    )
    return ptr, idx


def _merge_ids(X: FloatArray, quantum: float) -> tuple[IntArray, IntArray]:
    """``(first_row_of_id, id_of_row)``: rows within ``quantum`` (max-norm) of each other merged.

    Pairs closer than ``quantum`` are merged transitively (connected components), so two
    copies of a point never stay apart because they straddle a grid cell. Ids are numbered in
    order of first appearance. Rows are first grouped by their cell of the grid of spacing
    ``quantum`` (rows in one cell are within ``quantum``, so in one component); a k-d tree
    on one row per cell finds the cells closer than ``3 quantum`` (a superset of the cells
    holding a pair within ``quantum``), and those candidate pairs are decided exactly on
    their rows. The result is that of the k-d tree on every row (:func:`_merge_rows`).
    """
    n = len(X)
    if n == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    with np.errstate(over="ignore", invalid="ignore"):
        C = np.floor(X / quantum) if quantum > 0 else np.full_like(X, np.nan)
    if quantum <= 0 or not np.all(np.abs(C) < 2.0**62):
        return _merge_rows(X, quantum)
    C = C.astype(np.int64)
    # group rows by cell: sort by a hash of the cell, check every group, lexsort on collision
    h = np.zeros(n, np.uint64)
    for i, r in enumerate(_hash_table(C.shape[1], 7).tolist()):
        h = h * np.uint64(0x9E3779B97F4A7C15) + C[:, i].view(np.uint64) * np.uint64(r)
    o = np.argsort(h, kind="stable")
    hs = h[o]
    new = np.r_[True, hs[1:] != hs[:-1]]
    Cs = C[o]
    if np.any(Cs != Cs[np.flatnonzero(new)[np.cumsum(new) - 1]]):  # pragma: no cover
        o = np.lexsort(C.T[::-1])
        Cs = C[o]
        new = np.r_[True, np.any(Cs[1:] != Cs[:-1], axis=1)]
    cell = np.empty(n, np.int64)
    cell[o] = np.cumsum(new) - 1
    n_cell = int(new.sum())
    rep = o[new]  # one row per cell
    # candidate cells: representatives within 3 quantum (a row is less than one quantum from
    # its cell's representative); decide on their rows exactly
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components
    from scipy.spatial import cKDTree

    cand = cKDTree(X[rep]).query_pairs(3.0 * quantum, p=np.inf, output_type="ndarray")
    links = np.zeros((0, 2), np.int64)
    if len(cand):
        start = np.flatnonzero(new)  # rows of cell c: o[start[c] : start[c] + size[c]]
        size = np.diff(np.r_[start, n])
        ca, cb = cand[:, 0], cand[:, 1]
        na, nb = size[ca], size[cb]
        pair = np.repeat(np.arange(len(ca)), na * nb)
        k = np.arange(int((na * nb).sum())) - np.repeat(np.cumsum(na * nb) - na * nb, na * nb)
        ra = o[start[ca][pair] + k // nb[pair]]
        rb = o[start[cb][pair] + k % nb[pair]]
        close = np.max(np.abs(X[ra] - X[rb]), axis=1) <= quantum
        links = cand[np.unique(pair[close])]
    g = coo_matrix((np.ones(len(links)), (links[:, 0], links[:, 1])), shape=(n_cell, n_cell))
    _, comp_cell = connected_components(g, directed=False)
    comp = comp_cell[cell]
    first = np.full(int(comp.max()) + 1, n, dtype=np.int64)
    np.minimum.at(first, comp, np.arange(n))
    order = np.argsort(first, kind="stable")
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    return first[order], rank[comp].astype(np.int64)


def _merge_rows(X: FloatArray, quantum: float) -> tuple[IntArray, IntArray]:
    """:func:`_merge_ids` without the grouping of equal rows (k-d tree on every row)."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components
    from scipy.spatial import cKDTree

    n = len(X)
    pairs = cKDTree(X).query_pairs(quantum, p=np.inf, output_type="ndarray")
    g = coo_matrix((np.ones(len(pairs)), (pairs[:, 0], pairs[:, 1])), shape=(n, n))
    _, comp = connected_components(g, directed=False)
    first = np.full(comp.max() + 1, n, dtype=np.int64)
    np.minimum.at(first, comp, np.arange(n))
    order = np.argsort(first, kind="stable")
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    return first[order], rank[comp].astype(np.int64)


def _orthonormal(vectors: FloatArray, d: int, rank_tol: float) -> FloatArray:
    if len(vectors) == 0:
        return np.zeros((0, d))
    _, s, vt = np.linalg.svd(vectors, full_matrices=False)
    r = int(np.sum(s > rank_tol * max(float(s[0]), TINY)))
    return vt[:r]


class _LevelBuilder:
    """Accumulates distinct faces of one dimension keyed by their (vertex, ray) id sets."""

    def __init__(self, dim: int, d: int) -> None:
        self.dim = dim
        self.d = d
        self.index: dict[tuple[tuple[int, ...], tuple[int, ...]], int] = {}
        self.verts: list[tuple[int, ...]] = []
        self.rays: list[tuple[int, ...]] = []
        self.children: list[list[int]] = []
        self.normals: list[list[FloatArray]] = []
        #: CSR (ptr, idx, normals) of the children, when built in bulk (replaces the lists)
        self.child_csr: tuple[IntArray, IntArray, FloatArray] | None = None

    def get(self, vs: tuple[int, ...], rs: tuple[int, ...]) -> tuple[int, bool]:
        key = (vs, rs)
        i = self.index.get(key)
        if i is not None:
            return i, False
        i = len(self.verts)
        self.index[key] = i
        self.verts.append(vs)
        self.rays.append(rs)
        self.children.append([])
        self.normals.append([])
        return i, True

    def finish(
        self, V: FloatArray, R: FloatArray, rank_tol: float, normal: FloatArray | None = None
    ) -> FaceLevel:
        """Arrays of the level; ``normal`` (n, d): unit normals of hyperplane faces (j = d-1)."""
        vptr, vidx = _csr(self.verts)
        rptr, ridx = _csr(self.rays)
        if self.child_csr is not None:
            cptr, cidx, cnormal = self.child_csr
        else:
            cptr, cidx = _csr(self.children)
            cn = [x for g in self.normals for x in g]
            cnormal = np.array(cn, dtype=float).reshape(-1, self.d)
        return _face_level(self.dim, self.d, (vptr, vidx), (rptr, ridx), (cptr, cidx, cnormal),
                           V, R, rank_tol, normal)  # fmt: skip


def _face_level(
    j: int,
    d: int,
    verts: tuple[IntArray, IntArray],
    rays: tuple[IntArray, IntArray],
    children: tuple[IntArray, IntArray, FloatArray],
    V: FloatArray,
    R: FloatArray,
    rank_tol: float,
    normal: FloatArray | None = None,
    basis: FloatArray | None = None,
) -> FaceLevel:
    """Build a :class:`FaceLevel` from the CSR vertex, ray and child lists of its faces.

    The level carries the faces' geometry (point, basis, radius); ``normal`` (n, d): unit
    normals when ``j = d - 1``; ``basis`` (n, j, d): orthonormal bases of the faces'
    direction spaces when known (else computed from the vertices and rays).
    """
    given_basis = basis
    vptr, vidx = verts
    rptr, ridx = rays
    cptr, cidx, cnormal = children
    n = len(vptr) - 1
    bounded = np.diff(rptr) == 0
    point = np.zeros((n, d))
    basis = np.zeros((n, j, d))
    radius = np.zeros(n)
    if n and j == 0:
        point = V[vidx[vptr[:-1]]]
    elif n:
        from ._subdivision_kernels import face_point_radius

        point, radius = face_point_radius(vptr, vidx, np.ascontiguousarray(V, dtype=float),
                                          bounded)  # fmt: skip
        if j == d:
            basis[:] = np.eye(d)
        elif j == 1:
            u = np.zeros((n, d))
            u[bounded] = (V[vidx[vptr[1:] - 1]] - V[vidx[vptr[:-1]]])[bounded]
            u[~bounded] = R[ridx[rptr[:-1][~bounded]]]
            un = np.linalg.norm(u, axis=1, keepdims=True)
            # a degenerate edge (one vertex, no ray: its ends merged) keeps a zero basis
            basis[:, 0] = u / np.where(un > 0, un, 1.0)
        elif j == d - 1 and normal is not None:
            basis[:] = _complement(normal)
        elif given_basis is not None:
            basis[:] = given_basis
        else:  # pragma: no cover - the array routes build no middle levels of d >= 4
            for i in range(n):
                Pi = V[vidx[vptr[i] : vptr[i + 1]]]
                dirs = np.concatenate([Pi[1:] - Pi[0], R[ridx[rptr[i] : rptr[i + 1]]]])
                B = _orthonormal(dirs, d, rank_tol)
                basis[i, : len(B)] = B[:j]
    return FaceLevel(j, vptr, vidx, rptr, ridx, cptr, cidx, cnormal, point, basis, radius,
                     bounded)  # fmt: skip


def _complement(a: FloatArray) -> FloatArray:
    """Orthonormal bases ``(n, d-1, d)`` of the hyperplanes with unit normals ``a (n, d)``.

    The Householder reflection ``H`` that maps ``a`` to ``-+e_m`` (``m`` = largest entry) is
    symmetric and orthogonal; its rows other than ``m`` span ``a``'s orthogonal complement.
    """
    n, d = a.shape
    m = np.argmax(np.abs(a), axis=1)
    v = a.copy()
    v[np.arange(n), m] += np.where(a[np.arange(n), m] >= 0, 1.0, -1.0)
    H = np.eye(d)[None] - 2.0 * v[:, :, None] * v[:, None, :] / np.sum(v * v, 1)[:, None, None]
    keep = np.array([[i for i in range(d) if i != mm] for mm in range(d)], dtype=np.int64)
    return H[np.arange(n)[:, None], keep[m]]


def _complex_from_arrays_reference(
    arrays: RegionArrays, tol: Tolerances = DEFAULT_TOLERANCES
) -> PolyhedralComplex:
    """Build the complex by the reference route of :func:`complex_from_arrays`.

    Faces are keyed by Python tuples of their vertex ids, region by region (kept as the
    independent check of the array route).

    Deduplicate the faces of all regions of ``arrays`` into one :class:`PolyhedralComplex`.

    Parameters
    ----------
    arrays : RegionArrays
        Flat region tables (``Regions.arrays``).
    tol : Tolerances
        ``tol.geometry`` times the coordinate scale is the merge quantum for vertices (and
        ``tol.geometry`` for unit rays); ``tol.rank`` the rank threshold of face bases.

    Examples
    --------
    >>> import numpy as np, spectral_exact as se
    >>> from spectral_exact.complex import _complex_from_arrays_reference as complex_from_arrays
    >>> net = se.ReLUNetwork([np.array([[1.0, 0.0], [0.0, 1.0]]), np.ones((1, 2))],
    ...                      [np.zeros(2), np.zeros(1)])      # relu(x) + relu(y): 4 quadrants
    >>> cx = complex_from_arrays(se.linear_regions(net, se.Box([-1, -1], [1, 1])).arrays)
    >>> cx.face_counts()                                     # V, E, F of a 2x2 grid of squares
    (9, 12, 4)
    """
    A = arrays
    d = A.dim
    n_reg = A.n_regions
    V_all, R_all = A.vertices, A.rays
    scale = float(np.max(np.abs(V_all))) if len(V_all) else 1.0
    scale = scale if scale > 0 else 1.0
    vfirst, vid = _merge_ids(V_all, tol.geometry * scale)
    rfirst, rid = _merge_ids(R_all, tol.geometry)
    V = V_all[vfirst]
    R = R_all[rfirst] if len(R_all) else np.zeros((0, d))
    region_of_vrow = np.repeat(np.arange(n_reg), np.diff(A.vertex_offset))
    region_of_frow = np.repeat(np.arange(n_reg), np.diff(A.facet_offset)).astype(np.int64)
    pointed = np.diff(A.lineality_offset) == 0

    # element sets of every facet row: sorted vertex ids, sorted ray ids
    M = len(A.facet_A)
    fv: list[list[int]] = [[] for _ in range(M)]
    for v, f in zip(vid[A.incidence[:, 0]].tolist(), A.incidence[:, 1].tolist(), strict=True):
        fv[f].append(v)
    fr: list[list[int]] = [[] for _ in range(M)]
    for r, f in zip(rid[A.ray_incidence[:, 0]].tolist(), A.ray_incidence[:, 1].tolist(),
                    strict=True):  # fmt: skip
        fr[f].append(r)
    fkey = [(tuple(sorted(set(a))), tuple(sorted(set(b)))) for a, b in zip(fv, fr, strict=True)]

    builders = [_LevelBuilder(j, d) for j in range(d + 1)]
    for v in range(len(V)):  # vertex ids of level 0 are the merged vertex ids
        builders[0].get((v,), ())
    facet_of_row = np.full(M, -1, dtype=np.int64)
    region_face = np.full(n_reg, -1, dtype=np.int64)
    top = builders[d]
    fac = builders[d - 1]
    FA = A.facet_A
    for r in range(n_reg):
        if not pointed[r]:
            continue
        f0, f1 = int(A.facet_offset[r]), int(A.facet_offset[r + 1])
        v0, v1 = int(A.vertex_offset[r]), int(A.vertex_offset[r + 1])
        q0, q1 = int(A.ray_offset[r]), int(A.ray_offset[r + 1])
        vs = tuple(sorted(set(vid[v0:v1].tolist())))
        rs = tuple(sorted(set(rid[q0:q1].tolist())))
        t, _ = top.get(vs, rs)
        region_face[r] = t
        for f in range(f0, f1):
            g, new = fac.get(*fkey[f])
            facet_of_row[f] = g
            top.children[t].append(g)
            top.normals[t].append(FA[f])
            if not new or d == 3:
                continue
            _add_facet_children(builders, d, g, f, f0, f1, fkey, FA, V, R)
    # unit normal of every facet face: its first region's outward normal
    first = np.full(len(fac.verts), M, dtype=np.int64)
    ok = facet_of_row >= 0
    np.minimum.at(first, facet_of_row[ok], np.flatnonzero(ok))
    if d == 3 and not _edges_3d(A, vid, rid, facet_of_row, first, V, R, builders):
        # pragma: no cover - an edge with more than two elements: the general path
        for r in range(n_reg):
            f0, f1 = int(A.facet_offset[r]), int(A.facet_offset[r + 1])
            for f in range(f0, f1):
                if pointed[r] and first[facet_of_row[f]] == f:
                    _add_facet_children(builders, d, facet_of_row[f], f, f0, f1, fkey, FA, V, R)
    fnormal = FA[first] if len(first) else np.zeros((0, d))
    levels = tuple(b.finish(V, R, tol.rank, fnormal if b.dim == d - 1 else None) for b in builders)
    return PolyhedralComplex(
        dim=d,
        vertices=V,
        rays=R,
        levels=levels,
        vertex_of_row=vid,
        facet_of_row=facet_of_row,
        region_of_row=region_of_frow,
        facet_normal=FA,
        region_face=region_face,
        weight=A.weight,
        bias=A.bias,
        scale=scale,
        region_of_vertex_row=region_of_vrow.astype(np.int64),
    )


#: fixed random 64-bit words hashing a face's vertex-id set (a hash only groups candidates:
#: every group is then compared element by element)
_HASH_WORDS = 2


def _hash_table(n: int, seed: int) -> NDArray[np.uint64]:
    return np.random.default_rng(seed).integers(0, 2**63, size=n, dtype=np.int64).astype(np.uint64)


def _group_sets(
    owner: IntArray, elem: IntArray, n_owner: int, n_elem: int, select: NDArray[np.bool_]
) -> tuple[IntArray, IntArray, IntArray, IntArray] | None:
    """Sorted element sets of owners and ids of the distinct sets among the selected owners.

    ``(owner, elem)`` pairs (duplicates allowed) give each owner the set of its elements.
    Returns ``(ptr, idx, id_of_owner, first_owner_of_id)``: the CSR of the sorted sets, the id
    of each selected owner's set (-1 for the others; ids in order of first appearance) and
    the first owner of each id. Sets are grouped by a sum of random words per element and
    then compared entry by entry; ``None`` if two different sets collided (never seen; the
    caller then takes the reference route).
    """
    key = np.sort(owner.astype(np.int64) * n_elem + elem)
    key = key[np.r_[True, key[1:] != key[:-1]]] if len(key) else key
    own, el = key // n_elem, key % n_elem
    cnt = np.bincount(own, minlength=n_owner)
    ptr = np.concatenate([[0], np.cumsum(cnt)]).astype(np.int64)
    hashes = []
    for w in range(_HASH_WORDS):
        cs = np.concatenate([[np.uint64(0)], np.cumsum(_hash_table(n_elem, w)[el])])
        hashes.append(cs[ptr[1:]] - cs[ptr[:-1]])  # sums mod 2^64 of each set
    sel = np.flatnonzero(select)
    order = sel[np.lexsort((*(hh[sel] for hh in hashes), cnt[sel]))]
    if len(order):
        o_cnt = cnt[order]
        new = np.r_[True, o_cnt[1:] != o_cnt[:-1]]
        for hh in hashes:
            ho = hh[order]
            new[1:] |= ho[1:] != ho[:-1]
        grp = np.cumsum(new) - 1
        # number groups in order of their first (smallest) owner
        first = np.full(int(grp[-1]) + 1, n_owner, np.int64)
        np.minimum.at(first, grp, order)
        rank = np.empty(len(first), np.int64)
        rank[np.argsort(first, kind="stable")] = np.arange(len(first))
        gid = rank[grp]
        first_owner = np.sort(first)
    else:
        gid = np.zeros(0, np.int64)
        first_owner = np.zeros(0, np.int64)
    id_of_owner = np.full(n_owner, -1, np.int64)
    id_of_owner[order] = gid
    # verify: every owner's set equals its group's first owner's set, entry by entry
    rep = first_owner[gid]
    pos, _ = _ranges(ptr[order], cnt[order])
    pos_rep, _ = _ranges(ptr[rep], cnt[order])
    if not np.array_equal(el[pos], el[pos_rep]):
        return None
    return ptr, el, id_of_owner, first_owner


def _ranges(st: IntArray, c: IntArray) -> tuple[IntArray, IntArray]:
    """Concatenated index ranges ``[st_i, st_i + c_i)`` and the offset of each in the result."""
    off = np.cumsum(c) - c
    return np.repeat(st - off, c) + np.arange(int(c.sum())), off


def _split_csr(
    ptr: IntArray, idx: IntArray, rows: IntArray, n_vert: int
) -> tuple[tuple[IntArray, IntArray], tuple[IntArray, IntArray]]:
    """Split the sets ``rows`` of a CSR over ``[vertices | n_vert + rays]`` into two CSRs.

    Returns a vertex CSR and a ray CSR (both sorted).
    """
    pos, _ = _ranges(ptr[rows], np.diff(ptr)[rows])
    own = np.repeat(np.arange(len(rows)), np.diff(ptr)[rows])
    e = idx[pos]
    isv = e < n_vert
    vptr = np.concatenate([[0], np.cumsum(np.bincount(own[isv], minlength=len(rows)))])
    rptr = np.concatenate([[0], np.cumsum(np.bincount(own[~isv], minlength=len(rows)))])
    return (vptr.astype(np.int64), e[isv]), (rptr.astype(np.int64), e[~isv] - n_vert)


#: region arrays made by the global edge subdivision (``_subdivision``), with what their complex
#: is built from (weak keys: an entry lives as long as its arrays)
_SKELETONS: weakref.WeakKeyDictionary[RegionArrays, Any] = weakref.WeakKeyDictionary()


def register_skeleton(arrays: RegionArrays, extra: Any) -> None:
    """Remember that ``arrays`` came from the global edge subdivision (see ``_subdivision``)."""
    _SKELETONS[arrays] = extra


def complex_from_arrays(
    arrays: RegionArrays, tol: Tolerances = DEFAULT_TOLERANCES
) -> PolyhedralComplex:
    """Deduplicate the faces of all regions of ``arrays`` into one :class:`PolyhedralComplex`.

    Arrays made by the global edge subdivision (``linear_regions`` in ``d >= 3`` on a simple
    bounded domain in general position, :mod:`spectral_exact._subdivision`) get the complex
    built from their sign vectors: vertex ids are the subdivision's (no merging: exact),
    every level is built for every ``d``. Otherwise vertices are merged as described in the
    module docs; faces are then identified by their
    sets of vertex (and ray) ids with array operations only (sorted integer keys, hashed and
    checked entry by entry), never by geometry. The result is identical, array for array, to
    the region-by-region reference route (``_complex_from_arrays_reference``), which is also
    taken for ``d = 1`` and for the degenerate 3-D edges it handles alone.

    Parameters
    ----------
    arrays : RegionArrays
        Flat region tables (``Regions.arrays``).
    tol : Tolerances
        ``tol.geometry`` times the coordinate scale is the merge quantum for vertices (and
        ``tol.geometry`` for unit rays); ``tol.rank`` the rank threshold of face bases.

    Examples
    --------
    >>> import numpy as np, spectral_exact as se
    >>> from spectral_exact.complex import complex_from_arrays
    >>> net = se.ReLUNetwork([np.array([[1.0, 0.0], [0.0, 1.0]]), np.ones((1, 2))],
    ...                      [np.zeros(2), np.zeros(1)])      # relu(x) + relu(y): 4 quadrants
    >>> cx = complex_from_arrays(se.linear_regions(net, se.Box([-1, -1], [1, 1])).arrays)
    >>> cx.face_counts()                                     # V, E, F of a 2x2 grid of squares
    (9, 12, 4)
    """
    A = arrays
    d = A.dim
    extra = _SKELETONS.get(A)
    if extra is not None and extra.tol == tol:
        from ._subdivision import complex_from_skeleton

        cx = complex_from_skeleton(A, extra)
        if cx is not None:
            return cx
    if d < 2:
        return _complex_from_arrays_reference(A, tol)
    n_reg = A.n_regions
    V_all, R_all = A.vertices, A.rays
    scale = float(np.max(np.abs(V_all))) if len(V_all) else 1.0
    scale = scale if scale > 0 else 1.0
    vfirst, vid = _merge_ids(V_all, tol.geometry * scale)
    rfirst, rid = _merge_ids(R_all, tol.geometry)
    V = V_all[vfirst]
    R = R_all[rfirst] if len(R_all) else np.zeros((0, d))
    nV, nR = len(V), len(R)
    n_el = max(1, nV + nR)
    region_of_vrow = np.repeat(np.arange(n_reg), np.diff(A.vertex_offset)).astype(np.int64)
    region_of_rrow = np.repeat(np.arange(n_reg), np.diff(A.ray_offset)).astype(np.int64)
    region_of_frow = np.repeat(np.arange(n_reg), np.diff(A.facet_offset)).astype(np.int64)
    pointed = np.diff(A.lineality_offset) == 0
    M = len(A.facet_A)
    FA = A.facet_A
    # regions (top faces): sets of their vertex and ray ids
    top = _group_sets(
        np.concatenate([region_of_vrow, region_of_rrow]),
        np.concatenate([vid, nV + rid]),
        n_reg,
        n_el,
        pointed,
    )
    # facet rows of pointed regions: sets of the vertices and rays on them
    frow_sel = pointed[region_of_frow]
    fac = _group_sets(
        np.concatenate([A.incidence[:, 1], A.ray_incidence[:, 1]]),
        np.concatenate([vid[A.incidence[:, 0]], nV + rid[A.ray_incidence[:, 0]]]),
        M,
        n_el,
        frow_sel,
    )
    if top is None or fac is None:  # pragma: no cover - a 128-bit hash collision
        return _complex_from_arrays_reference(A, tol)
    tptr, tidx, region_face, tfirst = top
    if len(tfirst) != int(pointed.sum()):
        # two regions with one vertex set: the reference route merges them the same way
        return _complex_from_arrays_reference(A, tol)  # pragma: no cover
    fptr, fidx, facet_of_row, first = fac
    nF = len(first)
    # children of the regions: their facet rows in order, with the outward normals
    trows = np.flatnonzero(frow_sel)
    tchild_ptr = np.concatenate([[0], np.cumsum(np.bincount(region_face[region_of_frow[trows]],
                                                            minlength=len(tfirst)))])  # fmt: skip
    tchildren = (tchild_ptr.astype(np.int64), facet_of_row[trows], FA[trows])
    fnormal = FA[first] if nF else np.zeros((0, d))
    fverts, frays = _split_csr(fptr, fidx, first, nV)
    empty_children = (np.zeros(1, np.int64), np.zeros(0, np.int64), np.zeros((0, d)))
    levels: list[FaceLevel] = []
    vlevel = (np.arange(nV + 1, dtype=np.int64), np.arange(nV, dtype=np.int64))
    no_rays = (np.zeros(nV + 1, np.int64), np.zeros(0, np.int64))
    vchildren = (np.zeros(nV + 1, np.int64), np.zeros(0, np.int64), np.zeros((0, d)))
    levels.append(_face_level(0, d, vlevel, no_rays, vchildren, V, R, tol.rank))
    if d == 2:
        fchildren = _edge_children(fverts, frays, V, R)
    elif d == 3:
        e3 = _edges_3d_arrays(A, vid, rid, facet_of_row, first, V, R, nF)
        if e3 is None:  # pragma: no cover - an edge with more than two elements
            return _complex_from_arrays_reference(A, tol)
        everts, erays, echildren, fchildren = e3
        levels.append(_face_level(1, d, everts, erays, echildren, V, R, tol.rank))
    else:
        fchildren = (np.zeros(nF + 1, np.int64), np.zeros(0, np.int64), np.zeros((0, d)))
        for j in range(1, d - 1):  # middle levels of d >= 4 are not built
            z = (np.zeros(1, np.int64), np.zeros(0, np.int64))
            levels.append(_face_level(j, d, z, z, empty_children, V, R, tol.rank))
    levels.append(_face_level(d - 1, d, fverts, frays, fchildren, V, R, tol.rank, fnormal))
    tverts, trays = _split_csr(tptr, tidx, tfirst, nV)
    levels.append(_face_level(d, d, tverts, trays, tchildren, V, R, tol.rank))
    return PolyhedralComplex(
        dim=d,
        vertices=V,
        rays=R,
        levels=tuple(levels),
        vertex_of_row=vid,
        facet_of_row=facet_of_row,
        region_of_row=region_of_frow,
        facet_normal=FA,
        region_face=region_face,
        weight=A.weight,
        bias=A.bias,
        scale=scale,
        region_of_vertex_row=region_of_vrow,
    )


def _edge_children(
    verts: tuple[IntArray, IntArray], rays: tuple[IntArray, IntArray], V: FloatArray, R: FloatArray
) -> tuple[IntArray, IntArray, FloatArray]:
    """Return the end vertices of edges with their outward normals.

    ``-u`` at the first (smallest id) vertex, ``+u`` at the last, or ``-r`` at the only vertex
    of a ray edge (the rule of :func:`_add_edge_children`, vectorised).
    """
    vptr, vidx = verts
    rptr, ridx = rays
    n, d = len(vptr) - 1, V.shape[1]
    nv, nr = np.diff(vptr), np.diff(rptr)
    two = nv >= 2
    ray = (nv == 1) & (nr >= 1)
    nb = np.where(two, 2, np.where(ray, 1, 0)).astype(np.int64)
    cptr = np.concatenate([[0], np.cumsum(nb)]).astype(np.int64)
    cidx = np.empty(int(cptr[-1]), np.int64)
    cnrm = np.empty((int(cptr[-1]), d))
    i2 = np.flatnonzero(two)
    a, b = vidx[vptr[i2]], vidx[vptr[i2 + 1] - 1]
    u = V[b] - V[a]
    u = u / np.linalg.norm(u, axis=1, keepdims=True)
    cidx[cptr[i2]], cnrm[cptr[i2]] = a, -u
    cidx[cptr[i2] + 1], cnrm[cptr[i2] + 1] = b, u
    i1 = np.flatnonzero(ray)
    cidx[cptr[i1]] = vidx[vptr[i1]]
    cnrm[cptr[i1]] = -R[ridx[rptr[i1]]] if len(i1) else np.zeros((0, d))
    assert n == len(nb)
    return cptr, cidx, cnrm


def _edges_3d(A, vid, rid, facet_of_row, first, V, R, builders) -> bool:
    """:func:`_edges_3d_arrays` written into the level builders; False if it gives up."""
    out = _edges_3d_arrays(A, vid, rid, facet_of_row, first, V, R, len(builders[2].verts))
    if out is None:
        return False
    (vptr, vidx), (rptr, ridx), echildren, fchildren = out
    edges = builders[1]
    edges.verts = [tuple(vidx[vptr[i] : vptr[i + 1]].tolist()) for i in range(len(vptr) - 1)]
    edges.rays = [tuple(ridx[rptr[i] : rptr[i + 1]].tolist()) for i in range(len(rptr) - 1)]
    edges.child_csr = echildren
    builders[2].child_csr = fchildren
    return True


def _edges_3d_arrays(A, vid, rid, facet_of_row, first, V, R, nF):
    """Edges of the polygons of a 3-D complex, vectorised; None if some edge is degenerate.

    Two facets of a region meet in an edge when they share two elements (two vertices, or a
    vertex and a ray): the pairs are read off the (element, facet) incidences. Each distinct
    polygon takes its edges from the first region row that defines it.

    Returns the edges' vertex CSR, ray CSR, child CSR (end vertices with outward normals
    ``-u``, ``+u``) and the polygons' child CSR (edge ids with in-plane outward normals).
    """
    FA = A.facet_A
    M = len(FA)
    nvr = len(A.vertices)
    el = np.concatenate([A.incidence[:, 0], nvr + A.ray_incidence[:, 0]]).astype(np.int64)
    fr = np.concatenate([A.incidence[:, 1], A.ray_incidence[:, 1]]).astype(np.int64)
    keep = facet_of_row[fr] >= 0
    el, fr = el[keep], fr[keep]
    n_el = np.bincount(fr, minlength=M)
    order = np.lexsort((fr, el))
    el, fr = el[order], fr[order]
    z = np.zeros(0, np.int64)
    if len(el) == 0:
        zero = np.zeros(1, np.int64)
        return ((zero, z), (zero.copy(), z), (zero.copy(), z, np.zeros((0, 3))),
                (np.zeros(nF + 1, np.int64), z, np.zeros((0, 3))))  # fmt: skip
    start = np.flatnonzero(np.r_[True, el[1:] != el[:-1]])
    size = np.diff(np.r_[start, len(el)])
    pos = np.arange(len(el)) - np.repeat(start, size)
    m = np.repeat(size, size)
    Fs, Hs, Es = [], [], []
    for o in range(1, int(size.max(initial=1))):
        i = np.flatnonzero(pos + o < m)
        Fs += [fr[i], fr[i + o]]
        Hs += [fr[i + o], fr[i]]
        Es += [el[i], el[i]]
    if not Fs:
        zero = np.zeros(1, np.int64)
        return ((zero, z), (zero.copy(), z), (zero.copy(), z, np.zeros((0, 3))),
                (np.zeros(nF + 1, np.int64), z, np.zeros((0, 3))))  # fmt: skip
    f, h, e = np.concatenate(Fs), np.concatenate(Hs), np.concatenate(Es)
    sel = first[facet_of_row[f]] == f
    f, h, e = f[sel], h[sel], e[sel]
    srt = np.lexsort((e, h, f))
    f, h, e = f[srt], h[srt], e[srt]
    st = np.flatnonzero(np.r_[True, (f[1:] != f[:-1]) | (h[1:] != h[:-1])])
    cnt = np.diff(np.r_[st, len(f)])
    good = (cnt >= 2) & (cnt < n_el[f[st]])
    if np.any(cnt[good] > 2):
        return None
    s0 = st[good]
    e1, e2 = e[s0], e[s0 + 1]
    fs, hs = f[s0], h[s0]
    ok = e1 < nvr  # at least one vertex (elements sorted: vertex rows first)
    e1, e2, fs, hs = e1[ok], e2[ok], fs[ok], hs[ok]
    is_ray = e2 >= nvr
    a = vid[e1]
    b = np.where(is_ray, 0, vid[np.minimum(e2, nvr - 1)])
    r = np.where(is_ray, rid[np.maximum(e2 - nvr, 0)] if len(rid) else 0, -1)
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    lo = np.where(is_ray, a, lo)
    hi = np.where(is_ray, -1 - r, hi)
    bad = (~is_ray) & (lo == hi)  # both ends merged into one point: a zero-length edge
    lo, hi, fs, hs, is_ray = lo[~bad], hi[~bad], fs[~bad], hs[~bad], is_ray[~bad]
    # distinct (lo, hi) pairs as one sortable integer (hi >= -n_rays), in lexicographic order
    n_r = len(R)
    code = lo.astype(np.int64) * (len(V) + n_r + 1) + (hi + n_r)
    oc = np.argsort(code, kind="stable")
    cs = code[oc]
    newk = np.r_[True, cs[1:] != cs[:-1]] if len(cs) else np.zeros(0, bool)
    inv = np.empty(len(code), np.int64)
    inv[oc] = np.cumsum(newk) - 1
    keys = np.stack([lo[oc][newk], hi[oc][newk]], axis=1).astype(np.int64)
    nE = len(keys)
    kr = keys[:, 1] < 0
    nb = (~kr).astype(np.int64) + 1
    # vertex CSR of the edges (one or two ids, sorted) and ray CSR (ray edges only)
    eptr = np.concatenate([[0], np.cumsum(nb)]).astype(np.int64)
    evidx = np.empty(int(eptr[-1]), np.int64)
    evidx[eptr[:-1]] = keys[:, 0]
    two = np.flatnonzero(~kr)
    evidx[eptr[two] + 1] = keys[two, 1]
    rptr = np.concatenate([[0], np.cumsum(kr)]).astype(np.int64)
    ridx = (-1 - keys[kr, 1]).astype(np.int64)
    u = np.zeros((nE, 3))
    u[~kr] = V[keys[~kr, 1]] - V[keys[~kr, 0]]
    u[~kr] /= np.linalg.norm(u[~kr], axis=1, keepdims=True)
    u[kr] = R[-1 - keys[kr, 1]] if np.any(kr) else u[kr]
    enrm = np.empty((int(eptr[-1]), 3))
    enrm[eptr[:-1]] = -u
    enrm[eptr[two] + 1] = u[two]
    # polygon -> edge incidences with in-plane outward normals
    g = facet_of_row[fs]
    nrm = FA[hs] - np.einsum("nd,nd->n", FA[hs], FA[fs])[:, None] * FA[fs]
    nrm /= np.linalg.norm(nrm, axis=1, keepdims=True)
    og = np.argsort(g, kind="stable")
    gptr = np.concatenate([[0], np.cumsum(np.bincount(g, minlength=nF))]).astype(np.int64)
    return ((eptr, evidx), (rptr, ridx), (eptr.copy(), evidx.copy(), enrm),
            (gptr, inv[og].astype(np.int64), nrm[og]))  # fmt: skip


def _add_facet_children(builders, d, g, f, f0, f1, fkey, FA, V, R) -> None:
    """Children of the new facet ``g`` (region facet row ``f``) down to the vertices (d <= 3)."""
    vs, rs = fkey[f]
    if d == 1:
        return  # facets are vertices
    if d == 2:
        _add_edge_children(builders, g, vs, rs, V, R)
        return
    if d != 3:
        return
    # 3-D: edges of the polygon g are its intersections with the region's other facets that
    # keep >= 2 elements (two vertices, or a vertex and a ray)
    a_g = FA[f]
    S = set(vs)
    Sr = set(rs)
    edges = builders[1]
    for h in range(f0, f1):
        if h == f:
            continue
        hv, hr = fkey[h]
        cv = tuple(x for x in hv if x in S)
        cr = tuple(x for x in hr if x in Sr)
        if len(cv) + len(cr) < 2 or (len(cv) == len(vs) and len(cr) == len(rs)):
            continue
        if len(cv) == 0:
            continue  # two rays without a vertex cannot bound a face of a pointed polygon
        e, new = edges.get(cv, cr)
        nrm = FA[h] - (FA[h] @ a_g) * a_g
        nn = float(np.linalg.norm(nrm))
        if nn == 0.0:
            continue  # pragma: no cover - parallel facets do not meet in an edge
        builders[2].children[g].append(e)
        builders[2].normals[g].append(nrm / nn)
        if new:
            _add_edge_children(builders, e, cv, cr, V, R)


def _add_edge_children(builders, e, vs, rs, V, R) -> None:
    """Vertices of edge ``e`` with the outward normals (-u at the start, +u at the end)."""
    verts = builders[0]
    if len(vs) + len(rs) < 2:
        return  # pragma: no cover - a degenerate (zero-length) edge has no facets
    if len(vs) >= 2:
        a, b = vs[0], vs[-1]
        u = V[b] - V[a]
        u = u / np.linalg.norm(u)
        ends: tuple[tuple[int, FloatArray], ...] = ((a, -u), (b, u))
    else:
        ends = ((vs[0], -R[rs[0]]),)
    for v, nrm in ends:
        i, _ = verts.get((v,), ())
        builders[1].children[e].append(i)
        builders[1].normals[e].append(nrm)
