#!/usr/bin/env bash
# Scale check: PostgreSQL (reports), an S3 server (media, moto's emulator), Redis (the Celery
# broker) and two Celery workers; >= 8 clips submitted at once through the app's client API
# (core.jobs.submit_clip), one worker SIGKILLed mid-job, every report checked in PostgreSQL
# with its media in the object store, everything started here stopped again. Last line:
#   scale check: N/N reports stored, 0 lost
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
WORK=$(mktemp -d /tmp/formcheck-scale-XXXXXX)
# the services' own folder: PostgreSQL runs as the postgres user, which must reach it
export FORMCHECK_SERVICES_DIR=$(mktemp -d /tmp/formcheck-services.XXXXXX)
export FORMCHECK_DATA_DIR="$WORK/data"
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
  WORKERS=()
  bash scripts/services.sh stop >/dev/null 2>&1 || true
  rm -rf "$WORK" "$FORMCHECK_SERVICES_DIR"
}
trap cleanup EXIT

ENV_LINES=$(bash scripts/services.sh start postgres s3 redis) || {
  echo "scale check: the services did not start"; exit 1; }
eval "$ENV_LINES"
export FORMCHECK_DATABASE_URL="$FORMCHECK_TEST_DATABASE_URL"
export FORMCHECK_MEDIA_URL="$FORMCHECK_TEST_MEDIA_URL/scale-$(date +%s)"
export FORMCHECK_BROKER_URL="$FORMCHECK_TEST_BROKER_URL"
echo "scale check: PostgreSQL, S3 (moto) and Redis up; media in $FORMCHECK_MEDIA_URL"
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
echo "scale check: stopped the workers, Redis, the S3 server and PostgreSQL"
echo "$last"
exit "$rc"
