"""Command-line input/output: negative values, --k-file, --json, claims.json, region export."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import spectral_exact as se
from spectral_exact.cli import build_parser, load_frequencies, main, write_claims_json

BOX = se.Box([-1.0, -1.0], [1.0, 1.0])
NET = se.ReLUNetwork.random((2, 16, 16, 1), seed=0)


def run_json(argv: list[str], capsys: pytest.CaptureFixture[str]) -> dict:  # type: ignore[type-arg]
    assert main([*argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)  # stdout is exactly one JSON document


def values(doc: dict) -> np.ndarray:  # type: ignore[type-arg]
    return np.array([v["re"] + 1j * v["im"] for v in doc["values"]])


@pytest.mark.parametrize(
    "argv",
    [
        ["--k", "-3,0;0,3"],
        ["--k=-3,0;0,3"],
        ["--k", "-3, 0; 0, 3"],
        ["--k", "-3e0,0;0,3", "--box", "-1,1"],
        ["--k", "-3,0;0,3", "--lo", "-1", "--hi", "1"],
    ],
)
def test_negative_values(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    doc = run_json(["fourier", *argv], capsys)
    k = np.array([[-3.0, 0.0], [0.0, 3.0]])
    np.testing.assert_array_equal(values(doc), se.network_fourier(NET, k, domain=BOX))


def test_negative_box_bounds_per_axis(capsys: pytest.CaptureFixture[str]) -> None:
    doc = run_json(["fourier", "--arch", "2,5,1", "--box", "-2,-1,0,1", "--k", "-1.5,2"], capsys)
    net = se.ReLUNetwork.random((2, 5, 1), seed=0)
    expected = se.network_fourier(net, np.array([[-1.5, 2.0]]), domain=se.Box([-2, -1], [0, 1]))
    np.testing.assert_array_equal(values(doc), expected)


@pytest.mark.filterwarnings("ignore::spectral_exact.IllConditionedWarning")
def test_flag_before_negative_looking_token_is_not_joined(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A store_true flag never swallows the next token."""
    assert main(["fourier", "--whole-space", "--k", "-3,1", "--arch", "2,4,1", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    net = se.ReLUNetwork.random((2, 4, 1), seed=0)
    np.testing.assert_array_equal(values(doc), se.network_fourier(net, np.array([[-3.0, 1.0]])))


@pytest.mark.parametrize("suffix", [".npy", ".csv", ".txt"])
def test_k_file(suffix: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    k = np.array([[-3.0, 0.25], [0.0, 3.0], [1e3, -7.5]])
    path = tmp_path / f"k{suffix}"
    if suffix == ".npy":
        np.save(path, k)
    elif suffix == ".csv":
        path.write_text("# k1,k2\n" + "\n".join(f"{a!r},{b!r}" for a, b in k.tolist()) + "\n")
    else:
        path.write_text("\n".join(f"{a!r} {b!r}" for a, b in k.tolist()) + "\n\n")
    doc = run_json(["fourier", "--k-file", str(path)], capsys)
    assert [v["k"] for v in doc["values"]] == k.tolist()
    np.testing.assert_array_equal(values(doc), se.network_fourier(NET, k, domain=BOX))


def test_k_file_single_row_and_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    np.save(tmp_path / "one.npy", np.array([1.0, 2.0]))
    assert load_frequencies(tmp_path / "one.npy", 2).tolist() == [[1.0, 2.0]]
    np.save(tmp_path / "bad.npy", np.zeros((4, 3)))
    (tmp_path / "nan.csv").write_text("1,nan\n")
    (tmp_path / "text.csv").write_text("1,a\n")
    cases = [
        (["--k-file", str(tmp_path / "bad.npy")], r"must hold an \(n, 2\) array .* \(4, 3\)"),
        (["--k-file", str(tmp_path / "nan.csv")], r"non-finite"),
        (["--k-file", str(tmp_path / "text.csv")], r"cannot read frequencies"),
        (["--k-file", str(tmp_path / "missing.npy")], r"does not exist"),
        (["--k-file", str(tmp_path / "one.npy"), "--k", "1,2"], r"either --k or --k-file"),
    ]
    for argv, match in cases:
        assert main(["fourier", *argv]) == 2
        err = capsys.readouterr().err
        assert err.startswith("error: ") and len(err.strip().splitlines()) == 1
        assert re.search(match, err), err


def test_fourier_many_frequencies_in_chunks(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import spectral_exact.cli as cli

    monkeypatch.setattr(cli, "FOURIER_CHUNK", 7)
    k = np.random.default_rng(0).normal(scale=20, size=(30, 2))
    np.save(tmp_path / "k.npy", k)
    doc = run_json(["fourier", "--k-file", str(tmp_path / "k.npy")], capsys)
    np.testing.assert_allclose(
        values(doc), se.network_fourier(NET, k, domain=BOX), rtol=1e-13, atol=1e-15
    )


def test_every_subcommand_has_json() -> None:
    parser = build_parser(["experiment"])
    sub = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    assert set(sub.choices) >= {"regions", "fourier", "demo", "experiment", "version"}
    for name, p in sub.choices.items():
        assert "--json" in p.format_help(), name


def test_json_version_and_regions(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_json(["version"], capsys)["spectral-exact"] == se.__version__
    doc = run_json(["regions", "--arch", "2,6,1", "--no-plot", "--out", str(tmp_path)], capsys)
    on_disk = json.loads((tmp_path / "summary.json").read_text())
    assert doc == {**on_disk, "out": str(tmp_path)}
    net = se.ReLUNetwork.random((2, 6, 1), seed=0)
    assert doc["n_regions"] == len(se.linear_regions(net, BOX))


def test_json_demo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:  # type: ignore[no-untyped-def]
    pytest.importorskip("torch")  # trains or builds a torch model
    import spectral_exact.demo as demo

    def fake_run_demo(out, cfg):  # type: ignore[no-untyped-def]
        print("noise that must not reach stdout")
        Path(out).mkdir(parents=True, exist_ok=True)
        Path(out, "report.md").write_text("# report\n")
        return {"n_regions": 3, "ratio": float("nan")}

    monkeypatch.setattr(demo, "run_demo", fake_run_demo)
    doc = run_json(["demo", "--out", str(tmp_path), "--quick"], capsys)
    assert doc == {"n_regions": 3, "ratio": None, "out": str(tmp_path)}


def _claims() -> list:  # type: ignore[type-arg]
    from spectral_exact.experiments import Claim

    return [
        Claim("low first", "rank correlation", ">=", 0.8, (0, 1, 2), (0.9, 0.95, 0.92)),
        Claim("norm grows", "ratio", ">", 1.0, (0, 1, 2), (float("nan"), 2.0, 3.0)),
    ]


def test_write_claims_json(tmp_path: Path) -> None:
    path = write_claims_json("exp1", tmp_path, _claims())
    doc = json.loads(path.read_text())
    assert path == tmp_path / "claims.json"
    assert doc["experiment"] == "exp1" and doc["all_passed"] is False
    first, second = doc["claims"]
    assert first["name"] == "low first" and first["metric"] == "rank correlation"
    assert (first["op"], first["threshold"], first["seeds"]) == (">=", 0.8, [0, 1, 2])
    assert first["values"] == [0.9, 0.95, 0.92]
    assert first["mean"] == pytest.approx((0.9 + 0.95 + 0.92) / 3)
    assert first["ci"][0] >= 0.9 - 1e-12 and first["passed"] is True
    assert second["values"][0] is None and second["passed"] is False  # NaN -> null, fails


def test_experiment_saves_claims(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("torch")
    import spectral_exact.experiments as experiments
    import spectral_exact.experiments.cli as ecli

    seen = []

    def fake_run(args):  # type: ignore[no-untyped-def]
        seen.append((args.name, args.scale, args.out))
        print("training ...")
        return 0

    monkeypatch.setattr(ecli, "run_experiment_command", fake_run)
    monkeypatch.setattr(experiments, "experiment_claims", lambda name, out: _claims())
    doc = run_json(["experiment", "exp1", "--out", str(tmp_path)], capsys)
    assert seen == [("exp1", "quick", tmp_path)]
    saved = json.loads((tmp_path / "claims.json").read_text())
    assert doc == {"experiment": "exp1", "out": str(tmp_path), "status": 0, **saved}


def _shoelace(ring: list[list[float]]) -> float:
    x, y = np.asarray(ring).T
    return 0.5 * float(np.sum(x[:-1] * y[1:] - x[1:] * y[:-1]))


def test_geojson_export(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["regions", "--arch", "2,8,8,1", "--seed", "3", "--box", "-1,2", "--no-plot"]
    argv += ["--export", "geojson", "--export", "npz", "--export", "geojson"]
    doc = run_json([*argv, "--out", str(tmp_path)], capsys)
    assert doc["files"] == ["summary.json", "regions.geojson", "regions.npz"]
    doc = json.loads((tmp_path / "regions.geojson").read_text())
    net = se.ReLUNetwork.random((2, 8, 8, 1), seed=3)
    regions = se.linear_regions(net, se.Box([-1, -1], [2, 2]))
    assert doc["type"] == "FeatureCollection" and len(doc["features"]) == len(regions)
    areas = []
    for feat, r in zip(doc["features"], regions, strict=True):
        (ring,) = feat["geometry"]["coordinates"]
        assert feat["geometry"]["type"] == "Polygon" and ring[0] == ring[-1]
        assert len(ring) == len(r.polytope.vertices) + 1
        area = _shoelace(ring)  # counter-clockwise: positive
        assert area == pytest.approx(r.polytope.volume, rel=1e-12)
        assert feat["properties"]["volume"] == pytest.approx(area, rel=1e-12)
        # f is affine on the polygon: weight/bias reproduce the net at the vertices
        P = np.asarray(ring[:-1])
        w, b = np.asarray(feat["properties"]["weight"]), feat["properties"]["bias"]
        np.testing.assert_allclose(P @ w + b, net(P), rtol=1e-12, atol=1e-12)
        pat = feat["properties"]["pattern"].split("|")
        assert [len(p) for p in pat] == [8, 8]
        areas.append(area)
    assert sum(areas) == pytest.approx(9.0, rel=1e-12)


@pytest.mark.parametrize("d", [1, 2, 3])
def test_npz_export_any_dimension(d: int, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    arch = f"{d},5,4,1"
    run_json(
        ["regions", "--arch", arch, "--no-plot", "--export", "npz", "--out", str(tmp_path)], capsys
    )
    net = se.ReLUNetwork.random((d, 5, 4, 1), seed=0)
    regions = se.linear_regions(net, se.Box([-1.0] * d, [1.0] * d))
    with np.load(tmp_path / "regions.npz") as z:
        assert int(z["dim"]) == d and z["architecture"].tolist() == [d, 5, 4, 1]
        assert z["box_lo"].tolist() == [-1.0] * d
        off = z["vertex_offset"]
        assert len(off) == len(regions) + 1
        for i, r in enumerate(regions):
            np.testing.assert_array_equal(z["vertices"][off[i] : off[i + 1]], r.polytope.vertices)
            np.testing.assert_array_equal(z["weight"][i], r.weight)
        assert z["volume"].sum() == pytest.approx(2.0**d, rel=1e-12)


def test_geojson_needs_2d(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["regions", "--arch", "3,4,1", "--export", "geojson", "--out", str(tmp_path)]) == 2
    assert "--export geojson needs a net on R^2; this one is on R^3" in capsys.readouterr().err
    assert not (tmp_path / "summary.json").exists()


def test_python_dash_m(tmp_path: Path) -> None:
    env = {"PYTHONPATH": str(Path(se.__file__).parents[1]), "PATH": "/usr/bin:/bin"}
    res = subprocess.run(
        [sys.executable, "-m", "spectral_exact", "fourier", "--k", "-3,0", "--json"],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    doc = json.loads(res.stdout)
    expected = se.network_fourier(NET, np.array([[-3.0, 0.0]]), domain=BOX)
    np.testing.assert_array_equal(values(doc), expected)
