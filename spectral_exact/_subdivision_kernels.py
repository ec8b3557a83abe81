"""Compiled helpers of :mod:`spectral_exact._subdivision` (numba, cached on disk)."""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)
def group_hashes(h0, h1):  # pragma: no cover - compiled
    """Ids of the distinct pairs ``(h0[i], h1[i])``, numbered in order of first appearance.

    Open addressing on ``h0`` (linear probing, table of at least twice the rows). Returns
    ``(ids, first, ok)``: the id of each row, the first row of each id, and False when two
    rows share ``h0`` but not ``h1`` (a hash collision: the caller gives up).
    """
    n = h0.shape[0]
    size = 1
    while size < 2 * n + 2:
        size *= 2
    mask = np.uint64(size - 1)
    slot_row = np.full(size, -1, np.int64)
    ids = np.empty(n, np.int64)
    first = np.empty(n, np.int64)
    n_ids = 0
    ok = True
    for i in range(n):
        key = h0[i]
        s = np.int64((key ^ (key >> np.uint64(29))) & mask)
        while True:
            r = slot_row[s]
            if r < 0:
                slot_row[s] = i
                ids[i] = n_ids
                first[n_ids] = i
                n_ids += 1
                break
            if h0[r] == key:
                if h1[r] != h1[i]:
                    ok = False
                ids[i] = ids[r]
                break
            s = (s + 1) & (size - 1)
    return ids, first[:n_ids].copy(), ok


@njit(cache=True)
def lookup_hashes(t0, t1, h0, h1):  # pragma: no cover - compiled
    """Row of the table ``(t0, t1)`` (distinct ``t0``) holding each query; -1 if absent."""
    m = t0.shape[0]
    size = 1
    while size < 2 * m + 2:
        size *= 2
    mask = np.uint64(size - 1)
    slot_row = np.full(size, -1, np.int64)
    for i in range(m):
        key = t0[i]
        s = np.int64((key ^ (key >> np.uint64(29))) & mask)
        while slot_row[s] >= 0:
            s = (s + 1) & (size - 1)
        slot_row[s] = i
    n = h0.shape[0]
    out = np.empty(n, np.int64)
    for i in range(n):
        key = h0[i]
        s = np.int64((key ^ (key >> np.uint64(29))) & mask)
        out[i] = -1
        while True:
            r = slot_row[s]
            if r < 0:
                break
            if t0[r] == key:
                if t1[r] == h1[i]:
                    out[i] = r
                break
            s = (s + 1) & (size - 1)
    return out


@njit(cache=True)
def stable_order(keys, n_keys):  # pragma: no cover - compiled
    """Stable counting sort: the permutation ordering ``keys`` (ints in ``[0, n_keys)``)."""
    cnt = np.zeros(n_keys + 1, np.int64)
    for k in keys:
        cnt[k + 1] += 1
    for i in range(n_keys):
        cnt[i + 1] += cnt[i]
    out = np.empty(keys.shape[0], np.int64)
    for i in range(keys.shape[0]):
        k = keys[i]
        out[cnt[k]] = i
        cnt[k] += 1
    return out


@njit(cache=True)
def vertex_faces(Zc, Hv, rz, rp, m, free, signs, t0, t1):  # pragma: no cover - compiled
    """Faces through every vertex: ``(face, vertex, combo)`` rows, vertex-major.

    For vertex ``v`` and every combination ``(free[a], signs[b])`` (the positions of ``v``'s
    zero columns that get a sign, and the signs; domain columns inside only), the hash
    ``Hv[v] - sum rz[col] + sum_{+} rp[col]`` is looked up in the table ``(t0, t1)``.
    ``face`` is -1 where it is absent (the caller gives up).
    """
    n = Zc.shape[0]
    nt = t0.shape[0]
    size = 1
    while size < 2 * nt + 2:
        size *= 2
    mask = np.uint64(size - 1)
    slot_row = np.full(size, -1, np.int64)
    for i in range(nt):
        key = t0[i]
        s = np.int64((key ^ (key >> np.uint64(29))) & mask)
        while slot_row[s] >= 0:
            s = (s + 1) & (size - 1)
        slot_row[s] = i
    na, j = free.shape
    nb = signs.shape[0]
    cap = n * na * nb
    face = np.empty(cap, np.int64)
    vert = np.empty(cap, np.int64)
    combo = np.empty(cap, np.int64)
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
                s = np.int64((g0 ^ (g0 >> np.uint64(29))) & mask)
                f = -1
                while True:
                    r = slot_row[s]
                    if r < 0:
                        break
                    if t0[r] == g0:
                        if t1[r] == g1:
                            f = r
                        break
                    s = (s + 1) & (size - 1)
                face[q] = f
                vert[q] = v
                combo[q] = a * nb + b
                q += 1
    return face[:q].copy(), vert[:q].copy(), combo[:q].copy()


