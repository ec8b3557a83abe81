r"""High-precision independent reference transforms and comparison helpers.

This module is a *second route* to the transforms computed by :mod:`spectral_exact.fourier`,
written so that the float engine can be checked against it. It deliberately imports nothing
from the engine or the geometry stages (``fourier``, ``regions``, ``polytope``,
``face_poset``): every quantity is recomputed here in :mod:`mpmath` arithmetic from the raw
inputs, which are taken as exact binary floats.

Convention (the one of :mod:`spectral_exact`; Rahaman et al., 2019)

.. math::  F(k) = \int f(x)\, e^{-i k\cdot x}\, dx, \qquad k \in \mathbb{R}^d.

Simplices: Hermite--Genocchi
----------------------------
For an :math:`m`-simplex :math:`S = \mathrm{conv}(v_0, \dots, v_m) \subset \mathbb{R}^d`
(:math:`m \le d`, integral with respect to :math:`m`-dimensional Hausdorff measure) and nodes
:math:`z_j = -i\, k \cdot v_j`,

.. math::  \int_S e^{-i k\cdot x}\, dx = m!\, \mathrm{vol}_m(S)\; \exp[z_0, \dots, z_m],

where :math:`\exp[z_0, \dots, z_m]` is the divided difference of :math:`\exp`
(Hermite--Genocchi formula; e.g. de Boor, *Divided differences*, Surveys in Approximation
Theory 1, 2005, eq. (26)). With barycentric coordinates :math:`\lambda_j`,

.. math::  \int_S \lambda_j(x)\, e^{-i k\cdot x}\, dx = m!\, \mathrm{vol}_m(S)\;
           \exp[z_0, \dots, z_m, z_j],

so for an affine :math:`g(x) = w\cdot x + c = \sum_j g(v_j) \lambda_j(x)`,

.. math::  \int_S g(x)\, e^{-i k\cdot x}\, dx = m!\, \mathrm{vol}_m(S)
           \sum_{j=0}^m g(v_j)\, \exp[z_0, \dots, z_m, z_j].

Divided differences of exp
--------------------------
Two independent algorithms, both at extra working precision:

``"newton"``
    The Newton/Hermite recursion on the nodes sorted so that equal nodes are adjacent:
    :math:`\exp[z_i..z_l] = (\exp[z_{i+1}..z_l] - \exp[z_i..z_{l-1}])/(z_l - z_i)`, and
    :math:`e^{z}/(l-i)!` for a run of equal nodes. Cancellation loses about
    :math:`\sum_q \log_{10}(1/g_q)` digits (:math:`g_q` = smallest non-zero gap at level
    :math:`q`), which is added to the working precision.
``"taylor"``
    Scaling and squaring of the Opitz matrix: the upper bidiagonal matrix :math:`Z` with
    diagonal :math:`z_j` and unit super-diagonal satisfies :math:`\exp(Z)_{il} =
    \exp[z_i..z_l]` (Opitz, 1964; McCurdy, Ng and Parlett, Math. Comp. 43, 1984). The nodes are
    centred, scaled by :math:`2^{-s}` into the disc of radius ``_TAYLOR_RADIUS``, the table is
    filled by the Taylor series :math:`\exp[u_i..u_l] = \sum_{p\ge 0} h_p(u_i..u_l)/(p+l-i)!`
    (:math:`h_p` = complete homogeneous symmetric polynomial) and squared :math:`s` times.
    Exact for confluent nodes, used when the recursion would need too many extra digits.

``"auto"`` picks ``"newton"`` unless its estimated digit loss exceeds
``_NEWTON_MAX_EXTRA_DIGITS``.

Networks on boxes
-----------------
:func:`mp_network_fourier_box` splits the box exactly (in ``mpmath``, 1-D: interval
breakpoints, 2-D: Sutherland--Hodgman clipping of convex polygons) by every neuron, layer by
layer, keeping the pre-activation affine on each piece, fan-triangulates the final pieces and
sums the simplex affine formula above.

References
----------
C. de Boor, "Divided differences", Surveys in Approximation Theory 1, 46-69 (2005), ISSN
1555-578X (the Hermite-Genocchi formula: the integral of exp over a simplex is a divided
difference of exp).

A. McCurdy, K. C. Ng and B. N. Parlett, "Accurate computation of divided differences of the
exponential function", Math. Comp. 43, 501-528 (1984).

N. Rahaman, A. Baratin, D. Arpit, F. Draxler, M. Lin, F. A. Hamprecht, Y. Bengio and A.
Courville, "On the spectral bias of neural networks", Proc. 36th ICML, PMLR 97, 5301-5310
(2019). doi:10.48550/arXiv.1806.08734 (Lemma 1 and Theorem 1).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from ._reference.common import DEFAULT_DPS
from ._reference.divided import mp_exp_divided_difference
from ._reference.network import MpPiece, mp_network_fourier_box, mp_network_pieces_box
from ._reference.network_rd import mp_network_fourier_rd
from ._reference.simplex import (
    mp_affine_polytope_fourier,
    mp_polytope_fourier,
    mp_simplex_affine_fourier,
    mp_simplex_fourier,
)

__all__ = [
    "DEFAULT_DPS",
    "MpPiece",
    "assert_transform_close",
    "mp_affine_polytope_fourier",
    "mp_exp_divided_difference",
    "mp_network_fourier_box",
    "mp_network_fourier_rd",
    "mp_network_pieces_box",
    "mp_polytope_fourier",
    "mp_simplex_affine_fourier",
    "mp_simplex_fourier",
]


def assert_transform_close(
    actual: ArrayLike,
    desired: ArrayLike,
    rtol: float,
    atol: float = 0.0,
    what: str = "",
) -> None:
    r"""Assert ``|actual - desired| <= atol + rtol * |desired|`` elementwise (complex).

    Raises
    ------
    AssertionError
        Naming the number of offending entries and the worst one (largest ratio of error to
        allowed error): its index, both values, the absolute and the relative error.
    """
    a = np.asarray(actual, dtype=np.complex128)
    b = np.asarray(desired, dtype=np.complex128)
    label = f" ({what})" if what else ""
    if a.shape != b.shape:
        raise AssertionError(f"transform shapes differ{label}: {a.shape} vs {b.shape}")
    if not (np.all(np.isfinite(a)) and np.all(np.isfinite(b))):
        bad = np.argwhere(~(np.isfinite(a) & np.isfinite(b)))[0]
        raise AssertionError(
            f"non-finite transform value{label} at index {tuple(bad.tolist())}: "
            f"actual={a[tuple(bad)]!r}, desired={b[tuple(bad)]!r}"
        )
    err = np.abs(a - b)
    allowed = atol + rtol * np.abs(b)
    bad_mask = err > allowed
    if not np.any(bad_mask):
        return
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(allowed > 0, err / np.where(allowed > 0, allowed, 1.0), np.inf)
    idx = np.unravel_index(int(np.argmax(np.where(bad_mask, ratio, -1.0))), a.shape)
    rel = err[idx] / abs(b[idx]) if b[idx] != 0 else np.inf
    raise AssertionError(
        f"transforms differ{label}: {int(bad_mask.sum())} of {a.size} entries exceed "
        f"atol={atol:g} + rtol={rtol:g}*|desired|; worst at index {tuple(int(i) for i in idx)}: "
        f"actual={a[idx]!r}, desired={b[idx]!r}, abs err={err[idx]:.3e}, rel err={rel:.3e}"
    )
