"""se.from_torch: exact compilation of piecewise-linear torch models.

Every supported layer is checked the same way: the compiled network, restricted to a random
2-D slice, equals the float64 torch model itself at random points of the slice (to
``AGREE``). Refused layers are checked by their message.
"""

from __future__ import annotations

import numpy as np
import pytest

import spectral_exact as se

torch = pytest.importorskip("torch")
nn = torch.nn
F = torch.nn.functional

AGREE = 1e-12  # |compiled - torch| / max(1, |torch|), float64 throughout
N_SLICES = 3
N_POINTS = 64


def _torch_eval(model, x, input_shape, w):
    with torch.no_grad():
        out = model(torch.tensor(x, dtype=torch.float64).reshape(-1, *input_shape))
    return out.reshape(x.shape[0], -1).numpy() @ w


def _check_agrees(model, input_shape, *, seed=0, output=None, n_out=None):
    """Compiled net on random 2-D slices == torch model at random points of the slices."""
    model = model.double().eval()
    rng = np.random.default_rng(seed)
    d = int(np.prod(input_shape))
    with torch.no_grad():
        n = model(torch.zeros((1, *input_shape), dtype=torch.float64)).numel()
    if output is None and n > 1:
        output = rng.normal(size=n)
    net = se.from_torch(model, input_shape=input_shape, output=output)
    w = np.ones(1) if output is None else np.eye(n)[output] if np.ndim(output) == 0 else output
    assert net.input_dim == d
    for _ in range(N_SLICES):
        o = rng.normal(size=d)
        B = rng.normal(size=(2, d))
        g = se.restrict(net, o, B)
        t = rng.uniform(-2, 2, size=(N_POINTS, 2))
        ref = _torch_eval(model, o + t @ B, input_shape, w)
        err = np.abs(g(t) - ref) / np.maximum(1.0, np.abs(ref))
        assert err.max() <= AGREE, err.max()
    # and in the full input space
    x = rng.normal(size=(N_POINTS, d))
    ref = _torch_eval(model, x, input_shape, w)
    assert np.max(np.abs(net(x) - ref) / np.maximum(1.0, np.abs(ref))) <= AGREE
    return net


def _randomise_bn(model, seed=0):
    g = torch.Generator().manual_seed(seed)
    for m in model.modules():
        if isinstance(m, nn.modules.batchnorm._BatchNorm):
            with torch.no_grad():
                m.running_mean.copy_(torch.rand(m.num_features, generator=g) * 2 - 1)
                m.running_var.copy_(torch.rand(m.num_features, generator=g) + 0.5)
                m.weight.copy_(torch.rand(m.num_features, generator=g) + 0.5)
                m.bias.copy_(torch.rand(m.num_features, generator=g) - 0.5)
    return model


# ---------------------------------------------------------------------------- layer by layer
class _Wrap(nn.Module):
    def __init__(self, pre, layer, post):
        super().__init__()
        self.pre, self.layer, self.post = pre, layer, post

    def forward(self, x):
        return self.post(self.layer(self.pre(x)))


def _conv2d_case(layer, c_in=2, hw=6):
    pre = nn.Conv2d(1, c_in, 3, padding=1)
    with torch.no_grad():
        out = layer(pre(torch.zeros(1, 1, hw, hw)))
    post = nn.Sequential(nn.ReLU(), nn.Flatten(), nn.Linear(out.numel(), 1))
    return _Wrap(pre, layer, post), (1, hw, hw)


def _conv1d_case(layer, c_in=2, length=9):
    pre = nn.Conv1d(1, c_in, 3, padding=1)
    with torch.no_grad():
        out = layer(pre(torch.zeros(1, 1, length)))
    post = nn.Sequential(nn.ReLU(), nn.Flatten(), nn.Linear(out.numel(), 1))
    return _Wrap(pre, layer, post), (1, length)


def _dense_case(layer, width=5, d=3):
    post = nn.Sequential(nn.ReLU(), nn.Linear(width, 1))
    return _Wrap(nn.Linear(d, width), layer, post), (d,)


