"""Wiring tests of spectral_exact.experiments at tiny sizes: shapes, saved files, replotting,
determinism under a seed, CLI and data loaders. The science is checked in validation/.
"""

from __future__ import annotations

import argparse
import gzip
import json
import struct
from pathlib import Path

import numpy as np
import pytest

import spectral_exact as se
from spectral_exact.experiments import (
    EXPERIMENTS,
    ExperimentError,
    experiment_claims,
    get_config,
    get_experiment,
    replot_experiment,
    run_experiment,
)
from spectral_exact.experiments import _common as C
from spectral_exact.experiments.cli import (
    add_experiment_parser,
    build_parser,
    run_experiment_command,
)
from spectral_exact.experiments.data import load_dataset, load_mnist_idx, read_idx

# the experiments train torch models (the [experiments] extra needs [torch])
pytest.importorskip("torch")

TINY = {
    "exp1": dict(width=8, depth=3, n_steps=20, record_every=10, dense_max=10.0, dense_step=1.0),
    "exp2": dict(width=8, depth=3, n_steps=20, n_deltas=3, n_directions=3, n_directions_exact=2),
    "exp3": dict(
        width=8,
        depth=2,
        n_steps=20,
        record_every=10,
        n_train=60,
        n_val=30,
        noise_freqs=(0.0, 4.0),
        betas=(0.5, 1.0),
    ),
    "exp4": dict(
        width=8,
        depth=2,
        n_steps=20,
        record_every=10,
        n_train=60,
        n_val=30,
        n_bands=4,
        noise_modes=(1, 30),
    ),
    "exp5": dict(width=8, depth=3, n_steps=20, record_every=10, Ls=(0, 4), grid=11),
    "exp6": dict(width=8, depth=3, n_steps=20, freqs=(10, 40), Ls=(0, 4)),
    "exp7": dict(
        depths=(2, 3),
        widths=(4, 8),
        clips=(0.1, 0.0),
        depth_width=8,
        width_depth=3,
        clip_width=8,
        clip_depth=3,
        n_steps=20,
        n_xi=11,
    ),
    "fprinciple": dict(
        width=8, depth=3, n_steps=20, record_every=10, n_steps_init=20, init_scales=(0.5, 1.0)
    ),
    "spectrum2d": dict(
        width=6, depth=2, n_grid=6, n_steps=20, n_checkpoints=3, xi_max=2.0, xi_step=1.0
    ),
    "exp8": dict(
        ae_width=8,
        ae_depth=2,
        ae_steps=20,
        n_ae_train=100,
        n_points=40,
        alphas=(0.0, 1.0),
        width=8,
        depth=2,
        n_steps=20,
        record_every=10,
    ),
    "exp9": dict(
        n_train=300,
        channels=(2, 3),
        lr=1e-2,
        n_steps=60,
        adv_step=0.05,
        adv_margin=0.1,
        n_pairs=2,
        n_nodes=4,
        neb_steps=4,
        checkpoints=(0, 4),
        n_curve=10,
        max_candidates=20,
        adv_iters=100,
    ),
    "knn": dict(
        n_points=100,
        freqs=(2, 5),
        Ls=(0, 4),
        Ks=(5, 6, 7),
        spec_k=2.0,
        spec_L=0.0,
        spec_K=5,
        width=6,
        depth=2,
        n_steps=20,
        k_max=10.0,
        n_radii=3,
        n_angles=4,
        n_fft=32,
    ),
}

# expected shapes of a few arrays per experiment (R = number of seeds)
SHAPES = {
    "exp1": {
        "dft_amp": (2, 1, 3, 10),
        "exact_amp": (2, 1, 3, 10),
        "spectral_norms": (2, 1, 3, 3),
        "loss": (2, 1, 20),
        "final_exact": (2, 1, 11),
        "final_dft": (2, 1, 101),
    },
    "exp2": {"dft_rel": (1, 3, 10), "exact_rel": (1, 3, 10), "base_amp": (1, 10)},
    "exp3": {"val_loss": (2, 2, 1, 3), "train_loss": (2, 2, 1, 20)},
    "exp4": {"band_err": (1, 3, 4), "eigvals": (1, 60), "val_loss": (2, 1, 3)},
    "exp5": {"spectrum": (2, 1, 3, 10), "loss": (2, 1, 20), "grid_pred": (2, 1, 11, 11)},
    "exp6": {"train_acc": (1, 2, 2), "val_acc": (1, 2, 2)},
    "exp7": {"peak": (1, 6), "spectrum": (1, 6, 11), "loss": (1, 6, 20)},
    "fprinciple": {"delta_f": (1, 3, 3), "hf_fraction": (1, 2), "final_spectrum": (1, 2, 161)},
    "spectrum2d": {"spectrum": (1, 3, 5, 5), "wave_amp": (1, 3, 3), "n_regions": (1, 3)},
    "exp8": {"loss": (2, 1, 20), "rec_loss": (2, 1, 3), "samples": (1, 2, 12, 64)},
    "exp9": {"class_changes": (1, 2, 2), "n_regions": (1, 2, 2), "energy_trace": (1, 2, 5)},
    "knn": {"knn_acc": (1, 3, 2, 2), "zeta_dnn": (1, 3), "zeta_knn": (1, 3)},
}


