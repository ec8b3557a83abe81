"""Box and Polytope: both representations, structure of hand-checkable polyhedra, bad input."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

import spectral_exact as se


def _rows_as_set(a: np.ndarray, decimals: int = 12) -> set[tuple[float, ...]]:
    return {tuple(np.round(r, decimals) + 0.0) for r in np.asarray(a)}


# ------------------------------------------------------------------------------------ Box
def test_box_structure(cube: se.Box) -> None:
    assert cube.dim == 3
    assert cube.volume == 1.0
    assert _rows_as_set(cube.vertices) == set(itertools.product([0.0, 1.0], repeat=3))
    A, b = cube.halfspaces()
    assert A.shape == (6, 3) and b.shape == (6,)
    assert np.all(cube.vertices @ A.T <= b)
    P = cube.to_polytope()
    assert P.dim == 3 and P.n_facets == 6 and P.is_bounded
    # every vertex of a cube lies on exactly 3 facets, every facet holds 4 vertices
    assert np.all(P.vertex_incidence.sum(1) == 3)
    assert np.all(P.vertex_incidence.sum(0) == 4)


def test_box_contains() -> None:
    box = se.Box([-1.0, 0.0], [1.0, 2.0])
    pts = np.array([[0.0, 1.0], [1.0, 2.0], [1.1, 1.0], [0.0, -0.1]])
    assert box.contains(pts).tolist() == [True, True, False, False]
    assert box.volume == 4.0
    np.testing.assert_array_equal(box.center, [0.0, 1.0])


@pytest.mark.parametrize(
    ("lo", "hi", "match"),
    [
        ([0.0, 0.0], [1.0, 0.0], r"flat in axis 1: lo=0\.0 >= hi=0\.0"),
        ([0.0, 2.0], [1.0, 1.0], r"empty or flat in axis 1"),
        ([0.0, np.nan], [1.0, 1.0], r"Box lo has non-finite entries: \[0\.0, nan\]"),
        ([0.0, 0.0], [1.0, np.inf], r"Box hi has non-finite entries"),
        ([0.0, 0.0], [1.0, 1.0, 1.0], r"equal length, got \[0\.0, 0\.0\] and \[1\.0, 1\.0, 1\.0\]"),
        ([], [], r"non-empty"),
    ],
)
def test_box_bad_input(lo: list[float], hi: list[float], match: str) -> None:
    with pytest.raises(se.InvalidDomainError, match=match):
        se.Box(lo, hi)


# ------------------------------------------------------------------------------- Polytope
def test_simplex_from_vertices(unit_simplex: se.Polytope) -> None:
    P = unit_simplex
    assert P.dim == 2 and P.ambient_dim == 2 and P.is_bounded
    assert P.n_facets == 3
    assert math.isclose(P.volume, 0.5, rel_tol=1e-14)
    assert _rows_as_set(P.vertices) == {(0.0, 0.0), (1.0, 0.0), (0.0, 1.0)}
    np.testing.assert_allclose(np.linalg.norm(P.A, axis=1), 1.0, rtol=1e-14)
    # each vertex on two edges, each edge through two vertices
    assert np.all(P.vertex_incidence.sum(1) == 2)
    assert np.all(P.vertex_incidence.sum(0) == 2)


def test_from_vertices_drops_interior_points() -> None:
    P = se.Polytope.from_vertices([[0, 0], [2, 0], [0, 2], [2, 2], [1, 1], [0.5, 1.5]])
    assert _rows_as_set(P.vertices) == {(0.0, 0.0), (2.0, 0.0), (0.0, 2.0), (2.0, 2.0)}
    assert math.isclose(P.volume, 4.0, rel_tol=1e-14)


def test_halfspace_and_vertex_representations_agree() -> None:
    rng = np.random.default_rng(3)
    pts = rng.normal(size=(30, 3))
    P = se.Polytope.from_vertices(pts)
    Q = se.Polytope.from_halfspaces(P.A, P.b)
    assert _rows_as_set(P.vertices, 9) == _rows_as_set(Q.vertices, 9)
    assert math.isclose(P.volume, Q.volume, rel_tol=1e-12)
    # the hull contains all input points, and its vertices are input points
    assert np.all(P.contains(pts))
    assert _rows_as_set(P.vertices, 12) <= _rows_as_set(pts, 12)


def test_redundant_halfspaces_removed() -> None:
    A = [[1, 0], [-1, 0], [0, 1], [0, -1], [1, 1]]  # x + y <= 5 is redundant on [-1, 1]^2
    P = se.Polytope.from_halfspaces(A, [1, 1, 1, 1, 5])
    assert P.n_facets == 4
    assert math.isclose(P.volume, 4.0, rel_tol=1e-14)


def test_lower_dimensional_polytope() -> None:
    T = se.Polytope.from_vertices([[0, 0, 1], [1, 0, 1], [0, 1, 1]])  # triangle at z = 1
    assert T.dim == 2 and T.ambient_dim == 3
    assert T.A_eq.shape == (1, 3)
    np.testing.assert_allclose(np.abs(T.A_eq[0]), [0, 0, 1], atol=1e-14)
    np.testing.assert_allclose(T.A_eq @ [0.3, 0.3, 1.0], T.b_eq, atol=1e-14)
    assert math.isclose(T.volume, 0.5, rel_tol=1e-12)
    assert T.contains([0.2, 0.2, 1.0]) and not T.contains([0.2, 0.2, 1.1])
    seg = se.Polytope.from_vertices([[0, 0], [3, 4]])
    assert seg.dim == 1 and math.isclose(seg.volume, 5.0, rel_tol=1e-14)
    assert se.Polytope.from_vertices([[1.0, 2.0]]).dim == 0


def test_unbounded_quadrant_has_rays() -> None:
    Q = se.Polytope.from_halfspaces([[-1, 0], [0, -1]], [0, 0])  # x >= 0, y >= 0
    assert not Q.is_bounded and Q.is_pointed and Q.volume == math.inf
    assert _rows_as_set(Q.vertices) == {(0.0, 0.0)}
    assert _rows_as_set(Q.rays) == {(1.0, 0.0), (0.0, 1.0)}
    # each ray lies on exactly one facet (the other axis)
    assert np.all(Q.ray_incidence.sum(1) == 1)
    assert Q.contains([5.0, 7.0]) and not Q.contains([-0.1, 7.0])


def test_strip_has_lineality() -> None:
    S = se.Polytope.from_halfspaces([[1, 0], [-1, 0]], [1, 1])  # |x| <= 1
    assert not S.is_pointed and S.dim == 2
    assert S.lineality.shape == (1, 2)
    np.testing.assert_allclose(np.abs(S.lineality[0]), [0, 1], atol=1e-14)
    assert len(S.rays) == 0
    assert S.contains([0.5, 1e6]) and not S.contains([1.5, 0.0])


def test_halfplane_and_whole_line() -> None:
    H = se.Polytope.from_halfspaces([[1.0, 1.0]], [1.0])  # x + y <= 1
    assert H.lineality.shape == (1, 2) and len(H.rays) == 1
    # the ray is defined modulo the lineality space: compare its normal component
    L = H.lineality[0]
    r = H.rays[0] - (H.rays[0] @ L) * L
    np.testing.assert_allclose(r / np.linalg.norm(r), -np.ones(2) / np.sqrt(2), atol=1e-14)
    np.testing.assert_allclose(L @ [1.0, 1.0], 0.0, atol=1e-14)
    assert H.dim == 2 and H.volume == math.inf


def test_contains_tolerance_and_shapes(unit_square: se.Box) -> None:
    P = unit_square.to_polytope()
    grid = np.stack(np.meshgrid(np.linspace(-0.5, 1.5, 9), np.linspace(-0.5, 1.5, 9)), -1)
    inside = P.contains(grid)
    assert inside.shape == (9, 9)
    np.testing.assert_array_equal(inside, unit_square.contains(grid))
    with pytest.raises(se.InvalidPolytopeError, match=r"shape \(\.\.\., 2\), got \(4, 3\)"):
        P.contains(np.zeros((4, 3)))


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: se.Polytope.from_vertices([[0, np.nan], [1, 0]]), r"vertices has non-finite"),
        (lambda: se.Polytope.from_vertices([[0, np.inf], [1, 0]]), r"vertices has non-finite"),
        (lambda: se.Polytope.from_vertices([1.0, 2.0]), r"vertices must be 2-D, got shape \(2,\)"),
        (lambda: se.Polytope.from_vertices(np.zeros((0, 2))), r"at least one vertex"),
        (lambda: se.Polytope.from_vertices([[0, 0]], rays=[[1, 0, 0]]), r"rays have dimension 3"),
        (lambda: se.Polytope.from_halfspaces([[1, 0], [-1, 0]], [-1, 0]), r"is empty"),
        (lambda: se.Polytope.from_halfspaces([[0, 0]], [-1]), r"empty \(a row 0 <= b with b < 0\)"),
        (lambda: se.Polytope.from_halfspaces([[1, 0]], [1, 2]), r"A has 1 rows but b has 2"),
        (lambda: se.Polytope.from_halfspaces([[1, np.nan]], [1]), r"A has non-finite"),
        (lambda: se.Polytope.from_halfspaces([[1, 0]], [np.inf]), r"b has non-finite"),
        (lambda: se.Polytope.from_vertices("abc"), r"vertices is not numeric"),
    ],
)
def test_polytope_bad_input(call, match: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(se.InvalidPolytopeError, match=match):
        call()
