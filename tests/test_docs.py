"""The documentation site: an API entry for every public name, generated pages, strict build."""

from __future__ import annotations

import importlib.util
import inspect
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

import spectral_exact as se

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("_docs_hooks", ROOT / "docs" / "_hooks.py")
assert _spec is not None and _spec.loader is not None
hooks = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(hooks)


def test_every_public_name_has_one_reference_entry() -> None:
    page = hooks.api_reference_markdown()
    entries = re.findall(r"^::: spectral_exact\.(\w+)$", page, flags=re.MULTILINE)
    assert sorted(entries) == sorted(se.__all__)
    assert len(entries) == len(set(entries))


def test_reference_follows_new_public_names() -> None:
    """A name added to ``__all__`` appears in the reference without editing the docs."""
    fake = ModuleType("fakepkg")

    def brand_new(x: int) -> int:
        """A function added by another branch."""
        return x

    brand_new.__module__ = "spectral_exact.fourier._new"
    fake.brand_new = brand_new  # type: ignore[attr-defined]
    fake.Box = se.Box  # type: ignore[attr-defined]
    fake.__all__ = ["Box", "brand_new"]  # type: ignore[attr-defined]
    groups = hooks.api_groups(fake)
    assert groups == {
        "spectral_exact.fourier._new": ["brand_new"],
        "spectral_exact.polytope": ["Box"],
    }
    assert hooks._public_module("spectral_exact.fourier._new") == "spectral_exact.fourier"
    assert hooks._public_module("spectral_exact._errors") == "spectral_exact._errors"


@pytest.mark.parametrize("name", se.__all__)
def test_public_name_is_documented(name: str) -> None:
    obj = getattr(se, name)
    doc = inspect.getdoc(obj) if not isinstance(obj, se.Tolerances) else inspect.getdoc(type(obj))
    assert doc and len(doc.split()) >= 3, f"spectral_exact.{name} has no docstring"


def test_result_pages_include_every_table() -> None:
    files = sorted((ROOT / "validation" / "results").glob("*.md"))
    page = hooks.results_page("Validation", "intro", files)
    for f in files:
        assert f"*Source: `validation/results/{f.name}`*" in page
        first_heading = next(ln for ln in f.read_text().splitlines() if ln.startswith("#"))
        assert "#" + first_heading in page  # demoted one level
    assert hooks._demote("# a\n```\n# code\n```\n## b") == "## a\n```\n# code\n```\n### b"


def test_notebook_nav_lists_every_source() -> None:
    config = {"nav": [{"Home": "index.md"}, {"Notebooks": []}]}
    hooks.on_config(config)
    stems = [p.stem for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.py")]
    assert config["nav"][1]["Notebooks"] == [f"notebooks/{s}.ipynb" for s in sorted(stems)]


@pytest.mark.slow
def test_strict_build(tmp_path: Path) -> None:
    """``mkdocs build --strict`` (notebooks unexecuted here; ``make docs`` executes them)."""
    env = {
        "PATH": "/usr/bin:/bin",
        "PYTHONPATH": str(ROOT),
        "SPECTRAL_EXACT_DOCS_EXECUTE": "0",
        "NO_MKDOCS_2_WARNING": "1",
    }
    res = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(tmp_path / "site")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert res.returncode == 0, res.stderr[-3000:]
    assert hooks.missing_from_site(tmp_path / "site") == []
