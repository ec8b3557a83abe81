r"""Regions on all of R^d from the global edge subdivision of a bounding box (private).

When the first layer's normals span :math:`\mathbb{R}^d`, every linear region of the network
on :math:`\mathbb{R}^d` is a *pointed* polyhedron ``P = conv(V) + cone(R)``: it has a vertex,
and each extreme ray ``r`` of its recession cone is the direction of (at least) one unbounded
edge of ``P``. If a box ``B`` contains every vertex of the complex in its interior, each
region ``P`` meets ``B`` in exactly one region of the complex on ``B`` (with the same
activation pattern), and ``P`` is read off ``P \cap B``:

* the vertices of ``P`` are the vertices of ``P \cap B`` on no facet of ``B``;
* the facets of ``P`` are the facets of ``P \cap B`` that are not facets of ``B``;
* every unbounded edge of ``P`` leaves ``B`` at a vertex ``p`` of ``P \cap B`` on exactly one
  facet of ``B``, along the edge of the complex through ``p`` that lies on ``p``'s ``d - 1``
  neuron zero sets; its direction spans the null space of those neurons' gradients on the
  region. Parallel unbounded edges give one extreme ray, on the facets that contain any of
  them.

:func:`unbounded_regions_subdivided` takes ``B`` around every vertex of the first layer's
arrangement and the points where deeper neurons cut that arrangement's unbounded lines
(:func:`_far_cuts`), with a wide margin, subdivides it
(:func:`~spectral_exact._subdivision.regions_from_skeleton`) and *proves* that no vertex of
the complex on R^d lies outside ``B`` (:func:`_check`). Reorder the first layer so that ``d``
independent neurons come first (their one vertex is in ``B``); from then on the complex is
pointed. If some neuron ``n`` were the first to create a vertex ``q`` outside ``B``, ``q``
would lie on an unbounded edge of the previous complex beyond the point ``p`` where that edge
leaves ``B``; ``z_n`` (its pre-activation) is affine along the whole edge, and the edge's last
piece inside ``B`` is an edge of the final complex on ``B`` from a vertex inside to the
boundary vertex ``p`` (on one facet of ``B`` and ``d - 1`` neuron zero sets). So it suffices
that, for every such ``p`` and every neuron ``n`` not zero on the edge, the slope
``sigma = grad z_n . u`` along the outward edge direction ``u`` (forward mode on the region's
pattern) and ``z_n(p)`` do not have opposite signs: ``z_n`` never vanishes beyond ``p``. A
slope within ``ROUNDING_ULPS`` ulps of ``|grad z_n|`` counts as parallel, the decision the cone
enumerator makes at a ray. A neuron that does cut beyond ``p`` gives a cut point
``q = p - (z_n(p) / sigma) u``: ``B`` is enlarged to contain it and the subdivision rerun (a
few rounds). A value ``z_n(p)`` within the hyperplane tolerance of zero off ``p``'s zero sets,
an edge of the complex crossing ``B`` with no cut found, or no general position on ``B``
returns None and the caller takes the cone enumerator. A deeper zero set meeting a region only
outside ``B`` cuts one of its unbounded edges (the minimum of ``z_n`` over a pointed
polyhedron is attained at a vertex or is unbounded along an extreme ray), so it is caught the
same way.

The zero tests of the subdivision are made in the arrangement's own length (as the cone
enumerator's, :func:`~spectral_exact.regions._unbounded_regions_rescaled`), not relative to
``B``, which may be far larger than the vertex cloud; the subdivision adds the rounding of
``B``'s coordinates. Vertices are re-solved from the ``d`` unit facet rows through them
(the subdivision interpolates along edges of ``B``), once per vertex, so that every region's
copy of a vertex is the same number; rays are null vectors of ``d - 1`` gradients.

References
----------
A. Berzins, "Polyhedral complex extraction from ReLU networks using edge subdivision", Proc.
40th ICML, PMLR 202 (2023). doi:10.48550/arXiv.2306.07212
"""

from __future__ import annotations

import dataclasses
import itertools
import math
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from ._tolerances import ROUNDING_ULPS, Tolerances, hyperplane_tolerance, zero_distance
from ._types import FloatArray, IntArray
from .network import ReLUNetwork

if TYPE_CHECKING:
    from ._subdivision import SkeletonRegions
    from .regions import RegionArrays

