"""Exception hierarchy of spectral_exact: every exception class of the package lives here.

Two kinds of failure, kept apart:

* **Bad input** (the caller can fix it): :class:`SpectralExactError` (itself a ``ValueError``)
  and its subclasses, one per kind of argument. The message names the argument and its value.
  An unknown option (``method=``, ``backend=``, a plotting ``color=``) is an
  :class:`InvalidArgumentError`; a frequency array that is malformed is an
  :class:`InvalidFrequencyError`.
* **Internal numerical failure** (the input was valid; the computation could not finish
  reliably, e.g. cddlib or exact rational reconstruction disagreeing with the float geometry):
  :class:`NumericalError`, a ``RuntimeError`` and deliberately *not* a
  :class:`SpectralExactError`, so that ``except SpectralExactError`` around user input does not
  hide a library failure. :class:`ExactGeometryError` is both (it predates the split).

Where work over linear regions fails, :func:`region_context` adds which region (index and
activation pattern) was being processed, as a note on the exception (:pep:`678`), without
changing its class or message.

Examples
--------
>>> import spectral_exact as se
>>> try:
...     with region_context(3, ([True, False],)):
...         raise se.InvalidFrequencyError("k has 3 components, expected 2")
... except se.InvalidFrequencyError as exc:
...     print(exc.__notes__[0])
while processing linear region 3 (activation pattern 10)
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np

__all__ = [
    "SpectralExactError",
    "InvalidArgumentError",
    "InvalidNetworkError",
    "UnsupportedModuleError",
    "InvalidDomainError",
    "InvalidPolytopeError",
    "InvalidFrequencyError",
    "SingularFrequencyError",
    "TooManyRegionsError",
    "DegenerateGeometryWarning",
    "MissingDependencyError",
    "NumericalError",
    "ExactGeometryError",
    "CommandError",
    "ExperimentError",
    "region_context",
    "format_pattern",
    "SpectralExactWarning",
    "IllConditionedWarning",
]


class SpectralExactError(ValueError):
    """Root of all errors raised by spectral_exact on bad input."""


class InvalidArgumentError(SpectralExactError, TypeError):
    """An argument of the wrong type or out of range (None, a string, 2.7 as a width, ...)."""


class InvalidNetworkError(SpectralExactError):
    """Weights/biases with wrong shapes, non-finite values, or more than one output."""


class UnsupportedModuleError(InvalidNetworkError, TypeError):
    """A torch module or operation that is not piecewise linear or cannot be compiled."""


class InvalidDomainError(SpectralExactError):
    """An empty, flat, non-finite, or wrongly dimensioned box / domain."""


class InvalidPolytopeError(SpectralExactError):
    """A polytope that is empty, has non-finite data, or is otherwise ill-posed."""


class InvalidFrequencyError(SpectralExactError):
    """Frequencies with the wrong trailing dimension or non-finite entries."""


class SingularFrequencyError(SpectralExactError):
    """A frequency on the singular set of a tempered distribution (no finite value exists)."""


class TooManyRegionsError(SpectralExactError):
    """The estimated number of linear regions exceeds the caller's ``max_regions``."""


class DegenerateGeometryWarning(UserWarning):
    """Geometry flat within a relative tolerance was treated as lower dimensional."""


class MissingDependencyError(SpectralExactError, ImportError):
    """An optional dependency (torch, matplotlib, scikit-learn, ...) is not installed.

    Also an :class:`ImportError`, so ``except ImportError`` keeps working. The message ends with
    the pip command that installs it; :attr:`name` is the missing module, :attr:`extra` the
    ``spectral-exact[...]`` extra that provides it and :attr:`install` the pip command.
    """

    def __init__(self, message: str, *, name: str, extra: str, install: str) -> None:
        SpectralExactError.__init__(self, message)
        self.name = name
        self.extra = extra
        self.install = install


class CommandError(SpectralExactError):
    """A command-line argument that cannot be used (reported without a traceback)."""


class ExperimentError(SpectralExactError):
    """Bad experiment name, scale, option, or an unavailable device / dependency."""


class NumericalError(RuntimeError):
    """The input was valid but the computation failed numerically (an internal failure).

    Raised when two routes that must agree do not (cddlib against the float geometry, exact
    rationals against floats), or a table or invariant the algorithm relies on does not hold.
    Not a :class:`SpectralExactError`: report it, do not treat it as bad input.
    """


class ExactGeometryError(SpectralExactError, NumericalError):
    """The float region geometry could not be rebuilt exactly.

    A vertex matched no exact intersection of the region's constraints, or the exact regions do
    not tile the domain. Both a :class:`SpectralExactError` (as before) and a
    :class:`NumericalError`.
    """


def format_pattern(pattern: Sequence[Any] | None) -> str:
    """Return an activation pattern as ``"101|01"``: one digit per neuron, ``|`` between layers.

    ``pattern`` is one boolean sequence per hidden layer, or one flat boolean sequence.

    Examples
    --------
    >>> format_pattern(([True, False, True], [False, True]))
    '101|01'
    >>> format_pattern([True, True, False])
    '110'
    >>> format_pattern(None)
    ''
    """
    if pattern is None:
        return ""
    layers = [pattern] if len(pattern) and np.ndim(pattern[0]) == 0 else pattern
    return "|".join("".join("1" if bool(b) else "0" for b in layer) for layer in layers)


@contextmanager
def region_context(
    index: int, pattern: Sequence[Any] | None = None, *, what: str = "linear region"
) -> Iterator[None]:
    """Add the region being processed (index, activation pattern) to any exception raised inside.

    The exception keeps its class and message; the context is added with
    :meth:`BaseException.add_note` (shown under the traceback, kept in ``exc.__notes__``) and
    as the attribute ``exc.region_index`` (the innermost region wins). Nested contexts add
    nothing once a region is recorded.

    Parameters
    ----------
    index : int
        Index of the region in the enumeration order of :func:`~spectral_exact.linear_regions`.
    pattern : sequence of boolean arrays, optional
        Its activation pattern, one array per hidden layer.
    what : str
        What is being processed, for the note.
    """
    try:
        yield
    except Exception as exc:
        if getattr(exc, "region_index", None) is None:
            note = f"while processing {what} {index}"
            if pattern is not None:
                note += f" (activation pattern {format_pattern(pattern)})"
            exc.add_note(note)
            try:
                exc.region_index = index  # type: ignore[attr-defined]
            except AttributeError:  # pragma: no cover - exceptions with __slots__
                pass
        raise


class SpectralExactWarning(UserWarning):
    """Root of the warnings spectral_exact issues about results that need care."""


class IllConditionedWarning(SpectralExactWarning):
    """A transform value whose estimated rounding error exceeds the documented tolerance.

    Raised by :func:`~spectral_exact.network_fourier` when the error bound it computes
    (``return_error=True`` returns it) is above
    ``spectral_exact.fourier.spectrum.ILL_CONDITIONED_RTOL`` times the value's modulus: near
    the singular set on R^d the transform is a cancellation of terms many orders of magnitude
    larger than the result, and the digits lost are not noise-free.
    """
