"""The global edge subdivision (sign-vector route) against the independent routes.

:mod:`spectral_exact._subdivision` enumerates the regions of a net in ``d >= 3`` on a simple
bounded domain from one global vertex/edge table and builds the complex from sign vectors
(exact: no coordinates are compared). Checked here against

* the batched enumerator (``_bounded_regions_batched``, pieces split one by one): the same
  regions (patterns, affine maps, vertex sets, facets);
* the array route's reference complex (``_complex_from_arrays_reference``, vertices merged by
  coordinates, faces by Python tuples) on the same region arrays: the same vertices, faces
  and incidences up to relabelling, child normals and face geometry to rounding;
* for the middle levels of ``d >= 4`` (which the reference does not build): the faces of
  every region's own face poset (:func:`spectral_exact.face_poset`), deduplicated by vertex
  sets, and the Euler characteristic of a subdivided polytope (1);
* degenerate nets (integer weights: concurrent and parallel planes) fall back to the batched
  enumerator.
"""

from __future__ import annotations

import dataclasses
import itertools

import numpy as np
import pytest

import spectral_exact as se
from spectral_exact import _subdivision
from spectral_exact._tolerances import DEFAULT_TOLERANCES
from spectral_exact.complex import (
    _SKELETONS,
    PolyhedralComplex,
    _complex_from_arrays_reference,
    complex_from_arrays,
)
from spectral_exact.regions import _bounded_regions_batched

#: geometry computed by different formulas (interpolated vertices, projected normals):
#: agreement to a few hundred ulps of the coordinate scale
ROUNDING = 1e-12


def _domain(kind: str, d: int) -> se.Polytope:
    if kind == "box":
        return se.Box(-np.ones(d), np.ones(d)).to_polytope()
    if kind == "shifted box":
        return se.Box(np.full(d, 0.25), np.full(d, 2.0)).to_polytope()
    # a simplex (simple: every vertex on d facets), containing the origin
    V = np.vstack([-np.ones(d), 3.0 * np.eye(d) - 1.0])
    return se.Polytope.from_vertices(V)


NETS = {
    "3-D": (3, 8, 7, 1),
    "3-D deep": (3, 6, 5, 5, 1),
    "4-D": (4, 6, 5, 1),
    "5-D": (5, 5, 4, 1),
}


def _regions(arch, kind, seed=0):
    net = se.ReLUNetwork.random(arch, seed=seed)
    dom = _domain(kind, arch[0])
    regs = se.linear_regions(net, dom)
    assert regs.arrays in _SKELETONS  # the sign-vector route was taken
    return net, dom, regs


def _vertex_map(a: PolyhedralComplex, b: PolyhedralComplex) -> np.ndarray:
    """``m[i]``: the id in ``b`` of vertex ``i`` of ``a`` (both index the same vertex rows)."""
    m = np.full(a.n_vertices, -1, np.int64)
    m[a.vertex_of_row] = b.vertex_of_row
    # a bijection: every vertex of a gets one vertex of b and no two share it
    assert np.all(m >= 0)
    assert len(np.unique(m)) == a.n_vertices == b.n_vertices
    np.testing.assert_array_equal(a.vertex_of_row, np.argsort(m)[b.vertex_of_row])
    return m


def _faces(cx: PolyhedralComplex, j: int, vmap: np.ndarray) -> list[frozenset[int]]:
    lv = cx.levels[j]
    return [frozenset(vmap[lv.vertices_of(i)].tolist()) for i in range(lv.n)]


