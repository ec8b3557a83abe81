r"""Exact Fourier transforms of ReLU networks (the network-spectrum stage).

On a box ``D`` the quantity is :math:`\int_D f(x) e^{-ik\cdot x} dx`, a finite sum of affine
integrals over the linear regions. On :math:`\mathbb{R}^d` (``domain=None``) it is the tempered
distribution :math:`\tilde f`, evaluated off its singular set (a measure-zero union of
subspaces orthogonal to unbounded faces).

Three routes, all exact, tested against each other and against 40-digit mpmath:

``"regions"``
    :math:`\sum_R \int_R (w_R\cdot x + c_R)\, e^{-ik\cdot x} dx` (affine face recursion on each
    region, :mod:`.indicator`). Stable at every ``k`` including ``k = 0``: the default on a box.
``"lemma1"``
    Integrating by parts on each region with :math:`v = ik/|k|^2` (so :math:`-ik\cdot v = 1`),
    the interior facet terms cancel pairwise because ``f`` is continuous, leaving

    .. math::

        \int_D f e^{-ik\cdot x} = -i \sum_R \frac{w_R\cdot k}{|k|^2}\, \hat 1_R(k)
            + \sum_{G \subset \partial D} \frac{i\, k\cdot N_G}{|k|^2}\int_G f\, e^{-ik\cdot x}.

    On :math:`\mathbb{R}^d` the boundary term is absent: this is Lemma 1 of Rahaman et al.
    (2019) with constant :math:`c = -i`. **Sign check.** For ``f = ReLU(x)`` in 1-D,
    direct (Abel-regularised) integration gives
    :math:`\int_0^\infty x e^{-ikx}dx = 1/(ik)^2 = -1/k^2`, and the formula gives
    :math:`-i\cdot (k/k^2)\cdot 1/(ik) = -1/k^2`; with the printed ``+i`` it would give
    :math:`+1/k^2`. Under the convention ``F(k) = \int f e^{-ik.x}`` the printed ``i`` is
    therefore wrong by a sign (it is right for the opposite convention ``e^{+ik.x}``).
    Tested in ``tests/test_network_fourier.py``. Needs ``k != 0``.
``"laplacian"``
    The distributional Laplacian of a ReLU net is a measure on its kink facets with density
    the jump of the normal derivative; Green's second identity gives

    .. math::

        \int_D f e^{-ik\cdot x} = -|k|^{-2}\Big[\sum_{\text{kinks } G} [\partial_n f]_G\,
            \hat 1_G(k) + \int_{\partial D}\big(-i\,k\cdot n\, f - \partial_n f\big)
            e^{-ik\cdot x}\Big],

    using only codimension-one faces. Needs ``k != 0``.

**The default fast path** (``method=None``, ``d = 2, 3``; numba kernels with the numpy backend,
their torch version :mod:`._fused_torch` with ``backend="torch"``): the
Laplacian route summed over the distinct faces of the shared complex
(:mod:`spectral_exact.complex`), fused and multi-core (:mod:`._fused`): one complex
exponential per distinct vertex and frequency, edges and polygons built from them, the same
series near degenerate directions as the level engine. Its per-frequency condition estimate
(sum of term moduli over the modulus of the sum) sends the frequencies where the route
cancels (``|k| diam -> 0``, near-zeros of ``F``) to a stable route: ``"regions"`` on a box,
``"lemma1"`` on R^d. ``method="fused"`` asks for it explicitly.

References
----------
N. Rahaman, A. Baratin, D. Arpit, F. Draxler, M. Lin, F. A. Hamprecht, Y. Bengio and A.
Courville, "On the spectral bias of neural networks", Proc. 36th ICML, PMLR 97, 5301-5310
(2019). doi:10.48550/arXiv.1806.08734 (Lemma 1 and Theorem 1).

R. Diaz, Q.-N. Le and S. Robins, "Fourier transforms of polytopes, solid angle sums, and
discrete volume" (2016). doi:10.48550/arXiv.1602.08593 (the face-poset recursion of the
transform of a polytope).
"""

from __future__ import annotations

