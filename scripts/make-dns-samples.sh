#!/usr/bin/env bash
# Makes the DNS and syslog sample files under tests/FlowRelay.Protocols.Tests/DnsLogs/Samples/
# from real servers, so parser tests assert against what the programs really write.
#
# - bind9 (two instances: one with a view "lab", one without views) on 127.0.0.1:5301/5302 with
#   query logging to a file; authoritative zone lab.test                     -> bind9-query.log
# - dnsmasq --log-queries on 127.0.0.1:5303 (address=/txt-record= entries, forwards other lab.test
#   names to bind)                                                            -> dnsmasq.log
# - dnsmasq --log-queries=extra on :5304, same setup                     -> dnsmasq-extra.log
# - unbound log-queries + log-replies on :5305 with local-data          -> unbound.log
# - util-linux `logger` RFC 5424 / RFC 3164 over TCP (octet counting and newline framing) to a
#   socat listener                                                -> syslog-octet.bin, syslog-lf.log
#
# Re-running makes new samples (new times, ports, pids, dnsmasq's answer order); the parser tests
# assert the committed ones field by field, so update those tests with them.
#
# Nothing leaves the machine: every server is authoritative for lab.test or has local data,
# recursion to the internet is off. Needs root (apt-get). Every external command runs
# under `timeout`; all processes are killed on exit, even on failure.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="${1:-$ROOT/tests/FlowRelay.Protocols.Tests/DnsLogs/Samples}"
TMP="$(mktemp -d /tmp/flowrelay-dns.XXXXXX)"
PIDS=()
POLICY_ADDED=0
# named only listens on addresses configured on an interface, so every server shares 127.0.0.1
# and gets its own port instead of touching the host's loopback configuration.
ADDR=127.0.0.1
BIND1=5301 BIND2=5302 DNSMASQ=5303 DNSMASQX=5304 UNBOUND=5305
SYSLOG_PORT=55514

log() { printf '[make-dns-samples %3ds] %s\n' "$SECONDS" "$*" >&2; }

cleanup() {
  local rc=$?
  for p in "${PIDS[@]:-}"; do [[ -n "$p" ]] && kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]:-}"; do [[ -n "$p" ]] && timeout 5 tail --pid="$p" -f /dev/null 2>/dev/null || true; done
  for p in "${PIDS[@]:-}"; do [[ -n "$p" ]] && kill -9 "$p" 2>/dev/null || true; done
  [[ $POLICY_ADDED == 1 ]] && rm -f /usr/sbin/policy-rc.d
  rm -rf "$TMP"
  exit "$rc"
}
trap cleanup EXIT INT TERM

