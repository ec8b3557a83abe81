r"""The fused Laplacian route over the shared complex (:mod:`._fused`) in torch, d = 2, 3.

The same sum as the numba kernels of :mod:`._fused_kernels`, term for term: one complex
exponential per distinct vertex and frequency, the edge integrals ``I_e`` (and ``J_e`` where a
boundary term needs them) from the exponentials of their ends with the Taylor series in
``-i theta`` below ``tol.series_threshold``, rays, and in 3-D the polygons by the Diaz-Le-Robins
recursion over their edges or, for small in-plane frequency, the Hermite-Genocchi series on
their fan triangles. Alongside ``T(k)`` it accumulates the same bound ``S(k)`` on the moduli of
the terms, so the caller applies the same cancellation test (and the same fallback to a stable
route) as for the numba kernels, and the same singular-set flags on R^d.

Vectorised over ``(frequency, element)`` pairs in float64 / complex128 on any torch device
(``"cpu"``; ``"cuda"`` where a GPU is present: nothing here is CPU specific). Frequencies are
processed in chunks so that no temporary exceeds about :data:`CHUNK_ELEMENTS` entries; the
series branches are evaluated only on the pairs that need them (gathered), so their cost
follows the number of small-``theta`` pairs, not ``K x elements``.
"""

from __future__ import annotations

import weakref
from types import SimpleNamespace
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .._optional import require
from ._convention import PHASE_UNIT
from ._fused import FusedLaplacian, _series_coefficients

__all__ = ["fused_laplacian_torch", "CHUNK_ELEMENTS"]

#: largest number of (frequency, element) pairs of one temporary (complex128: 16 bytes each)
CHUNK_ELEMENTS = 1 << 21

_TENSORS: weakref.WeakKeyDictionary[FusedLaplacian, dict[str, SimpleNamespace]] = (
    weakref.WeakKeyDictionary()
)


def _tensors(data: FusedLaplacian, torch: Any, device: Any) -> SimpleNamespace:
    """Return the kernel arrays of ``data`` on ``device`` (built once per device)."""
    per = _TENSORS.setdefault(data, {})
    key = str(device)
    if key in per:
        return per[key]

    def f(a: Any) -> Any:
        return torch.as_tensor(np.ascontiguousarray(a), device=device)

    cI, cJa, cJb, t2, t3 = _series_coefficients(data.n_series)
    ns = SimpleNamespace(
        V=f(data.vertices),
        fV=f(data.fvals),
        ea=f(data.edge_a),
        eb=f(data.edge_b),
        ed=f(data.edge_vec),
        elen=f(data.edge_len),
        ecoef=f(data.edge_coef),
        ray_a=f(data.ray_a),
        ray_u=f(data.ray_u),
        ray_coef=f(data.ray_coef),
        bd=f(data.bd_edge),
        bdn=f(data.bd_normal),
        cI=cI.tolist(),
        cJa=cJa.tolist(),
        cJb=cJb.tolist(),
        t2=t2.tolist(),
        t3=t3.tolist(),
    )
    if data.dim == 3:
        jidx = np.flatnonzero(data.edge_j)
        ns.jidx = f(jidx)
        jn = data.face_jn
        has_j = np.any(jn != 0.0, axis=1)
        active = (data.face_coef != 0.0) | has_j
        nF = len(data.face_coef)
        ptr = data.face_ptr
        slot_face = np.repeat(np.arange(nF), np.diff(ptr))
        keep_slot = active[slot_face]
        ns.nF = nF
        ns.active = f(np.flatnonzero(active))
        ns.has_j = f(has_j)
        ns.fnormal = f(data.face_normal)
        ns.fradius = f(data.face_radius)
        ns.fbounded = f(data.face_bounded)
        ns.fcoef = f(data.face_coef)
        ns.fjn = f(jn)
        ns.fw = f(data.face_w)
        ns.slot_face = f(slot_face[keep_slot])
        ns.slot_edge = f(data.face_edge[keep_slot])
        ns.slot_normal = f(data.face_edge_normal[keep_slot])
        tri_face = np.repeat(np.arange(nF), np.diff(data.tri_ptr))
        keep_tri = active[tri_face]
        ns.tri = f(data.tri[keep_tri])
        ns.tri_face = f(tri_face[keep_tri])
        ns.tri_fac = f(data.tri_fac[keep_tri])
    per[key] = ns
    return ns


