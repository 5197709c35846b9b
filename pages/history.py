"""History: the saved reports, newest first, each with an Open button."""
from __future__ import annotations

import streamlit as st

from ui import guard, session, text
from ui.format import when
from ui.theme import esc, status_md


def row(item) -> None:
    store = session.store()
    with st.container(border=True):
        pic, words, action = st.columns([1, 4, 1.3], vertical_alignment="center")
        with pic:
            stored = store.get(item.id)
            thumb_rel = ((stored.report.get("media") or {}).get("thumbnail")) if stored else None
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
            if st.button("Open", key=f"open_{item.id}", icon=":material/open_in_new:", width="stretch"):
                session.open_report(item.id)


def main() -> None:
    st.title("History")
    session.show_flash()
    items = session.store().list(limit=50)
    if not items:
        st.info("No saved reports yet.", icon=":material/info:")
        st.page_link(session.ANALYZE_PAGE, label="Analyse your first clip", icon=":material/upload:")
        return
    st.caption(f"{len(items)} saved report{'s' if len(items) != 1 else ''}, newest first.")
    for item in items:
        row(item)


with guard.friendly_errors():
    main()
