r"""Exact transforms of one-dimensional ReLU networks from their sorted breakpoints.

A ReLU net with one input is a continuous piecewise-linear function of ``x``. Its linear
regions are the intervals between consecutive *breakpoints* (points where some neuron's
pre-activation changes sign). Instead of the general polytope machinery this module keeps, layer
by layer, the sorted breakpoints ``t_0 < ... < t_{n-1}`` and the pre-activations of the current
layer *at* them (one matrix product per layer): on each interval the pre-activation is affine,
so a neuron crosses zero inside ``[t_i, t_{i+1}]`` iff its values at the two ends have strictly
opposite signs, at ``t_i + h_i z_i / (z_i - z_{i+1})``; the values of the other neurons at the new
point are interpolated (exact for affine functions). On :math:`\mathbb{R}` (``domain=None``)
the two unbounded end rays carry the pre-activation slopes. Sign tests use the same tolerance as
:func:`spectral_exact.linear_regions` (``tol.geometry`` times the neuron's scale on the domain),
so the intervals agree with the general enumerator: crossings within ``tol.geometry * scale`` of
each other are merged into one breakpoint, identically vanishing neurons never split, and a
neuron crossing exactly at an existing breakpoint (or at a box end) adds nothing.

Transform on an interval ``[a, b]``
-----------------------------------
With values ``g_i = f(t_i)``, ``h_i = t_{i+1} - t_i``, ``Δg_i = g_{i+1} - g_i``,
``E_i = e^{-ik t_i}`` and ``z_i = -ik h_i``, the exact integral over one interval is

.. math::

    \int_{t_i}^{t_{i+1}} f e^{-ikx} dx
      = E_i\, h_i \big[g_i\, \varphi_1(z_i) + Δg_i\, \psi(z_i)\big],
    \qquad \varphi_1(z) = \sum_{n\ge 0}\frac{z^n}{(n+1)!},\quad
    \psi(z) = \sum_{n\ge 0}\frac{(n+1) z^n}{(n+2)!},

evaluated by its Taylor series (Horner, no cancellation) when ``|k| h_i / 2`` is below
``tol.series_threshold``, and otherwise by integrating by parts,

.. math::

    \int_{t_i}^{t_{i+1}} f e^{-ikx} dx = \frac{i}{k}\,(g_{i+1}E_{i+1} - g_i E_i)
        + \frac{s_i}{k^2}\,(E_{i+1} - E_i),\qquad s_i = Δg_i / h_i.

Summed over ``i`` the second form telescopes into the boundary terms
:math:`\frac{i}{k}(f(b)e^{-ikb} - f(a)e^{-ika}) + k^{-2}(s_{n-1}e^{-ikb} - s_0 e^{-ika})` minus
:math:`k^{-2}\sum_j (s_j - s_{j-1}) e^{-ik t_j}` (the slope jumps); it is kept per interval so
that each interval uses whichever form is stable. One complex exponential per breakpoint and
frequency, plus a short series on the short intervals: as accurate as the polytope engine at
``k = 0``, at tiny ``k`` and at huge ``k``.

Transform on :math:`\mathbb{R}` (``domain=None``)
-------------------------------------------------
Off ``k = 0`` the tempered distribution :math:`\tilde f(k)` equals the Abel-regularised integral:
the bounded part ``[t_0, t_{n-1}]`` by the formula above, plus the two affine tails
(``f = g_0 + s_L (x - t_0)`` left of ``t_0``, ``f = g_{n-1} + s_R (x - t_{n-1})`` right of it)

.. math::

    \int_{-\infty}^{t_0} f e^{-ikx} = E_0\Big(\frac{i g_0}{k} + \frac{s_L}{k^2}\Big),\qquad
    \int_{t_{n-1}}^{\infty} f e^{-ikx} = -E_{n-1}\Big(\frac{i g_{n-1}}{k} + \frac{s_R}{k^2}\Big).

This equals Lemma 1 of Rahaman et al. (2019) with ``c = -i`` (see :mod:`.spectrum`):
:math:`\tilde f(k) = -k^{-2}\sum_j (s_j^+ - s_j^-)\, e^{-ik t_j}`, e.g. ``-1/k^2`` for
``ReLU(x)``, but has no ``1/k^2`` cancellation when ``f`` has compact support. An affine ``f``
(no breakpoint) gives ``0`` off ``k = 0``.

Cost: ``O(n w^2)`` per layer to enumerate (``n`` breakpoints, width ``w``) and ``O(n)`` per
frequency; no Python object per region.

References
----------
N. Rahaman, A. Baratin, D. Arpit, F. Draxler, M. Lin, F. A. Hamprecht, Y. Bengio and A.
Courville, "On the spectral bias of neural networks", Proc. 36th ICML, PMLR 97, 5301-5310
(2019). doi:10.48550/arXiv.1806.08734 (Lemma 1 and Theorem 1).
"""

