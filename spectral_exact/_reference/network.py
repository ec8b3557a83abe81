r"""Reference transforms of ReLU networks on boxes: exact splitting in mpmath, then simplices."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import mpmath
import numpy as np
from mpmath import mp
from numpy.typing import ArrayLike

from .._errors import (
    InvalidDomainError,
    InvalidNetworkError,
)
from .._types import LayeredNetwork
from .common import (
    _GUARD_DIGITS,
    _MAX_NETWORK_DIM,
    _SIGN_GUARD_DIGITS,
    DEFAULT_DPS,
    _finish,
    _frequencies,
    _to_mpf,
)
from .simplex import _simplex_terms


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
    net: LayeredNetwork, lo: ArrayLike, hi: ArrayLike, dps: int = DEFAULT_DPS
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


def _check_net(net: LayeredNetwork) -> None:
    for attr in ("weights", "biases", "input_dim"):
        if not hasattr(net, attr):
            raise InvalidNetworkError(f"net must be a ReLUNetwork (missing {attr!r}), got {net!r}")


def mp_network_fourier_box(
    net: LayeredNetwork,
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
