"""Saving and loading an experiment's results.

The results are ``results.npz`` (arrays) and ``meta.json`` (config, seeds, device, versions).
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ._runtime import ExperimentError

__all__ = ["json_default", "load_results", "save_results"]


def json_default(o: Any) -> Any:
    """``json.dump`` fallback for NumPy arrays and scalars and paths."""
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
        json.dump(dict(meta), fh, indent=2, default=json_default, sort_keys=True)
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
