"""The sections of the Report page, each drawing one part of a report dict.

:class:`Opened` is a stored report as this browser sees it (owner or share-link viewer),
with a resolver for its media files through :meth:`core.store.StoredReport.media_file`.
"""
from __future__ import annotations

import html
from dataclasses import dataclass, field
from pathlib import Path

import streamlit as st

from core.coaching import strength_for_reader
from core.findings import (HELD_WHY, LOW_CONFIDENCE_WHY, LOW_CONFIDENCE_WHY_BEFORE, accuracy_note,
                           capped_note, fix_near_line, harsher_line_of, line_note,
                           measure_counts, metric_fps, near_line_note, overall_scope, tentative,
                           unbenched_note, unclear, unclear_why)
from core.metrics.speed import NO_SPEED
from core.plan import dose_for_week
from core.quality import CHECK_RATE_FIX, NO_RATE_FIX, distinct_tips, headline
from core.reference import PHASES, REFERENCE_KEY
from core.report import DISCLAIMER, Media, dumps, strides_csv, this_clip
from core.report import session_clips as report_clips
from core.spec import AREA_LABELS, AREAS, BY_ID, GROUP_HIDDEN, GROUP_MISSING
from core.session import FRAME_STRIDE, clip_reason
from core.store import ReportStore, StoredReport, StoreError
from core.summary import filming_notes as filming_checks
from core.summary import view_unread

from . import charts, session, text
from .format import (band, card_value, download_name, in_runners_units, left_right, megabytes,
                     metric_label, number, seconds, sides, when)
from .theme import card_key, confidence_md, esc, score_html, status_badge, status_md


@dataclass
class Opened:
    store: ReportStore
    stored: StoredReport
    viewer: bool  # read-only: a share-link viewer, or anyone opening the sample
    sample: bool = False  # the demo clip's report (nobody's run)
    _paths: dict[str, Path | None] = field(default_factory=dict)
    _shown: dict | None = None

    @property
    def report(self) -> dict:
        """The report as the page shows it: lengths in the runner's unit (the stored one is
        :attr:`stored` ``.report``, as downloaded)."""
        if self._shown is None:
            self._shown = in_runners_units(self.stored.report)
        return self._shown

    @property
    def id(self) -> str:
        return self.stored.id

    def media(self, rel: str | None) -> Path | None:
        """A local file of the report's media path ``rel`` for st.image / st.video, or None.

        Media in a folder are served from the store's own file; media in S3 from a private
        cached copy (:meth:`core.store.StoredReport.media_file`). A picture that cannot be
        fetched now is left out of the page rather than breaking it.
        """
        if not rel:
            return None
        if rel not in self._paths:
            try:
                self._paths[rel] = self.stored.media_file(rel)
            except StoreError:
                self._paths[rel] = None
        return self._paths[rel]


def _metrics(report: dict) -> dict[str, dict]:
    return {m["id"]: m for m in report.get("metrics") or [] if isinstance(m, dict) and "id" in m}


def is_tentative(fx: dict, by_id: dict[str, dict]) -> bool:
    """Whether a fix's measures were all read with low confidence near their line
    (:func:`core.findings.tentative`): never a top fix, shown as one to check."""
    ms = [by_id[m] for m in fx.get("metrics") or [] if m in by_id]
    return len(ms) == len(fx.get("metrics") or []) and tentative(ms)


