r"""Exact transforms of one-dimensional ReLU networks from their sorted breakpoints.

A ReLU net with one input is a continuous piecewise-linear function of ``x``. Its linear
regions are the intervals between consecutive *breakpoints* (points where some neuron's
pre-activation changes sign). Instead of the general polytope machinery this module keeps, layer
by layer, the sorted breakpoints ``t_0 < ... < t_{n-1}`` and the pre-activations of the current
layer *at* them (one matrix product per layer): on each interval the pre-activation is affine,
so a neuron crosses zero inside ``[t_i, t_{i+1}]`` iff its values at the two ends have strictly
opposite signs, at ``t_i + h_i z_i / (z_i - z_{i+1})``; the values of the other neurons at the new
point are interpolated (exact for affine functions). On :math:`\mathbb{R}` (``domain=None``)
the two unbounded end rays carry the pre-activation slopes, and every interval its exact
pre-activation slopes (products of the masked weights, carried layer by layer). Sign tests use
``tol.geometry`` times the neuron's scale on the domain, as :func:`spectral_exact.linear_regions`,
so the intervals agree with the general enumerator: crossings within ``tol.geometry * scale`` of
each other are merged into one breakpoint, identically vanishing neurons never split, and a
neuron crossing exactly at an existing breakpoint (or at a box end) adds nothing. The length
``scale`` is the box's (``tol.geometry * scale`` is the box's
:func:`~spectral_exact._tolerances.zero_distance`) or on R ``L + max |t|`` with ``L`` the
arrangement's own length (the farthest first-layer crossing, as the general enumerator on R,
whose tolerances are relative to ``1`` in those units): scale covariant, so a net whose
biases are multiplied by ``s`` on the box multiplied by ``s`` has the same regions, scaled, and
``F_s(k) = s^2 F(s k)`` to rounding at every ``s``.

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

Cost: one compiled call per net (:mod:`._onedim_kernels`): per hidden layer one BLAS product,
``O(n w^2)`` (``n`` breakpoints, width ``w``; ``2n`` rows on R, the slopes), and one
``O(n w)`` pass of sign tests, crossings, merging and insertion; then ``O(n)`` per frequency,
one complex exponential per breakpoint. No Python object per region and no Python loop over
layers or breakpoints: a small net costs tens of microseconds in all.

References
----------
N. Rahaman, A. Baratin, D. Arpit, F. Draxler, M. Lin, F. A. Hamprecht, Y. Bengio and A.
Courville, "On the spectral bias of neural networks", Proc. 36th ICML, PMLR 97, 5301-5310
(2019). doi:10.48550/arXiv.1806.08734 (Lemma 1; the 1-D case of the transform).
"""

from __future__ import annotations

import contextlib
import math
import weakref
from dataclasses import dataclass, fields
from typing import Any, TypeGuard

import numpy as np
from numpy.typing import ArrayLike

from .._errors import (
    InvalidArgumentError,
    InvalidNetworkError,
    SingularFrequencyError,
    TooManyRegionsError,
)
from .._tolerances import DEFAULT_TOLERANCES, ROUNDING_ULPS, Tolerances
from .._types import BoolArray, ComplexArray, FloatArray
from .._validate import as_box_domain, check_same_domain
from ..network import ReLUNetwork
from ..polytope import Box, Polytope
from ._convention import as_frequencies

__all__ = ["Breakpoints", "breakpoints", "breakpoints_fourier"]


#: Routes accepted by :func:`spectral_exact.network_fourier` (all give the same numbers in 1-D).
_METHODS = ("regions", "lemma1", "laplacian")
#: Below this many weights (sum of ``w_in * w_out`` over the hidden layers) the products are too
#: small for BLAS to start threads, and limiting them (about 15 us) is skipped.
_BLAS_LIMIT_WEIGHTS = 4096
_EPS = float(np.finfo(float).eps)
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


_KERNELS: list[Any] = []


def _kernels() -> Any:
    """Return the numba kernels (:mod:`._onedim_kernels`), imported on first use."""
    if not _KERNELS:
        from . import _onedim_kernels

        _KERNELS.append(_onedim_kernels)
    return _KERNELS[0]