from __future__ import annotations

import contextlib
import math
import weakref
from dataclasses import dataclass
from typing import Any, TypeGuard

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._errors import (
    InvalidArgumentError,
    InvalidNetworkError,
    SingularFrequencyError,
    TooManyRegionsError,
)
from .._tolerances import DEFAULT_TOLERANCES, Tolerances
from .._types import BoolArray, ComplexArray, FloatArray
from .._validate import as_box_domain, check_same_domain
from ..network import ReLUNetwork
from ..polytope import Box, Polytope
from ._convention import PHASE_UNIT, as_frequencies, phase

__all__ = ["Breakpoints", "breakpoints", "breakpoints_fourier"]


#: Routes accepted by :func:`spectral_exact.network_fourier` (all give the same numbers in 1-D).
_METHODS = ("regions", "lemma1", "laplacian")
#: Truncation of the Taylor series: stop once ``|z|^n / n!`` is below this.
_SERIES_EPS = 2.0**-60
_EMPTY = np.zeros(0)
_EMPTY.setflags(write=False)


@dataclass(frozen=True, eq=False)
class Breakpoints:
    r"""A one-input ReLU network as a continuous piecewise-linear function.

    Build with :func:`breakpoints`. Region ``i`` is the interval between ``edges[i]`` and
    ``edges[i + 1]`` (``edges`` = ``points`` on a box; on :math:`\mathbb{R}` the points with
    ``-inf`` / ``+inf`` added at the ends).

    Attributes
    ----------
    net : ReLUNetwork
    domain : Box or None
    points : array (n,)
        Sorted. On a box: the box ends and every breakpoint inside. On R: the breakpoints
        (kinks of the activation pattern), possibly none.
    values : array (n,)
        ``f(points)``.
    left_slope, right_slope : float
        Slopes of ``f`` on the two unbounded end rays (on R; ``nan`` on a box). Exact products
        of the masked weight matrices, not differences of values.
    constant : float
        ``f`` when it is constant on R with no breakpoint (``nan`` otherwise).
    patterns : tuple of bool arrays (n_regions, d_l)
        Activation pattern of each region, one array per hidden layer.
    jumps : array (n,)
        On R: the slope jumps :math:`s_j^+ - s_j^-` of ``f`` at ``points`` (exact slopes, see
        :func:`region_affine`); empty on a box.
    """

    net: ReLUNetwork
    domain: Box | None
    points: FloatArray
    values: FloatArray
    left_slope: float
    right_slope: float
    constant: float
    patterns: tuple[BoolArray, ...]
    jumps: FloatArray

    @property
    def n_regions(self) -> int:
        """Number of linear regions (intervals)."""
        return int(self.patterns[0].shape[0]) if self.patterns else 1

    @property
    def edges(self) -> FloatArray:
        """Region ends: ``points`` on a box, ``[-inf, *points, inf]`` on R."""
        if self.domain is not None:
            return self.points
        return np.concatenate([[-np.inf], self.points, [np.inf]])


def _as_interval(net: ReLUNetwork, domain: Any) -> Box | None:
    return as_box_domain(domain, net.input_dim)