import warnings
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .. import _validate as validate
from .._errors import (
    IllConditionedWarning,
    InvalidArgumentError,
    NumericalError,
    SingularFrequencyError,
)
from .._estimate import DEFAULT_MAX_REGIONS
from .._progress import progress
from .._tolerances import DEFAULT_TOLERANCES, ROUNDING_ULPS, Tolerances
from .._types import BackendName, ComplexArray, FloatArray, Method, Route
from .._validate import as_box_domain, check_same_domain
from ..complex import PolyhedralComplex, complex_from_arrays
from ..network import ReLUNetwork
from ..polytope import Box
from ..regions import Regions, linear_regions
from . import _onedim
from ._backend import get_backend
from ._convention import PHASE_UNIT, as_frequencies
from ._fused import FusedLaplacian, fused_from_complex, fused_laplacian_with_error
from .indicator import (
    PreparedPolytopes,
    _complex_is_complete,
    evaluate_levels,
    prepare_complex,
    prepare_polytopes,
)

__all__ = [
    "ALL_METHODS",
    "ERROR_BOUND_FACTOR",
    "ILL_CONDITIONED_RTOL",
    "METHODS",
    "PreparedNetwork",
    "network_fourier",
    "prepare_network",
]


METHODS = ("regions", "lemma1", "laplacian")
#: every accepted ``method=``: the three routes and the fused Laplacian route (with fallback)
ALL_METHODS = (*METHODS, "fused")
#: the fused route keeps a frequency when the sum of its terms' moduli is at most this many
#: times the modulus of the sum (rounding error <~ 1e4 eps relative); others go to a stable
#: route
MAX_CANCELLATION = 1e4


@dataclass(frozen=True, eq=False)
class PreparedNetwork:
    """Regions, their shared complex and kernel arrays for a network on a domain.

    Build with :func:`prepare_network` (or let :func:`network_fourier` cache one). The
    face levels of the level engine (``faces``, ``facet_on_boundary``: over the distinct faces
    of the shared complex where it has every level, else per region) are built on first use
    only.
    """

    net: ReLUNetwork
    domain: Box | None
    regions: Regions
    complex: PolyhedralComplex
    fused: FusedLaplacian | None
    region_weight: FloatArray  # (n_regions, d)
    region_bias: FloatArray  # (n_regions,)
    tol: Tolerances = DEFAULT_TOLERANCES
    _lazy: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def input_dim(self) -> int:
        """Input dimension ``d`` of the network."""
        return self.net.input_dim

    @property
    def n_regions(self) -> int:
        """Number of linear regions prepared."""
        return len(self.regions)

    @property
    def faces(self) -> PreparedPolytopes:
        """Face levels of the level engine (:mod:`.indicator`), built once.

        Over the shared complex (:func:`~.indicator.prepare_complex`: each distinct face once,
        ``d <= 3``, and ``d >= 4`` on boxes through the global edge subdivision) when
        :func:`_uses_complex`, else one face poset per region.
        """
        if "faces" not in self._lazy:
            self._lazy["faces"] = _prepare_faces(self)
        faces: PreparedPolytopes = self._lazy["faces"]
        return faces

    @property
    def facet_on_boundary(self) -> NDArray[np.bool_]:
        """``(E_d,)`` per edge region -> facet of ``faces``: the facet lies on the box."""
        if "on_bd" not in self._lazy:
            self._lazy["on_bd"] = _facets_on_boundary(self.faces, self.domain, self.tol)
        on_bd: NDArray[np.bool_] = self._lazy["on_bd"]
        return on_bd


def _prepare_faces(prep: PreparedNetwork) -> PreparedPolytopes:
    """Face levels: the shared complex's, or per region over its merged vertices.

    Over the complex (each distinct face once per frequency) when :func:`_uses_complex`;
    otherwise one face poset per region, over the complex's merged vertices when it merged
    exactly (below).

    Each region's copy of a shared vertex differs from its neighbours' by a few ulps; summed
    region by region, such copies leave gaps and overlaps of ~1e-16 whose transform does not
    decay with ``|k|``: at ``|k| = 1000`` on a 3-D box (``|F| ~ 1e-7``) the ``"regions"``
    route was 2e-10 off the transform of the consistent geometry. One copy per vertex (the
    complex's) tiles the domain exactly and keeps every route within 1e-12 there.
    """
    if _uses_complex(prep):
        return prepare_complex(prep.complex, prep.tol)
    polys = [r.polytope for r in prep.regions]
    if prep.fused is not None:  # the complex merged copies of the same vertex only
        from ..polytope import Polytope

        ra = prep.regions.arrays
        merged = prep.complex.vertices[prep.complex.vertex_of_row]
        polys = [
            Polytope._from_arrays(
                P.A, P.b, merged[ra.vertex_offset[i] : ra.vertex_offset[i + 1]], P.rays,
                P.lineality, P.vertex_incidence, P.ray_incidence, P.tol,
            )
            for i, P in enumerate(polys)
        ]  # fmt: skip
    weights = [(r.weight, r.bias) for r in prep.regions]
    return prepare_polytopes(polys, weights, tol=prep.tol)


