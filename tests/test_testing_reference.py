"""The independent high-precision reference (spectral_exact.testing) against hand-solved cases."""

from __future__ import annotations

import json
import random
from pathlib import Path

import mpmath
import numpy as np
import pytest
from mpmath import mp

from spectral_exact._errors import (
    InvalidDomainError,
    InvalidFrequencyError,
    InvalidNetworkError,
    InvalidPolytopeError,
)
from spectral_exact.network import ReLUNetwork
from spectral_exact.testing import (
    assert_transform_close,
    mp_affine_polytope_fourier,
    mp_exp_divided_difference,
    mp_network_fourier_box,
    mp_network_pieces_box,
    mp_polytope_fourier,
    mp_simplex_affine_fourier,
    mp_simplex_fourier,
)

#: The shared 40-digit reference cases, vendored into the repository (no machine path).
SHARED_CASES = Path(__file__).resolve().parent / "data" / "windowed_fourier_cases.json"
#: Relative agreement required with the shared 40-digit reference values (stored as doubles).
SHARED_RTOL = 1e-11
#: Digits the reference must deliver (checked in mpmath against closed forms).
MP_DIGITS = 30
MP_RTOL = mpmath.mpf(10) ** (-MP_DIGITS)
UNIT_TRIANGLE = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0]])


def _shared_cases() -> dict:
    return json.loads(SHARED_CASES.read_text())


def _mp_rel(a: mpmath.mpc, b: mpmath.mpc) -> mpmath.mpf:
    return abs(a - b) / abs(b)


def _interval_closed(lo: mpmath.mpf, hi: mpmath.mpf, k: mpmath.mpf) -> mpmath.mpc:
    """int_lo^hi e^{-ikx} dx = (e^{-ik lo} - e^{-ik hi}) / (ik), = hi - lo at k = 0."""
    if k == 0:
        return mpmath.mpc(hi - lo)
    return (mpmath.exp(-1j * k * lo) - mpmath.exp(-1j * k * hi)) / (1j * k)


def _ramp_closed(a: mpmath.mpf) -> mpmath.mpc:
    """int_0^1 s e^{-ias} ds = (e^{-ia}(1 + ia) - 1) / a^2, = 1/2 at a = 0."""
    if a == 0:
        return mpmath.mpc(mpmath.mpf(1) / 2)
    return (mpmath.exp(-1j * a) * (1 + 1j * a) - 1) / a**2


def _one_minus_closed(a: mpmath.mpf) -> mpmath.mpc:
    """int_0^1 (1 - x) e^{-iax} dx = 1/(ia) - (1 - e^{-ia}) / (ia)^2, = 1/2 at a = 0."""
    if a == 0:
        return mpmath.mpc(mpmath.mpf(1) / 2)
    z = -1j * a
    return (mpmath.exp(z) - 1 - z) / z**2


# ----------------------------------------------------------------- divided differences
def test_divided_difference_all_nodes_coincide() -> None:
    with mp.workdps(60):
        z = mpmath.mpc(0, "0.3")
        for m in range(5):
            for method in ("newton", "taylor", "auto"):
                got = mp_exp_divided_difference([z] * (m + 1), 40, method)
                assert _mp_rel(got, mpmath.exp(z) / mpmath.factorial(m)) < MP_RTOL


def test_divided_difference_methods_agree_at_large_and_clustered_nodes() -> None:
    """Two independent algorithms (Newton recursion, Opitz scaling and squaring) agree to
    30 digits at |z| ~ 1e4, at nodes 1e-25 apart and at distinct nodes.
    """
    rng = random.Random(7)
    with mp.workdps(60):
        cases = [
            [mpmath.mpc(0, -1e4 * x) for x in (0.1, 0.5, 0.93, 0.5)],
            [
                mpmath.mpc(0, "0.3"),
                mpmath.mpc(0, mpmath.mpf("0.3") + mpmath.mpf("1e-25")),
                mpmath.mpc(0, "1.7"),
            ],
            [mpmath.mpc(0, rng.uniform(-50, 50)) for _ in range(5)],
        ]
        for nodes in cases:
            a = mp_exp_divided_difference(nodes, 40, "newton")
            b = mp_exp_divided_difference(nodes, 40, "taylor")
            assert _mp_rel(a, b) < MP_RTOL


