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
takes the batched enumerator, which handles degenerate arrangements.

References
----------
A. Berzins, "Polyhedral complex extraction from ReLU networks using edge subdivision", Proc.
40th ICML, PMLR 202 (2023). doi:10.48550/arXiv.2306.07212
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from ._tolerances import Tolerances, hyperplane_tolerance, zero_distance
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
    pos : uint64 array (n_d, W)
        Positive columns of every region (bit masks).
    edges : int array (n_1, 2)
        End vertices of every edge.
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


def _bit(P: U64, rows: IntArray, col: IntArray) -> NDArray[np.bool_]:
    """Bit ``col[i]`` of mask row ``rows[i]``."""
    w = P[rows, col >> 6]
    return ((w >> (col & 63).astype(np.uint64)) & np.uint64(1)).astype(bool)


def _edge_keys(
    Zc: IntArray, P: U64, HP: U64, a: IntArray, b: IntArray, rp: U64
) -> tuple[IntArray, U64, U64, IntArray, NDArray[np.bool_]] | None:
    """Zero columns, positive hash, positive mask of the edges ``(a, b)``.

    Returns ``(Ze, hp, Pe, col, bpos)``: ``col`` is the column only ``a`` lies on, ``bpos``
    whether ``b`` is on its positive side (the edge's sign there). None if some pair does not
    share exactly ``d - 1`` zeros.
    """
    Za, Zb = Zc[a], Zc[b]
    d = Za.shape[1]
    inb = (Za[:, :, None] == Zb[:, None, :]).any(2)
    if not np.all(inb.sum(1) == d - 1):
        return None
    Ze = Za[inb].reshape(len(a), d - 1)
    col = Za[~inb]
    bpos = _bit(P, b, col)
    hp = HP[a].copy()
    hp[bpos] += rp[col[bpos]]
    Pe = P[a].copy()
    idx = np.flatnonzero(bpos)
    c = col[idx]
    Pe[idx, c >> 6] |= np.left_shift(np.uint64(1), (c & 63).astype(np.uint64))
    return Ze, hp, Pe, col, bpos


def _group(H: U64) -> tuple[IntArray, IntArray] | None:
    """Group rows of equal hash pairs ``H`` (n, 2): ``(id_of_row, first_row_of_id)``.

    Ids in order of first appearance; None if two rows with equal first words differ in the
    second (a collision).
    """
    from ._subdivision_kernels import group_hashes

    ids, first, ok = group_hashes(np.ascontiguousarray(H[:, 0]), np.ascontiguousarray(H[:, 1]))
    return (ids, first) if ok else None


def subdivide(net: ReLUNetwork, domain: Polytope, tol: Tolerances) -> Skeleton | None:
    """Split ``domain`` by every neuron of ``net`` on one global vertex and edge table.

    Returns the complex as sign-vector tables (:class:`Skeleton`), or None outside general
    position (see the module notes). Faces of level ``j`` are numbered by their first hash
    word (an arbitrary but deterministic order).
    """
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
    Zc0 = np.nonzero(T0)[1].reshape(n0, d).astype(np.int64)
    P0 = np.zeros((n0, Wd), np.uint64)
    HP0 = np.zeros((n0, 2), np.uint64)
    for c in range(m):
        inside = ~T0[:, c]
        P0[inside, c >> 6] |= one << np.uint64(c & 63)
        HP0[inside] += rp[c]
    from . import _subdivision_kernels as K
    from .regions import _edges

    ia, ib = _edges(T0, np.arange(n0), np.arange(n0), d)
    keep = ia < ib
    E0 = np.stack([ia[keep], ib[keep]], axis=1).astype(np.int64)
    X = V0.copy()
    P, HP, E = P0, HP0, E0
    n_v, n_e = n0, len(E0)
    scale = zero_distance(V0, tol)
    col0 = m
    Ws, bs = net.weights[:-1], net.biases[:-1]
    gnorm = 1.0  # bound on the norm of the current layer's input map (products of norms)

    def grow(a: NDArray, n: int) -> NDArray:
        if n <= len(a):
            return a
        out = np.zeros((max(n, 2 * len(a)), *a.shape[1:]), a.dtype)
        out[: len(a)] = a
        return out

    Zc_ = Zc0
    for layer, (Wl, bl) in enumerate(zip(Ws, bs, strict=True)):
        # pre-activations of this layer at every vertex (f is continuous: any side's map)
        h = X[:n_v]
        for Wk, bk in zip(Ws[:layer], bs[:layer], strict=True):
            h = np.maximum(h @ Wk.T + bk, 0.0)
        Zl = np.zeros((len(X), Wl.shape[0]))
        Zl[:n_v] = h @ Wl.T + bl
        gnorm_l = np.linalg.norm(Wl, axis=1) * gnorm
        for j in range(Wl.shape[0]):
            c = col0 + j
            s = Zl[:n_v, j]
            offset = float(np.max(np.abs(s))) + abs(float(bl[j]))
            eps = float(hyperplane_tolerance(gnorm_l[j], offset, scale))
            if np.any(np.abs(s) <= eps):
                return None
            n_cut = int(K.mark_side(P, HP, E, n_v, n_e, Zl[:, j], c, rp))
            if n_cut == 0:
                continue
            X, Zl, Zc_ = grow(X, n_v + n_cut), grow(Zl, n_v + n_cut), grow(Zc_, n_v + n_cut)
            P, HP = grow(P, n_v + n_cut), grow(HP, n_v + n_cut)
            E = grow(E, n_e + d * n_cut)
            n_v, n_e, status = K.split_neuron(X, Zl, Zc_, P, HP, E, n_v, n_e, j, c, m, rz, rp)
            if status:
                return None
        col0 += Wl.shape[0]
        gnorm *= float(np.linalg.norm(Wl, 2))
    return _levels(X[:n_v], Zc_[:n_v], P[:n_v], HP[:n_v], E[:n_e], m, rz, rp, d)


