#!/usr/bin/env bash
# Install everything (including Chromium and ffmpeg), then run the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --dev
exec .venv/bin/python -m pytest -q "$@"
