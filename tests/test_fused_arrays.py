"""The kernel arrays of the fused route (``fused_from_complex``) against loop construction.

The reference below is the former per-face construction (Python loops over edges, rays and
faces, ``np.unique`` for the first-use order), kept here as an independent route: the array
code must produce the same edges, rays, fan triangles and face gradients, up to the
renumbering of the vertices by first use (compared through their coordinates).
"""

import numpy as np
import pytest

import spectral_exact as se


def _reference(cx, face_order):  # type: ignore[no-untyped-def]
    """Edge ends, edge / ray order, ray directions, fan triangles, face gradients by loops."""
    d = cx.dim
    V = cx.vertices
    edges = cx.levels[1]
    fac = cx.levels[d - 1]
    nE = edges.n
    ea = np.zeros(nE, np.int64)
    eb = np.zeros(nE, np.int64)
    for i in range(nE):
        vs = edges.vertices_of(i)
        ea[i], eb[i] = int(vs[0]), int(vs[-1])
    order = np.arange(nE)
    if d == 3:  # by first use in the polygons' edge lists, polygons in the kernel's order
        slots = np.concatenate([fac.children_of(g) for g in face_order])
        _, first_use = np.unique(slots, return_index=True)
        used = np.unique(slots)
        order = used[np.argsort(first_use, kind="stable")]
        order = np.concatenate([order, np.setdiff1d(np.arange(nE), used)])
    bidx = order[edges.bounded[order]]
    ridx = order[~edges.bounded[order]]
    ray_u = np.zeros((len(ridx), d))
    for j, ri in enumerate(ridx.tolist()):
        ray_u[j] = cx.rays[edges.ray_idx[edges.ray_ptr[ri]]]
    tris, tri_count = [], []  # per polygon of the complex
    face_w = []
    if d == 3:
        for g in range(fac.n):
            fan = []
            if fac.bounded[g]:
                v0 = int(fac.vertices_of(g)[0])
                for e in fac.children_of(g):
                    a, b = int(ea[e]), int(eb[e])
                    if a != v0 and b != v0:
                        fan.append([v0, a, b])
            tris.append(fan)
            tri_count.append(len(fan))
            face_w.append(cx.weight[cx.region_of_row[np.flatnonzero(cx.facet_of_row == g)[0]]])
    return {
        "a": V[ea[bidx]],
        "b": V[eb[bidx]],
        "ray_a": V[ea[ridx]],
        "ray_u": ray_u,
        "tri": [V[np.array(t, dtype=np.int64).reshape(-1, 3)] for t in tris],
        "tri_count": np.array(tri_count, dtype=np.int64),
        "face_w": np.array(face_w).reshape(-1, d),
    }


#: f at the vertices (affine piece of a region) against the network itself
VALUE_RTOL = 1e-12

CASES = [
    ((2, 9, 7, 1), 2, se.Box([-1.0, -1.0], [1.0, 1.5])),
    ((2, 9, 7, 1), 2, None),
    ((3, 7, 6, 1), 4, se.Box([-1.0, -0.5, -1.0], [1.0, 1.5, 0.5])),
    ((3, 7, 6, 1), 4, None),
]


@pytest.mark.parametrize(("arch", "seed", "domain"), CASES)
def test_fused_arrays_match_the_loop_construction(arch, seed, domain):
    net = se.ReLUNetwork.random(arch, seed=seed)
    prep = se.prepare_network(net, domain)
    cx, fz = prep.complex, prep.fused
    ref = _reference(cx, fz.face_id)
    V = fz.vertices
    np.testing.assert_array_equal(V[fz.edge_a], ref["a"])
    np.testing.assert_array_equal(V[fz.edge_b], ref["b"])
    np.testing.assert_array_equal(V[fz.ray_a], ref["ray_a"])
    np.testing.assert_array_equal(fz.ray_u, ref["ray_u"])
    np.testing.assert_array_equal(fz.edge_vec, ref["b"] - ref["a"])
    # the vertices are a permutation of the complex's, with their values
    perm, perm_cx = np.lexsort(V.T), np.lexsort(cx.vertices.T)
    np.testing.assert_array_equal(V[perm], cx.vertices[perm_cx])
    np.testing.assert_array_equal(fz.fvals[perm], cx.vertex_values()[perm_cx])
    np.testing.assert_allclose(fz.fvals, np.ravel(net(V)), rtol=VALUE_RTOL, atol=VALUE_RTOL)
    assert (domain is None) == (len(fz.ray_a) > 0)
    if cx.dim == 3:
        # the polygons are a permutation of the complex's, their arrays permuted with them
        fid = fz.face_id
        np.testing.assert_array_equal(np.sort(fid), np.arange(cx.levels[2].n))
        np.testing.assert_array_equal(fz.face_radius, cx.levels[2].radius[fid])
        np.testing.assert_array_equal(np.diff(fz.face_ptr), np.diff(cx.levels[2].child_ptr)[fid])
        np.testing.assert_array_equal(V[fz.tri], np.concatenate([ref["tri"][g] for g in fid]))
        np.testing.assert_array_equal(np.diff(fz.tri_ptr), ref["tri_count"][fid])
        np.testing.assert_array_equal(fz.face_w, ref["face_w"][fid])
        # a fan of n - 2 triangles per bounded polygon with n edges
        n_edges = np.diff(fz.face_ptr)[fz.face_bounded]
        np.testing.assert_array_equal(np.diff(fz.tri_ptr)[fz.face_bounded], n_edges - 2)
        assert np.all(np.diff(fz.tri_ptr)[~fz.face_bounded] == 0)
