#!/usr/bin/env python3
"""Trains a tiny GPT-2-style transformer on the letter-counting task of the seed documents
(for each character, how many times it appeared before: 0, 1, or 2 and more) and writes what a
Hugging Face run would leave on disk, for vizgen's default figures:

    trainer_state.json   the training log (log_history: train, eval and summary entries)
    config.json          the model's configuration, as GPT2Config writes it
    attention.npy        float32 [layer][head][query][key] for the sample string
    hidden_states.npy    float32 [layer][token][hidden] for the sample string: the embeddings,
                         then each layer's output, as output_hidden_states gives them

Needs Debian's python3-torch and libopenblas0-pthread (without OpenBLAS, torch falls back to the
reference BLAS and takes ten times as long); about a minute on two cores. vizgen's build and
tests never run it; its outputs are committed. Run from the source tree:

    python3 examples/letter-counting/train.py [OUT_DIR]    # default data/letter-counting
"""
import json
import math
import os
import random
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

SAMPLE = "i like movies a lot"
CHARS = " abcdefghijklmnopqrstuvwxyz"
COUNTS = ["0", "1", "2+"]
VOCAB = len(CHARS) + len(COUNTS)  # the counts are tokens too, so the head can stay tied
LENGTH = 20
CONFIG = dict(n_layer=2, n_head=4, n_embd=64, n_positions=LENGTH, vocab_size=VOCAB)
STEPS, BATCH, LR, WARMUP = 3000, 64, 3e-3, 150
LOG_EVERY, EVAL_EVERY = 10, 100


