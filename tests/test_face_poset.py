"""Face posets: exact f-vectors, Euler relation, DAG structure, documented node/edge data."""

from __future__ import annotations

import math

import networkx as nx
import numpy as np
import pytest

import spectral_exact as se
from spectral_exact.face_poset import f_vector

ATOL = 1e-12


def check_poset(G: nx.DiGraph, P: se.Polytope) -> None:
    """Assert every documented invariant of a face poset of ``P``."""
    assert nx.is_directed_acyclic_graph(G)
    tops = [n for n in G if G.in_degree(n) == 0]
    assert len(tops) == 1 and G.nodes[tops[0]]["dim"] == P.dim
    d = P.ambient_dim
    for n, data in G.nodes(data=True):
        B = data["basis"]
        assert B.shape == (data["dim"], d)
        np.testing.assert_allclose(B @ B.T, np.eye(data["dim"]), atol=ATOL)
        V, R = data["vertices"], data["rays"]
        assert data["bounded"] == (len(R) == 0 and len(P.lineality) == 0)
        # vertices of the face are vertices of P, lying in the affine hull point + span(B)
        assert len(V) >= 1
        off = V - data["point"]
        np.testing.assert_allclose(off - off @ B.T @ B, 0.0, atol=1e-9)
        if data["bounded"]:
            np.testing.assert_allclose(
                data["radius"], np.max(np.linalg.norm(V - V.mean(0), axis=1)), rtol=1e-12
            )
        else:
            assert data["radius"] == math.inf
        # a facet-free face is minimal: a vertex (pointed) or a translate of the lineality
        if G.out_degree(n) == 0:
            assert data["dim"] == len(P.lineality)
    for F, Gf, edata in G.edges(data=True):
        dF, dG = G.nodes[F], G.nodes[Gf]
        assert dG["dim"] == dF["dim"] - 1
        assert Gf < F  # a facet's generators are a subset of the face's
        n = edata["normal"]
        assert math.isclose(float(np.linalg.norm(n)), 1.0, rel_tol=1e-12)
        BF, BG = dF["basis"], dG["basis"]
        np.testing.assert_allclose(n - BF.T @ (BF @ n), 0.0, atol=1e-9)  # in span(F)
        np.testing.assert_allclose(BG @ n, 0.0, atol=1e-9)  # orthogonal to G
        # outward: the face lies on the side n . (x - x_G) <= 0, strictly for some vertex/ray
        s = (dF["vertices"] - dG["point"]) @ n
        sr = dF["rays"] @ n if len(dF["rays"]) else np.zeros(0)
        scale = 1.0 + float(np.max(np.abs(dF["vertices"])))
        assert np.all(s <= 1e-9 * scale) and np.all(sr <= 1e-9)
        assert np.min(np.concatenate([s, sr])) < -1e-9


def euler_characteristic(G: nx.DiGraph) -> int:
    return sum((-1) ** d for _, d in G.nodes(data="dim"))


def test_cube_f_vector(cube: se.Box) -> None:
    G = se.face_poset(cube)
    assert f_vector(G) == (8, 12, 6, 1)
    check_poset(G, cube.to_polytope())
    assert euler_characteristic(G) == 1
    # every vertex of the cube lies in three edges, every square has four edges
    for n, dim in G.nodes(data="dim"):
        if dim == 0:
            assert G.in_degree(n) == 3
        if dim == 2:
            assert G.out_degree(n) == 4


def test_square_and_simplex(unit_square: se.Box, unit_simplex: se.Polytope) -> None:
    G = se.face_poset(unit_square)
    assert f_vector(G) == (4, 4, 1)
    check_poset(G, unit_square.to_polytope())
    G = se.face_poset(unit_simplex)
    assert f_vector(G) == (3, 3, 1)
    check_poset(G, unit_simplex)
    top = next(n for n in G if G.in_degree(n) == 0)
    np.testing.assert_allclose(G.nodes[top]["point"], [1 / 3, 1 / 3], atol=1e-15)
    normals = {tuple(np.round(G.edges[top, g]["normal"], 12) + 0.0) for g in G.successors(top)}
    h = 1 / np.sqrt(2)
    assert normals == {(-1.0, 0.0), (0.0, -1.0), (round(h, 12), round(h, 12))}


