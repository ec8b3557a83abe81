r"""Global edge subdivision: regions and their complex from one vertex and edge table.

The polyhedral complex of a ReLU network on a simple bounded polytope ``K`` (every vertex on
exactly ``d`` facets, e.g. a box) is built by splitting one global table of vertices and
edges, neuron by neuron, as in Berzins (2023): each vertex and each edge is stored once, and a
neuron's zero set cuts every edge once (not once per region that owns it).

Every face of the complex is identified by its *sign vector*: one entry per column (the
facets of ``K`` first, then the hidden neurons in order), ``+`` / ``-`` for the side of the
column's zero set the face lies on (``+`` = inside ``K``, or neuron active) and ``0`` for the
zero sets through it. A ``j``-face has ``d - j`` zeros in general position. A vertex has
``d`` zeros; an edge ``(a, b)`` has the ``d - 1`` common zeros of its ends and, on the column
only ``a`` lies on, the sign of ``b``. A neuron affine on every face of the current complex
(true for all neurons of the next layer) meets each 2-face it cuts in one segment whose two
ends are new vertices on that 2-face's edges: the 2-faces through an edge are its sign vector
with one zero replaced by ``+`` or ``-``, so the new edges pair up the new vertices whose
candidate 2-faces coincide (each exactly twice). After the last neuron, the ``j``-faces are
the sign vectors with one zero of a ``(j - 1)``-face replaced by a sign, and the faces
through a vertex are its sign vector with zeros replaced by signs; no coordinates are
compared, so the deduplication is exact.

Sign vectors are keyed by two 64-bit additive hashes (one random word per column and sign):
replacing a zero by a sign is one addition. Groups are checked on the second word and the
result on its Euler characteristic (a subdivided convex polytope has ``chi = 1``), and any
configuration outside general position (a vertex within the hyperplane tolerance of a
neuron's zero set, a domain vertex on more than ``d`` facets, a 2-face cut other than twice,
a face missing from a vertex's star) makes :func:`subdivide` return ``None``: the caller then
takes the batched enumerator (the cyclic-polygon enumerator in 2-D), which handles
degenerate arrangements.

Every pass after the split is compiled (:mod:`spectral_exact._skeleton_kernels`): one split
pass per layer, the faces of each level grouped by open addressing on the hash words, each
vertex's star looked up in the level tables and written face by face (a counting sort, so
each face's vertices come out sorted), the regions' facet rows, positive masks and
vertex-facet incidences in one pass, and the regions' affine maps with each hidden layer's
map computed once per distinct activation prefix. The first numpy route is kept in
:mod:`spectral_exact._skeleton_reference`, the tests' reference (the same tables, the same
maps to the last bit).

References
----------
A. Berzins, "Polyhedral complex extraction from ReLU networks using edge subdivision", Proc.
40th ICML, PMLR 202 (2023). doi:10.48550/arXiv.2306.07212
"""

from __future__ import annotations

import dataclasses
import itertools
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from ._tolerances import ROUNDING_ULPS, Tolerances, zero_distance
from ._types import FloatArray, IntArray
from .network import ReLUNetwork
from .polytope import Polytope

U64 = NDArray[np.uint64]

#: seed of the random words hashing sign vectors (any fixed value: groups are verified)
_HASH_SEED = 20230607


@dataclass(frozen=True, eq=False)
class Skeleton:
    """Result of :func:`subdivide`: the complex's faces as sign-vector tables (private).

    Attributes
    ----------
    X : array (n_v, d)
        Vertices.
    n_dom : int
        Number of domain facets (the first columns).
    zeros : list of int arrays
        ``zeros[j]`` (n_j, d - j): the zero columns of every ``j``-face (sorted).
    hashes : list of uint64 arrays
        ``hashes[j]`` (n_j, 2): the two hash words of every ``j``-face.
    links : list of tuples
        ``links[j]`` for ``j >= 1``: ``(child, parent, column, positive)`` arrays, one entry
        per facet ``child`` (a ``(j - 1)``-face) of ``parent`` (a ``j``-face): ``column`` is
        the zero of the child that the parent does not have, ``positive`` the parent's side.
    pos : uint64 array (n_v, W)
        Positive columns of every vertex (bit masks; zero columns are not positive).
    edges : int array (n_1, 2)
        End vertices of every edge.
    rz, rp : uint64 arrays (C, 2)
        The random hash words of each column's zero and ``+`` sign.
    link_ptr, link_order : lists of int arrays
        ``links[j]`` grouped by parent (CSR, ``j >= 1``): the entries of parent ``f`` are
        ``link_order[j][link_ptr[j][f]:link_ptr[j][f + 1]]`` (stable). Empty lists when
        the skeleton was built without them.
    tables : list of int arrays
        ``tables[j]`` (``j >= 2``): the open-addressing table of the ``j``-faces (``face + 1``
        per slot, keyed by ``hashes[j][:, 0]``; see :mod:`spectral_exact._skeleton_kernels`).
        Empty when the skeleton was built without them.
    """

    X: FloatArray
    n_dom: int
    zeros: list[IntArray]
    hashes: list[U64]
    links: list[tuple[IntArray, IntArray, IntArray, NDArray[np.bool_]]]
    pos: U64
    edges: IntArray
    rz: U64
    rp: U64
    link_ptr: list[IntArray] = field(default_factory=list)
    link_order: list[IntArray] = field(default_factory=list)
    tables: list[IntArray] = field(default_factory=list)


