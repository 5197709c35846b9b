"""Progress you can see: trends over the stored sessions (History) and the compare view.

Pure helpers (no Streamlit): :func:`trend_rows` (one row per session and measure),
:func:`trend_chart` (Altair, good band shaded), :func:`overlay_png` (two runners' skeletons at
one gait phase, aligned at the pelvis and scaled by leg length, drawn with OpenCV) and
:func:`runner_still` (the runner's own frame at a phase, cut from the report's
``reference_<phase>`` still). Streamlit sections: :func:`trends_section`,
:func:`compare_view`. The comparison itself is :func:`core.compare.compare`.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import altair as alt
import cv2
import numpy as np
import pandas as pd

from core.compare import BETTER, CHANGED, SAME, WORSE, build_note, compare, since_last
from core.findings import STATUS_WORDS
from core.reference import BODY, PHASE_LABELS, PHASES, REFERENCE_KEY
from core.spec import AREA_LABELS, ASYMMETRY_WATCH_DIFF, ASYMMETRY_WATCH_PCT, BY_ID

from .charts import BAND_COLOR, _band_layers, _unit_title
from . import text
from .format import number, pretty, when
from .theme import esc

COMPARE_STATE = "fc_compare"  # [before id, after id] for pages/compare.py
COMPARE_PAGE = "pages/compare.py"
# what History charts, in this order: the headline metrics, the left/right differences, scores
TREND_METRICS = ("cadence", "overstride", "trunk_lean", "contact_time")
TREND_SIDES = ("contact_time", "overstride", "knee_flexion_ic", "hip_extension", "shank_angle_ic")
WORD_ICONS = {BETTER: ":material/trending_up:", WORSE: ":material/trending_down:",
              SAME: ":material/trending_flat:", CHANGED: ":material/swap_vert:"}
WORD_TEXT = {BETTER: "better", WORSE: "worse", SAME: "same", CHANGED: "changed"}


def word_text(r: dict) -> str:
    """A row's word as the table says it: a change larger than the noise inside the good
    range both times is "changed, still good" ("changed" alone beside 85 deg "good" -> 90
    deg "good" read as a verdict nobody could act on: review, 3 Dec)."""
    if r["word"] == CHANGED and r.get("before_status") == r.get("after_status") == "good":
        return "changed, still good"
    return WORD_TEXT.get(r["word"], "-")
COLORS = {"before": (40, 130, 230), "after": (200, 120, 40)}  # BGR: orange-ish / blue-ish
VIEW_FILTERS = {"side": "Side", "front": "Front", "back": "Back"}


# ------------------------------------------------------------------------------- trends
def trend_options() -> dict[str, str]:
    """{trend id: label}: metrics, their left/right differences, then the area scores."""
    out = {mid: BY_ID[mid].label for mid in TREND_METRICS}
    out.update({f"{mid}:sides": f"{BY_ID[mid].label}, left vs right" for mid in TREND_SIDES})
    out.update({f"score:{a}": f"{label} score" for a, label in AREA_LABELS.items()})
    out["score:overall"] = "Overall score"
    return out


def trend_rows(sessions: list[tuple[Any, dict]]) -> pd.DataFrame:
    """One row per (session, trend id) with a value: ``when`` (datetime), ``session``
    (label), ``view``, ``id``, ``value``, ``unit``, and for the tooltip ``shown`` (the value
    with its unit), ``confidence`` and ``clip`` (file name and views); ``careful``: a report
    filmed with limits or a value read with low confidence (drawn hollow); ``other_build``:
    a report whose runner's build reads differently from the newest report's
    (:func:`core.compare.build_note`: perhaps someone else; drawn hollow too). ``sessions``:
    (created, report) pairs."""
    rows = []
    scored = [(c, r) for c, r in sessions if isinstance(r, dict) and r.get("status") != "refused"]
    newest = max(scored, key=lambda cr: pd.Timestamp(cr[0]))[1] if scored else None
    for created, r in scored:
        view = (r.get("view") or {}).get("view")
        clip = f"{(r.get('source') or {}).get('filename') or 'clip'} ({text.view_name(view, r)})"
        limited = r.get("status") == "limited"
        # Trends drew a second person's clip as the runner's fall from 97 to 72 while Compare
        # said the builds differ (review, 3 Dec)
        other = r is not newest and newest is not None and build_note(r, newest) is not None
        base = {"when": pd.Timestamp(created), "session": when(created), "view": view,
                "clip": clip + (", filmed with limits" if limited else "")
                + (", the runner's build reads differently from the latest" if other else ""),
                "confidence": "", "careful": limited or other, "other_build": other}
        metrics = {m.get("id"): m for m in r.get("metrics") or [] if isinstance(m, dict)}
        for mid in TREND_METRICS:
            v = (metrics.get(mid) or {}).get("value")
            if isinstance(v, (int, float)):
                spec = BY_ID[mid]
                conf = str(metrics[mid].get("confidence") or "")
                rows.append({**base, "id": mid, "value": spec.shown(v), "unit": spec.unit,
                             "shown": pretty(f"{spec.fmt(v)} {spec.unit}"),
                             "confidence": conf, "careful": limited or other or conf == "low"})
        for mid in TREND_SIDES:
            sd = (metrics.get(mid) or {}).get("side_diff")
            if isinstance(sd, dict) and isinstance(sd.get("value"), (int, float)):
                rows.append({**base, "id": f"{mid}:sides", "value": sd["value"],
                             "unit": sd.get("unit"),
                             "shown": pretty(f"{sd['value']:g} {sd.get('unit') or ''} apart")})
        f = r.get("findings") or {}
        for a in f.get("areas") or []:
            if isinstance(a.get("score"), (int, float)):
                rows.append({**base, "id": f"score:{a.get('area')}", "value": a["score"],
                             "unit": "points", "shown": f"{a['score']:.0f}/100"})
        if isinstance(f.get("overall_score"), (int, float)):
            rows.append({**base, "id": "score:overall", "value": f["overall_score"],
                         "unit": "points", "shown": f"{f['overall_score']:.0f}/100"})
    return pd.DataFrame(rows, columns=["when", "session", "view", "id", "value", "unit", "shown",
                                       "confidence", "clip", "careful", "other_build"])


def _limit_layer(limit: float, label: str) -> alt.Chart:
    df = pd.DataFrame([{"limit": limit, "band": label}])
    return alt.Chart(df).mark_rule(color=BAND_COLOR, strokeDash=[6, 4], size=2).encode(
        y="limit:Q", tooltip=alt.Tooltip("band:N", title="Band"))


def _ticks(times: pd.Series) -> list[str]:
    """Axis labels of sessions in time order, one per session: the day, with the time when a
    day has more, to the second when a minute has more, numbered when a second has more.
    Two clips analysed in the same minute shared the label "03 Dec 08:08", and the chart
    drew both on one tick as a vertical bar (review, 3 Dec)."""
    # the year too when the sessions span more than one
    y = " %Y" if len({t.year for t in times}) > 1 else ""
    out = [t.strftime("%d %b" + y) for t in times]
    for fmt in (f"%d %b{y} %H:%M", f"%d %b{y} %H:%M:%S"):
        out = [t.strftime(fmt) if out.count(o) > 1 else o for o, t in zip(out, times)]
    many = {o for o in out if out.count(o) > 1}
    seen: dict[str, int] = {}
    for i, o in enumerate(out):
        if o in many:
            seen[o] = seen.get(o, 0) + 1
            out[i] = f"{o} #{seen[o]}"
    return out


def trend_chart(df: pd.DataFrame, trend_id: str, height: int = 200) -> alt.Chart | None:
    """``trend_id`` over the sessions in ``df`` (from :func:`trend_rows`), good band shaded
    (a dashed line for a one-sided limit); None without data."""
    d = df[df["id"] == trend_id].sort_values("when")
    if d.empty:
        return None
    unit = str(d["unit"].iloc[0] or "")
    mid = trend_id.split(":")[0]
    if trend_id.endswith(":sides"):
        watch = ASYMMETRY_WATCH_PCT if unit == "%" else ASYMMETRY_WATCH_DIFF.get(unit, 6.0)
        bands = [_limit_layer(watch, f"Even enough: up to {watch:g} {unit} apart")]
        title = f"{unit} apart" if unit else ""
    elif trend_id.startswith("score:"):
        # a score of 80+ is called good only without a measure rated "work on it"
        # (core.findings.capped_status): the line's label says so, as the report does
        bands, title = [_limit_layer(80, "Good: 80 and up, unless a measure is rated "
                                         "work on it or there is a top fix")], "score (0-100)"
    else:
        bands, title = _band_layers(mid, "good"), _unit_title(BY_ID[mid].unit)
    d = d.assign(tick=_ticks(d["when"]))
    scale = alt.Scale(zero=False)
    spec = BY_ID.get(mid)
    if (not trend_id.startswith("score:") and not trend_id.endswith(":sides") and spec
            and spec.kind == "range" and (spec.good_lo is None) != (spec.good_hi is None)):
        # a one-sided limit: its good side shaded to the chart's edge too (a dashed line
        # alone did not say which side was good: review, 3 Dec); the axis spans the values
        # and the limit, and the shade runs past it, clipped at the plot's edge
        edge = spec.good_hi if spec.good_hi is not None else spec.good_lo
        lo, hi = min(float(d["value"].min()), edge), max(float(d["value"].max()), edge)
        pad = max(0.1 * (hi - lo), 1.0)
        scale = alt.Scale(domain=[lo - pad, hi + pad], nice=False)
        far = edge - 100 * (hi - lo + pad) if spec.good_hi is not None else \
            edge + 100 * (hi - lo + pad)
        side = pd.DataFrame([{"limit": edge, "far": far}])
        bands.insert(0, alt.Chart(side).mark_rect(color=BAND_COLOR, opacity=0.12, clip=True)
                     .encode(y=alt.Y("limit:Q", scale=scale), y2="far:Q"))
    if trend_id.startswith("score:"):  # the whole top of the 0-100 scale, at least 50 points
        # tall: on a 74-80 axis a 3-point change looked dramatic (fresh-eyes review)
        scale = alt.Scale(domain=[max(0, min(50, int(d["value"].min()) - 10)), 100])
    other = d["other_build"].fillna(False).astype(bool) if "other_build" in d else False
    d = d.assign(point=np.where(other, "another build (perhaps someone else)",
                                np.where(d["careful"].fillna(False).astype(bool),
                                         "filmed with limits or low confidence",
                                         "measured well")))
    x = alt.X("tick:N", title=None, sort=list(d["tick"]), axis=alt.Axis(labelAngle=0))
    y = alt.Y("value:Q", title=title, scale=scale)
    line = alt.Chart(d).mark_line(color="#2B6CB0").encode(x=x, y=y)
    # a point to read with care is hollow (trends drew every session alike: review, s20)
    points = alt.Chart(d).mark_point(size=70, color="#2B6CB0", strokeWidth=2).encode(
        x=x, y=y,
        fill=alt.Fill("point:N", legend=None, scale=alt.Scale(
            domain=["measured well", "filmed with limits or low confidence",
                    "another build (perhaps someone else)"],
            range=["#2B6CB0", "white", "white"])),
        tooltip=[alt.Tooltip("session:N", title="Session"), alt.Tooltip("shown:N", title="Value"),
                 alt.Tooltip("confidence:N", title="Confidence"),
                 alt.Tooltip("clip:N", title="Clip")])
    return alt.layer(*bands, line, points).properties(height=height)


# ------------------------------------------------------------------------------- overlay
_EDGES = ((11, 12), (11, 13), (13, 15), (12, 14), (14, 16), (11, 23), (12, 24), (23, 24),
          (23, 25), (25, 27), (27, 29), (29, 31), (27, 31), (24, 26), (26, 28), (28, 30),
          (30, 32), (28, 32))


@dataclass
class Pose2D:
    """One runner at one phase: body points normalised (pelvis at 0, leg length 1, facing +x)."""

    pts: dict[int, np.ndarray]


def normalised(phases: dict | None, phase: str) -> Pose2D | None:
    """The runner of ``media["phases"]`` at ``phase``, aligned at the pelvis, scaled by
    leg length and turned to face image-right; None when missing."""
    if not isinstance(phases, dict) or not phases.get("leg_px"):
        return None
    fr = ((phases.get("frames") or {}).get(phase) or {}).get("xy")
    if not isinstance(fr, list) or len(fr) != len(BODY):
        return None
    raw = {i: np.array(p, float) for i, p in zip(BODY, fr) if isinstance(p, list) and len(p) == 2}
    if 23 not in raw or 24 not in raw:
        return None
    pelvis = (raw[23] + raw[24]) / 2
    fwd = -1.0 if phases.get("facing") == "left" else 1.0
    leg = float(phases["leg_px"])
    return Pose2D({i: np.array([(p[0] - pelvis[0]) * fwd, p[1] - pelvis[1]]) / leg
                   for i, p in raw.items()})


def overlay_png(a: dict | None, b: dict | None, phase: str, size: int = 480,
                labels: tuple[str, str] = ("Before", "After")) -> bytes | None:
    """Both runners' skeletons at ``phase`` on one canvas (PNG bytes): pelvis on pelvis,
    each scaled by its own leg length, both facing right. None when either is missing."""
    pa, pb = normalised(a, phase), normalised(b, phase)
    if pa is None or pb is None:
        return None
    img = np.full((size, size, 3), 250, np.uint8)
    unit = size * 0.36  # one leg length in pixels
    origin = np.array([size * 0.5, size * 0.42])
    cv2.line(img, (int(origin[0]), 10), (int(origin[0]), size - 40), (190, 190, 190), 1, cv2.LINE_AA)
    ground = int(origin[1] + unit * 1.02)
    cv2.line(img, (20, ground), (size - 20, ground), (190, 190, 190), 1, cv2.LINE_AA)
    for pose, key in ((pa, "before"), (pb, "after")):
        col = COLORS[key]
        pix = {i: tuple(int(round(v)) for v in origin + p * unit) for i, p in pose.pts.items()}
        for i, j in _EDGES:
            if i in pix and j in pix:
                cv2.line(img, pix[i], pix[j], col, 4, cv2.LINE_AA)
        for i, p in pix.items():
            if 17 <= i <= 22:  # finger points: no joint to mark
                continue
            cv2.circle(img, p, 4, (255, 255, 255), -1, cv2.LINE_AA)
            cv2.circle(img, p, 4, col, 1, cv2.LINE_AA)
    for k, (key, text) in enumerate(zip(("before", "after"), labels)):
        y = size - 14 - 22 * (1 - k)
        cv2.line(img, (16, y - 5), (46, y - 5), COLORS[key], 4, cv2.LINE_AA)
        cv2.putText(img, text, (54, y), cv2.FONT_HERSHEY_SIMPLEX, 0.55, (40, 40, 40), 1, cv2.LINE_AA)
    cv2.putText(img, PHASE_LABELS.get(phase, phase), (16, 28), cv2.FONT_HERSHEY_SIMPLEX, 0.7,
                (40, 40, 40), 2, cv2.LINE_AA)
    ok, buf = cv2.imencode(".png", img)
    return buf.tobytes() if ok else None


def runner_still(stored, phase: str) -> bytes | None:
    """The runner's own frame at ``phase`` (JPEG): the left half of the report's
    ``reference_<phase>`` still (the runner, cropped to them, blurred in a shared copy); None
    when the report has none."""
    media = stored.report.get("media") or {}
    rel = (media.get("evidence") or {}).get(REFERENCE_KEY.format(phase=phase))
    data = stored.media_bytes(rel) if rel else None
    if not data:
        return None
    img = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    if img is None or img.shape[1] < 2:
        return None
    width = img.shape[1] // 2
    ok, buf = cv2.imencode(".jpg", img[:, :width], [cv2.IMWRITE_JPEG_QUALITY, 85])
    return buf.tobytes() if ok else None


# ------------------------------------------------------------------------------- Streamlit
def trends_section(sessions: list[tuple[Any, dict]]) -> None:
    """History's trends: one chart per chosen measure over the stored sessions."""
    import streamlit as st

    df = trend_rows(sessions)
    st.subheader("Trends", anchor=False)
    if df.empty or df["when"].nunique() < 2:
        st.caption("Trends appear once two of your clips are scored (a clip we could not "
                   "score has no numbers to draw).")
        return
    views = [v for v in VIEW_FILTERS if v in set(df["view"])]
    if len(views) > 1:
        left, right = st.columns([1, 2])
        with left:
            view = st.selectbox("View", views, format_func=VIEW_FILTERS.get, key="fc_trend_view",
                                help="Compare like with like: a side view measures other things "
                                     "than a back view.")
    else:
        right, view = st.container(), (views[0] if views else None)
    d = df[df["view"] == view] if view else df
    options = {k: v for k, v in trend_options().items() if k in set(d["id"])}
    default = [k for k in (*TREND_METRICS, "score:overall") if k in options]
    with right:
        chosen = st.multiselect("Measures", list(options), default=default, format_func=options.get,
                                key=f"fc_trend_pick_{view}")
    n = d["when"].nunique()
    hollow = bool(d["careful"].fillna(False).astype(bool).any())
    others = d.loc[d["other_build"].fillna(False).astype(bool), "session"].unique()
    if len(others):
        st.warning(f"The runner's build (thigh and trunk against the leg) reads differently "
                   f"from your latest session in {len(others)} of these sessions "
                   f"({', '.join(others)}): if they are of someone else, their points are not "
                   "your progress. They are drawn hollow; hover a point to see its clip.",
                   icon=":material/group:")
    st.caption(f"{n} session{'s' if n != 1 else ''} ({VIEW_FILTERS.get(view, 'any')} view). "
               "Green: the good range (dashed: its limit; a score is good from 80)."
               + (" Hollow points: a clip filmed with limits, a value read with low "
                  "confidence or another build, so read their change with care." if hollow
                  else ""))
    charts = [(tid, c) for tid in chosen if (c := trend_chart(d, tid)) is not None]
    # two to a row, a row of columns per pair: a phone stacks each row's columns, so the
    # charts keep the order of the measures above (one pair of columns for all of them put
    # the left column's charts first on a phone: review, 3 Dec)
    for i in range(0, len(charts), 2):
        for col, (tid, chart) in zip(st.columns(2), charts[i:i + 2]):
            with col:
                st.markdown(f"**{options[tid]}**")
                st.altair_chart(chart, width="stretch")


