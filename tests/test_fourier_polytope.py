"""Polytope transforms against closed forms and the 40-digit mpmath reference.

The degenerate sweeps are the heart of Theorem 1: ``k`` exactly orthogonal to a face, within
1e-16..1e-2 rad of such a direction, ``|k| -> 0`` and ``|k| diam`` up to 1e4 must all be
accurate to 1e-11 relative.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import spectral_exact as se
from spectral_exact.testing import (
    assert_transform_close,
    mp_affine_polytope_fourier,
    mp_polytope_fourier,
    mp_simplex_fourier,
)

REF = Path(__file__).resolve().parent / "data" / "windowed_fourier_cases.json"
RTOL = 1e-11


def _interval_ft(lo: np.ndarray, hi: np.ndarray, k: np.ndarray) -> np.ndarray:
    """Closed form of int_lo^hi e^{-ikx} dx per axis (k = 0 handled exactly)."""
    L = hi - lo
    mid = (lo + hi) / 2
    return L * np.exp(-1j * k * mid) * np.sinc(k * L / (2 * np.pi))


def _rotate2(v: np.ndarray, ang: float) -> np.ndarray:
    c, s = np.cos(ang), np.sin(ang)
    return np.array([c * v[0] - s * v[1], s * v[0] + c * v[1]])


def _rotate3(v: np.ndarray, axis: np.ndarray, ang: float) -> np.ndarray:
    a = axis / np.linalg.norm(axis)
    return v * np.cos(ang) + np.cross(a, v) * np.sin(ang) + a * (a @ v) * (1 - np.cos(ang))


# ------------------------------------------------------------------ hand-solved cases
def test_box_matches_product_of_interval_transforms() -> None:
    box = se.Box([-0.3, 0.2, -1.0], [0.7, 1.5, 0.25])
    rng = np.random.default_rng(0)
    k = np.vstack([rng.normal(size=(200, 3)) * 30, np.eye(3) * 17.0, np.zeros((1, 3))])
    k[5, 1] = 0.0  # exactly orthogonal to a pair of facets
    want = np.prod(_interval_ft(box.lo, box.hi, k), axis=1)
    assert_transform_close(se.polytope_fourier(box, k), want, rtol=RTOL, what="box")


def test_shared_reference_triangle() -> None:
    data = json.loads(REF.read_text())
    for case in data["polygons"]:
        P = se.Polytope.from_vertices(case["vertices"])
        want = np.array([a + 1j * b for a, b in case["F"]])
        assert_transform_close(se.polytope_fourier(P, case["k"]), want, rtol=RTOL)


def test_invariants_volume_conjugate_translation(unit_simplex: se.Polytope) -> None:
    rng = np.random.default_rng(1)
    P = se.Polytope.from_vertices(rng.normal(size=(8, 3)))
    assert abs(se.polytope_fourier(P, [0.0, 0.0, 0.0]) - P.volume) <= 1e-14 * P.volume
    k = rng.normal(size=(50, 3)) * 10
    F = se.polytope_fourier(P, k)
    assert_transform_close(se.polytope_fourier(P, -k), np.conj(F), rtol=1e-13)
    shift = np.array([0.3, -1.1, 2.0])
    Q = se.Polytope.from_vertices(P.vertices + shift)
    assert_transform_close(se.polytope_fourier(Q, k), F * np.exp(-1j * k @ shift), rtol=RTOL)
    assert se.polytope_fourier(unit_simplex, [0.0, 0.0]) == pytest.approx(0.5, rel=1e-15)


def test_affine_on_box_closed_form() -> None:
    """int_box (w.x + c) e^{-ik.x} dx from 1-D closed forms (x e^{-ikx} integrated by parts)."""
    lo, hi = np.array([0.0, -1.0]), np.array([2.0, 0.5])
    w, c = np.array([0.7, -1.3]), 0.4
    rng = np.random.default_rng(2)
    k = np.vstack([rng.normal(size=(40, 2)) * 8, [[0.0, 3.0], [2.0, 0.0], [0.0, 0.0]]])

    def moment1(a: float, b: float, kk: np.ndarray) -> np.ndarray:
        out = np.empty(len(kk), complex)
        z = kk == 0
        out[z] = (b * b - a * a) / 2
        q = kk[~z]
        out[~z] = (1j * b / q + 1 / q**2) * np.exp(-1j * q * b) - (1j * a / q + 1 / q**2) * np.exp(
            -1j * q * a
        )
        return out

    I0 = _interval_ft(lo, hi, k)  # (K, 2)
    m1 = np.stack([moment1(lo[i], hi[i], k[:, i]) for i in range(2)], axis=1)
    want = c * I0[:, 0] * I0[:, 1] + w[0] * m1[:, 0] * I0[:, 1] + w[1] * I0[:, 0] * m1[:, 1]
    got = se.affine_polytope_fourier(se.Box(lo, hi), w, c, k)
    assert_transform_close(got, want, rtol=RTOL)


# ------------------------------------------------------------------ degenerate sweeps
RADII = [1e-3, 1.0, 100.0, 1e4]
OFFSETS = [0.0, 1e-16, 1e-12, 1e-8, 1e-4, 1e-2]


def test_polygon_degenerate_sweep_against_mpmath() -> None:
    rng = np.random.default_rng(3)
    P = se.Polytope.from_vertices(rng.normal(size=(7, 2)))
    e = P.vertices[1] - P.vertices[0]
    G = se.face_poset(P)
    edge = next(n for n in G if G.nodes[n]["dim"] == 1)
    e = G.nodes[edge]["vertices"][1] - G.nodes[edge]["vertices"][0]
    normal = np.array([-e[1], e[0]]) / np.linalg.norm(e)
    ks = np.array([r * _rotate2(normal, a) for r in RADII for a in OFFSETS])
    w, c = np.array([0.3, -1.2]), 0.7
    assert_transform_close(
        se.polytope_fourier(P, ks), mp_polytope_fourier(P.vertices, ks), rtol=RTOL, what="I"
    )
    assert_transform_close(
        se.affine_polytope_fourier(P, w, c, ks),
        mp_affine_polytope_fourier(P.vertices, w, c, ks),
        rtol=RTOL,
        what="affine",
    )


def _polytope_3d_sweep(n_radii: int) -> None:
    rng = np.random.default_rng(4)
    P = se.Polytope.from_vertices(rng.normal(size=(9, 3)))
    G = se.face_poset(P)
    edge = next(n for n in G if G.nodes[n]["dim"] == 1)
    ed = G.nodes[edge]["vertices"][1] - G.nodes[edge]["vertices"][0]
    perp = np.cross(ed, rng.normal(size=3))
    bases = [P.A[0], perp / np.linalg.norm(perp)]  # facet normal; orthogonal to an edge
    ks = []
    for base in bases:
        axis = np.cross(base, [0.3, 0.5, 0.8])
        for r in RADII[:n_radii]:
            for a in OFFSETS:
                ks.append(r * _rotate3(base, axis, a))
    ks_arr = np.array(ks)
    w, c = np.array([0.3, -1.2, 0.5]), -0.2
    assert_transform_close(
        se.polytope_fourier(P, ks_arr), mp_polytope_fourier(P.vertices, ks_arr), rtol=RTOL
    )
    assert_transform_close(
        se.affine_polytope_fourier(P, w, c, ks_arr),
        mp_affine_polytope_fourier(P.vertices, w, c, ks_arr),
        rtol=RTOL,
    )


def test_polytope_3d_degenerate_sweep_against_mpmath() -> None:
    _polytope_3d_sweep(n_radii=2)


@pytest.mark.slow
def test_polytope_3d_degenerate_sweep_full() -> None:
    _polytope_3d_sweep(n_radii=len(RADII))


def test_lower_dimensional_faces_embedded() -> None:
    tri = np.array([[0.1, 0.2, 0.3], [1.0, -0.4, 0.2], [0.3, 0.9, -0.5]])
    P = se.Polytope.from_vertices(tri)
    assert P.dim == 2
    n = np.cross(tri[1] - tri[0], tri[2] - tri[0])
    n /= np.linalg.norm(n)
    ks = np.array([[0.0, 0.0, 0.0], 7 * n, 7 * n + [1e-9, 0, 0], [3.0, -2.0, 5.0], 1e3 * n])
    assert_transform_close(se.polytope_fourier(P, ks), mp_simplex_fourier(tri, ks), rtol=RTOL)
    seg = se.Polytope.from_vertices([[0.0, 1.0], [2.0, -1.0]])
    kk = np.array([[1.0, 1.0], [3.0, -1.0], [0.0, 0.0]])
    want = mp_simplex_fourier(seg.vertices, kk)
    assert_transform_close(se.polytope_fourier(seg, kk), want, rtol=RTOL)


# ------------------------------------------------------------------ unbounded polyhedra
def test_simplicial_cone_closed_form() -> None:
    """Int over cone(r1, r2) + a of e^{-ik.x} = e^{-ik.a} |det R| / prod(i k.r_j)."""
    r1, r2 = np.array([1.0, 0.2]), np.array([-0.5, 1.0])
    a = np.array([0.3, -0.7])
    P = se.Polytope.from_vertices([a], rays=[r1, r2])
    rng = np.random.default_rng(5)
    k = rng.normal(size=(30, 2)) * 4
    want = (
        np.exp(-1j * k @ a)
        * abs(np.linalg.det(np.array([r1, r2])))
        / ((1j * k @ r1) * (1j * k @ r2))
    )
    assert_transform_close(se.polytope_fourier(P, k), want, rtol=1e-12)


def test_unbounded_singular_set_raises() -> None:
    quadrant = se.Polytope.from_halfspaces([[-1.0, 0.0], [0.0, -1.0]], [0.0, 0.0])
    with pytest.raises(se.SingularFrequencyError, match="orthogonal to an unbounded"):
        se.polytope_fourier(quadrant, [1.0, 0.0])
    with pytest.raises(se.SingularFrequencyError):
        se.polytope_fourier(quadrant, [0.0, 0.0])


def test_lineality_zero_off_singular_set() -> None:
    half = se.Polytope.from_halfspaces([[1.0, 0.0]], [0.5])
    assert len(half.lineality) == 1
    np.testing.assert_array_equal(se.polytope_fourier(half, [[1.0, 2.0], [0.5, -3.0]]), 0)
    with pytest.raises(se.SingularFrequencyError, match="lineality"):
        se.polytope_fourier(half, [2.0, 0.0])


def test_bad_frequencies() -> None:
    box = se.Box([0, 0], [1, 1])
    with pytest.raises(se.InvalidFrequencyError, match=r"shape \(\.\.\., 2\)"):
        se.polytope_fourier(box, [1.0, 2.0, 3.0])
    with pytest.raises(se.InvalidFrequencyError, match="non-finite"):
        se.polytope_fourier(box, [np.nan, 1.0])
    with pytest.raises(se.InvalidPolytopeError, match="finite vector"):
        se.affine_polytope_fourier(box, [1.0], 0.0, [1.0, 1.0])


def test_polygon_fast_path_equals_face_poset_route() -> None:
    """The batched polygon preparation and the general face-poset route give the same numbers."""
    from spectral_exact.fourier import indicator as fp

    net = se.ReLUNetwork.random((2, 6, 6, 1), seed=4)
    regions = se.linear_regions(net, se.Box([-1, -1], [1, 1]))
    polys = [r.polytope for r in regions]
    weights = [(r.weight, r.bias) for r in regions]
    k = np.vstack([np.random.default_rng(0).normal(size=(30, 2)) * 20, [[0.0, 0.0]]])
    tol = se.DEFAULT_TOLERANCES
    fast = fp.evaluate_prepared(fp._prepare_polygons(polys, weights, tol), k, affine=True)
    general = fp.evaluate_prepared(fp._prepare_from_posets(polys, weights, tol), k, affine=True)
    for a, b in zip(fast, general, strict=True):
        # per-region values: different fan triangulations round differently
        assert_transform_close(a, b, rtol=1e-11, atol=1e-14 * float(np.abs(b).max()))
