#!/usr/bin/env bash
# keyhound GitHub Action: the logic behind action.yml, runnable locally.
#
#   action/run.sh cache-key   print `key=` and `dir=` for actions/cache (to $GITHUB_OUTPUT)
#   action/run.sh install     build keyhound from this action's source unless cached
#   action/run.sh scan        install if needed, work out what to scan, run keyhound
#                             (SARIF + markdown summary), set outputs, exit with the result
#
# Environment (all optional; the action sets them from its inputs):
#   INPUT_ARGS            extra `keyhound scan` arguments: one per line, or
#                         whitespace-separated on one line (no shell quoting)
#   INPUT_BASELINE        --baseline FILE: only findings not in it count
#   INPUT_CONFIG          --config FILE
#   INPUT_FAIL_ON         --fail-on SEVERITY (default low: every finding fails)
#   KEYHOUND_BIN          use this keyhound binary instead of building one
#   KEYHOUND_INSTALL_ROOT cargo install --root (default $RUNNER_TEMP/keyhound-install)
#   KEYHOUND_OUTPUT_DIR   where keyhound.sarif and keyhound.md go (default $RUNNER_TEMP, else .)
#   KEYHOUND_BASE / KEYHOUND_HEAD  force the range BASE..HEAD (any event)
# and GitHub's own: GITHUB_EVENT_NAME, GITHUB_EVENT_PATH, GITHUB_WORKSPACE,
# GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, GITHUB_ACTION_PATH, RUNNER_TEMP, RUNNER_OS.
#
# Exit codes: 0 no new findings, 1 new findings, 2 error (keyhound's or this script's).
set -euo pipefail

ZERO_SHA=0000000000000000000000000000000000000000

action_root() {
    if [[ -n "${GITHUB_ACTION_PATH:-}" ]]; then
        printf '%s\n' "$GITHUB_ACTION_PATH"
    else
        (cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
    fi
}

log() { printf 'keyhound-action: %s\n' "$*" >&2; }

# An error annotation on GitHub, a plain message elsewhere; exits 2.
die() {
    if [[ -n "${GITHUB_ACTIONS:-}" ]]; then
        printf '::error title=keyhound::%s\n' "$*"
    fi
    log "error: $*"
    exit 2
}

# Appends `name=value` to $GITHUB_OUTPUT (when set) and echoes it to stderr.
set_output() {
    if [[ -n "${GITHUB_OUTPUT:-}" ]]; then
        printf '%s=%s\n' "$1" "$2" >>"$GITHUB_OUTPUT"
    fi
    log "output $1=$2"
}

sha256() {
    if command -v sha256sum >/dev/null 2>&1; then
        sha256sum | cut -d' ' -f1
    else
        shasum -a 256 | cut -d' ' -f1
    fi
}

install_root() {
    printf '%s\n' "${KEYHOUND_INSTALL_ROOT:-${RUNNER_TEMP:-${TMPDIR:-/tmp}}/keyhound-install}"
}

# Cache key: OS, architecture and a hash of everything the binary is built from.
cache_key() {
    local root digest
    root="$(action_root)"
    local -a inputs=()
    local item
    for item in Cargo.toml Cargo.lock build.rs src rules data; do
        [[ -e "$root/$item" ]] && inputs+=("$item")
    done
    digest="$(
        cd "$root" &&
            find "${inputs[@]}" -type f | LC_ALL=C sort |
            while IFS= read -r file; do
                printf '%s %s\n' "$file" "$(sha256 <"$file")"
            done | sha256
    )"
    set_output key "keyhound-${RUNNER_OS:-$(uname -s)}-${RUNNER_ARCH:-$(uname -m)}-${digest:0:32}"
    set_output dir "$(install_root)"
}

# Prints the path of a working keyhound binary, building it when needed.
find_or_install() {
    local root bin
    if [[ -n "${KEYHOUND_BIN:-}" ]]; then
        [[ -x "$KEYHOUND_BIN" ]] || die "KEYHOUND_BIN=$KEYHOUND_BIN is not an executable file"
        printf '%s\n' "$KEYHOUND_BIN"
        return
    fi
    root="$(install_root)"
    for bin in "$root/bin/keyhound" "$root/bin/keyhound.exe"; do
        if [[ -x "$bin" ]]; then
            log "using cached $bin"
            printf '%s\n' "$bin"
            return
        fi
    done
    command -v cargo >/dev/null 2>&1 ||
        die "cargo is not installed: add a Rust toolchain step (e.g. dtolnay/rust-toolchain@stable) before this action, or set KEYHOUND_BIN"
    log "building keyhound from $(action_root) (cached for later runs)"
    cargo install --path "$(action_root)" --locked --root "$root" --bin keyhound >&2 ||
        die "cargo install failed (see the log above)"
    for bin in "$root/bin/keyhound" "$root/bin/keyhound.exe"; do
        if [[ -x "$bin" ]]; then
            printf '%s\n' "$bin"
            return
        fi
    done
    die "cargo install finished but $root/bin/keyhound is missing"
}

