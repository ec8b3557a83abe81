r"""Fused, multi-core evaluation of the Laplacian route over the shared complex (d = 2, 3).

The distributional Laplacian of a ReLU net is a measure on its kink facets. Green's second
identity on each region ``R`` (``f = w_R\cdot x + c_R`` there, :math:`\Delta e^{-ik\cdot x} =
-|k|^2 e^{-ik\cdot x}`), summed over the regions of a box ``D``, gives

.. math::

    -|k|^2 \int_D f e^{-ik\cdot x}\,dx = \sum_{(R, G)} c_{R,G}\, I_G(k)
        + \sum_{(R, G),\ G \subset \partial D} (-i\,k\cdot n_{R,G})\, J_G(k),
    \qquad c_{R,G} = -w_R\cdot n_{R,G},

over the (region, facet) pairs, with :math:`I_G = \int_G e^{-ik\cdot x}` and
:math:`J_G = \int_G f e^{-ik\cdot x}`; the ``J`` terms of interior facets cancel pairwise
because ``f`` is continuous. Each pair's term is exact, so the sum is exact whether or not the
copies of a shared facet were merged (:mod:`spectral_exact.complex`): merging only adds their
coefficients. On R^d there is no boundary term (tempered distributions, Abel summation).

Per frequency the kernel computes one complex exponential per distinct vertex,
:math:`E_v = e^{-ik\cdot v}`, and builds everything from them:

* an edge ``[a, b]`` (length ``L``, ``\theta = k\cdot(b - a)``): :math:`I = L (E_a - E_b) /
  (i\theta)` and :math:`J = L[(g_a E_a - g_b E_b)/(i\theta) + (g_b - g_a)(E_a - E_b)/(i\theta)^2]`
  for ``|\theta| >=`` ``tol.series_threshold``, else their Taylor series in ``-i\theta``
  (:math:`I = L E_a \sum_n (-i\theta)^n/(n+1)!`, no cancellation); a ray from ``a`` along
  ``u``: :math:`E_a/(i\,k\cdot u)`;
* a polygon ``G`` (3-D) with in-plane frequency ``q = Proj_G(k)``: the Diaz-Le-Robins
  recursion :math:`I_G = \sum_e (i\,q\cdot N_G(e)/|q|^2) I_e` (and its affine version for
  ``J_G``) over its edges when ``|q| R_G >=`` ``tol.series_threshold``, else the
  Hermite-Genocchi Taylor series on the fan triangulation from its first vertex ``v_0``
  (phase :math:`E_{v_0}`, nodes :math:`-ik\cdot(v_j - v_0)`, ``|node| < 2`` threshold), the
  same stable evaluation as :mod:`.indicator`.

Alongside the sum ``T(k)`` the kernel accumulates ``S(k)``, the sum of bounds on the moduli of
the individual floating-point terms. ``S/|T|`` is a per-frequency condition number: rounding
errors are about ``eps * S``. As ``|k| diam -> 0`` the Laplacian route cancels (``T = O(|k|^2)``
while ``S = O(1)``); the caller sends frequencies with ``S > max_cancellation * |T|`` to a
stable route.

numba is imported lazily; the kernels are compiled once (``cache=True``) and run in parallel
over frequencies (``prange``), with per-worker buffers of one value per vertex and per edge, so
memory stays bounded whatever the number of frequencies. In 3-D the kernel streams the
complex: the polygons are ordered along a Z-order (Morton) curve of their first vertices, so
that neighbours, which share edges and vertices, are evaluated one after the other (on
3-32-32-1 this alone made the kernel 1.8x faster: the shared values were no longer in
cache), vertices, edges and rays are numbered by first use in the polygons' edge slots and
computed chunk of :data:`CHUNK_FACES` polygons by chunk, just before the polygons that read
them (still in cache), their values interleaved per element. The Taylor series are the same
series at the same tolerance, evaluated faster: an edge's in ``theta^2`` (even and odd parts,
two independent Horner chains, as many terms as ``|theta| <`` ``tol.series_threshold``
needs), a triangle's up to the power its own nodes need (:data:`TERMS_PER_UNIT`). The
results agree with the simple per-frequency schedule (``streamed=False``) to rounding
(measured: about ``1e-17 S``; the tests require ``1e-15 S``).

References
----------
R. Diaz, Q.-N. Le and S. Robins, "Fourier transforms of polytopes, solid angle sums, and
discrete volume" (2016). doi:10.48550/arXiv.1602.08593 (the face-poset recursion of the
transform of a polytope).

C. de Boor, "Divided differences", Surveys in Approximation Theory 1, 46-69 (2005), ISSN
1555-578X (the Hermite-Genocchi formula: the integral of exp over a simplex is a divided
difference of exp).
"""

