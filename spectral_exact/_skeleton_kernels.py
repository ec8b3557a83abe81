"""Compiled passes of :mod:`spectral_exact._subdivision`: split, levels, stars, region rows.

The global edge subdivision (Berzins 2023) is turned into region arrays by a few compiled
passes over flat tables, without sorts or per-level concatenations (numba, cached on disk):

* :func:`split_layer`: every neuron of one layer splits the global vertex/edge table (the
  tables grow inside the kernel);
* :func:`edge_keys` and :func:`level_faces`: the sign-vector hashes of the edges and the
  faces of every level, grouped by open addressing on the two hash words, with each level's
  links grouped by parent (CSR);
* :func:`star_faces`: the vertices of every face from the stars of the vertices (each
  candidate sign vector through a vertex looked up in the level's table), grouped by face
  and sorted by vertex (CSR, a counting sort);
* :func:`region_rows`: the facet rows of every region sorted by column, the region's
  positive mask and the vertex-facet incidence rows;
* :func:`prefix_groups` and :func:`region_maps_grouped`: every region's affine map and its
  facet half-spaces, each hidden layer's map computed once per distinct pattern prefix.

Hash keys are sums of random 64-bit words (uniform), so the slot of a key is its low bits
after one xor-shift; the table has at least twice as many slots as keys (linear probing).

Every large array (outputs, hash tables, work space) is allocated by numpy in the Python
wrappers and passed in: numpy asks the kernel for transparent huge pages on large blocks,
numba's own allocations do not, and on a virtual machine the page faults and TLB misses of
4 KiB pages made the random accesses of these passes ten times slower.

References
----------
A. Berzins, "Polyhedral complex extraction from ReLU networks using edge subdivision", Proc.
40th ICML, PMLR 202 (2023). doi:10.48550/arXiv.2306.07212
"""

from __future__ import annotations

import numpy as np
from numba import njit


def table_size(n: int) -> int:
    """Slots of an open-addressing table for ``n`` keys: a power of two ``>= 2 n + 2``."""
    size = 16
    while size < 2 * n + 2:
        size *= 2
    return size


@njit(cache=True)
def _slot(key, mask):  # pragma: no cover - compiled
    return np.int64((key ^ (key >> np.uint64(29))) & mask)