def _levels(X, Zc, P, HP, E, m, rz, rp, d) -> Skeleton | None:
    """Faces of every dimension from the vertex and edge tables (see :class:`Skeleton`)."""
    keys = _edge_keys(Zc, P, HP, E[:, 0], E[:, 1], rp)
    if keys is None:
        return None
    Ze, hpe, _, cola, bpos = keys
    Hv = HP + rz[Zc].sum(1)
    He = hpe + rz[Ze].sum(1)
    g = _group(He)
    if g is None or len(g[1]) != len(E):
        return None  # two edges with one sign vector
    zeros = [Zc, Ze]
    hashes = [Hv, He]
    links: list[tuple[IntArray, IntArray, IntArray, NDArray[np.bool_]]] = [
        (np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, bool))
    ]
    # edges -> their two vertices: the column only the vertex lies on, the edge's side of it
    ar = np.arange(len(E))
    colb = Zc[E[:, 1]][~(Zc[E[:, 1]][:, :, None] == Ze[:, None, :]).any(2)]
    apos = _bit(P, E[:, 0], colb)
    links.append((E.T.reshape(-1), np.concatenate([ar, ar]), np.concatenate([cola, colb]),
                  np.concatenate([bpos, apos])))  # fmt: skip
    for _ in range(2, d + 1):
        Zg, Hg = zeros[-1], hashes[-1]
        n, k = Zg.shape
        idx = np.arange(n)
        child, hc, col, posv = [], [], [], []
        for p in range(k):
            i = Zg[:, p]
            nb = i >= m
            hneg = Hg - rz[i]
            child += [idx, idx[nb]]
            hc += [hneg + rp[i], hneg[nb]]
            col += [i, i[nb]]
            posv += [np.ones(n, bool), np.zeros(int(nb.sum()), bool)]
        ch = np.concatenate(child)
        H = np.concatenate(hc)
        cols = np.concatenate(col)
        g = _group(H)
        if g is None:
            return None
        ids, first = g
        Zf = Zg[ch[first]]
        zeros.append(Zf[Zf != cols[first][:, None]].reshape(len(first), k - 1))
        hashes.append(H[first])
        links.append((ch, ids, cols, np.concatenate(posv)))
    return Skeleton(X, m, zeros, hashes, links, P, E, rz, rp)


