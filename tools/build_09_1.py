#!/usr/bin/env python
"""Write chapters/09.1-convolution.ipynb from the cells below (unexecuted).

    python tools/build_09_1.py && python tools/execute_notebooks.py chapters/09.1-convolution.ipynb

The committed, executed notebook is what readers see; this script only keeps its source
reviewable as plain Python. Edit here, rebuild, re-execute.
"""

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

OUT = Path(__file__).resolve().parent.parent / "chapters" / "09.1-convolution.ipynb"
IGNORE = ["nbval-ignore-output"]

cells = []


def md(text):
    cells.append(new_markdown_cell(text.strip("\n")))


def code(text, tags=()):
    cell = new_code_cell(text.strip("\n"))
    if tags:
        cell.metadata["tags"] = list(tags)
    cells.append(cell)


# ---------------------------------------------------------------------------------------
md(r"""
# 9.1 The convolution operation

A runnable companion to section 9.1 of *Deep Learning* (Goodfellow, Bengio and Courville),
and to the study group's note on it. Every number printed or stated below is computed here
and checked by an `assert`: against a second, independent computation, or against the value
theory expects, within a stated tolerance. The notebook runs top to bottom, offline, in well
under a minute.
""")

code(r"""
import numpy as np
import matplotlib.pyplot as plt
import scipy.signal
import convbook as cb
""")

md(r"""
## Learning goals

- **§9.1, Eqs. 9.1–9.3**: read a convolution $s = x * w$ as a weighted average, and say why
  the weights must form a density (non-negative, total 1) that is zero for negative ages.
- **§9.1, Eqs. 9.4–9.6 and Figure 9.1**: compute 2-D convolution and cross-correlation by
  hand, in a loop and with `convbook`; explain why only convolution commutes; write each
  output of Figure 9.1 as a sum of products with the same loop.
- **§9.1, after Eq. 9.6**: fit a kernel with each operation and see that a learner finds
  the same function either way, with the kernel flipped.
- **§9.1, the matrix view**: build the Toeplitz, doubly block Toeplitz and doubly block
  circulant matrices, and say which padding gives which (an erratum in the book).
- **§9.1 with the study note**: redo the note's MATLAB `filter2`/`conv2` check, and correct
  its remark on even functions: the function that gets flipped must be the even one.
""")

code(r"""
%matplotlib inline
rng = np.random.default_rng(2016)  # one seeded generator for the whole notebook
plt.rcParams.update({"figure.dpi": 100, "font.size": 10, "axes.titlesize": 11})
""")

# ---------------------------------------------------------------------------------------
md(r"""
## 1 The spaceship sensor (Eqs. 9.1 and 9.2)

A laser sensor reports the position $x(t)$ of a spaceship, but every reading is noisy. To
smooth it we average many readings, trusting recent ones more: a reading of age $a$ gets
the weight $w(a)$. The smoothed estimate at time $t$ is

$$s(t) = \int x(a)\, w(t-a)\, da \qquad (9.1)$$

written $s = x * w$ (9.2). Substituting the age $a' = t-a$ gives the same integral as
$\int x(t-a')\,w(a')\,da'$: the reading taken $a'$ seconds ago, times its weight.

Below, "continuous" time is a grid of 10 ms steps and the integral is its Riemann sum
(step × sum). The weight is an exponential density, $w(a) = \lambda e^{-\lambda a}$ for
$a \ge 0$, normalised so that its numerical integral is exactly 1. The readings have noise
of standard deviation 1.5 km, so theory predicts their rms error. For the average it predicts
two parts: the noise that survives the weighting, and a lag, because an average of past
readings trails a moving ship. The asserts compare both predictions with what we measure.
""")

code(r"""
dt = 0.01                                         # grid step (s)
t = np.arange(0, 20, dt)
position = 5 + 0.3 * t + 1.5 * np.sin(0.4 * t)   # where the ship really is (km)
x = position + rng.normal(0.0, 1.5, t.size)      # the noisy readings x(t)

ages = np.arange(0, 3, dt)                        # a >= 0: readings from the past only
rate = 4.0                                        # mean age of the weights: 1/rate = 0.25 s
w = rate * np.exp(-rate * ages)
w /= w.sum() * dt                                 # a density: integral of w = 1


def smooth(x, w, first_age, dt):
    # s(t_i) = sum_j x(t_i - a_j) w(a_j) dt, where the ages are a_j = first_age + j*dt.
    # A 'full' convolution holds every such sum; age 0 sits at index -first_age/dt of w.
    full = cb.convolve1d(x, w, mode="full") * dt
    start = int(round(-first_age / dt))
    return full[start:start + x.size]


s = smooth(x, w, ages[0], dt)

# Eq. 9.1 written out at one time, t = 10 s: the readings of the last 3 s, times weights.
i = 1000
direct = np.sum(x[i - np.arange(ages.size)] * w) * dt
assert np.isclose(s[i], direct, rtol=1e-12, atol=0)
assert np.isclose(w.sum() * dt, 1.0, rtol=1e-12)

# The average keeps a fraction sqrt(sum (w dt)^2) of the noise's standard deviation.
noise_left = 1.5 * np.sqrt(np.sum((w * dt) ** 2))
assert abs(s[i] - position[i]) < 3 * noise_left         # s(10 s) lies within 3 sigma of the truth

steady = t >= 3                                   # skip the start-up (no readings before t = 0)
rms_x = np.sqrt(np.mean((x - position)[steady] ** 2))
rms_s = np.sqrt(np.mean((s - position)[steady] ** 2))
print(f"s({t[i]:.0f} s) = {s[i]:.3f} km from the convolution, {direct:.3f} km from the sum "
      f"(true position {position[i]:.3f} km)")
print(f"rms error of the raw readings: {rms_x:.2f} km; of the weighted average: {rms_s:.2f} km")

# Expected values. Raw: the noise sigma, 1.5 km; its estimate from 1700 samples has a standard
# error of 1.5 / sqrt(2 * 1700) = 0.026 km, so allow 3 of them.
assert abs(rms_x - 1.5) < 3 * 1.5 / np.sqrt(2 * steady.sum())
# Average: the noise left plus the lag bias, which is the average of the noise-free track minus
# the track. The smoothed noise is correlated over ~0.5 s, so 17 s give only ~34 independent
# samples: allow 25 %.
lag = smooth(position, w, ages[0], dt) - position
expected_rms_s = np.sqrt(np.mean(lag[steady] ** 2) + noise_left ** 2)
assert abs(rms_s / expected_rms_s - 1) < 0.25
assert rms_s < rms_x / 4
""")

code(r"""
fig, (ax_w, ax_s) = plt.subplots(1, 2, figsize=(11, 3.4), gridspec_kw={"width_ratios": [1, 2.6]})
ax_w.plot(ages, w, color="C1")
ax_w.fill_between(ages, w, color="C1", alpha=0.3)
ax_w.set(xlabel="age a (s)", ylabel="weight w(a) (1/s)", title="kernel: a density on a ≥ 0")
ax_s.axvspan(0, 3, color="0.9", zorder=0)
ax_s.text(1.5, 15.5, "start-up:\nreadings missing", ha="center", va="center", fontsize=8, color="0.35")
ax_s.plot(t, x, ".", ms=1.5, color="0.6", label="readings x(t)")
ax_s.plot(t, position, color="k", lw=1.2, label="true position")
ax_s.plot(t, s, color="C0", lw=1.5, label="s = x * w")
ax_s.set(xlabel="time t (s)", ylabel="position (km)", title="the weighted average tracks the ship")
ax_s.legend(loc="lower right", fontsize=9)
fig.tight_layout()
""")

