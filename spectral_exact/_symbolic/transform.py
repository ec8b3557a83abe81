r"""Exact symbolic transforms: the Hermite-Genocchi simplex formula, terms collected per vertex.

See :mod:`spectral_exact.symbolic` for the formulas and references (steps 3 and 4).

References
----------
C. de Boor, "Divided differences", Surveys in Approximation Theory 1, 46-69 (2005), ISSN
1555-578X (the Hermite-Genocchi formula: the integral of exp over a simplex is a divided
difference of exp).

R. Diaz, Q.-N. Le and S. Robins, "Fourier transforms of polytopes, solid angle sums, and
discrete volume" (2016). doi:10.48550/arXiv.1602.08593 (the face-poset recursion of the
transform of a polytope).

N. Rahaman, A. Baratin, D. Arpit, F. Draxler, M. Lin, F. A. Hamprecht, Y. Bengio and A.
Courville, "On the spectral bias of neural networks", Proc. 36th ICML, PMLR 97, 5301-5310
(2019). doi:10.48550/arXiv.1806.08734 (Lemma 1 and Theorem 1).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import sympy
from numpy.typing import ArrayLike, NDArray
from sympy import QQ
from sympy.polys.fields import field as frac_field

from .._errors import (
    InvalidFrequencyError,
    InvalidPolytopeError,
)
from .._tolerances import DEFAULT_TOLERANCES, Tolerances
from .network import _as_symbolic_network
from .rational import _MAX_DIM, Point, _as_rational, _qq
from .regions import _simplex_factor, _triangulate, symbolic_regions


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
