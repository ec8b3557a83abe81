"""The experiments' typed protocol (spectral_exact.experiments._protocol, issue 13 item 3):
every module follows it, configs derive from the base config and check their shared fields,
the trainer passes the record index, no experiment imports another, and the package never
writes into the repository.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import ClassVar

import numpy as np
import pytest

import spectral_exact.experiments as E
from spectral_exact.experiments import (
    EXPERIMENTS,
    BaseConfig,
    ExperimentError,
    MLPConfig,
    check_experiment,
    get_experiment,
)
from spectral_exact.experiments._training import Record, make_mlp, n_records, train_full_batch

PACKAGE = Path(E.__file__).resolve().parent


@pytest.mark.parametrize("name", sorted(EXPERIMENTS))
def test_every_experiment_follows_the_protocol(name: str) -> None:
    mod = get_experiment(name)
    assert check_experiment(mod) is mod
    for cfg in mod.CONFIGS.values():
        assert isinstance(cfg, BaseConfig)
        assert cfg.n_steps >= 1 and cfg.lr > 0 and cfg.n_seeds >= 1
    # the run function is the protocol's (no per-module preamble): it names its experiment
    assert mod.run.__name__ == "run" and name in (mod.run.__doc__ or "")


def test_check_experiment_names_what_is_missing() -> None:
    class Fake:
        NAME = "fake"
        TITLE = "t"
        CONFIGS: ClassVar[dict[str, int]] = {"quick": 1, "paper": 2}
        CLAIMS = ()
        SEED_AXIS: ClassVar[dict[str, int]] = {}

        @staticmethod
        def run() -> None: ...

        @staticmethod
        def plot() -> None: ...

    with pytest.raises(ExperimentError, match=r"lacks \['claims'\]"):
        check_experiment(Fake)
    Fake.claims = staticmethod(lambda a, m: [])  # type: ignore[attr-defined]
    with pytest.raises(ExperimentError, match="is not a BaseConfig"):
        check_experiment(Fake)


def test_base_config_checks_shared_fields() -> None:
    with pytest.raises(ExperimentError, match="lr must be a finite number > 0, got -1"):
        BaseConfig(lr=-1)
    with pytest.raises(ExperimentError, match="n_steps must be an integer >= 1, got 0"):
        BaseConfig(n_steps=0)
    with pytest.raises(ExperimentError, match=r"width must be an integer >= 1, got 2\.5"):
        MLPConfig(width=2.5)  # type: ignore[arg-type]
    with pytest.raises(ExperimentError, match="record_every must be an integer >= 1"):
        E.get_config("exp1", "quick", record_every=0)
    assert MLPConfig().width == 256


def test_trainer_passes_record_index_and_steps() -> None:
    import torch

    torch.manual_seed(0)
    model = make_mlp(1, 4, 2)
    x = torch.linspace(0, 1, 5)[:, None]
    seen: list[tuple[int, int]] = []

    def rec(r: Record) -> None:
        assert r.model is model
        seen.append((r.index, r.step))

    train_full_batch(model, x, x, lr=1e-3, n_steps=10, record_every=4, on_record=rec)
    assert seen == [(0, 0), (1, 4), (2, 8)] and len(seen) == n_records(10, 4)
    seen.clear()
    train_full_batch(model, x, x, lr=1e-3, n_steps=10, record_steps=[0, 3, 10], on_record=rec)
    assert seen == [(0, 0), (1, 3), (2, 10)]
    with pytest.raises(ExperimentError, match="record_steps must increase"):
        train_full_batch(model, x, x, lr=1e-3, n_steps=10, record_steps=[3, 3], on_record=rec)
    with pytest.raises(ExperimentError, match="lr_schedule must be"):
        train_full_batch(model, x, x, lr=1e-3, n_steps=2, lr_schedule="step")


def test_cosine_schedule_first_step_full_lr_then_smaller() -> None:
    import torch

    def trained(n_steps: int, schedule: str) -> list[torch.Tensor]:
        torch.manual_seed(0)
        model = make_mlp(1, 4, 2)
        x = torch.linspace(0, 1, 5)[:, None]
        train_full_batch(model, x, 2 * x, lr=1e-2, n_steps=n_steps, lr_schedule=schedule)
        return [p.detach().clone() for p in model.parameters()]

    # the first update of a half-cosine schedule uses the full lr: same as constant
    for a, b in zip(trained(1, "cosine"), trained(1, "constant")):
        torch.testing.assert_close(a, b, rtol=0, atol=0)
    # the second uses lr/2 (cos(pi/2)): the parameters differ from the constant schedule
    assert any(not torch.equal(a, b) for a, b in zip(trained(2, "cosine"), trained(2, "constant")))


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 1 and node.module:
            out.add(node.module.split(".")[0])
        elif isinstance(node, ast.ImportFrom) and node.level == 1:
            out.update(a.name for a in node.names)
    return out


def test_no_experiment_imports_another() -> None:
    for name in EXPERIMENTS:
        deps = _imports(PACKAGE / f"{name}.py")
        assert not deps & (set(EXPERIMENTS) - {name}), (name, deps)
        assert "_common" not in deps, name  # the facade is for outside callers only


def test_package_never_writes_into_the_repository() -> None:
    for path in PACKAGE.glob("*.py"):
        text = path.read_text()
        assert "parents[" not in text, path.name
        assert '"validation"' not in text, path.name


def test_run_refuses_bad_seeds(tmp_path: Path) -> None:
    mod = get_experiment("exp6")
    cfg = mod.CONFIGS["quick"]
    with pytest.raises(ExperimentError, match="seeds must not be empty"):
        mod.run(cfg, seeds=[], out=tmp_path)
    with pytest.raises(ExperimentError, match="non-negative integers, got -1"):
        mod.run(cfg, seeds=[-1], out=tmp_path)
    assert not any(tmp_path.iterdir())


def test_targets_match_their_definitions() -> None:
    from spectral_exact.experiments import targets as T

    z = np.arange(8) / 8
    np.testing.assert_allclose(
        T.sine_sum(z, [1, 2], [0.5, 2.0], [0.0, 1.0]),
        0.5 * np.sin(2 * np.pi * z) + 2.0 * np.sin(4 * np.pi * z + 1.0),
        rtol=0,
        atol=1e-15,
    )
    pts = T.flower(np.array([0.0, 0.25]), 4)
    np.testing.assert_allclose(pts, [[1.0, 0.0], [0.0, 1.0]], atol=1e-15)
    z, y, i = T.delta_peak(10)
    assert y.sum() == 1 and y[i] == 1 and z[i] == 0.5
    x = np.array([[3.0, 4.0], [0.0, 0.0]])
    np.testing.assert_allclose(T.radial_wave(x, 2.0), [np.sin(10.0), 0.0])
    np.testing.assert_array_equal(T.radial_wave(x, 0.0), [0.0, 0.0])
    assert T.stripe_labels(np.array([0.1, 0.6]), 1.0, 0.0).tolist() == [1.0, 0.0]


def test_validation_driver_lives_outside_the_package() -> None:
    import importlib.util

    root = PACKAGE.parents[1]
    spec = importlib.util.spec_from_file_location("_driver", root / "validation" / "_driver.py")
    assert spec is not None and spec.loader is not None
    driver = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(driver)
    assert driver.RESULTS == root / "validation" / "results"
    c = E.Claim("up", "metric text", ">=", 0.5, (0, 1, 2), (0.9, 1.0, 0.8))
    table = driver.claims_table([c], "## head")
    assert "| up | >= 0.5 | 0.900 ± 0.100 |" in table and "| pass |" in table
    assert not (PACKAGE / "_validate.py").exists()


def test_fprinciple_quadrature_route_matches_exact_and_tanh_runs(tmp_path: Path) -> None:
    import torch

    from spectral_exact.experiments import fprinciple as fp
    from spectral_exact.experiments._protocol import RunContext

    ctx = RunContext("fprinciple", (0,), "cpu", torch.device("cpu"), False)
    torch.manual_seed(3)
    relu = make_mlp(1, 6, 3, dtype=torch.float64)
    omega = np.array([0.0, 1.0, 3.0, 7.5])
    exact = fp.model_fourier(relu, omega, fp.CONFIGS["quick"], ctx)
    # a kinked integrand: Gauss-Legendre converges slowly, but 2000 nodes are within 1e-4
    quad = fp.quadrature_fourier(lambda x: relu(torch.as_tensor(x[:, None]))[:, 0].detach(), omega)
    np.testing.assert_allclose(quad, exact, rtol=0, atol=1e-4 * np.abs(exact).max())
    # a smooth integrand: ∫_{-π}^{π} cos x e^{-iωx} dx = 2ω sin(ωπ) / (1 - ω²)
    w = 0.5
    got = fp.quadrature_fourier(np.cos, np.array([w]))
    np.testing.assert_allclose(got, [2 * w * np.sin(w * np.pi) / (1 - w**2)], rtol=1e-12)
    # Xu et al.'s setting (tanh, Gaussian init) runs end to end at a tiny size
    a = E.run_experiment(
        "fprinciple", tmp_path, scale="paper", seeds=1, show_progress=False,
        width=6, depth=3, n_steps=10, n_steps_init=10, record_every=5,
        init_scales=(0.1, 3.0),
    )  # fmt: skip
    assert a["delta_f"].shape == (1, 3, 3) and np.all(np.isfinite(a["final_spectrum"]))
    # with the Gaussian init a larger sigma gives a rougher net: more energy above omega_c
    assert a["hf_fraction"][0, 1] > a["hf_fraction"][0, 0]


def test_gaussian_init_has_the_requested_std() -> None:
    import torch

    torch.manual_seed(0)
    model = make_mlp(1, 400, 3, init="gaussian", init_scale=0.7, activation="tanh")
    w = torch.cat([p.detach().ravel() for p in model.parameters()])
    assert abs(float(w.std()) - 0.7) < 0.01 and abs(float(w.mean())) < 0.01
    assert isinstance(model[1], torch.nn.Tanh)
    with pytest.raises(ExperimentError, match="activation must be 'relu' or 'tanh'"):
        make_mlp(1, 4, 2, activation="gelu")