def _dot(k: Any, X: Any) -> Any:
    """Compute ``k @ X.T`` as ``k_0 X_0 + k_1 X_1 (+ k_2 X_2)``.

    This is the kernels' own order of operations (a BLAS product may round differently, which
    matters near the singular set on R^d).
    """
    out = k[:, 0:1] * X[:, 0]
    for i in range(1, k.shape[1]):
        out = out + k[:, i : i + 1] * X[:, i]
    return out


def _rowdot(a: Any, b: Any) -> Any:
    """``sum_i a[..., i] b[..., i]`` left to right (``a``, ``b`` broadcast)."""
    out = a[..., 0] * b[..., 0]
    for i in range(1, a.shape[-1]):
        out = out + a[..., i] * b[..., i]
    return out


def _horner(coef: list[float], th: Any) -> Any:
    """Sum ``coef[n] z^n`` at ``z = -i th`` (real ``th``).

    The even and odd parts by two real Horner schemes in ``th^2`` (``|th| < threshold``:
    decreasing terms, no cancellation).
    """
    torch = _torch()
    u = th * th
    even = coef[0::2]
    odd = coef[1::2]
    re = (-1.0) ** (len(even) - 1) * even[-1] + 0.0 * u
    for j in range(len(even) - 2, -1, -1):
        re = re * u + (-1.0) ** j * even[j]
    im = (-1.0) ** (len(odd) - 1) * odd[-1] + 0.0 * u
    for j in range(len(odd) - 2, -1, -1):
        im = im * u + (-1.0) ** j * odd[j]
    return torch.complex(re, -th * im)


def _powers_sum(coef: list[float], h: list[Any]) -> Any:
    """``sum_n coef[n] h[n] (-i)^n`` for real tensors ``h[n]``, in real arithmetic."""
    torch = _torch()
    re = coef[0] * h[0]
    im = torch.zeros_like(re)
    for n in range(1, len(h)):
        x = coef[n] * h[n]
        m = n & 3
        if m == 0:
            re = re + x
        elif m == 1:
            im = im - x
        elif m == 2:
            re = re - x
        else:
            im = im + x
    return torch.complex(re, im)


def _edge_i(ns: SimpleNamespace, Ea: Any, Eb: Any, th: Any, L: Any, thr: float) -> tuple[Any, Any]:
    """``I`` of edges ``a -> b`` and the bounds on their terms (as ``_fused_kernels._edge_i``)."""
    torch = _torch()
    small = th.abs() < thr
    thb = torch.where(small, torch.ones_like(th), th)
    sc = L / thb
    I = (Ea - Eb) * (PHASE_UNIT * sc)
    B = 2.0 * sc.abs()
    if bool(small.any()):
        ii = small.nonzero(as_tuple=True)
        I[ii] = L.expand_as(th)[ii] * Ea[ii] * _horner(ns.cI, th[ii])
        B[ii] = L.expand_as(th)[ii]
    return I, B


def _edge_j(
    ns: SimpleNamespace, Ea: Any, Eb: Any, ga: Any, gb: Any, th: Any, L: Any, thr: float
) -> tuple[Any, Any]:
    """``J`` of edges for the affine weight with end values ``ga, gb`` and its term bounds."""
    torch = _torch()
    dg = gb - ga
    small = th.abs() < thr
    thb = torch.where(small, torch.ones_like(th), th)
    it = 1.0 / thb
    it2 = it * it
    A = ga * Ea - gb * Eb
    D = Ea - Eb
    J = L * (A * (PHASE_UNIT * it) - dg * D * it2)
    B = L * (ga.abs() + gb.abs()) * it.abs() + 2.0 * L * dg.abs() * it2
    if bool(small.any()):
        ii = small.nonzero(as_tuple=True)
        z = th[ii]
        Lx, gax, gbx, dgx = (x.expand_as(th)[ii] for x in (L, ga, gb, dg))
        J[ii] = Lx * Ea[ii] * (gax * _horner(ns.cJa, z) + dgx * _horner(ns.cJb, z))
        B[ii] = Lx * (gax.abs() + gbx.abs())
    return J, B


