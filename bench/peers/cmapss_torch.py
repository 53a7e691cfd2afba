#!/usr/bin/env python3
"""PyTorch peer of PdM Studio's FD001 RUL models, for bench/train-cmapss.ts.

Same protocol as the documented default config (docs/training.md): 14 varying sensors, causal exponential
smoothing at each given rate (one input per sensor and rate; 0.3 unless told), optionally the cycle count since the
engine's first cycle as one more input (the age in life), optionally each sensor's change from the engine's baseline (the
slowest rate's level minus the mean of its first N cycles, a running mean before that), z-score fitted on training units, windows of 30 cycles, RUL capped at 125 and scaled by
1/125, 20% of training units held out for validation, L2 0.001 on kernels (Keras semantics: l2 * sum(w^2) added to
the loss; recurrent kernels not regularised), Adam lr 0.001, batch 256, a fixed number of epochs with a validation
pass per epoch, best epoch kept. Architectures match src/main/core/ml/models.ts with the schema's defaults:
  dense  Flatten -> 64 -> 32 -> 1 (ReLU; other widths when given)
  cnn1d  Conv1d 16 (k 5, same) -> Conv1d 16 (k 5, same) -> Flatten -> 32 -> 1 (ReLU)
  lstm   LSTM 32 (last state) -> 16 -> 1 (ReLU)
Runs single-threaded (torch.set_num_threads(1)) unless a thread count is given, and reports what it ran with:
threads, the BLAS/LAPACK libraries mapped into the process, the OpenBLAS core when the BLAS is OpenBLAS, and
torch's build config, so a ratio against it can be judged.
With a patience, training stops when the validation loss has not improved for that many epochs (as ours does with
"patience"); with several members, they train side by side on the same batches and the model predicts their mean,
the best epoch chosen on that mean (ours: "ensemble"). bench/accuracy-cmapss.ts runs it that way, per seed.
Prints one JSON line. Usage:
  python3 cmapss_torch.py <data dir> [epochs] [seed] [arch] [threads] [patience (0: none)] [members]
                          [rates, e.g. 0.3,0.05] [age: 0|1] [dense units, e.g. 128,64] [baseline cycles (0: none)]
"""
import ctypes
import json
import os
import re
import sys
import time

import numpy as np
import torch

SENSORS = [2, 3, 4, 7, 8, 9, 11, 12, 13, 14, 15, 17, 20, 21]
WINDOW, CAP, BATCH, LR, L2 = 30, 125.0, 256, 1e-3, 1e-3
RATES = [float(a) for a in (sys.argv[8] if len(sys.argv) > 8 else "0.3").split(",")]
AGE = len(sys.argv) > 9 and sys.argv[9] == "1"
UNITS = [int(u) for u in (sys.argv[10] if len(sys.argv) > 10 else "64,32").split(",")]
BASELINE = int(sys.argv[11]) if len(sys.argv) > 11 else 0


def load(path):
    raw = np.loadtxt(path)
    units = {}
    for u in np.unique(raw[:, 0]).astype(int):
        rows = raw[raw[:, 0] == u]
        x = rows[:, [4 + s for s in SENSORS]]  # columns: unit, cycle, 3 settings, sensors 1..21
        inputs = []
        for alpha in RATES:  # input order as ours: every sensor at the first rate, then at the next
            out = np.empty_like(x)
            state = x[0].copy()
            for i in range(len(x)):
                state = alpha * x[i] + (1 - alpha) * state
                out[i] = state
            inputs.append(out)
        if BASELINE:  # change from the life's baseline: the slowest rate's level minus the mean of the first cycles
            running = np.cumsum(x, axis=0) / np.arange(1, len(x) + 1)[:, None]
            base = running[np.minimum(np.arange(len(x)), BASELINE - 1)]
            inputs.append(inputs[int(np.argmin(RATES))] - base)
        if AGE:  # cycles since the first one: no C-MAPSS engine has a repair
            inputs.append(np.arange(len(x), dtype=float)[:, None])
        units[u] = np.concatenate(inputs, axis=1)
    return units


