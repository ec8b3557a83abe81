"""The batched face poset of bounded polytopes in d >= 4 against the general construction."""

from __future__ import annotations

import itertools

import networkx as nx
import numpy as np
import pytest
from test_face_poset import _same_poset, check_poset

import spectral_exact as se
from spectral_exact.face_poset import _bounded_poset, _general_poset, _simple_poset, f_vector


def _cross_polytope(d: int) -> se.Polytope:
    return se.Polytope.from_vertices(np.vstack([np.eye(d), -np.eye(d)]))


def _simplex(d: int) -> se.Polytope:
    return se.Polytope.from_vertices(np.vstack([np.zeros(d), np.eye(d)]))


SHAPES = {
    # hand-checkable f-vectors: 2^(d-k) C(d, k) for the cube, C(d+1, k+1) for the simplex,
    # 2^(k+1) C(d, k+1) for the cross-polytope (non-simple: 2(d-1) facets at each vertex)
    "4-cube": (lambda: se.Box(np.zeros(4), [1, 2, 3, 4]).to_polytope(), (16, 32, 24, 8, 1)),
    "4-simplex": (lambda: _simplex(4), (5, 10, 10, 5, 1)),
    "4-cross": (lambda: _cross_polytope(4), (8, 24, 32, 16, 1)),
    "5-cube": (lambda: se.Box(-np.ones(5), np.ones(5)).to_polytope(), (32, 80, 80, 40, 10, 1)),
    "5-simplex": (lambda: _simplex(5), (6, 15, 20, 15, 6, 1)),
}


@pytest.mark.parametrize("name", sorted(SHAPES))
def test_shapes_f_vectors_and_general_construction(name: str) -> None:
    make, fv = SHAPES[name]
    P = make()
    G = _bounded_poset(P)
    assert G is not None
    assert f_vector(G) == fv
    check_poset(G, P)
    _same_poset(G, _general_poset(P))
    assert f_vector(se.face_poset(P)) == fv


def test_random_4d_polytopes() -> None:
    rng = np.random.default_rng(3)
    for k in (6, 9, 14):
        P = se.Polytope.from_vertices(rng.normal(size=(k, 4)))
        G = _bounded_poset(P)
        assert G is not None
        check_poset(G, P)
        _same_poset(G, _general_poset(P))
        assert sum((-1) ** dim for _, dim in G.nodes(data="dim")) == 1  # Euler


@pytest.mark.parametrize(("arch", "seed"), [((4, 6, 6, 1), 0), ((5, 5, 4, 1), 1)])
def test_region_posets_match_general_construction(arch: tuple[int, ...], seed: int) -> None:
    net = se.ReLUNetwork.random(arch, seed=seed)
    d = arch[0]
    regs = se.linear_regions(net, se.Box(-np.ones(d), np.ones(d)))
    for r in list(regs)[::7][: 12 if d == 4 else 3]:
        G = _bounded_poset(r.polytope)
        assert G is not None
        _same_poset(G, _general_poset(r.polytope))
        check_poset(G, r.polytope)


def test_degenerate_4d_net_regions() -> None:
    # integer first layer: hyperplanes through box corners and a common 2-plane
    W1 = np.array(
        [[1, 1, 0, 0], [1, -1, 0, 0], [1, 0, 0, 0], [0, 0, 1, 1], [1, 1, 1, 1]], dtype=float
    )
    b1 = np.array([0, 0, 0, 0, -2], dtype=float)
    rng = np.random.default_rng(5)
    net = se.ReLUNetwork([W1, rng.normal(size=(3, 5)), np.ones((1, 3))], [b1, np.zeros(3), [0.0]])
    regs = se.linear_regions(net, se.Box(-np.ones(4), np.ones(4)))
    non_simple = 0
    for r in regs:
        G = _bounded_poset(r.polytope)
        assert G is not None
        _same_poset(G, _general_poset(r.polytope))
        non_simple += int(r.polytope.vertex_incidence.sum(1).max() > 4)
    assert non_simple >= 1


