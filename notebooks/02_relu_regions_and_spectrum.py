# %% [markdown]
# # 02 · Linear regions of a ReLU net and its exact spectrum
#
# **What this notebook teaches.** A ReLU net $f:\mathbb R^2\to\mathbb R$ is affine on each of
# its linear regions. Summing the exact polytope transforms of notebook 01 over the regions
# gives the **exact** Fourier transform of $f$ on a box, with no sampling. We draw the regions,
# put the exact transform next to the FFT of samples, watch the FFT error shrink at the
# predicted rate $O(h^2)$ as the sampling grid is refined, and check **Lemma 1** of the paper,
# including its sign.
#
# Paper: N. Rahaman, A. Baratin, D. Arpit, F. Draxler, M. Lin, F. A. Hamprecht, Y. Bengio, A.
# Courville, *On the Spectral Bias of Neural Networks*, ICML 2019 (arXiv:1806.08734), Sec. 2
# (linear regions; Lemma 1 and its proof). Convention throughout: $\hat f(k) = \int f(x)\, e^{-i
# k\cdot x}\, dx$, $k$ in radians per unit length (the paper's).

# %%
# %matplotlib inline
import matplotlib.pyplot as plt
import numpy as np

import spectral_exact as se

np.set_printoptions(precision=4, suppress=True)
from spectral_exact.plotting import plot_regions

# %% [markdown]
# ## 1. A small 2-D ReLU network and its linear regions
#
# `se.linear_regions(net, domain=box)` enumerates the regions exactly (double description, no
# sampling). Each region has its activation `pattern`, a `polytope`, and the affine map
# `weight @ x + bias` of $f$ on it.

# %%
net = se.ReLUNetwork.random((2, 8, 8, 1), seed=1)
box = se.Box([-1.0, -1.0], [1.0, 1.0])
regions = se.linear_regions(net, domain=box)
print(net)
print("number of regions:", len(regions), "  total area:", regions.total_volume)
r = regions[0]
print(
    "region 0: pattern",
    [p.astype(int) for p in r.pattern],
    "\n          f(x) =",
    r.weight,
    "@ x +",
    round(r.bias, 4),
)

x = np.random.default_rng(0).uniform(-1, 1, size=(2000, 2))
idx = regions.locate(x)
print(
    "max |f(x) - affine piece of its region| over 2000 points:",
    max(abs(net(xi) - regions[i](xi)) for xi, i in zip(x, idx)),
)

fig, axes = plt.subplots(1, 2, figsize=(12, 5))
plot_regions(regions, ax=axes[0])
plot_regions(regions, ax=axes[1], color="value")
plt.show()

# %% [markdown]
# ## 2. The exact transform on a frequency grid, next to the FFT
#
# `se.prepare_network` computes the regions and their face data once; `se.network_fourier`
# then evaluates $\int_{\text{box}} f(x) e^{-ik\cdot x}dx$ at many $k$ in a batch.
# `se.fft_fourier` is the numerical reference: the trapezoidal rule on an $n\times n$ grid,
# evaluated by the FFT on its own frequency grid, in the same convention.

# %%
prep = se.prepare_network(net, box)
k_grid, F_fft = se.fft_fourier(net, box, n=128)
c, h = 64, 20
kb = k_grid[c - h : c + h, c - h : c + h]
F_exact = se.network_fourier(prep, kb)
F_fft_b = F_fft[c - h : c + h, c - h : c + h]
err = np.abs(F_fft_b - F_exact)
print(f"{kb.shape[0] * kb.shape[1]} frequencies, |k_i| <= {np.abs(kb).max():.1f}")
print(
    f"max |FFT - exact| = {err.max():.2e}, "
    f"relative to max|F| = {err.max() / np.abs(F_exact).max():.2e}"
)

ext = (kb[0, 0, 0], kb[-1, 0, 0], kb[0, 0, 1], kb[0, -1, 1])
fig, axes = plt.subplots(1, 3, figsize=(17, 4.5))
for ax, (name, A) in zip(axes, [("exact", F_exact), ("FFT, n = 128", F_fft_b)]):
    im = ax.imshow(np.log10(np.abs(A).T), origin="lower", extent=ext, cmap="magma")
    ax.set_xlabel("$k_1$")
    ax.set_ylabel("$k_2$")
    ax.set_title(f"log10 |F(k)|, {name}")
    fig.colorbar(im, ax=ax)
im = axes[2].imshow(err.T, origin="lower", extent=ext, cmap="viridis")
axes[2].set_title("|FFT - exact|")
fig.colorbar(im, ax=axes[2])
plt.tight_layout()
plt.show()

# %% [markdown]
# ## 3. The FFT error shrinks as the grid is refined
#
# $f$ is continuous and piecewise linear, so the trapezoidal rule at a fixed $k$ converges like
# $O(h^2)$ (the kinks limit it to second order). `se.fft_fourier_at` evaluates the same
# trapezoidal sum at chosen frequencies; the exact transform is the limit.

