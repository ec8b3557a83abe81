"""Every CLI failure is one line on stderr, exit status 2, checked before long work, and
leaves nothing behind (issue 9, deliverable 4).
"""

from pathlib import Path

import numpy as np
import pytest

from spectral_exact.cli import main


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    bad = tmp_path / "bad.npz"
    bad.write_bytes(b"not an archive")
    empty = tmp_path / "empty.npz"
    empty.write_bytes(b"")
    plain = tmp_path / "plain_file"
    plain.write_text("x")
    kcsv = tmp_path / "k.csv"
    kcsv.write_text("1,2,3\n")
    knpy = tmp_path / "k.npy"
    np.save(knpy, np.array([[1.0, np.nan]]))
    return {"bad": bad, "empty": empty, "plain": plain, "kcsv": kcsv, "knpy": knpy}


CASES = [
    (["regions", "--net", "{bad}", "--out", "{tmp}/o1"], "cannot read a network"),
    (["regions", "--net", "{empty}", "--out", "{tmp}/o1"], "cannot read a network"),
    (["regions", "--out", "/proc/spectral_exact_nope/x"], "cannot create the --out directory"),
    (["regions", "--out", "{plain}"], "exists and is not a directory"),
    (["regions", "--dpi", "0", "--out", "{tmp}/o2"], "--dpi must be positive"),
    (["regions", "--arch", "2,a,1", "--out", "{tmp}/o3"], "--arch must be comma-separated"),
    (["regions", "--box=1,-1", "--out", "{tmp}/o4"], "empty or flat"),
    (["fourier", "--net", "{bad}", "--k", "1,2"], "cannot read a network"),
    (["fourier", "--k", "1,2,3"], "needs 2 components"),
    (["fourier", "--k-file", "{kcsv}"], "must hold an (n, 2) array"),
    (["fourier", "--k-file", "{knpy}"], "non-finite"),
    (["fourier", "--k", "1,2", "--out", "{plain}"], "exists and is not a directory"),
    (["demo", "--out", "/proc/spectral_exact_nope/y", "--quick"], "cannot create the --out"),
    (["demo", "--seed", "-1", "--out", "{tmp}/d/sub", "--quick"], "seed"),
    (["experiment", "exp1", "--out", "/proc/spectral_exact_nope/z"], "cannot create the --out"),
]


@pytest.mark.parametrize(("argv", "match"), CASES, ids=[" ".join(c[0][:3]) for c in CASES])
def test_cli_failures_are_one_line(argv, match, files, tmp_path, capsys) -> None:
    if argv[0] in ("demo", "experiment"):
        pytest.importorskip("torch")  # these commands need the torch extra first
    subs = {**{k: str(v) for k, v in files.items()}, "tmp": str(tmp_path)}
    before = sorted(p.name for p in tmp_path.iterdir())
    status = main([a.format(**subs) for a in argv])
    err = capsys.readouterr().err.strip().splitlines()
    assert status == 2
    assert len(err) == 1 and err[0].startswith("error: "), err
    assert match in err[0]
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # nothing partial left behind


@pytest.fixture
def readonly_dir(tmp_path: Path) -> Path:
    """An existing directory the OS refuses to write into, for this user.

    A ``chmod 0o555`` directory for ordinary users; root ignores file modes, so for root the
    procfs root ``/proc``, where creating a file fails for every user.
    """
    import os

    if hasattr(os, "geteuid") and os.geteuid() == 0:
        return Path("/proc")
    d = tmp_path / "readonly"
    d.mkdir()
    d.chmod(0o555)
    return d


READONLY_CASES = [
    ["regions", "--out", "{ro}"],
    ["fourier", "--k", "1,2", "--out", "{ro}"],
    ["demo", "--quick", "--out", "{ro}"],
    ["experiment", "exp1", "--out", "{ro}"],
]


@pytest.mark.parametrize("argv", READONLY_CASES, ids=[c[0] for c in READONLY_CASES])
def test_cli_refuses_readonly_out_before_work(argv, readonly_dir, tmp_path, capsys) -> None:
    """An existing but unwritable --out is refused in one line, before any work, leaving nothing."""
    if argv[0] in ("demo", "experiment"):
        pytest.importorskip("torch")
    before = sorted(p.name for p in readonly_dir.iterdir())
    status = main([a.format(ro=str(readonly_dir)) for a in argv])
    err = capsys.readouterr().err.strip().splitlines()
    assert status == 2
    assert len(err) == 1 and err[0].startswith("error: "), err
    assert "is not writable" in err[0] and str(readonly_dir) in err[0]
    assert sorted(p.name for p in readonly_dir.iterdir()) == before
