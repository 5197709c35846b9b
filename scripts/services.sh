#!/usr/bin/env bash
# Local services for FormCheck's scaled set-up. Source it, then call the functions.
# (The store engineer's PostgreSQL and S3 functions live here too once merged.)

# --- redis (jobs broker) -------------------------------------------------------------------
# redis_start PORT DIR : install Debian's redis-server if missing, start it on 127.0.0.1:PORT
# with its files in DIR (no persistence needed for a check), wait until it answers; prints
# its pid. redis_stop DIR stops the one started with that DIR.
redis_start() {
  local port="$1" dir="$2"
  if ! command -v redis-server >/dev/null 2>&1; then
    local SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
    echo "services: installing redis-server (apt)" >&2
    $SUDO apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq redis-server >/dev/null
  fi
  mkdir -p "$dir"
  redis-server --port "$port" --bind 127.0.0.1 --dir "$dir" --save "" --appendonly no \
    --daemonize yes --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" >/dev/null
  local i
  for i in $(seq 1 50); do
    if redis-cli -p "$port" ping 2>/dev/null | grep -q PONG; then
      cat "$dir/redis.pid"; return 0
    fi
    sleep 0.2
  done
  echo "services: redis did not start (see $dir/redis.log)" >&2
  return 1
}

redis_stop() {
  local dir="$1"
  if [ -f "$dir/redis.pid" ]; then
    kill "$(cat "$dir/redis.pid")" 2>/dev/null || true
    rm -f "$dir/redis.pid"
  fi
}
