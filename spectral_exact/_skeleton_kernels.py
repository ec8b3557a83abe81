"""Compiled passes of :mod:`spectral_exact._subdivision`: split, levels, stars, region rows.

The global edge subdivision (Berzins 2023) is turned into region arrays by a few compiled
passes over flat tables, without sorts or per-level concatenations (numba, cached on disk):

* :func:`split_layer`: every neuron of one layer splits the global vertex/edge table (the
  tables grow inside the kernel);
* :func:`edge_keys` and :func:`level_faces`: the sign-vector hashes of the edges and the
  faces of every level, grouped by open addressing on the two hash words, with each level's
  links grouped by parent (CSR);
* :func:`face_vertices`: the vertices of every face as the union of its facets' vertices,
  grouped by face and sorted by vertex (CSR), with the star of every vertex counted;
* :func:`region_rows`: the facet rows of every region sorted by column, the region's
  positive mask and the vertex-facet incidence rows;
* :func:`region_maps_facets_t`: every region's affine map and its facet half-spaces.

Hash keys are sums of random 64-bit words (uniform), so the slot of a key is its low bits
after one xor-shift; the table has at least twice as many slots as keys (linear probing).

References
----------
A. Berzins, "Polyhedral complex extraction from ReLU networks using edge subdivision", Proc.
40th ICML, PMLR 202 (2023). doi:10.48550/arXiv.2306.07212
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)
def _table_size(n):  # pragma: no cover - compiled
    size = 16
    while size < 2 * n + 2:
        size *= 2
    return size


@njit(cache=True)
def _slot(key, mask):  # pragma: no cover - compiled
    return np.int64((key ^ (key >> np.uint64(29))) & mask)


@njit(cache=True)
def _grow_rows(a, n):  # pragma: no cover - compiled
    """``a`` with at least ``n`` rows (doubling; old rows copied)."""
    if n <= a.shape[0]:
        return a
    out = np.zeros((max(n, 2 * a.shape[0]), a.shape[1]), a.dtype)
    out[: a.shape[0]] = a
    return out


@njit(cache=True)
def _grow_cols(a, n):  # pragma: no cover - compiled
    """``a`` with at least ``n`` columns (doubling; old columns copied)."""
    if n <= a.shape[1]:
        return a
    out = np.zeros((a.shape[0], max(n, 2 * a.shape[1])), a.dtype)
    out[:, : a.shape[1]] = a
    return out


@njit(cache=True)
def split_layer(
    X, Zc, P, HP, E, ZT, n_v, n_e, col0, m, rz, rp, gnorm, bias, scale, ulps_eps
):  # pragma: no cover - compiled
    """Split the vertex/edge table by every neuron of one layer, in order.

    ``ZT`` (w, cap) holds the layer's pre-activations at the first ``n_v`` vertices (one
    contiguous row per neuron). Neuron ``j`` (column ``c = col0 + j``): a vertex with
    ``|s| <= gnorm[j] * scale + ulps_eps * (max |s| + |bias[j]|)`` (the hyperplane tolerance)
    fails; vertices with ``s > 0`` get bit ``c`` in ``P`` and ``rp[c]`` in ``HP``; every cut
    edge ``(a, b)`` (``a`` positive) gets a vertex ``u`` interpolated from ``a`` (coordinates
    and pre-activations), becomes ``(a, u)`` and ``(u, b)`` is appended; ``u``'s zeros are the
    common zeros of ``a`` and ``b`` plus ``c``; the new vertices whose candidate 2-faces (the
    edge's sign vector with one zero replaced by a sign) coincide are joined by a new edge,
    and each candidate must get exactly two. Returns the (possibly reallocated) tables, the new
    counts and a status: 0, or 1 outside general position (the caller gives up).
    """
    d = X.shape[1]
    one = np.uint64(1)
    w_layer = ZT.shape[0]
    for j in range(w_layer):
        c = col0 + j
        s = ZT[j]
        mx = 0.0
        for v in range(n_v):
            a = abs(s[v])
            if a > mx:
                mx = a
        eps = gnorm[j] * scale + ulps_eps * abs(mx + abs(bias[j]))
        wc = c >> 6
        bc = one << np.uint64(c & 63)
        for v in range(n_v):
            if abs(s[v]) <= eps:
                return X, Zc, P, HP, E, ZT, n_v, n_e, 1
            if s[v] > 0:
                P[v, wc] |= bc
                HP[v, 0] += rp[c, 0]
                HP[v, 1] += rp[c, 1]
        n_cut = 0
        for e in range(n_e):
            if (s[E[e, 0]] > 0) != (s[E[e, 1]] > 0):
                n_cut += 1
        if n_cut == 0:
            continue
        X = _grow_rows(X, n_v + n_cut)
        Zc = _grow_rows(Zc, n_v + n_cut)
        P = _grow_rows(P, n_v + n_cut)
        HP = _grow_rows(HP, n_v + n_cut)
        ZT = _grow_cols(ZT, n_v + n_cut)
        E = _grow_rows(E, n_e + d * n_cut)
        s = ZT[j]
        # candidate 2-faces: at most 2 (d - 1) per new vertex
        size = _table_size(2 * (d - 1) * n_cut)
        hmask = np.uint64(size - 1)
        slot_h0 = np.zeros(size, np.uint64)
        slot_h1 = np.zeros(size, np.uint64)
        slot_u = np.full(size, -1, np.int64)
        slot_n = np.zeros(size, np.int64)
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
                    Zc[u, k] = col
                    k += 1
                else:
                    n_only += 1
                    if (P[b, col >> 6] >> np.uint64(col & 63)) & one:
                        h0 += rp[col, 0]
                        h1 += rp[col, 1]
                        P[u, col >> 6] |= one << np.uint64(col & 63)
            if n_only != 1:
                return X, Zc, P, HP, E, ZT, n_v, n_e, 1
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
                        if slot_u[sl] < 0:
                            slot_h0[sl] = g0
                            slot_h1[sl] = g1
                            slot_u[sl] = u
                            slot_n[sl] = 1
                            break
                        if slot_h0[sl] == g0:
                            if slot_h1[sl] != g1 or slot_n[sl] != 1:
                                return X, Zc, P, HP, E, ZT, n_v, n_e, 1
                            E[n_e, 0] = slot_u[sl]
                            E[n_e, 1] = u
                            n_e += 1
                            slot_n[sl] += 1
                            break
                        sl = (sl + 1) & (size - 1)
            u += 1
        for q in range(size):
            if slot_u[q] >= 0 and slot_n[q] != 2:
                return X, Zc, P, HP, E, ZT, n_v, n_e, 1
        n_v = u
    return X, Zc, P, HP, E, ZT, n_v, n_e, 0


@njit(cache=True)
def edge_keys(Zc, P, HP, E, rz, rp):  # pragma: no cover - compiled
    """Hashes of the vertices and edges, the edges' zeros and their links to their ends.

    Edge ``(a, b)``: its zeros ``Ze`` are the ``d - 1`` common zeros (in ``a``'s order),
    ``cola`` / ``colb`` the columns only ``a`` / ``b`` lies on and ``bpos`` / ``apos`` the
    side of the other end there (the edge's sign). Returns ``(Hv, Ze, He, cola, bpos, colb,
    apos, ok)``; ok is False when an edge does not share exactly ``d - 1`` zeros or two edges
    have one sign vector (or a hash collision).
    """
    n_v, d = Zc.shape
    n_e = E.shape[0]
    one = np.uint64(1)
    Hv = np.empty((n_v, 2), np.uint64)
    for v in range(n_v):
        h0 = HP[v, 0]
        h1 = HP[v, 1]
        for q in range(d):
            h0 += rz[Zc[v, q], 0]
            h1 += rz[Zc[v, q], 1]
        Hv[v, 0] = h0
        Hv[v, 1] = h1
    Ze = np.empty((n_e, d - 1), np.int64)
    He = np.empty((n_e, 2), np.uint64)
    cola = np.empty(n_e, np.int64)
    colb = np.empty(n_e, np.int64)
    bpos = np.empty(n_e, np.bool_)
    apos = np.empty(n_e, np.bool_)
    size = _table_size(n_e)
    mask = np.uint64(size - 1)
    slot = np.full(size, -1, np.int64)
    ok = True
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
                    return Hv, Ze, He, cola, bpos, colb, apos, False
                Ze[e, k] = col
                k += 1
            else:
                ca = col
        if k != d - 1:
            return Hv, Ze, He, cola, bpos, colb, apos, False
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
                ok = False  # two edges with one sign vector (or a collision)
                break
            sl = (sl + 1) & (size - 1)
        slot[sl] = e
    return Hv, Ze, He, cola, bpos, colb, apos, ok


@njit(cache=True)
def level_faces(Zg, Hg, rz, rp, m):  # pragma: no cover - compiled
    """The ``j``-faces from the ``(j - 1)``-faces ``(Zg (n, k) zeros, Hg (n, 2) hashes)``.

    Candidates, in this order: for each zero position ``p``, every face with its zero
    ``Zg[i, p]`` replaced by ``+``, then (neuron columns only) by ``-``. Candidates with equal
    hash pairs are one face, numbered in order of first appearance. Returns ``(ch, ids, cols,
    posv, Zf, Hf, ptr, order, ok)``: per candidate its child, face, column and sign; per face
    its zeros (the first child's without the column) and hashes; ``order`` the candidates
    grouped by face (stable) with ``ptr`` the face offsets; ok False on a hash collision.
    """
    n, k = Zg.shape
    n_c = 0
    for p in range(k):
        for i in range(n):
            n_c += 2 if Zg[i, p] >= m else 1
    ch = np.empty(n_c, np.int64)
    ids = np.empty(n_c, np.int64)
    cols = np.empty(n_c, np.int64)
    posv = np.empty(n_c, np.bool_)
    first = np.empty(n_c, np.int64)
    H0 = np.empty(n_c, np.uint64)
    H1 = np.empty(n_c, np.uint64)
    size = _table_size(n_c)
    mask = np.uint64(size - 1)
    table = np.zeros((size, 3), np.uint64)  # h0, h1, id + 1 (0: empty)
    n_f = 0
    ok = True
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
                    t = table[sl, 2]
                    if t == 0:
                        table[sl, 0] = h0
                        table[sl, 1] = h1
                        table[sl, 2] = np.uint64(n_f + 1)
                        ids[q] = n_f
                        first[n_f] = q
                        H0[n_f] = h0
                        H1[n_f] = h1
                        n_f += 1
                        break
                    if table[sl, 0] == h0:
                        if table[sl, 1] != h1:
                            ok = False
                        ids[q] = np.int64(t) - 1
                        break
                    sl = (sl + 1) & (size - 1)
                q += 1
    Zf = np.empty((n_f, k - 1), np.int64)
    Hf = np.empty((n_f, 2), np.uint64)
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
        Hf[f, 0] = H0[f]
        Hf[f, 1] = H1[f]
    ptr = np.zeros(n_f + 1, np.int64)
    for r in range(n_c):
        ptr[ids[r] + 1] += 1
    for f in range(n_f):
        ptr[f + 1] += ptr[f]
    fill = ptr[:-1].copy()
    order = np.empty(n_c, np.int64)
    for r in range(n_c):
        f = ids[r]
        order[fill[f]] = r
        fill[f] += 1
    return ch, ids, cols, posv, Zf, Hf, ptr, order, ok


@njit(cache=True)
def face_vertices(cptr, cv, ptr, order, ch, n_v):  # pragma: no cover - compiled
    """Vertices of every face: the union of its facets' vertices, sorted (CSR).

    ``(cptr, cv)``: the vertices of the ``(j - 1)``-faces (CSR); ``ptr``, ``order``, ``ch``:
    the facets of each ``j``-face (:func:`level_faces`). Returns ``(fptr, fv, star)``:
    ``fv[fptr[f]:fptr[f + 1]]`` the vertices of face ``f`` in increasing order and
    ``star[v]`` the number of faces through vertex ``v``.
    """
    n_f = ptr.shape[0] - 1
    total = 0
    for r in range(order.shape[0]):
        c = ch[r]
        total += cptr[c + 1] - cptr[c]
    fv = np.empty(total, np.int64)
    fptr = np.zeros(n_f + 1, np.int64)
    stamp = np.full(n_v, -1, np.int64)
    star = np.zeros(n_v, np.int64)
    q = 0
    for f in range(n_f):
        start = q
        for t in range(ptr[f], ptr[f + 1]):
            c = ch[order[t]]
            for s in range(cptr[c], cptr[c + 1]):
                v = cv[s]
                if stamp[v] != f:
                    stamp[v] = f
                    star[v] += 1
                    # insertion into the sorted run fv[start:q]
                    p = q
                    while p > start and fv[p - 1] > v:
                        fv[p] = fv[p - 1]
                        p -= 1
                    fv[p] = v
                    q += 1
        fptr[f + 1] = q
    return fptr, fv[:q].copy(), star


@njit(cache=True)
def region_rows(ptr, order, ch, cols, posv, vptr, vv, Zc, P):  # pragma: no cover - compiled
    """Facet rows of every region, its positive mask and the vertex-facet incidence rows.

    ``ptr``, ``order``, ``ch``, ``cols``, ``posv``: the facets of each region (the top
    level of :func:`level_faces`); ``(vptr, vv)`` its vertices (sorted). Facet rows are sorted
    by column within each region. A vertex ``v`` of a region lies on the facet rows whose
    column is a zero of ``v`` (``Zc[v]``, sorted): one row of the incidence per pair, in vertex
    row order then column. The positive mask of a region is its first vertex's, with the
    region's side of that vertex's zeros. Returns ``(facet_offset, fch, fcol, fpos, pos, inc,
    ok)``; ok False when a vertex zero is not a facet of its region (or a region has two
    facets on one column).
    """
    n_r = ptr.shape[0] - 1
    M = order.shape[0]
    n_v, d = Zc.shape
    fch = np.empty(M, np.int64)
    fcol = np.empty(M, np.int64)
    fpos = np.empty(M, np.bool_)
    W = P.shape[1]
    pos = np.zeros((n_r, W), np.uint64)
    inc = np.empty((vv.shape[0] * d, 2), np.int64)
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
                return ptr, fch, fcol, fpos, pos, inc, False
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
                    return ptr, fch, fcol, fpos, pos, inc, False
                inc[q, 0] = k
                inc[q, 1] = f
                q += 1
                if k == vptr[r] and fpos[f]:
                    pos[r, c >> 6] |= one << np.uint64(c & 63)
            if k == vptr[r]:
                for w in range(W):
                    pos[r, w] |= P[v, w]
    return ptr, fch, fcol, fpos, pos, inc[:q].copy(), True


@njit(cache=True)
def region_maps_facets_t(
    WTf, woff, bf, boff, widths, pattern, facet_offset, fcol, fpos, m, Ad, bd
):  # pragma: no cover - compiled
    """Affine map of every region and its facet half-spaces (transposed, vectorised layout).

    The same values, to the last bit, as
    :func:`spectral_exact._subdivision_kernels.region_maps_facets` (the same products summed
    in the same order), with the layer maps stored as ``G (d, w)`` and the weights transposed
    (``WTf``: layer ``l`` as ``(widths[l], widths[l + 1])`` at ``woff[l]``), so that the inner
    loop runs over contiguous neurons of the next layer.
    """
    n = pattern.shape[0]
    d = widths[0]
    L = widths.shape[0] - 1
    wmax = 1
    for l in range(L + 1):
        wmax = max(wmax, widths[l])
    G = np.empty((d, wmax))
    c = np.empty(wmax)
    G2 = np.empty((d, wmax))
    c2 = np.empty(wmax)
    M = fcol.shape[0]
    A = np.empty((M, d))
    b = np.empty(M)
    weight = np.empty((n, d))
    bias = np.empty(n)
    w0 = widths[1]
    for r in range(n):
        f = facet_offset[r]
        fe = facet_offset[r + 1]
        while f < fe and fcol[f] < m:
            for q in range(d):
                A[f, q] = Ad[fcol[f], q]
            b[f] = bd[fcol[f]]
            f += 1
        # layer 0: G = W0^T, c = b0
        for q in range(d):
            for k in range(w0):
                G[q, k] = WTf[woff[0] + q * w0 + k]
        for k in range(w0):
            c[k] = bf[boff[0] + k]
        col0 = m
        pcol = 0
        for l in range(L - 1):  # hidden layers
            wl = widths[l + 1]
            while f < fe and fcol[f] < col0 + wl:
                k = fcol[f] - col0
                s = 1.0 if fpos[f] else -1.0
                gn = 0.0
                for q in range(d):
                    gn += G[q, k] * G[q, k]
                gn = np.sqrt(gn)
                for q in range(d):
                    A[f, q] = -s * G[q, k] / gn
                b[f] = s * c[k] / gn
                f += 1
            wn = widths[l + 2]
            base = woff[l + 1]
            for i in range(wn):
                c2[i] = bf[boff[l + 1] + i]
            for q in range(d):
                for i in range(wn):
                    G2[q, i] = 0.0
            for k in range(wl):
                if pattern[r, pcol + k]:
                    row = base + k * wn
                    ck = c[k]
                    for i in range(wn):
                        c2[i] += WTf[row + i] * ck
                    for q in range(d):
                        g = G[q, k]
                        for i in range(wn):
                            G2[q, i] += WTf[row + i] * g
            for q in range(d):
                for i in range(wn):
                    G[q, i] = G2[q, i]
            for i in range(wn):
                c[i] = c2[i]
            col0 += wl
            pcol += wl
        for q in range(d):
            weight[r, q] = G[q, 0]
        bias[r] = c[0]
    return weight, bias, A, b
