"""numba kernels of :mod:`._fused` (imported only when the fused path runs; see its docs).

All arithmetic is real (pairs ``(re, im)``) so that the loops stay simple for the compiler.
``E_v = e^{-ik.v}`` is stored as ``(Er, Ei)``; Taylor series in ``z = -i theta`` are summed
by Horner's rule with real coefficients.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, prange

from .._tolerances import ROUNDING_ULPS

#: relative error (in units of roundoff) of the face normals and in-face edge normals that
#: the recursion projects ``k`` with: ``|Proj_F k|`` is off by about
#: ``DIRECTION_ULPS * u * |k|`` on top of its own rounding, because those normals are derived
#: from the float vertices; near the singular set on R^3 this, not the arithmetic, dominates
#: (measured: relative error 2e-14 / angle against Brion's formula over the same vertices)
DIRECTION_ULPS = ROUNDING_ULPS


@njit(cache=True, inline="always")
def _horner_imag(coef, th):
    """``sum_n coef[n] z^n`` at ``z = -i th`` (real coefficients) as ``(re, im)``."""
    n = coef.shape[0] - 1
    pr = coef[n]
    pi = 0.0
    for m in range(n - 1, -1, -1):
        pr, pi = pi * th + coef[m], -pr * th
    return pr, pi


@njit(cache=True, inline="always")
def _add_rotated(n, x, re, im):
    """Return ``(re, im) + (-i)^n x`` for real ``x`` (the series' powers of ``z = -i th``)."""
    m = n & 3
    if m == 0:
        return re + x, im
    if m == 1:
        return re, im - x
    if m == 2:
        return re - x, im
    return re, im + x


@njit(cache=True, inline="always")
def _horner_affine(ca, cb, ga, dg, th):
    """``sum_n (ga ca[n] + dg cb[n]) z^n`` at ``z = -i th`` as ``(re, im)``."""
    n = ca.shape[0] - 1
    pr = ga * ca[n] + dg * cb[n]
    pi = 0.0
    for m in range(n - 1, -1, -1):
        pr, pi = pi * th + (ga * ca[m] + dg * cb[m]), -pr * th
    return pr, pi


@njit(cache=True, inline="always")
def _edge_i(Era, Eia, Erb, Eib, th, L, thr, cI, pa, pb):
    """Return ``I`` of the edge ``a -> b`` (``th = k.(b - a)``) with its bound and error weight.

    The bound is on the terms' moduli; the error weight is the moduli times the rounding
    amplification of phases ``pa, pb`` and ``th`` (the error is about ``u`` times it).
    """
    if abs(th) >= thr:
        sc = L / th
        b = 2.0 * abs(sc)
        return (Eia - Eib) * sc, -(Era - Erb) * sc, b, b * (1.0 + pa + pb + (pa + pb) / abs(th))
    pr, pi = _horner_imag(cI, th)
    return L * (Era * pr - Eia * pi), L * (Era * pi + Eia * pr), L, L * (1.0 + pa + pb)


@njit(cache=True, inline="always")
def _edge_j(Era, Eia, Erb, Eib, ga, gb, th, L, thr, cJa, cJb, pa, pb):
    """Return ``J`` of the edge ``a -> b`` for the affine weight with end values ``ga, gb``.

    With the bound and error weight of :func:`_edge_i`.
    """
    dg = gb - ga
    if abs(th) >= thr:
        Ar = ga * Era - gb * Erb
        Ai = ga * Eia - gb * Eib
        Dr = Era - Erb
        Di = Eia - Eib
        it = 1.0 / th
        it2 = it * it
        Jr = L * (Ai * it - dg * Dr * it2)
        Ji = L * (-Ar * it - dg * Di * it2)
        b = L * (abs(ga) + abs(gb)) * abs(it) + 2.0 * L * abs(dg) * it2
        return Jr, Ji, b, b * (1.0 + pa + pb + 2.0 * (pa + pb) * abs(it))
    pr, pi = _horner_affine(cJa, cJb, ga, dg, th)
    b = L * (abs(ga) + abs(gb))
    return L * (Era * pr - Eia * pi), L * (Era * pi + Eia * pr), b, b * (1.0 + pa + pb)


@njit(parallel=True, cache=True)
def laplacian_2d(
    k, V, fV, ea, eb, ed, elen, ecoef, bd, bdn, ra, ru, rcoef, thr, sing, cI, cJa, cJb, block,
    Tr, Ti, S, W, flag,
):  # fmt: skip
    K = k.shape[0]
    nV = V.shape[0]
    nE = ea.shape[0]
    nB = bd.shape[0]
    nR = ra.shape[0]
    nblk = (K + block - 1) // block
    for blk in prange(nblk):
        Er = np.empty(nV)
        Ei = np.empty(nV)
        Pa = np.empty(nV)
        for kk in range(blk * block, min(K, (blk + 1) * block)):
            k0 = k[kk, 0]
            k1 = k[kk, 1]
            for v in range(nV):
                ph = k0 * V[v, 0] + k1 * V[v, 1]
                Er[v] = math.cos(ph)
                Ei[v] = -math.sin(ph)
                Pa[v] = abs(k0 * V[v, 0]) + abs(k1 * V[v, 1])
            tr = 0.0
            ti = 0.0
            s = 0.0
            w = 0.0
            for e in range(nE):
                c = ecoef[e]
                a = ea[e]
                b = eb[e]
                th = k0 * ed[e, 0] + k1 * ed[e, 1]
                L = elen[e]
                Dr = Er[a] - Er[b]
                Di = Ei[a] - Ei[b]
                pab = Pa[a] + Pa[b]
                if abs(th) >= thr:
                    sc = c * L / th
                    tr += Di * sc
                    ti -= Dr * sc
                    s += 2.0 * abs(sc)
                    w += 2.0 * abs(sc) * (1.0 + pab + pab / abs(th))
                else:
                    pr, pi = _horner_imag(cI, th)
                    cl = c * L
                    tr += cl * (Er[a] * pr - Ei[a] * pi)
                    ti += cl * (Er[a] * pi + Ei[a] * pr)
                    s += abs(cl)
                    w += abs(cl) * (1.0 + pab)
            for j in range(nB):
                e = bd[j]
                a = ea[e]
                b = eb[e]
                th = k0 * (V[b, 0] - V[a, 0]) + k1 * (V[b, 1] - V[a, 1])
                Jr, Ji, bnd, wj = _edge_j(
                    Er[a], Ei[a], Er[b], Ei[b], fV[a], fV[b], th, elen[e], thr, cJa, cJb,
                    Pa[a], Pa[b],
                )  # fmt: skip
                kn = k0 * bdn[j, 0] + k1 * bdn[j, 1]
                # -i kn J
                tr += kn * Ji
                ti -= kn * Jr
                s += abs(kn) * bnd
                w += abs(kn) * wj + bnd * (abs(k0 * bdn[j, 0]) + abs(k1 * bdn[j, 1]))
            if nR:
                knorm = math.sqrt(k0 * k0 + k1 * k1)
                for r in range(nR):
                    t = k0 * ru[r, 0] + k1 * ru[r, 1]
                    if abs(t) <= sing * knorm:
                        flag[kk] = True
                        continue
                    a = ra[r]
                    c = rcoef[r]
                    # c * E_a / (i t)
                    tr += c * Ei[a] / t
                    ti -= c * Er[a] / t
                    s += abs(c) / abs(t)
                    tabs = abs(k0 * ru[r, 0]) + abs(k1 * ru[r, 1])
                    w += abs(c) / abs(t) * (1.0 + Pa[a] + tabs / abs(t))
            Tr[kk] = tr
            Ti[kk] = ti
            S[kk] = s
            W[kk] = w


@njit(parallel=True, cache=True)
def laplacian_3d(
    k, V, fV, ea, eb, ed, elen, edge_j, ra, ru, fptr, fedge, fen, fnormal, fradius, fbounded,
    fcoef, fjn, fw, tptr, tri, tfac, thr, sing, cI, cJa, cJb, t2, t3, block, Tr, Ti, S, W, flag,
):  # fmt: skip
    K = k.shape[0]
    nV = V.shape[0]
    nE = ea.shape[0]
    nR = ra.shape[0]
    nF = fcoef.shape[0]
    N = t2.shape[0] - 1
    nblk = (K + block - 1) // block
    for blk in prange(nblk):
        Er = np.empty(nV)
        Ei = np.empty(nV)
        Pa = np.empty(nV)
        Ir = np.empty(nE)
        Ii = np.empty(nE)
        Ib = np.empty(nE)
        Iw = np.empty(nE)
        Jr = np.zeros(nE)
        Ji = np.zeros(nE)
        Jb = np.zeros(nE)
        Jw = np.zeros(nE)
        Rr = np.empty(nR)
        Ri = np.empty(nR)
        Rb = np.empty(nR)
        Rw = np.empty(nR)
        eta = np.empty(N + 1)
        for kk in range(blk * block, min(K, (blk + 1) * block)):
            k0 = k[kk, 0]
            k1 = k[kk, 1]
            k2 = k[kk, 2]
            knorm = math.sqrt(k0 * k0 + k1 * k1 + k2 * k2)
            kabs = abs(k0) + abs(k1) + abs(k2)
            for v in range(nV):
                ph = k0 * V[v, 0] + k1 * V[v, 1] + k2 * V[v, 2]
                Er[v] = math.cos(ph)
                Ei[v] = -math.sin(ph)
                Pa[v] = abs(k0 * V[v, 0]) + abs(k1 * V[v, 1]) + abs(k2 * V[v, 2])
            for e in range(nE):
                a = ea[e]
                b = eb[e]
                th = k0 * ed[e, 0] + k1 * ed[e, 1] + k2 * ed[e, 2]
                Ir[e], Ii[e], Ib[e], Iw[e] = _edge_i(
                    Er[a], Ei[a], Er[b], Ei[b], th, elen[e], thr, cI, Pa[a], Pa[b]
                )
                if edge_j[e]:
                    Jr[e], Ji[e], Jb[e], Jw[e] = _edge_j(
                        Er[a], Ei[a], Er[b], Ei[b], fV[a], fV[b], th, elen[e], thr, cJa, cJb,
                        Pa[a], Pa[b],
                    )  # fmt: skip
            for r in range(nR):
                t = k0 * ru[r, 0] + k1 * ru[r, 1] + k2 * ru[r, 2]
                a = ra[r]
                if abs(t) <= sing * knorm:
                    Rr[r] = 0.0
                    Ri[r] = 0.0
                    Rb[r] = -1.0  # marks a singular ray
                    Rw[r] = 0.0
                    continue
                Rr[r] = Ei[a] / t
                Ri[r] = -Er[a] / t
                Rb[r] = 1.0 / abs(t)
                tabs = abs(k0 * ru[r, 0]) + abs(k1 * ru[r, 1]) + abs(k2 * ru[r, 2])
                Rw[r] = Rb[r] * (1.0 + Pa[a] + tabs / abs(t))
            tr = 0.0
            ti = 0.0
            s = 0.0
            w = 0.0
            for g in range(nF):
                c = fcoef[g]
                jx = fjn[g, 0]
                jy = fjn[g, 1]
                jz = fjn[g, 2]
                has_j = jx != 0.0 or jy != 0.0 or jz != 0.0
                if c == 0.0 and not has_j:
                    continue
                nx = fnormal[g, 0]
                ny = fnormal[g, 1]
                nz = fnormal[g, 2]
                kn = k0 * nx + k1 * ny + k2 * nz
                q0 = k0 - kn * nx
                q1 = k1 - kn * ny
                q2 = k2 - kn * nz
                qn2 = q0 * q0 + q1 * q1 + q2 * q2
                qn = math.sqrt(qn2)
                gr = 0.0
                gi = 0.0
                gb = 0.0
                gw = 0.0
                jr = 0.0
                ji = 0.0
                jb = 0.0
                jw = 0.0
                if fbounded[g] and qn * fradius[g] < thr:
                    for t_ in range(tptr[g], tptr[g + 1]):
                        v0 = tri[t_, 0]
                        v1 = tri[t_, 1]
                        v2 = tri[t_, 2]
                        al1 = (
                            k0 * (V[v1, 0] - V[v0, 0])
                            + k1 * (V[v1, 1] - V[v0, 1])
                            + k2 * (V[v1, 2] - V[v0, 2])
                        )
                        al2 = (
                            k0 * (V[v2, 0] - V[v0, 0])
                            + k1 * (V[v2, 1] - V[v0, 1])
                            + k2 * (V[v2, 2] - V[v0, 2])
                        )
                        # eta_n = al1^n + al2 eta_{n-1}; h_n = (-i)^n eta_n
                        p = 1.0
                        eta[0] = 1.0
                        for n in range(1, N + 1):
                            p *= al1
                            eta[n] = p + al2 * eta[n - 1]
                        er = 0.0
                        ei = 0.0
                        for n in range(N + 1):
                            er, ei = _add_rotated(n, eta[n] * t2[n], er, ei)
                        f = tfac[t_]
                        Pr = f * Er[v0]
                        Pi = f * Ei[v0]
                        gr += Pr * er - Pi * ei
                        gi += Pr * ei + Pi * er
                        gb += 0.5 * f
                        pt = 1.0 + Pa[v0] + Pa[v1] + Pa[v2]
                        gw += 0.5 * f * pt
                        if has_j:
                            sr = 0.0
                            si = 0.0
                            gmax = 0.0
                            for jv in range(3):
                                vj = tri[t_, jv]
                                alj = 0.0 if jv == 0 else (al1 if jv == 1 else al2)
                                gj = fV[vj]
                                gmax = max(gmax, abs(gj))
                                hj = eta[0]
                                xr = hj * t3[0]
                                xi = 0.0
                                for n in range(1, N + 1):
                                    hj = eta[n] + alj * hj
                                    xr, xi = _add_rotated(n, hj * t3[n], xr, xi)
                                sr += gj * xr
                                si += gj * xi
                            jr += Pr * sr - Pi * si
                            ji += Pr * si + Pi * sr
                            jb += 0.5 * f * gmax
                            jw += 0.5 * f * gmax * pt
                else:
                    if (not fbounded[g]) and qn <= sing * knorm:
                        flag[kk] = True
                        continue
                    # relative rounding of q = k - (k.n) n (and of sN, wq built from it)
                    qrel = (4.0 * kabs + DIRECTION_ULPS * knorm) / qn
                    for sl in range(fptr[g], fptr[g + 1]):
                        e = fedge[sl]
                        sN = (q0 * fen[sl, 0] + q1 * fen[sl, 1] + q2 * fen[sl, 2]) / qn2
                        if e >= 0:
                            xr = Ir[e]
                            xi = Ii[e]
                            xb = Ib[e]
                            xw = Iw[e]
                        else:
                            r = -1 - e
                            if Rb[r] < 0.0:
                                flag[kk] = True
                            xr = Rr[r]
                            xi = Ri[r]
                            xb = abs(Rb[r])
                            xw = Rw[r]
                        # (i sN) * (xr + i xi)
                        gr -= sN * xi
                        gi += sN * xr
                        gb += abs(sN) * xb
                        gw += abs(sN) * (xw + xb * qrel)
                        if has_j and e >= 0:
                            jr -= sN * Ji[e]
                            ji += sN * Jr[e]
                            jb += abs(sN) * Jb[e]
                            jw += abs(sN) * (Jw[e] + Jb[e] * qrel)
                    if has_j:
                        wq = (fw[g, 0] * q0 + fw[g, 1] * q1 + fw[g, 2] * q2) / qn2
                        # - i wq I_G
                        jr += wq * gi
                        ji -= wq * gr
                        jb += abs(wq) * gb
                        jw += abs(wq) * (gw + gb * qrel)
                tr += c * gr
                ti += c * gi
                s += abs(c) * gb
                w += abs(c) * gw
                if has_j:
                    kj = k0 * jx + k1 * jy + k2 * jz
                    tr += kj * ji
                    ti -= kj * jr
                    s += abs(kj) * jb
                    w += abs(kj) * jw + jb * (abs(k0 * jx) + abs(k1 * jy) + abs(k2 * jz))
            Tr[kk] = tr
            Ti[kk] = ti
            S[kk] = s
            W[kk] = w


@njit(cache=True, inline="always")
def _terms_for(r, nterms, per_unit):
    """Highest power the series needs for nodes of modulus ``<= r`` (``nterms`` table).

    ``nterms[i]`` is that power for moduli up to ``(i + 1) / per_unit`` (see
    :func:`._fused._term_table`); past the table, the last entry (the full length).
    """
    i = int(r * per_unit)
    if i >= nterms.shape[0]:
        i = nterms.shape[0] - 1
    return nterms[i]


@njit(cache=True, inline="always")
def _horner_even_odd(ce, co, th):
    """``sum_n c[n] z^n`` at ``z = -i th`` as ``(re, im)`` from its even and odd parts.

    ``ce[m] = (-1)^m c[2m]``, ``co[m] = (-1)^m c[2m + 1]`` (same length, zero padded): the
    real part is ``sum_m ce[m] th^(2m)``, the imaginary part ``-th sum_m co[m] th^(2m)``,
    two independent Horner chains in ``th^2`` (half the latency of :func:`_horner_imag`).
    """
    n = ce.shape[0] - 1
    u = th * th
    pe = ce[n]
    po = co[n]
    for m in range(n - 1, -1, -1):
        pe = pe * u + ce[m]
        po = po * u + co[m]
    return pe, -th * po


@njit(cache=True, inline="always")
def _edge_i_eo(Era, Eia, Erb, Eib, th, L, thr, cIe, cIo, pa, pb):
    """:func:`_edge_i` with the series by :func:`_horner_even_odd`."""
    if abs(th) >= thr:
        sc = L / th
        b = 2.0 * abs(sc)
        return (Eia - Eib) * sc, -(Era - Erb) * sc, b, b * (1.0 + pa + pb + (pa + pb) / abs(th))
    pr, pi = _horner_even_odd(cIe, cIo, th)
    return L * (Era * pr - Eia * pi), L * (Era * pi + Eia * pr), L, L * (1.0 + pa + pb)


@njit(cache=True, inline="always")
def _edge_j_eo(Era, Eia, Erb, Eib, ga, gb, th, L, thr, cJae, cJao, cJbe, cJbo, pa, pb):
    """:func:`_edge_j` with the series by :func:`_horner_even_odd`."""
    dg = gb - ga
    if abs(th) >= thr:
        Ar = ga * Era - gb * Erb
        Ai = ga * Eia - gb * Eib
        Dr = Era - Erb
        Di = Eia - Eib
        it = 1.0 / th
        it2 = it * it
        Jr = L * (Ai * it - dg * Dr * it2)
        Ji = L * (-Ar * it - dg * Di * it2)
        b = L * (abs(ga) + abs(gb)) * abs(it) + 2.0 * L * abs(dg) * it2
        return Jr, Ji, b, b * (1.0 + pa + pb + 2.0 * (pa + pb) * abs(it))
    ar, ai = _horner_even_odd(cJae, cJao, th)
    br, bi = _horner_even_odd(cJbe, cJbo, th)
    pr = ga * ar + dg * br
    pi = ga * ai + dg * bi
    b = L * (abs(ga) + abs(gb))
    return L * (Era * pr - Eia * pi), L * (Era * pi + Eia * pr), b, b * (1.0 + pa + pb)


@njit(parallel=True, cache=True)
def laplacian_3d_streamed(
    k, V, fV, ea, eb, ed, elen, ejslot, nJ, ra, ru, fptr, fedge, fen, fnormal, fradius,
    fbounded, fcoef, fjn, fw, tptr, tri, tfac, vneed, eneed, rneed, chunk, thr, sing,
    cIe, cIo, cJae, cJao, cJbe, cJbo, t2r, t2i, t3r, t3i, nterms, per_unit, nthreads, Tr, Ti,
    S, W, flag,
):  # fmt: skip
    """:func:`laplacian_3d` with a cache-friendly schedule: the same terms in the same order.

    The per-frequency values are stored interleaved (one cache line holds a vertex's
    ``(Re E, Im E, phase weight)``, an edge's ``(Re I, Im I, bound, weight)``), and produced
    lazily, chunk of ``chunk`` faces by chunk: before a chunk, the vertices, edges and rays it
    needs (the prefix maxima ``vneed``, ``eneed``, ``rneed``; the builder numbers them by
    first use) are computed, so the faces read them while they are still in cache. Only the
    edges that some polygon's ``J`` needs get a ``J`` slot (``ejslot``). ``nthreads``
    workers take the frequencies round-robin, each with its own buffers (allocated once).
    """
    K = k.shape[0]
    nV = V.shape[0]
    nE = ea.shape[0]
    nR = ra.shape[0]
    nF = fcoef.shape[0]
    N = t2r.shape[0] - 1
    for tid in prange(nthreads):
        EV = np.empty((nV, 4))
        EI = np.empty((nE, 4))
        EJ = np.empty((nJ, 4))
        ER = np.empty((nR, 4))
        eta = np.empty(N + 1)
        for kk in range(tid, K, nthreads):
            k0 = k[kk, 0]
            k1 = k[kk, 1]
            k2 = k[kk, 2]
            knorm = math.sqrt(k0 * k0 + k1 * k1 + k2 * k2)
            kabs = abs(k0) + abs(k1) + abs(k2)
            tr = 0.0
            ti = 0.0
            s = 0.0
            w = 0.0
            v_done = 0
            e_done = 0
            r_done = 0
            for g_lo in range(0, nF, chunk):
                g_hi = min(nF, g_lo + chunk)
                v_hi = vneed[g_hi - 1]
                for v in range(v_done, v_hi):
                    ph = k0 * V[v, 0] + k1 * V[v, 1] + k2 * V[v, 2]
                    EV[v, 0] = math.cos(ph)
                    EV[v, 1] = -math.sin(ph)
                    EV[v, 2] = abs(k0 * V[v, 0]) + abs(k1 * V[v, 1]) + abs(k2 * V[v, 2])
                v_done = max(v_done, v_hi)
                e_hi = eneed[g_hi - 1]
                for e in range(e_done, e_hi):
                    a = ea[e]
                    b = eb[e]
                    th = k0 * ed[e, 0] + k1 * ed[e, 1] + k2 * ed[e, 2]
                    EI[e, 0], EI[e, 1], EI[e, 2], EI[e, 3] = _edge_i_eo(
                        EV[a, 0], EV[a, 1], EV[b, 0], EV[b, 1], th, elen[e], thr, cIe, cIo,
                        EV[a, 2], EV[b, 2],
                    )  # fmt: skip
                    j = ejslot[e]
                    if j >= 0:
                        EJ[j, 0], EJ[j, 1], EJ[j, 2], EJ[j, 3] = _edge_j_eo(
                            EV[a, 0], EV[a, 1], EV[b, 0], EV[b, 1], fV[a], fV[b], th, elen[e],
                            thr, cJae, cJao, cJbe, cJbo, EV[a, 2], EV[b, 2],
                        )  # fmt: skip
                e_done = max(e_done, e_hi)
                r_hi = rneed[g_hi - 1]
                for r in range(r_done, r_hi):
                    t = k0 * ru[r, 0] + k1 * ru[r, 1] + k2 * ru[r, 2]
                    a = ra[r]
                    if abs(t) <= sing * knorm:
                        ER[r, 0] = 0.0
                        ER[r, 1] = 0.0
                        ER[r, 2] = -1.0  # marks a singular ray
                        ER[r, 3] = 0.0
                        continue
                    ER[r, 0] = EV[a, 1] / t
                    ER[r, 1] = -EV[a, 0] / t
                    ER[r, 2] = 1.0 / abs(t)
                    tabs = abs(k0 * ru[r, 0]) + abs(k1 * ru[r, 1]) + abs(k2 * ru[r, 2])
                    ER[r, 3] = ER[r, 2] * (1.0 + EV[a, 2] + tabs / abs(t))
                r_done = max(r_done, r_hi)
                for g in range(g_lo, g_hi):
                    c = fcoef[g]
                    jx = fjn[g, 0]
                    jy = fjn[g, 1]
                    jz = fjn[g, 2]
                    has_j = jx != 0.0 or jy != 0.0 or jz != 0.0
                    if c == 0.0 and not has_j:
                        continue
                    nx = fnormal[g, 0]
                    ny = fnormal[g, 1]
                    nz = fnormal[g, 2]
                    kn = k0 * nx + k1 * ny + k2 * nz
                    q0 = k0 - kn * nx
                    q1 = k1 - kn * ny
                    q2 = k2 - kn * nz
                    qn2 = q0 * q0 + q1 * q1 + q2 * q2
                    qn = math.sqrt(qn2)
                    gr = 0.0
                    gi = 0.0
                    gb = 0.0
                    gw = 0.0
                    jr = 0.0
                    ji = 0.0
                    jb = 0.0
                    jw = 0.0
                    if fbounded[g] and qn * fradius[g] < thr:
                        for t_ in range(tptr[g], tptr[g + 1]):
                            v0 = tri[t_, 0]
                            v1 = tri[t_, 1]
                            v2 = tri[t_, 2]
                            al1 = (
                                k0 * (V[v1, 0] - V[v0, 0])
                                + k1 * (V[v1, 1] - V[v0, 1])
                                + k2 * (V[v1, 2] - V[v0, 2])
                            )
                            al2 = (
                                k0 * (V[v2, 0] - V[v0, 0])
                                + k1 * (V[v2, 1] - V[v0, 1])
                                + k2 * (V[v2, 2] - V[v0, 2])
                            )
                            # eta_n = al1^n + al2 eta_{n-1}; h_n = (-i)^n eta_n
                            # (-i)^n t2[n] = t2r[n] + i t2i[n]: one of them is 0
                            Nt = _terms_for(max(abs(al1), abs(al2)), nterms, per_unit)
                            # (the carried h, not eta[n - 1], keeps the chain in registers)
                            p = 1.0
                            h = 1.0
                            er = t2r[0]
                            ei = t2i[0]
                            if has_j:
                                eta[0] = 1.0
                                for n in range(1, Nt + 1):
                                    p *= al1
                                    h = p + al2 * h
                                    eta[n] = h
                                    er += h * t2r[n]
                                    ei += h * t2i[n]
                            else:
                                for n in range(1, Nt + 1):
                                    p *= al1
                                    h = p + al2 * h
                                    er += h * t2r[n]
                                    ei += h * t2i[n]
                            f = tfac[t_]
                            Pr = f * EV[v0, 0]
                            Pi = f * EV[v0, 1]
                            gr += Pr * er - Pi * ei
                            gi += Pr * ei + Pi * er
                            gb += 0.5 * f
                            pt = 1.0 + EV[v0, 2] + EV[v1, 2] + EV[v2, 2]
                            gw += 0.5 * f * pt
                            if has_j:
                                sr = 0.0
                                si = 0.0
                                gmax = 0.0
                                for jv in range(3):
                                    vj = tri[t_, jv]
                                    alj = 0.0 if jv == 0 else (al1 if jv == 1 else al2)
                                    gj = fV[vj]
                                    gmax = max(gmax, abs(gj))
                                    hj = eta[0]
                                    xr = hj * t3r[0]
                                    xi = 0.0
                                    for n in range(1, Nt + 1):
                                        hj = eta[n] + alj * hj
                                        xr += hj * t3r[n]
                                        xi += hj * t3i[n]
                                    sr += gj * xr
                                    si += gj * xi
                                jr += Pr * sr - Pi * si
                                ji += Pr * si + Pi * sr
                                jb += 0.5 * f * gmax
                                jw += 0.5 * f * gmax * pt
                    else:
                        if (not fbounded[g]) and qn <= sing * knorm:
                            flag[kk] = True
                            continue
                        # relative rounding of q = k - (k.n) n (and of sN, wq built from it)
                        qrel = (4.0 * kabs + DIRECTION_ULPS * knorm) / qn
                        iq2 = 1.0 / qn2
                        for sl in range(fptr[g], fptr[g + 1]):
                            e = fedge[sl]
                            sN = (q0 * fen[sl, 0] + q1 * fen[sl, 1] + q2 * fen[sl, 2]) * iq2
                            if e >= 0:
                                xr = EI[e, 0]
                                xi = EI[e, 1]
                                xb = EI[e, 2]
                                xw = EI[e, 3]
                            else:
                                r = -1 - e
                                if ER[r, 2] < 0.0:
                                    flag[kk] = True
                                xr = ER[r, 0]
                                xi = ER[r, 1]
                                xb = abs(ER[r, 2])
                                xw = ER[r, 3]
                            # (i sN) * (xr + i xi)
                            gr -= sN * xi
                            gi += sN * xr
                            gb += abs(sN) * xb
                            gw += abs(sN) * (xw + xb * qrel)
                            if has_j and e >= 0:
                                j = ejslot[e]
                                jr -= sN * EJ[j, 1]
                                ji += sN * EJ[j, 0]
                                jb += abs(sN) * EJ[j, 2]
                                jw += abs(sN) * (EJ[j, 3] + EJ[j, 2] * qrel)
                        if has_j:
                            wq = (fw[g, 0] * q0 + fw[g, 1] * q1 + fw[g, 2] * q2) / qn2
                            # - i wq I_G
                            jr += wq * gi
                            ji -= wq * gr
                            jb += abs(wq) * gb
                            jw += abs(wq) * (gw + gb * qrel)
                    tr += c * gr
                    ti += c * gi
                    s += abs(c) * gb
                    w += abs(c) * gw
                    if has_j:
                        kj = k0 * jx + k1 * jy + k2 * jz
                        tr += kj * ji
                        ti -= kj * jr
                        s += abs(kj) * jb
                        w += abs(kj) * jw + jb * (abs(k0 * jx) + abs(k1 * jy) + abs(k2 * jz))
            Tr[kk] = tr
            Ti[kk] = ti
            S[kk] = s
            W[kk] = w