def _group_crossings(
    parent: NDArray[np.int64], pos: FloatArray, gap: float
) -> tuple[NDArray[np.int64], NDArray[np.int64], FloatArray]:
    """Sort crossings by position; merge those closer than ``gap`` within one parent interval.

    Returns the sort order, the group of each sorted crossing, and each group's position.
    """
    order = np.lexsort((pos, parent))
    p, c = parent[order], pos[order]
    new = np.ones(len(c), dtype=bool)
    new[1:] = (p[1:] != p[:-1]) | (np.diff(c) > gap)
    group = np.cumsum(new) - 1
    return order, group, c[new]


def _enumerate_raw(
    net: ReLUNetwork,
    box: Box | None,
    tol: Tolerances,
    max_regions: float | None,
) -> Breakpoints:
    """Breakpoints, values and patterns of a 1-D net (see the module docstring)."""
    unbounded = box is None
    if unbounded:
        t = np.zeros(1)  # an anchor at 0 (a breakpoint only if some neuron crosses there)
        X = np.zeros((1, 1))
        SL = np.ones(1)
        SR = np.ones(1)
    else:
        assert box is not None
        t = np.array([float(box.lo[0]), float(box.hi[0])])
        X = t[:, None].copy()
        SL = SR = np.zeros(1)
    scale0 = 1.0 + (0.0 if unbounded else float(np.max(np.abs(t))))
    pats: list[BoolArray] = []
    n_layers = len(net.weights) - 1
    for layer, (W, bvec) in enumerate(zip(net.weights[:-1], net.biases[:-1], strict=True)):
        w = W.shape[0]
        Z = X @ W.T + bvec  # (n, w) pre-activations at the points
        scale = scale0 if not unbounded else 1.0 + float(np.max(np.abs(t)))
        gap = tol.geometry * scale
        # ---- bounded intervals [t_i, t_{i+1}]
        h = np.diff(t)
        Z0, Z1 = Z[:-1], Z[1:]
        with np.errstate(divide="ignore", invalid="ignore"):
            sz = np.where(h[:, None] > 0, (Z1 - Z0) / h[:, None], 0.0)
        eps = tol.geometry * (np.abs(sz) * scale + np.abs(Z0 - sz * t[:-1, None]))
        pos0, neg0 = Z0 > eps, Z0 < -eps
        pos1, neg1 = Z1 > eps, Z1 < -eps
        split = (pos0 & neg1) | (neg0 & pos1)
        act_b = np.where(pos0 | pos1, True, np.where(neg0 | neg1, False, (Z0 + Z1) > 0))
        ii, jj = np.nonzero(split)
        z0, z1 = Z0[ii, jj], Z1[ii, jj]
        cpos = t[ii] + h[ii] * (z0 / (z0 - z1))
        right_pos = z0 < 0  # the neuron is active right of its crossing
        off = 1 if unbounded else 0  # interval numbering: left ray first on R
        parents = [ii + off]
        poss = [cpos]
        rps = [right_pos]
        neurons = [jj]
        if unbounded:
            ZL = SL @ W.T  # pre-activation slopes on the end rays
            ZR = SR @ W.T
            zl, zr = Z[0], Z[-1]
            el = tol.geometry * (np.abs(ZL) * scale + np.abs(zl - ZL * t[0]))
            er = tol.geometry * (np.abs(ZR) * scale + np.abs(zr - ZR * t[-1]))
            # left ray (-inf, t_0]: z(x) = zl + ZL (x - t_0)
            with np.errstate(divide="ignore", invalid="ignore"):
                cl = t[0] - zl / ZL
                cr = t[-1] - zr / ZR
            sl = (((zl > el) & (ZL > 0)) | ((zl < -el) & (ZL < 0))) & np.isfinite(cl)
            sr = (((zr > er) & (ZR < 0)) | ((zr < -er) & (ZR > 0))) & np.isfinite(cr)
            act_l = np.where(zl > el, ~sl | (ZL < 0), np.where(zl < -el, sl, ZL < 0))
            act_l = np.where((ZL == 0) & (np.abs(zl) <= el), zl > 0, act_l)
            act_r = np.where(zr > er, ~sr | (ZR > 0), np.where(zr < -er, sr, ZR > 0))
            act_r = np.where((ZR == 0) & (np.abs(zr) <= er), zr > 0, act_r)
            jl = np.flatnonzero(sl)
            jr = np.flatnonzero(sr)
            parents += [np.zeros(len(jl), np.int64), np.full(len(jr), len(t), np.int64)]
            poss += [cl[jl], cr[jr]]
            rps += [zl[jl] > 0, zr[jr] < 0]
            neurons += [jl, jr]
            act_parent = np.vstack([act_l[None], act_b, act_r[None]])
        else:
            act_parent = act_b
        parent = np.concatenate(parents).astype(np.int64)
        cpos = np.concatenate(poss)
        rpos = np.concatenate(rps)
        neur = np.concatenate(neurons).astype(np.int64)
        n_int = act_parent.shape[0]
        if len(cpos):
            order, group, reps = _group_crossings(parent, cpos, gap)
            parent, rpos, neur = parent[order], rpos[order], neur[order]
            gparent = parent[np.r_[0, np.flatnonzero(np.diff(group)) + 1]]
            # values of this layer's pre-activations at the new points (affine interpolation)
            if unbounded:
                bi = gparent - 1  # bounded interval index, -1 / len(t)-1 for the rays
                Znew = np.empty((len(reps), w))
                lm, rm = bi < 0, bi >= len(t) - 1
                mid = ~(lm | rm)
                Znew[lm] = Z[0] + (reps[lm] - t[0])[:, None] * ZL
                Znew[rm] = Z[-1] + (reps[rm] - t[-1])[:, None] * ZR
                bm = bi[mid]
                r = (reps[mid] - t[bm]) / h[bm]
                Znew[mid] = Z0[bm] + r[:, None] * (Z1[bm] - Z0[bm])
            else:
                r = (reps - t[gparent]) / h[gparent]
                Znew = Z0[gparent] + r[:, None] * (Z1[gparent] - Z0[gparent])
            Znew[group, neur] = 0.0
            ins = np.searchsorted(t, reps)
            t = np.insert(t, ins, reps)
            Z = np.insert(Z, ins, Znew, axis=0)
            # children intervals and their patterns
            counts = np.ones(n_int, dtype=np.int64)
            np.add.at(counts, gparent, 1)
            first_child = np.cumsum(counts) - counts
            child_parent = np.repeat(np.arange(n_int), counts)
            pat = act_parent[child_parent]
            first_group = np.full(n_int, -1, dtype=np.int64)
            first_group[gparent[::-1]] = np.arange(len(gparent))[::-1]
            q = group - first_group[parent]  # rank of the crossing's point in its parent
            cnt = counts[parent]
            tot = int(cnt.sum())
            start = np.repeat(np.cumsum(cnt) - cnt, cnt)
            offs = np.arange(tot) - start
            rows = np.repeat(first_child[parent], cnt) + offs
            right = offs >= np.repeat(q + 1, cnt)
            rp = np.repeat(rpos, cnt)
            pat[rows, np.repeat(neur, cnt)] = np.where(right, rp, ~rp)
        else:
            child_parent = np.arange(n_int)
            pat = act_parent
        pats = [P[child_parent] for P in pats]
        pats.append(pat)
        if unbounded and layer == 0:
            # the anchor at 0 is a breakpoint only if the pattern changes there
            a = int(np.flatnonzero(t == 0.0)[0])
            if np.array_equal(pat[a], pat[a + 1]):
                if len(t) == 1:  # no first-layer neuron changes sign: f is constant
                    x0 = np.zeros((1, 1))
                    return Breakpoints(
                        net,
                        None,
                        np.zeros(0),
                        np.zeros(0),
                        0.0,
                        0.0,
                        float(net(x0)[0]),
                        tuple(P.copy() for P in net.patterns(x0)),
                        _EMPTY,
                    )
                t = np.delete(t, a)
                Z = np.delete(Z, a, axis=0)
                pats = [np.delete(P, a + 1, axis=0) for P in pats]
        if max_regions is not None and len(t) + (1 if unbounded else -1) > max_regions:
            raise TooManyRegionsError(
                f"the 1-D network {net!r} has at least {len(t) + (1 if unbounded else -1)} "
                f"linear regions after {layer + 1} of {n_layers} hidden layers, more than "
                f"max_regions={max_regions:g}; pass a larger max_regions (or None)"
            )
        X = np.maximum(Z, 0.0)
        if unbounded:
            SL = ZL * pats[-1][0]
            SR = ZR * pats[-1][-1]
    wl, bl = net.weights[-1][0], float(net.biases[-1][0])
    g = X @ wl + bl
    if unbounded:
        if not pats:  # no hidden layer: f is affine (breakpoint-free)
            const = bl if wl[0] == 0.0 else math.nan
            return Breakpoints(
                net, None, np.zeros(0), np.zeros(0), float(wl[0]), float(wl[0]), const, (), _EMPTY
            )
        slopes, _ = _masked_affine(net, pats, len(t) + 1, offsets=False)
        return Breakpoints(
            net,
            None,
            t,
            g,
            float(slopes[0]),
            float(slopes[-1]),
            math.nan,
            tuple(pats),
            np.diff(slopes),
        )
    return Breakpoints(net, box, t, g, math.nan, math.nan, math.nan, tuple(pats), _EMPTY)