from __future__ import annotations

from dataclasses import dataclass
from math import factorial
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .._tolerances import SERIES_TERM_RTOL, Tolerances
from .._types import FloatArray, IntArray
from ..complex import PolyhedralComplex
from ..polytope import Box
from ._convention import PHASE_UNIT

__all__ = [
    "FusedLaplacian",
    "fused_from_complex",
    "fused_laplacian",
    "fused_laplacian_with_error",
    "series_length",
]


#: frequencies per parallel work item (per-block buffers: one value per vertex and edge)
BLOCK = 8
#: 3-D: resolution of the table of Taylor lengths by node modulus (entries per unit modulus)
TERMS_PER_UNIT = 64
#: 3-D: faces per chunk; the vertices and edges a chunk needs are computed just before it
CHUNK_FACES = 64


@dataclass(frozen=True, eq=False)
class FusedLaplacian:
    """Kernel-ready arrays for the Laplacian route over a complex in d = 2 or 3.

    Built by :func:`fused_from_complex`; evaluated by :func:`fused_laplacian`.
    """

    dim: int
    vertices: FloatArray  # (nV, d)
    fvals: FloatArray  # (nV,) f at the vertices
    # bounded edges
    edge_a: IntArray
    edge_b: IntArray
    edge_len: FloatArray
    edge_vec: FloatArray  # (nE, d) b - a
    edge_coef: FloatArray  # 2-D: kink coefficient of the edge (0 if none); 3-D: unused (0)
    edge_j: NDArray[np.bool_]  # J of this edge is needed
    # rays (unbounded edges): start vertex, unit direction, coefficient (2-D)
    ray_a: IntArray
    ray_u: FloatArray
    ray_coef: FloatArray
    # 2-D: boundary edges needing J, with the sum of outward normals of their pairs
    bd_edge: IntArray
    bd_normal: FloatArray
    # 3-D polygons: CSR over edge slots (bounded edges >= 0, rays as -1 - ray index)
    face_ptr: IntArray
    face_edge: IntArray
    face_edge_normal: FloatArray  # (nnz, 3) in-plane outward normals
    face_normal: FloatArray  # (nF, 3) unit plane normal
    face_radius: FloatArray
    face_bounded: NDArray[np.bool_]
    face_coef: FloatArray  # kink coefficient
    face_jn: FloatArray  # (nF, 3) sum of outward normals of boundary pairs (0: no J)
    face_w: FloatArray  # (nF, 3) gradient of f on the face (any containing region)
    tri_ptr: IntArray  # fan triangulation of bounded faces (CSR)
    tri: IntArray  # (nT, 3) vertex ids (apex first)
    tri_fac: FloatArray  # (nT,) 2 * area
    # 3-D cache blocking: vertices, edges and rays are numbered by first use in the face
    # slots, so the ones faces 0..g need are 0..need[g] - 1 (prefix maxima)
    vertex_need: IntArray  # (nF,)
    edge_need: IntArray  # (nF,)
    ray_need: IntArray  # (nF,)
    edge_jslot: IntArray  # (nE,) index of the edge among those needing J, or -1
    face_id: IntArray  # (nF,) 3-D: the polygon's index in the complex (polygons are reordered)
    threshold: float
    singular: float
    n_series: int  # Taylor terms for edges and triangles

    @property
    def n_edges(self) -> int:
        return int(self.edge_a.shape[0])


def series_length(threshold: float, cap: int) -> int:
    """Taylor terms so that ``(n + 1) r^n / n! < eps / 100`` for nodes ``|a| <= 2 threshold``."""
    r = 2.0 * threshold
    n = 1
    while n < cap and (n + 1) * r**n / factorial(n) > SERIES_TERM_RTOL:
        n += 1
    return n


