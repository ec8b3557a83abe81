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