def _uses_complex(prep: PreparedNetwork) -> bool:
    """Whether the level-engine routes run over the shared complex (each face once).

    They do when the complex has every level (``d <= 3``; ``d >= 4`` when its middle
    levels are built), no region contains a line, and it merged only copies of the same
    vertex (:func:`_merge_is_exact`); otherwise over per-region face posets.
    """
    if "uses_complex" not in prep._lazy:
        prep._lazy["uses_complex"] = _complex_is_complete(prep.complex) and _merge_is_exact(
            prep.regions.arrays.vertices, prep.complex
        )
    ok: bool = prep._lazy["uses_complex"]
    return ok


def _facets_on_boundary(
    faces: PreparedPolytopes, box: Box | None, tol: Tolerances
) -> NDArray[np.bool_]:
    d = faces.ambient_dim
    top = faces.levels[d]
    on_bd = np.zeros(len(top.parent), dtype=bool)
    if box is not None and len(top.parent):
        facets = faces.levels[d - 1]
        pts = facets.point[top.child]
        nrm = top.normal
        scale = tol.geometry * (1.0 + float(np.max(np.abs(np.concatenate([box.lo, box.hi])))))
        for i in range(d):
            for bound, sgn in ((box.hi[i], 1.0), (box.lo[i], -1.0)):
                on_face = np.abs(pts[:, i] - bound) <= scale
                on_bd |= on_face & (np.abs(nrm[:, i] - sgn) <= tol.rank)
    return on_bd


def _as_domain(net: ReLUNetwork, domain: Any) -> Box | None:
    return as_box_domain(domain, net.input_dim)


def prepare_network(
    net: ReLUNetwork,
    domain: Box | tuple[ArrayLike, ArrayLike] | None = None,
    *,
    tol: Tolerances = DEFAULT_TOLERANCES,
    max_regions: float | None = DEFAULT_MAX_REGIONS,
) -> PreparedNetwork:
    """Enumerate the regions of ``net`` on ``domain`` and build their shared complex.

    The returned object can be passed to :func:`network_fourier` in place of the network to
    evaluate many batches of frequencies without redoing the geometry. ``max_regions``: see
    :func:`~spectral_exact.linear_regions` (refuses, naming the estimate, past it).
    """
    validate.network(net)
    validate.tolerances(tol)
    box = _as_domain(net, domain)
    regions = linear_regions(net, box, tol=tol, max_regions=max_regions)
    arrays = regions.arrays
    with np.errstate(invalid="ignore", divide="ignore"):
        # a merge of distinct vertices leaves zero-length edges (nan directions); such a
        # complex is refused for the fused route just below
        cx = complex_from_arrays(arrays, tol)
    fused = fused_from_complex(cx, box, tol) if _merge_is_exact(arrays.vertices, cx) else None
    return PreparedNetwork(
        net,
        box,
        regions,
        cx,
        fused,
        arrays.weight,
        arrays.bias,
        tol,
    )


#: largest distance, in ulps of the vertex position plus the arrangement's median vertex
#: norm, between a region's vertex row and the complex vertex it was merged into before the
#: fused route is refused for that network (see :func:`_merge_is_exact`)
MERGE_GUARD_ULPS = 4096.0