md(r"""
### Discrete time (Eq. 9.3)

If the sensor reports once per second, $t$ and $a$ are integers and the integral becomes a
sum, $s(t) = \sum_a x(a)\,w(t-a)$. In the book's words, $x$ is the **input**, $w$ the
**kernel** and $s$ the **feature map**. In a network the kernel's entries are not chosen by
hand as here: they are parameters, set by the learning algorithm. Input and kernel are then
arrays with several axes, which the book calls **tensors**.

The sum runs over all integers, but only finitely many terms are nonzero: readings that were
never taken, and weights we never stored, count as zero. That is also why $s$ starts too low:
near $t = 0$ most of the weight falls on missing readings, counted as zero (the shaded
start-up in the first plot, left out of the rms errors). Below, the loop writes the sum out;
`cb.convolve1d` must agree, and so must a version that embeds the input in a sea of zeros.
""")

code(r"""
xd = x[::100]                          # one reading per second, t = 0, 1, ..., 19
wd = 0.5 ** np.arange(6)               # weights for ages 0..5 s, halving every second
wd /= wd.sum()                         # a discrete density: the weights sum to 1

sd_loop = np.zeros(xd.size)
for n in range(xd.size):               # s(n) = sum_a x(n - a) w(a)
    for a in range(wd.size):
        if n - a >= 0:                 # no reading before t = 0: that term is zero
            sd_loop[n] += xd[n - a] * wd[a]

sd = cb.convolve1d(xd, wd, mode="full")[: xd.size]
assert np.allclose(sd, sd_loop, rtol=1e-12, atol=0)

padded = np.concatenate([np.zeros(50), xd, np.zeros(50)])   # zeros "outside" change nothing
assert np.allclose(cb.convolve1d(padded, wd, mode="full")[50:50 + xd.size], sd, rtol=1e-12, atol=0)
print("loop, convbook and zero-padded sums agree at all", xd.size, "times")

# The start-up: at t = 0 only the newest weight meets a reading, so s(0) = x(0) w(0).
assert sd[0] == xd[0] * wd[0] and np.isclose(s[0], x[0] * w[0] * dt, rtol=1e-12)
print(f"start-up: s(0) = {sd[0]:.2f} km here and {s[0]:.2f} km on the 10 ms grid; "
      f"the reading was {xd[0]:.2f} km")
""")

code(r"""
fig, ax = plt.subplots(figsize=(9, 3))
n = np.arange(xd.size)
ax.plot(n, position[::100], color="k", lw=1, label="true position")
ax.plot(n, xd, "o", color="0.55", ms=5, label="reading x(n)")
ax.plot(n, sd, "s-", color="C0", ms=4, label="s(n) = Σ_a x(n−a) w(a)")
ax.set(xlabel="time n (s)", ylabel="position (km)", title="discrete convolution: one reading per second")
ax.set_xticks(n[::2])
ax.legend(loc="upper left", fontsize=9)
fig.tight_layout()
""")

md(r"""
### Three ways to get the weights wrong

**The weights must integrate to 1.** The average of a constant must be that constant.
Convolution is linear, so a kernel of total weight $c$, that is $c\,w$, returns exactly $c$
times the weighted average: every estimate is off by the factor $c$, however much data
comes in. (The assert below holds by linearity alone, whatever the data.)
""")

code(r"""
fig, ax = plt.subplots(figsize=(9, 3.2))
ax.plot(t, position, color="k", lw=1.2, label="true position")
for c, color in [(0.5, "C3"), (1.0, "C0"), (2.0, "C2")]:
    s_c = smooth(x, c * w, ages[0], dt)
    ratio = np.mean(s_c[steady]) / np.mean(s[steady])
    assert np.isclose(ratio, c, rtol=1e-12)       # linearity: x * (c w) = c (x * w)
    ax.plot(t, s_c, color=color, lw=1.4, label=f"∫w = {c:g}: estimates × {ratio:.2f}")
ax.set(xlabel="time t (s)", ylabel="position (km)", title="a kernel that is not a density biases s")
ax.legend(loc="upper left", fontsize=9)
fig.tight_layout()
""")

md(r"""
**The weights must be non-negative.** With $w \ge 0$ and total weight 1, $s(t)$ is a true
average: it stays within the range of the readings it weighs. A kernel with a negative lobe
can still integrate to 1, for instance $w_- = 2\,w - w_{\text{slow}}$, where $w_{\text{slow}}$
is an exponential density that decays at a rate of 1/s instead of 4/s. Then $s$ is no
longer an average. Below, the ship jumps from 10 to 14 km at $t = 10$ s, without noise:
every reading lies between 10 and 14 km, yet $w_-$ carries the estimate past 15 km. On the
noisy readings of the first plot, $w_-$ also lets more noise through than $w$.
""")

code(r"""
jump = np.where(t < 10, 10.0, 14.0)                   # the ship jumps 4 km at t = 10 s
w_slow = np.exp(-ages)
w_slow /= w_slow.sum() * dt                           # a density, decay rate 1/s
w_neg = 2 * w - w_slow                                # integrates to 2 - 1 = 1 ...
assert np.isclose(w_neg.sum() * dt, 1.0, rtol=1e-12) and w_neg.min() < -0.2   # ... with a negative lobe

step_w, step_neg = smooth(jump, w, ages[0], dt), smooth(jump, w_neg, ages[0], dt)
# After the start-up, every window holds readings of 10 and 14 km only. The average stays
# between them; w_neg overshoots. Its peak is 10 + 4 x (largest cumulative weight of w_neg):
# the estimate k steps after the jump gives 14 km the weight of the ages 0..k.
assert 10 - 1e-9 <= step_w[steady].min() and step_w[steady].max() <= 14 + 1e-9
assert np.isclose(step_neg.max(), 10 + 4 * np.max(np.cumsum(w_neg) * dt), rtol=1e-12)
assert step_neg.max() > 15

s_neg = smooth(x, w_neg, ages[0], dt)                 # the noisy readings of the first plot
rms_neg = np.sqrt(np.mean((s_neg - position)[steady] ** 2))
noise_left_neg = 1.5 * np.sqrt(np.sum((w_neg * dt) ** 2))
lag_neg = smooth(position, w_neg, ages[0], dt) - position
expected_rms_neg = np.sqrt(np.mean(lag_neg[steady] ** 2) + noise_left_neg ** 2)
assert abs(rms_neg / expected_rms_neg - 1) < 0.25        # the same theory as for w, same tolerance
assert noise_left_neg > 1.5 * noise_left and rms_neg > 1.5 * rms_s
print(f"readings 10 to 14 km; estimate with w: {step_w[steady].min():.2f} to {step_w[steady].max():.2f} km, "
      f"with w_neg: up to {step_neg.max():.2f} km")
print(f"noise left: {noise_left:.2f} km with w, {noise_left_neg:.2f} km with w_neg; "
      f"rms error {rms_s:.2f} km vs {rms_neg:.2f} km")
""")

code(r"""
fig, (ax_w, ax_s) = plt.subplots(1, 2, figsize=(11, 3.4), gridspec_kw={"width_ratios": [1, 2.6]})
ax_w.axhline(0, color="k", lw=0.6)
ax_w.plot(ages, w, color="C0", label="w (density)")
ax_w.plot(ages, w_neg, color="C3", label="w_neg = 2w − w_slow")
ax_w.fill_between(ages, w_neg, 0, where=w_neg < 0, color="C3", alpha=0.3)
ax_w.set(xlabel="age a (s)", ylabel="weight (1/s)", title="both integrate to 1")
ax_w.legend(fontsize=9)
window = (t > 8) & (t < 14)
ax_s.axhspan(10, 14, color="0.92", zorder=0)
ax_s.text(8.1, 13.6, "range of the readings", fontsize=8, color="0.35")
ax_s.plot(t[window], jump[window], color="k", lw=1.2, label="true position = readings (no noise)")
ax_s.plot(t[window], step_w[window], color="C0", lw=1.5, label="w: an average")
ax_s.plot(t[window], step_neg[window], color="C3", lw=1.5, label="w_neg: overshoots")
ax_s.set(xlabel="time t (s)", ylabel="position (km)", ylim=(9.5, 16),
         title="negative weights: the estimate leaves the range of the readings")
ax_s.legend(loc="lower right", fontsize=9)
fig.tight_layout()
""")