@njit(cache=True)
def split_layer(
    X,
    Zc,
    P,
    HP,
    E,
    ZT,
    n_v,
    n_e,
    j0,
    col0,
    m,
    rz,
    rp,
    gnorm,
    bias,
    scale,
    ulps_eps,
    slot_h,
    slot_u,
    slot_n,
    slot_gen,
):  # pragma: no cover - compiled
    """Split the vertex/edge table by the neurons ``j0, j0 + 1, ...`` of one layer, in order.

    ``ZT`` (w, cap) holds the layer's pre-activations at the first ``n_v`` vertices (one
    contiguous row per neuron). Neuron ``j`` (column ``c = col0 + j``): a vertex with
    ``|s| <= gnorm[j] * scale + ulps_eps * (max |s| + |bias[j]|)`` (the hyperplane tolerance)
    fails; vertices with ``s > 0`` get bit ``c`` in ``P`` and ``rp[c]`` in ``HP``; every cut
    edge ``(a, b)`` (``a`` positive) gets a vertex ``u`` interpolated from ``a`` (coordinates
    and pre-activations), becomes ``(a, u)`` and ``(u, b)`` is appended; ``u``'s zeros are the
    common zeros of ``a`` and ``b`` plus ``c``; the new vertices whose candidate 2-faces (the
    edge's sign vector with one zero replaced by a sign) coincide are joined by a new edge,
    and each candidate must get exactly two (``slot_*``: the hash table of the candidates,
    slots stamped with ``c + 1`` in ``slot_gen``, so it is never cleared).

    Returns ``(n_v, n_e, j, status, need_v, need_e, need_t)``: status 0 when every neuron is
    done, 1 outside general position (the caller gives up), 2 when neuron ``j`` needs tables
    with ``need_v`` vertex rows (and ``ZT`` columns), ``need_e`` edge rows and ``need_t``
    hash slots (the caller grows them and calls again from ``j``; nothing of neuron ``j`` was
    written).
    """
    d = X.shape[1]
    one = np.uint64(1)
    w_layer = ZT.shape[0]
    for j in range(j0, w_layer):
        c = col0 + j
        s = ZT[j]
        mx = 0.0
        mn = np.inf
        for v in range(n_v):
            a = abs(s[v])
            mx = max(mx, a)
            mn = min(mn, a)
        eps = gnorm[j] * scale + ulps_eps * abs(mx + abs(bias[j]))
        if mn <= eps:
            return n_v, n_e, j, 1, 0, 0, 0
        n_cut = 0
        for e in range(n_e):
            if (s[E[e, 0]] > 0) != (s[E[e, 1]] > 0):
                n_cut += 1
        # candidate 2-faces: at most 2 (d - 1) per new vertex
        size = 16
        while size < 4 * (d - 1) * n_cut + 2:
            size *= 2
        if (
            n_v + n_cut > X.shape[0]
            or n_v + n_cut > ZT.shape[1]
            or (n_e + d * n_cut > E.shape[0] or size > slot_u.shape[0])
        ):
            return n_v, n_e, j, 2, n_v + n_cut, n_e + d * n_cut, size
        wc = c >> 6
        bc = one << np.uint64(c & 63)
        for v in range(n_v):
            if s[v] > 0:
                P[v, wc] |= bc
                HP[v, 0] += rp[c, 0]
                HP[v, 1] += rp[c, 1]
        if n_cut == 0:
            continue
        gen = c + 1
        hmask = np.uint64(size - 1)
        u = n_v
        n_e0 = n_e
        for e in range(n_e0):
            a = E[e, 0]
            b = E[e, 1]
            sa = s[a]
            sb = s[b]
            if (sa > 0) == (sb > 0):
                continue
            if sb > 0:
                a, b = b, a
                sa, sb = sb, sa
            t = sa / (sa - sb)
            for q in range(d):
                X[u, q] = X[a, q] + t * (X[b, q] - X[a, q])
            for q in range(w_layer):
                ZT[q, u] = ZT[q, a] + t * (ZT[q, b] - ZT[q, a])
            # the edge's zeros: those of a also on b; the column only a lies on takes b's sign
            h0 = HP[a, 0] - rp[c, 0]
            h1 = HP[a, 1] - rp[c, 1]
            for w in range(P.shape[1]):
                P[u, w] = P[a, w]
            P[u, wc] &= ~bc
            k = 0
            n_only = 0
            for q in range(d):
                col = Zc[a, q]
                onb = False
                for r in range(d):
                    if Zc[b, r] == col:
                        onb = True
                if onb:
                    if k < d - 1:
                        Zc[u, k] = col
                    k += 1
                else:
                    n_only += 1
                    if (P[b, col >> 6] >> np.uint64(col & 63)) & one:
                        h0 += rp[col, 0]
                        h1 += rp[col, 1]
                        P[u, col >> 6] |= one << np.uint64(col & 63)
            if n_only != 1:
                return n_v, n_e, j, 1, 0, 0, 0
            Zc[u, d - 1] = c
            HP[u, 0] = h0
            HP[u, 1] = h1
            E[e, 0] = a
            E[e, 1] = u
            E[n_e, 0] = u
            E[n_e, 1] = b
            n_e += 1
            # candidate 2-faces of the old complex through the edge
            z0 = h0
            z1 = h1
            for q in range(d - 1):
                z0 += rz[Zc[u, q], 0]
                z1 += rz[Zc[u, q], 1]
            for q in range(d - 1):
                i = Zc[u, q]
                for sgn in range(2):
                    if sgn == 1 and i < m:
                        continue  # domain facets: inside only
                    g0 = z0 - rz[i, 0]
                    g1 = z1 - rz[i, 1]
                    if sgn == 0:
                        g0 += rp[i, 0]
                        g1 += rp[i, 1]
                    sl = _slot(g0, hmask)
                    while True:
                        if slot_gen[sl] != gen:
                            slot_gen[sl] = gen
                            slot_h[sl, 0] = g0
                            slot_h[sl, 1] = g1
                            slot_u[sl] = u
                            slot_n[sl] = 1
                            break
                        if slot_h[sl, 0] == g0:
                            if slot_h[sl, 1] != g1 or slot_n[sl] != 1:
                                return n_v, n_e, j, 1, 0, 0, 0
                            E[n_e, 0] = slot_u[sl]
                            E[n_e, 1] = u
                            n_e += 1
                            slot_n[sl] += 1
                            break
                        sl = (sl + 1) & (size - 1)
            u += 1
        for q in range(size):
            if slot_gen[q] == gen and slot_n[q] != 2:
                return n_v, n_e, j, 1, 0, 0, 0
        n_v = u
    return n_v, n_e, w_layer, 0, 0, 0, 0


