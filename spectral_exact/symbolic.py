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
discrete volumes", arXiv:1602.08593 (2016).

N. Rahaman et al., "On the spectral bias of neural networks", ICML 2019.

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

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property
from numbers import Integral
from typing import Any

import numpy as np
import sympy
from numpy.typing import ArrayLike, NDArray
from sympy import QQ
from sympy.polys.fields import field as frac_field

from ._errors import (
    ExactGeometryError,
    InvalidDomainError,
    InvalidFrequencyError,
    InvalidNetworkError,
    InvalidPolytopeError,
    SpectralExactError,
)
from ._tolerances import DEFAULT_TOLERANCES, Tolerances
from .network import ReLUNetwork
from .polytope import Box
from .regions import linear_regions

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

Rat = sympy.Rational
Point = tuple[sympy.Rational, ...]

#: dimensions handled by the exact region reconstruction and the transforms
_MAX_DIM = 3


# ---------------------------------------------------------------------------- rationals
def _as_rational(x: Any, what: str, err: type[SpectralExactError]) -> sympy.Rational:
    """Convert ``x`` to an exact :class:`sympy.Rational` or raise ``err`` naming ``what``.

    Accepted: int, :class:`fractions.Fraction`, sympy Rational, numpy integers, strings such as
    ``"1/3"`` or ``"0.1"`` (read as decimals, so ``"0.1" -> 1/10``), and finite floats, which
    are converted to their exact binary value (``0.5 -> 1/2`` but ``0.1`` -> a power-of-two
    denominator: pass ``"0.1"`` or ``Fraction(1, 10)`` instead).
    """
    if isinstance(x, bool):
        raise err(f"{what} is a bool ({x!r}), not a number")
    if isinstance(x, sympy.Rational):
        return x
    if isinstance(x, (Integral, np.integer)):
        return sympy.Integer(int(x))
    if isinstance(x, Fraction):
        return Rat(x.numerator, x.denominator)
    if isinstance(x, (float, np.floating)):
        xf = float(x)
        if not math.isfinite(xf):
            raise err(f"{what} is not finite: {xf!r}")
        return Rat(*xf.as_integer_ratio())
    if isinstance(x, str):
        try:
            r = sympy.Rational(x.strip())
        except (TypeError, ValueError, SyntaxError) as exc:
            raise err(f"{what} = {x!r} is not a rational number: {exc}") from exc
        return r
    if isinstance(x, sympy.Basic):
        if x.is_Rational:
            return sympy.Rational(x)
        raise err(f"{what} = {x} is not a rational number (got a {type(x).__name__})")
    raise err(f"{what} = {x!r} ({type(x).__name__}) is not a rational number")


def _qq(r: sympy.Rational) -> Any:
    """Return a sympy Rational as an element of the ground domain ``QQ``."""
    return QQ(int(r.p), int(r.q))


def _rational_matrix(a: Any, what: str, ndim: int) -> list[list[sympy.Rational]] | list[Any]:
    """Nested lists of Rationals with ``ndim`` levels; raises InvalidNetworkError."""
    if isinstance(a, sympy.MatrixBase):
        a = a.tolist() if ndim == 2 else list(a)
    elif isinstance(a, np.ndarray):
        a = a.tolist()
    if ndim == 1:
        if isinstance(a, (str, bytes)) or not isinstance(a, Sequence):
            raise InvalidNetworkError(f"{what} must be a 1-D sequence, got {a!r}")
        return [_as_rational(x, f"{what}[{i}]", InvalidNetworkError) for i, x in enumerate(a)]
    if isinstance(a, (str, bytes)) or not isinstance(a, Sequence):
        raise InvalidNetworkError(f"{what} must be a 2-D nested sequence, got {a!r}")
    rows = [_rational_matrix(r, f"{what}[{i}]", 1) for i, r in enumerate(a)]
    if not rows or len({len(r) for r in rows}) != 1:
        raise InvalidNetworkError(
            f"{what} must be a non-empty rectangular matrix, got row lengths "
            f"{[len(r) for r in rows]}"
        )
    return rows