md(r"""
**The weights must be zero for negative ages.** A reading of negative age is one that has
not been taken yet. Give the kernel weight there, for instance a two-sided exponential
$w(a) = \tfrac{\lambda}{2}e^{-\lambda|a|}$, and the "estimate" at time $t$ uses the future.
Below, the ship makes the same 4 km jump, now with noisy readings. The causal average starts
to move only after the jump; the two-sided one moves before it. A second test makes it exact:
at $t = 9.5$ s the later readings are unknown, so replace each by the last reading known then,
and recompute. The causal estimate up to 9.5 s does not change at all; the two-sided one
changes, and any change proves that it used the future. (Filling with zeros would also work,
but the change would then mostly measure the fake drop to 0 km.)
""")

code(r"""
x_jump = jump + rng.normal(0.0, 1.5, t.size)

ages2 = np.arange(-300, 301) * dt                     # ages from -3 s (future) to +3 s (past)
w2 = 0.5 * rate * np.exp(-rate * np.abs(ages2))
w2 /= w2.sum() * dt                                   # still a density, but two-sided (and even)

causal, two_sided = smooth(x_jump, w, ages[0], dt), smooth(x_jump, w2, ages2[0], dt)


def as_known_at(x, now):
    # The readings as known at index `now`: each later one replaced by the last known reading.
    known = x.copy()
    known[now + 1:] = x[now]
    return known


now = np.searchsorted(t, 9.5)                         # index of t = 9.5 s
known = as_known_at(x_jump, now)
causal_now, two_sided_now = smooth(known, w, ages[0], dt), smooth(known, w2, ages2[0], dt)
change_causal = np.max(np.abs(causal_now[:now + 1] - causal[:now + 1]))
change = np.abs(two_sided_now[:now + 1] - two_sided[:now + 1])
where = int(np.argmax(change))
print(f"hiding the future changes the causal estimate by {change_causal:.1e} km, "
      f"the two-sided one by up to {change[where]:.2f} km (at t = {t[where]:.2f} s)")
assert change_causal == 0.0 and change[where] > 0.05
# The same change, summed directly: only the hidden readings (index k > now) differ, each
# weighted by w2 at its (negative) age, index 300 + (where - k) of w2.
hidden = np.arange(now + 1, min(t.size, where + 301))
direct = dt * np.sum((known[hidden] - x_jump[hidden]) * w2[300 + where - hidden])
assert np.isclose(two_sided_now[where] - two_sided[where], direct, rtol=1e-9)

# Without noise the anticipation is plain: 0.2 s before the jump the two-sided estimate
# has already moved, while the causal one sits exactly on 10 km. The move is 4 km times the
# weight w2 puts on ages of -0.2 s and less (indices 0..280 of w2): about 4 x e^(-0.8) / 2.
clean_two_sided = smooth(jump, w2, ages2[0], dt)
before = np.searchsorted(t, 9.8)
print(f"at t = 9.8 s, noise-free: causal {step_w[before]:.3f} km, "
      f"two-sided {clean_two_sided[before]:.3f} km (truth 10 km)")
assert np.isclose(step_w[before], 10.0, rtol=1e-12)
assert np.isclose(clean_two_sided[before], 10 + 4 * w2[:281].sum() * dt, rtol=1e-12)
assert abs(clean_two_sided[before] - (10 + 2 * np.exp(-0.8))) < 0.05      # the continuous value
""")

code(r"""
fig, (ax_w, ax_s) = plt.subplots(1, 2, figsize=(11, 3.4), gridspec_kw={"width_ratios": [1, 2.6]})
ax_w.plot(np.r_[-3.0, 0.0, ages], np.r_[0.0, 0.0, w], color="C0", label="causal")
ax_w.plot(ages2, w2, color="C3", label="two-sided")
ax_w.axvspan(-3, 0, color="C3", alpha=0.08)
ax_w.text(-2.9, 0.92 * w.max(), "the future", color="C3", fontsize=9)
ax_w.set(xlabel="age a (s)", ylabel="weight w(a) (1/s)", title="kernels")
ax_w.legend(fontsize=9)
window = (t > 7) & (t < 13)
ax_s.plot(t[window], x_jump[window], ".", ms=1.5, color="0.6", label="readings")
ax_s.plot(t[window], jump[window], color="k", lw=1.2, label="true position")
ax_s.plot(t[window], causal[window], color="C0", lw=1.5, label="causal w")
ax_s.plot(t[window], two_sided[window], color="C3", lw=1.5, label="two-sided w")
ax_s.axvline(10, color="k", ls=":", lw=1)
ax_s.set(xlabel="time t (s)", ylabel="position (km)", title="a kernel on negative ages reacts before the jump")
ax_s.legend(loc="upper left", fontsize=9)
fig.tight_layout()
""")

# ---------------------------------------------------------------------------------------
md(r"""
## 2 Widget: sliding and flipping in 1-D

In Eq. 9.1 the kernel appears as $w(t-a)$: as a function of the reading time $a$ it is
**flipped** (the newest reading, $a = t$, gets $w(0)$) and **shifted** to end at $t$. Moving
$t$ slides the flipped kernel along the input; $s(t)$ is the area under the product. Here the
sensor reports once per second (Eq. 9.3), and the hatched band before $a = 0$ marks the
missing readings behind the start-up. The figure shows the default setting. In a live notebook the `t` slider below it moves $t$, and
the `decay` slider sets how fast the weights fall with age: near 1 the average reaches far
back and is smoother, but lags more.
""")

code(r"""
cb.widgets.sliding_figure()
""")

code(r"""
sliding = cb.widgets.sliding_demo()
sliding.widget
""", IGNORE)

code(r"""
# A fresh copy, driven from code (the widget above keeps the reader's settings). Its s(t) must
# be the sum of Eq. 9.3 written out: s(t) = sum over ages a of x(t - a) w(a).
check_app = cb.widgets.sliding_demo()
check_app.controls["t"].value = 45
state = check_app.state
s_t, used = 0.0, 0
for age in range(state["w"].size):
    if state["t"] - age >= 0:                      # a reading exists at time t - age
        s_t += state["x"][state["t"] - age] * state["w"][age]
        used += 1
assert np.isclose(state["s_t"], s_t, rtol=1e-12)
print(f"t = {state['t']} s: s(t) = {state['s_t']:.4f} km from the widget, {s_t:.4f} km from the "
      f"loop over {used} ages")
""")

# ---------------------------------------------------------------------------------------
md(r"""
## 3 Discrete 2-D convolution (Eqs. 9.4–9.6)

For an image $I$ and a 2-D kernel $K$,

$$S(i,j) = (I * K)(i,j) = \sum_m \sum_n I(m,n)\,K(i-m,\,j-n) \qquad (9.4)$$

and, substituting $m \to i-m$, $n \to j-n$,

$$S(i,j) = (K * I)(i,j) = \sum_m \sum_n I(i-m,\,j-n)\,K(m,n). \qquad (9.5)$$

The two sums hold the same products, so convolution **commutes**: $I * K = K * I$. It works
because one of the two indices runs backwards: the kernel is flipped relative to the input.
The two loops below transcribe each equation over every $(i,j)$ where some product is
nonzero (SciPy's `mode="full"`). Code uses the form of Eq. 9.5: its inner loops run over the
small kernel only, while those of Eq. 9.4 run over the whole image and skip most terms.
""")

code(r"""
I = rng.integers(0, 10, size=(4, 5)).astype(float)
K = np.array([[1.0, 2.0, 0.0],
              [0.0, -1.0, 3.0]])                      # no symmetry, so a flip shows


def conv_eq_9_4(I, K):
    H, W = I.shape
    kh, kw = K.shape
    S = np.zeros((H + kh - 1, W + kw - 1))
    for i in range(S.shape[0]):
        for j in range(S.shape[1]):
            for m in range(H):                     # over the whole image: H*W terms per output,
                for n in range(W):                 # of which at most kh*kw are inside K
                    if 0 <= i - m < kh and 0 <= j - n < kw:
                        S[i, j] += I[m, n] * K[i - m, j - n]
    return S


def conv_eq_9_5(I, K):
    H, W = I.shape
    kh, kw = K.shape
    S = np.zeros((H + kh - 1, W + kw - 1))
    for i in range(S.shape[0]):
        for j in range(S.shape[1]):
            for m in range(kh):                    # over the small kernel only: kh*kw terms,
                for n in range(kw):                # the form libraries implement
                    if 0 <= i - m < H and 0 <= j - n < W:
                        S[i, j] += I[i - m, j - n] * K[m, n]
    return S


full = cb.convolve2d(I, K, mode="full")
assert np.allclose(conv_eq_9_4(I, K), full, rtol=1e-12, atol=0)
assert np.allclose(conv_eq_9_5(I, K), full, rtol=1e-12, atol=0)
assert np.allclose(cb.convolve2d(K, I, mode="full"), full, rtol=1e-12, atol=0)   # I * K = K * I
print("I * K (mode='full'), equal to K * I:")
print(full)
""")