def _boundary_rows(cx: PolyhedralComplex, box: Box | None, tol: Tolerances) -> NDArray[np.bool_]:
    """Facet rows on the box boundary (outward normal ``+-e_i`` on the face ``x_i = bound``)."""
    M = len(cx.facet_of_row)
    on = np.zeros(M, dtype=bool)
    if box is None or M == 0:
        return on
    d = cx.dim
    fac = cx.levels[d - 1]
    ok = cx.facet_of_row >= 0
    pts = np.zeros((M, d))
    pts[ok] = fac.point[cx.facet_of_row[ok]]
    nrm = cx.facet_normal
    scale = tol.geometry * (1.0 + float(np.max(np.abs(np.concatenate([box.lo, box.hi])))))
    for i in range(d):
        for bound, sgn in ((box.hi[i], 1.0), (box.lo[i], -1.0)):
            on |= ok & (np.abs(pts[:, i] - bound) <= scale) & (np.abs(nrm[:, i] - sgn) <= tol.rank)
    return on


def _first_use_order(ids: IntArray, n: int) -> IntArray:
    """Ids ``0..n-1`` in the order of their first occurrence in ``ids``, unused ones last."""
    first = np.full(n, len(ids), np.int64)
    np.minimum.at(first, ids, np.arange(len(ids), dtype=np.int64))
    return np.argsort(first, kind="stable").astype(np.int64)


#: bits per axis of the Morton (Z-order) code that orders the polygons in 3-D
MORTON_BITS = 10


def _morton_order(points: FloatArray, bits: int = MORTON_BITS) -> IntArray:
    """Return the indices sorting ``points (n, d)`` along a Z-order curve of their box."""
    lo = points.min(axis=0)
    span = np.maximum(points.max(axis=0) - lo, np.finfo(float).tiny)
    q = np.minimum(((points - lo) / span * (1 << bits)).astype(np.int64), (1 << bits) - 1)
    code = np.zeros(len(points), np.int64)
    d = points.shape[1]
    for b in range(bits):
        for i in range(d):
            code |= ((q[:, i] >> b) & 1) << (d * b + i)
    return np.argsort(code, kind="stable").astype(np.int64)


def _edge_ends(cx: PolyhedralComplex) -> tuple[IntArray, IntArray]:
    """End vertices ``(a, b)`` of every level-1 face (a ray: its start twice)."""
    edges = cx.levels[1]
    ptr, idx = edges.vertex_ptr, edges.vertex_idx
    ea = idx[ptr[:-1]].astype(np.int64)
    eb = idx[ptr[1:] - 1].astype(np.int64)
    for i in np.flatnonzero((np.diff(ptr) > 2) & edges.bounded).tolist():  # pragma: no cover
        # extra collinear points: keep the extreme pair
        vs = edges.vertices_of(i)
        P = cx.vertices[vs]
        u = P[np.argmax(np.linalg.norm(P - P[0], axis=1))] - P[0]
        t = P @ u
        ea[i], eb[i] = int(vs[np.argmin(t)]), int(vs[np.argmax(t)])
    return ea, eb


