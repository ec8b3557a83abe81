r"""Numerical reference transform from samples: the trapezoidal rule evaluated by the FFT.

Convention (see :mod:`spectral_exact`): :math:`F(k) = \int f(x)\, e^{-i k\cdot x}\, dx`, here
restricted to a box :math:`[lo, hi] \subset \mathbb{R}^d`.

Grid, weights and frequencies
-----------------------------
Each axis :math:`a` is sampled at :math:`x_j = lo_a + j h_a`, :math:`h_a = (hi_a - lo_a)/(n-1)`,
:math:`j = 0, \dots, n-1` (both ends included), with trapezoidal weights
:math:`\omega_j = h_a` inside and :math:`h_a/2` at both ends. The tensor-product trapezoidal
rule applied to :math:`f(x) e^{-i k\cdot x}` is

.. math::  T_n(k) = \sum_{j} \Big(\prod_a \omega_{j_a}\Big) f(x_j)\, e^{-i k\cdot x_j}
          = e^{-i k\cdot lo} \sum_j \Big(\prod_a \omega_{j_a}\Big) f(x_j)\,
            \prod_a e^{-i k_a h_a j_a}.

At the DFT frequencies :math:`k_{a,m} = 2\pi m / (n h_a)` (``m`` in :func:`numpy.fft.fftfreq`
order, i.e. ``2 * pi * fftfreq(n, d=h_a)``) the last product is the forward DFT kernel
:math:`e^{-2\pi i m j / n}`, so :func:`fft_fourier` returns

.. math::  T_n(k_m) = e^{-i k_m\cdot lo}\, \mathrm{FFT}\big[\omega f\big](m),

which approximates :math:`F(k_m)` with error :math:`O(h^2)` at fixed :math:`k` (``f`` is
continuous and piecewise linear; the kinks limit the trapezoidal rule to second order). Only
:math:`|k_a| \ll \pi / h_a` is meaningful: :math:`T_n` is periodic in :math:`k_a` with period
:math:`2\pi / h_a` (aliasing). :func:`fft_fourier_at` evaluates the same sum :math:`T_n(k)` at
arbitrary frequencies by direct, axis-by-axis summation (no FFT), for convergence studies at a
fixed :math:`k`.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from ._errors import InvalidDomainError, InvalidNetworkError
from ._types import ComplexArray, FloatArray
from ._validate import as_box_domain
from .fourier._convention import as_frequencies, phase

__all__ = ["MAX_GRID_POINTS", "fft_fourier", "fft_fourier_at", "trapezoid_grid"]

#: Largest number of grid points ``n**d`` accepted (2**24 points: 256 MiB of complex128 values).
MAX_GRID_POINTS = 2**24
#: The network is evaluated on at most this many grid points at a time.
_EVAL_CHUNK_POINTS = 2**16
#: :func:`fft_fourier_at` holds at most this many complex intermediate values per chunk.
_AT_CHUNK_VALUES = 2**22


def _box_bounds(domain: Any, d: int) -> tuple[FloatArray, FloatArray]:
    """Return ``(lo, hi)`` of the sampled box by the common domain rule.

    :func:`~spectral_exact._validate.as_box_domain` (the rule of every transform); ``None``
    (all of R^d) is refused: samples need a bounded box.
    """
    if domain is None:
        raise InvalidDomainError(
            "domain=None (all of R^d) cannot be sampled: pass a Box or a (lo, hi) pair"
        )
    box = as_box_domain(domain, d)
    return np.asarray(box.lo, dtype=np.float64), np.asarray(box.hi, dtype=np.float64)


def _check_n(n: Any, d: int) -> int:
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)):
        raise InvalidDomainError(f"n must be an int >= 2, got {n!r}")
    n = int(n)
    if n < 2:
        raise InvalidDomainError(f"n must be an int >= 2 (both box ends are samples), got {n}")
    if n**d > MAX_GRID_POINTS:
        raise InvalidDomainError(
            f"grid of n**d = {n}**{d} = {n**d} points exceeds MAX_GRID_POINTS = "
            f"{MAX_GRID_POINTS}; use a smaller n"
        )
    return n


def _check_net(net: Any) -> int:
    if not (hasattr(net, "input_dim") and callable(net)):
        raise InvalidNetworkError(f"net must be a ReLUNetwork, got {type(net).__name__}")
    return int(net.input_dim)


def trapezoid_grid(
    domain: Any, n: int, d: int
) -> tuple[list[FloatArray], list[FloatArray], FloatArray]:
    r"""Per-axis sample points, per-axis trapezoidal weights and steps ``h`` of the grid.

    Parameters
    ----------
    domain : Box or (lo, hi)
        The box.
    n : int
        Samples per axis (``>= 2``), ends included.
    d : int
        Expected dimension.

    Returns
    -------
    axes : list of ndarray (n,)
        :math:`x_{a,j} = lo_a + j h_a`.
    weights : list of ndarray (n,)
        :math:`h_a` inside, :math:`h_a / 2` at both ends.
    h : ndarray (d,)
        :math:`(hi - lo) / (n - 1)`.
    """
    lo, hi = _box_bounds(domain, d)
    n = _check_n(n, d)
    h = (hi - lo) / (n - 1)
    j = np.arange(n, dtype=np.float64)
    axes = [lo[a] + j * h[a] for a in range(d)]
    axes = [np.where(j == n - 1, hi[a], ax) for a, ax in enumerate(axes)]  # exact last sample
    weights = []
    for a in range(d):
        w = np.full(n, h[a])
        w[0] = w[-1] = h[a] / 2
        weights.append(w)
    return axes, weights, h


def _weighted_samples(net: Any, axes: list[FloatArray], weights: list[FloatArray]) -> FloatArray:
    """``prod_a w_a(j_a) * f(x_j)`` on the tensor grid, shape ``(n,)*d``; chunked evaluation."""
    d = len(axes)
    n = axes[0].shape[0]
    shape = (n,) * d
    total = n**d
    out = np.empty(total, dtype=np.float64)
    for start in range(0, total, _EVAL_CHUNK_POINTS):
        idx = np.unravel_index(np.arange(start, min(start + _EVAL_CHUNK_POINTS, total)), shape)
        pts = np.stack([axes[a][idx[a]] for a in range(d)], axis=-1)
        wts = np.prod(np.stack([weights[a][idx[a]] for a in range(d)], axis=-1), axis=-1)
        out[start : start + pts.shape[0]] = wts * net(pts)
    return out.reshape(shape)


def fft_fourier(
    net: Any, domain: Any, n: int = 256, *, return_grid: bool = False
) -> tuple[FloatArray, ComplexArray] | tuple[FloatArray, ComplexArray, FloatArray]:
    r"""Trapezoidal-rule approximation of :math:`\int_{box} f(x) e^{-i k\cdot x} dx` by the FFT.

    See the module docstring for the grid, weights, frequencies and phase.

    Parameters
    ----------
    net : ReLUNetwork
        The network ``f`` (any callable mapping ``(..., d)`` to ``(...)`` with ``input_dim``).
    domain : Box or (lo, hi)
        Finite box of dimension ``net.input_dim``.
    n : int
        Samples per axis, ``n >= 2``, ``n**d <= MAX_GRID_POINTS``.
    return_grid : bool
        Also return the spatial sample points.

    Returns
    -------
    k_grid : ndarray, shape (n,)*d + (d,)
        Frequencies :math:`k_{a,m} = 2\pi m / (n h_a)`, **fftshift-ed**: ascending along every
        axis, ``m = -(n//2), ..., (n-1)//2``; ``k_grid[..., a]`` varies along axis ``a``
        (``indexing="ij"``).
    values : ndarray of complex, shape (n,)*d
        :math:`T_n(k)` at ``k_grid``, in the convention :math:`e^{-i k\cdot x}`.
    x_grid : ndarray, shape (n,)*d + (d,)
        Only if ``return_grid``: the samples :math:`x_j = lo + j h` (``indexing="ij"``).

    Raises
    ------
    InvalidDomainError
        Bad ``domain`` (not a box, infinite, flat, wrong dimension) or bad ``n``.

    Examples
    --------
    >>> import numpy as np, spectral_exact as se
    >>> from spectral_exact.fft import fft_fourier
    >>> one = se.ReLUNetwork([np.zeros((1, 1)), np.zeros((1, 1))], [np.zeros(1), np.ones(1)])
    >>> k, F = fft_fourier(one, ([0.0], [2.0]), n=65)
    >>> bool(abs(F[32] - 2.0) < 1e-12)   # k = 0: the length of the interval
    True
    """
    d = _check_net(net)
    axes, weights, h = trapezoid_grid(domain, n, d)
    n = axes[0].shape[0]
    lo = np.array([ax[0] for ax in axes])
    samples = _weighted_samples(net, axes, weights)
    spectrum = np.fft.fftn(samples)
    k_axes = [2.0 * math.pi * np.fft.fftfreq(n, d=h[a]) for a in range(d)]
    k_grid = np.stack(np.meshgrid(*k_axes, indexing="ij"), axis=-1)
    values = spectrum * phase(k_grid @ lo)
    values = np.fft.fftshift(values)
    k_grid = np.fft.fftshift(k_grid, axes=tuple(range(d)))
    if return_grid:
        x_grid = np.stack(np.meshgrid(*axes, indexing="ij"), axis=-1)
        return k_grid, values, x_grid
    return k_grid, values


def fft_fourier_at(net: Any, domain: Any, n: int, k: ArrayLike) -> ComplexArray:
    r"""Return the trapezoidal sum :math:`T_n(k)` of :func:`fft_fourier` at arbitrary frequencies.

    Direct summation, contracted one axis at a time,
    :math:`T_n(k) = \sum_{j_1} e^{-i k_1 x_{1,j_1}} \cdots \sum_{j_d} e^{-i k_d x_{d,j_d}}\,
    \omega_j f(x_j)`, in chunks of frequencies so that at most ``_AT_CHUNK_VALUES`` complex
    intermediates are held. Cost :math:`O(N_k\, n^d)`.

    Parameters
    ----------
    net, domain, n
        As in :func:`fft_fourier`.
    k : array_like, shape (..., d)
        Frequencies (radians per unit length).

    Returns
    -------
    ndarray of complex, shape (...)
    """
    d = _check_net(net)
    axes, weights, _ = trapezoid_grid(domain, n, d)
    n = axes[0].shape[0]
    flat, out_shape = as_frequencies(k, d)
    samples = _weighted_samples(net, axes, weights).astype(np.complex128)
    chunk = max(1, _AT_CHUNK_VALUES // n ** max(d - 1, 1))
    out = np.empty(flat.shape[0], dtype=np.complex128)
    for start in range(0, flat.shape[0], chunk):
        kc = flat[start : start + chunk]
        g = phase(kc[:, 0:1] * axes[0][None, :]) @ samples.reshape(n, -1)
        g = g.reshape((kc.shape[0],) + (n,) * (d - 1))
        for a in range(1, d):
            e = phase(kc[:, a : a + 1] * axes[a][None, :])  # (c, n)
            g = np.einsum("cj...,cj->c...", g, e)
        out[start : start + kc.shape[0]] = g
    return out.reshape(out_shape)
