r"""Slivers and nearly parallel kinks, against values computed another way (issue 9).

* A region between x = 0 and x = 1e-10 in the box [-1, 1]^2: exact rational volumes and
  transform at k = 0, and the independent 40-digit clipping of
  :func:`spectral_exact.testing.mp_network_fourier_box` at k != 0 (it reported volume 2.0,
  its length, and a box total of 6 for a box of volume 4).
* On R^2, regions between lines crossing at 2^-18 .. 2^-36 rad: ``face_poset`` of every
  region (it raised "inconsistent incidence" from 2^-30 on), and the transform of the thin
  wedge against Brion's formula for a cone in mpmath,
  :math:`|u_1\\times u_2|\\, e^{-ik\\cdot a} / ((ik\\cdot u_1)(ik\\cdot u_2))`.
"""

import warnings
from fractions import Fraction

import mpmath
import numpy as np
import pytest

import spectral_exact as se
from spectral_exact._tolerances import ROUNDING_ULPS
from spectral_exact.testing import mp_network_fourier_box, mp_network_fourier_rd

BOX = se.Box([-1.0, -1.0], [1.0, 1.0])
#: geometry on [-1, 1]^2 is exact to rounding at the scale of the box: vertex coordinates
#: to a few ulps of 1, so volumes to ~1e-16 absolute (64 ulps allowed, Tolerances' rule)
VOLUME_ATOL = 64 * np.finfo(float).eps * BOX.volume
RTOL = 1e-11


def _sliver_net(eps: float) -> se.ReLUNetwork:
    """F = relu(x) - 2 relu(x - eps): kinks at x = 0 and x = eps."""
    return se.ReLUNetwork(
        [np.array([[1.0, 0.0], [1.0, 0.0]]), np.array([[1.0, -2.0]])],
        [np.array([0.0, -eps]), np.array([0.0])],
    )


def _exact_sliver(eps: float) -> tuple[dict[tuple[bool, bool], Fraction], Fraction]:
    """Exact region areas by pattern and the exact integral of f over the box."""
    e = Fraction(eps)
    areas = {(False, False): Fraction(2), (True, False): 2 * e, (True, True): 2 * (1 - e)}
    # int_box f = 2 [int_0^1 x dx - 2 int_e^1 (x - e) dx] = 2 [1/2 - (1 - e)^2]
    return areas, 2 * (Fraction(1, 2) - (1 - e) ** 2)


@pytest.mark.parametrize("eps", [1e-10, 1e-8])
def test_sliver_region_has_its_true_area(eps):
    net = _sliver_net(eps)
    regions = se.linear_regions(net, BOX)
    areas, integral = _exact_sliver(eps)
    got = {tuple(bool(b) for b in r.pattern[0]): r.polytope for r in regions}
    assert set(got) == set(areas)
    for pattern, P in got.items():
        assert P.dim == 2
        assert abs(P.volume - float(areas[pattern])) <= VOLUME_ATOL, (pattern, P.volume)
    sliver = got[(True, False)]
    assert sliver.volume == pytest.approx(2 * eps, rel=1e-5)  # it reported 2.0
    assert abs(regions.total_volume - 4.0) <= VOLUME_ATOL
    F0 = se.network_fourier(net, [0.0, 0.0], domain=BOX)
    assert abs(F0 - float(integral)) <= 1e-15


def test_a_sliver_below_the_width_tolerance_is_dropped_not_misreported():
    """1e-13 wide (5e-14 of the box): below ``Tolerances.min_width`` the piece is merged
    into its neighbour (its area, 2e-13, moves there); areas still add up to the box's and the
    transform stays exact (f differs from the neighbour's affine piece by < 1e-13 there).
    """
    eps = 1e-13
    regions = se.linear_regions(_sliver_net(eps), BOX)
    areas, integral = _exact_sliver(eps)
    assert len(regions) == 2
    for r in regions:
        assert r.polytope.dim == 2
        want = float(areas[tuple(bool(b) for b in r.pattern[0])])
        assert abs(r.polytope.volume - want) <= VOLUME_ATOL + 2 * eps
    assert abs(regions.total_volume - 4.0) <= VOLUME_ATOL
    F0 = se.network_fourier(_sliver_net(eps), [0.0, 0.0], domain=BOX)
    assert abs(F0 - float(integral)) <= 1e-15


@pytest.mark.filterwarnings("ignore::spectral_exact.IllConditionedWarning")
@pytest.mark.parametrize("eps", [1e-10, 1e-13])
def test_sliver_transform_against_mpmath_clipping(eps):
    net = _sliver_net(eps)
    rng = np.random.default_rng(0)
    k = np.concatenate([rng.normal(size=(3, 2)) * 5, [[1e9, 0.0], [3e9, 1.0]]])
    ref = mp_network_fourier_box(net, BOX.lo, BOX.hi, k)
    F = se.network_fourier(net, k, domain=BOX)
    scale = np.abs(ref[:3]).max()
    np.testing.assert_allclose(F[:3], ref[:3], rtol=RTOL)
    # at |k| ~ 1/eps the sliver's own oscillation shows: absolute, at the transform's scale
    np.testing.assert_allclose(F[3:], ref[3:], rtol=0, atol=1e-12 * scale)