# ---------------------------------------------------------------------------- network
@dataclass(frozen=True, eq=False)
class SymbolicNetwork:
    r"""A ReLU network with exact rational weights (and its float twin).

    Same layout as :class:`~spectral_exact.ReLUNetwork`:
    :math:`f(x) = W_{L+1}\,\mathrm{relu}(W_L \cdots \mathrm{relu}(W_1 x + b_1) \cdots + b_L)
    + b_{L+1}`.

    Parameters
    ----------
    weights : sequence of 2-D nested sequences / arrays / sympy matrices
        ``W_l`` of shape ``(d_l, d_{l-1})``; the last has exactly one row. Entries: anything
        :func:`_as_rational` accepts (ints, Fractions, sympy Rationals, ``"1/3"``, finite
        floats taken at their exact binary value). Irrational sympy numbers, NaN and inf
        raise :class:`~spectral_exact.InvalidNetworkError`.
    biases : sequence of 1-D sequences
        ``b_l`` of shape ``(d_l,)``.

    Attributes
    ----------
    weights, biases : tuple of sympy.ImmutableMatrix
        Exact weights (``(d_l, d_{l-1})``) and biases (``(d_l, 1)``).
    float_network : ReLUNetwork
        The same network with every entry rounded to the nearest double.

    Examples
    --------
    >>> from spectral_exact.symbolic import SymbolicNetwork
    >>> net = SymbolicNetwork([[[1], [-1]], [["1/2", "1/2"]]], [[0, 0], [0]])   # |x| / 2
    >>> net.evaluate(["-2/3"])
    1/3
    """

    weights: tuple[sympy.ImmutableMatrix, ...]
    biases: tuple[sympy.ImmutableMatrix, ...]
    float_network: ReLUNetwork = field(repr=False)

    def __init__(self, weights: Sequence[Any], biases: Sequence[Any]) -> None:
        if isinstance(weights, (np.ndarray, str)) or isinstance(biases, (np.ndarray, str)):
            raise InvalidNetworkError(
                "weights and biases must be sequences of per-layer arrays, not a single array"
            )
        ws = [
            sympy.ImmutableMatrix(_rational_matrix(w, f"weights[{i}]", 2))
            for i, w in enumerate(weights)
        ]
        bs = [
            sympy.ImmutableMatrix(_rational_matrix(b, f"biases[{i}]", 1))
            for i, b in enumerate(biases)
        ]
        # shape checks are the float network's (same messages as everywhere else)
        fnet = ReLUNetwork(
            [np.array(w.tolist(), dtype=np.float64) for w in ws],
            [np.array(b.tolist(), dtype=np.float64).reshape(-1) for b in bs],
        )
        object.__setattr__(self, "weights", tuple(ws))
        object.__setattr__(self, "biases", tuple(bs))
        object.__setattr__(self, "float_network", fnet)

    @classmethod
    def from_network(cls, net: ReLUNetwork, max_denominator: int | None = None) -> SymbolicNetwork:
        """Exact twin of a float network.

        ``max_denominator=None`` takes every double at its exact binary value (the float
        network is reproduced bit for bit, but denominators are powers of two up to
        ``2**1074``). An integer ``max_denominator`` replaces each entry by the closest
        fraction with at most that denominator (:meth:`fractions.Fraction.limit_denominator`):
        ``0.1 -> 1/10``; the network then changes by the rounding, at most
        ``1 / max_denominator`` per entry.
        """
        if not isinstance(net, ReLUNetwork):
            raise InvalidNetworkError(f"expected a ReLUNetwork, got {type(net).__name__}")
        if max_denominator is not None and (
            not isinstance(max_denominator, Integral) or max_denominator < 1
        ):
            raise InvalidNetworkError(
                f"max_denominator must be a positive integer or None, got {max_denominator!r}"
            )

        def conv(a: NDArray[np.float64]) -> list[Any]:
            if max_denominator is None:
                return a.tolist()
            return np.vectorize(
                lambda x: Fraction(float(x)).limit_denominator(int(max_denominator)),
                otypes=[object],
            )(a).tolist()

        return cls([conv(w) for w in net.weights], [conv(b) for b in net.biases])

    @property
    def input_dim(self) -> int:
        """Input dimension ``d``."""
        return int(self.weights[0].shape[1])

    @property
    def architecture(self) -> tuple[int, ...]:
        """Layer widths, input first."""
        return self.float_network.architecture

    def __repr__(self) -> str:
        """Show the architecture."""
        return f"SymbolicNetwork({'-'.join(str(a) for a in self.architecture)})"

    def evaluate(self, x: Sequence[Any]) -> sympy.Rational:
        """Exact value ``f(x)`` at one rational point ``x`` (length ``d``)."""
        xs = [_as_rational(v, f"x[{i}]", InvalidDomainError) for i, v in enumerate(x)]
        if len(xs) != self.input_dim:
            raise InvalidDomainError(f"x must have length {self.input_dim}, got {len(xs)}")
        a = sympy.Matrix(xs)
        for w, b in zip(self.weights[:-1], self.biases[:-1], strict=True):
            a = (w * a + b).applyfunc(lambda t: sympy.Max(t, 0))
        return sympy.Rational((self.weights[-1] * a + self.biases[-1])[0])

    def affine_pieces(
        self, pattern: Sequence[Sequence[bool]]
    ) -> tuple[list[tuple[Point, sympy.Rational]], Point, sympy.Rational]:
        r"""Exact affine data of an activation pattern.

        Returns ``(pre, w, c)``: ``pre`` lists ``(a_j, b_j)`` with ``z_j(x) = a_j . x + b_j``
        the pre-activation of every hidden neuron (layer by layer) on the region of the
        pattern, and ``f(x) = w . x + c`` there.
        """
        d = self.input_dim
        A = sympy.eye(d)
        c = sympy.zeros(d, 1)
        pre: list[tuple[Point, sympy.Rational]] = []
        for layer, (w, b) in enumerate(zip(self.weights[:-1], self.biases[:-1], strict=True)):
            Z = w * A
            z0 = w * c + b
            act = [bool(s) for s in pattern[layer]]
            if len(act) != Z.shape[0]:
                raise InvalidNetworkError(
                    f"pattern of layer {layer} has {len(act)} entries, expected {Z.shape[0]}"
                )
            for j in range(Z.shape[0]):
                pre.append((tuple(Z.row(j)), z0[j]))
            D = sympy.diag(*[1 if s else 0 for s in act])
            A, c = D * Z, D * z0
        wl = self.weights[-1] * A
        cl = (self.weights[-1] * c + self.biases[-1])[0]
        return pre, tuple(wl.row(0)), sympy.Rational(cl)