_BLAS: list[Any] = []


def _single_thread() -> Any:
    """Return a context limiting BLAS to one thread.

    The products here are small: threads only contend, measured 26 ms instead of 0.3 ms for a
    143x128 @ 128x128 product on a loaded 2-core machine. A no-op without :mod:`threadpoolctl`.
    """
    if not _BLAS:
        try:
            from threadpoolctl import ThreadpoolController

            _BLAS.append(ThreadpoolController())
        except ImportError:  # pragma: no cover - threadpoolctl is a dependency
            _BLAS.append(None)
    ctl = _BLAS[0]
    return contextlib.nullcontext() if ctl is None else ctl.limit(limits=1, user_api="blas")


def _enumerate(
    net: ReLUNetwork, box: Box | None, tol: Tolerances, max_regions: float | None
) -> Breakpoints:
    with _single_thread():
        return _enumerate_raw(net, box, tol, max_regions)


def _masked_affine(
    net: ReLUNetwork,
    patterns: tuple[BoolArray, ...] | list[BoolArray],
    n: int,
    offsets: bool = True,
) -> tuple[FloatArray, FloatArray]:
    """Slopes (and, if asked, offsets) of ``f`` on ``n`` regions from their patterns."""
    S = np.ones((n, 1))
    B = np.zeros((n, 1))
    for W, bvec, P in zip(net.weights[:-1], net.biases[:-1], patterns, strict=True):
        S = (S @ W.T) * P
        if offsets:
            B = (B @ W.T + bvec) * P
    wl, bl = net.weights[-1][0], float(net.biases[-1][0])
    return S @ wl, (B @ wl + bl if offsets else _EMPTY)