def _grow(a: NDArray, n: int) -> NDArray:
    """Return ``a`` with at least ``n`` rows (doubling, numpy-allocated; old rows copied)."""
    if n <= len(a):
        return a
    out = np.zeros((max(n, 2 * len(a)), *a.shape[1:]), a.dtype)
    out[: len(a)] = a
    return out


def subdivide(net: ReLUNetwork, domain: Polytope, tol: Tolerances) -> Skeleton | None:
    """Split ``domain`` by every neuron of ``net`` on one global vertex and edge table.

    Returns the complex as sign-vector tables (:class:`Skeleton`), or None outside general
    position (see the module notes). Faces of level ``j >= 2`` are numbered in order of first
    appearance among the candidate parents of the ``(j - 1)``-faces (see
    :func:`spectral_exact._skeleton_kernels.level_faces`; an arbitrary but deterministic
    order). Each layer splits the table in one compiled pass
    (:func:`spectral_exact._skeleton_kernels.split_layer`); its pre-activations at the
    vertices are computed exactly at the start of the layer and interpolated along the cut
    edges within it.
    """
    from . import _skeleton_kernels as SK
    from .regions import _edges

    d = net.input_dim
    T0 = np.asarray(domain.vertex_incidence, bool)
    if d < 2 or not np.all(T0.sum(1) == d):
        return None
    m = len(domain.A)
    n_hidden = int(net.n_hidden)
    C = m + n_hidden
    Wd = -(-C // 64)
    rng = np.random.default_rng(_HASH_SEED)
    rz = rng.integers(0, 2**63, size=(C, 2), dtype=np.int64).astype(np.uint64)
    rp = rng.integers(0, 2**63, size=(C, 2), dtype=np.int64).astype(np.uint64)
    one = np.uint64(1)
    # domain vertices: zeros at their facets, inside (+) of the others
    V0 = np.asarray(domain.vertices, float)
    n0 = len(V0)
    Zc = np.nonzero(T0)[1].reshape(n0, d).astype(np.int64)
    P = np.zeros((n0, Wd), np.uint64)
    HP = np.zeros((n0, 2), np.uint64)
    for c in range(m):
        inside = ~T0[:, c]
        P[inside, c >> 6] |= one << np.uint64(c & 63)
        HP[inside] += rp[c]
    ia, ib = _edges(T0, np.arange(n0), np.arange(n0), d)
    keep = ia < ib
    E = np.stack([ia[keep], ib[keep]], axis=1).astype(np.int64)
    X = np.array(V0, float, order="C")
    n_v, n_e = n0, len(E)
    scale = zero_distance(V0, tol)
    ulps_eps = ROUNDING_ULPS * float(np.finfo(float).eps)  # as hyperplane_tolerance
    col0 = m
    Ws, bs = net.weights[:-1], net.biases[:-1]
    widths = np.array([d, *(Wl.shape[0] for Wl in net.weights)], np.int64)
    WTf = np.concatenate([np.ascontiguousarray(np.asarray(Wl, float).T).reshape(-1)
                          for Wl in net.weights])  # fmt: skip
    bf = np.concatenate([np.asarray(bl, float).reshape(-1) for bl in net.biases])
    woff = np.concatenate([[0], np.cumsum([Wl.size for Wl in net.weights])]).astype(np.int64)
    boff = np.concatenate([[0], np.cumsum([len(bl) for bl in net.biases])]).astype(np.int64)
    gnorm = 1.0  # bound on the norm of the current layer's input map (products of norms)
    # work space of the compiled split (grown on request, allocated here: see _skeleton_kernels)
    # (a first guess of the final size: every neuron cuts a fraction of the edges)
    guess = 4 * (n_v + n_hidden * d)
    X, Zc, P, HP = (_grow(a, guess) for a in (X, Zc, P, HP))
    E = _grow(E, (d + 1) * guess)
    size = SK.table_size(4 * (d - 1) * guess)
    slot_h = np.zeros((size, 2), np.uint64)
    slot_u, slot_n, slot_gen = (np.zeros(size, np.int64) for _ in range(3))
    for layer, (Wl, bl) in enumerate(zip(Ws, bs, strict=True)):
        # pre-activations of this layer at every vertex (f is continuous: any side's map)
        w = Wl.shape[0]
        ZT = np.empty((w, len(X)))
        SK.preactivations(X, n_v, WTf, woff, bf, boff, widths, layer, ZT)
        gnorm_l = np.ascontiguousarray(np.linalg.norm(Wl, axis=1) * gnorm, float)
        blc = np.ascontiguousarray(bl, float)
        j = 0
        while True:
            n_v, n_e, j, status, need_v, need_e, need_t = SK.split_layer(
                X, Zc, P, HP, E, ZT, n_v, n_e, j, col0, m, rz, rp, gnorm_l, blc, scale,
                ulps_eps, slot_h, slot_u, slot_n, slot_gen,
            )  # fmt: skip
            if status == 0:
                break
            if status == 1:
                return None
            X, Zc, P, HP = (_grow(a, need_v) for a in (X, Zc, P, HP))
            if need_v > ZT.shape[1]:
                Z2 = np.zeros((w, max(need_v, 2 * ZT.shape[1])))
                Z2[:, : ZT.shape[1]] = ZT
                ZT = Z2
            E = _grow(E, need_e)
            if need_t > len(slot_u):
                size = max(need_t, 2 * len(slot_u))
                slot_h = np.zeros((size, 2), np.uint64)
                slot_u, slot_n, slot_gen = (np.zeros(size, np.int64) for _ in range(3))
        col0 += w
        gnorm *= float(np.linalg.norm(Wl, 2))
    return _levels(X[:n_v], Zc[:n_v], P[:n_v], HP[:n_v], E[:n_e], m, rz, rp, d)


def _levels(X, Zc, P, HP, E, m, rz, rp, d) -> Skeleton | None:
    """Faces of every dimension from the vertex and edge tables (see :class:`Skeleton`)."""
    from . import _skeleton_kernels as SK

    Zc, P, HP, E = (np.ascontiguousarray(a) for a in (Zc, P, HP, E))
    n_v, n_e = len(Zc), len(E)
    Hv = np.empty((n_v, 2), np.uint64)
    Ze = np.empty((n_e, d - 1), np.int64)
    He = np.empty((n_e, 2), np.uint64)
    cola, colb = np.empty(n_e, np.int64), np.empty(n_e, np.int64)
    bpos, apos = np.empty(n_e, bool), np.empty(n_e, bool)
    slot = np.full(SK.table_size(n_e), -1, np.int64)
    if not SK.edge_keys(Zc, P, HP, E, rz, rp, Hv, Ze, He, cola, bpos, colb, apos, slot):
        return None  # an edge not on d - 1 common zeros, or two edges with one sign vector
    zeros = [Zc, Ze]
    hashes = [Hv, He]
    z0 = np.zeros(0, np.int64)
    links: list[tuple[IntArray, IntArray, IntArray, NDArray[np.bool_]]] = [
        (z0, z0, z0, np.zeros(0, bool))
    ]
    ar = np.arange(n_e)
    # edges -> their two vertices: the column only the vertex lies on, the edge's side of it
    links.append((E.T.reshape(-1), np.concatenate([ar, ar]), np.concatenate([cola, colb]),
                  np.concatenate([bpos, apos])))  # fmt: skip
    link_ptr = [np.zeros(1, np.int64), 2 * np.arange(n_e + 1, dtype=np.int64)]
    link_order = [z0, np.stack([ar, ar + n_e], axis=1).reshape(-1)]
    tables = [z0, z0]
    for _ in range(2, d + 1):
        Zg, Hg = zeros[-1], hashes[-1]
        n, k = Zg.shape
        n_c = k * n + int(np.count_nonzero(Zg >= m))
        ch, ids, cols, first, order, fill = (np.empty(n_c, np.int64) for _ in range(6))
        posv = np.empty(n_c, bool)
        Hf = np.empty((n_c, 2), np.uint64)
        Zf = np.empty((n_c, k - 1), np.int64)
        ptr = np.zeros(n_c + 1, np.int64)
        # every j-face (j >= 2) has >= 3 facets: at most n_c / 3 faces
        table = np.zeros(SK.table_size(n_c // 3 + 1), np.int64)
        n_f, ok = SK.level_faces(Zg, Hg, rz, rp, m, ch, ids, cols, posv, first, Hf, table, Zf,
                                 ptr, order, fill)  # fmt: skip
        if not ok:
            return None  # a hash collision, or not a subdivided polytope
        zeros.append(Zf[:n_f])
        hashes.append(Hf[:n_f])
        links.append((ch, ids, cols, posv))
        link_ptr.append(ptr[: n_f + 1])
        link_order.append(order)
        tables.append(table)
    return Skeleton(X, m, zeros, hashes, links, P, E, rz, rp, link_ptr, link_order, tables)


def _star_counts(Zc: IntArray, m: int, j: int) -> IntArray:
    """Count the ``j``-faces through each vertex in general position.

    A vertex with ``z`` domain zeros (of ``d``) lies on the faces freeing ``j`` of its zeros:
    ``i`` domain ones (inside only) and ``j - i`` neuron ones (either side),
    ``sum_i C(z, i) C(d - z, j - i) 2^(j - i)``.
    """
    from math import comb

    d = Zc.shape[1]
    table = np.array([sum(comb(z, i) * comb(d - z, j - i) * 2 ** (j - i) for i in range(j + 1))
                      for z in range(d + 1)], np.int64)  # fmt: skip
    return table[(Zc < m).sum(1)]


def face_vertex_csr(sk: Skeleton) -> list[tuple[IntArray, IntArray]] | None:
    """Vertices of every face of every level ``j >= 1``, CSR ``(ptr, vertex)``, sorted.

    ``out[j]`` for ``j = 1 .. d`` (``out[0]`` the vertices themselves): the vertices of
    ``j``-face ``f`` are ``vertex[ptr[f]:ptr[f + 1]]`` in increasing order. A vertex lies on
    the faces whose sign vectors give signs to some of its zeros: each candidate is looked up
    in the level's hash table (:func:`spectral_exact._skeleton_kernels.star_faces`). None
    when a candidate is not a face or a vertex meets a face twice (outside general position).
    """
    from . import _skeleton_kernels as SK

    Zc, Hv = sk.zeros[0], sk.hashes[0]
    n_v, d = Zc.shape
    out = [(np.arange(n_v + 1, dtype=np.int64), np.arange(n_v, dtype=np.int64))]
    ptr = 2 * np.arange(len(sk.edges) + 1, dtype=np.int64)
    vert = np.sort(sk.edges, axis=1).reshape(-1).astype(np.int64)
    out.append((ptr, vert))
    for j in range(2, d + 1):
        Hf = sk.hashes[j]
        n_f = len(Hf)
        if j < len(sk.tables):
            table = sk.tables[j]
        else:
            table = np.zeros(SK.table_size(n_f), np.int64)
            SK.fill_table(Hf, table)
        free = np.array(list(itertools.combinations(range(d), j)), np.int64).reshape(-1, j)
        signs = np.array(list(itertools.product((True, False), repeat=j)), bool).reshape(-1, j)
        n_pairs = int(_star_counts(Zc, sk.n_dom, j).sum())
        tmp, fv = np.empty(n_pairs, np.int64), np.empty(n_pairs, np.int64)
        vend = np.empty(n_v, np.int64)
        fill = np.zeros(n_f, np.int64)
        fptr = np.empty(n_f + 1, np.int64)
        q = SK.star_faces(Zc, Hv, sk.rz, sk.rp, sk.n_dom, free, signs, Hf, table, tmp, vend,
                          fill, fptr, fv)  # fmt: skip
        if q < 0:
            return None
        out.append((fptr, fv[:q]))
    return out


def vertex_faces(sk: Skeleton, j: int) -> tuple[IntArray, IntArray, U64] | None:
    """``(face, vertex, pos)``: every ``j``-face (``j >= 2``) through every vertex.

    A vertex with zero columns ``Z`` lies on the faces whose sign vectors keep ``d - j`` of
    them at zero and give the others a sign (``+`` only for the domain's facets). ``pos`` is
    the face's positive mask for ``j = d`` (regions), else empty. Sorted by face, then vertex.
    None if some candidate is not a face (outside general position). Built from
    :func:`face_vertex_csr` (and :func:`region_rows` for the masks).
    """
    csr = face_vertex_csr(sk)
    if csr is None:
        return None
    d = sk.zeros[0].shape[1]
    ptr, vert = csr[j]
    face = np.repeat(np.arange(len(ptr) - 1, dtype=np.int64), np.diff(ptr))
    pos = np.zeros((0, sk.pos.shape[1]), np.uint64)
    if j == d:
        rows = region_rows(sk, ptr, vert)
        if rows is None:
            return None
        pos = rows[4]
    return face, vert, pos


def region_rows(sk: Skeleton, vptr: IntArray, vert: IntArray):
    """Facet rows of the regions, their positive masks and the vertex-facet incidence rows.

    Returns ``(facet_offset, facet_id, facet_col, facet_pos, pos, incidence)`` (see
    :func:`spectral_exact._skeleton_kernels.region_rows`), or None when a vertex's zero column
    is not a facet of its region (outside general position).
    """
    from . import _skeleton_kernels as SK

    d = sk.zeros[0].shape[1]
    ch, _, cols, posv = sk.links[d]
    ptr = sk.link_ptr[d]
    M = len(ch)
    fch, fcol = np.empty(M, np.int64), np.empty(M, np.int64)
    fpos = np.empty(M, bool)
    pos = np.zeros((len(ptr) - 1, sk.pos.shape[1]), np.uint64)
    inc = np.empty((len(vert) * d, 2), np.int64)
    if not SK.region_rows(ptr, sk.link_order[d], ch, cols, posv, vptr, vert, sk.zeros[0],
                          sk.pos, fch, fcol, fpos, pos, inc):  # fmt: skip
        return None
    return ptr, fch, fcol, fpos, pos, inc


def _unpack_bits(K: U64, lo: int, hi: int) -> NDArray[np.bool_]:
    u8 = np.ascontiguousarray(K).view(np.uint8).reshape(len(K), -1)
    return np.unpackbits(u8, axis=1, bitorder="little").view(bool)[:, lo:hi]


def _region_maps(net: ReLUNetwork, pattern: NDArray[np.bool_]):
    """Per region and layer the pre-activation maps ``(G (n, w, d), c (n, w))``, and ``f``."""
    from .regions import _pre_activation_maps

    n = len(pattern)
    d = net.input_dim
    G = np.broadcast_to(net.weights[0], (n, *net.weights[0].shape))
    c = np.broadcast_to(net.biases[0], (n, len(net.biases[0])))
    maps = []
    col = 0
    for Wl, bl in zip(net.weights[1:], net.biases[1:], strict=True):
        maps.append((G, c))
        w = G.shape[1]
        p = pattern[:, col : col + w]
        col += w
        Gp = G * p[:, :, None]
        cp = c * p
        # next layer: Wl @ (p * (G x + c)) + bl (one BLAS product, as the enumerators)
        G = _pre_activation_maps(Wl, Gp)
        c = cp @ Wl.T + bl
    return maps, G.reshape(n, d), c.reshape(n)


def _maps_and_facets(net, domain, pattern, facet_offset, fcol, fpos, m):
    """Per region ``(weight, bias)`` and per facet row ``(A, b)`` (compiled, one pass).

    Same values as :func:`_region_maps` followed by the facet normalisation (to rounding;
    tested against it), without the per-region maps of every neuron.
    """
    from ._skeleton_kernels import (
        prefix_groups,
        propagate_groups,
        region_maps_grouped,
        table_size,
    )

    d = net.input_dim
    widths = np.array([d, *(Wl.shape[0] for Wl in net.weights)], np.int64)
    # transposed layers: the inner loop runs over the next layer's neurons (vectorised)
    Wf = np.concatenate([np.ascontiguousarray(np.asarray(Wl, float).T).reshape(-1)
                         for Wl in net.weights])  # fmt: skip
    bf = np.concatenate([np.asarray(bl, float).reshape(-1) for bl in net.biases])
    woff = np.concatenate([[0], np.cumsum([Wl.size for Wl in net.weights])]).astype(np.int64)
    boff = np.concatenate([[0], np.cumsum([len(bl) for bl in net.biases])]).astype(np.int64)
    Ad, bd = np.asarray(domain.A, float), np.asarray(domain.b, float)
    nd = np.linalg.norm(Ad, axis=1)
    n, M = len(pattern), len(fcol)
    weight, bias, A, b = np.empty((n, d)), np.empty(n), np.empty((M, d)), np.empty(M)
    pattern = np.ascontiguousarray(pattern, bool)
    # the map of hidden layer l depends on the pattern of the layers before it only: one per
    # distinct prefix (far fewer than regions), shared
    L = len(widths) - 1
    rng = np.random.default_rng(_HASH_SEED)
    words = rng.integers(0, 2**63, max(pattern.shape[1], 1), dtype=np.int64).astype(np.uint64)
    gid = np.empty((n, max(L - 1, 1)), np.int64)
    first = np.empty((max(L - 1, 1), n), np.int64)
    counts = prefix_groups(pattern, widths, words, gid, first,
                           np.empty(table_size(n), np.int64))  # fmt: skip
    sizes = [0] + [int(counts[l]) * int(widths[l + 1]) for l in range(1, L - 1)]
    coff = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
    Gall, call = np.empty(d * int(coff[-1])), np.empty(int(coff[-1]))
    # each level's group maps from the previous level's (level 0: the first layer)
    Gsrc = np.ascontiguousarray(np.asarray(net.weights[0], float).T)[None]
    csrc = np.asarray(net.biases[0], float).reshape(1, -1)
    pcol = 0
    for l in range(1, L - 1):
        wl, wn, n_g = int(widths[l]), int(widths[l + 1]), int(counts[l])
        Gdst = Gall[d * coff[l] : d * coff[l + 1]].reshape(n_g, d, wn)
        cdst = call[coff[l] : coff[l + 1]].reshape(n_g, wn)
        reps = np.ascontiguousarray(first[l, :n_g])
        WT = np.ascontiguousarray(np.asarray(net.weights[l], float).T)
        propagate_groups(Gsrc, csrc, np.ascontiguousarray(gid[reps, l - 1]), reps, pattern,
                         pcol, WT, np.asarray(net.biases[l], float), Gdst, cdst)  # fmt: skip
        Gsrc, csrc = Gdst, cdst
        pcol += wl
    region_maps_grouped(Wf, woff, bf, boff, widths, pattern, gid, first, counts, d * coff, Gall,
                        call, facet_offset.astype(np.int64), fcol.astype(np.int64),
                        fpos.astype(np.bool_), m, Ad / nd[:, None], bd / nd, weight, bias, A,
                        b)  # fmt: skip
    return weight, bias, A, b


@dataclass(frozen=True, eq=False)
class SkeletonRegions:
    """What :func:`complex_from_skeleton` needs besides the region arrays (private).

    Attributes
    ----------
    skeleton : Skeleton
        The sign-vector tables.
    pairs : dict
        ``pairs[j]`` for ``2 <= j <= d``: ``(face, vertex, pos)``, every vertex of every
        ``j``-face, sorted by face then vertex; ``pos`` the regions' positive masks for
        ``j = d``, else empty.
    facet_col, facet_id : int arrays
        Per facet row of the region arrays: its column and its ``(d - 1)``-face.
    tol : Tolerances
        The tolerances of the enumeration.
    face_ptr : dict
        ``face_ptr[j]`` for ``1 <= j <= d``: the offsets of each ``j``-face's vertices
        (``pairs[j][1][face_ptr[j][f]:face_ptr[j][f + 1]]``; for ``j = 1`` into the sorted
        edge ends). Empty when not computed.
    """

    skeleton: Skeleton
    pairs: dict[int, tuple[IntArray, IntArray, U64]]
    facet_col: IntArray
    facet_id: IntArray
    tol: Tolerances
    face_ptr: dict[int, IntArray] = field(default_factory=dict)


def regions_from_skeleton(net: ReLUNetwork, domain: Polytope, tol: Tolerances):
    """``(RegionArrays, SkeletonRegions)`` by global edge subdivision, or None.

    None outside general position (see the module notes); the caller then takes the batched
    enumerator. Regions are numbered like the skeleton's ``d``-faces; each region's vertex
    rows are sorted by vertex id, its facet rows by column.
    """
    from .regions import RegionArrays, _readonly_arrays

    sk = subdivide(net, domain, tol)
    if sk is None:
        return None
    d = net.input_dim
    m = sk.n_dom
    X = sk.X
    counts = [len(z) for z in sk.zeros]
    if sum((-1) ** j * c for j, c in enumerate(counts)) != 1:
        return None  # pragma: no cover - a merged or missing face: not a subdivided polytope
    csr = face_vertex_csr(sk)
    if csr is None:
        return None
    vertex_offset, rv = csr[d]
    rows = region_rows(sk, vertex_offset, rv)
    if rows is None:  # pragma: no cover - a vertex zero that is not a facet of its region
        return None
    facet_offset, fch, fcol, fpos, rpos, inc = rows
    nR = counts[d]
    pattern = _unpack_bits(rpos, m, m + net.n_hidden)
    weight, bias, A, b = _maps_and_facets(net, domain, pattern, facet_offset, fcol, fpos, m)
    X = _polish_vertices(X, rv, inc, A, b, float(np.max(np.abs(domain.vertices))) or 1.0)
    sk = dataclasses.replace(sk, X=X)
    W0 = np.zeros((0, sk.pos.shape[1]), np.uint64)
    pairs = {}
    for j in range(2, d + 1):
        ptr, vert = csr[j]
        face = np.repeat(np.arange(counts[j], dtype=np.int64), np.diff(ptr))
        pairs[j] = (face, vert, rpos if j == d else W0)
    arrays = _readonly_arrays(
        RegionArrays(
            dim=d,
            weight=weight,
            bias=bias,
            pattern=pattern,
            vertices=X[rv],
            vertex_offset=vertex_offset,
            facet_A=A,
            facet_b=b,
            facet_offset=facet_offset,
            incidence=inc,
            rays=np.zeros((0, d)),
            ray_offset=np.zeros(nR + 1, np.int64),
            ray_incidence=np.zeros((0, 2), np.int64),
            lineality=np.zeros((0, d)),
            lineality_offset=np.zeros(nR + 1, np.int64),
        )
    )
    face_ptr = {j: csr[j][0] for j in range(1, d + 1)}
    return arrays, SkeletonRegions(sk, pairs, fcol, fch, tol, face_ptr)


#: a re-solved vertex replaces the interpolated one when they agree to this fraction of the
#: domain's coordinate scale (interpolation errors are ulps of it, amplified by the angles
#: of the hyperplanes through the vertex; a larger move means a nearly singular system)
POLISH_RTOL = 1e-6


def _polish_vertices(
    X: FloatArray, rv: IntArray, inc: IntArray, A: FloatArray, b: FloatArray, scale: float
) -> FloatArray:
    """Every vertex re-solved from the ``d`` unit facet rows of its first region through it.

    The subdivision interpolates each new vertex along an edge, so its error is ulps of the
    domain's size (times the amplification of nearly parallel hyperplanes), not of its own
    coordinates: two kinks crossing at the origin at 2^-18 rad inside a 1e-3 box put their
    crossing 1.4e-14 away from 0. The solution of the vertex's own ``d x d`` system has a
    residual of a few ulps of ``|A||x| + |b|`` (backward stable), the bound the exact-rational
    tests check. Kept only where it moves the vertex less than ``POLISH_RTOL`` of ``scale``.
    """
    d = X.shape[1]
    first = np.full(len(X), -1, np.int64)
    first[rv[::-1]] = np.arange(len(rv) - 1, -1, -1)  # the first row of each vertex
    ok = first >= 0
    rows = first[ok]
    ptr = np.concatenate([[0], np.cumsum(np.bincount(inc[:, 0], minlength=len(rv)))])
    if np.any(ptr[rows + 1] - ptr[rows] != d):  # pragma: no cover - general position
        return X
    f = inc[ptr[rows][:, None] + np.arange(d), 1]
    with np.errstate(all="ignore"):
        try:
            Y = np.linalg.solve(A[f], b[f][..., None])[..., 0]
        except np.linalg.LinAlgError:  # pragma: no cover - a singular system
            return X
    good = np.all(np.isfinite(Y), axis=1) & (
        np.max(np.abs(Y - X[ok]), axis=1) <= POLISH_RTOL * scale
    )
    out = np.array(X, dtype=float)
    idx = np.flatnonzero(ok)[good]
    out[idx] = Y[good]
    return out


def complex_from_skeleton(arrays, extra: SkeletonRegions):
    """Build the complex of regions from :func:`regions_from_skeleton`, every level, any ``d``.

    Vertex ids are the skeleton's. None if a face's hyperplane is not a facet of the region
    containing it (never seen; the caller then takes the array route).

    Face vertex sets and incidences come from the sign vectors; child normals are the
    containing region's outward facet normals projected into the face's direction space.
    """
    from .complex import FaceLevel, PolyhedralComplex, _edge_children, _face_level

    sk, pairs, fcol, tol = extra.skeleton, extra.pairs, extra.facet_col, extra.tol

    X = sk.X
    d = X.shape[1]
    nV = len(X)
    counts = [len(z) for z in sk.zeros]
    nR = counts[d]
    A = arrays.facet_A
    facet_offset = arrays.facet_offset
    fpar = np.repeat(np.arange(nR), np.diff(facet_offset))
    rf, rv, _ = pairs[d]
    fch = extra.facet_id
    rank = tol.rank
    R0 = np.zeros((0, d))
    z0 = np.zeros(0, np.int64)
    levels: list[FaceLevel] = []
    vlevel = (np.arange(nV + 1, dtype=np.int64), np.arange(nV, dtype=np.int64))
    no_children = (np.zeros(nV + 1, np.int64), z0, np.zeros((0, d)))
    no_rays = (np.zeros(nV + 1, np.int64), z0)
    levels.append(_face_level(0, d, vlevel, no_rays, no_children, X, R0, rank))
    E = np.sort(sk.edges, axis=1)
    nE = len(E)
    everts = (2 * np.arange(nE + 1, dtype=np.int64), E.reshape(-1).astype(np.int64))
    erays = (np.zeros(nE + 1, np.int64), z0)
    levels.append(_face_level(1, d, everts, erays, _edge_children(everts, erays, X, R0), X, R0,
                              rank))  # fmt: skip
    # a region containing each face (top down), and the facet row of (region, column)
    region_of: dict[int, IntArray] = {d: np.arange(nR)}
    for j in range(d - 1, 0, -1):
        ch, par, _, _ = sk.links[j + 1]
        r = np.empty(counts[j], np.int64)
        r[ch] = region_of[j + 1][par]
        region_of[j] = r
    for j in range(2, d + 1):
        pf, pv, _ = pairs[j]
        vptr = np.concatenate([[0], np.cumsum(np.bincount(pf, minlength=counts[j]))])
        verts = (vptr.astype(np.int64), pv.astype(np.int64))
        rays = (np.zeros(counts[j] + 1, np.int64), z0)
        ch, par, col, _ = sk.links[j]
        if j == d:
            cptr = facet_offset.astype(np.int64)
            children = (cptr, fch.astype(np.int64), A)
            levels.append(_face_level(d, d, verts, rays, children, X, R0, rank))
            continue
        # children, their normals, bases, points and radii in one compiled pass
        from ._complex_levels import level_geometry

        cptr, cidx, nrm, point, radius, basis, status = level_geometry(
            j, sk.zeros[j], region_of[j], facet_offset, fcol, A, verts[0], verts[1], X,
            ch, par, col,
        )  # fmt: skip
        if status:  # pragma: no cover - a face's hyperplane is not a facet of its region
            return None
        levels.append(FaceLevel(j, verts[0], verts[1], rays[0], rays[1], cptr, cidx, nrm,
                                point, basis, radius, np.ones(counts[j], bool)))  # fmt: skip
    cx = PolyhedralComplex(
        dim=d,
        vertices=X,
        rays=R0,
        levels=tuple(levels),
        vertex_of_row=rv.astype(np.int64),
        facet_of_row=fch.astype(np.int64),
        region_of_row=fpar.astype(np.int64),
        facet_normal=A,
        region_face=np.arange(nR, dtype=np.int64),
        weight=arrays.weight,
        bias=arrays.bias,
        scale=float(np.max(np.abs(X))) or 1.0,
        region_of_vertex_row=rf.astype(np.int64),
    )
    return cx


def _edge_pairs(E: IntArray) -> tuple[IntArray, IntArray]:
    """``(edge, vertex)`` pairs sorted by edge, then vertex."""
    Es = np.sort(E, axis=1)
    return np.repeat(np.arange(len(E)), 2), Es.reshape(-1)
