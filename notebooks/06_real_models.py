# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 06 — Real models, exactly, on slices through data
#
# A CNN trained on scikit-learn's 8x8 digits (conv, batchnorm, leaky ReLU, max-pool, a
# residual block, dropout) is a continuous piecewise-linear function of its 64 pixels.
# `se.from_torch` compiles it *exactly* into the library's `ReLUNetwork` (no sampling, no
# approximation beyond float64 rounding), and `se.slice_through` restricts it to the plane
# through three test images, where everything is computed exactly:
#
# 1. the linear regions of one logit on the plane,
# 2. the decision boundary between two classes (the zero set of a logit difference),
# 3. the exact 2-D spectrum $F(k) = \int_{box} f(t)\, e^{-i k\cdot t}\, dt$ next to the FFT of
#    samples,
# 4. the number of linear pieces along the straight line between two images.
#
# MNIST works the same way (`spectral-exact slice --data DIR` with the IDX files in `DIR`).
#
# **What this notebook teaches:** that a real convolutional classifier is a ReLU network in
# the sense of Rahaman et al. (2019), Sec. 2 (continuous, piecewise linear, one affine map
# per linear region), so its exact linear regions, decision boundary and Fourier transform
# can be computed on any low-dimensional slice through the data, and compared with what an
# FFT of samples would show.

# %%
import time

import numpy as np
import torch

import spectral_exact as se
from spectral_exact._cli_slice import train_cnn
from spectral_exact.experiments.data import load_digits

torch.set_num_threads(1)
X, y = load_digits()
t0 = time.perf_counter()
model, info = train_cnn(X, y, channels=3, epochs=15, seed=0)
print(model)
print(f"trained in {time.perf_counter() - t0:.1f} s, test accuracy {info['test_accuracy']:.3f}")

# %% [markdown]
# ## Exact compilation
#
# Conv and pooling layers become dense matrices (the identity basis pushed through the float64
# layer), batchnorm (eval) folds into them, leaky ReLU is $\mathrm{relu}(z) - a\,\mathrm{relu}(-z)$,
# and each $2\times 2$ max-pool is a two-round tournament of $\max(a,b) = b +
# \mathrm{relu}(a-b)$: max units are split exactly by the region enumerator. The compiled net
# agrees with the torch model to rounding:

# %%
test = info["test"]
i, j, k = [int(t) for t in test[:3]]
images = X[[i, j, k]]
logit = int(y[i])
net = se.from_torch(model, input_shape=(1, 8, 8), output=logit)
print(net)
xs = X[test[:200]]
with torch.no_grad():
    ref = model(torch.tensor(xs).reshape(-1, 1, 8, 8)).numpy()[:, logit]
print("max |compiled - torch| on 200 test images:", np.abs(net(xs) - ref).max())

# %% [markdown]
# ## Regions and the decision boundary on the plane through three images
#
# In slice coordinates the images sit at $(0,0)$, $(1,0)$, $(0,1)$ (black stars).

# %%
import matplotlib.pyplot as plt

from spectral_exact._cli_slice import _zero_set_segments

box = se.Box([-0.25, -0.25], [1.25, 1.25])
plane = se.slice_through(net, images)
t0 = time.perf_counter()
regs = se.linear_regions(plane, box)
print(f"{len(regs)} exact regions of logit {logit} in {time.perf_counter() - t0:.2f} s")

a, b = int(y[i]), int(y[j])
w = np.zeros(10)
w[[a, b]] = [1.0, -1.0]
diff = se.slice_through(se.from_torch(model, input_shape=(1, 8, 8), output=w), images)
segs = _zero_set_segments(se.linear_regions(diff, box))
print(f"decision boundary {a} | {b}: {len(segs)} exact segments")

fig, ax = plt.subplots(figsize=(5, 5))
se.plotting.plot_regions(regs, ax=ax, linewidth=0.1)
for s in segs:
    ax.plot(s[:, 0], s[:, 1], color="red", lw=1.5)
ax.plot([0, 1, 0], [0, 0, 1], "k*", ms=12)
ax.set_title(f"labels {y[i]}, {y[j]}, {y[k]}; red: boundary {a} | {b}")
plt.show()

# %% [markdown]
# ## The exact spectrum of the logit on the plane, next to the FFT of samples

# %%
n = 16
k_grid, F_fft = se.fft_fourier(plane, box, n=n)
t0 = time.perf_counter()
F_exact = se.network_fourier(plane, k_grid.reshape(-1, 2), domain=box).reshape(n, n)
print(f"exact transform at {n * n} frequencies in {time.perf_counter() - t0:.1f} s")
print("max |FFT - exact| / max |exact| =", np.abs(F_fft - F_exact).max() / np.abs(F_exact).max())
ext = (k_grid[..., 0].min(), k_grid[..., 0].max(), k_grid[..., 1].min(), k_grid[..., 1].max())
fig, axs = plt.subplots(1, 2, figsize=(10, 4))
for axx, vals, title in ((axs[0], F_exact, "exact"), (axs[1], F_fft, "FFT of 16x16 samples")):
    im = axx.imshow(np.log10(np.abs(vals).T + 1e-12), origin="lower", extent=ext)
    axx.set_title(f"log10 |F(k)|, {title}")
    fig.colorbar(im, ax=axx)
plt.show()

# %% [markdown]
# ## Linear pieces along the segment between two images
#
# `linear_regions` returns activation regions; neighbours with the same affine map (a unit
# that switches inside a max-pool window it does not win, say) are one linear piece.
# `se.linear_pieces` merges them: it is the number of pieces of the function itself.

# %%
line = se.slice_through(net, images[:2])
line_regs = se.linear_regions(line, se.Box([0.0], [1.0]))
print(
    f"image {i} -> image {j}: {len(line_regs)} activation regions, "
    f"{se.linear_pieces(line_regs)} linear pieces"
)
t = np.linspace(0, 1, 400)
plt.plot(t, line(t[:, None]))
plt.xlabel("t (0: image i, 1: image j)")
plt.ylabel(f"logit {logit}")
plt.show()

# %% [markdown]
# ## Exercise
#
# Pick two images of the *same* class and two of different classes and compare the number of
# linear pieces along the segment between them. Then plot the exact spectrum of the logit
# difference along the plane's two axes: does its decay look like Theorem 1's
# $|k|^{-2}$ along the normal of the decision boundary?