_TORCH: list[Any] = []


def _torch() -> Any:
    if not _TORCH:
        _TORCH.append(require("torch", extra="torch", purpose="backend='torch'"))
    return _TORCH[0]


def _chunk_2d(ns: SimpleNamespace, k: Any, thr: float, sing: float) -> tuple[Any, Any, Any]:
    torch = _torch()
    ph = _dot(k, ns.V)
    E = torch.complex(torch.cos(ph), -torch.sin(ph))  # (Kc, nV)
    T = torch.zeros(k.shape[0], dtype=torch.complex128, device=k.device)
    S = torch.zeros(k.shape[0], dtype=torch.float64, device=k.device)
    flag = torch.zeros(k.shape[0], dtype=torch.bool, device=k.device)
    if ns.ea.numel():
        th = _dot(k, ns.ed)
        I, B = _edge_i(ns, E[:, ns.ea], E[:, ns.eb], th, ns.elen, thr)
        T = T + I @ ns.ecoef.to(I.dtype)
        S = S + B @ ns.ecoef.abs()
    if ns.bd.numel():
        e = ns.bd
        a, b = ns.ea[e], ns.eb[e]
        th = _dot(k, ns.V[b] - ns.V[a])
        J, B = _edge_j(ns, E[:, a], E[:, b], ns.fV[a], ns.fV[b], th, ns.elen[e], thr)
        kn = _dot(k, ns.bdn)
        T = T + (PHASE_UNIT * kn * J).sum(dim=1)
        S = S + (kn.abs() * B).sum(dim=1)
    if ns.ray_a.numel():
        knorm = torch.linalg.vector_norm(k, dim=1)
        t = _dot(k, ns.ray_u)
        bad = t.abs() <= sing * knorm[:, None]
        flag = flag | bad.any(dim=1)
        tt = torch.where(bad, torch.ones_like(t), t)
        c = ns.ray_coef
        term = c * E[:, ns.ray_a] * (PHASE_UNIT / tt)
        T = T + torch.where(bad, torch.zeros_like(term), term).sum(dim=1)
        S = S + torch.where(bad, torch.zeros_like(t), c.abs() / tt.abs()).sum(dim=1)
    return T, S, flag


