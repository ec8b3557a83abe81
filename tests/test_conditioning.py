r"""The error bound of ``network_fourier(..., return_error=True)`` and ``IllConditionedWarning``.

Near the singular set on R^d (``k`` nearly orthogonal to an unbounded kink facet) the transform
is a cancellation of terms ~ ``1/|k.u|``: the bound must contain the true error, measured
against 40-digit references computed another way, and grow so that the warning fires; at
generic ``k`` it must be small and silent.

References: on R^2 :func:`spectral_exact.testing.mp_network_fourier_rd` (its own mpmath
clipping of the plane, Green's identity with rays); on R^3 Brion's formula in mpmath over the
kink polygons of the engine's complex (vertices taken as exact binary floats: a different
evaluation of every polygon integral, :math:`\\int_G e^{-ik.x} = \\sum_v |e_1\\times e_2|
e^{-ik.v} / ((ik.e_1)(ik.e_2))` over the tangent cones, at a working precision raised by the
digits it cancels); on boxes :func:`spectral_exact.testing.mp_network_fourier_box`.
"""

import warnings

import mpmath
import numpy as np
import pytest

import spectral_exact as se
from spectral_exact.fourier.spectrum import ILL_CONDITIONED_RTOL
from spectral_exact.testing import mp_network_fourier_box, mp_network_fourier_rd

#: angles (rad) off a direction orthogonal to an unbounded kink facet; the engine declares
#: ``k`` singular at ``Tolerances.singular = 1e-12`` relative, so the last is 3e-12
ANGLES = [1e-3, 1e-6, 1e-9, 3e-12]
#: at generic k the bound must be this small relative to |F| (well below the warning level)
GENERIC_RTOL = 1e-9


def _rotate2(n, ang):  # type: ignore[no-untyped-def]
    c, s = np.cos(ang), np.sin(ang)
    return np.array([c * n[0] - s * n[1], s * n[0] + c * n[1]])


def _rotate(v, ang, rng):  # type: ignore[no-untyped-def]
    w = rng.normal(size=v.shape)
    w -= (w @ v) * v
    w /= np.linalg.norm(w)
    return np.cos(ang) * v + np.sin(ang) * w


def _mp_brion_rd3(prep, k, dps=40):  # type: ignore[no-untyped-def]
    """``F(k)`` on R^3 from the kink polygons of ``prep``'s complex, in mpmath (Brion)."""
    fd = prep.fused
    V = fd.vertices
    faces = []
    for g in range(len(fd.face_coef)):
        c = fd.face_coef[g]
        if c == 0.0:
            continue
        dirs: dict[int, list[np.ndarray]] = {}
        for e in fd.face_edge[fd.face_ptr[g] : fd.face_ptr[g + 1]].tolist():
            if e >= 0:
                a, b = int(fd.edge_a[e]), int(fd.edge_b[e])
                dirs.setdefault(a, []).append(V[b] - V[a])
                dirs.setdefault(b, []).append(V[a] - V[b])
            else:
                r = -1 - e
                dirs.setdefault(int(fd.ray_a[r]), []).append(fd.ray_u[r])
        assert all(len(d) == 2 for d in dirs.values())
        faces.append((c, dirs))
    out = []
    for kk in np.atleast_2d(k):
        # digits lost: the tangent-cone terms are ~ 1/(k.e1 k.e2) times the polygon's size
        worst = min(
            abs(float(kk @ e)) / (np.linalg.norm(kk) * np.linalg.norm(e))
            for _, dirs in faces
            for pair in dirs.values()
            for e in pair
        )
        work = dps + 30 + int(4 * max(0.0, -np.log10(worst)))
        with mpmath.workdps(work):
            km = [mpmath.mpf(float(x)) for x in kk]
            total = mpmath.mpc(0)
            for c, dirs in faces:
                acc = mpmath.mpc(0)
                for v, (e1, e2) in dirs.items():
                    m1 = [mpmath.mpf(float(x)) for x in e1]
                    m2 = [mpmath.mpf(float(x)) for x in e2]
                    cross = [
                        m1[1] * m2[2] - m1[2] * m2[1],
                        m1[2] * m2[0] - m1[0] * m2[2],
                        m1[0] * m2[1] - m1[1] * m2[0],
                    ]
                    area = mpmath.sqrt(sum(x * x for x in cross))
                    t1 = sum(a * b for a, b in zip(km, m1))
                    t2 = sum(a * b for a, b in zip(km, m2))
                    ph = sum(a * mpmath.mpf(float(b)) for a, b in zip(km, V[v]))
                    acc += area * mpmath.expj(-ph) / (mpmath.mpc(0, t1) * mpmath.mpc(0, t2))
                total += mpmath.mpf(float(c)) * acc
            out.append(complex(-total / sum(x * x for x in km)))
    return np.array(out)