def _arrangement_length(w: FloatArray, b: FloatArray) -> float:
    """Return the farthest first-layer crossing ``|b_j / w_j|`` (``1`` when all are at ``0``)."""
    nz = w != 0.0
    with np.errstate(over="ignore"):
        dist = np.abs(b[nz]) / np.abs(w[nz])
    dist = dist[np.isfinite(dist) & (dist > 0)]
    return float(dist.max()) if len(dist) else 1.0


def _enumerate_raw(
    net: ReLUNetwork,
    box: Box | None,
    tol: Tolerances,
    max_regions: float | None,
) -> Breakpoints:
    """Breakpoints, values and patterns of a 1-D net (see the module docstring).

    One compiled call (:func:`._onedim_kernels.enumerate_net`): per hidden layer one matrix
    product (the points and, on R, the exact slopes of the intervals, stacked) and one pass of
    sign tests, crossings, merging and insertion; the patterns of earlier layers are mapped to
    the final intervals once, at the end.
    """
    hidden_w = net.weights[:-1]
    n_layers = len(hidden_w)
    wl, bl = net.weights[-1][0], float(net.biases[-1][0])
    unbounded = box is None
    if unbounded:
        if not n_layers:  # no hidden layer: f is affine (breakpoint-free)
            const = bl if wl[0] == 0.0 else math.nan
            return Breakpoints(
                net, None, np.zeros(0), np.zeros(0), float(wl[0]), float(wl[0]), const, (), _EMPTY
            )
        t = np.zeros(1)  # an anchor at 0 (a breakpoint only if some neuron crosses there)
        XS = np.array([[0.0], [1.0], [1.0]])  # the point, then the slopes of the two rays
        # sign tests at the scale L + max |t|, with L the arrangement's own length (the
        # farthest first-layer crossing, as regions._arrangement_length): scale covariant
        scale0 = _arrangement_length(hidden_w[0][:, 0], net.biases[0])
    else:
        assert box is not None
        t = np.array([float(box.lo[0]), float(box.hi[0])])
        XS = t[:, None].copy()
        # tol.geometry * scale0 = zero_distance of the box (its length, plus the rounding of
        # its position): a net on a 1e-9 box is split exactly like the same net on the unit box
        scale0 = float(t[1] - t[0]) + ROUNDING_ULPS * _EPS / float(tol.geometry) * float(
            max(abs(t[0]), abs(t[1]))
        )
    dims = np.array([1, *(W.shape[0] for W in hidden_w)], dtype=np.int64)
    if n_layers:
        Wf = np.concatenate([W.ravel() for W in hidden_w])
        bf = np.concatenate(net.biases[:-1])
    else:
        Wf = bf = np.zeros(0)
    status, layer, t, XS, P = _kernels().enumerate_net(
        t,
        XS,
        Wf,
        bf,
        dims,
        unbounded,
        scale0,
        float(tol.geometry),
        math.inf if max_regions is None else float(max_regions),
    )
    if status == 1:  # on R no first-layer neuron changes sign: f is constant
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
    if status == 2:
        n_reg = len(t) + (1 if unbounded else -1)
        raise TooManyRegionsError(
            f"the 1-D network {net!r} has at least {n_reg} "
            f"linear regions after {layer + 1} of {n_layers} hidden layers, more than "
            f"max_regions={max_regions:g}; pass a larger max_regions (or None)"
        )
    cols = np.cumsum(dims)  # layer l's neurons are columns cols[l] - 1 .. cols[l + 1] - 2
    patterns = tuple(P[:, cols[i] - 1 : cols[i + 1] - 1] for i in range(n_layers))
    if not unbounded:
        g = XS @ wl + bl
        return Breakpoints(net, box, t, g, math.nan, math.nan, math.nan, patterns, _EMPTY)
    n = len(t)
    gs = XS @ wl  # values (rows :n) and exact slopes of the n + 1 intervals (rows n:)
    slopes = gs[n:]
    return Breakpoints(
        net,
        None,
        t,
        gs[:n] + bl,
        float(slopes[0]),
        float(slopes[-1]),
        math.nan,
        patterns,
        np.diff(slopes),
    )


