"""Plotting never changes global matplotlib state (issue 12).

Every entry point that draws (the plotting module, the demo's figures, the experiments'
figure helpers, ``spectral-exact regions``) is run under a backend the library would never
pick itself ("pdf"); the backend must be unchanged afterwards and pyplot must hold no new
figure. A subprocess checks that pyplot is not even imported.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest

import spectral_exact as se

matplotlib = pytest.importorskip("matplotlib")

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
FOREIGN_BACKEND = "pdf"


@pytest.fixture
def foreign_backend() -> Iterator[str]:
    import matplotlib.pyplot as plt

    before = matplotlib.get_backend()
    plt.close("all")
    matplotlib.use(FOREIGN_BACKEND)
    yield FOREIGN_BACKEND
    plt.close("all")
    matplotlib.use(before)


def _regions(d: int) -> se.Regions:
    net = se.ReLUNetwork.random((d, 5, 4, 1), seed=1)
    return se.linear_regions(net, se.Box([-1.0] * d, [1.0] * d))


def _plot_regions_2d(tmp: Path) -> None:
    from spectral_exact.plotting import plot_regions, save_figure

    fig = plot_regions(_regions(2), color="value")
    assert save_figure(fig, tmp / "r.png").read_bytes()[:8] == PNG_MAGIC


def _plot_regions_1d(tmp: Path) -> None:
    from spectral_exact.plotting import close, plot_regions

    fig = plot_regions(_regions(1))
    fig.savefig(tmp / "r1.png")
    close(fig)
    assert (tmp / "r1.png").read_bytes()[:8] == PNG_MAGIC


def _subplots(tmp: Path) -> None:
    from spectral_exact.plotting import subplots

    fig, axes = subplots(2, 2, figsize=(3, 3), sharex=True)
    assert axes.shape == (2, 2)
    fig.savefig(tmp / "s.svg")
    assert (tmp / "s.svg").read_text().lstrip().startswith("<?xml")


def _experiment_figures(tmp: Path) -> None:
    from spectral_exact.experiments._common import new_figure, save_figure

    fig, ax = new_figure(figsize=(2, 2))
    ax.plot([0, 1], [0, 1])
    assert save_figure(fig, tmp / "e.png").read_bytes()[:8] == PNG_MAGIC


def _cli_regions(tmp: Path) -> None:
    from spectral_exact.cli import main

    assert main(["regions", "--arch", "2,5,1", "--out", str(tmp / "cli")]) == 0
    assert (tmp / "cli" / "regions.png").read_bytes()[:8] == PNG_MAGIC


def _demo(tmp: Path) -> None:
    pytest.importorskip("torch")
    from spectral_exact.demo import DemoConfig, run_demo

    cfg = DemoConfig(
        width=6,
        steps=5,
        n_train=64,
        fft_n=32,
        exact_block=8,
        refine=(16, 32),
        decay_t=(1e3, 1e4),
        decay_points=40,
        progress=False,
    )
    run_demo(tmp / "demo", cfg)
    for name in ("regions", "spectrum", "fft_error", "decay"):
        assert (tmp / "demo" / f"{name}.png").read_bytes()[:8] == PNG_MAGIC


ENTRY_POINTS: dict[str, Callable[[Path], None]] = {
    "plot_regions_2d": _plot_regions_2d,
    "plot_regions_1d": _plot_regions_1d,
    "subplots": _subplots,
    "experiment_figures": _experiment_figures,
    "cli_regions": _cli_regions,
    "demo": _demo,
}


@pytest.mark.parametrize("name", list(ENTRY_POINTS))
def test_backend_and_pyplot_untouched(name: str, foreign_backend: str, tmp_path: Path) -> None:
    import matplotlib.pyplot as plt

    ENTRY_POINTS[name](tmp_path)
    assert matplotlib.get_backend() == foreign_backend
    assert plt.get_fignums() == []


def test_user_axes_are_drawn_into(foreign_backend: str) -> None:
    """With ``ax=`` the figure is the caller's (a pyplot figure here) and stays theirs."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    from spectral_exact.plotting import close, plot_regions

    regions = _regions(2)
    assert plot_regions(regions, ax=ax) is fig
    assert len(ax.collections) == 1 and len(ax.collections[0].get_paths()) == len(regions)
    assert plt.get_fignums() == [fig.number]
    close(fig)
    assert plt.get_fignums() == []


def test_pyplot_never_imported(tmp_path: Path) -> None:
    code = textwrap.dedent(
        f"""
        import sys
        import spectral_exact as se
        from spectral_exact.plotting import plot_regions, save_figure, subplots
        from spectral_exact.cli import main
        regions = se.linear_regions(se.ReLUNetwork.random((2, 4, 1), seed=0),
                                    se.Box([0, 0], [1, 1]))
        save_figure(plot_regions(regions), {str(tmp_path / "a.png")!r})
        assert main(["regions", "--arch", "2,4,1", "--out", {str(tmp_path / "cli")!r}]) == 0
        print(sorted(m for m in sys.modules if m.startswith("matplotlib.py")))
        """
    )
    env = {"PYTHONPATH": str(Path(se.__file__).parents[1]), "PATH": "/usr/bin:/bin"}
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip().splitlines()[-1] == "[]"
    assert (tmp_path / "a.png").stat().st_size > 0


def test_plot_regions_value_colours_match_f(foreign_backend: str) -> None:
    """The heat map is drawn from f at the polygon vertices (exact for a piecewise-affine f)."""
    from spectral_exact.plotting import plot_regions

    regions = _regions(2)
    fig = plot_regions(regions, color="value")
    ax = fig.axes[0]
    tri = ax.collections[0]
    expected = np.concatenate([r(r.polytope.vertices) for r in regions])
    assert np.sort(np.asarray(tri.get_array())) == pytest.approx(np.sort(expected), rel=1e-12)
