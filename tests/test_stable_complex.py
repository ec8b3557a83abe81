"""The stable level engine over the shared complex (each distinct face once per frequency).

:func:`spectral_exact.fourier.indicator.prepare_complex` flattens the distinct faces of a
network's :class:`~spectral_exact.complex.PolyhedralComplex` for the level engine; the
``"regions"``, ``"lemma1"`` and ``"laplacian"`` routes (and the fused route's fallback) run over
it in d <= 3. Checked against 40-digit mpmath references in 2-D (box and R^2) and against
the per-region face-poset route in 3-D, at generic, exactly degenerate and nearly degenerate
frequencies; and the simplicial-cone closed form against a 40-digit reference on thin cones.
"""

from __future__ import annotations

import warnings

import mpmath
import numpy as np
import pytest

import spectral_exact as se
from spectral_exact.fourier import spectrum as sp
from spectral_exact.fourier.indicator import prepare_complex, prepare_polytopes
from spectral_exact.polytope import Polytope
from spectral_exact.testing import mp_network_fourier_box, mp_network_fourier_rd

#: agreement with the 40-digit references and between the two stable routes
RTOL = 1e-11
#: angle by which the nearly degenerate frequencies miss a kink normal or a box axis
NEAR = 1e-9


def _per_region(prep: sp.PreparedNetwork) -> se.fourier.PreparedPolytopes:
    """The per-region face-poset levels over the complex's merged vertices (the old route)."""
    ra = prep.regions.arrays
    merged = prep.complex.vertices[prep.complex.vertex_of_row]
    polys = [
        Polytope._from_arrays(
            P.A, P.b, merged[ra.vertex_offset[i] : ra.vertex_offset[i + 1]], P.rays,
            P.lineality, P.vertex_incidence, P.ray_incidence, P.tol,
        )
        for i, P in enumerate(r.polytope for r in prep.regions)
    ]  # fmt: skip
    return prepare_polytopes(polys, [(r.weight, r.bias) for r in prep.regions], tol=prep.tol)


def _route(prep: sp.PreparedNetwork, k: np.ndarray, method: str, per_region: bool) -> np.ndarray:
    prep._lazy.clear()
    if per_region:
        prep._lazy["faces"] = _per_region(prep)
        prep._lazy["uses_complex"] = False
    out = sp._route_sum(prep, k, method)[0]  # type: ignore[arg-type]
    prep._lazy.clear()
    return out


def _frequencies(prep: sp.PreparedNetwork, d: int, n_each: int = 4) -> np.ndarray:
    """Generic k, k along bounded kink normals (and box axes), and k 1e-9 rad off them."""
    rng = np.random.default_rng(7)
    k = rng.normal(size=(3 * n_each, d)) * np.repeat([0.5, 5.0, 40.0], n_each)[:, None]
    top = prep.complex.levels[d]
    nrm = top.child_normal[prep.complex.levels[d - 1].bounded[top.child_idx]]
    if prep.domain is None:  # keep off the singular set: away from every unbounded face
        ok = np.ones(len(nrm), dtype=bool)
        for B in sp._unbounded_bases(prep):
            proj = np.einsum("njd,kd->knj", B, nrm)
            ok &= np.min(np.linalg.norm(proj, axis=2), axis=1) > 1e-2
        nrm = nrm[ok]
    else:
        nrm = np.concatenate([np.eye(d), nrm])
    nrm = nrm[:n_each]
    pert = rng.normal(size=nrm.shape)
    pert -= np.einsum("nd,nd->n", pert, nrm)[:, None] * nrm
    pert /= np.linalg.norm(pert, axis=1)[:, None]
    exact = np.concatenate([7.0 * nrm, 60.0 * nrm])
    near = exact + NEAR * np.concatenate([7.0 * pert, 60.0 * pert])
    return np.concatenate([k, exact, near])


def _net(d: int, seed: int) -> se.ReLUNetwork:
    return se.ReLUNetwork.random([d, 5, 4, 1], seed=seed)


def test_complex_levels_hold_each_distinct_face_once() -> None:
    net = se.ReLUNetwork.random([3, 6, 6, 1], seed=1)
    prep = se.prepare_network(net, se.Box(-np.ones(3), np.ones(3)))
    faces = prepare_complex(prep.complex)
    assert tuple(len(lv.radius) for lv in faces.levels) == prep.complex.face_counts()
    per = _per_region(prep)
    # the per-region route holds every shared face once per region owning it
    assert per.n_faces > faces.n_faces
    # the triangulations tile: each region's volume is the per-region one, the total the box's
    vol = faces.levels[3].volume[faces.top_index]
    vol_per = per.levels[3].volume[per.top_index]
    np.testing.assert_allclose(vol, vol_per, rtol=1e-13)
    assert vol.sum() == pytest.approx(8.0, rel=1e-13)
    # so are the 2-faces' areas (each distinct facet against one of its per-region copies)
    assert np.all(faces.levels[2].volume > 0)
    assert sp._uses_complex(prep)