def _units(s: str) -> str:
    """Engine unit words as the report page writes them: "8 deg" -> "8°", "30 % leg" ->
    "30 % of leg" (ui.format.pretty for the degrees)."""
    return pretty(s.replace("% leg", "% of leg").replace("+/-", "\u00b1"))


def _said(value: str, status: str | None) -> str:
    """A value with its report's verdict: "14 % of leg · worth a look" ("-" stays "-")."""
    word = STATUS_WORDS.get(status or "")  # the words of the report's own cards
    return f"{value} \u00b7 {word}" if word and value not in ("-", "") else value


def _table(result: dict) -> pd.DataFrame:
    rows = []
    for r in result["metrics"]:
        # the change beside the new value (one column fewer: the table fits a phone's width)
        after = r["after_text"] + ("" if r["delta"] is None else f" ({r['delta']:+g})")
        # the report's own units ("8°", "30 % of leg"), not the engine's ("8 deg", "30 % leg")
        # each report's own verdict beside its value: the change's word is judged against the
        # noise, and "changed" beside a move the reports call "worth a look" to "good" read as
        # a contradiction with no column saying what they said (review, 3 Dec)
        rows.append({"Measure": r["label"], "Verdict": word_text(r),
                     "Before": _said(_units(r["before_text"]), r["before_status"]),
                     "After (change)": _said(_units(after), r["after_status"]),
                     "Why": _units(r["note"])})
    # the static table reads each cell as Markdown, where a lone "-" is a list bullet ("•")
    return pd.DataFrame(rows).replace("-", "\u2014")


