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
