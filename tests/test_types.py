"""The type vocabulary (:mod:`spectral_exact._types`) agrees with what the code accepts.

The ``Literal`` option types are checked against the run-time tuples the functions validate
with, and the backend protocol against both backend classes, so a new method, envelope or
backend operation cannot be added to one side only.
"""

from __future__ import annotations

import inspect
from typing import get_args

import numpy as np

from spectral_exact import _types
from spectral_exact.decay import ENVELOPES
from spectral_exact.experiments import SCALES
from spectral_exact.fourier._backend import NumpyOps, TorchOps
from spectral_exact.fourier.spectrum import ALL_METHODS, METHODS


def test_literal_option_types_match_the_runtime_choices() -> None:
    assert get_args(_types.Method) == tuple(ALL_METHODS)
    assert get_args(_types.Route) == tuple(METHODS)
    assert get_args(_types.Envelope) == tuple(ENVELOPES)
    assert get_args(_types.Scale) == tuple(SCALES)
    assert get_args(_types.BackendName) == ("numpy", "torch")


def test_backend_classes_implement_the_protocol() -> None:
    wanted = {
        name
        for name, member in vars(_types.ArrayOps).items()
        if inspect.isfunction(member) and not name.startswith("_")
    }
    assert len(wanted) >= 10
    for cls in (NumpyOps, TorchOps):
        missing = [m for m in sorted(wanted) if not callable(getattr(cls, m, None))]
        assert missing == [], (cls.__name__, missing)
        for m in wanted:  # same parameter names as the protocol
            want = list(inspect.signature(getattr(_types.ArrayOps, m)).parameters)
            got = list(inspect.signature(getattr(cls, m)).parameters)
            assert got == want, (cls.__name__, m, got, want)


def test_array_aliases_fix_the_dtype() -> None:
    for alias, dtype in [
        (_types.FloatArray, np.float64),
        (_types.ComplexArray, np.complex128),
        (_types.BoolArray, np.bool_),
        (_types.IntArray, np.int64),
        (_types.Points, np.float64),
        (_types.Frequencies, np.float64),
        (_types.Transform, np.complex128),
    ]:
        assert get_args(get_args(alias)[1])[0] is dtype