# Reads a string field (dotted path) of the event JSON; empty when absent.
event_field() {
    local path="$1" file="${GITHUB_EVENT_PATH:-}"
    [[ -n "$file" && -f "$file" ]] || return 0
    if command -v jq >/dev/null 2>&1; then
        jq -r --arg path "$path" 'getpath($path | split(".")) // empty | tostring' "$file"
    elif command -v python3 >/dev/null 2>&1; then
        python3 - "$file" "$path" <<'PY'
import json, sys
value = json.load(open(sys.argv[1], encoding="utf-8"))
for key in sys.argv[2].split("."):
    value = value.get(key) if isinstance(value, dict) else None
if value is not None:
    print(value if isinstance(value, str) else json.dumps(value))
PY
    else
        die "reading $file needs jq or python3"
    fi
}

is_zero() { [[ -z "$1" || "$1" =~ ^0+$ ]]; }

has_commit() { git cat-file -e "$1^{commit}" 2>/dev/null; }

# Makes sure BASE and HEAD are present and history is complete: a shallow
# clone would make old commits look new. Fetches what is missing when it can.
ensure_history() {
    local base="$1" head="$2"
    if [[ "$(git rev-parse --is-shallow-repository 2>/dev/null)" == true ]]; then
        log "shallow clone: fetching the full history (use actions/checkout with fetch-depth: 0 to skip this)"
        git fetch --quiet --no-tags --unshallow origin >&2 ||
            die "the clone is shallow and 'git fetch --unshallow' failed: check out with fetch-depth: 0"
    fi
    local sha
    for sha in "$base" "$head"; do
        is_zero "$sha" && continue
        if ! has_commit "$sha"; then
            log "commit $sha is missing: fetching it"
            git fetch --quiet --no-tags origin "$sha" >&2 || true
            has_commit "$sha" ||
                die "commit $sha is not in the repository: check out with fetch-depth: 0"
        fi
    done
}

# Sets RANGE (BASE..HEAD, or empty for a work-tree scan) and DESCRIPTION.
compute_range() {
    local event="${GITHUB_EVENT_NAME:-}" base="" head=""
    RANGE=""
    if [[ -n "${KEYHOUND_BASE:-}${KEYHOUND_HEAD:-}" ]]; then
        base="${KEYHOUND_BASE:-}"
        head="${KEYHOUND_HEAD:-HEAD}"
        DESCRIPTION="range ${base:-(all history)}..$head (KEYHOUND_BASE/KEYHOUND_HEAD)"
    else
        case "$event" in
        pull_request | pull_request_target)
            base="$(event_field pull_request.base.sha)"
            head="$(event_field pull_request.head.sha)"
            [[ -n "$base" && -n "$head" ]] ||
                die "$event event without pull_request.base.sha/head.sha in ${GITHUB_EVENT_PATH:-(no GITHUB_EVENT_PATH)}"
            DESCRIPTION="pull request: commits $base..$head"
            ;;
        merge_group)
            base="$(event_field merge_group.base_sha)"
            head="$(event_field merge_group.head_sha)"
            [[ -n "$base" && -n "$head" ]] || die "merge_group event without base_sha/head_sha"
            DESCRIPTION="merge queue: commits $base..$head"
            ;;
        push)
            base="$(event_field before)"
            head="$(event_field after)"
            if [[ "$(event_field deleted)" == true ]] || { [[ -n "$head" ]] && is_zero "$head"; }; then
                DESCRIPTION="push deleting a branch: nothing to scan"
                RANGE="-"
                return
            fi
            [[ -n "$head" ]] || head="${GITHUB_SHA:-HEAD}"
            if is_zero "$base"; then
                # A new branch: what it adds over the default branch when that
                # is known and is another branch, else all of its history.
                local default pushed
                default="$(event_field repository.default_branch)"
                pushed="$(event_field ref)"
                base=""
                if [[ -n "$default" && "$pushed" != "refs/heads/$default" ]] &&
                    git rev-parse --verify --quiet "refs/remotes/origin/$default^{commit}" >/dev/null; then
                    base="$(git rev-parse "refs/remotes/origin/$default^{commit}")"
                    DESCRIPTION="push of a new branch: commits not on $default ($base..$head)"
                else
                    DESCRIPTION="push of a new branch: all history of $head"
                fi
            else
                DESCRIPTION="push: commits $base..$head"
            fi
            ;;
        *)
            DESCRIPTION="${event:-local} event: the whole work tree"
            return
            ;;
        esac
    fi
    ensure_history "$base" "$head"
    if is_zero "$base"; then
        base=""
    fi
    RANGE="$base..$head"
}

# Does `keyhound scan` have the option FLAG (`--fail-on`)?
supports() {
    grep -qE -- "^[[:space:]]*(-[A-Za-z], )?$1([[:space:]=]|\$)" <<<"$SCAN_HELP"
}