LAYER_CASES = {
    "linear": lambda: _dense_case(nn.Linear(5, 5)),
    "relu": lambda: _dense_case(nn.ReLU()),
    "leaky_relu": lambda: _dense_case(nn.LeakyReLU(0.2)),
    "leaky_relu_negative_slope>1": lambda: _dense_case(nn.LeakyReLU(1.7)),
    "prelu_shared": lambda: _dense_case(nn.PReLU(init=0.3)),
    "prelu_per_channel": lambda: _conv2d_case(nn.PReLU(2, init=-0.4)),
    "hardtanh": lambda: _dense_case(nn.Hardtanh(-0.3, 0.5)),
    "relu6": lambda: _dense_case(nn.ReLU6()),
    "batchnorm1d": lambda: _randomise_bn(_dense_case(nn.BatchNorm1d(5))[0]),
    "dropout_eval": lambda: _dense_case(nn.Dropout(0.5)),
    "identity": lambda: _dense_case(nn.Identity()),
    "conv2d_plain": lambda: _conv2d_case(nn.Conv2d(2, 3, 3)),
    "conv2d_stride_pad_dil": lambda: _conv2d_case(
        nn.Conv2d(2, 3, 3, stride=2, padding=2, dilation=2)
    ),
    "conv2d_groups_same": lambda: _conv2d_case(nn.Conv2d(2, 4, 3, groups=2, padding="same")),
    "conv2d_reflect": lambda: _conv2d_case(nn.Conv2d(2, 2, 3, padding=1, padding_mode="reflect")),
    "conv1d": lambda: _conv1d_case(nn.Conv1d(2, 3, 3, stride=2, padding=1, dilation=2, groups=1)),
    "conv1d_groups": lambda: _conv1d_case(nn.Conv1d(2, 2, 2, groups=2)),
    "batchnorm2d": lambda: _randomise_bn(_conv2d_case(nn.BatchNorm2d(2))[0]),
    "avgpool2d": lambda: _conv2d_case(nn.AvgPool2d(2)),
    "avgpool2d_pad_ceil": lambda: _conv2d_case(
        nn.AvgPool2d(3, stride=2, padding=1, ceil_mode=True, count_include_pad=False)
    ),
    "adaptive_avgpool2d": lambda: _conv2d_case(nn.AdaptiveAvgPool2d(2)),
    "avgpool1d": lambda: _conv1d_case(nn.AvgPool1d(3, stride=2)),
    "maxpool2d": lambda: _conv2d_case(nn.MaxPool2d(2)),
    "maxpool2d_3x3_stride_pad": lambda: _conv2d_case(nn.MaxPool2d(3, stride=2, padding=1)),
    "maxpool2d_dilation_ceil": lambda: _conv2d_case(
        nn.MaxPool2d(2, stride=2, dilation=2, ceil_mode=True)
    ),
    "maxpool1d": lambda: _conv1d_case(nn.MaxPool1d(3, stride=2, padding=1)),
    "flatten_unflatten": lambda: _conv2d_case(
        nn.Sequential(nn.Flatten(), nn.Unflatten(1, (2, 6, 6)))
    ),
}


@pytest.mark.parametrize("name", sorted(LAYER_CASES))
def test_layer_agrees_with_torch(name):
    torch.manual_seed(hash(name) % 1000)
    case = LAYER_CASES[name]()
    model, shape = case if isinstance(case, tuple) else (case, None)
    if shape is None:  # _randomise_bn returns the model only
        shape = (1, 6, 6) if "2d" in name else (3,)
    _check_agrees(model, shape)


class _Functional(nn.Module):
    """Functional calls, methods, get_attr parameters, residuals, concatenation, constants."""

    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(torch.randn(3, 2, 3, 3))
        self.b = nn.Parameter(torch.randn(3))
        self.lin = nn.Linear(3 * 3 * 3 + 12, 4)
        self.register_buffer("shift", torch.randn(3, 1, 1))

    def forward(self, x):
        h = F.conv2d(x, self.w, self.b, padding=1)  # (B, 3, 6, 6)
        h = F.leaky_relu(h, 0.05) + self.shift
        h = F.max_pool2d(h, 2)  # (B, 3, 3, 3)
        h = h + torch.relu(h * 0.5 - 1.0)  # residual
        s = x.mean(dim=(2, 3))  # (B, 2)
        a = torch.abs(x[:, 0, :2, :]).reshape(x.size(0), -1)  # (B, 12)
        z = torch.cat([h.view(h.shape[0], -1), torch.clamp(a, -0.5, 0.7)], dim=1)
        y = self.lin(F.relu(z))
        y = torch.maximum(y, y.flip(1) * 0.3) - s.sum(dim=1, keepdim=True)
        return y.permute(1, 0).transpose(0, 1) / 2.0


