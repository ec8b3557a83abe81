"""The torch backend (CPU here; CUDA too where a GPU is present) agrees with numpy."""

from __future__ import annotations

import numpy as np
import pytest

import spectral_exact as se
from spectral_exact.testing import assert_transform_close

torch = pytest.importorskip("torch")  # the torch extra; skipped cleanly without it

DEVICES = ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])


@pytest.mark.parametrize("device", DEVICES)
def test_torch_matches_numpy_on_polytopes_and_nets(device: str) -> None:
    rng = np.random.default_rng(0)
    P = se.Polytope.from_vertices(rng.normal(size=(9, 3)))
    k = np.vstack([rng.normal(size=(40, 3)) * 10, np.zeros((1, 3)), P.A[:1] * 50])
    assert_transform_close(
        se.polytope_fourier(P, k, backend="torch", device=device), se.polytope_fourier(P, k), 1e-12
    )
    net = se.ReLUNetwork.random((2, 8, 8, 1), seed=1)
    box = se.Box([-1, -1], [1, 1])
    k2 = np.vstack([rng.normal(size=(60, 2)) * 30, [[0.0, 0.0], [0.0, 1e-9]]])
    for method in ("regions", "lemma1", "laplacian"):
        kk = k2 if method == "regions" else k2[:60]
        got = se.network_fourier(net, kk, domain=box, method=method, backend="torch", device=device)
        assert_transform_close(got, se.network_fourier(net, kk, domain=box, method=method), 1e-11)
    got = se.network_fourier(net, k2[:60], backend="torch", device=device)
    assert_transform_close(got, se.network_fourier(net, k2[:60]), 1e-11)


def test_bad_backend() -> None:
    net = se.ReLUNetwork.random((2, 4, 1), seed=0)
    with pytest.raises(se.SpectralExactError, match="unknown backend"):
        se.network_fourier(net, [1.0, 2.0], backend="jax")
    with pytest.raises(se.SpectralExactError, match="CPU only"):
        se.network_fourier(net, [1.0, 2.0], backend="numpy", device="cuda")
