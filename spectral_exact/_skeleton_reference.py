"""The first numpy route from the global edge subdivision to region arrays (private reference).

:mod:`spectral_exact._subdivision` turns the split vertex/edge table into faces, stars and
region rows with the compiled passes of :mod:`spectral_exact._skeleton_kernels`. This module
keeps the route they replaced (one neuron at a time, numpy glue, stars by hashing every
candidate sign vector through every vertex, incidences by binary search), unchanged, so that
the tests can check that both give the same skeleton and the same region arrays. Not used by
the library.
"""

from __future__ import annotations

import itertools

import numpy as np
from numpy.typing import NDArray

from ._subdivision import (
    _HASH_SEED,
    U64,
    Skeleton,
    SkeletonRegions,
    _edge_pairs,
    _unpack_bits,
)
from ._tolerances import Tolerances, hyperplane_tolerance, zero_distance
from ._types import IntArray
from .network import ReLUNetwork
from .polytope import Polytope


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


def subdivide_reference(net: ReLUNetwork, domain: Polytope, tol: Tolerances) -> Skeleton | None:
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


def vertex_faces_reference(sk: Skeleton, j: int) -> tuple[IntArray, IntArray, U64] | None:
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


def regions_from_skeleton_reference(net: ReLUNetwork, domain: Polytope, tol: Tolerances):
    """``(RegionArrays, SkeletonRegions)`` by global edge subdivision, or None.

    None outside general position (see the module notes); the caller then takes the batched
    enumerator. Regions are numbered like the skeleton's ``d``-faces; each region's vertex
    rows are sorted by vertex id, its facet rows by column.
    """
    from .regions import RegionArrays, _readonly_arrays

    sk = subdivide_reference(net, domain, tol)
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
        vf = vertex_faces_reference(sk, j)
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
    weight, bias, A, b = _maps_and_facets_reference(
        net, domain, pattern, facet_offset, fcol, fpos, m
    )
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


def _maps_and_facets_reference(net, domain, pattern, facet_offset, fcol, fpos, m):
    """Per region ``(weight, bias)`` and per facet row ``(A, b)``: the first compiled kernel."""
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
