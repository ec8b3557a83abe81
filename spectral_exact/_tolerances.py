"""Explicit numerical tolerances.

No bare tolerance literal is scattered through the code: every function that needs one takes a
``tol: Tolerances`` argument defaulting to :data:`DEFAULT_TOLERANCES`.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from math import factorial

#: the series' truncation bound ``series_threshold**series_terms / series_terms!`` must be
#: below this (double precision's unit roundoff)
_SERIES_TRUNCATION_BOUND = 2.0**-53

__all__ = ["Tolerances", "DEFAULT_TOLERANCES"]


@dataclass(frozen=True)
class Tolerances:
    """Named tolerances used by the geometry and Fourier stages.

    Attributes
    ----------
    geometry:
        Relative tolerance (scaled by the size of the domain / polytope) below which a signed
        distance to a hyperplane counts as zero: a vertex on the hyperplane.
    min_width:
        Relative inradius (Chebyshev radius divided by the domain size) below which a piece of a
        split region is considered lower dimensional and dropped.
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
    min_width: float = 1e-9
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