def _call(prep, k):  # type: ignore[no-untyped-def]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        F, bound = se.network_fourier(prep, k, return_error=True)
    flagged = [w for w in caught if issubclass(w.category, se.IllConditionedWarning)]
    return F, bound, flagged


@pytest.mark.parametrize("arch, seed", [((2, 5, 4, 1), 7), ((2, 6, 5, 1), 1)])
def test_bound_contains_the_error_near_the_singular_set_on_R2(arch, seed):
    net = se.ReLUNetwork.random(arch, seed=seed)
    prep = se.prepare_network(net, None)
    fd = prep.fused
    u = fd.ray_u[np.argmax(np.abs(fd.ray_coef))]  # the unbounded kink edge with most weight
    n = np.array([-u[1], u[0]])  # k along n is on the singular set
    k = np.array([r * _rotate2(n, a) for r in (1.0, 7.0) for a in ANGLES])
    radius = 4.0 * float(np.max(np.linalg.norm(prep.complex.vertices, axis=1)))
    ref = mp_network_fourier_rd(net, k, radius)
    F, bound, flagged = _call(prep, k)
    err = np.abs(F - ref)
    assert np.all(err <= bound), (err / bound).tolist()
    # the bound tracks the loss: at 1e-3 rad a few digits, at 3e-12 rad more than half of them
    rel = bound / np.abs(ref)
    assert np.all(rel[[0, 4]] < ILL_CONDITIONED_RTOL)
    assert np.all(rel[[3, 7]] > ILL_CONDITIONED_RTOL)
    assert len(flagged) == 1
    assert "ILL_CONDITIONED_RTOL" in str(flagged[0].message)


def test_bound_contains_the_error_near_the_singular_set_on_R3():
    net = se.ReLUNetwork.random((3, 4, 3, 1), seed=2)
    prep = se.prepare_network(net, None)
    fd = prep.fused
    unb = np.flatnonzero(~fd.face_bounded & (fd.face_coef != 0))
    g = unb[np.argmax(np.abs(fd.face_coef[unb]))]
    n = fd.face_normal[g]  # k along it is orthogonal to an unbounded kink polygon: singular
    # tilt k towards the in-plane direction farthest from orthogonal to the polygon's rays
    rays = fd.ray_u[np.abs(fd.ray_u @ n) < 1e-8]
    w = np.random.default_rng(0).normal(size=(64, 3))
    w -= np.outer(w @ n, n)
    w /= np.linalg.norm(w, axis=1, keepdims=True)
    w = w[np.argmax(np.min(np.abs(w @ rays.T), axis=1))]
    k = np.array([r * (np.cos(a) * n + np.sin(a) * w) for r in (1.0, 6.0) for a in ANGLES])
    ref = _mp_brion_rd3(prep, k)
    F, bound, flagged = _call(prep, k)
    err = np.abs(F - ref)
    assert np.all(err <= bound), (err / bound).tolist()
    rel = bound / np.abs(ref)
    assert np.all(rel[[0, 4]] < ILL_CONDITIONED_RTOL)
    assert np.all(rel[[3, 7]] > ILL_CONDITIONED_RTOL)
    assert len(flagged) == 1


