r"""Shared machinery of the spectral-bias experiments.

Seeding, device selection, progress bars, a torch MLP builder, full-batch training, spectral
norms by power iteration, the exact transform of a trained net (through
:func:`spectral_exact.network_fourier`) and saving/loading results.

Conventions
-----------
* Fourier convention of the whole package: :math:`F(k) = \int f(x) e^{-i k\cdot x} dx` with
  ``k`` in radians per unit length. A target ``A sin(2 pi xi z + phi)`` on ``[0, 1]`` has
  :math:`|F(2\pi\xi)| \approx A/2`, so the *normalised amplitude* reported everywhere is
  :math:`2|F(2\pi\xi)|/A` (Rahaman et al., 2019, Sec. 3.1 plot :math:`|\tilde f(k_i)|/A_i` of the
  single-sided DFT spectrum, which is the same quantity).
* ``depth`` of an MLP is the number of ``Linear`` layers (the paper's "6-layer" net has six
  ``Linear`` layers, five hidden ReLU layers).
* ``--device cuda`` raises :class:`ExperimentError` when CUDA is unavailable: no silent
  fallback, so that timings and results are never silently from another device.

Torch and matplotlib are imported inside functions only.
"""

from __future__ import annotations

import json
import os
import random
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, fields, is_dataclass, replace
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._errors import ExperimentError
from ._claims import Claim, ClaimSpec, claims_from_values, learning_auc, seed_slice

__all__ = [
    "Claim",
    "ClaimSpec",
    "claims_from_values",
    "learning_auc",
    "seed_slice",
    "ExperimentError",
    "SCALES",
    "configure_torch",
    "exact_fourier",
    "first_crossing",
    "load_results",
    "make_mlp",
    "override",
    "progress",
    "resolve_device",
    "save_results",
    "seed_everything",
    "spearman",
    "spectral_norms",
    "to_relu_network",
]

SCALES = ("quick", "paper")
T = TypeVar("T")


# ----------------------------------------------------------------------------- determinism
def seed_everything(seed: int) -> np.random.Generator:
    """Seed Python, NumPy and torch; return a NumPy generator for the experiment's own draws."""
    import torch

    if not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ExperimentError(f"seed must be a non-negative integer, got {seed!r}")
    random.seed(int(seed))
    torch.manual_seed(int(seed))
    return np.random.default_rng(int(seed))


#: default torch intra-op threads for the (small) experiment MLPs: with more, OpenMP's
#: spin-waiting made 100 Adam steps ~100x slower on a loaded 2-core machine (17 s vs 0.2 s)
DEFAULT_TORCH_THREADS = 1


def configure_torch(threads: int | None = None) -> None:
    """Make torch deterministic with a bounded thread count.

    The thread count defaults to :data:`DEFAULT_TORCH_THREADS`.
    """
    import torch

    n = threads if threads is not None else DEFAULT_TORCH_THREADS
    torch.set_num_threads(max(1, int(n)))
    torch.use_deterministic_algorithms(True, warn_only=True)
    # Adam's second-moment buffers underflow to denormals on CPU, which makes sqrt ~100x slower
    torch.set_flush_denormal(True)


def resolve_device(name: str) -> Any:
    """``torch.device`` for ``"cpu"`` or ``"cuda"``.

    Raises
    ------
    ExperimentError
        On an unknown name, or ``"cuda"`` when CUDA is not available (no silent fallback).
    """
    import torch

    if name not in ("cpu", "cuda"):
        raise ExperimentError(f"device must be 'cpu' or 'cuda', got {name!r}")
    if name == "cuda":
        if not torch.cuda.is_available():
            raise ExperimentError(
                "--device cuda was requested but torch.cuda.is_available() is False "
                f"(torch {torch.__version__}); use --device cpu"
            )
        os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")
    return torch.device(name)


# ----------------------------------------------------------------------------- progress
def progress(
    iterable: Iterable[T], *, enabled: bool = True, desc: str = "", total: int | None = None
) -> Iterator[T]:
    """Return a tqdm bar, shown only when ``enabled`` and stderr is a terminal or Jupyter."""
    from tqdm.auto import tqdm

    from .._progress import progress_enabled

    show = enabled and progress_enabled()
    return iter(tqdm(iterable, desc=desc, total=total, disable=not show, leave=False))


# ----------------------------------------------------------------------------- configs
def override(config: T, **changes: Any) -> T:
    """Copy of a frozen config dataclass with ``changes``; unknown names raise."""
    if not is_dataclass(config):
        raise ExperimentError("override() needs a config dataclass")
    known = {f.name for f in fields(config)}
    bad = sorted(set(changes) - known)
    if bad:
        raise ExperimentError(f"unknown config field(s) {bad}; known: {sorted(known)}")
    return replace(config, **changes)  # type: ignore[type-var]


