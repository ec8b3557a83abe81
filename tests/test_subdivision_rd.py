"""R^d regions through the global edge subdivision of a bounding box, against the cone route.

``unbounded_regions_subdivided`` reads the regions on R^d off the complex on a box that it
proves contains every vertex; the cone enumerator (``_unbounded_regions_rescaled``) splits
homogenised cones and never uses a box. They must agree: the same activation patterns,
vertices (to their conditioning), unit extreme rays, weights and biases; the same facets,
except that the cone route may keep a redundant constraint parallel to a facet (checked
redundant here: every vertex strictly inside it and every ray not leaving it), with the same
vertex-facet and ray-facet incidences on the common facets. Independent checks: the H
description holds at every vertex and ray, the exact transform on R^d agrees at generic k,
and the nets that must fall back (first layer too narrow or of low rank) do.
"""

from __future__ import annotations

import numpy as np
import pytest

import spectral_exact as se
import spectral_exact._subdivision_rd as srd
from spectral_exact._tolerances import DEFAULT_TOLERANCES
from spectral_exact.regions import RegionArrays, _unbounded_regions_rescaled

TOL = DEFAULT_TOLERANCES
#: vertices: relative to the region's coordinate scale (both routes lose digits at vertices
#: where nearly parallel zero sets meet; measured up to 9e-10 on these nets)
VERTEX_RTOL = 1e-8
#: unit rays, unit facet rows, weights and biases
DIRECTION_TOL = 1e-10
#: incidence residuals |a . v - b| and |a . r| relative to the coordinate scale
RESIDUAL_RTOL = 1e-11
#: the transform on R^d (both routes are exact to rounding)
FOURIER_RTOL = 1e-11


def _rows(off: np.ndarray, i: int) -> slice:
    return slice(int(off[i]), int(off[i + 1]))


