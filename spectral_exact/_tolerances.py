"""Explicit numerical tolerances.

No bare tolerance literal is scattered through the code: every function that needs one takes a
``tol: Tolerances`` argument defaulting to :data:`DEFAULT_TOLERANCES`.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from math import factorial

import numpy as np
from numpy.typing import ArrayLike

#: a computed coordinate of magnitude ``|x|`` may be off by this many units in the last place
ROUNDING_ULPS = 64.0

#: a positive floor far below every length, volume or frequency the package meets: it keeps a
#: ratio or a logarithm finite (``max(s, TINY)``, ``log10(x + TINY)``) and never decides a result
TINY = 1e-300

#: adaptive Taylor sums stop once a term (bound) falls below this: a hundredth of an ulp of 1
SERIES_TERM_RTOL = 1e-2 * float(np.finfo(float).eps)

#: the series' truncation bound ``series_threshold**series_terms / series_terms!`` must be
#: below this (double precision's unit roundoff)
_SERIES_TRUNCATION_BOUND = 2.0**-53

__all__ = [
    "Tolerances",
    "DEFAULT_TOLERANCES",
    "ROUNDING_ULPS",
    "TINY",
    "SERIES_TERM_RTOL",
    "hyperplane_tolerance",
    "zero_distance",
]


@dataclass(frozen=True)
class Tolerances:
    """Named tolerances used by the geometry and Fourier stages.

    Attributes
    ----------
    geometry:
        Relative tolerance (scaled by the size of the domain / polytope) below which a signed
        distance to a hyperplane counts as zero: a vertex on the hyperplane.
    rank:
        Relative singular-value threshold for numerical rank of direction sets (face dimension).
    series_threshold:
        Reduced frequency ``|Proj_F(k)| * R_F`` (``R_F`` = radius of the face about its vertex
        centroid) below which a face integral is evaluated by its Taylor series instead of the
        Diaz-Le-Robins recursion. The recursion loses a factor of about ``1/series_threshold``
        relative to the face integral; the series needs ``series_terms`` terms.
    series_terms:
        Number of Taylor terms; ``series_threshold**n / n!`` must be below machine epsilon.
    singular:
        Relative size ``|Proj_F(k)| / |k|`` below which a frequency is declared to lie on the
        singular set of an unbounded face (the transform is a distribution there).
    """

    geometry: float = 1e-11
    rank: float = 1e-9
    series_threshold: float = 0.5
    series_terms: int = 28
    singular: float = 1e-12

    def __post_init__(self) -> None:
        from ._errors import InvalidArgumentError
        from ._validate import integer, positive_float

        for f in fields(self):
            value = getattr(self, f.name)
            if f.name == "series_terms":
                integer(value, "Tolerances.series_terms", minimum=1)
            else:
                positive_float(value, f"Tolerances.{f.name}", maximum=1.0)
        tail = self.series_threshold**self.series_terms / factorial(int(self.series_terms))
        if tail > _SERIES_TRUNCATION_BOUND:
            raise InvalidArgumentError(
                f"Tolerances.series_terms = {self.series_terms} is too few for "
                f"series_threshold = {self.series_threshold}: the truncation bound "
                f"threshold**terms/terms! = {tail:.3g} exceeds {_SERIES_TRUNCATION_BOUND:.3g}"
            )


DEFAULT_TOLERANCES = Tolerances()


def zero_distance(points: ArrayLike, tol: Tolerances = DEFAULT_TOLERANCES) -> float:
    """Distance below which a point of ``points`` counts as lying on a (unit-normal) hyperplane.

    Relative to the data, never an absolute floor:
    ``tol.geometry * extent + ROUNDING_ULPS * eps * position``, with ``extent`` the largest
    coordinate range of ``points`` (the size of the object) and ``position`` their largest
    coordinate magnitude (how far from the origin it sits, which limits the absolute precision
    of every coordinate). A triangle with legs 1e-8 at the origin gets 1e-19; the same triangle
    at x = 1e6 gets about 1.4e-8, the resolution that double precision has there.

    Examples
    --------
    >>> f"{zero_distance([[0.0, 0.0], [1.0, 0.0]]):.4e}"   # 1e-11 * 1 + 64 eps * 1
    '1.0014e-11'
    """
    P = np.asarray(points, dtype=float)
    if P.size == 0:
        return 0.0
    P = P.reshape(-1, P.shape[-1])
    extent = float(np.max(np.ptp(P, axis=0)))
    position = float(np.max(np.abs(P)))
    return tol.geometry * extent + ROUNDING_ULPS * float(np.finfo(float).eps) * position


def hyperplane_tolerance(normal_norm: ArrayLike, offset: ArrayLike, zero_dist: float) -> np.ndarray:
    """Threshold on ``|h . x + c|`` below which ``x`` counts as on the hyperplane ``h.x + c = 0``.

    ``|h| * zero_dist`` (a distance of :func:`zero_distance` of the domain) plus the rounding
    of the offset, ``ROUNDING_ULPS * eps * |c|``. Scale covariant: multiplying the domain and
    every bias by ``s`` multiplies the threshold by ``s``, so a net on a 1e-9 box is split
    exactly like the same net on the unit box.
    """
    eps = float(np.finfo(float).eps)
    return np.asarray(normal_norm) * zero_dist + ROUNDING_ULPS * eps * np.abs(offset)