def _as_symbolic_network(net: Any) -> SymbolicNetwork:
    if isinstance(net, SymbolicNetwork):
        return net
    if isinstance(net, ReLUNetwork):
        return SymbolicNetwork.from_network(net)
    if isinstance(net, (tuple, list)) and len(net) == 2:
        return SymbolicNetwork(net[0], net[1])
    raise InvalidNetworkError(
        "expected a SymbolicNetwork, a ReLUNetwork or a (weights, biases) pair, got "
        f"{type(net).__name__}"
    )


def _as_exact_box(domain: Any, d: int) -> tuple[Point, Point] | None:
    """``(lo, hi)`` as Rationals (``None`` for all of R^d)."""
    if domain is None:
        return None
    if isinstance(domain, Box):
        lo_in: Any = domain.lo.tolist()
        hi_in: Any = domain.hi.tolist()
    elif isinstance(domain, (tuple, list)) and len(domain) == 2:
        lo_in, hi_in = domain
        if isinstance(lo_in, (str, bytes)) or not isinstance(lo_in, Sequence):
            lo_in, hi_in = [lo_in], [hi_in]
    else:
        raise InvalidDomainError(
            f"domain must be a Box, (lo, hi) or None; got {type(domain).__name__}"
        )
    lo = tuple(_as_rational(v, f"domain lo[{i}]", InvalidDomainError) for i, v in enumerate(lo_in))
    hi = tuple(_as_rational(v, f"domain hi[{i}]", InvalidDomainError) for i, v in enumerate(hi_in))
    if len(lo) != d or len(hi) != d:
        raise InvalidDomainError(
            f"the domain must have {d} lower and upper bounds, got {len(lo)} and {len(hi)}"
        )
    for i, (a, b) in enumerate(zip(lo, hi, strict=True)):
        if not a < b:
            raise InvalidDomainError(f"the domain is empty or flat in axis {i}: lo={a} >= hi={b}")
    return lo, hi


# ---------------------------------------------------------------------------- regions
@dataclass(frozen=True, eq=False)
class SymbolicRegion:
    """One linear region with exact rational geometry: ``f(x) = w . x + c`` on it.

    Attributes
    ----------
    pattern : tuple of tuple of bool
        Activation pattern (one tuple per hidden layer).
    vertices : tuple of points
        Exact vertices (``d = 2``: counter-clockwise).
    rays : tuple of points
        Directions of unbounded edges (only for ``domain=None``, ``d = 1``: ``(1,)`` or
        ``(-1,)``).
    simplices : tuple of tuple of int
        A triangulation of the (bounded) region: indices into ``vertices``.
    weight, bias : exact gradient ``w`` and offset ``c``.
    """

    pattern: tuple[tuple[bool, ...], ...]
    vertices: tuple[Point, ...]
    rays: tuple[Point, ...]
    simplices: tuple[tuple[int, ...], ...]
    weight: Point
    bias: sympy.Rational

    @property
    def is_bounded(self) -> bool:
        """Whether the region has no rays."""
        return not self.rays

    def value(self, x: Sequence[sympy.Rational]) -> sympy.Rational:
        """``w . x + c`` (exact)."""
        return sympy.Rational(sum((w * v for w, v in zip(self.weight, x, strict=True)), self.bias))

    @cached_property
    def volume(self) -> sympy.Expr:
        """Exact ``d``-volume (``sympy.oo`` when unbounded)."""
        if not self.is_bounded:
            return sympy.oo
        return sum(
            (_simplex_factor([self.vertices[i] for i in s]) for s in self.simplices),
            sympy.Integer(0),
        ) / math.factorial(len(self.weight))


def _cross(o: Point, a: Point, b: Point) -> sympy.Rational:
    return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])