def _assert_same_level(a, b, j, vmap, ident, children: bool = True) -> None:
    fa, fb = _faces(a, j, vmap), _faces(b, j, ident)
    assert len(set(fa)) == len(fa) and set(fa) == set(fb)
    ib = {f: i for i, f in enumerate(fb)}
    la, lb = a.levels[j], b.levels[j]
    perm = np.array([ib[f] for f in fa], np.int64)
    np.testing.assert_array_equal(la.bounded, lb.bounded[perm])
    for name in ("point", "radius"):
        np.testing.assert_allclose(getattr(la, name), getattr(lb, name)[perm], rtol=0,
                                   atol=ROUNDING)  # fmt: skip
    # the same direction spaces (projectors), bases orthonormal
    Pa = np.einsum("njd,nje->nde", la.basis, la.basis)
    Pb = np.einsum("njd,nje->nde", lb.basis[perm], lb.basis[perm])
    np.testing.assert_allclose(Pa, Pb, rtol=0, atol=ROUNDING)
    if j == 0 or not children:
        return
    ca, cb = _faces(a, j - 1, vmap), _faces(b, j - 1, ident)
    for i in range(la.n):
        sa = la.child_ptr[i], la.child_ptr[i + 1]
        sb = lb.child_ptr[perm[i]], lb.child_ptr[perm[i] + 1]
        na = {ca[c]: la.child_normal[k] for k, c in zip(range(*sa), la.child_idx[slice(*sa)])}
        nb = {cb[c]: lb.child_normal[k] for k, c in zip(range(*sb), lb.child_idx[slice(*sb)])}
        assert set(na) == set(nb)
        for key, v in na.items():
            np.testing.assert_allclose(v, nb[key], rtol=0, atol=ROUNDING)


@pytest.mark.parametrize("kind", ["box", "shifted box", "simplex"])
@pytest.mark.parametrize("name", sorted(NETS))
def test_complex_matches_reference_up_to_relabelling(name: str, kind: str) -> None:
    _, _, regs = _regions(NETS[name], kind)
    A = regs.arrays
    cx = complex_from_arrays(A)
    ref = _complex_from_arrays_reference(A)
    d = cx.dim
    vmap = _vertex_map(cx, ref)
    ident = np.arange(ref.n_vertices)
    # the same vertices: both take each vertex's coordinates from its rows
    np.testing.assert_array_equal(cx.vertices, ref.vertices[vmap])
    built = range(d + 1) if d <= 3 else (0, d - 1, d)  # the reference's levels
    for j in built:
        assert cx.levels[j].n == ref.levels[j].n
        # the reference leaves the facets of d >= 4 without children (no middle levels)
        _assert_same_level(cx, ref, j, vmap, ident, children=d <= 3 or j == d)
    # per-row tables: the same facet of the same region row, the same region faces
    fa, fb = _faces(cx, d - 1, vmap), _faces(ref, d - 1, ident)
    assert [fa[f] for f in cx.facet_of_row] == [fb[f] for f in ref.facet_of_row]
    np.testing.assert_array_equal(cx.region_of_row, ref.region_of_row)
    np.testing.assert_array_equal(cx.region_of_vertex_row, ref.region_of_vertex_row)
    ta, tb = _faces(cx, d, vmap), _faces(ref, d, ident)
    assert [ta[r] for r in cx.region_face] == [tb[r] for r in ref.region_face]
    assert cx.scale == ref.scale
    # every level built, a subdivided polytope: Euler characteristic 1
    assert all(n > 0 for n in cx.face_counts())
    assert sum((-1) ** j * n for j, n in enumerate(cx.face_counts())) == 1