def test_functional_model_agrees_with_torch():
    torch.manual_seed(1)
    _check_agrees(_Functional(), (2, 6, 6), output=2)


class _Block(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.c1 = nn.Conv2d(c, c, 3, padding=1)
        self.bn = nn.BatchNorm2d(c)
        self.c2 = nn.Conv2d(c, c, 3, padding=1)

    def forward(self, x):
        return F.relu(x + self.c2(F.relu(self.bn(self.c1(x)))))


def small_cnn(c=3):
    """conv, batchnorm, leaky relu, maxpool, a residual block, dropout, 10 logits (8x8)."""
    return _randomise_bn(
        nn.Sequential(
            nn.Conv2d(1, c, 3, padding=1),
            nn.BatchNorm2d(c),
            nn.LeakyReLU(0.1),
            nn.MaxPool2d(2),
            _Block(c),
            nn.Flatten(),
            nn.Dropout(0.3),
            nn.Linear(c * 16, 10),
        )
    )


def test_whole_cnn_agrees_with_torch_for_logits_and_differences():
    torch.manual_seed(2)
    model = small_cnn()
    _check_agrees(model, (1, 8, 8), output=7)
    w = np.zeros(10)
    w[[3, 5]] = [1.0, -1.0]
    _check_agrees(model, (1, 8, 8), output=w)


def test_mlp_input_shape_inferred_and_nested_modules():
    torch.manual_seed(3)
    inner = nn.Sequential(nn.Linear(6, 8), nn.BatchNorm1d(8), nn.ReLU(), nn.Dropout(0.1))
    model = _randomise_bn(nn.Sequential(nn.Flatten(), inner, nn.Sequential(nn.Linear(8, 1))))
    net = se.from_torch(model.double().eval())
    assert net.input_dim == 6
    _check_agrees(model, (6,))


def test_skip_from_raw_input_adds_no_hyperplane():
    """A signed value carried past a ReLU layer must not add fake kinks.

    f(x) = v . relu(W x + b) + u . x: its kinks are exactly the lines of W; the number of
    activation regions on a box equals the number of sign patterns of W x + b found by dense
    sampling.
    """

    class Skip(nn.Module):
        def __init__(self):
            super().__init__()
            self.h = nn.Linear(2, 5)
            self.out = nn.Linear(5, 1)
            self.skip = nn.Linear(2, 1)

        def forward(self, x):
            return self.out(torch.relu(self.h(x))) + self.skip(x)

    torch.manual_seed(4)
    model = Skip().double()
    net = _check_agrees(model, (2,))
    box = se.Box([-2.0, -2.0], [2.0, 2.0])
    regs = se.linear_regions(net, box)
    g = np.linspace(-2, 2, 801)
    X = np.stack(np.meshgrid(g, g), -1).reshape(-1, 2)
    with torch.no_grad():
        Z = model.h(torch.tensor(X)).numpy() > 0
    assert len(regs) == len({z.tobytes() for z in Z})


def test_max_on_preactivations_from_raw_input():
    """Conv -> maxpool -> relu: the max tree of signed stage-0 values, carried exactly."""
    torch.manual_seed(5)
    model = nn.Sequential(
        nn.Conv2d(1, 2, 3), nn.MaxPool2d(2), nn.ReLU(), nn.Flatten(), nn.Linear(8, 1)
    )
    _check_agrees(model, (1, 6, 6))


# ---------------------------------------------------------------------------- refusals
class _Wrapped(nn.Module):
    def __init__(self, fn):
        super().__init__()
        self.lin = nn.Linear(3, 3)
        self.fn = fn

    def forward(self, x):
        return self.fn(self.lin(x)).sum(dim=1, keepdim=True)


@pytest.mark.parametrize(
    ("module", "match"),
    [
        (nn.Sequential(nn.Linear(3, 3), nn.Tanh(), nn.Linear(3, 1)), r"Tanh.*not piecewise"),
        (nn.Sequential(nn.Linear(3, 3), nn.GELU(), nn.Linear(3, 1)), r"GELU.*not piecewise"),
        (nn.Sequential(nn.Linear(3, 3), nn.Sigmoid(), nn.Linear(3, 1)), r"Sigmoid"),
        (nn.Sequential(nn.Linear(3, 3), nn.Softmax(dim=1), nn.Linear(3, 1)), r"Softmax"),
        (nn.Sequential(nn.Linear(3, 3), nn.ELU(), nn.Linear(3, 1)), r"ELU.*exponential"),
        (nn.Sequential(nn.Linear(3, 3), nn.LayerNorm(3), nn.Linear(3, 1)), r"LayerNorm"),
        (nn.Sequential(nn.Linear(3, 3), nn.Embedding(3, 3)), r"Embedding.*not supported"),
        (_Wrapped(torch.tanh), r"tanh is not piecewise linear"),
        (_Wrapped(lambda h: h * h), r"multiplies two input-dependent values"),
        (_Wrapped(lambda h: F.gelu(h)), r"gelu is not piecewise linear"),
    ],
)
def test_refused_layers_name_the_layer_and_why(module, match):
    with pytest.raises(se.UnsupportedModuleError, match=match):
        se.from_torch(module.eval(), input_shape=(3,))


def test_training_mode_dropout_and_batchnorm_refused():
    drop = nn.Sequential(nn.Linear(3, 3), nn.Dropout(0.5), nn.ReLU(), nn.Linear(3, 1))
    with pytest.raises(se.UnsupportedModuleError, match=r"Dropout.*training mode.*eval"):
        se.from_torch(drop.train())
    bn = nn.Sequential(nn.Linear(3, 3), nn.BatchNorm1d(3), nn.ReLU(), nn.Linear(3, 1))
    with pytest.raises(se.UnsupportedModuleError, match=r"BatchNorm1d.*training mode"):
        se.from_torch(bn.train())
    nostats = nn.Sequential(nn.Linear(3, 3), nn.BatchNorm1d(3, track_running_stats=False))
    with pytest.raises(se.UnsupportedModuleError, match=r"track_running_stats=False"):
        se.from_torch(nostats.eval(), output=0)


def test_functional_dropout_in_training_refused():
    class M(nn.Module):
        def __init__(self):
            super().__init__()
            self.lin = nn.Linear(3, 1)

        def forward(self, x):
            return F.dropout(self.lin(x), 0.5, training=True)

    with pytest.raises(se.UnsupportedModuleError, match=r"dropout.*training=True"):
        se.from_torch(M())


def test_output_selection_errors():
    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 3))
    with pytest.raises(se.UnsupportedModuleError, match=r"3 outputs; pass output="):
        se.from_torch(model)
    with pytest.raises(se.UnsupportedModuleError, match=r"output=5 is out of range"):
        se.from_torch(model, output=5)
    with pytest.raises(se.UnsupportedModuleError, match=r"3 finite numbers"):
        se.from_torch(model, output=[1.0, 2.0])
    with pytest.raises(se.UnsupportedModuleError, match=r"pass input_shape="):
        se.from_torch(nn.Sequential(nn.Conv2d(1, 1, 3), nn.Flatten(), nn.Linear(4, 1)))
    with pytest.raises(se.UnsupportedModuleError, match=r"expected a torch.nn.Module"):
        se.from_torch("not a model")