def _hull_2d(points: Sequence[Point]) -> list[Point]:
    """Exact convex hull (Andrew's monotone chain), counter-clockwise, no collinear points."""
    pts = sorted(set(points))
    if len(pts) <= 2:
        return pts
    lower: list[Point] = []
    for p in pts:
        while len(lower) >= 2 and _cross(lower[-2], lower[-1], p) <= 0:
            lower.pop()
        lower.append(p)
    upper: list[Point] = []
    for p in reversed(pts):
        while len(upper) >= 2 and _cross(upper[-2], upper[-1], p) <= 0:
            upper.pop()
        upper.append(p)
    return lower[:-1] + upper[:-1]


def _simplex_factor(S: Sequence[Point]) -> sympy.Rational:
    """``m! vol(S)`` for a full-dimensional simplex (``|det|`` of its edge vectors)."""
    E = sympy.Matrix([[a - b for a, b in zip(v, S[0], strict=True)] for v in S[1:]])
    return sympy.Rational(abs(E.det()))


def _triangulate(
    vertices: Sequence[Point],
) -> tuple[tuple[Point, ...], tuple[tuple[int, ...], ...]]:
    """Extreme points and a triangulation (no flat simplices) of ``conv(vertices)``."""
    pts = sorted(set(vertices))
    d = len(pts[0]) if pts else 0
    if d == 1:
        ext = (pts[0], pts[-1]) if len(pts) >= 2 and pts[0] != pts[-1] else tuple(pts[:1])
        return ext, ((0, 1),) if len(ext) == 2 else ()
    if d == 2:
        hull = tuple(_hull_2d(pts))
        simp = tuple((0, i, i + 1) for i in range(1, len(hull) - 1))
        return hull, simp
    # d = 3: combinatorics from Qhull on float copies, exact volumes decide what is kept
    from scipy.spatial import Delaunay, QhullError

    if len(pts) < d + 1:
        return tuple(pts), ()
    try:
        tri = Delaunay(np.array(pts, dtype=np.float64))
    except QhullError:
        return tuple(pts), ()  # flat: zero volume
    keep = tuple(
        tuple(int(i) for i in s)
        for s in tri.simplices
        if _simplex_factor([pts[int(i)] for i in s]) != 0
    )
    return tuple(pts), keep


def _solve_vertex(
    vf: NDArray[np.float64],
    cons: list[tuple[Point, sympy.Rational]],
    cons_f: NDArray[np.float64],
    tight_tol: float,
    d: int,
) -> Point | None:
    """Return the exact intersection of ``d`` independent constraints tight at the float vertex."""
    res = np.abs(cons_f[:, :d] @ vf + cons_f[:, d])
    chosen: list[int] = []
    for j in np.argsort(res, kind="stable"):
        if res[j] > tight_tol:
            break
        rows = [cons[i][0] for i in [*chosen, int(j)]]
        if sympy.Matrix(rows).rank() == len(rows):
            chosen.append(int(j))
            if len(chosen) == d:
                break
    if len(chosen) < d:
        return None
    M = sympy.Matrix([cons[i][0] for i in chosen])
    rhs = sympy.Matrix([-cons[i][1] for i in chosen])
    sol = M.LUsolve(rhs)
    return tuple(sympy.Rational(s) for s in sol)


def symbolic_regions(
    net: Any,
    domain: Any = None,
    *,
    tol: Tolerances = DEFAULT_TOLERANCES,
) -> tuple[SymbolicRegion, ...]:
    r"""Return the linear regions of a rational network with exact rational vertices.

    Parameters
    ----------
    net : SymbolicNetwork, ReLUNetwork or (weights, biases)
        A float network is taken at the exact binary value of its weights.
    domain : Box, (lo, hi) or None
        Rational box (bounds as accepted by :class:`SymbolicNetwork`; a :class:`Box` is taken
        at its exact binary values). ``None`` (all of :math:`\mathbb{R}`) only for ``d = 1``.
    tol : Tolerances
        ``tol.geometry`` (relative to the domain size) decides which constraints are tight at
        a float vertex; every decision is then re-checked exactly.

    Returns
    -------
    tuple of SymbolicRegion
        Regions of positive exact volume (float slivers that collapse exactly are dropped).

    Raises
    ------
    ExactGeometryError
        If a float vertex matches no exact vertex of its region's constraints, or the exact
        regions do not tile the domain (volumes add up to the box volume; in 1-D on
        :math:`\mathbb{R}` consecutive intervals share their end points).

    Examples
    --------
    >>> from spectral_exact.symbolic import SymbolicNetwork, symbolic_regions
    >>> net = SymbolicNetwork([[[1, 1], [1, -1]], [[1, 1]]], [["-1/3", 0], [0]])
    >>> regs = symbolic_regions(net, ([-1, -1], [1, 1]))
    >>> sorted(r.volume for r in regs)
    [25/36, 25/36, 47/36, 47/36]
    """
    snet = _as_symbolic_network(net)
    d = snet.input_dim
    if d > _MAX_DIM:
        raise InvalidNetworkError(f"symbolic transforms support d <= {_MAX_DIM}, got d = {d}")
    box = _as_exact_box(domain, d)
    if box is None and d != 1:
        raise InvalidDomainError(
            f"domain=None (all of R^d) is supported only for d = 1, got d = {d}; pass a box"
        )
    fbox = None if box is None else Box([float(v) for v in box[0]], [float(v) for v in box[1]])
    fregs = linear_regions(snet.float_network, fbox, tol=tol)
    if box is None:
        scale = 1.0
    else:
        scale = 1.0 + max(float(max(abs(a), abs(b))) for a, b in zip(*box, strict=True))
    out: list[SymbolicRegion | None] = []
    for fr in fregs:
        pattern = tuple(tuple(bool(s) for s in layer) for layer in fr.pattern)
        out.append(_rebuild_region(snet, pattern, fr.polytope, box, scale, tol))
    regs = tuple(r for r in out if r is not None)
    _check_tiling(regs, box)
    return regs


