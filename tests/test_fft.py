"""The FFT reference: scaling, phase, frequency grid and second-order convergence."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

import spectral_exact as se
from spectral_exact._errors import InvalidDomainError, InvalidFrequencyError, InvalidNetworkError
from spectral_exact.fft import MAX_GRID_POINTS, fft_fourier, fft_fourier_at, trapezoid_grid
from spectral_exact.network import ReLUNetwork
from spectral_exact.testing import assert_transform_close, mp_network_fourier_box

#: Band the fitted convergence order of the trapezoidal rule must fall in (theory: 2).
ORDER_BAND = (1.8, 2.2)
#: FFT and direct summation of the same trapezoidal sum agree to rounding.
SAME_SUM_RTOL = 1e-11
#: An asymmetric box (lo != -hi, different side lengths) exposes phase and scaling errors.
LO_2D, HI_2D = np.array([-1.0, -0.5]), np.array([1.5, 1.0])
LO_1D, HI_1D = np.array([-1.0]), np.array([1.5])


def constant_net(d: int, value: float) -> ReLUNetwork:
    """f(x) = value on R^d (zero hidden weights, output bias = value)."""
    return ReLUNetwork([np.zeros((1, d)), np.zeros((1, 1))], [np.zeros(1), np.array([value])])


def box_of_constant(lo: np.ndarray, hi: np.ndarray, k: np.ndarray) -> np.ndarray:
    """int_box e^{-ik.x} dx = prod_a (e^{-i k_a lo_a} - e^{-i k_a hi_a}) / (i k_a)."""
    out = np.ones(k.shape[:-1], dtype=complex)
    for a in range(k.shape[-1]):
        ka = k[..., a]
        safe = np.where(ka == 0, 1.0, ka)
        side = (np.exp(-1j * safe * lo[a]) - np.exp(-1j * safe * hi[a])) / (1j * safe)
        out *= np.where(ka == 0, hi[a] - lo[a], side)
    return out


def fitted_order(ns: np.ndarray, errors: np.ndarray, length: float) -> float:
    """Least-squares slope of log(error) against log(h), h = length / (n - 1)."""
    h = length / (ns - 1)
    return float(np.polyfit(np.log(h), np.log(errors), 1)[0])


# -------------------------------------------------------------------- grid and conventions
@pytest.mark.parametrize("n", [7, 8])
def test_frequency_grid_is_ascending_dft_grid(n: int) -> None:
    net = constant_net(2, 1.0)
    k, values, x = fft_fourier(net, (LO_2D, HI_2D), n=n, return_grid=True)
    assert k.shape == (n, n, 2) and values.shape == (n, n) and x.shape == (n, n, 2)
    h = (HI_2D - LO_2D) / (n - 1)
    m = np.arange(-(n // 2), (n - 1) // 2 + 1)
    np.testing.assert_allclose(k[:, 0, 0], 2 * np.pi * m / (n * h[0]), rtol=1e-14)
    np.testing.assert_allclose(k[0, :, 1], 2 * np.pi * m / (n * h[1]), rtol=1e-14)
    assert np.all(k[:, :, 0] == k[:, :1, 0]) and np.all(k[:, :, 1] == k[:1, :, 1])
    np.testing.assert_allclose(x[0, 0], LO_2D, rtol=0, atol=0)
    np.testing.assert_allclose(x[-1, -1], HI_2D, rtol=0, atol=0)
    np.testing.assert_allclose(x[1, 0] - x[0, 0], [h[0], 0.0], atol=1e-15)
    # k = 0 sits at index n // 2 and integrates the constant exactly
    assert np.all(k[n // 2, n // 2] == 0)
    assert values[n // 2, n // 2] == pytest.approx(np.prod(HI_2D - LO_2D), rel=1e-14)


def test_constant_on_asymmetric_box_within_trapezoid_error_bound() -> None:
    r"""For f = c, |T - F| <= c (E_1 L_2 + L_1 E_2) with E_a = L_a h_a^2 k_a^2 / 12, the
    trapezoidal error bound for e^{-i k_a x_a}; a wrong phase or scale breaks it by O(1).
    """
    c, n = 2.5, 128
    k, values = fft_fourier(constant_net(2, c), (LO_2D, HI_2D), n=n)
    sel = (slice(n // 2 - 4, n // 2 + 5),) * 2  # |k_a| up to ~ 2 pi * 4 / L_a
    kk, tt = k[sel], values[sel]
    exact = c * box_of_constant(LO_2D, HI_2D, kk)
    lengths = HI_2D - LO_2D
    h = lengths / (n - 1)
    e = lengths * h**2 * kk**2 / 12
    bound = c * (e[..., 0] * lengths[1] + lengths[0] * e[..., 1])
    assert np.all(np.abs(tt - exact) <= bound)
    assert np.max(np.abs(tt - exact)) > 0  # the bound is being exercised, not trivially met


def test_fft_equals_direct_trapezoid_sum_at_grid_frequencies() -> None:
    """Scaling and phase of the FFT route agree with the direct sum for a non-trivial net."""
    net = ReLUNetwork.random((2, 6, 6, 1), seed=4)
    k, values = fft_fourier(net, (LO_2D, HI_2D), n=24)
    direct = fft_fourier_at(net, (LO_2D, HI_2D), 24, k)
    assert direct.shape == values.shape
    assert_transform_close(values, direct, rtol=0, atol=SAME_SUM_RTOL * np.abs(direct).max())
    net1 = ReLUNetwork.random((1, 5, 1), seed=5)
    k1, v1 = fft_fourier(net1, (LO_1D, HI_1D), n=33)
    assert k1.shape == (33, 1)
    direct1 = fft_fourier_at(net1, (LO_1D, HI_1D), 33, k1)
    assert_transform_close(v1, direct1, rtol=0, atol=SAME_SUM_RTOL * np.abs(direct1).max())


def test_domain_rule_is_the_transforms_and_real_symmetry() -> None:
    net = ReLUNetwork.random((2, 4, 1), seed=6)
    # the same domain rule as network_fourier: an object that merely has lo/hi is not a Box
    with pytest.raises(InvalidDomainError, match="domain must be a Box"):
        fft_fourier_at(net, SimpleNamespace(lo=LO_2D, hi=HI_2D), 40, [[1.0, 2.0]])
    box = se.Box(LO_2D, HI_2D)
    k = np.array([[1.0, -2.0], [0.5, 3.0]])
    t = fft_fourier_at(net, box, 40, k)
    np.testing.assert_array_equal(t, fft_fourier_at(net, (LO_2D, HI_2D), 40, k))
    assert_transform_close(fft_fourier_at(net, box, 40, -k), np.conj(t), rtol=1e-13)
    assert fft_fourier_at(net, box, 40, k[0]).shape == ()


# ------------------------------------------------------------------------- convergence
def test_second_order_convergence_1d_against_mp_reference() -> None:
    net = ReLUNetwork.random((1, 8, 1), seed=1)
    k = np.array([[1.0], [3.0], [-7.0]])
    exact = mp_network_fourier_box(net, LO_1D, HI_1D, k)
    ns = np.unique(np.round(np.geomspace(32, 16384, 25)).astype(int))
    errors = np.array(
        [np.max(np.abs(fft_fourier_at(net, (LO_1D, HI_1D), int(n), k) - exact)) for n in ns]
    )
    order = fitted_order(ns, errors, float(HI_1D[0] - LO_1D[0]))
    assert ORDER_BAND[0] <= order <= ORDER_BAND[1], (order, errors)


def test_second_order_convergence_2d_against_mp_reference() -> None:
    net = ReLUNetwork.random((2, 6, 1), seed=3)
    k = np.array([[1.0, 0.0], [3.0, -2.0], [-7.0, 5.0]])
    exact = mp_network_fourier_box(net, LO_2D, HI_2D, k)
    ns = np.unique(np.round(np.geomspace(16, 512, 11)).astype(int))
    errors = np.array(
        [np.max(np.abs(fft_fourier_at(net, (LO_2D, HI_2D), int(n), k) - exact)) for n in ns]
    )
    order = fitted_order(ns, errors, float(np.max(HI_2D - LO_2D)))
    assert ORDER_BAND[0] <= order <= ORDER_BAND[1], (order, errors)
    # the FFT grid route converges the same way at the grid frequencies it happens to hit
    kg, vg = fft_fourier(net, (LO_2D, HI_2D), n=257)
    centre = (slice(128 - 2, 128 + 3),) * 2
    ref = mp_network_fourier_box(net, LO_2D, HI_2D, kg[centre].reshape(-1, 2), dps=20)
    rel = np.abs(vg[centre].ravel() - ref) / np.abs(ref).max()
    assert rel.max() < 1e-4


# ------------------------------------------------------------------------- validation
def test_invalid_input_is_rejected_clearly() -> None:
    net = ReLUNetwork.random((2, 3, 1), seed=0)
    box = (LO_2D, HI_2D)
    with pytest.raises(InvalidDomainError, match="n must be an int >= 2"):
        fft_fourier(net, box, n=1)
    with pytest.raises(InvalidDomainError, match=r"n must be an int >= 2, got 2\.5"):
        fft_fourier(net, box, n=2.5)  # type: ignore[arg-type]
    with pytest.raises(InvalidDomainError, match="got True"):
        fft_fourier(net, box, n=True)
    with pytest.raises(InvalidDomainError, match=f"exceeds MAX_GRID_POINTS = {MAX_GRID_POINTS}"):
        fft_fourier(net, box, n=4097)
    with pytest.raises(InvalidDomainError, match=r"lives in R\^1 but the network takes .* R\^2"):
        fft_fourier(net, ([0.0], [1.0]))
    with pytest.raises(InvalidDomainError, match="finite"):
        fft_fourier(net, ([0.0, -np.inf], [1.0, 1.0]))
    with pytest.raises(InvalidDomainError, match="flat in axis 1"):
        fft_fourier(net, ([0.0, 1.0], [1.0, 1.0]))
    with pytest.raises(
        InvalidDomainError, match=r"domain must be a Box, \(lo, hi\) or None; got str"
    ):
        fft_fourier(net, "unit square")
    with pytest.raises(InvalidDomainError, match=r"domain=None .* cannot be sampled"):
        fft_fourier(net, None)
    with pytest.raises(InvalidFrequencyError, match=r"shape \(\.\.\., 2\)"):
        fft_fourier_at(net, box, 8, np.zeros((3, 3)))
    with pytest.raises(InvalidFrequencyError, match="non-finite"):
        fft_fourier_at(net, box, 8, [np.nan, 0.0])
    with pytest.raises(InvalidNetworkError, match="ReLUNetwork"):
        fft_fourier(lambda x: x, box)
    _axes, weights, _h = trapezoid_grid(box, 5, 2)
    assert [w.sum() for w in weights] == pytest.approx(list(HI_2D - LO_2D))