def config_dict(config: Any) -> dict[str, Any]:
    """JSON-friendly dict of a config dataclass (tuples become lists)."""
    return json.loads(json.dumps(asdict(config), default=_json_default))


# ----------------------------------------------------------------------------- models
def make_mlp(
    in_dim: int,
    width: int,
    depth: int,
    out_dim: int = 1,
    *,
    init_scale: float = 1.0,
    dtype: Any = None,
    device: Any = None,
) -> Any:
    """``nn.Sequential`` of ``depth`` Linear layers with ReLU between them.

    Torch's default initialisation (uniform ``±1/sqrt(fan_in)``), every parameter then
    multiplied by ``init_scale`` (Xu et al.'s initialisation-scale study).
    """
    import torch
    import torch.nn as nn

    if depth < 1 or width < 1:
        raise ExperimentError(f"depth and width must be >= 1, got depth={depth}, width={width}")
    dims = [in_dim] + [width] * (depth - 1) + [out_dim]
    mods: list[Any] = []
    for i in range(depth):
        mods.append(nn.Linear(dims[i], dims[i + 1]))
        if i < depth - 1:
            mods.append(nn.ReLU())
    model = nn.Sequential(*mods)
    if init_scale != 1.0:
        with torch.no_grad():
            for p in model.parameters():
                p.mul_(init_scale)
    return model.to(dtype=dtype or torch.float32, device=device or "cpu")


def linear_layers(model: Any) -> list[Any]:
    import torch.nn as nn

    return [m for m in model if isinstance(m, nn.Linear)]


def spectral_norms(model: Any, n_iter: int = 30) -> NDArray[np.float64]:
    """Spectral norm of every Linear layer's weight by power iteration (paper Fig. 1, right).

    The start vector is fixed (all ones), so the result is deterministic.
    """
    import torch

    out = []
    with torch.no_grad():
        for lin in linear_layers(model):
            w = lin.weight.detach().double().cpu()
            v = torch.ones(w.shape[1], dtype=torch.float64) / np.sqrt(w.shape[1])
            for _ in range(n_iter):
                u = w @ v
                v = w.T @ u
                nv = torch.linalg.vector_norm(v)
                if nv == 0:
                    break
                v = v / nv
            out.append(float(torch.linalg.vector_norm(w @ v)))
    return np.asarray(out)


def to_relu_network(model: Any) -> Any:
    """Return the trained torch model as a :class:`spectral_exact.ReLUNetwork` (float64)."""
    from ..network import ReLUNetwork

    return ReLUNetwork.from_torch(model)


def exact_fourier(net: Any, k: NDArray[np.float64], lo: Sequence[float], hi: Sequence[float]):
    r"""``∫_box f(x) e^{-i k·x} dx`` by :func:`spectral_exact.network_fourier` (closed form).

    Parameters
    ----------
    net : ReLUNetwork
    k : array, shape (..., d)
        Angular frequencies (radians per unit length).
    lo, hi : sequence of float
        The box.
    """
    import spectral_exact as se

    fn = getattr(se, "network_fourier", None)
    box = getattr(se, "Box", None)
    if fn is None or box is None:
        raise ExperimentError(
            "spectral_exact.network_fourier / spectral_exact.Box are not available in this "
            "installation; the experiments need the exact Fourier engine"
        )
    return np.asarray(fn(net, np.asarray(k, dtype=np.float64), domain=box(list(lo), list(hi))))


def count_regions(net: Any, lo: Sequence[float], hi: Sequence[float]) -> int:
    """Count the linear regions of ``net`` in the box (:func:`spectral_exact.linear_regions`)."""
    import spectral_exact as se

    fn = getattr(se, "linear_regions", None)
    if fn is None:
        raise ExperimentError("spectral_exact.linear_regions is not available")
    return len(fn(net, domain=se.Box(list(lo), list(hi))))


