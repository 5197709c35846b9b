"""Altair charts of a report (pure: report dict in, ``alt.Chart`` or None out).

* :func:`angle_chart`   one group of ``report["series"]`` channels over time, initial contacts
  as rules, the good band of the matching metric shaded (or its one-sided limit dashed).
* :func:`stride_chart`  one per-stride column of ``report["strides"]``, left vs right.
* :func:`cadence_chart` cadence over each two strides from the initial-contact times.

Bands and labels come from :mod:`core.spec`; nothing here judges a value.
"""
from __future__ import annotations

import dataclasses

import altair as alt
import pandas as pd

from core.metrics.base import SIDE_VIS_MIN
from core.spec import BY_ID

from .format import band as band_text
from .text import ANGLE_GROUPS, STRIDE_COLUMNS, STRIDE_CHART_ORDER

SIDE_NAMES = {"L": "Left", "R": "Right"}
SIDE_COLORS = {"Left": "#2B6CB0", "Right": "#DD6B20"}
BAND_COLOR = "#2F855A"
HEIGHT = 260
WINDOW_S = 5.0  # the joint-angle charts open on the first few seconds; drag to see the rest


def _unit_title(unit: str | None) -> str:
    return {"deg": "degrees", "% leg": "% of leg length", "ms": "milliseconds",
            "steps/min": "steps per minute"}.get(unit or "", unit or "")


def available_angle_groups(report: dict) -> list[str]:
    """Keys of :data:`ANGLE_GROUPS` that have data in this report's series."""
    ch = (report.get("series") or {}).get("channels") or {}

    def has_data(name: str) -> bool:
        return any(v is not None for v in ch.get(name) or [])

    return [k for k, g in ANGLE_GROUPS.items() if any(has_data(c) for c in g["channels"])]


def _series_frame(report: dict, channels: list[str]) -> pd.DataFrame:
    series = report.get("series") or {}
    t = series.get("t") or []
    rows = []
    for name in channels:
        values = (series.get("channels") or {}).get(name) or []
        side = SIDE_NAMES.get(name[-1]) if name[-2:] in ("_L", "_R") else None
        for ti, v in zip(t, values):
            rows.append({"t": ti, "value": v, "series": side or "Runner"})
    return pd.DataFrame(rows, columns=["t", "value", "series"])


def own_band(report: dict | None, metric_id: str | None):
    """``metric_id``'s spec with the good band the report judged it on: the runner's own
    cadence band when they gave a speed (the result's ``band_shift``), else the spec's. The
    cadence chart shaded 165-185 beside a card judging 162-182 (review, 2 Dec)."""
    spec = BY_ID.get(metric_id) if metric_id else None
    m = next((m for m in (report or {}).get("metrics") or []
              if isinstance(m, dict) and m.get("id") == metric_id), None)
    extra = (m or {}).get("extra")
    shift = extra.get("band_shift") if isinstance(extra, dict) else None
    if spec is None or not isinstance(shift, (int, float)) or not shift or spec.good_lo is None \
            or spec.good_hi is None:
        return spec, False
    return dataclasses.replace(spec, good_lo=spec.good_lo + shift, good_hi=spec.good_hi + shift), True


def _band_layers(metric_id: str | None, note: str, y_field: str = "value",
                 report: dict | None = None) -> list[alt.Chart]:
    """The good band of ``metric_id`` as a shaded rect (two-sided) or dashed rule (one-sided):
    the one ``report`` judged it on (:func:`own_band`)."""
    spec, own = own_band(report, metric_id)
    if spec is None or spec.kind != "range" or (spec.good_lo is None and spec.good_hi is None):
        return []
    good = (f"{spec.good_lo:g}-{spec.good_hi:g}" if own else spec.good)
    label = (f"{note[:1].upper()}{note[1:]}: {band_text(good, spec.unit)}"
             + (" at your speed" if own else ""))
    if spec.good_lo is not None and spec.good_hi is not None:
        df = pd.DataFrame([{"lo": spec.good_lo, "hi": spec.good_hi, "band": label}])
        return [alt.Chart(df).mark_rect(color=BAND_COLOR, opacity=0.12).encode(
            y=alt.Y("lo:Q"), y2="hi:Q", tooltip=alt.Tooltip("band:N", title="Band"))]
    limit = spec.good_hi if spec.good_hi is not None else spec.good_lo
    df = pd.DataFrame([{"limit": limit, "band": label}])
    return [alt.Chart(df).mark_rule(color=BAND_COLOR, strokeDash=[6, 4], size=2).encode(
        y=alt.Y("limit:Q"), tooltip=alt.Tooltip("band:N", title="Band"))]


