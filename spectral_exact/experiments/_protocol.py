"""The protocol every experiment module follows, typed.

An experiment is a module with

* ``NAME``, ``TITLE``;
* a frozen ``Config`` dataclass deriving from :class:`BaseConfig` (the fields every
  experiment has: ``lr``, ``n_steps``, ``n_seeds``) or :class:`MLPConfig` (plus the MLP's
  ``width`` and ``depth``), and ``CONFIGS = {"quick": ..., "paper": ...}``;
* ``run(config, *, seeds, out, device, show_progress, plot_figures)``, built by
  :func:`make_run` from the experiment's own ``compute(config, ctx)`` (the training and
  measuring only: :func:`make_run` does the preamble and the epilogue that every experiment
  shares: checking the seeds, resolving the device, configuring torch, saving
  ``results.npz`` + ``meta.json``, drawing the figures);
* ``plot(out)`` (figures from the saved data only), ``CLAIMS`` and ``claims(arrays, meta)``;
* ``SEED_AXIS`` (the axis of each saved array that indexes the seed, for merging runs) and
  optionally ``GRID``: independent runs inside one seed's run (one Dask task each,
  :mod:`._sweep`), either a :class:`Grid` or the short form ``(field, {array: axis})`` for a
  config field whose values are the independent runs (:func:`field_grid`).

:class:`Experiment` states this as a :class:`typing.Protocol`; :func:`check_experiment`
checks a module against it at run time.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, fields, is_dataclass, replace
from pathlib import Path
from typing import Any, Protocol, TypeVar

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._claims import Claim, ClaimSpec
from ._io import json_default, save_results
from ._runtime import ExperimentError, configure_torch, resolve_device, seed_everything

__all__ = [
    "BaseConfig",
    "Compute",
    "Experiment",
    "Grid",
    "MLPConfig",
    "RunContext",
    "RunFunction",
    "base_meta",
    "check_experiment",
    "config_dict",
    "exact_device_for",
    "field_grid",
    "grid_of",
    "make_run",
    "override",
]

T = TypeVar("T")


def _positive_int(value: Any, name: str) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ExperimentError(f"config field {name} must be an integer >= 1, got {value!r}")


@dataclass(frozen=True)
class BaseConfig:
    """Fields shared by every experiment's config.

    Attributes
    ----------
    lr : float
        Adam's learning rate (> 0).
    n_steps : int
        Full-batch training steps (>= 1).
    n_seeds : int
        Runs (seeds ``0..n_seeds-1``) when the caller does not say how many.
    """

    lr: float = 3e-4
    n_steps: int = 1000
    n_seeds: int = 1

    def __post_init__(self) -> None:
        if not isinstance(self.lr, (int, float)) or not math.isfinite(self.lr) or self.lr <= 0:
            raise ExperimentError(f"config field lr must be a finite number > 0, got {self.lr!r}")
        _positive_int(self.n_steps, "n_steps")
        _positive_int(self.n_seeds, "n_seeds")
        every = getattr(self, "record_every", None)
        if every is not None:
            _positive_int(every, "record_every")


@dataclass(frozen=True)
class MLPConfig(BaseConfig):
    """:class:`BaseConfig` plus the size of the ReLU MLP.

    ``depth`` is the number of Linear layers: the paper's "6-layer" net has six Linear layers,
    five hidden ReLU layers.
    """

    width: int = 256
    depth: int = 6

    def __post_init__(self) -> None:
        super().__post_init__()
        _positive_int(self.width, "width")
        _positive_int(self.depth, "depth")


def override(config: T, **changes: Any) -> T:
    """Copy of a frozen config dataclass with ``changes``; unknown names raise."""
    if not is_dataclass(config) or isinstance(config, type):
        raise ExperimentError("override() needs a config dataclass")
    known = {f.name for f in fields(config)}
    bad = sorted(set(changes) - known)
    if bad:
        raise ExperimentError(f"unknown config field(s) {bad}; known: {sorted(known)}")
    return replace(config, **changes)


def config_dict(config: Any) -> dict[str, Any]:
    """JSON-friendly dict of a config dataclass (tuples become lists)."""
    out: dict[str, Any] = json.loads(json.dumps(asdict(config), default=json_default))
    return out


def base_meta(name: str, config: Any, seeds: Sequence[int], device: str) -> dict[str, Any]:
    """``meta.json`` of a run: experiment, config, seeds, device and library versions."""
    import torch

    import spectral_exact

    return {
        "experiment": name,
        "config": config_dict(config),
        "seeds": [int(s) for s in seeds],
        "device": device,
        "versions": {
            "spectral_exact": getattr(spectral_exact, "__version__", "unknown"),
            "torch": torch.__version__,
            "numpy": np.__version__,
        },
    }


@dataclass(frozen=True)
class RunContext:
    """What a run's ``compute`` needs besides its config.

    Attributes
    ----------
    name : str
        The experiment.
    seeds : tuple of int
        The seeds of this run, in order (array index ``r`` belongs to ``seeds[r]``).
    device : str
        ``"cpu"`` or ``"cuda"``.
    torch_device : torch.device
        Where the training runs.
    show_progress : bool
    exact_device : str or None
        Where the exact transforms run: ``None`` (CPU runs) is the library's NumPy backend,
        a device name is its torch backend on that device (``"cuda"`` for ``--device cuda``;
        :func:`exact_device_for`). Experiments pass it to :func:`._spectra.exact_fourier`.
    """

    name: str
    seeds: tuple[int, ...]
    device: str
    torch_device: Any
    show_progress: bool
    exact_device: str | None = None

    def tensor(self, a: ArrayLike) -> Any:
        """Convert ``a`` to a float32 torch tensor on the run's device."""
        import torch

        return torch.as_tensor(np.asarray(a), dtype=torch.float32, device=self.torch_device)

    def mlp(self, in_dim: int, config: MLPConfig, out_dim: int = 1, **kwargs: Any) -> Any:
        """Build the config's ``width x depth`` ReLU MLP on the run's device.

        The network is made by :func:`._training.make_mlp`.
        """
        from ._training import make_mlp

        return make_mlp(
            in_dim, config.width, config.depth, out_dim, device=self.torch_device, **kwargs
        )

    @staticmethod
    def seed(seed: int) -> np.random.Generator:
        """Seed Python, NumPy and torch with ``seed``; the NumPy generator of the run's draws."""
        return seed_everything(seed)

    @staticmethod
    def numpy(t: Any) -> NDArray[np.float64]:
        """Convert a torch tensor to a float64 NumPy array on the CPU (no gradient)."""
        return np.asarray(t.detach().double().cpu().numpy())

    def train(
        self,
        model: Any,
        x: Any,
        y: Any,
        config: Any,
        on_record: Callable[[Any], None] | None = None,
        *,
        desc: str,
        **kwargs: Any,
    ) -> NDArray[np.float64]:
        """Train ``model`` full-batch with the settings of ``config`` and the run's progress.

        ``lr``, ``n_steps`` and ``record_every`` come from ``config``, ``show_progress`` from the
        run; other keyword arguments go to :func:`._training.train_full_batch`, whose loss
        history (shape ``(n_steps,)``) is returned.
        """
        from ._training import train_full_batch

        return train_full_batch(
            model,
            x,
            y,
            lr=config.lr,
            n_steps=config.n_steps,
            record_every=config.record_every,
            on_record=on_record,
            show_progress=self.show_progress,
            desc=desc,
            **kwargs,
        )

    @staticmethod
    def mse(model: Any, x: Any, y: Any) -> float:
        """Mean squared error of ``model(x)`` against ``y`` (torch tensors), without autograd."""
        import torch

        with torch.no_grad():
            return float(((model(x) - y) ** 2).mean())

    @staticmethod
    def predict(model: Any, x: Any) -> NDArray[np.float64]:
        """``model(x)`` without autograd, as a float64 NumPy array on the CPU."""
        import torch

        with torch.no_grad():
            return np.asarray(model(x).double().cpu().numpy())


