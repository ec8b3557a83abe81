r"""numba kernels of the 1-D sorted-breakpoint path (:mod:`._onedim`; see its docs).

``split_layer`` is one layer of the breakpoint enumeration (sign tests, crossings, merging,
insertion, activation patterns and, on :math:`\mathbb{R}`, the exact pre-activation slopes of
every interval) in one pass over the ``(points x neurons)`` pre-activations, with the same
arithmetic as the vectorised numpy version it replaces; ``box_transform`` and
``line_transform`` evaluate the closed forms of the module docstring of :mod:`._onedim`, one
complex exponential per point and frequency, in real arithmetic. All serial: the calls are
small and the experiments call them once per record (thread start-up would dominate).
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

#: Taylor coefficients of phi_1(z) = sum z^n/(n+1)! and psi(z) = sum (n+1) z^n/(n+2)!
_N_COEF = 64
_CA = np.array([1.0 / math.factorial(m + 1) for m in range(_N_COEF)])
_CB = np.array([(m + 1) / math.factorial(m + 2) for m in range(_N_COEF)])
#: Truncation of the Taylor series: stop once ``|z|^n / n!`` is below this (as before).
_SERIES_EPS = 2.0**-60


@njit(cache=True)
def split_layer(
    t, Y, b, unb, scale, geom, gap
):  # fmt: skip
    """One layer of the enumeration.

    Parameters
    ----------
    t : (n,) sorted points.
    Y : (n + unb * (n + 1), w) ``X @ W.T`` at the points (rows ``:n``, no bias) and, on R
        (``unb``), the pre-activation slopes ``S @ W.T`` of the ``n + 1`` intervals.
    b : (w,) bias.
    unb : bool, on R (two end rays) or on a box.
    scale, geom, gap : the sign-test scale, ``tol.geometry`` and the merging distance.

    Returns
    -------
    t2 : (n2,) the points with the new breakpoints inserted.
    XS : (n2 + unb * n_int2, w) ``relu`` of the pre-activations at ``t2`` and, on R, the
        post-activation slopes ``S_pre[parent] * pattern`` of every new interval.
    pat : (n_int2, w) bool, activation pattern of every new interval.
    parent : (n_int2,) int64, the interval of ``t`` each new interval lies in.
    """
    n = t.shape[0]
    w = Y.shape[1]
    off = 1 if unb else 0
    n_int = n - 1 + 2 * off
    Z = np.empty((n, w))
    for i in range(n):
        for j in range(w):
            Z[i, j] = Y[i, j] + b[j]
    act = np.empty((n_int, w), np.bool_)
    cut = np.zeros((n_int, w), np.bool_)
    cpos = np.empty((n_int, w))  # crossing position (valid where cut)
    cnt = np.zeros(n_int, np.int64)
    # ---- bounded intervals [t_i, t_{i+1}]
    for i in range(n - 1):
        p = i + off
        h = t[i + 1] - t[i]
        for j in range(w):
            z0 = Z[i, j]
            z1 = Z[i + 1, j]
            sz = (z1 - z0) / h if h > 0 else 0.0
            eps = geom * (abs(sz) * scale + abs(z0 - sz * t[i]))
            pos0 = z0 > eps
            neg0 = z0 < -eps
            pos1 = z1 > eps
            neg1 = z1 < -eps
            if pos0 or pos1:
                act[p, j] = True
            elif neg0 or neg1:
                act[p, j] = False
            else:
                act[p, j] = (z0 + z1) > 0
            if (pos0 and neg1) or (neg0 and pos1):
                cut[p, j] = True
                cpos[p, j] = t[i] + h * (z0 / (z0 - z1))
                cnt[p] += 1
    # ---- the two end rays on R: z(x) = z_end + slope (x - t_end)
    if unb:
        last = n_int - 1
        for j in range(w):
            zl = Z[0, j]
            sl_ = Y[n, j]
            el = geom * (abs(sl_) * scale + abs(zl - sl_ * t[0]))
            cl = t[0] - zl / sl_ if sl_ != 0.0 else np.inf
            sl = (((zl > el) and (sl_ > 0)) or ((zl < -el) and (sl_ < 0))) and np.isfinite(cl)
            if zl > el:
                a = (not sl) or (sl_ < 0)
            elif zl < -el:
                a = sl
            else:
                a = sl_ < 0
            if sl_ == 0 and abs(zl) <= el:
                a = zl > 0
            act[0, j] = a
            if sl:
                cut[0, j] = True
                cpos[0, j] = cl
                cnt[0] += 1
            zr = Z[n - 1, j]
            sr_ = Y[n + last, j]
            er = geom * (abs(sr_) * scale + abs(zr - sr_ * t[n - 1]))
            cr = t[n - 1] - zr / sr_ if sr_ != 0.0 else np.inf
            sr = (((zr > er) and (sr_ < 0)) or ((zr < -er) and (sr_ > 0))) and np.isfinite(cr)
            if zr > er:
                a = (not sr) or (sr_ > 0)
            elif zr < -er:
                a = sr
            else:
                a = sr_ > 0
            if sr_ == 0 and abs(zr) <= er:
                a = zr > 0
            act[last, j] = a
            if sr:
                cut[last, j] = True
                cpos[last, j] = cr
                cnt[last] += 1
    # ---- crossings of each interval, sorted, merged into groups closer than gap
    total = 0
    for p in range(n_int):
        total += cnt[p]
    start = np.empty(n_int + 1, np.int64)
    start[0] = 0
    for p in range(n_int):
        start[p + 1] = start[p] + cnt[p]
    xpos = np.empty(total)
    xneu = np.empty(total, np.int64)
    for p in range(n_int):
        q = start[p]
        for j in range(w):
            if cut[p, j]:
                xpos[q] = cpos[p, j]
                xneu[q] = j
                q += 1
    xgrp = np.empty(total, np.int64)  # rank of the crossing's group within its interval
    ngrp = np.zeros(n_int, np.int64)
    for p in range(n_int):
        s, e = start[p], start[p + 1]
        if e - s > 1:
            order = np.argsort(xpos[s:e], kind="mergesort")
            xpos[s:e] = xpos[s:e][order]
            xneu[s:e] = xneu[s:e][order]
        g = -1
        for q in range(s, e):
            if q == s or xpos[q] - xpos[q - 1] > gap:
                g += 1
            xgrp[q] = g
        ngrp[p] = g + 1
    G = 0
    for p in range(n_int):
        G += ngrp[p]
    n2 = n + G
    n_int2 = n_int + G
    t2 = np.empty(n2)
    XS = np.empty((n2 + (n_int2 if unb else 0), w))
    pat = np.empty((n_int2, w), np.bool_)
    parent = np.empty(n_int2, np.int64)
    zrow = np.empty(w)
    # ---- emit points and groups left to right
    r = 0  # next output point
    c = 0  # next output interval
    if not unb:
        t2[0] = t[0]
        for j in range(w):
            XS[0, j] = max(Z[0, j], 0.0)
        r = 1
    for p in range(n_int):
        s, e = start[p], start[p + 1]
        q = s
        for g in range(ngrp[p]):
            rep = xpos[q]
            if unb and p == 0:
                for j in range(w):
                    zrow[j] = Z[0, j] + (rep - t[0]) * Y[n, j]
            elif unb and p == n_int - 1:
                for j in range(w):
                    zrow[j] = Z[n - 1, j] + (rep - t[n - 1]) * Y[n + n_int - 1, j]
            else:
                i = p - off
                h = t[i + 1] - t[i]
                rr = (rep - t[i]) / h if h > 0 else 0.0
                for j in range(w):
                    zrow[j] = Z[i, j] + rr * (Z[i + 1, j] - Z[i, j])
            while q < e and xgrp[q] == g:
                zrow[xneu[q]] = 0.0
                q += 1
            t2[r] = rep
            for j in range(w):
                XS[r, j] = max(zrow[j], 0.0)
            r += 1
        # the point right of interval p
        pi = p if unb else p + 1
        if pi < n:
            t2[r] = t[pi]
            for j in range(w):
                XS[r, j] = max(Z[pi, j], 0.0)
            r += 1
        # children of interval p and their patterns
        m = ngrp[p]
        for cc in range(m + 1):
            parent[c + cc] = p
            for j in range(w):
                pat[c + cc, j] = act[p, j]
        for q in range(s, e):
            j = xneu[q]
            if unb and p == 0:
                rp = Z[0, j] > 0
            elif unb and p == n_int - 1:
                rp = Z[n - 1, j] < 0
            else:
                rp = Z[p - off, j] < 0
            for cc in range(m + 1):
                pat[c + cc, j] = rp if cc >= xgrp[q] + 1 else not rp
        if unb:
            for cc in range(m + 1):
                for j in range(w):
                    XS[n2 + c + cc, j] = Y[n + p, j] if pat[c + cc, j] else 0.0
        c += m + 1
    return t2, XS, pat, parent


@njit(cache=True, inline="always")
def _series(th, ga, dg, ca, cb, eps):
    """``ga phi_1(z) + dg psi(z)`` at ``z = -i th`` as ``(re, im)`` (Horner, adaptive length)."""
    az = abs(th)
    nt = 1
    term = 1.0
    while nt < 60:
        term *= az / nt
        if term < eps:
            break
        nt += 1
    nt += 2
    pr = ga * ca[nt] + dg * cb[nt]
    pi = 0.0
    for m in range(nt - 1, -1, -1):
        pr, pi = pi * th + (ga * ca[m] + dg * cb[m]), -pr * th
    return pr, pi


@njit(cache=True, inline="always")
def _intervals(t, g, kk, thr2, ca, cb, eps):
    """``sum_i int_{t_i}^{t_{i+1}} f e^{-ikx} dx`` for the interpolant of ``(t, g)``."""
    n = t.shape[0]
    accr = 0.0
    acci = 0.0
    if n < 2:
        return accr, acci
    ak = abs(kk)
    x = kk * t[0]
    c0 = math.cos(x)
    s0 = -math.sin(x)
    for i in range(n - 1):
        x = kk * t[i + 1]
        c1 = math.cos(x)
        s1 = -math.sin(x)
        h = t[i + 1] - t[i]
        dg = g[i + 1] - g[i]
        if ak * h < thr2:
            pr, pi = _series(kk * h, g[i], dg, ca, cb, eps)
            accr += h * (c0 * pr - s0 * pi)
            acci += h * (c0 * pi + s0 * pr)
        else:
            ar = g[i + 1] * c1 - g[i] * c0
            ai = g[i + 1] * s1 - g[i] * s0
            sk = (dg / h) / (kk * kk)
            accr += -ai / kk + sk * (c1 - c0)
            acci += ar / kk + sk * (s1 - s0)
        c0 = c1
        s0 = s1
    return accr, acci


@njit(cache=True)
def box_transform(t, g, k, thr2, out):
    """``out[m] = int_{t_0}^{t_{n-1}} f e^{-i k_m x} dx`` (``out`` complex (K,))."""
    ca = _CA
    cb = _CB
    for m in range(k.shape[0]):
        re, im = _intervals(t, g, k[m], thr2, ca, cb, _SERIES_EPS)
        out[m] = complex(re, im)


@njit(cache=True)
def line_transform(t, g, jumps, sl, sr, k, thr2, out):
    """Compute the transform on R at ``k != 0``.

    Lemma 1 where ``|k| span >= thr2``, else the bounded part by intervals plus the two
    affine tails (see :mod:`._onedim`).
    """
    ca = _CA
    cb = _CB
    n = t.shape[0]
    if n == 0:
        for m in range(k.shape[0]):
            out[m] = 0.0
        return
    span = t[n - 1] - t[0]
    for m in range(k.shape[0]):
        kk = k[m]
        if abs(kk) * span < thr2:
            re, im = _intervals(t, g, kk, thr2, ca, cb, _SERIES_EPS)
            x0 = kk * t[0]
            x1 = kk * t[n - 1]
            e0 = complex(math.cos(x0), -math.sin(x0))
            e1 = complex(math.cos(x1), -math.sin(x1))
            k2 = kk * kk
            tails = e0 * complex(sl / k2, g[0] / kk) - e1 * complex(sr / k2, g[n - 1] / kk)
            out[m] = complex(re, im) + tails
        else:
            accr = 0.0
            acci = 0.0
            for j in range(n):
                x = kk * t[j]
                accr += jumps[j] * math.cos(x)
                acci -= jumps[j] * math.sin(x)
            k2 = kk * kk
            out[m] = complex(-accr / k2, -acci / k2)


@njit(cache=True)
def enumerate_net(
    t, XS, Wf, bf, dims, unb, scale0, geom, max_regions
):  # fmt: skip
    """All hidden layers: one product ``XS @ W.T`` (BLAS) and one :func:`split_layer` each.

    ``Wf`` / ``bf`` are the hidden layers' weights and biases, flattened and concatenated;
    ``dims = [1, w_1, ..., w_L]``. Returns ``(status, layer, t, XS, P)``: status 0 (done;
    ``P (n_int, sum w)`` the patterns of every layer on the final intervals), 1 (on R no
    first-layer neuron changes sign: ``f`` is constant), 2 (more than ``max_regions``
    regions after hidden layer ``layer``, their number in ``len(t)``).
    """
    L = dims.shape[0] - 1
    pats = []
    parents = []
    woff = 0
    boff = 0
    for layer in range(L):
        wi = dims[layer]
        wo = dims[layer + 1]
        W = Wf[woff : woff + wo * wi].reshape(wo, wi)
        b = bf[boff : boff + wo]
        woff += wo * wi
        boff += wo
        Y = np.dot(XS, W.T)
        scale = scale0
        if unb:
            scale = scale0 + np.max(np.abs(t))
        t, XS, pat, parent = split_layer(t, Y, b, unb, scale, geom, geom * scale)
        if unb and layer == 0:
            # the anchor at 0 is a breakpoint only if the pattern changes there
            a = 0
            while t[a] != 0.0:
                a += 1
            same = True
            for j in range(pat.shape[1]):
                if pat[a, j] != pat[a + 1, j]:
                    same = False
                    break
            if same:
                if t.shape[0] == 1:
                    return 1, layer, t, XS, np.zeros((0, 0), np.bool_)
                n = t.shape[0]
                keep_t = np.ones(n, np.bool_)
                keep_t[a] = False
                keep_x = np.ones(XS.shape[0], np.bool_)
                keep_x[a] = False
                keep_x[n + a + 1] = False
                keep_i = np.ones(pat.shape[0], np.bool_)
                keep_i[a + 1] = False
                t = t[keep_t]
                XS = XS[keep_x]
                pat = pat[keep_i]
                parent = parent[keep_i]
        pats.append(pat)
        parents.append(parent)
        n_reg = t.shape[0] + (1 if unb else -1)
        if n_reg > max_regions:
            return 2, layer, t, XS, np.zeros((0, 0), np.bool_)
    n_int = t.shape[0] + (1 if unb else -1)
    total = 0
    for layer in range(L):
        total += dims[layer + 1]
    P = np.empty((n_int, total), np.bool_)
    idx = np.arange(n_int)
    col = total
    for layer in range(L - 1, -1, -1):
        w = dims[layer + 1]
        col -= w
        pl = pats[layer]
        for r in range(n_int):
            src = idx[r]
            for j in range(w):
                P[r, col + j] = pl[src, j]
        idx = parents[layer][idx]
    return 0, L, t, XS, P