def _chunk_3d(ns: SimpleNamespace, k: Any, thr: float, sing: float) -> tuple[Any, Any, Any]:
    torch = _torch()
    Kc = k.shape[0]
    dev = k.device
    c128 = torch.complex128
    ph = _dot(k, ns.V)
    E = torch.complex(torch.cos(ph), -torch.sin(ph))  # (Kc, nV)
    knorm = torch.linalg.vector_norm(k, dim=1)
    flag = torch.zeros(Kc, dtype=torch.bool, device=dev)
    nE = ns.ea.numel()
    th = _dot(k, ns.ed)
    Ea, Eb = E.index_select(1, ns.ea), E.index_select(1, ns.eb)
    I, Ib = _edge_i(ns, Ea, Eb, th, ns.elen, thr)
    J = torch.zeros((Kc, nE), dtype=c128, device=dev)
    Jb = torch.zeros((Kc, nE), dtype=torch.float64, device=dev)
    if ns.jidx.numel():
        j = ns.jidx
        a, b = ns.ea[j], ns.eb[j]
        J[:, j], Jb[:, j] = _edge_j(
            ns, Ea[:, j], Eb[:, j], ns.fV[a], ns.fV[b], th[:, j], ns.elen[j], thr
        )
    nR = ns.ray_a.numel()
    t = _dot(k, ns.ray_u)
    rbad = t.abs() <= sing * knorm[:, None]
    tt = torch.where(rbad, torch.ones_like(t), t)
    R = torch.where(rbad, torch.zeros_like(tt), 1.0 / tt) * E[:, ns.ray_a] * PHASE_UNIT
    Rb = torch.where(rbad, torch.zeros_like(tt), 1.0 / tt.abs())
    # faces (only those with a kink coefficient or a boundary term)
    g_all = ns.active
    nFa = g_all.numel()
    T = torch.zeros(Kc, dtype=c128, device=dev)
    S = torch.zeros(Kc, dtype=torch.float64, device=dev)
    if nFa == 0:
        return T, S, flag
    nrm = ns.fnormal[g_all]  # (Fa, 3)
    kn = _dot(k, nrm)  # (Kc, Fa)
    q = [k[:, i : i + 1] - kn * nrm[:, i] for i in range(3)]  # in-plane frequency, 3 x (Kc, Fa)
    qn2 = q[0] * q[0] + q[1] * q[1] + q[2] * q[2]
    qn = qn2.sqrt()
    bounded = ns.fbounded[g_all]
    series = bounded & (qn * ns.fradius[g_all] < thr)
    skip = (~bounded) & (qn <= sing * knorm[:, None]) & ~series
    flag = flag | skip.any(dim=1)
    # local index of every active face, for slots and triangles
    loc = torch.full((ns.nF,), -1, dtype=torch.int64, device=dev)
    loc[g_all] = torch.arange(nFa, device=dev)
    G = torch.zeros((Kc, nFa), dtype=c128, device=dev)
    Gb = torch.zeros((Kc, nFa), dtype=torch.float64, device=dev)
    Jg = torch.zeros((Kc, nFa), dtype=c128, device=dev)
    Jgb = torch.zeros((Kc, nFa), dtype=torch.float64, device=dev)
    has_j = ns.has_j[g_all]
    # ---- Diaz-Le-Robins recursion over the edge slots of the recursion faces
    sf = loc[ns.slot_face]
    e = ns.slot_edge
    qn2s = torch.where(series, torch.ones_like(qn2), qn2)
    fen = ns.slot_normal
    sN = q[0].index_select(1, sf) * fen[:, 0]
    sN = sN + q[1].index_select(1, sf) * fen[:, 1]
    sN = (sN + q[2].index_select(1, sf) * fen[:, 2]) / qn2s.index_select(1, sf)  # (Kc, nnz)
    use = (series | skip).index_select(1, sf).logical_not_()
    bnd = e >= 0
    eb_ = torch.where(bnd, e, torch.zeros_like(e))
    r_ = torch.where(bnd, torch.zeros_like(e), -1 - e)
    if nR:
        X = torch.where(bnd, I.index_select(1, eb_), R.index_select(1, r_))
        Xb = torch.where(bnd, Ib.index_select(1, eb_), Rb.index_select(1, r_))
        flag = flag | (use & ~bnd & rbad.index_select(1, r_)).any(dim=1)
    else:
        X, Xb = I.index_select(1, eb_), Ib.index_select(1, eb_)
    zc = torch.zeros((), dtype=c128, device=dev)
    zr = torch.zeros((), dtype=torch.float64, device=dev)
    G.index_add_(1, sf, torch.where(use, -PHASE_UNIT * sN * X, zc))
    Gb.index_add_(1, sf, torch.where(use, sN.abs() * Xb, zr))
    js = (bnd & has_j[sf]).nonzero(as_tuple=True)[0]  # slots of faces with a boundary term
    if js.numel():
        sfj, ej = sf[js], eb_[js]
        ju = use.index_select(1, js)
        sNj = sN.index_select(1, js)
        Jg.index_add_(1, sfj, torch.where(ju, -PHASE_UNIT * sNj * J.index_select(1, ej), zc))
        Jgb.index_add_(1, sfj, torch.where(ju, sNj.abs() * Jb.index_select(1, ej), zr))
    rec_j = ~(series | skip) & has_j
    fw = ns.fw[g_all]
    wq = (fw[:, 0] * q[0] + fw[:, 1] * q[1] + fw[:, 2] * q[2]) / qn2s
    Jg = Jg + torch.where(rec_j, PHASE_UNIT * wq * G, zc)
    Jgb = Jgb + torch.where(rec_j, wq.abs() * Gb, zr)
    # ---- Hermite-Genocchi series on the fan triangles of the series faces
    tf = loc[ns.tri_face]
    pk, pt = series[:, tf].nonzero(as_tuple=True)  # (frequency, triangle) pairs
    if pk.numel():
        tri = ns.tri[pt]
        v0, v1, v2 = tri[:, 0], tri[:, 1], tri[:, 2]
        kp = k[pk]
        al1 = _rowdot(kp, ns.V[v1] - ns.V[v0])
        al2 = _rowdot(kp, ns.V[v2] - ns.V[v0])
        N = len(ns.t2) - 1
        etas = [torch.ones_like(al1)]
        p = torch.ones_like(al1)
        for _ in range(1, N + 1):
            p = p * al1
            etas.append(p + al2 * etas[-1])
        e_ser = _powers_sum(ns.t2, etas)
        fac = ns.tri_fac[pt]
        P = fac * E[pk, v0]
        gloc = tf[pt]
        G.index_put_((pk, gloc), P * e_ser, accumulate=True)
        Gb.index_put_((pk, gloc), 0.5 * fac, accumulate=True)
        hj_ = has_j[gloc]
        if bool(hj_.any()):
            m = hj_.nonzero(as_tuple=True)[0]
            sJ = torch.zeros(m.numel(), dtype=c128, device=dev)
            gmax = torch.zeros(m.numel(), dtype=torch.float64, device=dev)
            for jv, alj in ((0, None), (1, al1[m]), (2, al2[m])):
                gj = ns.fV[tri[m, jv]]
                gmax = torch.maximum(gmax, gj.abs())
                hs = [etas[0][m]]
                for n in range(1, N + 1):
                    hs.append(etas[n][m] + (0.0 if alj is None else alj * hs[-1]))
                sJ = sJ + gj * _powers_sum(ns.t3, hs)
            Jg.index_put_((pk[m], gloc[m]), P[m] * sJ, accumulate=True)
            Jgb.index_put_((pk[m], gloc[m]), 0.5 * fac[m] * gmax, accumulate=True)
    # ---- total over faces
    live = ~skip
    c = ns.fcoef[g_all]
    T = T + torch.where(live, c * G, zc).sum(dim=1)
    S = S + torch.where(live, c.abs() * Gb, zr).sum(dim=1)
    kj = _dot(k, ns.fjn[g_all])  # (Kc, Fa); zero where no boundary term
    jl = live & has_j
    T = T + torch.where(jl, PHASE_UNIT * kj * Jg, zc).sum(dim=1)
    S = S + torch.where(jl, kj.abs() * Jgb, zr).sum(dim=1)
    return T, S, flag


