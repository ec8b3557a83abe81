"""The core library imports and computes without its optional heavy dependencies.

A fresh interpreter installs an import hook (a ``sys.meta_path`` finder) that refuses torch,
matplotlib and cdd, imports :mod:`spectral_exact`, evaluates the exact transform of a 1-D, a
2-D and a 3-D net on a box and checks the values against a second route computed in the same
process (the Theorem 1 region sum at ``k = 0`` equals the integral of the net, estimated here by
the midpoint rule on a fine grid). The test then asserts that none of the blocked modules was
imported, not even attempted: the hook records every attempt.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CHILD = textwrap.dedent(
    """
    import json, sys

    BLOCKED = ("torch", "matplotlib", "cdd")
    attempts = []

    class Refuse:
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in BLOCKED:
                attempts.append(name)
                raise ImportError(f"{name} is blocked in this test")
            return None

    sys.meta_path.insert(0, Refuse())

    import numpy as np
    import spectral_exact as se

    out = {}
    for d, arch in [(1, (1, 6, 1)), (2, (2, 8, 8, 1)), (3, (3, 6, 1))]:
        net = se.ReLUNetwork.random(arch, seed=d)
        box = se.Box([-1.0] * d, [1.0] * d)
        k = np.array([[0.0] * d, [0.7] * d])
        F = se.network_fourier(net, k, domain=box)
        # second route at k = 0: the midpoint rule for the integral of f over the box
        n = {1: 20000, 2: 400, 3: 60}[d]
        h = 2.0 / n
        axes = [np.linspace(-1 + h / 2, 1 - h / 2, n)] * d
        pts = np.stack(np.meshgrid(*axes, indexing="ij"), -1).reshape(-1, d)
        integral = float(np.sum(net(pts))) * h**d
        out[d] = [F[0].real, F[0].imag, integral, bool(np.isfinite(F).all())]
    out["attempts"] = attempts
    out["loaded"] = sorted(m for m in sys.modules if m.split(".")[0] in BLOCKED)
    print(json.dumps(out))
    """
)

# midpoint rule error on a piecewise-linear f: only the cells cut by a kink contribute, O(h^2)
# each; measured 4e-10 (d = 1, h = 1e-4), 6e-6 (d = 2, h = 5e-3), 3.5e-4 (d = 3, h = 1/30).
MIDPOINT_RTOL = {"1": 1e-8, "2": 1e-4, "3": 2e-3}
# F(0) is the integral of a real function: its imaginary part is zero up to rounding
IMAG_RTOL = 1e-12


def test_core_imports_and_transforms_without_torch_matplotlib_cdd() -> None:
    res = subprocess.run(
        [sys.executable, "-c", CHILD],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
        timeout=300,
    )
    assert res.returncode == 0, res.stderr
    out = json.loads(res.stdout.strip().splitlines()[-1])
    assert out["attempts"] == [], out["attempts"]
    assert out["loaded"] == []
    for d in ("1", "2", "3"):
        re0, im0, integral, finite = out[d]
        assert finite
        assert abs(im0) <= IMAG_RTOL * max(1.0, abs(re0))
        assert abs(re0 - integral) <= MIDPOINT_RTOL[d] * max(1.0, abs(integral)), (d, re0, integral)
