r"""Face posets of polyhedra, with the geometric data the Fourier recursion needs.

``face_poset(P)`` returns a :class:`networkx.DiGraph` with one node per non-empty face of ``P``
(``P`` itself included) and an edge ``F -> G`` from each face to each of its facets. This is the
poset over which Diaz, Le & Robins (2016) write the Fourier transform of a polytope indicator:

.. math::

    \hat 1_F(k) = \sum_{G \text{ facet of } F}
        \frac{i\, \mathrm{Proj}_F(k)\cdot N_F(G)}{|\mathrm{Proj}_F(k)|^2}\, \hat 1_G(k),
    \qquad \hat 1_F(k) = \mathrm{vol}(F)\, e^{-i k\cdot x_F} \text{ if } \mathrm{Proj}_F(k) = 0.

Node keys are ``frozenset`` s of generator indices: ``i < m`` is vertex ``i`` of ``P`` and
``m + j`` is ray ``j`` (``m`` = number of vertices); every face is the convex hull of its
vertices plus the cone of its rays plus the lineality space of ``P``.

Node data
---------
``dim`` (int)
    Dimension of the face.
``vertices`` (array (v, d)), ``rays`` (array (r, d))
    Its vertices and extreme rays.
``bounded`` (bool)
    No rays and no lineality.
``point`` (array (d,))
    A point ``x_F`` in the relative interior (mean of vertices plus mean of rays).
``basis`` (array (dim, d))
    Orthonormal basis (rows) of the linear space parallel to the affine hull of ``F``;
    ``Proj_F(k) = basis.T @ (basis @ k)``.
``radius`` (float)
    ``max |v - x_F|`` over the vertices (``inf`` if unbounded): sets the reduced frequency
    ``|Proj_F(k)| * radius`` that selects series or recursion.

Edge data (``F -> G``)
---------------------
``normal`` (array (d,))
    The outward unit normal :math:`N_F(G)` of the facet ``G`` inside ``F``: it lies in the
    linear space of ``F``, is orthogonal to that of ``G``, and points away from ``F``.

References
----------
R. Diaz, Q.-N. Le and S. Robins, "Fourier transforms of polytopes, solid angle sums, and
discrete volume" (2016). doi:10.48550/arXiv.1602.08593 (the face-poset recursion of the
transform of a polytope).
"""

from __future__ import annotations

import networkx as nx
import numpy as np

from ._errors import InvalidArgumentError, InvalidPolytopeError
from ._tolerances import ROUNDING_ULPS
from .polytope import Box, Polytope, _orthonormal_span

__all__ = ["face_poset", "f_vector"]


def _face_data(P: Polytope, gens: frozenset[int]) -> dict[str, object]:
    m = len(P.vertices)
    vi = sorted(g for g in gens if g < m)
    ri = sorted(g - m for g in gens if g >= m)
    V = P.vertices[vi]
    R = P.rays[ri]
    basis = _direction_basis(V, R, P.lineality, P._direction_rtol)
    point = V.mean(axis=0) + (R.mean(axis=0) if len(R) else 0.0)
    bounded = len(R) == 0 and len(P.lineality) == 0
    radius = float(np.max(np.linalg.norm(V - V.mean(axis=0), axis=1))) if bounded else np.inf
    return {
        "dim": int(basis.shape[0]),
        "vertices": V,
        "rays": R,
        "bounded": bounded,
        "point": point,
        "basis": basis,
        "radius": radius,
    }


def _direction_basis(V: np.ndarray, R: np.ndarray, L: np.ndarray, rtol: float) -> np.ndarray:
    """Orthonormal basis of a face's direction space (its vertices ``V``, rays, lineality).

    Two tests of the rank, the larger taken:

    * the rows ``v_i - v_0``, rays and lineality as they are, singular values relative to
      the largest (``rtol``): a tiny face far from the origin keeps its dimension;
    * the same rows scaled to length 1, each with its direction's error
      ``ROUNDING_ULPS`` ulps of the points' magnitude over its length as the threshold: the
      rank of a set of directions does not depend on their lengths, and a region 1e-8 wide
      and 1e7 long (kinks crossing at 2^-24 rad on R^2, a deep net) spans a plane although
      its short edge is 1e-15 of its long one, which the first test took for zero
      ("inconsistent incidence"). Scale covariant.
    """
    d = V.shape[1] if V.ndim == 2 else R.shape[1]
    raw = np.vstack([V[1:] - V[0], R, L]) if len(V) else np.vstack([np.zeros((0, d)), R, L])
    basis = _orthonormal_span(raw, rtol)
    if len(V) < 2 or basis.shape[0] >= min(d, len(raw)):
        return basis
    D = V[1:] - V[0]
    n = np.linalg.norm(D, axis=1)
    pos = np.max(np.abs(V[1:]), axis=1) + float(np.max(np.abs(V[0])))
    err = ROUNDING_ULPS * float(np.finfo(float).eps) * pos
    keep = n > err
    rows = [D[keep] / n[keep, None]]
    rows += [G / np.linalg.norm(G, axis=1, keepdims=True) for G in (R, L) if len(G)]
    U = np.vstack(rows)
    thr = max(rtol, float(np.max(err[keep] / n[keep], initial=0.0)))
    unit = _orthonormal_span(U, thr)
    return unit if unit.shape[0] > basis.shape[0] else basis


