"""Distribution metadata and the source distribution's completeness."""

from __future__ import annotations

import subprocess
import sys
import tarfile
import tomllib
from pathlib import Path

import pytest

import spectral_exact as se

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())


def test_license_is_mit_everywhere() -> None:
    assert PYPROJECT["project"]["license"] == "MIT"
    assert PYPROJECT["project"]["license-files"] == ["LICENSE"]
    text = (ROOT / "LICENSE").read_text()
    assert text.startswith("MIT License") and "WITHOUT WARRANTY OF ANY KIND" in text
    # an SPDX expression needs setuptools >= 77 and excludes License :: classifiers
    assert any(r.startswith("setuptools>=77") for r in PYPROJECT["build-system"]["requires"])
    assert not [c for c in PYPROJECT["project"]["classifiers"] if c.startswith("License ::")]


def test_versions_agree() -> None:
    assert PYPROJECT["project"]["version"] == se.__version__
    cff = (ROOT / "CITATION.cff").read_text()
    assert f"\nversion: {se.__version__}\n" in cff and "cff-version: 1.2.0" in cff
    assert f"## [{se.__version__}]" in (ROOT / "CHANGELOG.md").read_text()


def test_typed_marker_shipped() -> None:
    assert (Path(se.__file__).parent / "py.typed").is_file()
    assert "py.typed" in PYPROJECT["tool"]["setuptools"]["package-data"]["spectral_exact"]


def test_makefile_installs_every_extra() -> None:
    extras = set(PYPROJECT["project"]["optional-dependencies"])
    line = next(ln for ln in (ROOT / "Makefile").read_text().splitlines() if '-e ".[' in ln)
    listed = set(line.split('".[')[1].split("]")[0].split(","))
    assert listed == extras


@pytest.mark.slow
def test_sdist_holds_every_tracked_source_file(tmp_path: Path) -> None:
    """``python -m build --sdist`` packs every git-tracked file that the tests or docs need."""
    subprocess.run(
        [sys.executable, "-m", "build", "--sdist", "-o", str(tmp_path)],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    (archive,) = tmp_path.glob("*.tar.gz")
    with tarfile.open(archive) as tar:
        packed = {n.split("/", 1)[1] for n in tar.getnames() if "/" in n}
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout.split()
    wanted = [
        f
        for f in tracked
        if f.split("/")[0] in {"spectral_exact", "tests", "notebooks", "docs", "validation"}
        or f in {"LICENSE", "README.md", "CHANGELOG.md", "CITATION.cff", "mkdocs.yml"}
    ]
    assert sorted(set(wanted) - packed) == []