_BLAS: list[Any] = []


def _single_thread() -> Any:
    """Limit BLAS (numpy's and scipy's) to one thread inside the context.

    The products here are small: threads only contend (measured 26 ms instead of 0.3 ms for a
    143x128 @ 128x128 product on a loaded 2-core machine). A no-op without
    :mod:`threadpoolctl`.
    """
    if not _BLAS:
        try:
            # numba's np.dot (in the kernels) calls scipy's BLAS, a second OpenBLAS: load it
            # first so that the controller limits it too
            import scipy.linalg.cython_blas  # noqa: F401
            from threadpoolctl import ThreadpoolController

            _BLAS.append(ThreadpoolController())
        except ImportError:  # pragma: no cover - threadpoolctl is a dependency
            _BLAS.append(None)
    ctl = _BLAS[0]
    return contextlib.nullcontext() if ctl is None else ctl.limit(limits=1, user_api="blas")


def _enumerate(
    net: ReLUNetwork, box: Box | None, tol: Tolerances, max_regions: float | None
) -> Breakpoints:
    if sum(W.size for W in net.weights[:-1]) < _BLAS_LIMIT_WEIGHTS:
        return _enumerate_raw(net, box, tol, max_regions)
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
        ``tol.geometry`` (relative to the box's length, or on R to the arrangement's, see the
        module docs) decides when a neuron vanishes at a breakpoint, as in
        :func:`spectral_exact.linear_regions`.
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
        raise InvalidNetworkError(f"net must be a ReLUNetwork, got {type(net).__name__}")
    if net.input_dim != 1:
        raise InvalidNetworkError(
            f"breakpoints needs a network with one input, got input_dim={net.input_dim}"
        )
    return _enumerate(net, _as_interval(net, domain), tol, max_regions)


# ------------------------------------------------------------------------------ transform
def _fourier(bp: Breakpoints, k: FloatArray, tol: Tolerances) -> ComplexArray:
    """Transform of ``bp`` at frequencies ``k`` (K,), by :mod:`._onedim_kernels`."""
    kern = _kernels()
    out = np.empty(len(k), dtype=complex)
    k = np.ascontiguousarray(k, dtype=float)
    thr2 = 2.0 * float(tol.series_threshold)
    if bp.domain is not None:
        kern.box_transform(bp.points, bp.values, k, thr2, out)
    else:
        kern.line_transform(
            bp.points, bp.values, bp.jumps, bp.left_slope, bp.right_slope, k, thr2, out
        )
    return out


#: one enumeration per network (the last domain and tolerances asked). The values hold the
#: :class:`Breakpoints` fields *without* the network: a value referring to its key would keep
#: the key alive, and every network ever transformed would stay in memory.
_CACHE: weakref.WeakKeyDictionary[ReLUNetwork, tuple[Any, tuple[Any, ...]]] = (
    weakref.WeakKeyDictionary()
)


def _cached(
    net: ReLUNetwork, box: Box | None, tol: Tolerances, max_regions: float | None
) -> Breakpoints:
    key = (None if box is None else (float(box.lo[0]), float(box.hi[0])), tol)
    hit = _CACHE.get(net)
    if hit is not None and hit[0] == key:
        bp = Breakpoints(net, *hit[1])
        if max_regions is not None and bp.n_regions > max_regions:
            raise TooManyRegionsError(
                f"the 1-D network {net!r} has {bp.n_regions} linear regions, more than "
                f"max_regions={max_regions:g}; pass a larger max_regions (or None)"
            )
        return bp
    bp = _enumerate(net, box, tol, max_regions)
    _CACHE[net] = (key, tuple(getattr(bp, f.name) for f in fields(bp)[1:]))
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
        raise InvalidNetworkError(f"net must be a ReLUNetwork, got {type(net).__name__}")
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
