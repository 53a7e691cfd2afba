#!/usr/bin/env python3
"""Throwaway-style PyTorch trials of FD001 inputs and ensembles, kept so the trial figures in docs/training.md
("Why the change from the baseline") can be re-run. Not part of any bench or test.

Protocol as bench/peers/cmapss_torch.py (14 sensors, smoothing 0.3 and 0.05, the age, windows of 30, RUL capped at
125, dense 128-64, L2 0.001, Adam 0.001, batch 256, early stopping with patience 10, one thread), except: the
z-score is fitted on all training engines, and the validation engines are drawn here per seed.
  --mode single --members 1                         one model, 20 validation engines drawn by seed (the control)
  --mode single --members 1 --baseline 20 --drift   + each sensor's change from its first 20 cycles (adopted)
  --mode single --members 1 --baseline 20           + the baseline itself as inputs (worse)
  --mode cv                                         5 members, member k validated on the k-th fifth of the engines
Prints per seed (stderr) and a summary line (stdout, also appended to --out): the single-model mean, the ensemble's
test RMSE against the capped truth from its last window (ens_k1) and from the mean of its last k windows, each moved
back by its age (ens_k3..k10). Run: env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 cmapss_trials.py ...
"""
import argparse, json, os, sys, time
import numpy as np
import torch

SENSORS = [2, 3, 4, 7, 8, 9, 11, 12, 13, 14, 15, 17, 20, 21]
CAP = 125.0
D = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "shared", "data", "cmapss")
p = argparse.ArgumentParser()
p.add_argument("--seeds", default="1,2,3,4,5")
p.add_argument("--members", type=int, default=5)
p.add_argument("--mode", default="cv")  # cv | single | refit (early-stopped, then retrained on all engines)
p.add_argument("--epochs", type=int, default=60)
p.add_argument("--patience", type=int, default=10)
p.add_argument("--hidden", type=int, default=128)
p.add_argument("--baseline", type=int, default=0)
p.add_argument("--drift", action="store_true")
p.add_argument("--alphas", default="0.3,0.05")
p.add_argument("--out", default="/tmp/cmapss_trials.txt")
args = p.parse_args()
torch.set_num_threads(1)
ALPHAS = [float(a) for a in args.alphas.split(",")]
W = 30

def load(path):
    raw = np.loadtxt(path)
    units = {}
    for u in np.unique(raw[:, 0]).astype(int):
        x = raw[raw[:, 0] == u][:, [4 + s for s in SENSORS]]
        feats = []
        for a in ALPHAS:
            out = np.empty_like(x); state = x[0].copy()
            for i in range(len(x)):
                state = a * x[i] + (1 - a) * state; out[i] = state
            feats.append(out)
        if args.baseline:
            # the life's own early level: the expanding mean of its first B readings
            cs = np.cumsum(x, axis=0) / np.arange(1, len(x) + 1)[:, None]
            base = cs[np.minimum(np.arange(len(x)), args.baseline - 1)]
            feats.append(feats[-1] - base if args.drift else base)
        feats.append(np.arange(0, len(x), dtype=float)[:, None])
        units[u] = np.concatenate(feats, axis=1)
    return units

def windows(units, norm, rul_at_end=None, lastk=None):
    xs, ys = [], []
    mean, sd = norm
    for k, (u, x) in enumerate(sorted(units.items())):
        z = (x - mean) / sd; n = len(z)
        end_rul = 0 if rul_at_end is None else rul_at_end[k]
        ends = range(n - lastk, n) if lastk else range(W - 1, n)
        for e in ends:
            xs.append(z[e - W + 1: e + 1] if e >= W - 1 else np.concatenate([np.repeat(z[:1], W - 1 - e, axis=0), z[:e + 1]])); ys.append(min(CAP, end_rul + (n - 1 - e)))
    return np.asarray(xs, dtype=np.float32), np.asarray(ys, dtype=np.float32)

