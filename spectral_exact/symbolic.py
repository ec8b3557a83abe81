r"""Exact symbolic Fourier transforms of small ReLU networks with rational weights.

For a network whose weights and biases are rational numbers, every vertex of its linear-region
arrangement on a rational box is a rational point, and the transform (convention of
:mod:`spectral_exact.fourier._convention`, :math:`F(k) = \int f(x) e^{-ik\cdot x} dx`) is an
*exponential polynomial*

.. math::

    F(k) = \sum_{v} C_v(k)\, e^{-i k\cdot v},

one term per vertex ``v`` of the arrangement, with :math:`C_v` a rational function of ``k``
with Gaussian-rational coefficients. This module computes it as a :mod:`sympy` expression in
real symbols ``k`` (``d = 1``) or ``k1, ..., kd``, with no floating point anywhere in the
geometry (``expr.atoms(sympy.Float)`` is empty).

Pipeline
--------
1. :class:`SymbolicNetwork` holds the exact weights (sympy Rationals) and the float
   :class:`~spectral_exact.ReLUNetwork` obtained by rounding them.
2. :func:`symbolic_regions` takes the *combinatorics* from the float enumerator
   (:func:`~spectral_exact.linear_regions`: activation patterns and float vertices) and
   rebuilds each region exactly: from the pattern, every pre-activation is an affine function
   with rational coefficients on the region; each float vertex is matched to ``d`` linearly
   independent constraints that are tight there (box faces or neuron hyperplanes), whose
   ``d x d`` system is solved in rationals. Every exact vertex is then checked *exactly*
   against all constraints of its region, and the exact region volumes must add up to the
   exact volume of the box; any failure raises :class:`ExactGeometryError`.
3. Each region is triangulated (``d = 1``: the interval; ``d = 2``: a fan of the exact convex
   hull; ``d = 3``: Qhull's Delaunay triangulation of the float copies, volumes recomputed
   exactly) and every simplex :math:`S = \mathrm{conv}(v_0, \dots, v_m)` with affine weight
   ``g`` contributes, by the Hermite-Genocchi formula for the divided differences of ``exp``
   (the simplex formula behind Brion's theorem; see Diaz, Le & Robins, 2016),

   .. math::

       \int_S g(x)\, e^{\langle z, x\rangle} dx
         = m!\,\mathrm{vol}(S) \sum_{i=0}^{m} \frac{e^{a_i}}{\prod_{l\ne i}(a_i - a_l)}
           \Big[g(v_i) + \sum_{l\ne i} \frac{g(v_l) - g(v_i)}{a_i - a_l}\Big],
       \qquad a_i = \langle z, v_i\rangle,\ z = -ik,

   which is :math:`m!\,\mathrm{vol}(S)\sum_j g(v_j)\,\partial_{a_j} e[a_0, \dots, a_m]`
   written out (:math:`\int_S \lambda_j e^{\langle z,x\rangle} = m!\,\mathrm{vol}(S)\,
   e[a_0,\dots,a_m,a_j]`, the barycentric coordinate :math:`\lambda_j`). In 1-D on all of
   :math:`\mathbb{R}` (``domain=None``) the unbounded pieces are Abel-summed half-lines,
   :math:`\int_a^\infty g\, e^{zx} dx = e^{za}\,(-g(a)/z + g'/z^2)`, which reproduces Lemma 1
   of Rahaman et al. (2019) with constant ``-i``: ``ReLU`` has transform :math:`-1/k^2`.
4. Terms are collected by exponential, each coefficient's real and imaginary parts summed
   and cancelled exactly in the field :math:`\mathbb{Q}(k)` (``simplify=True`` also factors
   them), giving one term per arrangement vertex: the presentation of Theorem 1 of Rahaman
   et al. (2019), exactly. Vertices whose coefficient vanishes drop out (for one hidden
   layer, every interior crossing of two kink lines does).

Validity
--------
The expression is valid for *generic* ``k``: it has removable singularities on a
measure-zero set. Since exponentials of distinct vertices are linearly independent over
:math:`\mathbb{Q}(k)`, the cancelled coefficients :math:`C_v` do not depend on the
triangulation; comparing with the face recursion (Diaz, Le & Robins) their poles lie at
``k = 0`` and where ``k`` is orthogonal to an edge of the arrangement at ``v`` (the poles of
triangulation diagonals cancel). There :func:`sympy.limit` works in principle, but the float
engine (:func:`~spectral_exact.network_fourier`, stable at every ``k``) is the tool.
Numerically the form cancels when ``k`` is nearly orthogonal to an edge or ``|k|`` times the
region size is small: evaluate it at generic ``k`` or with ``mpmath`` (:func:`lambdify_fourier`).
On all of :math:`\mathbb{R}^d` (``d = 1`` only) the transform is a tempered distribution
and the expression gives it off ``k = 0``; an affine ``f`` gives ``0``.

References
----------
R. Diaz, Q.-N. Le and S. Robins, "Fourier transforms of polytopes, solid angle sums, and
discrete volume" (2016). doi:10.48550/arXiv.1602.08593

N. Rahaman, A. Baratin, D. Arpit, F. Draxler, M. Lin, F. A. Hamprecht, Y. Bengio and
A. Courville, "On the spectral bias of neural networks", Proc. 36th ICML, PMLR 97, 5301-5310
(2019). doi:10.48550/arXiv.1806.08734

C. de Boor, "Divided differences", Surveys in Approximation Theory 1, 46-69 (2005) (the
Hermite-Genocchi formula).

Examples
--------
>>> import spectral_exact.symbolic as ss
>>> relu = ss.SymbolicNetwork([[[1]], [[1]]], [[0], [0]])          # f(x) = relu(x)
>>> ss.symbolic_network_fourier(relu, domain=(-1, 1))             # int_0^1 x e^{-ikx} dx
(I/k + k**(-2))*exp(-I*k) - 1/k**2
>>> ss.symbolic_network_fourier(relu)                             # on R: Lemma 1, c = -i
-1/k**2
"""

from __future__ import annotations

from ._errors import ExactGeometryError
from ._symbolic.network import SymbolicNetwork
from ._symbolic.regions import SymbolicRegion, symbolic_regions
from ._symbolic.transform import (
    frequency_symbols,
    lambdify_fourier,
    symbolic_network_fourier,
    symbolic_polytope_fourier,
    to_latex,
)

__all__ = [
    "ExactGeometryError",
    "SymbolicNetwork",
    "SymbolicRegion",
    "frequency_symbols",
    "lambdify_fourier",
    "symbolic_network_fourier",
    "symbolic_polytope_fourier",
    "symbolic_regions",
    "to_latex",
]