#: ``compute(config, ctx)``: train and measure; returns the arrays to save
Compute = Callable[[Any, RunContext], Mapping[str, Any]]


class RunFunction(Protocol):
    """The ``run`` of an experiment module (built by :func:`make_run`)."""

    def __call__(
        self,
        config: Any,
        *,
        seeds: Sequence[int],
        out: str | os.PathLike[str],
        device: str = "cpu",
        show_progress: bool = True,
        plot_figures: bool = True,
    ) -> dict[str, Any]: ...


def exact_device_for(device: str) -> str | None:
    """Return the device of the exact transforms for a run on ``device``.

    ``None`` (the NumPy backend, bit-identical to the CPU runs before ``--device`` existed)
    for ``"cpu"``, the same device (torch backend) otherwise.

    Examples
    --------
    >>> exact_device_for("cpu") is None, exact_device_for("cuda")
    (True, 'cuda')
    """
    return None if device == "cpu" else device


def _check_seeds(seeds: Sequence[int]) -> tuple[int, ...]:
    out = tuple(seeds)
    if not out:
        raise ExperimentError("seeds must not be empty")
    for s in out:
        if isinstance(s, bool) or not isinstance(s, (int, np.integer)) or s < 0:
            raise ExperimentError(f"seeds must be non-negative integers, got {s!r}")
    return tuple(int(s) for s in out)