md(r"""
Figure 9.1, and convbook's default, keep only the outputs where the kernel lies wholly
inside the image, `mode="valid"`. They are the central block of the full result. Most
libraries compute the **cross-correlation** instead, the same sum without the flip:

$$S(i,j) = (I \star K)(i,j) = \sum_m \sum_n I(i+m,\,j+n)\,K(m,n) \qquad (9.6)$$

The symbol $\star$ is this notebook's: the book writes Eq. 9.6 as $(K * I)(i,j)$, keeping
the convolution symbol, and like most libraries it still calls the operation convolution.
Convolution is cross-correlation with the kernel turned 180°. Cross-correlation does not
commute: swapping its arguments turns the result by 180°.

The loop for Eq. 9.6 below takes the multiplication and the summation as arguments. With
numbers it computes $S$; section 4 hands it strings and gets Figure 9.1.
""")

code(r"""
def corr_eq_9_6(I, K, product=lambda i, k: i * k, total=sum):
    # 'valid' Eq. 9.6: S(i, j) = total over (m, n) of product(I(i+m, j+n), K(m, n)).
    H, W = I.shape
    kh, kw = K.shape
    S = [[total([product(I[i + m, j + n], K[m, n]) for m in range(kh) for n in range(kw)])
          for j in range(W - kw + 1)]
         for i in range(H - kh + 1)]
    return np.array(S)


kh, kw = K.shape
valid = cb.convolve2d(I, K)                                       # mode="valid"
assert np.allclose(valid, full[kh - 1:I.shape[0], kw - 1:I.shape[1]], rtol=1e-12, atol=0)
assert np.allclose(cb.correlate2d(I, K), corr_eq_9_6(I, K), rtol=1e-12, atol=0)
assert np.allclose(valid, cb.correlate2d(I, np.rot90(K, 2)), rtol=1e-12, atol=0)  # flip = conv

corr_IK, corr_KI = cb.correlate2d(I, K, mode="full"), cb.correlate2d(K, I, mode="full")
assert not np.allclose(corr_IK, corr_KI)                          # no commutativity...
assert np.allclose(corr_KI, np.rot90(corr_IK, 2), rtol=1e-12, atol=0)  # ...only a 180° turn
print("convolution (valid):\n", valid)
print("cross-correlation (valid):\n", cb.correlate2d(I, K))
""")

# ---------------------------------------------------------------------------------------
md(r"""
## 4 Figure 9.1, regenerated from the indexing code

The book's Figure 9.1 shows a "valid" cross-correlation of a 3×4 input with entries
$a,\dots,l$ and a 2×2 kernel $w, x, y, z$. Rather than typing its six sums, we let the loop
of Eq. 9.6 write them: `corr_eq_9_6` from section 3, with the product of two entries
replaced by writing them side by side (`"a" + "w"` is `"aw"`) and the sum replaced by joining
with `" + "`. The loop that computed numbers in section 3 now writes the figure; we check
that the strings, given numbers, evaluate to `cb.correlate2d`.

*(check)* Our drawing is a reading of the printed figure, redrawn for illustration. What
we assert is the property the figure shows: every 2×2 window of the input is used exactly
once, so "valid" gives 2×3 outputs, and the first one reads $aw + bx + ey + fz$.
""")

code(r"""
letters = np.array(list("abcdefghijkl")).reshape(3, 4)
kernel_letters = np.array([["w", "x"], ["y", "z"]])

S_sym = corr_eq_9_6(letters, kernel_letters, product=lambda i, k: i + k, total=" + ".join)
print(S_sym)
assert S_sym.shape == (2, 3) and S_sym[0, 0] == "aw + bx + ey + fz"
windows = [{term[0] for term in entry.split(" + ")} for entry in S_sym.ravel()]
assert len({frozenset(win) for win in windows}) == 6 and all(len(win) == 4 for win in windows)

# Give the letters numbers, evaluate the strings, and compare with the library.
I_num = np.arange(1.0, 13.0).reshape(3, 4)
K_num = np.array([[2.0, -1.0], [0.5, 3.0]])
value = {**dict(zip(letters.ravel(), I_num.ravel())), **dict(zip(kernel_letters.ravel(), K_num.ravel()))}
evaluated = np.array([[sum(value[term[0]] * value[term[1]] for term in entry.split(" + "))
                       for entry in row] for row in S_sym])
assert np.allclose(evaluated, cb.correlate2d(I_num, K_num), rtol=1e-12, atol=0)
assert np.allclose(corr_eq_9_6(I_num, K_num), evaluated, rtol=1e-12, atol=0)   # same loop, numbers
print("the six sums, evaluated:", evaluated.ravel(), "= cb.correlate2d")
""")

code(r"""
from matplotlib.patches import Rectangle


def grid(ax, labels, title, highlight=None, fontsize=12, cell=(1.0, 1.0)):
    rows, cols = labels.shape
    cw, ch = cell
    for r in range(rows):
        for c in range(cols):
            on = highlight is not None and (r, c) in highlight
            ax.add_patch(Rectangle((c * cw, -(r + 1) * ch), cw, ch, facecolor="#ffd8a8" if on else "white",
                                   edgecolor="k", lw=1))
            ax.text((c + 0.5) * cw, -(r + 0.5) * ch, labels[r, c], ha="center", va="center", fontsize=fontsize)
    ax.set_xlim(-0.1, cols * cw + 0.1)
    ax.set_ylim(-rows * ch - 0.1, 0.1)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title(title)


fig, axes = plt.subplots(1, 3, figsize=(12, 3.0), gridspec_kw={"width_ratios": [4, 2.2, 9]})
grid(axes[0], letters, "input (3×4)", highlight={(0, 0), (0, 1), (1, 0), (1, 1)})
grid(axes[1], kernel_letters, "kernel (2×2)")
grid(axes[2], S_sym, "output, mode='valid' (2×3)", highlight={(0, 0)}, fontsize=10, cell=(3.0, 1.0))
fig.suptitle("Figure 9.1 regenerated: cross-correlation, no kernel flip", y=1.02)
fig.tight_layout()
""")

# ---------------------------------------------------------------------------------------
md(r"""
## 5 Widget: the flip

The main widget of the chapter. Choose an output position with the `row` and `col` sliders
(counted from 0 in the output array, row 0 at the top), switch between convolution (kernel
flipped) and cross-correlation, and between the modes valid, same and full. The highlighted
window on the input holds the kernel as it is applied; the products and their sum are
written out. The static figure shows the default setting, output position (0, 0).
""")

code(r"""
cb.widgets.flip_figure()
""")

code(r"""
flip = cb.widgets.flip_demo()
flip.widget
""", IGNORE)

code(r"""
# A fresh copy, driven from code (the widget above keeps the reader's settings). In every
# setting of its toggles the output grid is the library's, and at the last output position
# the sum written out is that entry of the grid.
check_flip = cb.widgets.flip_demo()
for operation, library in [("convolution", cb.convolve2d), ("cross-correlation", cb.correlate2d)]:
    check_flip.controls["operation"].value = operation
    for mode in ("valid", "same", "full"):
        check_flip.controls["mode"].value = mode
        expected = library(check_flip.state["image"], check_flip.state["kernel"], mode)
        last = (expected.shape[0] - 1, expected.shape[1] - 1)
        check_flip.controls["row"].value, check_flip.controls["col"].value = last
        state = check_flip.state
        assert np.allclose(state["output_map"], expected, rtol=1e-12, atol=1e-12)
        assert state["position"] == last
        assert np.isclose(state["output"], state["products"].sum(), rtol=1e-12)
        assert np.isclose(state["output"], expected[last], rtol=1e-12, atol=1e-12)
print("the widget agrees with cb.convolve2d / cb.correlate2d in all 6 settings, "
      "at the last output position too")
""")