@njit(cache=True)
def edge_keys(Zc, P, HP, E, rz, rp, Hv, Ze, He, cola, bpos, colb, apos, slot):  # pragma: no cover
    """Hashes of the vertices and edges, the edges' zeros and their links to their ends.

    Fills ``Hv`` (the vertices' hashes) and, for edge ``(a, b)``: ``Ze`` its ``d - 1``
    common zeros (in ``a``'s order), ``He`` its hashes, ``cola`` / ``colb`` the columns only
    ``a`` / ``b`` lies on and ``bpos`` / ``apos`` the side of the other end there (the edge's
    sign). ``slot`` (all -1, :func:`table_size` of the edges) checks that no two edges share a
    sign vector. Returns False when an edge does not share exactly ``d - 1`` zeros or two
    edges have one first hash word (one sign vector, or a collision).
    """
    n_v, d = Zc.shape
    n_e = E.shape[0]
    one = np.uint64(1)
    for v in range(n_v):
        h0 = HP[v, 0]
        h1 = HP[v, 1]
        for q in range(d):
            h0 += rz[Zc[v, q], 0]
            h1 += rz[Zc[v, q], 1]
        Hv[v, 0] = h0
        Hv[v, 1] = h1
    size = slot.shape[0]
    mask = np.uint64(size - 1)
    for e in range(n_e):
        a = E[e, 0]
        b = E[e, 1]
        k = 0
        ca = -1
        for q in range(d):
            col = Zc[a, q]
            onb = False
            for r in range(d):
                if Zc[b, r] == col:
                    onb = True
            if onb:
                if k == d - 1:
                    return False
                Ze[e, k] = col
                k += 1
            else:
                ca = col
        if k != d - 1:
            return False
        cb = -1
        for r in range(d):
            col = Zc[b, r]
            found = False
            for q in range(d - 1):
                if Ze[e, q] == col:
                    found = True
            if not found:
                cb = col
        bp = ((P[b, ca >> 6] >> np.uint64(ca & 63)) & one) != 0
        ap = ((P[a, cb >> 6] >> np.uint64(cb & 63)) & one) != 0
        cola[e] = ca
        colb[e] = cb
        bpos[e] = bp
        apos[e] = ap
        h0 = HP[a, 0]
        h1 = HP[a, 1]
        if bp:
            h0 += rp[ca, 0]
            h1 += rp[ca, 1]
        for q in range(d - 1):
            h0 += rz[Ze[e, q], 0]
            h1 += rz[Ze[e, q], 1]
        He[e, 0] = h0
        He[e, 1] = h1
        sl = _slot(h0, mask)
        while slot[sl] >= 0:
            if He[slot[sl], 0] == h0:
                return False  # two edges with one sign vector (or a collision)
            sl = (sl + 1) & (size - 1)
        slot[sl] = e
    return True


