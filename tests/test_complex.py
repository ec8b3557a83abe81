"""PolyhedralComplex: exact structure on hand-checkable nets, invariants on random ones."""

from dataclasses import replace

import numpy as np
import pytest

import spectral_exact as se
from spectral_exact._tolerances import Tolerances
from spectral_exact.complex import complex_from_arrays


def _coordinate_net(d: int) -> se.ReLUNetwork:
    """f(x) = sum_i relu(x_i): the coordinate hyperplanes cut the cube into 2^d orthants."""
    return se.ReLUNetwork([np.eye(d), np.ones((1, d))], [np.zeros(d), np.zeros(1)])


def _euler(cx) -> int:  # type: ignore[no-untyped-def]
    return sum((-1) ** j * n for j, n in enumerate(cx.face_counts()))


def test_orthants_of_the_square():
    cx = complex_from_arrays(se.linear_regions(_coordinate_net(2), se.Box([-1, -1], [1, 1])).arrays)
    # a 2 x 2 grid of squares: 9 vertices, 12 edges, 4 faces
    assert cx.face_counts() == (9, 12, 4)
    fac = cx.levels[1]
    shared = np.bincount(cx.facet_of_row, minlength=fac.n)
    # 4 interior half-axes shared by 2 squares, 8 boundary half-sides owned by one
    assert sorted(shared.tolist()) == [1] * 8 + [2] * 4
    # every edge has two end vertices with outward normals -u, +u
    assert np.all(np.diff(fac.child_ptr) == 2)
    n = fac.child_normal.reshape(-1, 2, 2)
    np.testing.assert_allclose(n[:, 0], -n[:, 1])
    # every square's facets carry its outward normals: they sum to zero
    top = cx.levels[2]
    for i in range(top.n):
        nrm = top.child_normal[top.child_ptr[i] : top.child_ptr[i + 1]]
        assert len(nrm) == 4
        np.testing.assert_allclose(nrm.sum(axis=0), 0.0, atol=1e-15)
    # f at the vertices: relu(x) + relu(y)
    V = cx.vertices
    np.testing.assert_allclose(cx.vertex_values(), np.maximum(V, 0).sum(axis=1))


def test_orthants_of_the_cube():
    cx = complex_from_arrays(
        se.linear_regions(_coordinate_net(3), se.Box([-1] * 3, [1] * 3)).arrays
    )
    # a 2 x 2 x 2 grid of cubes: 27 vertices, 54 edges, 36 squares, 8 cubes
    assert cx.face_counts() == (27, 54, 36, 8)
    assert _euler(cx) == 1
    shared = np.bincount(cx.facet_of_row, minlength=cx.levels[2].n)
    # 12 interior squares (on the 3 coordinate planes), 24 on the boundary of the cube
    assert sorted(shared.tolist()) == [1] * 24 + [2] * 12
    # each square has 4 edges; each bounded edge 2 vertices
    assert np.all(np.diff(cx.levels[2].child_ptr) == 4)
    assert np.all(np.diff(cx.levels[1].child_ptr) == 2)
    # in-plane edge normals are orthogonal to the square's plane
    sq = cx.levels[2]
    plane = np.cross(sq.basis[:, 0], sq.basis[:, 1])
    owner = np.repeat(np.arange(sq.n), np.diff(sq.child_ptr))
    np.testing.assert_allclose(np.einsum("nd,nd->n", sq.child_normal, plane[owner]), 0, atol=1e-14)


def test_quadrants_of_the_plane():
    cx = complex_from_arrays(se.linear_regions(_coordinate_net(2), None).arrays)
    # one vertex (the origin), 4 rays (the half-axes) as edges, 4 unbounded quadrants
    assert cx.face_counts() == (1, 4, 4)
    assert len(cx.rays) == 4
    assert not np.any(cx.levels[1].bounded)
    assert _euler(cx) == 1  # compactly supported Euler characteristic of R^2