def face_poset(P: Polytope | Box) -> nx.DiGraph:
    """Return the face poset of a polyhedron as a DAG ``face -> facet of it`` (see module docs).

    Works for bounded, unbounded and lower-dimensional polyhedra, and for polyhedra with
    lineality (faces then contain the lineality space). Faces are found from the vertex/ray
    -facet incidence: the facets of a face ``F`` are the maximal proper intersections of ``F``
    with the facets of ``P`` that still contain a vertex. Convex polygons, bounded
    3-polytopes and bounded full-dimensional polytopes in d >= 4 take vectorised fast paths
    (:func:`_polygon_poset`, :func:`_polyhedron3_poset`, :func:`_bounded_poset`) with the
    same nodes, data and edges.

    Examples
    --------
    >>> import spectral_exact as se
    >>> from spectral_exact.face_poset import f_vector
    >>> f_vector(se.face_poset(se.Box([0, 0, 0], [1, 1, 1])))
    (8, 12, 6, 1)
    """
    if isinstance(P, Box):
        P = P.to_polytope()
    if not isinstance(P, Polytope):
        raise InvalidPolytopeError(f"face_poset needs a Polytope or Box, got {type(P).__name__}")
    if _is_simple_polygon(P):
        return _polygon_poset(P)
    if _is_bounded_3d(P):
        G = _polyhedron3_poset(P)
        if G is not None:
            return G
    elif P.ambient_dim >= 4 and _is_bounded_fulldim(P):
        G = _simple_poset(P)
        if G is not None:
            return G
        G = _bounded_poset(P)
        if G is not None:
            return G
    return _general_poset(P)


def _general_poset(P: Polytope) -> nx.DiGraph:
    """Face poset from the generator-facet incidence, any dimension (see :func:`face_poset`)."""
    m = len(P.vertices)
    n_gen = m + len(P.rays)
    inc = np.vstack([P.vertex_incidence, P.ray_incidence])  # (n_gen, n_facets)
    facet_sets = [frozenset(np.flatnonzero(inc[:, j]).tolist()) for j in range(inc.shape[1])]
    top = frozenset(range(n_gen))
    G = nx.DiGraph()
    G.add_node(top, **_face_data(P, top))
    frontier = [top]
    while frontier:
        nxt: list[frozenset[int]] = []
        for F in frontier:
            dimF = G.nodes[F]["dim"]
            if dimF == 0 or dimF == len(P.lineality):
                continue  # minimal faces
            cands = {F & S for S in facet_sets if not F <= S}
            cands = {c for c in cands if any(g < m for g in c)}
            maximal = [c for c in cands if not any(c < o for o in cands)]
            for c in maximal:
                if c not in G:
                    G.add_node(c, **_face_data(P, c))
                    nxt.append(c)
                if G.nodes[c]["dim"] != dimF - 1:
                    raise InvalidPolytopeError(
                        f"inconsistent incidence: a facet of a {dimF}-face has dimension "
                        f"{G.nodes[c]['dim']} (tolerances too loose or tight?)"
                    )
                G.add_edge(F, c, normal=_outward_normal(G.nodes[F], G.nodes[c]))
        frontier = nxt
    return G


def _is_simple_polygon(P: Polytope) -> bool:
    """Test for a bounded full-dimensional polygon in R^2 whose facets each hold two vertices."""
    return P._simple_polygon


def _readonly(a: np.ndarray) -> np.ndarray:
    a.setflags(write=False)
    return a


_EMPTY2 = _readonly(np.zeros((0, 2)))
_EYE2 = _readonly(np.eye(2))
_VERTEX_KEYS: list[frozenset[int]] = []