def vertex_faces(sk: Skeleton, j: int) -> tuple[IntArray, IntArray, U64] | None:
    """``(face, vertex, pos)``: every ``j``-face (``j >= 2``) through every vertex.

    A vertex with zero columns ``Z`` lies on the faces whose sign vectors keep ``d - j`` of
    them at zero and give the others a sign (``+`` only for the domain's facets). ``pos`` is
    the face's positive mask for ``j = d`` (regions), else empty. Sorted by face, then vertex.
    None if some candidate is not a face (outside general position).
    """
    from . import _subdivision_kernels as K

    Zc, Hv = sk.zeros[0], sk.hashes[0]
    d = Zc.shape[1]
    table = sk.hashes[j]
    free = np.array(list(itertools.combinations(range(d), j)), np.int64).reshape(-1, j)
    signs = np.array(list(itertools.product((True, False), repeat=j)), bool).reshape(-1, j)
    f, v, combo = K.vertex_faces(Zc, Hv, sk.rz, sk.rp, sk.n_dom, free, signs,
                                 np.ascontiguousarray(table[:, 0]),
                                 np.ascontiguousarray(table[:, 1]))  # fmt: skip
    if np.any(f < 0):
        return None
    o = K.stable_order(f, len(table))
    f, v, combo = f[o], v[o], combo[o]
    if len(f) > 1 and np.any((f[1:] == f[:-1]) & (v[1:] == v[:-1])):
        return None
    pos = np.zeros((0, sk.pos.shape[1]), np.uint64)
    if j == d:
        # positive mask of each region: its first vertex's mask with the chosen signs
        start = np.flatnonzero(np.r_[True, f[1:] != f[:-1]])
        vv, cb = v[start], combo[start]
        sg = signs[cb % len(signs)]
        cols = Zc[vv][:, free[0]] if len(free) == 1 else Zc[vv]
        pos = sk.pos[vv].copy()
        one = np.uint64(1)
        for q in range(j):
            r = np.flatnonzero(sg[:, q])
            c = cols[r, q]
            pos[r, c >> 6] |= np.left_shift(one, (c & 63).astype(np.uint64))
    return f, v, pos


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
    from ._subdivision_kernels import region_maps_facets

    d = net.input_dim
    widths = np.array([d, *(Wl.shape[0] for Wl in net.weights)], np.int64)
    Wf = np.concatenate([np.ascontiguousarray(Wl, float).reshape(-1) for Wl in net.weights])
    bf = np.concatenate([np.asarray(bl, float).reshape(-1) for bl in net.biases])
    woff = np.concatenate([[0], np.cumsum([Wl.size for Wl in net.weights])]).astype(np.int64)
    boff = np.concatenate([[0], np.cumsum([len(bl) for bl in net.biases])]).astype(np.int64)
    Ad, bd = np.asarray(domain.A, float), np.asarray(domain.b, float)
    nd = np.linalg.norm(Ad, axis=1)
    return region_maps_facets(Wf, woff, bf, boff, widths, np.ascontiguousarray(pattern),
                              facet_offset.astype(np.int64), fcol.astype(np.int64),
                              fpos.astype(np.bool_), m, Ad / nd[:, None],
                              bd / nd)  # fmt: skip


@dataclass(frozen=True, eq=False)
class SkeletonRegions:
    """What :func:`complex_from_skeleton` needs besides the region arrays (private)."""

    skeleton: Skeleton
    pairs: dict[int, tuple[IntArray, IntArray, U64]]
    facet_col: IntArray
    facet_id: IntArray
    tol: Tolerances


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
    pairs = {}
    for j in range(2, d + 1):
        vf = vertex_faces(sk, j)
        if vf is None:
            return None
        pairs[j] = vf
    rf, rv, rpos = pairs[d]
    nR = counts[d]
    pattern = _unpack_bits(rpos, m, m + net.n_hidden)
    # facet rows: the (facet, region) links sorted by region, then column
    fch, fpar, fcol, fpos = sk.links[d]
    C = m + net.n_hidden
    from . import _subdivision_kernels as K

    o = K.stable_order(fcol, C)
    o = o[K.stable_order(fpar[o], nR)]
    fch, fpar, fcol, fpos = fch[o], fpar[o], fcol[o], fpos[o]
    M = len(o)
    facet_offset = np.concatenate([[0], np.cumsum(np.bincount(fpar, minlength=nR))])
    weight, bias, A, b = _maps_and_facets(net, domain, pattern, facet_offset, fcol, fpos, m)
    vertex_offset = np.concatenate([[0], np.cumsum(np.bincount(rf, minlength=nR))])
    # incidence: vertices of each facet row's facet, as rows of its region
    ff, fv, _ = pairs[d - 1] if d - 1 >= 2 else (*_edge_pairs(sk.edges), None)
    fptr = np.concatenate([[0], np.cumsum(np.bincount(ff, minlength=counts[d - 1]))])
    cnt = np.diff(fptr)[fch]
    from .complex import _ranges

    pos_, _ = _ranges(fptr[fch], cnt)
    frow = np.repeat(np.arange(M), cnt)
    vv = fv[pos_]
    # the row of (region, vertex): region r's rows are sorted by vertex id
    vrow = K.find_in_segments(vertex_offset, rv, fpar[frow], vv)
    if np.any(vrow < 0):  # pragma: no cover - a facet vertex not in its region
        return None
    inc = np.stack([vrow, frow], axis=1).astype(np.int64)
    inc = inc[K.stable_order(vrow, len(rv))]
    arrays = _readonly_arrays(
        RegionArrays(
            dim=d,
            weight=weight,
            bias=bias,
            pattern=pattern,
            vertices=X[rv],
            vertex_offset=vertex_offset.astype(np.int64),
            facet_A=A,
            facet_b=b,
            facet_offset=facet_offset.astype(np.int64),
            incidence=inc,
            rays=np.zeros((0, d)),
            ray_offset=np.zeros(nR + 1, np.int64),
            ray_incidence=np.zeros((0, 2), np.int64),
            lineality=np.zeros((0, d)),
            lineality_offset=np.zeros(nR + 1, np.int64),
        )
    )
    return arrays, SkeletonRegions(sk, pairs, fcol, fch, tol)