def region_affine(bp: Breakpoints) -> tuple[FloatArray, FloatArray]:
    """Exact slope and offset of ``f`` on every region (``f = slope * x + offset``).

    Products of the pattern-masked weight matrices (as in :func:`spectral_exact.linear_regions`),
    not differences of values, so they stay exact on tiny intervals.
    """
    with _single_thread():
        return _masked_affine(bp.net, bp.patterns, bp.n_regions)


def breakpoints(
    net: ReLUNetwork,
    domain: Box | Polytope | tuple[ArrayLike, ArrayLike] | None = None,
    *,
    tol: Tolerances = DEFAULT_TOLERANCES,
    max_regions: float | None = None,
) -> Breakpoints:
    r"""Sorted breakpoints, values and activation patterns of a network with one input.

    Parameters
    ----------
    net : ReLUNetwork
        ``net.input_dim == 1``.
    domain : Box, Polytope, (lo, hi) or None
        An interval, or ``None`` for all of :math:`\mathbb{R}`.
    tol : Tolerances
        ``tol.geometry`` (relative to ``1 + max |box end|``) decides when a neuron vanishes at a
        breakpoint, as in :func:`spectral_exact.linear_regions`.
    max_regions : float or None
        Refuse (:class:`~spectral_exact.TooManyRegionsError`) as soon as the regions found
        after some layer exceed it. ``None``: no limit.

    Returns
    -------
    Breakpoints

    Examples
    --------
    >>> import numpy as np, spectral_exact as se
    >>> from spectral_exact.fourier._onedim import breakpoints
    >>> absx = se.ReLUNetwork([np.array([[1.0], [-1.0]]), np.array([[1.0, 1.0]])],
    ...                       [np.zeros(2), np.zeros(1)])
    >>> bp = breakpoints(absx, se.Box([-1], [2]))
    >>> bp.points.tolist(), bp.values.tolist()
    ([-1.0, 0.0, 2.0], [1.0, 0.0, 2.0])
    >>> bp = breakpoints(absx, None)
    >>> bp.points.tolist(), bp.left_slope, bp.right_slope
    ([0.0], -1.0, 1.0)
    """
    if not isinstance(net, ReLUNetwork):
        raise InvalidNetworkError(f"expected a ReLUNetwork, got {type(net).__name__}")
    if net.input_dim != 1:
        raise InvalidNetworkError(
            f"breakpoints needs a network with one input, got input_dim={net.input_dim}"
        )
    return _enumerate(net, _as_interval(net, domain), tol, max_regions)


