"""The array-native complex builder against the region-by-region reference route.

:func:`~spectral_exact.complex.complex_from_arrays` identifies faces by hashed, sorted
integer vertex-id sets; ``_complex_from_arrays_reference`` by Python tuples in dicts, region by
region. Both must give the same complex array for array (integers exactly, geometry to
rounding) on random and degenerate nets in 2-D..4-D, on a box and on R^d. Independent checks
on top: the Euler characteristic of the complex (1 for a subdivided box, ``(-1)^d`` with
compact supports for R^d), every facet shared by one or two regions (two inside the box), and
facet vertex sets that satisfy the facet's equation.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Callable

import numpy as np
import pytest

import spectral_exact as se
from spectral_exact.complex import (
    PolyhedralComplex,
    _complex_from_arrays_reference,
    _merge_ids,
    _merge_rows,
    complex_from_arrays,
)

#: geometry is computed by the same formulas in both routes, vectorised differently
ROUNDING = 1e-14
INT_FIELDS = ("vertex_ptr", "vertex_idx", "ray_ptr", "ray_idx", "child_ptr", "child_idx")
FLOAT_FIELDS = ("child_normal", "point", "basis", "radius")


def _assert_same_complex(a: PolyhedralComplex, b: PolyhedralComplex) -> None:
    assert a.face_counts() == b.face_counts()
    assert a.scale == b.scale
    np.testing.assert_array_equal(a.vertices, b.vertices)
    np.testing.assert_array_equal(a.rays, b.rays)
    for name in ("vertex_of_row", "facet_of_row", "region_of_row", "region_face",
                 "region_of_vertex_row"):  # fmt: skip
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name), err_msg=name)
    np.testing.assert_array_equal(a.facet_normal, b.facet_normal)
    for la, lb in zip(a.levels, b.levels, strict=True):
        assert la.dim == lb.dim
        for name in INT_FIELDS:
            np.testing.assert_array_equal(getattr(la, name), getattr(lb, name), err_msg=name)
        np.testing.assert_array_equal(la.bounded, lb.bounded)
        for name in FLOAT_FIELDS:
            x, y = getattr(la, name), getattr(lb, name)
            scale = 1.0 + float(np.max(np.abs(y), initial=0.0))
            np.testing.assert_allclose(x, y, rtol=0, atol=ROUNDING * scale, err_msg=name)


def _euler(cx: PolyhedralComplex) -> int:
    return sum((-1) ** j * n for j, n in enumerate(cx.face_counts()))


def _check_independently(
    cx: PolyhedralComplex, regs: se.Regions, box: bool, separated: bool = True
) -> None:
    """``separated``: distinct rays are more than ``tol.geometry`` apart (not so for two
    lines at 2^-36 rad on R^2: their rays merge, and so do facets along them).
    """
    d = cx.dim
    assert cx.n_regions == len(regs)
    if d <= 3 and (box or separated):  # every level is built
        assert _euler(cx) == (1 if box else (-1) ** d)
    # each facet belongs to one or two regions; on R^d (no boundary) always two (not checked
    # on R^4, where the cone enumerator leaves some unbounded facets without their vertex)
    shared = np.bincount(cx.facet_of_row[cx.facet_of_row >= 0], minlength=cx.levels[d - 1].n)
    if box or (d <= 3 and separated):
        assert set(shared.tolist()) <= ({1, 2} if box else {2})
    # the vertices of each facet lie on the hyperplane of every region row defining it
    A = regs.arrays
    fac = cx.levels[d - 1]
    rows = np.flatnonzero(cx.facet_of_row >= 0)
    f = cx.facet_of_row[rows]
    cnt = np.diff(fac.vertex_ptr)[f]
    vs = fac.vertex_idx[np.repeat(fac.vertex_ptr[f], cnt) + np.arange(cnt.sum())
                        - np.repeat(np.cumsum(cnt) - cnt, cnt)]  # fmt: skip
    r = np.repeat(rows, cnt)
    resid = np.einsum("nd,nd->n", cx.vertices[vs], A.facet_A[r]) - A.facet_b[r]
    scale = 1.0 + float(np.max(np.abs(cx.vertices), initial=0.0))
    assert np.max(np.abs(resid), initial=0.0) <= 1e-9 * scale


def _integer_net(d: int, widths: tuple[int, ...], seed: int) -> se.ReLUNetwork:
    """Small integer weights: concurrent, parallel, duplicated and dead neurons."""
    rng = np.random.default_rng(seed)
    sizes = (d, *widths)
    Ws = [rng.integers(-1, 2, (b, a)).astype(float) for a, b in itertools.pairwise(sizes)]
    bs = [rng.integers(-1, 2, b) / 2 for b in widths]
    return se.ReLUNetwork([*Ws, np.ones((1, widths[-1]))], [*bs, np.zeros(1)])


def _pencil(angle: float) -> se.ReLUNetwork:
    """Two lines through the origin at ``angle``, a parallel pair and a third line through
    the origin (three lines through a point), then a random second layer.
    """
    W1 = np.array([[1.0, 0.0], [np.cos(angle), np.sin(angle)], [1.0, 1.0], [0.0, 1.0], [0.0, 1.0]])
    b1 = np.array([0.0, 0.0, 0.0, 0.0, -0.5])
    W2 = np.random.default_rng(3).normal(size=(4, 5))
    return se.ReLUNetwork([W1, W2, np.ones((1, 4))], [b1, np.zeros(4), np.zeros(1)])


def _scaled(net: se.ReLUNetwork, s: float) -> se.ReLUNetwork:
    """``x -> net(x / s)``: the same arrangement at length scale ``s``."""
    return se.ReLUNetwork([net.weights[0] / s, *net.weights[1:]], list(net.biases))


CASES: dict[str, Callable[[], tuple[se.ReLUNetwork, float]]] = {
    "2-D random": lambda: (se.ReLUNetwork.random((2, 12, 10, 1), seed=1), 1.0),
    "2-D deeper": lambda: (se.ReLUNetwork.random((2, 8, 8, 8, 1), seed=2), 1.0),
    "3-D random": lambda: (se.ReLUNetwork.random((3, 8, 8, 1), seed=3), 1.0),
    "4-D random": lambda: (se.ReLUNetwork.random((4, 6, 6, 1), seed=4), 1.0),
    "2-D integer": lambda: (_integer_net(2, (6, 6), 5), 1.0),
    "3-D integer": lambda: (_integer_net(3, (6, 5), 6), 1.0),
    "4-D integer": lambda: (_integer_net(4, (5, 5), 7), 1.0),
    "pencil 2^-20": lambda: (_pencil(2.0**-20), 1.0),
    "pencil 2^-36": lambda: (_pencil(2.0**-36), 1.0),
    "scale 1e-12": lambda: (_scaled(se.ReLUNetwork.random((2, 8, 6, 1), seed=8), 1e-12), 1e-12),
    "scale 1e6": lambda: (_scaled(se.ReLUNetwork.random((3, 6, 5, 1), seed=9), 1e6), 1e6),
}


@pytest.mark.parametrize("box", [True, False], ids=["box", "Rd"])
@pytest.mark.parametrize("name", sorted(CASES))
def test_array_route_matches_reference(name: str, box: bool) -> None:
    net, s = CASES[name]()
    d = net.input_dim
    regs = se.linear_regions(net, se.Box(-s * np.ones(d), s * np.ones(d)) if box else None)
    # a copy: arrays from the global edge subdivision (d >= 3 on a box) would take the
    # sign-vector route, compared with the reference in tests/test_subdivision.py
    cx = complex_from_arrays(dataclasses.replace(regs.arrays))
    _assert_same_complex(cx, _complex_from_arrays_reference(regs.arrays))
    _check_independently(cx, regs, box, separated=name != "pencil 2^-36")


def test_orthants_exact_structure() -> None:
    """relu(x) + relu(y) + relu(z) on the cube: a 2 x 2 x 2 grid (27, 54, 36, 8)."""
    net = se.ReLUNetwork([np.eye(3), np.ones((1, 3))], [np.zeros(3), np.zeros(1)])
    cx = complex_from_arrays(se.linear_regions(net, se.Box([-1] * 3, [1] * 3)).arrays)
    assert cx.face_counts() == (27, 54, 36, 8)
    np.testing.assert_array_equal(np.diff(cx.levels[3].child_ptr), 6)


@pytest.mark.parametrize("d", [2, 3, 4])
def test_merge_by_cells_like_the_tree_alone_near_the_quantum(d: int) -> None:
    """Clusters whose members sit 0..1.5 quanta apart (chains, cell straddles, pairs just
    above the quantum): grid cells + tree on representatives = tree on every row.
    """
    rng = np.random.default_rng(d)
    q = 1e-9
    centres = rng.uniform(-1, 1, (300, d))
    members = centres[rng.integers(0, 300, 3000)] + rng.uniform(-1.5 * q, 1.5 * q, (3000, d))
    X = np.vstack([members, centres])
    first, ids = _merge_ids(X, q)
    first_ref, ids_ref = _merge_rows(X, q)
    np.testing.assert_array_equal(first, first_ref)
    np.testing.assert_array_equal(ids, ids_ref)
    assert 300 < len(first) < len(X)  # some merged, some clusters split


def test_merge_groups_equal_rows_like_the_tree_alone() -> None:
    """Grouping rows by grid cell before the k-d tree changes nothing."""
    rng = np.random.default_rng(0)
    P = rng.uniform(-1, 1, (200, 3))
    idx = rng.integers(0, 200, 1000)
    X = P[idx] + np.where(rng.uniform(size=(1000, 1)) < 0.3, 1e-15, 0.0)  # ulp-level copies
    X[::7] = P[idx[::7]] + 1e-3  # and points that must not merge with their source
    for q in (1e-12, 1e-9):
        first, ids = _merge_ids(X, q)
        first_ref, ids_ref = _merge_rows(X, q)
        np.testing.assert_array_equal(first, first_ref)
        np.testing.assert_array_equal(ids, ids_ref)