def _rebuild_region(
    snet: SymbolicNetwork,
    pattern: tuple[tuple[bool, ...], ...],
    poly: Any,
    box: tuple[Point, Point] | None,
    scale: float,
    tol: Tolerances,
) -> SymbolicRegion | None:
    d = snet.input_dim
    pre, w, c = snet.affine_pieces(pattern)
    signs = [s for layer in pattern for s in layer]
    # constraints a . x + b >= 0
    cons: list[tuple[Point, sympy.Rational]] = []
    for (a, b), s in zip(pre, signs, strict=True):
        sg = 1 if s else -1
        a_s = tuple(sg * t for t in a)
        cons.append((a_s, sg * b))
    if box is not None:
        for i in range(d):
            e = tuple(sympy.Integer(1 if j == i else 0) for j in range(d))
            cons.append((e, -box[0][i]))
            cons.append((tuple(-t for t in e), box[1][i]))
    where = f"region with pattern {[list(map(int, p)) for p in pattern]}"
    live: list[tuple[Point, sympy.Rational]] = []
    for a, b in cons:
        if all(t == 0 for t in a):
            if b < 0:
                raise ExactGeometryError(
                    f"{where}: a constant pre-activation {b} has the wrong sign for the pattern"
                )
            continue
        live.append((a, b))
    cons_f = np.array([[float(t) for t in a] + [float(b)] for a, b in live], dtype=np.float64)
    norms = np.linalg.norm(cons_f[:, :d], axis=1)
    cons_f = cons_f / norms[:, None]
    tight_tol = tol.geometry * scale
    verts: list[Point] = []
    for vf in np.asarray(poly.vertices, dtype=np.float64):
        v = _solve_vertex(vf, live, cons_f, tight_tol, d)
        if v is None:
            raise ExactGeometryError(
                f"{where}: the float vertex {vf.tolist()} lies on fewer than {d} independent "
                f"constraints (tolerance {tight_tol:.3g})"
            )
        for a, b in live:
            val = sum((ai * vi for ai, vi in zip(a, v, strict=True)), b)
            if val < 0:
                raise ExactGeometryError(
                    f"{where}: the exact vertex {list(v)} (float {vf.tolist()}) violates the "
                    f"constraint {list(a)} . x + {b} >= 0 by {val}"
                )
        verts.append(v)
    rays: tuple[Point, ...] = ()
    if box is None:
        if len(poly.lineality):
            return SymbolicRegion(pattern, (), ((Rat(1),), (Rat(-1),)), (), w, c)
        rays = tuple((sympy.Integer(int(np.sign(r[0]))),) for r in poly.rays)
        for r in rays:
            for a, _ in live:
                if a[0] * r[0] < 0:
                    raise ExactGeometryError(f"{where}: the ray {list(r)} leaves the region")
        verts = sorted(set(verts))
        if len(verts) != 1 or len(rays) != 1:
            if not rays:
                ext, simp = _triangulate(verts)
                if not simp:
                    return None
                return SymbolicRegion(pattern, ext, (), simp, w, c)
            raise ExactGeometryError(
                f"{where}: unbounded region with {len(verts)} vertices and {len(rays)} rays"
            )
        return SymbolicRegion(pattern, tuple(verts), rays, (), w, c)
    ext, simp = _triangulate(verts)
    if not simp:
        return None  # a float sliver with zero exact volume
    return SymbolicRegion(pattern, ext, (), simp, w, c)