# %%
k_fix = np.random.default_rng(0).uniform(-12, 12, size=(24, 2))
exact_fix = se.network_fourier(prep, k_fix)
ns = np.array([16, 32, 64, 128, 256, 512])
errs = np.array([np.abs(se.fft_fourier_at(net, box, n, k_fix) - exact_fix).max() for n in ns])
hs = 2.0 / (ns - 1)
order = np.polyfit(np.log(hs), np.log(errs), 1)[0]
for n, e in zip(ns, errs):
    print(f"n = {n:4d}   max error = {e:.3e}")
print(f"fitted order: {order:.2f} (theory: 2)")

fig, ax = plt.subplots(figsize=(5, 4))
ax.loglog(hs, errs, "o-", label=f"measured, order {order:.2f}")
ax.loglog(hs, errs[0] * (hs / hs[0]) ** 2, "k--", lw=0.8, label="$h^2$")
ax.set_xlabel("grid step h")
ax.set_ylabel("max |FFT - exact| at 24 k")
ax.legend()
plt.show()

# %% [markdown]
# ## 4. Lemma 1, and its sign
#
# On all of $\mathbb R^d$ the transform of $f$ is a tempered distribution. Integrating by parts
# on each region $R$ (where $\nabla f = w_R$), the interior boundary terms cancel pairwise
# because $f$ is continuous, and what is left is
#
# $$
# \hat f(k) \;=\; c\,\sum_R \frac{w_R\cdot k}{|k|^2}\; \hat 1_R(k), \qquad k \neq 0,
# $$
#
# which is Lemma 1 of the paper. **Sign.** Under the convention $e^{-ik\cdot x}$ the constant is
# $c = -i$ (the paper prints $+i$, which is right for the opposite convention $e^{+ik\cdot x}$).
# We evaluate the right-hand side term by term from the unbounded regions of $\mathbb R^2$
# (`se.polytope_fourier` handles unbounded polyhedra as tempered distributions), compare with
# `se.network_fourier` on $\mathbb R^2$ and with the independent Laplacian route, and show that
# $c = +i$ gives the negative.

# %%
regions_R = se.linear_regions(net)  # domain=None: all of R^2
print("regions on R^2:", len(regions_R), " bounded:", sum(r.polytope.is_bounded for r in regions_R))
k = np.array([2.3, -1.1])
S = sum((r.weight @ k) / (k @ k) * se.polytope_fourier(r.polytope, k) for r in regions_R)
print("Lemma 1 with c = -i      :", -1j * S)
print("Lemma 1 with c = +i      :", +1j * S)
print("network_fourier (lemma1) :", se.network_fourier(net, k))
print("network_fourier (laplace):", se.network_fourier(net, k, method="laplacian"))

K = np.random.default_rng(2).normal(scale=5, size=(200, 2))
a = se.network_fourier(net, K, method="lemma1")
b = se.network_fourier(net, K, method="laplacian")
print("200 random k, max |lemma1 - laplacian| / max|F|:", np.abs(a - b).max() / np.abs(b).max())

print("\non the box, the three exact routes agree:")
for m in ("regions", "lemma1", "laplacian"):
    print(f"  {m:9s}", se.network_fourier(net, k, domain=box, method=m))

# %% [markdown]
# **The sign by hand.** For $f = \mathrm{ReLU}$ in 1-D, with an Abel factor $e^{-\varepsilon x}$,
# $\int_0^\infty x\,e^{-\varepsilon x} e^{-ikx}\,dx = 1/(\varepsilon + ik)^2 \to -1/k^2$. Lemma 1
# has one region with $w = 1$, $\hat 1_{[0,\infty)}(k) = 1/(ik)$, so
# $c \cdot (k/k^2)\cdot 1/(ik) = -1/k^2$ forces $c = -i$. Numerically:

# %%
from scipy.integrate import quad

relu = se.ReLUNetwork([np.array([[1.0]]), np.array([[1.0]])], [np.zeros(1), np.zeros(1)])
kk = 2.0
for eps in (1e-1, 1e-2, 1e-3):
    re = quad(lambda x, eps=eps: x * np.exp(-eps * x), 0, np.inf, weight="cos", wvar=kk)[0]
    im = -quad(lambda x, eps=eps: x * np.exp(-eps * x), 0, np.inf, weight="sin", wvar=kk)[0]
    print(f"eps = {eps:g}: Abel-damped integral = {re + 1j * im:.6f}")
print("network_fourier(ReLU, k=2) =", se.network_fourier(relu, [kk]), " (-1/k^2 = -0.25)")

# %% [markdown]
# ## Exercise
#
# 1. Double the hidden widths, `(2, 16, 16, 1)`. How does the number of regions change, and
#    the FFT error at $n = 128$? Does the *order* of convergence change? Why not?
# 2. Evaluate the Lemma 1 sum at a $k$ orthogonal to the direction of an unbounded edge of one
#    of `regions_R`. What does `se.network_fourier` say there, and why is that the right
#    answer for a tempered distribution?
