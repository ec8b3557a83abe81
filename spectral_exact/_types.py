"""The type vocabulary of spectral_exact: array aliases, option names, the backend protocol.

Array aliases fix the dtype; the name says what the array holds and the comment its shape
(numpy's typing cannot check shapes, so the shape is documentation here, checked at run time
by :mod:`._validate`). Every module imports these instead of redefining them.

============================  ===================  =========================================
alias                         dtype                shape / meaning
============================  ===================  =========================================
:data:`FloatArray`            float64              any
:data:`ComplexArray`          complex128           any
:data:`BoolArray`             bool                 any
:data:`IntArray`              int64                any
:data:`ObjectArray`           object               any (mpmath numbers, sympy expressions)
:data:`Points`                float64              ``(..., d)``: points of R^d
:data:`Frequencies`           float64              ``(K, d)``: frequencies, radians per unit
:data:`Vector`                float64              ``(d,)``
:data:`Matrix`                float64              ``(m, d)``: rows are vectors of R^d
:data:`Transform`             complex128           ``(...)``: F(k) per frequency
============================  ===================  =========================================

Option names are :class:`typing.Literal` types, so a type checker catches a misspelt
``method="lemma"``; the run-time check stays in the functions (a user's string is not typed).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal, Protocol, TypeAlias

import numpy as np
from numpy.typing import ArrayLike, NDArray

if TYPE_CHECKING:
    from .polytope import Box

__all__ = [
    "ArrayLike",
    "FloatArray",
    "ComplexArray",
    "BoolArray",
    "IntArray",
    "ObjectArray",
    "Points",
    "Frequencies",
    "Vector",
    "Matrix",
    "Transform",
    "Pattern",
    "DomainLike",
    "Method",
    "Route",
    "BackendName",
    "Scale",
    "Envelope",
    "ArrayOps",
    "BackendArray",
    "LayeredNetwork",
]

# ------------------------------------------------------------------------------ arrays
FloatArray: TypeAlias = NDArray[np.float64]
ComplexArray: TypeAlias = NDArray[np.complex128]
BoolArray: TypeAlias = NDArray[np.bool_]
IntArray: TypeAlias = NDArray[np.int64]
ObjectArray: TypeAlias = NDArray[np.object_]

#: ``(..., d)`` float64: points of R^d (the last axis is the coordinate)
Points: TypeAlias = FloatArray
#: ``(K, d)`` float64: frequencies in radians per unit length (the transform's convention)
Frequencies: TypeAlias = FloatArray
#: ``(d,)`` float64
Vector: TypeAlias = FloatArray
#: ``(m, d)`` float64: ``m`` row vectors of R^d (constraint normals, vertices, generators)
Matrix: TypeAlias = FloatArray
#: ``(...)`` complex128: transform values, one per frequency
Transform: TypeAlias = ComplexArray
#: an activation pattern: one boolean array per hidden layer
Pattern: TypeAlias = tuple[BoolArray, ...]
#: what a ``domain=`` argument accepts: a box, a ``(lo, hi)`` pair, or ``None`` for all of R^d
DomainLike: TypeAlias = "Box | tuple[ArrayLike, ArrayLike] | None"

# ------------------------------------------------------------------------------ option names
#: the evaluation routes of :func:`~spectral_exact.network_fourier` (``None``: automatic)
Route: TypeAlias = Literal["regions", "lemma1", "laplacian"]
#: every accepted ``method=``: the three routes and the fused Laplacian route
Method: TypeAlias = Literal["regions", "lemma1", "laplacian", "fused"]
#: array backends of the Fourier engine
BackendName: TypeAlias = Literal["numpy", "torch"]
#: experiment scales
Scale: TypeAlias = Literal["quick", "paper"]
#: envelopes of :func:`~spectral_exact.fit_decay_exponent`
Envelope: TypeAlias = Literal["running_max", "rms", "peaks", "none"]


# ------------------------------------------------------------------------------ backend ops
#: an array of the Fourier engine's backend: ``numpy.ndarray`` or ``torch.Tensor`` (typed
#: ``Any`` once, here: torch is optional and not imported for type checking)
BackendArray: TypeAlias = Any


class LayeredNetwork(Protocol):
    """What the independent references need of a network: its affine layers.

    :class:`~spectral_exact.ReLUNetwork` and everything :func:`~spectral_exact.restrict` or
    :func:`~spectral_exact.from_torch` returns provide it.
    """

    @property
    def weights(self) -> Sequence[NDArray[Any]]:
        """Layer matrices ``W_l`` of shape ``(d_l, d_{l-1})``."""
        ...

    @property
    def biases(self) -> Sequence[NDArray[Any]]:
        """Layer offsets ``b_l`` of shape ``(d_l,)``."""
        ...

    @property
    def input_dim(self) -> int:
        """Input dimension ``d``."""
        ...


class ArrayOps(Protocol):
    """The operations the Fourier engine needs from an array backend.

    Implemented by :class:`~spectral_exact.fourier._backend.NumpyOps` and
    :class:`~spectral_exact.fourier._backend.TorchOps`. Arrays are ``numpy.ndarray`` or
    ``torch.Tensor`` (:data:`BackendArray`: torch is optional); complex results are complex128.
    ``xp`` is the array module (``numpy`` or ``torch``) for the functions whose names agree.
    """

    name: str
    xp: Any  # the array module: numpy or torch

    def asarray(self, a: BackendArray) -> BackendArray:
        """Return ``a`` as an array of this backend (on its device)."""
        ...

    def zeros(self, shape: tuple[int, ...]) -> BackendArray:
        """Return complex zeros of ``shape``."""
        ...

    def empty(self, shape: tuple[int, ...]) -> BackendArray:
        """Return an uninitialised complex array of ``shape``."""
        ...

    def empty_like(self, x: BackendArray) -> BackendArray:
        """Return an uninitialised array like ``x``."""
        ...

    def zeros_like(self, x: BackendArray) -> BackendArray:
        """Return zeros like ``x``."""
        ...

    def add_at(self, out: BackendArray, idx: BackendArray, vals: BackendArray) -> None:
        """Scatter-add ``vals`` into ``out`` at rows ``idx`` (repeated indices accumulate)."""
        ...

    def nonzero(self, mask: BackendArray) -> tuple[BackendArray, ...]:
        """Return the indices of the true entries of ``mask``, one array per axis."""
        ...

    def to_numpy(self, x: BackendArray) -> BackendArray:
        """Return ``x`` as a numpy array on the CPU."""
        ...

    def sinc(self, x: BackendArray) -> BackendArray:
        """Return the normalised sinc ``sin(pi x) / (pi x)``."""
        ...

    def row_norms(self, k: BackendArray) -> BackendArray:
        """Return the Euclidean norm of each row of ``k``."""
        ...

    def contiguous(self, x: BackendArray) -> BackendArray:
        """Return ``x`` with contiguous memory."""
        ...

    def copy(self, x: BackendArray) -> BackendArray:
        """Return a copy of ``x``."""
        ...

    def level(self, lv: BackendArray) -> BackendArray:
        """Return a prepared face level with its arrays on this backend."""
        ...