def test_divided_difference_rejects_unknown_method() -> None:
    with pytest.raises(ValueError, match="method must be"):
        mp_exp_divided_difference([0, 1], method="spline")


# ------------------------------------------------------------------- simplices, polytopes
def test_unit_interval_closed_form() -> None:
    ks = [0.0, 1e-9, 2.0, -31.4, 1e4]
    got = mp_simplex_fourier([[0.0], [1.0]], np.array(ks)[:, None], as_mp=True)
    for g, k in zip(got, ks):
        with mp.workdps(60):
            assert (
                _mp_rel(g, _interval_closed(mpmath.mpf(0), mpmath.mpf(1), mpmath.mpf(k))) < MP_RTOL
            )


def test_unit_square_is_product_of_sinc_forms() -> None:
    """[0,1]^2: F(k) = prod_a e^{-i k_a / 2} * 2 sin(k_a / 2) / k_a, including k_a = 0."""
    square = [[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0]]
    ks = np.array([[0.0, 0.0], [0.0, 3.0], [2.0, -5.0], [40.0, 0.5], [1e3, -7e2]])
    got = mp_polytope_fourier(square, ks, as_mp=True)
    with mp.workdps(60):
        for g, k in zip(got, ks):
            want = mpmath.mpc(1)
            for ka in map(mpmath.mpf, k):
                want *= (mpmath.exp(-1j * ka / 2) * 2 * mpmath.sin(ka / 2) / ka) if ka else 1
            assert _mp_rel(g, want) < MP_RTOL


def test_triangle_matches_shared_reference() -> None:
    case = _shared_cases()["polygons"][0]
    want = np.array([complex(*f) for f in case["F"]])
    assert_transform_close(
        mp_polytope_fourier(case["vertices"], case["k"]), want, SHARED_RTOL, what="triangle"
    )
    assert_transform_close(
        mp_simplex_fourier(case["vertices"], case["k"]), want, SHARED_RTOL, what="simplex"
    )


def test_simplex_at_exactly_confluent_frequencies() -> None:
    """K = 0, k perpendicular to the hypotenuse (z_1 = z_2) and to a leg (z_0 = z_2)."""
    t = 7.25  # exact binary float
    with mp.workdps(60):
        tm = mpmath.mpf(t)
        assert (
            _mp_rel(mp_simplex_fourier(UNIT_TRIANGLE, [0.0, 0.0], as_mp=True), mpmath.mpf(1) / 2)
            < MP_RTOL
        )
        # k = (t, t): x + y = s has length-density s on the triangle
        assert (
            _mp_rel(mp_simplex_fourier(UNIT_TRIANGLE, [t, t], as_mp=True), _ramp_closed(tm))
            < MP_RTOL
        )
        # k = (t, 0): the height above x is 1 - x
        assert (
            _mp_rel(mp_simplex_fourier(UNIT_TRIANGLE, [t, 0.0], as_mp=True), _one_minus_closed(tm))
            < MP_RTOL
        )
        # the unit tetrahedron at k = 0 has volume 1/6
        tet = np.vstack([np.zeros(3), np.eye(3)])
        assert (
            _mp_rel(mp_simplex_fourier(tet, np.zeros(3), as_mp=True), mpmath.mpf(1) / 6) < MP_RTOL
        )


def test_large_frequency_all_nodes_equal_keeps_30_digits() -> None:
    """|k| * diam ~ 1e4 with k perpendicular to the simplex's plane direction: all nodes equal."""
    seg = np.array([[0.0, 0.0], [0.0, 3.0]])  # a 1-simplex in R^2 (Hausdorff measure)
    k = np.array([1e4 / 3.0, 0.0])  # k . v = 0 at both ends
    with mp.workdps(60):
        got = mp_simplex_fourier(seg, k, as_mp=True)
        assert _mp_rel(got, mpmath.mpf(3)) < MP_RTOL
        # generic segment: |b - a| (e^{z_b} - e^{z_a}) / (z_b - z_a)
        seg2 = np.array([[0.5, -1.0], [2.0, 1.5]])
        k2 = np.array([3100.0, -2500.0])
        a, b = ([mpmath.mpf(x) for x in r] for r in seg2)
        za = -1j * (k2[0] * a[0] + k2[1] * a[1])
        zb = -1j * (k2[0] * b[0] + k2[1] * b[1])
        length = mpmath.sqrt((b[0] - a[0]) ** 2 + (b[1] - a[1]) ** 2)
        want = length * (mpmath.exp(zb) - mpmath.exp(za)) / (zb - za)
        assert _mp_rel(mp_simplex_fourier(seg2, k2, as_mp=True), want) < MP_RTOL