def test_brion_reference_matches_the_engine_at_generic_k():
    """The R^3 reference itself, at generic k where every route is accurate."""
    net = se.ReLUNetwork.random((3, 4, 3, 1), seed=2)
    prep = se.prepare_network(net, None)
    k = np.random.default_rng(1).normal(size=(3, 3)) * 3
    np.testing.assert_allclose(
        _mp_brion_rd3(prep, k), se.network_fourier(prep, k, method="lemma1"), rtol=1e-11
    )


@pytest.mark.parametrize("domain", [se.Box([-1.0, -0.5], [1.0, 1.5]), None])
def test_bound_is_small_and_silent_at_generic_k_in_2d(domain):
    net = se.ReLUNetwork.random((2, 5, 4, 1), seed=7)
    prep = se.prepare_network(net, domain)
    rng = np.random.default_rng(3)
    k = rng.normal(size=(8, 2)) * np.array([[0.01], [0.3], [1], [3], [10], [30], [50], [80]])
    if domain is None:
        radius = 4.0 * float(np.max(np.linalg.norm(prep.complex.vertices, axis=1)))
        ref = mp_network_fourier_rd(net, k, radius)
    else:
        ref = mp_network_fourier_box(net, domain.lo, domain.hi, k)
    F, bound, flagged = _call(prep, k)
    assert not flagged
    assert np.all(np.abs(F - ref) <= bound)
    # up to |k| ~ 10 the bound is tiny; beyond, F decays like |k|^-3 on R^2 and the phases'
    # rounding shows, still well below the warning level
    rel = bound / np.abs(ref)
    assert np.all(rel[:4] <= GENERIC_RTOL)
    assert np.all(rel <= ILL_CONDITIONED_RTOL)


@pytest.mark.parametrize("domain", [se.Box([-1.0] * 3, [1.0] * 3), None])
@pytest.mark.parametrize("method", [None, "regions", "lemma1", "laplacian"])
def test_every_route_returns_a_bound_that_holds_in_3d(domain, method):
    net = se.ReLUNetwork.random((3, 4, 3, 1), seed=2)
    prep = se.prepare_network(net, domain)
    k = np.random.default_rng(4).normal(size=(5, 3)) * 4
    if domain is None:
        ref = _mp_brion_rd3(prep, k)
        if method == "regions":  # the regions route on R^d loses digits (documented)
            return
    else:
        ref = se.network_fourier(prep, k, method="regions")
    with warnings.catch_warnings():
        warnings.simplefilter("error", se.IllConditionedWarning)
        F, bound = se.network_fourier(prep, k, method=method, return_error=True)
    assert F.shape == bound.shape == (5,)
    assert np.all(bound > 0)
    assert np.all(bound <= GENERIC_RTOL * np.abs(F))
    if domain is None:
        assert np.all(np.abs(F - ref) <= bound)


def test_return_error_shapes_and_one_input_networks():
    relu = se.ReLUNetwork([np.array([[1.0]]), np.array([[1.0]])], [np.zeros(1), np.zeros(1)])
    k = np.array([[[2.0], [3.0]]])
    F, bound = se.network_fourier(relu, k, return_error=True)
    assert F.shape == bound.shape == (1, 2)
    np.testing.assert_allclose(F, -1.0 / k[..., 0] ** 2, rtol=1e-14)
    assert np.all(np.abs(F + 1.0 / k[..., 0] ** 2) <= bound)
    with pytest.raises(se.InvalidArgumentError, match="return_error"):
        se.network_fourier(relu, [2.0], return_error="yes")  # type: ignore[arg-type]


def test_the_warning_is_a_spectral_exact_warning():
    assert issubclass(se.IllConditionedWarning, se.SpectralExactWarning)
    assert issubclass(se.SpectralExactWarning, UserWarning)
