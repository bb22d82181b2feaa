#!/usr/bin/env bash
# Soak: the relay at a steady rate for a long time, recording memory, CPU and loss every
# interval, then judging flat memory and zero loss.
#
#   scripts/soak.sh --rate 100000 --duration 30m          the documented long run
#   scripts/soak.sh --ci                                   60 s at 20,000 records/s, 10,000 hosts (all
#                                                          seen in the warm-up), memory judged from
#                                                          30 s: the smoke run test.sh makes
# Options: --format ipfix|v9  --exporters N  --hosts N  --interval SECONDS  --ndjson (full path)
#          --warmup SECONDS (memory is judged from the first sample at or after it; default: the
#          second sample)  --max-groups N (rules.max_groups; default 200000, room for the hosts)
#          --rev REV (build that commit; default: the working tree)  --keep
# Load goes only to 127.0.0.1. Prints one line per interval (RSS, CPU, records, drops) and a
# verdict; the samples are in <work>/soak.tsv. Exit 1 on any loss or when memory grew more than
# 20% between the end of the warm-up and the end. The warm-up covers JIT and the windows filling:
# with 100,000 hosts the correlation state grows until every host has its groups, which takes
# minutes at modest rates, so a long soak should pass --warmup 600.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RATE=100000; DURATION=30m; FORMAT=ipfix; EXPORTERS=50; HOSTS=100000; INTERVAL=30; NDJSON=false; REV=""; KEEP=0; WARMUP=""; MAX_GROUPS=200000
while (($#)); do
  case "$1" in
    --ci) RATE=20000; DURATION=60s; INTERVAL=10; WARMUP=30; HOSTS=10000 ;;
    --rate) RATE="$2"; shift ;;
    --duration) DURATION="$2"; shift ;;
    --format) FORMAT="$2"; shift ;;
    --exporters) EXPORTERS="$2"; shift ;;
    --hosts) HOSTS="$2"; shift ;;
    --interval) INTERVAL="$2"; shift ;;
    --ndjson) NDJSON=true ;;
    --warmup) WARMUP="$2"; shift ;;
    --max-groups) MAX_GROUPS="$2"; shift ;;
    --rev) REV="$2"; shift ;;
    --keep) KEEP=1 ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    *) echo "soak.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