# ------------------------------------------------------------------------------ transform
def _phi_psi(z: NDArray[Any]) -> tuple[ComplexArray, ComplexArray]:
    r"""Taylor series of :math:`\varphi_1` and :math:`\psi` for ``|z| <= 1``.

    :math:`\varphi_1(z) = (e^z - 1)/z` and :math:`\psi(z) = \int_0^1 v e^{zv} dv` (Horner; terms
    stop below ``_SERIES_EPS``).
    """
    zmax = float(np.max(np.abs(z))) if z.size else 0.0
    n = 1
    term = 1.0
    while n < 60:
        term *= zmax / n
        if term < _SERIES_EPS:
            break
        n += 1
    n += 2
    phi = np.full(z.shape, 1.0 / math.factorial(n + 1), dtype=complex)
    psi = np.full(z.shape, (n + 1) / math.factorial(n + 2), dtype=complex)
    for m in range(n - 1, -1, -1):
        phi = phi * z + 1.0 / math.factorial(m + 1)
        psi = psi * z + (m + 1) / math.factorial(m + 2)
    return phi, psi


def _interval_sum(t: FloatArray, g: FloatArray, k: FloatArray, tol: Tolerances) -> ComplexArray:
    r"""Return :math:`\sum_i \int_{t_i}^{t_{i+1}} f e^{-ikx}dx` for the interpolant of ``(t, g)``.

    ``f`` is the piecewise-linear interpolant; ``k`` (K,). Series where ``|k| h / 2 <
    tol.series_threshold``.
    """
    K = len(k)
    if len(t) < 2:
        return np.zeros(K, dtype=complex)
    h = np.diff(t)
    dg = np.diff(g)
    E = np.exp(np.multiply.outer(k, t) * PHASE_UNIT)  # (K, n)
    small = np.multiply.outer(np.abs(k), h) < 2.0 * tol.series_threshold  # (K, n-1)
    terms = np.empty((K, len(h)), dtype=complex)
    big = ~small
    if np.any(big):
        kb, ib = np.nonzero(big)
        kk = k[kb]
        gE1 = g[ib + 1] * E[kb, ib + 1]
        gE0 = g[ib] * E[kb, ib]
        terms[kb, ib] = (-PHASE_UNIT / kk) * (gE1 - gE0) + (dg[ib] / h[ib]) / (kk * kk) * (
            E[kb, ib + 1] - E[kb, ib]
        )
    if np.any(small):
        ks, is_ = np.nonzero(small)
        z = (PHASE_UNIT * k[ks]) * h[is_]
        phi, psi = _phi_psi(z)
        terms[ks, is_] = E[ks, is_] * h[is_] * (g[is_] * phi + dg[is_] * psi)
    return terms.sum(axis=1)


