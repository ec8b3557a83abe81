"""Scale is data: tiny, huge, far-away and thin polytopes are exact (issue 9, deliverable 1).

References are computed another way: exact rational areas (fractions) of the floating-point
vertices, and the scaling law of the transform, int_{sP} e^{-ik.x} = s^d F_P(s k).
"""

import warnings
from fractions import Fraction

import numpy as np
import pytest

import spectral_exact as se

UNIT_TRIANGLE = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0]])
K_UNIT = np.array([[0.0, 0.0], [3.0, 1.0], [-40.0, 25.0], [1e3, -7.0]])


def exact_area(V):
    """Shoelace formula in exact rational arithmetic on the float vertices (a convex polygon)."""
    P = [[Fraction(float(x)) for x in v] for v in V]
    c = [sum(p[i] for p in P) / len(P) for i in range(2)]
    P.sort(key=lambda p: np.arctan2(float(p[1] - c[1]), float(p[0] - c[0])))
    s = sum(
        P[i][0] * P[(i + 1) % len(P)][1] - P[(i + 1) % len(P)][0] * P[i][1] for i in range(len(P))
    )
    return abs(s) / 2


@pytest.mark.parametrize("s", [1e-12, 1e-8, 1e-3, 1e3, 1e8, 1e12])
def test_triangle_at_every_scale(s):
    P1 = se.Polytope.from_vertices(UNIT_TRIANGLE)
    Ps = se.Polytope.from_vertices(s * UNIT_TRIANGLE)
    assert Ps.dim == 2
    assert Ps.volume == pytest.approx(float(exact_area(s * UNIT_TRIANGLE)), rel=1e-14)
    F1 = se.polytope_fourier(P1, K_UNIT)
    Fs = se.polytope_fourier(Ps, K_UNIT / s)
    np.testing.assert_allclose(Fs, s**2 * F1, rtol=1e-12, atol=0)


@pytest.mark.parametrize("offset", [1e6, -3e8])
def test_tiny_triangle_far_from_the_origin(offset):
    V = offset + 1e-6 * UNIT_TRIANGLE
    P = se.Polytope.from_vertices(V)
    area = float(exact_area(V))  # of the float vertices, which are not exactly 1e-6 apart
    assert P.volume == pytest.approx(area, rel=1e-13)
    assert complex(se.polytope_fourier(P, [0.0, 0.0])) == pytest.approx(area, rel=1e-13)


@pytest.mark.parametrize("aspect", [1e-4, 1e-6, 1e-8])
def test_thin_triangle_keeps_its_dimension(aspect):
    V = np.array([[0.0, 0.0], [1.0, 0.0], [0.3, aspect]])
    with warnings.catch_warnings():
        warnings.simplefilter("error", se.DegenerateGeometryWarning)
        P = se.Polytope.from_vertices(V)
    assert P.dim == 2
    assert P.volume == pytest.approx(float(exact_area(V)), rel=1e-12)


def test_simplex_in_3d_at_extreme_scales():
    S = np.vstack([np.zeros(3), np.eye(3)])
    k = np.array([[0.0, 0.0, 0.0], [2.0, -1.0, 0.5], [30.0, 10.0, -7.0]])
    F1 = se.polytope_fourier(se.Polytope.from_vertices(S), k)
    for s in (1e-9, 1e10):
        P = se.Polytope.from_vertices(s * S)
        assert P.volume == pytest.approx(s**3 / 6, rel=1e-13)
        np.testing.assert_allclose(se.polytope_fourier(P, k / s), s**3 * F1, rtol=1e-12)


@pytest.mark.parametrize("s", [1e-8, 1e8, 1e12])
def test_halfspaces_at_every_scale(s):
    A = np.array([[-1.0, 0.0], [0.0, -1.0], [1.0, 1.0]])
    P = se.Polytope.from_halfspaces(A, np.array([0.0, 0.0, s]))
    assert len(P.vertices) == 3
    assert P.volume == pytest.approx(s * s / 2, rel=1e-13)


