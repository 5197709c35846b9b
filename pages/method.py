"""Method: how FormCheck works, every metric of the contract, how the scores are made,
measured accuracy (in runners' words), limits."""
from __future__ import annotations

import inspect
from pathlib import Path

import pandas as pd
import streamlit as st

from core.findings import CONF_W, NEAR_W, POINTS, SEV, build_findings
from core.findings import status_of_score
from core.metrics import BY_ID as REGISTRY
from core.metrics.cadence import SPEC as CADENCE_SPEC
from core.metrics.speed import CADENCE_SOURCE, cadence_band
from core.profile import pace_text
from core.report import DISCLAIMER
from core.spec import (AREA_LABELS, AREAS, ASYMMETRY_GOOD_DIFF, ASYMMETRY_GOOD_PCT,
                       ASYMMETRY_PCT_MIN_MEAN, ASYMMETRY_PCT_UNITS, ASYMMETRY_WATCH_DIFF,
                       ASYMMETRY_WATCH_PCT, BY_ID, METRICS)
from ui import accuracy, guard, text
from ui.format import band, number
from ui.theme import esc

ACCURACY_MD = Path(__file__).resolve().parents[1] / "bench" / "accuracy.md"
CONTACTS_MD = ACCURACY_MD.with_name("contacts.md")
ROBUSTNESS_MD = ACCURACY_MD.with_name("robustness.md")
# the clip's name stays in view while the numbers scroll sideways (pinned); the renders' names
# (fps, cadence, landing, camera) need the wider column, or four pairs of rows read alike
CLIP_COLUMN = {"Clip": st.column_config.TextColumn(width="medium", pinned=True)}
RENDER_COLUMN = {"Clip": st.column_config.TextColumn(width=330, pinned=True)}
VIEWS = {"any": "any view", "side": "side view", "front": "front view", "back": "back view"}


UNIT_WORDS = {"deg": "degrees", "% leg": "% of leg length", "ms": "milliseconds"}


def side_rule(spec) -> str:
    """How this metric's two sides are compared, from the thresholds in :mod:`core.spec`."""
    good = ASYMMETRY_GOOD_DIFF.get(spec.unit, ASYMMETRY_GOOD_DIFF["% leg"])
    watch = ASYMMETRY_WATCH_DIFF.get(spec.unit, ASYMMETRY_WATCH_DIFF["% leg"])
    diff = (f"they count as even up to {number(good, spec.unit)} apart and are worth a look "
            f"over {number(watch, spec.unit)} apart")
    if spec.unit in ASYMMETRY_PCT_UNITS and not spec.signed:
        return (f"Their difference is given as a share of their mean: even up to "
                f"{ASYMMETRY_GOOD_PCT:.0f} %, worth a look over {ASYMMETRY_WATCH_PCT:.0f} % "
                f"(below a mean of {number(ASYMMETRY_PCT_MIN_MEAN, spec.unit)}, {diff}).")
    return f"Their difference is given in {UNIT_WORDS.get(spec.unit, spec.unit)}: {diff}."


def held_back(spec) -> str | None:
    """Why no video gives this measure (``core.metrics.Metric.held_back``), or None."""
    return REGISTRY[spec.id].held_back if spec.id in REGISTRY else None


def held_entry(spec) -> None:
    """A measure no video gives: what it is and why it is not measured, without bands."""
    with st.expander(f"{spec.label} · not measured from a video"):
        st.markdown(esc(spec.definition.split(" Not measured")[0]))
        st.markdown(esc(held_back(spec) or ""))
        if spec.source:
            st.caption(f":material/menu_book: {esc(spec.source)}")


def metric_entry(spec) -> None:
    if held_back(spec):
        held_entry(spec)
        return
    views = ", ".join(VIEWS.get(v, v) for v in spec.views)
    with st.expander(f"{spec.label} · {views}"):
        st.markdown(esc(spec.definition))
        lines = [f"**Unit:** {esc(spec.unit)}"]
        if spec.kind == "info":
            lines.append("**Judged:** shown for information, not judged")
        else:
            lines.append(f"**Good:** {esc(band(spec.good, spec.unit))}"
                         f"{esc(_in_numbers(spec, spec.good, spec.good_lo, spec.good_hi, 'up to'))}")
            if spec.fix:
                lines.append(f"**Work on it:** {esc(band(spec.fix, spec.unit))}"
                             f"{esc(_in_numbers(spec, spec.fix, spec.fix_below, spec.fix_above, 'over'))}")
        if spec.bilateral:
            lines.append(f"**Left and right** are measured separately. {side_rule(spec)}")
        err = REGISTRY[spec.id].reading_error if spec.id in REGISTRY else None
        if err is not None and spec.kind == "range":
            lines.append(f"**Reading error:** {esc(_err_text(err, spec.unit))}")
        st.markdown("  \n".join(lines))
        if spec.source:
            st.caption(f":material/menu_book: {esc(spec.source)}")


