"""The compiled passes from the global edge subdivision to region arrays, against the old route.

:mod:`spectral_exact._subdivision` turns the split vertex/edge table into faces, stars,
region rows and region maps with the kernels of :mod:`spectral_exact._skeleton_kernels`
(one split pass per layer, faces grouped by hashing, stars as unions of facets' vertices,
incidences by merging each vertex's zeros with its region's facet columns, layer maps shared
by pattern prefix). :mod:`spectral_exact._skeleton_reference` keeps the numpy route they
replaced (one neuron at a time, stars by hashing every candidate sign vector through every
vertex, incidences by binary search, every region's maps propagated separately). Both must
give the same skeleton, the same stars and the same region arrays: every combinatorial
table and every region map bit for bit (the same floating-point operations in the same
order), the vertices to rounding (the pre-activations at the vertices are summed by a
compiled loop here, by BLAS there), on random nets in d = 2 .. 5, on boxes and other simple
domains; and both must give up (None) on the same degenerate nets.
"""

from __future__ import annotations

import dataclasses
import itertools
from math import comb

import numpy as np
import pytest

import spectral_exact as se
from spectral_exact import _skeleton_reference as ref
from spectral_exact import _subdivision as sub
from spectral_exact._tolerances import DEFAULT_TOLERANCES
from spectral_exact.regions import _bounded_regions_2d, _cyclic_polygon

TOL = DEFAULT_TOLERANCES
#: vertices or maps computed by different formulas (or summation orders): agreement to
#: rounding
ROUNDING = 1e-12


def _domain(kind: str, d: int) -> se.Polytope:
    if kind == "box":
        return se.Box(-np.ones(d), np.ones(d)).to_polytope()
    if kind == "shifted box":
        return se.Box(np.full(d, 0.25), np.full(d, 2.0)).to_polytope()
    if kind == "simplex":
        return se.Polytope.from_vertices(np.vstack([-np.ones(d), 3.0 * np.eye(d) - 1.0]))
    # a box with one corner cut off by a generic plane: simple, not a box
    V = np.array(list(itertools.product((-1.0, 1.0), repeat=d)))
    w = 1.0 + 0.1 * np.arange(d)
    cut = V @ w > np.sum(w) - 0.8
    inner = [v for v in V if not (v @ w > np.sum(w) - 0.8)]
    corner = V[cut][0]
    new = []
    for i in range(d):
        # the points of the corner's edges on the cutting plane
        e = corner.copy()
        e[i] = -1.0
        t = (np.sum(w) - 0.8 - corner @ w) / ((e - corner) @ w)
        new.append(corner + t * (e - corner))
    return se.Polytope.from_vertices(np.vstack([inner, new]))


def _assert_same(a, b) -> None:
    """The two routes' outputs are equal, field by field, bit for bit."""
    assert (a is None) == (b is None)
    if a is None:
        return
    A, B = a[0], b[0]
    for f in dataclasses.fields(A):
        x, y = getattr(A, f.name), getattr(B, f.name)
        if isinstance(x, np.ndarray):
            assert x.dtype.kind == y.dtype.kind, f.name
            if f.name == "vertices":
                np.testing.assert_allclose(x, y, rtol=0, atol=ROUNDING, err_msg=f.name)
            else:  # the maps depend on the patterns only: the same operations, the same bits
                np.testing.assert_array_equal(x, y, err_msg=f.name)
        else:
            assert x == y
    ska, skb = a[1].skeleton, b[1].skeleton
    d = A.dim
    # vertices: pre-activations by a compiled loop here, by BLAS there (rounding differs)
    np.testing.assert_allclose(ska.X, skb.X, rtol=0, atol=ROUNDING)
    for name in ("pos", "edges", "rz", "rp"):
        np.testing.assert_array_equal(getattr(ska, name), getattr(skb, name), err_msg=name)
    assert ska.n_dom == skb.n_dom
    for j in range(d + 1):
        np.testing.assert_array_equal(ska.zeros[j], skb.zeros[j])
        np.testing.assert_array_equal(ska.hashes[j], skb.hashes[j])
        if j:
            for x, y in zip(ska.links[j], skb.links[j], strict=True):
                np.testing.assert_array_equal(x, y)
    assert sorted(a[1].pairs) == sorted(b[1].pairs) == list(range(2, d + 1))
    for j in range(2, d + 1):
        for x, y in zip(a[1].pairs[j], b[1].pairs[j], strict=True):
            np.testing.assert_array_equal(x, y)
    np.testing.assert_array_equal(a[1].facet_col, b[1].facet_col)
    np.testing.assert_array_equal(a[1].facet_id, b[1].facet_id)