@pytest.mark.parametrize(
    ("domain", "method"),
    # on R^d the regions route is not a stable route (see network_fourier): not checked there
    [("box", "regions"), ("box", "lemma1"), ("box", "laplacian"), (None, "lemma1"),
     (None, "laplacian")],
)  # fmt: skip
def test_complex_route_2d_against_mpmath(domain: str | None, method: str) -> None:
    net = _net(2, seed=3)
    box = se.Box([-1.0, -1.0], [1.0, 1.0]) if domain else None
    prep = se.prepare_network(net, box)
    assert sp._uses_complex(prep)
    k = _frequencies(prep, 2)
    if method != "regions":
        k = k[np.linalg.norm(k, axis=1) * 2 * np.sqrt(2) >= sp.LOW_K_SWITCH]
    got = _route(prep, k, method, per_region=False)
    if box is None:
        radius = 4.0 * float(np.max(np.linalg.norm(prep.complex.vertices, axis=1)))
        ref = mp_network_fourier_rd(net, k, radius)
    else:
        ref = mp_network_fourier_box(net, box.lo, box.hi, k)
    err = np.abs(got - ref) / np.abs(ref)
    assert np.all(err <= RTOL), err.max()


@pytest.mark.parametrize("domain", ["box", None])
def test_complex_route_3d_against_per_region_route(domain: str | None) -> None:
    net = _net(3, seed=2)
    box = se.Box(-np.ones(3), np.ones(3)) if domain else None
    prep = se.prepare_network(net, box)
    assert sp._uses_complex(prep)
    k = _frequencies(prep, 3)
    methods = ["regions", "lemma1", "laplacian"] if box else ["lemma1", "laplacian"]
    for method in methods:
        kk = k if method == "regions" else k[np.linalg.norm(k, axis=1) >= 0.3]
        got = _route(prep, kk, method, per_region=False)
        old = _route(prep, kk, method, per_region=True)
        # the per-region route's own error bound (on R^3 its copies of a shared face differ
        # by rounding and it cancels more than the shared complex does)
        _, bound = se.network_fourier(prep, kk, return_error=True, method=method)
        tol = np.maximum(RTOL * np.abs(old), 2 * bound)
        assert np.all(np.abs(got - old) <= tol), method


def test_complex_route_4d_box_against_per_region_route() -> None:
    """In 4-D the complex has every level (global edge subdivision): the routes run over it."""
    net = se.ReLUNetwork.random([4, 5, 4, 1], seed=4)
    box = se.Box(-np.ones(4), np.ones(4))
    prep = se.prepare_network(net, box)
    assert all(n > 0 for n in prep.complex.face_counts())
    assert sp._uses_complex(prep)
    k = _frequencies(prep, 4, n_each=3)
    for method in ["regions", "lemma1", "laplacian"]:
        kk = k if method == "regions" else k[np.linalg.norm(k, axis=1) >= 0.3]
        got = _route(prep, kk, method, per_region=False)
        old = _route(prep, kk, method, per_region=True)
        np.testing.assert_allclose(got, old, rtol=RTOL, atol=RTOL * np.max(np.abs(old)))
    # and the default route (no fused kernel in 4-D) is the complex route
    np.testing.assert_allclose(se.network_fourier(prep, k), _route(prep, k, "regions", False))


def test_default_route_fallback_uses_the_complex() -> None:
    """The fused route's ill-conditioned frequencies (|k| -> 0) go to the complex route."""
    net = _net(2, seed=3)
    box = se.Box([-1.0, -1.0], [1.0, 1.0])
    prep = se.prepare_network(net, box)
    k = np.array([[1e-7, 2e-7], [0.0, 0.0], [3.0, -1.0]])
    F = se.network_fourier(prep, k)
    assert isinstance(prep._lazy["faces"], se.fourier.PreparedPolytopes)
    assert prep._lazy["uses_complex"]
    ref = mp_network_fourier_box(net, box.lo, box.hi, k)
    assert np.all(np.abs(F - ref) <= RTOL * np.abs(ref))


def _mp_cone(apex: np.ndarray, rays: np.ndarray, k: np.ndarray) -> np.ndarray:
    """40-digit ``|det U| e^{-ik.a} / prod_j (i k.u_j)`` (direct integration, convention -i)."""
    out = []
    with mpmath.workdps(40):
        U = mpmath.matrix([[mpmath.mpf(float(x)) for x in r] for r in rays])
        det = abs(mpmath.det(U))
        for kk in k:
            kv = [mpmath.mpf(float(x)) for x in kk]
            ka = sum(kv[i] * mpmath.mpf(float(apex[i])) for i in range(len(kv)))
            val = det * mpmath.expj(-ka)
            for r in rays:
                val /= 1j * sum(kv[i] * mpmath.mpf(float(r[i])) for i in range(len(kv)))
            out.append(complex(val))
    return np.array(out)


