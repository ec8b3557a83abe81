"""Run-time environment of the experiments.

The error class, seeding, torch settings, the device and progress bars.

``--device cuda`` raises :class:`ExperimentError` when CUDA is unavailable: no silent
fallback, so that timings and results are never silently from another device. Torch is
imported inside functions only.
"""

from __future__ import annotations

import os
import random
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import numpy as np

from .._errors import ExperimentError

__all__ = [
    "DEFAULT_TORCH_THREADS",
    "SCALES",
    "ExperimentError",
    "configure_torch",
    "flushed_denormals",
    "ieee_denormals",
    "progress",
    "resolve_device",
    "seed_everything",
]

#: the scales every experiment defines in its ``CONFIGS``
SCALES = ("quick", "paper")
T = TypeVar("T")


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
    """Configure torch: deterministic algorithms and a bounded thread count.

    The thread count defaults to :data:`DEFAULT_TORCH_THREADS`.
    """
    import torch

    n = threads if threads is not None else DEFAULT_TORCH_THREADS
    torch.set_num_threads(max(1, int(n)))
    torch.use_deterministic_algorithms(True, warn_only=True)


@contextmanager
def flushed_denormals() -> Iterator[None]:
    """Flush denormals to zero inside the block (training loops only); IEEE arithmetic after.

    Adam's second-moment buffers underflow to denormals on CPU, which makes ``sqrt`` ~100x
    slower, so the training loops run with ``torch.set_flush_denormal(True)``. That switch sets
    the CPU's FTZ/DAZ flags for the whole process: numpy, scipy and the exact engine would see
    denormals as zero too. It crashed scipy's k-d tree (unbounded recursion in its build, a
    segmentation fault in the complex's vertex merge) when spectrum2d computed exact spectra at
    its records, and exact transforms must not run on altered arithmetic. So the flag is set
    only around the optimiser steps and cleared on exit; record callbacks run inside
    :func:`ieee_denormals`.
    """
    import torch

    torch.set_flush_denormal(True)
    try:
        yield
    finally:
        torch.set_flush_denormal(False)


@contextmanager
def ieee_denormals() -> Iterator[None]:
    """Run the block with IEEE denormals inside a :func:`flushed_denormals` block."""
    import torch

    torch.set_flush_denormal(False)
    try:
        yield
    finally:
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


def progress(
    iterable: Iterable[T], *, enabled: bool = True, desc: str = "", total: int | None = None
) -> Iterator[T]:
    """Return a tqdm progress bar, shown only if ``enabled`` and stderr is a terminal or Jupyter."""
    from tqdm.auto import tqdm

    from .._progress import progress_enabled

    show = enabled and progress_enabled()
    return iter(tqdm(iterable, desc=desc, total=total, disable=not show, leave=False))
