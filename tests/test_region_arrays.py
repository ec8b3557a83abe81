"""RegionArrays: the flat-array view of Regions agrees with the Region objects."""

import numpy as np
import pytest

import spectral_exact as se
from spectral_exact._progress import progress


@pytest.mark.parametrize("domain", [se.Box([-1, -1], [1, 1]), None])
def test_region_arrays_match_objects(domain):
    net = se.ReLUNetwork.random((2, 6, 5, 1), seed=3)
    regs = se.linear_regions(net, domain)
    A = regs.arrays
    assert A.n_regions == len(regs)
    for i, r in enumerate(regs):
        P = r.polytope
        v = A.vertices[A.vertex_offset[i] : A.vertex_offset[i + 1]]
        np.testing.assert_array_equal(v, P.vertices)
        np.testing.assert_array_equal(A.facet_A[A.facet_offset[i] : A.facet_offset[i + 1]], P.A)
        np.testing.assert_array_equal(A.weight[i], r.weight)
        assert A.bias[i] == r.bias
        np.testing.assert_array_equal(A.pattern[i], np.concatenate(r.pattern))
    # every incidence pair is a vertex on its facet (independent check from the H-description)
    vi, fj = A.incidence.T
    resid = np.einsum("pd,pd->p", A.vertices[vi], A.facet_A[fj]) - A.facet_b[fj]
    assert np.max(np.abs(resid), initial=0.0) < 1e-9
    # pairs never cross regions
    reg_of_v = np.searchsorted(A.vertex_offset, vi, side="right") - 1
    reg_of_f = np.searchsorted(A.facet_offset, fj, side="right") - 1
    np.testing.assert_array_equal(reg_of_v, reg_of_f)
    if domain is None:
        ri, rf = A.ray_incidence.T
        assert np.max(np.abs(np.einsum("pd,pd->p", A.rays[ri], A.facet_A[rf])), initial=0) < 1e-9


def test_progress_silent_returns_items(monkeypatch):
    monkeypatch.setenv("SPECTRAL_EXACT_PROGRESS", "0")
    bar = progress(range(5), desc="x")
    assert bar.disable
    assert list(bar) == [0, 1, 2, 3, 4]
    assert progress(range(2), enable=True).disable is False