def stance_windows(report: dict, t_min: float, t_max: float) -> list[tuple[float, float, str]]:
    """(landing, toe-off, foot) of each stance in the report's events within ``t_min``-
    ``t_max``: each landing to the same foot's next toe-off within a second."""
    ev = report.get("events") or {}

    def timed(events) -> list[dict]:
        return [e for e in events or [] if isinstance(e, dict)
                and isinstance(e.get("t"), (int, float))]

    tos, ics = timed(ev.get("toe_offs")), timed(ev.get("initial_contacts"))
    out = []
    for ic in ics:
        if not t_min <= ic["t"] <= t_max:
            continue
        # up to the same foot's next landing at most: a missed toe-off leaves it out rather
        # than shading the swing and the next stance (code review, 2 Dec)
        nxt = min((e["t"] for e in ics if e.get("foot") == ic.get("foot") and e["t"] > ic["t"]),
                  default=ic["t"] + 1.0)
        to = next((e["t"] for e in tos if e.get("foot") == ic.get("foot")
                   and ic["t"] < e["t"] < min(nxt, ic["t"] + 1.0)), None)
        if to is not None:
            out.append((float(ic["t"]), float(min(to, t_max)), str(ic.get("foot") or "")))
    return out


def _stance_band_layers(report: dict, metric_id: str | None, note: str, t_min: float,
                        t_max: float) -> list[alt.Chart]:
    """The good band of a measure read in stance (the deepest knee bend with the weight on
    the leg), shaded over each stance only: across the whole timeline the swing's 90° bend
    crossed it every step, as if out of range (review, 2 Dec)."""
    spec, _ = own_band(report, metric_id)
    if spec is None or spec.good_lo is None or spec.good_hi is None:
        return _band_layers(metric_id, note, report=report)
    label = f"{note[:1].upper()}{note[1:]}: {band_text(spec.good, spec.unit)}"
    rows = [{"t0": a, "t1": b, "lo": spec.good_lo, "hi": spec.good_hi, "band": label,
             "foot": SIDE_NAMES.get(f, f)} for a, b, f in stance_windows(report, t_min, t_max)]
    if not rows:
        return _band_layers(metric_id, note, report=report)
    return [alt.Chart(pd.DataFrame(rows)).mark_rect(color=BAND_COLOR, opacity=0.18, clip=True).encode(
        x=_time_axis(t_min, t_max, field="t0"), x2="t1:Q", y=alt.Y("lo:Q"), y2="hi:Q",
        tooltip=[alt.Tooltip("band:N", title="Band"), alt.Tooltip("foot:N", title="Stance")])]


def _time_axis(t_min: float, t_max: float, title: str = "Time (s)", field: str = "t") -> alt.X:
    """Time axis opening on the first :data:`WINDOW_S` seconds of a longer clip."""
    end = t_min + WINDOW_S if t_max - t_min > WINDOW_S * 1.3 else t_max
    return alt.X(f"{field}:Q", title=title, scale=alt.Scale(domain=[t_min, end], nice=False),
                 axis=alt.Axis(tickCount=6))


def _contact_rules(report: dict, t_min: float, t_max: float) -> alt.Chart | None:
    ics = (report.get("events") or {}).get("initial_contacts") or []
    rows = [{"t": e["t"], "foot": SIDE_NAMES.get(e.get("foot"), "?") + " foot lands"}
            for e in ics if t_min <= e.get("t", -1) <= t_max]
    if not rows:
        return None
    return alt.Chart(pd.DataFrame(rows)).mark_rule(opacity=0.35, strokeWidth=1, clip=True).encode(
        x=_time_axis(t_min, t_max),
        color=alt.Color("foot:N", scale=alt.Scale(
            domain=["Left foot lands", "Right foot lands"],
            range=[SIDE_COLORS["Left"], SIDE_COLORS["Right"]]), legend=None),
        tooltip=[alt.Tooltip("foot:N", title="Event"), alt.Tooltip("t:Q", title="Time (s)",
                                                                   format=".2f")])