def _check_tiling(regs: Sequence[SymbolicRegion], box: tuple[Point, Point] | None) -> None:
    if box is not None:
        total = sum((r.volume for r in regs), sympy.Integer(0))
        expected = sympy.prod([b - a for a, b in zip(*box, strict=True)])
        if total != expected:
            raise ExactGeometryError(
                f"the exact regions have total volume {total}, but the box has volume "
                f"{expected}: the float enumeration missed or overlapped a region"
            )
        return
    # 1-D on R: intervals must chain from -oo to +oo
    ivs = []
    for r in regs:
        if not r.vertices:
            ivs.append((-sympy.oo, sympy.oo))
        elif r.rays:
            a = r.vertices[0][0]
            ivs.append((a, sympy.oo) if r.rays[0][0] > 0 else (-sympy.oo, a))
        else:
            ivs.append((r.vertices[0][0], r.vertices[-1][0]))
    ivs.sort(key=lambda t: (t[0] != -sympy.oo, t[0] if t[0] != -sympy.oo else 0))
    ok = bool(ivs) and ivs[0][0] == -sympy.oo and ivs[-1][1] == sympy.oo
    ok = ok and all(ivs[i][1] == ivs[i + 1][0] for i in range(len(ivs) - 1))
    if not ok:
        raise ExactGeometryError(f"the exact intervals {ivs} do not tile the real line")


# ---------------------------------------------------------------------------- transforms
def frequency_symbols(d: int) -> tuple[sympy.Symbol, ...]:
    """Return the real frequency symbols used by this module.

    ``(k,)`` for ``d = 1``, else ``(k1, ..., kd)``.
    """
    if d == 1:
        return (sympy.Symbol("k", real=True),)
    return tuple(sympy.Symbol(f"k{i + 1}", real=True) for i in range(d))


def _check_symbols(k_symbols: Sequence[sympy.Symbol] | None, d: int) -> tuple[sympy.Symbol, ...]:
    if k_symbols is None:
        return frequency_symbols(d)
    ks = tuple(k_symbols)
    if len(ks) != d or not all(isinstance(s, sympy.Symbol) for s in ks):
        raise InvalidFrequencyError(f"k_symbols must be {d} sympy Symbols, got {k_symbols!r}")
    return ks


class _Collector:
    r"""Accumulate :math:`\sum_v (A_v(k) + i B_v(k))\, e^{-ik\cdot v}`.

    Terms are keyed by the exact point ``v``.

    ``A_v`` and ``B_v`` are elements of the rational function field :math:`\mathbb{Q}(k)`
    (sympy's sparse ``FracField``), so every sum is cancelled exactly as it is formed; the
    powers of ``i`` from :math:`z = -ik` are tracked separately (mod 4).
    """

    def __init__(self, ks: tuple[sympy.Symbol, ...]) -> None:
        self.ks = ks
        self.field, *gens = frac_field(ks, QQ)
        self.gens = gens
        self.terms: dict[Point, list[Any]] = {}

    def linear(self, u: Sequence[sympy.Rational]) -> Any:
        """``k . u`` as a field element."""
        return sum((g * _qq(t) for g, t in zip(self.gens, u, strict=True)), self.field(0))

    def add(self, v: Point, power_of_i: int, value: Any) -> None:
        """Add ``i**power_of_i * value`` to the coefficient of ``e^{-ik.v}``."""
        acc = self.terms.setdefault(v, [self.field(0), self.field(0)])
        q = power_of_i % 4
        acc[q % 2] += value if q < 2 else -value

    def simplex(self, S: Sequence[Point], g: Sequence[sympy.Rational]) -> None:
        r"""Add :math:`\int_S g\, e^{-ik\cdot x} dx` (``g`` given by its vertex values).

        With :math:`a_i - a_l = -i L_l`, :math:`L_l = k\cdot(v_i - v_l)`, the term of vertex
        ``i`` is :math:`i^m\, \frac{m!\,\mathrm{vol}}{\prod_l L_l}\big(g_i
        + i\sum_l (g_l - g_i)/L_l\big)`.
        """
        factor = _qq(_simplex_factor(S))
        m = len(S) - 1
        for i in range(m + 1):
            others = [l for l in range(m + 1) if l != i]
            Ls = [self.linear([a - b for a, b in zip(S[i], S[l], strict=True)]) for l in others]
            prod = self.field(1)
            for L in Ls:
                prod *= L
            base = factor / prod
            self.add(S[i], m, base * _qq(g[i]))
            slope = sum(
                (_qq(g[l] - g[i]) / L for l, L in zip(others, Ls, strict=True)), self.field(0)
            )
            self.add(S[i], m + 1, base * slope)

    def half_line(
        self, a: Point, direction: int, g_a: sympy.Rational, slope: sympy.Rational
    ) -> None:
        """Add the Abel-summed ``int g e^{-ikx}`` over ``{a + t*direction, t >= 0}`` (1-D).

        ``direction * (-i g(a)/k - g'/k^2)``.
        """
        k = self.gens[0]
        self.add(a, 3, direction * _qq(g_a) / k)
        self.add(a, 2, direction * _qq(slope) / k**2)

    def expression(self, simplify: bool) -> sympy.Expr:
        out = []
        for v in sorted(self.terms):
            re_part, im_part = (t.as_expr() for t in self.terms[v])
            if simplify:
                re_part, im_part = sympy.factor(re_part), sympy.factor(im_part)
            coeff = re_part + sympy.I * im_part
            if coeff != 0:
                kv = self.linear(v).as_expr()
                phase = sympy.I * (-kv) if kv.could_extract_minus_sign() else -sympy.I * kv
                out.append(coeff * sympy.exp(phase))
        return sympy.Add(*out)