# the figures each experiment writes (paper figure numbers of Rahaman et al., 2019)
FIGURES = {
    "exp1": {"fig1_equal", "fig1_increasing", "fig2", "fig10_equal", "fig10_increasing",
             "exact_vs_dft"},
    "exp2": {"fig3"},
    "exp3": {"fig4a", "fig4b", "fig4d"},
    "exp4": {"fig5", "fig5_noise"},
    "exp5": {"fig6", "fig7", "fig8", "fig12", "fig13"},
    "exp6": {"fig9"},
    "exp7": {"fig15", "fig16", "fig17", "fig18"},
    "fprinciple": {"delta_f", "init_scale"},
    "exp8": {"fig_a6_loss", "fig_a6_manifold"},
    "exp9": {"fig_a7_paths", "fig_a7_counts"},
    "knn": {"fig_e_knn_acc", "fig_e_spectrum"},
}  # fmt: skip


def _run(name: str, out: Path, seed: int = 0) -> dict[str, np.ndarray]:
    return run_experiment(name, out, seed=seed, show_progress=False, **TINY[name])


def test_registry_covers_every_module() -> None:
    assert set(TINY) == set(EXPERIMENTS)
    for name in EXPERIMENTS:
        mod = get_experiment(name)
        assert mod.NAME == name
        assert set(mod.CONFIGS) == {"quick", "paper"}
        assert mod.CONFIGS["paper"] != mod.CONFIGS["quick"]


def test_bad_names_and_options_raise() -> None:
    with pytest.raises(ExperimentError, match="unknown experiment 'exp99'"):
        get_experiment("exp99")
    with pytest.raises(ExperimentError, match="unknown scale 'huge'"):
        get_config("exp1", "huge")
    with pytest.raises(ExperimentError, match=r"unknown config field\(s\) \['nope'\]"):
        get_config("exp1", "quick", nope=1)
    with pytest.raises(ExperimentError, match="--seeds must be >= 1"):
        run_experiment("exp1", "unused", seeds=0)
    with pytest.raises(ExperimentError, match="device must be 'cpu' or 'cuda'"):
        C.resolve_device("tpu")


def test_cuda_request_without_cuda_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    torch = pytest.importorskip("torch")

    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    with pytest.raises(ExperimentError, match="--device cuda was requested"):
        C.resolve_device("cuda")


@pytest.mark.parametrize("name", sorted(TINY))
def test_tiny_run_saves_data_figures_and_is_deterministic(name: str, tmp_path: Path) -> None:
    a = _run(name, tmp_path / "a")
    for key, shape in SHAPES[name].items():
        assert a[key].shape == shape, key
    files = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert "results.npz" in files and "meta.json" in files
    pngs = [f for f in files if f.endswith(".png")]
    assert pngs
    if name in FIGURES:  # every paper figure of the experiment is written, and nothing else
        assert {f[:-4] for f in pngs} == FIGURES[name]
        for f in pngs:  # a real image: PNG signature and more than a header
            data = (tmp_path / "a" / f).read_bytes()
            assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 2000, f
    meta = json.loads((tmp_path / "a" / "meta.json").read_text())
    assert meta["experiment"] == name and meta["seeds"] == [0]
    for key, val in TINY[name].items():
        assert meta["config"][key] == (list(val) if isinstance(val, tuple) else val)
    # every saved float array is finite
    saved, _ = C.load_results(tmp_path / "a")
    for key, val in saved.items():
        if val.dtype.kind == "f":
            assert np.all(np.isfinite(val)), key
    # replot from data only
    for f in pngs:
        (tmp_path / "a" / f).unlink()
    redrawn = replot_experiment(name, tmp_path / "a")
    assert sorted(Path(p).name for p in redrawn) == pngs
    # claims evaluate to numbers on the saved data
    claims = experiment_claims(name, tmp_path / "a")
    assert claims and all(isinstance(c.measured, float) for c in claims)
    # same seed -> identical arrays
    b = _run(name, tmp_path / "b")
    saved_b, _ = C.load_results(tmp_path / "b")
    assert saved.keys() == saved_b.keys()
    for key in saved:
        np.testing.assert_array_equal(saved[key], saved_b[key], err_msg=key)
    for key in b:  # the returned arrays are the saved ones
        np.testing.assert_array_equal(np.asarray(b[key]), saved_b[key], err_msg=key)