def test_flat_within_tolerance_is_said():
    A = np.array([[1.0, 0.0], [-1.0, 0.0], [0.0, 1.0], [0.0, -1.0]])
    with pytest.warns(se.DegenerateGeometryWarning, match="treated as 1-dimensional"):
        P = se.Polytope.from_halfspaces(A, np.array([1e-15, 0.0, 1.0, 1.0]))
    assert P.dim == 1
    with pytest.warns(se.DegenerateGeometryWarning, match=r"principal extent [0-9.]+e-13"):
        Q = se.Polytope.from_vertices([[0.0, 0.0], [1.0, 0.0], [0.0, 1e-12]])
    assert Q.dim == 1
    # exactly lower dimensional input is not a warning: a triangle in R^3
    with warnings.catch_warnings():
        warnings.simplefilter("error", se.DegenerateGeometryWarning)
        assert se.Polytope.from_vertices(np.eye(3)).dim == 2


def test_zero_distance_scales_with_the_data():
    from spectral_exact._tolerances import zero_distance

    tri = UNIT_TRIANGLE
    assert zero_distance(1e-8 * tri) == pytest.approx(1e-8 * zero_distance(tri), rel=1e-12)
    far = 1e6 + 1e-6 * tri
    assert zero_distance(far) < 1e-7  # below the object's size, above the rounding at 1e6
    assert zero_distance(far) > 1e6 * np.finfo(float).eps


@pytest.mark.parametrize("thickness", [2.0**-20, 2.0**-33, 1e-12])
def test_thin_simplex_factor_against_exact_determinant(thickness):
    """M! vol of a thin tetrahedron vs the exact rational determinant of its float vertices."""
    from spectral_exact.fourier.indicator import _simplex_factor

    S = np.array([[0, 0, 0], [1, 1e-9, 0], [0, 1, thickness], [1, 1 + thickness, 0.3 * thickness]])
    E = [
        [Fraction(float(S[i + 1][j])) - Fraction(float(S[0][j])) for j in range(3)]
        for i in range(3)
    ]
    a, b, c = E
    det = (
        a[0] * (b[1] * c[2] - b[2] * c[1])
        - a[1] * (b[0] * c[2] - b[2] * c[0])
        + a[2] * (b[0] * c[1] - b[1] * c[0])
    )
    assert _simplex_factor(S) == pytest.approx(float(abs(det)), rel=1e-13)


@pytest.mark.parametrize("crease", [2.0**-24, 2.0**-30])
def test_roof_with_a_shallow_crease_keeps_its_crease_vertices(crease):
    """Unit cube with a ridge raised by ``crease``: 10 vertices, volume 1 + crease / 2."""
    cube = [[x, y, z] for z in (0, 1) for x in (0, 1) for y in (0, 1)]
    V = np.array([*cube, [0.5, 0.0, 1 + crease], [0.5, 1.0, 1 + crease]])
    P = se.Polytope.from_vertices(V)
    assert len(P.vertices) == 10
    assert P.volume == pytest.approx(1 + crease / 2, rel=1e-15)
    assert complex(se.polytope_fourier(P, [0.0, 0.0, 0.0])) == pytest.approx(1 + crease / 2)


@pytest.mark.parametrize("kk", [1e-300, 1e-15, 1e-9, 1e-3, 0.3])
def test_every_route_is_accurate_at_small_k(kk):
    """Routes that divide by |k|^2 hand small |k| to the stable route (issue 9: they were
    100% wrong at |k| = 1e-9 and inf/nan at 1e-300); compared with 40-digit mpmath.
    """
    from spectral_exact.testing import mp_network_fourier_box

    net = se.ReLUNetwork.random((2, 6, 5, 1), seed=2)
    k = np.array([kk, -0.6 * kk])
    ref = complex(mp_network_fourier_box(net, [-1, -1], [1, 1], k))
    for method in ("regions", "lemma1", "laplacian", "fused"):
        F = complex(se.network_fourier(net, k, domain=se.Box([-1, -1], [1, 1]), method=method))
        assert abs(F - ref) <= 1e-12 * abs(ref), method
