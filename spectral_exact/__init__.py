r"""spectral_exact: exact Fourier transforms of ReLU networks.

Convention (stated once, here and in :mod:`spectral_exact.fourier._convention`):

.. math::  F(k) = \int f(x)\, e^{-i k\cdot x}\, dx, \qquad k \in \mathbb{R}^d

in radians per unit length (Rahaman et al., 2019).
"""

from ._errors import (
    InvalidDomainError,
    InvalidFrequencyError,
    InvalidNetworkError,
    InvalidPolytopeError,
    SingularFrequencyError,
    SpectralExactError,
    UnsupportedModuleError,
)
from ._tolerances import DEFAULT_TOLERANCES, Tolerances
from .face_poset import f_vector, face_poset
from .fourier import (
    PreparedNetwork,
    SpecialDirections,
    Theorem1Terms,
    affine_polytope_fourier,
    network_fourier,
    polytope_fourier,
    prepare_network,
    special_directions,
    theorem1_terms,
)
from .network import ReLUNetwork
from .polytope import Box, Polytope
from .regions import Region, Regions, linear_regions

__version__ = "0.1.0"

__all__ = [
    "Box",
    "DEFAULT_TOLERANCES",
    "Polytope",
    "PreparedNetwork",
    "Region",
    "SpecialDirections",
    "Theorem1Terms",
    "Regions",
    "affine_polytope_fourier",
    "f_vector",
    "face_poset",
    "linear_regions",
    "network_fourier",
    "polytope_fourier",
    "prepare_network",
    "special_directions",
    "theorem1_terms",
    "InvalidDomainError",
    "InvalidFrequencyError",
    "InvalidNetworkError",
    "InvalidPolytopeError",
    "ReLUNetwork",
    "SingularFrequencyError",
    "SpectralExactError",
    "Tolerances",
    "UnsupportedModuleError",
]
