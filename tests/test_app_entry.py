"""app.py, the Streamlit entry point, as a process pool's helper meets it: multiprocessing's
spawn start method runs the parent's ``__main__`` file again in each helper (as
``__mp_main__``), and a test process whose ``__main__`` is app.py (Streamlit's AppTest) hands
it to the pose pass's helpers. There Streamlit runs "bare": app.py must not raise, or every
helper dies and the pose pass falls back to one process (seen in CI: a bare ``st.Page`` has
no title to read)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_app_runs_bare_as_a_spawned_helper_would():
    out = subprocess.run(
        [sys.executable, "-c",
         "import runpy; runpy.run_path('app.py', run_name='__mp_main__')"],
        cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0 and "Traceback" not in out.stderr, out.stderr[-2000:]