def symbolic_polytope_fourier(
    vertices: Sequence[Sequence[Any]],
    k_symbols: Sequence[sympy.Symbol] | None = None,
    *,
    weight: tuple[Sequence[Any], Any] | None = None,
    simplify: bool = True,
) -> sympy.Expr:
    r"""Exact :math:`\int_P g(x)\, e^{-ik\cdot x}\,dx` for a rational polytope ``P``.

    Parameters
    ----------
    vertices : (m, d) nested sequence of rationals
        Points whose convex hull is ``P`` (non-extreme points allowed), ``d <= 3``.
        ``d = 1, 2``: hull and triangulation are exact; ``d = 3``: the triangulation comes from
        Qhull on float copies and its simplices' volumes are exact.
    k_symbols : sequence of d sympy Symbols, optional
        Default :func:`frequency_symbols`.
    weight : (w, c), optional
        Affine weight ``g(x) = w . x + c`` (default ``g = 1``: the indicator of ``P``).
    simplify : bool
        Factor the real and imaginary parts of each coefficient (they are always cancelled).

    Returns
    -------
    sympy.Expr
        :math:`\sum_v C_v(k) e^{-ik\cdot v}`, valid for generic ``k`` (see the module notes).

    Examples
    --------
    >>> from spectral_exact.symbolic import symbolic_polytope_fourier
    >>> symbolic_polytope_fourier([[0], [2]])                   # (1 - e^{-2ik}) / (ik)
    -I/k + I*exp(-2*I*k)/k
    """
    try:
        rows = [list(v) for v in vertices]
    except TypeError as exc:
        raise InvalidPolytopeError(f"vertices must be an (m, d) nested sequence: {exc}") from exc
    if not rows or len({len(r) for r in rows}) != 1 or not rows[0]:
        raise InvalidPolytopeError("vertices must be a non-empty (m, d) nested sequence")
    pts = [
        tuple(_as_rational(x, f"vertices[{i}][{j}]", InvalidPolytopeError) for j, x in enumerate(r))
        for i, r in enumerate(rows)
    ]
    d = len(pts[0])
    if d > _MAX_DIM:
        raise InvalidPolytopeError(f"symbolic transforms support d <= {_MAX_DIM}, got d = {d}")
    ks = _check_symbols(k_symbols, d)
    if weight is None:
        w: Point = tuple(sympy.Integer(0) for _ in range(d))
        c = sympy.Integer(1)
    else:
        w = tuple(
            _as_rational(x, f"weight w[{i}]", InvalidPolytopeError) for i, x in enumerate(weight[0])
        )
        c = _as_rational(weight[1], "weight c", InvalidPolytopeError)
        if len(w) != d:
            raise InvalidPolytopeError(f"weight w must have length {d}, got {len(w)}")
    ext, simp = _triangulate(pts)
    if not simp:
        raise InvalidPolytopeError(f"the points {rows} span a lower-dimensional set")
    col = _Collector(ks)
    for s in simp:
        S = [ext[i] for i in s]
        col.simplex(S, [sum((a * b for a, b in zip(w, v, strict=True)), c) for v in S])
    return col.expression(simplify)


def symbolic_network_fourier(
    net: Any,
    domain: Any = None,
    k_symbols: Sequence[sympy.Symbol] | None = None,
    *,
    simplify: bool = True,
    tol: Tolerances = DEFAULT_TOLERANCES,
) -> sympy.Expr:
    r"""Return the exact transform :math:`\int_D f(x)\,e^{-ik\cdot x}\,dx` as a sympy expression.

    Parameters
    ----------
    net : SymbolicNetwork, ReLUNetwork or (weights, biases)
        Rational weights (a float :class:`~spectral_exact.ReLUNetwork` is taken at the exact
        binary value of its weights; use :meth:`SymbolicNetwork.from_network` with
        ``max_denominator`` for short fractions). Input dimension ``d <= 3``.
    domain : Box, (lo, hi) of rationals, or None
        The box ``D``. ``None``: all of :math:`\mathbb{R}` (``d = 1`` only), the transform as a
        tempered distribution, off ``k = 0`` (Lemma 1 of Rahaman et al., constant ``-i``).
    k_symbols : sequence of d sympy Symbols, optional
        Default :func:`frequency_symbols` (``k`` or ``k1, ..., kd``, real).
    simplify : bool
        The result always has one term :math:`C_v(k)\,e^{-ik\cdot v}` per arrangement vertex
        with :math:`C_v = A_v + iB_v`, ``A_v, B_v`` cancelled exactly in
        :math:`\mathbb{Q}(k)` (vertices whose coefficient vanishes are dropped). ``True``
        also factors ``A_v`` and ``B_v`` (products of linear forms in ``k``, readable);
        ``False`` leaves them expanded (a little faster).
    tol : Tolerances
        Passed to :func:`symbolic_regions`.

    Returns
    -------
    sympy.Expr
        Exact in the weights and vertices (no ``Float`` atoms); valid for generic ``k``, with
        removable singularities where ``k`` is orthogonal to an edge of a simplex used (and at
        ``k = 0``). Evaluate with :func:`lambdify_fourier`; print with :func:`to_latex`.

    Examples
    --------
    >>> from spectral_exact.symbolic import SymbolicNetwork, symbolic_network_fourier
    >>> net = SymbolicNetwork([[[1], [-1]], [[1, 1]]], [[0, 0], [0]])        # |x|
    >>> symbolic_network_fourier(net)                                         # -2/k^2 on R
    -2/k**2
    """
    snet = _as_symbolic_network(net)
    d = snet.input_dim
    ks = _check_symbols(k_symbols, d)
    regs = symbolic_regions(snet, domain, tol=tol)
    col = _Collector(ks)
    for r in regs:
        if not r.vertices:
            continue  # affine on all of R: supported at k = 0 only
        if r.rays:
            col.half_line(r.vertices[0], int(r.rays[0][0]), r.value(r.vertices[0]), r.weight[0])
            continue
        for s in r.simplices:
            S = [r.vertices[i] for i in s]
            col.simplex(S, [r.value(v) for v in S])
    return col.expression(simplify)


