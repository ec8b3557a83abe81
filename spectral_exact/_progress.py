"""Progress bars for long work (tqdm), silent when nobody is watching.

Every call that may take more than a few seconds wraps its outer loop in :func:`progress`.
A bar is shown only when standard error is a terminal (or in Jupyter, through
``tqdm.auto``), when the caller did not pass ``enable=False``, and when the environment
variable ``SPECTRAL_EXACT_PROGRESS`` is not ``0``. Set ``SPECTRAL_EXACT_PROGRESS=1`` to force
bars on (e.g. in a log file).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from typing import Any

__all__ = ["progress", "progress_enabled"]

#: environment variable that turns bars off (``0``) or forces them on (``1``)
ENV_VAR = "SPECTRAL_EXACT_PROGRESS"


def progress_enabled(enable: bool | None = None) -> bool:
    """Whether a bar should be drawn: ``enable`` if given, else the environment and a tty."""
    if enable is not None:
        return bool(enable)
    env = os.environ.get(ENV_VAR)
    if env is not None and env.strip() != "":
        return env.strip() not in ("0", "false", "False", "no")
    if "ipykernel" in sys.modules:  # Jupyter: tqdm.auto draws a widget
        return True
    return bool(getattr(sys.stderr, "isatty", lambda: False)())


def progress(
    iterable: Iterable[Any] | None = None,
    *,
    total: int | None = None,
    desc: str | None = None,
    unit: str = "it",
    enable: bool | None = None,
    leave: bool = False,
) -> Any:
    """Return a ``tqdm.auto.tqdm`` bar over ``iterable`` (or a manual bar with ``total``).

    Parameters
    ----------
    iterable : iterable, optional
        Iterated through the bar; omit and call ``.update(n)`` for a manual bar.
    total : int, optional
        Expected number of items (default ``len(iterable)`` when it has one).
    desc, unit : str
        Label and unit shown by tqdm.
    enable : bool or None
        ``None`` (default): on when stderr is a terminal or in Jupyter, unless
        ``SPECTRAL_EXACT_PROGRESS=0``; ``True``/``False`` force it.
    leave : bool
        Keep the finished bar on screen.

    Returns
    -------
    tqdm.auto.tqdm
        Always a tqdm object (``disable=True`` when silent), so callers need no branches.

    Examples
    --------
    >>> from spectral_exact._progress import progress
    >>> sum(progress(range(4), desc="demo", enable=False))
    6
    """
    from tqdm.auto import tqdm

    return tqdm(
        iterable,
        total=total,
        desc=desc,
        unit=unit,
        disable=not progress_enabled(enable),
        leave=leave,
        dynamic_ncols=True,
    )
