#!/usr/bin/env bash
# Install everything (including Chromium, ffmpeg and PostgreSQL), start the throwaway test
# services (scripts/services.sh: PostgreSQL, an S3 server), run the whole test suite, stop them.
set -euo pipefail
cd "$(dirname "$0")/.."
# each phase's wall time is printed as it ends ("time: setup 74 s"): where a CI run's minutes go
began=$SECONDS
lap() { echo "time: $1 $((SECONDS - began)) s"; began=$SECONDS; }
bash scripts/setup.sh --dev
lap setup
export FORMCHECK_SERVICES_DIR=${FORMCHECK_SERVICES_DIR:-$(mktemp -d /tmp/formcheck-services.XXXXXX)}
trap 'bash scripts/services.sh stop >/dev/null 2>&1 || true' EXIT
eval "$(bash scripts/services.sh start)"
lap services
# No whole-page screenshots in the whole-suite run (tests/browser_kit.py shots_wanted): no
# assertion reads them, and each desktop + phone pair costs Chromium CPU and settle waits.
# FORMCHECK_TEST_SHOTS=1 bash scripts/test.sh keeps them; a single module run keeps them.
export FORMCHECK_TEST_SHOTS=${FORMCHECK_TEST_SHOTS:-0}
status=0
.venv/bin/python -m pytest -q -m "not realtime" "$@" || status=$?
lap "parallel phase"
# the live-stream browser tests run in real time: afterwards, on their own (one process).
# What else is busy as they start (a busy machine starves their file camera, and the
# landing-sound test records again): the load and a 2-s sample of the busiest processes
echo "load before the real-time phase: $(cut -d' ' -f1-3 /proc/loadavg)"
top -b -n 2 -d 2 -o %CPU -w 160 2>/dev/null | awk '/^top -/{n++} n==2' | sed -n '7,12p' || true
.venv/bin/python -m pytest -q -n 0 -m realtime "$@" || { rc=$?; [ "$rc" -eq 5 ] || status=$rc; }
lap "real-time phase"
echo "time: whole run $SECONDS s"
exit "$status"
