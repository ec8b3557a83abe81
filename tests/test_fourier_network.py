"""Network transforms: shared reference values, mpmath, three routes, Lemma 1's sign."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from scipy.integrate import quad

import spectral_exact as se
from spectral_exact.testing import (
    assert_transform_close,
    mp_affine_polytope_fourier,
    mp_network_fourier_box,
)

REF = Path(__file__).resolve().parent / "data" / "windowed_fourier_cases.json"
RTOL = 1e-11


def _relu_net() -> se.ReLUNetwork:
    return se.ReLUNetwork([np.array([[1.0]]), np.array([[1.0]])], [np.zeros(1), np.zeros(1)])


@pytest.mark.parametrize("method", ["regions", "lemma1", "laplacian"])
def test_shared_reference_networks(method: str) -> None:
    data = json.loads(REF.read_text())
    for case in data["networks"]:
        net = se.ReLUNetwork(case["weights"], case["biases"])
        box = se.Box(case["lo"], case["hi"])
        k = np.array(case["k"], dtype=float)
        want = np.array([a + 1j * b for a, b in case["F"]])
        keep = np.any(k != 0, axis=1) if method != "regions" else np.ones(len(k), bool)
        got = se.network_fourier(net, k[keep], domain=box, method=method)
        assert_transform_close(got, want[keep], rtol=RTOL, what=f"{case['architecture']}")
        assert len(se.linear_regions(net, box)) == case["n_regions_in_box"]


def _abel_integral(k: float, eps: float) -> complex:
    """int_0^inf x e^{-ikx} e^{-eps x} dx by QUADPACK's Fourier-integral rule (QAWF)."""
    f = lambda x: x * np.exp(-eps * x)  # noqa: E731
    re = quad(f, 0, np.inf, weight="cos", wvar=abs(k))[0]
    im = -np.sign(k) * quad(f, 0, np.inf, weight="sin", wvar=abs(k))[0]
    return complex(re, im)


def test_lemma1_sign_against_direct_integration() -> None:
    """ReLU(x) on R: Abel-regularised direct integral vs Lemma 1 with c = -i (and not +i).

    The integral with damping e^{-eps x} is computed numerically at eps = 0.04, 0.02, 0.01 and
    extrapolated to eps -> 0 (quadratic Richardson); Lemma 1 must match it, and the printed
    constant +i must give the opposite sign.
    """
    net = _relu_net()
    for k in (1.5, -2.5):
        e = np.array([0.04, 0.02, 0.01])
        vals = np.array([_abel_integral(k, float(x)) for x in e])
        V = np.vander(e, 3).astype(complex)  # fit a eps^2 + b eps + c
        direct = complex(np.linalg.solve(V, vals)[-1])
        got = complex(se.network_fourier(net, [k], method="lemma1"))
        assert abs(got - direct) <= 1e-4 * abs(direct)
        printed = 1j * (k / k**2) * (1 / (1j * k))  # Lemma 1 as printed (constant +i)
        assert abs(printed + direct) <= 1e-4 * abs(direct)
        assert got == pytest.approx(-1 / k**2, rel=1e-14)


def test_degenerate_frequencies_against_mpmath() -> None:
    net = se.ReLUNetwork.random((2, 5, 4, 1), seed=7)
    box = se.Box([-1.0, -0.5], [1.0, 1.5])
    sd = se.special_directions(net, domain=box)
    n = sd.facet_normals[0]
    rot = np.array([[0.0, -1.0], [1.0, 0.0]])
    ks = [np.zeros(2), 1e-9 * n]
    for r in (3.0, 300.0):
        for off in (0.0, 1e-14, 1e-8, 1e-3):
            ks.append(r * (np.cos(off) * n + np.sin(off) * rot @ n))
    ks.append(np.array([50.0, 0.0]))  # along a box normal
    ks.append(np.array([0.0, 1e4]))
    K = np.array(ks)
    want = mp_network_fourier_box(net, box.lo, box.hi, K)
    for method in ("regions",):
        assert_transform_close(se.network_fourier(net, K, domain=box, method=method), want, RTOL)
    nz = np.any(K != 0, axis=1) & (np.linalg.norm(K, axis=1) > 1)
    for method in ("lemma1", "laplacian"):
        got = se.network_fourier(net, K[nz], domain=box, method=method)
        assert_transform_close(got, want[nz], rtol=RTOL, what=method)


@pytest.mark.filterwarnings("ignore::spectral_exact.IllConditionedWarning")
def test_routes_agree_on_Rd_2d_and_3d() -> None:
    rng = np.random.default_rng(0)
    for arch in ((2, 6, 5, 1), (3, 4, 3, 1)):
        net = se.ReLUNetwork.random(arch, seed=1)
        k = rng.normal(size=(12, arch[0])) * 6
        a = se.network_fourier(net, k, method="lemma1")
        b = se.network_fourier(net, k, method="laplacian")
        c = se.network_fourier(net, k, method="regions")
        assert_transform_close(b, a, rtol=RTOL, what=f"laplacian {arch}")
        # the regions route on R^d cancels large constant parts between unbounded regions
        # and loses digits (documented); it is a cross-check, not the default there
        assert_transform_close(c, a, rtol=1e-6, what=f"regions {arch}")