def fused_from_complex(
    cx: PolyhedralComplex, box: Box | None, tol: Tolerances
) -> FusedLaplacian | None:
    """Return the kernel arrays for ``cx``, or ``None`` when the fused path does not apply.

    It does not apply when d is not 2 or 3, or when a region contains a line. Array code
    throughout (no loop over faces). In 3-D the edges and rays are numbered by their first
    use in the polygons' edge slots and the vertices by their first use by those (the order
    the streamed kernel produces them in).
    """
    d = cx.dim
    if d not in (2, 3) or not cx.is_pointed or cx.n_regions == 0:
        return None
    rows = cx.facet_of_row
    fac = cx.levels[d - 1]
    nF = fac.n
    coef = np.zeros(nF)
    wn = -np.einsum("md,md->m", cx.weight[cx.region_of_row], cx.facet_normal)
    np.add.at(coef, rows, wn)
    bd_rows = _boundary_rows(cx, box, tol)
    jn = np.zeros((nF, d))
    np.add.at(jn, rows[bd_rows], cx.facet_normal[bd_rows])
    need_j = np.any(jn != 0.0, axis=1)
    V = cx.vertices
    fV = cx.vertex_values()
    edges = cx.levels[1]
    e_bounded = edges.bounded
    nE = edges.n
    ea, eb = _edge_ends(cx)
    # 3-D: the polygons along a Z-order curve (neighbours share edges and vertices, so the
    # kernel finds them in cache), their edge slots permuted with them
    order = np.arange(nE, dtype=np.int64)
    if d == 3:
        forder = _morton_order(fac.point)
        n_slots = np.diff(fac.child_ptr)[forder]
        c_ptr = np.concatenate([[0], np.cumsum(n_slots)]).astype(np.int64)
        c_pos = np.repeat(fac.child_ptr[forder] - c_ptr[:-1], n_slots) + np.arange(c_ptr[-1])
        c_idx = fac.child_idx[c_pos]
        # number edges in the order the polygons read them (locality in the kernel)
        order = _first_use_order(c_idx, nE)
    bidx = order[e_bounded[order]]
    ridx = order[~e_bounded[order]]
    slot = np.full(nE, 0, np.int64)
    slot[bidx] = np.arange(len(bidx))
    slot[ridx] = -1 - np.arange(len(ridx))
    ray_u = cx.rays[edges.ray_idx[edges.ray_ptr[ridx]]].reshape(len(ridx), d)
    e_vec = V[eb[bidx]] - V[ea[bidx]]
    e_len = np.linalg.norm(e_vec, axis=1)
    edge_coef = np.zeros(len(bidx))
    ray_coef = np.zeros(len(ridx))
    edge_j = np.zeros(len(bidx), dtype=bool)
    empty_i = np.zeros(0, np.int64)
    if d == 2:
        edge_coef = coef[bidx]
        ray_coef = coef[ridx]
        bd = np.flatnonzero(need_j[bidx])
        return FusedLaplacian(
            2, V, fV, ea[bidx], eb[bidx], e_len, e_vec, edge_coef, edge_j, ea[ridx], ray_u,
            ray_coef,
            bd, jn[bidx][bd], np.zeros(1, np.int64), empty_i, np.zeros((0, 3)),
            np.zeros((0, 3)), np.zeros(0), np.zeros(0, bool), np.zeros(0), np.zeros((0, 3)),
            np.zeros((0, 3)), np.zeros(1, np.int64), np.zeros((0, 3), np.int64), np.zeros(0),
            empty_i, empty_i, empty_i, empty_i, empty_i, tol.series_threshold, tol.singular,
            series_length(tol.series_threshold, tol.series_terms),
        )  # fmt: skip
    # 3-D: polygons (in the order forder)
    coef, jn, need_j = coef[forder], jn[forder], need_j[forder]
    bounded = fac.bounded[forder]
    face_edge = slot[c_idx]
    face_of_slot = np.repeat(np.arange(nF, dtype=np.int64), n_slots)
    is_e = face_edge >= 0
    edge_j[face_edge[need_j[face_of_slot] & is_e]] = True
    normal = np.cross(fac.basis[forder, 0], fac.basis[forder, 1])
    normal /= np.linalg.norm(normal, axis=1, keepdims=True)
    # gradient of f on each face: the weight of a region containing it (its first row)
    first_row = np.full(nF, len(rows), np.int64)
    np.minimum.at(first_row, rows, np.arange(len(rows), dtype=np.int64))
    face_w = cx.weight[cx.region_of_row[first_row[forder]]]
    # fan triangulation of each bounded face from its first vertex: one triangle per edge
    # slot not incident to that vertex, in slot order
    v0 = fac.vertex_idx[fac.vertex_ptr[:-1][forder]].astype(np.int64)[face_of_slot]
    sa = ea[c_idx]
    sb = eb[c_idx]
    fan = bounded[face_of_slot] & (sa != v0) & (sb != v0)
    T = np.stack([v0[fan], sa[fan], sb[fan]], axis=1).reshape(-1, 3)
    tri_count = np.bincount(face_of_slot[fan], minlength=nF)
    tri_ptr = np.concatenate([[0], np.cumsum(tri_count)]).astype(np.int64)
    e1 = V[T[:, 1]] - V[T[:, 0]]
    e2 = V[T[:, 2]] - V[T[:, 0]]
    tri_fac = np.linalg.norm(np.cross(e1, e2), axis=1)
    # renumber the vertices by first use in the face slots (the kernel computes them lazily)
    ends = np.stack([sa, np.where(is_e, sb, sa)], axis=1)  # a ray: its start twice
    vorder = _first_use_order(ends.ravel(), len(V))
    new_id = np.empty(len(V), np.int64)
    new_id[vorder] = np.arange(len(V))
    starts = c_ptr[:-1]
    slot_v = new_id[ends].max(axis=1)
    vneed = np.maximum.accumulate(np.maximum.reduceat(slot_v, starts)) + 1
    slot_e = np.where(is_e, face_edge, -1)
    eneed = np.maximum.accumulate(np.maximum.reduceat(slot_e, starts)) + 1
    slot_r = np.where(is_e, -1, -1 - face_edge)
    rneed = np.maximum.accumulate(np.maximum.reduceat(slot_r, starts)) + 1
    jslot = np.full(len(bidx), -1, np.int64)
    jslot[edge_j] = np.arange(int(np.count_nonzero(edge_j)))
    return FusedLaplacian(
        3, V[vorder], fV[vorder], new_id[ea[bidx]], new_id[eb[bidx]], e_len, e_vec, edge_coef,
        edge_j, new_id[ea[ridx]], ray_u, ray_coef,
        empty_i, np.zeros((0, 3)), c_ptr, face_edge, fac.child_normal[c_pos], normal,
        fac.radius[forder], bounded, coef, jn, face_w, tri_ptr, new_id[T], tri_fac, vneed, eneed,
        rneed, jslot, forder, tol.series_threshold, tol.singular,
        series_length(tol.series_threshold, tol.series_terms),
    )  # fmt: skip


