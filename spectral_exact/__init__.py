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
    TooManyRegionsError,
    UnsupportedModuleError,
)
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
from .network import ReLUNetwork
from .polytope import Box, Polytope
from .regions import Region, Regions, linear_regions
from .verify import DecayCheck, theorem1_directions, verify_theorem1

__version__ = "0.1.0"

__all__ = [
    "Box",
    "DEFAULT_TOLERANCES",
    "DecayCheck",
    "DecayFit",
    "Polytope",
    "PreparedNetwork",
    "Region",
    "SpecialDirections",
    "Theorem1Terms",
    "Regions",
    "affine_polytope_fourier",
    "cycles_to_radians",
    "f_vector",
    "fft_fourier",
    "fft_fourier_at",
    "fit_decay_exponent",
    "face_poset",
    "linear_regions",
    "measure_decay",
    "network_fourier",
    "polytope_fourier",
    "prepare_network",
    "radians_to_cycles",
    "special_directions",
    "theorem1_directions",
    "theorem1_terms",
    "verify_theorem1",
    "InvalidDomainError",
    "InvalidFrequencyError",
    "InvalidNetworkError",
    "InvalidPolytopeError",
    "ReLUNetwork",
    "SingularFrequencyError",
    "SpectralExactError",
    "Tolerances",
    "TooManyRegionsError",
    "UnsupportedModuleError",
]

# torchnet: exact compilation of piecewise-linear torch models, slices through data
from .slicing import linear_pieces, restrict, slice_through  # noqa: E402
from .torch_model import from_torch  # noqa: E402

__all__ += ["from_torch", "linear_pieces", "restrict", "slice_through"]
