"""The computations behind experiments 8, 9 and Appendix E (``knn``), each checked against an
independent route: exact path regions and class changes vs a dense sampler of the CNN's own
activation patterns, NEB invariants, KNN vs scikit-learn, the flat manifold vs least squares.
"""

from __future__ import annotations

import gzip
import struct
from itertools import pairwise
from pathlib import Path

import numpy as np
import pytest

import spectral_exact as se
from spectral_exact.experiments import _common as C
from spectral_exact.experiments import exp8, exp9, knn

#: points per segment of the dense sampler (the tiny CNNs have regions much wider than 1/20000)
SAMPLES_PER_SEGMENT = 20_001
#: the FFT (trapezoid) transform of a smooth-ish net vs the exact one at low |k|, relative
FFT_REL_TOL = 0.02


@pytest.fixture(autouse=True)
def _one_torch_thread() -> None:
    C.configure_torch(1)  # as every experiment run does (many threads spin on a loaded machine)


def _cnn(seed: int, channels: tuple[int, int] = (2, 3)):
    import torch

    torch.manual_seed(seed)
    model = exp9.make_cnn(8, channels).double().eval()
    for p in model.parameters():
        p.requires_grad_(False)
    return model


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_exact_path_counts_match_dense_sampler(seed: int) -> None:
    model = _cnn(seed)
    net = exp9.compile_cnn(model, 8)
    rng = np.random.default_rng(seed)
    nodes = rng.uniform(0, 1, size=(3, 64))
    res = exp9.analyse_path(net, model, nodes)
    runs, changes = exp9.sampled_path_counts(model, nodes, SAMPLES_PER_SEGMENT)
    assert res.n_regions == runs
    assert res.class_changes == changes
    assert res.n_regions > 3  # the check is not vacuous
    # the compiled network is the CNN (generic functional of the ten logits)
    import torch

    w = np.random.default_rng(exp9.GENERIC_OUTPUT_SEED).standard_normal(10)
    with torch.no_grad():
        ref = model(torch.as_tensor(nodes).reshape(-1, 1, 8, 8)).numpy() @ w
    np.testing.assert_allclose(net(nodes), ref, rtol=1e-12, atol=1e-12)


def test_collinear_nodes_count_like_one_segment() -> None:
    model = _cnn(3)
    net = exp9.compile_cnn(model, 8)
    a, b = np.random.default_rng(3).uniform(0, 1, size=(2, 64))
    one = exp9.analyse_path(net, model, np.stack([a, b]))
    s = np.linspace(0, 1, 7)[:, None]
    many = exp9.analyse_path(net, model, a * (1 - s) + b * s)
    assert (many.n_regions, many.classes) == (one.n_regions, one.classes)


def test_envelope_classes_against_dense_argmax() -> None:
    rng = np.random.default_rng(0)
    for _ in range(20):
        alpha, beta = rng.normal(size=6), rng.normal(size=6) * 4
        got = exp9.envelope_classes(alpha, beta, -1.0, 2.0)
        t = np.linspace(-1.0, 2.0, 100_001)
        am = np.argmax(alpha[None] + beta[None] * t[:, None], axis=1)
        want = [int(am[0])] + [int(c) for p, c in pairwise(am) if c != p]
        assert got == want


def test_neb_keeps_endpoints_and_lowers_the_energy() -> None:
    import torch

    model = _cnn(4, channels=(3, 4))

    def flat(z):
        return model(z.reshape(-1, 1, 8, 8))

    rng = np.random.default_rng(4)
    ends = rng.uniform(0, 1, size=(3, 2, 64))
    s = np.linspace(0, 1, 6)[None, :, None]
    init = ends[:, :1] * (1 - s) + ends[:, 1:] * s
    cls = torch.tensor([0, 3, 7])
    saved, trace = exp9.neb_relax(
        flat,
        torch.as_tensor(init),
        cls,
        n_steps=60,
        step=0.5,
        spring=1.0,
        checkpoints=(0, 60),
    )
    np.testing.assert_array_equal(saved[0], init)
    np.testing.assert_array_equal(saved[60][:, 0], init[:, 0])
    np.testing.assert_array_equal(saved[60][:, -1], init[:, -1])
    assert np.all(trace[:, -1] < trace[:, 0])
    # the reported energy is the mean energy of the interior nodes
    with torch.no_grad():
        e = exp9.energy(flat, torch.as_tensor(saved[60][1]), torch.full((6,), 3))
    assert trace[1, -1] == pytest.approx(float(e[1:-1].mean()), rel=1e-12)