def angle_chart(report: dict, group: str) -> alt.Chart | None:
    """Channels of ``ANGLE_GROUPS[group]`` over time with contacts and the good band; a leg
    the group's metric card calls partly hidden (:func:`poorly_seen_feet`) is drawn pale and
    named so, as in :func:`stride_chart`."""
    g = ANGLE_GROUPS.get(group)
    if g is None:
        return None
    df = _series_frame(report, g["channels"]).dropna(subset=["value"])
    if df.empty:
        return None
    weak = {SIDE_NAMES[f] for f in poorly_seen_feet(report, g.get("metric")) if f in SIDE_NAMES}
    df["series"] = [_hidden_name(n) if n in weak else n for n in df["series"]]
    units = (report.get("series") or {}).get("units") or {}
    unit = units.get(g["channels"][0])
    names = sorted(df["series"].unique(),
                   key=lambda s: ["Left", "Right", "Runner"].index(s.split(" ")[0]))
    colors = [SIDE_COLORS.get(n.split(" ")[0], "#0B7A75") for n in names]
    t_min, t_max = float(df["t"].min()), float(df["t"].max())
    line = alt.Chart(df).mark_line(strokeWidth=2, clip=True).encode(
        x=_time_axis(t_min, t_max),
        y=alt.Y("value:Q", title=_unit_title(unit).capitalize(), scale=alt.Scale(zero=False, padding=8)),
        color=alt.Color("series:N", title=None, scale=alt.Scale(domain=names, range=colors),
                        legend=alt.Legend(orient="top") if len(names) > 1 else None),
        opacity=_pale_hidden(names),
        tooltip=[alt.Tooltip("series:N", title="Side"),
                 alt.Tooltip("t:Q", title="Time (s)", format=".2f"),
                 alt.Tooltip("value:Q", title=g["label"], format=".1f")])
    if g.get("band_phase") == "stance":  # a band for the stance only, shaded there
        layers = _stance_band_layers(report, g["band"], g["band_note"], t_min, t_max)
    else:
        layers = _band_layers(g["band"], g["band_note"], report=report)
    rules = _contact_rules(report, t_min, t_max)
    if rules is not None:
        layers.append(rules)
    layers.append(line)
    return alt.layer(*layers).resolve_scale(color="independent").properties(
        height=HEIGHT).interactive(bind_y=False)


def windowed(report: dict) -> bool:
    """Whether the time charts open on a window of the clip (the rest is a drag away)."""
    t = [x for x in (report.get("series") or {}).get("t") or [] if x is not None]
    return bool(t) and max(t) - min(t) > WINDOW_S * 1.3


def available_stride_columns(report: dict) -> list[str]:
    rows = report.get("strides") or []
    present = {k for r in rows for k, v in r.items() if v is not None}
    order = STRIDE_CHART_ORDER + [c for c in STRIDE_COLUMNS if c not in STRIDE_CHART_ORDER]
    return [c for c in order if c in present]


def stride_title(column: str) -> str:
    spec = BY_ID.get(STRIDE_COLUMNS.get(column, ""))
    return spec.label if spec else column.replace("_", " ")


HIDDEN_SUFFIX = " (partly hidden)"


def _hidden_name(side: str) -> str:
    """A leg's series name when its card calls it partly hidden ("Right (partly hidden)")."""
    return side + HIDDEN_SUFFIX


def _pale_hidden(names: list[str]) -> alt.Opacity:
    """The series' opacity: a partly hidden leg (:func:`_hidden_name`) drawn pale."""
    return alt.Opacity("series:N", legend=None, scale=alt.Scale(
        domain=names, range=[0.3 if n.endswith(HIDDEN_SUFFIX) else 1.0 for n in names]))


def poorly_seen_feet(report: dict, metric_id: str | None) -> set[str]:
    """``{"L"}``, ``{"R"}``...: the legs the metric's card calls partly hidden (their pose
    visibility under :data:`SIDE_VIS_MIN`, ``extra.side_visibility``; in side view the far
    leg), whose own values the card does not show."""
    m = next((m for m in report.get("metrics") or [] if m.get("id") == metric_id), None)
    vis = ((m or {}).get("extra") or {}).get("side_visibility") or {}
    return {f for f, v in vis.items() if v is not None and v < SIDE_VIS_MIN}