@pytest.mark.parametrize("kind", ["box", "simplex"])
@pytest.mark.parametrize("name", sorted(NETS))
def test_regions_match_batched_enumerator(name: str, kind: str) -> None:
    net, dom, regs = _regions(NETS[name], kind, seed=1)
    a = regs.arrays
    b = _bounded_regions_batched(net, dom, DEFAULT_TOLERANCES)
    assert a.n_regions == b.n_regions
    key = {p.tobytes(): i for i, p in enumerate(b.pattern)}
    for i in range(a.n_regions):
        k = key[a.pattern[i].tobytes()]
        np.testing.assert_allclose(a.weight[i], b.weight[k], rtol=0, atol=ROUNDING)
        np.testing.assert_allclose(a.bias[i], b.bias[k], rtol=0, atol=ROUNDING)
        va = a.vertices[a.vertex_offset[i] : a.vertex_offset[i + 1]]
        vb = b.vertices[b.vertex_offset[k] : b.vertex_offset[k + 1]]
        assert len(va) == len(vb)
        np.testing.assert_allclose(np.sort(va, axis=0), np.sort(vb, axis=0), rtol=0,
                                   atol=ROUNDING)  # fmt: skip
        fa = np.c_[a.facet_A, a.facet_b][a.facet_offset[i] : a.facet_offset[i + 1]]
        fb = np.c_[b.facet_A, b.facet_b][b.facet_offset[k] : b.facet_offset[k + 1]]
        assert len(fa) == len(fb)
        dist = np.max(np.abs(fa[:, None, :] - fb[None, :, :]), axis=2)
        assert np.all(dist.min(axis=1) <= ROUNDING) and np.all(dist.min(axis=0) <= ROUNDING)
    # incidences: each pair is a vertex on its facet's hyperplane, and every vertex of a
    # region lies on exactly d of its facets (simple vertices)
    v, f = a.incidence.T
    resid = np.einsum("nd,nd->n", a.vertices[v], a.facet_A[f]) - a.facet_b[f]
    assert np.max(np.abs(resid)) <= ROUNDING
    assert np.all(np.bincount(v, minlength=len(a.vertices)) == net.input_dim)
    # and every vertex of a region satisfies all of its facet inequalities
    reg_v = np.repeat(np.arange(a.n_regions), np.diff(a.vertex_offset))
    for i in range(0, a.n_regions, 7):
        X = a.vertices[reg_v == i]
        sl = slice(a.facet_offset[i], a.facet_offset[i + 1])
        assert np.all(X @ a.facet_A[sl].T - a.facet_b[sl] <= ROUNDING)


@pytest.mark.parametrize("arch", [(4, 5, 4, 1), (5, 4, 4, 1)])
def test_middle_levels_match_region_face_posets(arch) -> None:
    """Levels 1..d-2 of d >= 4 against every region's own face poset."""
    _, _, regs = _regions(arch, "box", seed=2)
    cx = complex_from_arrays(regs.arrays)
    d = cx.dim
    A = regs.arrays
    seen: dict[int, set[frozenset[int]]] = {j: set() for j in range(d + 1)}
    for i, reg in enumerate(regs):
        rows = np.arange(A.vertex_offset[i], A.vertex_offset[i + 1])
        np.testing.assert_array_equal(reg.polytope.vertices, A.vertices[rows])
        for node, data in se.face_poset(reg.polytope).nodes(data=True):
            seen[data["dim"]].add(frozenset(cx.vertex_of_row[rows[sorted(node)]].tolist()))
    ident = np.arange(cx.n_vertices)
    for j in range(d + 1):
        assert set(_faces(cx, j, ident)) == seen[j]
    # children: the facets of each middle face are faces of it, with unit normals that point
    # away from the face's centre inside its direction space
    for j in range(2, d - 1):
        lv, lo = cx.levels[j], cx.levels[j - 1]
        for i in range(lv.n):
            vs = set(lv.vertices_of(i).tolist())
            for k in range(lv.child_ptr[i], lv.child_ptr[i + 1]):
                c = lv.child_idx[k]
                assert set(lo.vertices_of(c).tolist()) < vs
                n = lv.child_normal[k]
                assert abs(np.linalg.norm(n) - 1.0) <= ROUNDING
                B = lv.basis[i]
                np.testing.assert_allclose(B.T @ (B @ n), n, rtol=0, atol=ROUNDING)
                assert np.dot(lo.point[c] - lv.point[i], n) > 0


def _integer_net(d: int, widths: tuple[int, ...], seed: int) -> se.ReLUNetwork:
    rng = np.random.default_rng(seed)
    sizes = (d, *widths)
    Ws = [rng.integers(-1, 2, (b, a)).astype(float) for a, b in itertools.pairwise(sizes)]
    bs = [rng.integers(-1, 2, b) / 2 for b in widths]
    return se.ReLUNetwork([*Ws, np.ones((1, widths[-1]))], [*bs, np.zeros(1)])