scan() {
    local bin workspace outdir sarif summary code summary_code findings
    local -a args extra
    bin="$(find_or_install)"
    "$bin" --version >&2 || die "$bin does not run"
    workspace="${GITHUB_WORKSPACE:-$PWD}"
    cd "$workspace" || die "cannot enter $workspace"
    outdir="${KEYHOUND_OUTPUT_DIR:-${RUNNER_TEMP:-$PWD}}"
    mkdir -p "$outdir" || die "cannot create $outdir"
    outdir="$(cd "$outdir" && pwd)"
    sarif="$outdir/keyhound.sarif"
    summary="$outdir/keyhound.md"
    rm -f "$sarif" "$summary"
    SCAN_HELP="$("$bin" scan --help 2>&1 || true)"

    compute_range
    log "$DESCRIPTION"
    if [[ "$RANGE" == "-" ]]; then
        set_output findings 0
        set_output exit-code 0
        return 0
    fi

    args=(scan .)
    if [[ -n "$RANGE" ]]; then
        args+=(--range "$RANGE")
    fi
    if [[ -n "${INPUT_BASELINE:-}" ]]; then
        supports --baseline || die "this keyhound has no --baseline option"
        args+=(--baseline "$INPUT_BASELINE")
    fi
    if [[ -n "${INPUT_CONFIG:-}" ]]; then
        supports --config || die "this keyhound has no --config option"
        args+=(--config "$INPUT_CONFIG")
    fi
    local fail_on="${INPUT_FAIL_ON:-low}"
    if supports --fail-on; then
        args+=(--fail-on "$fail_on")
    elif [[ "$fail_on" != low ]]; then
        die "this keyhound has no --fail-on option (fail-on: $fail_on)"
    fi
    extra=()
    if [[ -n "${INPUT_ARGS:-}" ]]; then
        if [[ "$INPUT_ARGS" == *$'\n'* ]]; then
            local line
            while IFS= read -r line; do
                line="${line#"${line%%[![:space:]]*}"}"
                line="${line%"${line##*[![:space:]]}"}"
                [[ -n "$line" ]] && extra+=("$line")
            done <<<"$INPUT_ARGS"
        else
            read -r -a extra <<<"$INPUT_ARGS"
        fi
    fi
    args+=(${extra[@]+"${extra[@]}"})

    log "running: keyhound ${args[*]} -f sarif -o $sarif"
    set +e
    "$bin" "${args[@]}" -f sarif -o "$sarif"
    code=$?
    # The same scan again for the summary (keyhound writes one format per run).
    "$bin" "${args[@]}" -q --color never -f markdown -o "$summary"
    summary_code=$?
    set -e

    if [[ -f "$sarif" ]]; then
        set_output sarif "$sarif"
    fi
    findings=""
    if [[ -f "$summary" ]]; then
        findings="$(sed -n 's/^## keyhound: \([0-9][0-9]*\) secrets\{0,1\} found$/\1/p' "$summary" | head -n 1)"
        if grep -q '^## keyhound: No secrets found' "$summary"; then
            findings=0
        fi
        {
            printf '### Scanned: %s\n\n' "$DESCRIPTION"
            cat "$summary"
        } >"$summary.tmp" && mv "$summary.tmp" "$summary"
        if [[ -n "${GITHUB_STEP_SUMMARY:-}" ]]; then
            cat "$summary" >>"$GITHUB_STEP_SUMMARY"
        fi
        set_output summary "$summary"
        cat "$summary" >&2
    elif [[ -f "$sarif" ]]; then
        # No summary: count distinct fingerprints in the SARIF.
        findings="$(grep -o '"keyhound/v1": *"[0-9a-f]*"' "$sarif" | sort -u | wc -l | tr -d ' ')"
    fi
    set_output findings "${findings:-0}"
    set_output exit-code "$code"

    if [[ "$code" -eq 0 ]]; then
        if [[ "$summary_code" -ne 0 ]]; then
            log "warning: the summary run exited $summary_code"
        fi
        log "no new secrets"
        return 0
    fi
    if [[ "$code" -eq 2 ]]; then
        die "keyhound could not complete the scan (exit code 2): see its error above"
    fi
    local message="keyhound found ${findings:-some} new secret(s) ($DESCRIPTION). Rotate them; see the job summary"
    if [[ -n "${GITHUB_ACTIONS:-}" ]]; then
        printf '::error title=keyhound::%s\n' "$message"
    fi
    log "$message"
    exit 1
}

main() {
    case "${1:-scan}" in
    cache-key) cache_key ;;
    install)
        local bin
        bin="$(find_or_install)"
        set_output bin "$bin"
        ;;
    scan) scan ;;
    *)
        log "usage: $0 [cache-key|install|scan]"
        exit 2
        ;;
    esac
}

main "$@"
