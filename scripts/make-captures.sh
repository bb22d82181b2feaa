#!/usr/bin/env bash
# Makes the golden flow-export captures under tests/FlowRelay.Protocols.Tests/Captures/.
#
# 1. Two throwaway network namespaces joined by a veth pair (10.77.x IPv4, fd77:: IPv6) carry
#    real traffic: socat TCP transfers both ways over IPv4, one over IPv6, a UDP exchange and
#    pings. dumpcap records it (snaplen 96, so the file stays small) -> traffic.pcap.
# 2. softflowd -r replays traffic.pcap and exports NetFlow v5, v9 and IPFIX to 127.0.0.1 inside
#    a namespace while dumpcap records the export on that namespace's lo
#    -> softflowd-v5.pcap, softflowd-v9.pcap, softflowd-ipfix.pcap.
# 3. tshark -T json of every export capture -> *.tshark.json (checked to contain cflow fields).
#
# Needs root (ip netns). Only loopback and the namespaces' own veth carry traffic. Every
# external command runs under `timeout`; everything is cleaned up on exit, even on failure.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="${1:-$ROOT/tests/FlowRelay.Protocols.Tests/Captures}"
RUN_ID="fr$$"
NS_A="${RUN_ID}a"          # client side, also where softflowd and the capture of the export run
NS_B="${RUN_ID}b"          # server side
VETH_A="${RUN_ID}va"
VETH_B="${RUN_ID}vb"
TMP="$(mktemp -d /tmp/flowrelay-captures.XXXXXX)"
PIDS=()

log() { printf '[make-captures %3ds] %s\n' "$SECONDS" "$*" >&2; }

cleanup() {
  local rc=$?
  for p in "${PIDS[@]:-}"; do [[ -n "$p" ]] && kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]:-}"; do [[ -n "$p" ]] && timeout 5 tail --pid="$p" -f /dev/null 2>/dev/null || true; done
  timeout 10 ip netns del "$NS_A" 2>/dev/null || true
  timeout 10 ip netns del "$NS_B" 2>/dev/null || true
  rm -rf "$TMP"
  exit "$rc"
}
trap cleanup EXIT INT TERM

ina() { timeout "${T:-30}" ip netns exec "$NS_A" "$@"; }
inb() { timeout "${T:-30}" ip netns exec "$NS_B" "$@"; }

# wait_until <seconds> <description> <command...>: polls a condition, fails after the bound.
wait_until() {
  local limit=$1 what=$2; shift 2
  local deadline=$((SECONDS + limit))
  until "$@" >/dev/null 2>&1; do
    if (( SECONDS >= deadline )); then log "timed out waiting for: $what"; return 1; fi
    sleep 0.1
  done
}

for tool in ip socat dumpcap tshark softflowd ping; do
  command -v "$tool" >/dev/null || { log "missing $tool"; exit 1; }
done
mkdir -p "$OUT"

log "namespaces $NS_A <-> $NS_B"
timeout 10 ip netns add "$NS_A"
timeout 10 ip netns add "$NS_B"
timeout 10 ip link add "$VETH_A" type veth peer name "$VETH_B"
timeout 10 ip link set "$VETH_A" netns "$NS_A"
timeout 10 ip link set "$VETH_B" netns "$NS_B"
ina ip link set lo up
inb ip link set lo up
ina ip addr add 10.77.0.1/24 dev "$VETH_A"
inb ip addr add 10.77.0.2/24 dev "$VETH_B"
ina ip -6 addr add fd77::1/64 dev "$VETH_A" nodad
inb ip -6 addr add fd77::2/64 dev "$VETH_B" nodad
ina ip link set "$VETH_A" up
inb ip link set "$VETH_B" up
# Usable = link up, address not tentative, and the peer answers.
wait_until 10 "IPv6 address usable" bash -c "ip netns exec $NS_A ip -6 addr show dev $VETH_A | grep -q 'fd77::1/64' && ! ip netns exec $NS_A ip -6 addr show dev $VETH_A tentative | grep -q fd77"
wait_until 10 "IPv4 reachability" ip netns exec "$NS_A" ping -c1 -W1 10.77.0.2
wait_until 10 "IPv6 reachability" ip netns exec "$NS_A" ping -6 -c1 -W1 fd77::2

