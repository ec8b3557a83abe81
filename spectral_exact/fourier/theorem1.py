r"""Theorem 1 of Rahaman et al. (2019), made explicit.

Unrolling the Diaz-Le-Robins recursion (:mod:`.indicator`) writes the transform of a region
as a sum over chains of faces :math:`R = F_0 \gtrdot F_1 \gtrdot \dots \gtrdot F_n` that end at
the first face with :math:`\mathrm{Proj}_{F_n}(k) = 0`; each step contributes a factor
:math:`O(1/|k|)` and the end contributes :math:`\mathrm{vol}(F_n) e^{-ik\cdot x_{F_n}}`. With
Lemma 1's extra :math:`w\cdot k/|k|^2`, a chain ending at a face of codimension ``n`` gives a
term of order :math:`|k|^{-(n+1)}` (Theorem 1):

* generic ``k``: every chain ends at a vertex (``n = d``): decay :math:`|k|^{-(d+1)}`;
* ``k`` normal to a bounded (d-1)-face: that face ends chains at ``n = 1``: :math:`|k|^{-2}`;
* in 3-D, ``k`` orthogonal to a bounded edge: :math:`|k|^{-3}`.

:func:`theorem1_terms` returns those contributions grouped by ``n``; they sum to the transform
(tested against the stable engine). The grouping is the *textbook* recursion: near (not at) a
degenerate direction its individual groups are huge and cancel (that is why the engine itself
uses series there), so use it for understanding, at generic or exactly special ``k``.

:func:`special_directions` computes the directions where the slow decay happens, from the
geometry of the regions: the unit normals of the kink facets (codimension-one faces between
regions) and, in 3-D, the directions of kink edges (``k`` in the plane orthogonal to an edge
decays as :math:`|k|^{-3}`).

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

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .. import _validate as validate
from .._errors import InvalidFrequencyError, InvalidNetworkError, SingularFrequencyError
from .._tolerances import DEFAULT_TOLERANCES, Tolerances
from .._types import ComplexArray, FloatArray
from .._validate import positive_float
from ..network import ReLUNetwork
from ..polytope import Box, Polytope
from ._convention import PHASE_UNIT, as_frequencies, phase
from .indicator import PreparedPolytopes, _check_lineality, prepare_polytopes
from .spectrum import PreparedNetwork, _cached_prepare, network_fourier

__all__ = [
    "Theorem1Terms",
    "SpecialDirections",
    "box_boundary_term",
    "theorem1_terms",
    "special_directions",
]


@dataclass(frozen=True)
class Theorem1Terms:
    r"""Contributions to a transform grouped by the codimension of the terminal face.

    Attributes
    ----------
    codim : tuple of int
        ``(0, 1, ..., d)``.
    terms : complex array (d+1, ...)
        ``terms[n]``: sum of all recursion chains ending at a face of codimension ``n``.
    boundary : complex array (...)
        For a network on a box: the box-boundary term of the integration by parts (zero on
        :math:`\mathbb{R}^d` and for polytopes).
    """

    codim: tuple[int, ...]
    terms: ComplexArray
    boundary: ComplexArray

    @property
    def total(self) -> ComplexArray:
        """The transform: ``terms.sum(0) + boundary``."""
        return np.asarray(self.terms.sum(axis=0) + self.boundary)


def _chain_terms(prep: PreparedPolytopes, k: FloatArray) -> list[ComplexArray]:
    """Per level, per face: (n_faces, d+1, K) sums over chains grouped by terminal codim."""
    d = prep.ambient_dim
    tol = prep.tol
    kn = np.linalg.norm(k, axis=1)
    out: list[ComplexArray] = []
    for lv in prep.levels:
        j = lv.dim
        n = len(lv.radius)
        T = np.zeros((n, d + 1, len(k)), complex)
        if n == 0:
            out.append(T)
            continue
        if j == 0:
            T[:, d, :] = phase(lv.point @ k.T)
            out.append(T)
            continue
        kb = np.einsum("njd,kd->nkj", lv.basis, k)
        qn2 = np.sum(kb * kb, axis=-1)
        term = np.sqrt(qn2) <= tol.singular * kn[None, :]
        if np.any(term & ~lv.bounded[:, None]):
            bad = np.argwhere(term & ~lv.bounded[:, None])[0]
            raise SingularFrequencyError(
                f"k = {k[bad[1]].tolist()} is orthogonal to an unbounded {j}-face: singular"
            )
        vol = lv.volume
        safe = np.where(term, 1.0, qn2)
        kN = np.einsum("ed,kd->ek", lv.normal, k)
        wgt = -PHASE_UNIT * kN / safe[lv.parent]
        np.add.at(T, lv.parent, wgt[:, None, :] * out[j - 1][lv.child])
        fi, ki = np.nonzero(term)
        T[fi, :, ki] = 0.0
        T[fi, d - j, ki] = vol[fi] * phase(np.einsum("qd,qd->q", lv.point[fi], k[ki]))
        out.append(T)
    return out


def theorem1_terms(
    obj: ReLUNetwork | PreparedNetwork | Polytope | Box,
    k: ArrayLike,
    domain: Box | None = None,
    *,
    tol: Tolerances = DEFAULT_TOLERANCES,
) -> Theorem1Terms:
    r"""Transform contributions grouped by the codimension of the face where chains end.

    Parameters
    ----------
    obj : ReLUNetwork, PreparedNetwork, Polytope or Box
        For a polytope: its indicator transform. For a network: Lemma 1,
        :math:`\tilde f(k) = -i\sum_R (w_R\cdot k/|k|^2)\hat 1_R(k)` (+ the box-boundary term
        when ``domain`` is a box).
    k : array_like (..., d)
        Frequencies; ``k = 0`` is refused for networks.

    Returns
    -------
    Theorem1Terms
        ``terms[n]`` decays like :math:`|k|^{-(n+1)}` for networks (:math:`|k|^{-n}` for
        indicators); ``total`` equals the transform.

    Examples
    --------
    >>> import numpy as np, spectral_exact as se
    >>> t = se.theorem1_terms(se.Box([0, 0], [1, 1]), [5.0, 0.0])   # k normal to two edges
    >>> [bool(abs(x) > 0) for x in t.terms]                           # ends at codim 1 only
    [False, True, False]
    >>> bool(np.isclose(t.total, se.polytope_fourier(se.Box([0, 0], [1, 1]), [5.0, 0.0])))
    True
    """
    if isinstance(obj, (Polytope, Box)):
        P = obj.to_polytope() if isinstance(obj, Box) else obj
        prep = prepare_polytopes([P], tol=tol)
        kk, batch = as_frequencies(k, P.ambient_dim)
        _check_lineality(prep, kk)
        d = P.ambient_dim
        if prep.top_level[0] < 0:
            terms = np.zeros((d + 1, len(kk)), complex)
        else:
            T = _chain_terms(prep, kk)[int(prep.top_level[0])][int(prep.top_index[0])]
            terms = T
        return Theorem1Terms(
            tuple(range(d + 1)),
            terms.reshape((d + 1, *batch)),
            np.zeros(batch, complex),
        )
    if isinstance(obj, PreparedNetwork):
        pnet = obj
    elif isinstance(obj, ReLUNetwork):
        pnet = _cached_prepare(obj, domain, tol)
    else:
        raise InvalidNetworkError(f"cannot take Theorem 1 terms of {type(obj).__name__}")
    d = pnet.input_dim
    kk, batch = as_frequencies(k, d)
    if np.any(np.all(kk == 0, axis=1)):
        raise InvalidFrequencyError("k = 0 has no Theorem 1 decomposition (|k|^-2 factor)")
    faces = pnet.faces
    _check_lineality(faces, kk)
    k2 = np.sum(kk * kk, axis=1)
    levels = _chain_terms(faces, kk)
    cells = np.flatnonzero(faces.top_level >= 0)
    Ttop = levels[d][faces.top_index[cells]]  # (n, d+1, K)
    wk = pnet.region_weight[cells] @ kk.T  # (n, K)
    terms = np.einsum("nk,nck->ck", PHASE_UNIT * wk / k2, Ttop)
    boundary = np.zeros(len(kk), complex)
    if pnet.domain is not None:
        boundary = box_boundary_term(pnet.net, pnet.domain, kk, tol=tol)
    return Theorem1Terms(
        tuple(range(d + 1)), terms.reshape((d + 1, *batch)), boundary.reshape(batch)
    )


def box_boundary_term(
    net: ReLUNetwork, box: Box, k: ArrayLike, *, tol: Tolerances = DEFAULT_TOLERANCES
) -> ComplexArray:
    r"""Return the box-boundary term of Lemma 1 on a box, computed face by face.

    Integrating by parts on :math:`D = [lo, hi]` (see :mod:`.spectrum`),

    .. math::

        \int_D f e^{-ik\cdot x}dx = -i\sum_R rac{w_R\cdot k}{|k|^2}\hat 1_R(k)
            + \sum_{	ext{faces } G 	ext{ of } D} rac{i\,k\cdot N_G}{|k|^2}
              \int_G f\, e^{-ik\cdot x}\, dS.

    Each face ``x_a = c`` (``c = lo_a`` with ``N = -e_a``, ``c = hi_a`` with ``N = +e_a``)
    carries the restriction of ``f``, itself a ReLU network in the other ``d - 1``
    coordinates, so :math:`\int_G f e^{-ik\cdot x} = e^{-ik_a c}\,F_G(k_{\hat a})` with
    ``F_G`` that network's exact transform on the face box (a point value ``f(c) e^{-ikc}`` in
    1-D). This is independent of the region decomposition of ``D`` itself, which makes the
    Theorem 1 decomposition a testable identity rather than a definition.

    Parameters
    ----------
    net : ReLUNetwork
    box : Box
    k : array_like (..., d)
        Non-zero frequencies.

    Returns
    -------
    complex ndarray (...)
    """
    kk, batch = as_frequencies(k, net.input_dim)
    if np.any(np.all(kk == 0, axis=1)):
        raise InvalidFrequencyError("k = 0: the boundary term has a 1/|k|^2 factor")
    d = net.input_dim
    k2 = np.sum(kk * kk, axis=1)
    out = np.zeros(len(kk), complex)
    for a in range(d):
        for c, sign in ((float(box.lo[a]), -1.0), (float(box.hi[a]), 1.0)):
            ph = phase(kk[:, a] * c)
            if d == 1:
                face = complex(net(np.array([c]))) * np.ones(len(kk))
            else:
                from ..slicing import restrict

                rest = [i for i in range(d) if i != a]
                sub = restrict(net, c * np.eye(d)[a], np.eye(d)[rest])  # f on x_a = c
                face_box = Box(box.lo[rest], box.hi[rest])
                face = network_fourier(sub, kk[:, rest], domain=face_box, tol=tol)
            out += -PHASE_UNIT * sign * kk[:, a] * ph * face
    return (out / k2).reshape(batch)


@dataclass(frozen=True)
class SpecialDirections:
    """Directions of slow spectral decay of a network, from its geometry.

    Attributes
    ----------
    facet_normals : array (n, d)
        Unit normals of distinct kink facets (sign fixed: first non-zero entry positive).
    facet_bounded : bool array (n,)
        Whether at least one facet with this normal is bounded (only those give
        :math:`|k|^{-2}` decay; unbounded ones put ``k`` on the singular set on R^d).
    facet_measure : array (n,)
        Total (d-1)-volume of the bounded kink facets with this normal.
    regular : bool array (n,)
        ``k`` along this normal is off the singular set of the transform on R^d (no unbounded
        face is orthogonal to it), so the decay can be measured there.
    singular_margin : array (n,)
        How far ``k`` along this normal is from the singular set: the smallest projection of
        the normal on the direction space of an unbounded face (capped at 1). Values near 0
        mean the transform along it is huge at moderate ``|k|`` (near-singular).
    edge_directions : array (m, d)
        For d = 3: unit directions of bounded kink edges (``k`` orthogonal to one decays as
        :math:`|k|^{-3}`); empty otherwise.
    """

    facet_normals: FloatArray
    facet_bounded: NDArray[np.bool_]
    facet_measure: FloatArray
    regular: NDArray[np.bool_]
    singular_margin: FloatArray
    edge_directions: FloatArray

    def distance_to_special(self, u: ArrayLike) -> FloatArray:
        """Return the angular distance of unit directions ``u (n, d)`` to the special set.

        In radians, approximately. The special set: the facet normals (both signs) and, in
        3-D, the planes orthogonal to edges.
        """
        U = np.atleast_2d(np.asarray(u, dtype=float))
        U = U / np.linalg.norm(U, axis=1, keepdims=True)
        dist = np.full(len(U), np.pi)
        if len(self.facet_normals):
            cos = np.clip(np.abs(U @ self.facet_normals.T), 0.0, 1.0)
            dist = np.minimum(dist, np.arccos(cos).min(axis=1))
        if len(self.edge_directions):
            dist = np.minimum(dist, np.arcsin(np.abs(U @ self.edge_directions.T)).min(axis=1))
        return dist

    def generic_direction(self, seed: int = 0, n_candidates: int = 2000) -> FloatArray:
        """Return a unit direction far from every special direction.

        The best of ``n_candidates`` random ones by :meth:`distance_to_special` (seeded,
        reproducible).
        """
        d = self.facet_normals.shape[1]
        rng = np.random.default_rng(seed)
        U = rng.normal(size=(n_candidates, d))
        U /= np.linalg.norm(U, axis=1, keepdims=True)
        return np.asarray(U[int(np.argmax(self.distance_to_special(U)))])


def _canonical_sign(v: FloatArray, eps: float) -> FloatArray:
    first = np.argmax(np.abs(v) > eps, axis=1)
    s = np.sign(v[np.arange(len(v)), first])
    s[s == 0] = 1.0
    return v * s[:, None]


def _unique_rows(v: FloatArray, eps: float) -> tuple[FloatArray, NDArray[np.int64]]:
    """Return the unique rows up to eps; returns (unique rows, inverse index)."""
    if len(v) == 0:
        return v, np.zeros(0, dtype=np.int64)
    key = np.round(v / eps).astype(np.int64)
    _, first, inv = np.unique(key, axis=0, return_index=True, return_inverse=True)
    return v[first], inv.reshape(-1)


def special_directions(
    net: ReLUNetwork | PreparedNetwork,
    domain: Box | None = None,
    *,
    tol: Tolerances = DEFAULT_TOLERANCES,
    merge_tol: float = 1e-9,
) -> SpecialDirections:
    """Directions of slow decay (Theorem 1) computed from the regions of ``net``.

    Parameters
    ----------
    net : ReLUNetwork or PreparedNetwork
    domain : Box or None
        Where to collect kink facets (``None``: all of R^d). Box-boundary facets are excluded.
    merge_tol : float
        Normals closer than this (entry-wise) are merged; a finite number > 0.
    """
    validate.network(net, prepared=True)
    merge_tol = positive_float(merge_tol, "merge_tol")
    pnet = net if isinstance(net, PreparedNetwork) else _cached_prepare(net, domain, tol)
    d = pnet.input_dim
    faces = pnet.faces
    top = faces.levels[d]
    facets = faces.levels[d - 1]
    inner = ~pnet.facet_on_boundary
    normals = _canonical_sign(top.normal[inner], merge_tol)
    child = top.child[inner]
    bounded = facets.bounded[child]
    measure = np.where(bounded, facets.volume[child], 0.0)
    uniq, inv = _unique_rows(normals, merge_tol)
    n = len(uniq)
    fb = np.zeros(n, bool)
    np.logical_or.at(fb, inv, bounded)
    fm = np.zeros(n)
    np.add.at(fm, inv, measure)
    # margin to the singular set: the smallest projection of the normal on the direction
    # space of an unbounded face (rays, unbounded faces, lineality); regular if positive
    margin = np.full(n, np.inf)
    rays = faces.levels[1].direction[~faces.levels[1].bounded]
    if len(rays):
        margin = np.minimum(margin, np.abs(uniq @ rays.T).min(axis=1))
    for lv in faces.levels[2:]:
        ub = ~lv.bounded
        if np.any(ub):
            proj = np.linalg.norm(np.einsum("njd,md->mnj", lv.basis[ub], uniq), axis=-1)
            margin = np.minimum(margin, proj.min(axis=1))
    for L in faces.lineality:
        if len(L):
            margin = np.minimum(margin, np.linalg.norm(uniq @ L.T, axis=1))
    regular = margin > tol.singular * 1e3
    edges = np.zeros((0, d))
    if d == 3:
        e1 = faces.levels[1]
        dirs = _canonical_sign(e1.direction[e1.bounded], merge_tol)
        edges, _ = _unique_rows(dirs, merge_tol)
    return SpecialDirections(uniq, fb, fm, regular, np.minimum(margin, 1.0), edges)
