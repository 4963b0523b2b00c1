#!/usr/bin/env bash
# Where the time goes with and without TLS (issue 21): runs wsbench's throughput case (1 KiB
# text, 50 connections x 16 in flight) per library over plain TCP and over TLS, and while it
# measures, counts both processes' system calls for a fixed window with perf's syscall
# tracepoints (in-kernel counters: no ptrace slowdown, the batching is not disturbed) and reads
# /proc/<pid>/io (bytes and read/write calls through the VFS: Node's read/write/writev; uWS's
# recv/send are not counted there). Prints, per run: msgs/s, and per message and process:
# reads, writes, epoll waits, futex calls, and bytes per read and per write.
#   npm run build && flock /tmp/wsbench.lock test/proof/tls-syscalls.sh [ws,uwebsockets] [seconds]
set -euo pipefail
cd "$(dirname "$0")/../.."
LIBS=${1:-ws,uwebsockets}
WIN=${2:-2}
EVENTS=$(printf 'syscalls:sys_enter_%s,' read readv recvfrom recvmsg write writev sendto sendmsg epoll_wait epoll_pwait futex)
EVENTS=${EVENTS%,}
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

child_of() { # $1 bench pid, $2 pattern in the child's command line
  for p in $(pgrep -P "$1" || true); do
    if tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | grep -q "$2"; then echo "$p"; return; fi
  done
}

io() { awk '{printf "%s=%s ", substr($1,1,length($1)-1), $2}' "/proc/$1/io"; }

for lib in ${LIBS//,/ }; do
  for tls in off on; do
    node dist/runner/cli.js bench --lib "$lib" --scenario throughput --payload 1024 --connections 50 --inflight 16 \
      --tls "$tls" --runs 1 --warmup 2 --duration $((WIN + 2)) --out "$OUT/r" --json >"$OUT/report.json" 2>/dev/null &
    bench=$!
    server=; client=
    for _ in $(seq 200); do
      server=$(child_of $bench server-main); client=$(child_of $bench loadgen/main)
      [[ -n $server && -n $client ]] && break
      sleep 0.05
    done
    sleep 3 # connected, warm-up (2 s) over, into the measured window
    io0s=$(io "$server"); io0c=$(io "$client")
    perf stat -x, -e "$EVENTS" -p "$server" -o "$OUT/server.perf" -- sleep "$WIN" &
    perf stat -x, -e "$EVENTS" -p "$client" -o "$OUT/client.perf" -- sleep "$WIN"
    wait %2 2>/dev/null || true
    io1s=$(io "$server"); io1c=$(io "$client")
    wait $bench || true
    node -e '
      const fs = require("fs");
      const [lib, tls, win, out, io0s, io1s, io0c, io1c] = process.argv.slice(1);
      const r = JSON.parse(fs.readFileSync(out + "/report.json", "utf8")).summaries[0];
      const m = r.metrics;
      const msgs = m.msgsPerSec.median * Number(win);
      const perf = (f) => Object.fromEntries(fs.readFileSync(f, "utf8").split("\n").filter((l) => l.includes("sys_enter"))
        .map((l) => { const c = l.split(","); return [c[2].replace("syscalls:sys_enter_", ""), Number(c[0])]; }));
      const kv = (s) => Object.fromEntries(s.trim().split(" ").map((x) => x.split("=")).map(([k, v]) => [k, Number(v)]));
      const d = (a, b) => { const x = kv(a), y = kv(b); return Object.fromEntries(Object.keys(x).map((k) => [k, y[k] - x[k]])); };
      const line = (who, p, io) => {
        const reads = p.read + p.readv + p.recvfrom + p.recvmsg, writes = p.write + p.writev + p.sendto + p.sendmsg;
        const waits = p.epoll_wait + p.epoll_pwait;
        const per = (n) => (n / msgs).toFixed(3);
        const b = (bytes, calls) => (calls > 0 && bytes > 0 ? Math.round(bytes / calls) + " B" : "-");
        return `  ${who}: per msg ${per(reads)} reads, ${per(writes)} writes, ${per(waits)} epoll waits, ${per(p.futex)} futex; ` +
          `VFS: ${b(io.rchar, io.syscr)}/read (${io.syscr} reads), ${b(io.wchar, io.syscw)}/write (${io.syscw} writes)`;
      };
      console.log(`${lib} TLS ${tls}: ${Math.round(m.msgsPerSec.median)} msg/s, server CPU ${m.serverCpuPct.median.toFixed(0)} %, loadgen ${m.clientCpuPct.median.toFixed(0)} %; ${win} s counted = ${Math.round(msgs)} msgs`);
      console.log(line("server", perf(out + "/server.perf"), d(io0s, io1s)));
      console.log(line("client", perf(out + "/client.perf"), d(io0c, io1c)));
    ' "$lib" "$tls" "$WIN" "$OUT" "$io0s" "$io1s" "$io0c" "$io1c"
  done
done
