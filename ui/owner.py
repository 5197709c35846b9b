"""Owner-only controls of the Report page: share link (blur / video options) and delete.

The delete key proves ownership. A report made in this browser session has its key in
``st.session_state``; one opened from History asks for the key that was shown when it was
made. Share links carry the store's share id, never the report id.
"""
from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

import streamlit as st

from . import analysis, session
from .report_view import Opened

SHARE_PARAM = "r"


EXPIRE_DAYS = 30


def share_url(share_id: str) -> str:
    """Absolute link to the read-only view of ``share_id`` (relative when the URL is unknown)."""
    try:
        url = st.context.url or ""
    except Exception:  # noqa: BLE001 - no browser context (tests, bare mode)
        url = ""
    parts = urlsplit(url)
    path = parts.path.rstrip("/")
    if not path.endswith("/report"):
        path = (path.rsplit("/", 1)[0] if path.count("/") > 1 else "") + "/report"
    if not parts.scheme:
        return f"{path}?{SHARE_PARAM}={share_id}"
    return urlunsplit((parts.scheme, parts.netloc, path, f"{SHARE_PARAM}={share_id}", ""))


def _key_for(op: Opened) -> str | None:
    key = session.delete_key(op.id)
    if key:
        with st.expander("Your delete key", icon=":material/key:"):
            st.caption("Keep this key to share or delete the report later from another "
                       "browser or after closing this one. It is shown only to you.")
            st.code(key, language=None)
        return key
    st.caption("This report was made in another browser session. Enter the delete key that "
               "was shown then to share or delete it.")
    typed = st.text_input("Delete key", type="password", key=f"fc_key_{op.id}").strip()
    return typed or None


def _share(op: Opened, key: str | None) -> None:
    shared = op.stored.share
    st.markdown("##### :material/share: Share")
    if shared is not None:
        what = ("with your face blurred" if shared.blur_faces else "without blurring")
        what += ", including the video" if shared.include_video else ", without the video"
        st.markdown(f":material/link: Anyone with this link sees a read-only copy {what}:")
        st.code(share_url(shared.share_id), language=None, wrap_lines=True)
        st.caption("Use the copy icon at the right of the link.")
    blur = st.checkbox("Blur my face", value=True, key=f"fc_blur_{op.id}",
                       help="Pictures whose face position is unknown are left out of the shared copy.")
    video = st.checkbox("Include the annotated video", value=False, key=f"fc_video_{op.id}")
    expires = op.stored.expires_at
    expire = st.checkbox(f"Delete this report and its link after {EXPIRE_DAYS} days",
                         value=expires is not None, key=f"fc_expire_{op.id}",
                         help=("Set to go on " + expires.strftime("%d %b %Y") + ".")
                         if expires else None)
    left, right = st.columns(2)
    label = "Make a new link" if shared else "Create share link"
    if left.button(label, icon=":material/share:", disabled=key is None, width="stretch",
                   help="A new link replaces the old one, which stops working." if shared else None):
        with st.spinner("Preparing the shared copy…" + (" Blurring the video takes a moment." if
                                                         blur and video else "")):
            share_id = session.store().share(op.id, key, blur_faces=blur, include_video=video)
            if share_id is not None and expire != (expires is not None):
                session.store().set_expiry(op.id, key, EXPIRE_DAYS if expire else None)
        if share_id is None:
            st.error("That delete key does not match this report.")
            return
        session.remember(op.id, key)
        st.rerun()
    if shared is not None and right.button("Stop sharing", icon=":material/link_off:",
                                           disabled=key is None, width="stretch"):
        if session.store().unshare(op.id, key):
            session.remember(op.id, key)
            st.rerun()
        st.error("That delete key does not match this report.")


def _delete(op: Opened, key: str | None) -> None:
    st.markdown("##### :material/delete: Delete")
    flag = f"fc_confirm_delete_{op.id}"
    if not st.session_state.get(flag):
        st.button("Delete this report…", icon=":material/delete:", disabled=key is None,
                  on_click=st.session_state.__setitem__, args=(flag, True))
        return
    st.warning("This removes the report, its pictures and video, and any share link, for good.",
               icon=":material/warning:")
    yes, no = st.columns(2)
    if yes.button("Yes, delete it", type="primary", icon=":material/delete_forever:",
                  width="stretch"):
        st.session_state[flag] = False
        if key and session.store().delete(op.id, key):
            analysis.forget_report(op.id)
            session.flash("success", "Your report, its media and its share link were deleted.")
            st.switch_page(session.ANALYZE_PAGE)
        st.error("That delete key does not match this report.")
    if no.button("Cancel", width="stretch"):
        st.session_state[flag] = False
        st.rerun()


def controls(op: Opened) -> None:
    with st.container(border=True):
        st.markdown("**Your controls** · only you see this part")
        key = _key_for(op)
        if op.report.get("status") != "refused":
            _share(op, key)
        _delete(op, key)