SINCE_LOOKBACK = 5  # the older reports tried for "Since your last report", newest first
SINCE_STATE = "fc_since"  # (which reports it was worked out from, its result): one per session


def previous_for(op):
    """This browser's newest report older than the open one that reads as progress against
    it (:func:`core.compare.since_last`): ``(its id, since)`` or None. Reports sharing its
    footage (the side clip of a session) or not scored are passed over, up to
    :data:`SINCE_LOOKBACK` of them. Worked out again only when the open report or the older
    reports change (a rerun of the page, e.g. a slider moved, reads no report again)."""
    import streamlit as st

    from core.store import StoreError

    from . import session

    try:
        items = op.store.list(session.browser_token(), limit=50)
    except StoreError:
        return None
    ids = [i.id for i in items]
    older = (items[ids.index(op.id) + 1:] if op.id in ids
             else [i for i in items if i.created < op.stored.created])
    older = [i for i in older if i.status != "refused"][:SINCE_LOOKBACK]
    key = (op.id, tuple(i.id for i in older))
    memo = st.session_state.get(SINCE_STATE)
    if memo is not None and memo[0] == key:
        return memo[1]
    found = None
    for item in older:
        try:
            prev = op.store.get(item.id, session.proof(item.id))
        except StoreError:
            continue
        res = since_last(prev.report, op.report) if prev is not None else None
        if res is not None:
            found = (prev.id, res)
            break
    st.session_state[SINCE_STATE] = (key, found)
    return found


