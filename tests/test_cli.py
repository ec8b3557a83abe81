"""The ``spectral-exact`` command line: exit codes, files written, numbers equal the library's."""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

import spectral_exact as se
from spectral_exact.cli import main, parse_frequencies

DEFAULT_NET = se.ReLUNetwork.random((2, 16, 16, 1), seed=0)
DEFAULT_BOX = se.Box([-1.0, -1.0], [1.0, 1.0])


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        ([], "regions"),
        (["regions"], "--arch"),
        (["fourier"], "--whole-space"),
        (["demo"], "--quick"),
        (["version"], "Print versions"),
        (["experiment"], "NAME"),
    ],
)
def test_help(argv: list[str], expected: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main([*argv, "--help"])
    assert exc.value.code == 0
    assert expected in capsys.readouterr().out


def test_no_command_prints_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert "COMMAND" in capsys.readouterr().out


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["version"]) == 0
    assert f"spectral-exact {se.__version__}" in capsys.readouterr().out


def test_regions_default(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["regions", "--out", str(tmp_path)]) == 0
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert (tmp_path / "regions.png").stat().st_size > 0
    assert (tmp_path / "regions.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    regs = se.linear_regions(DEFAULT_NET, DEFAULT_BOX)
    vols = [r.polytope.volume for r in regs]
    assert summary["n_regions"] == len(regs)
    assert summary["architecture"] == [2, 16, 16, 1]
    assert summary["box_volume"] == 4.0
    assert summary["volume_sum"] == pytest.approx(sum(vols), rel=1e-14)
    assert summary["min_region_volume"] == pytest.approx(min(vols), rel=1e-12)
    assert summary["max_region_volume"] == pytest.approx(max(vols), rel=1e-12)
    hist = Counter(len(r.polytope.vertices) for r in regs)
    assert summary["vertices_per_region"] == {str(k): v for k, v in sorted(hist.items())}
    assert summary["regions_per_s"] > 0
    out = capsys.readouterr().out
    assert f"regions            {len(regs)}" in out
    assert "regions/s" in out


def test_regions_saved_net_and_box(tmp_path: Path) -> None:
    net = se.ReLUNetwork.random((3, 5, 4, 1), seed=2)
    path = tmp_path / "net.npz"
    net.save(path)
    out = tmp_path / "out"
    assert main(["regions", "--net", str(path), "--box=-1,-2,0,1,0,2", "--out", str(out)]) == 0
    summary = json.loads((out / "summary.json").read_text())
    box = se.Box([-1, -2, 0], [1, 0, 2])
    assert summary["n_regions"] == len(se.linear_regions(net, box))
    assert summary["box_lo"] == [-1.0, -2.0, 0.0] and summary["box_hi"] == [1.0, 0.0, 2.0]
    assert not (out / "regions.png").exists()  # 3-D: no picture


def test_regions_arch_seed_lo_hi_and_heat_colour(tmp_path: Path) -> None:
    argv = ["regions", "--arch", "1,6,6,1", "--seed", "3", "--lo", "-2", "--hi", "0.5"]
    assert main([*argv, "--color", "value", "--out", str(tmp_path)]) == 0
    net = se.ReLUNetwork.random((1, 6, 6, 1), seed=3)
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["n_regions"] == len(se.linear_regions(net, se.Box([-2.0], [0.5])))
    assert (tmp_path / "regions.png").exists()


@pytest.mark.parametrize(
    ("argv", "match"),
    [
        (["regions", "--box=-1,1,2"], r"--box needs 2 or 4 numbers for a net on R\^2, got 3"),
        (["regions", "--box=-1,1", "--lo", "0"], r"either --box or --lo/--hi"),
        (["regions", "--lo", "1", "--hi", "1"], r"flat in axis 0"),
        (["regions", "--arch", "2,x,1"], r"--arch must be comma-separated integers"),
        (["regions", "--arch", "2,4,2"], r"architecture must be"),
        (["regions", "--net", "missing.npz"], r"cannot read a network from"),
        (["fourier", "--k", "1,2,3"], r"needs 2 components .* got '1,2,3'"),
        (["fourier", "--k", "1,a"], r"--k must be comma-separated numbers"),
        (["fourier", "--whole-space", "--box=0,1"], r"--whole-space takes no box"),
    ],
)
def test_bad_arguments(
    argv: list[str], match: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([*argv, "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ")
    assert re.search(match, err), err
    assert not (tmp_path / "summary.json").exists()


def test_fourier_matches_library(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["fourier", "--k", "3,0;0,3;0.5,-1", "--out", str(tmp_path)]) == 0
    data = json.loads((tmp_path / "fourier.json").read_text())
    k = np.array([[3.0, 0.0], [0.0, 3.0], [0.5, -1.0]])
    expected = se.network_fourier(DEFAULT_NET, k, domain=DEFAULT_BOX)
    got = np.array([v["re"] + 1j * v["im"] for v in data["values"]])
    np.testing.assert_array_equal(got, expected)
    assert [v["k"] for v in data["values"]] == k.tolist()
    out = capsys.readouterr().out
    assert f"{expected[0].real:.15e}" in out


def test_fourier_whole_space(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["fourier", "--whole-space", "--arch", "2,4,4,1", "--k", "3,1"]) == 0
    net = se.ReLUNetwork.random((2, 4, 4, 1), seed=0)
    expected = se.network_fourier(net, np.array([3.0, 1.0]))
    out = capsys.readouterr().out
    assert "R^2" in out and f"{complex(expected).real:.15e}" in out


def test_parse_frequencies() -> None:
    np.testing.assert_array_equal(parse_frequencies("1,2; 3,4;", 2), [[1, 2], [3, 4]])
    with pytest.raises(se.SpectralExactError, match="at least one frequency"):
        parse_frequencies(" ; ", 2)


def test_demo_wiring(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("torch")  # trains or builds a torch model
    import spectral_exact.demo as demo
    from spectral_exact.cli import QUICK_DEMO_STEPS

    calls: list[tuple[object, ...]] = []

    def fake_run_demo(out, cfg):  # type: ignore[no-untyped-def]
        calls.append((out, cfg))
        Path(out, "report.md").write_text("# report\n")
        return {"n_regions": 3}

    monkeypatch.setattr(demo, "run_demo", fake_run_demo)
    assert main(["demo", "--out", str(tmp_path), "--seed", "4", "--quick", "--no-progress"]) == 0
    assert len(calls) == 1
    out, cfg = calls[0]
    assert str(out) == str(tmp_path)
    assert isinstance(cfg, demo.DemoConfig)
    assert (cfg.seed, cfg.steps, cfg.progress) == (4, QUICK_DEMO_STEPS, False)


@pytest.mark.slow
def test_demo_quick_run(tmp_path: Path) -> None:
    assert main(["demo", "--out", str(tmp_path), "--quick"]) == 0
    assert (tmp_path / "report.json").exists()


def test_experiment_unavailable(monkeypatch: pytest.MonkeyPatch, capsys) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setitem(sys.modules, "spectral_exact.experiments.cli", None)
    assert main(["experiment", "exp1"]) == 2
    err = capsys.readouterr().err
    assert "'experiment' subcommand is unavailable" in err and "pip install" in err