def _vertex_keys(m: int) -> list[frozenset[int]]:
    """Return the keys ``frozenset((i,))`` of vertices ``0..m-1`` (shared, built once)."""
    while len(_VERTEX_KEYS) < m:
        _VERTEX_KEYS.append(frozenset((len(_VERTEX_KEYS),)))
    return _VERTEX_KEYS


def _top_node(
    V: np.ndarray, centre: np.ndarray, radius: float, empty: np.ndarray, eye: np.ndarray
) -> tuple[frozenset[int], dict[str, object]]:
    """Key and data of the top face of a bounded full-dimensional polytope with vertices V."""
    return frozenset(range(len(V))), {
        "dim": V.shape[1],
        "vertices": V,
        "rays": empty,
        "bounded": True,
        "point": centre,
        "basis": eye,
        "radius": radius,
    }


def _graph(nodes: list, edges: list) -> nx.DiGraph:
    """Build a DiGraph from ``(key, data)`` nodes and ``(u, v, data)`` edges (public networkx)."""
    G = nx.DiGraph()
    G.add_nodes_from(nodes)
    G.add_edges_from(edges)
    return G


def _polygon_data(P: Polytope):
    """Edge ends, midpoints, half lengths, directions, vertex mean and radius of a polygon."""
    V = P.vertices
    ends = np.nonzero(P.vertex_incidence.T)[1].reshape(-1, 2)  # (n_edges, 2) vertex indices
    a, b = V[ends[:, 0]], V[ends[:, 1]]
    half = np.linalg.norm(b - a, axis=1) / 2
    centre = V.mean(axis=0)
    radius = float(np.max(np.linalg.norm(V - centre, axis=1)))
    return ends, (a + b) / 2, half, (b - a) / (2 * half[:, None]), centre, radius


def _polygon_poset(P: Polytope) -> nx.DiGraph:
    """Face poset of a convex polygon straight from its vertex-edge incidence (fast path).

    Same nodes and data as the general construction: the edge normals inside the polygon are
    its unit facet normals ``A[j]`` (outward since ``A x <= b``); the normal of a vertex inside
    an edge is the unit edge direction pointing from the edge midpoint to that vertex. The
    graph is built with ``add_nodes_from`` / ``add_edges_from``; empty arrays and the 2-D
    identity basis are shared, read-only.
    """
    V = P.vertices
    ends, mid, half, direction, centre, radius = _polygon_data(P)
    keys = _vertex_keys(len(V))
    top, top_data = _top_node(V, centre, radius, _EMPTY2, _EYE2)
    nodes: list[tuple[frozenset[int], dict[str, object]]] = [(top, top_data)]
    for i, (vi, pt) in enumerate(zip(V[:, None, :], V, strict=True)):
        nodes.append(
            (
                keys[i],
                {
                    "dim": 0,
                    "vertices": vi,
                    "rays": _EMPTY2,
                    "bounded": True,
                    "point": pt,
                    "basis": _EMPTY2,
                    "radius": 0.0,
                },
            )
        )
    edges: list[tuple[frozenset[int], frozenset[int], dict[str, object]]] = []
    rows = zip(
        ends.tolist(),
        V[ends],
        mid,
        direction[:, None, :],
        half.tolist(),
        P.A,
        -direction,
        direction,
        strict=True,
    )
    for (ia, ib), vab, mp, basis, hl, normal, nd, pd in rows:
        e = frozenset((ia, ib))
        nodes.append(
            (
                e,
                {
                    "dim": 1,
                    "vertices": vab,
                    "rays": _EMPTY2,
                    "bounded": True,
                    "point": mp,
                    "basis": basis,
                    "radius": hl,
                },
            )
        )
        edges.append((top, e, {"normal": normal}))
        edges.append((e, keys[ia], {"normal": nd}))
        edges.append((e, keys[ib], {"normal": pd}))
    return _graph(nodes, edges)


_EMPTY3 = _readonly(np.zeros((0, 3)))
_sum = np.add.reduce
_EYE3 = _readonly(np.eye(3))


def _is_bounded_3d(P: Polytope) -> bool:
    """Test for a bounded full-dimensional polyhedron in R^3 (for :func:`_polyhedron3_poset`)."""
    return (
        P.vertices.shape[1] == 3
        and len(P.vertices) >= 4
        and len(P.rays) == 0
        and len(P.lineality) == 0
        and len(P.A_eq) == 0
    )


