"""Report: the owner's report, the sample report, or, with ``?r=<share id>``, a shared one.

The owner view opens only with this session's proof of ownership (this browser's token or
the delete key, :func:`ui.session.proof`); anything else reads as "not found", exactly as
an unknown id. The owner's address is ``/report?id=<report id>`` (:data:`ID_PARAM`), so a
reload or a bookmark in the same browser reopens it; in another browser that address opens
nothing (the store wants the proof, not the id). The owner's address stays that one after
sharing: the share link is shown, never put in the address bar. The sample opens read-only
for anyone, without owner controls.
"""
from __future__ import annotations

import streamlit as st

from ui import compare, guard, owner, report_view, session, text


ID_PARAM = "id"  # the owner's address: /report?id=<report id> (opens only with the proof)
SAMPLE_PARAM = "sample"  # the sample report's address: /report?sample=<its id> (public)


def load() -> report_view.Opened | None:
    share_id = st.query_params.get(owner.SHARE_PARAM)
    store = session.store()
    if share_id is None and not (st.query_params.get(ID_PARAM) or session.current()
                                 or st.query_params.get(SAMPLE_PARAM) or session.current_sample()):
        share_id = session.current_shared()  # the link's report, reopened from the navigation
    if share_id is not None:
        stored = store.get(share_id, viewer=True)
        if stored is None:
            if session.current_shared() == share_id:  # unshared or deleted since: forget it
                session.show_shared(None)
            return None
        if session.current_shared() != share_id:
            session.show_shared(share_id)
        if st.query_params.get(owner.SHARE_PARAM) != share_id:  # the link back in the address
            st.query_params.from_dict({owner.SHARE_PARAM: share_id})
        return report_view.Opened(store, stored, viewer=True)
    rid = st.query_params.get(ID_PARAM) or session.current()
    if rid is not None:
        stored = store.get(rid, session.proof(rid))
        if stored is None:
            return None
        if session.current() != rid:  # reopened from its address (reload, bookmark)
            session.show_report(rid)
        if st.query_params.get(ID_PARAM) != rid:
            st.query_params.from_dict({ID_PARAM: rid})
        return report_view.Opened(store, stored, viewer=False)
    sample = st.query_params.get(SAMPLE_PARAM) or session.current_sample()
    if sample is not None:
        stored = store.get_sample(sample)  # the public sample only: no other report opens here
        if stored is None:
            return None
        if session.current_sample() != sample:  # reopened from its address
            session.show_sample(sample)
        if st.query_params.get(SAMPLE_PARAM) != sample:
            st.query_params.from_dict({SAMPLE_PARAM: sample})
        return report_view.Opened(store, stored, viewer=True, sample=True)
    return None


def nothing_open() -> None:
    st.title("Report")
    if st.query_params.get(ID_PARAM) is not None and st.query_params.get(owner.SHARE_PARAM) is None:
        st.warning(text.NOT_HERE, icon=":material/lock:")
    elif (st.query_params.get(owner.SHARE_PARAM) is not None or session.current() is not None
            or session.current_sample() is not None
            or st.query_params.get(SAMPLE_PARAM) is not None):
        st.warning(text.NOT_FOUND, icon=":material/search_off:")
    else:
        st.info("No report is open yet. Analyse a clip, or open one from your history.",
                icon=":material/info:")
    if st.query_params.get(owner.SHARE_PARAM) is not None:  # someone's link: no history of theirs
        st.page_link(session.ANALYZE_PAGE, label="Check your own running form",
                     icon=":material/directions_run:")
        return
    left, right = st.columns(2)
    left.page_link(session.ANALYZE_PAGE, label="Analyse a clip", icon=":material/upload:")
    right.page_link(session.HISTORY_PAGE, label="Open your history", icon=":material/history:")


def plan_link(op: report_view.Opened) -> None:
    """The way to this report's 3-week plan (pages/plan.py), for the owner and for a
    share-link viewer alike (the viewer's link carries the share id)."""
    params = ({owner.SHARE_PARAM: op.id} if op.viewer and not op.sample
              else {ID_PARAM: op.id} if not op.viewer else None)  # the owner's: reloads too
    has_fixes = bool((op.report.get("findings") or {}).get("fixes"))
    st.page_link("pages/plan.py", label=("Turn these fixes into a 3-week plan" if has_fixes
                                         else "A 3-week plan to keep your form"),
                 icon=":material/event_note:", query_params=params)


def main() -> None:
    session.keep_browser_cookie()
    op = load()
    if op is None:
        nothing_open()
        return
    report_view.header(op)
    session.show_flash()
    if op.report.get("status") == "refused":
        report_view.refused(op)
        report_view.quality_panel(op, expanded=False)
    else:
        report_view.scores(op)
        # what to work on first, then how the last report's fixes read now: on a phone the
        # progress box above the fixes put them three screens down (review, 2 Dec)
        report_view.fixes(op)
        plan_link(op)
        compare.since_section(op)
        compare.reference_section(op)
        report_view.metrics_by_area(op)
        report_view.chart_section(op)
        report_view.frames_and_video(op)
        report_view.quality_panel(op)
    report_view.downloads(op)
    if not op.viewer:  # the store checked this session's proof of ownership in load()
        owner.controls(op)
        owner.add_clip(op)
    else:
        st.page_link(session.ANALYZE_PAGE, label="Check your own running form",
                     icon=":material/directions_run:")
    report_view.disclaimer(op)


with guard.friendly_errors():
    main()
