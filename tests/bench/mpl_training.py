#!/usr/bin/env python3
"""The matplotlib side of the benchmark's training-curves rows: the plot `vizgen training-curves`
draws, as a careful matplotlib script draws it — the same panels, TensorBoard's smoothing with
the raw series faint behind, log axes, the best validation point, the computed schedule under
the logged learning rate — saved as a PNG 1200 pixels wide. The benchmark runs it as a whole
process beside vizgen. Needs Debian's python3-matplotlib (and python3-numpy).

    mpl_training.py trainer_state.json OUT.png    # the default figure's log
    mpl_training.py metrics.csv OUT.png            # a step,loss CSV: one log-scale panel
"""
import json
import math
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

DPI = 150


def ema(y, w=0.6):
    """TensorBoard's debiased exponential moving average; non-finite values pass through."""
    out, last, n = np.empty_like(y), 0.0, 0
    for i, v in enumerate(y):
        if not math.isfinite(v):
            out[i] = v
            continue
        last = last * w + (1 - w) * v
        n += 1
        out[i] = last / (1 - w ** n)
    return out


def series(history, key):
    points = [(e["step"], e[key]) for e in history if key in e and "train_runtime" not in e]
    return np.array([p[0] for p in points], float), np.array([p[1] for p in points], float)


def cosine(step, lr=3e-3, warmup=150, total=3000):
    if step < warmup:
        return lr * step / warmup
    return lr * max(0.0, 0.5 * (1 + math.cos(math.pi * (step - warmup) / (total - warmup))))


def trainer_state(path, out):
    with open(path) as f:
        history = json.load(f)["log_history"]
    fig, axes = plt.subplots(4, 1, figsize=(8, 11), sharex=True, dpi=DPI)
    fig.suptitle("Training a Tiny Transformer on Letter Counting", x=0.02, ha="left",
                 fontweight="bold")
    ax = axes[0]
    x, y = series(history, "loss")
    ax.plot(x, y, color="C1", alpha=0.3, lw=1)
    ax.plot(x, ema(y), color="C1", lw=2, label="loss")
    ex, ey = series(history, "eval_loss")
    ax.plot(ex, ey, color="C1", lw=2, ls="--", label="eval_loss")
    best = int(np.nanargmin(ey))
    ax.plot(ex[best], ey[best], "o", color="C1")
    ax.annotate(f"best eval_loss {ey[best]:.3g} at step {ex[best]:.0f}", (ex[best], ey[best]),
                textcoords="offset points", xytext=(0, -14), ha="center", fontsize=8)
    ax.set_yscale("log")
    ax.set_title("Loss (cross-entropy over the counts 0, 1, 2+)", loc="left")
    ax.legend(loc="upper right")
    ax = axes[1]
    ax.plot(*series(history, "eval_accuracy"), color="C1", lw=2, ls="--")
    ax.set_title("Validation accuracy", loc="left")
    ax = axes[2]
    steps = np.arange(0, 3001)
    ax.plot(steps, [cosine(s) for s in steps], color="C0", lw=5, alpha=0.45,
            label="cosine with warmup (computed)")
    ax.plot(*series(history, "learning_rate"), color="C1", lw=2, label="learning_rate")
    ax.set_title("Learning rate: logged, over the schedule it was meant to follow", loc="left")
    ax.legend(loc="upper right")
    ax = axes[3]
    x, y = series(history, "grad_norm")
    ax.plot(x, y, color="C1", alpha=0.3, lw=1)
    ax.plot(x, ema(y), color="C1", lw=2)
    ax.set_yscale("log")
    ax.set_title("Gradient norm (before clipping to 1)", loc="left")
    ax.set_xlabel("step")
    for ax in axes:
        ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(out)


def csv_log(path, out):
    data = np.loadtxt(path, delimiter=",", skiprows=1)
    x, y = data[:, 0], data[:, 1]
    fig, ax = plt.subplots(figsize=(8, 3.2), dpi=DPI)
    ax.plot(x, y, color="C1", lw=2, label="loss")
    ax.set_yscale("log")
    ax.set_title("loss", loc="left")
    ax.set_xlabel("step")
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(out)


if __name__ == "__main__":
    (csv_log if sys.argv[1].endswith(".csv") else trainer_state)(sys.argv[1], sys.argv[2])