# start_capture <ns> <iface> <filter> <file> [snaplen]: dumpcap in the background (pid in CAP_PID), waits
# until it captures.
start_capture() {
  local ns=$1 ifc=$2 filter=$3 file=$4 snaplen=${5:-0} err="$TMP/$(basename "$4").err"
  timeout 120 ip netns exec "$ns" dumpcap -q -i "$ifc" -s "$snaplen" -P -f "$filter" -w "$file" >/dev/null 2>"$err" &
  CAP_PID=$!
  PIDS+=("$CAP_PID")
  wait_until 15 "dumpcap on $ns/$ifc" grep -q "Capturing on" "$err"
}

# stop_capture <pid> <marker-command...>: sends a marker packet the capture filter accepts,
# waits until it is on disk (so everything before it is too), then stops dumpcap.
stop_capture() {
  local pid=$1 file=$2 marker_filter=$3; shift 3
  local deadline=$((SECONDS + 15))
  until timeout 5 tshark -r "$file" -Y "$marker_filter" 2>/dev/null | grep -q .; do
    if (( SECONDS >= deadline )); then log "marker never reached $file"; return 1; fi
    "$@" >/dev/null 2>&1 || true
    sleep 0.2
  done
  kill -INT "$pid" 2>/dev/null || true
  timeout 10 tail --pid="$pid" -f /dev/null || true
}

# ---------------------------------------------------------------- 1. real traffic
head -c 300000 /dev/urandom > "$TMP/up.bin"
head -c 400000 /dev/urandom > "$TMP/down.bin"
head -c 200000 /dev/urandom > "$TMP/v6.bin"

start_capture "$NS_A" "$VETH_A" "ip or ip6" "$TMP/traffic-raw.pcap" 96; cap_pid=$CAP_PID

log "traffic: TCP upload, TCP download, TCP over IPv6, UDP exchange, ping"
timeout 30 ip netns exec "$NS_B" socat -u TCP4-LISTEN:5001,reuseaddr OPEN:/dev/null,wronly & PIDS+=("$!")
timeout 30 ip netns exec "$NS_B" socat -u OPEN:"$TMP/down.bin",rdonly TCP4-LISTEN:5002,reuseaddr & PIDS+=("$!")
timeout 30 ip netns exec "$NS_B" socat -u TCP6-LISTEN:5003,reuseaddr,ipv6only=1 OPEN:/dev/null,wronly & PIDS+=("$!")
timeout 30 ip netns exec "$NS_B" socat -T 5 UDP4-LISTEN:5004,reuseaddr PIPE & PIDS+=("$!")
wait_until 10 "TCP listeners" bash -c "ip netns exec $NS_B ss -tlnH | grep -q ':5001 ' && ip netns exec $NS_B ss -tlnH | grep -q ':5002 ' && ip netns exec $NS_B ss -tlnH | grep -q ':5003 '"
wait_until 10 "UDP listener" bash -c "ip netns exec $NS_B ss -ulnH | grep -q ':5004 '"

T=20 ina socat -u OPEN:"$TMP/up.bin",rdonly TCP4:10.77.0.2:5001
T=20 ina socat -u TCP4:10.77.0.2:5002 OPEN:"$TMP/down-received.bin",creat,wronly
T=20 ina socat -u OPEN:"$TMP/v6.bin",rdonly TCP6:[fd77::2]:5003
printf 'hello flowrelay %s\n' 1 2 3 | T=10 ina socat -T 1 - UDP4:10.77.0.2:5004,sourceport=40404 > "$TMP/udp-echo.txt"
T=10 ina ping -c 3 -i 0.2 10.77.0.2 >/dev/null
T=10 ina ping -6 -c 2 -i 0.2 fd77::2 >/dev/null
cmp -s "$TMP/down.bin" "$TMP/down-received.bin" || { log "download incomplete"; exit 1; }
grep -q 'hello flowrelay' "$TMP/udp-echo.txt" || { log "no UDP echo"; exit 1; }

stop_capture "$cap_pid" "$TMP/traffic-raw.pcap" "udp.dstport == 9" \
  timeout 5 ip netns exec "$NS_A" bash -c "echo marker | socat -u - UDP4-SENDTO:10.77.0.2:9"
