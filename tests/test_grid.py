"""network_fourier_grid: exact transforms on fft_fourier's grid (NUFFT of the kink measure).

Reference values come from the closed form ``network_fourier`` (regions route) at every grid
point; the layout from ``fft_fourier`` itself.
"""

from __future__ import annotations

import numpy as np
import pytest

import spectral_exact as se
from spectral_exact.fourier.grid import GRID_RTOL, network_fourier_grid_report
from spectral_exact.fourier.spectrum import prepare_network

#: Slack on the default accuracy: max error <= GRID_RTOL * max|F| is what the docs promise.
PROMISE = GRID_RTOL
#: Rounding slack for points computed by the closed form through two routes (prepared or not).
ROUNDING = 1e-13
#: FFT (trapezoid) convergence order band: kinks limit it to 2.
ORDER_BAND = (1.7, 2.3)
#: Midpoint-rule error on an 800^2 grid relative to max|F| (measured ~1e-6).
MIDPOINT_SLACK = 1e-5

CASES_2D = [
    ("square", (2, 8, 8, 1), ([-1.0, -1.0], [1.0, 1.0]), 16),
    ("off-centre non-square odd n", (2, 8, 6, 1), ([0.3, -2.0], [1.1, -0.5]), 15),
    ("wide box", (2, 6, 6, 1), ([-3.0, 0.0], [2.0, 0.5]), 12),
]
CASES_1D = [
    ("centred", (1, 8, 8, 1), ([-1.0], [1.0]), 32),
    ("off-centre odd n", (1, 6, 6, 1), ([0.5], [4.0]), 25),
]


def _check_against_closed_form(arch, lohi, n, seed=3):  # type: ignore[no-untyped-def]
    net = se.ReLUNetwork.random(arch, seed=seed)
    box = se.Box(*lohi)
    rep = network_fourier_grid_report(net, box, n)
    k_fft, _ = se.fft_fourier(net, domain=box, n=n)
    assert np.array_equal(rep.k_grid, k_fft)
    exact = se.network_fourier(net, rep.k_grid, domain=box)
    err = np.abs(rep.values - exact)
    scale = np.abs(exact).max()
    assert err.max() <= PROMISE * scale
    # the documented bound holds wherever the NUFFT value is kept
    kept = ~rep.exact
    assert np.all(err[kept] <= rep.error_bound[kept])
    assert np.all(err[rep.exact] <= ROUNDING * scale)
    return net, box, rep, exact


@pytest.mark.parametrize("name,arch,lohi,n", CASES_2D, ids=[c[0] for c in CASES_2D])
def test_2d_matches_closed_form_everywhere(name, arch, lohi, n):  # type: ignore[no-untyped-def]
    _, _, rep, exact = _check_against_closed_form(arch, lohi, n)
    c = n // 2
    assert rep.exact[(c,) * 2]  # k = 0 is computed exactly
    assert np.all(rep.k_grid[c, :, 0] == 0) and np.all(rep.k_grid[:, c, 1] == 0)  # the axes
    scale = np.abs(exact).max()
    assert np.abs(rep.values[c, :] - exact[c, :]).max() <= PROMISE * scale
    assert np.abs(rep.values[:, c] - exact[:, c]).max() <= PROMISE * scale