# ---------------------------------------------------------------------------------------
md(r"""
## 6 A learner finds the flipped kernel

Suppose some unknown filter made 20 input/output pairs of 8×8 images (plus a little noise
of standard deviation 0.01), and a model learns its 3×3 kernel by least squares. The output
is linear in the kernel: with $E_{mn}$ the one-hot kernel (1 at $(m,n)$, 0 elsewhere),

$$S = \sum_{m,n} K(m,n)\,\mathrm{op}(I, E_{mn}),$$

where op is convolution or cross-correlation. So column $(m,n)$ of the design matrix is
$\mathrm{op}(I, E_{mn})$, flattened over all 20 images, and fitting is one `lstsq` call
(least squares: 20×36 = 720 equations, 9 unknowns). We fit twice, once with each operation.
Both fit the data equally well, and the two kernels are each other turned 180°: the
learner simply learns the kernel in whichever orientation its operation expects. The book
adds that convolution is rarely used on its own in a network; it is combined with other
learned functions, and then whether the kernel is flipped makes no difference to what the
whole can learn.
""")

code(r"""
K_true = np.array([[1.0, 2.0, 0.0],
                   [0.0, 0.0, -1.0],
                   [3.0, 0.0, 0.5]])
X = rng.standard_normal((20, 8, 8))
Y = np.stack([cb.convolve2d(image, K_true) for image in X]) + 0.01 * rng.standard_normal((20, 6, 6))


def fit_kernel(operation, X, Y, shape):
    columns = []
    for m in range(shape[0]):
        for n in range(shape[1]):
            E = np.zeros(shape)
            E[m, n] = 1.0
            columns.append(np.concatenate([operation(image, E).ravel() for image in X]))
    A = np.stack(columns, axis=1)
    k, residual, *_ = np.linalg.lstsq(A, Y.ravel(), rcond=None)
    return k.reshape(shape), float(residual[0])


K_conv, res_conv = fit_kernel(cb.convolve2d, X, Y, K_true.shape)
K_corr, res_corr = fit_kernel(cb.correlate2d, X, Y, K_true.shape)
assert np.allclose(K_corr, np.rot90(K_conv, 2), rtol=0, atol=1e-10)    # one is the other, flipped
assert np.isclose(res_conv, res_corr, rtol=1e-8)                         # and they fit equally well
assert np.max(np.abs(K_conv - K_true)) < 0.005                           # noise 0.01 moves it little,
assert np.array_equal(K_conv.round(2), K_true)                           # so the printout is K_true
# With 720 equations and 9 unknowns, the residual sum of squares is expected to be
# (720 - 9) x 0.01^2 = 0.0711, with a standard deviation of sqrt(2 x 711) x 0.01^2 = 0.0038.
n_eq, n_unknown = Y.size, K_true.size
assert (n_eq, n_unknown) == (720, 9)
expected_res = (n_eq - n_unknown) * 0.01 ** 2
assert abs(res_conv - expected_res) < 4 * np.sqrt(2 * (n_eq - n_unknown)) * 0.01 ** 2
print("fitted with convolution:\n", K_conv.round(2) + 0.0)          # + 0.0 turns -0.0 into 0.0
print("fitted with cross-correlation:\n", K_corr.round(2) + 0.0)
print(f"sum of squared residuals: {res_conv:.4f} (convolution), {res_corr:.4f} (cross-correlation); "
      f"expected {expected_res:.4f}")
""")

code(r"""
fig, axes = plt.subplots(1, 3, figsize=(10, 3.3))
for ax, kernel, title in zip(axes, [K_true, K_conv, K_corr],
                             ["kernel that made the data", "learned, model uses convolution",
                              "learned, model uses cross-correlation"]):
    ax.imshow(kernel, cmap="RdBu_r", vmin=-3, vmax=3)
    for (r, c), v in np.ndenumerate(kernel):
        ax.text(c, r, f"{np.round(v, 2) + 0.0:.2f}", ha="center", va="center", fontsize=10,
                color="w" if abs(v) > 2 else "k")
    ax.set_title(title, fontsize=10)
    ax.set(xticks=range(3), yticks=range(3), xlabel="n", ylabel="m")
fig.tight_layout()
""")

# ---------------------------------------------------------------------------------------
md(r"""
## 7 The matrix view

A convolution is linear, so it is a matrix product: `M @ x.ravel()` with $M$ from
`cb.conv_matrix` (which builds the cross-correlation matrix; pass the kernel turned 180°
for a convolution). The structure of $M$ is the point:

- in 1-D every diagonal of $M$ is constant: a **Toeplitz** matrix;
- in 2-D with zero padding, $M$ is made of blocks arranged in a Toeplitz pattern, and each
  block is itself Toeplitz: **doubly block Toeplitz**;
- with circular (wrap-around) padding, the blocks and the pattern are **circulant**: each
  row is the row above it rotated by one.

In the pictures each entry is coloured by the kernel entry it holds (the tied weights) and
white marks a structural zero. The kernel is again a set of distinct codes, so the colours
come straight from the matrix: in 1-D a kernel $(p, q, r)$ coded 1, 2, 3, in 2-D a 3×3
kernel coded 1 to 9.

First, Figure 9.1 once more. Built from the codes 1, 2, 3, 4 for $w, x, y, z$, row $r$ of
$M$ says which input (column) meets which kernel entry (value) in output $r$. Reading the
rows off must give the six strings that the loop of section 4 wrote.
""")

code(r"""
from matplotlib.colors import ListedColormap


def is_toeplitz(A):                       # constant along every diagonal
    return np.array_equal(A[1:, 1:], A[:-1, :-1])


def is_circulant(A):                      # each row is the one above, rotated right by one
    return A.shape[0] == A.shape[1] and np.array_equal(A[1:], np.roll(A[:-1], 1, axis=1))


def block_grid(A, r, c):                  # (P, Q, r, c): the r-by-c blocks of A
    return A.reshape(A.shape[0] // r, r, A.shape[1] // c, c).transpose(0, 2, 1, 3)


def is_doubly_block_toeplitz(A, r, c):
    B = block_grid(A, r, c)
    return np.array_equal(B[1:, 1:], B[:-1, :-1]) and all(is_toeplitz(b) for b in B.reshape(-1, r, c))


def is_doubly_block_circulant(A, r, c):
    B = block_grid(A, r, c)
    return (B.shape[0] == B.shape[1] and np.array_equal(B[1:], np.roll(B[:-1], 1, axis=1))
            and all(is_circulant(b) for b in B.reshape(-1, r, c)))


def text_colour(rgba):
    # Black or white, whichever contrasts more with the cell (WCAG relative luminance).
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgba[:3]]
    lum = 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
    return "k" if (lum + 0.05) / 0.05 >= 1.05 / (lum + 0.05) else "w"


def show_tied(ax, M, n_codes, title, blocks=None, labels=("input index", "output index")):
    colours = [plt.cm.tab10(k) for k in range(n_codes)]
    cmap = ListedColormap(["white"] + colours)
    ax.imshow(M, cmap=cmap, vmin=-0.5, vmax=n_codes + 0.5)
    ax.set_xticks(np.arange(-0.5, M.shape[1], 1), minor=True)
    ax.set_yticks(np.arange(-0.5, M.shape[0], 1), minor=True)
    ax.grid(which="minor", color="0.85", lw=0.5)
    ax.tick_params(which="minor", length=0)
    if blocks:
        for y in np.arange(-0.5, M.shape[0], blocks[0]):
            ax.axhline(y, color="k", lw=1)
        for x in np.arange(-0.5, M.shape[1], blocks[1]):
            ax.axvline(x, color="k", lw=1)
    for (r, c), v in np.ndenumerate(M):
        if v:
            ax.text(c, r, int(v), ha="center", va="center", fontsize=8,
                    color=text_colour(colours[int(v) - 1]))
    ax.set(title=title, xlabel=labels[0], ylabel=labels[1])


def symbolic(kernel_codes, input_letters, k_letters, mode="valid"):
    # Figure 9.1 read off conv_matrix: each output is the sum of input letter x kernel letter
    # over the nonzeros of its row (kernel code c stands for the c-th kernel letter).
    M = cb.conv_matrix(kernel_codes, input_letters.shape, mode)
    out_shape = cb.correlate2d(np.zeros(input_letters.shape), kernel_codes, mode).shape
    sums = [" + ".join(f"{input_letters.flat[c]}{k_letters.flat[int(row[c]) - 1]}"
                       for c in np.flatnonzero(row))
            for row in M]
    return np.array(sums).reshape(out_shape)


codes = np.arange(1.0, 5.0).reshape(2, 2)                 # w=1, x=2, y=3, z=4
assert np.array_equal(symbolic(codes, letters, kernel_letters), S_sym)
print("conv_matrix rows read as letters = the strings of section 4:", S_sym[0, 0], "...")
""")

