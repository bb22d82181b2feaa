#!/usr/bin/env bash
# Finds the highest zero-loss flow-record rate of three receivers, with the same sender
# (tools/FlowRelay.LoadGen) and the same method for each:
#   nfcapd    nfdump's collector (nfcapd -w dir -p port), the reference
#   detect    the relay on the detection path: decode, enrich, bundled Sigma rules, alerts;
#             flow documents not written (outputs.ndjson.enabled: false)
#   full      the relay with every flow also written as an ECS NDJSON document
#   es        the relay with every flow sent to Elasticsearch (through the disk spool) instead,
#             here tools/FlowRelay.EsSink, a loopback stand-in that answers bulk requests as
#             Elasticsearch does and keeps nothing; it runs on the same cores as the relay
#   esmem     the same with spool.mode: overflow (documents wait in memory while the stand-in
#             keeps up, and go to disk only when it falls behind)
#   dnsfed    the detection path fed DNS answers as well: the sender also sends dnsmasq query and
#             reply pairs (--dns-rate per second, default 20000, warm-up included) over syslog UDP,
#             answering the internet addresses its flows use, so the DNS join finds names; not in
#             the default --only. Its DNS input must lose nothing either (kernel drops on the
#             syslog socket, the listener's own count against the lines sent)
# For each receiver the rate steps up (bounded number of steps, fixed duration each) until a
# step loses anything; loss is judged by the kernel's own per-socket drop counter
# (/proc/net/udp "drops"), by what the receiver counted (nfdump -I flows; the relay's
# stats.json: decoder records, events emitted, queue drops), against what the sender reports.
#
#   scripts/loadtest.sh            full run (~10-15 minutes)
#   scripts/loadtest.sh --quick    ~1-2 minutes, coarse steps
# Options: --format ipfix|v9  --exporters N  --duration SECONDS  --rates "r1 r2 ..."
#          --only "nfcapd detect full es esmem"  --keep (keep the work folder)
#          --max-groups N (rules.max_groups of the relay; default 200000, room for the 100,000 hosts)
#          --warmup "RATE SECONDS" (before each step; default "100000 4": about 400,000 records, so
#          nearly all 100,000 hosts have been seen and the JIT has finished; "20000 2" measures a
#          receiver that meets the step's rate almost cold)
#          --rev REV (build that commit; default HEAD)  --worktree (build the checkout as it is)
#          --dns-rate N (dnsfed: query/reply pairs per second; default 20000)
#          --rmem-max BYTES (set net.core.rmem_max for the run, as root, and restore it on exit; with
#          33554432 nfcapd gets the same 32 MiB socket buffer the relay forces as root, a fair
#          comparison; without it nfcapd keeps the system's cap)
# Load goes only to 127.0.0.1 (sources 127.0.1.x, no setup needed on Linux).
# Prints a table at the end, then each step's CPU by receiver thread (from /proc/<pid>/task); the
# raw per-step lines are in the work folder's steps.tsv and threads.tsv.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
QUICK=0; FORMAT=ipfix; EXPORTERS=50; DURATION=""; RATES=""; ONLY="nfcapd detect full es esmem"; KEEP=0; REV=HEAD; SINKPID=""; SET_RMEM=""; DNS_RATE=20000; DNSPORT=""
# The sender cycles through 100,000 internal hosts; the relay is given room to track them all
# (rules.max_groups), as a user with that many hosts would configure it. --max-groups 50000 (the
# default) measures the worst case instead, where windows are evicted and re-created all the time.
MAX_GROUPS=200000
WARMUP="100000 4"
while (($#)); do
  case "$1" in
    --quick) QUICK=1 ;;
    --format) FORMAT="$2"; shift ;;
    --exporters) EXPORTERS="$2"; shift ;;
    --duration) DURATION="$2"; shift ;;
    --rates) RATES="$2"; shift ;;
    --only) ONLY="$2"; shift ;;
    --dns-rate) DNS_RATE="$2"; shift ;;
    --keep) KEEP=1 ;;
    --max-groups) MAX_GROUPS="$2"; shift ;;
    --warmup) WARMUP="$2"; shift ;;
    --rev) REV="$2"; shift ;;
    --worktree) REV="" ;;
    --rmem-max) SET_RMEM="$2"; shift ;;
    -h|--help) awk 'NR > 1 && /^#/ { print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "loadtest.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
if ((QUICK)); then
  DURATION="${DURATION:-4}"; RATES="${RATES:-50000 200000 600000 1200000 2400000}"