def make_run(
    name: str,
    compute: Compute,
    plot: Callable[[str | os.PathLike[str]], list[Path]],
    *,
    meta: Mapping[str, Any] | None = None,
) -> RunFunction:
    """Build an experiment's ``run`` from its ``compute`` and ``plot``.

    ``run(config, *, seeds, out, device="cpu", show_progress=True, plot_figures=True)``
    checks the seeds, resolves the device (:func:`._runtime.resolve_device`: ``cuda``
    without CUDA is an error), configures torch (:func:`._runtime.configure_torch`), calls
    ``compute(config, ctx)``, saves its arrays with :func:`base_meta` plus ``meta`` into
    ``out`` (``results.npz``, ``meta.json``), draws the figures with ``plot(out)`` unless
    ``plot_figures`` is false, and returns the arrays.
    """
    extra = dict(meta or {})

    def run(
        config: Any,
        *,
        seeds: Sequence[int],
        out: str | os.PathLike[str],
        device: str = "cpu",
        show_progress: bool = True,
        plot_figures: bool = True,
    ) -> dict[str, Any]:
        seeds_t = _check_seeds(seeds)
        ctx = RunContext(
            name,
            seeds_t,
            device,
            resolve_device(device),
            show_progress,
            exact_device=exact_device_for(device),
        )
        configure_torch()
        arrays = dict(compute(config, ctx))
        m = base_meta(name, config, seeds_t, device)
        m.update(extra)
        save_results(out, arrays, m)
        if plot_figures:
            plot(out)
        return arrays

    run.__doc__ = (
        f"Run {name}: train and measure with ``config`` for each of ``seeds``, save "
        "``results.npz`` + ``meta.json`` (and the figures unless ``plot_figures`` is false) "
        "into ``out``; returns the saved arrays. See :func:`._protocol.make_run`."
    )
    run.__qualname__ = run.__name__ = "run"
    return run


class Experiment(Protocol):
    """An experiment module (see the module docstring)."""

    NAME: str
    TITLE: str
    CONFIGS: Mapping[str, Any]
    CLAIMS: tuple[ClaimSpec, ...]
    SEED_AXIS: Mapping[str, int]
    run: RunFunction

    def plot(self, out: str | os.PathLike[str]) -> list[Path]:
        """Redraw the figures from the data saved in ``out``."""
        ...

    def claims(self, arrays: dict[str, NDArray[Any]], meta: dict[str, Any]) -> list[Claim]:
        """Measure the claims on the saved data, one value per seed."""
        ...


@dataclass(frozen=True)
class Grid:
    """Independent runs inside one seed's run, each of which can be a task of its own.

    Attributes
    ----------
    axes : mapping of str to int
        For every saved array that indexes the grid point, that axis (results of the grid
        points are concatenated along it, in grid order); every other array must be the same
        for all grid points.
    size : callable
        ``size(config)``: the number of grid points of a config.
    select : callable
        ``select(config, i)``: the config that runs grid point ``i`` only.
    """

    axes: Mapping[str, int]
    size: Callable[[Any], int]
    select: Callable[[Any, int], Any]


def field_grid(field_name: str, axes: Mapping[str, int]) -> Grid:
    """Return the :class:`Grid` over the values of the tuple-valued config field ``field_name``.

    Grid point ``i`` runs the config with ``field_name = (value_i,)``.
    """

    def size(config: Any) -> int:
        return len(getattr(config, field_name))

    def select(config: Any, i: int) -> Any:
        return override(config, **{field_name: (getattr(config, field_name)[i],)})

    return Grid(dict(axes), size, select)


def grid_of(module: Any) -> Grid | None:
    """Return the module's ``GRID`` as a :class:`Grid` (``None`` if it has none)."""
    grid = getattr(module, "GRID", None)
    if grid is None or isinstance(grid, Grid):
        return grid
    field_name, axes = grid
    return field_grid(field_name, axes)


#: attributes :func:`check_experiment` requires
REQUIRED = ("NAME", "TITLE", "CONFIGS", "CLAIMS", "SEED_AXIS", "run", "plot", "claims")


def check_experiment(module: Any) -> Experiment:
    """Return ``module`` if it follows the :class:`Experiment` protocol.

    Otherwise raises :class:`ExperimentError` naming what is missing or wrong.
    """
    missing = [a for a in REQUIRED if not hasattr(module, a)]
    if missing:
        raise ExperimentError(f"experiment module {module!r} lacks {missing}")
    name = getattr(module, "__name__", repr(module))
    configs = module.CONFIGS
    if set(configs) != {"quick", "paper"}:
        raise ExperimentError(
            f"{name}.CONFIGS must have 'quick' and 'paper', got {sorted(configs)}"
        )
    for scale, cfg in configs.items():
        if not isinstance(cfg, BaseConfig):
            raise ExperimentError(f"{name}.CONFIGS[{scale!r}] is not a BaseConfig: {cfg!r}")
    if not all(isinstance(c, ClaimSpec) for c in module.CLAIMS):
        raise ExperimentError(f"{name}.CLAIMS must hold ClaimSpec objects")
    grid = getattr(module, "GRID", None)
    if grid is not None and not isinstance(grid, Grid):
        field_name, axes = grid
        if field_name not in {f.name for f in fields(configs["quick"])}:
            raise ExperimentError(f"{name}.GRID names {field_name!r}, not a config field")
        if not isinstance(axes, Mapping):
            raise ExperimentError(f"{name}.GRID[1] must map array names to axes")
    return module
