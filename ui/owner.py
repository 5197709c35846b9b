"""Owner-only controls of the Report page: share link (blur / video options), delete, and
adding a back or front clip of the same session (a new, merged report: :func:`add_clip`).

The Report page shows them only when the store accepted this session's proof of ownership
(:func:`ui.session.proof`: this browser's token, or the delete key). The delete key is
shown in the session that made the report, so the runner can bring it to another browser
(History claims it there). Share links carry the store's share id, never the report id.
"""
from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

import streamlit as st

from core.compare_share import partners
from core.report import Media

from . import analysis, session
from .format import when
from .report_view import Opened, primary_clip_name

SHARE_PARAM = "r"


EXPIRE_DAYS = 30
# st.code's own copy button does not show without a pointer over it (never on a phone); a
# click or a press selects the whole link (assets/style.css)
COPY_HINT = "Click the link to select all of it, then copy it (on a phone: press it, then Copy)."
GONE = "This report is no longer yours to change here: it was deleted or has expired."


def app_url(page: str, param: str, value: str) -> str:
    """Absolute link to ``/<page>?<param>=<value>`` of this app, from the URL the browser is
    on (relative when it is unknown): what share links of reports and comparisons use."""
    try:
        url = st.context.url or ""
    except Exception:  # noqa: BLE001 - no browser context (tests, bare mode)
        url = ""
    parts = urlsplit(url)
    path = parts.path.rstrip("/")
    if not path.endswith(f"/{page}"):
        path = (path.rsplit("/", 1)[0] if path.count("/") > 1 else "") + f"/{page}"
    if not parts.scheme:
        return f"{path}?{param}={value}"
    return urlunsplit((parts.scheme, parts.netloc, path, f"{param}={value}", ""))


def share_url(share_id: str) -> str:
    """Absolute link to the read-only view of ``share_id`` (relative when the URL is unknown)."""
    return app_url("report", SHARE_PARAM, share_id)


def _show_key(op: Opened) -> None:
    key = session.delete_key(op.id)
    if key:
        with st.expander("Your report key", icon=":material/key:"):
            st.caption("This browser keeps the report for you. Keep this key to open the "
                       "report on another device or browser (History → Open a report from "
                       "another browser), where you can then also share or delete it. Copy it "
                       "now: only this browser session shows it, and a later visit does not "
                       "show it again.")
            st.code(key, language=None)


# set by "Stop sharing" for the rerun: the panel then says so where the link was (it only
# vanished: review, s20)
UNSHARED = "fc_unshared_{id}"
ALSO_UNSHARED = "fc_unshared_also_{id}"  # the comparison partners stopped with it (names)


