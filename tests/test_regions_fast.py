"""Fast region enumerators against the general ones, and the lazy arrays-backed Regions.

* R^d: the cone enumerator that skips decided neurons gives the same regions (patterns,
  vertices, rays, lineality, facets, affine maps) as the one that offers every neuron to every
  piece (``fast=False``);
* Regions created lazily from the flat arrays agree with the arrays (exact) and with the
  H-description (every vertex satisfies its region's inequalities, tight on its incidences);
* nets whose regions all meet a box have the same regions on R^d and on that box.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

import spectral_exact as se
from spectral_exact.regions import (
    Regions,
    _bounded_regions,
    _unbounded_regions,
    region_arrays_from_objects,
)

REL = 1e-12
TOL = se.Tolerances()


def _point_sets_match(P: np.ndarray, Q: np.ndarray, atol: float) -> None:
    assert P.shape == Q.shape
    if len(P):
        dist = np.linalg.norm(P[:, None, :] - Q[None, :, :], axis=-1)
        assert np.all(dist.min(1) <= atol) and np.all(dist.min(0) <= atol)


def _same(a: Regions, b: Regions) -> None:
    """Same patterns, vertices, rays, lineality spans, facets, weights and biases."""
    by_key = {r.pattern_key: r for r in b}
    assert len(a) == len(b) == len(by_key)
    for r in a:
        g = by_key[r.pattern_key]
        P, Q = r.polytope, g.polytope
        scale = 1.0 + float(np.max(np.abs(Q.vertices), initial=0.0))
        _point_sets_match(P.vertices, Q.vertices, REL * scale)
        _point_sets_match(P.rays, Q.rays, 1e-10)
        assert P.lineality.shape == Q.lineality.shape
        if len(P.lineality):  # same span: projectors agree
            np.testing.assert_allclose(
                P.lineality.T @ P.lineality, Q.lineality.T @ Q.lineality, atol=1e-10
            )
        _point_sets_match(np.column_stack([P.A, P.b]), np.column_stack([Q.A, Q.b]), REL * scale)
        np.testing.assert_array_equal(P.vertex_incidence.sum(), Q.vertex_incidence.sum())
        np.testing.assert_allclose(r.weight, g.weight, rtol=REL, atol=REL)
        assert math.isclose(r.bias, g.bias, rel_tol=REL, abs_tol=REL)


def _check_h_description(regs: Regions) -> None:
    """Each region's vertices satisfy its inequalities, with equality on its incidences."""
    ra = regs.arrays
    for i in range(len(regs)):
        v = ra.vertices[ra.vertex_offset[i] : ra.vertex_offset[i + 1]]
        A = ra.facet_A[ra.facet_offset[i] : ra.facet_offset[i + 1]]
        b = ra.facet_b[ra.facet_offset[i] : ra.facet_offset[i + 1]]
        scale = 1.0 + float(np.max(np.abs(v), initial=0.0))
        assert np.all(v @ A.T - b <= 1e-9 * scale)
    vi, fj = ra.incidence.T
    resid = np.einsum("pd,pd->p", ra.vertices[vi], ra.facet_A[fj]) - ra.facet_b[fj]
    assert np.max(np.abs(resid), initial=0.0) < 1e-9
    np.testing.assert_allclose(np.linalg.norm(ra.facet_A, axis=1), 1.0, rtol=1e-14)


@pytest.mark.parametrize(
    ("arch", "seed"),
    [((2, 8, 8, 1), 0), ((2, 5, 4, 3, 1), 1), ((3, 6, 5, 1), 2), ((4, 5, 4, 1), 3)],
)
def test_rd_fast_matches_general(arch: tuple[int, ...], seed: int) -> None:
    net = se.ReLUNetwork.random(arch, seed=seed)
    fast = Regions(net, None, _unbounded_regions(net, TOL), TOL)
    slow = Regions(net, None, _unbounded_regions(net, TOL, fast=False), TOL)
    _same(fast, slow)
    _check_h_description(fast)