def _merge_is_exact(rows: FloatArray, cx: PolyhedralComplex) -> bool:
    """Whether the complex merged only copies of the same vertex (rounding apart).

    The complex merges vertex rows within a tolerance relative to its farthest vertex; when
    the arrangement spans many orders of magnitude (nearly parallel kinks on R^d meet 1e5
    away) that merges distinct vertices 1e-10 apart, and the fused route over the merged
    complex was off by 1e-7 (measured on R^2, kinks 2^-20 rad apart; the per-region routes
    stay exact). Copies of one vertex differ by a few ulps of the arrangement's typical
    scale (median vertex norm) or of their own position; anything larger disables the fused
    route for this network (the default then takes the per-region stable route).
    """
    if len(rows) == 0:
        return True
    eps = float(np.finfo(float).eps)
    rep = cx.vertices[cx.vertex_of_row]
    disp = np.max(np.abs(rows - rep), axis=1)
    norm = np.max(np.abs(rows), axis=1)
    typical = float(np.median(norm))
    return bool(np.all(disp <= MERGE_GUARD_ULPS * eps * (norm + typical)))


#: how many prepared networks :func:`network_fourier` keeps (least recently used first out).
#: A prepared network holds its network, so a weak-keyed cache would keep every network ever
#: transformed alive; a small LRU bounds the memory instead.
PREPARED_CACHE_SIZE = 4
_CACHE: OrderedDict[int, tuple[ReLUNetwork, Any, PreparedNetwork]] = OrderedDict()


def _cached_prepare(
    net: ReLUNetwork, domain: Any, tol: Tolerances, max_regions: float | None = None
) -> PreparedNetwork:
    box = _as_domain(net, domain)
    key = (None if box is None else (tuple(box.lo), tuple(box.hi)), tol)
    hit = _CACHE.get(id(net))
    # the entry holds its network, so id(net) cannot be reused while the entry lives
    if hit is not None and hit[0] is net and hit[1] == key:
        _CACHE.move_to_end(id(net))
        return hit[2]
    prep = prepare_network(net, box, tol=tol, max_regions=max_regions)
    _CACHE[id(net)] = (net, key, prep)  # one prepared domain per network
    _CACHE.move_to_end(id(net))
    while len(_CACHE) > PREPARED_CACHE_SIZE:
        _CACHE.popitem(last=False)
    return prep


def _route_sum(
    prep: PreparedNetwork,
    k: FloatArray,
    method: Method,
    backend: BackendName = "numpy",
    device: str | None = None,
) -> tuple[ComplexArray, FloatArray]:
    """Return the value of ``method`` at ``k`` and the sum of the moduli of the terms it adds."""
    d = prep.input_dim
    faces = prep.faces
    out = np.zeros(len(k), dtype=complex)
    mod = np.zeros(len(k))
    top = faces.levels[d]
    pointed = faces.top_level >= 0
    if not np.all(faces.top_level[pointed] == d):  # pragma: no cover - regions are full-dim
        raise NumericalError("regions must be full dimensional")
    cells = np.flatnonzero(pointed)
    tidx = faces.top_index[cells]
    # map from top-level face index to region index
    region_of_top = np.empty(len(top.radius), dtype=np.int64)
    region_of_top[tidx] = cells
    W = prep.region_weight
    need_j = method in ("regions",) or (prep.domain is not None)
    bd = prep.facet_on_boundary
    levels = evaluate_levels(faces, k, affine=need_j, backend=backend, device=device)
    for sl, Is, Js in progress(levels, desc="network_fourier", unit="chunk"):
        kc = k[sl]
        if method == "regions":
            Jt = Js[d]
            assert Jt is not None
            out[sl] = Jt[tidx].sum(axis=0)
            mod[sl] = np.abs(Jt[tidx]).sum(axis=0)
            continue
        k2 = np.sum(kc * kc, axis=1)
        if method == "lemma1":
            wk = W[cells] @ kc.T  # (n, K)
            terms = PHASE_UNIT * wk * Is[d][tidx]
            acc = terms.sum(axis=0)
            m = np.abs(terms).sum(axis=0)
            if prep.domain is not None and np.any(bd):
                Jf = Js[d - 1]
                assert Jf is not None
                kN = top.normal[bd] @ kc.T
                bterms = -PHASE_UNIT * kN * Jf[top.child[bd]]
                acc = acc + bterms.sum(axis=0)
                m = m + np.abs(bterms).sum(axis=0)
            out[sl] = acc / k2
            mod[sl] = m / k2
        else:  # laplacian
            wN = np.einsum("ed,ed->e", W[region_of_top[top.parent]], top.normal)  # (E,)
            If = Is[d - 1][top.child]  # (E, K)
            inner = ~bd
            terms = wN[inner, None] * If[inner]
            acc = -terms.sum(axis=0)
            m = np.abs(terms).sum(axis=0)
            if np.any(bd):
                Jf = Js[d - 1]
                assert Jf is not None
                kN = top.normal[bd] @ kc.T
                bterms = (PHASE_UNIT * kN) * Jf[top.child[bd]] - wN[bd, None] * If[bd]
                acc = acc + bterms.sum(axis=0)
                m = m + (np.abs(kN * Jf[top.child[bd]]) + np.abs(wN[bd, None] * If[bd])).sum(axis=0)
            out[sl] = -acc / k2
            mod[sl] = m / k2
    return out, mod