def _polyhedron3_poset(P: Polytope) -> nx.DiGraph | None:
    """Face poset of a bounded 3-polytope straight from its vertex-facet incidence (fast path).

    In a 3-polytope two distinct facets meet in the empty set, a vertex or an edge, and every
    edge lies in exactly two facets; so the edges are the facet pairs sharing exactly two
    vertices, whatever the vertex degrees (non-simple vertices included). Returns ``None``
    (caller falls back to :func:`_general_poset`) when the incidence is not that of a
    3-polytope: a facet with fewer than 3 vertices, two facets sharing 3 or more, a vertex on
    fewer than 3 facets, or an edge found twice.

    Same nodes and data as the general construction, computed for all faces of a level at
    once: a facet ``j`` has the normal ``A[j]`` (outward since ``A x <= b``) and the plane
    basis orthogonal to it; an edge has its unit direction as basis; the normal of an edge
    inside a facet is the part of ``(edge midpoint - facet point)`` orthogonal to the edge in
    the facet plane, normalised; that of a vertex inside an edge is the unit edge direction
    pointing from the midpoint to the vertex. The graph is built with public networkx calls.
    """
    V = P.vertices
    m = len(V)
    inc = P.vertex_incidence
    n = inc.shape[1]
    Fi = inc.astype(np.float64)
    C = Fi.T @ Fi  # (n, n) numbers of shared vertices (exact small integers)
    cnt = C.diagonal()
    # every facet has >= 3 vertices, two facets share <= 2, every vertex is on >= 3 facets
    if n < 4 or cnt.min() < 3 or np.count_nonzero(C > 2) != n or _sum(Fi, 1).min() < 3:
        return None
    jj, kk = np.nonzero(C == 2)
    upper = jj < kk
    jj, kk = jj[upper], kk[upper]
    n_e = len(jj)
    if n_e != m + n - 2:  # Euler: V - E + F = 2
        return None
    ev = np.nonzero((inc[:, jj] & inc[:, kk]).T)[1].reshape(n_e, 2)  # (E, 2), ascending

    # facets: vertex lists, points, radii; plane bases from a Householder reflection of A[j]
    fj, fv = np.nonzero(inc.T)  # facet-major, vertices ascending
    bounds = np.zeros(n + 1, dtype=np.int64)
    bounds[1:] = np.cumsum(cnt)  # exact small integers
    starts = bounds[:-1]
    Vf = V[fv]
    centre_f = np.add.reduceat(Vf, starts, axis=0) / cnt[:, None]
    off = Vf - centre_f[fj]
    radius_f = np.sqrt(np.maximum.reduceat(_sum(off * off, 1), starts)).tolist()
    A = P.A
    h = A.copy()
    h[:, 0] += np.where(A[:, 0] >= 0, 1.0, -1.0)
    # rows 1, 2 of I - 2 h h^T / |h|^2 are orthonormal and orthogonal to A[j]
    basis_f = _EYE3[1:] - (2 / _sum(h * h, 1))[:, None, None] * (h[:, 1:, None] * h[:, None, :])

    # edges: ends, midpoints, half lengths, directions; normals inside their two facets
    Ve = V[ev]  # (E, 2, 3)
    a = Ve[:, 0]
    ab = Ve[:, 1] - a
    mid = a + ab / 2
    half = np.sqrt(_sum(ab * ab, 1)) / 2
    direction = ab / (2 * half)[:, None]
    par = np.array((jj, kk))  # (2, E)
    x = mid - centre_f[par]  # (2, E, 3)
    nf = A[par]
    x -= _sum(x * nf, 2)[:, :, None] * nf
    x -= _sum(x * direction, 2)[:, :, None] * direction
    x /= np.sqrt(_sum(x * x, 2))[:, :, None]
    centre = _sum(V, 0) / m
    offv = V - centre
    radius = float(np.sqrt(_sum(offv * offv, 1).max()))

    vkeys = _vertex_keys(m)
    top, top_data = _top_node(V, centre, radius, _EMPTY3, _EYE3)
    nodes: list[tuple[frozenset[int], dict[str, object]]] = [(top, top_data)]
    edges: list[tuple[frozenset[int], frozenset[int], dict[str, object]]] = []
    fv_l = fv.tolist()
    bounds_l = bounds.tolist()
    fkeys = []
    for j in range(n):
        s0, s1 = bounds_l[j], bounds_l[j + 1]
        k = frozenset(fv_l[s0:s1])
        fkeys.append(k)
        nodes.append(
            (
                k,
                {
                    "dim": 2,
                    "vertices": Vf[s0:s1],
                    "rays": _EMPTY3,
                    "bounded": True,
                    "point": centre_f[j],
                    "basis": basis_f[j],
                    "radius": radius_f[j],
                },
            )
        )
        edges.append((top, k, {"normal": A[j]}))
    for i in range(m):
        nodes.append(
            (
                vkeys[i],
                {
                    "dim": 0,
                    "vertices": V[i : i + 1],
                    "rays": _EMPTY3,
                    "bounded": True,
                    "point": V[i],
                    "basis": _EMPTY3,
                    "radius": 0.0,
                },
            )
        )
    rows = zip(
        ev.tolist(),
        jj.tolist(),
        kk.tolist(),
        Ve,
        mid,
        direction[:, None, :],
        half.tolist(),
        x[0],
        x[1],
        -direction,
        direction,
        strict=True,
    )
    ekeys = set()
    for (ia, ib), j, k, vab, mp, basis, hl, n1, n2, nd, pd in rows:
        key = frozenset((ia, ib))
        ekeys.add(key)
        nodes.append(
            (
                key,
                {
                    "dim": 1,
                    "vertices": vab,
                    "rays": _EMPTY3,
                    "bounded": True,
                    "point": mp,
                    "basis": basis,
                    "radius": hl,
                },
            )
        )
        edges.append((fkeys[j], key, {"normal": n1}))
        edges.append((fkeys[k], key, {"normal": n2}))
        edges.append((key, vkeys[ia], {"normal": nd}))
        edges.append((key, vkeys[ib], {"normal": pd}))
    if len(ekeys) != n_e:  # an edge found twice: not a 3-polytope incidence
        return None
    return _graph(nodes, edges)


