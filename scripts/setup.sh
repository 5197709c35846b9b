#!/usr/bin/env bash
# Installs everything FormCheck needs on a fresh Debian/Ubuntu machine (idempotent):
# system packages (ffmpeg; chromium and postgresql for the tests), a virtualenv in .venv, and the
# pinned Python packages. Usage: scripts/setup.sh [--dev]
set -euo pipefail
cd "$(dirname "$0")/.."
DEV=0; [ "${1:-}" = "--dev" ] && DEV=1

need=()
command -v ffmpeg >/dev/null 2>&1 || need+=(ffmpeg)
if [ "$DEV" = 1 ]; then
  command -v chromium >/dev/null 2>&1 || need+=(chromium)
  # PostgreSQL for the store tests (scripts/services.sh starts a throwaway cluster)
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
fi
if [ ${#need[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  echo "setup: installing system packages: ${need[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi

PY=${PYTHON:-python3.11}
command -v "$PY" >/dev/null 2>&1 || PY=python3
[ -x .venv/bin/python ] || "$PY" -m venv .venv
REQ=requirements.txt; [ "$DEV" = 1 ] && REQ=requirements-dev.txt
.venv/bin/python -m pip install -q --disable-pip-version-check -r "$REQ"
# mediapipe pulls in opencv-contrib-python (GUI build); keep the headless cv2 in charge.
if .venv/bin/python -m pip show -q opencv-contrib-python >/dev/null 2>&1; then
  .venv/bin/python -m pip uninstall -q -y opencv-contrib-python
  .venv/bin/python -m pip install -q --disable-pip-version-check --force-reinstall --no-deps \
    "$(grep -E '^opencv-python-headless==' requirements.txt)"
fi
echo "setup: ready (.venv)"