def test_one_hidden_layer_is_supported_on_normal_lines() -> None:
    """F = sum of ridge functions: on R^d its transform vanishes off the lines k || w_j."""
    net = se.ReLUNetwork.random((3, 5, 1), seed=1)
    # (not seed 1: its first rows are parallel to the net's first weight rows -> singular set)
    k = np.random.default_rng(12345).normal(size=(10, 3)) * 4
    scale = np.abs(se.network_fourier(se.ReLUNetwork.random((3, 4, 3, 1), seed=1), k)).max()
    for method in ("lemma1", "laplacian"):
        # F == 0 there: what is computed is rounding noise, and the engine says so
        with pytest.warns(se.IllConditionedWarning):
            F = se.network_fourier(net, k, method=method)
        assert np.abs(F).max() <= 1e-12 * scale


def test_3d_box_routes_and_per_region_mpmath() -> None:
    net = se.ReLUNetwork.random((3, 4, 1), seed=2)
    box = se.Box([-1.0, -1.0, -1.0], [1.0, 1.0, 1.0])
    rng = np.random.default_rng(3)
    k = np.vstack([rng.normal(size=(3, 3)) * 5, [[0.0, 0.0, 7.0]]])
    regs = se.linear_regions(net, box)
    want = sum(mp_affine_polytope_fourier(r.polytope.vertices, r.weight, r.bias, k) for r in regs)
    for method in ("regions", "lemma1", "laplacian"):
        assert_transform_close(se.network_fourier(net, k, domain=box, method=method), want, RTOL)


def test_zero_frequency_is_the_integral(net_1d_two_units: se.ReLUNetwork) -> None:
    box = se.Box([-1.0], [1.0])
    # f = relu(x) - 2 relu(x - 1/2): int_{-1}^{1} = 1/2 - 2 * (1/8) = 1/4
    assert complex(se.network_fourier(net_1d_two_units, [0.0], domain=box)) == pytest.approx(
        0.25, rel=1e-14
    )
    with pytest.raises(se.SingularFrequencyError, match="k = 0"):
        se.network_fourier(net_1d_two_units, [0.0])
    with pytest.raises(se.SingularFrequencyError, match="method='regions'"):
        se.network_fourier(net_1d_two_units, [0.0], domain=box, method="lemma1")


def test_one_neuron_in_2d_is_zero_off_its_normal_line() -> None:
    net = se.ReLUNetwork([np.array([[1.0, 2.0]]), np.array([[1.5]])], [np.array([0.3]), [0.0]])
    np.testing.assert_array_equal(se.network_fourier(net, [[1.0, 0.0], [0.3, 2.0]]), 0)
    with pytest.raises(se.SingularFrequencyError):
        se.network_fourier(net, [2.0, 4.0])


def test_prepared_network_and_bad_input() -> None:
    net = se.ReLUNetwork.random((2, 4, 1), seed=0)
    box = se.Box([-1, -1], [1, 1])
    prep = se.prepare_network(net, box)
    k = np.array([[1.0, 2.0], [0.0, 0.0]])
    np.testing.assert_array_equal(se.network_fourier(prep, k), se.network_fourier(net, k, box))
    assert se.network_fourier(net, np.zeros((3, 4, 2)), box).shape == (3, 4)
    with pytest.raises(se.InvalidDomainError, match="R\\^3"):
        se.network_fourier(net, [1.0, 1.0], domain=se.Box([0, 0, 0], [1, 1, 1]))
    with pytest.raises(se.InvalidDomainError, match="prepared network"):
        se.network_fourier(prep, [1.0, 1.0], domain=se.Box([0, 0], [1, 1]))
    with pytest.raises(se.InvalidArgumentError, match="unknown method"):
        se.network_fourier(net, [1.0, 1.0], box, method="fft")
    with pytest.raises(se.InvalidFrequencyError, match="shape"):
        se.network_fourier(net, [1.0, 1.0, 1.0], box)
    with pytest.raises(se.InvalidNetworkError, match="ReLUNetwork"):
        se.network_fourier("net", [1.0, 1.0], box)  # type: ignore[arg-type]


def test_prepared_cache_is_bounded_and_releases_networks() -> None:
    """The engine's cache of prepared networks keeps at most PREPARED_CACHE_SIZE of them."""
    import gc
    import weakref

    from spectral_exact.fourier import spectrum

    k = np.array([[1.0, 2.0], [-3.0, 0.5]])
    box = se.Box([-1.0, -1.0], [1.0, 1.0])
    refs = []
    for seed in range(spectrum.PREPARED_CACHE_SIZE + 3):
        net = se.ReLUNetwork.random((2, 4, 1), seed=seed)
        want = se.network_fourier(se.prepare_network(net, box), k)
        first = se.network_fourier(net, k, domain=box)
        again = se.network_fourier(net, k, domain=box)  # served by the cache
        np.testing.assert_array_equal(first, want)
        np.testing.assert_array_equal(again, want)
        refs.append(weakref.ref(net))
        del net
    gc.collect()
    assert len(spectrum._CACHE) <= spectrum.PREPARED_CACHE_SIZE
    # the networks that fell out of the cache are freed (before: every one stayed alive)
    assert sum(r() is None for r in refs) >= 3