@njit(cache=True)
def level_faces(
    Zg, Hg, rz, rp, m, ch, ids, cols, posv, first, Hf, table, Zf, ptr, order, fill
):  # pragma: no cover - compiled
    """Build the ``j``-faces from the ``(j - 1)``-faces ``(Zg (n, k) zeros, Hg (n, 2) hashes)``.

    Candidates, in this order: for each zero position ``p``, every face with its zero
    ``Zg[i, p]`` replaced by ``+``, then (neuron columns only) by ``-``. Candidates with equal
    hash pairs are one face, numbered in order of first appearance. Fills, per candidate, its
    child ``ch``, face ``ids``, column ``cols`` and sign ``posv``; per face its first
    candidate ``first``, hashes ``Hf`` and zeros ``Zf`` (the first child's without the
    column); ``order`` the candidates grouped by face (stable) with ``ptr`` the face offsets
    (``ptr`` zeros on entry, one more than the candidates; ``fill`` work space). ``table``
    (zeros, a power of two at least twice the number of faces) holds ``face + 1`` per slot.
    Returns ``(n_faces, ok)``; ok False on a hash collision or when the faces would fill half
    the table (not a subdivided polytope: every ``j``-face, ``j >= 2``, has ``>= 3`` facets).
    """
    n, k = Zg.shape
    size = table.shape[0]
    mask = np.uint64(size - 1)
    n_f = 0
    q = 0
    for p in range(k):
        for sgn in range(2):
            for i in range(n):
                col = Zg[i, p]
                if sgn == 1 and col < m:
                    continue
                h0 = Hg[i, 0] - rz[col, 0]
                h1 = Hg[i, 1] - rz[col, 1]
                if sgn == 0:
                    h0 += rp[col, 0]
                    h1 += rp[col, 1]
                ch[q] = i
                cols[q] = col
                posv[q] = sgn == 0
                sl = _slot(h0, mask)
                while True:
                    t = table[sl]
                    if t == 0:
                        if 2 * n_f + 2 > size:
                            return n_f, False
                        table[sl] = n_f + 1
                        ids[q] = n_f
                        first[n_f] = q
                        Hf[n_f, 0] = h0
                        Hf[n_f, 1] = h1
                        n_f += 1
                        break
                    f = t - 1
                    if Hf[f, 0] == h0:
                        if Hf[f, 1] != h1:
                            return n_f, False
                        ids[q] = f
                        break
                    sl = (sl + 1) & (size - 1)
                q += 1
    for f in range(n_f):
        r = first[f]
        i = ch[r]
        col = cols[r]
        t = 0
        for p in range(k):
            if Zg[i, p] != col:
                if t < k - 1:
                    Zf[f, t] = Zg[i, p]
                t += 1
    for r in range(q):
        ptr[ids[r] + 1] += 1
    for f in range(n_f):
        ptr[f + 1] += ptr[f]
        fill[f] = ptr[f]
    for r in range(q):
        f = ids[r]
        order[fill[f]] = r
        fill[f] += 1
    return n_f, True


@njit(cache=True)
def region_rows(
    ptr, order, ch, cols, posv, vptr, vv, Zc, P, fch, fcol, fpos, pos, inc
):  # pragma: no cover - compiled
    """Facet rows of every region, its positive mask and the vertex-facet incidence rows.

    ``ptr``, ``order``, ``ch``, ``cols``, ``posv``: the facets of each region (the top
    level of :func:`level_faces`); ``(vptr, vv)`` its vertices (sorted). Fills the facet rows
    ``fch`` (facet), ``fcol`` (column), ``fpos`` (side), sorted by column within each region
    (offsets ``ptr``). A vertex ``v`` of a region lies on the facet rows whose column is a zero
    of ``v`` (``Zc[v]``, sorted): one row ``(vertex row, facet row)`` of ``inc`` per pair, in
    vertex row order then column. ``pos`` (zeros on entry): the region's positive mask, its
    first vertex's with the region's side of that vertex's zeros. Returns False when a vertex
    zero is not a facet of its region or a region has two facets on one column.
    """
    n_r = ptr.shape[0] - 1
    d = Zc.shape[1]
    W = P.shape[1]
    one = np.uint64(1)
    q = 0
    for r in range(n_r):
        a = ptr[r]
        b = ptr[r + 1]
        for t in range(a, b):
            o = order[t]
            c = cols[o]
            p = t
            while p > a and fcol[p - 1] > c:
                fch[p] = fch[p - 1]
                fcol[p] = fcol[p - 1]
                fpos[p] = fpos[p - 1]
                p -= 1
            if p > a and fcol[p - 1] == c:
                return False
            fch[p] = ch[o]
            fcol[p] = c
            fpos[p] = posv[o]
        for k in range(vptr[r], vptr[r + 1]):
            v = vv[k]
            f = a
            for z in range(d):
                c = Zc[v, z]
                while f < b and fcol[f] < c:
                    f += 1
                if f == b or fcol[f] != c:
                    return False
                inc[q, 0] = k
                inc[q, 1] = f
                q += 1
                if k == vptr[r] and fpos[f]:
                    pos[r, c >> 6] |= one << np.uint64(c & 63)
            if k == vptr[r]:
                for w in range(W):
                    pos[r, w] |= P[v, w]
    return True


