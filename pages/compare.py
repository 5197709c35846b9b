"""Compare: two of this browser's reports side by side (picked on History).

Both reports open only with this session's proof of ownership, as on the Report page.
"""
from __future__ import annotations

import streamlit as st

from ui import compare, guard, session, text


def main() -> None:
    st.title("Compare")
    session.keep_browser_cookie()
    ids = st.session_state.get(compare.COMPARE_STATE) or []
    store = session.store()
    stored = [store.get(i, session.proof(i)) for i in ids[:2]]
    if len(ids) != 2 or any(s is None for s in stored):
        if ids:
            st.warning(text.NOT_FOUND, icon=":material/search_off:")
        st.info("Pick two sessions on History to compare them.", icon=":material/info:")
        st.page_link(session.HISTORY_PAGE, label="Open your history", icon=":material/history:")
        return
    before, after = sorted(stored, key=lambda s: s.created)
    compare.compare_view(before, after)
    st.page_link(session.HISTORY_PAGE, label="Back to your history", icon=":material/history:")


with guard.friendly_errors():
    main()