def _series_coefficients(n: int) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray,
                                          FloatArray]:  # fmt: skip
    i = np.arange(n + 1)
    fact = np.array([float(factorial(m)) for m in i])
    cI = 1.0 / np.array([float(factorial(m + 1)) for m in i])  # 1/(n+1)!
    cJa = 1.0 / ((i + 1) * fact)  # 1/((n+1) n!)
    cJb = 1.0 / ((i + 2) * fact)  # 1/((n+2) n!)
    t2 = 1.0 / np.array([float(factorial(m + 2)) for m in i])  # triangle: 1/(n+2)!
    t3 = 1.0 / np.array([float(factorial(m + 3)) for m in i])  # affine: 1/(n+3)!
    return cI, cJa, cJb, t2, t3


def _term_table(n: int, per_unit: int) -> IntArray:
    """``t[i]``: the highest power a series needs for nodes ``|a| <= (i + 1) / per_unit``.

    The criterion of :func:`series_length` (``(m + 1) r^m / m! <= SERIES_TERM_RTOL``), capped
    at ``n``; the table ends at the first radius that needs all ``n`` (larger nodes: ``n``).
    """
    out: list[int] = []
    m = 1
    while m < n:
        r = (len(out) + 1) / per_unit
        while m < n and (m + 1) * r**m / factorial(m) > SERIES_TERM_RTOL:
            m += 1
        out.append(m)
    return np.array(out if out else [n], dtype=np.int64)


