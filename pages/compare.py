"""Compare: two of this browser's reports side by side (picked on History), or, with
``?c=<token>``, a comparison shared by link (read-only, the reports' shared copies).

The owner view opens both reports only with this session's proof of ownership, as on the
Report page; anything else reads as "not found".
"""
from __future__ import annotations

import streamlit as st

from core.compare_share import (comparison_link, open_comparison, share_comparison,
                                stop_comparison)
from ui import compare, guard, session, text

LINK_PARAM = "c"
PAIR_PARAM = "ids"  # the owner's address: /compare?ids=<id>,<id> (opens only with the proof)
STOPPED = "fc_compare_link_stopped"  # "Stop sharing" said where the link was, once


def shared(token: str) -> None:
    st.title("Shared running-form comparison")
    pair = open_comparison(session.store(), token)
    if pair is None:
        st.warning(text.COMPARISON_NOT_FOUND, icon=":material/search_off:")
        st.page_link(session.ANALYZE_PAGE, label="Check your own running form",
                     icon=":material/directions_run:")
        return
    # as on a shared report: the pictures' labels speak to the runner (both stills said
    # "You" to a stranger with no word why: review, 3 Dec)
    st.caption(":material/visibility: Shared with you, read-only. The pictures' labels speak "
               "to the runner (\"you\").")
    compare.compare_view(*pair)
    st.page_link(session.ANALYZE_PAGE, label="Check your own running form",
                 icon=":material/directions_run:")


def share_box(before, after) -> None:
    """This comparison's link: the one made before, shown again with a way to stop it, or a
    button that makes it (publishing both reports' shared copies). Coming back offered only
    "Create comparison link", each press made another link, and none could be stopped
    (review, 3 Dec)."""
    store = session.store()
    proofs = session.proof(before.id), session.proof(after.id)
    token = comparison_link(store, before.id, after.id, *proofs)
    stopped = bool(st.session_state.pop(STOPPED, None))
    with st.expander("Share this comparison", icon=":material/share:",
                     expanded=token is not None or stopped):
        if token is None:
            if stopped:
                st.success("Comparison link stopped: it no longer opens. Each report keeps "
                           "its own share link (stop it on the report).",
                           icon=":material/link_off:")
            st.caption(compare.share_caption(before, after))
            if st.button("Create comparison link", icon=":material/link:",
                         key="fc_compare_share"):
                if share_comparison(store, before.id, after.id, *proofs) is None:
                    st.error(text.NOT_FOUND, icon=":material/search_off:")
                else:
                    st.toast("Comparison link created; both reports are now shared too.",
                             icon=":material/share:")
                    st.rerun()
            return
        st.markdown("Anyone with this link sees both reports' shared copies, read-only:")
        st.code(compare.comparison_url(token), language=None)
        if st.button("Stop sharing this comparison", icon=":material/link_off:",
                     key="fc_compare_unshare"):
            stop_comparison(store, before.id, after.id, *proofs)
            st.session_state[STOPPED] = True
            st.rerun()


def main() -> None:
    session.keep_browser_cookie()
    token = st.query_params.get(LINK_PARAM)
    if token is not None:
        shared(token)
        return
    st.title("Compare")
    ids = st.session_state.get(compare.COMPARE_STATE) or []
    if not ids and st.query_params.get(PAIR_PARAM):  # a reload or a bookmark of the page
        ids = [i for i in st.query_params.get(PAIR_PARAM, "").split(",") if i][:3]
    store = session.store()
    stored = [store.get(i, session.proof(i)) for i in ids[:2]]
    if len(ids) != 2 or any(s is None for s in stored):
        if ids:
            st.warning(text.NOT_HERE_PAIR, icon=":material/lock:")
        else:
            st.info("Pick two sessions on History to compare them.", icon=":material/info:")
        st.page_link(session.HISTORY_PAGE, label="Open your history", icon=":material/history:")
        return
    before, after = sorted(stored, key=lambda s: s.created)
    # the address keeps the pair, so a reload or a bookmark reopens it (in this browser only:
    # elsewhere the reports' proofs are missing and it reads as not found)
    pair = f"{before.id},{after.id}"
    if st.query_params.get(PAIR_PARAM) != pair:
        st.query_params.from_dict({PAIR_PARAM: pair})
    compare.compare_view(before, after)
    share_box(before, after)
    st.page_link(session.HISTORY_PAGE, label="Back to your history", icon=":material/history:")


with guard.friendly_errors():
    main()