@pytest.mark.parametrize("name,arch,lohi,n", CASES_1D, ids=[c[0] for c in CASES_1D])
def test_1d_matches_closed_form_everywhere(name, arch, lohi, n):  # type: ignore[no-untyped-def]
    _, _, rep, _ = _check_against_closed_form(arch, lohi, n)
    assert rep.exact[n // 2]


def test_1d_hand_solved_relu() -> None:
    """F = relu(x) on [-1, 2]: F(k) = int_0^2 x e^{-ikx} dx in closed form."""
    relu = se.ReLUNetwork([np.array([[1.0]]), np.array([[1.0]])], [np.zeros(1), np.zeros(1)])
    k, F = se.network_fourier_grid(relu, domain=se.Box([-1.0], [2.0]), n=20)
    kk = k[..., 0]
    nz = kk != 0
    e = np.exp(-2j * kk[nz])
    ref = np.empty(20, dtype=complex)
    ref[nz] = (2j * e) / kk[nz] + (e - 1) / kk[nz] ** 2
    ref[~nz] = 2.0
    assert np.abs(F - ref).max() <= PROMISE * np.abs(ref).max()


def test_invariants_conjugate_symmetry_and_zero() -> None:
    net = se.ReLUNetwork.random((2, 6, 6, 1), seed=7)
    box = se.Box([-1.0, -0.5], [0.5, 1.0])
    k, F = se.network_fourier_grid(net, domain=box, n=17)  # odd n: the grid is symmetric
    c = 8
    scale = np.abs(F).max()
    assert np.abs(F - np.conj(F[::-1, ::-1])).max() <= 2 * PROMISE * scale
    assert np.all(k[c, c] == 0)
    # F(0) = integral of f: midpoint rule on a fine grid (f is Lipschitz: O(h^2) error)
    m = 800
    xs = [np.linspace(lo, hi, m + 1)[:-1] + (hi - lo) / (2 * m) for lo, hi in zip(box.lo, box.hi)]
    X = np.stack(np.meshgrid(*xs, indexing="ij"), axis=-1)
    mid = float(net(X).mean()) * float(np.prod(box.hi - box.lo))
    assert abs(F[c, c] - mid) <= MIDPOINT_SLACK * scale


def test_prepared_network_and_tuple_domain() -> None:
    net = se.ReLUNetwork.random((2, 6, 6, 1), seed=2)
    box = se.Box([-1.0, -1.0], [1.0, 1.0])
    prep = prepare_network(net, box)
    k1, F1 = se.network_fourier_grid(prep, n=12)
    k2, F2 = se.network_fourier_grid(net, domain=([-1.0, -1.0], [1.0, 1.0]), n=12)
    k3, F3 = se.network_fourier_grid(prep, domain=box, n=12)
    assert np.array_equal(k1, k2) and np.array_equal(k1, k3)
    assert np.abs(F1 - F2).max() <= ROUNDING * np.abs(F1).max()
    assert np.array_equal(F1, F3)
    # a tight rtol sends several small-|k| points to the closed form, through the prepared net
    prep11 = prepare_network(se.ReLUNetwork.random((2, 8, 8, 1), seed=11), box)
    rep = network_fourier_grid_report(prep11, None, 10, rtol=1e-13)
    assert rep.exact.sum() > 1
    ref = se.network_fourier(prep11, rep.k_grid)
    assert np.abs(rep.values - ref).max() <= 1e-13 * np.abs(ref).max()


CASES_3D = [
    ("cube", (3, 5, 4, 1), ([-1.0, -1.0, -1.0], [1.0, 1.0, 1.0]), 6),
    ("off-centre non-square odd n", (3, 4, 4, 1), ([0.3, -2.0, -0.2], [1.1, -0.5, 0.4]), 5),
]


@pytest.mark.parametrize("name,arch,lohi,n", CASES_3D, ids=[c[0] for c in CASES_3D])
def test_3d_matches_closed_form_everywhere(name, arch, lohi, n):  # type: ignore[no-untyped-def]
    _, _, rep, _ = _check_against_closed_form(arch, lohi, n)
    assert rep.exact[(n // 2,) * 3]
    assert rep.n_nodes > 0  # the NUFFT route, not the direct fallback


def test_4d_direct_fallback() -> None:
    net = se.ReLUNetwork.random((4, 3, 1), seed=0)
    box = se.Box([-1.0, 0.0, -0.5, 0.0], [1.0, 1.0, 0.5, 2.0])
    rep = network_fourier_grid_report(net, box, 3)
    assert np.array_equal(rep.k_grid, se.fft_fourier(net, domain=box, n=3)[0])
    assert rep.exact.all() and rep.n_nodes == 0
    ref = se.network_fourier(net, rep.k_grid, domain=box)
    assert np.abs(rep.values - ref).max() <= ROUNDING * np.abs(ref).max()


def test_fft_converges_to_grid_values_at_second_order() -> None:
    """At the lowest frequencies the trapezoid FFT error shrinks like h^2."""
    net = se.ReLUNetwork.random((2, 8, 8, 1), seed=5)
    box = se.Box([-1.0, -1.0], [1.0, 1.0])
    ns = (32, 64, 128)
    errs = []
    for n in ns:
        _k, F = se.network_fourier_grid(net, domain=box, n=n)
        _, T = se.fft_fourier(net, domain=box, n=n)
        c = n // 2
        block = (slice(c - 2, c + 3),) * 2
        errs.append(float(np.abs(T[block] - F[block]).max()))
    h = 2.0 / (np.array(ns) - 1)
    order = np.polyfit(np.log(h), np.log(errs), 1)[0]
    assert ORDER_BAND[0] <= order <= ORDER_BAND[1]


def test_tighter_rtol_is_honoured() -> None:
    net = se.ReLUNetwork.random((2, 8, 8, 1), seed=11)
    box = se.Box([-1.0, -1.0], [1.0, 1.0])
    rep = network_fourier_grid_report(net, box, 10, rtol=1e-13)
    exact = se.network_fourier(net, rep.k_grid, domain=box)
    assert np.abs(rep.values - exact).max() <= 1e-13 * np.abs(exact).max()
    kept = ~rep.exact
    assert np.all(rep.error_bound[kept] <= 1e-13 * np.abs(exact).max())


@pytest.mark.parametrize(
    "n,match",
    [
        (0, "n must be an int >= 2"),
        (1, "n must be an int >= 2"),
        (2.5, "got 2.5"),
        (True, "got True"),
        ("8", "got '8'"),
    ],
)
def test_bad_n(n, match):  # type: ignore[no-untyped-def]
    net = se.ReLUNetwork.random((2, 4, 1), seed=0)
    with pytest.raises(se.InvalidDomainError, match=match):
        se.network_fourier_grid(net, domain=se.Box([0, 0], [1, 1]), n=n)


def test_bad_domain_and_net() -> None:
    net = se.ReLUNetwork.random((2, 4, 1), seed=0)
    with pytest.raises(se.InvalidDomainError, match="domain=None"):
        se.network_fourier_grid(net, n=8)
    with pytest.raises(se.InvalidDomainError, match="lives in R\\^1 but the network takes"):
        se.network_fourier_grid(net, domain=se.Box([0], [1]), n=8)
    with pytest.raises(se.InvalidDomainError, match="domain must be a Box, \\(lo, hi\\) or None"):
        se.network_fourier_grid(net, domain="unit square", n=8)
    prep = prepare_network(net, se.Box([0, 0], [1, 1]))
    with pytest.raises(se.InvalidDomainError, match="prepared network is for domain"):
        se.network_fourier_grid(prep, domain=se.Box([0, 0], [2, 1]), n=8)
    with pytest.raises(se.InvalidDomainError, match="domain=None \\(all of R\\^d\\)"):
        se.network_fourier_grid(prepare_network(net, None), n=8)
    with pytest.raises(se.InvalidNetworkError, match="got str"):
        se.network_fourier_grid("net", domain=se.Box([0, 0], [1, 1]), n=8)
    with pytest.raises(se.InvalidDomainError, match="rtol must be a positive"):
        se.network_fourier_grid(net, domain=se.Box([0, 0], [1, 1]), n=8, rtol=0.0)
    with pytest.raises(se.InvalidDomainError, match="MAX_GRID_POINTS"):
        se.network_fourier_grid(net, domain=se.Box([0, 0], [1, 1]), n=10**5)


@pytest.mark.parametrize(
    "arch,lohi,n",
    [
        ((2, 6, 6, 1), ([-1.0, 0.0], [1.0, 1.5]), 16),
        ((3, 4, 4, 1), ([-1.0, 0.0, 0.0], [1.0, 1.0, 1.0]), 6),
    ],
)
def test_node_batches_do_not_change_values(arch, lohi, n, monkeypatch):  # type: ignore[no-untyped-def]
    """Nodes generated and transformed in many small batches give the same transform."""
    import spectral_exact.fourier.grid as grid_mod

    net = se.ReLUNetwork.random(arch, seed=4)
    box = se.Box(*lohi)
    one = network_fourier_grid_report(net, box, n)
    monkeypatch.setattr(grid_mod, "_NODE_BATCH", 100)
    many = network_fourier_grid_report(net, box, n)
    assert one.n_nodes == many.n_nodes > 5 * 100
    assert np.abs(one.values - many.values).max() <= ROUNDING * np.abs(one.values).max()