def test_precision_is_self_consistent_near_confluence() -> None:
    """dps=40 and dps=70 agree to 35 digits at k almost perpendicular to an edge, |k| ~ 1e4."""
    k = np.array([1e4, 1e4 * (1 + 2.0**-45)])
    lo = mp_simplex_fourier(UNIT_TRIANGLE, k, dps=40, as_mp=True)
    hi = mp_simplex_fourier(UNIT_TRIANGLE, k, dps=70, as_mp=True)
    with mp.workdps(80):
        assert _mp_rel(lo, hi) < mpmath.mpf(10) ** -35


def test_affine_formula_matches_numerical_quadrature() -> None:
    verts = np.array([[0.2, -0.1], [1.3, 0.4], [-0.5, 0.9]])
    w, c, k = np.array([0.7, -1.1]), 0.3, np.array([2.5, -4.0])
    with mp.workdps(20):
        v0, v1, v2 = ([mpmath.mpf(x) for x in r] for r in verts)
        e1 = [v1[i] - v0[i] for i in range(2)]
        e2 = [v2[i] - v0[i] for i in range(2)]
        jac = abs(e1[0] * e2[1] - e1[1] * e2[0])

        def integrand(s: mpmath.mpf, u: mpmath.mpf) -> mpmath.mpc:
            x = [v0[i] + s * e1[i] + u * e2[i] for i in range(2)]
            g = w[0] * x[0] + w[1] * x[1] + c
            return g * mpmath.exp(-1j * (k[0] * x[0] + k[1] * x[1]))

        quad = jac * mp.quad(lambda s: mp.quad(lambda u: integrand(s, u), [0, 1 - s]), [0, 1])
    got = mp_simplex_affine_fourier(verts, w, c, k)
    assert_transform_close(got, complex(quad), 1e-15, what="affine vs mpmath.quad")
    # the polytope version on the same triangle, and linearity in (w, c)
    assert_transform_close(mp_affine_polytope_fourier(verts, w, c, k), got, 1e-15)
    split = mp_simplex_affine_fourier(verts, w, 0.0, k) + c * mp_simplex_fourier(verts, k)
    assert_transform_close(split, got, 1e-15, what="linearity")


def test_conjugate_symmetry_and_translation_phase() -> None:
    square = np.array([[0.0, 0.0], [2.0, 0.0], [2.0, 1.0], [0.0, 1.0]])
    shift = np.array([0.75, -1.5])
    ks = np.array([[1.0, 2.0], [-3.5, 0.25]])
    f = mp_affine_polytope_fourier(square, [1.0, -2.0], 0.5, ks)
    assert_transform_close(
        mp_affine_polytope_fourier(square, [1.0, -2.0], 0.5, -ks), np.conj(f), 1e-14
    )
    # g(x) = f(x - shift) on square + shift: transform picks up e^{-i k . shift}
    c_shift = 0.5 - (1.0 * shift[0] - 2.0 * shift[1])
    g = mp_affine_polytope_fourier(square + shift, [1.0, -2.0], c_shift, ks)
    assert_transform_close(g, np.exp(-1j * ks @ shift) * f, 1e-14, what="translation")


# ---------------------------------------------------------------------------- networks
def test_relu_on_symmetric_interval_closed_form() -> None:
    """f(x) = relu(x) on [-1, 1]: F(k) = int_0^1 x e^{-ikx} dx, including k = 0.

    A second neuron with zero weight and bias (pre-activation identically 0) must neither
    split nor duplicate a piece.
    """
    w1, w2 = np.array([[1.0], [0.0]]), np.array([[1.0, 5.0]])
    net = ReLUNetwork([w1, w2], [np.zeros(2), np.zeros(1)])
    ks = [0.0, 0.125, 3.0, -17.0, 1e4]
    got = mp_network_fourier_box(net, [-1.0], [1.0], np.array(ks)[:, None], as_mp=True)
    with mp.workdps(60):
        for g, k in zip(got, ks):
            assert _mp_rel(g, _ramp_closed(mpmath.mpf(k))) < MP_RTOL
    assert len(mp_network_pieces_box(net, [-1.0], [1.0])) == 2