def network_fourier(
    net: ReLUNetwork | PreparedNetwork,
    k: ArrayLike,
    domain: Box | tuple[ArrayLike, ArrayLike] | None = None,
    *,
    method: Method | None = None,
    tol: Tolerances = DEFAULT_TOLERANCES,
    backend: BackendName = "numpy",
    device: str | None = None,
    max_regions: float | None = DEFAULT_MAX_REGIONS,
    return_error: bool = False,
) -> Any:
    r"""Exact Fourier transform of a ReLU network, no sampling.

    Parameters
    ----------
    net : ReLUNetwork or PreparedNetwork
        A prepared network (from :func:`prepare_network`) carries its domain; ``domain`` must
        then be omitted or equal.
    k : array_like (..., d)
        Frequencies (radians per unit length).
    domain : Box, (lo, hi) or None
        ``Box``: :math:`\int_{box} f(x) e^{-ik\cdot x}dx`. ``None``: the transform of ``f`` on
        all of :math:`\mathbb{R}^d` as a tempered distribution, evaluated off its singular set.
    method : {"regions", "lemma1", "laplacian", "fused"} or None
        Route (see the module docs). Default: the fused Laplacian route over the shared
        complex where it applies (``d = 2, 3``, no region containing a line; numba, or torch
        with ``backend="torch"``),
        with ill-conditioned frequencies sent to ``"regions"`` on a box (stable at every
        ``k``, including ``k = 0``) or ``"lemma1"`` on R^d; elsewhere those two directly.
        On R^d the ``"regions"`` route sums affine transforms of unbounded regions whose
        constant parts cancel only in the total and loses digits (measured: up to ~1e-8
        relative in 3-D); Lemma 1 and the Laplacian route do not (they agree to ~1e-14).
    backend, device : str
        ``"numpy"`` (default) or ``"torch"`` on ``device`` (default: ``"cuda"`` when a GPU is
        present, else ``"cpu"``); float64/complex128 either way, same results to rounding.
    max_regions : float or None
        Passed to :func:`~spectral_exact.linear_regions` when the regions are enumerated:
        refuse (:class:`~spectral_exact.TooManyRegionsError`) past this estimated count.
    return_error : bool
        Also return a bound on the rounding error of each value: ``C u W(k)`` with ``u``
        the unit roundoff, ``C =`` :data:`ERROR_BOUND_FACTOR` and ``W(k)`` a running error
        weight, the sum over the terms the route adds of their moduli times the
        amplification of their inputs' rounding (``1 + sum_i |k_i v_i|`` for the phases of
        their vertices, ``sum_i |k_i e_i| / |k.e|`` for the small denominator of an edge or
        a ray ``e``, ``|k| / |q|`` for a face evaluated by the recursion with in-face
        frequency ``q``). The fused route accumulates it term by term; the level-engine
        routes bound it by their sum of moduli times the largest amplification. Near the
        singular set on R^d the terms grow like ``1/|k.u|`` while ``F`` does not, and so
        does the bound: it then says how many digits are left. A first-order bound, not an
        interval enclosure; tested against 40-digit references (`docs/guide`, "Error
        bounds"). One-input networks take the polytope engine when it is requested.

    Returns
    -------
    complex ndarray (...)
        ``F(k)``; with ``return_error=True`` the pair ``(F, bound)``, ``bound`` a float
        array of the same shape with ``|F_computed - F_exact| <= bound``.

    Warns
    -----
    IllConditionedWarning
        Where the error bound exceeds :data:`ILL_CONDITIONED_RTOL` ``* |F(k)|`` (computed
        on every call, whether or not the bound is returned), naming the worst ``k``.

    Raises
    ------
    SingularFrequencyError
        On :math:`\mathbb{R}^d`, for ``k`` on the singular set (``k = 0``, ``k`` orthogonal to
        an unbounded face, or to the lineality space of a region).

    Examples
    --------
    >>> import numpy as np, spectral_exact as se
    >>> relu = se.ReLUNetwork([np.array([[1.0]]), np.array([[1.0]])], [np.zeros(1), np.zeros(1)])
    >>> complex(se.network_fourier(relu, [2.0]))            # -1/k^2 on R (Lemma 1, c = -i)
    (-0.25+0j)
    >>> F = se.network_fourier(relu, [0.0], domain=se.Box([-1], [1]))   # int_0^1 x dx
    >>> round(float(F.real), 12)
    0.5
    >>> net = se.ReLUNetwork.random((2, 6, 5, 1), seed=0)
    >>> F, err = se.network_fourier(net, [[1.0, 2.0]], return_error=True)
    >>> bool(err[0] < 1e-12 * abs(F[0]) + 1e-14)
    True

    Networks with one input take the sorted-breakpoint path (:mod:`._onedim`: the same numbers
    for every ``method``, microseconds of overhead); pass a :class:`PreparedNetwork` to force
    the polytope engine.
    """
    auto = method is None
    validate.tolerances(tol)
    max_regions = validate.optional_limit(max_regions, "max_regions")
    if not isinstance(return_error, (bool, np.bool_)):
        raise InvalidArgumentError(f"return_error must be True or False, got {return_error!r}")
    get_backend(backend, device)  # validates the pair before any route runs
    if method is not None and method not in ALL_METHODS:
        raise InvalidArgumentError(f"unknown method {method!r}; choose one of {ALL_METHODS}")
    if _onedim.handles(net) and not return_error:
        # 1-D: sorted breakpoints, every route gives the same numbers
        if method == "fused":
            raise InvalidArgumentError(
                "method='fused' needs d = 2 or 3; one-input networks take the sorted-breakpoint "
                "path (method=None, 'regions', 'lemma1' or 'laplacian')"
            )
        return _onedim.breakpoints_fourier(
            net,
            k,
            domain,
            method=method,
            tol=tol,
            max_regions=max_regions,
        )
    if isinstance(net, PreparedNetwork):
        prep = net
        check_same_domain(domain, prep.domain, prep.net.input_dim, "the prepared network is")
    elif isinstance(net, ReLUNetwork):
        prep = _cached_prepare(net, domain, tol, max_regions)
    else:
        validate.network(net, prepared=True)  # raises, naming net and its value
    stable: Route = "regions" if prep.domain is not None else "lemma1"
    if method is None:
        method = "fused" if prep.fused is not None else stable
    if method == "fused" and prep.fused is None:
        raise InvalidArgumentError(
            "method='fused' needs d = 2 or 3 and no region containing a line; this network "
            f"has d = {prep.input_dim}, pointed = {prep.complex.is_pointed}"
        )
    kk, batch = as_frequencies(k, prep.input_dim)
    if (method != "regions" and not (auto and prep.domain is not None)) or prep.domain is None:
        zero = np.all(kk == 0, axis=1)
        if np.any(zero):
            where = (
                "on R^d (the transform is singular there)"
                if prep.domain is None
                else (f"with method={method!r} (use method='regions')")
            )
            raise SingularFrequencyError(f"k = 0 cannot be evaluated {where}")
    if method == "fused":
        out, weight = _fused_sum(prep, kk, stable, backend, device)
    elif method in ("lemma1", "laplacian") and prep.domain is not None:
        # both divide a sum of O(1) terms by |k|^2 and lose ~ (|k| diam)^-2 digits as k -> 0
        # (measured: 100% error at |k| = 1e-9); below LOW_K_SWITCH they give way to the stable
        # regions route, so that every route is accurate at every k it accepts
        diam = float(np.linalg.norm(prep.domain.hi - prep.domain.lo))
        low = np.sqrt(np.einsum("kd,kd->k", kk, kk)) * diam < LOW_K_SWITCH
        out = np.empty(len(kk), dtype=complex)
        mod = np.empty(len(kk))
        if np.any(low):
            out[low], mod[low] = _route_sum(prep, kk[low], "regions", backend, device)
        if not np.all(low):
            out[~low], mod[~low] = _route_sum(prep, kk[~low], method, backend, device)
        weight = _error_weight(prep, kk, mod)
    else:
        out, mod = _route_sum(prep, kk, method, backend, device)
        weight = _error_weight(prep, kk, mod)
    bound = ERROR_BOUND_FACTOR * (float(np.finfo(float).eps) / 2) * weight
    _warn_ill_conditioned(kk, out, bound)
    if return_error:
        return out.reshape(batch), bound.reshape(batch)
    return out.reshape(batch)