def train_full_batch(
    model: Any,
    x: Any,
    y: Any,
    *,
    lr: float,
    n_steps: int,
    loss: str = "mse",
    record_every: int = 100,
    on_record: Callable[[int, Any], None] | None = None,
    show_progress: bool = True,
    desc: str = "train",
    weight_clip: float | None = None,
) -> NDArray[np.float64]:
    """Full-batch Adam (the optimiser of every experiment in Rahaman et al., 2019).

    ``on_record(step, model)`` is called before the first step and after every
    ``record_every`` steps (``step`` = number of updates done). Returns the training loss
    before each update, shape ``(n_steps,)``. ``weight_clip`` clamps every weight matrix
    entry to ``[-c, c]`` after each step (App. A.5).
    """
    import torch

    opt = torch.optim.Adam(model.parameters(), lr=lr)
    if loss == "mse":
        loss_fn: Any = torch.nn.MSELoss()
    elif loss == "bce":
        loss_fn = torch.nn.BCEWithLogitsLoss()
    else:
        raise ExperimentError(f"unknown loss {loss!r}")
    losses = np.empty(n_steps)
    if on_record is not None:
        on_record(0, model)
    for step in progress(range(n_steps), enabled=show_progress, desc=desc):
        opt.zero_grad()
        out = model(x)
        ell = loss_fn(out, y)
        ell.backward()
        opt.step()
        losses[step] = float(ell.detach())
        if weight_clip is not None:
            with torch.no_grad():
                for lin in linear_layers(model):
                    lin.weight.clamp_(-weight_clip, weight_clip)
        if on_record is not None and (step + 1) % record_every == 0:
            on_record(step + 1, model)
    return losses


# ----------------------------------------------------------------------------- analysis
def first_crossing(
    curves: NDArray[np.float64], steps: NDArray[np.float64], threshold: float
) -> NDArray[np.float64]:
    """Return the first recorded step at which each column of ``curves`` reaches ``threshold``.

    ``curves`` has shape ``(T, K)``; columns that never do get ``inf``.
    """
    curves = np.asarray(curves, dtype=np.float64)
    hit = curves >= threshold
    out = np.full(curves.shape[1], np.inf)
    any_hit = hit.any(axis=0)
    out[any_hit] = np.asarray(steps, dtype=np.float64)[hit.argmax(axis=0)[any_hit]]
    return out


def spearman(x: ArrayLike, y: ArrayLike) -> float:
    """Spearman rank correlation (ties averaged; ``inf`` ranks last).

    NaN if constant or if fewer than two points.
    """
    from scipy.stats import spearmanr

    xa = np.asarray(x, dtype=np.float64)
    ya = np.asarray(y, dtype=np.float64)
    if xa.size < 2 or ya.size != xa.size:
        return float("nan")
    if np.all(ya == ya[0]) or np.all(xa == xa[0]):
        return float("nan")
    big = np.nanmax(np.abs(np.r_[xa[np.isfinite(xa)], ya[np.isfinite(ya)], 1.0])) * 10
    xa = np.where(np.isposinf(xa), big, xa)
    ya = np.where(np.isposinf(ya), big, ya)
    return float(spearmanr(xa, ya).statistic)


# ----------------------------------------------------------------------------- persistence
def _json_default(o: Any) -> Any:
    if isinstance(o, np.ndarray):
        return o.tolist()
    if isinstance(o, np.generic):
        return o.item()
    if isinstance(o, Path):
        return str(o)
    raise TypeError(f"not JSON serialisable: {type(o).__name__}")


def save_results(
    out: str | os.PathLike[str], arrays: Mapping[str, Any], meta: Mapping[str, Any]
) -> Path:
    """Write ``results.npz`` (arrays) and ``meta.json`` (config, seeds, versions) into ``out``."""
    outp = Path(out)
    outp.mkdir(parents=True, exist_ok=True)
    with (outp / "results.npz").open("wb") as fh:
        np.savez(fh, **{k: np.asarray(v) for k, v in arrays.items()})  # type: ignore[arg-type]
    with (outp / "meta.json").open("w") as fh:
        json.dump(dict(meta), fh, indent=2, default=_json_default, sort_keys=True)
    return outp


def load_results(out: str | os.PathLike[str]) -> tuple[dict[str, NDArray[Any]], dict[str, Any]]:
    """Read what :func:`save_results` wrote."""
    outp = Path(out)
    if not (outp / "results.npz").is_file() or not (outp / "meta.json").is_file():
        raise ExperimentError(
            f"{str(outp)!r} holds no saved experiment (results.npz + meta.json); run it first"
        )
    with np.load(outp / "results.npz", allow_pickle=False) as data:
        arrays = {k: data[k] for k in data.files}
    with (outp / "meta.json").open() as fh:
        meta = json.load(fh)
    return arrays, meta


def base_meta(name: str, config: Any, seeds: Sequence[int], device: str) -> dict[str, Any]:
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


def new_figure(*args: Any, **kwargs: Any) -> tuple[Any, Any]:
    """``plt.subplots`` without pyplot (no backend switch, no global state)."""
    from .. import plotting as plt

    return plt.subplots(*args, **kwargs)


def save_figure(fig: Any, path: Path) -> Path:
    from .. import plotting as plt

    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
