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
"""

from __future__ import annotations

import networkx as nx
import numpy as np

from ._errors import InvalidPolytopeError
from .polytope import Box, Polytope, _orthonormal_span

__all__ = ["face_poset", "f_vector"]


def _face_data(P: Polytope, gens: frozenset[int]) -> dict[str, object]:
    m = len(P.vertices)
    vi = sorted(g for g in gens if g < m)
    ri = sorted(g - m for g in gens if g >= m)
    V = P.vertices[vi]
    R = P.rays[ri]
    basis = _orthonormal_span(np.vstack([V[1:] - V[0], R, P.lineality]), P.tol.rank)
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


def face_poset(P: Polytope | Box) -> nx.DiGraph:
    """The face poset of a polyhedron as a DAG ``face -> facet of it`` (see module docs).

    Works for bounded, unbounded and lower-dimensional polyhedra, and for polyhedra with
    lineality (faces then contain the lineality space). Faces are found from the vertex/ray
    -facet incidence: the facets of a face ``F`` are the maximal proper intersections of ``F``
    with the facets of ``P`` that still contain a vertex.

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
    """A bounded full-dimensional polygon in R^2 whose facets each hold exactly two vertices."""
    return P._simple_polygon


def _readonly(a: np.ndarray) -> np.ndarray:
    a.setflags(write=False)
    return a


_EMPTY2 = _readonly(np.zeros((0, 2)))
_EYE2 = _readonly(np.eye(2))
_VERTEX_KEYS: list[frozenset[int]] = []


def _polygon_data(P: Polytope):  # type: ignore[no-untyped-def]
    """Edge ends, midpoints, half lengths, directions, vertex mean and radius of a polygon."""
    cached = P.__dict__.get("_polygon_data")
    if cached is not None:
        return cached
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
    graph's dictionaries are filled directly (same insertion order as ``add_node`` /
    ``add_edge`` would give); empty arrays and the 2-D identity basis are shared, read-only.
    """
    V = P.vertices
    m = len(V)
    ends, mid, half, direction, centre, radius = _polygon_data(P)
    while len(_VERTEX_KEYS) < m:
        _VERTEX_KEYS.append(frozenset((len(_VERTEX_KEYS),)))
    keys = _VERTEX_KEYS
    G = nx.DiGraph()
    node, succ, pred = G._node, G._succ, G._pred
    top = frozenset(range(m))
    node[top] = {
        "dim": 2,
        "vertices": V,
        "rays": _EMPTY2,
        "bounded": True,
        "point": centre,
        "basis": _EYE2,
        "radius": radius,
    }
    top_succ: dict[frozenset[int], dict[str, object]] = {}
    succ[top] = top_succ
    pred[top] = {}
    for i, (vi, pt) in enumerate(zip(V[:, None, :], V, strict=True)):
        k = keys[i]
        node[k] = {
            "dim": 0,
            "vertices": vi,
            "rays": _EMPTY2,
            "bounded": True,
            "point": pt,
            "basis": _EMPTY2,
            "radius": 0.0,
        }
        succ[k] = {}
        pred[k] = {}
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
        node[e] = {
            "dim": 1,
            "vertices": vab,
            "rays": _EMPTY2,
            "bounded": True,
            "point": mp,
            "basis": basis,
            "radius": hl,
        }
        dt = {"normal": normal}
        da = {"normal": nd}
        db = {"normal": pd}
        top_succ[e] = dt
        succ[e] = {keys[ia]: da, keys[ib]: db}
        pred[e] = {top: dt}
        pred[keys[ia]][e] = da
        pred[keys[ib]][e] = db
    return G


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
    """Number of faces of each dimension ``0..dim``, from a face poset."""
    dims = [d for _, d in G.nodes(data="dim")]
    lo = min(dims)
    return tuple(sum(1 for x in dims if x == k) for k in range(lo, max(dims) + 1))
