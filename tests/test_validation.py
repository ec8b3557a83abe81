"""Bad input is refused with a library error naming the argument (issue 9, deliverable 3)."""

from pathlib import Path

import numpy as np
import pytest

import spectral_exact as se
from spectral_exact._validate import integer, positive_float, real_array


@pytest.fixture
def net2():
    return se.ReLUNetwork.random((2, 4, 1), seed=1)


# ------------------------------------------------------------------ the validation helpers
@pytest.mark.parametrize(
    ("value", "match"),
    [
        (None, "required"),
        ([1 + 2j], "must be real"),
        ("abc", "not a numeric"),
        ([np.nan], "non-finite"),
    ],
)
def test_real_array_refuses(value, match):
    with pytest.raises(se.InvalidArgumentError, match=match):
        real_array(value, "x")


@pytest.mark.parametrize("value", [2.7, True, "3", None, np.nan, [3]])
def test_integer_refuses(value):
    with pytest.raises(se.InvalidArgumentError, match="width must be an integer"):
        integer(value, "width")


def test_integer_accepts_whole_numbers():
    assert integer(3.0, "n") == 3
    assert integer(np.int64(5), "n") == 5
    assert integer(2**70, "n") == 2**70
    with pytest.raises(se.InvalidArgumentError, match="at least 1"):
        integer(0, "n", minimum=1)


@pytest.mark.parametrize("value", [0, -1e-3, np.inf, np.nan, "1e-3", None, True])
def test_positive_float_refuses(value):
    with pytest.raises(se.InvalidArgumentError, match="tol must be a finite number > 0"):
        positive_float(value, "tol")


# ------------------------------------------------------------------ public functions
@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"geometry": float("nan")}, "Tolerances.geometry"),
        ({"geometry": 0.0}, "Tolerances.geometry"),
        ({"rank": -1e-9}, "Tolerances.rank"),
        ({"singular": 2.0}, "at most 1"),
        ({"series_terms": 2.5}, "series_terms must be an integer"),
        ({"series_terms": 0}, "at least 1"),
        ({"series_threshold": 0.9, "series_terms": 5}, "too few"),
        ({"rank": "small"}, "Tolerances.rank"),
    ],
)
def test_tolerances_refuse_bad_fields(kwargs, match):
    with pytest.raises(se.InvalidArgumentError, match=match):
        se.Tolerances(**kwargs)


def test_default_tolerances_satisfy_their_own_truncation_bound():
    tol = se.Tolerances()
    from math import factorial

    assert tol.series_threshold**tol.series_terms / factorial(tol.series_terms) < 2.0**-53


@pytest.mark.parametrize(
    ("k", "match"),
    [
        ([1.0 + 1e-3j, 0.0], "k must be real"),
        (np.array([1.0, 2.0], dtype=complex), "k must be real"),
        (None, "k is required"),
        ("1,2", "not a numeric"),
        ([1.0, np.inf], "non-finite"),
        ([1.0, 2.0, 3.0], r"shape \(\.\.\., 2\)"),
    ],
)
def test_network_fourier_refuses_bad_k(net2, k, match):
    box = se.Box([-1, -1], [1, 1])
    with pytest.raises(se.InvalidFrequencyError, match=match):
        se.network_fourier(net2, k, domain=box)
    with pytest.raises(se.InvalidFrequencyError, match=match):
        se.polytope_fourier(box, k)


def test_complex_weights_refused():
    with pytest.raises(se.InvalidNetworkError, match=r"weights\[0\] must be real"):
        se.ReLUNetwork([np.array([[1.0 + 1j]]), np.array([[1.0]])], [np.zeros(1), np.zeros(1)])
    with pytest.raises(se.InvalidNetworkError, match=r"biases\[1\] must be real"):
        se.ReLUNetwork([np.ones((1, 1)), np.ones((1, 1))], [np.zeros(1), np.array([1j])])


def test_complex_input_points_refused(net2):
    with pytest.raises(se.InvalidNetworkError, match="input x must be real"):
        net2(np.array([[1j, 0.0]]))