code(r"""
k_codes = np.array([1.0, 2.0, 3.0])                       # kernel entries p, q, r
T = cb.conv_matrix(k_codes, (8,))                         # 1-D, mode 'valid': 6 x 8
assert T.shape == (6, 8) and is_toeplitz(T)

x8, k3 = rng.standard_normal(8), np.array([0.5, -1.0, 2.0])
assert np.allclose(cb.conv_matrix(k3, (8,)) @ x8, cb.correlate1d(x8, k3), rtol=1e-12, atol=1e-12)
assert np.allclose(cb.conv_matrix(k3[::-1], (8,)) @ x8, cb.convolve1d(x8, k3), rtol=1e-12, atol=1e-12)
nnz = np.count_nonzero(T)
assert nnz == 6 * 3 and np.unique(T[T != 0]).size == 3
print(f"1-D Toeplitz matrix {T.shape}: {nnz} nonzeros of {T.size}, only 3 distinct values (tied)")

fig, ax = plt.subplots(figsize=(5, 3.8))
show_tied(ax, T, 3, "1-D, valid: Toeplitz (codes 1, 2, 3 = p, q, r)")
ax.set(xticks=range(8), yticks=range(6))
fig.tight_layout()
""")

code(r"""
K9 = np.arange(1.0, 10.0).reshape(3, 3)                   # nine distinct kernel codes
zero = cb.conv_matrix(K9, (4, 4), "same", boundary="fill")
wrap = cb.conv_matrix(K9, (4, 4), "same", boundary="wrap")



def pairs(n):            # (output, input) pairs within one step of each other along one axis
    return sum(min(i + 1, n - 1) - max(i - 1, 0) + 1 for i in range(n))


x44 = rng.standard_normal((4, 4))
K_rand = rng.standard_normal((3, 3))
for boundary in ("fill", "wrap"):
    M = cb.conv_matrix(K_rand, (4, 4), "same", boundary=boundary)
    assert np.allclose(M @ x44.ravel(), cb.correlate2d(x44, K_rand, "same", boundary).ravel(),
                       rtol=1e-12, atol=1e-12)

# Rows come in blocks of 4 outputs (one output row), columns in blocks of 4 inputs (one input row).
assert is_doubly_block_toeplitz(zero, 4, 4) and not is_doubly_block_circulant(zero, 4, 4)
assert is_doubly_block_circulant(wrap, 4, 4)
print(f"zero padding: {np.count_nonzero(zero)} nonzeros of {zero.size}; "
      f"wrap: {np.count_nonzero(wrap)} of {wrap.size} (every output sees all 9 kernel entries)")
assert np.count_nonzero(zero) == pairs(4) ** 2 and np.count_nonzero(wrap) == 16 * 9

# The valid matrix of Figure 9.1 is doubly block Toeplitz too (blocks: 3 outputs x 4 inputs).
assert is_doubly_block_toeplitz(cb.conv_matrix(codes, (3, 4)), 3, 4)
""")

md(r"""
In the 2-D pictures the 4×4 image is flattened row by row: input pixel $(r, c)$ is column
$4r + c$ of $M$ and output pixel $(i, j)$ is row $4i + j$. The black lines cut $M$ into 4×4
blocks, one for each pair (output row $i$, input row $r$).
""")

code(r"""
fig, axes = plt.subplots(1, 3, figsize=(13, 4.8), gridspec_kw={"width_ratios": [1.5, 3, 3]})
show_tied(axes[0], K9, 9, "kernel codes", labels=("n", "m"))
axes[0].set(xticks=range(3), yticks=range(3))
pixel_labels = ("input pixel 4r + c", "output pixel 4i + j")
show_tied(axes[1], zero, 9, "zero padding ('same'):\ndoubly block Toeplitz", blocks=(4, 4), labels=pixel_labels)
show_tied(axes[2], wrap, 9, "wrap-around padding ('same'):\ndoubly block circulant", blocks=(4, 4),
          labels=pixel_labels)
for ax in axes[1:]:
    ax.set(xticks=range(0, 16, 4), yticks=range(0, 16, 4))
fig.tight_layout()
""")

md(r"""
The matrix is **sparse** and its nonzeros are **tied**: on a 28×28 image with a 3×3 kernel
($784$ inputs, $784$ outputs) only the pairs within one pixel of each other in both
directions are nonzero, and those nonzeros take just nine different values.
""")

code(r"""
image28 = rng.standard_normal((28, 28))
K3 = rng.standard_normal((3, 3))
M28 = cb.conv_matrix(K3, image28.shape, "same", sparse=True)
assert np.allclose(M28 @ image28.ravel(), cb.correlate2d(image28, K3, "same").ravel(), rtol=1e-12, atol=1e-12)

nnz = M28.count_nonzero()
assert nnz == pairs(28) ** 2
assert np.unique(M28.data[M28.data != 0]).size == 9
print(f"784 x 784 = {784 * 784:,} entries, {nnz:,} nonzero ({nnz / 784**2:.2%}), 9 distinct values")
""")

md(r"""
**Erratum (the book, §9.1).** The book says that 2-D discrete convolution corresponds to a
*doubly block circulant* matrix. That holds only with circular (wrap-around) padding. With
zero padding, and in "valid" mode, the matrix is **doubly block Toeplitz**: the asserts above
show that the zero-padded matrix fails the circulant test and the wrap-around one passes it.
The difference is visible in the picture: the circulant matrix carries extra entries in its
corners, the inputs that wrap around the image's edges.
""")

# ---------------------------------------------------------------------------------------
md(r"""
## 8 From the study note: MATLAB's `filter2` and `conv2`

The note checks in MATLAB that cross-correlation (`filter2`) is convolution (`conv2`) with
the kernel turned 180° (`rot90(b, 2)`), using `a = [1 2; 3 4; 5 6]` and `b = [1 2; 3 4]` in
"valid" mode. Here is the same check in convbook and in `scipy.signal`, printed side by side
with each result's shape. `np.rot90(b, 2)` turns by 180° exactly like MATLAB's `rot90(b, 2)`.
""")