def fused_laplacian_torch(
    data: FusedLaplacian, k: NDArray[np.float64], device: str = "cpu"
) -> tuple[NDArray[np.complex128], NDArray[np.float64], NDArray[np.bool_]]:
    """``(T, S, singular)`` at ``k (K, d)``, as :func:`._fused.fused_laplacian`, on ``device``."""
    torch = _torch()
    dev = torch.device(device)
    ns = _tensors(data, torch, dev)
    k = np.ascontiguousarray(k, dtype=float)
    K = len(k)
    T = np.zeros(K, dtype=complex)
    S = np.zeros(K)
    flag = np.zeros(K, dtype=bool)
    if K == 0:
        return T, S, flag
    if data.dim == 2:
        width = data.vertices.shape[0] + 2 * data.edge_a.shape[0] + data.ray_a.shape[0]
    else:
        width = (
            data.vertices.shape[0]
            + 2 * data.edge_a.shape[0]
            + data.ray_a.shape[0]
            + int(ns.slot_face.numel())
            + 2 * int(ns.active.numel())
        )
    step = max(1, CHUNK_ELEMENTS // max(width, 1))
    chunk = _chunk_2d if data.dim == 2 else _chunk_3d
    thr, sing = float(data.threshold), float(data.singular)
    for s in range(0, K, step):
        kc = torch.as_tensor(k[s : s + step], device=dev)
        Tc, Sc, fc = chunk(ns, kc, thr, sing)
        T[s : s + step] = Tc.cpu().numpy()
        S[s : s + step] = Sc.cpu().numpy()
        flag[s : s + step] = fc.cpu().numpy()
    return T, S, flag