@njit(cache=True)
def prefix_groups(pattern, widths, words, gid, first, table):  # pragma: no cover - compiled
    """Group the regions by their activation patterns on the first ``l`` hidden layers.

    ``gid[r, l]`` (``l = 0 .. L - 2``, ``L`` the number of layers): the group of region
    ``r`` among the distinct prefixes ``pattern[r, :widths[1] + ... + widths[l]]``
    (``gid[:, 0] = 0``: the empty prefix), numbered in order of first appearance;
    ``first[l, g]`` the first region of group ``g``. A group is keyed by its parent group
    and the layer's bits (hashed with the random ``words``, one per neuron, checked bit by
    bit against the group's first region). ``table``: work space (a power of two at least
    twice the regions). Returns the number of groups per level.
    """
    n = pattern.shape[0]
    L = widths.shape[0] - 1
    size = table.shape[0]
    mask = np.uint64(size - 1)
    counts = np.zeros(max(L - 1, 1), np.int64)
    counts[0] = 1
    for r in range(n):
        gid[r, 0] = 0
    first[0, 0] = 0
    pcol = 0
    for l in range(1, L - 1):
        wl = widths[l]  # the bits of hidden layer l - 1
        for s in range(size):
            table[s] = -1
        n_g = 0
        for r in range(n):
            key = np.uint64(gid[r, l - 1]) * np.uint64(0x9E3779B97F4A7C15)
            for k in range(wl):
                if pattern[r, pcol + k]:
                    key += words[pcol + k]
            sl = _slot(key, mask)
            while True:
                g = table[sl]
                if g < 0:
                    table[sl] = n_g
                    first[l, n_g] = r
                    gid[r, l] = n_g
                    n_g += 1
                    break
                rep = first[l, g]
                same = gid[rep, l - 1] == gid[r, l - 1]
                if same:
                    for k in range(wl):
                        if pattern[rep, pcol + k] != pattern[r, pcol + k]:
                            same = False
                            break
                if same:
                    gid[r, l] = g
                    break
                sl = (sl + 1) & (size - 1)
        counts[l] = n_g
        pcol += wl
    return counts