def test_simplex_3d_f_vector() -> None:
    P = se.Polytope.from_vertices(np.vstack([np.zeros(3), np.eye(3)]))
    G = se.face_poset(P)
    assert f_vector(G) == (4, 6, 4, 1)
    check_poset(G, P)


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("d", [2, 3, 4])
def test_random_polytope_euler_relation(d: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    P = se.Polytope.from_vertices(rng.normal(size=(12, d)))
    G = se.face_poset(P)
    check_poset(G, P)
    fv = f_vector(G)
    assert len(fv) == d + 1 and fv[-1] == 1
    assert fv[0] == len(P.vertices) and fv[-2] == P.n_facets
    assert euler_characteristic(G) == 1


def test_lower_dimensional_face_poset() -> None:
    T = se.Polytope.from_vertices([[0, 0, 1], [1, 0, 1], [0, 1, 1]])
    G = se.face_poset(T)
    assert f_vector(G) == (3, 3, 1)
    check_poset(G, T)


def test_unbounded_quadrant_poset() -> None:
    Q = se.Polytope.from_halfspaces([[-1, 0], [0, -1]], [0, 0])
    G = se.face_poset(Q)
    # the apex, two rays-edges, the quadrant itself
    assert f_vector(G) == (1, 2, 1)
    check_poset(G, Q)
    assert sum(1 for _, b in G.nodes(data="bounded") if b) == 1  # only the apex


def test_strip_poset_with_lineality() -> None:
    S = se.Polytope.from_halfspaces([[1, 0], [-1, 0]], [1, 1])
    G = se.face_poset(S)
    assert f_vector(G) == (2, 1)  # two boundary lines (dim 1), the strip (dim 2)
    assert sorted(d for _, d in G.nodes(data="dim")) == [1, 1, 2]
    check_poset(G, S)


def test_face_poset_rejects_non_polytope() -> None:
    with pytest.raises(se.InvalidPolytopeError, match=r"needs a Polytope or Box, got list"):
        se.face_poset([[0, 0], [1, 0], [0, 1]])  # type: ignore[arg-type]


def _same_poset(G1: nx.DiGraph, G2: nx.DiGraph) -> None:
    assert set(G1.nodes) == set(G2.nodes) and set(G1.edges) == set(G2.edges)
    for n in G1:
        a, b = G1.nodes[n], G2.nodes[n]
        assert a["dim"] == b["dim"] and a["bounded"] == b["bounded"]
        np.testing.assert_allclose(a["point"], b["point"], atol=1e-14)
        assert math.isclose(a["radius"], b["radius"], rel_tol=1e-12, abs_tol=1e-15)
        np.testing.assert_array_equal(np.sort(a["vertices"], 0), np.sort(b["vertices"], 0))
        # the bases may differ; the projections they define may not
        np.testing.assert_allclose(a["basis"].T @ a["basis"], b["basis"].T @ b["basis"], atol=1e-12)
    for e in G1.edges:
        np.testing.assert_allclose(G1.edges[e]["normal"], G2.edges[e]["normal"], atol=1e-12)


@pytest.mark.parametrize("seed", range(5))
def test_polygon_fast_path_matches_general_construction(seed: int) -> None:
    from spectral_exact.face_poset import _general_poset, _polygon_poset

    rng = np.random.default_rng(seed)
    P = se.Polytope.from_vertices(rng.normal(size=(9, 2)))
    _same_poset(_polygon_poset(P), _general_poset(P))
    net = se.ReLUNetwork.random((2, 8, 8, 1), seed=seed)
    for r in se.linear_regions(net, se.Box([-1, -1], [1, 1])):
        _same_poset(_polygon_poset(r.polytope), _general_poset(r.polytope))


def _same_poset_3d(G1: nx.DiGraph, G2: nx.DiGraph) -> None:
    """:func:`_same_poset` with a tolerance for planes fitted to the vertices of tiny faces.

    The general construction fits each face's affine hull to its vertices (SVD), whose rounding
    errors (about ``eps * |x|``) tilt the hull of a face of radius ``r`` by about ``eps / r``;
    the 3-D fast path uses the exact facet rows ``A[j]``. Faces of radius >= 1e-3 must agree to
    1e-12, smaller ones to ``1e-15 / r``.
    """
    assert set(G1.nodes) == set(G2.nodes) and set(G1.edges) == set(G2.edges)

    def tol(*nodes: frozenset[int]) -> float:
        r = min(G1.nodes[n]["radius"] for n in nodes if G1.nodes[n]["dim"] > 0)
        return max(1e-12, 1e-15 / r)

    for n in G1:
        a, b = G1.nodes[n], G2.nodes[n]
        assert a["dim"] == b["dim"] and a["bounded"] == b["bounded"]
        np.testing.assert_allclose(a["point"], b["point"], atol=1e-14)
        assert math.isclose(a["radius"], b["radius"], rel_tol=1e-12, abs_tol=1e-15)
        np.testing.assert_array_equal(a["vertices"], b["vertices"])  # same (sorted) order
        assert len(a["rays"]) == len(b["rays"]) == 0
        assert a["basis"].shape == b["basis"].shape
        if a["dim"] > 0:
            PA, PB = a["basis"].T @ a["basis"], b["basis"].T @ b["basis"]
            np.testing.assert_allclose(PA, PB, atol=tol(n))
    for e in G1.edges:
        np.testing.assert_allclose(G1.edges[e]["normal"], G2.edges[e]["normal"], atol=tol(*e))


def _degenerate_net_3d() -> se.ReLUNetwork:
    """First-layer planes through box corners and edges, four of them through the z axis."""
    rng = np.random.default_rng(0)
    W1 = np.array(
        [[1, 1, 1], [1, 1, 0], [1, -1, 0], [1, 0, 0], [0, 1, 0], [1, 1, -1], [0, 0, 1], [1, -1, 1]],
        dtype=float,
    )
    b1 = np.array([-3, 0, 0, 0, 0, -1, 0, -1], dtype=float)
    W2, b2 = rng.normal(size=(6, 8)), 0.3 * rng.normal(size=6)
    return se.ReLUNetwork([W1, W2, rng.normal(size=(1, 6))], [b1, b2, np.zeros(1)])


def _polytopes_3d(case: str) -> list[se.Polytope]:
    box = se.Box(-np.ones(3), np.ones(3))
    if case == "shapes":
        rng = np.random.default_rng(7)
        polys = [se.Polytope.from_vertices(rng.normal(size=(k, 3))) for k in (4, 12, 30)]
        polys.append(se.Box([0, 0, 0], [1, 2, 3]).to_polytope())
        polys.append(se.Polytope.from_vertices(np.vstack([np.eye(3), -np.eye(3)])))  # octahedron
        pyramid = np.array([[-1, -1, 0], [1, -1, 0], [1, 1, 0], [-1, 1, 0], [0, 0, 1.5]])
        polys.append(se.Polytope.from_vertices(pyramid))
        return polys
    if case == "degenerate_net":
        return [r.polytope for r in se.linear_regions(_degenerate_net_3d(), box)]
    seed = int(case.removeprefix("net"))
    net = se.ReLUNetwork.random((3, 8, 8, 1), seed=seed)
    return [r.polytope for r in se.linear_regions(net, box)[::4]]


@pytest.mark.parametrize("case", ["shapes", "net0", "net1", "degenerate_net"])
def test_polyhedron3_fast_path_matches_general_construction(case: str) -> None:
    from spectral_exact.face_poset import _EYE3, _general_poset, _polyhedron3_poset

    polys = _polytopes_3d(case)
    non_simple = 0
    for P in polys:
        G = _polyhedron3_poset(P)
        assert G is not None
        _same_poset_3d(G, _general_poset(P))
        non_simple += int(P.vertex_incidence.sum(axis=1).max() > 3)
        if case == "shapes":
            check_poset(G, P)
            # the fast path is the one face_poset takes (it shares one identity basis)
            top = frozenset(range(len(P.vertices)))
            assert se.face_poset(P).nodes[top]["basis"] is _EYE3
    if case in ("shapes", "degenerate_net"):
        assert non_simple >= 2  # octahedron, pyramid; regions at the z axis


def test_octahedron_and_pyramid_posets() -> None:
    octa = se.Polytope.from_vertices(np.vstack([np.eye(3), -np.eye(3)]))
    G = se.face_poset(octa)
    assert f_vector(G) == (6, 12, 8, 1)
    check_poset(G, octa)
    assert all(G.in_degree(n) == 4 for n, dim in G.nodes(data="dim") if dim == 0)
    pyr = se.Polytope.from_vertices([[-1, -1, 0], [1, -1, 0], [1, 1, 0], [-1, 1, 0], [0, 0, 1]])
    G = se.face_poset(pyr)
    assert f_vector(G) == (5, 8, 5, 1)
    check_poset(G, pyr)
    apex = frozenset({int(np.argmax(pyr.vertices[:, 2]))})
    assert G.in_degree(apex) == 4


def test_polyhedron3_fast_path_falls_back_on_non_facet_rows() -> None:
    """A redundant row tight at one cube edge only: the fast path declines, the result is right."""
    from spectral_exact.face_poset import _polyhedron3_poset

    cube = se.Box([0, 0, 0], [1, 1, 1]).to_polytope()
    A = np.vstack([cube.A, [[1, 1, 0]]])
    b = np.concatenate([cube.b, [2.0]])
    P = se.Polytope._from_parts(A, b, cube.vertices)
    assert _polyhedron3_poset(P) is None
    G = se.face_poset(P)
    assert f_vector(G) == (8, 12, 6, 1)
    check_poset(G, P)