# Drop the marker (and the ICMP error it causes) and IPv6 neighbour discovery.
timeout 10 tshark -r "$TMP/traffic-raw.pcap" -w "$OUT/traffic.pcap" -F pcap \
  -Y "not udp.port == 9 and not icmpv6.type >= 133"
log "traffic.pcap: $(timeout 10 tshark -r "$OUT/traffic.pcap" 2>/dev/null | wc -l) packets"

# ---------------------------------------------------------------- 2. softflowd exports
# run_softflowd <log> <args...>: softflowd -d in namespace A; waits (bounded) for it to exit.
# softflowd 1.1.0 with -r never polls, yet tests pl[1].revents (uninitialised stack) before each
# pcap_dispatch and may block in accept() on its control socket, which cannot be disabled. A
# harmless `softflowctl statistics` unblocks it; the flows it exports are unaffected.
run_softflowd() {
  local log=$1; shift
  local ctl="$TMP/softflowd.ctl"
  rm -f "$ctl"
  timeout 60 ip netns exec "$NS_A" softflowd -d -p "$TMP/softflowd.pid" -c "$ctl" "$@" >"$log" 2>&1 &
  local pid=$!
  PIDS+=("$pid")
  local deadline=$((SECONDS + 30))
  while kill -0 "$pid" 2>/dev/null; do
    if (( SECONDS >= deadline )); then log "softflowd did not finish"; cat "$log" >&2; return 1; fi
    [[ -S "$ctl" ]] && timeout 2 softflowctl -c "$ctl" statistics >/dev/null 2>&1 || true
    sleep 0.1
  done
  wait "$pid" || { log "softflowd failed"; cat "$log" >&2; return 1; }
  grep -q 'Shutting down after pcap EOF' "$log" || { log "softflowd did not reach EOF"; cat "$log" >&2; return 1; }
}

# Something must listen on the export port: softflowd uses a connected UDP socket and an ICMP
# port-unreachable would make its next send fail (ECONNREFUSED) and lose that export packet.
export_one() {
  local name=$1 version=$2 port=$3; shift 3
  local raw="$TMP/$name-raw.pcap"
  log "softflowd -v $version -> 127.0.0.1:$port ($name)"
  timeout 60 ip netns exec "$NS_A" socat -u UDP4-RECV:"$port",reuseaddr OPEN:/dev/null,wronly & local sink=$!
  PIDS+=("$sink")
  wait_until 10 "sink on $port" bash -c "ip netns exec $NS_A ss -ulnH | grep -q ':$port '"
  local pid
  start_capture "$NS_A" lo "udp dst port $port or udp dst port 9" "$raw"; pid=$CAP_PID
  # -r: reads the whole file, expires every flow at end of file, prints statistics, exits.
  run_softflowd "$TMP/$name.softflowd.log" "$@" -v "$version" -r "$OUT/traffic.pcap" -n 127.0.0.1:"$port"
  stop_capture "$pid" "$raw" "udp.dstport == 9" \
    timeout 5 ip netns exec "$NS_A" bash -c "echo marker | socat -u - UDP4-SENDTO:127.0.0.1:9"
  kill "$sink" 2>/dev/null || true
  timeout 10 tshark -r "$raw" -w "$OUT/softflowd-$name.pcap" -F pcap -Y "udp.dstport == $port"
  timeout 30 tshark -r "$OUT/softflowd-$name.pcap" -T json > "$OUT/softflowd-$name.tshark.json"
  local n
  n=$(grep -c '"cflow.srcaddr\(v6\)\?"' "$OUT/softflowd-$name.tshark.json" || true)
  (( n > 0 )) || { log "no cflow.srcaddr in $name JSON"; cat "$TMP/$name.softflowd.log" >&2; exit 1; }
  log "softflowd-$name.pcap: $(timeout 10 tshark -r "$OUT/softflowd-$name.pcap" | wc -l) packets, $n flow records with cflow.srcaddr*"
}

# -s 96 above truncates the stored packets; softflowd counts bytes from the IP header's length.
export_one v5 5 2055
export_one v9 9 2055 -6
export_one ipfix 10 4739 -6

ls -l "$OUT" >&2