def test_rd_fast_matches_general_on_degenerate_net() -> None:
    # duplicated, parallel and dead neurons, concurrent lines through the origin
    W1 = np.array([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [0.0, 0.0], [2.0, 0.0]])
    b1 = np.array([0.0, 0.0, 0.0, 0.0, 1.0, 1.0])
    W2 = np.random.default_rng(4).integers(-1, 2, (4, 6)).astype(float)
    net = se.ReLUNetwork([W1, W2, np.ones((1, 4))], [b1, np.zeros(4), np.zeros(1)])
    fast = Regions(net, None, _unbounded_regions(net, TOL), TOL)
    slow = Regions(net, None, _unbounded_regions(net, TOL, fast=False), TOL)
    _same(fast, slow)


@pytest.mark.parametrize("domain", [None, "box"])
@pytest.mark.parametrize("arch", [(2, 6, 5, 1), (3, 5, 4, 1)])
def test_lazy_objects_match_arrays(arch: tuple[int, ...], domain: str | None) -> None:
    net = se.ReLUNetwork.random(arch, seed=5)
    d = arch[0]
    dom = se.Box(-np.ones(d), np.ones(d)) if domain else None
    regs = se.linear_regions(net, dom)
    ra = regs.arrays
    assert regs[0] is regs[0]  # created once, then kept
    assert regs[-1] is regs[len(regs) - 1]
    with pytest.raises(IndexError):
        regs[len(regs)]
    back = region_arrays_from_objects(list(regs), d)
    for name, value in vars(ra).items():
        if isinstance(value, np.ndarray):
            np.testing.assert_array_equal(getattr(back, name), value, err_msg=name)
    for r in regs:
        assert not r.polytope.A.flags.writeable and not r.polytope.vertices.flags.writeable
    _check_h_description(regs)


def test_arrays_are_read_only() -> None:
    regs = se.linear_regions(se.ReLUNetwork.random((2, 4, 1), seed=1), se.Box([-1, -1], [1, 1]))
    with pytest.raises(ValueError, match="read-only"):
        regs.arrays.vertices[0, 0] = 1.0


@pytest.mark.parametrize(
    ("arch", "seed"), [((2, 6, 6, 1), 3), ((3, 5, 4, 1), 4), ((4, 4, 4, 1), 5)]
)
def test_rd_equals_box_when_all_regions_meet_it(arch: tuple[int, ...], seed: int) -> None:
    # a box holding every vertex of the R^d complex in its interior meets every region in a
    # full-dimensional set (a neighbourhood of one of its vertices)
    net = se.ReLUNetwork.random(arch, seed=seed)
    d = arch[0]
    whole = se.linear_regions(net)
    half = 2.0 * float(np.max(np.abs(whole.arrays.vertices))) + 1.0
    box = se.Box(-half * np.ones(d), half * np.ones(d))
    boxed = se.linear_regions(net, box)
    assert {r.pattern_key for r in whole} == {r.pattern_key for r in boxed}
    by_key = {r.pattern_key: r for r in boxed}
    for r in whole:
        q = by_key[r.pattern_key]
        np.testing.assert_allclose(r.weight, q.weight, rtol=REL, atol=REL)
        if len(r.polytope.lineality):
            continue  # its "vertices" are those of a cross-section
        # pointed regions: their vertices are the box region's vertices inside the box
        inner = q.polytope.vertices[np.all(np.abs(q.polytope.vertices) < half * (1 - 1e-9), 1)]
        _point_sets_match(r.polytope.vertices, inner, 1e-9 * half)


def test_general_path_still_callable() -> None:
    net = se.ReLUNetwork.random((2, 6, 6, 1), seed=2)
    box = se.Box([-1, -1], [1, 1]).to_polytope()
    a = Regions(net, box, _bounded_regions(net, box, TOL), TOL)
    b = Regions(net, box, _bounded_regions(net, box, TOL, fast=False), TOL)
    _same(a, b)


# ---------------------------------------------------------------------------- bounded, d >= 3
def _integer_net(d: int, widths: tuple[int, ...], seed: int) -> se.ReLUNetwork:
    """Small integer weights: concurrent, parallel, duplicated and dead neurons."""
    rng = np.random.default_rng(seed)
    sizes = (d, *widths)
    Ws = [rng.integers(-1, 2, (b, a)).astype(float) for a, b in itertools.pairwise(sizes)]
    bs = [rng.integers(-1, 2, b) / 2 for b in widths]
    return se.ReLUNetwork([*Ws, np.ones((1, widths[-1]))], [*bs, np.zeros(1)])


