"""40-digit reference transform of a ReLU network on all of R^2 (independent of the engine).

The plane is clipped by the network's own pieces in mpmath (no engine geometry), kink edges
reaching the enclosing box are continued as rays, and the transform is summed by Green's
identity on each piece; see :func:`mp_network_fourier_rd`.

References
----------
N. Rahaman et al., "On the spectral bias of neural networks", Proc. 36th ICML, PMLR 97
(2019). doi:10.48550/arXiv.1806.08734 (Lemma 1).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import mpmath
import numpy as np
from mpmath import mp
from numpy.typing import ArrayLike

from .._errors import InvalidNetworkError, SingularFrequencyError
from .common import _GUARD_DIGITS, DEFAULT_DPS, _finish, _frequencies, _to_mpf
from .network import _check_net, _polygon_area, mp_network_pieces_box

__all__ = ["mp_network_fourier_rd"]

# ------------------------------------------------------------------ networks on all of R^2
#: Largest number of times :func:`mp_network_fourier_rd` doubles its enclosing box.
_RD_MAX_DOUBLINGS = 24


def _rd_kink_sum(
    net: Any, radius: mpmath.mpf, kms: list[list[mpmath.mpf]], work: int
) -> tuple[list[mpmath.mpc], list[mpmath.mpf]]:
    """Sum ``T(k) = sum c I_G`` and ``S(k) = sum |c I_G|`` over the kink edges of ``net``.

    Green's identity on R^2 with Abel summation; the pieces are clipped in the box
    ``[-R, R]^2`` and every kink edge that reaches its boundary is continued as a ray.
    """
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
        T1, _S1 = _rd_kink_sum(net, mpmath.mpf(r), kms, work)
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