def test_adversarial_reaches_the_margin() -> None:
    import copy

    import torch

    cfg = C.override(exp9.CONFIGS["quick"], n_train=300, channels=(2, 3), lr=1e-2, n_steps=60)
    model, x, y, acc = exp9.train_cnn(cfg, 0, "cpu")
    assert acc > 0.5
    model = copy.deepcopy(model).double()
    x0 = x[0]
    target = (int(y[0]) + 1) % 10
    adv = exp9.adversarial(model, x0, target, step=0.02, margin=0.3, max_iter=500)
    assert adv is not None and adv.min() >= 0 and adv.max() <= 1
    with torch.no_grad():
        lg = model(torch.as_tensor(adv).reshape(1, 1, 8, 8)).numpy()[0]
    assert lg[target] - np.delete(lg, target).max() >= 0.3


def test_knn_matches_sklearn_on_a_flower_split() -> None:
    from sklearn.neighbors import KNeighborsClassifier

    z = np.arange(300) / 300
    zv = z + 0.5 / 300
    x, xv = exp5_flower(z, 6), exp5_flower(zv, 6)
    y, yv = knn.labels(z, 17, 0.3), knn.labels(zv, 17, 0.3)
    for K in (5, 8, 13, 20):
        ours = knn.knn_predict(x, y, xv, K)
        ref = KNeighborsClassifier(n_neighbors=K).fit(x, y).predict(xv)
        np.testing.assert_array_equal(ours, ref)
        assert np.mean(ours == yv) == pytest.approx(
            KNeighborsClassifier(n_neighbors=K).fit(x, y).score(xv, yv), abs=0
        )
    f = knn.KNNFunction(x, y, 5)
    g = np.stack(np.meshgrid(np.linspace(-1, 1, 4), np.linspace(-1, 1, 5)), axis=-1)
    ref = KNeighborsClassifier(n_neighbors=5).fit(x, y).predict_proba(g.reshape(-1, 2))[:, 1]
    np.testing.assert_allclose(f(g).ravel(), ref - 0.5, atol=1e-15)
    with pytest.raises(C.ExperimentError, match=r"K must be in 1\.\.300"):
        knn.knn_votes(x, y, xv, 301)


def exp5_flower(z: np.ndarray, L: float) -> np.ndarray:
    from spectral_exact.experiments.exp5 import flower

    return flower(z, L)


def test_radial_spectrum_fft_agrees_with_exact_at_low_k() -> None:
    net = se.ReLUNetwork.random((2, 12, 12, 1), seed=2)
    box = se.Box([-1.6, -1.6], [1.6, 1.6])
    kp = knn.radial_points(np.array([1.0, 3.0]), 8)
    assert kp.shape == (2, 8, 2)
    np.testing.assert_allclose(np.linalg.norm(kp, axis=-1), [[1.0] * 8, [3.0] * 8])
    from spectral_exact.fft import fft_fourier_at

    ex = np.abs(se.network_fourier(net, kp, domain=box)).mean(1)
    ff = np.abs(fft_fourier_at(net, box, 256, kp)).mean(1)
    np.testing.assert_allclose(ff, ex, rtol=FFT_REL_TOL)


def test_flat_manifold_is_the_least_squares_affine_fit() -> None:
    import torch

    torch.manual_seed(0)
    cfg = C.override(exp8.CONFIGS["quick"], ae_width=8, ae_depth=3)
    _, dec = exp8.make_autoencoder(10, cfg)
    z = np.random.default_rng(0).uniform(-1, 1, size=(50, 2))
    flat, curved = exp8.manifold_points(dec, z)
    Z1 = np.hstack([z, np.ones((50, 1))])
    # normal equations: the residual is orthogonal to the affine functions of z
    np.testing.assert_allclose(Z1.T @ (curved - flat), 0.0, atol=1e-10)
    pts = exp8.interpolate(flat, curved, (0.0, 0.5, 1.0))
    np.testing.assert_array_equal(pts[0], flat)
    np.testing.assert_array_equal(pts[2], curved)
    np.testing.assert_allclose(pts[1], (flat + curved) / 2, rtol=1e-15)
    # an affine decoder is its own flat fit
    lin = torch.nn.Linear(2, 10)
    f2, c2 = exp8.manifold_points(lin, z)
    np.testing.assert_allclose(f2, c2, atol=1e-6)