def since_line(fx: dict) -> str:
    """One fix of the earlier report, as it reads now (Markdown)."""
    r = fx["row"]
    title = f"**{esc(fx['title'])}**"
    if r is None:
        return f"{title}: not measured in this report."
    word = {BETTER: "better", WORSE: "worse", SAME: "about the same (within the measuring noise)",
            CHANGED: "changed"}.get(r["word"], "")
    note = _units(r["note"]) if r["word"] in (BETTER, WORSE, CHANGED) and r["note"] else ""
    icon = WORD_ICONS.get(r["word"], "")
    return (f"{icon} {title}: {r['label']} {_units(r['before_text'])} → "
            f"{_units(r['after_text'])}" + (f", {word}" if word else "")
            + (f" ({note})" if note else "") + ".")


def since_section(op) -> None:
    """"Since your last report": on the owner's new report, the previous report's top fixes
    as they read now, the overall score, and a way to the full comparison."""
    import streamlit as st

    if op.viewer or op.report.get("status") == "refused":
        return
    found = previous_for(op)
    if found is None:
        return
    prev_id, res = found
    with st.container(border=True):
        name = res["before"].get("filename")
        st.markdown(f"**Since your last report** · {when(res['before'].get('created'))}"
                    + (f" · {esc(name, typography=False)}" if name else ""))
        if res.get("build"):
            st.warning(res["build"], icon=":material/person_search:")
        st.caption("Its top fixes then, and how they read in this clip:")
        for fx in res["fixes"]:
            st.markdown(since_line(fx))
        o, c = res["overall"], res["counts"]
        if o and o["before"] is not None and o["after"] is not None:
            change = "" if not o["delta"] else f" ({o['delta']:+.0f})"
            moved = f", {c[CHANGED]} changed" if c[CHANGED] else ""
            st.markdown(f"Overall score {o['before']:.0f} → {o['after']:.0f}{change}; of the "
                        f"{sum(c.values())} measures judged in both: {c[BETTER]} better, "
                        f"{c[WORSE]} worse, {c[SAME]} the same{moved}.")
        for note in res["notes"]:
            st.caption(note)
        if st.button("Compare in full", icon=":material/compare:", key="fc_since_compare"):
            st.session_state[COMPARE_STATE] = [prev_id, op.id]
            st.switch_page(COMPARE_PAGE)


