"""The teaching notebooks run top to bottom, fast, and show every figure they draw.

The sources are jupytext percent-format scripts ``notebooks/NN_*.py`` (every one is found,
so notebooks added later are covered too). Each is one test: converted to a notebook and
executed with nbclient in a fresh kernel running *this* interpreter, with Jupyter's own
(inline) matplotlib backend, from the ``notebooks/`` directory (see ``notebooks/_execute.py``).
A cell that draws or shows a figure must display an image: a library call that switched the
backend (``matplotlib.use("Agg")``) would silently swallow the figures of later cells.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

import nbformat
import pytest

NOTEBOOK_DIR = Path(__file__).resolve().parents[1] / "notebooks"
_spec = importlib.util.spec_from_file_location("_nb_execute", NOTEBOOK_DIR / "_execute.py")
assert _spec is not None and _spec.loader is not None
nbx = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(nbx)

NOTEBOOKS = nbx.sources()
#: each notebook must run in under a minute on 2 idle cores; the test allows for a loaded machine
NOTEBOOK_BUDGET_S = 180
KERNEL_CHECK = "import sys; print(sys.executable)"


def test_teaching_notebooks_present() -> None:
    stems = [p.stem for p in NOTEBOOKS]
    for expected in (
        "01_polytope_fourier",
        "02_relu_regions_and_spectrum",
        "03_theorem1_decay",
        "04_spectral_bias_training",
        "05_manifolds",
    ):
        assert expected in stems
    assert not list(NOTEBOOK_DIR.glob("*.ipynb")), "commit the .py sources, not .ipynb"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_structure(path: Path) -> None:
    nb = nbx.read(path)
    again = nbx.read(path)
    assert [c.id for c in nb.cells] == [c.id for c in again.cells]  # stable ids
    assert len({c.id for c in nb.cells}) == len(nb.cells)
    assert nb.metadata["kernelspec"]["name"] == "python3"
    first, last = nb.cells[0], nb.cells[-1]
    assert first.cell_type == "markdown" and "What this notebook teaches" in first.source
    assert "Rahaman" in first.source and "Sec." in first.source
    assert last.cell_type == "markdown" and "Exercise" in last.source
    assert nbx.figure_cells(nb), f"{path.name} draws no figure"


def test_figure_cell_detection() -> None:
    nb = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_code_cell("fig, ax = plt.subplots()\nplt.show()"),
            nbformat.v4.new_code_cell("x = 1"),
            nbformat.v4.new_code_cell("display(Image(filename='a.png'))"),
            nbformat.v4.new_markdown_cell("plt.subplots()"),
        ]
    )
    assert nbx.figure_cells(nb) == [0, 2]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs_and_shows_every_figure(path: Path) -> None:
    nb = nbx.read(path)
    nb.cells.insert(0, nbformat.v4.new_code_cell(KERNEL_CHECK, id="kernel-check"))
    with nbx.kernel_environment():
        elapsed = nbx.execute(nb)
    kernel_python = "".join(o.get("text", "") for o in nb.cells[0].outputs).strip()
    assert os.path.realpath(kernel_python) == os.path.realpath(sys.executable)
    missing = [
        nb.cells[i].source.splitlines()[0][:60]
        for i in nbx.figure_cells(nb)
        if nbx.n_images(nb.cells[i]) == 0
    ]
    assert not missing, f"{path.name}: figure cells without an image: {missing}"
    assert elapsed < NOTEBOOK_BUDGET_S, f"{path.name} took {elapsed:.0f} s"
    n = sum(nbx.n_images(c) for c in nb.cells)
    print(f"{path.stem}: executed in {elapsed:.1f} s, {n} images")