@pytest.mark.parametrize("e", [10, 20, 25, 30])
def test_thin_cone_exact(e: int) -> None:
    """A cone of opening 2^-e: the recursion lost u / theta; the closed form loses nothing."""
    t = 2.0**-e
    tol = se.Tolerances(rank=1e-15)
    P = se.Polytope.from_halfspaces([[0.0, -1.0], [-np.sin(t), np.cos(t)]], [0.0, 0.0], tol=tol)
    assert P.dim == 2 and len(P.rays) == 2
    k = np.array([[0.3, 1.7], [2.0, -0.5], [-1.0, 5.0], [0.05, 1.0], [1e-3, 1.0]])
    ref = _mp_cone(P.vertices[0], P.rays, k)
    got = se.polytope_fourier(P, k, tol=tol)
    np.testing.assert_array_less(np.abs(got - ref), RTOL * np.abs(ref))


def test_thin_cone_in_3d_simplicial_and_affine() -> None:
    """A 3-D simplicial cone two of whose rays are 2^-20 apart, indicator and affine weight."""
    t = 2.0**-20
    rays = np.array([[1.0, 0.0, 0.0], [np.cos(t), np.sin(t), 0.0], [0.2, 0.3, 1.0]])
    apex = np.array([0.5, -0.25, 1.0])
    tol = se.Tolerances(rank=1e-15)
    P = se.Polytope.from_vertices([apex], rays=rays, tol=tol)
    assert P.dim == 3 and len(P.rays) == 3
    k = np.array([[0.3, 1.7, 0.4], [2.0, -0.5, 1.0], [-1.0, 5.0, -2.0]])
    ref = _mp_cone(P.vertices[0], P.rays, k)
    np.testing.assert_array_less(
        np.abs(se.polytope_fourier(P, k, tol=tol) - ref), RTOL * np.abs(ref)
    )
    # affine weight g = w.x + c: J = I (g(a) + sum_j (w.u_j) / (i k.u_j)); the -i d/dk of I
    w, c = np.array([0.7, -1.1, 0.4]), 0.3
    with mpmath.workdps(40):
        I = _mp_cone(P.vertices[0], P.rays, k)
        corr = np.array([sum(float(w @ u) / (1j * float(kk @ u)) for u in P.rays) for kk in k])
    want = I * (w @ P.vertices[0] + c + corr)
    got = se.affine_polytope_fourier(P, w, c, k, tol=tol)
    np.testing.assert_array_less(np.abs(got - want), 1e-10 * np.abs(want))


@pytest.mark.parametrize("e", [10, 20, 24])
def test_thin_pointed_cone_over_quadrilateral_exact(e: int) -> None:
    """A thin cone with four rays (not simplicial): split into simplicial cones, exact."""
    t = 2.0**-e
    rays = np.array([[1.0, -t, -t], [1.0, t, -t], [1.0, t, t], [1.0, -t, t]])
    tol = se.Tolerances(rank=1e-15)
    P = se.Polytope.from_vertices([[0.0, 0.0, 0.0]], rays=rays, tol=tol)
    assert P.dim == 3 and len(P.rays) == 4
    k = np.array([[0.3, 1.7, 0.4], [-2.0, 0.1, 3.0]])
    got = se.polytope_fourier(P, k, tol=tol)
    # the reference splits along the other diagonal than the engine may
    ref = _mp_cone(np.zeros(3), rays[[1, 2, 3]], k) + _mp_cone(np.zeros(3), rays[[1, 3, 0]], k)
    np.testing.assert_array_less(np.abs(got - ref), RTOL * np.abs(ref))


def test_cancellation_warns_with_bound() -> None:
    """At a zero of the transform the recursion's terms cancel: warn, naming the bound."""
    sq = se.Box([0.0, 0.0], [1.0, 1.0])
    k = np.array([[2 * np.pi, 0.3], [1.0, 0.3]])
    with pytest.warns(se.IllConditionedWarning, match=r"1 of 2 .* bound"):
        got = se.polytope_fourier(sq, k)
    want = np.prod((1 - np.exp(-1j * k)) / (1j * k), axis=1)
    assert abs(got[1] - want[1]) <= RTOL * abs(want[1])
    assert abs(got[0]) < 1e-15  # the value is rounding noise: the warning is not a false alarm
    # a generic polytope and frequency do not warn
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        se.polytope_fourier(se.Box([0, 0, 0], [1, 2, 3]), np.array([[0.3, 1.7, 0.4]]))
