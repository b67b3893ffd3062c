#!/bin/bash
# The full-flow load test against the gateway on Redis with 1 and 2 workers (docs/benchmarks.md).
#   npm run build && bench/loadtest/workers.sh [SECONDS] [USERS]
# Starts a throwaway redis-server, then for each worker count a fresh gateway
# (outbox on, secret_key set) from dist/src/cli.js; runs `npm run loadtest`'s
# code against it and prints the table, plus the CPU the gateway's processes
# (primary and workers) and Redis used per flow, from /proc and INFO cpu.
set -euo pipefail
seconds=${1:-15}; users=${2:-50}
cd "$(dirname "$0")/../.."
dir=$(mktemp -d)
port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no > "$dir/redis.log" 2>&1 &
redis=$!
trap 'kill $redis 2>/dev/null; rm -rf "$dir"' EXIT
until redis-cli -p "$port" ping > /dev/null 2>&1; do sleep 0.1; done
for w in 1 2; do
  gwport=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
  cat > "$dir/config-$w.toml" <<TOML
[app]
address = "127.0.0.1:$gwport"
root_url = "http://127.0.0.1:$gwport"
secret_key = "$(node -e 'console.log("k".repeat(40))')"
workers = $w
[store.redis]
host = "127.0.0.1"
port = $port
key_prefix = "lt$w"
[auth.load]
secret = "load-secret-of-16-chars"
[providers.outbox]
enabled = true
channel_name = "SMS"
TOML
  redis-cli -p "$port" flushall > /dev/null
  node dist/src/cli.js --config "$dir/config-$w.toml" > "$dir/gw$w.log" 2>&1 &
  gw=$!
  until grep -q 'otpgateway listening' "$dir/gw$w.log" 2>/dev/null; do sleep 0.2; done
  sleep 2
  ticks() { local t=0; for p in $gw $(pgrep -P $gw); do set -- $(cut -d' ' -f14,15 /proc/$p/stat); t=$((t+$1+$2)); done; echo $t; }
  rcpu() { redis-cli -p "$port" info cpu | awk -F: '/used_cpu_(user|sys):/{s+=$2} END{printf "%.2f", s}'; }
  t0=$(ticks); r0=$(rcpu)
  echo "== workers = $w, load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
  node dist/bench/loadtest/cli.js --url "http://127.0.0.1:$gwport" --namespace load --secret load-secret-of-16-chars \
    --users "$users" --duration "${seconds}s" --json "$dir/w$w.json" --progress 0 2>/dev/null || echo "(the load test exited non-zero)"
  t1=$(ticks); r1=$(rcpu)
  ok=$(node -p "require('$dir/w$w.json').flows.ok")
  hz=$(getconf CLK_TCK)
  echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "CPU per flow: gateway $(node -p "((($t1-$t0)*1000/$hz)/$ok).toFixed(2)") ms, redis $(node -p "(($r1-$r0)*1000/$ok).toFixed(2)") ms"
  kill $gw; wait $gw 2>/dev/null || true
done