def _nearest(P: np.ndarray, Q: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Index of the nearest row of Q for each row of P, and the distances."""
    if not len(P):
        return np.zeros(0, np.int64), np.zeros(0)
    D = np.linalg.norm(P[:, None, :] - Q[None, :, :], axis=-1)
    j = D.argmin(1)
    return j, D[np.arange(len(P)), j]


def _pairs(inc: np.ndarray, row_off: np.ndarray, col_off: np.ndarray, i: int) -> set:
    rs = _rows(row_off, i)
    sel = (inc[:, 0] >= rs.start) & (inc[:, 0] < rs.stop)
    return {(int(a) - rs.start, int(b) - int(col_off[i])) for a, b in inc[sel]}


def _assert_same_regions(new: RegionArrays, old: RegionArrays) -> None:
    key_old = {old.pattern[i].tobytes(): i for i in range(old.n_regions)}
    assert new.n_regions == old.n_regions == len(key_old)
    for i in range(new.n_regions):
        j = key_old[new.pattern[i].tobytes()]
        np.testing.assert_allclose(new.weight[i], old.weight[j], rtol=DIRECTION_TOL,
                                   atol=DIRECTION_TOL)  # fmt: skip
        assert abs(new.bias[i] - old.bias[j]) <= DIRECTION_TOL * (1 + abs(old.bias[j]))
        Vn, Vo = (
            new.vertices[_rows(new.vertex_offset, i)],
            old.vertices[_rows(old.vertex_offset, j)],
        )
        assert Vn.shape == Vo.shape
        scale = 1.0 + float(np.max(np.abs(Vo)))
        vmap, dist = _nearest(Vn, Vo)
        assert np.all(dist <= VERTEX_RTOL * scale)
        assert len(set(vmap.tolist())) == len(Vo)
        Rn, Ro = new.rays[_rows(new.ray_offset, i)], old.rays[_rows(old.ray_offset, j)]
        assert Rn.shape == Ro.shape
        rmap, dist = _nearest(Rn, Ro)
        assert np.all(dist <= DIRECTION_TOL)
        assert len(set(rmap.tolist())) == len(Ro)
        Fn = np.column_stack([new.facet_A, new.facet_b])[_rows(new.facet_offset, i)]
        Fo = np.column_stack([old.facet_A, old.facet_b])[_rows(old.facet_offset, j)]
        fmap, dist = _nearest(Fn, Fo)
        assert np.all(dist <= VERTEX_RTOL * scale)
        assert len(set(fmap.tolist())) == len(Fn)
        extra = np.setdiff1d(np.arange(len(Fo)), fmap)
        for f in extra:  # redundant: every vertex strictly inside, no ray leaving it
            a, b = Fo[f, :-1], Fo[f, -1]
            assert np.all(Vo @ a - b < -VERTEX_RTOL * scale)
            assert np.all(Ro @ a <= DIRECTION_TOL)
        inc_n = _pairs(new.incidence, new.vertex_offset, new.facet_offset, i)
        inc_o = _pairs(old.incidence, old.vertex_offset, old.facet_offset, j)
        assert {(int(vmap[v]), int(fmap[f])) for v, f in inc_n} == {
            (v, f) for v, f in inc_o if f not in set(extra.tolist())
        }
        rinc_n = _pairs(new.ray_incidence, new.ray_offset, new.facet_offset, i)
        rinc_o = _pairs(old.ray_incidence, old.ray_offset, old.facet_offset, j)
        assert {(int(rmap[r]), int(fmap[f])) for r, f in rinc_n} == {
            (r, f) for r, f in rinc_o if f not in set(extra.tolist())
        }


def _assert_h_description(ra: RegionArrays) -> None:
    scale = 1.0 + float(np.max(np.abs(ra.vertices)))
    vi, fi = ra.incidence.T
    res = np.einsum("pd,pd->p", ra.vertices[vi], ra.facet_A[fi]) - ra.facet_b[fi]
    assert np.max(np.abs(res)) <= RESIDUAL_RTOL * scale
    ri, rf = ra.ray_incidence.T
    assert np.max(np.abs(np.einsum("pd,pd->p", ra.rays[ri], ra.facet_A[rf]))) <= RESIDUAL_RTOL
    np.testing.assert_allclose(np.linalg.norm(ra.rays, axis=1), 1.0, rtol=1e-14)
    for i in range(ra.n_regions):
        A, b = ra.facet_A[_rows(ra.facet_offset, i)], ra.facet_b[_rows(ra.facet_offset, i)]
        V, R = ra.vertices[_rows(ra.vertex_offset, i)], ra.rays[_rows(ra.ray_offset, i)]
        assert len(V) >= 1  # pointed
        assert np.all(V @ A.T - b <= RESIDUAL_RTOL * scale)
        assert np.all(R @ A.T <= RESIDUAL_RTOL)


# nets that need one round, that need the box enlarged, whose regions have parallel unbounded
# edges (merged into one ray), with exactly structural zero slopes (4-D), three hidden layers
@pytest.mark.parametrize(
    ("arch", "seed"),
    [
        ((2, 8, 8, 1), 0),
        ((2, 12, 10, 1), 4),
        ((2, 16, 16, 16, 1), 1),
        ((3, 8, 8, 1), 0),
        ((3, 6, 6, 1), 0),
        ((3, 6, 6, 1), 2),
        ((3, 6, 6, 1), 10),
        ((3, 8, 8, 1), 3),
        ((4, 8, 6, 1), 2),
        ((4, 6, 6, 1), 3),
        ((4, 6, 6, 1), 8),
        ((4, 7, 5, 1), 7),
        ((3, 6, 5, 4, 1), 1),
        ((4, 6, 5, 4, 1), 7),
        ((5, 7, 6, 1), 1),
    ],
)
def test_matches_cone_enumerator(arch: tuple[int, ...], seed: int) -> None:
    net = se.ReLUNetwork.random(list(arch), seed=seed)
    new = srd.unbounded_regions_subdivided(net, TOL)
    assert new is not None
    _assert_h_description(new)
    _assert_same_regions(new, _unbounded_regions_rescaled(net, TOL))


def test_box_is_enlarged_when_a_vertex_lies_outside(monkeypatch: pytest.MonkeyPatch) -> None:
    """A net whose first box misses vertices: the check finds cut points, the second box holds."""
    rounds = []
    check = srd._check

    def counting(*args):  # type: ignore[no-untyped-def]
        out = check(*args)
        rounds.append(None if out is None else len(out[0]))
        return out

    monkeypatch.setattr(srd, "_check", counting)
    net = se.ReLUNetwork.random([3, 6, 6, 1], seed=9)
    new = srd.unbounded_regions_subdivided(net, TOL)
    assert new is not None
    assert len(rounds) == 2 and rounds[0] > 0 and rounds[1] == 0
    _assert_same_regions(new, _unbounded_regions_rescaled(net, TOL))


def test_far_vertex_is_found() -> None:
    """Nearly parallel first-layer neurons meet a deeper one far from the other vertices."""
    rng = np.random.default_rng(4)
    W1 = rng.normal(size=(6, 3))
    W1[5] = W1[4] + 1e-4 * rng.normal(size=3)  # nearly parallel pair: far intersections
    b1 = 0.1 * rng.normal(size=6)
    net = se.ReLUNetwork([W1, rng.normal(size=(5, 6)), rng.normal(size=(1, 5))],
                         [b1, 0.1 * rng.normal(size=5), np.zeros(1)])  # fmt: skip
    new = srd.unbounded_regions_subdivided(net, TOL)
    old = _unbounded_regions_rescaled(net, TOL)
    assert float(np.max(np.abs(old.vertices))) > 1e2  # the far vertices exist
    assert new is not None
    _assert_same_regions(new, old)


@pytest.mark.parametrize("case", ["narrow", "rank", "one_layer_wide"])
def test_falls_back(case: str) -> None:
    """First layer narrower than d, or of rank below d: None, and linear_regions still works."""
    rng = np.random.default_rng(1)
    if case == "narrow":
        W1 = rng.normal(size=(2, 3))
    elif case == "rank":
        W1 = np.outer(rng.normal(size=5), [1.0, 2.0, 0.0]) + np.outer(
            rng.normal(size=5), [0.0, 1.0, -1.0]
        )
    else:
        W1 = rng.normal(size=(3, 3))
    net = se.ReLUNetwork([W1, rng.normal(size=(4, len(W1))), rng.normal(size=(1, 4))],
                         [0.1 * rng.normal(size=len(W1)), 0.1 * rng.normal(size=4),
                          np.zeros(1)])  # fmt: skip
    new = srd.unbounded_regions_subdivided(net, TOL)
    old = _unbounded_regions_rescaled(net, TOL)
    if case == "one_layer_wide":  # exactly d neurons of rank d: routed, and equal
        assert new is not None
        _assert_same_regions(new, old)
    else:
        assert new is None
        regs = se.linear_regions(net, None)
        assert len(regs) == old.n_regions
        assert regs.arrays.lineality.shape[0] > 0 or case == "narrow"


@pytest.mark.parametrize("d", [3, 4])
def test_linear_regions_routes_rd_through_the_box(d: int) -> None:
    net = se.ReLUNetwork.random([d, 7, 7, 1], seed=5)
    regs = se.linear_regions(net, None)
    new = srd.unbounded_regions_subdivided(net, TOL)
    assert new is not None
    np.testing.assert_array_equal(regs.arrays.pattern, new.pattern)
    np.testing.assert_array_equal(regs.arrays.vertices, new.vertices)


def _copy(net: se.ReLUNetwork) -> se.ReLUNetwork:
    """The same network as a new object (the transform caches prepared networks by id)."""
    return se.ReLUNetwork([np.array(W) for W in net.weights], [np.array(b) for b in net.biases])


@pytest.mark.parametrize(("arch", "seed"), [((3, 6, 5, 1), 2), ((3, 8, 8, 1), 0)])
@pytest.mark.parametrize("method", [None, "lemma1"])
def test_fourier_on_rd_matches(
    arch: tuple[int, ...], seed: int, method: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    net = se.ReLUNetwork.random(list(arch), seed=seed)
    k = np.random.default_rng(4).uniform(-30.0, 30.0, size=(12, 3))
    new = se.network_fourier(_copy(net), k, method=method)
    monkeypatch.setattr(srd, "unbounded_regions_subdivided", lambda net, tol: None)
    old = se.network_fourier(_copy(net), k, method=method)
    np.testing.assert_allclose(new, old, rtol=FOURIER_RTOL, atol=FOURIER_RTOL * np.max(np.abs(old)))


def test_scale_covariant() -> None:
    """Scaling every bias by s scales the regions by s (the tolerances follow the arrangement)."""
    net = se.ReLUNetwork.random([3, 6, 6, 1], seed=2)
    s = 1e-6
    scaled = se.ReLUNetwork(net.weights, [b * s for b in net.biases])
    a = srd.unbounded_regions_subdivided(net, TOL)
    b = srd.unbounded_regions_subdivided(scaled, TOL)
    assert a is not None and b is not None
    assert a.n_regions == b.n_regions
    key = {b.pattern[i].tobytes(): i for i in range(b.n_regions)}
    for i in range(a.n_regions):
        j = key[a.pattern[i].tobytes()]
        Va, Vb = a.vertices[_rows(a.vertex_offset, i)], b.vertices[_rows(b.vertex_offset, j)]
        _, dist = _nearest(Va * s, Vb)
        assert np.all(dist <= VERTEX_RTOL * s * (1 + np.max(np.abs(Va))))


def test_vertex_copies_are_one_number_and_the_fused_route_applies() -> None:
    """Each vertex is solved once, so every region's copy is the same number: the complex merge
    is exact and the fused route (refused on the cone route's arrays for this net, whose
    copies differ by more than MERGE_GUARD_ULPS) agrees with Lemma 1.
    """
    from spectral_exact.complex import complex_from_arrays
    from spectral_exact.fourier.spectrum import _merge_is_exact

    net = se.ReLUNetwork.random([3, 16, 16, 1], seed=0)
    old = _unbounded_regions_rescaled(net, TOL)
    assert not _merge_is_exact(old.vertices, complex_from_arrays(old, TOL))
    prep = se.prepare_network(_copy(net), None)
    ra = prep.regions.arrays
    cx = complex_from_arrays(ra, TOL)
    assert np.array_equal(ra.vertices, cx.vertices[cx.vertex_of_row])
    assert prep.fused is not None
    k = np.random.default_rng(4).uniform(-30.0, 30.0, size=(8, 3))
    fused = se.network_fourier(prep, k, method="fused")
    ref = se.network_fourier(prep, k, method="lemma1")
    np.testing.assert_allclose(
        fused, ref, rtol=FOURIER_RTOL, atol=FOURIER_RTOL * np.max(np.abs(ref))
    )


@pytest.mark.parametrize("case", ["dead_neuron", "parallel_pair", "coincident_pair", "central"])
def test_special_first_layers(case: str) -> None:
    """A deeper neuron with zero weights and a parallel pair of first-layer hyperplanes are
    handled (same regions as the cones); coincident hyperplanes and a central arrangement
    (every first-layer hyperplane through one point) are declined and left to the cones.
    """
    rng = np.random.default_rng(0)
    W1, b1 = rng.normal(size=(6, 3)), 0.1 * rng.normal(size=6)
    W2, b2 = rng.normal(size=(5, 6)), 0.1 * rng.normal(size=5)
    if case == "dead_neuron":
        W2[2] = 0.0
    elif case == "parallel_pair":
        W1[5], b1[5] = W1[4], b1[4] + 0.3
    elif case == "coincident_pair":
        W1[5], b1[5] = 2.0 * W1[4], 2.0 * b1[4]
    else:
        b1[:] = 0.0
    net = se.ReLUNetwork([W1, W2, np.ones((1, 5))], [b1, b2, np.zeros(1)])
    new = srd.unbounded_regions_subdivided(net, TOL)
    old = _unbounded_regions_rescaled(net, TOL)
    if case in ("dead_neuron", "parallel_pair"):
        assert new is not None
        _assert_h_description(new)
        _assert_same_regions(new, old)
    else:
        assert new is None
        assert len(se.linear_regions(net, None)) == old.n_regions


def test_random_sweep_matches_cone_enumerator() -> None:
    """Random 3-D and 4-D nets of one to three hidden layers, He and PyTorch scales."""
    rng = np.random.default_rng(123)
    routed = 0
    for _ in range(30):
        d = int(rng.choice([2, 3, 3, 4]))
        widths = [int(rng.integers(d, 9)) for _ in range(int(rng.integers(1, 4)))]
        scale = str(rng.choice(["he", "pytorch"]))
        net = se.ReLUNetwork.random([d, *widths, 1], seed=int(rng.integers(10**6)), scale=scale)
        new = srd.unbounded_regions_subdivided(net, TOL)
        if new is None:
            continue
        routed += 1
        _assert_h_description(new)
        _assert_same_regions(new, _unbounded_regions_rescaled(net, TOL))
    assert routed >= 25  # general position is the rule for random nets