def stride_chart(report: dict, column: str) -> alt.Chart | None:
    """One per-stride column, left vs right, with the metric's good band; a leg the card
    calls partly hidden (:func:`poorly_seen_feet`) is drawn pale and named so."""
    rows = [r for r in report.get("strides") or [] if r.get(column) is not None]
    if not rows:
        return None
    metric_id = STRIDE_COLUMNS.get(column)
    spec = BY_ID.get(metric_id or "")
    unit = spec.unit if spec else ""
    weak = poorly_seen_feet(report, metric_id)

    def series(foot) -> str:
        name = SIDE_NAMES.get(foot, "?")
        return _hidden_name(name) if foot in weak else name

    df = pd.DataFrame([{"t": r.get("t"), "stride": r.get("stride"), "value": r[column],
                        "series": series(r.get("foot"))} for r in rows])
    title = stride_title(column)
    names = [series(f) for f in ("L", "R") if series(f) in set(df["series"])]
    colors = [SIDE_COLORS[n.split(" ")[0]] for n in names]
    points = alt.Chart(df).mark_line(point=alt.OverlayMarkDef(size=45), strokeWidth=1.5).encode(
        x=alt.X("t:Q", title="Time of landing (s)"),
        y=alt.Y("value:Q", title=_unit_title(unit).capitalize(), scale=alt.Scale(zero=False, padding=8)),
        color=alt.Color("series:N", title=None,
                        scale=alt.Scale(domain=names, range=colors),
                        legend=alt.Legend(orient="top")),
        opacity=_pale_hidden(names),
        tooltip=[alt.Tooltip("series:N", title="Foot"),
                 alt.Tooltip("t:Q", title="Landing at (s)", format=".2f"),
                 alt.Tooltip("value:Q", title=title, format=".1f")])
    layers = _band_layers(metric_id, "good", report=report) + [points]
    # Streamlit fits the whole chart (title, legend, axis) into the height: at HEIGHT - 40
    # the plot itself was ~50 px tall (fresh-eyes review)
    return alt.layer(*layers).properties(height=HEIGHT + 60, title=title)


CADENCE_WINDOW_STEPS = 4  # the chart's cadence is read over two strides (both feet)


def cadence_points(report: dict) -> pd.DataFrame:
    """Cadence through the clip: steps per minute over each run of
    :data:`CADENCE_WINDOW_STEPS` consecutive steps (two strides, from one initial contact to
    the fourth after it), at the run's middle; runs with a pause over a second are left out.

    Over two strides a left/right difference in step time cancels, and a contact found one
    frame off moves the value by a quarter of what it moves a single step's: at 30 fps and
    170 steps/min one frame is 9 % of a step, so step-by-step values swung 159-193 on a
    steady treadmill clip. ``lo``/``hi``: the value with either end contact one frame off
    (the shaded band: what timing alone can move)."""
    ics = sorted((e["t"] for e in (report.get("events") or {}).get("initial_contacts") or []))
    fps = (report.get("source") or {}).get("fps_measured") or 30.0
    frame = 1.0 / fps if fps > 0 else 1.0 / 30.0
    k = CADENCE_WINDOW_STEPS
    rows = []
    for i in range(len(ics) - k):
        run = ics[i:i + k + 1]
        if any(not 0 < b - a <= 1.0 for a, b in zip(run, run[1:])):
            continue
        span = run[-1] - run[0]
        rows.append({"t": round((run[0] + run[-1]) / 2, 3), "cadence": 60.0 * k / span,
                     "lo": 60.0 * k / (span + frame), "hi": 60.0 * k / max(span - frame, 1e-6)})
    return pd.DataFrame(rows, columns=["t", "cadence", "lo", "hi"])


def cadence_chart(report: dict) -> alt.Chart | None:
    df = cadence_points(report)
    if len(df) < 3:
        return None
    x = alt.X("t:Q", title="Time (s)")
    band = alt.Chart(df).mark_area(color="#0B7A75", opacity=0.15).encode(
        x=x, y=alt.Y("lo:Q", scale=alt.Scale(zero=False)), y2="hi:Q")
    line = alt.Chart(df).mark_line(point=alt.OverlayMarkDef(size=30), color="#0B7A75").encode(
        x=x,
        y=alt.Y("cadence:Q", title="Cadence (steps per minute)", scale=alt.Scale(zero=False)),
        tooltip=[alt.Tooltip("t:Q", title="Time (s)", format=".1f"),
                 alt.Tooltip("cadence:Q", title="Cadence (spm)", format=".0f")])
    layers = _band_layers("cadence", "good cadence", report=report) + [band, line]
    metric = next((m for m in report.get("metrics") or [] if m.get("id") == "cadence"), None)
    if metric and metric.get("value") is not None:
        avg = pd.DataFrame([{"v": metric["value"], "label": f"Your cadence: {metric['display']}"}])
        layers.append(alt.Chart(avg).mark_rule(color="#1B2A2F", strokeDash=[2, 3]).encode(
            y="v:Q", tooltip=alt.Tooltip("label:N", title="Median")))
    return alt.layer(*layers).properties(height=HEIGHT)