def _is_bounded_fulldim(P: Polytope) -> bool:
    """Bounded and full dimensional (candidate for :func:`_bounded_poset`)."""
    d = P.vertices.shape[1]
    return (
        len(P.vertices) > d
        and len(P.rays) == 0
        and len(P.lineality) == 0
        and len(P.A_eq) == 0
        and P.vertex_incidence.shape[1] > d
    )


def _facets_of_level(
    cur: np.ndarray, facets: np.ndarray, void: np.dtype, nbytes: int, m: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Faces one dimension down from the faces ``cur`` (vertex-membership rows).

    The facets of a face ``F`` are the maximal proper non-empty intersections ``F & S_j`` with
    the facets ``S_j`` of the polytope. Returns the distinct new faces and the ``(parent,
    child)`` index pairs.
    """
    inter = cur[:, None, :] & facets[None, :, :]  # (nF, n, m)
    fi = inter.astype(np.float32)
    common = fi @ fi.transpose(0, 2, 1)  # (nF, n, n) sizes of pairwise intersections
    size = np.einsum("fjj->fj", common)
    valid = (size > 0) & (size < cur.sum(1)[:, None])
    # a strictly inside b: |a & b| = |a| < |b| (exact small integers in float32)
    strict = (common == size[:, :, None]) & (size[:, :, None] < size[:, None, :])
    strict &= valid[:, None, :]
    f_idx, j_idx = np.nonzero(valid & ~np.any(strict, axis=2))
    packed = np.ascontiguousarray(np.packbits(inter[f_idx, j_idx], axis=1)).view(void)[:, 0]
    uniq, inv = np.unique(packed, return_inverse=True)
    members = np.unpackbits(uniq.view(np.uint8).reshape(len(uniq), nbytes), axis=1, count=m)
    pair = np.unique(f_idx * len(uniq) + inv.reshape(-1))
    return members.view(bool), pair // len(uniq), pair % len(uniq)


def _bounded_poset(P: Polytope) -> nx.DiGraph | None:
    """Face poset of a bounded full-dimensional polytope, level by level in array steps.

    The facets of ``P`` are the columns of its incidence whose vertex sets are maximal (a
    row tight only at a lower-dimensional face is dropped); the facets of a ``k``-face ``F``
    (``0 < k < d - 1``) are the maximal proper non-empty intersections of ``F`` with the
    facets of ``P`` (as in :func:`_general_poset`), found for all faces of a level at once on
    vertex-membership rows and deduplicated with ``np.unique``; an edge's facets are its two
    vertices. Node data are computed per level in batches: points (vertex means), radii, the
    bases of faces of dimension >= 2 from one batched SVD per level of the zero-padded vertex
    differences (zero rows change neither the leading singular vectors nor the numerical
    rank), an edge's unit direction, the identity for ``P`` itself; edge normals by the
    formula of :func:`_outward_normal` for all edges at once, with bases zero-padded to ``d``
    rows. Returns ``None`` (caller falls back to :func:`_general_poset`) when a face found this
    way does not have the expected dimension.
    """
    V = P.vertices
    m, d = V.shape
    facets = P.vertex_incidence.T  # (n, m)
    # rows whose vertex set lies in another row's (a lower face, or a repeated facet) are no
    # facets: drop them
    fi = facets.astype(np.float32)
    common = fi @ fi.T
    size = np.diagonal(common)
    inside = common == size[:, None]
    first_copy = np.tril(inside & (size[:, None] == size[None, :]), -1).any(1)
    facets = facets[~((inside & (size[:, None] < size[None, :])).any(1) | first_copy)]
    nbytes = -(-m // 8)
    void = np.dtype((np.void, nbytes))
    levels = [np.ones((1, m), bool), facets]
    links = [(np.zeros(len(facets), np.int64), np.arange(len(facets)))]
    for _ in range(d - 2):
        members, a, b = _facets_of_level(levels[-1], facets, void, nbytes, m)
        levels.append(members)
        links.append((a, b))
    edges_m = levels[-1]
    if np.any(edges_m.sum(1) != 2):
        return None
    e_idx, v_idx = np.nonzero(edges_m)
    levels.append(np.eye(m, dtype=bool))
    links.append((e_idx, v_idx))
    # per-face data, level by level
    dims = np.concatenate([np.full(len(L), d - i) for i, L in enumerate(levels)])
    mem = np.concatenate(levels)
    first = np.cumsum([0] + [len(L) for L in levels])
    nF = len(mem)
    cnt = mem.sum(1)
    rows, cols = np.nonzero(mem)
    starts = np.cumsum(cnt) - cnt
    point = np.add.reduceat(V[cols], starts, axis=0) / cnt[:, None]
    dist = np.linalg.norm(V[cols] - point[rows], axis=1)
    radius = np.maximum.reduceat(dist, starts)
    Bp = np.zeros((nF, d, d))
    Bp[0] = np.eye(d)
    for lev in range(1, d - 1):  # faces of dimension d - lev >= 2
        k = d - lev
        sl = slice(first[lev], first[lev + 1])
        c = cnt[sl]
        cmax = int(c.max())
        slot = np.arange(int(c.sum())) - np.repeat(np.cumsum(c) - c, c)
        Vp = np.zeros((len(c), cmax, d))
        r0 = int(starts[first[lev]])
        Vp[rows[r0 : r0 + len(slot)] - first[lev], slot] = V[cols[r0 : r0 + len(slot)]]
        D = Vp[:, 1:] - Vp[:, :1]
        D[np.arange(1, cmax)[None, :] >= c[:, None]] = 0.0
        _, s, vt = np.linalg.svd(D, full_matrices=False)
        if vt.shape[1] < k or np.any(np.sum(s > P.tol.rank * s[:, :1], axis=1) != k):
            return None
        Bp[sl, :k] = vt[:, :k]
    sl = slice(first[d - 1], first[d])  # edges: unit directions
    ends = cols[starts[sl]]
    direction = V[cols[starts[sl] + 1]] - V[ends]
    length = np.linalg.norm(direction, axis=1)
    if np.any(length == 0):
        return None
    Bp[sl, 0] = direction / length[:, None]
    # outward normals of every face inside each of its parents
    pf = np.concatenate([first[i] + a for i, (a, _) in enumerate(links)])
    pg = np.concatenate([first[i + 1] + b for i, (_, b) in enumerate(links)])
    v = point[pg] - point[pf]
    BF, BG = Bp[pf], Bp[pg]
    v = np.einsum("eid,ei->ed", BF, np.einsum("eid,ed->ei", BF, v))
    v = v - np.einsum("eid,ei->ed", BG, np.einsum("eid,ed->ei", BG, v))
    norm = np.sqrt(np.einsum("ed,ed->e", v, v))
    if np.any(norm == 0):
        return None
    normals = v / norm[:, None]
    return _bounded_graph(d, V[cols], cols, dims, starts, cnt, point, radius, Bp, pf, pg, normals)


def _bounded_graph(
    d: int,
    Vc: np.ndarray,
    cols: np.ndarray,
    dims: np.ndarray,
    starts: np.ndarray,
    cnt: np.ndarray,
    point: np.ndarray,
    radius: np.ndarray,
    Bp: np.ndarray,
    parent: np.ndarray,
    child: np.ndarray,
    normals: np.ndarray,
) -> nx.DiGraph:
    """Build the networkx view of a bounded polytope's faces given as flat arrays.

    Face ``i`` has dimension ``dims[i]`` and the vertices ``cols[starts[i]:starts[i] +
    cnt[i]]`` (coordinates ``Vc`` in the same rows), ``point``, ``radius`` and the first
    ``dims[i]`` rows of ``Bp[i]`` as basis; ``(parent, child, normals)`` are the edges.
    """
    empty = np.zeros((0, d))
    colsl = cols.tolist()
    keys: list[frozenset[int]] = []
    nodes: list[tuple[frozenset[int], dict[str, object]]] = []
    it = zip(dims.tolist(), starts.tolist(), cnt.tolist(), point, radius.tolist(), Bp, strict=True)
    for k, s0, c, pt, rad, B in it:
        key = frozenset(colsl[s0 : s0 + c])
        keys.append(key)
        nodes.append(
            (
                key,
                {
                    "dim": k,
                    "vertices": Vc[s0 : s0 + c],
                    "rays": empty,
                    "bounded": True,
                    "point": pt,
                    "basis": B[:k] if k else empty,
                    "radius": rad,
                },
            )
        )
    edges = [
        (keys[a], keys[b], {"normal": nrm})
        for a, b, nrm in zip(parent.tolist(), child.tolist(), normals, strict=True)
    ]
    return _graph(nodes, edges)


#: largest number of facets times dimension for which :func:`_simple_poset` packs a face's
#: facet set into one int64 key (``(n + 1)**d < 2**63``)
_SIMPLE_KEY_BITS = 62


def _simple_poset(P: Polytope) -> nx.DiGraph | None:
    """Face poset of a bounded simple full-dimensional polytope (``d >= 4``), from its facets.

    In a simple polytope every vertex lies on exactly ``d`` facets, whose normals are linearly
    independent, and every subset ``S`` of them is a face of dimension ``d - |S|`` through the
    vertex: ``F_S = {x in P : A_S x = b_S}``, with vertex set ``{w : S subset T_w}`` (``T_w``
    the facets at ``w``). So the faces are the distinct facet subsets of the vertices' facet
    sets (``2^d`` per vertex, keyed by one integer and deduplicated with ``np.unique``), the
    facets of ``F_S`` are the ``F_{S + f}``, the direction space of ``F_S`` is the null space
    of ``A_S`` (an orthonormal basis from one batched SVD per level), and the outward normal
    of ``F_{S + f}`` inside ``F_S`` is ``a_f`` projected on that space, normalised (``a_f`` is
    outward for ``P``). The regions of a ReLU network in general position are simple; their
    facet rows are exact, so this is also more accurate on tiny faces than fitting the hull
    to the vertices. Same nodes, data and edges as :func:`_general_poset` (to rounding;
    bases may differ by a rotation of the same space). Returns ``None`` (caller falls back)
    when ``P`` is not simple, two vertices share their facet set, or an edge does not have
    exactly two vertices.
    """
    V = P.vertices
    m, d = V.shape
    inc = P.vertex_incidence
    n = inc.shape[1]
    if d < 2 or d * np.log2(n + 1) > _SIMPLE_KEY_BITS or not np.all(_sum(inc, 1) == d):
        return None
    T = np.nonzero(inc)[1].reshape(m, d)  # facets at each vertex, ascending
    masks = np.arange(2**d)
    bits = (masks[:, None] >> np.arange(d)[None, :]) & 1  # (2^d, d)
    rank = np.cumsum(bits, axis=1) - bits  # position of each chosen facet inside S
    base = np.int64(n + 1)
    digits = base ** rank.astype(np.int64) * bits  # (2^d, d)
    keys = (T + 1) @ digits.T  # (m, 2^d): key of S = the facets chosen by each mask
    uniq, inv = np.unique(keys.reshape(-1), return_inverse=True)
    inv = inv.reshape(m, 2**d)
    size = bits.sum(1)
    nF = len(uniq)
    fdim = np.empty(nF, np.int64)
    fdim[inv] = d - size[None, :]
    # vertex membership: (face, vertex) pairs sorted by face, then vertex
    order = np.argsort(inv.T.reshape(-1) * m + np.arange(m)[None, :].repeat(2**d, 0).reshape(-1))
    face_of = inv.T.reshape(-1)[order]
    vert_of = np.tile(np.arange(m), 2**d)[order]
    cnt = np.bincount(face_of, minlength=nF)
    if np.any(cnt[fdim == 0] != 1) or np.any(cnt[fdim == 1] != 2):
        return None
    starts = np.cumsum(cnt) - cnt
    Vc = V[vert_of]
    point = np.add.reduceat(Vc, starts, axis=0) / cnt[:, None]
    off = Vc - point[face_of]
    radius = np.sqrt(np.maximum.reduceat(_sum(off * off, 1), starts))
    radius[fdim == 0] = 0.0
    # the facet set of each face (from one vertex and mask), its basis: null space of A_S
    rep_v, rep_mask = np.empty(nF, np.int64), np.empty(nF, np.int64)
    rep_v[inv] = np.arange(m)[:, None]
    rep_mask[inv] = masks[None, :]
    A = P.A
    Bp = np.zeros((nF, d, d))
    fsize = size[rep_mask]
    Bp[fsize == 0] = np.eye(d)
    for s in range(1, d):  # vertices (s = d) have an empty basis
        sel = np.flatnonzero(fsize == s)
        Ssel = T[rep_v[sel]][bits[rep_mask[sel]].astype(bool)].reshape(len(sel), s)
        if s == 1:  # facets: the Householder complement of the unit normal
            from .complex import _complement

            Bp[sel, : d - 1] = _complement(A[Ssel[:, 0]])
            continue
        if s == d - 1:  # edges: the unit direction between the two vertices
            ends = vert_of[starts[sel, None] + np.arange(2)]
            u = V[ends[:, 1]] - V[ends[:, 0]]
            Bp[sel, 0] = u / np.sqrt(_sum(u * u, 1))[:, None]
            continue
        _, sv, vt = np.linalg.svd(A[Ssel], full_matrices=True)  # (n, s, d) -> vt (n, d, d)
        if np.any(sv[:, -1] <= P.tol.rank * sv[:, 0]):
            return None  # dependent facet normals at a vertex: not simple
        Bp[sel, : d - s] = vt[:, s:]
    # links F_S -> F_{S + f}, and the normal: a_f projected on the space of F_S
    pm = np.repeat(masks, d)
    pp = np.tile(np.arange(d), 2**d)
    free = bits[pm, pp] == 0
    pm, pp = pm[free], pp[free]
    par = inv[:, pm].reshape(-1)
    chi = inv[:, pm | (1 << pp)].reshape(-1)
    fcol = T[:, pp].reshape(-1)
    link, first = np.unique(par * nF + chi, return_index=True)
    par, chi, fcol = link // nF, link % nF, fcol[first]
    BF = Bp[par]
    a = A[fcol]
    v = np.einsum("eid,ei->ed", BF, np.einsum("eid,ed->ei", BF, a))
    nrm = np.sqrt(_sum(v * v, 1))
    if np.any(nrm == 0):  # pragma: no cover - a facet normal inside the face's hyperplanes
        return None
    normals = v / nrm[:, None]
    return _bounded_graph(d, Vc, vert_of, fdim, starts, cnt, point, radius, Bp, par, chi, normals)


def _outward_normal(F: dict[str, object], Gd: dict[str, object]) -> np.ndarray:
    BF = np.asarray(F["basis"])
    BG = np.asarray(Gd["basis"])
    v = np.asarray(Gd["point"]) - np.asarray(F["point"])
    v = BF.T @ (BF @ v)
    v = v - BG.T @ (BG @ v) if len(BG) else v
    # make it exactly orthogonal to G inside F
    n = np.linalg.norm(v)
    if n == 0:  # pragma: no cover - x_F is in the relative interior, x_G on the boundary
        raise InvalidPolytopeError("degenerate face: cannot orient a facet normal")
    return np.asarray(v / n)


def f_vector(G: nx.DiGraph) -> tuple[int, ...]:
    """Return the number of faces of each dimension ``0..dim``, from a face poset."""
    if not isinstance(G, nx.DiGraph):
        raise InvalidArgumentError(
            f"G must be a face poset (networkx.DiGraph), got {type(G).__name__}"
        )
    dims = [d for _, d in G.nodes(data="dim")]
    lo = min(dims)
    return tuple(sum(1 for x in dims if x == k) for k in range(lo, max(dims) + 1))
