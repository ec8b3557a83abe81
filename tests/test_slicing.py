"""Slices through data: restrict, slice_through, linear_pieces, and the whole library on them.

Regions of compiled torch models on slices are checked against the torch model itself
(an independent sampler); the exact transform against trapezoidal quadrature of the torch
model on the slice.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

import spectral_exact as se

torch = pytest.importorskip("torch")
nn = torch.nn

from spectral_exact._cli_slice import make_digits_cnn  # noqa: E402

AGREE = 1e-12  # |slice - net at the mapped point|, float64

MAP_TOL = 1e-9  # |region map - torch| at interior sample points, relative to max(1, |f|)
KINK_TOL = 1e-7  # smallest slope change counted as a kink by the finite-difference sampler
QUAD_TOL = 5e-4  # |exact - trapezoid(n=800)| / max |exact| (error O(h^2) at the kinks)


@pytest.fixture(scope="module")
def cnn_case():
    torch.manual_seed(7)
    model = make_digits_cnn(8, channels=3)  # untrained: random weights and batchnorm stats
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d):
            with torch.no_grad():
                m.running_mean.uniform_(-0.5, 0.5)
                m.running_var.uniform_(0.5, 2.0)
    model = model.double().eval()
    rng = np.random.default_rng(7)
    images = rng.uniform(0, 1, size=(4, 1, 8, 8))
    w = np.zeros(10)
    w[[2, 6]] = [1.0, -1.0]
    net = se.from_torch(model, input_shape=(1, 8, 8), output=w)
    return model, images, w, net


def _torch_f(model, x, w):
    with torch.no_grad():
        return model(torch.tensor(x).reshape(-1, 1, 8, 8)).numpy() @ w


def test_restrict_and_slice_through_coordinates():
    net = se.ReLUNetwork.random([5, 7, 7, 1], seed=3)
    rng = np.random.default_rng(0)
    P = rng.normal(size=(4, 5))
    for m in (1, 2, 3):
        g = se.slice_through(net, P[: m + 1])
        assert g.input_dim == m
        T = np.vstack([np.zeros(m), np.eye(m)])  # p_0 at 0, p_j at e_j
        assert np.max(np.abs(g(T) - net(P[: m + 1]))) <= AGREE
        t = rng.normal(size=(10, m))
        x = P[0] + t @ (P[1 : m + 1] - P[0])
        assert np.max(np.abs(g(t) - net(x))) <= AGREE
    # a single direction is a line
    line = se.restrict(net, P[0], P[1] - P[0])
    assert line.input_dim == 1


def test_slice_errors():
    net = se.ReLUNetwork.random([3, 4, 1], seed=0)
    with pytest.raises(se.InvalidDomainError, match="affinely independent"):
        se.slice_through(net, [[0, 0, 0], [1, 1, 1], [2, 2, 2]])
    with pytest.raises(se.InvalidDomainError, match="2, 3 or 4 points"):
        se.slice_through(net, np.zeros((5, 3)))
    with pytest.raises(se.InvalidDomainError, match="3 entries"):
        se.slice_through(net, np.zeros((2, 4)))
    with pytest.raises(se.InvalidDomainError, match="origin must have 3"):
        se.restrict(net, np.zeros(2), np.eye(3)[:2])
    with pytest.raises(se.InvalidDomainError, match=r"basis must have shape \(m, 3\)"):
        se.restrict(net, np.zeros(3), np.zeros((2, 5)))
    with pytest.raises(se.InvalidDomainError, match="non-finite"):
        se.restrict(net, [0, np.nan, 0], np.eye(3))


def test_high_dimensional_box_refused_with_slice_hint():
    net = se.ReLUNetwork.random([784, 4, 1], seed=0)
    with pytest.raises(se.InvalidDomainError, match=r"R\^784.*slice_through"):
        se.linear_regions(net, se.Box(np.zeros(784), np.ones(784)))
    with pytest.raises(se.InvalidDomainError, match="slice"):
        se.linear_regions(net)


def test_regions_on_plane_match_torch_sampler(cnn_case):
    model, images, w, net = cnn_case
    g = se.slice_through(net, images[:3])
    box = se.Box([-0.25, -0.25], [1.25, 1.25])
    regs = se.linear_regions(g, box)
    assert abs(regs.total_volume - 1.5**2) <= 1e-9
    rng = np.random.default_rng(1)
    T = rng.uniform(-0.25, 1.25, size=(4000, 2))
    X = images[0].reshape(-1) + T @ (images[1:3] - images[0]).reshape(2, -1)
    f = _torch_f(model, X, w)
    # locate each sample by the region polytopes' inequalities (not by activation patterns)
    first = np.full(len(T), -1)
    for i, r in enumerate(regs):
        inside = np.all(T @ r.polytope.A.T <= r.polytope.b + 1e-12, axis=1)
        first[(first < 0) & inside] = i
    assert np.all(first >= 0)  # the regions cover the box
    pred = np.array([regs[i].weight @ t + regs[i].bias for i, t in zip(first, T, strict=True)])
    assert np.max(np.abs(pred - f) / np.maximum(1, np.abs(f))) <= MAP_TOL
    # every activation pattern the compiled net shows on a fine grid is one of the regions
    seen = {p.tobytes() for p in np.concatenate(g.patterns(T), axis=-1)}
    assert seen <= {r.pattern_key for r in regs}
    # and every region is nonempty: its centroid's torch value follows its affine map
    C = np.array([r.polytope.vertices.mean(0) for r in regs])
    Xc = images[0].reshape(-1) + C @ (images[1:3] - images[0]).reshape(2, -1)
    fc = _torch_f(model, Xc, w)
    pc = np.einsum("ij,ij->i", np.array([r.weight for r in regs]), C) + [r.bias for r in regs]
    assert np.max(np.abs(pc - fc) / np.maximum(1, np.abs(fc))) <= MAP_TOL


def _torch_pieces_check(model, w, p0, p1, regs):
    """The merged pieces on [0, 1] against the torch model: affine inside, kinked at ends."""
    rng = np.random.default_rng(0)
    ivs = sorted(
        (float(r.polytope.vertices.min()), float(r.polytope.vertices.max()), r) for r in regs
    )

    def f(t):
        return _torch_f(model, p0 + np.asarray(t)[:, None] * (p1 - p0), w)

    # merge by affine map to get the candidate pieces, then check them with torch only
    pieces = [[ivs[0][0], ivs[0][1]]]
    for lo, hi, r in ivs[1:]:
        prev = pieces[-1]
        t_in = np.array([(prev[0] + prev[1]) / 2, (lo + hi) / 2])
        fv = f(t_in)
        slope = (fv[1] - fv[0]) / (t_in[1] - t_in[0])
        if abs(slope - r.weight[0]) <= KINK_TOL and abs(fv[1] - r.weight[0] * t_in[1] - r.bias) <= (
            KINK_TOL
        ):
            prev[1] = hi
        else:
            pieces.append([lo, hi])
    for lo, hi in pieces:  # torch is affine on each piece: random interior points on one line
        t = np.sort(rng.uniform(lo, hi, 12))
        fv = f(t)
        coef = np.polyfit(t, fv, 1)
        assert np.max(np.abs(np.polyval(coef, t) - fv)) <= 1e-9 * max(1.0, np.abs(fv).max())
    for (a0, a1), (b0, b1) in itertools.pairwise(pieces):  # a real kink
        h = 1e-3 * min(a1 - a0, b1 - b0)
        left = (f([a1])[0] - f([a1 - h])[0]) / h
        right = (f([b0 + h])[0] - f([b0])[0]) / h
        assert abs(left - right) > KINK_TOL
    return len(pieces)


def test_linear_pieces_on_a_line_match_torch(cnn_case):
    model, images, w, net = cnn_case
    line = se.slice_through(net, images[:2])
    regs = se.linear_regions(line, se.Box([0.0], [1.0]))
    n_torch = _torch_pieces_check(model, w, images[0].reshape(-1), images[1].reshape(-1), regs)
    assert se.linear_pieces(regs) == n_torch
    assert n_torch <= len(regs)


def test_linear_pieces_hand_checked():
    # relu(x) + 0 * relu(x - 0.5) on [-1, 1]: 3 activation regions, 2 pieces
    net = se.ReLUNetwork(
        [np.array([[1.0], [1.0]]), np.array([[1.0, 0.0]])], [np.array([0.0, -0.5]), np.zeros(1)]
    )
    assert len(se.linear_regions(net, se.Box([-1], [1]))) == 3
    assert se.linear_pieces(se.linear_regions(net, se.Box([-1], [1]))) == 2
    # 2-D: relu(x) + 0 * relu(y): 4 regions, 2 pieces (the halves x < 0 and x > 0)
    net2 = se.ReLUNetwork([np.eye(2), np.array([[1.0, 0.0]])], [np.zeros(2), np.zeros(1)])
    regs2 = se.linear_regions(net2, se.Box([-1, -1], [1, 1]))
    assert len(regs2) == 4
    assert se.linear_pieces(regs2) == 2
    # a map that repeats on non-adjacent regions stays two pieces: |x| - relu(x - 0) ...
    # f = relu(-x) + relu(x - 1) on [-1, 2] is 0 on [0, 1], slopes -1, 0, 1: three pieces
    net3 = se.ReLUNetwork(
        [np.array([[-1.0], [1.0]]), np.array([[1.0, 1.0]])], [np.array([0.0, -1.0]), np.zeros(1)]
    )
    assert se.linear_pieces(se.linear_regions(net3, se.Box([-1], [2]))) == 3


def test_exact_transform_on_plane_matches_torch_quadrature(cnn_case):
    model, images, w, net = cnn_case
    g = se.slice_through(net, images[:3])
    lo, hi = -0.25, 1.25
    box = se.Box([lo, lo], [hi, hi])
    ks = np.array([[0.0, 0.0], [3.0, -2.0], [7.5, 4.0], [-12.0, 9.0]])
    exact = se.network_fourier(g, ks, domain=box)
    basis = (images[1:3] - images[0]).reshape(2, -1)

    n_fine = 800  # the coarse grid (n_fine / 4) is a subset of the fine nodes: one evaluation
    s = np.linspace(lo, hi, n_fine + 1)
    T = np.stack(np.meshgrid(s, s, indexing="ij"), -1)
    fv = _torch_f(model, images[0].reshape(-1) + T.reshape(-1, 2) @ basis, w).reshape(T.shape[:2])

    def trapezoid(step):
        Ts, fs = T[::step, ::step], fv[::step, ::step]
        n = Ts.shape[0] - 1
        wt = np.ones(n + 1)
        wt[[0, -1]] = 0.5
        W = np.outer(wt, wt) * ((hi - lo) / n) ** 2
        return np.array([np.sum(W * fs * np.exp(-1j * (Ts @ k))) for k in ks])

    coarse, fine = trapezoid(4), trapezoid(1)
    scale = np.abs(exact).max()
    err_c = np.abs(coarse - exact).max() / scale
    err_f = np.abs(fine - exact).max() / scale
    assert err_f <= QUAD_TOL
    assert err_f < err_c / 4  # converging to the exact value (about h^2)


@pytest.mark.filterwarnings("ignore::spectral_exact.IllConditionedWarning")
def test_whole_library_accepts_compiled_slices(cnn_case):
    _model, images, _w, net = cnn_case
    g = se.slice_through(net, images[:3])
    box = se.Box([0.0, 0.0], [1.0, 1.0])
    regs = se.linear_regions(g, box)
    P = max(regs, key=lambda r: r.polytope.volume).polytope
    G = se.face_poset(P)
    assert G.number_of_nodes() == 2 * len(P.vertices) + 1  # polygon: V vertices, V edges, P
    # transform on the box: exact vs FFT reference on its own grid
    kgrid, F_fft = se.fft_fourier(g, box, n=256)
    sel = 128 + np.array([[0, 0], [1, 2], [3, -1]])  # k = 0 sits at index n // 2 (fftshift)
    k = kgrid[sel[:, 0], sel[:, 1]]
    F_exact = se.network_fourier(g, k, domain=box)
    assert np.max(np.abs(F_exact - F_fft[sel[:, 0], sel[:, 1]])) <= 1e-3 * np.abs(F_exact).max()
    # R^2 as a tempered distribution and Theorem 1 on a small slice
    small = se.slice_through(
        se.from_torch(nn.Sequential(nn.Linear(4, 6), nn.LeakyReLU(0.2), nn.Linear(6, 1)).double()),
        np.eye(4)[:3],
    )
    kk = np.array([[2.0, 0.7], [-1.3, 3.1]])
    terms = se.theorem1_terms(small, kk)
    assert np.allclose(
        sum(terms.values()) if isinstance(terms, dict) else terms.total,
        se.network_fourier(small, kk),
        rtol=1e-8,
        atol=1e-12,
    )
