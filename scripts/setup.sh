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
# uv (pinned) installs the same pinned packages as pip, in parallel: a fresh virtualenv's
# install took 70 s cold against pip's 150-180 (3 Dec, both compiling bytecode, which
# PYTHONDONTWRITEBYTECODE machines need: else every process compiles what it imports).
# pip stays the fallback when uv cannot be had or cannot install.
UV_VERSION=0.13.9
install() {
  if [ -x .venv/bin/uv ] || .venv/bin/python -m pip install -q --disable-pip-version-check \
      "uv==$UV_VERSION" >/dev/null 2>&1; then
    .venv/bin/uv pip install -q --native-tls --compile-bytecode --python .venv/bin/python "$@" \
      && return 0
    echo "setup: uv could not install the packages; using pip"
  fi
  .venv/bin/python -m pip install -q --disable-pip-version-check "$@"
}
install -r "$REQ"
# mediapipe pulls in opencv-contrib-python (GUI build); keep the headless cv2 in charge.
if .venv/bin/python -m pip show -q opencv-contrib-python >/dev/null 2>&1; then
  .venv/bin/python -m pip uninstall -q -y opencv-contrib-python
  HEADLESS="$(grep -E '^opencv-python-headless==' requirements.txt)"
  .venv/bin/uv pip install -q --native-tls --compile-bytecode --python .venv/bin/python \
      --reinstall --no-deps "$HEADLESS" 2>/dev/null \
    || .venv/bin/python -m pip install -q --disable-pip-version-check --force-reinstall \
      --no-deps "$HEADLESS"
fi
echo "setup: ready (.venv)"
