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

import weakref
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._errors import (
    InvalidArgumentError,
    InvalidNetworkError,
    NumericalError,
    SingularFrequencyError,
)
from .._estimate import DEFAULT_MAX_REGIONS
from .._progress import progress
from .._tolerances import DEFAULT_TOLERANCES, Tolerances
from .._types import BackendName, ComplexArray, FloatArray, Method, Route
from .._validate import as_box_domain, check_same_domain
from ..complex import PolyhedralComplex, complex_from_arrays
from ..network import ReLUNetwork
from ..polytope import Box
from ..regions import Regions, linear_regions
from . import _onedim
from ._backend import get_backend
from ._convention import PHASE_UNIT, as_frequencies
from ._fused import FusedLaplacian, fused_from_complex, fused_laplacian
from .indicator import PreparedPolytopes, evaluate_levels, prepare_polytopes

__all__ = ["PreparedNetwork", "prepare_network", "network_fourier", "METHODS", "ALL_METHODS"]


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
    per-region face levels of the level engine (``faces``, ``facet_on_boundary``) are built
    on first use only.
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
        """Per-region face levels of the level engine (:mod:`.indicator`), built once."""
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
    polys = [r.polytope for r in prep.regions]
    weights = [(r.weight, r.bias) for r in prep.regions]
    return prepare_polytopes(polys, weights, tol=prep.tol)


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
    if not isinstance(net, ReLUNetwork):
        raise InvalidNetworkError(f"expected a ReLUNetwork, got {type(net).__name__}")
    box = _as_domain(net, domain)
    regions = linear_regions(net, box, tol=tol, max_regions=max_regions)
    arrays = regions.arrays
    cx = complex_from_arrays(arrays, tol)
    return PreparedNetwork(
        net,
        box,
        regions,
        cx,
        fused_from_complex(cx, box, tol),
        arrays.weight,
        arrays.bias,
        tol,
    )


_CACHE: weakref.WeakKeyDictionary[ReLUNetwork, dict[Any, PreparedNetwork]] = (
    weakref.WeakKeyDictionary()
)


def _cached_prepare(
    net: ReLUNetwork, domain: Any, tol: Tolerances, max_regions: float | None = None
) -> PreparedNetwork:
    box = _as_domain(net, domain)
    key = (None if box is None else (tuple(box.lo), tuple(box.hi)), tol)
    per_net = _CACHE.setdefault(net, {})
    if key not in per_net:
        per_net.clear()  # keep one prepared domain per network
        per_net[key] = prepare_network(net, box, tol=tol, max_regions=max_regions)
    return per_net[key]


def _route_sum(
    prep: PreparedNetwork,
    k: FloatArray,
    method: Method,
    backend: BackendName = "numpy",
    device: str | None = None,
) -> ComplexArray:
    d = prep.input_dim
    faces = prep.faces
    out = np.zeros(len(k), dtype=complex)
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
            continue
        k2 = np.sum(kc * kc, axis=1)
        if method == "lemma1":
            wk = W[cells] @ kc.T  # (n, K)
            acc = (PHASE_UNIT * wk * Is[d][tidx]).sum(axis=0)
            if prep.domain is not None and np.any(bd):
                Jf = Js[d - 1]
                assert Jf is not None
                kN = top.normal[bd] @ kc.T
                acc = acc + (-PHASE_UNIT * kN * Jf[top.child[bd]]).sum(axis=0)
            out[sl] = acc / k2
        else:  # laplacian
            wN = np.einsum("ed,ed->e", W[region_of_top[top.parent]], top.normal)  # (E,)
            If = Is[d - 1][top.child]  # (E, K)
            inner = ~bd
            acc = -(wN[inner, None] * If[inner]).sum(axis=0)
            if np.any(bd):
                Jf = Js[d - 1]
                assert Jf is not None
                kN = top.normal[bd] @ kc.T
                acc = acc + ((PHASE_UNIT * kN) * Jf[top.child[bd]] - wN[bd, None] * If[bd]).sum(
                    axis=0
                )
            out[sl] = -acc / k2
    return out


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
) -> ComplexArray:
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

    Returns
    -------
    complex ndarray (...)

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

    Networks with one input take the sorted-breakpoint path (:mod:`._onedim`: the same numbers
    for every ``method``, microseconds of overhead); pass a :class:`PreparedNetwork` to force
    the polytope engine.
    """
    auto = method is None
    get_backend(backend, device)  # validates the pair before any route runs
    if method is not None and method not in ALL_METHODS:
        raise InvalidArgumentError(f"unknown method {method!r}; choose one of {ALL_METHODS}")
    if _onedim.handles(net):  # 1-D: sorted breakpoints, every route gives the same numbers
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
        raise InvalidNetworkError(
            f"expected a ReLUNetwork or PreparedNetwork, got {type(net).__name__}"
        )
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
        return _fused_sum(prep, kk, stable, backend, device).reshape(batch)
    if method in ("lemma1", "laplacian") and prep.domain is not None:
        # both divide a sum of O(1) terms by |k|^2 and lose ~ (|k| diam)^-2 digits as k -> 0
        # (measured: 100% error at |k| = 1e-9); below LOW_K_SWITCH they give way to the stable
        # regions route, so that every route is accurate at every k it accepts
        diam = float(np.linalg.norm(prep.domain.hi - prep.domain.lo))
        low = np.sqrt(np.einsum("kd,kd->k", kk, kk)) * diam < LOW_K_SWITCH
        if np.any(low):
            out = np.empty(len(kk), dtype=complex)
            out[low] = _route_sum(prep, kk[low], "regions", backend, device)
            if not np.all(low):
                out[~low] = _route_sum(prep, kk[~low], method, backend, device)
            return out.reshape(batch)
    return _route_sum(prep, kk, method, backend, device).reshape(batch)


#: reduced frequency |k| * diam(box) below which the "lemma1" and "laplacian" routes on a box
#: hand the frequency to the "regions" route (their cancellation costs ~ (|k| diam)^-2)
LOW_K_SWITCH = 1.0


def _fused_sum(
    prep: PreparedNetwork,
    k: FloatArray,
    stable: Route,
    backend: BackendName = "numpy",
    device: str | None = None,
) -> ComplexArray:
    """Run the fused Laplacian route; ill-conditioned frequencies go to the ``stable`` route.

    numba kernels (:mod:`._fused`) with the numpy backend, their torch version
    (:mod:`._fused_torch`, same terms and condition estimate) on ``device`` with torch.
    """
    assert prep.fused is not None
    if backend == "torch":
        from ._fused_torch import fused_laplacian_torch

        ops = get_backend(backend, device)
        dev = str(getattr(ops, "device", "cpu"))
        T, S, singular = fused_laplacian_torch(prep.fused, k, dev)
    else:
        T, S, singular = fused_laplacian(prep.fused, k)
    if np.any(singular):
        bad = int(np.argmax(singular))
        raise SingularFrequencyError(
            f"k = {k[bad].tolist()} is orthogonal to an unbounded face: the transform is "
            "singular there"
        )
    k2 = np.einsum("kd,kd->k", k, k)
    good = (S <= MAX_CANCELLATION * np.abs(T)) & (k2 > 0)
    out = np.empty(len(k), dtype=complex)
    out[good] = -T[good] / k2[good]
    if not np.all(good):
        out[~good] = _route_sum(prep, k[~good], stable, backend, device)
    return out