#: the rounding-error bound of :func:`network_fourier` (``return_error=True``) is this many
#: unit roundoffs times the route's error weight (the terms' moduli times the amplification
#: of their phases and small denominators); it covers the few roundings of each term (dot
#: products of length d <= 3, cos/sin, a division, the recursion's products) with a margin
ERROR_BOUND_FACTOR = 8.0
#: :func:`network_fourier` warns :class:`~spectral_exact.IllConditionedWarning` where its error
#: bound exceeds this fraction of ``|F(k)|`` (more than half the digits may be lost)
ILL_CONDITIONED_RTOL = 1e-8


def _unbounded_bases(prep: PreparedNetwork) -> list[FloatArray]:
    """Orthonormal bases ``(n, j, d)`` of the unbounded proper faces of the complex, per ``j``."""
    if "unbounded_bases" not in prep._lazy:
        cx = prep.complex
        bases = [cx.rays[:, None, :]] if len(cx.rays) else []
        for j in range(2, cx.dim):
            lv = cx.levels[j]
            if lv.n and np.any(~lv.bounded):
                bases.append(lv.basis[~lv.bounded])
        prep._lazy["unbounded_bases"] = bases
    out: list[FloatArray] = prep._lazy["unbounded_bases"]
    return out


def _vertex_radius(prep: PreparedNetwork) -> float:
    if "vertex_radius" not in prep._lazy:
        pts = [prep.complex.vertices]
        if prep.domain is not None:
            pts.append(np.stack([prep.domain.lo, prep.domain.hi]))
        prep._lazy["vertex_radius"] = float(
            max(np.max(np.linalg.norm(p, axis=1), initial=0.0) for p in pts)
        )
    r: float = prep._lazy["vertex_radius"]
    return r


