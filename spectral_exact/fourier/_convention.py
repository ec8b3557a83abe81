r"""The transform convention, stated once for the whole package.

.. math::

    F(k) = \int f(x)\, e^{-i k\cdot x}\, dx, \qquad k \in \mathbb{R}^d
    \text{ in radians per unit length.}

This is the convention of Rahaman et al. (2019). A DFT user working in cycles per unit length
``xi`` converts with :func:`cycles_to_radians` (``k = 2 pi xi``). Every public function takes
and returns this convention. Consequences used (and tested) throughout:

* ``F(0) = \int f``; for an indicator, the volume;
* ``F(-k) = conj(F(k))`` for real ``f``;
* translation ``f(x - a)`` multiplies ``F`` by ``e^{-i k . a}``;
* Lemma 1 of Rahaman et al. holds with the constant ``-i`` (not ``+i`` as printed): see
  :mod:`spectral_exact.fourier.spectrum`.

References
----------
N. Rahaman, A. Baratin, D. Arpit, F. Draxler, M. Lin, F. A. Hamprecht, Y. Bengio and A.
Courville, "On the spectral bias of neural networks", Proc. 36th ICML, PMLR 97, 5301-5310
(2019). doi:10.48550/arXiv.1806.08734 (Lemma 1 and Theorem 1).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._errors import InvalidFrequencyError
from .._validate import real_array

__all__ = [
    "as_frequencies",
    "cycles_to_radians",
    "radians_to_cycles",
    "SIGN",
    "PHASE_UNIT",
    "phase",
]

#: sign of the exponent: F(k) = ∫ f(x) exp(SIGN * 1j * k.x) dx
SIGN = -1
#: ``SIGN * 1j``, the factor of ``k.x`` in the exponent (equal to ``-1j``, signed zero included).
#: Every formula of the package writes the convention through it: the phase is
#: ``exp(PHASE_UNIT * k.x)`` and its gradient ``PHASE_UNIT * k * exp(PHASE_UNIT * k.x)``, so a
#: factor ``1j * k`` in a closed form is ``-PHASE_UNIT * k``.
PHASE_UNIT = SIGN * 1j


def phase(kx: Any, xp: Any = np) -> Any:
    r"""Return the convention's phase :math:`e^{-i\,k\cdot x}` given ``kx`` (``k . x``).

    ``xp`` is the array module (``numpy``, or ``torch`` for the torch backend).

    Examples
    --------
    >>> complex(phase(np.pi / 2)).imag   # e^{-i pi/2} = -i
    -1.0
    """
    return xp.exp(PHASE_UNIT * kx)


def cycles_to_radians(xi: ArrayLike) -> NDArray[np.float64]:
    """``k = 2 pi xi``: convert frequencies in cycles per unit length to radians."""
    return 2 * np.pi * real_array(xi, "xi", InvalidFrequencyError)


def radians_to_cycles(k: ArrayLike) -> NDArray[np.float64]:
    """``xi = k / (2 pi)``."""
    return real_array(k, "k", InvalidFrequencyError) / (2 * np.pi)


def as_frequencies(k: ArrayLike, d: int) -> tuple[NDArray[np.float64], tuple[int, ...]]:
    """Validate ``k`` of shape ``(..., d)`` (or ``(d,)``); return ``(K, d)`` and the batch shape.

    Raises :class:`InvalidFrequencyError` on a wrong trailing dimension or non-finite entries.
    For ``d == 1`` a bare scalar or a 1-D array of frequencies with last dimension != 1 is
    *not* reinterpreted: pass shape ``(..., 1)``.
    """
    ka = real_array(k, "k", InvalidFrequencyError, finite=False)
    if ka.ndim == 0 or ka.shape[-1] != d:
        raise InvalidFrequencyError(f"k must have shape (..., {d}), got {ka.shape}")
    if not np.all(np.isfinite(ka)):
        bad = np.argwhere(~np.isfinite(ka))[0].tolist()
        raise InvalidFrequencyError(f"k has non-finite entries (NaN or inf), first at {bad}")
    batch = ka.shape[:-1]
    return ka.reshape(-1, d), batch