def windows(units, norm, rul_at_end=None, last_only=False):
    xs, ys = [], []
    mean, sd = norm
    for k, (u, x) in enumerate(sorted(units.items())):
        z = (x - mean) / sd
        n = len(z)
        end_rul = 0 if rul_at_end is None else rul_at_end[k]
        ends = [n - 1] if last_only else range(WINDOW - 1, n)
        for e in ends:
            xs.append(z[e - WINDOW + 1 : e + 1])
            ys.append(min(CAP, end_rul + (n - 1 - e)))
    return np.asarray(xs, dtype=np.float32), np.asarray(ys, dtype=np.float32)


class Cnn(torch.nn.Module):
    def __init__(self, features):
        super().__init__()
        self.c1 = torch.nn.Conv1d(features, 16, 5, padding=2)
        self.c2 = torch.nn.Conv1d(16, 16, 5, padding=2)
        self.d1 = torch.nn.Linear(16 * WINDOW, 32)
        self.out = torch.nn.Linear(32, 1)

    def forward(self, x):  # x: [batch, time, features]; torch convolves channels-first
        h = torch.relu(self.c2(torch.relu(self.c1(x.transpose(1, 2)))))
        return self.out(torch.relu(self.d1(h.flatten(1))))

    def kernels(self):
        return [self.c1.weight, self.c2.weight, self.d1.weight, self.out.weight]


class Lstm(torch.nn.Module):
    def __init__(self, features):
        super().__init__()
        self.rnn = torch.nn.LSTM(features, 32, batch_first=True)
        self.d1 = torch.nn.Linear(32, 16)
        self.out = torch.nn.Linear(16, 1)

    def forward(self, x):
        h, _ = self.rnn(x)
        return self.out(torch.relu(self.d1(h[:, -1])))

    def kernels(self):
        return [self.rnn.weight_ih_l0, self.d1.weight, self.out.weight]


class Dense(torch.nn.Module):
    def __init__(self, features):
        super().__init__()
        widths = [WINDOW * features, *UNITS]
        self.hidden = torch.nn.ModuleList(torch.nn.Linear(a, b) for a, b in zip(widths, widths[1:]))
        self.out = torch.nn.Linear(widths[-1], 1)

    def forward(self, x):
        h = x.flatten(1)
        for layer in self.hidden:
            h = torch.relu(layer(h))
        return self.out(h)

    def kernels(self):
        return [*(layer.weight for layer in self.hidden), self.out.weight]