def _wedge_net(theta: float) -> se.ReLUNetwork:
    W1 = np.array([[0.0, 1.0], [-np.sin(theta), np.cos(theta)], [1.0, 0.3]])
    return se.ReLUNetwork(
        [W1, np.array([[1.0, -2.0, 0.5]])], [np.array([0.0, 0.0, 0.2]), np.array([0.0])]
    )


def _deep_wedge_net(theta: float) -> se.ReLUNetwork:
    """The same nearly parallel first layer, then a second hidden layer (F is not 0 on R^2)."""
    W1 = np.array([[0.0, 1.0], [-np.sin(theta), np.cos(theta)], [1.0, 0.3]])
    W2 = np.array([[1.0, -0.5, 0.3], [0.2, 1.0, -0.7]])
    return se.ReLUNetwork(
        [W1, W2, np.array([[1.0, -1.5]])],
        [np.array([0.0, 0.0, 0.2]), np.array([0.1, -0.2]), np.array([0.0])],
    )


def _mp_cone(apex, u1, u2, k):  # type: ignore[no-untyped-def]
    """Indicator transform of the cone ``apex + cone(u1, u2)`` in R^2 (Abel), 40 digits."""
    out = []
    with mpmath.workdps(80):
        a = [mpmath.mpf(float(x)) for x in apex]
        m1 = [mpmath.mpf(float(x)) for x in u1]
        m2 = [mpmath.mpf(float(x)) for x in u2]
        area = abs(m1[0] * m2[1] - m1[1] * m2[0])
        for kk in k:
            km = [mpmath.mpf(float(x)) for x in kk]
            t1 = km[0] * m1[0] + km[1] * m1[1]
            t2 = km[0] * m2[0] + km[1] * m2[1]
            e = mpmath.expj(-(km[0] * a[0] + km[1] * a[1]))
            out.append(complex(area * e / (mpmath.mpc(0, t1) * mpmath.mpc(0, t2))))
    return np.array(out)


@pytest.mark.parametrize("e", range(18, 37, 2))
def test_nearly_parallel_kinks_on_R2_give_consistent_face_posets(e):
    theta = 2.0**-e
    net = _wedge_net(theta)
    for domain in (None, BOX):
        regions = se.linear_regions(net, domain)
        for r in regions:
            G = se.face_poset(r.polytope)  # raised "inconsistent incidence" from 2^-30 on
            P = r.polytope
            # exact structure: full-dimensional, Euler characteristic of a polygon / cone
            assert G.nodes[frozenset(range(len(P.vertices) + len(P.rays)))]["dim"] == 2
            fv = se.f_vector(G)
            if P.is_bounded:
                assert fv[0] - fv[1] + fv[2] == 1 and fv[0] == fv[1]
            else:
                assert fv[0] - fv[1] + fv[2] == 0


@pytest.mark.parametrize("e", [18, 20, 22])
def test_nearly_parallel_kinks_network_transform_on_R2(e):
    """Against the independent mpmath clipping. The second layer's kinks meet the nearly
    parallel lines ~2^e away: the shared complex merged distinct vertices 1e-10 apart and the
    fused route was off by 1.2e-7 at 2^-20; it is now refused for such a net (the per-region
    route is exact) and the error bound holds.
    """
    theta = 2.0**-e
    k = np.array([[0.3, 2.0], [-1.0, 0.7], [5.0, 3.0]])
    deep = _deep_wedge_net(theta)
    vmax = max(float(np.max(np.abs(r.polytope.vertices))) for r in se.linear_regions(deep))
    ref = mp_network_fourier_rd(deep, k, 4.0 * vmax + 4.0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", se.IllConditionedWarning)
        F, bound = se.network_fourier(deep, k, return_error=True)
    err = np.abs(F - ref)
    assert np.all(err <= bound)
    assert np.all(err <= 1e-9 * np.abs(ref))


@pytest.mark.filterwarnings("ignore::spectral_exact.IllConditionedWarning")
@pytest.mark.parametrize("e", [18, 24, 30, 34])
def test_thin_wedge_transform_against_brion(e):
    """The thin wedge's own indicator transform against Brion's formula for a cone."""
    theta = 2.0**-e
    k = np.array([[0.3, 2.0], [-1.0, 0.7], [5.0, 3.0]])
    regions = se.linear_regions(_wedge_net(theta), None)
    wedges = [r.polytope for r in regions if len(r.polytope.vertices) == 1]
    wedges = [
        P for P in wedges if abs(P.rays[0][0] * P.rays[1][1] - P.rays[0][1] * P.rays[1][0]) < 1e-4
    ]
    assert len(wedges) == 1  # the thin wedge at the origin (its opposite is cut by x + 0.3 y)
    P = wedges[0]
    cone = _mp_cone(P.vertices[0], P.rays[0], P.rays[1], k)
    # the recursion sums two ray terms ~ 1/(k.u) into a value ~ theta/(k.u)^2: its facet
    # normals (from the H-representation) agree with the rays to rounding, so it keeps
    # ~ eps/theta relative (measured 1e-16/theta); the network route above does not cancel
    wedge_rtol = ROUNDING_ULPS * np.finfo(float).eps / theta
    np.testing.assert_allclose(se.polytope_fourier(P, k), cone, rtol=max(RTOL, wedge_rtol))