def complex_from_skeleton(arrays, extra: SkeletonRegions):
    """Build the complex of regions from :func:`regions_from_skeleton`, every level, any ``d``.

    Vertex ids are the skeleton's. None if a face's hyperplane is not a facet of the region
    containing it (never seen; the caller then takes the array route).

    Face vertex sets and incidences come from the sign vectors; child normals are the
    containing region's outward facet normals projected into the face's direction space.
    """
    from .complex import FaceLevel, PolyhedralComplex, _edge_children, _face_level

    sk, pairs, fcol, tol = extra.skeleton, extra.pairs, extra.facet_col, extra.tol
    from . import _subdivision_kernels as K

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
        oc = K.stable_order(par, counts[j])
        ch, par, col = ch[oc], par[oc], col[oc]
        r = region_of[j][par]
        # the region's outward normal there (its facet rows are sorted by column)
        ia = K.find_in_segments(facet_offset, fcol, r, col)
        rr = region_of[j]
        Zj = sk.zeros[j]
        inf = K.find_in_segments(facet_offset, fcol, np.repeat(rr, d - j), Zj.reshape(-1))
        if np.any(ia < 0) or np.any(inf < 0):  # pragma: no cover - not a facet of the region
            return None
        Nf = A[inf]
        Qf = _gram_schmidt(Nf.reshape(len(rr), d - j, d))  # (n, d - j, d)
        nrm = K.project_normals(A, ia, Qf, par)  # A[ia] projected on each face's space
        cptr = np.concatenate([[0], np.cumsum(np.bincount(par, minlength=counts[j]))])
        children = (cptr.astype(np.int64), ch.astype(np.int64), nrm)
        if j == d - 1:
            # the facet's unit normal: its region's outward normal (the array route's rule)
            levels.append(_face_level(j, d, verts, rays, children, X, R0, rank, Nf))
        else:
            basis = _complete_basis(Qf)
            levels.append(_face_level(j, d, verts, rays, children, X, R0, rank, basis=basis))
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


def _gram_schmidt(N: FloatArray) -> FloatArray:
    """Orthonormalise the rows of every ``N[i]`` (n, k, d), in order (rows independent)."""
    Q = np.array(N, dtype=float)
    for i in range(Q.shape[1]):
        for p in range(i):
            Q[:, i] -= np.einsum("nd,nd->n", Q[:, i], Q[:, p])[:, None] * Q[:, p]
        Q[:, i] /= np.linalg.norm(Q[:, i], axis=1, keepdims=True)
    return Q


def _complete_basis(Q: FloatArray) -> FloatArray:
    """Orthonormal bases (n, d - k, d) of the complements of the orthonormal rows ``Q`` (n, k, d).

    Gram-Schmidt on the coordinate vectors, taking at each step the one with the largest
    residual (so every residual has norm at least ``1 / sqrt(d)``).
    """
    from ._subdivision_kernels import complement_bases

    _, k, d = Q.shape
    return complement_bases(np.ascontiguousarray(Q), d - k)