def test_untraceable_control_flow_refused():
    class Branchy(nn.Module):
        def __init__(self):
            super().__init__()
            self.lin = nn.Linear(3, 1)

        def forward(self, x):
            if x.sum() > 0:
                return self.lin(x)
            return -self.lin(x)

    with pytest.raises(se.UnsupportedModuleError, match=r"cannot trace Branchy"):
        se.from_torch(Branchy())


def test_relunetwork_from_torch_unchanged():
    model = nn.Sequential(nn.Linear(2, 4), nn.ReLU(), nn.Linear(4, 1)).double()
    a = se.ReLUNetwork.from_torch(model)
    b = se.from_torch(model)
    x = np.random.default_rng(0).normal(size=(20, 2))
    assert np.max(np.abs(a(x) - b(x))) <= AGREE
    with pytest.raises(se.UnsupportedModuleError, match="LeakyReLU"):
        se.ReLUNetwork.from_torch(nn.Sequential(nn.Linear(2, 2), nn.LeakyReLU(), nn.Linear(2, 1)))


def test_mnist_sized_example_cnn_agrees_with_torch():
    """The worked example's CNN at 28x28 (an AvgPool stem, then the digits architecture)."""
    from spectral_exact._cli_slice import make_digits_cnn

    torch.manual_seed(6)
    model = _randomise_bn(make_digits_cnn(28, channels=2))
    _check_agrees(model, (1, 28, 28), output=4)