def _in_numbers(spec, words: str | None, lo: float | None, hi: float | None,
                upper: str) -> str:
    """" (up to 10 % of strides)": the numbers behind a band given in words only ("none",
    "relaxed"), so a card never reads "Good: none" over a measure judged good up to 10 %."""
    if not words or any(ch.isdigit() for ch in words) or (lo is None and hi is None):
        return ""
    if upper == "up to":  # the good band
        text = (f"{number(lo, spec.unit)}–{number(hi, spec.unit)}" if lo is not None and
                hi is not None else f"up to {number(hi, spec.unit)}" if hi is not None
                else f"from {number(lo, spec.unit)}")
    else:  # the "work on it" side
        parts = ([f"under {number(lo, spec.unit)}"] if lo is not None else []) + (
            [f"over {number(hi, spec.unit)}"] if hi is not None else [])
        text = " or ".join(parts)
    return f" ({text})"


def _err_text(err: tuple[float, float], unit: str) -> str:
    """"within 5.5 % of leg under 50 fps, 3.5 % of leg from 50 fps", in the words of the
    report's own near-the-line sentence (core.findings.error_text)."""
    when = f"within {accuracy.reading_error_text(err, unit)}"
    return (f"{when} of the truth on 4 in 5 of our test videos; a verdict that close to its "
            f"line is marked \"near the line\".")


def accuracy_section(md: str) -> None:
    table, rest = accuracy.split_table(md)
    if table is None:
        st.markdown(md)
        return
    st.markdown("We check FormCheck two ways: against **real clips whose steps were marked by "
                "hand**, frame by frame, and against **computer-rendered runners** whose every "
                "angle and step is known exactly.")
    brief = accuracy.summary(table)
    if brief is not None:
        st.markdown("**Typical difference** between FormCheck and the right answer, per measure "
                    "(the middle value over the clips that have one: the hand-labelled real "
                    "clips, from treadmill running to jogging in place, walking and slow "
                    "motion, and the shared rendered runners), and how close each measure "
                    "reads on 4 in 5 of **all** our test videos, every camera included: the "
                    "figure each report quotes on its cards.")
        # a static table, one card per measure on a phone (assets/style.css): the data grid
        # cut "Camera view (side, fro" at 390 px, scrolling sideways with no cue (review)
        with st.container(key="fc-accuracy-summary"):
            st.table(accuracy.friendly_summary(brief), hide_index=True, border="horizontal")
    with st.expander(f"Every comparison, clip by clip ({len(table)})"):
        st.markdown("Each row is one measure on one clip: the right answer beside what FormCheck "
                    "measured. *Verdict on the clip* is whether the clip should be scored at all; "
                    "a dash means FormCheck did not measure it.")
        st.dataframe(accuracy.friendly_comparisons(table), hide_index=True, width="stretch",
                     column_config=CLIP_COLUMN)
    notes = accuracy.plain_notes(rest)
    if notes:
        st.caption(notes)