def _even_odd(c: FloatArray, n: int) -> tuple[FloatArray, FloatArray]:
    """``((-1)^m c[2m], (-1)^m c[2m + 1])`` for powers ``<= n``, zero padded to one length."""
    c = np.where(np.arange(len(c)) <= n, c, 0.0)[: n + 1]
    c = np.concatenate([c, np.zeros((n + 1) % 2)])
    sign = (-1.0) ** np.arange(len(c) // 2)
    return c[0::2] * sign, c[1::2] * sign


def _rotated(c: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Real and imaginary parts of ``(-i)^n c[n]`` (for each ``n`` one of them is 0)."""
    n = np.arange(len(c)) % 4
    re = np.where(n == 0, c, np.where(n == 2, -c, 0.0))
    im = np.where(n == 1, -c, np.where(n == 3, c, 0.0))
    return re, im


_KERNELS: dict[str, Any] = {}


def _kernels() -> dict[str, Any]:
    if _KERNELS:
        return _KERNELS
    import numba  # noqa: F401  (lazy: compiled on first use, cached on disk)

    from . import _fused_kernels as fk

    _KERNELS["2"] = fk.laplacian_2d
    _KERNELS["3"] = fk.laplacian_3d_streamed
    _KERNELS["3-simple"] = fk.laplacian_3d
    return _KERNELS


def fused_laplacian(
    data: FusedLaplacian, k: FloatArray
) -> tuple[NDArray[np.complex128], FloatArray, NDArray[np.bool_]]:
    """``(T, S, singular)`` at frequencies ``k (K, d)``.

    ``T(k) = -|k|^2 F(k)`` (the bracket of the module formula), ``S(k)`` the sum of bounds
    on its terms' moduli (rounding error ~ ``eps * S``) and ``singular`` marks frequencies
    orthogonal to an unbounded face (a ray, or a polygon with ``Proj(k) = 0``).
    """
    T, S, _, flag = fused_laplacian_with_error(data, k)
    return T, S, flag


def fused_laplacian_with_error(
    data: FusedLaplacian, k: FloatArray, *, streamed: bool = True
) -> tuple[NDArray[np.complex128], FloatArray, FloatArray, NDArray[np.bool_]]:
    """``(T, S, W, singular)``: :func:`fused_laplacian` and a running error weight ``W``.

    ``W(k)`` is the sum over the terms of their modulus bound times the amplification of the
    rounding of their inputs: ``1 + sum |k_i v_i|`` for the phases of the vertices ``v``
    they use, ``sum |k_i e_i| / |k.e|`` for a closed-form edge or a ray ``e`` (its small
    denominator) and ``(4 sum |k_i| + G |k|) / |q|`` for a polygon evaluated by the
    recursion with in-plane frequency ``q`` (``G`` = ``DIRECTION_ULPS``: the normals are
    derived from the vertices and carry that many units of relative error, which near the
    singular set on R^3 dominates); propagated through the recursion like ``S``. The rounding
    error of ``T`` is a small multiple of ``u W`` (``u`` the unit roundoff; the multiple is
    :data:`spectral_exact.fourier.spectrum.ERROR_BOUND_FACTOR`).

    In 3-D, ``streamed=False`` runs the simple per-frequency schedule
    (:func:`._fused_kernels.laplacian_3d`: all vertices, then all edges, then all faces, full
    Taylor lengths), the reference the tests hold the streamed kernel to.
    """
    kern = _kernels()
    k = np.ascontiguousarray(k, dtype=float)
    K = len(k)
    Tr = np.zeros(K)
    Ti = np.zeros(K)
    S = np.zeros(K)
    W = np.zeros(K)
    flag = np.zeros(K, np.bool_)
    cI, cJa, cJb, t2, t3 = _series_coefficients(data.n_series)
    if K == 0:
        return Tr - PHASE_UNIT * Ti, S, W, flag
    if data.dim == 2:
        kern["2"](
            k, data.vertices, data.fvals, data.edge_a, data.edge_b, data.edge_vec,
            data.edge_len, data.edge_coef, data.bd_edge, data.bd_normal, data.ray_a, data.ray_u,
            data.ray_coef, data.threshold, data.singular, cI, cJa, cJb, BLOCK, Tr, Ti, S, W,
            flag,
        )  # fmt: skip
    elif streamed:
        import numba

        nthreads = max(1, min(int(numba.get_num_threads()), K))
        n_j = int(np.count_nonzero(data.edge_j))
        # an edge's series runs only for |theta| < threshold: fewer terms than a triangle's
        n_edge = series_length(0.5 * data.threshold, data.n_series)
        kern["3"](
            k, data.vertices, data.fvals, data.edge_a, data.edge_b, data.edge_vec, data.edge_len,
            data.edge_jslot, n_j, data.ray_a, data.ray_u, data.face_ptr, data.face_edge,
            data.face_edge_normal, data.face_normal, data.face_radius, data.face_bounded,
            data.face_coef, data.face_jn, data.face_w, data.tri_ptr, data.tri, data.tri_fac,
            data.vertex_need, data.edge_need, data.ray_need, CHUNK_FACES, data.threshold,
            data.singular, *_even_odd(cI, n_edge), *_even_odd(cJa, n_edge),
            *_even_odd(cJb, n_edge), *_rotated(t2), *_rotated(t3),
            _term_table(data.n_series, TERMS_PER_UNIT), TERMS_PER_UNIT, nthreads, Tr, Ti, S, W,
            flag,
        )  # fmt: skip
    else:
        kern["3-simple"](
            k, data.vertices, data.fvals, data.edge_a, data.edge_b, data.edge_vec, data.edge_len,
            data.edge_j,
            data.ray_a, data.ray_u, data.face_ptr, data.face_edge, data.face_edge_normal,
            data.face_normal, data.face_radius, data.face_bounded, data.face_coef,
            data.face_jn, data.face_w, data.tri_ptr, data.tri, data.tri_fac, data.threshold,
            data.singular, cI, cJa, cJb, t2, t3, BLOCK, Tr, Ti, S, W, flag,
        )  # fmt: skip
    return Tr - PHASE_UNIT * Ti, S, W, flag