#: most first-layer ``d``-subsets whose intersection points are solved to place the box
MAX_FIRST_LAYER_SUBSETS = 2_000_000

#: subdivision rounds (the box enlarged to contain detected cut points) before giving up
MAX_ROUNDS = 4

#: the box may grow to this many times its first size before the caller's enumerator is used
MAX_GROWTH = 1e6

#: the box's half-widths are 2 to 2.5 times this factor times those of the points' bounding
#: box. A wide margin costs nothing (the complex on the box has the same regions and one
#: boundary vertex per unbounded edge whatever its size, and the zero tests are made in the
#: arrangement's own length) and spares a second round for the far vertices that the guesses
#: miss: 3 of 48 small random 3-D and 4-D nets needed one with 64, most of them with 4
BOX_MARGIN = 64.0

#: the widening factors' sequence ``frac(k * golden ratio)`` (any irrational step will do)
_GOLDEN = 0.5 * (1.0 + math.sqrt(5.0))

#: box placements tried when the subdivision is not in general position on one
MAX_PLACEMENTS = 3

#: a neuron whose slope along an unbounded edge is below this times the slope's rounding
#: scale (its forward-mode magnitude plus its gradient's norm times the edge direction's
#: condition) is parallel to it: ``ROUNDING_ULPS`` ulps, as ``regions._cone_eps`` at a ray
_RAY_ULPS = ROUNDING_ULPS * float(np.finfo(float).eps)

#: boundary vertices per chunk when their regions' pre-activation maps are formed
_MAP_CHUNK = 4096


def _combinations(n: int, d: int) -> IntArray:
    """All ``d``-subsets of ``range(n)`` as rows (lexicographic)."""
    count = math.comb(n, d)
    flat = np.fromiter(
        itertools.chain.from_iterable(itertools.combinations(range(n), d)),
        dtype=np.int64,
        count=count * d,
    )
    return flat.reshape(count, d)


