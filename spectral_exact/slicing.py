r"""Low-dimensional slices of high-dimensional networks.

Exact region enumeration and exact transforms cost grow with the input dimension; a classifier
on 784 pixels is analysed on lines, planes and 3-spaces through data points instead
(as SplineCam, Humayun et al. 2023, does in 2-D). For a network :math:`f` on
:math:`\mathbb{R}^d`, an origin :math:`o \in \mathbb{R}^d` and a basis :math:`B \in
\mathbb{R}^{m \times d}`, the slice is

.. math::  g(t) = f(o + t B), \qquad t \in \mathbb{R}^m,

again a ReLU network (only the first layer changes: :math:`W_1' = W_1 B^\top`,
:math:`b_1' = W_1 o + b_1`), so every function of the library applies to it unchanged.
Transforms of :math:`g` are in the library's convention
(:mod:`spectral_exact.fourier._convention`) in the slice coordinates :math:`t`.

:func:`linear_pieces` counts the true linear pieces of a 1-D or 2-D region list: adjacent
activation regions on which ``f`` has the same affine map are one piece.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._errors import InvalidDomainError, InvalidNetworkError
from ._tolerances import DEFAULT_TOLERANCES, Tolerances
from .network import ReLUNetwork

__all__ = ["restrict", "slice_through", "linear_pieces", "MAX_ENUMERATION_DIM"]

#: Largest input dimension for which :func:`spectral_exact.linear_regions` enumerates regions
#: (a box in R^d has 2^d vertices); beyond it the user is pointed to a slice.
MAX_ENUMERATION_DIM = 16


def check_enumeration_dim(net: Any) -> None:
    """Refuse region enumeration in high dimension, suggesting a slice (private helper)."""
    d = getattr(net, "input_dim", None)
    if d is not None and d > MAX_ENUMERATION_DIM:
        raise InvalidDomainError(
            f"the network takes inputs in R^{d}: exact region enumeration is limited to "
            f"d <= {MAX_ENUMERATION_DIM} (a box alone has 2^{d} vertices). Analyse a slice "
            "instead: se.slice_through(net, points) for the line/plane through 2 or 3 data "
            "points, or se.restrict(net, origin, basis)"
        )


def _vector(a: ArrayLike, what: str) -> NDArray[np.float64]:
    if a is None or np.iscomplexobj(a):
        raise InvalidDomainError(f"{what} must be a real array, got {a!r}")
    try:
        arr = np.array(a, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise InvalidDomainError(f"{what} is not a numeric array: {exc}") from exc
    if not np.all(np.isfinite(arr)):
        raise InvalidDomainError(f"{what} has a non-finite entry")
    return arr


def restrict(net: ReLUNetwork, origin: ArrayLike, basis: ArrayLike) -> ReLUNetwork:
    r"""Return the network :math:`t \mapsto f(o + t B)` on :math:`\mathbb{R}^m`.

    Parameters
    ----------
    net : ReLUNetwork
        :math:`f` on :math:`\mathbb{R}^d` (for instance from :func:`spectral_exact.from_torch`).
    origin : array_like, shape (d,) or the model's input shape
        :math:`o`; images may be given unflattened (C order).
    basis : array_like, shape (m, d) (or (m, *input_shape)), 1 <= m <= d
        Rows are the directions; they need not be orthonormal. A single ``(d,)`` vector
        gives a line (m = 1).

    Returns
    -------
    ReLUNetwork
        Input dimension ``m``; same hidden layers as ``net``.

    Examples
    --------
    >>> import numpy as np, spectral_exact as se
    >>> net = se.ReLUNetwork.random([3, 8, 1], seed=1)
    >>> o, B = np.array([0.1, 0.2, 0.3]), np.array([[1.0, 0, 0], [0, 1.0, 1.0]])
    >>> g = se.restrict(net, o, B)
    >>> t = np.array([0.4, -0.5])
    >>> bool(np.isclose(g(t), net(o + t @ B)))
    True
    """
    if not isinstance(net, ReLUNetwork):
        raise InvalidNetworkError(
            f"net must be a ReLUNetwork, got {type(net).__name__} {net!r:.60}"
        )
    d = net.input_dim
    o = _vector(origin, "origin").reshape(-1)
    if o.size != d:
        raise InvalidDomainError(
            f"origin must have {d} entries (the input dimension), got {o.size}"
        )
    B = _vector(basis, "basis")
    if B.size == 0:
        raise InvalidDomainError(f"basis must have shape (m, {d}) with 1 <= m <= {d}, got []")
    B = B.reshape(1, -1) if B.size == d else B.reshape(B.shape[0], -1)
    if B.shape[1] != d or not 1 <= B.shape[0] <= d:
        raise InvalidDomainError(
            f"basis must have shape (m, {d}) with 1 <= m <= {d}, got {np.shape(basis)}"
        )
    W1, b1 = net.weights[0], net.biases[0]
    return ReLUNetwork([W1 @ B.T, *net.weights[1:]], [W1 @ o + b1, *net.biases[1:]])


def slice_through(net: ReLUNetwork, points: ArrayLike) -> ReLUNetwork:
    r"""Return the network on the line/plane/3-space through 2/3/4 points.

    With points :math:`p_0, \dots, p_m` the slice is :func:`restrict` with origin
    :math:`p_0` and basis rows :math:`p_j - p_0`: in the slice coordinates
    :math:`t \in \mathbb{R}^m`, :math:`p_0` sits at :math:`t = 0` and :math:`p_j` at the unit
    vector :math:`e_j`. So the segment between two images is ``t`` in ``[0, 1]``, and the
    triangle of three images is ``t >= 0, t_1 + t_2 <= 1`` (a box ``[-a, 1 + a]^2`` shows
    it with a margin).

    Parameters
    ----------
    net : ReLUNetwork
    points : array_like, shape (m + 1, d) or (m + 1, *input_shape), m in 1..3
        Affinely independent points.

    Examples
    --------
    >>> import numpy as np, spectral_exact as se
    >>> net = se.ReLUNetwork.random([4, 8, 1], seed=0)
    >>> P = np.random.default_rng(0).normal(size=(3, 4))
    >>> g = se.slice_through(net, P)
    >>> bool(np.allclose(g(np.array([[0, 0], [1, 0], [0, 1]])), net(P)))
    True
    """
    if not isinstance(net, ReLUNetwork):
        raise InvalidNetworkError(
            f"net must be a ReLUNetwork, got {type(net).__name__} {net!r:.60}"
        )
    P = _vector(points, "points")
    if P.ndim < 2 or not 2 <= P.shape[0] <= 4:
        raise InvalidDomainError(
            f"points must hold 2, 3 or 4 points (a line, plane or 3-space), got shape {P.shape}"
        )
    P = P.reshape(P.shape[0], -1)
    if P.shape[1] != net.input_dim:
        raise InvalidDomainError(
            f"each point must have {net.input_dim} entries (the input dimension), got {P.shape[1]}"
        )
    B = P[1:] - P[0]
    s = np.linalg.svd(B, compute_uv=False)
    if s[-1] <= DEFAULT_TOLERANCES.rank * max(s[0], 1.0):
        raise InvalidDomainError(
            f"points are not affinely independent (singular values of p_j - p_0: {s})"
        )
    return restrict(net, P[0], B)


def _same_map(a: Any, b: Any, tol: float) -> bool:
    scale = 1.0 + max(
        np.abs(a.weight).max(initial=0.0),
        np.abs(b.weight).max(initial=0.0),
        abs(a.bias),
        abs(b.bias),
    )
    return bool(
        np.all(np.abs(a.weight - b.weight) <= tol * scale) and abs(a.bias - b.bias) <= tol * scale
    )


def linear_pieces(regions: Any, *, tol: Tolerances = DEFAULT_TOLERANCES) -> int:
    r"""Count the linear pieces: connected unions of adjacent regions with one affine map.

    Activation regions (what :func:`spectral_exact.linear_regions` returns) can share an
    affine map with a neighbour, e.g. when a unit switches but its output weight is zero
    downstream. This merges neighbours (intervals that touch in 1-D, polygons sharing an
    edge of positive length in 2-D) whose maps agree to ``tol.rank`` relative, and counts the
    connected components: the number of maximal pieces on which ``f`` is affine.

    Parameters
    ----------
    regions : Regions
        From :func:`spectral_exact.linear_regions` on a bounded 1-D or 2-D domain.
    tol : Tolerances
        ``tol.rank`` compares maps, ``tol.geometry`` decides contact (relative to the domain).

    Examples
    --------
    >>> import numpy as np, spectral_exact as se
    >>> # relu(x) + 0 * relu(x - 0.5): two activation regions... three, but two pieces
    >>> net = se.ReLUNetwork([np.array([[1.0], [1.0]]), np.array([[1.0, 0.0]])],
    ...                      [np.array([0.0, -0.5]), np.zeros(1)])
    >>> regs = se.linear_regions(net, se.Box([-1], [1]))
    >>> len(regs), linear_pieces(regs)
    (3, 2)
    """
    from .regions import Regions

    if not isinstance(regions, Regions):
        raise InvalidDomainError(
            f"regions must be what linear_regions returns, got {type(regions).__name__}"
        )
    regs = list(regions)
    if not regs:
        return 0
    d = regs[0].polytope.ambient_dim
    if d not in (1, 2):
        raise InvalidDomainError(f"linear_pieces is implemented in 1-D and 2-D, got d={d}")
    V_all = np.vstack([r.polytope.vertices for r in regs])
    scale = float(np.abs(V_all).max()) + 1.0
    eps = tol.geometry * scale * 100
    parent = list(range(len(regs)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(i: int, j: int) -> None:
        parent[find(i)] = find(j)

    if d == 1:
        ivs = [(float(r.polytope.vertices.min()), float(r.polytope.vertices.max())) for r in regs]
        order = np.argsort([a for a, _ in ivs])
        for a, b in itertools.pairwise(order):
            if abs(ivs[b][0] - ivs[a][1]) <= eps and _same_map(regs[a], regs[b], tol.rank):
                union(int(a), int(b))
    else:
        # group regions by their map (quantised at 1e6 x the comparison tolerance; the exact
        # comparison is done inside a group), then sweep each group's bounding boxes in x
        mag = 1.0 + max(
            float(np.abs(np.array([r.weight for r in regs])).max()),
            max(abs(r.bias) for r in regs),
        )
        quantum = 1e6 * tol.rank * mag
        groups: dict[tuple[int, ...], list[int]] = {}
        for i, r in enumerate(regs):
            key = tuple(np.round(np.append(r.weight, r.bias) / quantum).astype(np.int64))
            groups.setdefault(key, []).append(i)
        edges: dict[int, Any] = {}
        for members in groups.values():
            if len(members) < 2:
                continue
            lo = np.array([regs[i].polytope.vertices.min(0) for i in members])
            hi = np.array([regs[i].polytope.vertices.max(0) for i in members])
            order = np.argsort(lo[:, 0])
            for a in range(len(order)):
                ia = int(order[a])
                for b in range(a + 1, len(order)):
                    ib = int(order[b])
                    if lo[ib, 0] > hi[ia, 0] + eps:
                        break
                    if lo[ib, 1] > hi[ia, 1] + eps or lo[ia, 1] > hi[ib, 1] + eps:
                        continue
                    i, j = members[ia], members[ib]
                    if not _same_map(regs[i], regs[j], tol.rank):
                        continue
                    for q in (i, j):
                        if q not in edges:
                            edges[q] = _polygon_edges(regs[q].polytope.vertices)
                    if _share_edge(edges[i], edges[j], eps):
                        union(i, j)
    return len({find(i) for i in range(len(regs))})


def _polygon_edges(V: NDArray[np.float64]) -> list[tuple[NDArray[np.float64], NDArray[np.float64]]]:
    c = V.mean(0)
    order = np.argsort(np.arctan2(V[:, 1] - c[1], V[:, 0] - c[0]))
    W = V[order]
    return [(W[k], W[(k + 1) % len(W)]) for k in range(len(W))]


def _share_edge(ea: list[Any], eb: list[Any], eps: float) -> bool:
    """Two polygon boundaries overlap along a segment of positive length."""
    for p0, p1 in ea:
        u = p1 - p0
        n = np.linalg.norm(u)
        if n <= eps:
            continue
        u = u / n
        nrm = np.array([-u[1], u[0]])
        for q0, q1 in eb:
            if abs((q0 - p0) @ nrm) > eps or abs((q1 - p0) @ nrm) > eps:
                continue
            s0, s1 = sorted(((q0 - p0) @ u, (q1 - p0) @ u))
            if min(s1, n) - max(s0, 0.0) > eps:
                return True
    return False
