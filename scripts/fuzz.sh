#!/usr/bin/env bash
# scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]
#
# Fuzzes the decoders and parsers (tests/FlowRelay.Fuzz) with AFL++ and SharpFuzz:
#   1. publishes the fuzz project (Release) into a temporary directory;
#   2. replays the committed corpus (seeds and crash regressions) through every target on the
#      uninstrumented build: any exception fails the run;
#   3. instruments a copy's FlowRelay.Protocols.dll with `sharpfuzz` (installed when missing);
#   4. runs afl-fuzz on each target for SECONDS_PER_TARGET (default 20), FUZZ_JOBS at a time
#      (default 1), every step bounded by `timeout`;
#   5. prints executions, corpus size, crashes and hangs per target from AFL's fuzzer_stats, and
#      exits 1 naming the target and input files if any run saved a crash or a hang.
# Targets (default all): flow syslog syslog-framing bind unbound dnsmasq zeek-json cef dns-reader.
# FUZZ_KEEP=DIR copies each target's AFL output directory (queue, crashes, hangs, stats) to DIR.
# Needs afl-fuzz (Debian package afl++) and the .NET 10 SDK. Temporary files are removed on exit.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

log() { printf '[fuzz.sh] %s\n' "$*" >&2; }

ALL_TARGETS=(flow syslog syslog-framing bind unbound dnsmasq zeek-json cef dns-reader)
SECONDS_PER_TARGET="${1:-20}"
[[ "$SECONDS_PER_TARGET" =~ ^[1-9][0-9]*$ ]] || { log "usage: $0 [SECONDS_PER_TARGET] [TARGET...]"; exit 2; }
shift $(($# > 0 ? 1 : 0))
TARGETS=("$@")
((${#TARGETS[@]} > 0)) || TARGETS=("${ALL_TARGETS[@]}")
for t in "${TARGETS[@]}"; do
  [[ " ${ALL_TARGETS[*]} " == *" $t "* ]] || { log "unknown target '$t' (targets: ${ALL_TARGETS[*]})"; exit 2; }
done
JOBS="${FUZZ_JOBS:-1}"
[[ "$JOBS" =~ ^[1-9][0-9]*$ ]] || { log "FUZZ_JOBS must be a positive integer"; exit 2; }

# flow: UDP payloads; dns-reader: whole multi-line logs; the others: one line or message.
corpus_of() {
  case "$1" in
    flow) echo "$ROOT/tests/FlowRelay.Fuzz/corpus/flow" ;;
    dns-reader) echo "$ROOT/tests/FlowRelay.Fuzz/corpus/lines" ;;
    *) echo "$ROOT/tests/FlowRelay.Fuzz/corpus/text" ;;
  esac
}

command -v afl-fuzz >/dev/null 2>&1 || { log "afl-fuzz not found: apt-get install afl++"; exit 1; }
command -v dotnet >/dev/null 2>&1 || { log "dotnet (the .NET 10 SDK) is not on PATH"; exit 1; }

WORK="$(mktemp -d /tmp/flowrelay-fuzz.XXXXXX)"
cleanup() {
  local pids
  pids="$(jobs -pr)"
  [[ -z "$pids" ]] || kill $pids 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# 1. Publish. Replays run on this plain copy: instrumented code outside afl-fuzz writes to a
# shared-memory map that is not there and dies.
log "publishing tests/FlowRelay.Fuzz (Release) into $WORK/plain"
timeout 900 dotnet publish tests/FlowRelay.Fuzz -c Release -o "$WORK/plain" -nologo -v quiet >"$WORK/publish.log" 2>&1 ||
  { cat "$WORK/publish.log" >&2; log "publish failed"; exit 1; }

# 2. Replay the committed corpus through every target.
for t in "${TARGETS[@]}"; do
  if ! timeout 300 dotnet "$WORK/plain/flowrelay-fuzz.dll" "$t" --replay "$(corpus_of "$t")" >"$WORK/replay.log" 2>&1; then
    cat "$WORK/replay.log" >&2
    log "FAILED: replaying $(corpus_of "$t") through '$t' threw (see above)"
    exit 1
  fi
  log "$(cat "$WORK/replay.log")"
done

# 3. Instrument a copy.
SHARPFUZZ="$(command -v sharpfuzz || true)"
[[ -n "$SHARPFUZZ" || ! -x "$HOME/.dotnet/tools/sharpfuzz" ]] || SHARPFUZZ="$HOME/.dotnet/tools/sharpfuzz"
if [[ -z "$SHARPFUZZ" ]]; then
  log "installing the sharpfuzz tool (SharpFuzz.CommandLine 2.3.0)"
  if timeout 300 dotnet tool install --global SharpFuzz.CommandLine --version 2.3.0 >&2; then
    SHARPFUZZ="$HOME/.dotnet/tools/sharpfuzz"
  else
    log "global install failed; installing into $WORK/tools"
    timeout 300 dotnet tool install SharpFuzz.CommandLine --version 2.3.0 --tool-path "$WORK/tools" >&2
    SHARPFUZZ="$WORK/tools/sharpfuzz"
  fi
fi
cp -r "$WORK/plain" "$WORK/afl"
timeout 300 "$SHARPFUZZ" "$WORK/afl/FlowRelay.Protocols.dll" >"$WORK/sharpfuzz.log" 2>&1 ||
  { cat "$WORK/sharpfuzz.log" >&2; log "sharpfuzz could not instrument FlowRelay.Protocols.dll"; exit 1; }

# 4. Fuzz. AFL_NO_AFFINITY: other processes share the cores, so there may be no free core to bind
# to. AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES: core_pattern is not changed on a shared machine.
# AFL_SKIP_BIN_CHECK: the target is `dotnet`, not an instrumented native binary (SharpFuzz speaks
# the fork-server protocol from inside the managed process).
export AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_SKIP_CPUFREQ=1 \
  AFL_NO_AFFINITY=1 AFL_FORKSRV_INIT_TMO=120000 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

fuzz_one() {
  local t="$1" rc=0
  # -V ends the run after the time; timeout is the backstop (-k: SIGKILL if SIGTERM is ignored).
  timeout -k 30 $((SECONDS_PER_TARGET + 300)) \
    afl-fuzz -V "$SECONDS_PER_TARGET" -i "$(corpus_of "$t")" -o "$WORK/out/$t" -t 10000 -m none \
    -- dotnet "$WORK/afl/flowrelay-fuzz.dll" "$t" --afl >"$WORK/log/$t.log" 2>&1 || rc=$?
  echo "$rc" >"$WORK/log/$t.rc"
}

mkdir -p "$WORK/out" "$WORK/log"
log "afl-fuzz: ${SECONDS_PER_TARGET}s per target, $JOBS at a time: ${TARGETS[*]} (load average: $(cut -d' ' -f1-3 /proc/loadavg))"
for t in "${TARGETS[@]}"; do
  while (($(jobs -pr | wc -l) >= JOBS)); do wait -n || true; done
  fuzz_one "$t" &
done
wait
declare -A RC=()
for t in "${TARGETS[@]}"; do RC[$t]="$(cat "$WORK/log/$t.rc" 2>/dev/null || echo 255)"; done
load="$(cut -d' ' -f1-3 /proc/loadavg)"

# 5. Report.
stat_of() { awk -F' *: *' -v k="$2" '$1 == k { print $2 }' "$1" 2>/dev/null; }
failed=0
printf '\n%-15s %8s %12s %10s %7s %8s %6s %10s\n' target seconds executions execs/s corpus crashes hangs stability
for t in "${TARGETS[@]}"; do
  out="$WORK/out/$t/default"
  stats="$out/fuzzer_stats"
  if [[ ! -s "$stats" ]]; then
    printf '%-15s %s\n' "$t" "no fuzzer_stats (afl-fuzz exit ${RC[$t]})"
    tail -n 30 "$WORK/log/$t.log" >&2 || true
    failed=1
    continue
  fi
  crashes=("$out"/crashes/id:*) hangs=("$out"/hangs/id:*)
  [[ -e "${crashes[0]}" ]] || crashes=()
  [[ -e "${hangs[0]}" ]] || hangs=()
  printf '%-15s %8s %12s %10s %7s %8s %6s %10s\n' "$t" "$(stat_of "$stats" run_time)" "$(stat_of "$stats" execs_done)" \
    "$(stat_of "$stats" execs_per_sec)" "$(stat_of "$stats" corpus_count)" "${#crashes[@]}" "${#hangs[@]}" "$(stat_of "$stats" stability)"
  if [[ ${RC[$t]} != 0 ]]; then
    log "FAILED: afl-fuzz '$t' exited ${RC[$t]}"; tail -n 30 "$WORK/log/$t.log" >&2 || true; failed=1
  fi
  if ((${#crashes[@]} + ${#hangs[@]} > 0)); then
    failed=1
    # Kept outside $WORK (which is removed), so the names below stay valid.
    findings="${findings:-$(mktemp -d /tmp/flowrelay-fuzz-findings.XXXXXX)}"
    for f in "${crashes[@]}" "${hangs[@]}"; do
      kind="$(basename "$(dirname "$f")")"
      mkdir -p "$findings/$t/$kind" && cp "$f" "$findings/$t/$kind/"
      log "FAILED: target '$t' saved a $([[ $kind == crashes ]] && echo crash || echo hang): $findings/$t/$kind/$(basename "$f") ($(stat -c %s "$f") bytes)"
      od -A d -c "$f" | head -n 8 >&2 || true
      # The plain build names the exception a crash input raises.
      if [[ $kind == crashes ]]; then
        mkdir -p "$WORK/one" && rm -f "$WORK/one/"* && cp "$f" "$WORK/one/"
        timeout 60 dotnet "$WORK/plain/flowrelay-fuzz.dll" "$t" --replay "$WORK/one" 2>&1 | head -n 15 >&2 || true
      fi
    done
  fi
  if [[ -n "${FUZZ_KEEP:-}" ]]; then mkdir -p "$FUZZ_KEEP" && rm -rf "${FUZZ_KEEP:?}/$t" && cp -r "$WORK/out/$t" "$FUZZ_KEEP/$t"; fi
done
echo "load average at the end: $load"
if ((failed)); then log "FAILED"; exit 1; fi
log "no crash, no hang"
