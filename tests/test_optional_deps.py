"""Optional extras missing: one library error with the pip command, CLI one-liners, and the
work that needs no extra (summary.json) written first.

Absence is simulated by putting ``None`` into ``sys.modules`` for the module and all its
submodules (``import x`` then raises ``ModuleNotFoundError``), never by uninstalling.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest

import spectral_exact as se
from spectral_exact._optional import EXTRAS, install_command, require
from spectral_exact.cli import main


def hide(monkeypatch: pytest.MonkeyPatch, top: str) -> None:
    """Make ``import top`` and ``import top.anything`` fail as if ``top`` were not installed."""
    for name in [m for m in sys.modules if m == top or m.startswith(top + ".")]:
        monkeypatch.setitem(sys.modules, name, None)
    monkeypatch.setitem(sys.modules, top, None)


def error_lines(err: str) -> list[str]:
    assert "Traceback" not in err
    return [ln for ln in err.splitlines() if ln.startswith("error:")]


def test_hide_really_hides(monkeypatch: pytest.MonkeyPatch) -> None:
    hide(monkeypatch, "torch")
    with pytest.raises(ModuleNotFoundError):
        import torch.nn  # noqa: F401


@pytest.mark.parametrize(
    ("module", "extra"), [("torch", "torch"), ("matplotlib", "plot"), ("sklearn", "experiments")]
)
def test_require_raises_library_error(
    module: str, extra: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    hide(monkeypatch, module)
    with pytest.raises(se.MissingDependencyError) as info:
        require(
            module + ".submodule" if module == "matplotlib" else module,
            extra=extra,
            purpose="the test",
        )
    exc = info.value
    assert isinstance(exc, ImportError) and isinstance(exc, se.SpectralExactError)
    assert exc.name == module and exc.extra == extra
    assert exc.install == f"pip install 'spectral-exact[{extra}]'"
    msg = str(exc)
    assert msg.startswith(f"the test needs {module}") and exc.install in msg
    assert "\n" not in msg


def test_require_returns_module_when_present() -> None:
    assert require("numpy", extra="plot") is np


def test_require_does_not_mask_broken_inner_imports(monkeypatch: pytest.MonkeyPatch) -> None:
    """A present module whose own dependency is missing is not reported as 'install x'."""
    import types

    broken = types.ModuleType("fakepkg_broken")
    monkeypatch.setitem(sys.modules, "other_dependency", None)

    def boom(name: str) -> types.ModuleType:
        import other_dependency  # noqa: F401

        return broken

    monkeypatch.setattr("importlib.import_module", boom)
    with pytest.raises(ModuleNotFoundError) as info:
        require("fakepkg", extra="plot")
    assert not isinstance(info.value, se.MissingDependencyError)


def test_install_command_extras_match_pyproject() -> None:
    import tomllib

    pyproject = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text())
    declared = set(pyproject["project"]["optional-dependencies"])
    assert set(EXTRAS) <= declared
    with pytest.raises(ValueError, match="unknown extra 'gpu'"):
        install_command("gpu")


def test_torch_features_without_torch(monkeypatch: pytest.MonkeyPatch) -> None:
    net = se.ReLUNetwork.random((2, 3, 1), seed=0)
    k = np.array([[1.0, 2.0]])
    expected = se.network_fourier(net, k, domain=se.Box([-1, -1], [1, 1]))
    hide(monkeypatch, "torch")
    with pytest.raises(se.MissingDependencyError, match=r"to_torch needs torch.*\[torch\]"):
        net.to_torch()
    with pytest.raises(se.MissingDependencyError, match=r"backend='torch' needs torch"):
        se.network_fourier(net, k, domain=se.Box([-1, -1], [1, 1]), backend="torch")
    # the numpy engine is untouched
    np.testing.assert_array_equal(
        se.network_fourier(net, k, domain=se.Box([-1, -1], [1, 1])), expected
    )


def test_plotting_without_matplotlib(monkeypatch: pytest.MonkeyPatch) -> None:
    from spectral_exact.plotting import plot_regions

    regions = se.linear_regions(se.ReLUNetwork.random((2, 3, 1), seed=0), se.Box([0, 0], [1, 1]))
    hide(monkeypatch, "matplotlib")
    with pytest.raises(se.MissingDependencyError, match=r"plotting needs matplotlib.*\[plot\]"):
        plot_regions(regions)


def test_cli_regions_writes_summary_before_needing_matplotlib(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    hide(monkeypatch, "matplotlib")
    assert main(["regions", "--arch", "2,4,1", "--export", "npz", "--out", str(tmp_path)]) == 2
    captured = capsys.readouterr()
    (line,) = error_lines(captured.err)
    assert "pip install 'spectral-exact[plot]'" in line and "--no-plot" in line
    summary = json.loads((tmp_path / "summary.json").read_text())
    net = se.ReLUNetwork.random((2, 4, 1), seed=0)
    assert summary["n_regions"] == len(se.linear_regions(net, se.Box([-1, -1], [1, 1])))
    assert summary["files"] == ["summary.json", "regions.npz"]
    assert (tmp_path / "regions.npz").is_file() and not (tmp_path / "regions.png").exists()
    # and --no-plot needs no matplotlib at all
    assert main(["regions", "--arch", "2,4,1", "--no-plot", "--out", str(tmp_path)]) == 0


@pytest.mark.parametrize(
    ("argv", "module", "extra"),
    [
        (["demo", "--quick"], "torch", "torch"),
        (["demo", "--quick"], "matplotlib", "plot"),
        (["experiment", "exp1"], "torch", "torch"),
    ],
)
def test_cli_missing_extra_is_one_line(
    argv: list[str],
    module: str,
    extra: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    if module != "torch" and argv[0] in ("demo", "experiment"):
        pytest.importorskip("torch")  # torch is checked first: only then the other extra
    hide(monkeypatch, module)
    assert main([*argv, "--out", str(tmp_path / "out")]) == 2
    (line,) = error_lines(capsys.readouterr().err)
    assert f"pip install 'spectral-exact[{extra}]'" in line
    assert not (tmp_path / "out").exists()  # failed before any work


def test_cli_unexpected_missing_extra_is_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A plain ``import sklearn`` deep inside a handler still ends in one line, no traceback."""
    import spectral_exact.cli as cli

    def handler(args: object) -> int:
        raise ModuleNotFoundError("No module named 'sklearn'", name="sklearn")

    monkeypatch.setattr(cli, "_cmd_version", handler)
    assert main(["version"]) == 2
    (line,) = error_lines(capsys.readouterr().err)
    assert line == "error: sklearn is needed here but not installed: " + install_command(
        "experiments"
    )


def test_cli_unrelated_import_error_is_not_hidden(monkeypatch: pytest.MonkeyPatch) -> None:
    import spectral_exact.cli as cli

    def handler(args: object) -> int:
        raise ModuleNotFoundError("No module named 'not_an_extra'", name="not_an_extra")

    monkeypatch.setattr(cli, "_cmd_version", handler)
    with pytest.raises(ModuleNotFoundError, match="not_an_extra"):
        main(["version"])
