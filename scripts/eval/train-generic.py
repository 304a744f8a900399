#!/usr/bin/env python3
"""Trains keyhound's generic-secret scorer (data/generic-scorer.json).

Not needed to build or test keyhound: the weights are committed as data. Run it
when the features (src/detect/score.rs) or the generic rules change.

    pip install numpy
    cargo build --release
    python3 scripts/eval/train-generic.py --data-root DATA --labels LABELS.jsonl

DATA is a CredData-style tree and LABELS its labels (JSON lines with
`file_path`, `line_start`, `line_end`, `ground_truth` T/F/X; `file_path`'s
first component is dropped to make it relative to DATA). Steps:

1. `keyhound debug features DATA` lists every generic candidate with the
   features the scanner computes; `keyhound scan DATA` gives the findings of
   the specific (non-generic) rules.
2. A candidate is positive when a T label covers its line.
   With `--negatives DIR` (repeatable), every generic candidate found in DIR
   is added to the training set as a negative: DIR must be clean real code
   (e.g. the local cargo registry). CredData's true values were obfuscated
   into random lowercase letters, so without real code the model learns that
   short lowercase words are passwords; real code teaches it what `= "warn"`
   or `= usize` is. These candidates are only trained on, never scored.
3. Logistic regression (standardised features, L2), fitted on half of the
   repositories and scored on the other half (the held-out figures printed are
   the honest ones), then refitted on everything for the weights written.
4. Thresholds: `report_at` maximises line-level F1 of all findings (specific
   rules plus generic candidates at or above it); `medium_at` and `high_at` are
   the lowest scores where the generic candidates above reach 85% and 97%
   precision.
"""

import argparse
import json
import random
import subprocess
import sys
from pathlib import Path

try:
    import numpy as np
except ImportError:
    sys.exit("numpy is needed: pip install numpy")

HERE = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(Path(__file__).resolve().parent))
from creddata import Labels  # noqa: E402  (the same labels and scoring as the harness)


def run_json_lines(args):
    out = subprocess.run(args, check=False, capture_output=True, text=True)
    if out.returncode not in (0, 1):
        sys.exit(f"{' '.join(map(str, args))} failed:\n{out.stderr}")
    return [json.loads(line) for line in out.stdout.splitlines() if line.strip()]


# Features whose weight may not be negative: a longer, more random-looking
# value is never less likely to be a secret. Without this prior the model
# learns the evaluation data's obfuscation (true values replaced by random
# lowercase letters) and ranks `hunter2` above `Vr7#kq2Lmz`.
NON_NEGATIVE = {"len_log", "entropy", "entropy_ratio", "classes"}


def fit(x, y, names, l2=1e-3, steps=3000, lr=0.1):
    """Batch gradient descent with Adam on the logistic loss, projecting the
    NON_NEGATIVE weights onto w >= 0 after every step."""
    floor = np.array([0.0 if n in NON_NEGATIVE else -np.inf for n in names])
    n, d = x.shape
    w = np.zeros(d)
    b = 0.0
    m_w, v_w, m_b, v_b = np.zeros(d), np.zeros(d), 0.0, 0.0
    pos = max(y.mean(), 1e-6)
    weight = np.where(y == 1, 0.5 / pos, 0.5 / (1 - pos))  # balanced classes
    for t in range(1, steps + 1):
        p = 1 / (1 + np.exp(-(x @ w + b)))
        g = (p - y) * weight / n
        gw = x.T @ g + l2 * w
        gb = g.sum()
        m_w = 0.9 * m_w + 0.1 * gw
        v_w = 0.999 * v_w + 0.001 * gw * gw
        m_b = 0.9 * m_b + 0.1 * gb
        v_b = 0.999 * v_b + 0.001 * gb * gb
        w -= lr * (m_w / (1 - 0.9**t)) / (np.sqrt(v_w / (1 - 0.999**t)) + 1e-8)
        b -= lr * (m_b / (1 - 0.9**t)) / (np.sqrt(v_b / (1 - 0.999**t)) + 1e-8)
        w = np.maximum(w, floor)
    return w, b


def repo_of(key):
    return key[0].split("/")[0]


def sweep(probs, keys, specific, labels, repos=None):
    """Best report threshold for overall F1 on the given repositories, and the
    scores of the specific rules alone."""
    keep = (lambda k: True) if repos is None else (lambda k: repo_of(k) in repos)
    sub = labels if repos is None else labels.restricted(lambda path: keep((path, 0)))
    spec = {k: "" for k in specific if keep(k)}
    sel = [i for i, k in enumerate(keys) if keep(k)]
    best = (0.0, 0.5, None)
    for t in np.arange(0.02, 0.96, 0.01):
        predicted = dict(spec)
        predicted.update((keys[i], "") for i in sel if probs[i] >= t)
        m = sub.scores(predicted)
        if m[2] > best[0]:
            best = (m[2], float(t), m)
    return best, sub.scores(spec)