def test_degenerate_nets_fall_back_to_the_batched_enumerator() -> None:
    net = _integer_net(3, (6, 5), 6)  # concurrent planes through box vertices and edges
    box = se.Box(-np.ones(3), np.ones(3))
    assert _subdivision.regions_from_skeleton(net, box.to_polytope(), DEFAULT_TOLERANCES) is None
    regs = se.linear_regions(net, box)
    assert regs.arrays not in _SKELETONS
    ref = _bounded_regions_batched(net, box.to_polytope(), DEFAULT_TOLERANCES)
    assert sorted(p.tobytes() for p in regs.arrays.pattern) == sorted(
        p.tobytes() for p in ref.pattern
    )


def test_a_copy_of_the_arrays_takes_the_array_route() -> None:
    _, _, regs = _regions((3, 6, 5, 1), "box")
    copy = dataclasses.replace(regs.arrays)
    assert copy not in _SKELETONS
    a, b = complex_from_arrays(regs.arrays), complex_from_arrays(copy)
    assert a.face_counts() == b.face_counts()
    # other tolerances: the array route too (the subdivision's tolerance differs)
    c = complex_from_arrays(regs.arrays, dataclasses.replace(DEFAULT_TOLERANCES, geometry=1e-12))
    assert c.face_counts() == a.face_counts()


def _maps_and_facets_numpy(net, domain, pattern, facet_offset, fcol, fpos, m):
    """The replaced numpy route: every neuron's map per region (BLAS), then the facet rows."""
    maps, weight, bias = _subdivision._region_maps(net, pattern)
    d = net.input_dim
    fpar = np.repeat(np.arange(len(pattern)), np.diff(facet_offset))
    A = np.empty((len(fcol), d))
    b = np.empty(len(fcol))
    dom = fcol < m
    Ad, bd = np.asarray(domain.A, float), np.asarray(domain.b, float)
    nd = np.linalg.norm(Ad, axis=1)
    A[dom] = Ad[fcol[dom]] / nd[fcol[dom], None]
    b[dom] = bd[fcol[dom]] / nd[fcol[dom]]
    starts = np.cumsum([m, *(Wl.shape[0] for Wl in net.weights[:-1])])
    for layer, (G, c) in enumerate(maps):
        sel = np.flatnonzero((fcol >= starts[layer]) & (fcol < starts[layer + 1]))
        k = fcol[sel] - starts[layer]
        g, cc = G[fpar[sel], k], c[fpar[sel], k]
        gn = np.linalg.norm(g, axis=1)
        sgn = np.where(fpos[sel], 1.0, -1.0)
        A[sel] = -sgn[:, None] * g / gn[:, None]
        b[sel] = sgn * cc / gn
    return weight, bias, A, b


@pytest.mark.parametrize("arch", [(3, 8, 7, 1), (3, 6, 5, 5, 1), (4, 6, 5, 1), (2, 4, 1)])
def test_compiled_maps_and_facets_match_the_numpy_route(arch) -> None:
    """The compiled region maps / facet rows equal the BLAS route on random patterns and rows."""
    rng = np.random.default_rng(3)
    net = se.ReLUNetwork.random(arch, seed=1)
    d = arch[0]
    dom = _domain("shifted box", d)
    m = len(dom.A)
    n = 50
    pattern = rng.random((n, net.n_hidden)) < 0.5
    counts = rng.integers(0, 6, n)
    facet_offset = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    fcol = np.concatenate(
        [np.sort(rng.choice(m + net.n_hidden, k, replace=False)) for k in counts]
    ).astype(np.int64)
    fpos = rng.random(len(fcol)) < 0.5
    got = _subdivision._maps_and_facets(net, dom, pattern, facet_offset, fcol, fpos, m)
    want = _maps_and_facets_numpy(net, dom, pattern, facet_offset, fcol, fpos, m)
    for g, w in zip(got, want, strict=True):
        assert g.shape == w.shape
        np.testing.assert_allclose(g, w, rtol=0, atol=ROUNDING * max(1.0, np.max(np.abs(w))))