NETS = [
    (2, 8, 8, 1),
    (2, 6, 5, 4, 1),
    (3, 8, 7, 1),
    (3, 6, 5, 5, 1),
    (4, 6, 5, 1),
    (4, 4, 4, 3, 1),
    (5, 5, 4, 1),
]


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("kind", ["box", "shifted box", "simplex", "cut box"])
@pytest.mark.parametrize("arch", NETS, ids=lambda a: "-".join(map(str, a)))
def test_compiled_route_equals_the_reference_route(arch, kind, seed) -> None:
    net = se.ReLUNetwork.random(arch, seed=seed)
    dom = _domain(kind, arch[0])
    new = sub.regions_from_skeleton(net, dom, TOL)
    old = ref.regions_from_skeleton_reference(net, dom, TOL)
    assert new is not None  # random weights: general position
    _assert_same(new, old)
    # the skeleton's CSR views: the links of each parent, the vertices of each face
    sk = new[1].skeleton
    d = arch[0]
    for j in range(1, d + 1):
        _, par, _, _ = sk.links[j]
        ptr, order = sk.link_ptr[j], sk.link_order[j]
        np.testing.assert_array_equal(np.diff(ptr), np.bincount(par, minlength=len(ptr) - 1))
        np.testing.assert_array_equal(par[order], np.repeat(np.arange(len(ptr) - 1), np.diff(ptr)))
        assert np.all(np.diff(order)[np.diff(par[order]) == 0] > 0)  # stable
    for j in range(2, d + 1):
        face, _, _ = new[1].pairs[j]
        ptr = new[1].face_ptr[j]
        np.testing.assert_array_equal(face, np.repeat(np.arange(len(ptr) - 1), np.diff(ptr)))
        # the public per-level star function agrees with the reference's hashing
        got, want = sub.vertex_faces(sk, j), ref.vertex_faces_reference(sk, j)
        assert got is not None and want is not None
        for x, y in zip(got, want, strict=True):
            np.testing.assert_array_equal(x, y)
    # a skeleton without the levels' hash tables rebuilds them: the same stars
    bare = sub.face_vertex_csr(dataclasses.replace(sk, tables=[]))
    full = sub.face_vertex_csr(sk)
    assert bare is not None and full is not None
    for (pa, va), (pb, vb) in zip(bare, full, strict=True):
        np.testing.assert_array_equal(pa, pb)
        np.testing.assert_array_equal(va, vb)


def test_a_larger_net_grows_the_split_tables() -> None:
    """Nets whose tables outgrow the first allocation (the split asks for more, resumes)."""
    net = se.ReLUNetwork.random((3, 16, 16, 1), seed=4)
    dom = _domain("box", 3)
    new = sub.regions_from_skeleton(net, dom, TOL)
    assert new is not None and len(new[1].skeleton.X) > 16 * len(dom.vertices)
    _assert_same(new, ref.regions_from_skeleton_reference(net, dom, TOL))


def _integer_net(d: int, widths: tuple[int, ...], seed: int) -> se.ReLUNetwork:
    rng = np.random.default_rng(seed)
    sizes = (d, *widths)
    Ws = [rng.integers(-1, 2, (b, a)).astype(float) for a, b in itertools.pairwise(sizes)]
    bs = [rng.integers(-1, 2, b) / 2 for b in widths]
    return se.ReLUNetwork([*Ws, np.ones((1, widths[-1]))], [*bs, np.zeros(1)])


@pytest.mark.parametrize(("d", "seed"), [(2, 1), (3, 6), (3, 7), (4, 2), (4, 5)])
def test_degenerate_nets_give_up_like_the_reference(d, seed) -> None:
    """Integer weights (concurrent planes, vertices on zero sets): both routes give up."""
    net = _integer_net(d, (5, 4), seed)
    dom = _domain("box", d)
    new = sub.regions_from_skeleton(net, dom, TOL)
    _assert_same(new, ref.regions_from_skeleton_reference(net, dom, TOL))
    assert new is None
    # and the public enumeration still answers (the batched / polygon route)
    regs = se.linear_regions(net, se.Box(-np.ones(d), np.ones(d)))
    assert regs.arrays.n_regions > 1


