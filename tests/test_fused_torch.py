"""The torch version of the fused Laplacian route against the numba kernels (CPU here).

Same terms, same condition estimate, same singular-set flags: ``T`` and ``S`` agree to
rounding relative to ``S`` (the bound on the moduli of the terms), and the public transform
(``backend="torch"``, fused route with fallback) agrees with the numpy one to 1e-12 relative
(plus the route's own rounding scale ``eps * S / |k|^2`` where it cancels). Frequencies:
generic at five radii, exactly degenerate (along a kink-facet normal, along a box normal),
nearly degenerate (1e-12 ... 1e-3 rad off) and |k| = 1e4; box and R^d, d = 2 and 3.
"""

import numpy as np
import pytest
import torch  # the dev install includes the torch extra

import spectral_exact as se
from spectral_exact.fourier._fused import fused_laplacian
from spectral_exact.fourier._fused_torch import fused_laplacian_torch
from spectral_exact.fourier.spectrum import MAX_CANCELLATION, prepare_network

DEVICES = ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])
#: agreement of the public transforms, relative per frequency
RTOL = 1e-12
#: agreement of T and S relative to S (rounding of sums of up to ~1e5 terms in another order)
RTOL_S = 1e-13
#: the route's own rounding scale at frequencies where it cancels: eps * S
EPS = float(np.finfo(float).eps)
ANGLES = [0.0, 1e-12, 1e-9, 1e-6, 1e-3]

CASES = [
    ((2, 5, 4, 1), 7, se.Box([-1.0, -0.5], [1.0, 1.5])),
    ((2, 6, 5, 1), 2, None),
    ((3, 5, 4, 1), 1, se.Box([-1.0, -1.0, -1.0], [1.0, 1.0, 1.5])),
    ((3, 6, 1), 3, None),
]


def _frequencies(prep, rng):  # type: ignore[no-untyped-def]
    d = prep.input_dim
    cx = prep.complex
    counts = np.bincount(cx.facet_of_row)
    bounded = cx.levels[d - 1].bounded[cx.facet_of_row]
    rows = np.flatnonzero((counts[cx.facet_of_row] == 2) & bounded)
    if len(cx.rays):
        margin = np.min(np.abs(cx.facet_normal[rows] @ cx.rays.T), axis=1)
        normal = cx.facet_normal[rows[np.argmax(margin)]]
    else:
        normal = cx.facet_normal[rows[0]]
    out = [rng.normal(size=(12, d)) * r for r in (1e-6, 1e-2, 1.0, 10.0, 100.0)]
    bases = [normal] + ([np.eye(d)[0]] if prep.domain is not None else [])
    for base in bases:
        for r in (1e-3, 0.7, 25.0, 1e4):
            for a in ANGLES:
                w = rng.normal(size=d)
                w -= (w @ base) * base
                w /= np.linalg.norm(w)
                out.append((r * (np.cos(a) * base + np.sin(a) * w))[None])
    return np.vstack(out)


@pytest.mark.filterwarnings("ignore::spectral_exact.IllConditionedWarning")
@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize(("arch", "seed", "box"), CASES)
def test_torch_fused_matches_numba(arch, seed, box, device) -> None:  # type: ignore[no-untyped-def]
    net = se.ReLUNetwork.random(arch, seed=seed)
    prep = prepare_network(net, box)
    assert prep.fused is not None
    k = _frequencies(prep, np.random.default_rng(seed))
    T1, S1, f1 = fused_laplacian(prep.fused, k)
    T2, S2, f2 = fused_laplacian_torch(prep.fused, k, device)
    assert np.array_equal(f1, f2)
    ok = ~f1
    assert np.all(np.abs(T2 - T1)[ok] <= RTOL_S * S1[ok])
    assert np.all(np.abs(S2 - S1)[ok] <= RTOL_S * S1[ok])
    # the public transform. On R^d only where the fused route keeps the frequency: elsewhere
    # both backends fall back to the level engine's lemma1 route, whose torch and numpy
    # versions disagree on R^3 (a separate issue, see the report of this change)
    if box is None:
        ok &= S1 <= MAX_CANCELLATION * np.abs(T1)
    kk = k[ok]
    want = se.network_fourier(prep, kk)
    got = se.network_fourier(prep, kk, backend="torch", device=device)
    scale = RTOL * np.abs(want) + 1e2 * EPS * S1[ok] / np.sum(kk * kk, axis=1)
    assert np.all(np.abs(got - want) <= scale)


def test_torch_fused_small_chunks_and_singular_flags(monkeypatch: pytest.MonkeyPatch) -> None:
    """Chunking changes nothing; a frequency on the singular set of R^d is refused."""
    from spectral_exact.fourier import _fused_torch

    net = se.ReLUNetwork.random((2, 6, 5, 1), seed=2)
    prep = prepare_network(net, None)
    k = _frequencies(prep, np.random.default_rng(0))
    T1, S1, f1 = fused_laplacian_torch(prep.fused, k)
    monkeypatch.setattr(_fused_torch, "CHUNK_ELEMENTS", 1)
    T2, S2, f2 = fused_laplacian_torch(prep.fused, k)
    assert np.array_equal(f1, f2)
    assert np.all(np.abs(S2 - S1) <= RTOL_S * S1)
    assert np.all(np.abs(T2 - T1) <= RTOL_S * S1)
    ray = prep.complex.rays[0]
    perp = np.array([-ray[1], ray[0]])
    with pytest.raises(se.SingularFrequencyError):
        se.network_fourier(prep, 3.0 * perp, backend="torch")