def _share(op: Opened) -> None:
    shared = op.stored.share
    st.markdown("##### :material/share: Share")
    # kept while the report stays unshared (the button under the message needs its run), so
    # the message stays where the link was until a new link is made
    if shared is not None:
        st.session_state.pop(UNSHARED.format(id=op.id), None)
    stopped = st.session_state.get(UNSHARED.format(id=op.id))
    if stopped is not None:
        st.success("Sharing stopped: the link, and any comparison link made with it, no longer "
                   "open.", icon=":material/link_off:")
        _still_shared(op, stopped)
    if shared is not None:
        what = ("with your face blurred" if shared.blur_faces else "without blurring")
        whose = primary_clip_name(op.report)  # a session shares its side clip's video only
        what += ((f", including the {whose}'s video" if whose != "clip" else ", including the video")
                 if shared.include_video else ", without the video")
        st.markdown(f":material/link: Anyone with this link sees a read-only copy {what}:")
        st.code(share_url(shared.share_id), language=None, wrap_lines=True)
        st.caption(COPY_HINT)
    if shared is not None:  # the boxes looked like the live link's switches (UX review, 4 Dec)
        st.caption("The link above keeps the settings it was made with. To change them, set "
                   "them below and make a new link (the one above then stops working).")
    # the boxes start as the existing link was made (a reopened report), else the defaults
    blur = st.checkbox("Blur my face", value=shared.blur_faces if shared else True,
                       key=f"fc_blur_{op.id}",
                       help="Pictures whose face position is unknown are left out of the shared copy.")
    others = Media.of(op.report).other_videos
    video = st.checkbox("Include the annotated video",
                        value=shared.include_video if shared else False, key=f"fc_video_{op.id}",
                        help=(f"The {primary_clip_name(op.report)}'s video only: the other clips' "
                              "videos stay in your copy.") if others else None)
    expires = op.stored.expires_at
    expire = st.checkbox(f"Delete this report and its link after {EXPIRE_DAYS} days",
                         value=expires is not None, key=f"fc_expire_{op.id}",
                         help=("Set to go on " + expires.strftime("%d %b %Y") + ".")
                         if expires else None)
    left, right = st.columns(2)
    label = "Make a new link" if shared else "Create share link"
    proof = session.proof(op.id)
    if left.button(label, icon=":material/share:", width="stretch",
                   help="A new link replaces the old one, which stops working, as do the "
                        "comparison links made with it." if shared else None):
        with st.spinner("Preparing the shared copy…" + (" Blurring the video takes a moment." if
                                                         blur and video else "")):
            share_id = session.store().share(op.id, proof, blur_faces=blur, include_video=video)
            if share_id is not None and expire != (expires is not None):
                session.store().set_expiry(op.id, proof, EXPIRE_DAYS if expire else None)
        if share_id is None:
            st.error(GONE)
            return
        st.rerun()
    if shared is not None and right.button("Stop sharing", icon=":material/link_off:",
                                           width="stretch"):
        # read before the links go: a comparison link shared both of its reports
        with_it = partners(session.store(), op.id)
        if session.store().unshare(op.id, proof):
            # said where the link was, not only by its vanishing (review, s20); the partners
            # still out are read once here, not on every rerun of the page
            st.session_state[UNSHARED.format(id=op.id)] = _still_out(with_it)
            st.rerun()
        st.error(GONE)


def _still_out(ids: list[str]) -> list[tuple[str, str]]:
    """``(id, "file (when)")`` of the reports ``ids`` this session owns that are still out on
    their own share links."""
    store, out = session.store(), []
    for rid in ids:
        s = store.get(rid, session.proof(rid))
        if s is not None and s.share is not None:
            name = (s.report.get("source") or {}).get("filename") or "a clip"
            out.append((rid, f"{name} ({when(s.created)})"))
    return out


def _still_shared(op: Opened, still: list[tuple[str, str]]) -> None:
    """After "Stop sharing": the reports of this one's comparison links that are still out
    on their own links (:func:`_still_out`; making a comparison link shares both reports),
    with a button that stops them too. "Sharing stopped" alone left a runner thinking they
    were private again while the other report of the comparison stayed public (review,
    3 Dec)."""
    also = st.session_state.pop(ALSO_UNSHARED.format(id=op.id), None)
    if also:
        st.success(f"Also stopped: {also}. Those links no longer open.",
                   icon=":material/link_off:")
    if not still:
        return
    names = ", ".join(name for _, name in still)
    one = len(still) == 1
    st.warning(f"Still shared on {'its' if one else 'their'} own link{'' if one else 's'}: "
               f"{names}. Making a comparison link shared both of its reports, and "
               f"{'that one stays' if one else 'those stay'} shared until you stop "
               f"{'it' if one else 'them'}.", icon=":material/link:")
    if st.button("Stop sharing that one too" if one else "Stop sharing those too",
                 icon=":material/link_off:", key=f"fc_unshare_partners_{op.id}"):
        store = session.store()
        done = [p for p in still if store.unshare(p[0], session.proof(p[0]))]
        # one that could not be stopped here (deleted or expired meanwhile) is named again
        st.session_state[UNSHARED.format(id=op.id)] = [p for p in still if p not in done]
        st.session_state[ALSO_UNSHARED.format(id=op.id)] = ", ".join(n for _, n in done)
        st.rerun()