def _first_layer_vertices(W: FloatArray, b: FloatArray, tol: Tolerances) -> FloatArray:
    """Intersection points of every independent ``d``-subset of the first layer's hyperplanes.

    Subsets whose unit normals have ``|det| <= tol.rank`` are skipped (dependent, or a vertex
    so far that the boundary check of :func:`unbounded_regions_subdivided` must find it).
    """
    d = W.shape[1]
    S = _combinations(len(W), d)
    norms = np.linalg.norm(W, axis=1)
    N = W / norms[:, None]
    out = []
    step = max(1, (1 << 20) // (d * d))
    for i0 in range(0, len(S), step):
        s = S[i0 : i0 + step]
        A = N[s]
        keep = np.abs(np.linalg.det(A)) > tol.rank
        if keep.any():
            rhs = -(b[s[keep]] / norms[s[keep]])
            out.append(np.linalg.solve(A[keep], rhs[..., None])[..., 0])
    return np.concatenate(out) if out else np.zeros((0, d))


def _box(points: FloatArray, length: float, attempt: int = 0) -> tuple[FloatArray, FloatArray]:
    """``(lo, hi)``: the points' bounding box widened by :data:`BOX_MARGIN` about its centre.

    Never flat: every half-width is at least a quarter of the largest one (or ``length`` when
    all points coincide). The widening factors differ per axis and side (a fixed
    low-discrepancy sequence, shifted by ``attempt``): with one factor, a corner of the box
    is an affine combination of two extreme points and lies on every hyperplane through both
    (the farthest vertices of an arrangement often share a hyperplane).
    """
    d = points.shape[1]
    lo, hi = points.min(0), points.max(0)
    c = 0.5 * (lo + hi)
    half = 0.5 * (hi - lo)
    big = float(half.max())
    if big <= 0.0:
        big = length
    half = np.maximum(half, 0.25 * big)
    k = np.arange(2 * d) + 2 * d * attempt + 1
    f = BOX_MARGIN * (2.0 + 0.5 * np.modf(k * _GOLDEN)[0])
    return c - f[:d] * half, c + f[d:] * half


def _far_cuts(net: ReLUNetwork, tol: Tolerances) -> FloatArray:
    """Points where deeper neurons cut the unbounded edges of the first layer's lines.

    Every line on ``d - 1`` first-layer hyperplanes stays on them through all layers; beyond
    its last first-layer vertex each layer's pattern along it is fixed by the slopes, so each
    deeper neuron is affine there and its zero (where it lies beyond every earlier cut) is a
    vertex of the complex on R^d. Only a first guess for the box: the proof in
    :func:`_check` decides.
    """
    W1 = np.asarray(net.weights[0], float)
    b1 = np.asarray(net.biases[0], float)
    d = W1.shape[1]
    nrm = np.linalg.norm(W1, axis=1)
    N, c1 = W1 / nrm[:, None], b1 / nrm
    S = _combinations(len(W1), d - 1)
    _, sv, Vt = np.linalg.svd(N[S])  # full_matrices: the last row of Vt spans the line
    ok = sv[:, -1] > tol.rank
    S, Vt = S[ok], Vt[ok]
    w = Vt[:, -1]
    P = np.linalg.pinv(N[S])  # (L, d, d - 1): the point of each line nearest the origin
    x0 = np.einsum("lde,le->ld", P, -c1[S])
    on = np.zeros((len(S), len(W1)), bool)
    on[np.arange(len(S))[:, None], S] = True
    dot = w @ N.T  # (L, n1)
    with np.errstate(divide="ignore", invalid="ignore"):
        t = -(x0 @ N.T + c1) / dot
    t = np.where(on | (np.abs(dot) <= tol.rank) | ~np.isfinite(t), np.nan, t)
    has = np.any(np.isfinite(t), axis=1)
    x0, w, t, on = x0[has], w[has], t[has], on[has]
    out = []
    for sign, ext in ((1.0, np.nanmax), (-1.0, np.nanmin)):
        y0 = x0 + ext(t, axis=1)[:, None] * w
        v = sign * w
        A = y0 @ W1.T + b1
        B = v @ W1.T
        A[on], B[on] = 0.0, 0.0
        s_last = np.zeros(len(y0))
        for Wl, bl in zip(net.weights[1:-1], net.biases[1:-1], strict=True):
            pat = np.where(B != 0.0, B > 0, A > 0)
            A, B = (pat * A) @ Wl.T + bl, (pat * B) @ Wl.T
            with np.errstate(divide="ignore", invalid="ignore"):
                sz = -A / B
            beyond = np.isfinite(sz) & (sz > s_last[:, None])
            i, j = np.nonzero(beyond)
            out.append(y0[i] + sz[i, j, None] * v[i])
            s_last = np.maximum(s_last, np.max(np.where(beyond, sz, 0.0), axis=1))
    return np.concatenate(out) if out else np.zeros((0, d))


def _neuron_maps(net: ReLUNetwork, pattern: NDArray[np.bool_]) -> tuple[FloatArray, FloatArray]:
    """Pre-activation maps of every hidden neuron on regions ``pattern``: ``(G (n, H, d), c)``."""
    from ._subdivision import _region_maps

    maps, _, _ = _region_maps(net, pattern)
    G = np.concatenate([np.asarray(g) for g, _ in maps], axis=1)
    c = np.concatenate([np.asarray(cc) for _, cc in maps], axis=1)
    return G, c


def _null_vectors(A: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Return the unit null vectors of a stack of ``(d - 1, d)`` matrices and their conditions.

    The condition number ``s_max / s_min`` bounds the angle by which rounding turns the null
    vector (in units of the unit roundoff).
    """
    _, sv, Vt = np.linalg.svd(A)
    with np.errstate(divide="ignore"):
        cond = sv[:, 0] / sv[:, -1]
    return np.asarray(Vt[:, -1, :]), cond


def _slopes(
    net: ReLUNetwork, pattern: NDArray[np.bool_], u: FloatArray, on: NDArray[np.bool_]
) -> tuple[FloatArray, FloatArray]:
    """Differentiate every hidden pre-activation along ``u`` on regions ``pattern``.

    Forward mode, layer by layer, with the neurons ``on`` (those whose zero sets contain the
    line: their derivative is zero) set to exactly zero. Returns the slopes and the same
    recursion in absolute values (``|W| |s|``), the scale of their rounding: a slope that is
    zero in exact arithmetic (``u`` orthogonal to every active path) comes out as a residue
    of a few ulps of that scale, not of the neuron's gradient.
    """
    out = np.zeros(on.shape)
    mag = np.zeros(on.shape)
    s, a = u, np.abs(u)
    col = 0
    for layer, Wl in enumerate(net.weights[:-1]):
        w = Wl.shape[0]
        if layer:
            p = pattern[:, col - s.shape[1] : col]
            s, a = s * p, a * p
        W = np.asarray(Wl, float)
        s, a = s @ W.T, a @ np.abs(W).T
        s[on[:, col : col + w]] = 0.0
        out[:, col : col + w] = s
        mag[:, col : col + w] = a
        col += w
    return out, mag


def _first_rows(rv: IntArray, n_vertices: int) -> IntArray:
    """Row of the first occurrence of every vertex id in ``rv`` (-1 where absent)."""
    first = np.full(n_vertices, -1, np.int64)
    first[rv[::-1]] = np.arange(len(rv))[::-1]
    return first


def _check(
    net: ReLUNetwork,
    arrays: RegionArrays,
    extra: SkeletonRegions,
    lo: FloatArray,
    hi: FloatArray,
    tol: Tolerances,
) -> tuple[FloatArray, FloatArray] | None:
    """Prove that every vertex on R^d lies in the box; find the unbounded edges' directions.

    Returns ``(cuts, U)``: the cut points beyond the box (empty when the proof holds) and,
    per skeleton vertex on exactly one box facet, the unit direction ``U`` of its edge leaving
    the box (zero rows elsewhere). None when a decision is ambiguous.
    """
    sk = extra.skeleton
    d = net.input_dim
    m = sk.n_dom
    Zc = sk.zeros[0]
    nv = len(Zc)
    ndz = (Zc < m).sum(1)
    # an edge on d - 1 neuron zero sets from a boundary vertex: the outward edge
    E, Ze = sk.edges, sk.zeros[1]
    inner = np.all(Ze >= m, axis=1)
    ea, eb = E[inner, 0], E[inner, 1]
    # an edge of the complex on R^d crossing the box: vertices outside (the checks find them)
    crossing = (ndz[ea] >= 1) & (ndz[eb] >= 1)
    ea, eb = ea[~crossing], eb[~crossing]
    swap = ndz[ea] >= 1
    p = np.where(swap, ea, eb)
    a = np.where(swap, eb, ea)
    bnd = ndz[p] == 1
    p, a = p[bnd], a[bnd]
    n_cross = 2 * int(crossing.sum())
    if np.any(np.bincount(p, minlength=nv) > 1) or len(p) + n_cross != int(np.sum(ndz == 1)):
        return None  # pragma: no cover - a boundary vertex without its one outward edge
    U = np.zeros((nv, d))
    scale = zero_distance(np.stack([lo, hi]), tol)
    cuts = []
    pattern = arrays.pattern
    H = pattern.shape[1]
    rv = extra.pairs[d][1]
    region_of_row = np.repeat(np.arange(arrays.n_regions), np.diff(arrays.vertex_offset))
    reg = region_of_row[_first_rows(rv, nv)[p]]  # a region through each boundary vertex
    for i0 in range(0, len(p), _MAP_CHUNK):
        sl = slice(i0, i0 + _MAP_CHUNK)
        vb, rb = p[sl], reg[sl]
        G, c = _neuron_maps(net, pattern[rb])
        zc = Zc[vb]
        cols = np.sort(np.where(zc >= m, zc - m, H), axis=1)[:, : d - 1]  # neuron zeros
        u, cond = _null_vectors(G[np.arange(len(vb))[:, None], cols])
        # orient outward: away from the other end of the outward edge
        out_dir = sk.X[vb] - sk.X[a[sl]]
        u *= np.where(np.einsum("nd,nd->n", u, out_dir) < 0, -1.0, 1.0)[:, None]
        U[vb] = u
        gn = np.linalg.norm(G, axis=2)
        z = np.einsum("nhd,nd->nh", G, sk.X[vb]) + c
        on = np.zeros_like(z, bool)
        on[np.arange(len(vb))[:, None], cols] = True
        sig, mag = _slopes(net, pattern[rb], u, on)
        eps = hyperplane_tolerance(gn, np.abs(c), scale)
        if np.any(~on & (np.abs(z) <= eps)):
            return None  # a boundary vertex on a neuron's zero set it is not said to be on
        # a slope within rounding of zero: parallel (the cone enumerator's decision at a ray),
        # with the rounding of the forward-mode slope and of the direction u
        flat = np.abs(sig) <= _RAY_ULPS * (mag + gn * cond[:, None])
        cut = ~on & ~flat & (z * sig < 0)
        if cut.any():
            ib, jh = np.nonzero(cut)
            t = -z[ib, jh] / sig[ib, jh]
            cuts.append(sk.X[vb[ib]] + t[:, None] * u[ib])
    cut_pts = np.concatenate(cuts) if cuts else np.zeros((0, d))
    if n_cross and not len(cut_pts):
        return None  # pragma: no cover - vertices outside the box that no check found
    return cut_pts, U


def _polish(arrays: RegionArrays, extra: SkeletonRegions) -> FloatArray | None:
    """Every skeleton vertex on no box facet re-solved from the ``d`` facet rows through it.

    The subdivision interpolates along edges of the box, which may be far larger than the
    vertex cloud; each vertex is the solution of the ``d x d`` system of the unit facet rows
    of (its first) region on which it lies. Boundary vertices are returned as they are.
    """
    sk = extra.skeleton
    d = arrays.dim
    Zc = sk.zeros[0]
    X = np.array(sk.X, dtype=float)
    interior = np.all(Zc >= sk.n_dom, axis=1)
    rv = extra.pairs[d][1]
    first = _first_rows(rv, len(Zc))
    rows = first[interior]
    inc = arrays.incidence  # sorted by vertex row
    ptr = np.concatenate([[0], np.cumsum(np.bincount(inc[:, 0], minlength=len(rv)))])
    if np.any(ptr[rows + 1] - ptr[rows] != d):  # pragma: no cover - a vertex on > d facets
        return None
    f = inc[ptr[rows][:, None] + np.arange(d), 1]
    X[interior] = np.linalg.solve(arrays.facet_A[f], arrays.facet_b[f][..., None])[..., 0]
    return X


def _convert(
    net: ReLUNetwork,
    arrays: RegionArrays,
    extra: SkeletonRegions,
    X: FloatArray,
    U: FloatArray,
    tol: Tolerances,
) -> RegionArrays | None:
    """R^d regions from the regions on the box (see the module notes)."""
    from .regions import RegionArrays, _offsets, _readonly_arrays

    sk = extra.skeleton
    d = net.input_dim
    m = sk.n_dom
    Zc = sk.zeros[0]
    ndz = (Zc < m).sum(1)
    n = arrays.n_regions
    rf, rv, _ = extra.pairs[d]
    fcol = extra.facet_col
    # vertices: rows on no box facet
    keep_v = ndz[rv] == 0
    if np.any(np.bincount(rf[keep_v], minlength=n) == 0):
        return None  # pragma: no cover - a region without a vertex: not pointed
    vrow_new = np.cumsum(keep_v) - 1
    # facets: rows on neuron columns
    keep_f = fcol >= m
    frow_new = np.cumsum(keep_f) - 1
    freg = np.repeat(np.arange(n), np.diff(arrays.facet_offset))
    inc = arrays.incidence
    ok = keep_v[inc[:, 0]] & keep_f[inc[:, 1]]
    inc = np.stack([vrow_new[inc[ok, 0]], frow_new[inc[ok, 1]]], axis=1)
    # rays: one per region and boundary vertex on one box facet, parallel ones merged
    br = np.flatnonzero(ndz[rv] == 1)
    bf, bv = rf[br], rv[br]  # sorted by region
    u = U[bv]
    rep = np.arange(len(br))
    same_start = np.r_[True, bf[1:] != bf[:-1]]
    start = np.maximum.accumulate(np.where(same_start, np.arange(len(br)), 0))
    # compare each ray with the earlier ones of its region (few per region)
    k = np.arange(len(br)) - start
    for shift in range(1, int(k.max(initial=0)) + 1):
        i = np.flatnonzero(k >= shift)
        j = i - shift
        close = np.linalg.norm(u[i] - u[j], axis=1) <= tol.rank
        rep[i[close]] = np.minimum(rep[i[close]], j[close])
    # the first ray of each group (a chain of close rays ends at its first member)
    while np.any(rep[rep] != rep):
        rep = rep[rep]
    is_rep = rep == np.arange(len(br))
    ray_id = np.cumsum(is_rep) - 1
    rays = u[is_rep]
    ray_offset = _offsets(np.bincount(bf[is_rep], minlength=n))
    # incidences: every neuron zero column of every member, as facet rows of its region
    zc = Zc[bv]
    rr = np.repeat(ray_id[rep], d)
    reg = np.repeat(bf, d)
    col = zc.reshape(-1)
    nz = col >= m
    rr, reg, col = rr[nz], reg[nz], col[nz]
    from ._subdivision_kernels import find_in_segments

    pos = find_in_segments(arrays.facet_offset, fcol, reg, col)
    if np.any(pos < 0):
        return None  # pragma: no cover - a ray on a zero set that is no facet of its region
    n_f = int(keep_f.sum())
    key = np.sort(rr * n_f + frow_new[pos])
    key = key[np.r_[True, key[1:] != key[:-1]]]
    rinc = np.stack([key // n_f, key % n_f], axis=1)
    # sorted by vertex row, then facet row (the box's incidences are, and the maps are monotone)
    key = inc[:, 0] * n_f + inc[:, 1]
    if np.any(key[1:] <= key[:-1]):  # pragma: no cover - defensive
        inc = inc[np.lexsort((inc[:, 1], inc[:, 0]))]
    return _readonly_arrays(
        RegionArrays(
            dim=d,
            weight=arrays.weight,
            bias=arrays.bias,
            pattern=arrays.pattern,
            vertices=X[rv[keep_v]],
            vertex_offset=_offsets(np.bincount(rf[keep_v], minlength=n)),
            facet_A=arrays.facet_A[keep_f],
            facet_b=arrays.facet_b[keep_f],
            facet_offset=_offsets(np.bincount(freg[keep_f], minlength=n)),
            incidence=inc.astype(np.int64, copy=False),
            rays=rays,
            ray_offset=ray_offset,
            ray_incidence=rinc.astype(np.int64, copy=False).reshape(-1, 2),
            lineality=np.zeros((0, d)),
            lineality_offset=np.zeros(n + 1, np.int64),
        )
    )


def unbounded_regions_subdivided(net: ReLUNetwork, tol: Tolerances) -> RegionArrays | None:
    """Regions on R^d through the global edge subdivision of a bounding box, or None.

    None (the caller enumerates cones) when the first layer has fewer than ``d`` neurons or
    normals of rank below ``d``, too many ``d``-subsets (:data:`MAX_FIRST_LAYER_SUBSETS`),
    no general position on the box, an ambiguous boundary decision, or vertices still outside
    the box after :data:`MAX_ROUNDS` rounds (see the module notes for the proof).
    """
    from . import _subdivision
    from .polytope import Box

    d = net.input_dim
    if d < 2 or len(net.weights) < 2:
        return None
    W1 = np.asarray(net.weights[0], float)
    b1 = np.asarray(net.biases[0], float)
    n1 = len(W1)
    if n1 < d or math.comb(n1, d) > MAX_FIRST_LAYER_SUBSETS:
        return None
    norms = np.linalg.norm(W1, axis=1)
    if np.any(norms == 0):
        return None
    sv = np.linalg.svd(W1 / norms[:, None], compute_uv=False)
    if sv[-1] <= tol.rank * sv[0]:
        return None
    pts = _first_layer_vertices(W1, b1, tol)
    if not len(pts) or not np.all(np.isfinite(pts)):
        return None
    length = float(np.max(np.abs(b1) / norms))
    length = length if length > 0 else 1.0
    far = _far_cuts(net, tol)
    cloud = np.concatenate([pts, far[np.all(np.isfinite(far), axis=1)]])
    size0 = 0.0
    for _ in range(MAX_ROUNDS):
        out = None
        for attempt in range(MAX_PLACEMENTS):
            lo, hi = _box(cloud, length, attempt)
            # zero tests in the arrangement's own length (as the cone enumerator's), not the
            # box's; the subdivision adds the rounding of the box's coordinates
            shrink = min(1.0, length / float(np.max(hi - lo)))
            tol_box = dataclasses.replace(tol, geometry=tol.geometry * shrink)
            out = _subdivision.regions_from_skeleton(net, Box(lo, hi).to_polytope(), tol_box)
            if out is not None:
                break
        if out is None:
            return None
        size0 = size0 or float(np.max(hi - lo))
        arrays, extra = out
        checked = _check(net, arrays, extra, lo, hi, tol_box)
        if checked is None:
            return None
        cuts, U = checked
        if not len(cuts):
            X = _polish(arrays, extra)
            return None if X is None else _convert(net, arrays, extra, X, U, tol)
        cloud = np.concatenate([cloud, cuts])
        if not np.all(np.isfinite(cuts)) or float(np.ptp(cloud, axis=0).max()) > MAX_GROWTH * size0:
            return None
    return None
    return None
