#!/usr/bin/env bash
# Puts a runnable rsyslogd (with the gtls TLS driver) beside syslog-ng without installing
# Debian's rsyslog package, which conflicts with syslog-ng-core: `apt-get download`s rsyslog,
# rsyslog-gnutls and every library they depend on that is not installed into a cache directory,
# then `dpkg-deb -x`s them into one tree. The integration tests (DnsLogRelayTests) run that
# tree's usr/sbin/rsyslogd with `-M <tree>/usr/lib/<multiarch>/rsyslog` and LD_LIBRARY_PATH
# pointing at the tree's library directories.
#
#   FRTEST_RSYSLOG_ROOT  the tree (default /opt/flowrelay-test/rsyslog); the tests read the
#                           same variable and fall back to the same default
#   FRTEST_DEB_CACHE     the downloaded .deb files (default /var/cache/flowrelay-test/debs)
# (Not FLOWRELAY_*: the relay the tests start inherits their environment and takes every
# FLOWRELAY_ variable for a setting, refusing to start on an unknown one.)
#
# Idempotent: a complete tree is left alone, and a tree is rebuilt from the cache without the
# network when the cache holds every package. Does nothing when rsyslogd is installed system-wide
# (the tests then use /usr/sbin/rsyslogd). Exits non-zero, saying why, when it cannot download.
set -euo pipefail

ROOT_DIR="${FRTEST_RSYSLOG_ROOT:-/opt/flowrelay-test/rsyslog}"
CACHE="${FRTEST_DEB_CACHE:-/var/cache/flowrelay-test/debs}"
MARKER="$ROOT_DIR/.flowrelay-complete"
WANTED=(rsyslog rsyslog-gnutls)
# The modules the tests load (omfwd is built into rsyslogd).
MODULES=(imfile lmnet lmnetstrms lmtcpclt lmnsd_ptcp lmnsd_gtls)

log() { printf '[fetch-rsyslog] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

if [[ -z "${FRTEST_RSYSLOG_ROOT:-}" ]] && command -v rsyslogd >/dev/null 2>&1; then
  log "rsyslogd is installed system-wide ($(command -v rsyslogd)); nothing to do"
  exit 0
fi

lib_path() {
  local d p=""
  for d in "$ROOT_DIR"/usr/lib/*-linux-gnu* "$ROOT_DIR"/lib/*-linux-gnu*; do
    [[ -d $d ]] && p="${p:+$p:}$d"
  done
  printf '%s' "$p"
}

# The tree works: rsyslogd starts, and neither it nor a module the tests load misses a library.
check_tree() {
  local bin="$ROOT_DIR/usr/sbin/rsyslogd" moddir m missing
  [[ -x $bin ]] || return 1
  moddir=$(dirname "$(ls -d "$ROOT_DIR"/usr/lib/*/rsyslog/imfile.so 2>/dev/null | head -n1)")
  [[ -d $moddir && $moddir != . ]] || return 1
  local files=("$bin")
  for m in "${MODULES[@]}"; do
    [[ -e $moddir/$m.so ]] || { log "module $m.so is missing from $moddir"; return 1; }
    files+=("$moddir/$m.so")
  done
  missing=$(LD_LIBRARY_PATH="$(lib_path)" timeout 30 ldd "${files[@]}" | grep 'not found' | sort -u || true)
  [[ -z $missing ]] || { log "libraries not found:"$'\n'"$missing"; return 1; }
  LD_LIBRARY_PATH="$(lib_path)" timeout 30 "$bin" -v >/dev/null || return 1
}

if [[ -e $MARKER ]] && check_tree; then
  log "rsyslog ready in $ROOT_DIR ($(cat "$MARKER"))"
  exit 0
fi

[[ $(id -u) -eq 0 ]] || die "not root: cannot write $ROOT_DIR and $CACHE; run as root"
mkdir -p "$CACHE"

installed() { dpkg-query -W -f='${Status}\n' "$1" 2>/dev/null | grep -q '^install ok installed$'; }

# The newest cached .deb of a package, if any.
cached_deb() { ls "$CACHE/$1"_*.deb 2>/dev/null | sort -V | tail -n1; }

updated=0
download() {
  local pkg=$1
  [[ -n $(cached_deb "$pkg") ]] && return 0
  log "downloading $pkg into $CACHE"
  # apt drops privileges to _apt for downloads; let it write into the cache.
  chown _apt "$CACHE" 2>/dev/null || true
  if ! (cd "$CACHE" && timeout 300 apt-get download -q "$pkg"); then
    if ((updated == 0)); then
      updated=1
      log "apt-get download $pkg failed; running apt-get update and trying again"
      timeout 600 apt-get update -q || die "apt-get update failed (no network, no Debian mirror?): cannot fetch rsyslog"
      (cd "$CACHE" && timeout 300 apt-get download -q "$pkg") && return 0
    fi
    die "apt-get download $pkg failed (no network, no Debian mirror?): rsyslog cannot run, so the rsyslog integration tests will fail"
  fi
}

# The wanted packages and, transitively, every dependency that is not installed; of the
# alternatives in a clause ("a | b") one that is installed or already chosen satisfies it,
# otherwise the first is taken.
declare -A chosen=()
queue=("${WANTED[@]}")
while ((${#queue[@]} > 0)); do
  pkg=${queue[0]}; queue=("${queue[@]:1}")
  [[ -n ${chosen[$pkg]:-} ]] && continue
  download "$pkg"
  chosen[$pkg]=$(cached_deb "$pkg")
  depends=$(dpkg-deb -f "${chosen[$pkg]}" Depends Pre-Depends | sed 's/^[A-Za-z-]*: //' | tr '\n' ',')
  IFS=',' read -ra clauses <<<"$depends"
  for clause in "${clauses[@]}"; do
    [[ -n ${clause// /} ]] || continue
    IFS='|' read -ra alts <<<"$clause"
    first="" ok=0
    for alt in "${alts[@]}"; do
      name=$(sed -E 's/\(.*\)//; s/:any//; s/[[:space:]]//g' <<<"$alt")
      [[ -n $name ]] || continue
      [[ -n $first ]] || first=$name
      if [[ -n ${chosen[$name]:-} ]] || installed "$name"; then ok=1; break; fi
    done
    ((ok)) || queue+=("$first")
  done
done

log "extracting ${!chosen[*]} into $ROOT_DIR"
tmp="$ROOT_DIR.tmp.$$"
rm -rf "$tmp"
mkdir -p "$tmp"
for pkg in "${!chosen[@]}"; do
  timeout 120 dpkg-deb -x "${chosen[$pkg]}" "$tmp"
done
rm -rf "$ROOT_DIR"
mv "$tmp" "$ROOT_DIR"
check_tree || die "the extracted rsyslog in $ROOT_DIR does not run (see above)"
printf '%s\n' "$(for p in "${!chosen[@]}"; do basename "${chosen[$p]}"; done | sort | paste -sd " ")" >"$MARKER"
log "rsyslog ready in $ROOT_DIR ($(cat "$MARKER"))"
