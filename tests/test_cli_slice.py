"""``spectral-exact slice`` and ``--net`` with a saved torch model: numbers equal the library's."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import spectral_exact as se
from spectral_exact.cli import main

torch = pytest.importorskip("torch")


def test_slice_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["slice", "--help"])
    assert exc.value.code == 0
    assert "--images" in capsys.readouterr().out


def test_slice_quick_run_matches_library(tmp_path: Path) -> None:
    out = tmp_path / "out"
    argv = ["slice", "--epochs", "1", "--channels", "2", "--n", "8", "--n-max", "400"]
    assert main([*argv, "--margin", "0", "--no-plot", "--out", str(out)]) == 0
    s = json.loads((out / "summary.json").read_text())
    assert len(s["images"]) == 3 and len(set(s["labels"])) == 3
    assert s["regions_on_plane"] >= s["linear_pieces_on_plane"] >= 1
    assert s["regions_on_line"] >= s["linear_pieces_on_line"] >= 1
    assert s["decision_boundary_segments"] >= 0
    assert 0 <= s["fft_vs_exact_max_rel_error"] < 1


def test_saved_torch_model_as_net(tmp_path: Path) -> None:
    torch.manual_seed(0)
    model = torch.nn.Sequential(
        torch.nn.Linear(2, 6), torch.nn.LeakyReLU(0.1), torch.nn.Linear(6, 1)
    ).double()
    path = tmp_path / "model.pt"
    torch.save(model, path)
    out = tmp_path / "out"
    assert main(["regions", "--net", str(path), "--out", str(out)]) == 0
    summary = json.loads((out / "summary.json").read_text())
    net = se.from_torch(model)
    assert summary["n_regions"] == len(se.linear_regions(net, se.Box([-1, -1], [1, 1])))
    x = np.random.default_rng(0).normal(size=(5, 2))
    loaded = se.torch_model.load_network(path)
    assert np.allclose(loaded(x), model(torch.tensor(x)).detach().numpy()[:, 0], atol=1e-12)


def test_unreadable_torch_file_is_an_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.pt"
    bad.write_text("not a model")
    with pytest.raises(se.UnsupportedModuleError, match="cannot load a torch model"):
        se.torch_model.load_network(bad)