def test_different_seed_changes_the_run(tmp_path: Path) -> None:
    _run("exp5", tmp_path / "a", seed=0)
    _run("exp5", tmp_path / "b", seed=1)
    a, _ = C.load_results(tmp_path / "a")
    b, _ = C.load_results(tmp_path / "b")
    assert not np.array_equal(a["loss"], b["loss"])


def test_exp1_amplitude_normalisation(tmp_path: Path) -> None:
    from spectral_exact.experiments import exp1

    z = np.arange(200) / 200
    y = exp1.target(z, [5, 30], np.array([0.3, 0.8]), np.array([0.4, 2.0]))
    np.testing.assert_allclose(exp1.dft_amplitude(y, [5, 30]), [0.3, 0.8], rtol=1e-12)
    # for a smooth net the exact transform on [0,1] and the DFT of its samples agree at low k
    net = se.ReLUNetwork.random((1, 6, 1), seed=3)
    samples = net(z[:, None])
    ex = exp1.exact_amplitude(net, np.array([1.0, 2.0, 3.0]))
    df = exp1.dft_amplitude(samples, [1, 2, 3])
    scale = np.abs(samples).max()
    np.testing.assert_allclose(ex, df, atol=0.02 * scale)


def test_exact_fourier_matches_library(tmp_path: Path) -> None:
    net = se.ReLUNetwork.random((1, 5, 1), seed=1)
    k = np.array([[0.0], [3.0]])
    got = C.exact_fourier(net, k, [0.0], [1.0])
    want = se.network_fourier(net, k, domain=se.Box([0.0], [1.0]))
    np.testing.assert_array_equal(got, want)
    # F(0) is the integral of f over [0, 1]
    x = (np.arange(100000) + 0.5) / 100000
    assert got[0] == pytest.approx(net(x[:, None]).mean(), rel=1e-6, abs=1e-9)


def test_first_crossing_and_spearman() -> None:
    curves = np.array([[0.0, 0.0], [0.6, 0.1], [0.7, 0.4]])
    np.testing.assert_array_equal(
        C.first_crossing(curves, np.array([0, 10, 20]), 0.5), [10, np.inf]
    )
    assert C.spearman([1, 2, 3], [10, 20, np.inf]) == pytest.approx(1.0)
    assert C.spearman([1, 2, 3], [3, 2, 1]) == pytest.approx(-1.0)
    assert np.isnan(C.spearman([1, 2, 3], [5, 5, 5]))
    assert np.isnan(C.spearman([], []))
    claim = C.Claim("c", "d", ">=", 0.5, (0, 1, 2), (0.7, float("nan"), 0.7))
    assert not claim.passed
    assert C.Claim("c", "d", ">=", 0.5, (0, 1, 2), (0.7, 0.7, 0.7)).passed


def test_spectral_norms_power_iteration() -> None:
    torch = pytest.importorskip("torch")

    model = C.make_mlp(3, 7, 3)
    want = [torch.linalg.matrix_norm(m.weight.double(), 2).item() for m in C.linear_layers(model)]
    np.testing.assert_allclose(C.spectral_norms(model, n_iter=200), want, rtol=1e-6)


def test_make_mlp_depth_and_init_scale() -> None:
    torch = pytest.importorskip("torch")

    torch.manual_seed(0)
    a = C.make_mlp(2, 5, 4)
    torch.manual_seed(0)
    b = C.make_mlp(2, 5, 4, init_scale=3.0)
    assert len(C.linear_layers(a)) == 4
    for pa, pb in zip(a.parameters(), b.parameters()):
        torch.testing.assert_close(pb, 3.0 * pa)
    assert se.ReLUNetwork.from_torch(a).architecture == (2, 5, 5, 5, 1)