def compare_view(before, after) -> None:
    """The comparison of two stored reports (older first): scores, the table, then the
    two runners at the same gait phase."""
    import streamlit as st

    ra, rb = before.report, after.report
    res = compare(ra, rb)
    def named(r: dict) -> str:  # the owner's copy names its clip; a shared copy has none
        name = (r.get("source") or {}).get("filename")
        return when(r.get("created")) + (f" ({esc(name, typography=False)})" if name else "")
    st.caption(f"Before: {named(ra)} · After: {named(rb)}")
    for note in res["notes"]:
        st.warning(note, icon=":material/info:")
    # under a note that the filming (or the runner's build) differs, the score changes are
    # drawn grey: big green arrows right under "this comparison may not apply" cheered what
    # the notes doubt (review, 3 Dec)
    doubted = bool(res["notes"])
    cols = st.columns(len(res["areas"]))
    for col, a in zip(cols, res["areas"]):
        val = ("-" if a["after"] is None else f"{a['after']:.0f}" if a.get("before") is None
               else f"{a['before']:.0f} → {a['after']:.0f}")  # the before score in sight
        delta = None if a["delta"] is None or round(a["delta"]) == 0 else f"{a['delta']:+.0f}"
        col.metric(a["label"], val, delta,
                   delta_color="off" if doubted or a["word"] == SAME else "normal")
    if doubted and any(a["delta"] is not None and round(a["delta"]) != 0 for a in res["areas"]):
        st.caption("Score changes in grey: the notes above say part of them may come from how "
                   "the clips differ, not from the running.")
    counts = {w: sum(1 for r in res["metrics"] if r["word"] == w)
              for w in (BETTER, WORSE, SAME, CHANGED)}
    moved = f" · {counts[CHANGED]} changed" if counts[CHANGED] else ""
    st.markdown(f"**{counts[BETTER]} better · {counts[WORSE]} worse · {counts[SAME]} the same"
                f"{moved}** (the same: a change within the measuring noise, from each measure's "
                "spread over the strides; better or worse: a larger change that also brings "
                "it closer to its good range or takes it further away"
                + ("; changed: a larger change that brings it no closer to its good range nor "
                   "further by more than the noise, e.g. from just outside the range to inside "
                   "it" if moved else "") + "). Beside each value: its own report's verdict.")
    table = _table(res)

    def colour(v: str) -> str:
        return {"better": "color: #2F855A; font-weight: 600", "worse": "color: #C53030; font-weight: 600"}.get(v, "")

    # a static table: its "Why" wraps in the cell (a data grid cut the longest reasons off at
    # its column's edge, readable only on hover)
    # on a phone each row reads as a small card (assets/style.css: .st-key-fc-compare-table):
    # five columns in 390 px ran "169 steps/min" into the next cell and wrapped the reasons
    # two words a line (browser review s20)
    with st.container(key="fc-compare-table"):
        st.table(table.style.map(colour, subset=["Verdict"]), hide_index=True,
                 border="horizontal")
    st.subheader("Side by side", anchor=False)
    phase = st.segmented_control("Gait phase", PHASES, format_func=PHASE_LABELS.get,
                                 default=PHASES[0], key="fc_compare_phase") or PHASES[0]
    pa, pb = runner_still(before, phase), runner_still(after, phase)
    c1, c2 = st.columns(2)
    for col, pic, label, r in ((c1, pa, "Before", ra), (c2, pb, "After", rb)):
        with col:
            # which is which, above each picture: both pictures' own headings read "You",
            # and stacked on a phone one's caption below it sat right over the next one's
            # "You" (review, 3 Dec)
            st.markdown(f"**{label}** · {when(r.get('created'))}")
            if pic:
                st.image(pic, caption=f"{label} · {PHASE_LABELS[phase].lower()}", width="stretch")
            else:
                st.caption("No still of this phase in that report.")  # named just above
    png = overlay_png((ra.get("media") or {}).get("phases"), (rb.get("media") or {}).get("phases"), phase)
    if png:
        mid = st.columns([1, 2, 1])[1]
        mid.image(png, caption="Both skeletons, pelvis on pelvis, scaled to the same leg length",
                  width="stretch")
    else:
        st.caption("The skeleton overlay needs two reports made with this version of FormCheck.")


