r"""Tolerances and the transform's sign are named once and used through their names.

* every field of :class:`Tolerances` is read somewhere in the package (no dead field);
* ``PHI_SERIES_BELOW`` is the package's series threshold, and ``phi`` is accurate on both
  sides of it (checked against 40-digit mpmath);
* the sign of the exponent: :func:`phase` is :math:`e^{-ik\cdot x}` (checked against
  ``cmath``), and the closed-form modules write no ``1j`` literal of their own.
"""

from __future__ import annotations

import cmath
import re
from dataclasses import fields
from pathlib import Path

import mpmath
import numpy as np
import pytest

import spectral_exact as se
from spectral_exact.fourier import _convention
from spectral_exact.fourier.kernels import PHI_SERIES_BELOW, phi

PACKAGE = Path(se.__file__).parent
# phi near the switch: both branches are accurate to a few ulps (series: 9 terms, tail 1e-19;
# closed form: cancellation of sin - theta cos costs ~ 1/theta^2 ~ 4 ulps at theta = 0.5)
PHI_RTOL = 1e-14


def test_every_tolerance_field_is_read_by_the_package() -> None:
    source = "\n".join(p.read_text() for p in PACKAGE.rglob("*.py") if p.name != "_tolerances.py")
    unused = [f.name for f in fields(se.Tolerances) if not re.search(rf"\.{f.name}\b", source)]
    assert unused == []


def test_phi_series_threshold_is_the_tolerance() -> None:
    assert PHI_SERIES_BELOW == se.DEFAULT_TOLERANCES.series_threshold


@pytest.mark.parametrize("theta", [1e-8, 0.1, 0.49999, 0.5, 0.50001, 1.0, 7.0, -0.49999])
def test_phi_matches_mpmath_on_both_sides_of_the_switch(theta: float) -> None:
    with mpmath.workdps(40):
        t = mpmath.mpf(theta)
        want = float((mpmath.sin(t) - t * mpmath.cos(t)) / t**2)
    got = float(phi(np.array([theta]))[0])
    assert abs(got - want) <= PHI_RTOL * abs(want)


@pytest.mark.parametrize("kx", [0.0, 0.3, -2.0, np.pi / 2, 1e3])
def test_phase_is_the_conventions_exponential(kx: float) -> None:
    assert _convention.SIGN == -1
    assert complex(_convention.phase(kx)) == cmath.exp(-1j * kx)


@pytest.mark.parametrize(
    "module",
    [
        "fourier/kernels.py",
        "fourier/indicator.py",
        "fourier/theorem1.py",
        "fourier/spectrum.py",
        "fourier/grid.py",
        # (fourier/_onedim.py: its closed form is in numba kernels in real arithmetic, checked
        # against the 40-digit references in tests/test_onedim.py)
        "fourier/_fused.py",
        "fourier/_fused_torch.py",
        "fft.py",
    ],
)
def test_closed_forms_write_the_sign_through_the_convention(module: str) -> None:
    code = [
        ln
        for ln in (PACKAGE / module).read_text().splitlines()
        if not ln.lstrip().startswith(("#", ">>>"))
    ]
    assert [ln for ln in code if re.search(r"(?<![\w.])1j\b", ln)] == []
    assert any("PHASE_UNIT" in ln or "phase(" in ln for ln in code)


# modules that implement or check a closed form, and the papers they must cite with a DOI
CLOSED_FORM_MODULES = {
    "symbolic.py": ["1602.08593", "1806.08734"],
    "testing.py": ["Divided differences"],
    "fourier/_convention.py": ["1806.08734"],
    "fourier/kernels.py": ["Divided differences", "1602.08593"],
    "fourier/indicator.py": ["1602.08593"],
    "fourier/theorem1.py": ["1806.08734", "1602.08593"],
    "fourier/spectrum.py": ["1806.08734"],
    "fourier/_onedim.py": ["1806.08734"],
    "fourier/_fused.py": ["1602.08593"],
    "fourier/grid.py": ["1806.08734"],
    "regions.py": ["2306.07212"],
    "complex.py": ["2306.07212"],
    "face_poset.py": ["1602.08593"],
    "_estimate.py": ["memo/0154"],
}


@pytest.mark.parametrize("module", sorted(CLOSED_FORM_MODULES))
def test_closed_form_modules_cite_their_sources(module: str) -> None:
    import ast

    doc = ast.get_docstring(ast.parse((PACKAGE / module).read_text())) or ""
    refs = doc.split("References\n----------", 1)
    assert len(refs) == 2, f"{module} has no References section"
    for needle in CLOSED_FORM_MODULES[module]:
        assert needle in refs[1], (module, needle)
    assert "doi:10." in refs[1]