@pytest.mark.parametrize("index", [0, 1], ids=["2d-8-8", "1d-8-8"])
def test_shared_network_cases(index: int) -> None:
    case = _shared_cases()["networks"][index]
    net = ReLUNetwork(case["weights"], case["biases"])
    pieces = mp_network_pieces_box(net, case["lo"], case["hi"])
    assert len(pieces) == case["n_regions_in_box"]
    assert len({p.pattern for p in pieces}) == len(pieces)
    want = np.array([complex(*f) for f in case["F"]])
    got = mp_network_fourier_box(net, case["lo"], case["hi"], case["k"])
    assert_transform_close(got, want, SHARED_RTOL, what=f"network {index}")
    # the pieces tile the box, f(x) = w . x + bias on each, and F(0) = sum of the integrals
    # of the affine pieces (area times the value at the centroid of each fan triangle)
    box_volume = float(np.prod(np.subtract(case["hi"], case["lo"])))
    sizes, integral = [], 0.0
    for p in pieces:
        v = np.array([[float(x) for x in row] for row in p.vertices])
        w, b = np.array([float(x) for x in p.weight]), float(p.bias)
        assert net(v.mean(axis=0)) == pytest.approx(w @ v.mean(axis=0) + b, abs=1e-12)
        simplices = [v] if v.shape[1] == 1 else [v[[0, i, i + 1]] for i in range(1, len(v) - 1)]
        for s in simplices:
            size = abs(np.linalg.det(s[1:] - s[0])) / (1 if v.shape[1] == 1 else 2)
            sizes.append(size)
            integral += size * (w @ s.mean(axis=0) + b)
    assert sum(sizes) == pytest.approx(box_volume, rel=1e-13)
    assert integral == pytest.approx(want[0].real, rel=1e-12)


def test_network_reference_rejects_bad_input() -> None:
    net2 = ReLUNetwork.random((2, 3, 1), seed=0)
    with pytest.raises(InvalidFrequencyError, match=r"shape \(2,\) or \(n, 2\)"):
        mp_network_fourier_box(net2, [-1, -1], [1, 1], [1.0, 2.0, 3.0])
    with pytest.raises(InvalidDomainError, match="lo < hi"):
        mp_network_fourier_box(net2, [-1, 1], [1, 1], [1.0, 2.0])
    with pytest.raises(InvalidNetworkError, match="dimension 1 or 2, got 3"):
        mp_network_pieces_box(ReLUNetwork.random((3, 2, 1), seed=0), [0, 0, 0], [1, 1, 1])
    with pytest.raises(InvalidPolytopeError, match="m \\+ 1 <= d \\+ 1"):
        mp_simplex_fourier(np.zeros((4, 2)), [0.0, 0.0])
    with pytest.raises(InvalidFrequencyError, match="non-finite"):
        mp_simplex_fourier(UNIT_TRIANGLE, [np.nan, 0.0])


# ------------------------------------------------------------------------ comparison
def test_assert_transform_close_reports_worst_entry() -> None:
    desired = np.array([1.0 + 1.0j, 2.0, -3.0j])
    assert_transform_close(desired * (1 + 1e-13), desired, rtol=1e-12)
    actual = desired.copy()
    actual[2] += 1e-6
    with pytest.raises(
        AssertionError, match=r"1 of 3 entries.*worst at index \(2,\).*rel err=3\.3"
    ):
        assert_transform_close(actual, desired, rtol=1e-9, what="demo")
    with pytest.raises(AssertionError, match="shapes differ"):
        assert_transform_close(desired[:2], desired, rtol=1e-9)
    with pytest.raises(AssertionError, match="non-finite"):
        assert_transform_close(np.array([np.nan, 2.0, -3.0j]), desired, rtol=1e-9)