# the fixes a reference still shows: the phase to look at and what good looks like there
FIX_PHASE = {
    "overstriding": ("contact", "landing under your hips"),
    "low_cadence": ("contact", "a quicker, shorter step"),
    "stiff_landing": ("contact", "a softly bent knee at landing"),
    "deep_knee": ("midstance", "staying tall over the landing leg"),
    "stiff_stance": ("midstance", "a springy knee in midstance"),
    "waist_bend": ("midstance", "leaning from the ankles, not the waist"),
    "too_upright": ("midstance", "a slight forward lean"),
    "too_much_lean": ("midstance", "a slight forward lean"),
    "weak_push_off": ("toe_off", "a hip that extends behind you"),
    "long_contact": ("toe_off", "a quick push-off"),
}


def reference_pace(own: float | None, target: float | None, whose: str) -> str:
    """"at 168 steps/min (yours: 155; ...)": the reference's cadence against the runner's. A
    target past the drills' +5 % (155 -> 168, the good band's low end with a margin) says how
    to get there, so it does not contradict the metronome drill's 163 (fresh-eyes review)."""
    if not target:
        return ""
    if not own or target <= own + 1:
        return f"at {target:.0f} steps/min"
    step = ("get there about 5 % at a time, as the metronome drill does"
            if target > own * 1.05 + 1 else "a little quicker helps")
    return f"at {target:.0f} steps/min ({whose}: {own:.0f}; {step})"


