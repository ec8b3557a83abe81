"""Array backends for the Fourier engine: numpy (default) and torch (CPU or GPU).

The engine (:mod:`.kernels`, :mod:`.indicator`) is written once against the small set of
operations below; ``ops.xp`` is the array module (``numpy`` or ``torch``) for the functions
whose names agree (``exp``, ``sin``, ``cos``, ``abs``, ``sqrt``, ``where``, ``einsum``). Torch
is imported only when a torch backend is requested. Both run in float64 / complex128, so the
results agree to rounding.
"""

from __future__ import annotations

import weakref
from types import SimpleNamespace
from typing import Any

import numpy as np

from .._errors import InvalidArgumentError
from .._optional import require

__all__ = ["NumpyOps", "TorchOps", "get_backend"]


class NumpyOps:
    """numpy implementation (the default)."""

    name = "numpy"
    xp: Any = np

    def asarray(self, a: Any) -> Any:
        return np.asarray(a)

    def zeros(self, shape: tuple[int, ...]) -> Any:
        return np.zeros(shape, dtype=complex)

    def empty(self, shape: tuple[int, ...]) -> Any:
        return np.empty(shape, dtype=complex)

    def empty_like(self, x: Any) -> Any:
        return np.empty_like(x)

    def zeros_like(self, x: Any) -> Any:
        return np.zeros_like(x)

    def add_at(self, out: Any, idx: Any, vals: Any) -> None:
        np.add.at(out, idx, vals)

    def nonzero(self, mask: Any) -> tuple[Any, ...]:
        return tuple(np.nonzero(mask))

    def to_numpy(self, x: Any) -> Any:
        return np.asarray(x)

    def sinc(self, x: Any) -> Any:
        return np.sinc(x)

    def row_norms(self, k: Any) -> Any:
        return np.linalg.norm(k, axis=1)

    def contiguous(self, x: Any) -> Any:
        return np.ascontiguousarray(x)

    def copy(self, x: Any) -> Any:
        return x.copy()

    def level(self, lv: Any) -> Any:
        return lv


_LEVEL_CACHE: weakref.WeakKeyDictionary[Any, dict[str, Any]] = weakref.WeakKeyDictionary()

_LEVEL_FIELDS = (
    "point", "basis", "radius", "bounded", "w", "c", "direction", "length", "parent", "child",
    "normal", "simplices", "simplex_factor", "simplex_face",
)  # fmt: skip


class TorchOps(NumpyOps):
    """torch implementation on ``device`` (``"cpu"``, ``"cuda"``, ``"cuda:1"``, ...)."""

    name = "torch"

    def __init__(self, device: str = "cpu") -> None:
        torch = require("torch", extra="torch", purpose="backend='torch'")
        if str(device).startswith("cuda") and not torch.cuda.is_available():
            raise InvalidArgumentError(
                f"device {device!r} requested but torch.cuda.is_available() is False"
            )
        self.torch = torch
        self.xp = torch
        self.device = torch.device(device)

    def asarray(self, a: Any) -> Any:
        if isinstance(a, self.torch.Tensor):
            return a.to(self.device)
        a = np.asarray(a)
        if not a.flags.writeable:  # read-only tables (RegionArrays): torch warns on them
            a = a.copy()
        return self.torch.as_tensor(a, device=self.device)

    def zeros(self, shape: tuple[int, ...]) -> Any:
        return self.torch.zeros(shape, dtype=self.torch.complex128, device=self.device)

    def empty(self, shape: tuple[int, ...]) -> Any:
        return self.torch.empty(shape, dtype=self.torch.complex128, device=self.device)

    def empty_like(self, x: Any) -> Any:
        return self.torch.empty_like(x)

    def zeros_like(self, x: Any) -> Any:
        return self.torch.zeros_like(x)

    def add_at(self, out: Any, idx: Any, vals: Any) -> None:
        out.index_add_(0, idx, vals)

    def nonzero(self, mask: Any) -> tuple[Any, ...]:
        return tuple(self.torch.nonzero(mask, as_tuple=True))

    def to_numpy(self, x: Any) -> Any:
        return x.detach().cpu().numpy()

    def sinc(self, x: Any) -> Any:
        return self.torch.sinc(x)

    def row_norms(self, k: Any) -> Any:
        return self.torch.linalg.vector_norm(k, dim=1)

    def contiguous(self, x: Any) -> Any:
        return x.contiguous()

    def copy(self, x: Any) -> Any:
        return x.clone()

    def level(self, lv: Any) -> Any:
        per = _LEVEL_CACHE.setdefault(lv, {})
        key = str(self.device)
        if key not in per:
            per[key] = SimpleNamespace(
                dim=lv.dim,
                volume=lv.volume,
                **{f: self.asarray(getattr(lv, f)) for f in _LEVEL_FIELDS},
            )
        return per[key]


def get_backend(backend: str = "numpy", device: str | None = None) -> NumpyOps:
    """``"numpy"`` or ``"torch"`` (``device`` default: ``"cuda"`` if available, else ``"cpu"``)."""
    if backend == "numpy":
        if device not in (None, "cpu"):
            raise InvalidArgumentError(f"the numpy backend runs on the CPU only, not {device!r}")
        return NumpyOps()
    if backend == "torch":
        if device is None:
            torch = require("torch", extra="torch", purpose="backend='torch'")

            device = "cuda" if torch.cuda.is_available() else "cpu"
        return TorchOps(device)
    raise InvalidArgumentError(f"unknown backend {backend!r}; choose 'numpy' or 'torch'")
