#!/usr/bin/env python3
"""Recall and false-positive rate of keyhound on other scanners' published rule
examples (../shared/eval/public-examples.jsonl). Not a test: the data is not ours
and a user's clone does not have it.

    python3 scripts/eval/examples.py [EXAMPLES.jsonl] [--keyhound BIN] [--misses FILE] [--show-misses] [--randomize]

EXAMPLES is JSON lines with `text`, `label` (positive|negative), optional
`secret`, `source` (for grouping), `path` (file name to use) and `kind`.

Each example is written to its own file; one `keyhound scan` runs over all of
them. A positive counts as found when keyhound reports any finding in its file
(and, when the example names its secret, a finding whose secret overlaps it); the
"line-level" column also counts a finding on a line holding the labelled secret; a
negative counts as a false positive when keyhound reports anything in its file.
`non-secret(...)` positives (public identifiers, hashes) are excluded from recall.
"""
import argparse, collections, json, os, subprocess, sys, tempfile

here = os.path.dirname(os.path.abspath(__file__))
p = argparse.ArgumentParser()
p.add_argument("examples", nargs="?", default=os.path.join(here, "../../../shared/eval/public-examples.jsonl"))
p.add_argument("--keyhound", default=os.path.join(here, "../../target/release/keyhound"))
p.add_argument("--misses", help="write missed positives and reported negatives here (JSON lines)")
p.add_argument("--rules", action="append", default=[], metavar="FILE",
               help="extra rule file passed to `keyhound scan --rules` (repeatable)")
p.add_argument("--show-misses", action="store_true", help="also print every miss, per source")
p.add_argument("--randomize", action="store_true",
               help="diagnostic: replace each labelled secret by random characters of the same classes "
                    "(hex stays hex), separating misses by rule shape from placeholder values dropped on purpose")
args = p.parse_args()

rows = [json.loads(line) for line in open(args.examples)]


def randomized(value, rng):
    """`value` with letters and digits replaced at random, keeping their classes
    (hex stays hex) and the first four characters of every alphanumeric run (token
    prefixes such as `AKIA`, `xoxb`, `ghp_`)."""
    hexish = all(c in "0123456789abcdefABCDEF" for c in value if c.isalnum())
    out, run = [], 0
    for c in value:
        run = run + 1 if c.isalnum() else 0
        if run <= 4:
            out.append(c)
        elif c.isdigit():
            out.append(rng.choice("0123456789"))
        elif c.islower():
            out.append(rng.choice("abcdef" if hexish else "abcdefghijklmnopqrstuvwxyz"))
        elif c.isupper():
            out.append(rng.choice("ABCDEF" if hexish else "ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
        else:
            out.append(c)
    return "".join(out)


if args.randomize:
    import random
    rng = random.Random(7)
    for row in rows:
        secret = (row.get("secret") or "").lstrip("=:\"' \t")
        if row["label"] == "positive" and len(secret) >= 8 and secret in row["text"]:
            new = randomized(secret, rng)
            row["text"] = row["text"].replace(secret, new)
            row["secret"] = new
with tempfile.TemporaryDirectory() as tmp:
    for i, row in enumerate(rows):
        name = os.path.basename(row.get("path") or "") or f"example{i}.txt"
        os.makedirs(os.path.join(tmp, str(i)))
        with open(os.path.join(tmp, str(i), name), "w") as f:
            f.write(row["text"])
    out = subprocess.run([args.keyhound, "scan", tmp, "-q", "-f", "jsonl", "--show-secrets"]
                         + [a for r in args.rules for a in ("--rules", r)],
                         capture_output=True, text=True)
    if out.returncode not in (0, 1):
        sys.exit(out.stderr)
    found = collections.defaultdict(list)
    lines_found = collections.defaultdict(set)
    for line in out.stdout.splitlines():
        f = json.loads(line)
        for loc in f["locations"]:
            idx = int(os.path.relpath(loc["path"], tmp).split(os.sep)[0])
            found[idx].append(f)
            lines_found[idx].add(loc.get("line"))

stats = collections.defaultdict(lambda: collections.Counter())
misses = []
for i, row in enumerate(rows):
    kind = row.get("kind", "")
    if kind.startswith("non-secret"):
        continue
    src = row["source"]
    hits = found.get(i, [])
    if row["label"] == "positive":
        secret = row.get("secret")
        # Some published examples' extracted secrets keep the separator their
        # pattern consumed (`=abc…`, `: abc…`); compare the value itself.
        secret = secret.lstrip("=:\"' \t") if secret else secret
        # The other tools record one capture group as "the secret"; for
        # multi-part credentials it may be a part keyhound reports beside its
        # secret (user name, account id), which counts too.
        values = [v for h in hits for v in [h["secret"]] + [p.get("value", "") for p in h.get("parts", [])] if v]
        ok = any(secret is None or secret in v or v in secret for v in values) if secret else bool(hits)
        # Line level, as CredData's scorer counts: a finding on a line that
        # holds the labelled secret (the other tool's "secret" may be the user
        # name of a connection string whose password keyhound reports).
        secret_lines = {n for n, text in enumerate(row["text"].split("\n"), 1) if secret and secret.split("\n")[0] in text}
        line_ok = ok or bool(secret_lines & lines_found.get(i, set()))
        stats[src]["pos"] += 1
        stats[src]["tp"] += ok
        stats[src]["line_tp"] += line_ok
        if not ok:
            misses.append({**row, "index": i, "outcome": "missed"})
    else:
        stats[src]["neg"] += 1
        stats[src]["fp"] += bool(hits)
        if hits:
            misses.append({**row, "index": i, "outcome": "reported-negative", "rules": [h["rule_id"] for h in hits]})

print(f"{'source':<12} {'positives':>9} {'found':>6} {'recall':>7} {'line-level':>10} {'negatives':>9} {'reported':>8} {'FP rate':>7}")
for src, c in sorted(stats.items()):
    recall = c["tp"] / c["pos"] if c["pos"] else 0
    line_recall = c["line_tp"] / c["pos"] if c["pos"] else 0
    fpr = c["fp"] / c["neg"] if c["neg"] else 0
    print(f"{src:<12} {c['pos']:>9} {c['tp']:>6} {recall:>7.1%} {line_recall:>10.1%} {c['neg']:>9} {c['fp']:>8} {fpr:>7.1%}")
if args.show_misses:
    for src in sorted(stats):
        print(f"\n== {src}: misses and reported negatives")
        for m in misses:
            if m["source"] == src:
                text = m["text"].replace("\n", " ")[:100]
                print(f"  {m['outcome']:<18} {m.get('rule_id', '-'):<36} {text}")
if args.misses:
    with open(args.misses, "w") as f:
        for m in misses:
            f.write(json.dumps(m) + "\n")