@pytest.mark.parametrize("d, arch", [(2, (2, 12, 8, 1)), (3, (3, 6, 5, 1))])
def test_random_net_on_a_box(d, arch):
    net = se.ReLUNetwork.random(arch, seed=4)
    box = se.Box([-1.0] * d, [1.0] * d)
    regs = se.linear_regions(net, box)
    A = regs.arrays
    cx = complex_from_arrays(A)
    assert _euler(cx) == 1  # a box is contractible
    # distinct vertices: every region vertex is within 1e-9 of exactly one complex vertex
    dist = np.linalg.norm(A.vertices[:, None, :] - cx.vertices[None, :, :], axis=2)
    assert np.all(np.sum(dist < 1e-9, axis=1) == 1)
    np.testing.assert_array_equal(np.argmin(dist, axis=1), cx.vertex_of_row)
    # each facet is owned by one region (on the box boundary) or shared by exactly two
    fac = cx.levels[d - 1]
    shared = np.bincount(cx.facet_of_row, minlength=fac.n)
    on_box = np.zeros(fac.n, bool)
    for i in range(d):
        for bound in (box.lo[i], box.hi[i]):
            on_box |= np.all(np.abs(cx.vertices[:, i][_vertex_lists(fac)] - bound) < 1e-12, 1)
    np.testing.assert_array_equal(shared, np.where(on_box, 1, 2))
    # the two regions on either side of an interior facet have opposite outward normals there
    rows = np.flatnonzero(~on_box[cx.facet_of_row])
    order = np.argsort(cx.facet_of_row[rows], kind="stable")
    pairs = rows[order].reshape(-1, 2)
    np.testing.assert_allclose(
        cx.facet_normal[pairs[:, 0]], -cx.facet_normal[pairs[:, 1]], atol=1e-9
    )
    # f is continuous: the two affine maps agree at the facet's vertices
    fv = cx.vertex_values()
    for r0, r1 in pairs[:20]:
        vs = fac.vertices_of(cx.facet_of_row[r0])
        g0 = cx.vertices[vs] @ cx.weight[cx.region_of_row[r0]] + cx.bias[cx.region_of_row[r0]]
        g1 = cx.vertices[vs] @ cx.weight[cx.region_of_row[r1]] + cx.bias[cx.region_of_row[r1]]
        np.testing.assert_allclose(g0, g1, atol=1e-12)
        np.testing.assert_allclose(g0, fv[vs], atol=1e-12)


def _vertex_lists(level):  # type: ignore[no-untyped-def]
    """(n, m) vertex ids of faces with the same number m of vertices (padded by repetition)."""
    m = int(np.max(np.diff(level.vertex_ptr)))
    out = np.empty((level.n, m), np.int64)
    for i in range(level.n):
        vs = level.vertices_of(i)
        out[i] = np.resize(vs, m)
    return out


def test_vertex_merging_is_relative_to_the_coordinate_scale():
    """Scaling the net's input by 1e6 merges the same vertices (no absolute floor)."""
    net = se.ReLUNetwork.random((2, 8, 6, 1), seed=2)
    s = 1e6
    big = se.ReLUNetwork([net.weights[0] / s, *net.weights[1:]], list(net.biases))
    a = complex_from_arrays(se.linear_regions(net, se.Box([-1, -1], [1, 1])).arrays)
    b = complex_from_arrays(se.linear_regions(big, se.Box([-s, -s], [s, s])).arrays)
    assert a.face_counts() == b.face_counts()
    assert b.scale == pytest.approx(s)


def test_unmerged_copies_keep_the_transform_exact():
    """With merging effectively off, shared facets stay duplicated, and the transform agrees."""
    net = se.ReLUNetwork.random((2, 10, 8, 1), seed=5)
    box = se.Box([-1.0, -1.0], [1.0, 1.0])
    regs = se.linear_regions(net, box)
    A = regs.arrays
    rng = np.random.default_rng(0)
    # perturb every region's copy of its vertices by ~1e-14 so that no two copies coincide
    noisy = replace(A, vertices=A.vertices + 1e-14 * rng.normal(size=A.vertices.shape))
    merged = complex_from_arrays(A)
    split = complex_from_arrays(noisy, Tolerances(geometry=1e-18))
    assert split.n_vertices == len(A.vertices) > merged.n_vertices
    assert split.levels[1].n == len(A.facet_A) > merged.levels[1].n
    from spectral_exact.fourier._fused import fused_from_complex, fused_laplacian

    k = rng.uniform(-20, 20, size=(40, 2))
    k2 = np.sum(k * k, axis=1)
    tol = Tolerances()
    Fm = -fused_laplacian(fused_from_complex(merged, box, tol), k)[0] / k2
    Fs = -fused_laplacian(fused_from_complex(split, box, tol), k)[0] / k2
    ref = se.network_fourier(net, k, domain=box, method="regions")
    np.testing.assert_allclose(Fm, ref, rtol=1e-11)
    np.testing.assert_allclose(Fs, ref, rtol=1e-11)
