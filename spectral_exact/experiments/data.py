"""Data sets of the real-data experiments (Rahaman et al., 2019, Sec. 3.2).

The paper uses MNIST. So that the experiments run from a fresh clone without downloads, the
default is scikit-learn's ``digits`` (1797 8x8 images shipped inside the package); MNIST is
read from local IDX files (``train-images-idx3-ubyte`` / ``train-labels-idx1-ubyte``,
optionally gzipped) when a directory is given.

Inputs are scaled to ``[0, 1]`` and flattened; labels are integers ``0..9``.
"""

from __future__ import annotations

import gzip
import os
import struct
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from ._runtime import ExperimentError

__all__ = ["load_dataset", "load_digits", "load_mnist_idx", "read_idx"]


def load_digits() -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    """scikit-learn's ``digits``: ``X`` of shape (1797, 64) in [0, 1], ``y`` in 0..9."""
    try:
        from sklearn.datasets import load_digits as _ld
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ExperimentError(
            "the digits data set needs scikit-learn: pip install 'spectral-exact[experiments]'"
        ) from exc
    d = _ld()
    return np.asarray(d.data, dtype=np.float64) / 16.0, np.asarray(d.target, dtype=np.int64)


def read_idx(path: str | os.PathLike[str]) -> NDArray[np.uint8]:
    """Read one IDX file (the MNIST format; ``.gz`` allowed) of unsigned bytes."""
    p = Path(path)
    opener = gzip.open if p.suffix == ".gz" else open
    try:
        with opener(p, "rb") as fh:
            raw = fh.read()
    except OSError as exc:
        raise ExperimentError(f"cannot read IDX file {str(p)!r}: {exc}") from exc
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0:
        raise ExperimentError(f"{str(p)!r} is not an IDX file (bad magic number)")
    if raw[2] != 0x08:
        raise ExperimentError(f"{str(p)!r}: only unsigned-byte IDX data (type 0x08) is supported")
    ndim = raw[3]
    if len(raw) < 4 + 4 * ndim:
        raise ExperimentError(f"{str(p)!r}: truncated header")
    shape = struct.unpack(">" + "I" * ndim, raw[4 : 4 + 4 * ndim])
    data = np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim)
    if data.size != int(np.prod(shape)):
        raise ExperimentError(
            f"{str(p)!r}: header says shape {shape} ({int(np.prod(shape))} values), "
            f"file holds {data.size}"
        )
    return data.reshape(shape)


def _find(directory: Path, stem: str) -> Path:
    for name in (
        stem,
        stem + ".gz",
        stem.replace("-idx", ".idx"),
        stem.replace("-idx", ".idx") + ".gz",
    ):
        if (directory / name).is_file():
            return directory / name
    raise ExperimentError(f"no {stem}[.gz] in {str(directory)!r}")


def load_mnist_idx(
    directory: str | os.PathLike[str], split: str = "train"
) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    """MNIST from local IDX files: ``X`` (n, 784) in [0, 1], ``y`` in 0..9.

    ``split`` is ``"train"`` (``train-*``) or ``"test"`` (``t10k-*``).
    """
    d = Path(directory)
    if not d.is_dir():
        raise ExperimentError(f"MNIST directory {str(d)!r} does not exist")
    prefix = {"train": "train", "test": "t10k"}.get(split)
    if prefix is None:
        raise ExperimentError(f"split must be 'train' or 'test', got {split!r}")
    images = read_idx(_find(d, f"{prefix}-images-idx3-ubyte"))
    labels = read_idx(_find(d, f"{prefix}-labels-idx1-ubyte"))
    if images.ndim != 3 or labels.ndim != 1 or images.shape[0] != labels.shape[0]:
        raise ExperimentError(f"MNIST files disagree: images {images.shape}, labels {labels.shape}")
    x = images.reshape(images.shape[0], -1).astype(np.float64) / 255.0
    return x, labels.astype(np.int64)


def load_dataset(
    source: str | None = None, n_max: int | None = None, seed: int = 0
) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    """``digits`` (``source`` None or ``"digits"``) or MNIST from the IDX directory ``source``.

    A random subset of ``n_max`` samples (drawn with ``seed``) when given.
    """
    if source is None or source == "digits":
        x, y = load_digits()
    else:
        x, y = load_mnist_idx(source)
    if n_max is not None and n_max < x.shape[0]:
        idx = np.sort(np.random.default_rng(seed).choice(x.shape[0], n_max, replace=False))
        x, y = x[idx], y[idx]
    return x, y