def _frame_time(report: dict, frame: int | None) -> float | None:
    """Real time of a frame index, from the series' frame/time columns (a session report's
    other clips, whose frames are offset by :data:`core.session.FRAME_STRIDE`: from their
    frame rate)."""
    if frame is not None and frame >= FRAME_STRIDE:
        clip = next((c for c in (report.get("session") or {}).get("clips") or []
                     if c.get("frame_offset") == frame // FRAME_STRIDE * FRAME_STRIDE), None)
        fps = (clip or {}).get("fps") or 0
        return (frame % FRAME_STRIDE) / fps if fps else None
    series = report.get("series") or {}
    frames, times = series.get("frame") or [], series.get("t") or []
    if frame is None or not frames:
        return None
    i = min(range(len(frames)), key=lambda j: abs(frames[j] - frame))
    return times[i] if i < len(times) else None


def _frame_clip(report: dict, frame: int | None) -> dict | None:
    """The session clip a frame index belongs to (None outside a session of two or more
    clips): its stills' "at 0.8 s" named no clip (review, 3 Dec)."""
    clips = report_clips(report)
    if len(clips) < 2 or frame is None:
        return None
    offset = frame // FRAME_STRIDE * FRAME_STRIDE
    return next((c for c in clips if (c.get("frame_offset") or 0) == offset), None)


# --------------------------------------------------------------------------- header


def header(op: Opened) -> None:
    r = op.report
    src, view = r.get("source") or {}, r.get("view") or {}
    if op.sample:
        st.title("Sample report")
        st.info("This is a sample report of a computer-rendered runner, to show what "
                "FormCheck gives you. It is not saved in your history.", icon=":material/science:")
    elif op.viewer:
        st.title("Shared running-form report")
        st.caption(":material/visibility: Shared with you, read-only. The advice, the notes "
                   "under the measures and the pictures' labels speak to the runner (\"you\").")
    else:
        st.title("Your running form")
    view_txt = text.view_name(view.get("view"), r)
    checks = (r.get("quality") or {}).get("checks") or []
    turned = any(c.get("id") == "direction" and not c.get("passed") for c in checks)
    if (unread := view_unread(r)):
        view_txt = unread  # not "Side view, facing left (high confidence)" over the refusal
    elif turned:  # a walker who turned round read "running to the right" (fresh-eyes review)
        view_txt += ", changing direction"
    elif view.get("facing"):  # a refused clip may be no running at all
        view_txt += (f", facing {view['facing']}" if r.get("status") == "refused"
                     else f", running to the {view['facing']}")
    if unread:  # no view, so no confidence in it either
        pass
    elif view.get("source") == "user":
        view_txt += " (as you chose)"
    elif view.get("confidence"):
        # the view's, not the measures' (it read as the report's: UX review, 4 Dec)
        view_txt += f" (view read with {view['confidence']} confidence)"
    parts = [] if op.viewer else [esc(src.get("filename") or "clip", typography=False)]
    clips = report_clips(r)
    if len(clips) > 1:  # each clip's own length and rate ("6.5 s at 60 fps" was the side
        # clip's alone over a side + front session: review, 3 Dec)
        length = ", ".join(f"{clip_name(c).lower()} {seconds(c.get('duration_s'))} at "
                           f"{c.get('fps') or 0:.0f} fps" for c in clips)
    else:
        length = f"{seconds(src.get('duration_s'))} at {src.get('fps_measured', 0):.0f} fps"
    parts += [when(r.get("created")), view_txt, length]
    if src.get("capture_fps"):
        parts.append(f"slow motion filmed at {src['capture_fps']:.0f} fps")
    st.caption(" · ".join(p for p in parts if p))
    session_clips(op)
    if r.get("status") == "limited":
        st.info(limits_line(r), icon=":material/info:")
    filming_notes(op)
    stretches(op)


def session_clips(op: Opened) -> None:
    """A session report: its clips, each with its view and the measures it gave."""
    clips = report_clips(op.report)
    if not clips:
        return
    with st.container(border=True, key="fc-session-clips"):
        st.markdown(f":material/video_library: **One session, {len(clips)} clips** — "
                    + esc((op.report.get("session") or {}).get("rule") or ""))
        for c in clips:
            ms = c.get("metrics") or []
            name = "" if op.viewer else f" ({esc(c.get('filename') or '', typography=False)})"
            gave = (f"gave {len(ms)} measure{'s' if len(ms) != 1 else ''}: "
                    + ", ".join(metric_label(m) for m in ms)) if ms else "gave no measure"
            st.markdown(f"- **{clip_name(c)}**{name}, {seconds(c.get('duration_s'))}: "
                        f"{esc(gave)}" + ("" if c.get("status") != "refused" else
                                          f" — not scored: {esc(c.get('summary') or '')}"))
        if disagree := clips_disagree(op.report):
            st.warning(esc(disagree), icon=":material/compare_arrows:")


def primary_clip_name(report: dict) -> str:
    """"side clip": the session clip whose video, charts and timeline the report shows (the
    one a share link's video is of); "clip" for a report of one clip."""
    from core.session import clip_label

    clips = report_clips(report)
    if len(clips) < 2:
        return "clip"
    return clip_label(next((c for c in clips if c.get("primary")), clips[0]), clips)


def clips_disagree(report: dict) -> str | None:
    """One sentence when a session's clips read a measure further apart than its reading
    error (core.session: ``extra.other_clips`` on that measure's card), naming each reading:
    two clips of one run should agree, so they may be of two runs."""
    from core.findings import error_text
    from core.session import clip_label

    clips = report_clips(report)
    by_key = {c.get("key"): c for c in clips}
    said = []
    for m in report.get("metrics") or []:
        others = (m.get("extra") or {}).get("other_clips") if isinstance(m, dict) else None
        spec = BY_ID.get(m.get("id")) if isinstance(m, dict) else None
        if not others or spec is None or m.get("source_clip") not in by_key:
            continue
        fmt = lambda v: error_text(spec.shown(v), spec.unit)  # noqa: E731 - as the card's caveat
        parts = [f"the {clip_label(by_key[m['source_clip']], clips)} {fmt(m['value'])}"]
        parts += [f"the {clip_label(by_key[o['clip']], clips)} {fmt(o['value'])}"
                  for o in others if isinstance(o, dict) and o.get("clip") in by_key
                  and isinstance(o.get("value"), (int, float))]
        said.append(f"{metric_label(m['id']).lower()} ({', '.join(parts)})")
    if not said:
        return None
    return ("The clips disagree on " + "; ".join(said) + ", further apart than its reading "
            "error: are both clips of the same run at the same pace? The report uses the "
            "reading with the better confidence (then more strides).")


def clip_name(clip: dict) -> str:
    """"Side clip" / "Back clip" (what a session clip is called on the page)."""
    return {"side": "Side clip", "back": "Back clip", "front": "Front clip"}.get(
        clip.get("view"), "Clip")


def limits_line(report: dict) -> str:
    """The banner over a report analysed with limits: what limited it, by name, and how many
    notes on filming, in one line; the details and tips are in "How to film it better next
    time" below. (The engine's headline said every limit's whole paragraph: a first-time
    runner's first screen was caveats, the score a screen down on a phone: review, 3 Dec.)
    A session, or a report without checks, keeps its stored headline."""
    q = report.get("quality") or {}
    notes = filming_checks(q)
    warned = [c for c in notes if c.get("severity") == "warn"]
    if report.get("session") or not warned:
        return q.get("summary") or "Analysed with some limits."

    def names(cs):
        return ", ".join(esc(c.get("label", "").lower()) for c in cs)

    more = [c for c in notes if c not in warned]
    text = (f"Analysed, with limits ({names(warned)}): some measures are read with lower "
            "confidence or not at all, as their cards say")
    if more:
        text += f"; {len(more)} more note{'s' if len(more) != 1 else ''} on filming ({names(more)})"
    return text + "."


def filming_notes(op: Opened) -> None:
    """How to film better: the capture checks that did not pass but did not refuse the clip
    (a tilted camera, a runner small in the picture, ...), each with its tip."""
    notes = filming_checks(op.report.get("quality") or {})
    if not notes or op.report.get("status") == "refused":
        return
    # closed: the banner above names each note, and open it pushed the score to the second
    # screen on a phone (review, s20 and 3 Dec)
    with st.expander(f"How to film it better next time ({len(notes)})",
                     icon=":material/photo_camera:"):
        said = (limits_line(op.report) if op.report.get("status") == "limited" else "")
        for c in notes:
            # a detail the banner above already says is not said again: only its tip (the
            # camera angle's paragraph came three times: review, 2 Dec)
            detail = c.get("detail", "")
            seen = bool(detail) and detail.rstrip(".") in said  # (its stop may be a ";")
            st.markdown(f"{_CHECK_ICONS['warn' if c.get('severity') == 'warn' else 'info']} "
                        f"**{esc(c.get('label', ''))}**"
                        + ("" if seen else f" — {esc(detail)}") + "  \n"
                        f":material/arrow_forward: {esc(c['how_to_fix'])}")


def stretch_rows(report: dict) -> list[dict]:
    """The clip's continuous stretches as table rows (none for a clip analysed whole or a
    report made before stretches were found)."""
    seg = report.get("segments") or {}
    if not seg or seg.get("whole"):
        return []
    rows = []
    for i in seg.get("items") or []:
        cad = i.get("cadence_spm")
        rows.append({
            "Seconds": f"{i.get('start_s', 0):.1f}–{i.get('end_s', 0):.1f}",
            "Begins with": i.get("reason", ""),
            "Steps": i.get("steps", 0) if i.get("basis") != "none" else None,
            "Steps/min": None if cad is None else round(cad),
            "Steady": "yes" if i.get("steady") else "no",
            "Scored": "analysed" if i.get("analysed") else "",
        })
    return rows


def stretches(op: Opened) -> None:
    """One line (which seconds were analysed) and the table of the clip's stretches."""
    seg = op.report.get("segments") or {}
    rows = stretch_rows(op.report)
    if not rows:
        return
    a0, a1 = seg.get("analysed_start_s"), seg.get("analysed_end_s")
    cuts_refused = any(c.get("id") == "cuts" and not c.get("passed") and c.get("severity")
                       == "fail" for c in (op.report.get("quality") or {}).get("checks") or [])
    if a0 is None and cuts_refused:
        # its refusal card below says the same sentence (it came twice in a row: review)
        line = ""
    else:
        line = (f":material/content_cut: Scored on **{a0:.1f}–{a1:.1f} s** of the clip, its "
                f"longest steady running stretch; {len(rows) - 1} other stretch"
                f"{'es' if len(rows) > 2 else ''} below." if a0 is not None and a1 is not None
                else f":material/content_cut: {esc(seg.get('note') or '')}")
    if line:
        st.markdown(line)
    with st.expander(f"The clip's {len(rows)} continuous stretches", icon=":material/view_timeline:"):
        st.dataframe(rows, hide_index=True, width="stretch")
        st.caption("A stretch ends at a cut, a zoom change, the runner leaving the picture or "
                   "a change of pace. Steps/min of each stretch: from its own foot contacts "
                   "(the hips' bounce when the feet are out of the picture).")


# --------------------------------------------------------------------------- refused


# where a runner enters a slow-motion clip's capture rate (on the Analyze page)
RATE_WHERE = ("\"Options (optional)\" → \"Slow-motion capture rate (fps)\", then upload the "
              "clip again.")


def slow_motion_suspected(check: dict) -> bool:
    """A failed capture check that takes the clip for slow motion (its reason says so, or its
    advice starts with the capture rate). A walking rhythm only mentions slow motion as an
    afterthought: its page does not lead with the capture-rate link (browser review, s20)."""
    fix = check.get("how_to_fix") or ""
    return "capture frame rate" in fix and (
        "slow-motion clip" in (check.get("detail") or "")
        or fix.startswith(("If this is a slow-motion clip", "Enter the real capture frame rate")))


def rate_given_wrong(check: dict) -> bool:
    """A failed check that blames the capture rate the runner entered (core.quality's
    advice: check the phone's slow-motion rate, or leave it empty for a normal-speed clip)."""
    fix = check.get("how_to_fix") or ""
    return fix.startswith((NO_RATE_FIX, CHECK_RATE_FIX))


def refused(op: Opened) -> None:
    q = op.report.get("quality") or {}
    failed = [c for c in q.get("checks") or [] if not c.get("passed") and c.get("severity") == "fail"]
    # the cause first: a slow-motion clip listed "3 clear foot contacts found" (a symptom of
    # its slow motion) above "this looks like a slow-motion clip" (review, 3 Dec)
    failed.sort(key=lambda c: 0 if "slow-motion clip" in (c.get("detail") or "") else 1)
    # the reasons are the cards below: the headline does not say them a second time (the
    # summary is made of the same sentences)
    st.warning("**We could not score this clip.** " + (
        "What went wrong, and how to film it so we can, is below." if failed
        else esc(q.get("summary") or "")), icon=":material/videocam_off:")
    # each piece of advice once: a slow-motion clip's steps and rhythm cards both asked for
    # the capture frame rate (browser review, s20)
    advice = set(distinct_tips([c["how_to_fix"] for c in failed if c.get("how_to_fix")]))
    said: list[str] = []
    if failed:
        st.subheader("What went wrong")
        for c in failed:
            with st.container(border=True, key=card_key("fix", "q-" + c.get("id", ""))):
                st.markdown(f"**{esc(c.get('label', ''))}** — {esc(c.get('detail', ''))}")
                if c.get("how_to_fix") in advice:
                    advice.discard(c["how_to_fix"])
                    said.append(c["how_to_fix"])
                    st.markdown(f":material/arrow_forward: {esc(c['how_to_fix'])}")
    rate_again = next((c for c in failed if slow_motion_suspected(c) or rate_given_wrong(c)),
                      None)
    if rate_again is not None:
        # the engine's words serve the command line too: here, where the rate is entered.
        # A short label (its whole path, as a link label, was cut off at "open '" on a phone:
        # review, 3 Dec), and Analyze opens with its options unfolded
        without = (rate_again.get("how_to_fix") or "").startswith(NO_RATE_FIX)
        if st.button("Analyse it again without a capture rate" if without else
                     "Set the capture rate and analyse it again",
                     icon=":material/slow_motion_video:", key="fc-rate-again"):
            st.session_state[session.OPEN_OPTIONS] = True
            session.flash("info", "Upload the clip again, " + (
                "with \"Slow-motion capture rate (fps)\" under \"Options (optional)\" left "
                "empty." if without else "and enter its rate in \"Slow-motion capture rate "
                "(fps)\" under \"Options (optional)\" below."))
            st.switch_page(session.ANALYZE_PAGE)
        st.caption(f"On Analyze: {RATE_WHERE}")
    elif any("capture frame rate" in (c.get("how_to_fix") or "") for c in failed):
        # a walking rhythm's afterthought ("if this is running shown in slow motion, enter the
        # real capture frame rate") said what to do but not where (UX review, 4 Dec)
        st.caption(f"If it was slow motion, enter its capture rate on Analyze: {RATE_WHERE}")
    # the stored tips minus what the cards said (a report stored before the engine gave
    # each piece of advice once still lists the capture rate twice)
    more = distinct_tips(said + list(q.get("tips") or []))[len(said):]
    if more:  # the heading only over tips the cards above did not give
        # these are the limits' tips, not the refusal's: said as extras (under "How to
        # re-film", a camera-angle tip read as the answer to "a second person": review, 3 Dec)
        st.subheader("Also for the next clip")
        for tip in more:
            st.markdown(f"- {esc(tip)}")
    with st.expander("The full filming guide"):
        for icon, line in text.FILMING_GUIDE:
            st.markdown(f"{icon} {line}")
    thumb = op.media(Media.of(op.report).thumbnail)
    if thumb:
        st.image(str(thumb), caption="What we saw in the middle of the clip", width=220)


# --------------------------------------------------------------------------- scores


def counts_text(counts: dict[str, int]) -> str:
    """``"18 judged measures"`` (one count for the headline, area cards and tabs)."""
    n = counts["judged"]
    return f"{n} judged measure{'' if n == 1 else 's'}"


def tab_label(area: str, counts: dict[str, int]) -> str:
    """``"Feet (8 + 1 info)"``: judged measures, then the ones shown for information."""
    extra = f" + {counts['info']} info" if counts["info"] else ""
    return f"{AREA_LABELS[area]} ({counts['judged']}{extra})"


def scores(op: Opened) -> None:
    r = op.report
    f = r.get("findings") or {}
    ms = r.get("metrics") or []
    counts = measure_counts(ms)
    with st.container(border=True, key=card_key(f.get("overall_status", "info"), "overall")):
        left, right = st.columns([1, 2], vertical_alignment="center")
        with left:
            st.markdown('<p class="fc-kicker">Overall</p>', unsafe_allow_html=True)
            st.markdown(score_html(f.get("overall_score"), f.get("overall_status", "info"), big=True),
                        unsafe_allow_html=True)
            status_badge(f.get("overall_status", "info"))
            if note := capped_note(f.get("overall_score"), f.get("overall_status", ""),
                                   counts["fix"], fix_ranks(f, _metrics(r)), area=False):
                st.caption(note)
            partial = overall_scope(f.get("areas") or [])
            if partial and f.get("overall_score") is not None:
                st.caption(partial)
        with right:
            badges = " ".join(status_md(s, f"{counts[s]} {label}") for s, label in
                              (("good", "good"), ("watch", "worth a look"), ("fix", "to work on"))
                              if counts[s] or s == "good")  # no "0 worth a look" chip
            where = f"from {this_clip(op.report, counted=True)}"
            st.markdown(f"**{counts_text(counts)}** {where}: {badges}"
                        + (f" + {counts['info']} shown for information" if counts["info"] else ""))
            lost = measures_lost(r)
            if lost and f.get("overall_score") is not None:
                # a measure not read is not in the score: a dimmer copy of a clip scored 84
                # against 72 with its elbow angle ("work on this") not measured, and only
                # its area card said so (review, 3 Dec)
                names = ", ".join(n.get("label") or BY_ID[n["id"]].label for n in lost)
                st.caption(f"Not measured {where}, so not in the scores: "
                           f"{esc(names[:1].lower() + names[1:])} (the area cards say why).")
            n_fix = len(f.get("fixes") or [])
            if n_fix:
                st.markdown(f"Start with the **{n_fix} fix{'es' if n_fix > 1 else ''}** below — "
                            "one cue and one drill each.")
    by_id = _metrics(r)
    areas = {a.get("area"): a for a in f.get("areas") or []}
    cols = st.columns(len(AREAS))
    for col, area in zip(cols, AREAS):
        a = areas.get(area) or {"label": AREA_LABELS[area], "score": None, "status": "info"}
        with col, st.container(border=True, key=card_key(a.get("status", "info"), "area-" + area)):
            st.markdown(f'<p class="fc-kicker">{html.escape(a.get("label") or AREA_LABELS[area])}</p>',
                        unsafe_allow_html=True)
            st.markdown(score_html(a.get("score"), a.get("status", "info")), unsafe_allow_html=True)
            status_badge(a.get("status", "info"))
            area_counts = measure_counts(ms, area)
            held = held_ranks(f, area, by_id)
            if note := capped_note(a.get("score"), a.get("status", ""), area_counts["fix"],
                                   fix_ranks(f, by_id, area, a.get("status")), held=held,
                                   held_why=held_why(f, held, by_id)):
                st.caption(note)
            top = by_id.get(a.get("top_metric") or "")
            if top:
                # the headline measure's own verdict beside it when it is not good: an area
                # "worth a look" over a measure rated "work on this" read as a contradiction
                own = (" " + status_md(top["status"]) if top.get("status") in ("watch", "fix")
                       else "")
                st.markdown(f"**{esc(top['label'])}:** {esc(top['display'])}{own}")
                st.caption(text.CONFIDENCE_LABELS.get(top.get("confidence", ""), ""))
            elif a.get("score") is None:
                st.caption("Not measurable from this view.")
            if a.get("summary"):
                st.caption(esc(a["summary"]))
            hidden = [n for n in r.get("not_measured") or [] if n.get("area") == area
                      and any((n.get("reason") or "").startswith(g)
                              for g in (*GROUP_MISSING.values(), *GROUP_HIDDEN.values()))]
            if hidden:
                why = hidden[0]["reason"].split(" (")[0].lower()
                st.caption(f":material/visibility_off: {len(hidden)} not measured: {esc(why)}.")
            if lost := view_measures_lost(r, area, hidden):
                st.caption(":material/visibility_off: " + esc(lost))


def _top_fixes(findings: dict, by_id: dict[str, dict], area: str | None = None):
    """(number as the page shows it, fix, its measures in the report) of each top fix (in
    ``area``, or all)."""
    for i, fx in enumerate((findings.get("fixes") or [])[:3], 1):
        if not isinstance(fx, dict) or (area is not None and fx.get("area") != area):
            continue
        rank = fx.get("rank")
        yield (rank if isinstance(rank, int) else i, fx,
               [by_id[m] for m in fx.get("metrics") or [] if m in by_id])


def top_fix_levels(findings: dict, by_id: dict[str, dict],
                   area: str | None = None) -> list[tuple[int, str, bool]]:
    """(number as the page shows it, severity, unclear) of each top fix (in ``area``, or all):
    unclear as :func:`core.findings.unclear` reads it from the report's measures."""
    return [(r, str(fx.get("severity") or ""), unclear(ms))
            for r, fx, ms in _top_fixes(findings, by_id, area)]


def fix_ranks(findings: dict, by_id: dict[str, dict], area: str | None = None,
              status: str | None = None) -> list[int]:
    """The numbers of the top fixes (in ``area``, or all) whose level (their severity, at
    most "watch" when unclear: core.findings.raised_status) is ``status`` (any: None): an
    area card names the fixes that made its word, not every fix in it (code review)."""
    return [r for r, sev, shaky in top_fix_levels(findings, by_id, area)
            if status is None or ("watch" if shaky and sev == "fix" else sev) == status]


def held_ranks(findings: dict, area: str, by_id: dict[str, dict]) -> list[int]:
    """The numbers of ``area``'s top fixes rated "work on this" that are unclear (read with
    low confidence or near the line): the area's word is held at "worth a look" under them,
    and its card says so."""
    return [r for r, sev, shaky in top_fix_levels(findings, by_id, area)
            if sev == "fix" and shaky]


def held_why(findings: dict, held: list[int], by_id: dict[str, dict]) -> str:
    """Why the top fixes numbered ``held`` are unclear, in one phrase when they agree
    (:func:`core.findings.unclear_why`)."""
    whys = {unclear_why(ms) for r, _, ms in _top_fixes(findings, by_id) if r in held}
    return whys.pop() if len(whys) == 1 else HELD_WHY


def measures_lost(r: dict) -> list[dict]:
    """The ``not_measured`` entries of judged measures this view normally gives (scored,
    not for information), other than those that need the runner's own input or a sound
    track: what the scores leave out."""
    view = (r.get("view") or {}).get("view") or ""
    # a session's reasons start with the clip's name ("Side clip: Needs your ..."): read
    # each by its own words (the card said "Vertical ratio not measured: side clip": s20)
    return [n for n in r.get("not_measured") or []
            if (spec := BY_ID.get(n.get("id") or "")) is not None
            and spec.valid_for(view) and spec.weight > 0 and spec.kind != "info"
            and not clip_reason(n.get("reason") or "").startswith("Needs your")
            and "sound" not in (n.get("reason") or "")]


def view_measures_lost(r: dict, area: str, hidden: list | None = None) -> str | None:
    """What the area card says of a judged measure this view normally gives that this clip
    did not (e.g. the elbow angle from a camera 39 deg off square), other than feet or body
    out of the picture (``hidden``, said apart) and measures that need the runner's own input
    or a sound track: an area scored "100 Good" without its measure that would have said
    otherwise read as a clean bill (review, 2 Dec)."""
    skip = {id(n) for n in hidden or []}
    lost = [n for n in measures_lost(r) if n.get("area") == area and id(n) not in skip]
    if not lost:
        return None
    names = ", ".join(n.get("label") or BY_ID[n["id"]].label for n in lost)
    why = clip_reason(lost[0].get("reason") or "").split(":")[0].split(" (")[0].rstrip(".")
    return f"{names} not measured: {why[:1].lower() + why[1:]}."


# --------------------------------------------------------------------------- fixes


def fixes(op: Opened) -> None:
    f = op.report.get("findings") or {}
    items = f.get("fixes") or []
    evidence = Media.of(op.report).evidence
    more = f.get("more_fixes") or []
    by_id = _metrics(op.report)
    unsure = [fx for fx in more if is_tentative(fx, by_id)]
    if not items and unsure:
        st.info(f"No clear fix in {this_clip(op.report, counted=True)}. What read outside its "
                "good range was read with low confidence and near its line, so the video "
                "cannot tell it from the milder verdict (below, under \"More to check\"). "
                "Look for it on your next clip before you work on it.", icon=":material/help:")
    elif not items:
        st.success(f"Nothing stands out that needs fixing in "
                   f"{this_clip(op.report, counted=True)}. Keep it up.",
                   icon=":material/thumb_up:")
    else:
        # a share link's reader is not the runner (review, s20: "Your top fixes" beside
        # "Good form for this runner")
        st.header("The runner's top fixes" if op.viewer and not op.sample else "Your top fixes",
                  divider="gray", anchor=False)
        if fixes_out_of_status_order(items[:3]):
            st.caption("In order of how clear and how large each problem is: a \"work on "
                       "this\" read with low confidence, or near its line, comes after a "
                       "clearer \"worth a look\".")
    said: set[str] = set()  # a sentence every card would repeat is said on the first only
    for fx in items[:3]:
        _fix_card(op, fx, evidence, said=said)
    if more:
        title = (f"More to check ({len(more)})" if len(unsure) == len(more)
                 else f"More to work on ({len(more)})")
        with st.expander(title, icon=":material/playlist_add:"):
            st.caption("The advice for every other measure outside its good range, the "
                       "clearest problems first (one near its line, or read with low "
                       "confidence, comes later)." + (" Start with the fixes above." if items
                                                       else ""))
            for fx in more:
                # inside its own card: above it, the note hung under the card before (review)
                _fix_card(op, fx, evidence, picture=False,
                          note=TENTATIVE_NOTE if fx in unsure else None, said=said)
    strengths = f.get("strengths") or []
    if strengths:
        st.markdown("**What's working for the runner**" if op.viewer and not op.sample
                    else "**What's working**")
        for s in strengths:
            if op.viewer and not op.sample:  # the reader is not the runner
                s = strength_for_reader(s)
            st.markdown(f":material/check_circle: {esc(s)}")


def fixes_out_of_status_order(items: list[dict]) -> bool:
    """Whether a milder fix ("worth a look") comes before a harsher one ("work on this"):
    the order is the engine's weighted severity (core.findings), which the page then says,
    as a runner reads the list as worst first (fresh-eyes review)."""
    rank = {"watch": 1, "fix": 2}
    sev = [rank.get(fx.get("severity"), 0) for fx in items]
    return any(a < b for i, a in enumerate(sev) for b in sev[i + 1:])


# fixes about a movement over time, which a single frame cannot show: the chart of it
# instead of a still ("Run forward, not up" showed one ordinary frame, nothing about the
# bounce: review, 2 Dec)
MOVEMENT_CHART = {"bounce": ("bounce", "Your hips' height over the clip (% of leg length): the "
                             "bounce is the rise and fall that repeats with each step.")}


def _fix_picture(op: Opened, fx: dict, evidence: dict) -> None:
    group, caption = MOVEMENT_CHART.get(fx.get("id") or "", (None, ""))
    if group in charts.available_angle_groups(op.report):
        chart = charts.angle_chart(op.report, group)
        if chart is not None:
            st.altair_chart(chart.properties(height=200), width="stretch")
            st.caption(caption)
            return
    path = op.media(evidence.get(fx.get("evidence_key") or ""))
    if path:
        t = _frame_time(op.report, fx.get("evidence_frame"))
        clip = _frame_clip(op.report, fx.get("evidence_frame"))
        at = f"{clip_name(clip).lower()}, at {t:.1f} s" if clip else f"at {t:.1f} s"
        st.image(str(path), width="stretch",
                 caption=f"The moment we measured ({at})" if t is not None else None)
    else:
        st.caption(":material/hide_image: No picture for this one"
                   + (" in the shared view." if op.viewer else "."))


TENTATIVE_NOTE = (":material/help: Read with low confidence and near its line: check it on "
                  "your next clip before you work on it.")


def _fix_card(op: Opened, fx: dict, evidence: dict, picture: bool = True,
              note: str | None = None, said: set[str] | None = None) -> None:
    """One fix: what we saw, why, cue and drill (with its evidence picture when ``picture``;
    ``note`` under its badges). ``said``: the sentences earlier cards said that every card
    would repeat (the low-confidence opening, how the plan grows a dose); a later card
    leaves them to its badge ("low confidence") and a short "to start" (the low-confidence
    sentence opened 6 cards, the dose's plan note ended every one: review, 2 Dec)."""
    said = set() if said is None else said
    with st.container(border=True, key=card_key(fx.get("severity", "watch"), f"fix-{fx.get('rank')}")):
        st.subheader(f"{fx.get('rank')}. {fx.get('title')}", anchor=False)
        near = fix_near_line(fx, _metrics(op.report))
        st.markdown(" ".join([status_md(fx.get("severity", "watch")),
                              confidence_md(fx.get("confidence"))]
                             + ([":gray-badge[Near the line]"] if near else [])
                             + [f":blue-badge[{AREA_LABELS.get(fx.get('area'), '')}]"]))
        if note:
            st.caption(note)
        by_id = _metrics(op.report)
        ms = [by_id[mid] for mid in fx.get("metrics") or [] if mid in by_id]
        fps = metric_fps(op.report, ms[0]) if ms else 30.0
        # a "worth a look" on the edge of "work on it" says so here too, as on its card (its
        # sentence gives its accuracy, so the accuracy line names only the others)
        harsh = {m.get("id"): n for m in ms if harsher_line_of(m, metric_fps(op.report, m))
                 and (n := line_note(m, metric_fps(op.report, m), named=len(ms) > 1))}
        rest = [m for m in ms if m.get("id") not in harsh]
        seen = fx.get("seen", "") or ""
        for m in ms:  # said above in one sentence with its other line: not again below
            if m.get("id") in harsh and (n := near_line_note(m, named=len(ms) > 1)):
                seen = seen.replace(" " + n, "")
        for line in (*harsh.values(), accuracy_note(rest, fps), unbenched_note(ms, fps)):
            if line:
                st.caption(f":material/straighten: {esc(line)}")
        pic, words = st.columns([2, 3]) if picture else (None, st.container())
        if pic is not None:
            with pic:
                _fix_picture(op, fx, evidence)
        with words:
            if op.viewer and not op.sample:  # what was seen, of the runner (the advice
                seen = text.for_reader(seen)  # below keeps speaking to them)
            st.markdown(f"**What we saw.** {esc(seen)}")
            why = fx.get("why", "") or ""
            if why.startswith(LOW_CONFIDENCE_WHY_BEFORE):  # a report stored before 3 Dec
                why = LOW_CONFIDENCE_WHY + why[len(LOW_CONFIDENCE_WHY_BEFORE):]
            if why.startswith(LOW_CONFIDENCE_WHY):
                if LOW_CONFIDENCE_WHY in said:
                    why = why[len(LOW_CONFIDENCE_WHY):]
                said.add(LOW_CONFIDENCE_WHY)
            st.markdown(f"**Why it matters.** {esc(why)}")
            st.markdown(f"> :material/record_voice_over: **Cue:** {esc(fx.get('cue', ''))}")
            drill = fx.get("drill") or {}
            if drill:
                st.markdown(f"**Drill: {esc(drill.get('name', ''))}.** {esc(drill.get('how', ''))}")
                if drill.get("dose"):
                    # the plan raises a counted dose a set a week: said here, so the two agree
                    # (review, s20: "3 x 3 min" here, 4 x 3 and 5 x 3 in the plan)
                    start, count = dose_for_week(drill["dose"], 1)
                    grows = ", to start: the 3-week plan builds it up week by week"
                    st.markdown(f":material/event_repeat: **Dose:** "
                                + ((esc(start) + (", to start" if grows in said else grows))
                                   if count is not None else esc(drill["dose"])))
                    if count is not None:
                        said.add(grows)


# --------------------------------------------------------------------------- metrics


def _metric_card(m: dict, length_unit: str | None = "cm", clips: list | None = None,
                 said: list[str] | None = None, fps: float = 30.0,
                 reader: bool = False) -> None:
    """One measure's card; ``said``: caveat sentences already said above the cards; ``fps``:
    the frame rate it was read at (its reading error depends on it); ``reader``: a share
    link's reader, for whom "your" reads "the runner's" (:func:`ui.text.for_reader`)."""
    said_to = text.for_reader if reader else (lambda s: s)
    status = m.get("status", "info")
    spec = BY_ID.get(m.get("id", ""))
    unit = m.get("unit") or (spec.unit if spec else "")
    with st.container(border=True, key=card_key(status, "m-" + m.get("id", ""))):
        near = line_note(m, fps)
        st.markdown(f"**{esc(m.get('label', ''))}** {status_md(status)}"
                    + (" :gray-badge[Near the line]" if near else ""))
        display, dist = card_value(m, length_unit)
        display = said_to(display)
        size = " fc-value-long" if len(display) > 22 else ""
        st.markdown(f'<div class="fc-value{size} fc-{html.escape(status)}">{html.escape(display)}</div>',
                    unsafe_allow_html=True)
        if dist:
            noun = text.LENGTH_OF.get(m.get("id", ""))
            st.caption(f"{dist} {noun}" if noun else dist)
        shown = spec.shown(m.get("value")) if spec else None
        if shown is not None and shown < 0 and m.get("id") in text.NEGATIVE_MEANS:
            st.caption(said_to(text.NEGATIVE_MEANS[m["id"]]))
        bands = []
        if status == "info":  # "Good: informational" read as a verdict (review, 2 Dec)
            bands.append("Shown for information, not judged")
        elif m.get("band_good"):
            bands.append(f"Good: {band(m['band_good'], unit)}")
        if m.get("band_fix") and status != "info":
            bands.append(f"Work on it: {band(m['band_fix'], unit)}")
        if bands:
            st.caption(" · ".join(esc(b) for b in bands))
        if near:
            st.caption(f":material/straighten: {esc(near)}")
        elif status != "info" and (acc := accuracy_note([m], fps, subject="This measure")):
            st.caption(f":material/straighten: {esc(acc)}")
        elif status != "info" and unbenched_note([m], fps):
            st.caption(":material/straighten: No accuracy figure yet: we have not checked "
                       "this measure against videos with known answers.")
        lr = left_right(m)
        if lr:
            line = esc(lr)
            diff = sides(m)
            if diff is not None:
                line += " · " + status_md(diff.status, diff.text)
            st.markdown(line)
        extra = [text.CONFIDENCE_LABELS.get(m.get("confidence", ""), "")]
        if m.get("n"):
            extra.append(f"{m['n']} {'steps' if m.get('left') is not None else 'measurements'}")
        if m.get("spread") is not None:
            # a range, not a +/-: "within 42°" read as the number being 42° unsure
            extra.append(f"the middle half of the readings spans {number(m['spread'], unit)}")
        st.caption(esc(" · ".join(e for e in extra if e)))
        caveat = text.without(m.get("caveat") or "", said) if said else m.get("caveat")
        if caveat:
            st.caption(f":material/info: {esc(said_to(caveat))}")
        clip = next((c for c in clips or [] if c.get("key") == m.get("source_clip")), None)
        if clip is not None:
            st.caption(f":material/videocam: From the {clip_name(clip).lower()}")


def metrics_by_area(op: Opened) -> None:
    r = op.report
    ms = r.get("metrics") or []
    st.header("Every measure", divider="gray", anchor=False)
    tabs = st.tabs([tab_label(a, measure_counts(ms, a)) for a in AREAS])
    not_measured = r.get("not_measured") or []
    for tab, area in zip(tabs, AREAS):
        with tab:
            items = [m for m in ms if m.get("area") == area]
            if not items:
                st.caption("Nothing in this area could be measured from "
                           f"{this_clip(r, counted=True)}.")
            said = text.shared_sentences([m.get("caveat") or "" for m in items])
            reader = op.viewer and not op.sample  # a share link's reader, not the runner
            if said:  # what many cards would each repeat, once above them
                said_all = " ".join(said)
                st.caption(":material/info: **For several measures below:** "
                           + esc(text.for_reader(said_all) if reader else said_all))
            for i in range(0, len(items), 2):  # row by row, so phones keep the order
                for col, m in zip(st.columns(2), items[i:i + 2]):
                    with col:
                        _metric_card(m, (op.report.get("options") or {}).get("length_unit"),
                                     (op.report.get("session") or {}).get("clips"), said,
                                     metric_fps(r, m), reader=reader)
            nm = [n for n in not_measured if n.get("area") == area]
            if nm:
                with st.expander(f"Not measured here ({len(nm)})"):
                    for n in nm:
                        where = (" Give it under **About you** when you analyse a clip."
                                 if n.get("reason") == NO_SPEED and not op.viewer else "")
                        why = n.get("reason", "") or ""
                        st.markdown(f"- **{esc(n.get('label', ''))}** — "
                                    f"{esc(text.for_reader(why) if reader else why)}{where}")


# --------------------------------------------------------------------------- charts


def chart_section(op: Opened) -> None:
    r = op.report
    st.header("Charts", divider="gray", anchor=False)
    if len(report_clips(r)) > 1:  # the timeline is one clip's ("this clip" charts over a session)
        st.caption(f":material/video_library: Over time and cadence: the {primary_clip_name(r)}'s "
                   "timeline (the clips do not share one). Stride by stride: each measure from "
                   "the clip that gave it.")
    sound = charts.has_sound(r)
    tabs = st.tabs(["Over time", "Stride by stride", "Cadence"] + (["Landing sound"] if sound else []))
    t_time, t_stride, t_cad = tabs[:3]
    if sound:
        with tabs[3]:
            _sound_charts(r)
    with t_time:
        groups = charts.available_angle_groups(r)
        if not groups:
            st.caption("No time series in this report.")
        else:
            pick = st.segmented_control("Show", groups, default=groups[0], key=f"fc_angle_{op.id}",
                                        format_func=lambda g: text.ANGLE_GROUPS[g]["label"],
                                        label_visibility="collapsed") or groups[0]
            chart = charts.angle_chart(r, pick)
            if chart is not None:
                st.altair_chart(chart, width="stretch")
            note = text.ANGLE_GROUPS[pick]["band_note"]
            st.caption("Faint vertical lines: foot landings (blue left, orange right)."
                       + (f" Green: {note}." if note else "")
                       + (" Showing the first seconds: drag sideways for the rest, scroll to zoom."
                          if charts.windowed(r) else " Scroll to zoom.")
                       + (" " + text.ANGLE_GROUPS[pick]["note"]
                          if text.ANGLE_GROUPS[pick].get("note") else ""))
    with t_stride:
        cols = charts.available_stride_columns(r)[:3]
        if not cols:
            st.caption("No per-stride values in this report.")
        for c in cols:
            chart = charts.stride_chart(r, c)
            if chart is not None:
                st.altair_chart(chart, width="stretch")
        if cols:
            st.caption("One dot per landing, left and right foot. Green: the good band (a "
                       "dashed line: its limit, when only one side of it is bad). A "
                       "pale line is a leg the camera sees only partly (in side view the far "
                       "leg): its values are less reliable and its card does not show them.")
    with t_cad:
        chart = charts.cadence_chart(r)
        if chart is None:
            st.caption("Not enough foot contacts to chart the cadence.")
        else:
            st.altair_chart(chart, width="stretch")
            st.caption("Steps per minute over each two strides (four landings). Shaded: how "
                       "far one frame of timing at either end moves it, so a wiggle inside the "
                       "shade is the camera's frame rate, not you. Green: the good range; "
                       "dotted: your median.")


def _sound_charts(r: dict) -> None:
    """The landing-sound evidence: the sound envelope with the landings marked, and each
    landing's loudness step by step, left against right."""
    for title, chart in (("The sound, with every landing marked", charts.sound_envelope_chart(r)),
                         ("Each landing, left and right", charts.sound_steps_chart(r))):
        if chart is not None:
            st.markdown(f"**{title}**")
            st.altair_chart(chart, width="stretch")
    st.caption("Loudness of the clip's sound above its own background, lined up with the "
               "video. Each line or dot is a landing (blue left, orange right); red rings: "
               "landings much louder than the rest. Only left against right and landing "
               "against landing are judged: the level itself depends on the phone, the floor "
               "and the shoes.")


# --------------------------------------------------------------------------- frames + video


def frames_and_video(op: Opened) -> None:
    r = op.report
    media = Media.of(r)
    evidence, ev_frames = media.evidence, media.evidence_frames
    reference = {REFERENCE_KEY.format(phase=ph) for ph in PHASES}  # shown by the reference section
    items = sorted((k for k in evidence if k not in reference and op.media(evidence[k])),
                   key=lambda k: (ev_frames.get(k, 0), k))
    video = op.media(media.video)
    if not items and not video:
        return
    st.header("See it", divider="gray", anchor=False)
    left, right = st.columns(2)
    with left:
        st.markdown("**Frame viewer**")
        if len(items) > 1:
            order = "clip by clip, in time" if len(report_clips(r)) > 1 else "in clip order"
            st.caption(f"{len(items)} moments we measured, {order}: slide to step through them.")
        if items:
            # opens on the first fix's moment (it opened on the clip's first still, a shrug
            # at 0.07 s: fresh-eyes review), else the first in clip order
            first = next((fx.get("evidence_key") for fx in (r.get("findings") or {}).get(
                "fixes") or [] if fx.get("evidence_key") in items), items[0])
            key = items[0] if len(items) == 1 else st.select_slider(
                "Measurement", items, value=first, format_func=metric_label,
                key=f"fc_frame_{op.id}", label_visibility="collapsed")
            t = _frame_time(r, ev_frames.get(key))
            clip = _frame_clip(r, ev_frames.get(key))  # a session: whose still this is
            st.image(str(op.media(evidence[key])), width="stretch",
                     caption=f"{metric_label(key)}" + (f" · {clip_name(clip).lower()}"
                                                       if clip else "")
                     + (f" · {t:.2f} s" if t is not None else ""))
        else:
            st.caption("No pictures in this report.")
    with right:
        st.markdown("**Annotated video**")
        videos = session_videos(op, video)
        if len(videos) > 1:  # a session: each clip's video on its own tab
            for tab, (_, path) in zip(st.tabs([label for label, _ in videos]), videos):
                tab.video(str(path))
        elif video:
            st.video(str(video))
            if op.viewer and len(report_clips(r)) > 1:  # a shared session: say whose video this is
                st.caption(f"The {primary_clip_name(r)}'s video; the other clips' videos "
                           "are not in the shared copy.")
        else:
            st.caption("The video was not shared." if op.viewer else "No annotated video.")


def session_videos(op: Opened, video: Path | None) -> list[tuple[str, Path]]:
    """The annotated videos to show, each with its clip's label ("Side clip", "Back clip"):
    the primary clip's, then a session's other clips' (``media.other_videos``; the owner's
    report only). Videos whose file cannot be fetched are left out."""
    from core.session import clip_label

    clips, others = report_clips(op.report), Media.of(op.report).other_videos
    if not clips or not others:
        return [("Video", video)] if video else []
    out = [(primary_clip_name(op.report).capitalize(), video)] if video else []
    for c in clips:
        path = op.media(others.get(str(c.get("key"))))  # the primary clip is not in others
        if path is not None:
            out.append((clip_label(c, clips).capitalize(), path))
    return out


# --------------------------------------------------------------------------- quality + downloads


_CHECK_ICONS = {True: ":material/check_circle:", "warn": ":material/warning:",
                "fail": ":material/cancel:", "info": ":material/info:"}


def quality_panel(op: Opened, expanded: bool = False) -> None:
    r = op.report
    q = r.get("quality") or {}
    src, view = r.get("source") or {}, r.get("view") or {}
    refused_ = r.get("status") == "refused"
    # a refusal's reasons and advice are the cards above it (ui.report_view.refused): its
    # title and lines do not say them a third time (browser review, s20)
    title = ("every check we ran" if refused_ else esc(headline(r)) or "details")
    with st.expander(f"Capture quality — {title}", expanded=expanded,
                     icon=":material/videocam:"):
        above = [] if refused_ else filming_checks(q)
        for c in q.get("checks") or []:
            icon = _CHECK_ICONS[True] if c.get("passed") else _CHECK_ICONS.get(c.get("severity"), "")
            if any(c is a for a in above):  # said, with its tip, under "How to film it better"
                st.markdown(f"{icon} **{esc(c.get('label', ''))}** — said above, with its "
                            "tip, among the filming notes.")
                continue
            line = f"{icon} **{esc(c.get('label', ''))}** — {esc(c.get('detail', ''))}"
            if not c.get("passed") and c.get("how_to_fix") and not refused_:
                line += f"  \n:material/arrow_forward: {esc(c['how_to_fix'])}"
            st.markdown(line)
        given = {a.get("how_to_fix") for a in above}
        tips = [t for t in q.get("tips") or [] if t not in given]  # not the tips above again
        if tips and r.get("status") != "refused":
            st.markdown("**Next time**")
            for tip in tips:
                st.markdown(f"- {esc(tip)}")
        facts = [f"{src.get('n_frames', 0)} frames over {seconds(src.get('duration_s'))}",
                 f"{src.get('fps_measured', 0):.0f} fps"
                 + (" (variable frame rate)" if src.get("variable_frame_rate") else ""),
                 f"{src.get('orig_width')}×{src.get('orig_height')} px"]
        if view.get("detail"):
            facts.append(esc(view["detail"]))
        swaps = (r.get("cleaning") or {}).get("swaps_fixed_legs")
        if swaps:
            facts.append(f"{swaps} left/right foot swaps of the pose model repaired")
        st.caption(" · ".join(facts))


def downloads(op: Opened) -> None:
    r = op.stored.report  # a viewer's report is already core.privacy.shared_report's copy
    items = [dict(label="Report (JSON)", data=dumps(r), file_name=download_name(r),
                  mime="application/json", icon=":material/download:")]
    if r.get("strides"):
        items.append(dict(label="Strides (CSV)", data=strides_csv(r),
                          file_name=download_name(r, "strides", "csv"), mime="text/csv",
                          icon=":material/table:"))
    video = op.media(Media.of(r).video)
    if video:
        whose = (f"{primary_clip_name(r).capitalize()} video" if len(report_clips(r)) > 1
                 else "Video")
        items.append(dict(label=f"{whose} (MP4, {megabytes(video.stat().st_size)})",
                          data=lambda: video.read_bytes(), file_name=download_name(r, ext="mp4"),
                          mime="video/mp4", icon=":material/movie:"))
    st.markdown("**Download**")
    for col, kw in zip(st.columns(3), items):
        col.download_button(width="stretch", **kw)


def disclaimer(op: Opened) -> None:
    st.caption(f":material/health_and_safety: {esc(op.report.get('disclaimer') or DISCLAIMER)}")