# Install only what is missing. A temporary policy-rc.d stops the packages' postinst scripts
# from starting system-wide daemons on port 53.
need=()
command -v named >/dev/null || need+=(bind9)
command -v dnsmasq >/dev/null || need+=(dnsmasq-base)
command -v unbound >/dev/null || need+=(unbound)
command -v dig >/dev/null || need+=(dnsutils)
command -v socat >/dev/null || need+=(socat)
command -v logger >/dev/null || need+=(bsdutils)
if ((${#need[@]})); then
  log "installing ${need[*]}"
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && POLICY_ADDED=1
  fi
  timeout 300 apt-get update -qq || true
  DEBIAN_FRONTEND=noninteractive timeout 600 apt-get install -y -qq --no-install-recommends "${need[@]}" >&2
fi


start() { # name, command...
  local name=$1; shift
  timeout 120 "$@" >"$TMP/$name.out" 2>&1 &
  PIDS+=($!)
}

wait_port() { # port
  for _ in $(seq 50); do
    timeout 2 dig @$ADDR -p "$1" +time=1 +tries=1 +short ns.lab.test A >/dev/null 2>&1 && return 0
    sleep 0.2
  done
  log "server on $1 did not answer"; cat "$TMP"/*.out >&2; return 1
}

# --- bind9 ----------------------------------------------------------------------------------
zone() {
  cat <<Z
\$TTL 300
@    IN SOA ns.lab.test. admin.lab.test. 1 3600 600 86400 300
@    IN NS  ns
ns   IN A   127.0.0.1
www  IN A   10.1.2.3
www  IN A   10.1.2.4
v6   IN AAAA fd00::1
txt  IN TXT "hello world" "second string"
mail IN MX  10 www
Z
}
named_conf() { # dir, port, with-view(0/1)
  local d=$1 a=$2 v=$3 zonedecl
  zonedecl="zone \"lab.test\" { type primary; file \"$d/lab.test.zone\"; };"
  cat <<C
options {
  directory "$d"; pid-file "$d/named.pid"; session-keyfile "$d/session.key";
  managed-keys-directory "$d";
  listen-on port $a { $ADDR; }; listen-on-v6 { none; };
  recursion no; querylog yes; dnssec-validation no;
};
controls { };
logging {
  channel q { file "$d/query.log"; print-time yes; print-category yes; print-severity yes; severity info; };
  category queries { q; };
  category default { null; };
};
$( if [[ $v == 1 ]]; then echo "view \"lab\" { match-clients { any; }; $zonedecl };"; else echo "$zonedecl"; fi )
C
}
for i in 1 2; do
  d="$TMP/bind$i"; mkdir -p "$d"; zone >"$d/lab.test.zone"
  if [[ $i == 1 ]]; then named_conf "$d" $BIND1 1 >"$d/named.conf"; else named_conf "$d" $BIND2 0 >"$d/named.conf"; fi
  start "named$i" named -f -u root -c "$d/named.conf"
done

# --- dnsmasq (plain and extra) ----------------------------------------------------------------
dnsmasq_run() { # name, port, log-queries value
  start "$1" dnsmasq --keep-in-foreground --conf-file=/dev/null --user=root --group=root \
    --listen-address=$ADDR --bind-interfaces --port="$2" --no-resolv --no-hosts --pid-file="$TMP/$1.pid" \
    --log-queries${3:+=$3} --log-facility="$TMP/$1.log" \
    --address=/fixed.lab.test/10.9.9.9 --address=/fixed6.lab.test/fd00::99 --address=/blocked.lab.test/ \
    --txt-record=txt.fixed.lab.test,"v=spf1 -all" \
    --server=/lab.test/$ADDR#$BIND2
}
dnsmasq_run dnsmasq $DNSMASQ ""
dnsmasq_run dnsmasq-extra $DNSMASQX extra

# --- unbound ----------------------------------------------------------------------------------
cat >"$TMP/unbound.conf" <<U
server:
  interface: $ADDR
  port: $UNBOUND
  do-daemonize: no
  username: ""
  chroot: ""
  directory: "$TMP"
  pidfile: "$TMP/unbound.pid"
  logfile: "$TMP/unbound.log"
  use-syslog: no
  verbosity: 0
  log-queries: yes
  log-replies: yes
  access-control: 127.0.0.0/8 allow
  do-not-query-localhost: no
  module-config: "iterator"
  local-zone: "lab.test." static
  local-data: "www.lab.test. A 10.1.2.3"
  local-data: "www.lab.test. A 10.1.2.4"
  local-data: "v6.lab.test. AAAA fd00::1"
  local-data: 'txt.lab.test. TXT "hello world"'
remote-control:
  control-enable: no
U
start unbound unbound -d -c "$TMP/unbound.conf"

wait_port $BIND1; wait_port $BIND2; wait_port $UNBOUND
for a in $DNSMASQ $DNSMASQX; do
  for _ in $(seq 50); do timeout 2 dig @$ADDR -p "$a" +time=1 +tries=1 +short fixed.lab.test >/dev/null 2>&1 && break; sleep 0.2; done
done
# The readiness probes above are logged too; start the sample files from here.
sleep 0.5
for f in bind1/query.log bind2/query.log dnsmasq.log dnsmasq-extra.log unbound.log; do : >"$TMP/$f"; done

q() { timeout 5 dig @$ADDR -p "$1" +time=2 +tries=1 "${@:2}" >/dev/null 2>&1 || true; }
log "querying"
for a in $BIND1 $BIND2; do
  q $a www.lab.test A; q $a v6.lab.test AAAA; q $a txt.lab.test TXT; q $a nope.lab.test A
  q $a www.LAB.test. A +norec; q $a mail.lab.test MX +tcp; q $a example.com A
done
for a in $DNSMASQ $DNSMASQX; do
  q $a fixed.lab.test A; q $a fixed6.lab.test AAAA; q $a txt.fixed.lab.test TXT; q $a blocked.lab.test A
  q $a www.lab.test A; q $a www.lab.test A; q $a nope.lab.test A; q $a v6.lab.test AAAA; q $a txt.lab.test TXT
  q $a fixed.lab.test AAAA
done
q $UNBOUND www.lab.test A; q $UNBOUND v6.lab.test AAAA; q $UNBOUND txt.lab.test TXT; q $UNBOUND nope.lab.test A
q $UNBOUND www.lab.test A; q $UNBOUND v6.lab.test A
sleep 1

mkdir -p "$OUT"
cat "$TMP/bind1/query.log" "$TMP/bind2/query.log" >"$OUT/bind9-query.log"
cp "$TMP/dnsmasq.log" "$OUT/dnsmasq.log"
cp "$TMP/dnsmasq-extra.log" "$OUT/dnsmasq-extra.log"
cp "$TMP/unbound.log" "$OUT/unbound.log"

# --- syslog as util-linux logger sends it (what rsyslog's omfwd/imuxsock-style senders produce) --
log "syslog"
capture() { # file, logger args...
  local f=$1; shift
  timeout 20 socat -u TCP-LISTEN:$SYSLOG_PORT,bind=127.0.0.1,reuseaddr,fork OPEN:"$f",creat,append &
  local sp=$!; PIDS+=($sp)
  for _ in $(seq 50); do timeout 2 ss -ltn | grep -q "127.0.0.1:$SYSLOG_PORT " && break; sleep 0.1; done
  "$@"
  sleep 0.5; kill $sp 2>/dev/null || true
  timeout 5 tail --pid=$sp -f /dev/null || true
}
send_all() { # extra logger args
  timeout 5 logger -n 127.0.0.1 -P $SYSLOG_PORT -T "$@" --rfc5424 -t myapp -p local4.warning --msgid ID47 \
    --sd-id 'exampleSDID@32473' --sd-param 'iut="3"' --sd-param 'eventSource="Application"' 'An application event with "quotes"'
  timeout 5 logger -n 127.0.0.1 -P $SYSLOG_PORT -T "$@" --rfc5424=notq -t su -p auth.crit "'su root' failed for lonvick on /dev/pts/8"
  timeout 5 logger -n 127.0.0.1 -P $SYSLOG_PORT -T "$@" --rfc3164 -t named -i -p daemon.info 'client @0x7f00aa 10.0.0.5#53211 (example.com): query: example.com IN A +E(0)K (127.0.0.1)'
}
capture "$TMP/syslog-octet.bin" send_all --octet-count
capture "$TMP/syslog-lf.log" send_all
cp "$TMP/syslog-octet.bin" "$TMP/syslog-lf.log" "$OUT/"
wc -l "$OUT"/* >&2
log "done"