@pytest.mark.parametrize(("arch", "kind"), [((4, 6, 5, 1), "box"), ((5, 5, 4, 1), "simplex")])
def test_level_geometry_matches_numpy(arch, kind) -> None:
    """Every middle level's compiled geometry against numpy, face by face.

    A ``j``-face lies on the hyperplanes of its zero columns: its direction space is the
    orthogonal complement of those facet normals of a region containing it (QR here), a
    child's normal is the normal of the child's extra column projected on that space and
    normalised, the point is the vertex mean and the radius the largest vertex distance.
    """
    _, _, regs = _regions(arch, kind, seed=4)
    cx = complex_from_arrays(regs.arrays)
    extra = _SKELETONS[regs.arrays]
    sk, A = extra.skeleton, regs.arrays
    d = cx.dim
    fpar = np.repeat(np.arange(A.n_regions), np.diff(A.facet_offset))

    def normal(region: int, col: int) -> np.ndarray:
        rows = np.flatnonzero((fpar == region) & (extra.facet_col == col))
        assert len(rows) == 1
        return A.facet_A[rows[0]]

    for j in range(2, d):
        lv = cx.levels[j]
        # a region containing each face: one whose vertex set holds the face's
        top = cx.levels[d]
        vset = [set(top.vertices_of(r).tolist()) for r in range(top.n)]
        for f in range(0, lv.n, max(1, lv.n // 40)):
            verts = lv.vertices_of(f)
            r = next(i for i, s in enumerate(vset) if set(verts.tolist()) <= s)
            N = np.array([normal(r, c) for c in sk.zeros[j][f]])
            Qn, _ = np.linalg.qr(N.T)  # (d, d - j) orthonormal frame
            P = np.eye(d) - Qn @ Qn.T
            np.testing.assert_allclose(lv.basis[f].T @ lv.basis[f], P, rtol=0, atol=ROUNDING)
            np.testing.assert_allclose(lv.basis[f] @ lv.basis[f].T, np.eye(j), rtol=0,
                                       atol=ROUNDING)  # fmt: skip
            Xf = cx.vertices[verts]
            np.testing.assert_allclose(lv.point[f], Xf.mean(0), rtol=0, atol=ROUNDING)
            radius = np.max(np.linalg.norm(Xf - Xf.mean(0), axis=1))
            np.testing.assert_allclose(lv.radius[f], radius, rtol=0, atol=ROUNDING)
            lower = cx.levels[j - 1]
            for c in range(lv.child_ptr[f], lv.child_ptr[f + 1]):
                child = lv.child_idx[c]
                extra_col = set(sk.zeros[j - 1][child].tolist()) - set(sk.zeros[j][f].tolist())
                (col,) = extra_col
                want = P @ normal(r, col)
                want /= np.linalg.norm(want)
                np.testing.assert_allclose(lv.child_normal[c], want, rtol=0, atol=ROUNDING)
                assert set(lower.vertices_of(child).tolist()) < set(verts.tolist())


@pytest.mark.parametrize("e", [18, 24])
@pytest.mark.parametrize("seed", [0, 1])
def test_box_vertices_are_solved_not_interpolated(e: int, seed: int) -> None:
    """Two kinks crossing at the origin at 2^-e rad inside a 1e-3 box: exact-rational check.

    Interpolating along the box's edges put their crossing 1.4e-14 from 0 (10^4 ulps of the
    box) and vertices on the kinks off by 1e-11 of their coordinates; every vertex re-solved
    from its own facet rows has pre-activations within ulps of ``|g| |x| + |c|`` of the
    right side (the criterion of tests/test_nearly_parallel_deep.py on R^2).
    """
    from test_nearly_parallel_deep import _bounds, _deep_net, _exact_preactivations

    net = _deep_net(2.0**-e, seed)
    box = se.Box([-1e-3, -2e-3], [3e-3, 1e-3])
    regs = se.linear_regions(net, box)
    assert regs.arrays in _SKELETONS
    for r in regs:
        sign = np.where(np.concatenate(r.pattern), 1, -1)
        for v in r.polytope.vertices:
            z, bound = _exact_preactivations(net, v), _bounds(net, v)
            assert not any(float(zi) * s < -b for zi, s, b in zip(z, sign, bound, strict=True))
