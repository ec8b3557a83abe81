"""Decay-exponent fits on closed forms whose power law is known by hand."""

from __future__ import annotations

import numpy as np
import pytest

from spectral_exact._errors import InvalidFrequencyError, SpectralExactError
from spectral_exact.decay import DecayFit, fit_decay_exponent, measure_decay

#: Allowed deviation of a fitted exponent from the hand-derived one.
EXPONENT_TOL = 0.05
#: A clean power law with oscillation should give a near-perfect log-log fit.
MIN_R2 = 0.99
#: Frequency range of the fits: t_min covers several oscillation periods inside one window.
T_MIN, T_MAX = 20.0, 5000.0
GOLDEN = (1 + 5**0.5) / 2


def unit_square_transform(k: np.ndarray) -> np.ndarray:
    r"""[0,1]^2: F(k) = prod_a (1 - e^{-i k_a}) / (i k_a), with the factor 1 at k_a = 0."""
    out = np.ones(k.shape[0], dtype=complex)
    for a in range(k.shape[1]):
        ka = k[:, a]
        safe = np.where(ka == 0, 1.0, ka)
        out *= np.where(ka == 0, 1.0, (1 - np.exp(-1j * safe)) / (1j * safe))
    return out


def unit_triangle_transform(k: np.ndarray) -> np.ndarray:
    r"""conv{0, e1, e2} at distinct nodes z = (0, -i k1, -i k2): 2 * area * exp[z0, z1, z2]."""
    a, b, c = np.zeros(k.shape[0]), -1j * k[:, 0], -1j * k[:, 1]
    return (
        np.exp(a) / ((a - b) * (a - c))
        + np.exp(b) / ((b - a) * (b - c))
        + np.exp(c) / ((c - a) * (c - b))
    )


def unit_triangle_along_diagonal(k: np.ndarray) -> np.ndarray:
    r"""K = (s, s) is orthogonal to the hypotenuse: F = int_0^1 x e^{-isx} dx."""
    s = k[:, 0]
    return (np.exp(-1j * s) * (1 + 1j * s) - 1) / s**2


CASES = [
    # (name, transform, direction, exponent derived by hand)
    ("square-generic", unit_square_transform, (1.0, 1 / GOLDEN), 2.0),
    ("square-steep", unit_square_transform, (0.3, 1.0), 2.0),
    ("square-axis", unit_square_transform, (1.0, 0.0), 1.0),
    ("triangle-generic", unit_triangle_transform, (1.0, 0.37), 2.0),
    ("triangle-normal-to-hypotenuse", unit_triangle_along_diagonal, (1.0, 1.0), 1.0),
]


@pytest.mark.parametrize("envelope", ["rms", "running_max"])
@pytest.mark.parametrize(
    ("name", "func", "direction", "exponent"), CASES, ids=[c[0] for c in CASES]
)
def test_measure_decay_on_polytope_transforms(name, func, direction, exponent, envelope) -> None:
    fit = measure_decay(func, direction, T_MIN, T_MAX, envelope=envelope)
    assert isinstance(fit, DecayFit)
    assert fit.exponent == pytest.approx(exponent, abs=EXPONENT_TOL), fit
    assert fit.r2 > MIN_R2
    assert fit.n_points == fit.t.size == fit.envelope.size
    # the reported r2 is that of the reported line: recompute it from predict() in log-log
    y = np.log(fit.envelope)
    resid = y - np.log(fit.predict(fit.t))
    assert 1 - np.sum(resid**2) / np.sum((y - y.mean()) ** 2) == pytest.approx(fit.r2, abs=1e-9)


def test_sine_sum_over_cube_all_envelopes() -> None:
    """(sin t + cos(2.3 t) / 2) / t^3 decays as t^-3."""
    t = np.geomspace(T_MIN, T_MAX, 400)
    values = (np.sin(t) + 0.5 * np.cos(2.3 * t)) / t**3
    for envelope in ("rms", "running_max"):
        fit = fit_decay_exponent(t, values, envelope=envelope)
        assert fit.exponent == pytest.approx(3.0, abs=EXPONENT_TOL), envelope
        assert fit.r2 > MIN_R2


def test_peaks_on_resolved_oscillation_recover_exponent_and_amplitude() -> None:
    """|sin t| / t^1.5 sampled densely: the peaks lie on t^-1.5 / sqrt(1 + (1.5 / t)^2)
    (tan t = t / 1.5 there), i.e. on t^-1.5 within 0.3 % for t >= 20.
    """
    t = np.linspace(T_MIN, 400.0, 40_000)
    fit = fit_decay_exponent(t, np.sin(t) / t**1.5, envelope="peaks")
    assert fit.exponent == pytest.approx(1.5, abs=1e-3)
    assert np.exp(fit.intercept) == pytest.approx(1.0, rel=1e-2)
    assert fit.predict(100.0) == pytest.approx(100.0**-1.5, rel=1e-2)


def test_plain_power_law_is_exact() -> None:
    t = np.geomspace(1.0, 100.0, 50)
    fit = fit_decay_exponent(t, 3.0 * t**-2.5, envelope="none")
    assert fit.exponent == pytest.approx(2.5, abs=1e-12)
    assert fit.intercept == pytest.approx(np.log(3.0), abs=1e-12)
    assert fit.r2 == pytest.approx(1.0, abs=1e-12)
    # the running windows only rescale a pure power law (up to the discrete window edges)
    for envelope in ("rms", "running_max"):
        fit = fit_decay_exponent(t, 3.0 * t**-2.5, envelope=envelope)
        assert fit.exponent == pytest.approx(2.5, abs=1e-6)


def test_oscillation_breaks_the_raw_fit_but_not_the_envelope() -> None:
    """Without an envelope the zeros of the oscillation ruin the fit quality."""
    t = np.geomspace(T_MIN, T_MAX, 400)
    values = np.sin(t) / t**2
    raw = fit_decay_exponent(t, values, envelope="none")
    env = fit_decay_exponent(t, values)
    assert env.r2 > MIN_R2 > raw.r2


def test_bad_input_is_rejected_with_the_offending_values() -> None:
    t = np.geomspace(1.0, 10.0, 20)
    with pytest.raises(SpectralExactError, match="envelope must be one of"):
        fit_decay_exponent(t, t, envelope="hull")
    with pytest.raises(SpectralExactError, match="equal length"):
        fit_decay_exponent(t, t[:-1])
    with pytest.raises(SpectralExactError, match="positive"):
        fit_decay_exponent(t - 5.0, t)
    with pytest.raises(SpectralExactError, match="window must be a positive"):
        fit_decay_exponent(t, t, window=-1.0)
    with pytest.raises(SpectralExactError, match="usable envelope points"):
        fit_decay_exponent(t, t, window=10.0)
    with pytest.raises(InvalidFrequencyError, match="non-zero"):
        measure_decay(unit_square_transform, (0.0, 0.0), 1.0, 10.0)
    with pytest.raises(InvalidFrequencyError, match=r"t_min=10\.0, t_max=1\.0"):
        measure_decay(unit_square_transform, (1.0, 0.0), 10.0, 1.0)
    with pytest.raises(SpectralExactError, match=r"to shape \(400,\), got \(400, 2\)"):
        measure_decay(lambda k: k, (1.0, 0.0), 1.0, 10.0)
