"""Friendly errors: page bodies run inside :func:`friendly_errors`, so a runner never sees a
traceback. Input problems (:class:`core.errors.FormCheckError`) show their message and
hint; anything unexpected is logged with its traceback and shown as a short apology."""
from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator

import streamlit as st

from core.errors import FormCheckError

log = logging.getLogger("formcheck.ui")

UNEXPECTED = ("Something went wrong on our side while {what}. Please try again; if it keeps "
              "happening, reload the page.")


def ensure_app_navigation() -> None:
    """Make sure pages run under app.py's ``st.navigation`` (theme, CSS, top navigation).

    Streamlit starts in its legacy "pages/ folder" mode while a ``pages/`` folder exists and
    no session has called ``st.navigation`` yet: the first visitor of a fresh server who
    opens ``/report?r=...`` or ``/history`` directly would get the page script alone, with a
    sidebar of file names. Leave that mode for good and rerun through app.py (same URL,
    same query parameters).
    """
    try:
        from streamlit.runtime.pages_manager import PagesManager
    except ImportError:  # pragma: no cover - a Streamlit without the legacy mode
        return
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        # AppTest resets the flag before every run and drives each page by its file; a rerun
        # there would only swallow the widget event of that run.
        from streamlit import config

        if not config.get_option("global.appTest"):
            st.rerun()


def show_error(err: FormCheckError) -> None:
    st.error(err.message or "This did not work.", icon=":material/error:")
    if err.hint:
        st.caption(f":material/lightbulb: {err.hint}")


@contextlib.contextmanager
def friendly_errors(what: str = "showing this page") -> Iterator[None]:
    """Catch errors of the enclosed block and show them in words.

    Streamlit's own control flow (``st.rerun``, ``st.switch_page``, ``st.stop``) raises
    ``BaseException`` subclasses and passes through untouched.
    """
    ensure_app_navigation()
    try:
        yield
    except FormCheckError as e:
        show_error(e)
    except Exception:  # noqa: BLE001 - the last line of defence of a page
        log.exception("FormCheck UI error while %s", what)
        st.error(UNEXPECTED.format(what=what), icon=":material/sentiment_dissatisfied:")