def _write_idx(path: Path, arr: np.ndarray) -> None:
    header = bytes([0, 0, 8, arr.ndim]) + struct.pack(">" + "I" * arr.ndim, *arr.shape)
    with gzip.open(str(path) + ".gz", "wb") as fh:
        fh.write(header + arr.astype(np.uint8).tobytes())


def test_exp8_reads_mnist_idx_through_the_cli(tmp_path: Path) -> None:
    from spectral_exact.experiments.cli import build_parser, run_experiment_command

    rng = np.random.default_rng(0)
    _write_idx(tmp_path / "train-images-idx3-ubyte", rng.integers(0, 256, (60, 28, 28)))
    _write_idx(tmp_path / "train-labels-idx1-ubyte", rng.integers(0, 10, 60))
    args = build_parser().parse_args(
        ["exp8", "--data", str(tmp_path), "--serial", "--out", str(tmp_path / "o")]
    )
    assert args.data == str(tmp_path)
    cfg = exp8.CONFIGS["quick"]
    tiny = dict(ae_width=4, ae_depth=2, ae_steps=5, n_ae_train=50, n_points=20, alphas=(0.0, 1.0))
    exp8.run(
        C.override(cfg, data_path=str(tmp_path), width=4, depth=2, n_steps=4, **tiny),
        seeds=[0],
        out=tmp_path / "o",
        show_progress=False,
        plot_figures=False,
    )
    a, meta = C.load_results(tmp_path / "o")
    assert meta["config"]["data_path"] == str(tmp_path) and a["samples"].shape[3] == 784
    assert int(a["image_side"]) == 28
    # the CLI accepts --data for exp8 (it would run the quick scale on these files)
    assert callable(run_experiment_command)


@pytest.mark.parametrize("name", ["exp8", "exp9", "knn"])
def test_single_seed_runs_merge(name: str, tmp_path: Path) -> None:
    """What the Dask sweep does: one run per seed, merged along SEED_AXIS; every array without
    a seed axis must be the same in both runs.
    """
    from test_experiments import TINY

    from spectral_exact.experiments import run_experiment
    from spectral_exact.experiments._sweep import merge_task_results

    for s in (0, 1):
        run_experiment(name, tmp_path / str(s), seed=s, show_progress=False, **TINY[name])
    arrays, meta = merge_task_results(name, [tmp_path / "1", tmp_path / "0"])
    assert meta["seeds"] == [0, 1]
    one, _ = C.load_results(tmp_path / "0")
    mod = __import__(f"spectral_exact.experiments.{name}", fromlist=["SEED_AXIS"])
    for key, ax in mod.SEED_AXIS.items():
        assert arrays[key].shape[ax] == 2 * one[key].shape[ax], key


#: the Hann-windowed net's exact transform vs the trapezoid sum of the windowed samples (the
#: windowed function is C^1 across the box boundary, so the sum converges fast), relative
WINDOWED_FFT_REL_TOL = 0.01
#: the shift formula vs adaptive quadrature of a hand-solved case, absolute
WINDOW_QUAD_ATOL = 1e-10


def test_windowed_exact_matches_quadrature_for_the_window_alone() -> None:
    from scipy.integrate import quad

    h = 1.3

    def F1(k: np.ndarray) -> np.ndarray:  # ∫_{-h}^{h} e^{-ikx} dx, exact
        k0 = k[..., 0]
        safe = np.where(k0 == 0, 1.0, k0)
        return np.where(k0 == 0, 2 * h, 2 * np.sin(k0 * h) / safe)

    ks = np.array([0.0, np.pi / h, 0.7, 5.0, 23.0])  # includes a shift hitting k = 0 exactly
    got = knn.windowed_exact(F1, ks[:, None], h)
    for k, g in zip(ks, got):
        re = quad(lambda x, k=k: np.cos(np.pi * x / (2 * h)) ** 2 * np.cos(k * x), -h, h)[0]
        assert g.real == pytest.approx(re, abs=WINDOW_QUAD_ATOL) and abs(g.imag) < 1e-15


