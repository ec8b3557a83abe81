r"""Spectra of trained nets: the exact transform, the region count and the paper's DFT quantities.

The exact transform is :func:`spectral_exact.network_fourier`.

Convention of the whole package: :math:`F(k) = \int f(x) e^{-i k\cdot x} dx` with ``k`` in
radians per unit length. A target ``A sin(2 pi xi z + phi)`` on ``[0, 1]`` has
:math:`|F(2\pi\xi)| \approx A/2`, so the *normalised amplitude* reported everywhere is
:math:`2|F(2\pi\xi)|/A` (Rahaman et al., 2019, Sec. 3.1 plot :math:`|\tilde f(k_i)|/A_i` of the
single-sided DFT spectrum, which is the same quantity).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._runtime import ExperimentError

__all__ = [
    "count_regions",
    "dft_amplitude",
    "dft_coefficients",
    "exact_amplitude",
    "exact_coefficients",
    "exact_fourier",
    "to_relu_network",
]


def to_relu_network(model: Any) -> Any:
    """Convert the trained torch model to a :class:`spectral_exact.ReLUNetwork` (float64)."""
    from ..network import ReLUNetwork

    return ReLUNetwork.from_torch(model)


def exact_fourier(
    net: Any,
    k: NDArray[np.float64],
    lo: Sequence[float],
    hi: Sequence[float],
    *,
    device: str | None = None,
) -> NDArray[np.complex128]:
    r"""``∫_box f(x) e^{-i k·x} dx`` by :func:`spectral_exact.network_fourier` (closed form).

    Parameters
    ----------
    net : ReLUNetwork
    k : array, shape (..., d)
        Angular frequencies (radians per unit length).
    lo, hi : sequence of float
        The box.
    device : str, optional
        ``None`` (default): the NumPy backend on the CPU. A torch device (``"cuda"``, or
        ``"cpu"`` to exercise the same route without a GPU): the torch backend on that device
        (:attr:`._protocol.RunContext.exact_device` is what the experiments pass).
    """
    import spectral_exact as se

    fn = getattr(se, "network_fourier", None)
    box = getattr(se, "Box", None)
    if fn is None or box is None:
        raise ExperimentError(
            "spectral_exact.network_fourier / spectral_exact.Box are not available in this "
            "installation; the experiments need the exact Fourier engine"
        )
    kw: dict[str, Any] = {} if device is None else {"backend": "torch", "device": str(device)}
    kk = np.asarray(k, dtype=np.float64)
    return np.asarray(fn(net, kk, domain=box(list(lo), list(hi)), **kw))


def count_regions(net: Any, lo: Sequence[float], hi: Sequence[float]) -> int:
    """Count the linear regions of ``net`` in the box (:func:`spectral_exact.linear_regions`)."""
    import spectral_exact as se

    fn = getattr(se, "linear_regions", None)
    if fn is None:
        raise ExperimentError("spectral_exact.linear_regions is not available")
    return len(fn(net, domain=se.Box(list(lo), list(hi))))


def dft_coefficients(samples: NDArray[np.float64], freqs: ArrayLike) -> NDArray[np.complex128]:
    """``2 DFT(samples)[k] / N`` (complex) at integer frequencies ``k`` (cycles on ``[0, 1)``)."""
    n = samples.shape[-1]
    return np.asarray(2 * np.fft.rfft(samples, axis=-1)[..., np.asarray(freqs, dtype=int)] / n)


def dft_amplitude(samples: NDArray[np.float64], freqs: ArrayLike) -> NDArray[np.float64]:
    """``2|DFT(samples)[k]| / N`` at integer frequencies ``k`` (cycles on ``[0, 1)``).

    Examples
    --------
    >>> z = np.arange(200) / 200
    >>> np.round(dft_amplitude(0.3 * np.sin(2 * np.pi * 5 * z + 1.0), [5, 6]), 12).tolist()
    [0.3, 0.0]
    """
    n = samples.shape[-1]
    spec = np.abs(np.fft.rfft(samples, axis=-1)) / n
    return np.asarray(2 * spec[..., np.asarray(freqs, dtype=int)])


def exact_coefficients(
    net: Any, xi: ArrayLike, *, device: str | None = None
) -> NDArray[np.complex128]:
    """``2 F(2πξ)`` (complex) of ``net`` on ``[0, 1]`` (exact; ``device`` as in exact_fourier)."""
    k = 2 * np.pi * np.asarray(xi, dtype=np.float64)[:, None]
    return 2 * exact_fourier(net, k, [0.0], [1.0], device=device)


def exact_amplitude(net: Any, xi: ArrayLike, *, device: str | None = None) -> NDArray[np.float64]:
    """``2|F(2π ξ)|`` of ``net`` on ``[0, 1]`` (exact; ``device`` as in exact_fourier)."""
    k = 2 * np.pi * np.asarray(xi, dtype=np.float64)[:, None]
    return np.asarray(2 * np.abs(exact_fourier(net, k, [0.0], [1.0], device=device)))