@njit(cache=True)
def region_maps_grouped(
    WTf,
    woff,
    bf,
    boff,
    widths,
    pattern,
    gid,
    first,
    counts,
    goff,
    Gall,
    call,
    facet_offset,
    fcol,
    fpos,
    m,
    Ad,
    bd,
    weight,
    bias,
    A,
    b,
):  # pragma: no cover - compiled
    """Affine map of every region and its facet half-spaces, layer maps shared by prefix.

    The map ``(G (d, w), c)`` of hidden layer ``l >= 1`` depends only on the activation
    pattern of the layers before it: :func:`propagate_groups` computes it once per group of
    :func:`prefix_groups` (from its first region, into ``Gall`` / ``call`` at ``goff[l]``),
    the same products in the same order as the per-region kernel
    :func:`spectral_exact._subdivision_kernels.region_maps_facets`, so the same values to the
    last bit (``first`` and ``counts`` are the groups', unused here). Per region: facet rows
    on domain column ``col < m``: ``Ad[col], bd[col]``; on neuron ``k`` of hidden layer ``l``
    on side ``s``: ``A = -s g / |g|``, ``b = s c / |g|`` from the layer's map; the region's
    affine map: the output neuron through its last layer's active neurons. Fills ``weight``,
    ``bias``, ``A``, ``b``.
    """
    n = pattern.shape[0]
    d = widths[0]
    L = widths.shape[0] - 1
    for r in range(n):
        f = facet_offset[r]
        fe = facet_offset[r + 1]
        while f < fe and fcol[f] < m:
            for q in range(d):
                A[f, q] = Ad[fcol[f], q]
            b[f] = bd[fcol[f]]
            f += 1
        col0 = m
        pcol = 0
        so = woff[0]
        co = boff[0]
        src = WTf
        csrc = bf
        for l in range(L - 1):  # hidden layers
            wl = widths[l + 1]
            if l >= 1:
                src, so = Gall, goff[l] + gid[r, l] * d * wl
                csrc, co = call, goff[l] // d + gid[r, l] * wl
            while f < fe and fcol[f] < col0 + wl:
                k = fcol[f] - col0
                s = 1.0 if fpos[f] else -1.0
                gn = 0.0
                for q in range(d):
                    gn += src[so + q * wl + k] * src[so + q * wl + k]
                gn = np.sqrt(gn)
                for q in range(d):
                    A[f, q] = -s * src[so + q * wl + k] / gn
                b[f] = s * csrc[co + k] / gn
                f += 1
            col0 += wl
            if l < L - 2:
                pcol += wl
        # the output neuron through the last hidden layer's active neurons
        if L == 1:
            for q in range(d):
                weight[r, q] = WTf[woff[0] + q]
            bias[r] = bf[boff[0]]
            continue
        wl = widths[L - 1]
        base = woff[L - 1]
        acc_c = bf[boff[L - 1]]
        for q in range(d):
            weight[r, q] = 0.0
        for k in range(wl):
            if pattern[r, pcol + k]:
                w = WTf[base + k]
                acc_c += w * csrc[co + k]
                for q in range(d):
                    weight[r, q] += w * src[so + q * wl + k]
        bias[r] = acc_c


@njit(cache=True)
def fill_table(Hf, table):  # pragma: no cover - compiled
    """Insert the faces ``Hf (n, 2)`` (distinct first words) into ``table``: ``face + 1``."""
    size = table.shape[0]
    mask = np.uint64(size - 1)
    for f in range(Hf.shape[0]):
        sl = _slot(Hf[f, 0], mask)
        while table[sl] != 0:
            sl = (sl + 1) & (size - 1)
        table[sl] = f + 1


@njit(cache=True)
def star_faces(
    Zc, Hv, rz, rp, m, free, signs, Hf, table, tmp, vend, fill, fptr, fv
):  # pragma: no cover - compiled
    """Collect the vertices of every ``j``-face from the vertices' stars, by face (CSR).

    A vertex with zero columns ``Z`` lies on the ``j``-faces whose sign vectors give a sign
    to ``j`` of its zeros (positions ``free[a]``, signs ``signs[b]``; domain columns inside
    only): hash ``Hv[v] - sum rz[col] + sum_{+} rp[col]``, looked up in ``table`` (the
    level's faces, keys ``Hf``). Counted per face, then written face by face, vertices in
    increasing order (a counting sort; ``tmp`` one entry per pair, ``vend`` one per vertex,
    ``fill`` one per face, zeros on entry). Fills ``fptr`` (faces + 1) and ``fv``. Returns the
    number of pairs, or -1 when a candidate is not a face or a vertex meets a face twice
    (outside general position).
    """
    n = Zc.shape[0]
    size = table.shape[0]
    mask = np.uint64(size - 1)
    na, j = free.shape
    nb = signs.shape[0]
    n_f = fptr.shape[0] - 1
    q = 0
    for v in range(n):
        for a in range(na):
            h0 = Hv[v, 0]
            h1 = Hv[v, 1]
            for p in range(j):
                c = Zc[v, free[a, p]]
                h0 -= rz[c, 0]
                h1 -= rz[c, 1]
            for b in range(nb):
                g0 = h0
                g1 = h1
                ok = True
                for p in range(j):
                    c = Zc[v, free[a, p]]
                    if signs[b, p]:
                        g0 += rp[c, 0]
                        g1 += rp[c, 1]
                    elif c < m:
                        ok = False
                if not ok:
                    continue
                sl = _slot(g0, mask)
                f = -1
                while True:
                    t = table[sl]
                    if t == 0:
                        break
                    if Hf[t - 1, 0] == g0:
                        if Hf[t - 1, 1] == g1:
                            f = t - 1
                        break
                    sl = (sl + 1) & (size - 1)
                if f < 0:
                    return -1
                tmp[q] = f
                fill[f] += 1
                q += 1
        vend[v] = q
    fptr[0] = 0
    for f in range(n_f):
        fptr[f + 1] = fptr[f] + fill[f]
        fill[f] = fptr[f]
    s = 0
    for v in range(n):
        for r in range(s, vend[v]):
            f = tmp[r]
            p = fill[f]
            if p > fptr[f] and fv[p - 1] == v:
                return -1
            fv[p] = v
            fill[f] = p + 1
        s = vend[v]
    return q


