r"""ReLU networks: the first stage of the pipeline.

A :class:`ReLUNetwork` is the continuous piecewise-linear map

.. math::

    f(x) = W_{L+1}\,\mathrm{relu}(W_L \cdots \mathrm{relu}(W_1 x + b_1) \cdots + b_L) + b_{L+1},

with ``weights[l]`` of shape ``(d_l, d_{l-1})`` and a last layer with exactly one row
(Rahaman et al., 2019, Sec. 2). Torch is imported lazily, only by :meth:`from_torch` and
:meth:`to_torch`.

File format (``save`` / ``load``): a NumPy ``.npz`` archive holding ``format`` (the string
``"spectral_exact.ReLUNetwork"``), ``version`` (int, currently 1), ``n_layers`` (int) and the
float64 arrays ``W0, b0, W1, b1, ...``.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._errors import InvalidNetworkError, UnsupportedModuleError
from ._optional import require
from ._validate import integer, real_array

__all__ = ["ReLUNetwork"]

_FORMAT = "spectral_exact.ReLUNetwork"
_VERSION = 1


def _as_float_array(a: ArrayLike, what: str) -> NDArray[np.float64]:
    return real_array(a, what, InvalidNetworkError)


@dataclass(frozen=True, eq=False)
class ReLUNetwork:
    """A fully connected ReLU network with a single output.

    Parameters
    ----------
    weights : sequence of array_like
        ``W_l`` with shape ``(d_l, d_{l-1})``; the last has exactly one row.
    biases : sequence of array_like
        ``b_l`` with shape ``(d_l,)``.

    Examples
    --------
    >>> import numpy as np, spectral_exact as se
    >>> net = se.ReLUNetwork([np.array([[1.0]]), np.array([[1.0]])], [np.zeros(1), np.zeros(1)])
    >>> float(net(np.array([[-2.0], [3.0]]))[1])
    3.0
    """

    weights: tuple[NDArray[np.float64], ...]
    biases: tuple[NDArray[np.float64], ...]

    def __init__(self, weights: Sequence[ArrayLike], biases: Sequence[ArrayLike]) -> None:
        for name, seq in (("weights", weights), ("biases", biases)):
            if seq is None or isinstance(seq, (str, bytes)) or not hasattr(seq, "__len__"):
                raise InvalidNetworkError(
                    f"{name} must be a sequence of per-layer arrays, got {type(seq).__name__}"
                )
        if isinstance(weights, np.ndarray) or isinstance(biases, np.ndarray):
            raise InvalidNetworkError(
                "weights and biases must be sequences of per-layer arrays, not a single array"
            )
        ws = [_as_float_array(w, f"weights[{i}]") for i, w in enumerate(weights)]
        bs = [_as_float_array(b, f"biases[{i}]") for i, b in enumerate(biases)]
        if len(ws) == 0:
            raise InvalidNetworkError("a network needs at least one layer")
        if len(ws) != len(bs):
            raise InvalidNetworkError(f"got {len(ws)} weight matrices but {len(bs)} bias vectors")
        for i, (w, b) in enumerate(zip(ws, bs, strict=True)):
            if w.ndim != 2:
                raise InvalidNetworkError(
                    f"weights[{i}] must be 2-D (d_out, d_in), got shape {w.shape}"
                )
            if b.ndim != 1 or b.shape[0] != w.shape[0]:
                raise InvalidNetworkError(
                    f"biases[{i}] must have shape ({w.shape[0]},), got {b.shape}"
                )
            if w.shape[0] == 0 or w.shape[1] == 0:
                raise InvalidNetworkError(f"weights[{i}] has an empty dimension: {w.shape}")
            if i > 0 and w.shape[1] != ws[i - 1].shape[0]:
                raise InvalidNetworkError(
                    f"weights[{i}] expects {w.shape[1]} inputs but layer {i - 1} has "
                    f"{ws[i - 1].shape[0]} outputs"
                )
        if ws[-1].shape[0] != 1:
            raise InvalidNetworkError(
                f"the last layer must have exactly one output, got {ws[-1].shape[0]}"
            )
        for a in ws + bs:
            a.setflags(write=False)
        object.__setattr__(self, "weights", tuple(ws))
        object.__setattr__(self, "biases", tuple(bs))

    # ------------------------------------------------------------------ properties
    @property
    def input_dim(self) -> int:
        """Input dimension ``d``."""
        return int(self.weights[0].shape[1])

    @property
    def hidden_widths(self) -> tuple[int, ...]:
        """Widths of the hidden layers."""
        return tuple(int(w.shape[0]) for w in self.weights[:-1])

    @property
    def architecture(self) -> tuple[int, ...]:
        """``(d, d_1, ..., d_L, 1)``."""
        return (self.input_dim, *self.hidden_widths, 1)

    @property
    def n_hidden(self) -> int:
        """Total number of hidden neurons."""
        return int(sum(self.hidden_widths))

    def __repr__(self) -> str:
        """Show the architecture, e.g. ``ReLUNetwork(2-16-1)``."""
        arch = "-".join(str(a) for a in self.architecture)
        return f"ReLUNetwork({arch})"

    # ------------------------------------------------------------------ evaluation
    def _check_x(self, x: ArrayLike) -> NDArray[np.float64]:
        arr = real_array(x, "input x", InvalidNetworkError, finite=False)
        if arr.ndim == 0 or arr.shape[-1] != self.input_dim:
            raise InvalidNetworkError(
                f"input must have shape (..., {self.input_dim}), got {arr.shape}"
            )
        return arr

    def pre_activations(self, x: ArrayLike) -> list[NDArray[np.float64]]:
        """Pre-activations ``z_l = W_l a_{l-1} + b_l`` of every hidden layer, shape (..., d_l)."""
        a = self._check_x(x)
        out = []
        for w, b in zip(self.weights[:-1], self.biases[:-1], strict=True):
            z = a @ w.T + b
            out.append(z)
            a = np.maximum(z, 0.0)
        return out

    def patterns(self, x: ArrayLike) -> list[NDArray[np.bool_]]:
        """Activation patterns (``z_l > 0``) of every hidden layer at ``x``."""
        return [z > 0 for z in self.pre_activations(x)]

    def __call__(self, x: ArrayLike) -> NDArray[np.float64]:
        """Evaluate ``f`` on ``x`` of shape ``(..., d)``; returns shape ``(...)``."""
        a = self._check_x(x)
        for w, b in zip(self.weights[:-1], self.biases[:-1], strict=True):
            a = np.maximum(a @ w.T + b, 0.0)
        y = a @ self.weights[-1].T + self.biases[-1]
        return np.asarray(y[..., 0])

    def lipschitz_bound(self) -> float:
        """Product of spectral norms of the weight matrices (an upper bound on Lip(f))."""
        return float(np.prod([np.linalg.norm(w, 2) for w in self.weights]))

    # ------------------------------------------------------------------ constructors
    @classmethod
    def random(
        cls,
        architecture: Sequence[int],
        seed: int | np.random.Generator | None = 0,
        *,
        scale: str | float = "he",
    ) -> ReLUNetwork:
        """Return a random network.

        Parameters
        ----------
        architecture : sequence of int
            ``(d, d_1, ..., d_L, 1)``.
        seed : int or Generator
            Seed for reproducibility.
        scale : "he", "pytorch" or float
            ``"he"``: ``W ~ N(0, 2/fan_in)``, biases ``N(0, 0.1^2)``; ``"pytorch"``: uniform
            ``±1/sqrt(fan_in)`` for weights and biases (torch's default ``nn.Linear``);
            a float ``s``: ``W ~ N(0, s^2/fan_in)``, biases ``N(0, (s/2)^2)``.
        """
        if isinstance(architecture, (str, bytes)) or not hasattr(architecture, "__len__"):
            raise InvalidNetworkError(
                f"architecture must be a sequence of widths (d, d_1, ..., 1), got {architecture!r}"
            )
        arch = [
            integer(a, f"architecture[{i}]", InvalidNetworkError)
            for i, a in enumerate(architecture)
        ]
        if len(arch) < 2 or arch[-1] != 1 or min(arch) < 1:
            raise InvalidNetworkError(
                f"architecture must be (d, d_1, ..., 1) with positive widths, got {arch}"
            )
        if not isinstance(seed, np.random.Generator):
            from ._validate import seed as _seed

            seed = _seed(seed)
        rng = np.random.default_rng(seed)
        ws, bs = [], []
        for fan_in, fan_out in itertools.pairwise(arch):
            if scale == "he":
                w = rng.normal(0.0, np.sqrt(2.0 / fan_in), (fan_out, fan_in))
                b = rng.normal(0.0, 0.1, fan_out)
            elif scale == "pytorch":
                bound = 1.0 / np.sqrt(fan_in)
                w = rng.uniform(-bound, bound, (fan_out, fan_in))
                b = rng.uniform(-bound, bound, fan_out)
            elif isinstance(scale, (int, float)):
                w = rng.normal(0.0, float(scale) / np.sqrt(fan_in), (fan_out, fan_in))
                b = rng.normal(0.0, float(scale) / 2, fan_out)
            else:
                raise InvalidNetworkError(f"unknown scale {scale!r}")
            ws.append(w)
            bs.append(b)
        return cls(ws, bs)

    @classmethod
    def from_torch(cls, module: Any) -> ReLUNetwork:
        """Convert a ``torch.nn.Sequential`` to a :class:`ReLUNetwork`.

        Its layers are ``Linear``/``ReLU`` (``Flatten``, ``Identity`` allowed).

        The sequence must alternate ``Linear`` layers with a single ``ReLU`` between consecutive
        ``Linear`` layers and end with a ``Linear`` layer of one output. Any other module raises
        :class:`UnsupportedModuleError` naming it.
        """
        import torch.nn as nn

        if isinstance(module, nn.Linear):
            layers: list[Any] = [module]
        elif isinstance(module, nn.Sequential):
            layers = list(module)
        else:
            raise UnsupportedModuleError(
                f"expected torch.nn.Sequential of Linear/ReLU, got {type(module).__name__}"
            )
        ws: list[NDArray[np.float64]] = []
        bs: list[NDArray[np.float64]] = []
        expect_linear = True
        for idx, layer in enumerate(layers):
            if isinstance(layer, (nn.Identity,)):
                continue
            if isinstance(layer, nn.Flatten):
                if ws:
                    raise UnsupportedModuleError(
                        f"layer {idx} (Flatten) is only allowed before the first Linear layer"
                    )
                continue
            if isinstance(layer, nn.Linear):
                if not expect_linear:
                    raise UnsupportedModuleError(
                        f"layer {idx} (Linear) follows a Linear layer without a ReLU between "
                        "them; fold consecutive affine maps first"
                    )
                w = layer.weight.detach().cpu().double().numpy()
                b = (
                    layer.bias.detach().cpu().double().numpy()
                    if layer.bias is not None
                    else np.zeros(w.shape[0])
                )
                ws.append(w)
                bs.append(b)
                expect_linear = False
            elif type(layer) is nn.ReLU:
                if expect_linear:
                    raise UnsupportedModuleError(f"layer {idx} (ReLU) must follow a Linear layer")
                expect_linear = True
            else:
                raise UnsupportedModuleError(
                    f"layer {idx} ({type(layer).__name__}) is not supported: only Linear, ReLU, "
                    "Flatten and Identity are allowed"
                )
        if not ws:
            raise UnsupportedModuleError("the module contains no Linear layer")
        if expect_linear:
            raise UnsupportedModuleError(
                "the module ends with a ReLU; the last layer must be Linear"
            )
        return cls(ws, bs)

    def to_torch(self, dtype: Any = None) -> Any:
        """Return a ``torch.nn.Sequential`` computing the same function (float64 by default)."""
        torch = require("torch", extra="torch", purpose="ReLUNetwork.to_torch")
        import torch.nn as nn

        dtype = torch.float64 if dtype is None else dtype
        mods: list[nn.Module] = []
        for i, (w, b) in enumerate(zip(self.weights, self.biases, strict=True)):
            lin = nn.Linear(w.shape[1], w.shape[0]).to(dtype)
            with torch.no_grad():
                lin.weight.copy_(torch.tensor(np.array(w), dtype=dtype))
                lin.bias.copy_(torch.tensor(np.array(b), dtype=dtype))
            mods.append(lin)
            if i < len(self.weights) - 1:
                mods.append(nn.ReLU())
        return nn.Sequential(*mods)

    # ------------------------------------------------------------------ persistence
    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the network to ``path`` (``.npz``; see the module docstring for the format)."""
        arrays: dict[str, Any] = {
            "format": np.array(_FORMAT),
            "version": np.array(_VERSION),
            "n_layers": np.array(len(self.weights)),
        }
        for i, (w, b) in enumerate(zip(self.weights, self.biases, strict=True)):
            arrays[f"W{i}"] = w
            arrays[f"b{i}"] = b
        with Path(path).open("wb") as fh:
            np.savez(fh, **arrays)

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> ReLUNetwork:
        """Read a network written by :meth:`save`."""
        # the file is opened here and closed on every path: np.load(path) leaks its handle when
        # the archive is damaged (NpzFile raises after the open)
        try:
            fh = Path(path).open("rb")
        except OSError as exc:  # missing or unreadable: the same error as a corrupt file
            raise InvalidNetworkError(
                f"cannot read a network from {str(path)!r}: {type(exc).__name__}: {exc}"
            ) from exc
        with fh:
            try:
                data = np.load(fh, allow_pickle=False)
            except Exception as exc:  # corrupt, truncated or empty: all one error
                raise InvalidNetworkError(
                    f"cannot read a network from {str(path)!r}: {type(exc).__name__}: {exc}"
                ) from exc
            if not isinstance(data, np.lib.npyio.NpzFile):
                raise InvalidNetworkError(f"{str(path)!r} is not an .npz archive")
            try:
                with data:
                    if "format" not in data or str(data["format"]) != _FORMAT:
                        raise InvalidNetworkError(
                            f"{str(path)!r} is not a spectral_exact network file"
                        )
                    version = integer(data["version"][()], "file version", InvalidNetworkError)
                    if version != _VERSION:
                        raise InvalidNetworkError(
                            f"{str(path)!r}: unsupported file version {version}"
                        )
                    n = integer(
                        data["n_layers"][()],
                        f"n_layers in {str(path)!r}",
                        InvalidNetworkError,
                        minimum=1,
                    )
                    missing = [f"{c}{i}" for i in range(n) for c in "Wb" if f"{c}{i}" not in data]
                    if missing:
                        raise InvalidNetworkError(f"{str(path)!r} lacks the arrays {missing}")
                    ws = [data[f"W{i}"] for i in range(n)]
                    bs = [data[f"b{i}"] for i in range(n)]
            except InvalidNetworkError:
                raise
            except Exception as exc:  # a damaged member inside a valid zip
                raise InvalidNetworkError(
                    f"cannot read a network from {str(path)!r}: {type(exc).__name__}: {exc}"
                ) from exc
        return cls(ws, bs)
