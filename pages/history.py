"""History: this browser's saved reports, newest first, each with Open and Delete; trends of
the main measures over the sessions (:func:`ui.compare.trends_section`) and two sessions picked
to compare (``pages/compare.py``).

Only the reports this browser made (or claimed with a delete key) are listed: another
browser's History shows none of them. A report made in another browser opens here with its
delete key ("Open a report from another browser"), which adds this browser as an owner.
"""
from __future__ import annotations

import streamlit as st

from core.report import Media
from core.store import StoreError
from ui import compare, guard, owner, session, text
from ui.format import when
from ui.theme import esc, status_md


PICK = "fc_pick_{id}"


def picked(items) -> list[str]:
    """Ids of the rows ticked for comparing, in list order."""
    return [i.id for i in items if st.session_state.get(PICK.format(id=i.id))]


def row(item, stored, comparable: bool = True, ticked: list[str] | None = None,
        to_second: bool = False) -> None:
    """One saved report; ``comparable``: a Compare tick (two scored reports or more);
    ``ticked``: the rows ticked, whose pair can be compared from either row too (on a phone
    the bar above is screens away from the second tick); ``to_second``: its time to the
    second (another report was made in the same minute)."""
    flag = f"fc_history_delete_{item.id}"
    with st.container(border=True):
        pic, words, action = st.columns([1, 4, 1.3], vertical_alignment="center")
        with pic:
            thumb_rel = Media.of(stored.report).thumbnail if stored else None
            thumb = stored.media_file(thumb_rel) if thumb_rel else None
            if thumb:
                st.image(str(thumb), width=72)
            else:
                st.markdown(":material/directions_run:")
        with words:
            st.markdown(f"**{esc(item.filename or 'Clip', typography=False)}**  \n"
                        f"{when(item.created, to_second=to_second)} · {text.view_name(item.view, stored.report if stored else None)}")
            if item.status == "refused":
                st.markdown(status_md("info", "Not scored") + " open it to see why")
            else:
                score = f"**{item.score}/100**" if item.score is not None else "no score"
                # the report's own word beside it: "97/100" alone read as excellent where the
                # report says "worth a look" under it (review, 3 Dec)
                verdict = ((stored.report.get("findings") or {}).get("overall_status")
                           if stored is not None else None)
                if item.score is not None and verdict in ("good", "watch", "fix"):
                    score += " " + status_md(verdict)
                top = f" · Top fix: {esc(item.top_finding)}" if item.top_finding else ""
                shared = " · " + status_md("info", "shared") if item.shared else ""
                # a report analysed with limits (an oblique, moving or cut camera...): its
                # score is not like for like with a square tripod clip's (review, 2 Dec: a
                # 30 deg camera scored 97 without the elbow the other clips flagged)
                limited = (" · " + status_md("watch", "filmed with limits")
                           if item.status == "limited" else "")
                st.markdown(f"{score}{limited}{top}{shared}")
        with action:
            if st.button("Open", key=f"open_{item.id}", icon=":material/open_in_new:",
                         width="stretch"):
                session.open_report(item.id)
            if not st.session_state.get(flag):
                owner.ask_delete(flag, "Delete", width="stretch")
            if item.status != "refused" and comparable:
                st.checkbox("Compare", key=PICK.format(id=item.id))
                if ticked and len(ticked) == 2 and item.id == ticked[-1]:
                    # one word: "Compare these two" wrapped in the row's narrow column (review)
                    go_compare(ticked, "Compare", key=f"fc_compare_go_{item.id}")
        if owner.confirm_delete(item.id, stored.clip_key if stored else None, flag):
            session.flash("success", "The report, its media and its share link were deleted."
                          if item.shared else "The report and its media were deleted.")
            st.rerun()


def claim_box() -> None:
    """Open a report made in another browser with its delete key (claims it for this one)."""
    with st.expander("Open a report from another browser", icon=":material/key:"):
        # "report key", not "delete key": a runner opening a report on a phone feared the
        # word would wipe it (review, 3 Dec); the store still calls it the delete key
        st.caption("Each report is kept for the browser that made it. Enter the report key "
                   "that was shown with the report (under \"Your report key\") to open it "
                   "here too; it then stays in this browser's history.")
        with st.form("fc_claim", clear_on_submit=True, border=False):
            typed = st.text_input("Report key", type="password", placeholder="32 characters")
            go = st.form_submit_button("Open report", icon=":material/lock_open:")
        if go:
            key = (typed or "").strip()
            rid = session.store().claim(key, session.browser_token()) if key else None
            if rid is None:
                st.error("No report has this report key. It may have been deleted or have "
                         "expired; check the key and try again.", icon=":material/key_off:")
                return
            session.remember(rid, key)
            session.open_report(rid)


def _load(store, report_id: str):
    """One row's report, or None when it cannot be opened here (e.g. written by a newer
    FormCheck): that row shows without a picture instead of the page failing."""
    try:
        return store.get(report_id, session.proof(report_id))
    except StoreError:
        return None


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
        store = session.store()
        loaded = {item.id: _load(store, item.id) for item in items}
        # the reports first, the trends a tap away: on a phone five charts came before the
        # first report, 2.5 screens down (browser review, s20)
        listed, trends = st.tabs([f"Your reports ({len(items)})", "Trends"])
        with trends:
            compare.trends_section([(s.created, s.report) for s in loaded.values()
                                    if s is not None])
        with listed:
            # the compare bar and ticks only where two scored reports can be compared (with
            # refused clips only it asked for ticks no row had: browser review, s20)
            comparable = sum(item.status != "refused" for item in items) >= 2
            if comparable:
                compare_bar(items)
            ticked = picked(items) if comparable else []
            # two reports of one minute read "3 Dec 2026, 14:51 UTC" both (review, 3 Dec)
            minutes = [when(item.created) for item in items]
            for item, minute in zip(items, minutes):
                row(item, loaded[item.id], comparable, ticked,
                    to_second=minutes.count(minute) > 1)
    claim_box()


def compare_bar(items) -> None:
    """Tick two sessions below, then compare them."""
    ids = picked(items)
    left, right = st.columns([3, 1.3], vertical_alignment="center")
    left.markdown("**Compare two sessions**  \n" + (
        "Tick *Compare* on two sessions below." if not ids else
        "1 ticked: tick *Compare* on one more." if len(ids) == 1 else
        "Ready: the two ticked sessions." if len(ids) == 2 else
        f"{len(ids)} ticked: untick all but two."))
    with right:
        go_compare(ids, "Compare the two", key="fc_compare_go")


def go_compare(ids: list[str], label: str, key: str) -> None:
    """The button that opens Compare on the two ticked reports (disabled otherwise)."""
    if st.button(label, icon=":material/compare:", disabled=len(ids) != 2, width="stretch",
                 key=key, type="primary"):
        st.session_state[compare.COMPARE_STATE] = ids
        st.switch_page(compare.COMPARE_PAGE)


with guard.friendly_errors():
    main()
