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
  sleep 1
  for pid in "${WORKERS[@]}"; do kill -KILL -- "-$pid" 2>/dev/null || true; done
  redis_stop "$WORK/redis"
  rm -rf "$WORK"
}
trap cleanup EXIT

redis_start "$PORT" "$WORK/redis" >/dev/null
echo "scale check: redis on $PORT, data in $FORMCHECK_DATA_DIR"
for i in 1 2; do
  setsid nice -n 5 $PY -m core worker >"$WORK/worker$i.log" 2>&1 &
  WORKERS+=($!)
done
echo "scale check: workers ${WORKERS[*]}"
$PY scripts/scale_check.py --kill-one "${WORKERS[@]}"
