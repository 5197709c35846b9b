"""History: this browser's saved reports, newest first, each with Open and Delete.

Only the reports this browser made (or claimed with a delete key) are listed: another
browser's History shows none of them. A report made in another browser opens here with its
delete key ("Open a report from another browser"), which adds this browser as an owner.
"""
from __future__ import annotations

import streamlit as st

from core.report import Media
from ui import guard, owner, session, text
from ui.format import when
from ui.theme import esc, status_md


def row(item) -> None:
    store = session.store()
    flag = f"fc_history_delete_{item.id}"
    with st.container(border=True):
        pic, words, action = st.columns([1, 4, 1.3], vertical_alignment="center")
        with pic:
            stored = store.get(item.id, session.proof(item.id))
            thumb_rel = Media.of(stored.report).thumbnail if stored else None
            thumb = stored.media_file(thumb_rel) if thumb_rel else None
            if thumb:
                st.image(str(thumb), width=72)
            else:
                st.markdown(":material/directions_run:")
        with words:
            st.markdown(f"**{esc(item.filename or 'Clip', typography=False)}**  \n"
                        f"{when(item.created)} · {text.VIEW_NAMES.get(item.view or '', 'View unclear')}")
            if item.status == "refused":
                st.markdown(status_md("info", "Not scored") + " the clip needs re-filming")
            else:
                score = f"**{item.score}/100**" if item.score is not None else "no score"
                top = f" · Top fix: {esc(item.top_finding)}" if item.top_finding else ""
                shared = " · " + status_md("info", "shared") if item.shared else ""
                st.markdown(f"{score}{top}{shared}")
        with action:
            if st.button("Open", key=f"open_{item.id}", icon=":material/open_in_new:",
                         width="stretch"):
                session.open_report(item.id)
            if not st.session_state.get(flag):
                owner.ask_delete(flag, "Delete", width="stretch")
        if owner.confirm_delete(item.id, stored.clip_key if stored else None, flag):
            session.flash("success", "The report, its media and its share link were deleted.")
            st.rerun()


def claim_box() -> None:
    """Open a report made in another browser with its delete key (claims it for this one)."""
    with st.expander("Open a report from another browser", icon=":material/key:"):
        st.caption("Each report is kept for the browser that made it. Enter the delete key "
                   "that was shown with the report to open it here too; it then stays in "
                   "this browser's history.")
        with st.form("fc_claim", clear_on_submit=True, border=False):
            typed = st.text_input("Delete key", type="password", placeholder="32 characters")
            go = st.form_submit_button("Open report", icon=":material/lock_open:")
        if go:
            key = (typed or "").strip()
            rid = session.store().claim(key, session.browser_token()) if key else None
            if rid is None:
                st.error("No report has this delete key. It may have been deleted or have "
                         "expired; check the key and try again.", icon=":material/key_off:")
                return
            session.remember(rid, key)
            session.open_report(rid)


def main() -> None:
    st.title("History")
    session.keep_browser_cookie()
    session.show_flash()
    items = session.store().list(session.browser_token(), limit=50)
    if not items:
        st.info("No saved reports in this browser yet.", icon=":material/info:")
        st.page_link(session.ANALYZE_PAGE, label="Analyse your first clip", icon=":material/upload:")
    else:
        st.caption(f"{len(items)} saved report{'s' if len(items) != 1 else ''} in this browser, "
                   "newest first. Only this browser sees them.")
        for item in items:
            row(item)
    claim_box()


with guard.friendly_errors():
    main()
