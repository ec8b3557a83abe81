"""ReLUNetwork: evaluation against a hand formula, torch and file round trips, bad input."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import spectral_exact as se


def test_hand_formula(net_1d_two_units: se.ReLUNetwork) -> None:
    x = np.linspace(-2, 2, 41)
    expected = np.maximum(x, 0) - 2 * np.maximum(x - 0.5, 0)
    np.testing.assert_array_equal(net_1d_two_units(x[:, None]), expected)
    assert net_1d_two_units.input_dim == 1
    assert net_1d_two_units.architecture == (1, 2, 1)
    assert net_1d_two_units.n_hidden == 2
    pats = net_1d_two_units.patterns(np.array([[-1.0], [0.25], [1.0]]))
    assert pats[0].tolist() == [[False, False], [True, False], [True, True]]


def test_shapes_and_random(random_net) -> None:  # type: ignore[no-untyped-def]
    net = random_net((3, 5, 4, 1), seed=1)
    assert net.architecture == (3, 5, 4, 1) and net.hidden_widths == (5, 4)
    x = np.random.default_rng(0).normal(size=(2, 7, 3))
    assert net(x).shape == (2, 7)
    assert net(x[0, 0]).shape == ()
    # same seed, same net; different seed, different net
    assert np.array_equal(net.weights[0], random_net((3, 5, 4, 1), seed=1).weights[0])
    assert not np.array_equal(net.weights[0], random_net((3, 5, 4, 1), seed=2).weights[0])
    # manual forward pass
    a = x
    for W, b in zip(net.weights[:-1], net.biases[:-1], strict=True):
        a = np.maximum(a @ W.T + b, 0)
    np.testing.assert_allclose(net(x), (a @ net.weights[-1].T + net.biases[-1])[..., 0])


def test_weights_are_read_only(random_net) -> None:  # type: ignore[no-untyped-def]
    net = random_net((2, 3, 1))
    with pytest.raises(ValueError, match="read-only"):
        net.weights[0][0, 0] = 1.0


def test_torch_round_trip(random_net) -> None:  # type: ignore[no-untyped-def]
    torch = pytest.importorskip("torch")

    net = random_net((2, 6, 5, 1), seed=4)
    mod = net.to_torch()
    x = np.random.default_rng(1).normal(size=(50, 2))
    y_torch = mod(torch.as_tensor(x)).detach().numpy()[:, 0]
    np.testing.assert_allclose(y_torch, net(x), rtol=1e-14, atol=1e-14)
    back = se.ReLUNetwork.from_torch(mod)
    for a, b in zip(back.weights + back.biases, net.weights + net.biases, strict=True):
        np.testing.assert_array_equal(a, b)


def test_from_torch_allows_flatten_identity_and_float32() -> None:
    torch = pytest.importorskip("torch")

    nn = torch.nn
    torch.manual_seed(0)
    mod = nn.Sequential(nn.Flatten(), nn.Linear(2, 4), nn.ReLU(), nn.Identity(), nn.Linear(4, 1))
    net = se.ReLUNetwork.from_torch(mod)
    assert net.architecture == (2, 4, 1)
    x = torch.randn(20, 2)
    np.testing.assert_allclose(
        net(x.numpy().astype(float)), mod(x).detach().numpy()[:, 0], rtol=1e-5, atol=1e-6
    )
    # a bias-free layer reads as a zero bias
    lin = nn.Linear(3, 1, bias=False)
    np.testing.assert_array_equal(se.ReLUNetwork.from_torch(lin).biases[0], [0.0])


@pytest.mark.parametrize(
    ("layers", "match"),
    [
        (
            lambda nn: [nn.Linear(2, 3), nn.Tanh(), nn.Linear(3, 1)],
            r"layer 1 \(Tanh\) is not supported",
        ),
        (lambda nn: [nn.Conv1d(1, 1, 2)], r"layer 0 \(Conv1d\) is not supported"),
        (lambda nn: [nn.Linear(2, 3), nn.LeakyReLU(), nn.Linear(3, 1)], r"layer 1 \(LeakyReLU\)"),
        (lambda nn: [nn.Linear(2, 3), nn.Linear(3, 1)], r"layer 1 \(Linear\) follows a Linear"),
        (lambda nn: [nn.ReLU(), nn.Linear(2, 1)], r"layer 0 \(ReLU\) must follow a Linear"),
        (lambda nn: [nn.Linear(2, 3), nn.ReLU()], r"ends with a ReLU"),
        (lambda nn: [nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 2)], r"exactly one output, got 2"),
        (
            lambda nn: [nn.Linear(2, 3), nn.ReLU(), nn.Flatten(), nn.Linear(3, 1)],
            r"layer 2 \(Flatten\) is only allowed before",
        ),
    ],
)
def test_from_torch_rejects(layers, match: str) -> None:  # type: ignore[no-untyped-def]
    torch = pytest.importorskip("torch")

    mod = torch.nn.Sequential(*layers(torch.nn))
    with pytest.raises(se.InvalidNetworkError, match=match):
        se.ReLUNetwork.from_torch(mod)


def test_from_torch_rejects_other_module_types() -> None:
    torch = pytest.importorskip("torch")

    with pytest.raises(se.UnsupportedModuleError, match=r"got Tanh"):
        se.ReLUNetwork.from_torch(torch.nn.Tanh())
    with pytest.raises(TypeError):  # UnsupportedModuleError is also a TypeError
        se.ReLUNetwork.from_torch(torch.nn.ModuleList([torch.nn.Linear(2, 1)]))


def test_save_load_round_trip(tmp_path: Path, random_net) -> None:  # type: ignore[no-untyped-def]
    net = random_net((3, 4, 4, 1), seed=7)
    path = tmp_path / "net.npz"
    net.save(path)
    back = se.ReLUNetwork.load(path)
    assert back.architecture == net.architecture
    for a, b in zip(back.weights + back.biases, net.weights + net.biases, strict=True):
        np.testing.assert_array_equal(a, b)


def test_load_rejects_foreign_files(tmp_path: Path) -> None:
    other = tmp_path / "other.npz"
    np.savez(other, x=np.zeros(3))
    with pytest.raises(se.InvalidNetworkError, match=r"is not a spectral_exact network file"):
        se.ReLUNetwork.load(other)
    with pytest.raises(se.InvalidNetworkError, match=r"cannot read a network from"):
        se.ReLUNetwork.load(tmp_path / "missing.npz")


W2 = np.ones((1, 3))


@pytest.mark.parametrize(
    ("weights", "biases", "match"),
    [
        (
            [np.ones((3, 2)), np.ones((2, 3))],
            [np.zeros(3), np.zeros(2)],
            r"last layer must have exactly one output, got 2",
        ),
        ([np.ones((3, 2)), W2], [np.zeros(2), np.zeros(1)], r"biases\[0\] must have shape \(3,\)"),
        (
            [np.ones((3, 2)), np.ones((1, 4))],
            [np.zeros(3), np.zeros(1)],
            r"weights\[1\] expects 4 inputs but layer 0 has 3 outputs",
        ),
        ([np.ones(3), W2], [np.zeros(3), np.zeros(1)], r"weights\[0\] must be 2-D"),
        (
            [np.array([[1.0, np.nan]] * 3), W2],
            [np.zeros(3), np.zeros(1)],
            r"weights\[0\] has a non-finite entry \(NaN or inf\) at index \[0, 1\]",
        ),
        (
            [np.ones((3, 2)), W2],
            [np.array([0, np.inf, 0]), np.zeros(1)],
            r"biases\[0\] has a non-finite entry .* at index \[1\]",
        ),
        ([np.ones((3, 2))], [np.zeros(3), np.zeros(1)], r"got 1 weight matrices but 2 bias"),
        ([], [], r"at least one layer"),
        ([np.ones((3, 2)), W2], [np.zeros(3)], r"got 2 weight matrices but 1 bias"),
        ([np.ones((0, 2)), np.ones((1, 0))], [np.zeros(0), np.zeros(1)], r"empty dimension"),
        ([[["a", "b"]], W2], [np.zeros(1), np.zeros(1)], r"weights\[0\] is not a numeric array"),
    ],
)
def test_constructor_rejects(weights, biases, match: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(se.InvalidNetworkError, match=match):
        se.ReLUNetwork(weights, biases)


def test_constructor_rejects_single_array() -> None:
    with pytest.raises(se.InvalidNetworkError, match=r"sequences of per-layer arrays"):
        se.ReLUNetwork(np.ones((1, 2)), [np.zeros(1)])  # type: ignore[arg-type]


def test_bad_evaluation_input(random_net) -> None:  # type: ignore[no-untyped-def]
    net = random_net((2, 3, 1))
    with pytest.raises(se.InvalidNetworkError, match=r"shape \(\.\.\., 2\), got \(4, 3\)"):
        net(np.zeros((4, 3)))
    with pytest.raises(se.InvalidNetworkError, match=r"got \(\)"):
        net(1.0)


@pytest.mark.parametrize(
    ("arch", "match"),
    [
        ((2, 3, 2), r"architecture must be"),
        ((2,), r"architecture must be"),
        ((2, 0, 1), "positive"),
    ],
)
def test_random_rejects_bad_architecture(arch: tuple[int, ...], match: str) -> None:
    with pytest.raises(se.InvalidNetworkError, match=match):
        se.ReLUNetwork.random(arch)


def test_integer_weights_are_floats() -> None:
    net = se.ReLUNetwork([[[1, 2], [3, -4]], [[1, 1]]], [[0, 1], [2]])
    assert net.weights[0].dtype == np.float64
    assert float(net(np.array([1.0, 1.0]))) == 3.0 + 0.0 + 2.0
