#!/usr/bin/env python3
"""Line-level precision, recall and F1 of keyhound on a CredData-style labeled tree.

Not a test: such data is not ours and a user's clone does not have it.

    cargo build --release
    python3 scripts/eval/creddata.py --data-root DATA --labels LABELS.jsonl [--misses FILE]
                                     [--report keyhound.jsonl] [--exclude-category CAT]...
                                     [-- extra scan flags]

LABELS is JSON lines with `file_path` (its first component is dropped to make it
relative to DATA, as in CredData's `data/<repo>/...`), `line_start`, `line_end`,
`ground_truth` (T real credential, F not one, X placeholder) and `category`.

Method: every T row is a true item, rows of one file and line merged into one.
A reported location (path, line) finds every true item whose line range contains
it; a reported line inside no T row is a false positive (labelled F/X or
unlabelled: both count). Printed: totals, then per category (an item's category
is its first T row's; a false positive's is the label on its line or
"(unlabelled)"), then false positives per rule.

`--exclude-category CAT` (repeatable; exact category, e.g. `UUID`) leaves the true
items of that category out of the count and ignores reported lines inside them
(neither found nor false): a figure for a scanner that, by design, does not report
that category.
"""
import argparse
import collections
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


class Labels:
    """A CredData-style label file: true items and the label of every line.

    `items`: (path, first line) -> [last line, category, text], one per true item
    (T rows starting on the same line of a file merged); `labelled`: (path, line) ->
    (strongest label on the line, T > X > F, and its category); `item_lines`:
    (path, line) -> the true items covering that line."""

    def __init__(self, rows, exclude=()):
        self.rows = list(rows)
        self.exclude = set(exclude)
        self.items = {}
        self.labelled = {}
        self.excluded = set()
        rank = {"F": 1, "X": 2, "T": 3}
        for row in self.rows:
            rel = row["path"]
            if row["ground_truth"] == "T" and row["category"] in self.exclude:
                self.excluded.update((rel, n) for n in range(row["line_start"], row["line_end"] + 1))
                continue
            for n in range(row["line_start"], row["line_end"] + 1):
                old = self.labelled.get((rel, n))
                if old is None or rank[row["ground_truth"]] > rank[old[0]]:
                    self.labelled[(rel, n)] = (row["ground_truth"], row["category"])
            if row["ground_truth"] == "T":
                key = (rel, row["line_start"])
                item = self.items.setdefault(key, [row["line_end"], row["category"], row.get("lines", "")])
                item[0] = max(item[0], row["line_end"])
        self.item_lines = collections.defaultdict(set)
        for (rel, start), (end, _, _) in self.items.items():
            for n in range(start, end + 1):
                self.item_lines[(rel, n)].add((rel, start))

    @classmethod
    def read(cls, path, exclude=()):
        """Reads a label file (JSON lines); paths drop their first component;
        true rows of the `exclude` categories are set aside."""
        rows = []
        for line in open(path, encoding="utf-8"):
            row = json.loads(line)
            row["path"] = row["file_path"].split("/", 1)[1]
            rows.append(row)
        return cls(rows, exclude)

    def restricted(self, keep):
        """The labels of the files whose path `keep` accepts."""
        return Labels((row for row in self.rows if keep(row["path"])), self.exclude)

    def match(self, reported):
        """Given {(path, line): rule}, returns (true items found, false positives
        as ((path, line), rule, label, category))."""
        found = set()
        false_positives = []
        for key, rule in reported.items():
            if key in self.item_lines:
                found |= self.item_lines[key]
            elif key in self.excluded:
                continue
            else:
                truth, category = self.labelled.get(key, ("-", "(unlabelled)"))
                false_positives.append((key, rule, truth, category))
        return found, false_positives

    def scores(self, reported):
        """Precision, recall and F1 of the reported {(path, line): rule}."""
        found, false_positives = self.match(reported)
        tp, fp = len(found), len(false_positives)
        fn = len(self.items) - tp
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return precision, recall, f1


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data-root", required=True)
    ap.add_argument("--labels", required=True)
    ap.add_argument("--report", help="an existing `keyhound scan -f jsonl` report of DATA (else run keyhound)")
    ap.add_argument("--keyhound", default=os.path.join(HERE, "../../target/release/keyhound"))
    ap.add_argument("--misses", help="write missed items and false positives here (JSON lines)")
    ap.add_argument("--exclude-category", action="append", default=[], metavar="CAT",
                    help="leave this category's true items out (repeatable)")
    ap.add_argument("scan_args", nargs="*", help="extra flags for keyhound scan (after --)")
    args = ap.parse_args()

    root = args.data_root.rstrip("/")
    if args.report:
        lines = open(args.report, encoding="utf-8").read().splitlines()
    else:
        out = subprocess.run([args.keyhound, "scan", root, "-q", "-f", "jsonl", *args.scan_args],
                             capture_output=True, text=True)
        if out.returncode not in (0, 1):
            sys.exit(out.stderr)
        lines = out.stdout.splitlines()
    reported = {}  # (path, line) -> rule id
    for line in lines:
        finding = json.loads(line)
        for loc in finding["locations"]:
            path = os.path.relpath(loc["path"], root) if loc["path"].startswith(root) else loc["path"]
            reported.setdefault((path, loc["line"]), finding["rule_id"])

    labels = Labels.read(args.labels, args.exclude_category)
    items = labels.items
    found, false_positives = labels.match(reported)

    tp, fn, fp = len(found), len(items) - len(found), len(false_positives)
    precision, recall, f1 = labels.scores(reported)
    print(f"true items {len(items)}, reported lines {len(reported)}")
    print(f"TP {tp}  FN {fn}  FP {fp}  precision {precision:.4f}  recall {recall:.4f}  F1 {f1:.4f}")

    per = collections.defaultdict(collections.Counter)
    for key, (_, category, _) in items.items():
        per[category]["items"] += 1
        per[category]["tp"] += key in found
    for _, _, _, category in false_positives:
        per[category]["fp"] += 1
    print(f"\n{'category':<30} {'items':>6} {'TP':>6} {'FN':>6} {'FP':>6} {'recall':>7} {'prec':>7}")
    for category, c in sorted(per.items(), key=lambda kv: -kv[1]["items"]):
        rec = c["tp"] / c["items"] if c["items"] else float("nan")
        prec = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else float("nan")
        print(f"{category[:30]:<30} {c['items']:>6} {c['tp']:>6} {c['items'] - c['tp']:>6} {c['fp']:>6}"
              f" {rec:>7.3f} {prec:>7.3f}")

    rules = collections.Counter(rule for _, rule, _, _ in false_positives)
    print("\nfalse positives per rule:")
    for rule, n in rules.most_common(15):
        print(f"  {rule:<40} {n}")

    if args.misses:
        with open(args.misses, "w") as out:
            for key, (end, category, text) in sorted(items.items()):
                if key not in found:
                    out.write(json.dumps({"outcome": "missed", "path": key[0], "line": key[1],
                                          "category": category, "text": text}) + "\n")
            for key, rule, truth, category in sorted(false_positives):
                out.write(json.dumps({"outcome": "false-positive", "path": key[0], "line": key[1],
                                      "rule": rule, "label": truth, "category": category}) + "\n")


if __name__ == "__main__":
    main()
