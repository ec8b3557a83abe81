"""Linear regions: exact structure checked by means independent of the enumerator.

* volumes add up to the domain volume;
* each region's affine map reproduces the network inside it;
* random points fall in exactly one region, whose pattern is the forward-pass pattern;
* the set of region patterns equals the set found by a brute-force sampler (random points, a
  dense grid, and interior points of the returned regions, all classified by the forward pass
  only);
* hand-solvable counts (line arrangements: ``1 + m + m(m-1)/2``) and degenerate arrangements;
* on all of R^d: unbounded regions, lineality, rays, and agreement with the box enumeration.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import networkx as nx
import numpy as np
import pytest
from scipy.optimize import linprog

import spectral_exact as se
from spectral_exact.face_poset import f_vector

REL_VOLUME = 1e-12
REL_VALUE = 1e-12


# ---------------------------------------------------------------------------- helpers
def pattern_key(pattern: list[np.ndarray] | tuple[np.ndarray, ...]) -> bytes:
    return np.concatenate([np.asarray(p, bool) for p in pattern]).tobytes() if len(pattern) else b""


def forward_keys(net: se.ReLUNetwork, x: np.ndarray) -> set[bytes]:
    """Distinct activation patterns of the points ``x`` (forward pass only)."""
    if net.n_hidden == 0:
        return {b""}
    pats = np.concatenate(net.patterns(x), axis=-1)
    return {row.tobytes() for row in np.unique(pats, axis=0)}


def interior_points(P: se.Polytope, n: int, rng: np.random.Generator) -> np.ndarray:
    """Random strict convex combinations of the vertices (plus rays) of ``P``."""
    w = rng.dirichlet(np.ones(len(P.vertices)), size=n)
    x = w @ P.vertices
    if len(P.rays):
        x = x + rng.uniform(0.1, 2.0, (n, len(P.rays))) @ P.rays
    if len(P.lineality):
        x = x + rng.normal(size=(n, len(P.lineality))) @ P.lineality
    return x


def domain_samples(domain: se.Box | se.Polytope, n: int, rng: np.random.Generator) -> np.ndarray:
    if isinstance(domain, se.Box):
        return rng.uniform(domain.lo, domain.hi, (n, domain.dim))
    return interior_points(domain, n, rng)


def brute_force_keys(
    net: se.ReLUNetwork, domain: se.Box, regions: se.Regions, rng: np.random.Generator
) -> set[bytes]:
    """Patterns found by sampling the domain (random points, dense grid, region interiors)."""
    d = domain.dim
    pts = [rng.uniform(domain.lo, domain.hi, (200_000 // d, d))]
    n_grid = {1: 200_001, 2: 401, 3: 41}[d]
    # cell points shifted by an irrational fraction per axis, so that the grid avoids the
    # (measure-zero) kinks of degenerate nets with integer or symmetric weights
    shifts = np.sqrt([2.0, 3.0, 5.0])[:d] % 1.0
    axes = [
        lo + (np.arange(n_grid) + c) * (hi - lo) / n_grid
        for lo, hi, c in zip(domain.lo, domain.hi, shifts, strict=True)
    ]
    pts.append(np.stack(np.meshgrid(*axes, indexing="ij"), -1).reshape(-1, d))
    pts.append(np.array([r.polytope.centroid for r in regions]).reshape(-1, d))
    keys = forward_keys(net, np.vstack(pts))
    return keys


def check_regions(
    net: se.ReLUNetwork,
    domain: se.Box | se.Polytope,
    regions: se.Regions,
    rng: np.random.Generator,
    n_points: int = 20_000,
) -> None:
    """Volumes, affine maps, and exactly-one-region membership of random points."""
    d = net.input_dim
    dom_volume = domain.volume
    vols = np.array([r.polytope.volume for r in regions])
    assert np.all(vols > 0)
    assert math.isclose(vols.sum(), dom_volume, rel_tol=REL_VOLUME)
    keys = [r.pattern_key for r in regions]
    assert len(set(keys)) == len(keys), "two regions share an activation pattern"
    scale = 1.0 + float(np.max(np.abs(domain.vertices)))
    for r in regions:
        P = r.polytope
        assert P.dim == d and P.is_bounded
        assert [len(p) for p in r.pattern] == list(net.hidden_widths)
        x = interior_points(P, 8, rng)
        y = net(x)
        np.testing.assert_allclose(
            r(x), y, rtol=REL_VALUE, atol=REL_VALUE * (1 + np.max(np.abs(y)))
        )
        assert pattern_key(net.patterns(P.centroid)) == r.pattern_key
        assert np.all(domain_contains(domain, P.vertices, 1e-9 * scale))
    x = domain_samples(domain, n_points, rng)
    counts = np.zeros(len(x), int)
    owner = np.full(len(x), -1)
    for i, r in enumerate(regions):
        inside = r.polytope.contains(x)
        counts += inside
        owner[inside] = i
    assert np.all(counts == 1), f"{np.sum(counts != 1)} points in 0 or >1 regions"
    fwd = np.concatenate(net.patterns(x), axis=-1) if net.n_hidden else np.zeros((len(x), 0), bool)
    reg_pats = np.array([np.concatenate(r.pattern) if r.pattern else [] for r in regions], bool)
    np.testing.assert_array_equal(reg_pats[owner].reshape(fwd.shape), fwd)
    np.testing.assert_array_equal(regions.locate(x), owner)


def domain_contains(domain: se.Box | se.Polytope, x: np.ndarray, atol: float) -> np.ndarray:
    return domain.contains(x, atol=atol)


def net_from(W1: list[list[float]], b1: list[float], seed: int = 0) -> se.ReLUNetwork:
    """A one-hidden-layer net with the given first layer and a random output layer."""
    W1a = np.asarray(W1, dtype=float)
    w2 = np.random.default_rng(seed).normal(size=(1, W1a.shape[0]))
    return se.ReLUNetwork([W1a, w2], [np.asarray(b1, dtype=float), np.zeros(1)])


# ---------------------------------------------------------------------------- bounded domains
def test_one_dimensional_hand_count(net_1d_two_units: se.ReLUNetwork) -> None:
    regs = se.linear_regions(net_1d_two_units, se.Box([-1.0], [1.0]))
    assert len(regs) == 3
    pieces = sorted(
        (
            float(r.polytope.vertices.min()),
            float(r.polytope.vertices.max()),
            float(r.weight[0]),
            r.bias,
        )
        for r in regs
    )
    assert pieces == [(-1.0, 0.0, 0.0, 0.0), (0.0, 0.5, 1.0, 0.0), (0.5, 1.0, -1.0, 1.0)]
    check_regions(net_1d_two_units, se.Box([-1.0], [1.0]), regs, np.random.default_rng(0))


@pytest.mark.parametrize(
    ("arch", "seed"),
    [
        ((1, 8, 8, 1), 0),
        ((2, 8, 8, 1), 1),
        ((2, 6, 6, 6, 1), 2),
        ((2, 16, 1), 3),
        ((3, 6, 6, 1), 4),
        ((3, 10, 1), 5),
    ],
)
def test_random_nets_structure_and_brute_force(
    arch: tuple[int, ...], seed: int, random_net: Callable[..., se.ReLUNetwork]
) -> None:
    net = random_net(arch, seed)
    d = arch[0]
    box = se.Box(-np.ones(d), np.ones(d))
    regs = se.linear_regions(net, box)
    rng = np.random.default_rng(seed)
    check_regions(net, box, regs, rng)
    assert brute_force_keys(net, box, regs, rng) == {r.pattern_key for r in regs}


def test_hundred_thousand_points_in_exactly_one_region(
    random_net: Callable[..., se.ReLUNetwork],
) -> None:
    net = random_net((2, 8, 8, 1), 11)
    box = se.Box([-1.0, -1.0], [1.0, 1.0])
    regs = se.linear_regions(net, box)
    check_regions(net, box, regs, np.random.default_rng(5), n_points=100_000)


@pytest.mark.parametrize("m", [1, 2, 5, 9])
def test_line_arrangement_count_in_box(m: int, line_arrangement_net) -> None:  # type: ignore[no-untyped-def]
    net, R = line_arrangement_net(m, seed=m)
    box = se.Box([-R, -R], [R, R])
    regs = se.linear_regions(net, box)
    assert len(regs) == 1 + m + m * (m - 1) // 2
    check_regions(net, box, regs, np.random.default_rng(m))


def test_polytope_domain(unit_simplex: se.Polytope, random_net) -> None:  # type: ignore[no-untyped-def]
    net = random_net((2, 6, 6, 1), 8)
    regs = se.linear_regions(net, unit_simplex)
    # the regions tile the simplex: their volumes add up to its hand-computed area 1/2
    assert math.isclose(sum(r.polytope.volume for r in regs), 0.5, rel_tol=REL_VOLUME)
    check_regions(net, unit_simplex, regs, np.random.default_rng(8))


def test_affine_net_is_one_region(unit_square: se.Box) -> None:
    net = se.ReLUNetwork([[[2.0, -3.0]]], [[0.5]])
    regs = se.linear_regions(net, unit_square)
    assert len(regs) == 1 and regs[0].pattern == ()
    np.testing.assert_array_equal(regs[0].weight, [2.0, -3.0])
    assert regs[0].bias == 0.5
    assert math.isclose(regs.total_volume, 1.0, rel_tol=REL_VOLUME)


# ---------------------------------------------------------------------------- degenerate cases
SQUARE = se.Box([-1.0, -1.0], [1.0, 1.0])
# Hand counts: lines crossing the open square [-1, 1]^2 cut it into
#     1 + (number of distinct lines crossing the interior) + sum over interior crossing points of
#     (number of lines through the point - 1).
DEGENERATE = {
    # name: (first-layer weights, biases, number of regions)
    # x = 0, -1/2, 1/2 and y = 0: 1 + 4 + 3 crossings
    "parallel lines": ([[1, 0], [1, 0], [1, 0], [0, 1]], [0.0, 0.5, -0.5, 0.0], 8),
    # x = 0, y = 0, x = y: 1 + 3 + (3 - 1)
    "three lines through the origin": ([[1, 0], [0, 1], [1, -1]], [0, 0, 0], 6),
    # x = 0.2, y = -0.3, x - y = 0.5, x + y = -0.1 all through (0.2, -0.3): 1 + 4 + 3
    "four lines through one point": ([[1, 0], [0, 1], [1, -1], [1, 1]], [-0.2, 0.3, -0.5, 0.1], 8),
    # x + y = 2 only touches the corner (1, 1)
    "line touching a corner": ([[1, 1]], [-2.0], 1),
    # y = x through (-1, -1) and (1, 1)
    "diagonal through two corners": ([[1, -1]], [0.0], 2),
    # x = 1 is the boundary; y = 0 crosses
    "line along an edge": ([[1, 0], [0, 1]], [-1.0, 0.0], 2),
    # 0.3 x + 0.4 y - 5 < 0 on the square
    "dead neuron": ([[1, 0], [0.3, 0.4]], [0.0, -5.0], 2),
    "always-active neuron": ([[1, 0], [0.3, 0.4]], [0.0, 5.0], 2),
    # only x + y = 0 is a line
    "zero rows": ([[0, 0], [0, 0], [0, 0], [1, 1]], [1.0, -1.0, 0.0, 0.0], 2),
    # x + 2y = -1/2 three times, y = 0, crossing at (-1/2, 0): 1 + 2 + 1
    "duplicated neurons": ([[1, 2], [1, 2], [2, 4], [0, 1]], [0.5, 0.5, 1.0, 0.0], 4),
    # x = 0, y = 0, x + y = 1, y = x, y = -2x - 1; interior crossings: (0, 0) with three lines
    # (counts 2), (-1/2, 0), (1/2, 1/2), (-1/3, -1/3); (0, 1), (1, 0), (0, -1) lie on the
    # boundary and x + y = 1 meets y = -2x - 1 outside: 1 + 5 + 5
    "integer weights": ([[1, 0], [0, 1], [1, 1], [1, -1], [2, 1]], [0, 0, -1, 0, 1], 11),
}


@pytest.mark.parametrize("name", sorted(DEGENERATE))
def test_degenerate_first_layer(name: str) -> None:
    W1, b1, expected = DEGENERATE[name]
    net = net_from(W1, b1)
    regs = se.linear_regions(net, SQUARE)
    rng = np.random.default_rng(0)
    assert len(regs) == expected
    check_regions(net, SQUARE, regs, rng)
    assert brute_force_keys(net, SQUARE, regs, rng) == {r.pattern_key for r in regs}


def test_integer_weights_count_by_brute_force() -> None:
    # the count 15 in DEGENERATE["integer weights"] is also reached by pure sampling
    W1, b1, expected = DEGENERATE["integer weights"]
    net = net_from(W1, b1)
    g = np.linspace(-1, 1, 2001)
    grid = np.stack(np.meshgrid(g + 1e-4, g - 1e-4), -1).reshape(-1, 2)
    assert len(forward_keys(net, grid)) == expected


def test_deep_degeneracies() -> None:
    # layer 2 re-uses layer 1's hyperplanes (|x| = relu(x) + relu(-x)) and has a dead neuron,
    # a duplicated neuron and a neuron whose kink passes through the origin corner of 4 regions
    W1 = np.array([[1.0, 0.0], [-1.0, 0.0], [0.0, 1.0], [0.0, -1.0]])
    W2 = np.array(
        [
            [1.0, 1.0, 0.0, 0.0],  # |x|
            [1.0, 1.0, 0.0, 0.0],  # |x| again
            [0.0, 0.0, 1.0, 1.0],  # |y|
            [1.0, 1.0, 1.0, 1.0],  # |x| + |y| - 1: a diamond
            [0.0, 0.0, 0.0, 0.0],
        ]
    )  # dead
    b2 = np.array([-0.5, -0.5, 0.0, -1.0, -1.0])
    net = se.ReLUNetwork([W1, W2, np.ones((1, 5))], [np.zeros(4), b2, np.zeros(1)])
    regs = se.linear_regions(net, SQUARE)
    # layer 1 cuts the square into 4 quadrants; in each, layer 2 adds one line |x| = 1/2 and
    # one diamond edge |x| + |y| = 1 crossing inside at (+-1/2, +-1/2): 1 + 2 + 1 = 4 regions
    # per quadrant (|y| and the dead neuron never change sign inside a quadrant)
    rng = np.random.default_rng(1)
    assert brute_force_keys(net, SQUARE, regs, rng) == {r.pattern_key for r in regs}
    check_regions(net, SQUARE, regs, rng)
    assert len(regs) == 4 * 4


# ---------------------------------------------------------------------------- face posets
@pytest.mark.parametrize(("arch", "seed"), [((2, 8, 8, 1), 0), ((3, 6, 6, 1), 1)])
def test_face_posets_of_regions(arch: tuple[int, ...], seed: int, random_net) -> None:  # type: ignore[no-untyped-def]
    net = random_net(arch, seed)
    d = arch[0]
    regs = se.linear_regions(net, se.Box(-np.ones(d), np.ones(d)))
    for r in regs:
        G = se.face_poset(r.polytope)
        assert nx.is_directed_acyclic_graph(G)
        fv = f_vector(G)
        assert len(fv) == d + 1 and fv[-1] == 1
        assert fv[0] == len(r.polytope.vertices) and fv[-2] == r.polytope.n_facets
        assert sum((-1) ** k * f for k, f in enumerate(fv)) == 1  # Euler (P counted)
        for F, Gf in G.edges:
            assert G.nodes[Gf]["dim"] == G.nodes[F]["dim"] - 1
        if d == 2:  # a polygon has as many edges as vertices
            assert fv[0] == fv[1]


# ---------------------------------------------------------------------------- all of R^d
def chebyshev_radius(A: np.ndarray, b: np.ndarray) -> float:
    """Inradius of {A x <= b} capped at 1 (independent LP, not the library's)."""
    d = A.shape[1]
    norms = np.linalg.norm(A, axis=1)
    res = linprog(
        np.r_[np.zeros(d), -1.0],
        A_ub=np.hstack([A, norms[:, None]]),
        b_ub=b,
        bounds=[(None, None)] * d + [(None, 1.0)],
        method="highs",
    )
    return float(res.x[-1]) if res.status == 0 else -math.inf


def bounded_by_lp(A: np.ndarray, b: np.ndarray) -> bool:
    """Whether {A x <= b} is bounded: every coordinate is bounded above and below (independent
    LPs on the H-description, not the library's rays / lineality).
    """
    d = A.shape[1]
    for i in range(d):
        for sign in (1.0, -1.0):
            c = np.zeros(d)
            c[i] = sign
            res = linprog(c, A_ub=A, b_ub=b, bounds=[(None, None)] * d, method="highs")
            if res.status == 3:  # unbounded
                return False
            assert res.status == 0, res.message
    return True


@pytest.mark.parametrize("m", [1, 3, 6])
def test_line_arrangement_count_on_plane(m: int, line_arrangement_net) -> None:  # type: ignore[no-untyped-def]
    net, _ = line_arrangement_net(m, seed=m)
    regs = se.linear_regions(net)
    assert regs.domain is None
    assert len(regs) == 1 + m + m * (m - 1) // 2
    # boundedness decided a second way: LPs over each region's inequalities {A x <= b}
    for r in regs:
        P = r.polytope
        assert P.dim == 2
        assert P.is_bounded == bounded_by_lp(P.A, P.b)
        if not P.is_bounded:
            assert P.volume == math.inf
    # bounded regions of m lines in general position: (m-1)(m-2)/2
    assert sum(r.polytope.is_bounded for r in regs) == (m - 1) * (m - 2) // 2


def test_single_neuron_plane_has_lineality() -> None:
    net = net_from([[1.0, 2.0]], [0.5])
    regs = se.linear_regions(net)
    assert len(regs) == 2
    direction = np.array([2.0, -1.0]) / np.sqrt(5)
    for r in regs:
        P = r.polytope
        assert P.lineality.shape == (1, 2) and len(P.rays) == 1
        assert math.isclose(abs(float(P.lineality[0] @ direction)), 1.0, rel_tol=1e-12)


def test_no_hidden_kink_is_whole_plane() -> None:
    net = net_from([[0.0, 0.0]], [1.0])  # a zero row: no hyperplane at all
    regs = se.linear_regions(net)
    assert len(regs) == 1
    assert regs[0].polytope.lineality.shape == (2, 2)
    assert regs[0].pattern[0].tolist() == [True]


@pytest.mark.parametrize(
    ("arch", "seed"), [((2, 5, 5, 1), 0), ((2, 4, 3, 3, 1), 1), ((3, 4, 4, 1), 2)]
)
def test_unbounded_regions_cover_space(arch: tuple[int, ...], seed: int, random_net) -> None:  # type: ignore[no-untyped-def]
    net = random_net(arch, seed)
    d = arch[0]
    regs = se.linear_regions(net)
    keys = {r.pattern_key for r in regs}
    assert len(keys) == len(regs)
    rng = np.random.default_rng(seed)
    x = rng.normal(scale=20.0, size=(50_000, d))
    assert forward_keys(net, x) <= keys
    assert np.all(regs.locate(x) >= 0)
    for r in regs:
        P = r.polytope
        assert P.dim == d
        if not P.is_bounded:
            assert len(P.rays) + len(P.lineality) > 0 and P.volume == math.inf
        xs = interior_points(P, 5, rng)
        assert np.all(P.contains(xs))
        np.testing.assert_allclose(
            r(xs), net(xs), rtol=1e-10, atol=1e-10 * (1 + np.max(np.abs(net(xs))))
        )
        assert pattern_key(net.patterns(P.interior_point)) == r.pattern_key
    # unbounded regions meet the sphere at infinity: sampled points far out land in them
    far = rng.normal(size=(2000, d))
    far = 1e4 * far / np.linalg.norm(far, axis=1, keepdims=True)
    unbounded = {i for i, r in enumerate(regs) if not r.polytope.is_bounded}
    assert set(regs.locate(far).tolist()) <= unbounded


@pytest.mark.parametrize(("arch", "seed"), [((2, 6, 6, 1), 3), ((3, 5, 4, 1), 4)])
def test_plane_regions_restricted_to_box_match_box_regions(
    arch: tuple[int, ...], seed: int, random_net: Callable[..., se.ReLUNetwork]
) -> None:
    net = random_net(arch, seed)
    d = arch[0]
    box = se.Box(-0.7 * np.ones(d), 0.9 * np.ones(d))
    whole = se.linear_regions(net)
    boxed = se.linear_regions(net, box)
    Ab, bb = box.halfspaces()
    meeting = set()
    for r in whole:
        A = np.vstack([r.polytope.A, Ab]) if len(r.polytope.A) else Ab
        b = np.concatenate([r.polytope.b, bb])
        if chebyshev_radius(A, b) > 1e-9:
            meeting.add(r.pattern_key)
    assert meeting == {r.pattern_key for r in boxed}
    # the affine maps agree too
    by_key = {r.pattern_key: r for r in whole}
    for r in boxed:
        q = by_key[r.pattern_key]
        np.testing.assert_allclose(r.weight, q.weight, rtol=1e-12, atol=1e-12)
        assert math.isclose(r.bias, q.bias, rel_tol=1e-12, abs_tol=1e-12)


# ---------------------------------------------------------------------------- bad input
def test_bad_domains(random_net: Callable[..., se.ReLUNetwork]) -> None:
    net = random_net((2, 3, 1))
    with pytest.raises(
        se.InvalidDomainError,
        match=r"domain lives in R\^3 but the network takes "
        r"inputs in R\^2",
    ):
        se.linear_regions(net, se.Box([0, 0, 0], [1, 1, 1]))
    with pytest.raises(se.InvalidDomainError, match=r"must be bounded"):
        se.linear_regions(net, se.Polytope.from_halfspaces([[-1, 0], [0, -1]], [0, 0]))
    with pytest.raises(se.InvalidDomainError, match=r"flat: dimension 1 in R\^2"):
        se.linear_regions(net, se.Polytope.from_vertices([[0, 0], [1, 1]]))
    with pytest.raises(se.InvalidDomainError, match=r"got str"):
        se.linear_regions(net, "unit square")  # type: ignore[arg-type]
    with pytest.raises(se.InvalidDomainError, match=r"flat in axis 0"):
        se.linear_regions(net, ([1.0, 0.0], [1.0, 1.0]))  # type: ignore[arg-type]
    with pytest.raises(se.InvalidNetworkError, match=r"net must be a ReLUNetwork, got list"):
        se.linear_regions([np.eye(2)], se.Box([0, 0], [1, 1]))  # type: ignore[arg-type]


def test_tuple_domain_is_a_box(random_net: Callable[..., se.ReLUNetwork]) -> None:
    net = random_net((2, 5, 1), 3)
    a = se.linear_regions(net, ([-1.0, -1.0], [1.0, 1.0]))  # type: ignore[arg-type]
    b = se.linear_regions(net, SQUARE)
    assert {r.pattern_key for r in a} == {r.pattern_key for r in b}


# ---------------------------------------------------------------------------- 2-D fast path
def _same_point_set(P: np.ndarray, Q: np.ndarray, atol: float) -> None:
    assert P.shape == Q.shape
    dist = np.linalg.norm(P[:, None, :] - Q[None, :, :], axis=-1)
    assert np.all(dist.min(1) <= atol) and np.all(dist.min(0) <= atol)


def _same_regions(fast: list[se.Region], slow: list[se.Region]) -> None:
    """Same patterns, vertex sets (1e-12), facets, weights and biases."""
    by_key = {r.pattern_key: r for r in slow}
    assert len(fast) == len(slow) == len(by_key)
    assert {r.pattern_key for r in fast} == set(by_key)
    for r in fast:
        g = by_key[r.pattern_key]
        scale = 1.0 + float(np.max(np.abs(g.polytope.vertices)))
        _same_point_set(r.polytope.vertices, g.polytope.vertices, 1e-12 * scale)
        Hr = np.column_stack([r.polytope.A, r.polytope.b])
        Hg = np.column_stack([g.polytope.A, g.polytope.b])
        _same_point_set(Hr, Hg, 1e-12 * scale)
        np.testing.assert_allclose(r.weight, g.weight, rtol=1e-12, atol=1e-12)
        assert math.isclose(r.bias, g.bias, rel_tol=1e-12, abs_tol=1e-12)
        assert all(a.dtype == bool for a in r.pattern)


def _fast_and_general(
    net: se.ReLUNetwork, domain: se.Polytope, tol: se.Tolerances | None = None
) -> tuple[list[se.Region], list[se.Region]]:
    from spectral_exact.regions import Regions, _bounded_regions

    t = se.Tolerances() if tol is None else tol
    fast = Regions(net, domain, _bounded_regions(net, domain, t), t)
    slow = Regions(net, domain, _bounded_regions(net, domain, t, fast=False), t)
    return list(fast), list(slow)


FAST_PATH_NETS: dict[str, Callable[[], se.ReLUNetwork]] = {
    "random 2-8-8-1": lambda: se.ReLUNetwork.random((2, 8, 8, 1), seed=3),
    "random 2-16-16-16-1": lambda: se.ReLUNetwork.random((2, 16, 16, 16, 1), seed=4),
    "random 2-40-1": lambda: se.ReLUNetwork.random((2, 40, 1), seed=5),
    # diagonals through the corners, an edge line, a line touching a corner
    "corners": lambda: net_from([[1, -1], [1, 1], [1, 0], [1, 1]], [0, 0, -1, -2]),
    "deep degeneracies": lambda: se.ReLUNetwork(
        [
            np.array([[1.0, 0.0], [-1.0, 0.0], [0.0, 1.0], [0.0, -1.0]]),
            np.array([[1.0, 1, 0, 0], [1, 1, 0, 0], [0, 0, 1, 1], [1, 1, 1, 1], [0, 0, 0, 0]]),
            np.ones((1, 5)),
        ],
        [np.zeros(4), np.array([-0.5, -0.5, 0.0, -1.0, -1.0]), np.zeros(1)],
    ),
    # integer weights: many concurrent and parallel lines, duplicated and dead neurons
    "integer 2-12-12-1": lambda: se.ReLUNetwork(
        [
            np.random.default_rng(7).integers(-2, 3, (12, 2)).astype(float),
            np.random.default_rng(8).integers(-2, 3, (12, 12)).astype(float),
            np.ones((1, 12)),
        ],
        [
            np.random.default_rng(9).integers(-2, 3, 12) / 2,
            np.random.default_rng(10).integers(-2, 3, 12) / 2,
            np.zeros(1),
        ],
    ),
    # duplicated neurons (exact copies) and parallel copies in a second layer
    "duplicated": lambda: se.ReLUNetwork(
        [
            np.repeat(np.random.default_rng(11).normal(size=(4, 2)), 3, axis=0),
            np.repeat(np.random.default_rng(12).normal(size=(3, 12)), 2, axis=0),
            np.ones((1, 6)),
        ],
        [np.repeat(np.random.default_rng(13).normal(size=4), 3) * 0.3, np.zeros(6), np.zeros(1)],
    ),
    **{
        f"first layer: {name}": (lambda w=W1, b=b1: net_from(w, b))
        for name, (W1, b1, _) in DEGENERATE.items()
    },
}


@pytest.mark.parametrize("name", sorted(FAST_PATH_NETS))
def test_2d_fast_path_matches_general_path(name: str) -> None:
    net = FAST_PATH_NETS[name]()
    for domain in (SQUARE.to_polytope(), se.Polytope.from_vertices([[0, 0], [1, 0], [0, 1]])):
        fast, slow = _fast_and_general(net, domain)
        _same_regions(fast, slow)
        for r in fast[:50]:
            assert r.polytope._simple_polygon  # the face poset takes the polygon fast path


def test_2d_fast_path_hands_numerically_degenerate_cuts_to_general_path() -> None:
    # a coarse geometry tolerance puts many vertices "on" hyperplanes: cuts with more than
    # two transition points go to the general path, and the results still agree
    for seed, geometry in ((2, 2e-2), (2, 5e-2), (3, 5e-2)):
        net = se.ReLUNetwork.random((2, 12, 12, 1), seed=seed)
        fast, slow = _fast_and_general(net, SQUARE.to_polytope(), se.Tolerances(geometry=geometry))
        _same_regions(fast, slow)
