r"""Numerically stable closed forms that the face recursion bottoms out in.

Three kernels, each accurate to a few ulps at every frequency, including the degenerate ones
(``k`` orthogonal or nearly orthogonal to a face) where the textbook formulas divide by zero or
cancel catastrophically:

* :func:`segment_transforms` -- a bounded edge ``[m - uL/2, m + uL/2]`` in closed form with
  ``sinc`` and :math:`\varphi(\theta) = (\sin\theta - \theta\cos\theta)/\theta^2` (Taylor
  series below :data:`PHI_SERIES_BELOW`), or a ray ``a + s u, s >= 0``.
* :func:`simplex_series` -- the Hermite-Genocchi formula
  :math:`\int_S e^{\langle z, y\rangle} dy = m!\,\mathrm{vol}(S)\, e[a_0,\dots,a_m]`,
  :math:`a_j = \langle z, v_j\rangle`, with the divided difference of ``exp`` written as its
  Taylor series :math:`\sum_n h_n(a)/(n+m)!` (``h_n`` = complete homogeneous symmetric
  polynomial). For the affine weight ``g = sum_j g_j lambda_j`` (barycentric),
  :math:`\int_S g\, e^{\langle z,y\rangle} = m!\,\mathrm{vol}(S)\sum_j g_j\,
  e[a_0,\dots,a_m,a_j]`. Used when the reduced frequency ``|a_j| <= series_threshold``,
  where every term is bounded and no cancellation occurs.

References
----------
C. de Boor, "Divided differences", Surveys in Approximation Theory 1, 46-69 (2005), ISSN
1555-578X (the Hermite-Genocchi formula: the integral of exp over a simplex is a divided
difference of exp).

R. Diaz, Q.-N. Le and S. Robins, "Fourier transforms of polytopes, solid angle sums, and
discrete volume" (2016). doi:10.48550/arXiv.1602.08593 (the face-poset recursion of the
transform of a polytope).
"""

from __future__ import annotations

from math import factorial

import numpy as np

from .._tolerances import DEFAULT_TOLERANCES, SERIES_TERM_RTOL
from .._types import ArrayOps, ComplexArray, FloatArray
from ._backend import NumpyOps
from ._convention import PHASE_UNIT, phase

_NUMPY = NumpyOps()

__all__ = ["segment_transforms", "ray_transforms", "simplex_series", "phi", "PHI_SERIES_BELOW"]


#: below this |theta|, phi(theta) is summed from its Taylor series (9 terms reach 1e-19): the
#: package's series threshold, :attr:`Tolerances.series_threshold` of the defaults
PHI_SERIES_BELOW = DEFAULT_TOLERANCES.series_threshold
_PHI_TERMS = 9


def phi(theta: FloatArray, ops: ArrayOps = _NUMPY) -> FloatArray:
    r""":math:`\varphi(\theta) = (\sin\theta - \theta\cos\theta)/\theta^2`, stable at 0.

    Taylor series :math:`\sum_{n\ge1} (-1)^{n+1}\, 2n\, \theta^{2n-1}/(2n+1)!` for
    ``|theta| < PHI_SERIES_BELOW``.
    """
    xp = ops.xp
    th = ops.asarray(theta)
    small = xp.abs(th) < PHI_SERIES_BELOW
    out = ops.empty_like(th)
    ts = th[small]
    acc = ops.zeros_like(ts)
    for n in range(_PHI_TERMS, 0, -1):
        acc = acc * ts * ts + (-1) ** (n + 1) * 2 * n / factorial(2 * n + 1)
    out[small] = acc * ts
    tb = th[~small]
    out[~small] = (xp.sin(tb) - tb * xp.cos(tb)) / (tb * tb)
    return out