def _fourier(bp: Breakpoints, k: FloatArray, tol: Tolerances) -> ComplexArray:
    """Transform of ``bp`` at frequencies ``k`` (K,)."""
    if bp.domain is not None:
        return _interval_sum(bp.points, bp.values, k, tol)
    out = np.zeros(len(k), dtype=complex)
    t = bp.points
    if len(t) == 0:
        return out  # affine f: supported at k = 0 only
    span = float(t[-1] - t[0])
    near = np.abs(k) * span < 2.0 * tol.series_threshold
    far = ~near
    if np.any(far):  # Lemma 1 (c = -i): -k^-2 sum_j jump_j e^{-ik t_j}
        kf = k[far]
        E = np.exp(np.multiply.outer(kf, t) * PHASE_UNIT)
        out[far] = -(E @ bp.jumps) / (kf * kf)
    if np.any(near):  # bounded part [t_0, t_n-1] by intervals plus the two affine tails
        kn = k[near]
        E0 = phase(kn * t[0])
        E1 = phase(kn * t[-1])
        g0, g1 = bp.values[0], bp.values[-1]
        tails = E0 * (-PHASE_UNIT * g0 / kn + bp.left_slope / (kn * kn)) - E1 * (
            -PHASE_UNIT * g1 / kn + bp.right_slope / (kn * kn)
        )
        out[near] = _interval_sum(t, bp.values, kn, tol) + tails
    return out


_CACHE: weakref.WeakKeyDictionary[ReLUNetwork, tuple[Any, Breakpoints]] = (
    weakref.WeakKeyDictionary()
)


def _cached(
    net: ReLUNetwork, box: Box | None, tol: Tolerances, max_regions: float | None
) -> Breakpoints:
    key = (None if box is None else (float(box.lo[0]), float(box.hi[0])), tol)
    hit = _CACHE.get(net)
    if hit is not None and hit[0] == key:
        bp = hit[1]
        if max_regions is not None and bp.n_regions > max_regions:
            raise TooManyRegionsError(
                f"the 1-D network {net!r} has {bp.n_regions} linear regions, more than "
                f"max_regions={max_regions:g}; pass a larger max_regions (or None)"
            )
        return bp
    bp = _enumerate(net, box, tol, max_regions)
    _CACHE[net] = (key, bp)
    return bp


def regions_from_breakpoints(bp: Breakpoints, tol: Tolerances = DEFAULT_TOLERANCES) -> list[Any]:
    """Return the :class:`~spectral_exact.regions.Region` objects of ``bp``, left to right.

    Intervals ``[t_i, t_{i+1}]`` (and on R the rays at both ends, or the whole line when there
    is no breakpoint), with exact slopes/offsets (:func:`region_affine`), in the same form as
    the general enumerator's.
    """
    from ..regions import Region

    w, c = region_affine(bp)
    pats = bp.patterns
    e1 = np.zeros((0, 1))
    out = []
    new = Polytope._from_parts
    if bp.domain is None and len(bp.points) == 0:
        poly = new(e1, np.zeros(0), np.zeros((1, 1)), lineality=np.ones((1, 1)), tol=tol)
        pat = tuple(P[0] for P in pats)
        return [Region(pat, poly, np.array([w[0]]), float(c[0]))]
    inc2 = np.eye(2, dtype=bool)
    t = bp.points
    for i in range(bp.n_regions):
        pat = tuple(P[i] for P in pats)
        if bp.domain is None and i == 0:
            poly = new(
                np.ones((1, 1)),
                t[:1].copy(),
                t[:1, None].copy(),
                rays=-np.ones((1, 1)),
                vertex_incidence=np.ones((1, 1), bool),
                ray_incidence=np.zeros((1, 1), bool),
                tol=tol,
            )
        elif bp.domain is None and i == bp.n_regions - 1:
            poly = new(
                -np.ones((1, 1)),
                -t[-1:],
                t[-1:, None].copy(),
                rays=np.ones((1, 1)),
                vertex_incidence=np.ones((1, 1), bool),
                ray_incidence=np.zeros((1, 1), bool),
                tol=tol,
            )
        else:
            j = i - 1 if bp.domain is None else i
            u, v = float(t[j]), float(t[j + 1])
            poly = new(
                np.array([[-1.0], [1.0]]),
                np.array([-u, v]),
                np.array([[u], [v]]),
                vertex_incidence=inc2.copy(),
                tol=tol,
            )
        out.append(Region(pat, poly, np.array([w[i]]), float(c[i])))
    return out


