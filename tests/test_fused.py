"""The fused Laplacian route over the shared complex against independent routes.

References: the level engine's ``"regions"`` route (region by region, stable at every k) and
the 40-digit mpmath reference of :mod:`spectral_exact.testing` (its own clipping of the box in
2-D; per-region triangulations of the engine's regions in 3-D). Frequencies: generic, exactly
degenerate (k parallel to a kink-facet normal, i.e. orthogonal to the facet; k along a box
normal), nearly degenerate (1e-12 ... 1e-3 rad off), small |k| and |k| = 1e4.
"""

import numpy as np
import pytest

import spectral_exact as se
from spectral_exact.fourier._fused import fused_laplacian
from spectral_exact.fourier.spectrum import MAX_CANCELLATION
from spectral_exact.testing import mp_affine_polytope_fourier, mp_network_fourier_box

#: accuracy required of the fused route (the engine's precision target)
RTOL = 1e-11
#: angles off a degenerate direction (rad)
ANGLES = [0.0, 1e-12, 1e-9, 1e-6, 1e-3]


def _rotate(v, ang, rng):  # type: ignore[no-untyped-def]
    w = rng.normal(size=v.shape)
    w -= (w @ v) * v
    w /= np.linalg.norm(w)
    return np.cos(ang) * v + np.sin(ang) * w


def _sweep(base, radii, rng):  # type: ignore[no-untyped-def]
    base = np.asarray(base, float) / np.linalg.norm(base)
    return np.array([r * _rotate(base, a, rng) for r in radii for a in ANGLES])


def _kink_normal(prep):  # type: ignore[no-untyped-def]
    """Outward normal of a bounded interior kink facet (shared by two regions); on R^d one
    far from orthogonal to every ray (k along it is then off the singular set).
    """
    cx = prep.complex
    counts = np.bincount(cx.facet_of_row)
    bounded = cx.levels[cx.dim - 1].bounded[cx.facet_of_row]
    rows = np.flatnonzero((counts[cx.facet_of_row] == 2) & bounded)
    if len(cx.rays) == 0:
        return cx.facet_normal[rows[0]]
    margin = np.min(np.abs(cx.facet_normal[rows] @ cx.rays.T), axis=1)
    return cx.facet_normal[rows[np.argmax(margin)]]


def _fused_only(prep, k):  # type: ignore[no-untyped-def]
    """The fused kernel's own values (no fallback) and the mask where it is well conditioned."""
    T, S, sing = fused_laplacian(prep.fused, k)
    assert not np.any(sing)
    good = S <= MAX_CANCELLATION * np.abs(T)
    return -T / np.sum(k * k, axis=1), good


NET2 = ((2, 5, 4, 1), 7, se.Box([-1.0, -0.5], [1.0, 1.5]))


def test_2d_box_against_mpmath():
    arch, seed, box = NET2
    net = se.ReLUNetwork.random(arch, seed=seed)
    prep = se.prepare_network(net, box)
    rng = np.random.default_rng(1)
    diam = box.diameter
    radii = [1e-3 / diam, 30.0 / diam, 1e4 / diam]
    k = np.concatenate(
        [
            _sweep(_kink_normal(prep), radii, rng),
            _sweep([1.0, 0.0], radii, rng),  # box normal
            _sweep(rng.normal(size=2), radii, rng),
        ]
    )
    ref = mp_network_fourier_box(net, box.lo, box.hi, k)
    F = se.network_fourier(prep, k)  # default: fused with fallback
    np.testing.assert_allclose(F, ref, rtol=RTOL, atol=0)
    # the kernel itself, wherever it is kept, is accurate at degenerate directions too
    Ff, good = _fused_only(prep, k)
    norms = np.linalg.norm(k, axis=1)
    assert np.all(good[norms >= 30.0 / diam])  # nothing but small |k| falls back here
    assert not np.any(good[norms * diam <= 1e-3])  # the cancelling regime is detected
    np.testing.assert_allclose(Ff[good], ref[good], rtol=RTOL, atol=0)


@pytest.mark.parametrize("domain", [se.Box([-1.0, -1.0], [1.0, 1.0]), None])
def test_2d_routes_agree(domain):
    net = se.ReLUNetwork.random((2, 12, 10, 1), seed=3)
    prep = se.prepare_network(net, domain)
    rng = np.random.default_rng(2)
    k = np.concatenate(
        [rng.uniform(-40, 40, size=(30, 2)), _sweep(_kink_normal(prep), [0.5, 7.0, 300.0], rng)]
    )
    ref = se.network_fourier(prep, k, method="regions" if domain is not None else "lemma1")
    for method in (None, "fused", "laplacian", "lemma1"):
        np.testing.assert_allclose(se.network_fourier(prep, k, method=method), ref, rtol=RTOL)


def test_3d_box_against_mpmath():
    net = se.ReLUNetwork.random((3, 2, 2, 1), seed=3)
    box = se.Box([-1.0, -0.5, -1.0], [1.0, 1.5, 0.5])
    prep = se.prepare_network(net, box)
    regs = prep.regions
    rng = np.random.default_rng(3)
    k = np.concatenate(
        [
            _sweep(_kink_normal(prep), [2.0], rng),
            _sweep([0.0, 0.0, 1.0], [1e4], rng)[[0, 2, 4]],
            rng.normal(size=(1, 3)) * 1e-3,
        ]
    )
    ref = sum(mp_affine_polytope_fourier(r.polytope.vertices, r.weight, r.bias, k) for r in regs)
    np.testing.assert_allclose(se.network_fourier(prep, k), ref, rtol=RTOL, atol=0)
    Ff, good = _fused_only(prep, k)
    assert np.all(good[:-1]) and not good[-1]
    np.testing.assert_allclose(Ff[good], ref[good], rtol=RTOL, atol=0)


