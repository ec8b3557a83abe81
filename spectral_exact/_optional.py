"""Optional dependencies: import them on demand, or fail with the pip command that installs them.

The core (regions, exact transforms, references) needs only numpy, scipy, sympy, networkx,
cddlib, mpmath, tqdm, numba and finufft. Everything else is an *extra* of the
``spectral-exact`` distribution and is imported through :func:`require` at the point of use::

    torch = require("torch", extra="torch", purpose="ReLUNetwork.to_torch")

A missing module raises :class:`~spectral_exact.MissingDependencyError` (an ``ImportError``
and a :class:`~spectral_exact.SpectralExactError`) whose message is one line ending with the
exact command, e.g. ``pip install 'spectral-exact[torch]'``; the command line prints it as
``error: ...`` without a traceback.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from ._errors import InvalidArgumentError, MissingDependencyError

__all__ = ["EXTRAS", "install_command", "require"]

#: the extras of the distribution and the importable modules each one provides
EXTRAS: dict[str, tuple[str, ...]] = {
    "torch": ("torch",),
    "plot": ("matplotlib",),
    "experiments": ("sklearn", "dask", "distributed"),
    "docs": ("mkdocs", "mkdocstrings", "mkdocs_jupyter", "jupytext"),
}

#: pip installs the CPU-only torch wheel from this index (no multi-GB CUDA download)
TORCH_CPU_INDEX = "https://download.pytorch.org/whl/cpu"


def install_command(extra: str) -> str:
    """Return the pip command that installs the ``spectral-exact[extra]`` extra.

    Examples
    --------
    >>> install_command("plot")
    "pip install 'spectral-exact[plot]'"
    """
    if extra not in EXTRAS:
        raise InvalidArgumentError(f"unknown extra {extra!r}; the extras are {sorted(EXTRAS)}")
    return f"pip install 'spectral-exact[{extra}]'"


def require(module: str, *, extra: str, purpose: str | None = None) -> ModuleType:
    """Import ``module``, or raise :class:`~spectral_exact.MissingDependencyError`.

    Parameters
    ----------
    module : str
        Module to import (e.g. ``"torch"``, ``"torch.nn"``, ``"matplotlib.figure"``).
    extra : str
        The extra that provides it (a key of :data:`EXTRAS`); named in the message.
    purpose : str, optional
        What needs it (e.g. ``"backend='torch'"``), named first in the message.

    Returns
    -------
    module
        The imported module.

    Examples
    --------
    >>> require("numpy", extra="plot").__name__
    'numpy'
    """
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        top = module.split(".")[0]
        missing = getattr(exc, "name", None) or top
        if not str(missing).startswith(top) and missing != module:
            raise  # the module exists but one of *its* imports failed: not ours to rename
        cmd = install_command(extra)
        what = f"{purpose} needs {top}" if purpose else f"{top} is needed"
        hint = ""
        if extra == "torch":
            hint = f" (CPU-only torch first: pip install torch --index-url {TORCH_CPU_INDEX})"
        raise MissingDependencyError(
            f"{what}, which is not installed: {cmd}{hint}",
            name=top,
            extra=extra,
            install=cmd,
        ) from exc
