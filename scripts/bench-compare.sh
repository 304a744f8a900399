#!/usr/bin/env bash
# Times keyhound against the other scanners found on PATH (gitleaks, betterleaks,
# kingfisher, rg) and `cat`, on one corpus, with hyperfine; prints wall-time
# ratios against keyhound measured in the same run.
#
#   usage: scripts/bench-compare.sh CORPUS [RUNS]            (a directory, scanned as files)
#          scripts/bench-compare.sh --history REPO [RUNS]    (a git repository's full history)
#
# Install the other scanners with ../shared/tools/install-anchors.sh (or any
# other way) and put their bin/ on PATH, e.g.
#   PATH=$HOME/.cache/keyhound-anchors/bin:$PATH scripts/bench-compare.sh /tmp/rails
# hyperfine is a Debian package (apt-get install hyperfine).
# Every tool scans the directory as files (no git history), all cores, no
# network validation, and writes its report to /dev/null.
set -euo pipefail
history=false
if [ "${1:-}" = "--history" ]; then history=true; shift; fi
corpus=${1:?usage: bench-compare.sh [--history] CORPUS [RUNS]}
runs=${2:-$($history && echo 3 || echo 10)}
here=$(cd "$(dirname "$0")/.." && pwd)
command -v hyperfine >/dev/null || { echo "hyperfine not found (apt-get install hyperfine)" >&2; exit 2; }

cargo build --release --locked --quiet --manifest-path "$here/Cargo.toml"
keyhound="$here/target/release/keyhound"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

names=(keyhound)
if $history; then
  # Full history of every ref; no network validation; archives not extracted.
  cmds=("$keyhound scan --git '$corpus' -q -f json -o /dev/null")
  if command -v kingfisher >/dev/null; then
    names+=(kingfisher)
    cmds+=("kingfisher scan '$corpus' --git-history full --no-validate --no-update-check --format json > /dev/null 2>&1")
  fi
  if command -v gitleaks >/dev/null; then
    names+=(gitleaks)
    cmds+=("gitleaks git '$corpus' --no-banner --exit-code 0 -f json -r '$out/gitleaks.json' > /dev/null 2>&1")
  fi
  if command -v betterleaks >/dev/null; then
    names+=(betterleaks)
    cmds+=("betterleaks git '$corpus' --exit-code 0 --no-banner --max-archive-depth 0 -o '$out/betterleaks.json' > /dev/null 2>&1")
  fi
  names+=("git-log-p")
  cmds+=("git -C '$corpus' log -p --all > /dev/null")
else
  cmds=("$keyhound scan '$corpus' -q -f json -o /dev/null")
  if command -v kingfisher >/dev/null; then
    names+=(kingfisher)
    cmds+=("kingfisher scan '$corpus' --no-validate --no-update-check --git-history none --format json > /dev/null 2>&1")
  fi
  if command -v gitleaks >/dev/null; then
    names+=(gitleaks)
    cmds+=("gitleaks dir '$corpus' --no-banner --exit-code 0 -f json -r '$out/gitleaks.json' > /dev/null 2>&1")
  fi
  if command -v betterleaks >/dev/null; then
    names+=(betterleaks)
    cmds+=("betterleaks fs '$corpus' --exit-code 0 --no-banner -o \"$out/betterleaks.json\" >/dev/null 2>&1")
  fi
  if command -v rg >/dev/null; then
    names+=(rg)
    cmds+=("rg -uuu --no-messages -c -i 'password|secret|token|api_key|ghp_|AKIA' '$corpus' > /dev/null")
  fi
  names+=(cat)
  cmds+=("find '$corpus' -type f -print0 | xargs -0 cat > /dev/null")
fi

warmup=2; if $history; then warmup=0; fi
args=()
for i in "${!names[@]}"; do args+=(-n "${names[$i]}" "${cmds[$i]}"); done
hyperfine --warmup "$warmup" --runs "$runs" -i --export-json "$out/h.json" "${args[@]}" >&2

python3 - "$out/h.json" "$corpus" <<'PY'
import json, sys
results = json.load(open(sys.argv[1]))["results"]
by = {r["command"]: r for r in results}
base = by["keyhound"]["median"]
print(f"corpus: {sys.argv[2]}")
print(f"{'tool':<12} {'median s':>9} {'ratio vs keyhound':>18}")
for r in results:
    print(f"{r['command']:<12} {r['median']:>9.3f} {r['median'] / base:>17.2f}x")
PY
