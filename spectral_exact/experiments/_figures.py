"""Figure helpers of the experiments: figures without pyplot's global state.

Figures are saved and closed in one call. matplotlib is imported inside functions only.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

__all__ = ["colors", "new_figure", "save_figure"]

#: resolution of every experiment figure
DPI = 110


def new_figure(*args: Any, **kwargs: Any) -> tuple[Any, Any]:
    """``plt.subplots`` without pyplot (no backend switch, no global state)."""
    from .. import plotting as plt

    return plt.subplots(*args, **kwargs)


def save_figure(fig: Any, path: Path) -> Path:
    """Lay out, write ``path`` (PNG) and close ``fig``; returns ``path``."""
    from .. import plotting as plt

    fig.tight_layout()
    fig.savefig(path, dpi=DPI)
    plt.close(fig)
    return path


def colors(n: int, cmap: str = "plasma") -> list[Any]:
    """``n`` colours along ``cmap`` (low to high frequency), stopping short of its end."""
    import matplotlib

    cm = matplotlib.colormaps[cmap]
    return [cm(i / max(1, n - 1) * 0.9) for i in range(n)]
