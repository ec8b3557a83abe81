"""Shared inputs and constants of the mpmath reference: exact conversion, shapes, output."""

from __future__ import annotations

from typing import Any

import mpmath
import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._errors import (
    InvalidFrequencyError,
)
from .._types import ObjectArray

#: Default number of significant decimal digits of the reference values.
DEFAULT_DPS = 40
#: Extra decimal digits always carried on top of ``dps`` and of the estimated losses.
_GUARD_DIGITS = 15
#: Radius of the disc the centred nodes are scaled into before the Taylor stage.
_TAYLOR_RADIUS = 0.5
#: Beyond this estimated digit loss the Newton recursion hands over to scaling and squaring.
_NEWTON_MAX_EXTRA_DIGITS = 60
#: A vertex whose value under a neuron's affine function is below
#: ``10**-(working_dps - _SIGN_GUARD_DIGITS)`` times the function's scale lies on its zero set.
_SIGN_GUARD_DIGITS = 10
#: Relative tolerance on ``sum of simplex volumes == hull volume`` after triangulation.
_TRIANGULATION_VOLUME_RTOL = 1e-9
#: Largest input dimension :func:`mp_network_fourier_box` supports.
_MAX_NETWORK_DIM = 2

MpcArray = ObjectArray  # mpmath mpc numbers


def _to_mpf(x: Any) -> mpmath.mpf:
    """Return an exact ``mpf`` of a binary float / int / ``mpf`` (no decimal rounding)."""
    if isinstance(x, mpmath.mpf):
        return x
    if isinstance(x, (int, np.integer)):
        return mpmath.mpf(int(x))
    return mpmath.mpf(float(x))


def _points(v: ArrayLike, what: str, err: type[Exception]) -> NDArray[np.float64]:
    try:
        arr = np.array(v, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise err(f"{what} is not numeric: {exc}") from exc
    if arr.ndim != 2 or arr.shape[0] == 0 or arr.shape[1] == 0:
        raise err(f"{what} must have shape (n_points, d), got {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise err(f"{what} has non-finite entries: {arr.tolist()}")
    return arr


def _frequencies(k: ArrayLike, d: int) -> tuple[NDArray[np.float64], bool]:
    """``k`` as an ``(n, d)`` float array, and whether a single ``(d,)`` vector was given."""
    try:
        arr = np.array(k, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise InvalidFrequencyError(f"k is not a real numeric array: {exc}") from exc
    single = arr.ndim == 1
    if arr.ndim == 0 or arr.ndim > 2 or arr.shape[-1] != d:
        raise InvalidFrequencyError(f"k must have shape ({d},) or (n, {d}), got {arr.shape}")
    arr = arr.reshape(-1, d)
    if not np.all(np.isfinite(arr)):
        bad = np.argwhere(~np.isfinite(arr))[0].tolist()
        raise InvalidFrequencyError(f"k has a non-finite entry at index {bad}")
    return arr, single


def _finish(values: list[mpmath.mpc], single: bool, as_mp: bool) -> Any:
    if as_mp:
        out_mp = np.empty(len(values), dtype=object)
        out_mp[:] = values
        return out_mp[0] if single else out_mp
    out = np.array([complex(v) for v in values], dtype=np.complex128)
    return complex(out[0]) if single else out