def test_a_non_simple_domain_is_refused() -> None:
    """A square pyramid's apex lies on four facets: not a simple polytope."""
    V = np.array([[-1, -1, 0], [1, -1, 0], [1, 1, 0], [-1, 1, 0], [0, 0, 1.5]], float)
    pyr = se.Polytope.from_vertices(V)
    net = se.ReLUNetwork.random((3, 5, 4, 1), seed=0)
    assert sub.subdivide(net, pyr, TOL) is None
    assert sub.regions_from_skeleton(net, pyr, TOL) is None


@pytest.mark.parametrize("d", [2, 3, 4, 5])
def test_star_counts_count_the_candidate_sign_vectors(d) -> None:
    """The general-position star of a vertex: every way to free j zeros, domain ones inside."""
    m = 2 * d
    for z in range(d + 1):
        # z domain zeros (columns < m), d - z neuron zeros
        Z = np.array([[*range(z), *range(m, m + d - z)]], np.int64)
        for j in range(1, d + 1):
            n = 0
            for free in itertools.combinations(range(d), j):
                n += 2 ** sum(Z[0, p] >= m for p in free)
            assert sub._star_counts(Z, m, j)[0] == n
            assert n == sum(comb(z, i) * comb(d - z, j - i) * 2 ** (j - i) for i in range(j + 1))


@pytest.mark.parametrize("arch", [(2, 6, 5, 4, 1), (3, 5, 4, 4, 3, 1), (4, 6, 5, 1), (3, 4, 1)])
def test_maps_shared_by_prefix_equal_the_per_region_kernel(arch) -> None:
    """Patterns with repeated prefixes (as regions have): the same maps and rows, bit for bit."""
    rng = np.random.default_rng(7)
    net = se.ReLUNetwork.random(arch, seed=2)
    d = arch[0]
    dom = _domain("shifted box", d)
    m = len(dom.A)
    n = 80
    H = net.n_hidden
    widths = arch[1:-1]
    # patterns drawn as a tree: few distinct first layers, more distinct deeper prefixes
    pattern = np.zeros((n, H), bool)
    col = 0
    for layer, w in enumerate(widths):
        options = rng.random((3 * (layer + 1), w)) < 0.5
        options[:, 0] = True  # some neuron active: no facet row on a zero gradient
        pattern[:, col : col + w] = options[rng.integers(0, len(options), n)]
        col += w
    counts = rng.integers(0, 6, n)
    facet_offset = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    fcol = np.concatenate([np.sort(rng.choice(m + H, k, replace=False)) for k in counts]).astype(
        np.int64
    )
    fpos = rng.random(len(fcol)) < 0.5
    got = sub._maps_and_facets(net, dom, pattern, facet_offset, fcol, fpos, m)
    want = ref._maps_and_facets_reference(net, dom, pattern, facet_offset, fcol, fpos, m)
    for g, w in zip(got, want, strict=True):
        np.testing.assert_array_equal(g, w)


@pytest.mark.parametrize("arch", [(2, 8, 8, 1), (2, 6, 5, 4, 1)])
@pytest.mark.parametrize("kind", ["box", "cut box"])
def test_planar_skeleton_matches_the_polygon_route(arch, kind) -> None:
    """In 2-D the skeleton's regions are the cyclic-polygon enumerator's (independent route)."""
    net = se.ReLUNetwork.random(arch, seed=3)
    dom = _domain(kind, 2)
    a = sub.regions_from_skeleton(net, dom, TOL)[0]
    cyc = _cyclic_polygon(dom)
    assert cyc is not None
    b = _bounded_regions_2d(net, dom, TOL, cyc)
    assert a.n_regions == b.n_regions
    key = {p.tobytes(): i for i, p in enumerate(b.pattern)}
    for i in range(a.n_regions):
        k = key[a.pattern[i].tobytes()]
        np.testing.assert_allclose(a.weight[i], b.weight[k], rtol=0, atol=ROUNDING)
        np.testing.assert_allclose(a.bias[i], b.bias[k], rtol=0, atol=ROUNDING)
        va = a.vertices[a.vertex_offset[i] : a.vertex_offset[i + 1]]
        vb = b.vertices[b.vertex_offset[k] : b.vertex_offset[k + 1]]
        assert len(va) == len(vb)
        # the same vertex set (matched by distance: a lexicographic order may flip on ulps)
        dist = np.max(np.abs(va[:, None, :] - vb[None, :, :]), axis=2)
        near = np.argmin(dist, axis=1)
        assert len(set(near.tolist())) == len(vb)
        assert np.max(dist[np.arange(len(va)), near]) <= ROUNDING
        assert (
            a.facet_offset[i + 1] - a.facet_offset[i] == b.facet_offset[k + 1] - b.facet_offset[k]
        )