@njit(cache=True)
def mark_side(P, HP, E, n_v, n_e, s, c, rp):  # pragma: no cover - compiled
    """Record column ``c``'s side at the first ``n_v`` vertices; count the edges it cuts.

    Vertices with ``s > 0`` get bit ``c`` in their positive masks ``P`` and ``rp[c]`` in
    their hashes ``HP``; an edge is cut when its ends have values of opposite signs.
    """
    w = c >> 6
    bit = np.uint64(1) << np.uint64(c & 63)
    for v in range(n_v):
        if s[v] > 0:
            P[v, w] |= bit
            HP[v, 0] += rp[c, 0]
            HP[v, 1] += rp[c, 1]
    k = 0
    for e in range(n_e):
        if (s[E[e, 0]] > 0) != (s[E[e, 1]] > 0):
            k += 1
    return k


@njit(cache=True)
def split_neuron(X, Zl, Zc, P, HP, E, n_v, n_e, j, c, m, rz, rp):  # pragma: no cover
    """Split the vertex/edge table by the zero set of column ``c`` (values ``Zl[:, j]``).

    The arrays have room for the new rows (:func:`count_cuts`). Every cut edge ``(a, b)``
    (``a`` on the positive side) gets a new vertex ``u`` interpolated from ``a``; the edge
    becomes ``(a, u)`` and ``(u, b)`` is appended; ``u``'s sign vector is the edge's with a
    zero at ``c``. The new vertices on each 2-face the zero set cuts (those whose candidate
    2-faces, the edge's sign vector with one zero replaced by a sign, coincide) are joined by
    a new edge. Returns ``(n_v, n_e, status)``: status 0 when every candidate 2-face got
    exactly two new vertices, else 1 (outside general position; the caller gives up).
    """
    d = X.shape[1]
    wc = c >> 6
    bc = np.uint64(1) << np.uint64(c & 63)
    one = np.uint64(1)
    n_e0 = n_e
    n_cut = 0
    for e in range(n_e0):
        if (Zl[E[e, 0], j] > 0) != (Zl[E[e, 1], j] > 0):
            n_cut += 1
    # candidate 2-faces: at most 2 (d - 1) per new vertex
    cap = 2 * (d - 1) * n_cut
    size = 1
    while size < 2 * cap + 2:
        size *= 2
    hmask = np.uint64(size - 1)
    slot_h0 = np.zeros(size, np.uint64)
    slot_h1 = np.zeros(size, np.uint64)
    slot_u = np.full(size, -1, np.int64)
    slot_n = np.zeros(size, np.int64)
    n_slots = 0
    status = 0
    u = n_v
    for e in range(n_e0):
        a = E[e, 0]
        b = E[e, 1]
        sa = Zl[a, j]
        sb = Zl[b, j]
        if (sa > 0) == (sb > 0):
            continue
        if sb > 0:
            a, b = b, a
            sa, sb = sb, sa
        t = sa / (sa - sb)
        for q in range(d):
            X[u, q] = X[a, q] + t * (X[b, q] - X[a, q])
        for q in range(Zl.shape[1]):
            Zl[u, q] = Zl[a, q] + t * (Zl[b, q] - Zl[a, q])
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
            return n_v, n_e, 1
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
                s = np.int64((g0 ^ (g0 >> np.uint64(29))) & hmask)
                while True:
                    if slot_u[s] < 0:
                        slot_h0[s] = g0
                        slot_h1[s] = g1
                        slot_u[s] = u
                        slot_n[s] = 1
                        n_slots += 1
                        break
                    if slot_h0[s] == g0:
                        if slot_h1[s] != g1 or slot_n[s] != 1:
                            status = 1
                        else:
                            E[n_e, 0] = slot_u[s]
                            E[n_e, 1] = u
                            n_e += 1
                        slot_n[s] += 1
                        break
                    s = (s + 1) & (size - 1)
        u += 1
    for q in range(size):
        if slot_u[q] >= 0 and slot_n[q] != 2:
            status = 1
    return u, n_e, status