def contacts_section(md: str) -> None:
    table, rest = accuracy.split_table(md)
    st.subheader("Timing of foot landings", anchor=False)
    st.markdown("Overstride, shin angle, knee bend at landing and foot strike are read at the "
                "moment each foot lands, so we check that moment and the overstride, shin angle "
                "and foot strike on rendered "
                "runners whose every step is known exactly: filmed at 30, 60 and 120 fps, at "
                "150-195 steps/min, landing on the forefoot, midfoot or heel, reaching 0-35 % of "
                "leg length ahead, with the camera at hip height, raised or lowered, and turned "
                "up to 25° from square; then on the shared rendered runners and the "
                "hand-labelled treadmill clips. Each row is one clip; timing errors are the "
                "typical miss in video frames, + when FormCheck was late, − when early; the "
                "angle errors are FormCheck minus the truth.")
    if table is None:
        st.markdown(md)
        return
    for section in accuracy.sections(md):  # bench/contacts.md: renders, then the shared clips
        title, body = section
        table, rest = accuracy.split_table(body)
        if table is None and title:  # the engineers' log of what was changed and tried
            with st.expander(f"Engineering notes: {accuracy.plain_title(title)}"):
                st.markdown(accuracy.plain_notes(rest))
            continue
        if title:
            st.markdown(f"**{esc(accuracy.plain_title(title))}**")
        if table is not None:
            st.dataframe(accuracy.friendly_contacts(table), hide_index=True, width="stretch",
                         column_config=RENDER_COLUMN)
        notes = accuracy.plain_notes(rest)
        if notes:
            # the tally against the engineers' targets, a click away ("0 of 2 (0 %) (target:
            # all)" under the table read like a test log: review, 3 Dec)
            with st.expander("How often it was right, against our own targets",
                             icon=":material/flag:"):
                st.caption(notes)


def _threshold(statuses: tuple[str, ...]) -> int:
    """Lowest 0-100 score that :func:`core.findings` rates as one of ``statuses``."""
    return min(x for x in range(101) if status_of_score(x) in statuses)


def scoring_section() -> None:
    """How the 0-100 scores and the top fixes are made, with the numbers of core.findings."""
    good, watch, fix = POINTS["good"], POINTS["watch"], POINTS["fix"]
    high, medium, low = CONF_W["high"], CONF_W["medium"], CONF_W["low"]
    good_from, watch_from = _threshold(("good",)), _threshold(("good", "watch"))
    max_fixes = inspect.signature(build_findings).parameters["max_fixes"].default
    judged = [m for m in METRICS if m.weight > 0 and not held_back(m)]
    top_w = max(m.weight for m in judged)
    heaviest = [m.label.lower() for m in judged if m.weight == top_w]
    st.markdown(
        "Every score comes from the good / worth a look / work on it verdicts of the measures "
        "above, in four steps.")
    st.markdown(
        f"1. **Points per measure.** Good scores **{good}**, worth a look **{watch}**, work on "
        f"it **{fix}**.\n"
        f"2. **Weights.** Measures that matter more for running count more: "
        f"{' and '.join(heaviest)} weigh {_num(top_w)}, the least important "
        f"{_num(min(m.weight for m in judged))} (the list is below). How sure we are counts too: "
        f"a measure taken with high confidence counts ×{_num(high)}, medium ×{_num(medium)}, "
        f"low ×{_num(low)}, so a shaky reading moves your score less.\n"
        f"3. **Area score** (shoulders, hips, feet): the weighted average of the points of "
        f"the measures in that area, from 0 to 100. {good_from} or more is **good**, "
        f"{watch_from}–{good_from - 1} **worth a look**, below {watch_from} **work on it**; "
        f"an area with a measure rated work on it is never called good, whatever its score "
        f"(at most worth a look: a shaky reading moves the score little, but it is still "
        f"something to check), and it is never milder than a top fix in it: worth a look "
        f"with one, work on it with a clear work-on-it fix (one not read with low confidence "
        f"and not near its line); the card then says which fix.\n"
        f"4. **Overall score**: the plain average of the area scores that could be measured "
        f"from your camera view, called good only when no measure is rated work on it and "
        f"there is no top fix.")
    # a worked example, computed with the same numbers
    ex = [("cadence", "good", "high"), ("overstride", "watch", "medium"),
          ("foot_strike", "fix", "low")]
    rows = [(BY_ID[i], status, conf, BY_ID[i].weight * CONF_W[conf]) for i, status, conf in ex]
    score = sum(POINTS[s] * w for _, s, _, w in rows) / sum(w for *_, w in rows)
    words = {"good": "good", "watch": "worth a look", "fix": "work on it"}
    terms = " + ".join(f"{POINTS[s]} × {_num(w)}" for _, s, _, w in rows)
    st.markdown(
        "**Example.** Feet: " + ", ".join(
            f"{spec.label.lower()} {words[s]} ({c} confidence, weight {_num(spec.weight)} × "
            f"{_num(CONF_W[c])} = {_num(w)})" for spec, s, c, w in rows)
        + f". Score = ({terms}) ÷ {_num(sum(w for *_, w in rows))} = **{score:.0f}**, "
        + f"{words[status_of_score(score)]}.")
    st.markdown(
        f"**Your top fixes.** Every measure outside its good band becomes a possible fix. When "
        f"several measures tell one story they become one fix, which ranks higher: *overstriding* "
        f"(the foot or shin reaching out ahead of you, with a low cadence and a heel landing if "
        f"those are also out) and *sitting back* (hips behind, with a lean from the waist). "
        f"Fixes are ranked by how clear and how large each problem is: first every fix whose "
        f"verdict rests on at least one measure read with medium or high confidence and not "
        f"near its line (a low cadence makes an overstride read at 30 fps a clear "
        f"overstriding), then the others; within each, "
        f"by how far out they are (work on it counts {_num(SEV['fix'])}, worth a "
        f"look {_num(SEV['watch'])}) × importance × confidence. The report shows "
        f"{max_fixes} top fixes, and every area rated *work on it* gets at least one of them; "
        f"the advice for every other measure outside its band is under *More to work on*. A fix "
        f"read with low confidence is worded as a pattern to check, not a verdict.\n\n"
        f"**Near the line.** Each measure we could check against known truth has a reading "
        f"error (given with the measure above: how close 4 in 5 of its readings came on our "
        f"test videos). A value judged worth a look or work on it that is within that error of "
        f"a milder verdict's line keeps its verdict and its points, but its card says it is "
        f"near the line and what the other side would be, and as a fix it counts "
        f"×{_num(NEAR_W)} in the ranking, so a clear problem comes before one the video "
        f"cannot tell from a milder verdict. A value worth a look within that error of the "
        f"work-on-it line is marked near the line too, saying it may be one to work on; its "
        f"verdict and ranking stay as read. One read with low confidence as well is never a "
        f"top fix: it is listed after the others under *More to work on* (*More to check* "
        f"when all of them are like it), marked to look for on your next clip before you "
        f"work on it. (Cadence judged against the band for your own "
        f"speed, when you give it, is not marked: that band has no bench of its own.)\n\n"
        f"An area with nothing measurable (say, your feet were out of the picture) has no "
        f"score, and the overall score then says which areas it is made of.")
    with st.expander("How much each measure counts"):
        weights = pd.DataFrame([{"Area": AREA_LABELS[m.area], "Measure": m.label,
                                 "Weight": "shown, not scored" if m.weight == 0 else _num(m.weight)}
                                for area in AREAS for m in METRICS
                                if m.area == area and not held_back(m)])
        st.dataframe(weights, hide_index=True, width="stretch")


