#!/usr/bin/env bash
# Scores keyhound on the CredData dev split (../shared/eval/creddata-dev) with its
# own line-level scorer. Not a test: the data is not ours.
#   usage: scripts/eval-creddata.sh [WORKDIR]     (default /tmp/creddata)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
eval_dir=${EVAL_DIR:-$here/../shared/eval/creddata-dev}
work=${1:-/tmp/creddata}
mkdir -p "$work" && cd "$work"
[ -d data-dev ] || tar -xzf "$eval_dir/data-dev.tar.gz"
[ -f labels-dev.jsonl ] || gunzip -c "$eval_dir/labels-dev.jsonl.gz" > labels-dev.jsonl
cargo build --release --locked --quiet --manifest-path "$here/Cargo.toml"
"$here/target/release/keyhound" scan data-dev -q -f jsonl ${KEYHOUND_ARGS:-} > keyhound.jsonl || [ $? -eq 1 ]
# one {"path", "line"} object per reported location
python3 - <<'PY'
import json
with open("keyhound-locations.jsonl", "w") as out:
    for line in open("keyhound.jsonl"):
        finding = json.loads(line)
        for loc in finding["locations"]:
            out.write(json.dumps({"path": loc["path"], "line": loc["line"], "rule": finding["rule_id"]}) + "\n")
PY
python3 "$eval_dir/score.py" --data-root data-dev --labels labels-dev.jsonl \
  --format generic-jsonl keyhound-locations.jsonl --name keyhound