log() { printf '[soak %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
WORK="$(mktemp -d /tmp/flowrelay-soak.XXXXXX)"
RPID=""; GPID=""
cleanup() {
  [[ -n $GPID ]] && kill "$GPID" 2>/dev/null || true
  [[ -n $RPID ]] && kill "$RPID" 2>/dev/null || true
  ((KEEP)) || rm -rf "$WORK"
}
trap cleanup EXIT

SRC="$ROOT"
if [[ -n $REV ]]; then SRC="$WORK/src"; mkdir -p "$SRC"; git -C "$ROOT" archive "$REV" | tar -x -C "$SRC"; fi
log "building (Release) into $WORK"
for proj in src/FlowRelay/FlowRelay.csproj:relay tools/FlowRelay.LoadGen/FlowRelay.LoadGen.csproj:loadgen; do
  timeout 600 dotnet publish "$SRC/${proj%%:*}" -c Release -o "$WORK/${proj##*:}" -nologo -v q >"$WORK/build.log" 2>&1 ||
    { grep -E "error" "$WORK/build.log" | head -20 >&2; log "build failed"; exit 1; }
done

PORT=""
for _ in $(seq 1 50); do p=$((30000 + RANDOM % 20000)); ss -Huln "sport = :$p" | grep -q . || { PORT=$p; break; }; done
[[ -n $PORT ]] || { log "no free port"; exit 1; }
mkdir -p "$WORK/data"
cat >"$WORK/flowrelay.yaml" <<EOF
data_dir: $WORK/data
stats_interval: 5s
log_level: warn
inputs:
  flow:
    listen: ["127.0.0.1:$PORT"]
rules:
  max_groups: $MAX_GROUPS
outputs:
  ndjson:
    enabled: $NDJSON
    max_files: 4
    max_file_size: 256MiB
EOF
"$WORK/relay/flowrelay" run -c "$WORK/flowrelay.yaml" >"$WORK/relay.log" 2>&1 &
RPID=$!
for _ in $(seq 1 300); do ss -Huln "sport = :$PORT" | grep -q . && break; sleep 0.1; done
ss -Huln "sport = :$PORT" | grep -q . || { log "relay did not start"; cat "$WORK/relay.log" >&2; exit 1; }

secs=$(python3 -c "import sys; s=sys.argv[1]; m={'s':1,'m':60,'h':3600}; print(int(float(s[:-1])*m[s[-1]]) if s[-1] in m else int(s))" "$DURATION")
log "relay pid $RPID on 127.0.0.1:$PORT; sending $RATE records/s ($FORMAT, $EXPORTERS exporters, $HOSTS hosts) for ${secs}s; load average $(cut -d' ' -f1-3 /proc/loadavg)"
"$WORK/loadgen/flowrelay-loadgen" --target "127.0.0.1:$PORT" --format "$FORMAT" --exporters "$EXPORTERS" --hosts "$HOSTS" \
  --rate "$RATE" --duration "${secs}s" >"$WORK/loadgen.json" &
GPID=$!

hex=$(printf '0100007F:%04X' "$PORT")
hz=$(getconf CLK_TCK)
# gc_pause_ms: how long the .NET collector held the relay's threads in the interval (stats.json
# runtime.gc_pause_ms, written every 5 s): a kernel drop beside a jump here points at the collector.
printf 't_s\trss_mb\tcpu_pct\tdecoded\temitted\tqueue_drops\tkernel_drops\tgc_pause_ms\tload1\n' | tee "$WORK/soak.tsv"
t=0; prev_ticks=$(awk '{ print $14 + $15 }' "/proc/$RPID/stat"); prev_gc=0
while kill -0 "$GPID" 2>/dev/null; do
  sleep "$INTERVAL"; t=$((t + INTERVAL))
  kill -0 "$RPID" 2>/dev/null || { log "the relay died"; tail -20 "$WORK/relay.log" >&2; exit 1; }
  ticks=$(awk '{ print $14 + $15 }' "/proc/$RPID/stat")
  rss=$(awk '/VmRSS/ { printf "%.0f", $2 / 1024 }' "/proc/$RPID/status")
  cpu=$(awk -v a="$prev_ticks" -v b="$ticks" -v s="$INTERVAL" -v hz="$hz" 'BEGIN { printf "%.0f", (b - a) / hz / s * 100 }')
  prev_ticks=$ticks
  read -r dec emi qd gc < <(python3 -c "
import json,sys
try: d=json.load(open(sys.argv[1]))
except Exception: print(0,0,0,0); sys.exit()
print(d.get('decoder',{}).get('records',0), d['pipeline']['events'], d['ingest']['dropped_queue_full'], d.get('runtime',{}).get('gc_pause_ms',0))" "$WORK/data/stats.json")
  kd=$(awk -v a="$hex" '$2 == a { print $NF }' /proc/net/udp)
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$t" "$rss" "$cpu" "$dec" "$emi" "$qd" "${kd:-NA}" "$((gc - prev_gc))" "$(cut -d' ' -f1 /proc/loadavg)" | tee -a "$WORK/soak.tsv"
  prev_gc=$gc
done
wait "$GPID" || true; GPID=""
sleep 8 # drain, and one more stats interval
kd=$(awk -v a="$hex" '$2 == a { print $NF }' /proc/net/udp)
hwm=$(awk '/VmHWM/ { printf "%.0f", $2 / 1024 }' "/proc/$RPID/status")
kill -TERM "$RPID"; for _ in $(seq 1 300); do kill -0 "$RPID" 2>/dev/null || break; sleep 0.1; done; RPID=""
sent=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['records'])" "$WORK/loadgen.json")
read -r dec emi qd < <(python3 -c "
import json,sys; d=json.load(open(sys.argv[1]))
print(d.get('decoder',{}).get('records',0), d['pipeline']['events'], d['ingest']['dropped_queue_full'])" "$WORK/data/stats.json")
# The baseline: the second sample, or with --warmup the first sample at or after it.
if [[ -n $WARMUP ]]; then
  rss2=$(awk -v w="$WARMUP" 'NR > 1 && $1 >= w { print $2; exit }' "$WORK/soak.tsv")
  base_t=$(awk -v w="$WARMUP" 'NR > 1 && $1 >= w { print $1; exit }' "$WORK/soak.tsv")
else
  rss2=$(awk 'NR == 3 { print $2 }' "$WORK/soak.tsv"); base_t=$(awk 'NR == 3 { print $1 }' "$WORK/soak.tsv")
fi
rssN=$(tail -n 1 "$WORK/soak.tsv" | cut -f2)
lost=$((sent - emi))
echo
echo "soak: sent $sent, decoded $dec, emitted $emi, queue drops $qd, kernel drops ${kd:-NA}, lost $lost; RSS ${rss2:-?} MB at ${base_t:-?} s -> ${rssN:-?} MB at the end (peak $hwm MB); load average now $(cut -d' ' -f1-3 /proc/loadavg)"
((KEEP)) && echo "work folder kept: $WORK"
verdict=0
if ((lost != 0 || qd != 0)) || [[ ${kd:-0} != 0 && ${kd:-0} != NA ]]; then echo "FAIL: loss"; verdict=1; fi
if [[ -n ${rss2:-} && -n ${rssN:-} ]] && awk -v a="$rss2" -v b="$rssN" 'BEGIN { exit !(b > a * 1.2) }'; then echo "FAIL: memory grew more than 20%"; verdict=1; fi
((verdict == 0)) && echo "PASS: zero loss, flat memory"
exit "$verdict"