def targets_section() -> None:
    """What the runner's profile (About you) changes, the speed-cadence source with the band
    at a few speeds (computed by core.metrics.speed), and how the 3-week plan is made."""
    st.markdown(
        "**About you** on the Analyze page is optional. Your **height** adds centimetres. Your "
        "**treadmill speed or pace** adds two measures, **stride length** (speed x 60 / "
        "cadence x 2: one stride is two steps; the step is half of it) and **vertical "
        "ratio** (the hips' bounce / step length, which also needs your height), and judges "
        "your **cadence against your own band** for that speed. Cadence rises with speed, so "
        "a single band would call an easy jogger slow and a fast runner quick.")
    st.caption(f":material/menu_book: {esc(CADENCE_SOURCE)}")
    rows = []
    for v in (2.4, 2.7, 3.0, 3.3, 3.5, 4.0):
        own = cadence_band(CADENCE_SPEC, v)
        rows.append({"Speed": f"{v:.1f} m/s ({pace_text(v)})",
                     "Good cadence (steps/min)": f"{own.spec.good_lo:.0f}–{own.spec.good_hi:.0f}",
                     "Work on it below / above": f"{own.spec.fix_below:.0f} / {own.spec.fix_above:.0f}"
                     + (" (band at 3.5 m/s)" if own.clipped else "")})
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    st.markdown(
        "The metric card says when a band is your own. Your **sex** is kept with the report but "
        "changes no band: we have no source that gives one per sex. Your **running experience** "
        "sets how gently the plan starts.")
    st.markdown(
        "**Your 3-week plan** (a link on every report) takes the report's top fixes: the same "
        "cue and drill, one more set or round of the drill each week (one fewer to start if "
        "you are new to running), and the cue practised a minute longer on every run (1 "
        "minute on the first run, then 2, 3 ...), one thing at a time. It says what to film "
        "again and when: a quick check after week 1 and the full re-test on day 21, from the "
        "same place, camera height and speed, to compare with this report. A report without "
        "fixes gets a plan that keeps your form. It downloads as one printable page.")