@njit(cache=True)
def face_point_radius(vptr, vidx, V, bounded):  # pragma: no cover - compiled
    """Point (vertex mean, or first vertex if unbounded) and radius of every CSR face.

    A face without vertices keeps point 0 and radius 0.
    """
    n = vptr.shape[0] - 1
    d = V.shape[1]
    point = np.zeros((n, d))
    radius = np.zeros(n)
    for i in range(n):
        a, b = vptr[i], vptr[i + 1]
        if b == a:
            continue
        if bounded[i]:
            for k in range(a, b):
                for q in range(d):
                    point[i, q] += V[vidx[k], q]
            for q in range(d):
                point[i, q] /= b - a
        else:
            for q in range(d):
                point[i, q] = V[vidx[a], q]
        r = 0.0
        for k in range(a, b):
            s = 0.0
            for q in range(d):
                t = V[vidx[k], q] - point[i, q]
                s += t * t
            r = max(r, np.sqrt(s))
        radius[i] = r
    return point, radius


@njit(cache=True)
def find_in_segments(offset, values, seg, queries):  # pragma: no cover - compiled
    """Index ``k`` in ``[offset[seg[i]], offset[seg[i] + 1])`` with ``values[k] == queries[i]``.

    ``values`` sorted within each segment (binary search); -1 where absent.
    """
    out = np.empty(queries.shape[0], np.int64)
    for i in range(queries.shape[0]):
        lo = offset[seg[i]]
        hi = offset[seg[i] + 1]
        q = queries[i]
        while lo < hi:
            mid = (lo + hi) // 2
            if values[mid] < q:
                lo = mid + 1
            else:
                hi = mid
        out[i] = lo if lo < offset[seg[i] + 1] and values[lo] == q else -1
    return out


@njit(cache=True)
def region_maps_facets(
    Wf, woff, bf, boff, widths, pattern, facet_offset, fcol, fpos, m, Ad, bd
):  # pragma: no cover - compiled
    """Affine map of every region and the half-space of each of its facet rows, in one pass.

    ``Wf``, ``bf``: the layers' weights and biases flattened (layer ``l`` at ``woff[l]``,
    ``boff[l]``, shape ``(widths[l + 1], widths[l])`` with ``widths[0] = d`` and the last
    width 1). Per region the pre-activation map ``G x + c`` of each layer is propagated through
    the active neurons only (``pattern`` (n, H) bools); a facet row on neuron column ``col``
    (columns after the ``m`` domain facets, layer by layer) on side ``s = +-1`` (``fpos``)
    gets ``A = -s g / |g|``, ``b = s c / |g|`` (``s (g x + c) >= 0``); a row on domain facet
    ``col < m`` gets the unit row ``Ad[col]``, ``bd[col]``. Returns ``(weight (n, d),
    bias (n), A (M, d), b (M))``.
    """
    n = pattern.shape[0]
    d = widths[0]
    L = widths.shape[0] - 1
    wmax = 1
    for l in range(L + 1):
        wmax = max(wmax, widths[l])
    G = np.empty((wmax, d))
    c = np.empty(wmax)
    G2 = np.empty((wmax, d))
    c2 = np.empty(wmax)
    M = fcol.shape[0]
    A = np.empty((M, d))
    b = np.empty(M)
    weight = np.empty((n, d))
    bias = np.empty(n)
    for r in range(n):
        f = facet_offset[r]
        fe = facet_offset[r + 1]
        while f < fe and fcol[f] < m:
            for q in range(d):
                A[f, q] = Ad[fcol[f], q]
            b[f] = bd[fcol[f]]
            f += 1
        # layer 0: G = W0, c = b0
        w0 = widths[1]
        for k in range(w0):
            for q in range(d):
                G[k, q] = Wf[woff[0] + k * d + q]
            c[k] = bf[boff[0] + k]
        col0 = m
        pcol = 0
        for l in range(L - 1):  # hidden layers
            wl = widths[l + 1]
            # facet rows on this layer's neurons
            while f < fe and fcol[f] < col0 + wl:
                k = fcol[f] - col0
                s = 1.0 if fpos[f] else -1.0
                gn = 0.0
                for q in range(d):
                    gn += G[k, q] * G[k, q]
                gn = np.sqrt(gn)
                for q in range(d):
                    A[f, q] = -s * G[k, q] / gn
                b[f] = s * c[k] / gn
                f += 1
            # next layer through the active neurons
            wn = widths[l + 2]
            base = woff[l + 1]
            for i in range(wn):
                for q in range(d):
                    G2[i, q] = 0.0
                c2[i] = bf[boff[l + 1] + i]
            for k in range(wl):
                if pattern[r, pcol + k]:
                    for i in range(wn):
                        w = Wf[base + i * wl + k]
                        for q in range(d):
                            G2[i, q] += w * G[k, q]
                        c2[i] += w * c[k]
            for i in range(wn):
                for q in range(d):
                    G[i, q] = G2[i, q]
                c[i] = c2[i]
            col0 += wl
            pcol += wl
        for q in range(d):
            weight[r, q] = G[0, q]
        bias[r] = c[0]
    return weight, bias, A, b
