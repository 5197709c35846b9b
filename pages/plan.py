"""Plan: the open report's top fixes as a 3-week plan (core.plan), with a printable download.

Opens the same report the Report page would: ``?r=<share id>`` for a share-link viewer, else
``?id=<report id>`` or this session's own report (either only with this browser's proof
of ownership), else the sample report.
"""
from __future__ import annotations

import logging

import streamlit as st

from core.plan import (SHARED_PLAN_NOTE, PlanError, day_text, focus_heading, make_plan,
                       plan_html)
from ui import guard, owner, session, text
from ui.format import download_name, in_runners_units, when
from ui.theme import esc

log = logging.getLogger(__name__)

PLAN_PAGE = "pages/plan.py"
ID_PARAM = "id"  # as pages/report.py: /plan?id=<report id> for the report's owner


def load() -> tuple[dict, dict | None] | None:
    """(report, query params to link back to it) of the report this page is for, or None."""
    store = session.store()
    share_id = st.query_params.get(owner.SHARE_PARAM)
    if share_id is None and not (st.query_params.get(ID_PARAM) or session.current()
                                 or session.current_sample()):
        share_id = session.current_shared()  # a link's report, reached from the navigation
        if share_id is not None:  # its address says whose plan this is (a reload keeps it)
            st.query_params.from_dict({owner.SHARE_PARAM: share_id})
    if share_id is not None:
        stored = store.get(share_id, viewer=True)
        return (stored.report, {owner.SHARE_PARAM: share_id}) if stored else None
    rid = st.query_params.get(ID_PARAM) or session.current()  # ?id=: a reload or bookmark
    if rid is not None:
        stored = store.get(rid, session.proof(rid))  # only for a browser that owns it
        return (stored.report, {ID_PARAM: rid}) if stored else None
    sample = session.current_sample()
    if sample is not None:
        stored = store.get_sample(sample)
        return (stored.report, None) if stored else None
    return None


def back(params: dict | None) -> None:
    st.page_link(session.REPORT_PAGE, label="Back to the report", icon=":material/arrow_back:",
                 query_params=params)


def show(plan, shared: bool = False) -> None:
    whose = "the" if shared else "your"
    meta = [x for x in (f"From {whose} report of {day_text(plan.created)}" if plan.created else "",
                        plan.source, f"Speed: {plan.speed}" if plan.speed else "") if x]
    if meta:
        st.caption(esc(" · ".join(meta)))
    if shared:
        st.caption(f":material/visibility: {esc(SHARED_PLAN_NOTE)}")
    st.markdown(esc(plan.headline))
    st.subheader(focus_heading(shared), anchor=False)
    for i, f in enumerate(plan.focuses, 1):
        with st.container(border=True):
            st.markdown(f"**{i}. {esc(f.title)}**")
            if f.seen:
                st.caption(f"What we saw: {esc(f.seen)}")
            if f.check:
                st.warning(esc(f.check), icon=":material/help:")
            st.markdown(f":material/record_voice_over: **Cue:** {esc(f.cue)}")
            st.markdown(f":material/fitness_center: **Drill: {esc(f.drill)}.** {esc(f.how)}")
    st.subheader("Week by week", anchor=False)
    for w in plan.weeks:
        with st.container(border=True):
            st.markdown(f"**Week {w.number}: {esc(w.theme)}**")
            st.caption(esc(w.intro))
            for it in w.items:
                st.markdown(f"- **{esc(it.drill)}** ({esc(it.focus.lower())}): {esc(it.dose)}  \n"
                            f"  *{esc(it.cue)}*")
    st.subheader("What to film again, and when", anchor=False)
    for r in plan.refilm:
        st.info(f"**Day {r.day}: {esc(r.title)}.** {esc(r.how)}", icon=":material/videocam:")
    for n in plan.notes:
        st.caption(esc(n))


def _latest():
    """This browser's newest scored report (its History's first with a plan), or None."""
    try:
        items = session.store().list(session.browser_token(), limit=10)
    except Exception:  # the store down: the page says no report is open, as before
        log.warning("history unavailable for the plan page", exc_info=True)
        return None
    return next((it for it in items if it.status in ("ok", "limited")), None)


def main() -> None:
    session.keep_browser_cookie()
    opened = load()
    if opened is not None:  # lengths in the runner's unit, as the report page shows them
        opened = (in_runners_units(opened[0]), opened[1])
    # a share-link viewer's: the runner's plan
    shared = opened is not None and owner.SHARE_PARAM in (opened[1] or {})
    link = opened is None and st.query_params.get(owner.SHARE_PARAM) is not None
    st.title("A 3-week plan from this report" if shared or link else "Your 3-week plan")
    if link:  # someone's plan link that no longer opens: say so, not "no report is open"
        st.warning(text.NOT_FOUND, icon=":material/search_off:")
        st.page_link(session.ANALYZE_PAGE, label="Check your own running form",
                     icon=":material/directions_run:")
        return
    if opened is None:
        if st.query_params.get(ID_PARAM) is not None:  # an owner's address in another browser
            st.warning(text.NOT_HERE, icon=":material/lock:")
            st.page_link(session.ANALYZE_PAGE, label="Analyse a clip", icon=":material/upload:")
            st.page_link(session.HISTORY_PAGE, label="Open your history",
                         icon=":material/history:")
            return
        latest = _latest()
        if latest is not None:
            # a reload or a new visit starts with no report open, while History holds some:
            # the latest one's plan, one click away (review, 3 Dec)
            st.info("No report is open. Your latest report's plan is one click away.",
                    icon=":material/info:")
            if st.button(f"Open the plan of your latest report ({latest.filename or 'clip'}, "
                         f"{when(latest.created)})", type="primary",
                         icon=":material/event_note:"):
                session.show_report(latest.id)
                st.rerun()
            st.page_link(session.HISTORY_PAGE, label="Or pick another from your history",
                         icon=":material/history:")
            return
        st.info("No report is open, so there is no plan yet. Analyse a clip, or open a report "
                "from your history; its plan is one click away.", icon=":material/info:")
        st.page_link(session.ANALYZE_PAGE, label="Analyse a clip", icon=":material/upload:")
        st.page_link(session.HISTORY_PAGE, label="Open your history", icon=":material/history:")
        return
    report, params = opened
    try:
        plan = make_plan(report)
    except PlanError as e:
        st.warning(str(e), icon=":material/videocam_off:")
        back(params)
        return
    back(params)  # at the top too: on a phone the plan is several screens long
    show(plan, shared)
    st.download_button("Download the plan (one printable page)", plan_html(plan, shared),
                       file_name=download_name(report, "plan", "html"), mime="text/html",
                       icon=":material/print:", type="primary",
                       help="A single web page: open it and print it, or save it as PDF "
                            "from the print dialog.")
    back(params)


with guard.friendly_errors():
    main()
