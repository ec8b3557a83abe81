"""Read the teaching notebooks' jupytext sources and execute them.

The notebooks live in git as jupytext *percent-format* scripts, ``notebooks/NN_name.py``
(linted by ruff like any code); ``.ipynb`` files are produced from them on demand, by the test
suite (``tests/test_notebooks.py``) and by the documentation build (``docs/_hooks.py``), never
committed. Cell ids are derived from the notebook name and cell position, so a regenerated
notebook only differs where its source does.

Execution uses nbclient in a fresh kernel that runs *this* interpreter (a ``python3``
kernelspec pointing at ``sys.executable`` is installed into a temporary directory put first on
``JUPYTER_PATH``), with the notebook's own directory as working directory and matplotlib's
Jupyter default (inline) backend, exactly as a reader's Jupyter would run it.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import jupytext
import nbformat

NOTEBOOK_DIR = Path(__file__).resolve().parent
#: seconds one cell may run before the execution fails
CELL_TIMEOUT_S = 300
#: code that creates or shows a figure; such a cell must display at least one image
FIGURE_CODE = re.compile(
    r"plt\.(subplots|figure|show)\(|plot_regions\(|display\(\s*Image\(|\bsubplots\("
)


def sources() -> list[Path]:
    """The notebook sources ``notebooks/NN_*.py``, in order."""
    return sorted(NOTEBOOK_DIR.glob("[0-9][0-9]_*.py"))


def read(path: Path) -> nbformat.NotebookNode:
    """The notebook of a percent-format source, unexecuted, with stable cell ids."""
    nb = jupytext.read(path, fmt="py:percent")
    nb.nbformat, nb.nbformat_minor = 4, 5
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.metadata.setdefault("language_info", {"name": "python"})
    nb.metadata.pop("jupytext", None)
    for i, cell in enumerate(nb.cells):
        cell.id = f"{path.stem[:40]}-{i:03d}"
        cell.metadata.pop("lines_to_next_cell", None)
    nbformat.validate(nb)
    return nb


@contextlib.contextmanager
def kernel_environment() -> Iterator[None]:
    """Environment for a kernel running ``sys.executable`` (restored afterwards)."""
    from ipykernel.kernelspec import install as install_kernelspec

    with tempfile.TemporaryDirectory(prefix="se_kernel_") as prefix:
        install_kernelspec(kernel_name="python3", prefix=prefix)
        data = str(Path(prefix, "share", "jupyter"))
        new = {
            "JUPYTER_PATH": os.pathsep.join([data, os.environ.get("JUPYTER_PATH", "")]),
            # torch's OpenMP threads busy-wait by default; on a loaded CPU that makes training
            # ~100x slower. Passive waiting costs nothing when the CPU is idle.
            "OMP_WAIT_POLICY": "PASSIVE",
            "PYDEVD_DISABLE_FILE_VALIDATION": "1",
        }
        old = {k: os.environ.get(k) for k in [*new, "MPLBACKEND"]}
        os.environ.update(new)
        os.environ.pop("MPLBACKEND", None)  # the kernel picks Jupyter's inline backend
        try:
            yield
        finally:
            for k, v in old.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v


def execute(nb: nbformat.NotebookNode, *, timeout: int = CELL_TIMEOUT_S) -> float:
    """Execute ``nb`` in place (inside :func:`kernel_environment`); returns the seconds taken."""
    from nbclient import NotebookClient

    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOK_DIR)}},
    )
    t0 = time.perf_counter()
    client.execute()
    return time.perf_counter() - t0


def n_images(cell: nbformat.NotebookNode) -> int:
    """Number of image outputs (PNG or SVG) of a code cell."""
    return sum(
        1
        for out in cell.get("outputs", [])
        if {"image/png", "image/svg+xml"} & set(out.get("data", {}))
    )


def figure_cells(nb: nbformat.NotebookNode) -> list[int]:
    """Indices of the code cells that create or show a figure (see :data:`FIGURE_CODE`)."""
    return [
        i for i, c in enumerate(nb.cells) if c.cell_type == "code" and FIGURE_CODE.search(c.source)
    ]


def main() -> None:
    """``python notebooks/_execute.py OUT_DIR``: write the executed ``.ipynb`` files."""
    import sys

    out = Path(sys.argv[1]) if len(sys.argv) > 1 else NOTEBOOK_DIR / "_executed"
    out.mkdir(parents=True, exist_ok=True)
    with kernel_environment():
        for src in sources():
            nb = read(src)
            dt = execute(nb)
            nbformat.write(nb, out / f"{src.stem}.ipynb")
            print(f"{src.stem}: {dt:.1f} s")


if __name__ == "__main__":
    main()