def _sound(report: dict) -> dict | None:
    m = next((m for m in report.get("metrics") or [] if m.get("id") == "landing_sound"), None)
    return ((m or {}).get("extra") or {}).get("sound")


def has_sound(report: dict) -> bool:
    """Whether the report carries the landing-sound evidence (``landing_sound`` measured)."""
    s = _sound(report)
    return bool(s and s.get("steps"))


def sound_envelope_chart(report: dict) -> alt.Chart | None:
    """The clip's loudness over time (dB above its background, lined up with the video),
    with each landing marked (blue left, orange right) and loud outliers ringed."""
    s = _sound(report)
    env = (s or {}).get("envelope") or {}
    if not env.get("t"):
        return None
    df = pd.DataFrame({"t": env["t"], "db": env["db"]})
    t_min, t_max = float(df["t"].min()), float(df["t"].max())
    line = alt.Chart(df).mark_line(strokeWidth=1.2, color="#4A5568", clip=True).encode(
        x=_time_axis(t_min, t_max),
        y=alt.Y("db:Q", title="Loudness above background (dB)"),
        tooltip=[alt.Tooltip("t:Q", title="Time (s)", format=".2f"),
                 alt.Tooltip("db:Q", title="dB above background", format=".1f")])
    steps = pd.DataFrame([{"t": x["t"], "db": x["db"], "loud": "loud" if x.get("loud") else "",
                           "foot": SIDE_NAMES.get(x["foot"], "?") + " foot lands"}
                          for x in s["steps"]])
    color = alt.Color("foot:N", title=None, scale=alt.Scale(
        domain=["Left foot lands", "Right foot lands"],
        range=[SIDE_COLORS["Left"], SIDE_COLORS["Right"]]), legend=alt.Legend(orient="top"))
    rules = alt.Chart(steps).mark_rule(opacity=0.45, strokeWidth=1.5, clip=True).encode(
        x=_time_axis(t_min, t_max), color=color,
        tooltip=[alt.Tooltip("foot:N", title="Event"),
                 alt.Tooltip("t:Q", title="Time (s)", format=".2f"),
                 alt.Tooltip("db:Q", title="Landing (dB above background)", format=".1f")])
    dots = alt.Chart(steps).mark_point(filled=True, size=40, clip=True).encode(
        x=_time_axis(t_min, t_max), y="db:Q", color=color)
    layers = [rules, line, dots]
    loud = steps[steps["loud"] == "loud"]
    if not loud.empty:
        layers.append(alt.Chart(loud).mark_point(size=260, color="#C53030", strokeWidth=2,
                                                 clip=True).encode(
            x=_time_axis(t_min, t_max), y="db:Q",
            tooltip=alt.Tooltip("t:Q", title="Loud landing at (s)", format=".2f")))
    return alt.layer(*layers).properties(height=HEIGHT).interactive(bind_y=False)


def sound_steps_chart(report: dict) -> alt.Chart | None:
    """Each landing's loudness, step by step, left against right."""
    s = _sound(report)
    if not s or not s.get("steps"):
        return None
    df = pd.DataFrame([{"t": x["t"], "db": x["db"], "series": SIDE_NAMES.get(x["foot"], "?"),
                        "loud": bool(x.get("loud"))} for x in s["steps"]])
    names = [n for n in ("Left", "Right") if n in set(df["series"])]
    color = alt.Color("series:N", title=None,
                      scale=alt.Scale(domain=names, range=[SIDE_COLORS[n] for n in names]),
                      legend=alt.Legend(orient="top"))
    points = alt.Chart(df).mark_line(point=alt.OverlayMarkDef(size=45), strokeWidth=1.5).encode(
        x=alt.X("t:Q", title="Time of landing (s)"),
        y=alt.Y("db:Q", title="Landing loudness (dB above background)",
                scale=alt.Scale(zero=False)),
        color=color,
        tooltip=[alt.Tooltip("series:N", title="Foot"),
                 alt.Tooltip("t:Q", title="Landing at (s)", format=".2f"),
                 alt.Tooltip("db:Q", title="dB above background", format=".1f")])
    return points.properties(height=HEIGHT)