def blas_report():
    """Which BLAS this process really uses: the libraries mapped into it, and OpenBLAS's core if it is OpenBLAS."""
    libs = set()
    try:
        with open("/proc/self/maps") as maps:
            for line in maps:
                path = line.split()[-1] if len(line.split()) >= 6 else ""
                name = os.path.basename(path).lower()
                if any(k in name for k in ("blas", "lapack", "mkl", "blis", "dnnl")):
                    libs.add(os.path.realpath(path))
    except OSError:
        pass
    corename = None
    for path in sorted(libs):
        try:
            fn = ctypes.CDLL(path).openblas_get_corename
            fn.restype = ctypes.c_char_p
            corename = fn().decode()
            break
        except (OSError, AttributeError):
            continue
    return {
        "libraries": sorted(libs),
        "openblas_core": corename,
        "torch_blas": (re.search(r"BLAS_INFO=([^,\s]+)", torch.__config__.show()) or [None, None])[1],
        "mkldnn": torch.backends.mkldnn.is_available(),
        "cpu_capability": next((l.split(":")[1].strip() for l in torch.__config__.show().split("\n")
                                if "CPU capability usage" in l), None),
        "env": {k: os.environ.get(k) for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OMP_NUM_THREADS")},
    }


def main():
    data = sys.argv[1]
    epochs = int(sys.argv[2]) if len(sys.argv) > 2 else 30
    seed = int(sys.argv[3]) if len(sys.argv) > 3 else 42
    arch = sys.argv[4] if len(sys.argv) > 4 else "dense"
    threads = int(sys.argv[5]) if len(sys.argv) > 5 else 1
    patience = int(sys.argv[6]) if len(sys.argv) > 6 else 0
    members = int(sys.argv[7]) if len(sys.argv) > 7 else 1
    torch.set_num_threads(threads)
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    train_units = load(f"{data}/train_FD001.txt")
    test_units = load(f"{data}/test_FD001.txt")
    truth = np.loadtxt(f"{data}/RUL_FD001.txt")
    ids = sorted(train_units)
    val_ids = set(rng.choice(ids, size=round(0.2 * len(ids)), replace=False).tolist())
    fit = {u: x for u, x in train_units.items() if u not in val_ids}
    val = {u: x for u, x in train_units.items() if u in val_ids}
    stacked = np.concatenate(list(fit.values()))
    norm = (stacked.mean(axis=0), stacked.std(axis=0, ddof=1))
    xt, yt = windows(fit, norm)
    xv, yv = windows(val, norm)
    xe, ye = windows(test_units, norm, truth, last_only=True)
    xt, yt, xv, yv, xe = map(torch.from_numpy, (xt, yt / CAP, xv, yv / CAP, xe))

    features = len(SENSORS) * (len(RATES) + (1 if BASELINE else 0)) + (1 if AGE else 0)
    models = [{"dense": Dense, "cnn1d": Cnn, "lstm": Lstm}[arch](features) for _ in range(members)]
    kernels = [w for m in models for w in m.kernels()]
    params = [p for m in models for p in m.parameters()]
    opt = torch.optim.Adam(params, lr=LR)

    def predict(x):
        for m in models:
            m.eval()
        with torch.no_grad():
            return torch.stack([m(x).squeeze(1) for m in models]).mean(0)

    best, best_state, best_epoch, ran = float("inf"), None, 0, 0
    started = time.perf_counter()
    for epoch in range(1, epochs + 1):
        ran = epoch
        for m in models:
            m.train()
        order = torch.randperm(len(xt))
        for i in range(0, len(xt), BATCH):
            idx = order[i : i + BATCH]
            opt.zero_grad()
            fit_loss = sum(torch.mean((m(xt[idx]).squeeze(1) - yt[idx]) ** 2) for m in models)
            loss = fit_loss + L2 * sum((w ** 2).sum() for w in kernels)
            loss.backward()
            opt.step()
        v = torch.mean((predict(xv) - yv) ** 2).item()
        if v < best:
            best, best_epoch = v, epoch
            best_state = [{k: t.clone() for k, t in m.state_dict().items()} for m in models]
        elif patience > 0 and epoch - best_epoch >= patience:
            break
    train_s = time.perf_counter() - started
    for m, state in zip(models, best_state):
        m.load_state_dict(state)
    pred = predict(xe).numpy() * CAP
    # Scored against RUL_FD001 as given (one last window per test unit, in unit order), like ours; the RMSE
    # against the truth capped at CAP (ye) is reported beside it as rmse_capped.
    d = pred - truth.astype(np.float32)
    score = float(np.sum(np.where(d < 0, np.exp(-d / 13) - 1, np.exp(d / 10) - 1)))
    print(json.dumps({
        "arch": arch,
        "rmse": float(np.sqrt(np.mean(d ** 2))), "rmse_capped": float(np.sqrt(np.mean((pred - ye) ** 2))),
        "nasa_score": score, "train_s": train_s, "val_rmse": float(np.sqrt(best) * CAP),
        "best_epoch": best_epoch, "epochs_run": ran, "patience": patience, "members": members,
        "seed": seed, "epochs": epochs, "rates": RATES, "age": AGE, "baseline": BASELINE, "units": UNITS if arch == "dense" else None, "threads": torch.get_num_threads(), "interop_threads": torch.get_num_interop_threads(),
        "torch": torch.__version__, "blas": blas_report(),
    }))


if __name__ == "__main__":
    main()
