"""The report store, this browser's identity, and what this session has open.

The store (:mod:`core.store`) is opened once per configured location (database URL and
media URL, see :func:`core.store.open_store`; default the ``./data`` folder). Reports are private to the
browser that made them: every browser gets a random 192-bit token (the ``fc_browser``
cookie, see :func:`browser_token`), the store keeps only its hash as the report's owner,
lists reports per owner and opens the owner view only with a :class:`core.store.Proof` of
ownership (:func:`proof`: this browser's token and, when this session knows it, the delete
key). A delete key brought from another browser claims the report for this one. Nothing
here is trusted from the URL except a share id, which only opens the read-only view.
``st.session_state`` holds the delete keys shown in this session, the report (or sample)
open on the Report page and a one-shot flash message.
"""
from __future__ import annotations

import secrets
from functools import lru_cache

import streamlit as st

from core.store import Proof, ReportStore, database_url, media_url, open_store

OWNED = "fc_owned"  # {report id: delete key} shown in this session
CURRENT = "fc_current"  # report id shown on the Report page (owner view)
SAMPLE = "fc_sample"  # sample report id shown on the Report page (read-only)
# the share id of the shared report this session opened last through its link (read-only):
# the Report and Plan pages in the top navigation reopen it, as they reopen an owner's
# report (a link's reader lost the report on pressing "Report" or "Plan": review, 3 Dec)
SHARED = "fc_shared"
BROWSER = "fc_browser_token"  # this browser's token (from the cookie, or new)
FLASH = "fc_flash"  # one message shown on the next page run: (kind, text)
# Analyze opens its "Options (optional)" until the next analysis starts (a refusal's "analyse
# it again with the capture rate" leads there)
OPEN_OPTIONS = "fc_open_options"

COOKIE = "fc_browser"
COOKIE_MAX_AGE_S = 400 * 24 * 3600  # browsers cap cookie lifetimes at about 400 days

REPORT_PAGE = "pages/report.py"
ANALYZE_PAGE = "pages/analyze.py"
HISTORY_PAGE = "pages/history.py"


@lru_cache(maxsize=4)
def _open(database: str, media: str | None) -> ReportStore:
    """Open the store once per process, deleting reports whose expiry has passed."""
    s = open_store(database, media=media)
    s.purge_expired()
    return s


def store() -> ReportStore:
    """The configured store (``FORMCHECK_DATABASE_URL`` / ``FORMCHECK_MEDIA_URL``, default
    ``$FORMCHECK_DATA_DIR`` or ``./data``), opened once."""
    return _open(database_url(), media_url())


# --- this browser --------------------------------------------------------------------------


def _is_token(value: object) -> bool:
    return isinstance(value, str) and len(value) == 32 and all(
        c.isascii() and (c.isalnum() or c in "-_") for c in value)


def _cookie() -> str | None:
    """The ``fc_browser`` cookie the browser sent when this session started, if valid."""
    try:
        value = st.context.cookies.get(COOKIE)
    except Exception:  # noqa: BLE001 - no browser context (AppTest, bare mode)
        return None
    return value if _is_token(value) else None


def browser_token() -> str:
    """This browser's identity: the ``fc_browser`` cookie's token, or a new one.

    A new token (``secrets.token_urlsafe(24)``, the store's id format) lives in the session
    until :func:`keep_browser_cookie` has written it into the browser; without a browser
    (AppTest) it simply stays a session token.
    """
    token = st.session_state.get(BROWSER)
    if not _is_token(token):
        token = _cookie() or secrets.token_urlsafe(24)
        st.session_state[BROWSER] = token
    return token


def keep_browser_cookie() -> None:
    """Write this browser's token into the ``fc_browser`` cookie when the browser did not
    send it (first visit, or cookies cleared). Pages call it once per run; it draws
    nothing. The cookie is read by the server on the next page load (``st.context``).
    """
    token = browser_token()
    if _cookie() == token:
        return
    from streamlit import config

    if config.get_option("global.appTest"):
        return  # no browser to hold a cookie
    secure = "+(location.protocol==='https:'?'; Secure':'')"
    st.html(f"<script>document.cookie='{COOKIE}={token}; path=/; max-age={COOKIE_MAX_AGE_S}; "
            f"SameSite=Lax'{secure};</script>", unsafe_allow_javascript=True)


def proof(report_id: str) -> Proof:
    """What this session can show to prove it owns ``report_id``."""
    return Proof(owner=browser_token(), delete_key=delete_key(report_id))


# --- delete keys shown in this session -----------------------------------------------------


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


# --- the Report page -----------------------------------------------------------------------


def show_report(report_id: str) -> None:
    """The owner's ``report_id`` is what the Report and Plan pages open (only one of a
    report, the sample and a shared report is open at a time)."""
    st.session_state[CURRENT], st.session_state[SAMPLE] = report_id, None
    st.session_state[SHARED] = None


def show_sample(report_id: str) -> None:
    st.session_state[SAMPLE], st.session_state[CURRENT] = report_id, None
    st.session_state[SHARED] = None


def show_shared(share_id: str | None) -> None:
    """A share link's report, opened from its link, is what the pages open next (None: no
    report is open)."""
    st.session_state[SHARED] = share_id
    st.session_state[CURRENT], st.session_state[SAMPLE] = None, None


def open_report(report_id: str) -> None:
    """Show ``report_id`` (owner view, checked there) on the Report page."""
    show_report(report_id)
    st.switch_page(REPORT_PAGE)


def open_sample(report_id: str) -> None:
    """Show the sample report ``report_id`` (read-only) on the Report page."""
    show_sample(report_id)
    st.switch_page(REPORT_PAGE)


def current_shared() -> str | None:
    return st.session_state.get(SHARED)


def current() -> str | None:
    return st.session_state.get(CURRENT)


def current_sample() -> str | None:
    return st.session_state.get(SAMPLE)


def flash(kind: str, text: str) -> None:
    st.session_state[FLASH] = (kind, text)


def show_flash() -> None:
    msg = st.session_state.pop(FLASH, None)
    if not msg:
        return
    kind, text = msg
    {"success": st.success, "info": st.info, "warning": st.warning}.get(kind, st.info)(text)
    if kind == "success":  # also where the runner is looking: a page switched to keeps the
        # scroll of the one left, so the message at its top can be out of view (a delete
        # from the bottom of a report landed on Analyze's bottom: fresh-eyes review)
        st.toast(text, icon=":material/check_circle:")