def segment_transforms(
    k: FloatArray,
    mid: FloatArray,
    u: FloatArray,
    length: FloatArray,
    g_mid: FloatArray,
    gamma: FloatArray,
    ops: ArrayOps = _NUMPY,
) -> tuple[ComplexArray, ComplexArray]:
    r"""Return the transforms of bounded segments, batched: shapes ``(n, K)``.

    For the segment ``{mid + s u : |s| <= L/2}`` and the affine weight ``g(mid + s u) =
    g_mid + gamma s``, with ``t = k.u`` and ``theta = t L / 2``:

    .. math::

        \int e^{-ik\cdot x}\, ds = L\, e^{-ik\cdot mid}\, \mathrm{sinc}\,\theta,\qquad
        \int g\, e^{-ik\cdot x}\, ds = e^{-ik\cdot mid}\Big(g_{mid} L\,\mathrm{sinc}\,\theta
        - i\gamma \frac{L^2}{2}\varphi(\theta)\Big).

    Parameters: ``k (K, d)``, ``mid (n, d)``, ``u (n, d)`` unit, ``length, g_mid, gamma (n,)``;
    ``ops`` the array backend (:mod:`._backend`).
    """
    t = u @ k.T  # (n, K)
    theta = t * (length[:, None] / 2)
    ph = phase(mid @ k.T, ops.xp)
    sinc = ops.sinc(theta / np.pi)
    I = length[:, None] * ph * sinc
    J = ph * (
        (g_mid * length)[:, None] * sinc
        + PHASE_UNIT * (gamma * length * length / 2)[:, None] * phi(theta, ops)
    )
    return I, J


def ray_transforms(
    k: FloatArray,
    start: FloatArray,
    u: FloatArray,
    g_start: FloatArray,
    gamma: FloatArray,
    ops: ArrayOps = _NUMPY,
) -> tuple[ComplexArray, ComplexArray]:
    r"""Return the transforms (as distributions, off ``k.u = 0``) of rays ``start + s u, s >= 0``.

    .. math::

        \int_0^\infty e^{-ik\cdot(a+su)}ds = \frac{e^{-ik\cdot a}}{i t},\qquad
        \int_0^\infty (g_a + \gamma s)e^{-ik\cdot(a+su)}ds
        = e^{-ik\cdot a}\Big(\frac{g_a}{it} - \frac{\gamma}{t^2}\Big),\quad t = k\cdot u.

    The caller guarantees ``t != 0``.
    """
    t = u @ k.T
    ph = phase(start @ k.T, ops.xp)
    I = ph / (-PHASE_UNIT * t)
    J = ph * (g_start[:, None] / (-PHASE_UNIT * t) - gamma[:, None] / (t * t))
    return I, J


def simplex_series(
    a: ComplexArray, g: FloatArray | None, n_terms: int, ops: ArrayOps = _NUMPY
) -> tuple[ComplexArray, ComplexArray | None]:
    r"""Divided differences of ``exp`` by Taylor series, batched over rows.

    Parameters
    ----------
    a : complex array (P, m+1)
        Nodes ``a_j = <z, v_j>``; accuracy requires ``|a_j| <~ 1.5``.
    g : float array (P, m+1) or None
        Values of the affine weight at the vertices.
    n_terms : int
        Number of Taylor terms.

    Returns
    -------
    E : (P,) complex
        :math:`e[a_0,\dots,a_m] = \sum_n h_n(a)/(n+m)!`.
    Eg : (P,) complex or None
        :math:`\sum_j g_j\, e[a_0,\dots,a_m,a_j]`.
    """
    P, m1 = a.shape
    m = m1 - 1
    # adaptive truncation: r^n / n! below a hundredth of an ulp
    r = float(ops.xp.abs(a).max()) if P * m1 else 0.0
    n_use = 1
    term = 1.0
    while n_use < n_terms and term > SERIES_TERM_RTOL:
        term *= r / n_use
        n_use += 1
    at = ops.contiguous(a.T)  # (m+1, P): contiguous rows
    h = ops.zeros((n_use + 1, P))
    h[0] = 1.0
    for j in range(m1):
        aj = at[j]
        for n in range(1, n_use + 1):
            h[n] += aj * h[n - 1]
    inv_fact = ops.asarray(np.array([1.0 / factorial(n + m) for n in range(n_use + 1)]))
    E = (h * inv_fact[:, None]).sum(0)
    if g is None:
        return E, None
    inv_fact1 = [1.0 / factorial(n + m + 1) for n in range(n_use + 1)]
    gt = ops.contiguous(g.T)
    Eg = ops.zeros((P,))
    for j in range(m1):
        aj = at[j]
        hj = ops.copy(h[0])
        acc = inv_fact1[0] * hj
        for n in range(1, n_use + 1):
            hj = h[n] + aj * hj
            acc = acc + inv_fact1[n] * hj
        Eg += gt[j] * acc
    return E, Eg