code(r"""
a = np.array([[1, 2], [3, 4], [5, 6]])
b = np.array([[1, 2], [3, 4]])
b_turned = np.rot90(b, 2)
assert np.array_equal(b_turned, b[::-1, ::-1])

rows = {
    "filter2(b, a, 'valid')":             (cb.correlate2d(a, b), scipy.signal.correlate2d(a, b, "valid")),
    "conv2(a, rot90(b, 2), 'valid')":     (cb.convolve2d(a, b_turned), scipy.signal.convolve2d(a, b_turned, "valid")),
}
by_hand = np.array([[np.sum(a[0:2] * b)], [np.sum(a[1:3] * b)]])    # the two windows of a
# Like MATLAB, both return a 2x1 column. convbook computes in float64 even for int input;
# SciPy keeps the int dtype.
print(f"{'MATLAB':34s}{'convbook':>22s}{'scipy.signal':>22s}")
for name, (ours, scipys) in rows.items():
    print(f"{name:34s}{str(ours.ravel()) + ' ' + str(ours.shape):>22s}"
          f"{str(scipys.ravel()) + ' ' + str(scipys.shape):>22s}")
    assert ours.shape == scipys.shape == (2, 1)
    assert ours.dtype == np.float64 and scipys.dtype.kind == "i"
    assert np.array_equal(ours, by_hand) and np.array_equal(scipys, by_hand)
print("by hand: 1*1 + 2*2 + 3*3 + 4*4 =", by_hand[0, 0], "and 3*1 + 4*2 + 5*3 + 6*4 =", by_hand[1, 0])
""")

md(r"""
### "If one of the functions is even, convolution and correlation agree"

Not *one of* them: the function that gets flipped must be the even one. Convolution is
cross-correlation with the kernel flipped, `convolve(f, g)` = `correlate(f, g[::-1])`, so an
even kernel $g$ makes the two agree. If only the input $f$ is even, write $f(t-a) = f(a-t)$
inside the convolution: $\sum_a f(t-a)\,g(a) = \sum_a f(a-t)\,g(a)$, the cross-correlation
at $-t$. The two outputs are mirror images, not equal. Section 1 has one function of each
kind: the two-sided $w_2$ is even, the causal $w$ is not.
""")

code(r"""
# The kernel is even: w2 as the kernel, the noisy readings x as the input. They agree.
assert np.array_equal(w2, w2[::-1])
assert np.allclose(cb.convolve1d(x, w2, "full"), cb.correlate1d(x, w2, "full"), rtol=1e-12, atol=1e-12)

# Only the input is even: w2 as the input, the causal w as the kernel.
conv_even_in = cb.convolve1d(w2, w, "full") * dt
corr_even_in = cb.correlate1d(w2, w, "full") * dt
t_conv = (np.arange(conv_even_in.size) - 300) * dt              # from -3 s to 5.99 s
t_corr = (np.arange(corr_even_in.size) - 300 - (w.size - 1)) * dt  # from -5.99 s to 3 s
assert np.allclose(t_corr, -t_conv[::-1], rtol=0, atol=1e-12)
assert np.allclose(corr_even_in, conv_even_in[::-1], rtol=1e-12, atol=1e-12)   # corr(t) = conv(-t)
gap = np.max(np.abs(conv_even_in[:601] - corr_even_in[w.size - 1:]))         # same times, -3..3 s
assert gap > 0.5
print("even kernel w2: convolution = cross-correlation; even input w2 with the causal kernel w: "
      "mirror images, corr(t) = conv(-t), and more than 0.5 apart at some t")
""")

code(r"""
fig, ax = plt.subplots(figsize=(9, 3))
ax.plot(t_conv, conv_even_in, color="C0", lw=1.5, label="convolution  (w2 * w)(t)")
ax.plot(t_corr, corr_even_in, color="C3", lw=1.5, ls="--", label="cross-correlation  (w2 ⋆ w)(t)")
ax.axvline(0, color="k", ls=":", lw=1)
ax.set(xlabel="t (s)", ylabel="value (1/s)", xlim=(-4, 4),
       title="even input w2, causal kernel w: mirror images about t = 0, not equal")
ax.legend(loc="upper left", fontsize=9)
fig.tight_layout()
""")

md(r"""
In 2-D two more points need care; they are qualifiers and conventions, not errors. *Even*
has to mean symmetric under a 180° turn, $K(-m,-n) = K(m,n)$ about the kernel's centre: a
kernel that is symmetric in one direction only (left–right, like a Sobel kernel) is not
enough. And for an **even-sized** kernel the centre lies between pixels: in `mode="same"`
the two operations pick windows one pixel apart (SciPy's convention too), so even a
symmetric kernel then gives outputs shifted by one pixel. Last, the 2-D mirror image: for
an input symmetric under a 180° turn, convolution is the cross-correlation turned by 180°.
""")

code(r"""
K_sym = np.array([[1.0, 2.0, 3.0],
                  [4.0, 5.0, 4.0],
                  [3.0, 2.0, 1.0]])                  # K turned 180° is K
K_lr = np.array([[1.0, 2.0, 1.0],
                 [0.0, 0.0, 0.0],
                 [-1.0, -2.0, -1.0]])                # left-right symmetric only (Sobel)
assert np.array_equal(K_sym, np.rot90(K_sym, 2)) and not np.array_equal(K_lr, np.rot90(K_lr, 2))

image = rng.integers(0, 10, size=(5, 6)).astype(float)
for mode in ("valid", "same", "full"):
    assert np.allclose(cb.convolve2d(image, K_sym, mode), cb.correlate2d(image, K_sym, mode), rtol=1e-12, atol=0)
    assert not np.allclose(cb.convolve2d(image, K_lr, mode), cb.correlate2d(image, K_lr, mode))
    assert not np.allclose(cb.convolve2d(image, K, mode), cb.correlate2d(image, K, mode))
print("180°-symmetric kernel: agree in valid, same and full; Sobel and general kernels: differ")

K2 = np.array([[1.0, 2.0], [2.0, 1.0]])              # even-sized, and 180°-symmetric
assert np.array_equal(K2, np.rot90(K2, 2))
for mode in ("valid", "full"):
    assert np.allclose(cb.convolve2d(image, K2, mode), cb.correlate2d(image, K2, mode), rtol=1e-12, atol=0)
conv_same, corr_same = cb.convolve2d(image, K2, "same"), cb.correlate2d(image, K2, "same")
assert not np.allclose(conv_same, corr_same)
assert np.allclose(corr_same[:-1, :-1], conv_same[1:, 1:], rtol=1e-12, atol=0)    # one pixel apart
for ours, theirs in [(conv_same, scipy.signal.convolve2d(image, K2, "same")),
                     (corr_same, scipy.signal.correlate2d(image, K2, "same"))]:
    assert np.allclose(ours, theirs, rtol=1e-12, atol=0)
print("2x2 symmetric kernel: agree in valid and full; in 'same' the outputs are shifted by one pixel")

image_sym = image + np.rot90(image, 2)               # an "even" input, K a general kernel
assert np.allclose(cb.convolve2d(image_sym, K, "full"), np.rot90(cb.correlate2d(image_sym, K, "full"), 2),
                   rtol=1e-12, atol=1e-12)
assert not np.allclose(cb.convolve2d(image_sym, K, "full"), cb.correlate2d(image_sym, K, "full"))
print("180°-symmetric input, general kernel: convolution = cross-correlation turned 180°, not equal")
""")

# ---------------------------------------------------------------------------------------
md(r"""
## Errata

Items 1–3 are proved by `assert`s above; item 4 is a matter of wording.

1. **Book, §9.1, the matrix view.** "Doubly block circulant" is right only for circular
   (wrap-around) padding. With zero padding or in "valid" mode the matrix is doubly block
   Toeplitz (section 7: the zero-padded matrix fails the circulant test, the wrap-around one
   passes it).
2. **Study note, the even-function remark (an error).** "If one of the functions is even,
   convolution and correlation agree" holds only when the even function is the one that
   gets flipped, the kernel. If only the input is even, the two results are mirror images,
   $\text{corr}(t) = \text{conv}(-t)$ (section 8, in 1-D and 2-D).
3. **Study note, the same remark in 2-D (qualifiers, not errors).** "Even" means symmetric
   under a 180° turn (a Sobel kernel, symmetric left–right only, is not enough); and for
   even-sized kernels in `mode="same"` the outputs are one pixel apart, a convention on
   where the centre of such a kernel sits (section 8).
4. **Study note, a wording slip.** It writes 卷积的可计算性 ("computability") where it
   means 卷积的可交换性, commutativity: the property that lets Eq. 9.4 be rewritten as Eq. 9.5
   (section 3).
""")

