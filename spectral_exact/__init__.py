r"""spectral_exact: exact Fourier transforms of ReLU networks.

Convention (stated once, here and in :mod:`spectral_exact.fourier._convention`):

.. math::  F(k) = \int f(x)\, e^{-i k\cdot x}\, dx, \qquad k \in \mathbb{R}^d

in radians per unit length (Rahaman et al., 2019).
"""

from ._errors import (
    DegenerateGeometryWarning,
    IllConditionedWarning,
    InvalidArgumentError,
    InvalidDomainError,
    InvalidFrequencyError,
    InvalidNetworkError,
    InvalidPolytopeError,
    MissingDependencyError,
    NumericalError,
    SingularFrequencyError,
    SpectralExactError,
    SpectralExactWarning,
    TooManyRegionsError,
    UnsupportedModuleError,
)
from ._estimate import RegionEstimate, estimate_regions
from ._tolerances import DEFAULT_TOLERANCES, Tolerances
from .decay import DecayFit, fit_decay_exponent, measure_decay
from .face_poset import f_vector, face_poset
from .fft import fft_fourier, fft_fourier_at
from .fourier import (
    PreparedNetwork,
    SpecialDirections,
    Theorem1Terms,
    affine_polytope_fourier,
    cycles_to_radians,
    network_fourier,
    polytope_fourier,
    prepare_network,
    radians_to_cycles,
    special_directions,
    theorem1_terms,
)
from .fourier.grid import network_fourier_grid
from .network import ReLUNetwork
from .polytope import Box, Polytope
from .regions import Region, Regions, linear_regions
from .slicing import linear_pieces, restrict, slice_through
from .torch_model import from_torch
from .verify import DecayCheck, theorem1_directions, verify_theorem1

__version__ = "0.1.0"

__all__ = [
    "affine_polytope_fourier",
    "Box",
    "cycles_to_radians",
    "DecayCheck",
    "DecayFit",
    "DEFAULT_TOLERANCES",
    "DegenerateGeometryWarning",
    "estimate_regions",
    "f_vector",
    "face_poset",
    "fft_fourier",
    "fft_fourier_at",
    "fit_decay_exponent",
    "from_torch",
    "InvalidArgumentError",
    "InvalidDomainError",
    "InvalidFrequencyError",
    "InvalidNetworkError",
    "InvalidPolytopeError",
    "linear_pieces",
    "linear_regions",
    "measure_decay",
    "MissingDependencyError",
    "network_fourier",
    "network_fourier_grid",
    "Polytope",
    "polytope_fourier",
    "prepare_network",
    "PreparedNetwork",
    "radians_to_cycles",
    "Region",
    "RegionEstimate",
    "Regions",
    "ReLUNetwork",
    "restrict",
    "SingularFrequencyError",
    "slice_through",
    "special_directions",
    "SpecialDirections",
    "SpectralExactError",
    "theorem1_directions",
    "theorem1_terms",
    "Theorem1Terms",
    "Tolerances",
    "TooManyRegionsError",
    "UnsupportedModuleError",
    "verify_theorem1",
    "NumericalError",
    "IllConditionedWarning",
    "SpectralExactWarning",
]
