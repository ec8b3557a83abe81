r"""Convex polyhedra: boxes, polytopes and (unbounded) polyhedra.

A :class:`Polytope` stores both representations of a convex polyhedron
:math:`P = \{x : A x \le b,\ A_{eq} x = b_{eq}\}
= \mathrm{conv}(V) + \mathrm{cone}(R) + \mathrm{span}(L)`
with an irredundant list of facets and the vertex/ray-facet incidence, which is all the face
poset (:mod:`spectral_exact.face_poset`) needs. Vertex enumeration and facet enumeration go
through :mod:`spectral_exact._cdd`, the only module that talks to cddlib; the region
enumerator builds polytopes directly from its own incidence data.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
from numpy.typing import ArrayLike, NDArray

from . import _cdd
from ._errors import DegenerateGeometryWarning, InvalidDomainError, InvalidPolytopeError
from ._tolerances import DEFAULT_TOLERANCES, ROUNDING_ULPS, Tolerances, zero_distance
from ._types import BoolArray, FloatArray
from ._validate import real_array

__all__ = ["Box", "Polytope"]


def _finite_array(a: ArrayLike, what: str, err: type[Exception], ndim: int) -> FloatArray:
    try:
        arr = np.array(a, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise err(f"{what} is not numeric: {exc}") from exc
    if arr.ndim != ndim:
        raise err(f"{what} must be {ndim}-D, got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise err(f"{what} has non-finite entries: {arr.tolist()}")
    return arr


@dataclass(frozen=True, eq=False)
class Box:
    """Axis-aligned box ``[lo_1, hi_1] x ... x [lo_d, hi_d]``.

    Raises :class:`InvalidDomainError` for non-finite bounds, mismatched lengths, or a flat or
    empty box (``hi <= lo`` in some axis).

    Examples
    --------
    >>> import spectral_exact as se
    >>> se.Box([-1, -1], [1, 1]).volume
    4.0
    """

    lo: FloatArray
    hi: FloatArray

    def __init__(self, lo: ArrayLike, hi: ArrayLike) -> None:
        lo_a = np.atleast_1d(real_array(lo, "Box lo", InvalidDomainError, finite=False))
        hi_a = np.atleast_1d(real_array(hi, "Box hi", InvalidDomainError, finite=False))
        lo_a = _finite_array(lo_a, "Box lo", InvalidDomainError, 1)
        hi_a = _finite_array(hi_a, "Box hi", InvalidDomainError, 1)
        if lo_a.shape != hi_a.shape or lo_a.size == 0:
            raise InvalidDomainError(
                f"Box lo and hi must be non-empty and of equal length, got {lo_a.tolist()} "
                f"and {hi_a.tolist()}"
            )
        if np.any(hi_a <= lo_a):
            bad = int(np.argmax(hi_a <= lo_a))
            raise InvalidDomainError(
                f"Box is empty or flat in axis {bad}: "
                f"lo={float(lo_a[bad])!r} >= hi={float(hi_a[bad])!r}"
            )
        with np.errstate(over="ignore"):
            widths = hi_a - lo_a
            volume = float(np.prod(widths))
        if not (np.all(np.isfinite(widths)) and np.isfinite(volume)):
            raise InvalidDomainError(
                f"Box is too large for double precision: widths {widths.tolist()}, volume "
                f"{volume} (overflow)"
            )
        lo_a.setflags(write=False)
        hi_a.setflags(write=False)
        object.__setattr__(self, "lo", lo_a)
        object.__setattr__(self, "hi", hi_a)

    @property
    def dim(self) -> int:
        """Dimension ``d`` of the box."""
        return int(self.lo.shape[0])

    @property
    def volume(self) -> float:
        """Volume ``prod(hi - lo)``."""
        return float(np.prod(self.hi - self.lo))

    @property
    def center(self) -> FloatArray:
        """Centre ``(lo + hi) / 2``."""
        return (self.lo + self.hi) / 2

    @property
    def diameter(self) -> float:
        """Length ``||hi - lo||`` of the main diagonal."""
        return float(np.linalg.norm(self.hi - self.lo))

    @property
    def vertices(self) -> FloatArray:
        """The ``2^d`` corners, shape ``(2^d, d)``."""
        d = self.dim
        bits = (np.arange(2**d)[:, None] >> np.arange(d)[None, :]) & 1
        return np.where(bits == 1, self.hi, self.lo)

    def halfspaces(self) -> tuple[FloatArray, FloatArray]:
        """Return ``(A, b)`` with ``A x <= b``: rows ``+e_i`` (``x_i <= hi_i``) then ``-e_i``."""
        eye = np.eye(self.dim)
        return np.vstack([eye, -eye]), np.concatenate([self.hi, -self.lo])

    def contains(self, x: ArrayLike, atol: float = 0.0) -> NDArray[np.bool_]:
        """Return whether each point ``x (..., d)`` lies in the box grown by ``atol``."""
        xa = np.asarray(x, dtype=float)
        return np.all((xa >= self.lo - atol) & (xa <= self.hi + atol), axis=-1)

    def to_polytope(self) -> Polytope:
        """Return the box as a :class:`Polytope` (vertices and facets exact, no cdd call)."""
        A, b = self.halfspaces()
        V = self.vertices
        inc = np.abs(V @ A.T - b) == 0
        return Polytope._from_parts(A, b, V, vertex_incidence=inc)

    def __repr__(self) -> str:
        """Show the bounds."""
        return f"Box(lo={self.lo.tolist()}, hi={self.hi.tolist()})"


def _orthonormal_span(vectors: FloatArray, rel_tol: float) -> FloatArray:
    """Orthonormal basis (rows) of the span of ``vectors`` (rows), numerical rank ``rel_tol``."""
    if vectors.size == 0:
        return np.zeros((0, vectors.shape[-1]))
    _, s, vt = np.linalg.svd(vectors, full_matrices=False)
    if s.size == 0 or s[0] == 0:
        return np.zeros((0, vectors.shape[1]))
    r = int(np.sum(s > rel_tol * s[0]))
    return np.asarray(vt[:r])


def _facet_rows(
    A: FloatArray,
    b: FloatArray,
    points: FloatArray,
    rays: FloatArray,
    lineality: FloatArray,
    tol: Tolerances,
) -> NDArray[np.int64]:
    """Return the rows of ``A x <= b`` that define distinct facets of a full-dim polyhedron.

    Row ``i`` defines a facet iff the generators tight at it (points on the hyperplane, rays
    parallel to it, and the lineality space) span an affine space of dimension ``d - 1``; rows
    with the same tight set define the same facet and only the first is kept.
    """
    d = A.shape[1]
    norms = np.linalg.norm(A, axis=1)
    An, bn = A / norms[:, None], b / norms
    tight_v = np.abs(points @ An.T - bn) <= zero_distance(points, tol)  # (m, n)
    tight_r = np.abs(rays @ An.T) <= tol.geometry  # (r, n)
    keep: list[int] = []
    seen: set[bytes] = set()
    for i in range(len(A)):
        key = tight_v[:, i].tobytes() + tight_r[:, i].tobytes()
        if key in seen or not tight_v[:, i].any():
            continue
        V = points[tight_v[:, i]]
        span = np.vstack([V[1:] - V[0], rays[tight_r[:, i]], lineality])
        if _orthonormal_span(span, tol.rank).shape[0] == d - 1:
            seen.add(key)
            keep.append(i)
    return np.asarray(keep, dtype=np.int64)


#: an input point may lie this many zero_distance()s outside the computed hull
_HULL_CHECK_FACTOR = 10.0
#: singular values below this fraction of the largest are rounding noise: exactly flat
_EXACTLY_FLAT_RTOL = 64 * float(np.finfo(float).eps)


def _flat_warning(true_dim: int, dim: int, ratio: float | None, tol: Tolerances) -> None:
    detail = "" if ratio is None else f" (thinnest/widest principal extent {ratio:.2g})"
    warnings.warn(
        f"the polyhedron spans {true_dim} dimensions but is flat within the relative tolerance "
        f"Tolerances.rank = {tol.rank:g}{detail}: it is treated as {dim}-dimensional, and its "
        f"volume and transform are {dim}-dimensional measures",
        DegenerateGeometryWarning,
        stacklevel=3,
    )


@dataclass(frozen=True, eq=False)
class Polytope:
    r"""A convex polyhedron in :math:`\mathbb{R}^d`, possibly unbounded or lower dimensional.

    Attributes
    ----------
    A, b : arrays (n, d), (n,)
        Irredundant facet inequalities ``A x <= b`` (rows normalised to unit length).
    A_eq, b_eq : arrays (e, d), (e,)
        Equations of the affine hull (empty for a full-dimensional polyhedron).
    vertices : array (m, d)
        Vertices (for a polyhedron with lineality: the vertices of one cross-section).
    rays : array (r, d)
        Extreme rays (unit length).
    lineality : array (l, d)
        Orthonormal basis of the lineality space.
    vertex_incidence, ray_incidence : bool arrays (m, n), (r, n)
        ``[i, j]`` is True when vertex/ray ``i`` lies on facet ``j``.
    """

    A: FloatArray
    b: FloatArray
    vertices: FloatArray
    rays: FloatArray
    lineality: FloatArray
    A_eq: FloatArray
    b_eq: FloatArray
    vertex_incidence: BoolArray
    ray_incidence: BoolArray
    tol: Tolerances = field(default=DEFAULT_TOLERANCES)

    # ------------------------------------------------------------------ constructors
    @classmethod
    def _from_parts(
        cls,
        A: FloatArray,
        b: FloatArray,
        vertices: FloatArray,
        *,
        rays: FloatArray | None = None,
        lineality: FloatArray | None = None,
        A_eq: FloatArray | None = None,
        b_eq: FloatArray | None = None,
        vertex_incidence: BoolArray | None = None,
        ray_incidence: BoolArray | None = None,
        tol: Tolerances = DEFAULT_TOLERANCES,
    ) -> Polytope:
        d = vertices.shape[1]
        norms = np.linalg.norm(A, axis=1)
        A = A / norms[:, None]
        b = b / norms
        rays = np.zeros((0, d)) if rays is None else rays
        if len(rays):
            rays = rays / np.linalg.norm(rays, axis=1)[:, None]
        lineality = np.zeros((0, d)) if lineality is None else lineality
        A_eq = np.zeros((0, d)) if A_eq is None else A_eq
        b_eq = np.zeros(0) if b_eq is None else b_eq
        if vertex_incidence is None:
            vertex_incidence = np.abs(vertices @ A.T - b) <= zero_distance(vertices, tol)
        if ray_incidence is None:
            ray_incidence = np.abs(rays @ A.T) <= tol.geometry
        for arr in (A, b, vertices, rays, lineality, A_eq, b_eq, vertex_incidence, ray_incidence):
            arr.setflags(write=False)
        return cls(
            A, b, vertices, rays, lineality, A_eq, b_eq, vertex_incidence, ray_incidence, tol
        )

    @classmethod
    def _from_arrays(
        cls,
        A: FloatArray,
        b: FloatArray,
        vertices: FloatArray,
        rays: FloatArray,
        lineality: FloatArray,
        vertex_incidence: BoolArray,
        ray_incidence: BoolArray,
        tol: Tolerances = DEFAULT_TOLERANCES,
    ) -> Polytope:
        """Return a full-dimensional polyhedron from final data (private; the region enumerator's).

        Nothing is recomputed: ``A`` must already have unit rows and ``rays`` unit length
        (read-only views of the enumerator's flat arrays are taken as they are).
        """
        d = vertices.shape[1]
        eq = np.zeros((0, d))
        eq1 = np.zeros(0)
        for arr in (A, b, vertices, rays, lineality, eq, eq1, vertex_incidence, ray_incidence):
            arr.setflags(write=False)
        return cls(A, b, vertices, rays, lineality, eq, eq1, vertex_incidence, ray_incidence, tol)

    @classmethod
    def from_vertices(
        cls,
        V: ArrayLike,
        rays: ArrayLike | None = None,
        *,
        tol: Tolerances = DEFAULT_TOLERANCES,
    ) -> Polytope:
        """Convex hull of the points ``V`` (shape ``(m, d)``) plus the cone of ``rays``.

        Points in ``V`` that are not extreme are dropped. Lower-dimensional hulls (a triangle in
        R^3, a segment in R^2) are allowed: their affine hull is kept in ``A_eq, b_eq``.
        """
        Va = _finite_array(V, "vertices", InvalidPolytopeError, 2)
        if Va.shape[0] == 0 or Va.shape[1] == 0:
            raise InvalidPolytopeError(f"need at least one vertex in R^d, d >= 1; got {Va.shape}")
        Ra = (
            np.zeros((0, Va.shape[1]))
            if rays is None
            else _finite_array(rays, "rays", InvalidPolytopeError, 2)
        )
        if Ra.shape[1] != Va.shape[1]:
            raise InvalidPolytopeError(
                f"rays have dimension {Ra.shape[1]} but vertices have {Va.shape[1]}"
            )
        A, b, A_eq, b_eq = _cdd.halfspaces_from_points(Va, Ra, flat_rtol=tol.rank)
        P = cls.from_halfspaces(A, b, A_eq, b_eq, tol=tol, _warn_flat=False)
        if len(P.A):
            # cddlib works in floating point: make sure no input point ended up outside the hull
            # (a dropped extreme point would silently change the volume and the transform)
            excess = float(np.max(Va @ P.A.T - P.b))
            limit = _HULL_CHECK_FACTOR * zero_distance(Va, tol)
            if excess > limit and len(Ra) == 0 and P.dim == Va.shape[1]:
                A, b = _cdd.halfspaces_from_points_qhull(Va)  # cddlib lost a point: Qhull
                P = cls.from_halfspaces(A, b, tol=tol, _warn_flat=False)
                excess = float(np.max(Va @ P.A.T - P.b))
            if excess > limit:
                raise InvalidPolytopeError(
                    f"the floating-point convex hull lost extreme points: an input point lies "
                    f"{excess:.3g} outside it (allowed {limit:.3g}); a feature of relative size "
                    f"{excess / max(float(np.max(np.ptp(Va, axis=0))), 1e-300):.2g} is below "
                    "cddlib's float resolution"
                )
        X = np.vstack([Va - Va.mean(axis=0), Ra])
        sv = np.linalg.svd(X, compute_uv=False) if len(X) > 1 else np.zeros(0)
        flat = sv[(sv > _EXACTLY_FLAT_RTOL * sv.max(initial=0.0))]
        if len(flat) > P.dim:
            _flat_warning(len(flat), P.dim, float(flat.min() / flat.max()), tol)
        return P

    @classmethod
    def from_halfspaces(
        cls,
        A: ArrayLike,
        b: ArrayLike,
        A_eq: ArrayLike | None = None,
        b_eq: ArrayLike | None = None,
        *,
        tol: Tolerances = DEFAULT_TOLERANCES,
        _warn_flat: bool = True,
    ) -> Polytope:
        """Return the polyhedron ``{x : A x <= b, A_eq x = b_eq}``; redundant rows are removed.

        Raises :class:`InvalidPolytopeError` when it is empty. A polyhedron given by
        inequalities alone that is flat within the relative tolerance ``tol.rank`` (e.g. the
        slab ``0 <= x_1 <= 1e-15``) is treated as lower dimensional, with a
        :class:`DegenerateGeometryWarning` saying so.
        """
        Aa = _finite_array(A, "A", InvalidPolytopeError, 2)
        ba = _finite_array(b, "b", InvalidPolytopeError, 1)
        d = Aa.shape[1]
        if Aa.shape[0] != ba.shape[0]:
            raise InvalidPolytopeError(f"A has {Aa.shape[0]} rows but b has {ba.shape[0]} entries")
        if d == 0:
            raise InvalidPolytopeError("A must have at least one column")
        Ae = (
            np.zeros((0, d))
            if A_eq is None
            else _finite_array(A_eq, "A_eq", InvalidPolytopeError, 2)
        )
        be = np.zeros(0) if b_eq is None else _finite_array(b_eq, "b_eq", InvalidPolytopeError, 1)
        if Ae.shape[1] != d or Ae.shape[0] != be.shape[0]:
            raise InvalidPolytopeError(
                f"A_eq {Ae.shape} / b_eq {be.shape} do not match A {Aa.shape}"
            )
        zero_rows = np.all(Aa == 0, axis=1)
        if np.any(zero_rows & (ba < 0)):
            raise InvalidPolytopeError("the polyhedron is empty (a row 0 <= b with b < 0)")
        gen = _cdd.generators_from_halfspaces(Aa[~zero_rows], ba[~zero_rows], Ae, be)
        if len(gen.points) == 0:
            raise InvalidPolytopeError("the polyhedron {x : A x <= b} is empty")
        lin = _orthonormal_span(gen.lineality, tol.rank)
        rays = gen.rays
        if len(rays):
            rays = rays / np.linalg.norm(rays, axis=1)[:, None]
        spans = np.vstack([gen.points[1:] - gen.points[0], rays, lin])
        if _orthonormal_span(spans, tol.rank).shape[0] == d and len(Ae) == 0:
            # full dimensional: the facets are the input rows whose tight generators span a
            # hyperplane (no second cdd call, which can fail on nearly degenerate input)
            facets = _facet_rows(Aa[~zero_rows], ba[~zero_rows], gen.points, rays, lin, tol)
            A_in, b_in = Aa[~zero_rows][facets], ba[~zero_rows][facets]
            return cls._from_parts(A_in, b_in, gen.points, rays=rays, lineality=lin, tol=tol)
        A2, b2, Ae2, be2 = _cdd.halfspaces_from_points(gen.points, gen.rays, lin)
        if len(Ae2):
            # orthonormalise the affine-hull equations
            q, r = np.linalg.qr(Ae2.T)
            keep = np.abs(np.diag(r)) > tol.rank * np.max(np.abs(np.diag(r)))
            Ae2 = q[:, keep].T
            be2 = Ae2 @ gen.points[0]
        P = cls._from_parts(
            A2, b2, gen.points, rays=gen.rays, lineality=lin, A_eq=Ae2, b_eq=be2, tol=tol
        )
        if _warn_flat and len(Ae) == 0 and P.dim < d:
            _flat_warning(d, P.dim, None, tol)
        return P

    # ------------------------------------------------------------------ properties
    @property
    def ambient_dim(self) -> int:
        """Dimension of the space the polyhedron lives in."""
        return int(self.vertices.shape[1])

    @cached_property
    def direction_basis(self) -> FloatArray:
        """Orthonormal basis (rows) of the linear space parallel to the affine hull.

        A polyhedron whose H-representation has no equality rows was declared
        full-dimensional (a linear region, or a hull found not flat within ``tol.rank``): its
        directions are then cut at rounding level only (``ROUNDING_ULPS`` units), so that a
        region 1e-10 thin keeps dimension ``d`` and its true volume (it reported its length).
        """
        vecs = [self.vertices[1:] - self.vertices[0], self.rays, self.lineality]
        return _orthonormal_span(np.vstack(vecs), self._direction_rtol)

    @property
    def _direction_rtol(self) -> float:
        """Relative rank threshold for the directions of this polyhedron and of its faces."""
        return self.tol.rank if len(self.A_eq) else ROUNDING_ULPS * float(np.finfo(float).eps)

    @property
    def dim(self) -> int:
        """Dimension of the affine hull."""
        return int(self.direction_basis.shape[0])

    @cached_property
    def _simple_polygon(self) -> bool:
        """A bounded full-dimensional polygon whose facets each hold exactly two vertices."""
        inc = self.vertex_incidence
        m = len(self.vertices)
        return (
            self.vertices.shape[1] == 2
            and m >= 3
            and inc.shape[1] == m
            and len(self.rays) == 0
            and len(self.lineality) == 0
            and len(self.A_eq) == 0
            and bool(np.all(np.count_nonzero(inc, axis=0) == 2))
            and bool(np.all(np.count_nonzero(inc, axis=1) == 2))
        )

    @property
    def is_bounded(self) -> bool:
        """Whether the polyhedron has no rays and no lines (a polytope)."""
        return len(self.rays) == 0 and len(self.lineality) == 0

    @property
    def is_pointed(self) -> bool:
        """Whether the polyhedron contains no line."""
        return len(self.lineality) == 0

    @property
    def n_facets(self) -> int:
        """Number of facet inequalities ``A x <= b``."""
        return int(self.A.shape[0])

    @cached_property
    def centroid(self) -> FloatArray:
        """Mean of the vertices (a relative-interior point of the bounded part)."""
        return np.asarray(self.vertices.mean(axis=0))

    @cached_property
    def interior_point(self) -> FloatArray:
        """A point in the relative interior (vertex mean plus mean ray)."""
        p = self.vertices.mean(axis=0)
        if len(self.rays):
            p = p + self.rays.mean(axis=0)
        return np.asarray(p)

    @cached_property
    def volume(self) -> float:
        """``dim``-dimensional volume (``inf`` if unbounded; 1 for a point)."""
        if not self.is_bounded:
            return float("inf")
        k = self.dim
        if k == 0:
            return 1.0
        Y = (self.vertices - self.vertices[0]) @ self.direction_basis.T
        if k == 1:
            return float(np.ptp(Y[:, 0]))
        from scipy.spatial import ConvexHull

        # Qhull's tolerances are absolute: measure the unit-size copy, scale back by s^k
        s = float(np.max(np.abs(Y)))
        return float(ConvexHull(Y / s).volume) * s**k

    @cached_property
    def diameter(self) -> float:
        """Largest distance between two vertices (``inf`` if unbounded)."""
        if not self.is_bounded:
            return float("inf")
        V = self.vertices
        return float(np.sqrt(np.max(np.sum((V[:, None, :] - V[None, :, :]) ** 2, axis=-1))))

    def contains(self, x: ArrayLike, atol: float | None = None) -> NDArray[np.bool_]:
        """Membership of points ``x`` of shape ``(..., d)`` (closed polyhedron, tolerance atol)."""
        xa = np.asarray(x, dtype=float)
        if xa.shape[-1] != self.ambient_dim:
            raise InvalidPolytopeError(
                f"points must have shape (..., {self.ambient_dim}), got {xa.shape}"
            )
        if atol is None:
            atol = zero_distance(self.vertices, self.tol)
        ok = np.all(xa @ self.A.T <= self.b + atol, axis=-1)
        if len(self.A_eq):
            ok &= np.all(np.abs(xa @ self.A_eq.T - self.b_eq) <= atol, axis=-1)
        return np.asarray(ok)

    def __repr__(self) -> str:
        """Show the kind, dimension and size."""
        kind = "bounded" if self.is_bounded else "unbounded"
        return (
            f"Polytope(dim={self.dim}, ambient_dim={self.ambient_dim}, {kind}, "
            f"{len(self.vertices)} vertices, {len(self.rays)} rays, {self.n_facets} facets)"
        )


def polytope_from_sequence(obj: Polytope | Box | Sequence[Sequence[float]]) -> Polytope:
    """Coerce a :class:`Box`, a :class:`Polytope` or a vertex array to a :class:`Polytope`."""
    if isinstance(obj, Polytope):
        return obj
    if isinstance(obj, Box):
        return obj.to_polytope()
    return Polytope.from_vertices(obj)
