"""MkDocs hooks: pages generated at build time, so the site never goes stale.

- ``reference/api.md``: one entry per name in ``spectral_exact.__all__``, grouped by the module
  that defines it (rendered by mkdocstrings); names added to ``__all__`` appear without edits.
- ``notebooks/NN_*.ipynb``: every jupytext source ``notebooks/NN_*.py``, executed (cached by a
  hash of the source; set ``SPECTRAL_EXACT_DOCS_EXECUTE=0`` to render them unexecuted) and
  listed under "Notebooks" in the navigation. The ``.ipynb`` files are build products
  (git-ignored).
- ``validation.md`` and ``benchmarks.md``: the result tables ``validation/results/*.md`` and
  ``benchmarks/results_*.md``, as committed.
- ``changelog.md``: ``CHANGELOG.md``.
"""

from __future__ import annotations

import hashlib
import importlib.util
import inspect
import os
import re
from collections import defaultdict
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK_OUT = ROOT / "docs" / "notebooks"
EXECUTE_ENV = "SPECTRAL_EXACT_DOCS_EXECUTE"


# ----------------------------------------------------------------------------- API reference
def _defining_module(obj: Any) -> str:
    if inspect.isclass(obj) or inspect.isfunction(obj) or inspect.isbuiltin(obj):
        return str(obj.__module__)
    mod = getattr(obj, "__module__", None)  # e.g. numba dispatchers
    if isinstance(mod, str) and mod.startswith("spectral_exact"):
        return mod
    return str(type(obj).__module__)  # an instance such as DEFAULT_TOLERANCES


def _public_module(name: str) -> str:
    """``spectral_exact.fourier._fused`` -> ``spectral_exact.fourier`` (drop private parts)."""
    parts = name.split(".")
    keep = [parts[0]] + [p for p in parts[1:] if not p.startswith("_")]
    return ".".join(keep) if len(keep) > 1 or len(parts) == 1 else name


def api_groups(package: ModuleType | None = None) -> dict[str, list[str]]:
    """Every name of ``package.__all__`` grouped by the module that defines it, in order."""
    if package is None:
        import spectral_exact as package
    groups: dict[str, list[str]] = defaultdict(list)
    for name in package.__all__:
        groups[_defining_module(getattr(package, name))].append(name)
    return dict(sorted(groups.items()))


def api_reference_markdown(package: ModuleType | None = None) -> str:
    """The API reference page: a heading per defining module, a ``:::`` entry per name."""
    if package is None:
        import spectral_exact as package
    pkg = package.__name__
    lines = [
        "# API reference",
        "",
        f"Every public name of `{pkg}` (its `__all__`), importable as `{pkg}.NAME`, grouped "
        "by the module that defines it. This page is generated when the site is built.",
        "",
    ]
    for module, names in api_groups(package).items():
        mod = importlib.import_module(module)
        summary = (inspect.getdoc(mod) or "").split("\n\n")[0].replace("\n", " ").strip()
        lines += [f"## `{_public_module(module)}`", ""]
        if summary:
            lines += [_escape_rst(summary), ""]
        for name in names:
            lines += [f"::: {pkg}.{name}", ""]
    return "\n".join(lines)


def _escape_rst(text: str) -> str:
    """Sphinx roles (``:mod:`x```, ``:math:`...```) as plain Markdown code."""
    return re.sub(r":[a-z]+:`~?([^`]+)`", r"`\1`", text).replace("``", "`")


# ----------------------------------------------------------------------------- notebooks
def _notebook_tools() -> ModuleType:
    spec = importlib.util.spec_from_file_location("_nb_execute", ROOT / "notebooks" / "_execute.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def build_notebooks(execute: bool | None = None) -> list[Path]:
    """Write ``docs/notebooks/NN_*.ipynb`` from the sources; re-executes only changed ones."""
    import nbformat

    nbx = _notebook_tools()
    if execute is None:
        execute = os.environ.get(EXECUTE_ENV, "1") != "0"
    NOTEBOOK_OUT.mkdir(parents=True, exist_ok=True)
    written = []
    for src in nbx.sources():
        key = hashlib.sha256(src.read_bytes()).hexdigest() + ("-executed" if execute else "")
        dst = NOTEBOOK_OUT / f"{src.stem}.ipynb"
        if dst.exists():
            old = nbformat.read(dst, as_version=4)
            if old.metadata.get("spectral_exact", {}).get("source_key") == key:
                written.append(dst)
                continue
        nb = nbx.read(src)
        if execute:
            with nbx.kernel_environment():
                dt = nbx.execute(nb)
            print(f"INFO    -  executed {src.name} in {dt:.1f} s")
        nb.metadata["spectral_exact"] = {"source_key": key}
        nbformat.write(nb, dst)
        written.append(dst)
    for stale in set(NOTEBOOK_OUT.glob("*.ipynb")) - set(written):
        stale.unlink()
    return written


# ----------------------------------------------------------------------------- result tables
def _demote(markdown: str) -> str:
    """Shift every heading one level down (each file becomes a section of one page)."""
    out, fenced = [], False
    for line in markdown.splitlines():
        if line.startswith("```"):
            fenced = not fenced
        out.append("#" + line if not fenced and re.match(r"#{1,5} ", line) else line)
    return "\n".join(out)


def results_page(title: str, intro: str, files: list[Path]) -> str:
    parts = [f"# {title}", "", intro, ""]
    for f in files:
        rel = f.relative_to(ROOT).as_posix()
        parts += [_demote(f.read_text()).strip(), "", f"*Source: `{rel}`*", ""]
    return "\n".join(parts)


# ----------------------------------------------------------------------------- mkdocs events
def on_config(config: Any) -> Any:
    nbx = _notebook_tools()
    pages = [f"notebooks/{p.stem}.ipynb" for p in nbx.sources()]
    for item in config["nav"] or []:
        if isinstance(item, dict) and "Notebooks" in item:
            item["Notebooks"] = pages
    return config


def on_pre_build(config: Any) -> None:
    build_notebooks()


def on_files(files: Any, config: Any) -> Any:
    from mkdocs.structure.files import File

    pages = {
        "reference/api.md": api_reference_markdown(),
        "validation.md": results_page(
            "Validation",
            "The checks in `validation/` (run them with `make validate`), as last committed.",
            sorted((ROOT / "validation" / "results").glob("*.md")),
        ),
        "benchmarks.md": results_page(
            "Benchmarks",
            "The benchmarks in `benchmarks/` (run them with `make bench`), with the machine "
            "they ran on. Timings compare ratios measured in the same run.",
            sorted((ROOT / "benchmarks").glob("results_*.md")),
        ),
        "changelog.md": (ROOT / "CHANGELOG.md").read_text(),
    }
    for uri, content in pages.items():
        files.append(File.generated(config, uri, content=content))
    return files


def missing_from_site(site_dir: Path, package: ModuleType | None = None) -> list[str]:
    """Public names without an entry (an HTML anchor) on the built API reference page."""
    if package is None:
        import spectral_exact as package
    page = (site_dir / "reference" / "api" / "index.html").read_text()
    anchors = set(re.findall(r'id="([^"]+)"', page))
    return [n for n in package.__all__ if f"{package.__name__}.{n}" not in anchors]


def on_post_build(config: Any) -> None:
    from mkdocs.exceptions import PluginError

    missing = missing_from_site(Path(config["site_dir"]))
    if missing:
        raise PluginError(f"public names missing from the API reference: {missing}")