def handles(net: Any) -> TypeGuard[ReLUNetwork | Breakpoints]:
    """Whether :func:`spectral_exact.network_fourier` routes ``net`` here (1-D nets)."""
    return isinstance(net, Breakpoints) or (isinstance(net, ReLUNetwork) and net.input_dim == 1)


def breakpoints_fourier(
    net: ReLUNetwork | Breakpoints,
    k: ArrayLike,
    domain: Box | tuple[ArrayLike, ArrayLike] | None = None,
    *,
    method: str | None = None,
    tol: Tolerances = DEFAULT_TOLERANCES,
    max_regions: float | None = None,
) -> ComplexArray:
    r"""Exact transform of a one-input network (:func:`spectral_exact.network_fourier` in 1-D).

    Parameters
    ----------
    net : ReLUNetwork (input_dim 1) or Breakpoints
        A :class:`Breakpoints` carries its domain; ``domain`` must then be omitted or equal.
    k : array_like (..., 1)
    domain : Box, (lo, hi) or None
    method : {"regions", "lemma1", "laplacian"} or None
        Accepted for compatibility with :func:`~spectral_exact.network_fourier`: in 1-D all
        routes are the closed form of the module docstring (same numbers). As there,
        ``"lemma1"`` / ``"laplacian"`` refuse ``k = 0``.
    tol : Tolerances
    max_regions : float or None
        Passed to :func:`breakpoints`.

    Returns
    -------
    complex ndarray (...)

    Examples
    --------
    >>> import numpy as np, spectral_exact as se
    >>> from spectral_exact.fourier._onedim import breakpoints_fourier
    >>> relu = se.ReLUNetwork([np.array([[1.0]]), np.array([[1.0]])], [np.zeros(1), np.zeros(1)])
    >>> complex(breakpoints_fourier(relu, [2.0]))           # -1/k^2 on R
    (-0.25+0j)
    >>> round(float(breakpoints_fourier(relu, [0.0], domain=([-1], [1])).real), 15)  # int_0^1 x
    0.5
    """
    if isinstance(net, Breakpoints):
        bp = net
        check_same_domain(domain, bp.domain, bp.net.input_dim, "the breakpoints are")
    elif isinstance(net, ReLUNetwork):
        if net.input_dim != 1:
            raise InvalidNetworkError(
                f"breakpoints_fourier needs a network with one input, got {net.input_dim}"
            )
        bp = _cached(net, _as_interval(net, domain), tol, max_regions)
    else:
        raise InvalidNetworkError(f"expected a ReLUNetwork, got {type(net).__name__}")
    if method is None:
        method = "regions" if bp.domain is not None else "lemma1"
    if method not in _METHODS:
        raise InvalidArgumentError(f"unknown method {method!r}; choose one of {_METHODS}")
    kk, batch = as_frequencies(k, 1)
    k1 = kk[:, 0]
    if (method != "regions" or bp.domain is None) and np.any(k1 == 0):
        where = (
            "on R^d (the transform is singular there)"
            if bp.domain is None
            else f"with method={method!r} (use method='regions')"
        )
        raise SingularFrequencyError(f"k = 0 cannot be evaluated {where}")
    return _fourier(bp, k1, tol).reshape(batch)