def ask_delete(flag: str, label: str, **button_args) -> None:
    """The first step of a delete: a button that turns on the confirm step ``flag``."""
    st.button(label, key=f"{flag}_ask", icon=":material/delete:",
              on_click=st.session_state.__setitem__, args=(flag, True), **button_args)


def confirm_delete(report_id: str, clip_key: str | None, flag: str) -> bool:
    """The confirm step of a delete (drawn while ``flag`` is on); True once deleted.

    Used by the Report page and by each History row. Deleting needs this session's proof
    of ownership and removes the report for every browser that owns it.
    """
    if not st.session_state.get(flag):
        return False
    st.warning("This removes the report, its pictures and video, and any share link, for good.",
               icon=":material/warning:")
    yes, no = st.columns(2)
    # a red button (assets/style.css: st-key-fc-danger-*), not the teal of "Analyse my run"
    # beside a plain Cancel (review, 3 Dec)
    if yes.button("Yes, delete it", key=f"fc-danger-{flag}", type="primary",
                  icon=":material/delete_forever:", width="stretch"):
        st.session_state[flag] = False
        if session.store().delete(report_id, session.proof(report_id)):
            analysis.forget_report(report_id, clip_key)
            return True
        st.error(GONE)
    no.button("Cancel", key=f"{flag}_no", width="stretch",
              on_click=st.session_state.__setitem__, args=(flag, False))
    return False


def _delete(op: Opened) -> None:
    st.markdown("##### :material/delete: Delete")
    flag = f"fc_confirm_delete_{op.id}"
    if not st.session_state.get(flag):
        ask_delete(flag, "Delete this report…")
    elif confirm_delete(op.id, op.stored.clip_key, flag):
        session.flash("success", "Your report, its media and its share link were deleted.")
        st.switch_page(session.ANALYZE_PAGE)


def controls(op: Opened) -> None:
    """The owner's controls; the caller shows them only for an owner (see module doc)."""
    with st.container(border=True):
        st.markdown("**Your controls** · only you see this part")
        _show_key(op)
        if op.report.get("status") != "refused":
            _share(op)
        _delete(op)


ADD_JOB = "fc_job"  # the Analyze page's waiting job (pages/analyze.py JOB): it shows progress


def add_clip(op: Opened) -> None:
    """Owner only: add a back or front clip of the same run to a one-clip report. One job
    analyses it with this report's options and merges both into a new report (this one
    stays); the Analyze page shows its progress and opens the new report."""
    from core.session import can_add_clip

    if can_add_clip(op.report) is not None:
        return
    with st.expander("Add a back or front clip of this run", icon=":material/video_call:"):
        st.caption("Film the same run from behind or in front: hips and step width come "
                   "from it (arm crossover too from the front; from behind the body often hides "
                   "the hands), the rest from this clip. You get a new report with both; this one "
                   "stays as it is.")
        up = st.file_uploader("Back or front clip", type=analysis.UPLOAD_TYPES,
                              key=f"fc_add_clip_{op.id}")
        if st.button("Add it and merge", icon=":material/merge:", disabled=up is None,
                     key=f"fc_add_go_{op.id}") and up is not None:
            data = up.getvalue()
            done = analysis.add_clip_cached(op.id, op.stored, data, up.name)
            if done is not None:  # this clip was analysed in this process: merge at once
                rid = analysis.save(done)
                session.flash("success", "The clips are merged into this new report; the "
                                         "one-clip report stays in your history.")
                session.open_report(rid)
            job = analysis.submit_add_clip(op.id, op.report, data, up.name)
            st.session_state[ADD_JOB] = job
            st.switch_page(session.ANALYZE_PAGE)