def reference_section(op) -> None:
    """The report's "Good form for you": the runner's frame beside their reference runner
    at landing, midstance and toe-off (the ``reference_<phase>`` stills; a shared report
    shows its blurred copies). Nothing when the report has none."""
    import streamlit as st

    media = op.report.get("media") or {}
    evidence = media.get("evidence") or {}
    ref = media.get("reference") or {}
    stills = {ph: op.media(evidence.get(REFERENCE_KEY.format(phase=ph))) for ph in PHASES}
    stills = {ph: p for ph, p in stills.items() if p}
    if not stills:
        note = media.get("reference_note")
        if isinstance(note, str) and note:  # a scored clip whose stills could not be made
            st.header("Good form for this runner" if op.viewer else "Good form for you",
                      divider="gray", anchor=False)
            st.caption(note)
        return
    # a share link's reader is not the runner: the same sentences, in the third person
    w = (dict(head="Good form for this runner", whose="the runner's", you="the runner",
              who="them", beside="Beside the runner: a runner with the same body proportions, "
              "facing the same way") if op.viewer else
         dict(head="Good form for you", whose="yours", you="you", who="you",
              beside="Beside you: a runner with your body proportions, facing your way"))
    st.header(w["head"], divider="gray", anchor=False)
    # the cadence the report shows (a session's may come from its back clip, while the
    # reference was drawn beside the side clip): one number for "yours" on the page
    shown = next((m.get("value") for m in op.report.get("metrics") or []
                  if m.get("id") == "cadence"), None)
    pace = reference_pace(shown if shown is not None else ref.get("own_cadence"),
                          ref.get("cadence"), w["whose"])
    side = ((op.report.get("view") or {}).get("view") or "side") == "side"
    st.caption(f"{w['beside']}, running with good form {pace}, drawn by FormCheck's synthetic "
               "runner." + (" White line: below the hips; the arrow shows how far the foot "
                            "lands ahead of them." if side else ""))
    fixes = [f for f in ((op.report.get("findings") or {}).get("fixes") or []) if f.get("id") in FIX_PHASE]
    outside = ref.get("outside") or {}
    first = next((FIX_PHASE[f["id"]][0] for f in fixes if FIX_PHASE[f["id"]][0] in stills),
                 next(iter(stills)))
    for fx in fixes:
        ph, what = FIX_PHASE[fx["id"]]
        off = [m for m in fx.get("metrics") or [] if m in outside]
        if off:  # the drawing does not meet that band itself: never held up as its model
            m = off[0]
            spec = BY_ID.get(m)
            label = spec.label.lower() if spec else m
            value = number(outside[m], spec.unit if spec else "")
            st.caption(f"**{fx.get('title')}** (fix {fx.get('rank')}): the drawn runner is no "
                       f"model for this one (its own {label} reads {value}, outside the good "
                       "range: our synthetic runner cannot show every measure at its best at "
                       "once).")
        elif ph in stills:
            if op.viewer:  # "landing under your hips ... for them" on a shared page (review)
                what = what.replace("behind you", "behind them").replace("your ", "their ")
            # the picture opens on the first fix's moment: another fix's says where it is
            # ("the midstance below" under a picture of the landing: review, s20)
            where = (f"the {PHASE_LABELS[ph].lower()} below" if ph == first else
                     f"the {PHASE_LABELS[ph].lower()} (pick \u201c{PHASE_LABELS[ph]}\u201d "
                     "under Moment below)")
            st.markdown(f":material/arrow_forward: **{fx.get('title')}** (fix {fx.get('rank')}): "
                        f"{where} is what {what} looks like for {w['who']}.")
    phase = st.segmented_control("Moment", list(stills), format_func=PHASE_LABELS.get,
                                 default=first, key=f"fc_ref_{op.id}") or first
    # one picture, the two runners side by side at every screen width (two columns stack
    # on a phone, a screen apart); each half is cut to its runner (core.reference)
    st.image(str(stills[phase]), width="stretch",
             caption=f"{PHASE_LABELS[phase]}: {w['you']} (left) and good form for {w['who']} "
                     "(right)" + still_numbers((ref.get("phases") or {}).get(phase), phase, side))


