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
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import mpmath
import numpy as np
from mpmath import mp
from numpy.typing import ArrayLike, NDArray

from ._errors import (
    InvalidDomainError,
    InvalidFrequencyError,
    InvalidNetworkError,
    InvalidPolytopeError,
    SingularFrequencyError,
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

#: Default number of significant decimal digits of the reference values.
DEFAULT_DPS = 40
#: Extra decimal digits always carried on top of ``dps`` and of the estimated losses.
_GUARD_DIGITS = 15
#: Radius of the disc the centred nodes are scaled into before the Taylor stage.
_TAYLOR_RADIUS = 0.5
#: Beyond this estimated digit loss the Newton recursion hands over to scaling and squaring.
_NEWTON_MAX_EXTRA_DIGITS = 60
#: A vertex whose value under a neuron's affine function is below
#: ``10**-(working_dps - _SIGN_GUARD_DIGITS)`` times the function's scale lies on its zero set.
_SIGN_GUARD_DIGITS = 10
#: Relative tolerance on ``sum of simplex volumes == hull volume`` after triangulation.
_TRIANGULATION_VOLUME_RTOL = 1e-9
#: Largest input dimension :func:`mp_network_fourier_box` supports.
_MAX_NETWORK_DIM = 2

MpcArray = NDArray[np.object_]


# ---------------------------------------------------------------------------------- inputs
def _to_mpf(x: Any) -> mpmath.mpf:
    """An exact ``mpf`` of a binary float / int / ``mpf`` (no decimal rounding)."""
    if isinstance(x, mpmath.mpf):
        return x
    if isinstance(x, (int, np.integer)):
        return mpmath.mpf(int(x))
    return mpmath.mpf(float(x))


def _points(v: ArrayLike, what: str, err: type[Exception]) -> NDArray[np.float64]:
    try:
        arr = np.array(v, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise err(f"{what} is not numeric: {exc}") from exc
    if arr.ndim != 2 or arr.shape[0] == 0 or arr.shape[1] == 0:
        raise err(f"{what} must have shape (n_points, d), got {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise err(f"{what} has non-finite entries: {arr.tolist()}")
    return arr


def _frequencies(k: ArrayLike, d: int) -> tuple[NDArray[np.float64], bool]:
    """``k`` as an ``(n, d)`` float array, and whether a single ``(d,)`` vector was given."""
    try:
        arr = np.array(k, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise InvalidFrequencyError(f"k is not a real numeric array: {exc}") from exc
    single = arr.ndim == 1
    if arr.ndim == 0 or arr.ndim > 2 or arr.shape[-1] != d:
        raise InvalidFrequencyError(f"k must have shape ({d},) or (n, {d}), got {arr.shape}")
    arr = arr.reshape(-1, d)
    if not np.all(np.isfinite(arr)):
        bad = np.argwhere(~np.isfinite(arr))[0].tolist()
        raise InvalidFrequencyError(f"k has a non-finite entry at index {bad}")
    return arr, single


def _finish(values: list[mpmath.mpc], single: bool, as_mp: bool) -> Any:
    if as_mp:
        out_mp = np.empty(len(values), dtype=object)
        out_mp[:] = values
        return out_mp[0] if single else out_mp
    out = np.array([complex(v) for v in values], dtype=np.complex128)
    return complex(out[0]) if single else out


# ------------------------------------------------------------------- divided differences
def _newton_extra_digits(nodes: Sequence[mpmath.mpc]) -> float:
    """Estimated digits lost by the Newton recursion on ``nodes`` (already sorted)."""
    m = len(nodes) - 1
    extra = 0.0
    for q in range(1, m + 1):
        gaps = [abs(nodes[i + q] - nodes[i]) for i in range(m + 1 - q)]
        nonzero = [g for g in gaps if g != 0]
        if nonzero:
            extra += max(0.0, -float(mpmath.log10(min(nonzero))))
    return extra


def _spread_digits(nodes: Sequence[mpmath.mpc]) -> float:
    """``m * log10(1 + r)``: digits by which the result may be smaller than the table entries."""
    c = mpmath.fsum(nodes) / len(nodes)
    r = max(abs(z - c) for z in nodes)
    return (len(nodes) - 1) * math.log10(1.0 + float(r))


def _dd_newton(nodes: Sequence[mpmath.mpc]) -> mpmath.mpc:
    """Newton/Hermite recursion; ``nodes`` sorted so that equal nodes are adjacent."""
    n = len(nodes)
    col = [mpmath.exp(z) for z in nodes]  # level 0: exp[z_i]
    for q in range(1, n):
        new = []
        for i in range(n - q):
            den = nodes[i + q] - nodes[i]
            if den == 0:  # nodes[i..i+q] all equal (sorted): e^z / q!
                new.append(mpmath.exp(nodes[i]) / mpmath.factorial(q))
            else:
                new.append((col[i + 1] - col[i]) / den)
        col = new
    return col[0]


def _dd_taylor_table(nodes: Sequence[mpmath.mpc], digits: int) -> list[list[mpmath.mpc]]:
    """Full table ``T[i][l] = exp[z_i..z_l]`` by scaling and squaring the Opitz matrix."""
    n = len(nodes)
    c = mpmath.fsum(nodes) / n
    w = [z - c for z in nodes]
    r = max(abs(z) for z in w)
    s = 0 if r <= _TAYLOR_RADIUS else math.ceil(math.log2(float(r) / _TAYLOR_RADIUS))
    scale = mpmath.ldexp(mpmath.mpf(1), -s)
    u = [z * scale for z in w]
    # |h_p(u_i..u_l)| <= C(p+q, q) rho^p, so term p <= rho^p / (p! q!): stop below 10^-digits.
    n_terms = 1
    log_eps = -digits * math.log(10.0)
    while n_terms * math.log(_TAYLOR_RADIUS) - math.lgamma(n_terms + 1) > log_eps:
        n_terms += 1
    inv_fact = [1 / mpmath.factorial(p) for p in range(n_terms + n)]
    table = [[mpmath.mpc(0)] * n for _ in range(n)]
    for i in range(n):
        h = [u[i] ** p for p in range(n_terms)]
        table[i][i] = mpmath.exp(u[i])
        for col_l in range(i + 1, n):
            ul = u[col_l]
            for p in range(1, n_terms):
                h[p] = h[p] + ul * h[p - 1]
            q = col_l - i
            table[i][col_l] = mpmath.fsum(h[p] * inv_fact[p + q] for p in range(n_terms))
    # exp(Z / 2^s) has super-diagonal 2^-s: entry (i, l) carries the factor 2^{-s (l - i)}.
    for i in range(n):
        for col_l in range(i + 1, n):
            table[i][col_l] *= scale ** (col_l - i)
    for _ in range(s):
        table = [
            [
                mpmath.fsum(table[i][j] * table[j][col_l] for j in range(i, col_l + 1))
                if col_l >= i
                else mpmath.mpc(0)
                for col_l in range(n)
            ]
            for i in range(n)
        ]
    ec = mpmath.exp(c)
    return [[ec * t for t in row] for row in table]


def mp_exp_divided_difference(
    nodes: Sequence[Any], dps: int = DEFAULT_DPS, method: str = "auto"
) -> mpmath.mpc:
    r"""Divided difference :math:`\exp[z_0, \dots, z_m]` of the exponential, to ``dps`` digits.

    Parameters
    ----------
    nodes : sequence of complex or mpc
        The nodes :math:`z_j`; repeated nodes are allowed (Hermite divided differences).
    dps : int
        Target decimal digits (relative to the size of the table entries,
        :math:`\max_j |e^{z_j}|`).
    method : {"auto", "newton", "taylor"}
        See the module docstring.

    Returns
    -------
    mpmath.mpc
        Computed at ``dps`` plus guard digits; carries that precision.
    """
    if method not in ("auto", "newton", "taylor"):
        raise ValueError(f"method must be 'auto', 'newton' or 'taylor', got {method!r}")
    if len(nodes) == 0:
        raise ValueError("at least one node is needed")
    with mp.workdps(dps + _GUARD_DIGITS):
        zs = [mpmath.mpc(z) for z in nodes]
        zs.sort(key=lambda z: (z.real, z.imag))
        spread = _spread_digits(zs)
        extra = _newton_extra_digits(zs)
    if method == "newton" or (method == "auto" and extra <= _NEWTON_MAX_EXTRA_DIGITS):
        work = dps + _GUARD_DIGITS + math.ceil(spread + extra)
        with mp.workdps(work):
            return +_dd_newton([mpmath.mpc(z) for z in zs])
    work = dps + _GUARD_DIGITS + math.ceil(spread * (len(zs) + 1) / max(len(zs) - 1, 1))
    with mp.workdps(work):
        table = _dd_taylor_table([mpmath.mpc(z) for z in zs], work)
        return +table[0][-1]


# ------------------------------------------------------------------------------ simplices
def _mp_simplex_volume(verts: Sequence[Sequence[mpmath.mpf]]) -> mpmath.mpf:
    """``m``-dimensional volume of ``conv(verts)`` (Gram determinant)."""
    m = len(verts) - 1
    d = len(verts[0])
    if m == 0:
        return mpmath.mpf(1)  # counting measure of a point
    edges = mpmath.matrix([[verts[j][a] - verts[0][a] for a in range(d)] for j in range(1, m + 1)])
    if m == d:
        det = mpmath.det(edges)
        return abs(det) / mpmath.factorial(m)
    gram = edges * edges.T
    det = mpmath.det(gram)
    return mpmath.sqrt(max(det, mpmath.mpf(0))) / mpmath.factorial(m)


def _simplex_terms(
    verts: Sequence[Sequence[mpmath.mpf]],
    kk: Sequence[mpmath.mpf],
    g: Sequence[mpmath.mpf] | None,
    dps: int,
) -> mpmath.mpc:
    """``m! vol * exp[z]`` (``g is None``) or ``m! vol * sum_j g_j exp[z, z_j]``."""
    m = len(verts) - 1
    vol = _mp_simplex_volume(verts)
    if vol == 0:
        return mpmath.mpc(0)
    z = [mpmath.mpc(0, -mpmath.fsum(ka * va for ka, va in zip(kk, v))) for v in verts]
    if g is None:
        total = mp_exp_divided_difference(z, dps)
    else:
        total = mpmath.fsum(
            g[j] * mp_exp_divided_difference([*z, z[j]], dps) for j in range(m + 1) if g[j] != 0
        )
    return mpmath.factorial(m) * vol * total


def _simplex_vertices(vertices: ArrayLike) -> list[list[mpmath.mpf]]:
    arr = _points(vertices, "simplex vertices", InvalidPolytopeError)
    m1, d = arr.shape
    if m1 - 1 > d:
        raise InvalidPolytopeError(
            f"an m-simplex in R^d needs m + 1 <= d + 1 vertices; got {m1} vertices in R^{d}"
        )
    return [[_to_mpf(x) for x in row] for row in arr]


def mp_simplex_fourier(
    vertices: ArrayLike, k: ArrayLike, dps: int = DEFAULT_DPS, *, as_mp: bool = False
) -> Any:
    r"""High-precision :math:`\int_S e^{-i k\cdot x}\, dx` over an ``m``-simplex.

    Parameters
    ----------
    vertices : array_like, shape (m + 1, d)
        Vertices, ``m <= d``; taken as exact binary floats. For ``m < d`` the integral is with
        respect to ``m``-dimensional Hausdorff measure.
    k : array_like, shape (d,) or (n, d)
        Frequencies (radians per unit length).
    dps : int
        Decimal digits of the result.
    as_mp : bool
        Return ``mpmath.mpc`` values (object array) instead of ``complex``.

    Returns
    -------
    complex or ndarray of shape (n,)
        :math:`m!\,\mathrm{vol}_m(S)\,\exp[z_0..z_m]`, :math:`z_j = -i k\cdot v_j`.
    """
    with mp.workdps(dps + _GUARD_DIGITS):
        verts = _simplex_vertices(vertices)
        karr, single = _frequencies(k, len(verts[0]))
        vals = [_simplex_terms(verts, [_to_mpf(x) for x in kr], None, dps) for kr in karr]
    return _finish(vals, single, as_mp)


def _affine_values(verts: Sequence[Sequence[mpmath.mpf]], w: ArrayLike, c: Any) -> list[mpmath.mpf]:
    d = len(verts[0])
    warr = np.array(w, dtype=np.float64).reshape(-1)
    if warr.shape != (d,) or not np.all(np.isfinite(warr)) or not np.isfinite(float(c)):
        raise InvalidNetworkError(
            f"affine function needs finite w of shape ({d},) and finite c; got w={w!r}, c={c!r}"
        )
    wm = [_to_mpf(x) for x in warr]
    cm = _to_mpf(c)
    return [mpmath.fsum(wa * va for wa, va in zip(wm, v)) + cm for v in verts]


def mp_simplex_affine_fourier(
    vertices: ArrayLike,
    w: ArrayLike,
    c: float,
    k: ArrayLike,
    dps: int = DEFAULT_DPS,
    *,
    as_mp: bool = False,
) -> Any:
    r"""High-precision :math:`\int_S (w\cdot x + c)\, e^{-i k\cdot x}\, dx` over an ``m``-simplex.

    Uses :math:`m!\,\mathrm{vol}_m(S) \sum_j g(v_j)\, \exp[z_0..z_m, z_j]` (module docstring).
    Arguments and returns as :func:`mp_simplex_fourier`; ``w`` has shape ``(d,)``.
    """
    with mp.workdps(dps + _GUARD_DIGITS):
        verts = _simplex_vertices(vertices)
        karr, single = _frequencies(k, len(verts[0]))
        g = _affine_values(verts, w, c)
        vals = [_simplex_terms(verts, [_to_mpf(x) for x in kr], g, dps) for kr in karr]
    return _finish(vals, single, as_mp)


# ------------------------------------------------------------------------------ polytopes
def _triangulate(vertices: ArrayLike) -> tuple[NDArray[np.float64], NDArray[np.intp]]:
    """Float vertices and the simplices (index rows) of a triangulation of their hull."""
    arr = _points(vertices, "polytope vertices", InvalidPolytopeError)
    n, d = arr.shape
    if d == 1:
        lo, hi = int(np.argmin(arr[:, 0])), int(np.argmax(arr[:, 0]))
        if arr[lo, 0] == arr[hi, 0]:
            raise InvalidPolytopeError(f"1-D polytope is a single point: {arr[:, 0].tolist()}")
        return arr, np.array([[lo, hi]], dtype=np.intp)
    if n < d + 1:
        raise InvalidPolytopeError(f"{n} vertices cannot span a full-dimensional polytope in R^{d}")
    from scipy.spatial import ConvexHull, Delaunay, QhullError

    try:
        tri = Delaunay(arr)
        hull_volume = ConvexHull(arr).volume
    except QhullError as exc:
        raise InvalidPolytopeError(
            f"vertices do not span a full-dimensional polytope: {exc}"
        ) from exc
    simplices = np.asarray(tri.simplices, dtype=np.intp)
    vols = np.abs(np.linalg.det(arr[simplices[:, 1:]] - arr[simplices[:, :1]])) / math.factorial(d)
    if not math.isclose(float(vols.sum()), hull_volume, rel_tol=_TRIANGULATION_VOLUME_RTOL):
        raise InvalidPolytopeError(
            f"triangulation volume {vols.sum()!r} differs from hull volume {hull_volume!r}"
        )
    return arr, simplices


def mp_polytope_fourier(
    vertices: ArrayLike, k: ArrayLike, dps: int = DEFAULT_DPS, *, as_mp: bool = False
) -> Any:
    r"""High-precision :math:`\int_P e^{-i k\cdot x}\, dx` over the convex hull of ``vertices``.

    The hull is triangulated by :class:`scipy.spatial.Delaunay` on the float vertices (checked
    against the hull volume); each simplex is then integrated exactly with its vertices taken as
    exact binary floats. Arguments and returns as :func:`mp_simplex_fourier`.
    """
    arr, simplices = _triangulate(vertices)
    karr, single = _frequencies(k, arr.shape[1])
    with mp.workdps(dps + _GUARD_DIGITS):
        vals = [mpmath.mpc(0)] * len(karr)
        for simp in simplices:
            verts = [[_to_mpf(x) for x in arr[i]] for i in simp]
            for t, kr in enumerate(karr):
                vals[t] += _simplex_terms(verts, [_to_mpf(x) for x in kr], None, dps)
    return _finish(vals, single, as_mp)


def mp_affine_polytope_fourier(
    vertices: ArrayLike,
    w: ArrayLike,
    c: float,
    k: ArrayLike,
    dps: int = DEFAULT_DPS,
    *,
    as_mp: bool = False,
) -> Any:
    r"""High-precision :math:`\int_P (w\cdot x + c)\, e^{-i k\cdot x}\, dx` over a convex hull.

    See :func:`mp_polytope_fourier` and :func:`mp_simplex_affine_fourier`.
    """
    arr, simplices = _triangulate(vertices)
    karr, single = _frequencies(k, arr.shape[1])
    with mp.workdps(dps + _GUARD_DIGITS):
        vals = [mpmath.mpc(0)] * len(karr)
        for simp in simplices:
            verts = [[_to_mpf(x) for x in arr[i]] for i in simp]
            g = _affine_values(verts, w, c)
            for t, kr in enumerate(karr):
                vals[t] += _simplex_terms(verts, [_to_mpf(x) for x in kr], g, dps)
    return _finish(vals, single, as_mp)


# ------------------------------------------------------------------------------- networks
@dataclass(frozen=True)
class MpPiece:
    """One linear piece of a network restricted to a box, in ``mpmath`` numbers.

    Attributes
    ----------
    vertices : list of list of mpf
        1-D: the two interval ends; 2-D: the convex polygon's vertices, counter-clockwise.
    weight : list of mpf
        Gradient ``w`` of ``f`` on the piece.
    bias : mpf
        ``f(x) = w . x + bias`` on the piece.
    pattern : tuple of tuple of bool
        Activation pattern (one tuple per hidden layer).
    """

    vertices: list[list[mpmath.mpf]]
    weight: list[mpmath.mpf]
    bias: mpmath.mpf
    pattern: tuple[tuple[bool, ...], ...]


def _box_bounds(lo: ArrayLike, hi: ArrayLike, d: int) -> tuple[list[float], list[float]]:
    lo_a = np.atleast_1d(np.array(lo, dtype=np.float64))
    hi_a = np.atleast_1d(np.array(hi, dtype=np.float64))
    if lo_a.shape != (d,) or hi_a.shape != (d,):
        raise InvalidDomainError(
            f"box bounds must have shape ({d},), got lo {lo_a.shape} and hi {hi_a.shape}"
        )
    if not (np.all(np.isfinite(lo_a)) and np.all(np.isfinite(hi_a))) or np.any(hi_a <= lo_a):
        raise InvalidDomainError(
            f"box must be finite with lo < hi in every axis, got lo={lo_a.tolist()}, "
            f"hi={hi_a.tolist()}"
        )
    return [float(x) for x in lo_a], [float(x) for x in hi_a]


def _polygon_area(poly: Sequence[Sequence[mpmath.mpf]]) -> mpmath.mpf:
    n = len(poly)
    s = mpmath.fsum(
        poly[i][0] * poly[(i + 1) % n][1] - poly[(i + 1) % n][0] * poly[i][1] for i in range(n)
    )
    return s / 2


def _clip(
    poly: list[list[mpmath.mpf]],
    vals: list[mpmath.mpf],
    sign: int,
    tol: mpmath.mpf,
) -> list[list[mpmath.mpf]]:
    """Part of a convex polygon (1-D: interval) where ``sign * value >= 0``.

    ``vals`` are the values of the affine function at the vertices; ``|value| <= tol`` counts
    as zero (vertex on the line, kept by both sides).
    """
    out: list[list[mpmath.mpf]] = []
    n = len(poly)
    s = [sign * v for v in vals]
    if n == 2 and len(poly[0]) == 1:  # an interval [a, b]
        (a,), (b,) = poly
        sa, sb = s
        if sa >= -tol and sb >= -tol:
            return [list(p) for p in poly]
        if sa < -tol and sb < -tol:
            return []
        x = a + (b - a) * sa / (sa - sb)
        # the kept side is the end that is not below -tol (a zero end keeps only that point)
        return [[a], [x]] if sa >= -tol else [[x], [b]]
    for i in range(n):
        p, q = poly[i], poly[(i + 1) % n]
        sp, sq = s[i], s[(i + 1) % n]
        if sp >= -tol:
            out.append(list(p))
        if (sp > tol and sq < -tol) or (sp < -tol and sq > tol):
            t = sp / (sp - sq)
            out.append([p[a] + t * (q[a] - p[a]) for a in range(len(p))])
    return out


def _piece_size(poly: Sequence[Sequence[mpmath.mpf]]) -> mpmath.mpf:
    if len(poly[0]) == 1:
        return abs(poly[1][0] - poly[0][0])
    return abs(_polygon_area(poly)) if len(poly) >= 3 else mpmath.mpf(0)


def mp_network_pieces_box(
    net: Any, lo: ArrayLike, hi: ArrayLike, dps: int = DEFAULT_DPS
) -> list[MpPiece]:
    r"""Split the box ``[lo, hi]`` into the linear pieces of ``net`` (``d = 1`` or ``2``).

    Layer by layer, each piece is cut by the zero set of every neuron's pre-activation (affine
    on the piece), in ``mpmath`` arithmetic at ``dps`` plus guard digits; pieces whose length /
    area is below ``10**-(dps // 2)`` times the box's are numerical slivers and dropped.
    ``len(result)`` is the number of linear regions (activation patterns with interior) in the
    box.

    Parameters
    ----------
    net : ReLUNetwork
        Anything with ``weights``, ``biases`` (float arrays) and ``input_dim``.
    lo, hi : array_like, shape (d,)
        The box.
    dps : int
        Decimal digits of the arithmetic (plus guard digits).
    """
    d = int(net.input_dim)
    if d > _MAX_NETWORK_DIM:
        raise InvalidNetworkError(f"mp_network_pieces_box supports input dimension 1 or 2, got {d}")
    lo_f, hi_f = _box_bounds(lo, hi, d)
    work = dps + _GUARD_DIGITS
    with mp.workdps(work):
        lo_m = [_to_mpf(x) for x in lo_f]
        hi_m = [_to_mpf(x) for x in hi_f]
        if d == 1:
            box = [[lo_m[0]], [hi_m[0]]]
        else:
            box = [[lo_m[0], lo_m[1]], [hi_m[0], lo_m[1]], [hi_m[0], hi_m[1]], [lo_m[0], hi_m[1]]]
        box_size = _piece_size(box)
        diam = mpmath.sqrt(mpmath.fsum((h - lo_) ** 2 for h, lo_ in zip(hi_m, lo_m)))
        sliver = box_size * mpmath.mpf(10) ** (-(dps // 2))
        sign_eps = mpmath.mpf(10) ** (-(work - _SIGN_GUARD_DIGITS))
        # piece: (polygon, A rows (layer input = A x + a), a, pattern)
        identity = [
            [mpmath.mpf(1) if i == j else mpmath.mpf(0) for j in range(d)] for i in range(d)
        ]
        pieces: list[
            tuple[
                list[list[mpmath.mpf]],
                list[list[mpmath.mpf]],
                list[mpmath.mpf],
                tuple[tuple[bool, ...], ...],
            ]
        ] = [(box, identity, [mpmath.mpf(0)] * d, ())]
        for w_np, b_np in zip(net.weights[:-1], net.biases[:-1]):
            wm = [[_to_mpf(x) for x in row] for row in np.asarray(w_np)]
            bm = [_to_mpf(x) for x in np.asarray(b_np)]
            new_pieces = []
            for poly, a_mat, a_vec, pattern in pieces:
                g_rows = [
                    [mpmath.fsum(wr[j] * a_mat[j][col] for j in range(len(wr))) for col in range(d)]
                    for wr in wm
                ]
                g_off = [
                    mpmath.fsum(wr[j] * a_vec[j] for j in range(len(wr))) + bj
                    for wr, bj in zip(wm, bm)
                ]
                subs: list[tuple[list[list[mpmath.mpf]], tuple[bool, ...]]] = [(poly, ())]
                for gr, go in zip(g_rows, g_off):
                    scale = mpmath.sqrt(mpmath.fsum(x * x for x in gr)) * diam + abs(go)
                    tol = scale * sign_eps
                    nxt = []
                    for sp, bits in subs:
                        vals = [mpmath.fsum(gx * px for gx, px in zip(gr, p)) + go for p in sp]
                        if all(abs(v) <= tol for v in vals):  # z == 0 on the piece: inactive
                            nxt.append((sp, (*bits, False)))
                            continue
                        for sign, active in ((1, True), (-1, False)):
                            part = _clip(sp, vals, sign, tol)
                            if part and _piece_size(part) > sliver:
                                nxt.append((part, (*bits, active)))
                    subs = nxt
                for sp, bits in subs:
                    new_a = [
                        list(gr) if on else [mpmath.mpf(0)] * d for gr, on in zip(g_rows, bits)
                    ]
                    new_v = [go if on else mpmath.mpf(0) for go, on in zip(g_off, bits)]
                    new_pieces.append((sp, new_a, new_v, (*pattern, bits)))
            pieces = new_pieces
        w_last = [_to_mpf(x) for x in np.asarray(net.weights[-1])[0]]
        b_last = _to_mpf(np.asarray(net.biases[-1])[0])
        out = []
        for poly, a_mat, a_vec, pattern in pieces:
            grad = [
                mpmath.fsum(w_last[j] * a_mat[j][col] for j in range(len(w_last)))
                for col in range(d)
            ]
            off = mpmath.fsum(w_last[j] * a_vec[j] for j in range(len(w_last))) + b_last
            out.append(MpPiece(poly, grad, off, pattern))
    return out


def _check_net(net: Any) -> None:
    for attr in ("weights", "biases", "input_dim"):
        if not hasattr(net, attr):
            raise InvalidNetworkError(f"net must be a ReLUNetwork (missing {attr!r}), got {net!r}")


def mp_network_fourier_box(
    net: Any,
    lo: ArrayLike,
    hi: ArrayLike,
    k: ArrayLike,
    dps: int = DEFAULT_DPS,
    *,
    as_mp: bool = False,
) -> Any:
    r"""High-precision :math:`\int_{[lo, hi]} f(x)\, e^{-i k\cdot x}\, dx` for ``d = 1, 2``.

    Independent of the engine: the box is split by :func:`mp_network_pieces_box`, each 2-D
    piece is fan-triangulated and integrated with :func:`mp_simplex_affine_fourier`'s formula.

    Parameters
    ----------
    net : ReLUNetwork
        Weights and biases are taken as exact binary floats.
    lo, hi : array_like, shape (d,)
        The box.
    k : array_like, shape (d,) or (n, d)
        Frequencies.
    dps : int
        Decimal digits.
    as_mp : bool
        Return ``mpmath.mpc`` values.

    Returns
    -------
    complex or ndarray of shape (n,)
    """
    _check_net(net)
    d = int(net.input_dim)
    karr, single = _frequencies(k, d)
    pieces = mp_network_pieces_box(net, lo, hi, dps)
    with mp.workdps(dps + _GUARD_DIGITS):
        kms = [[_to_mpf(x) for x in kr] for kr in karr]
        vals = [mpmath.mpc(0)] * len(kms)
        for piece in pieces:
            poly = piece.vertices
            tris = (
                [poly]
                if d == 1
                else [[poly[0], poly[i], poly[i + 1]] for i in range(1, len(poly) - 1)]
            )
            for tri in tris:
                g = [
                    mpmath.fsum(wa * va for wa, va in zip(piece.weight, v)) + piece.bias
                    for v in tri
                ]
                for t, km in enumerate(kms):
                    vals[t] += _simplex_terms(tri, km, g, dps)
    return _finish(vals, single, as_mp)


# ----------------------------------------------------------------------------- comparison
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


# ------------------------------------------------------------------ networks on all of R^2
#: Largest number of times :func:`mp_network_fourier_rd` doubles its enclosing box.
_RD_MAX_DOUBLINGS = 24


def _rd_kink_sum(
    net: Any, radius: mpmath.mpf, kms: list[list[mpmath.mpf]], work: int
) -> tuple[list[mpmath.mpc], list[mpmath.mpf]]:
    """``T(k) = sum c I_G`` over the kink edges of ``net`` (Green's identity on R^2, Abel
    summation) and ``S(k) = sum |c I_G|``, with the pieces clipped in the box ``[-R, R]^2``
    and every kink edge that reaches its boundary continued as a ray."""
    r = float(radius)
    pieces = mp_network_pieces_box(net, [-r, -r], [r, r], work)
    T = [mpmath.mpc(0)] * len(kms)
    S = [mpmath.mpf(0)] * len(kms)
    with mp.workdps(work + _GUARD_DIGITS):
        R = _to_mpf(r)

        def on_side(p: Sequence[mpmath.mpf]) -> bool:
            return any(abs(x) == R for x in p)

        for piece in pieces:
            poly = piece.vertices
            n = len(poly)
            orient = 1 if _polygon_area(poly) > 0 else -1
            for i in range(n):
                p, q = poly[i], poly[(i + 1) % n]
                if (p[0] == q[0] and abs(p[0]) == R) or (p[1] == q[1] and abs(p[1]) == R):
                    continue  # a side of the enclosing box: no facet of the tiling of R^2
                ex, ey = q[0] - p[0], q[1] - p[1]
                length = mpmath.sqrt(ex * ex + ey * ey)
                if length == 0:
                    continue
                nx, ny = orient * ey / length, -orient * ex / length  # outward normal
                c = -(piece.weight[0] * nx + piece.weight[1] * ny)
                if c == 0:
                    continue
                p_out, q_out = on_side(p), on_side(q)
                if p_out and q_out:
                    continue  # a whole line: its Abel-summed transform is 0 off k . e = 0
                for t, km in enumerate(kms):
                    if p_out or q_out:  # a ray from the inner end, away from it
                        a, sgn = (q, -1) if p_out else (p, 1)
                        tk = sgn * (km[0] * ex + km[1] * ey) / length
                        if tk == 0:
                            raise SingularFrequencyError(
                                f"k = {[float(x) for x in km]} is orthogonal to an unbounded "
                                "kink facet: the transform is singular there"
                            )
                        ea = mpmath.expj(-(km[0] * a[0] + km[1] * a[1]))
                        val = c * ea / (mpmath.mpc(0, 1) * tk)
                    else:  # a segment: L E_p (e^{-i th} - 1) / (-i th)
                        th = km[0] * ex + km[1] * ey
                        ep = mpmath.expj(-(km[0] * p[0] + km[1] * p[1]))
                        if th == 0:
                            val = c * length * ep
                        else:
                            extra = max(0, int(-mpmath.log10(abs(th)))) + 5
                            with mp.workdps(work + _GUARD_DIGITS + extra):
                                z = mpmath.mpc(0, -th)
                                val = c * length * ep * (mpmath.exp(z) - 1) / z
                    T[t] += val
                    S[t] += abs(val)
    return T, S


def mp_network_fourier_rd(
    net: Any, k: ArrayLike, radius: float, dps: int = DEFAULT_DPS, *, as_mp: bool = False
) -> Any:
    r"""High-precision transform of a 2-input network on all of :math:`\mathbb{R}^2`.

    The tempered distribution :math:`\tilde f(k)` off its singular set, by Green's identity on
    every linear piece (:math:`\Delta e^{-ik\cdot x} = -|k|^2 e^{-ik\cdot x}`, Abel summation
    at infinity):

    .. math::  -|k|^2 \tilde f(k) = \sum_{(R, G)} (-w_R\cdot n_{R,G}) \int_G e^{-ik\cdot x}
               \,ds, \qquad \int_{a + \mathbb{R}_+ u} e^{-ik\cdot x} ds
               = \frac{e^{-ik\cdot a}}{i\,k\cdot u} \ (|u| = 1),

    over the kink edges ``G`` of every piece ``R`` (outward unit normal ``n_{R,G}``).
    Independent of the engine: the pieces come from :func:`mp_network_pieces_box` on the box
    ``[-R, R]^2``, ``R = radius``, which must contain every vertex of the arrangement (the
    caller bounds them, e.g. by a multiple of the largest vertex of the engine's regions), and
    each kink edge reaching its boundary is continued as a ray (straight beyond the last
    vertex). As a check, ``R`` doubles until the values on ``[-R, R]^2`` and ``[-2R, 2R]^2``
    agree to ``dps`` digits (a vertex between the two boxes shows; one outside both may not).
    The working precision grows until it exceeds ``dps`` plus the digits the sum cancels
    (``log10 S/|T|``, ``S`` = sum of the terms' moduli), so values 1e-12 rad off the singular
    set (terms 1e20 times the result) are still exact to ``dps`` digits.

    Raises
    ------
    SingularFrequencyError
        ``k`` orthogonal to an unbounded kink edge (or ``k = 0``).
    """
    _check_net(net)
    if int(net.input_dim) != 2:
        raise InvalidNetworkError(
            f"mp_network_fourier_rd supports input dimension 2, got {net.input_dim}"
        )
    karr, single = _frequencies(k, 2)
    if np.any(np.all(karr == 0, axis=1)):
        raise SingularFrequencyError("k = 0 is on the singular set of the transform on R^2")
    r = float(radius)
    work = dps + _GUARD_DIGITS
    for _ in range(_RD_MAX_DOUBLINGS):
        with mp.workdps(work):
            kms = [[_to_mpf(x) for x in kr] for kr in karr]
        T1, S1 = _rd_kink_sum(net, mpmath.mpf(r), kms, work)
        T2, S2 = _rd_kink_sum(net, mpmath.mpf(2 * r), kms, work)
        with mp.workdps(work + _GUARD_DIGITS):
            floor = mpmath.mpf(10) ** -(work - _GUARD_DIGITS)
            # digits the sum cancels; a sum below the working precision counts as an exact 0
            lost = (
                max(
                    float(mpmath.log10(s / max(abs(t), floor * s)))
                    for t, s in zip(T2, S2)
                    if s > 0 and abs(t) > floor * s
                )
                if any(s > 0 and abs(t) > floor * s for t, s in zip(T2, S2))
                else 0.0
            )
            if work < dps + _GUARD_DIGITS + lost:
                work = int(dps + 2 * _GUARD_DIGITS + lost)
                continue
            agree = all(
                abs(t1 - t2)
                <= mpmath.mpf(10) ** -dps * abs(t2) + mpmath.mpf(10) ** -(work - _GUARD_DIGITS) * s2
                for t1, t2, s2 in zip(T1, T2, S2)
            )
            if not agree:
                r *= 2
                continue
            vals = [
                -t / (km[0] ** 2 + km[1] ** 2)
                for t, km in zip(T2, [[_to_mpf(x) for x in kr] for kr in karr])
            ]
        return _finish(vals, single, as_mp)
    raise InvalidNetworkError(  # pragma: no cover - arrangements reach any finite box
        f"mp_network_fourier_rd: no box [-R, R]^2 with R <= {r:g} contains every vertex"
    )