def _error_weight(
    prep: PreparedNetwork, k: FloatArray, moduli: FloatArray, *, use_fused: bool = True
) -> FloatArray:
    r"""Error weight of a level-engine route from the sum of its terms' moduli ``S(k)``.

    The fused kernel accumulates its weight ``W_f`` term by term (:mod:`._fused`); the
    level-engine routes return only ``S(k)`` (``moduli``, divided by ``|k|^2`` where the
    route divides), so each of their terms gets an average amplification of the rounding of
    its inputs, times ``d + 1`` (the relative errors of the recursion's ``d`` levels add up
    inside each term):

    * where the fused data exist (d = 2, 3, pointed regions), the fused kernel's own
      amplification at the same ``k`` over the same vertices, ``W_f / S_f``;
    * elsewhere the largest one any term can have,
      :math:`1 + 2|k| R / \text{threshold} + |k| / m(k)`, with ``R`` the largest vertex norm
      (phases ``k\cdot v``; the recursion runs only where a face's reduced frequency
      ``|q| R_F >=`` ``tol.series_threshold``, so its ``q`` carries at most
      ``|k| R / threshold`` relative units) and ``m(k)`` the smallest projection of ``k`` on
      an unbounded face (the small denominators near the singular set on R^d), whose
      directions carry ``ROUNDING_ULPS`` units of relative error.
    """
    kk = np.asarray(k, dtype=float)
    S = np.asarray(moduli, dtype=float)
    if use_fused and prep.fused is not None:
        _, S_f, W_f, _ = fused_laplacian_with_error(prep.fused, kk)
        with np.errstate(divide="ignore", invalid="ignore"):
            amp = np.where(S_f > 0, W_f / S_f, 1.0)
    else:
        knorm = np.sqrt(np.einsum("kd,kd->k", kk, kk))
        amp = 1.0 + 2.0 * knorm * _vertex_radius(prep) / prep.tol.series_threshold
        bases = _unbounded_bases(prep)
        if bases and len(kk):
            m = np.full(len(kk), np.inf)
            for B in bases:
                step = max(1, 2_000_000 // max(1, B.shape[0] * B.shape[1]))
                for i in range(0, len(kk), step):
                    proj = np.einsum("njd,kd->knj", B, kk[i : i + step])
                    m[i : i + step] = np.minimum(
                        m[i : i + step], np.min(np.linalg.norm(proj, axis=2), axis=1)
                    )
            with np.errstate(divide="ignore"):
                amp = amp + (1.0 + ROUNDING_ULPS) * knorm / m
    with np.errstate(invalid="ignore"):
        weight = (prep.input_dim + 1) * S * amp
    return np.where(S == 0, 0.0, weight)


def _warn_ill_conditioned(k: FloatArray, values: ComplexArray, bound: FloatArray) -> None:
    bad = bound > ILL_CONDITIONED_RTOL * np.abs(values)
    with np.errstate(divide="ignore", invalid="ignore"):
        rel = bound / np.abs(values)
    if np.any(bad):
        worst = int(np.argmax(np.where(bad, np.nan_to_num(rel, nan=np.inf), -1.0)))
        warnings.warn(
            IllConditionedWarning(
                f"{int(bad.sum())} of {len(k)} frequencies have an estimated relative error "
                f"above ILL_CONDITIONED_RTOL = {ILL_CONDITIONED_RTOL:g} (worst: "
                f"{rel[worst]:.1e} at k = {k[worst].tolist()}): the transform cancels there "
                "(near the singular set on R^d, or at a near-zero of F); "
                "network_fourier(..., return_error=True) returns the bound"
            ),
            stacklevel=3,
        )


#: reduced frequency |k| * diam(box) below which the "lemma1" and "laplacian" routes on a box
#: hand the frequency to the "regions" route (their cancellation costs ~ (|k| diam)^-2)
LOW_K_SWITCH = 1.0


def _fused_sum(
    prep: PreparedNetwork,
    k: FloatArray,
    stable: Route,
    backend: BackendName = "numpy",
    device: str | None = None,
) -> tuple[ComplexArray, FloatArray]:
    """Run the fused Laplacian route; ill-conditioned frequencies go to the ``stable`` route.

    numba kernels (:mod:`._fused`) with the numpy backend, their torch version
    (:mod:`._fused_torch`, same terms and condition estimate) on ``device`` with torch.
    Returns the values and their error weights (the error is about ``u`` times them; see
    :func:`_error_weight`). The torch kernels return no per-term weight: their frequencies
    get the level engine's a-priori amplification (:func:`_error_weight` without the fused
    data), which is larger, never smaller. So do the frequencies handed to the ``stable``
    route: the fused kernel's amplification there is that of the Laplacian route's small
    denominators ``1 / (k . e)``, which is why they were handed over, and which the stable
    route (series near ``Proj_F(k) = 0``) does not divide by.
    """
    assert prep.fused is not None
    if backend == "torch":
        from ._fused_torch import fused_laplacian_torch

        ops = get_backend(backend, device)
        dev = str(getattr(ops, "device", "cpu"))
        T, S, singular = fused_laplacian_torch(prep.fused, k, dev)
        W = None
    else:
        T, S, W, singular = fused_laplacian_with_error(prep.fused, k)
    if np.any(singular):
        bad = int(np.argmax(singular))
        raise SingularFrequencyError(
            f"k = {k[bad].tolist()} is orthogonal to an unbounded face: the transform is "
            "singular there"
        )
    k2 = np.einsum("kd,kd->k", k, k)
    good = (S <= MAX_CANCELLATION * np.abs(T)) & (k2 > 0)
    out = np.empty(len(k), dtype=complex)
    weight = np.empty(len(k))
    out[good] = -T[good] / k2[good]
    if W is not None:
        weight[good] = W[good] / k2[good]
    elif np.any(good):
        weight[good] = _error_weight(prep, k[good], S[good] / k2[good], use_fused=False)
    if not np.all(good):
        bad = ~good
        out[bad], mod = _route_sum(prep, k[bad], stable, backend, device)
        weight[bad] = _error_weight(prep, k[bad], mod, use_fused=False)
    return out, weight
