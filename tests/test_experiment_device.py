"""``--device``: a CUDA request on a machine without CUDA fails fast (one line, exit code 2,
before any training), and the route that ``--device cuda`` takes for the exact transforms
(the library's torch backend on the run's device) is exercised with ``device="cpu"``: every
experiment that computes exact transforms gives the same arrays through it as through the
NumPy backend.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

import spectral_exact as se
from spectral_exact.experiments import _protocol, get_config, get_experiment
from spectral_exact.experiments._protocol import RunContext, exact_device_for, override

torch = pytest.importorskip("torch")

#: the torch backend (float64) vs the NumPy backend on the same trained nets, relative to the
#: largest value of each array (both are closed forms; only the summation order differs)
BACKEND_REL_TOL = 1e-9

#: experiments whose arrays contain exact transforms, with the arrays to compare
EXACT_ARRAYS = {
    "exp1": ("exact_amp", "final_exact"),
    "exp2": ("exact_rel", "exact_rel_mean"),
    "exp7": ("spectrum",),
    "fprinciple": ("delta_f",),
    "spectrum2d": ("spectrum", "wave_amp"),
    "knn": ("zeta_dnn", "zeta_dnn_w"),
}


@pytest.mark.parametrize("name", sorted(EXACT_ARRAYS))
def test_exact_transforms_run_on_the_run_device_through_the_torch_backend(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from test_experiments import TINY

    mod = get_experiment(name)
    cfg = override(get_config(name, "quick"), **TINY[name])
    calls: list[dict[str, Any]] = []
    real = se.network_fourier

    def spy(*args: Any, **kwargs: Any) -> Any:
        calls.append(kwargs)
        return real(*args, **kwargs)

    monkeypatch.setattr(se, "network_fourier", spy)
    _protocol.configure_torch()
    out = {}
    for dev in (None, "cpu"):
        calls.clear()
        ctx = RunContext(name, (0,), "cpu", torch.device("cpu"), False, exact_device=dev)
        out[dev] = mod._compute(cfg, ctx)
        assert calls, f"{name} computed no exact transform"
        if dev is None:
            assert all("backend" not in c for c in calls)
        else:
            assert all(c.get("backend") == "torch" and c.get("device") == "cpu" for c in calls)
    for key in EXACT_ARRAYS[name]:
        a, b = np.asarray(out[None][key]), np.asarray(out["cpu"][key])
        np.testing.assert_allclose(
            b, a, rtol=0, atol=BACKEND_REL_TOL * np.abs(a).max(), err_msg=key
        )


def test_cuda_runs_put_the_exact_transforms_on_cuda() -> None:
    assert exact_device_for("cpu") is None
    assert exact_device_for("cuda") == "cuda"


def _one_line_error(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "Traceback" not in err, err
    return err


@pytest.mark.parametrize("entry", ["experiments.cli", "spectral-exact"])
def test_cuda_without_cuda_fails_fast_with_one_line(
    entry: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from spectral_exact import cli as top
    from spectral_exact.experiments import _sweep
    from spectral_exact.experiments import cli as ecli

    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)

    def no_training(*_a: Any, **_k: Any) -> Any:
        raise AssertionError("a run started although CUDA is unavailable")

    monkeypatch.setattr(_sweep, "run_sweep", no_training)
    out = tmp_path / "o"
    argv = ["exp5", "--device", "cuda", "--seeds", "2", "--out", str(out)]
    for extra in ([], ["--serial"]):
        if entry == "experiments.cli":
            rc = ecli.main(argv + extra)
        else:
            rc = top.main(["experiment", *argv, *extra])
        assert rc == 2
        err = _one_line_error(capsys)
        assert err.startswith("error: ") and "--device cuda" in err and "cuda" in err
        assert not (out / "tasks").exists() and not (out / "results.npz").exists()


def test_validation_driver_refuses_cuda_without_cuda(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import sys

    root = Path(__file__).resolve().parents[1]
    monkeypatch.syspath_prepend(str(root / "validation"))
    import _driver

    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(
        _driver, "run_sweep", lambda *a, **k: (_ for _ in ()).throw(AssertionError("ran"))
    )
    with pytest.raises(SystemExit) as exc:
        _driver.main("exp5", "exp5", ["--device", "cuda", "--seeds", "2"])
    assert exc.value.code == 2
    err = _one_line_error(capsys)
    assert "--device cuda" in err
    del sys.modules["_driver"]