@pytest.mark.parametrize(
    ("arch", "match"),
    [
        ([2.7, 3.9, 1], r"architecture\[0\] must be an integer"),
        ([2, True, 1], r"architecture\[1\] must be an integer"),
        ("2-3-1", "sequence of widths"),
        (5, "sequence of widths"),
        ([2, 0, 1], "positive widths"),
    ],
)
def test_random_architecture_must_be_integers(arch, match):
    with pytest.raises(se.InvalidNetworkError, match=match):
        se.ReLUNetwork.random(arch)


def test_random_accepts_whole_floats():
    a = se.ReLUNetwork.random([2.0, 3.0, 1.0], seed=0)
    b = se.ReLUNetwork.random([2, 3, 1], seed=0)
    np.testing.assert_array_equal(a.weights[0], b.weights[0])


def _write_npz(path, **arrays):
    with Path(path).open("wb") as fh:
        np.savez(fh, **arrays)


@pytest.mark.parametrize(
    ("content", "match"),
    [
        (b"", "cannot read a network"),
        (b"PK\x03\x04garbage", "cannot read a network"),
        (b"\x93NUMPY not really", "cannot read a network"),
    ],
)
def test_load_refuses_corrupt_files(tmp_path, content, match):
    p = tmp_path / "net.npz"
    p.write_bytes(content)
    with pytest.raises(se.InvalidNetworkError, match=match):
        se.ReLUNetwork.load(p)


def test_load_refuses_truncated_and_malformed_archives(tmp_path, net2):
    good = tmp_path / "good.npz"
    net2.save(good)
    data = good.read_bytes()
    cut = tmp_path / "cut.npz"
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(se.InvalidNetworkError, match="cannot read a network"):
        se.ReLUNetwork.load(cut)
    fmt = np.array("spectral_exact.ReLUNetwork")
    frac = tmp_path / "frac.npz"
    _write_npz(frac, format=fmt, version=np.array(1), n_layers=np.array(1.7))
    with pytest.raises(se.InvalidNetworkError, match=r"n_layers .* must be an integer, got 1\.7"):
        se.ReLUNetwork.load(frac)
    lack = tmp_path / "lack.npz"
    _write_npz(lack, format=fmt, version=np.array(1), n_layers=np.array(2), W0=np.ones((1, 1)))
    with pytest.raises(se.InvalidNetworkError, match=r"lacks the arrays \['b0', 'W1', 'b1'\]"):
        se.ReLUNetwork.load(lack)
    with pytest.raises(se.InvalidNetworkError, match="cannot read a network"):
        se.ReLUNetwork.load(tmp_path / "missing.npz")
    assert np.array_equal(se.ReLUNetwork.load(good).weights[0], net2.weights[0])


@pytest.mark.parametrize("merge_tol", [0, -1.0, np.nan, "x"])
def test_special_directions_merge_tol(net2, merge_tol):
    with pytest.raises(se.InvalidArgumentError, match="merge_tol"):
        se.special_directions(net2, merge_tol=merge_tol)


def test_overflowing_networks_and_boxes_are_refused():
    """Weights of 1e300 used to give F = 0 silently, a 1e300-wide box nan."""
    huge = se.ReLUNetwork(
        [np.array([[1e300, 0.0], [0.0, 1e300]]), np.array([[1e300, 1.0]])],
        [np.zeros(2), np.zeros(1)],
    )
    for domain in (se.Box([-1, -1], [1, 1]), None):
        with pytest.raises(se.InvalidNetworkError, match=r"overflow|can reach ~1e300"):
            se.network_fourier(huge, [1.0, 2.0], domain=domain)
    with pytest.raises(se.InvalidDomainError, match="too large for double precision"):
        se.Box([-1e300, -1e300], [1e300, 1e300])
    with pytest.raises(se.InvalidDomainError, match="Box lo must be real"):
        se.Box([1j, 0.0], [1.0, 1.0])
    # a large but representable net is fine: its transform scales exactly
    net = se.ReLUNetwork.random((2, 4, 1), seed=0)
    (W1, W2), (b1, b2) = net.weights, net.biases  # f_big = 1e20 * 1e20 * f (ReLU homogeneous)
    big = se.ReLUNetwork([W1 * 1e20, W2 * 1e20], [b1 * 1e20, b2 * 1e40])
    box = se.Box([-1, -1], [1, 1])
    k = np.array([2.0, -1.0])
    F, Fb = (se.network_fourier(n, k, domain=box) for n in (net, big))
    assert abs(Fb / 1e40 - F) <= 1e-11 * abs(F)