else
  DURATION="${DURATION:-10}"; RATES="${RATES:-25000 50000 100000 200000 400000 700000 1000000 1400000 2000000 2700000 3500000}"
fi
RPP=27
WORK="$(mktemp -d /tmp/flowrelay-loadtest.XXXXXX)"
STEPS="$WORK/steps.tsv"
log() { printf '[loadtest %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }

PIDS=()
OLD_RMEM=""
cleanup() {
  for p in "${PIDS[@]:-}"; do [[ -n "$p" ]] && kill "$p" 2>/dev/null || true; done
  [[ -n $OLD_RMEM ]] && { echo "$OLD_RMEM" > /proc/sys/net/core/rmem_max || log "could not restore net.core.rmem_max to $OLD_RMEM"; }
  ((KEEP)) || rm -rf "$WORK"
}
trap cleanup EXIT
if [[ -n $SET_RMEM ]]; then
  [[ $SET_RMEM =~ ^[0-9]+$ ]] || { log "--rmem-max wants a number of bytes"; exit 2; }
  current=$(cat /proc/sys/net/core/rmem_max)
  echo "$SET_RMEM" > /proc/sys/net/core/rmem_max 2>/dev/null || { log "cannot set net.core.rmem_max (run as root)"; exit 1; }
  OLD_RMEM=$current
  log "net.core.rmem_max set to $SET_RMEM for this run (was $OLD_RMEM; restored on exit)"
fi

command -v nfcapd >/dev/null && command -v nfdump >/dev/null || { log "nfcapd/nfdump missing (apt-get install nfdump)"; ONLY="${ONLY//nfcapd/}"; }
command -v python3 >/dev/null || { log "python3 is needed to read stats.json"; exit 1; }

SRC="$ROOT"
if [[ -n $REV ]]; then
  # A committed revision, so the figures name the code they measured (and half-edited files in
  # the checkout cannot break or skew the build).
  SRC="$WORK/src"; mkdir -p "$SRC"
  git -C "$ROOT" archive "$REV" | tar -x -C "$SRC"
  log "measuring $(git -C "$ROOT" rev-parse --short "$REV") ($(git -C "$ROOT" log -1 --format=%s "$REV" | cut -c1-60))"
else
  log "measuring the working tree of $ROOT (uncommitted changes included)"
fi
log "building the relay and the load generator (Release) into $WORK"
for proj in src/FlowRelay/FlowRelay.csproj:relay tools/FlowRelay.LoadGen/FlowRelay.LoadGen.csproj:loadgen tools/FlowRelay.EsSink/FlowRelay.EsSink.csproj:essink; do
  if ! timeout 600 dotnet publish "$SRC/${proj%%:*}" -c Release -o "$WORK/${proj##*:}" -nologo -v q >"$WORK/build.log" 2>&1; then
    grep -E "error|rror\(s\)" "$WORK/build.log" | head -20 >&2; log "build of ${proj%%:*} failed"; exit 1
  fi
done

RMEM_MAX=$(cat /proc/sys/net/core/rmem_max)
BUF=33554432 # both receivers ask for 32 MiB; the kernel grants at most net.core.rmem_max

free_port() {
  local p
  for _ in $(seq 1 50); do
    p=$((30000 + RANDOM % 20000))
    ss -Huln "sport = :$p" | grep -q . || { echo "$p"; return; }
  done
  echo "no free port" >&2; return 1
}

# drops column of the UDP socket bound to 127.0.0.1:port (hex in /proc/net/udp)
sock_drops() {
  local hex; hex=$(printf '0100007F:%04X' "$1")
  awk -v a="$hex" '$2 == a { print $NF; found = 1 } END { if (!found) print "NA" }' /proc/net/udp
}
rcvbuf_errors() { awk '/^Udp:/ { n++; if (n == 2) print $6 }' /proc/net/snmp; }
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0; }
# Per thread of a process: "tid name ticks" (user + system). A name may hold spaces (".NET TP
# Worker"), so the fields are counted from the ")" that ends it in /proc/<tid>/stat.
thread_ticks() {
  local t
  for t in /proc/"$1"/task/*; do
    printf '%s %s %s\n' "${t##*/}" "$(tr ' ' _ <"$t/comm" 2>/dev/null)" "$(sed 's/.*) //' "$t/stat" 2>/dev/null | awk '{ print $12 + $13 }')"
  done 2>/dev/null
}
# CPU share of each thread name over a window (threads of one name summed, such as the pool's
# workers), from two thread_ticks snapshots: "name pct% ...", busiest first, under 1% left out.
thread_cpu() { # before after seconds
  awk -v s="$3" -v hz="$(getconf CLK_TCK)" 'NR == FNR { a[$1] = $3; next }
    $3 != "" { c[$2] += $3 - (($1 in a) ? a[$1] : 0) }
    END { for (n in c) { p = c[n] / hz / s * 100; if (p >= 1) printf "%s %.0f%%\n", n, p } }' "$1" "$2" | sort -k2 -rn | tr '\n' ' '
}
vm_hwm_mb() { awk '/VmHWM/ { printf "%.0f", $2 / 1024 }' "/proc/$1/status" 2>/dev/null || echo 0; }
wait_bound() { # port timeout_s
  for _ in $(seq 1 $(($2 * 10))); do ss -Huln "sport = :$1" | grep -q . && return 0; sleep 0.1; done
  return 1
}
json_get() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2], {}, {'d': d}))" "$@"; }