@pytest.mark.parametrize("domain", [se.Box([-1.0] * 3, [1.0] * 3), None])
def test_3d_routes_agree(domain):
    net = se.ReLUNetwork.random((3, 6, 5, 1), seed=1)
    prep = se.prepare_network(net, domain)
    rng = np.random.default_rng(4)
    k = np.concatenate(
        [
            rng.uniform(-30, 30, size=(20, 3)),
            _sweep(_kink_normal(prep), [0.5, 6.0, 200.0], rng),
            _sweep([0.0, 1.0, 0.0], [3.0, 1e3], rng),
        ]
    )
    ref = se.network_fourier(prep, k, method="regions" if domain is not None else "lemma1")
    for method in (None, "fused", "laplacian"):
        np.testing.assert_allclose(se.network_fourier(prep, k, method=method), ref, rtol=RTOL)


def test_small_k_and_zero_go_to_the_stable_route():
    net = se.ReLUNetwork.random((2, 6, 5, 1), seed=0)
    box = se.Box([-1.0, -1.0], [1.0, 1.0])
    prep = se.prepare_network(net, box)
    k = np.array([[0.0, 0.0], [1e-9, 2e-9], [1e-4, -3e-4], [0.02, 0.01]])
    ref = se.network_fourier(prep, k, method="regions")
    np.testing.assert_allclose(se.network_fourier(prep, k), ref, rtol=RTOL)
    # F(0) = integral of f over the box
    x = np.linspace(-1, 1, 801)
    X, Y = np.meshgrid(x, x, indexing="ij")
    assert se.network_fourier(prep, [0.0, 0.0]).real == pytest.approx(
        np.trapezoid(np.trapezoid(net(np.stack([X, Y], -1)), x), x), rel=1e-4
    )


def test_fused_on_rd_raises_on_the_singular_set():
    net = se.ReLUNetwork.random((2, 6, 5, 1), seed=0)
    prep = se.prepare_network(net, None)
    ray = prep.complex.rays[0]
    k = np.array([-ray[1], ray[0]]) * 3.0  # orthogonal to an unbounded edge
    with pytest.raises(se.SingularFrequencyError, match="orthogonal"):
        se.network_fourier(prep, k, method="fused")
    with pytest.raises(se.SingularFrequencyError, match="k = 0"):
        se.network_fourier(prep, [0.0, 0.0])


def test_fused_method_needs_a_supported_network():
    net = se.ReLUNetwork.random((1, 4, 1), seed=0)
    with pytest.raises(se.SpectralExactError, match="method='fused' needs d = 2 or 3"):
        se.network_fourier(net, [1.0], domain=se.Box([-1], [1]), method="fused")
    net4 = se.ReLUNetwork.random((4, 3, 1), seed=0)
    box4 = se.Box([-1.0] * 4, [1.0] * 4)
    k = np.array([[1.0, 2.0, -0.5, 0.3]])
    np.testing.assert_allclose(
        se.network_fourier(net4, k, domain=box4),
        se.network_fourier(net4, k, domain=box4, method="regions"),
        rtol=RTOL,
    )


#: agreement of the streamed 3-D kernel with the simple schedule, relative to the sum of the
#: terms' moduli S (the same terms summed in the same order; only the Taylor series are
#: evaluated differently: even/odd Horner, lengths cut to the nodes at the same tolerance)
SCHEDULE_RTOL = 1e-15


@pytest.mark.parametrize("domain", [se.Box([-1.0, -0.5, -1.0], [1.0, 1.5, 0.5]), None])
def test_3d_streamed_kernel_matches_the_simple_schedule(domain):
    from spectral_exact.fourier._fused import fused_laplacian_with_error

    net = se.ReLUNetwork.random((3, 8, 6, 1), seed=5)
    prep = se.prepare_network(net, domain)
    rng = np.random.default_rng(6)
    k = np.concatenate(
        [
            rng.uniform(-40, 40, size=(13, 3)),
            _sweep(_kink_normal(prep), [0.05, 2.0, 50.0, 1e3], rng),  # series and degenerate
            rng.normal(size=(5, 3)) * 1e-3,
        ]
    )
    T1, S1, W1, f1 = fused_laplacian_with_error(prep.fused, k)
    T2, S2, W2, f2 = fused_laplacian_with_error(prep.fused, k, streamed=False)
    np.testing.assert_array_equal(f1, f2)
    np.testing.assert_allclose(S1, S2, rtol=SCHEDULE_RTOL)
    np.testing.assert_allclose(W1, W2, rtol=SCHEDULE_RTOL)
    assert np.all(np.abs(T1 - T2) <= SCHEDULE_RTOL * S2)
    # the chunked schedule depends on the numbering by first use: every face's vertices,
    # edges and rays come before the running maxima the kernel computes up to
    fz = prep.fused
    slots = np.repeat(np.arange(len(fz.face_coef)), np.diff(fz.face_ptr))
    e = fz.face_edge
    assert np.all(e[e >= 0] < fz.edge_need[slots[e >= 0]])
    assert np.all(-1 - e[e < 0] < fz.ray_need[slots[e < 0]])
    ends = np.concatenate([fz.edge_a[e[e >= 0]], fz.edge_b[e[e >= 0]], fz.ray_a[-1 - e[e < 0]]])
    owner = np.concatenate([slots[e >= 0], slots[e >= 0], slots[e < 0]])
    assert np.all(ends < fz.vertex_need[owner])
    assert (domain is None) == (len(fz.ray_a) > 0)
