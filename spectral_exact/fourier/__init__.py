"""Exact Fourier engine: kernels -> polytope transforms -> network spectra."""

from ._convention import as_frequencies, cycles_to_radians, radians_to_cycles
from .grid import GRID_RTOL, GridTransform, network_fourier_grid, network_fourier_grid_report
from .indicator import (
    PreparedPolytopes,
    affine_polytope_fourier,
    evaluate_prepared,
    polytope_fourier,
    prepare_polytopes,
)
from .spectrum import METHODS, PreparedNetwork, network_fourier, prepare_network
from .theorem1 import SpecialDirections, Theorem1Terms, special_directions, theorem1_terms

__all__ = [
    "GRID_RTOL",
    "GridTransform",
    "network_fourier_grid",
    "network_fourier_grid_report",
    "SpecialDirections",
    "Theorem1Terms",
    "special_directions",
    "theorem1_terms",
    "METHODS",
    "PreparedNetwork",
    "network_fourier",
    "prepare_network",
    "PreparedPolytopes",
    "affine_polytope_fourier",
    "as_frequencies",
    "cycles_to_radians",
    "evaluate_prepared",
    "polytope_fourier",
    "prepare_polytopes",
    "radians_to_cycles",
]