start_receiver() { # kind port dir -> sets RPID
  local kind=$1 port=$2 dir=$3
  mkdir -p "$dir"
  if [[ $kind == nfcapd ]]; then
    nfcapd -w "$dir" -b 127.0.0.1 -p "$port" -B "$BUF" -t 3600 >"$dir/nfcapd.log" 2>&1 &
  else
    local nd=false es=false esurl="http://127.0.0.1:9" mode=always syslog=false listeners="[]"
    if [[ $kind == dnsfed ]]; then
      DNSPORT=$(free_port); syslog=true
      listeners="[{ protocol: udp, listen: \"127.0.0.1:$DNSPORT\", format: dnsmasq }]"
    fi
    [[ $kind == esmem ]] && mode=overflow
    [[ $kind == full ]] && nd=true
    if [[ $kind == es* ]]; then
      es=true
      "$WORK/essink/flowrelay-es-sink" --listen 127.0.0.1:0 >"$dir/essink.log" 2>&1 &
      SINKPID=$!
      PIDS+=("$SINKPID")
      for _ in $(seq 1 100); do grep -q "listening on" "$dir/essink.log" 2>/dev/null && break; sleep 0.1; done
      esurl=$(grep -o "http://[0-9.:]*" "$dir/essink.log" | head -n 1)
      [[ -n $esurl ]] || { log "the Elasticsearch stand-in did not start"; cat "$dir/essink.log" >&2; return 1; }
    fi
    cat >"$dir/flowrelay.yaml" <<EOF
data_dir: $dir/data
stats_interval: 1s
log_level: warn
inputs:
  flow:
    listen: ["127.0.0.1:$port"]
    receive_buffer_size: $BUF
  syslog:
    enabled: $syslog
    listeners: $listeners
    receive_buffer_size: $BUF
spool:
  mode: $mode
rules:
  max_groups: $MAX_GROUPS
outputs:
  ndjson:
    enabled: $nd
    max_files: 4
  elasticsearch:
    enabled: $es
    urls: ["$esurl"]
EOF
    "$WORK/relay/flowrelay" run -c "$dir/flowrelay.yaml" >"$dir/relay.log" 2>&1 &
  fi
  RPID=$!
  PIDS+=("$RPID")
  wait_bound "$port" 30 || { log "$kind did not bind port $port"; cat "$dir"/*.log >&2; return 1; }
}

stop_receiver() { # pid
  kill -TERM "$1" 2>/dev/null || true
  for _ in $(seq 1 300); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done
  kill -KILL "$1" 2>/dev/null || true
}

# Relay: wait until the pipeline has emitted everything it decoded and the queue is empty (bounded).
relay_drain() { # stats.json
  local prev="" cur
  for _ in $(seq 1 60); do
    sleep 0.5
    [[ -f $1 ]] || continue
    cur=$(json_get "$1" "'%d %d %d' % (d['pipeline']['events'], d['ingest']['queue_depth'], d['decoder']['records'] if 'decoder' in d else 0)" 2>/dev/null || echo "")
    [[ -n $cur && $cur == "$prev" && $(echo "$cur" | cut -d' ' -f2) == 0 ]] && return 0
    prev=$cur
  done
}

# Elasticsearch path: after the pipeline drained, wait (bounded) until the spool has delivered
# everything it holds; prints the seconds it took.
es_drain() { # stats.json
  local start=$SECONDS waiting
  for _ in $(seq 1 600); do
    waiting=$(json_get "$1" "d['spool']['entries_waiting']" 2>/dev/null || echo 1)
    [[ $waiting == 0 ]] && break
    sleep 0.5
  done
  echo $((SECONDS - start))
}

# One step: prints "kind rate sent_records achieved_rate received kernel_drops queue_drops lost cpu% hwm_mb load"
run_step() { # kind rate
  local kind=$1 rate=$2 port dir sent got qd=0 emitted
  port=$(free_port); dir="$WORK/$kind-$rate"
  start_receiver "$kind" "$port" "$dir" || return 1
  # dnsfed: DNS answers for the flows' addresses alongside, in the warm-up too (the cache fills).
  local dnsargs=()
  [[ $kind == dnsfed ]] && dnsargs=(--dns "$DNS_RATE" --dns-format dnsmasq --dns-target "127.0.0.1:$DNSPORT")
  # Warm-up (JIT, templates learned, first files opened, the hosts' rule state created) at a
  # moderate rate; its records count in the totals.
  "$WORK/loadgen/flowrelay-loadgen" --target "127.0.0.1:$port" --format "$FORMAT" --exporters "$EXPORTERS" \
    --rate "${WARMUP% *}" --duration "${WARMUP#* }s" --records-per-packet "$RPP" "${dnsargs[@]}" >"$WORK/warmup.json"
  local warm; warm=$(json_get "$WORK/warmup.json" "d['records']")
  local rcv0 cpu0 cpu1 ld
  rcv0=$(rcvbuf_errors); cpu0=$(cpu_ticks "$RPID"); ld=$(loadavg); thread_ticks "$RPID" >"$WORK/threads0"
  sent=$("$WORK/loadgen/flowrelay-loadgen" --target "127.0.0.1:$port" --format "$FORMAT" --exporters "$EXPORTERS" \
    --rate "$rate" --duration "${DURATION}s" --records-per-packet "$RPP" "${dnsargs[@]}")
  cpu1=$(cpu_ticks "$RPID"); thread_ticks "$RPID" >"$WORK/threads1"
  printf '%s\t%s\t%s\n' "$kind" "$rate" "$(thread_cpu "$WORK/threads0" "$WORK/threads1" "$DURATION")" >>"$WORK/threads.tsv"
  echo "$sent" >"$WORK/loadgen.json"
  local sent_records achieved
  sent_records=$(($(json_get "$WORK/loadgen.json" "d['records']") + warm))
  achieved=$(json_get "$WORK/loadgen.json" "d['records_per_s']")
  if [[ $kind == nfcapd ]]; then
    sleep 2
  else
    relay_drain "$dir/data/stats.json"
    if [[ $kind == es* ]]; then
      local took; took=$(es_drain "$dir/data/stats.json")
      log "es $rate: spool delivered everything $took s after the pipeline drained ($(json_get "$dir/data/stats.json" "'%d delivered, %d waiting' % (d['elasticsearch']['delivered'], d['spool']['entries_waiting'])"))"
    fi
  fi
  local kdrops hwm dnskd=0
  kdrops=$(sock_drops "$port"); hwm=$(vm_hwm_mb "$RPID")
  [[ $kind == dnsfed ]] && dnskd=$(sock_drops "$DNSPORT")
  stop_receiver "$RPID"
  [[ $kind == es* ]] && stop_receiver "$SINKPID"
  if [[ $kind == nfcapd ]]; then
    # nfcapd's own count, from the summary line it logs on exit ("Ident: 'none' Flows: N, ...").
    got=$(grep -o "Flows: [0-9]*" "$dir/nfcapd.log" | tail -n 1 | awk '{ print $2 }')
    got=${got:-0}; emitted=$got
  else
    got=$(json_get "$dir/data/stats.json" "d.get('decoder', {}).get('records', 0)")
    emitted=$(json_get "$dir/data/stats.json" "d['pipeline']['events']")
    qd=$(json_get "$dir/data/stats.json" "d['ingest']['dropped_queue_full'] + d.get('outputs', {}).get('ndjson', {}).get('events_dropped', 0)")
    if [[ $kind == es* ]]; then
      # Also lost: what the spool dropped or still holds undelivered, and what Elasticsearch refused.
      qd=$((qd + $(json_get "$dir/data/stats.json" "d['spool']['entries_dropped'] + d['spool']['entries_waiting'] + d['elasticsearch']['dead_lettered']")))
    fi
  fi
  [[ $kdrops == NA ]] && kdrops=$(($(rcvbuf_errors) - rcv0))
  local lost=$((sent_records - emitted)); ((lost < 0)) && lost=0
  if [[ $kind == dnsfed ]]; then
    # The DNS input's losses count too: its socket's kernel drops, its queue drops, and lines sent
    # that the listener did not count.
    local dnssent dnsgot dnsqd added
    dnssent=$(($(json_get "$WORK/warmup.json" "d['dns_lines']") + $(json_get "$WORK/loadgen.json" "d['dns_lines']")))
    dnsgot=$(json_get "$dir/data/stats.json" "sum(v['messages'] for v in d['log_inputs'].values())")
    dnsqd=$(json_get "$dir/data/stats.json" "sum(v['dropped_queue_full'] for v in d['log_inputs'].values())")
    added=$(json_get "$dir/data/stats.json" "d['enrich']['dns_join']['answers_added']")
    log "dnsfed $rate: DNS lines sent $dnssent, received $dnsgot, kernel drops ${dnskd}, queue drops $dnsqd; answers added to the cache $added"
    [[ $dnskd == NA ]] && dnskd=0
    kdrops=$((kdrops + dnskd)); qd=$((qd + dnsqd))
    ((dnssent > dnsgot)) && lost=$((lost + dnssent - dnsgot))
  fi
  local cpu; cpu=$(awk -v a="$cpu0" -v b="$cpu1" -v s="$DURATION" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.0f", (b - a) / hz / s * 100 }')
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$kind" "$rate" "$sent_records" "$achieved" "$got" "$kdrops" "$qd" "$lost" "$cpu" "$hwm" "$ld" | tee -a "$STEPS"
  ((KEEP)) || rm -rf "$dir"
}

printf 'kind\trate\tsent\tachieved/s\treceived\tkernel_drops\tqueue_drops\tlost\tcpu%%\thwm_mb\tload(1,5,15)\n' | tee "$STEPS"
declare -A BEST BEST_CPU BEST_HWM BEST_LOAD FIRST_BAD LIMIT
for kind in $ONLY; do
  BEST[$kind]=0; FIRST_BAD[$kind]="-"; LIMIT[$kind]="steps exhausted"
  for rate in $RATES; do
    # Not in $( ): the step's receiver pid must stay visible to the EXIT trap.
    run_step "$kind" "$rate" 2>>"$WORK/errors.log" || { LIMIT[$kind]="receiver failed (see $WORK/errors.log)"; KEEP=1; break; }
    line=$(tail -n 1 "$STEPS")
    IFS=$'\t' read -r _ _ sent achieved got kd qd lost cpu hwm ld <<<"$line"
    # The sender must have achieved the rate (within 5%), or the step measures the sender, not the receiver.
    if awk -v a="$achieved" -v r="$rate" 'BEGIN { exit !(a < 0.95 * r) }'; then LIMIT[$kind]="sender reached only $achieved/s"; break; fi
    if [[ $kd == 0 && $qd == 0 && $lost == 0 ]]; then
      BEST[$kind]=$rate; BEST_CPU[$kind]=$cpu; BEST_HWM[$kind]=$hwm; BEST_LOAD[$kind]=$ld
    else
      FIRST_BAD[$kind]=$rate; LIMIT[$kind]="loss at $rate"; break
    fi
  done
done

echo
echo "FlowRelay load test — $FORMAT, $EXPORTERS exporters, $RPP records/packet, ${DURATION}s per step, $(nproc) cores"
echo "net.core.rmem_max=$RMEM_MAX (receive buffers asked: $BUF); load average now: $(loadavg)"
echo "PRELIMINARY unless the machine was otherwise idle (check the load column)."
printf '%-8s %16s %14s %10s %8s %8s  %-18s %s\n' receiver "zero-loss rec/s" "first loss at" "vs nfcapd" "cpu%" "hwm MB" "load at best" "stopped because"
for kind in $ONLY; do
  ratio="-"
  if [[ ${BEST[nfcapd]:-0} != 0 && $kind != nfcapd ]]; then ratio=$(awk -v a="${BEST[$kind]}" -v b="${BEST[nfcapd]}" 'BEGIN { printf "%.2f", a / b }'); fi
  printf '%-8s %16s %14s %10s %8s %8s  %-18s %s\n' "$kind" "${BEST[$kind]}" "${FIRST_BAD[$kind]}" "$ratio" "${BEST_CPU[$kind]:--}" "${BEST_HWM[$kind]:--}" "${BEST_LOAD[$kind]:--}" "${LIMIT[$kind]}"
done
echo "(cpu% = receiver CPU over the send window, 100 = one core; hwm = VmHWM, peak resident memory)"
if [[ -s $WORK/threads.tsv ]]; then
  echo
  echo "CPU by thread over each step's send window (100% = one core; threads of one name summed):"
  awk -F'\t' '{ printf "%-8s %9s  %s\n", $1, $2, $3 }' "$WORK/threads.tsv"
fi
if ((KEEP)); then echo "work folder kept: $WORK"; fi