# a shin below zero on the still ("shin -9°" on the good-form runner) read as a puzzle beside a
# card whose good band is "<= 6°" (review, 2 Dec)
NEGATIVE_SHIN = "; below zero, the ankle lands behind the knee"


def still_numbers(info: dict | None, phase: str, side: bool) -> str:
    """The numbers written on a reference still, as text (readable at any size): ``". Foot
    ahead of the hips 26 % of leg (good form 5 %), shin 14° (good form 3°), lean 2° (good
    form 6°)"``; empty
    when there are none (front and back views, an older report)."""
    if not side or not isinstance(info, dict):
        return ""
    you, ref = info.get("you_median") or info.get("you") or {}, info.get("reference") or {}
    rows = ([("foot_ahead", "foot ahead of the hips", " % of leg", " %"), ("shin", "shin", "°", "°")]
            if phase == "contact" else []) + [("lean", "lean", "°", "°")]
    parts = [f"{label} {you[key]:.0f}{unit} (good form {ref[key]:.0f}{unit_ref}"
             + (NEGATIVE_SHIN if key == "shin" and min(you[key], ref[key]) < -0.5 else "") + ")"
             for key, label, unit, unit_ref in rows
             if isinstance(you.get(key), (int, float)) and isinstance(ref.get(key), (int, float))]
    text = ", ".join(parts)
    return f". {text[:1].upper()}{text[1:]}" if text else ""


def share_caption(before, after) -> str:
    """What a comparison link shows, true to both reports' own links: a report whose link
    was made without blurring shows the runner's face there too (the caption said "faces
    blurred" regardless: browser review, s20)."""
    open_face = [role for role, s in (("before", before), ("after", after))
                 if s.share is not None and not s.share.blur_faces]
    faces = ("faces blurred" if not open_face else
             f"faces blurred except on the {open_face[0]} report, whose link you made without "
             "blurring" if len(open_face) == 1 else
             "faces not blurred: you made both reports' links without blurring")
    return ("Anyone with the link sees this comparison read-only: both reports as their share "
            f"links show them ({faces}; no video, no file names). **Creating it also turns on "
            "both reports' own share links** where they are off (faces blurred; History then "
            "shows them as shared). A new link for either report, unsharing it or deleting it "
            "ends the comparison link.")


def comparison_url(token: str) -> str:
    """Absolute link to the shared comparison ``token`` (relative when the URL is unknown)."""
    from .owner import app_url

    return app_url("compare", "c", token)