def robustness_section(md: str) -> None:
    """bench/robustness.md: the camera conditions, the acceptance check and the per-condition
    table (numbers unchanged)."""
    st.subheader("Filmed the way runners film", anchor=False)
    st.markdown("Runners film with a friend's phone that follows them, shakes, leans or zooms, "
                "from low or high or at an angle, and cut passes together. We render runners "
                "with exact truth filmed in each of those ways (side and back views, 30, 60 "
                "and 120 fps, four running forms) and run FormCheck on every clip.")
    parts = md.split("## ")
    part = {p.split("\n", 1)[0].strip(): p.split("\n", 1)[1] for p in parts if "\n" in p}
    if "Against the acceptance" in part:
        # the engineers' targets and how far each is met, a click away: shown open, "needs
        # >= 95 %", "(needs all)" and "yaw30" read like a test log to a runner (review, 3 Dec)
        with st.expander("Against our own targets (where we meet them and where not)",
                         icon=":material/flag:"):
            st.markdown(part["Against the acceptance"].strip())
    table, rest = accuracy.split_table(part.get("Per condition", ""))
    if table is not None:
        st.dataframe(accuracy.friendly_robustness(table), hide_index=True, width="stretch",
                     column_config={"Filmed": st.column_config.TextColumn(pinned=True)})
        notes = accuracy.plain_notes(rest)
        if notes:
            st.caption(notes)
    knee = part.get("Toe-off and the midstance knee", "").split("\n_Generated")[0].strip()
    if knee:
        with st.expander("Toe-off and the midstance knee: what was measured and changed"):
            st.markdown(knee)


def _num(x: float) -> str:
    return f"{x:g}"


def main() -> None:
    st.title("How FormCheck works")
    st.warning(DISCLAIMER, icon=":material/health_and_safety:")

    st.header("From your video to your report", divider="gray", anchor=False)
    for i, (stage, detail) in enumerate(text.PIPELINE_STAGES, 1):
        st.markdown(f"**{i}. {stage}.** {detail}")

    st.header("What we measure", divider="gray", anchor=False)
    st.markdown("Every measure has a definition, the camera views it works from, and ranges "
                "that judge it: **good** inside the good range, **work on it** beyond the fix "
                "limit, **worth a look** in between. Distances are a share of your leg length "
                "(hip to knee to ankle), so they do not depend on how far away the camera is.")
    for area in AREAS:
        specs = [m for m in METRICS if m.area == area]
        held = [m for m in specs if held_back(m)]
        st.subheader(f"{AREA_LABELS[area]} ({len(specs) - len(held)}"
                     + (f", and {len(held)} not measured" if held else "") + ")", anchor=False)
        for spec in [m for m in specs if not held_back(m)] + held:
            metric_entry(spec)

    st.header("How the scores are made", divider="gray", anchor=False)
    scoring_section()

    st.header("Your own targets and your plan", divider="gray", anchor=False)
    targets_section()

    st.header("How accurate it is", divider="gray", anchor=False)
    if ACCURACY_MD.is_file():
        accuracy_section(ACCURACY_MD.read_text(encoding="utf-8"))
    else:
        st.info("Accuracy against hand-labelled clips has not been measured yet for this "
                "version. Until then, treat every number as an estimate and look at the "
                "confidence shown next to it.", icon=":material/science:")

    if CONTACTS_MD.is_file():
        contacts_section(CONTACTS_MD.read_text(encoding="utf-8"))
    if ROBUSTNESS_MD.is_file():
        robustness_section(ROBUSTNESS_MD.read_text(encoding="utf-8"))

    st.header("Limits to keep in mind", divider="gray", anchor=False)
    for line in text.KNOWN_LIMITS:
        st.markdown(f"- {line}")
    st.caption("Confidence (high / medium / low) and a caveat come with every number in a "
               "report; low-confidence findings are worded as patterns, not verdicts.")


with guard.friendly_errors():
    main()
