#!/usr/bin/env bash
# Throwaway test services for FormCheck's scaled set-up, on loopback only.
#
#   scripts/services.sh start [SERVICE...]   install if missing, start, print the env to use
#   scripts/services.sh stop  [SERVICE...]   stop and remove everything this script started
#   scripts/services.sh env                  print the env lines of the running services
#
# SERVICES: postgres (Debian's postgresql, a fresh cluster in a temp folder), s3 (moto's
# server mode from PyPI: an S3-compatible emulator; no real S3 server installs from apt or
# PyPI here) and redis (Debian's redis-server: the jobs broker). Each service is one
# start_X / stop_X / env_X set of functions, listed in ALL_SERVICES. State lives in
# $FORMCHECK_SERVICES_DIR (default /tmp/formcheck-services); `start` writes env.sh there with
# FORMCHECK_TEST_DATABASE_URL, FORMCHECK_TEST_MEDIA_URL, FORMCHECK_S3_ENDPOINT_URL and the
# emulator's AWS keys and FORMCHECK_TEST_BROKER_URL, and prints the same lines. Starting a running service does nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
STATE=${FORMCHECK_SERVICES_DIR:-/tmp/formcheck-services}
ALL_SERVICES=(postgres s3 redis)
mkdir -p "$STATE"
chmod 755 "$STATE"

log() { echo "services: $*" >&2; }