def _vertex_key(term: sympy.Expr, ks: Sequence[sympy.Symbol]) -> tuple[Any, ...]:
    """Sort key of a term ``C(k) e^{-ik.v}``: the vertex ``v`` read off its exponential."""
    exps = list(term.atoms(sympy.exp))
    if not exps:
        return (0, tuple(sympy.Integer(0) for _ in ks))
    if len(exps) > 1:
        return (1, sympy.default_sort_key(term))
    arg = sympy.expand(sympy.I * exps[0].args[0])
    v = tuple(arg.coeff(k) for k in ks)
    if not all(isinstance(t, sympy.Rational) for t in v):
        return (1, sympy.default_sort_key(term))
    return (0, v)


def to_latex(expr: sympy.Expr, *, multiline: bool = False, **kwargs: Any) -> str:
    r"""LaTeX of a transform, one term :math:`C_v(k)\,e^{-ik\cdot v}` per vertex, sorted by ``v``.

    Parameters
    ----------
    expr : sympy.Expr
        Typically from :func:`symbolic_network_fourier` or :func:`symbolic_polytope_fourier`.
    multiline : bool
        Wrap the terms in an ``aligned`` environment, one vertex per line.
    **kwargs
        Passed to :func:`sympy.latex` for each term.

    Examples
    --------
    >>> import spectral_exact.symbolic as ss
    >>> print(ss.to_latex(ss.symbolic_polytope_fourier([[0], [1]])))
    - \frac{i}{k} + \frac{i e^{- i k}}{k}
    """
    ks = sorted(expr.free_symbols, key=lambda s: s.name)
    terms = sorted(sympy.Add.make_args(sympy.sympify(expr)), key=lambda t: _vertex_key(t, ks))
    parts: list[str] = []
    for i, t in enumerate(terms):
        s = sympy.latex(t, **kwargs)
        if i > 0:
            s = f"- {s[1:].lstrip()}" if s.startswith("-") else f"+ {s}"
        parts.append(s)
    if multiline:
        return "\\begin{aligned}\n" + " \\\\\n".join(f"& {p}" for p in parts) + ("\n\\end{aligned}")
    return " ".join(parts)


def lambdify_fourier(
    expr: sympy.Expr,
    d: int,
    k_symbols: Sequence[sympy.Symbol] | None = None,
    *,
    modules: str = "numpy",
) -> Callable[[ArrayLike], NDArray[np.complex128]]:
    """Return a numeric function ``k (..., d) -> complex (...)`` for a symbolic transform.

    ``modules="mpmath"`` evaluates in multiple precision (set ``mpmath.mp.dps``), useful near
    the removable singularities or at small ``|k|`` where the exponential form cancels.
    """
    ks = _check_symbols(k_symbols, d)
    fn = sympy.lambdify(ks, expr, modules=modules)

    def evaluate(k: ArrayLike) -> NDArray[np.complex128]:
        ka = np.asarray(k, dtype=np.float64)
        if ka.ndim == 0 or ka.shape[-1] != d:
            raise InvalidFrequencyError(f"k must have shape (..., {d}), got {ka.shape}")
        if modules == "numpy":
            val = fn(*[ka[..., i] for i in range(d)])
            return np.asarray(np.broadcast_to(val, ka.shape[:-1]), dtype=np.complex128)
        import mpmath

        flat = ka.reshape(-1, d)
        vals = [complex(fn(*[mpmath.mpf(t) for t in row])) for row in flat.tolist()]
        return np.asarray(vals, dtype=np.complex128).reshape(ka.shape[:-1])

    return evaluate