@njit(cache=True)
def preactivations(X, n_v, WTf, woff, bf, boff, widths, layer, ZT):  # pragma: no cover
    """Pre-activations of hidden layer ``layer`` at the first ``n_v`` vertices, into ``ZT``.

    ``ZT[i, v]`` for neuron ``i``: the net evaluated exactly at ``X[v]`` through the layers
    before (``relu(W h + b)``; ``WTf`` the layers transposed and flattened, layer ``l`` at
    ``woff[l]`` as ``(widths[l], widths[l + 1])``, so that the inner loop runs over the
    contiguous output neurons; ``bf`` the biases at ``boff[l]``). One thread, no BLAS (whose
    idle worker threads spin on the other core for a while after every call).
    """
    d = widths[0]
    wmax = 1
    for l in range(layer + 2):
        wmax = max(wmax, widths[l])
    h = np.empty(wmax)
    acc = np.empty(wmax)
    for v in range(n_v):
        for q in range(d):
            h[q] = X[v, q]
        for l in range(layer + 1):
            wi = widths[l]
            wo = widths[l + 1]
            for i in range(wo):
                acc[i] = 0.0
            for k in range(wi):
                hk = h[k]
                if hk != 0.0:
                    row = woff[l] + k * wo
                    for i in range(wo):
                        acc[i] += WTf[row + i] * hk
            if l < layer:
                for i in range(wo):
                    h[i] = max(acc[i] + bf[boff[l] + i], 0.0)
            else:
                for i in range(wo):
                    ZT[i, v] = acc[i] + bf[boff[l] + i]


@njit(cache=True)
def propagate_groups(
    Gsrc, csrc, parent, reps, pattern, pcol, WT, bl, Gdst, cdst
):  # pragma: no cover
    """Map of the next hidden layer of every pattern-prefix group, from its parent group's.

    Group ``g`` (first region ``reps[g]``, parent group ``parent[g]`` with the map
    ``Gsrc[p] (d, wl)``, ``csrc[p] (wl)``): ``Gdst[g] = sum over the active neurons k of
    WT[k] * Gsrc[p][:, k]``, ``cdst[g] = bl + sum WT[k] csrc[p][k]`` (``WT`` the layer's
    weights transposed, ``(wl, wn)``), summed over ``k`` in order, as the per-region kernel.
    """
    n_g = reps.shape[0]
    d = Gsrc.shape[1]
    wl, wn = WT.shape
    for g in range(n_g):
        r = reps[g]
        p = parent[g]
        Gd = Gdst[g]
        cd = cdst[g]
        for i in range(wn):
            cd[i] = bl[i]
        for q in range(d):
            for i in range(wn):
                Gd[q, i] = 0.0
        for k in range(wl):
            if pattern[r, pcol + k]:
                wrow = WT[k]
                ck = csrc[p, k]
                for i in range(wn):
                    cd[i] += wrow[i] * ck
                for q in range(d):
                    gq = Gsrc[p, q, k]
                    drow = Gd[q]
                    for i in range(wn):
                        drow[i] += wrow[i] * gq