class Dense(torch.nn.Module):
    def __init__(s, f):
        super().__init__(); h = args.hidden
        s.d1 = torch.nn.Linear(W * f, h); s.d2 = torch.nn.Linear(h, h // 2); s.out = torch.nn.Linear(h // 2, 1)
    def forward(s, x):
        return s.out(torch.relu(s.d2(torch.relu(s.d1(x.flatten(1))))))
    def kernels(s): return [s.d1.weight, s.d2.weight, s.out.weight]

def fit(xt, yt, xv, yv, epochs, seed):
    torch.manual_seed(seed)
    m = Dense(xt.shape[2]); opt = torch.optim.Adam(m.parameters(), lr=1e-3)
    best, bs, be = 1e9, None, 0
    for ep in range(1, epochs + 1):
        m.train(); order = torch.randperm(len(xt))
        for i in range(0, len(xt), 256):
            idx = order[i:i + 256]; opt.zero_grad()
            loss = torch.mean((m(xt[idx]).squeeze(1) - yt[idx]) ** 2) + 1e-3 * sum((w ** 2).sum() for w in m.kernels())
            loss.backward(); opt.step()
        if xv is None:
            continue
        m.eval()
        with torch.no_grad(): v = torch.mean((m(xv).squeeze(1) - yv) ** 2).item()
        if v < best:
            best, be = v, ep; bs = {k: t.clone() for k, t in m.state_dict().items()}
        elif ep - be >= args.patience: break
    if bs is not None: m.load_state_dict(bs)
    m.eval(); return m, be, best

K = 10
def run(seed):
    rng = np.random.default_rng(seed)
    tr = load(f"{D}/train_FD001.txt"); te = load(f"{D}/test_FD001.txt"); truth = np.loadtxt(f"{D}/RUL_FD001.txt")
    ids = np.array(sorted(tr)); perm = rng.permutation(ids)
    folds = np.array_split(perm, 5)
    st = np.concatenate(list(tr.values())); norm = (st.mean(0), st.std(0, ddof=1))
    xe, ye = windows(te, norm, truth, lastk=K)
    xe = torch.from_numpy(xe)
    preds = []; oof_se = []; single = []; info = []
    single_ids = set(rng.choice(ids, size=20, replace=False).tolist()) if args.mode == "single" else None
    for k in range(args.members):
        val_ids = single_ids if single_ids is not None else set(folds[k % 5].tolist())
        fitu = {u: x for u, x in tr.items() if u not in val_ids}; valu = {u: x for u, x in tr.items() if u in val_ids}
        xt, yt = windows(fitu, norm); xv, yv = windows(valu, norm)
        xt, yt, xv, yv = torch.from_numpy(xt), torch.from_numpy(yt / CAP), torch.from_numpy(xv), torch.from_numpy(yv / CAP)
        m, be, best = fit(xt, yt, xv, yv, args.epochs, seed * 100 + k)
        if args.mode == "refit":
            xa = torch.cat([xt, xv]); ya = torch.cat([yt, yv])
            m, _, _ = fit(xa, ya, None, None, be, seed * 100 + k + 50)
        with torch.no_grad(): pe = m(xe).squeeze(1).numpy() * CAP
        preds.append(pe.reshape(-1, K)); oof_se.append(best); info.append(be)
        last = pe.reshape(-1, K)[:, -1]
        single.append(float(np.sqrt(np.mean((last - ye.reshape(-1, K)[:, -1]) ** 2))))
    P = np.mean(preds, axis=0)  # units x K, column K-1 is the last window
    yl = ye.reshape(-1, K)[:, -1]
    out = {"seed": seed, "single_mean": float(np.mean(single)), "best_epochs": info, "val": float(np.sqrt(np.mean(oof_se)) * CAP)}
    for k in (1, 3, 5, 10):
        # the estimate at the last cycle from window ending j cycles earlier is pred - j
        est = np.mean([P[:, K - 1 - j] - j for j in range(k)], axis=0)
        out[f"ens_k{k}"] = float(np.sqrt(np.mean((est - yl) ** 2)))
    return out

res = []
for s in args.seeds.split(","):
    r = run(int(s)); res.append(r); print(json.dumps(r), file=sys.stderr, flush=True)
summary = {"args": " ".join(sys.argv[1:])}
for key in res[0]:
    if key in ("seed", "best_epochs"): continue
    xs = np.array([r[key] for r in res]); summary[key] = [round(float(xs.mean()), 2), round(float(xs.std(ddof=1)) if len(xs) > 1 else 0, 2)]
summary["per_seed_k1"] = [round(r["ens_k1"], 2) for r in res]
line = json.dumps(summary); print(line)
open(args.out, "a").write(line + "\n")