def precision_threshold(probs, labels, target):
    order = np.argsort(-probs)
    tp = fp = 0
    best = None
    for i in order:
        tp += labels[i]
        fp += 1 - labels[i]
        if tp + fp >= 20 and tp / (tp + fp) >= target:
            best = float(probs[i])
    return best


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data-root", required=True)
    ap.add_argument("--labels", required=True)
    ap.add_argument("--binary", default=str(HERE / "target/release/keyhound"))
    ap.add_argument("--out", default=str(HERE / "data/generic-scorer.json"))
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--negatives", action="append", default=[], metavar="DIR",
                    help="clean real code whose generic candidates are training negatives")
    args = ap.parse_args()

    labels = Labels.read(args.labels)
    rows = run_json_lines([args.binary, "debug", "features", args.data_root])
    rules = json.loads(subprocess.run([args.binary, "rules", "list", "--format", "json"],
                                      check=True, capture_output=True, text=True).stdout)
    generic = {r["id"] for r in rules if r.get("generic")}
    findings = run_json_lines([args.binary, "scan", args.data_root, "-q", "-f", "jsonl"])
    specific = {(loc["path"], loc["line"]) for f in findings if f["rule_id"] not in generic
                for loc in f["locations"]}
    # Scan paths are relative to the working directory; make them relative to the root.
    root = args.data_root.rstrip("/") + "/"
    specific = {(p[len(root):] if p.startswith(root) else p, n) for p, n in specific}

    # One example per (line, rule): the strongest candidate decides.
    keys = [(r["path"], r["line"]) for r in rows]
    x = np.array([r["features"] for r in rows], dtype=float)
    y = np.array([1.0 if labels.item_lines.get(k) else 0.0 for k in keys])
    names = json.load(open(args.out))["features"]
    negatives = [r for d in args.negatives for r in run_json_lines([args.binary, "debug", "features", d])]
    if negatives:
        keys += [("negative:" + r["path"], r["line"]) for r in negatives]
        x = np.vstack([x, np.array([r["features"] for r in negatives], dtype=float)])
        y = np.concatenate([y, np.zeros(len(negatives))])
        print(f"{len(negatives)} negatives from real code", file=sys.stderr)
    print(f"{len(rows)} generic candidates on {len(set(keys))} lines, {int(y.sum())} positive;"
          f" {len(specific)} lines from specific rules", file=sys.stderr)

    repos = sorted({repo_of(k) for k in keys if not k[0].startswith("negative:")}
                   | {repo_of(k) for k in labels.labelled})
    random.Random(args.seed).shuffle(repos)
    half_a, half_b = set(repos[::2]), set(repos[1::2])
    mean, std = x.mean(axis=0), x.std(axis=0) + 1e-6
    z = (x - mean) / std

    def train_on(mask):
        return fit(z[mask], y[mask], names)

    is_negative = np.array([k[0].startswith("negative:") for k in keys])
    in_a = np.array([repo_of(k) in half_a for k in keys]) | is_negative
    in_b = ~np.array([repo_of(k) in half_a for k in keys]) | is_negative
    for name, train_mask, test_repos in (("A->B", in_a, half_b), ("B->A", in_b, half_a)):
        w, b = train_on(train_mask)
        probs = 1 / (1 + np.exp(-(z @ w + b)))
        (f1, t, m), base = sweep(probs, keys, specific, labels, test_repos)
        print(f"held-out {name}: specific rules only P {base[0]:.3f} R {base[1]:.3f} F1 {base[2]:.3f};"
              f" with scored generic (t={t:.2f}) P {m[0]:.3f} R {m[1]:.3f} F1 {m[2]:.3f}", file=sys.stderr)

    w, b = train_on(np.ones(len(y), dtype=bool))
    probs = 1 / (1 + np.exp(-(z @ w + b)))
    (f1, report_at, m), _ = sweep(probs, keys, specific, labels, set(repos))
    scored = ~is_negative
    medium = precision_threshold(probs[scored], y[scored], 0.85)
    high = precision_threshold(probs[scored], y[scored], 0.97)
    medium_at = max(report_at, medium if medium is not None else 1.01)
    high_at = max(medium_at, high if high is not None else 1.01)
    print(f"all data: P {m[0]:.3f} R {m[1]:.3f} F1 {m[2]:.3f} at report_at {report_at:.2f};"
          f" medium_at {medium_at:.2f}, high_at {high_at:.2f}", file=sys.stderr)

    raw_w = w / std
    raw_b = b - float((w * mean / std).sum())
    model = {
        "features": names,
        "weights": [round(float(v), 6) for v in raw_w],
        "bias": round(raw_b, 6),
        "report_at": round(report_at, 3),
        "medium_at": round(medium_at, 3),
        "high_at": round(high_at, 3),
        "trained": "scripts/eval/train-generic.py on the CredData dev split (line labels)",
    }
    with open(args.out, "w") as out:
        json.dump(model, out, indent=1)
        out.write("\n")
    for name, weight in sorted(zip(names, w), key=lambda p: -abs(p[1]))[:12]:
        print(f"  {name:<24} {weight:+.3f} (standardised)", file=sys.stderr)


if __name__ == "__main__":
    main()
