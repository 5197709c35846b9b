#!/usr/bin/env bash
# Scale check: Redis + two Celery workers, >= 8 clips submitted at once through the app's
# client API (core.jobs.submit_clip), one worker SIGKILLed mid-job, every report checked in
# the store with its media, everything started here stopped again. Last line:
#   scale check: N/N reports stored, 0 lost
# TODO(store): when scripts/services.sh has PostgreSQL and the S3 emulator, start them here
# and export FORMCHECK_DATABASE_URL / the media URL; until then SQLite + a local folder.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/services.sh
PY=.venv/bin/python
WORK=$(mktemp -d /tmp/formcheck-scale-XXXXXX)
PORT=${SCALE_REDIS_PORT:-$($PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')}
export FORMCHECK_DATA_DIR="$WORK/data"
export FORMCHECK_BROKER_URL="redis://127.0.0.1:$PORT/0"
export FORMCHECK_JOB_LEASE_S=10
export FORMCHECK_VISIBILITY_TIMEOUT=${FORMCHECK_VISIBILITY_TIMEOUT:-60}
export FORMCHECK_SECRETS="$WORK/none.toml"
WORKERS=()

cleanup() {
  for pid in "${WORKERS[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || true; done
  for _ in $(seq 1 20); do
    alive=0
    for pid in "${WORKERS[@]}"; do kill -0 -- "-$pid" 2>/dev/null && alive=1; done
    [ "$alive" = 0 ] && break
    sleep 0.5
  done
  for pid in "${WORKERS[@]}"; do kill -KILL -- "-$pid" 2>/dev/null || true; done
  redis_stop "$WORK/redis"
  rm -rf "$WORK"
  WORKERS=()
}
trap cleanup EXIT

redis_start "$PORT" "$WORK/redis" >/dev/null
echo "scale check: redis on $PORT, data in $FORMCHECK_DATA_DIR"
for i in 1 2; do
  setsid nice -n 5 $PY -m core worker >"$WORK/worker$i.log" 2>&1 &
  WORKERS+=($!)
  disown
done
echo "scale check: workers ${WORKERS[*]}"
rc=0
$PY scripts/scale_check.py --kill-one "${WORKERS[@]}" >"$WORK/result.txt" || rc=$?
last=$(tail -n 1 "$WORK/result.txt")
head -n -1 "$WORK/result.txt"
cleanup
echo "scale check: stopped the workers and redis"
echo "$last"
exit "$rc"