def test_cli_parser_and_replot(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = argparse.ArgumentParser(prog="spectral-exact")
    sub = root.add_subparsers(dest="command")
    add_experiment_parser(sub)
    args = root.parse_args(
        [
            "experiment",
            "exp5",
            "--scale",
            "paper",
            "--seeds",
            "3",
            "--out",
            str(tmp_path),
            "--device",
            "cpu",
        ]
    )
    assert (args.name, args.scale, args.seeds, args.device) == ("exp5", "paper", 3, "cpu")
    assert args.out == tmp_path and not args.replot
    with pytest.raises(SystemExit):
        root.parse_args(["experiment", "exp99"])
    helptext = build_parser().format_help()
    for name in EXPERIMENTS:
        assert name in helptext
    _run("exp6", tmp_path / "d")
    for f in (tmp_path / "d").glob("*.png"):
        f.unlink()
    args = build_parser().parse_args(["exp6", "--replot", "--out", str(tmp_path / "d")])
    assert run_experiment_command(args) == 0
    assert (tmp_path / "d" / "fig9.png").is_file()
    assert "redrew 1 figure" in capsys.readouterr().out
    args = build_parser().parse_args(["exp1", "--replot", "--out", str(tmp_path / "none")])
    with pytest.raises(ExperimentError, match="holds no saved experiment"):
        run_experiment_command(args)
    args = build_parser().parse_args(["exp1", "--data", "x", "--out", str(tmp_path / "e")])
    with pytest.raises(ExperimentError, match="--data only applies"):
        run_experiment_command(args)


def _write_idx(path: Path, arr: np.ndarray, gz: bool) -> None:
    header = bytes([0, 0, 8, arr.ndim]) + struct.pack(">" + "I" * arr.ndim, *arr.shape)
    data = header + arr.astype(np.uint8).tobytes()
    if gz:
        with gzip.open(str(path) + ".gz", "wb") as fh:
            fh.write(data)
    else:
        path.write_bytes(data)


@pytest.mark.parametrize("gz", [False, True])
def test_mnist_idx_loader(tmp_path: Path, gz: bool) -> None:
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, (5, 28, 28), dtype=np.uint8)
    labels = np.array([3, 1, 4, 1, 5], dtype=np.uint8)
    _write_idx(tmp_path / "train-images-idx3-ubyte", images, gz)
    _write_idx(tmp_path / "train-labels-idx1-ubyte", labels, gz)
    x, y = load_mnist_idx(tmp_path)
    assert x.shape == (5, 784) and y.tolist() == [3, 1, 4, 1, 5]
    np.testing.assert_array_equal(x[2], images[2].reshape(-1) / 255.0)
    x2, _ = load_dataset(str(tmp_path))
    np.testing.assert_array_equal(x, x2)


def test_idx_errors(tmp_path: Path) -> None:
    bad = tmp_path / "bad"
    bad.write_bytes(b"\x01\x02\x08\x01" + struct.pack(">I", 3) + b"abc")
    with pytest.raises(ExperimentError, match="bad magic number"):
        read_idx(bad)
    short = tmp_path / "short"
    short.write_bytes(b"\x00\x00\x08\x01" + struct.pack(">I", 5) + b"ab")
    with pytest.raises(ExperimentError, match=r"header says shape \(5,\)"):
        read_idx(short)
    with pytest.raises(ExperimentError, match="does not exist"):
        load_mnist_idx(tmp_path / "missing")
    with pytest.raises(ExperimentError, match="no train-images-idx3-ubyte"):
        load_mnist_idx(tmp_path)


def test_digits_loader() -> None:
    x, y = load_dataset("digits")
    assert x.shape == (1797, 64) and y.shape == (1797,)
    assert x.min() == 0.0 and x.max() == 1.0
    xs, _ys = load_dataset("digits", n_max=100, seed=1)
    assert xs.shape == (100, 64)
    xs2, _ = load_dataset("digits", n_max=100, seed=1)
    np.testing.assert_array_equal(xs, xs2)


def _denormals_survive() -> bool:
    """Whether the CPU keeps IEEE denormals (False under FTZ/DAZ, torch's flush_denormal)."""
    tiny = np.array([1e-310])  # a denormal: below the smallest normal double, 2.2e-308
    return bool((tiny * 1.0)[0] > 0.0 and (tiny / 2.0)[0] > 0.0)


def test_training_flushes_denormals_only_around_its_steps() -> None:
    """Exact transforms at the records and everything after training see IEEE arithmetic.

    torch.set_flush_denormal(True) is process-wide (FTZ/DAZ): left on, it made scipy's k-d
    tree recurse without end (segmentation fault) in spectrum2d's record transforms.
    """
    torch = pytest.importorskip("torch")
    C.configure_torch(1)
    assert _denormals_survive()
    seen: list[bool] = []
    model = C.make_mlp(2, 8, 2)
    x = torch.rand(16, 2)
    C.train_full_batch(
        model, x, x[:, :1], lr=1e-3, n_steps=4, record_every=2,
        on_record=lambda rec: seen.append(_denormals_survive()), show_progress=False,
    )  # fmt: skip
    assert seen == [True, True, True]
    assert _denormals_survive()