BATCHED_CASES = {
    "3-D random": (lambda: se.ReLUNetwork.random((3, 8, 8, 1), seed=6), 3),
    "3-D deeper": (lambda: se.ReLUNetwork.random((3, 5, 5, 5, 1), seed=7), 3),
    "4-D random": (lambda: se.ReLUNetwork.random((4, 6, 6, 1), seed=8), 4),
    "5-D random": (lambda: se.ReLUNetwork.random((5, 6, 4, 1), seed=9), 5),
    "3-D integer": (lambda: _integer_net(3, (6, 6), 10), 3),
    "4-D integer": (lambda: _integer_net(4, (5, 5), 11), 4),
    "3-D duplicated": (
        lambda: se.ReLUNetwork(
            [
                np.repeat(np.random.default_rng(12).normal(size=(3, 3)), 2, axis=0),
                np.repeat(np.random.default_rng(13).normal(size=(3, 6)), 2, axis=0),
                np.ones((1, 6)),
            ],
            [np.zeros(6), np.zeros(6), np.zeros(1)],
        ),
        3,
    ),
}


@pytest.mark.parametrize("name", sorted(BATCHED_CASES))
def test_batched_path_matches_general_path(name: str) -> None:
    make, d = BATCHED_CASES[name]
    net = make()
    domains = [se.Box(-np.ones(d), np.ones(d)).to_polytope()]
    if d == 3:  # a simplex (a non-simple vertex at the origin for integer nets)
        domains.append(se.Polytope.from_vertices(np.vstack([np.zeros(3), np.eye(3)])))
    for dom in domains:
        fast = Regions(net, dom, _bounded_regions(net, dom, TOL), TOL)
        slow = Regions(net, dom, _bounded_regions(net, dom, TOL, fast=False), TOL)
        _same(fast, slow)
        for r, g in zip(
            sorted(fast, key=lambda r: r.pattern_key), sorted(slow, key=lambda r: r.pattern_key)
        ):
            # same vertex-facet incidence up to the order of vertices and facets
            assert sorted(r.polytope.vertex_incidence.sum(0)) == sorted(
                g.polytope.vertex_incidence.sum(0)
            )
        _check_h_description(fast)


@pytest.mark.parametrize(("arch", "seed"), [((3, 7, 6, 1), 1), ((4, 6, 5, 1), 2)])
def test_batched_regions_volume_and_sampled_patterns(arch: tuple[int, ...], seed: int) -> None:
    # independent checks: volumes add up to the box, and a dense sample of the box finds
    # exactly the enumerated patterns (every region is big enough to be hit at this size)
    net = se.ReLUNetwork.random(arch, seed=seed)
    d = arch[0]
    box = se.Box(-np.ones(d), np.ones(d))
    regs = se.linear_regions(net, box)
    vols = np.array([r.polytope.volume for r in regs])
    assert np.all(vols > 0)
    assert math.isclose(vols.sum(), box.volume, rel_tol=1e-12)
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1, 1, (100_000, d))
    x = np.vstack([x, np.array([r.polytope.centroid for r in regs])])
    found = {row.tobytes() for row in np.unique(np.concatenate(net.patterns(x), axis=-1), axis=0)}
    assert found == {r.pattern_key for r in regs}
    owner = regs.locate(x[:20_000])
    assert np.all(owner >= 0)


def test_rd_rank_deficient_first_layer_uses_cone_path() -> None:
    # first layer of rank 2 in R^3: every region contains a line; no simplicial start
    from spectral_exact.regions import _unbounded_regions_batched

    W1 = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [1.0, 1.0, 0.0], [1.0, -1.0, 0.0]])
    net = se.ReLUNetwork(
        [W1, np.random.default_rng(1).normal(size=(3, 4)), np.ones((1, 3))],
        [np.array([0.1, -0.2, 0.3, 0.0]), np.zeros(3), np.zeros(1)],
    )
    assert _unbounded_regions_batched(net, TOL) is None
    regs = se.linear_regions(net)
    assert all(r.polytope.lineality.shape == (1, 3) for r in regs)
    _same(regs, Regions(net, None, _unbounded_regions(net, TOL, fast=False), TOL))
