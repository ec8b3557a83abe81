r"""Reference transforms of simplices and polytopes (Hermite-Genocchi, in mpmath).

See :mod:`spectral_exact.testing` for the formulas and references.

References
----------
C. de Boor, "Divided differences", Surveys in Approximation Theory 1, 46-69 (2005), ISSN
1555-578X (the Hermite-Genocchi formula: the integral of exp over a simplex is a divided
difference of exp).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import mpmath
import numpy as np
from mpmath import mp
from numpy.typing import ArrayLike, NDArray

from .._errors import (
    InvalidNetworkError,
    InvalidPolytopeError,
)
from .common import (
    _GUARD_DIGITS,
    _TRIANGULATION_VOLUME_RTOL,
    DEFAULT_DPS,
    _finish,
    _frequencies,
    _points,
    _to_mpf,
)
from .divided import mp_exp_divided_difference


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