free_port() {
  "$ROOT/.venv/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

apt_install() {
  log "installing $*"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "$@" >/dev/null
}

wait_for() {  # wait_for SECONDS COMMAND...: retry COMMAND until it succeeds
  local deadline=$(( $(date +%s) + $1 )); shift
  until "$@" >/dev/null 2>&1; do
    [ "$(date +%s)" -lt "$deadline" ] || return 1
    sleep 0.2
  done
}

# --- PostgreSQL -----------------------------------------------------------------------------

pg_bin() {
  local d
  for d in /usr/lib/postgresql/*/bin; do [ -x "$d/initdb" ] && { echo "$d"; return; }; done
  return 1
}

start_postgres() {
  local dir="$STATE/postgres"
  if [ -f "$dir/port" ] && [ -f "$dir/data/postmaster.pid" ]; then
    log "postgres already running on port $(cat "$dir/port")"; return
  fi
  pg_bin >/dev/null || apt_install postgresql
  local bin; bin=$(pg_bin)
  # PostgreSQL refuses to run as root: the cluster belongs to the postgres user (made by the
  # Debian package) or, when run by a normal user, to that user.
  local user; user=$(id -un)
  if [ "$(id -u)" = 0 ]; then
    user=postgres
    id postgres >/dev/null 2>&1 || as_root useradd --system --no-create-home postgres
  fi
  run_pg() { if [ "$(id -un)" = "$user" ]; then "$@"; else runuser -u "$user" -- "$@"; fi; }
  rm -rf "$dir"; mkdir -p "$dir"; chown "$user" "$dir"; chmod 700 "$dir"
  local port; port=$(free_port)
  run_pg "$bin/initdb" -D "$dir/data" -U formcheck --auth=trust -E UTF8 --locale=C.UTF-8 \
    >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; return 1; }
  run_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-h 127.0.0.1 -p $port -k $dir -c fsync=off -c full_page_writes=off" start >/dev/null \
    || { cat "$dir/server.log" >&2; return 1; }
  run_pg "$bin/createdb" -h 127.0.0.1 -p "$port" -U formcheck formcheck
  echo "$port" >"$dir/port"
  echo "$user" >"$dir/user"
  log "postgres on 127.0.0.1:$port (cluster in $dir)"
}

stop_postgres() {
  local dir="$STATE/postgres"
  [ -d "$dir/data" ] || return 0
  local bin user; bin=$(pg_bin); user=$(cat "$dir/user" 2>/dev/null || id -un)
  if [ -f "$dir/data/postmaster.pid" ]; then
    if [ "$(id -un)" = "$user" ]; then "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
    else runuser -u "$user" -- "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null; fi
  fi
  rm -rf "$dir"
  log "postgres stopped"
}

env_postgres() {
  local port; port=$(cat "$STATE/postgres/port" 2>/dev/null) || return 0
  echo "export FORMCHECK_TEST_DATABASE_URL=postgresql+psycopg://formcheck@127.0.0.1:$port/formcheck"
}

# --- S3 (moto's server mode) ----------------------------------------------------------------

start_s3() {
  local dir="$STATE/s3"
  if [ -f "$dir/pid" ] && kill -0 "$(cat "$dir/pid")" 2>/dev/null; then
    log "s3 already running on port $(cat "$dir/port")"; return
  fi
  [ -x "$ROOT/.venv/bin/moto_server" ] || \
    "$ROOT/.venv/bin/python" -m pip install -q --disable-pip-version-check \
      "$(grep -E '^moto\[server\]==' requirements-dev.txt)"
  rm -rf "$dir"; mkdir -p "$dir"
  local port; port=$(free_port)
  setsid "$ROOT/.venv/bin/moto_server" -H 127.0.0.1 -p "$port" >"$dir/server.log" 2>&1 &
  echo $! >"$dir/pid"
  echo "$port" >"$dir/port"
  if ! wait_for 60 "$ROOT/.venv/bin/python" -c \
      "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$port/moto-api/')"; then
    cat "$dir/server.log" >&2; return 1
  fi
  # the bucket the tests use (each test works under its own prefix)
  "$ROOT/.venv/bin/python" - "$port" <<'PY'
import sys, boto3
s3 = boto3.client("s3", endpoint_url=f"http://127.0.0.1:{sys.argv[1]}", region_name="us-east-1",
                  aws_access_key_id="testing", aws_secret_access_key="testing")
s3.create_bucket(Bucket="formcheck-test")
PY
  log "s3 (moto server) on 127.0.0.1:$port"
}

stop_by_pid() {  # stop_by_pid NAME: stop the process in $STATE/NAME/pid, remove its folder
  local dir="$STATE/$1"
  [ -d "$dir" ] || return 0
  if [ -f "$dir/pid" ]; then
    local pid; pid=$(cat "$dir/pid")
    kill "$pid" 2>/dev/null && wait_for 10 bash -c "! kill -0 $pid" || kill -9 "$pid" 2>/dev/null || true
  fi
  rm -rf "$dir"
  log "$1 stopped"
}

stop_s3() { stop_by_pid s3; }

env_s3() {
  local port; port=$(cat "$STATE/s3/port" 2>/dev/null) || return 0
  echo "export FORMCHECK_TEST_MEDIA_URL=s3://formcheck-test/media"
  echo "export FORMCHECK_S3_ENDPOINT_URL=http://127.0.0.1:$port"
  echo "export AWS_ACCESS_KEY_ID=testing"
  echo "export AWS_SECRET_ACCESS_KEY=testing"
  echo "export AWS_DEFAULT_REGION=us-east-1"
}

# --- Redis (the jobs broker) ------------------------------------------------------------------

start_redis() {
  local dir="$STATE/redis"
  if [ -f "$dir/pid" ] && kill -0 "$(cat "$dir/pid")" 2>/dev/null; then
    log "redis already running on port $(cat "$dir/port")"; return
  fi
  command -v redis-server >/dev/null 2>&1 || apt_install redis-server
  rm -rf "$dir"; mkdir -p "$dir"
  local port; port=$(free_port)
  redis-server --port "$port" --bind 127.0.0.1 --dir "$dir" --save "" --appendonly no \
    --daemonize yes --pidfile "$dir/pid" --logfile "$dir/redis.log" >/dev/null
  echo "$port" >"$dir/port"
  if ! wait_for 20 bash -c "redis-cli -p $port ping | grep -q PONG"; then
    cat "$dir/redis.log" >&2; return 1
  fi
  log "redis on 127.0.0.1:$port"
}

stop_redis() { stop_by_pid redis; }

env_redis() {
  local port; port=$(cat "$STATE/redis/port" 2>/dev/null) || return 0
  echo "export FORMCHECK_TEST_BROKER_URL=redis://127.0.0.1:$port/0"
}

# --------------------------------------------------------------------------------------------

write_env() {
  local s
  { for s in "${ALL_SERVICES[@]}"; do "env_$s"; done; } >"$STATE/env.sh"
  cat "$STATE/env.sh"
}

cmd=${1:-}; shift || true
services=("$@"); [ ${#services[@]} -gt 0 ] || services=("${ALL_SERVICES[@]}")
case "$cmd" in
  start) for s in "${services[@]}"; do "start_$s"; done; write_env ;;
  stop)
    for s in "${services[@]}"; do "stop_$s"; done
    write_env >/dev/null
    [ -s "$STATE/env.sh" ] || rm -rf "$STATE"  # nothing left running: no trace left
    ;;
  env) write_env ;;
  *) echo "usage: $0 start|stop|env [${ALL_SERVICES[*]}]" >&2; exit 2 ;;
esac