@pytest.mark.parametrize("kind", ["box", "cut box"])
def test_planar_regions_take_the_subdivision_and_its_complex(kind) -> None:
    """2-D convex polygons in general position: regions and complex from the skeleton.

    The complex's faces match the array route's reference complex (vertices merged by
    coordinates) up to relabelling.
    """
    from spectral_exact.complex import (
        _SKELETONS,
        _complex_from_arrays_reference,
        complex_from_arrays,
    )

    net = se.ReLUNetwork.random((2, 8, 7, 1), seed=5)
    dom = _domain(kind, 2)
    regs = se.linear_regions(net, dom)
    assert regs.arrays in _SKELETONS
    cx = complex_from_arrays(regs.arrays)
    ref_cx = _complex_from_arrays_reference(regs.arrays)
    assert cx.face_counts() == ref_cx.face_counts()
    assert sum((-1) ** j * n for j, n in enumerate(cx.face_counts())) == 1
    # the same vertex set per face (vertices identified through the shared region rows)
    vmap = np.full(cx.n_vertices, -1, np.int64)
    vmap[cx.vertex_of_row] = ref_cx.vertex_of_row
    assert np.all(vmap >= 0)
    for j in range(3):
        a, b = cx.levels[j], ref_cx.levels[j]
        fa = {frozenset(vmap[a.vertices_of(i)].tolist()) for i in range(a.n)}
        fb = {frozenset(b.vertices_of(i).tolist()) for i in range(b.n)}
        assert fa == fb


def test_degenerate_planar_nets_keep_the_polygon_route() -> None:
    """A 2-D net with a zero set through a box vertex: the cyclic-polygon enumerator answers."""
    from spectral_exact.complex import _SKELETONS

    W1 = np.array([[1.0, 1.0], [1.0, -1.0], [0.3, 0.7]])
    b1 = np.array([0.0, 0.0, 0.1])  # x + y = 0 and x - y = 0 pass through box vertices
    net = se.ReLUNetwork([W1, np.ones((1, 3))], [b1, np.zeros(1)])
    box = se.Box(-np.ones(2), np.ones(2))
    assert sub.regions_from_skeleton(net, box.to_polytope(), TOL) is None
    regs = se.linear_regions(net, box)
    assert regs.arrays not in _SKELETONS
    cyc = _cyclic_polygon(box.to_polytope())
    assert cyc is not None
    want = _bounded_regions_2d(net, box.to_polytope(), TOL, cyc)
    assert sorted(p.tobytes() for p in regs.arrays.pattern) == sorted(
        p.tobytes() for p in want.pattern
    )


@pytest.mark.parametrize("d", [2, 3, 4])
def test_a_net_that_cuts_nothing_gives_the_domain(d) -> None:
    """No zero set meets the box: one region, the box, with the affine map of the net."""
    W1 = np.full((3, d), 0.1)
    b1 = np.array([-5.0, 5.0, -7.0])
    W2 = np.ones((2, 3))
    b2 = np.array([0.3, -100.0])
    net = se.ReLUNetwork([W1, W2, np.ones((1, 2))], [b1, b2, np.zeros(1)])
    dom = _domain("box", d)
    new = sub.regions_from_skeleton(net, dom, TOL)
    _assert_same(new, ref.regions_from_skeleton_reference(net, dom, TOL))
    A = new[0]
    assert A.n_regions == 1
    np.testing.assert_array_equal(A.pattern, [[False, True, False, True, False]])
    # f = relu(0.1 sum x + 5) + 0.3 = 0.1 sum x + 5.3 on the box
    np.testing.assert_allclose(A.weight, np.full((1, d), 0.1), rtol=0, atol=ROUNDING)
    np.testing.assert_allclose(A.bias, [5.3], rtol=0, atol=ROUNDING)
    assert len(A.vertices) == 2**d and len(A.incidence) == d * 2**d