# ---------------------------------------------------------------------------------------
md(r"""
## Exercises

Fill in each stub and run its cell: the checker prints `PASS`, a hint (`TODO`) while the stub
is empty, or what is wrong (`FAIL`). Solutions are folded away below each exercise. (Each checker
also returns `True` or `False`, kept in `ok`.)

**Exercise 1 (§1–2).** Write `causal_average(x, w)`, the estimate of Eq. 9.3 for the
sensor: `x` holds one reading per second, `w[a]` is a non-negative weight for a reading of
age `a` (not normalised), and the result has one estimate per reading,
$s(n) = \sum_a x(n-a)\,w(a) / \sum_a w(a)$, with readings before $n = 0$ counted as zero.
The checker also hides the future, as in section 1: it gives your function the readings with
every value after a time `now` replaced by the last known one, and your estimates up to
`now` must still equal the causal estimates from the true readings.
""")

code(r"""
def causal_average(x, w):
    raise NotImplementedError


def estimates_with_future_hidden(x, w, now):      # your estimates up to `now`, future hidden
    s = causal_average(as_known_at(x, now), w)
    return None if s is None else np.asarray(s)[:now + 1]


ok = cb.check.check_function(
    estimates_with_future_hidden,
    lambda x, w, now: cb.convolve1d(x, w / w.sum(), "full")[:now + 1],
    [(xd, np.array([3.0, 2.0, 1.0]), 12), (rng.standard_normal(30), np.ones(4), 20),
     (rng.standard_normal(10), 0.5 ** np.arange(6), 9)],
    name="causal_average")
""")

md(r"""
<details><summary>Solution</summary>

```python
def causal_average(x, w):
    w = np.asarray(w, dtype=float) / np.sum(w)      # a density: the weights sum to 1
    s = np.zeros(len(x))
    for n in range(len(x)):
        for a in range(len(w)):
            if n - a >= 0:                          # readings of negative age do not exist
                s[n] += x[n - a] * w[a]
    return s
```
Each $s(n)$ reads only `x[n - a]` with $a \ge 0$, never a later reading, so replacing the
future changes nothing up to `now`.
</details>
""")

md(r"""
**Exercise 2.** Turn a 2-D kernel by 180° (the flip of Eq. 9.4) without `np.rot90`. The
checker compares with the library's cross-correlation of a single 1 with your kernel, in
`mode="full"`: can you say why that is the flipped kernel?
""")

code(r"""
def flip_kernel(K):
    raise NotImplementedError


ok = cb.check.check_function(flip_kernel, lambda K: cb.correlate2d(np.ones((1, 1)), K, "full"),
                             [(np.arange(6.0).reshape(2, 3),), (rng.standard_normal((3, 3)),)])
""")

md(r"""
<details><summary>Solution</summary>

```python
def flip_kernel(K):
    return np.asarray(K)[::-1, ::-1]
```
In "full" mode, cross-correlating a single 1 with a $k_h \times k_w$ kernel gives
$S(i,j) = K(k_h-1-i,\ k_w-1-j)$: the only nonzero product is the one where the kernel
entry lands on the 1, so the kernel comes out read backwards in both directions.
</details>
""")

md(r"""
**Exercise 3.** Write a "valid" 2-D convolution with plain loops (Eq. 9.5, kernel flipped),
for any image and kernel shapes.
""")

code(r"""
def convolve_valid(I, K):
    raise NotImplementedError


ok = cb.check.check_function(convolve_valid, cb.convolve2d,
                             [(rng.standard_normal((5, 6)), rng.standard_normal((2, 3))),
                              (rng.standard_normal((4, 4)), rng.standard_normal((3, 1)))])
""")

md(r"""
<details><summary>Solution</summary>

```python
def convolve_valid(I, K):
    kh, kw = K.shape
    S = np.zeros((I.shape[0] - kh + 1, I.shape[1] - kw + 1))
    for i in range(S.shape[0]):
        for j in range(S.shape[1]):
            for m in range(kh):
                for n in range(kw):
                    S[i, j] += I[i + kh - 1 - m, j + kw - 1 - n] * K[m, n]
    return S
```
</details>
""")

md(r"""
**Exercise 4.** Figure 9.1 in "full" mode: return the 4×5 array of strings (like
`"aw + bx + ey + fz"`) for the full cross-correlation of the letters `a`–`l` with the
kernel `w x / y z`, terms in reading order of the input. Write it from the index formula,
as `corr_eq_9_6` does for "valid", not from `conv_matrix`: the checker compares with the
`conv_matrix` reading of section 7.
""")

code(r"""
def figure_9_1_full(letters, kernel_letters):
    raise NotImplementedError


ok = cb.check.check(lambda: figure_9_1_full(letters, kernel_letters),
                    symbolic(codes, letters, kernel_letters, mode="full"), name="figure_9_1_full")
""")

md(r"""
<details><summary>Solution</summary>

```python
def figure_9_1_full(letters, kernel_letters):
    H, W = letters.shape
    kh, kw = kernel_letters.shape
    out = np.empty((H + kh - 1, W + kw - 1), dtype=object)
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            terms = []
            for p in range(H):            # input rows, in reading order
                for q in range(W):
                    m, n = p - i + kh - 1, q - j + kw - 1   # S(i,j) = sum I(i+m', j+n') K(m', n')
                    if 0 <= m < kh and 0 <= n < kw:
                        terms.append(letters[p, q] + kernel_letters[m, n])
            out[i, j] = " + ".join(terms)
    return out.astype(str)
```
In "full" mode the output $(i, j)$ starts at input offset $(i - k_h + 1,\ j - k_w + 1)$.
</details>
""")

md(r"""
**Exercise 5.** Build the 1-D Toeplitz matrix of a "valid" cross-correlation: for a kernel
`k` of length `K` and an input of length `n`, return the `(n - K + 1, n)` matrix `T` with
`T @ x == cb.correlate1d(x, k)`.
""")

code(r"""
def toeplitz_matrix(k, n):
    raise NotImplementedError


ok = cb.check.check_function(toeplitz_matrix, lambda k, n: cb.conv_matrix(k, (n,)),
                             [(np.array([1.0, -2.0, 3.0]), 7), (rng.standard_normal(4), 4)])
""")

md(r"""
<details><summary>Solution</summary>

```python
def toeplitz_matrix(k, n):
    T = np.zeros((n - len(k) + 1, n))
    for i in range(T.shape[0]):
        T[i, i:i + len(k)] = k
    return T
```
</details>
""")

# ---------------------------------------------------------------------------------------
md(r"""
## Terms / 术语 (§9.1)

| 中文 | English |
|---|---|
| 卷积 | convolution |
| 互相关 | cross-correlation |
| 核(卷积核) | kernel |
| 输入 | input |
| 特征映射 | feature map |
| 权重函数 | weighting function |
| 概率密度函数 | probability density function |
| 核翻转 | kernel flipping |
| 交换律 / 可交换性 | commutativity (the note's 卷积的可计算性, "computability", means this) |
| 有效卷积("valid") | valid convolution |
| 零填充 / 循环填充 | zero padding / circular (wrap-around) padding |
| 托普利兹矩阵 / 托普利茨矩阵 (both spellings occur) | Toeplitz matrix |
| 双重分块托普利兹矩阵 | doubly block Toeplitz matrix |
| 循环矩阵 | circulant matrix |
| 双重分块循环矩阵 | doubly block circulant matrix |
| 稀疏矩阵 | sparse matrix |
| 参数共享(权值绑定) | parameter sharing (tied weights) |
| 偶函数 | even function |
| 中心对称 / 旋转180°对称 | symmetric under a 180° turn (point symmetric) |
| 张量 | tensor |
| 学习到的参数 | learned parameters |
""")


def build():
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": "python3"}
    nb.metadata["language_info"] = {"name": "python"}
    nbformat.validate(nb)
    OUT.parent.mkdir(exist_ok=True)
    nbformat.write(nb, OUT)
    print(f"wrote {OUT} ({len(cells)} cells)")


if __name__ == "__main__":
    build()