def test_rows_tight_at_lower_faces_are_not_facets() -> None:
    """Redundant rows tight at a 2-face and at an edge of the 4-cube, and a repeated row."""
    cube = se.Box(np.zeros(4), np.ones(4)).to_polytope()
    A = np.vstack([cube.A, [[1, 1, 0, 0], [1, 1, 1, 0], cube.A[0]]])
    b = np.concatenate([cube.b, [2.0, 3.0, cube.b[0]]])
    P = se.Polytope._from_parts(A, b, cube.vertices)
    assert P.vertex_incidence.shape[1] == 11
    G = _bounded_poset(P)
    assert G is not None
    _same_poset(G, _general_poset(P))
    assert f_vector(G) == (16, 32, 24, 8, 1)
    check_poset(G, P)


def test_face_keys_are_vertex_sets() -> None:
    P = se.Box(np.zeros(4), np.ones(4)).to_polytope()
    G = se.face_poset(P)
    for key, data in G.nodes(data=True):
        np.testing.assert_array_equal(data["vertices"], P.vertices[sorted(key)])
    # every pair of vertices of a 2-face of the cube that differ in one coordinate is an edge
    for key in (k for k, dim in G.nodes(data="dim") if dim == 2):
        for a, b in itertools.combinations(sorted(key), 2):
            if np.sum(P.vertices[a] != P.vertices[b]) == 1:
                assert frozenset((a, b)) in G


SIMPLE = ("4-cube", "4-simplex", "5-cube", "5-simplex")


@pytest.mark.parametrize("name", sorted(SHAPES))
def test_simple_poset_shapes(name: str) -> None:
    """Simple shapes take the facet-subset path (same poset); the cross-polytope is refused."""
    make, fv = SHAPES[name]
    P = make()
    G = _simple_poset(P)
    if name not in SIMPLE:
        assert G is None  # 2(d - 1) facets at each vertex
        return
    assert G is not None
    assert f_vector(G) == fv
    check_poset(G, P)
    _same_poset(G, _general_poset(P))


@pytest.mark.parametrize(
    ("arch", "seed"), [((4, 8, 8, 1), 0), ((4, 12, 12, 1), 3), ((5, 6, 6, 1), 1)]
)
def test_simple_poset_of_regions_matches_general_construction(
    arch: tuple[int, ...], seed: int
) -> None:
    net = se.ReLUNetwork.random(arch, seed=seed)
    d = arch[0]
    regs = list(se.linear_regions(net, se.Box(-np.ones(d), np.ones(d))))
    for r in regs[:: max(1, len(regs) // 10)]:
        G = _simple_poset(r.polytope)
        assert G is not None  # general position: every region is simple
        _same_poset(G, _general_poset(r.polytope))
        check_poset(G, r.polytope)
        assert sum((-1) ** dim for _, dim in G.nodes(data="dim")) == 1  # Euler


def test_simple_poset_is_scale_covariant() -> None:
    """A region scaled by 1e-9: same faces, same bases and normals, points scaled."""
    net = se.ReLUNetwork.random((4, 8, 8, 1), seed=2)
    for r in list(se.linear_regions(net, se.Box(-np.ones(4), np.ones(4))))[::40]:
        P = r.polytope
        Q = se.Polytope.from_halfspaces(P.A, 1e-9 * P.b)
        G, H = _simple_poset(P), _simple_poset(Q)
        assert G is not None and H is not None

        # vertex order may differ: match faces through their scaled vertex sets
        def by_vertices(X: nx.DiGraph, s: float) -> dict:
            return {
                tuple(sorted(map(tuple, np.round(dat["vertices"] / s, 6)))): dat
                for _, dat in X.nodes(data=True)
            }

        g, h = by_vertices(G, 1.0), by_vertices(H, 1e-9)
        assert g.keys() == h.keys()
        for key, a in g.items():
            b = h[key]
            np.testing.assert_allclose(b["point"], 1e-9 * a["point"], rtol=1e-12, atol=1e-22)
            # vertices recomputed from the scaled half-spaces: rounding of the coordinates
            np.testing.assert_allclose(b["radius"], 1e-9 * a["radius"], rtol=1e-12, atol=1e-23)
            np.testing.assert_allclose(b["basis"].T @ b["basis"], a["basis"].T @ a["basis"],
                                       atol=1e-13)  # fmt: skip
