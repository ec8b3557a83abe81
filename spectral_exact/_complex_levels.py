"""Compiled geometry of the complex's face levels from the sign-vector tables (private).

:func:`level_geometry` builds, in one pass over the ``j``-faces of a complex enumerated by the
global edge subdivision (:mod:`spectral_exact._subdivision`), everything
:class:`~spectral_exact.complex.FaceLevel` stores besides the vertex lists: the children
grouped by parent (a counting sort of the facet links), the face's orthonormal normal frame
(Gram-Schmidt of the containing region's outward facet normals at the face's zero columns,
in column order), its direction basis (the complement of that frame: a Householder
reflection for facets, Gram-Schmidt on the coordinate vectors of largest residual
otherwise), the outward normals of its facets (the region's facet normal at the child's
extra column projected off the frame, normalised), and its vertex mean and radius. Same
arithmetic as the numpy steps it replaces (``_gram_schmidt``, ``complement_bases``,
``project_normals``, ``_complement``, ``face_point_radius``), without their intermediate
arrays and repeated gathers.
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)
def _find(values, lo, hi, q):  # pragma: no cover - compiled
    """Index of ``q`` in the sorted ``values[lo:hi]``, or -1."""
    end = hi
    while lo < hi:
        mid = (lo + hi) // 2
        if values[mid] < q:
            lo = mid + 1
        else:
            hi = mid
    return lo if lo < end and values[lo] == q else -1


@njit(cache=True, error_model="numpy")
def level_geometry(
    j, Zj, region_of, facet_offset, fcol, A, vptr, vidx, X, ch, par, col
):  # pragma: no cover - compiled
    """Children CSR, child normals, points, radii and bases of the ``j``-faces (``2 <= j < d``).

    ``Zj`` (n, d - j): the zero columns of each face (ascending); ``region_of`` (n,): a region
    containing it; ``facet_offset`` / ``fcol`` / ``A``: the regions' facet rows (columns
    ascending within a region) and outward unit normals; ``vptr`` / ``vidx``: the faces'
    vertex CSR; ``(ch, par, col)``: the facet links (child face, parent face, the child's
    extra zero column). Returns ``(cptr, cidx, normals, point, radius, basis, status)`` with
    ``status`` 0, or 1 when a column is not a facet of the containing region.
    """
    n = Zj.shape[0]
    d = X.shape[1]
    k = d - j
    m = par.shape[0]
    cptr = np.zeros(n + 1, np.int64)
    for i in range(m):
        cptr[par[i] + 1] += 1
    for f in range(n):
        cptr[f + 1] += cptr[f]
    fill = cptr[:-1].copy()
    cidx = np.empty(m, np.int64)
    ccol = np.empty(m, np.int64)
    for i in range(m):
        p = fill[par[i]]
        cidx[p] = ch[i]
        ccol[p] = col[i]
        fill[par[i]] = p + 1
    point = np.zeros((n, d))
    radius = np.zeros(n)
    basis = np.zeros((n, j, d))
    nrm = np.empty((m, d))
    full = np.empty((d, d))
    v = np.empty(d)
    t = np.empty(k)
    for f in range(n):
        r = region_of[f]
        lo = facet_offset[r]
        hi = facet_offset[r + 1]
        for p in range(k):
            row = _find(fcol, lo, hi, Zj[f, p])
            if row < 0:
                return cptr, cidx, nrm, point, radius, basis, 1
            for q in range(d):
                full[p, q] = A[row, q]
        # modified Gram-Schmidt of the frame, in column order
        for i in range(k):
            for p in range(i):
                s = 0.0
                for q in range(d):
                    s += full[i, q] * full[p, q]
                for q in range(d):
                    full[i, q] -= s * full[p, q]
            s = 0.0
            for q in range(d):
                s += full[i, q] * full[i, q]
            s = np.sqrt(s)
            for q in range(d):
                full[i, q] /= s
        if k == 1:
            # facets: rows other than the largest entry's of the Householder reflection
            # taking the unit normal to -+e_m
            row = _find(fcol, lo, hi, Zj[f, 0])
            mm = 0
            for q in range(d):
                v[q] = A[row, q]
                if abs(A[row, q]) > abs(A[row, mm]):
                    mm = q
            v[mm] += 1.0 if A[row, mm] >= 0 else -1.0
            vv = 0.0
            for q in range(d):
                vv += v[q] * v[q]
            s = 0
            for i in range(d):
                if i == mm:
                    continue
                for q in range(d):
                    basis[f, s, q] = (1.0 if i == q else 0.0) - 2.0 * v[i] * v[q] / vv
                s += 1
        else:
            # the complement: coordinate vectors of largest residual, orthonormalised
            for s in range(j):
                best = -1.0
                bi = 0
                for e in range(d):
                    r2 = 1.0
                    for p in range(k + s):
                        r2 -= full[p, e] * full[p, e]
                    if r2 > best:
                        best = r2
                        bi = e
                for q in range(d):
                    v[q] = 0.0
                v[bi] = 1.0
                for p in range(k + s):
                    c = full[p, bi]
                    for q in range(d):
                        v[q] -= c * full[p, q]
                nv = 0.0
                for q in range(d):
                    nv += v[q] * v[q]
                nv = np.sqrt(nv)
                for q in range(d):
                    full[k + s, q] = v[q] / nv
                    basis[f, s, q] = v[q] / nv
        # the facets' outward normals: the region's normal projected off the frame
        for c in range(cptr[f], cptr[f + 1]):
            row = _find(fcol, lo, hi, ccol[c])
            if row < 0:
                return cptr, cidx, nrm, point, radius, basis, 1
            for p in range(k):
                s = 0.0
                for q in range(d):
                    s += full[p, q] * A[row, q]
                t[p] = s
            nn = 0.0
            for q in range(d):
                s = 0.0
                for p in range(k):
                    s += full[p, q] * t[p]
                w = A[row, q] - s
                nrm[c, q] = w
                nn += w * w
            nn = np.sqrt(nn)
            for q in range(d):
                nrm[c, q] /= nn
        # vertex mean and radius
        a, b = vptr[f], vptr[f + 1]
        for i in range(a, b):
            for q in range(d):
                point[f, q] += X[vidx[i], q]
        for q in range(d):
            point[f, q] /= b - a
        rr = 0.0
        for i in range(a, b):
            s = 0.0
            for q in range(d):
                w = X[vidx[i], q] - point[f, q]
                s += w * w
            rr = max(rr, np.sqrt(s))
        radius[f] = rr
    return cptr, cidx, nrm, point, radius, basis, 0