def test_windowed_exact_of_a_net_matches_the_fft_of_the_windowed_net() -> None:
    from spectral_exact.fft import fft_fourier_at

    net = se.ReLUNetwork.random((2, 10, 10, 1), seed=3)
    h = knn.BOX_HALF_WIDTH
    box = se.Box([-h, -h], [h, h])
    kp = knn.radial_points(np.array([0.5, 4.0, 15.0]), 6)
    ex = knn.windowed_exact(lambda k: se.network_fourier(net, k, domain=box), kp, h)
    ff = fft_fourier_at(knn.WindowedFunction(net, h), box, 512, kp)
    np.testing.assert_allclose(ex, ff, rtol=WINDOWED_FFT_REL_TOL, atol=1e-4 * np.abs(ex).max())
    # the window removes the box-edge jump: the windowed spectrum decays faster along an axis
    axis_k = np.array([[40.0, 0.0], [80.0, 0.0]])
    raw = np.abs(se.network_fourier(net, axis_k, domain=box))
    win = np.abs(knn.windowed_exact(lambda k: se.network_fourier(net, k, domain=box), axis_k))
    assert win[1] / win[0] < raw[1] / raw[0]


def test_knn_refuses_an_infeasible_exact_transform_before_training(tmp_path: Path) -> None:
    from test_experiments import TINY

    cfg = C.override(knn.CONFIGS["quick"], **{**TINY["knn"], "max_regions": 2})
    net = se.ReLUNetwork.random((2, 6, 6, 1), seed=0)
    est = se.estimate_regions(net, se.Box([-1.6, -1.6], [1.6, 1.6])).estimate
    assert est > 2
    with pytest.raises(C.ExperimentError, match=r"6 x 2 net at initialisation needs an estimated"):
        knn.run(cfg, seeds=[0], out=tmp_path, show_progress=False, plot_figures=False)
    with pytest.raises(C.ExperimentError, match=rf"{est:,.0f} linear regions.*max_regions=2"):
        knn.check_exact_budget(net, cfg, "at initialisation")
    knn.check_exact_budget(net, C.override(cfg, max_regions=int(np.ceil(est))), "at initialisation")
    # the paper scale's spectrum net is within the default budget when untrained
    paper = knn.CONFIGS["paper"]
    assert (paper.width, paper.depth, paper.max_regions) == (64, 4, 500_000)


@pytest.mark.slow
@pytest.mark.parametrize("name", ["exp6", "exp7", "exp8", "exp9", "fprinciple", "knn"])
def test_paper_config_finishes_one_seed_with_cut_training(name: str) -> None:
    """The paper-scale config (every size at paper scale, training loops cut to a few steps)
    starts and finishes one seed and draws its figures; validation/paper_smoke.py times it.
    """
    import sys

    root = Path(__file__).resolve().parents[1]
    sys.path.insert(0, str(root / "validation"))
    try:
        import paper_smoke
    finally:
        sys.path.remove(str(root / "validation"))
    cut = {
        "exp8": {"ae_steps": 5, "n_steps": 5},
        "exp9": {"n_steps": 20, "neb_steps": 2, "checkpoints": (0, 2)},
        "knn": {"n_steps": 5},
        "exp6": {"n_steps": 5},
        "exp7": {"n_steps": 5},
        "fprinciple": {"n_steps": 500, "n_steps_init": 600},
    }[name]
    res = paper_smoke.smoke(name, cut)
    mod = __import__(f"spectral_exact.experiments.{name}", fromlist=["plot"])
    assert res["figures"] and res["loops"] and all(lp["calls"] >= 1 for lp in res["loops"])
    assert res["estimated_paper_s"] > res["wall_s"] > 0
    assert mod.CONFIGS["paper"].n_seeds == res["paper_seeds"]
