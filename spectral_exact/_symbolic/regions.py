r"""Linear regions with exact rational geometry, rebuilt from the float enumeration.

See :mod:`spectral_exact.symbolic` for the method (step 2 and 3 of its pipeline).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import sympy
from numpy.typing import NDArray

from .._errors import (
    ExactGeometryError,
    InvalidDomainError,
    InvalidNetworkError,
    region_context,
)
from .._tolerances import DEFAULT_TOLERANCES, Tolerances
from ..polytope import Box, Polytope
from ..regions import linear_regions
from .network import SymbolicNetwork, _as_exact_box, _as_symbolic_network
from .rational import _MAX_DIM, Point, Rat


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
    for i, fr in enumerate(fregs):
        pattern = tuple(tuple(bool(s) for s in layer) for layer in fr.pattern)
        with region_context(i, fr.pattern):
            out.append(_rebuild_region(snet, pattern, fr.polytope, box, scale, tol))
    regs = tuple(r for r in out if r is not None)
    _check_tiling(regs, box)
    return regs


def _rebuild_region(
    snet: SymbolicNetwork,
    pattern: tuple[tuple[bool, ...], ...],
    poly: Polytope,
    box: tuple[Point, Point] | None,
    scale: float,
    tol: Tolerances,
) -> SymbolicRegion | None:
    """Rebuild one float region exactly; ``None`` for a float sliver of zero exact volume."""
    d = snet.input_dim
    pre, w, c = snet.affine_pieces(pattern)
    where = f"region with pattern {[list(map(int, p)) for p in pattern]}"
    live = _live_constraints(_region_constraints(pre, pattern, box, d), where)
    verts = _exact_vertices(poly, live, tol.geometry * scale, d, where)
    if box is None:
        return _region_on_the_line(pattern, poly, live, verts, w, c, where)
    ext, simp = _triangulate(verts)
    if not simp:
        return None  # a float sliver with zero exact volume
    return SymbolicRegion(pattern, ext, (), simp, w, c)


def _region_constraints(
    pre: Sequence[tuple[Point, sympy.Rational]],
    pattern: tuple[tuple[bool, ...], ...],
    box: tuple[Point, Point] | None,
    d: int,
) -> list[tuple[Point, sympy.Rational]]:
    """Return the region's constraints ``a . x + b >= 0``: signed pre-activations, box faces."""
    signs = [s for layer in pattern for s in layer]
    cons: list[tuple[Point, sympy.Rational]] = []
    for (a, b), s in zip(pre, signs, strict=True):
        sg = 1 if s else -1
        cons.append((tuple(sg * t for t in a), sg * b))
    if box is not None:
        for i in range(d):
            e = tuple(sympy.Integer(1 if j == i else 0) for j in range(d))
            cons.append((e, -box[0][i]))
            cons.append((tuple(-t for t in e), box[1][i]))
    return cons


def _live_constraints(
    cons: Sequence[tuple[Point, sympy.Rational]], where: str
) -> list[tuple[Point, sympy.Rational]]:
    """Drop constant constraints after checking their sign exactly."""
    live: list[tuple[Point, sympy.Rational]] = []
    for a, b in cons:
        if all(t == 0 for t in a):
            if b < 0:
                raise ExactGeometryError(
                    f"{where}: a constant pre-activation {b} has the wrong sign for the pattern"
                )
            continue
        live.append((a, b))
    return live


def _exact_vertices(
    poly: Polytope,
    live: Sequence[tuple[Point, sympy.Rational]],
    tight_tol: float,
    d: int,
    where: str,
) -> list[Point]:
    """Match each float vertex to an exact one and check it against every constraint."""
    cons_f = np.array([[float(t) for t in a] + [float(b)] for a, b in live], dtype=np.float64)
    norms = np.linalg.norm(cons_f[:, :d], axis=1)
    cons_f = cons_f / norms[:, None]
    verts: list[Point] = []
    for vf in np.asarray(poly.vertices, dtype=np.float64):
        v = _solve_vertex(vf, list(live), cons_f, tight_tol, d)
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
    return verts


def _region_on_the_line(
    pattern: tuple[tuple[bool, ...], ...],
    poly: Polytope,
    live: Sequence[tuple[Point, sympy.Rational]],
    verts: list[Point],
    w: Point,
    c: sympy.Rational,
    where: str,
) -> SymbolicRegion | None:
    """Rebuild a region of a 1-D net on all of R: the line, a half-line or an interval."""
    if len(poly.lineality):
        return SymbolicRegion(pattern, (), ((Rat(1),), (Rat(-1),)), (), w, c)
    rays = tuple((sympy.Integer(int(np.sign(r[0]))),) for r in poly.rays)
    for r in rays:
        for a, _ in live:
            if a[0] * r[0] < 0:
                raise ExactGeometryError(f"{where}: the ray {list(r)} leaves the region")
    verts = sorted(set(verts))
    if len(verts) == 1 and len(rays) == 1:
        return SymbolicRegion(pattern, tuple(verts), rays, (), w, c)
    if rays:
        raise ExactGeometryError(
            f"{where}: unbounded region with {len(verts)} vertices and {len(rays)} rays"
        )
    ext, simp = _triangulate(verts)
    if not simp:
        return None
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
