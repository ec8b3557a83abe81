"""Exception hierarchy of spectral_exact.

Every error raised on bad input derives from :class:`SpectralExactError` (itself a
``ValueError``), so callers can catch one root or a specific subclass.
"""

from __future__ import annotations

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


class SpectralExactWarning(UserWarning):
    """Root of the warnings spectral_exact issues about results that need care."""


class IllConditionedWarning(SpectralExactWarning):
    """A transform value whose estimated rounding error exceeds the documented tolerance.

    Raised by :func:`~spectral_exact.network_fourier` when the error bound it computes
    (``return_error=True`` returns it) is above
    ``spectral_exact.fourier.network.ILL_CONDITIONED_RTOL`` times the value's modulus: near
    the singular set on R^d the transform is a cancellation of terms many orders of magnitude
    larger than the result, and the digits lost are not noise-free.
    """
