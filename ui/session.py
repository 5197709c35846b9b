"""The report store and what this browser session owns.

The store (:mod:`core.store`) is opened once per data folder. Ownership lives in
``st.session_state``: report ids this session created or unlocked, with their delete keys,
and the report currently open on the Report page. Only the delete key proves ownership;
nothing here is trusted from the URL except a share id, which only opens the read-only view.
"""
from __future__ import annotations

import os
from functools import lru_cache

import streamlit as st

from core.store import DATA_DIR_ENV, DEFAULT_DATA_DIR, ReportStore, open_store

OWNED = "fc_owned"  # {report id: delete key}
CURRENT = "fc_current"  # report id shown on the Report page (owner view)
BY_CLIP = "fc_by_clip"  # {analysis cache key: report id}
FLASH = "fc_flash"  # one message shown on the next page run: (kind, text)

REPORT_PAGE = "pages/report.py"
ANALYZE_PAGE = "pages/analyze.py"
HISTORY_PAGE = "pages/history.py"


@lru_cache(maxsize=4)
def _open(target: str) -> ReportStore:
    """Open the store once per process, deleting reports whose expiry has passed."""
    s = open_store(target)
    s.purge_expired()
    return s


def store() -> ReportStore:
    """The store of ``$FORMCHECK_DATA_DIR`` (default ``./data``), opened once."""
    return _open(os.environ.get(DATA_DIR_ENV) or DEFAULT_DATA_DIR)


def owned() -> dict[str, str]:
    return st.session_state.setdefault(OWNED, {})


def delete_key(report_id: str) -> str | None:
    return owned().get(report_id)


def remember(report_id: str, key: str) -> None:
    owned()[report_id] = key


def forget(report_id: str) -> None:
    owned().pop(report_id, None)
    if st.session_state.get(CURRENT) == report_id:
        st.session_state[CURRENT] = None
    clips = st.session_state.get(BY_CLIP) or {}
    for k in [k for k, v in clips.items() if v == report_id]:
        clips.pop(k, None)


def open_report(report_id: str) -> None:
    """Show ``report_id`` (owner view) on the Report page."""
    st.session_state[CURRENT] = report_id
    st.switch_page(REPORT_PAGE)


def current() -> str | None:
    return st.session_state.get(CURRENT)


def flash(kind: str, text: str) -> None:
    st.session_state[FLASH] = (kind, text)


def show_flash() -> None:
    msg = st.session_state.pop(FLASH, None)
    if not msg:
        return
    kind, text = msg
    {"success": st.success, "info": st.info, "warning": st.warning}.get(kind, st.info)(text)
