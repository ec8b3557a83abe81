"""Models and training of the experiments.

The torch MLP, full-batch Adam with records, and spectral norms by power iteration.

The trainer owns the record index: ``on_record`` receives a :class:`Record` whose ``index``
is the position of this record in the run's arrays (``0`` before the first update, then one
per ``record_every`` updates, or one per entry of ``record_steps``), so experiments write
``arr[..., rec.index]`` instead of keeping counters in closures.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ._runtime import ExperimentError, flushed_denormals, ieee_denormals, progress

__all__ = [
    "Record",
    "linear_layers",
    "make_mlp",
    "n_records",
    "spectral_norms",
    "train_full_batch",
]


@dataclass(frozen=True)
class Record:
    """One recording moment of a training run.

    Attributes
    ----------
    index : int
        Position of this record in the run's record arrays (``0, 1, 2, ...``).
    step : int
        Number of optimiser updates done.
    model : torch.nn.Module
        The model being trained (read it, do not modify it).
    """

    index: int
    step: int
    model: Any


def n_records(n_steps: int, record_every: int) -> int:
    """Return the number of records of :func:`train_full_batch` with ``record_every``.

    There is one record before the first update and one after every ``record_every`` updates.

    Examples
    --------
    >>> n_records(1000, 100)
    11
    """
    return n_steps // record_every + 1


def make_mlp(
    in_dim: int,
    width: int,
    depth: int,
    out_dim: int = 1,
    *,
    init_scale: float = 1.0,
    init: str = "torch",
    activation: str = "relu",
    dtype: Any = None,
    device: Any = None,
) -> Any:
    """``nn.Sequential`` of ``depth`` Linear layers with ReLU (or tanh) between them.

    ``init = "torch"``: torch's default initialisation (uniform ``±1/sqrt(fan_in)``), every
    parameter then multiplied by ``init_scale`` (Xu et al.'s initialisation-scale study).
    ``init = "gaussian"``: every weight and bias drawn from ``N(0, init_scale²)`` (Xu et al.'s
    own initialisation). ``activation``: ``"relu"`` (the only one the exact transform
    handles) or ``"tanh"`` (Xu et al.).
    """
    import torch
    import torch.nn as nn

    if depth < 1 or width < 1:
        raise ExperimentError(f"depth and width must be >= 1, got depth={depth}, width={width}")
    acts = {"relu": nn.ReLU, "tanh": nn.Tanh}
    if activation not in acts:
        raise ExperimentError(f"activation must be 'relu' or 'tanh', got {activation!r}")
    if init not in ("torch", "gaussian"):
        raise ExperimentError(f"init must be 'torch' or 'gaussian', got {init!r}")
    dims = [in_dim] + [width] * (depth - 1) + [out_dim]
    mods: list[Any] = []
    for i in range(depth):
        mods.append(nn.Linear(dims[i], dims[i + 1]))
        if i < depth - 1:
            mods.append(acts[activation]())
    model = nn.Sequential(*mods)
    if init == "gaussian":
        with torch.no_grad():
            for p in model.parameters():
                p.normal_(0.0, float(init_scale))
    elif init_scale != 1.0:
        with torch.no_grad():
            for p in model.parameters():
                p.mul_(init_scale)
    return model.to(dtype=dtype or torch.float32, device=device or "cpu")


def linear_layers(model: Any) -> list[Any]:
    """Return the ``nn.Linear`` layers of a ``nn.Sequential``, in order."""
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


def train_full_batch(
    model: Any,
    x: Any,
    y: Any,
    *,
    lr: float,
    n_steps: int,
    loss: str = "mse",
    record_every: int = 100,
    record_steps: Sequence[int] | None = None,
    on_record: Callable[[Record], None] | None = None,
    show_progress: bool = True,
    desc: str = "train",
    weight_clip: float | None = None,
    lr_schedule: str = "constant",
) -> NDArray[np.float64]:
    """Full-batch Adam (the optimiser of every experiment in Rahaman et al., 2019).

    ``on_record(Record(index, step, model))`` is called before the first step and after every
    ``record_every`` steps (``step`` = number of updates done, ``index`` = 0, 1, 2, ...), or,
    with ``record_steps``, exactly at those steps (increasing; ``index`` = position in
    ``record_steps``). Returns the training loss before each update, shape ``(n_steps,)``.
    ``weight_clip`` clamps every weight matrix entry to ``[-c, c]`` after each step (App.
    A.5). ``lr_schedule``: ``"constant"`` (the paper's) or ``"cosine"`` (``lr`` annealed to 0
    over ``n_steps`` by a half cosine).
    """
    import torch

    opt = torch.optim.Adam(model.parameters(), lr=lr)
    if lr_schedule == "constant":
        sched = None
    elif lr_schedule == "cosine":
        sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=max(1, n_steps))
    else:
        raise ExperimentError(f"lr_schedule must be 'constant' or 'cosine', got {lr_schedule!r}")
    if loss == "mse":
        loss_fn: Any = torch.nn.MSELoss()
    elif loss == "bce":
        loss_fn = torch.nn.BCEWithLogitsLoss()
    else:
        raise ExperimentError(f"unknown loss {loss!r}")
    if record_steps is not None:
        at = [int(s) for s in record_steps]
        if any(b <= a for a, b in pairwise(at)) or (at and (at[0] < 0 or at[-1] > n_steps)):
            raise ExperimentError(
                f"record_steps must increase within [0, {n_steps}], got {list(record_steps)}"
            )
        position = {s: i for i, s in enumerate(at)}
    else:
        position = {}

    def index_at(step: int) -> int | None:
        if record_steps is not None:
            return position.get(step)
        return step // record_every if step % record_every == 0 else None

    def maybe_record(step: int) -> None:
        if on_record is None:
            return
        i = index_at(step)
        if i is not None:
            with ieee_denormals():  # exact transforms and regions at the records
                on_record(Record(i, step, model))

    losses = np.empty(n_steps)
    with flushed_denormals():
        maybe_record(0)
        for step in progress(range(n_steps), enabled=show_progress, desc=desc):
            opt.zero_grad()
            out = model(x)
            ell = loss_fn(out, y)
            ell.backward()
            opt.step()
            if sched is not None:
                sched.step()
            losses[step] = float(ell.detach())
            if weight_clip is not None:
                with torch.no_grad():
                    for lin in linear_layers(model):
                        lin.weight.clamp_(-weight_clip, weight_clip)
            maybe_record(step + 1)
    return losses