class Block(nn.Module):
    def __init__(self, d, heads):
        super().__init__()
        self.heads = heads
        self.ln_1 = nn.LayerNorm(d)
        self.c_attn = nn.Linear(d, 3 * d)
        self.c_proj = nn.Linear(d, d)
        self.ln_2 = nn.LayerNorm(d)
        self.c_fc = nn.Linear(d, 4 * d)
        self.mlp_proj = nn.Linear(4 * d, d)

    def forward(self, x):
        b, t, d = x.shape
        q, k, v = self.c_attn(self.ln_1(x)).split(d, dim=2)
        q, k, v = (z.view(b, t, self.heads, d // self.heads).transpose(1, 2) for z in (q, k, v))
        scores = q @ k.transpose(-1, -2) / math.sqrt(d // self.heads)
        mask = torch.ones(t, t, dtype=torch.bool).tril()
        weights = scores.masked_fill(~mask, float("-inf")).softmax(-1)
        y = (weights @ v).transpose(1, 2).reshape(b, t, d)
        x = x + self.c_proj(y)
        x = x + self.mlp_proj(F.gelu(self.c_fc(self.ln_2(x))))
        return x, weights


class Model(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.wte = nn.Embedding(c["vocab_size"], c["n_embd"])
        self.wpe = nn.Embedding(c["n_positions"], c["n_embd"])
        self.h = nn.ModuleList(Block(c["n_embd"], c["n_head"]) for _ in range(c["n_layer"]))
        self.ln_f = nn.LayerNorm(c["n_embd"])

    def forward(self, ids):
        x = self.wte(ids) + self.wpe(torch.arange(ids.shape[1]))
        attention, hidden = [], [x]
        for block in self.h:
            x, w = block(x)
            attention.append(w)
            hidden.append(x)
        logits = self.ln_f(x) @ self.wte.weight.T  # tied head, as GPT-2
        self.hidden_states = torch.stack(hidden, 1)  # as output_hidden_states gives them
        return logits[..., len(CHARS):], torch.stack(attention, 1)  # only the count tokens


def batch(rng, n):
    texts = ["".join(rng.choice(CHARS) for _ in range(LENGTH)) for _ in range(n)]
    return encode(texts), torch.tensor([labels(t) for t in texts])


def encode(texts):
    return torch.tensor([[CHARS.index(ch) for ch in t] for t in texts])


def labels(text):
    return [min(text[:i].count(ch), 2) for i, ch in enumerate(text)]


def lr_factor(step):
    """Hugging Face's get_cosine_schedule_with_warmup, num_cycles 0.5."""
    if step < WARMUP:
        return step / max(1, WARMUP)
    progress = (step - WARMUP) / max(1, STEPS - WARMUP)
    return max(0.0, 0.5 * (1.0 + math.cos(math.pi * 0.5 * 2.0 * progress)))


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "data/letter-counting"
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(0)
    torch.set_num_threads(2)
    rng = random.Random(0)
    eval_ids, eval_labels = batch(random.Random(1), 1000)
    model = Model(CONFIG)
    opt = torch.optim.AdamW(model.parameters(), lr=LR, weight_decay=0.01)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lr_factor)
    history, losses, start = [], [], time.time()
    for step in range(1, STEPS + 1):
        ids, y = batch(rng, BATCH)
        logits, _ = model(ids)
        loss = F.cross_entropy(logits.reshape(-1, len(COUNTS)), y.reshape(-1))
        opt.zero_grad()
        loss.backward()
        grad_norm = torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0).item()
        lr = sched.get_last_lr()[0]
        opt.step()
        sched.step()
        losses.append(loss.item())
        if step % LOG_EVERY == 0:
            history.append({"epoch": round(step / STEPS, 4), "grad_norm": grad_norm,
                            "learning_rate": lr, "loss": round(sum(losses[-LOG_EVERY:]) / LOG_EVERY, 4),
                            "step": step})
        if step % EVAL_EVERY == 0:
            with torch.no_grad():
                t0 = time.time()
                logits, _ = model(eval_ids)
                eval_loss = F.cross_entropy(logits.reshape(-1, len(COUNTS)), eval_labels.reshape(-1))
                accuracy = (logits.argmax(-1) == eval_labels).float().mean()
            history.append({"epoch": round(step / STEPS, 4), "eval_accuracy": accuracy.item(),
                            "eval_loss": eval_loss.item(), "eval_runtime": round(time.time() - t0, 4),
                            "step": step})
    runtime = time.time() - start
    history.append({"epoch": 1.0, "step": STEPS, "total_flos": 0, "train_loss": sum(losses) / len(losses),
                    "train_runtime": round(runtime, 4),
                    "train_samples_per_second": round(STEPS * BATCH / runtime, 3),
                    "train_steps_per_second": round(STEPS / runtime, 3)})
    state = {"best_metric": None, "best_model_checkpoint": None, "epoch": 1.0,
             "eval_steps": EVAL_EVERY, "global_step": STEPS, "is_hyper_param_search": False,
             "is_local_process_zero": True, "is_world_process_zero": True,
             "log_history": history, "logging_steps": LOG_EVERY, "max_steps": STEPS,
             "num_train_epochs": 1, "train_batch_size": BATCH}
    with open(os.path.join(out, "trainer_state.json"), "w") as f:
        json.dump(state, f, indent=2)  # as Trainer writes it: NaN stays bare NaN
        f.write("\n")
    config = {"architectures": ["GPT2LMHeadModel"], "model_type": "gpt2", "activation_function": "gelu_new",
              "layer_norm_epsilon": 1e-05, "n_ctx": LENGTH, "tie_word_embeddings": True, **CONFIG}
    with open(os.path.join(out, "config.json"), "w") as f:
        json.dump(config, f, indent=2, sort_keys=True)
        f.write("\n")
    with torch.no_grad():
        _, attention = model(encode([SAMPLE]))
    np.save(os.path.join(out, "attention.npy"), attention[0].numpy().astype(np.float32))
    np.save(os.path.join(out, "hidden_states.npy"), model.hidden_states[0].numpy().astype(np.float32))
    n = sum(p.numel() for p in model.parameters())
    print(f"{n} parameters; eval accuracy {history[-2]['eval_accuracy']:.4f}; {runtime:.0f} s")


if __name__ == "__main__":
    main()
