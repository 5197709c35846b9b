"""Stage 8 — findings: area scores and the few fixes worth making first.

Contract:
    build_findings(metrics: list[MetricResult]) -> Findings
        per-area scores 0-100 (shoulders, hips, feet) and an overall score; at most three
        ranked ``fixes`` (worst first), each with what was seen, why it matters, one cue and
        one drill with a dose (from :mod:`core.coaching`); ``more_fixes``: the advice for every
        other judged problem, ranked on; plus strengths.

Which fix a metric's problem leads to is declared by the metric itself (``advice`` in its
module of :mod:`core.metrics`); this module only adds the composite rules.

Scoring: each judged metric scores good 100 / watch 65 / fix 30, weighted by its importance
(:attr:`MetricSpec.weight`) and confidence (high 1, medium 0.75, low 0.4). Composite patterns
(several measures telling one story) carry a bonus on their severity: overstriding =
overstride + low cadence (+ heel strike); sitting back = hips behind + lean from the waist.

Choosing the top fixes: every problem (each judged metric rated watch or fix belongs to
exactly one candidate fix) is ranked, the clear ones first (:func:`unclear`: read with low
confidence, or near its line, comes later), then by severity. First, each area
rated "work on this" (status ``fix``), worst area first, takes its own best-ranked candidate
(a candidate belongs to the area of its lead metric), so no such area is left without a top
fix; the remaining places go down the ranking. The chosen fixes keep their ranking order;
every candidate not chosen goes to ``more_fixes``, so each judged problem gets its advice.

Near the line: a metric judged watch or fix within its reading error of a milder verdict's
line (``MetricResult.near_line``, :meth:`core.spec.MetricSpec.near_line`) keeps its status and
its score, but counts half (:data:`NEAR_W`) when the problems are ranked (and when an area
card names the measure that needs attention most), and what was seen
says that the reading could have fallen on the other side (:func:`near_line_note`), so a fix
the clip cannot tell apart from "good" is not put ahead of a clear one.

Tentative problems: a candidate whose every measure was read with low confidence AND near a
milder verdict's line (:func:`tentative`) is never a top fix, nor the plan's: it goes to
``more_fixes`` ("More to check"). The clip cannot tell it from the milder verdict, and low
confidence says it is a pattern to check, not a verdict; as a top fix it led a good runner's
report (a panning render's hip extension read 0 deg for a true 8.5, its only fix, with a
3-week plan: review, 2 Dec).

Verdict words: an area's is its score's (good from 80, worth a look from 60), never "good"
over a measure rated "work on this" (:func:`capped_status`) and never milder than its own top
fixes (:func:`raised_status`: a clear one's severity, an unclear one's at most "worth a
look"); the overall is never "good" over either. :func:`capped_note` says why a word differs
from its number.

Counts: :func:`measure_counts` is the one place that counts measures (judged by status, and
``info`` ones apart), for the report's headline, area cards and tabs alike.
"""
from __future__ import annotations

import dataclasses
import math

from .coaching import ADVICE, STRENGTHS
from .report import AreaScore, Findings, Fix, MetricResult
from .metrics import BY_ID as REGISTRY_BY_ID, REGISTRY
from .spec import AREA_LABELS, AREAS, BY_ID, side_difference

POINTS = {"good": 100, "watch": 65, "fix": 30}
CONF_W = {"high": 1.0, "medium": 0.75, "low": 0.4}
SEV = {"fix": 2.0, "watch": 1.0}
NEAR_W = 0.5  # weight of a problem near its line (within its reading error) in the ranking


SCORE_GOOD = 80  # an area or overall score from here is "good"
SCORE_WATCH = 60  # from here (below SCORE_GOOD) "worth a look"; below it "work on this"


def status_of_score(score: float | None) -> str:
    if score is None:
        return "info"
    return "good" if score >= SCORE_GOOD else "watch" if score >= SCORE_WATCH else "fix"


def capped_status(score: float | None, statuses) -> str:
    """An area's (or the overall) verdict: its score's (:func:`status_of_score`), but never
    "good" over a measure rated "work on it" (``statuses``: the verdicts it is made of). A
    measure read with low confidence counts x0.4 in the score, so a 35 % overstride beside
    good measures once headed "Feet 82 Good" above a red "Work on this"."""
    st = status_of_score(score)
    return "watch" if st == "good" and "fix" in set(statuses) else st


STATUS_RANK = {"info": -1, "good": 0, "watch": 1, "fix": 2}
STATUS_WORDS = {"good": "good", "watch": "worth a look", "fix": "work on this"}


def raised_status(status: str, levels) -> str:
    """An area's verdict (``status``), never milder than its top fixes' ``levels``: each fix's
    severity, or at most "watch" for an :func:`unclear` one (a shaky reading is still only
    something to check). An area card read "Hips 90/100 Good" above its own top fix #2,
    "worth a look" (review, 2 Dec). The score is not changed: one problem among many good
    measures moves it little; :func:`capped_note` says why the word is harsher than the
    number. An unmeasured area (``"info"``) stays so."""
    worst = max(levels, key=lambda s: STATUS_RANK.get(s, -1), default=None)
    if status == "info" or worst is None or STATUS_RANK.get(worst, -1) <= STATUS_RANK.get(status, -1):
        return status
    return worst


HELD_WHY = "was read with low confidence or near its line"


def capped_note(score: float | None, status: str, n_fix: int,
                fix_ranks: list[int] | tuple[int, ...] = (), area: bool = True,
                held: list[int] | tuple[int, ...] = (), held_why: str = HELD_WHY) -> str | None:
    """Why a verdict differs from its score's (:func:`status_of_score`): milder, as it is
    never "good" over a measure rated "work on this" (``n_fix`` of them,
    :func:`capped_status`), so "97/100 Worth a look" is not a puzzle (fresh-eyes review);
    or harsher, as it is never milder than its top fixes (``fix_ranks``, the numbers of the
    top fixes in this area, or all of them for the overall: ``area=False``,
    :func:`raised_status`); or held at "worth a look" under a top fix rated "work on this"
    that is :func:`unclear` (``held``: their numbers; an area card read "Worth a look" above
    its own red fix with nothing said: review, 2 Dec; ``held_why``: which of the two, from
    :func:`unclear_why`). None when the verdict is the score's and nothing is held."""
    if score is None or status not in STATUS_RANK:
        return None
    if held and area and status == "watch":
        nums, many = " and ".join(str(r) for r in held), len(held) > 1
        return (f"Called \"worth a look\" for top fix{'es' if many else ''} {nums} below: "
                f"{'their' if many else 'its'} \"work on this\" {held_why}.")
    if status_of_score(score) == status:
        return None
    many = len(fix_ranks) > 1
    if STATUS_RANK[status] > STATUS_RANK[status_of_score(score)] and fix_ranks and area:
        nums = " and ".join(str(r) for r in fix_ranks)
        return (f"Called \"{STATUS_WORDS[status]}\" as top fix{'es' if many else ''} "
                f"{nums} below {'are' if many else 'is'} in this area.")
    if n_fix > 0:
        return (f"Not called good while {n_fix} measure{'s' if n_fix != 1 else ''} "
                f"{'is' if n_fix == 1 else 'are'} rated \"work on this\".")
    if fix_ranks and not area:
        return (f"Not called good while there {'are' if many else 'is'} "
                f"{len(fix_ranks) if many else 'a'} top fix{'es' if many else ''} below.")
    return None


def measure_counts(metrics: list, area: str | None = None) -> dict[str, int]:
    """How many measures a report shows, by status: ``good``, ``watch``, ``fix`` (together
    ``judged``) and ``info`` (shown, not judged); ``total`` = judged + info. ``metrics`` are
    :class:`MetricResult` or their dicts; ``area`` limits the count to one area."""
    def get(m, k):
        return m.get(k) if isinstance(m, dict) else getattr(m, k)

    ms = [m for m in metrics if area is None or get(m, "area") == area]
    c = {s: sum(1 for m in ms if get(m, "status") == s) for s in ("good", "watch", "fix")}
    c["judged"] = c["good"] + c["watch"] + c["fix"]
    c["info"] = len(ms) - c["judged"]
    c["total"] = len(ms)
    return c


def area_scores(metrics: list[MetricResult]) -> list[AreaScore]:
    out = []
    for area in AREAS:
        ms = [m for m in metrics if m.area == area and m.status in POINTS]
        if not ms:
            out.append(AreaScore(area, AREA_LABELS[area], None, "info", None,
                                 "Nothing in this area could be measured from this view."))
            continue
        wsum = sum(BY_ID[m.id].weight * CONF_W[m.confidence] for m in ms)
        score = sum(POINTS[m.status] * BY_ID[m.id].weight * CONF_W[m.confidence] for m in ms) / wsum
        worst = max(ms, key=lambda m: (SEV.get(m.status, 0) * BY_ID[m.id].weight * CONF_W[m.confidence]
                                       * (NEAR_W if near_line_of(m) else 1.0), BY_ID[m.id].weight))
        cnt = measure_counts(metrics, area)
        n_bad, n = cnt["watch"] + cnt["fix"], cnt["judged"]
        noun = "judged measure" if n == 1 else "judged measures"
        summary = ((f"All {n} {noun} in the good range." if n > 2 else
                    "Both of the 2 judged measures in the good range." if n == 2 else
                    "The 1 judged measure is in the good range.") if n_bad == 0 else
                   # "need attention" beside an area rated good read as a contradiction
                   # (fresh-eyes review): without a "work on it" they are worth a look; and
                   # "6 of 8 need work" over 4 to work on and 2 worth a look, beside an area
                   # held at "worth a look", read as a contradiction too (UX review, 4 Dec)
                   (f"{cnt['fix']} to work on and {cnt['watch']} worth a look of {n} {noun}"
                    if cnt["fix"] and cnt["watch"] else
                    f"{n_bad} of {n} {noun} " + ("to work on" if cnt["fix"] else "worth a look"))
                   + f"; {worst.label.lower()} most.")
        if cnt["info"]:
            summary += f" (+ {cnt['info']} shown for information)"
        out.append(AreaScore(area, AREA_LABELS[area], int(round(score)),
                             capped_status(score, [m.status for m in ms]), worst.id, summary))
    return out


# Composite patterns (several metrics telling one story): a bonus on their severity, or a
# share of it. Which advice a metric leads to is declared by the metric (Metric.advice).
COMPOSITE_BONUS = {"overstriding": 1.0, "waist_bend": 1.0}  # when more than one metric
SEVERITY_SHARE = {"long_contact": 0.8}  # contact time and duty factor tell one story, softly
REACH = "overstriding"  # the foot (or shin) reaching out ahead at landing


def advice_key(mid: str, below: bool) -> str | None:
    """The advice (:data:`core.coaching.ADVICE` key) for metric ``mid`` outside its good
    band, below it (``below``) or above it, as the metric declares (:attr:`Metric.advice`)."""
    adv = REGISTRY_BY_ID[mid].advice
    return adv.get("any") or adv.get("low" if below else "high")


def _candidates(by: dict[str, MetricResult]) -> list[tuple[float, str, list[str]]]:
    """(severity, advice key, metric ids) for every problem seen: each metric rated watch or
    fix goes to the advice it declares; metrics sharing an advice make one candidate.
    Overstriding: the foot or shin reaching out (+ a low cadence, + a heel strike)."""
    def bad(mid: str) -> bool:
        return mid in by and by[mid].status in SEV

    def sev(*mids: str) -> float:
        return sum(SEV.get(by[m].status, 0) * BY_ID[m].weight * CONF_W[by[m].confidence]
                   * (NEAR_W if near_line_of(by[m]) else 1.0) for m in mids if m in by)

    def below(mid: str) -> bool:  # judged as shown, like the status (against the runner's
        lo = by[mid].extra.get("band_good_lo", BY_ID[mid].good_lo)  # own band if it has one)
        return lo is not None and BY_ID[mid].shown(by[mid].value) < lo

    groups: dict[str, list[str]] = {}
    for m in REGISTRY:
        if bad(m.id) and advice_key(m.id, below(m.id)):
            groups.setdefault(advice_key(m.id, below(m.id)), []).append(m.id)
    # a heel strike is a problem only with a reaching foot, and a low cadence then joins it
    strike = [m for m in groups.get(REACH, []) if BY_ID[m].kind == "custom"]
    reach = [m for m in groups.pop(REACH, []) if m not in strike]
    low_cad = groups.get(advice_key("cadence", True), [])
    c: list[tuple[float, str, list[str]]] = []
    if reach:
        groups.pop(advice_key("cadence", True), None)
        groups = {REACH: reach + low_cad + strike, **groups}
    for key, mids in groups.items():
        bonus = COMPOSITE_BONUS.get(key, 0.0) if len(mids) > 1 else 0.0
        c.append((sev(*mids) * SEVERITY_SHARE.get(key, 1.0) + bonus, key, mids))
    return c


_UNIT_TEXT = {"deg": "\u00b0", "% leg": " % of leg", "ms": " ms", "steps/min": " steps/min",
              "%": " %", "dB": " dB"}
_MILDER_TEXT = {"good": "fine", "watch": "only worth a look"}


def near_line_note(m: MetricResult | dict, named: bool = False) -> str | None:
    """The sentence that says a verdict sits near its line (None when it does not): the value
    as shown, the line, the metric's reading error and what the other side of the line is.
    The report's metric card and the fix's "what we saw" both use it; ``named`` starts with
    the metric's label (a fix that lists several metrics)."""
    def get(k):
        return m.get(k) if isinstance(m, dict) else getattr(m, k, None)

    near, spec = near_line_of(m), BY_ID.get(get("id") or "")
    if near is None or spec is None or get("value") is None:
        return None
    edge, err, milder = near
    u = _UNIT_TEXT.get(spec.unit, f" {spec.unit}")
    value = spec.shown(get("value"))
    side = "under" if value < edge else "over"
    fix_edge = spec.fix_below if value < edge else spec.fix_above

    def fix_line(at: float) -> str:  # the fix band is open at its line ("< 30", "> 120")
        return f"\"work on it\" is {side} {spec.fmt(at)}{u}"

    maybe = _MILDER_TEXT.get(milder, milder)
    if milder == "good":
        line = f"the good range {'starts' if value < edge else 'ends'} at {spec.fmt(edge)}{u}"
        if (get("status") or spec.status(get("value"))) == "fix" and fix_edge is not None:
            # a "work on it" whose reading error reaches past the whole "worth a look" band:
            # its own line first, so the sentence does not read "work on this ... may be fine"
            line = f"{fix_line(fix_edge)} ({line})"
            maybe = f"{_MILDER_TEXT['watch']}, or even {_MILDER_TEXT['good']}"
    else:
        line = fix_line(edge)
    label = get('label') or spec.label
    head = f"{label} is near the line" if named else "Near the line"
    # in a fix of several measures, "so this may be fine" read as if the whole fix were in
    # doubt beside a clear one (browser review, s19): the doubt is this measure's alone
    this = f"the {label[0].lower()}{label[1:]} on its own" if named else "this"
    return (f"{head}: {spec.fmt(value)}{u}, and {line}. This measure reads within "
            f"{error_text(err, spec.unit)} of the truth on 4 in 5 of our test videos, so {this} "
            f"may be {maybe}.")


def metric_fps(report: dict, m: dict) -> float:
    """The frame rate the stored report's measure ``m`` was read at (its reading error depends
    on it): its own clip's in a session, else the clip's; 30 when the report gives none."""
    clips = (report.get("session") or {}).get("clips") or []
    clip = next((c for c in clips if isinstance(c, dict)
                 and c.get("key") == m.get("source_clip")), None)
    fps = (clip or {}).get("fps") or (report.get("source") or {}).get("fps_measured")
    return float(fps) if isinstance(fps, (int, float)) and fps > 0 else 30.0


def harsher_line_of(m: MetricResult | dict, fps: float) -> tuple[float, float, str] | None:
    """``(edge, error, side)`` when ``m`` reads "worth a look" within its reading error at
    ``fps`` of the "work on it" line (:meth:`core.spec.MetricSpec.harsher_line`; ``side``:
    "under" or "over" the good range); None otherwise or for a malformed stored value."""
    def get(k):
        return m.get(k) if isinstance(m, dict) else getattr(m, k, None)

    spec, value = BY_ID.get(get("id") or ""), get("value")
    if (spec is None or get("status") != "watch" or not isinstance(value, (int, float))
            or not math.isfinite(value)):
        return None
    err = reading_error_of(m, fps)
    edge = spec.harsher_line(value, err)
    if edge is None:
        return None
    return edge, float(err), "under" if spec.good_lo is not None and edge < spec.good_lo else "over"


def harsher_line_note(m: MetricResult | dict, fps: float, named: bool = False) -> str | None:
    """The sentence for a "worth a look" reading within its reading error of the "work on it"
    line (:func:`harsher_line_of`; None otherwise): the other side of :func:`near_line_note`,
    which only looks toward a milder verdict. A trunk lean of 0° beside "work on it: < 0"
    read "worth a look" with no word that it could as well be a lean backwards (browser
    review, 2 Dec). The verdict and its ranking are not changed: the reading is the best
    estimate; the card says how close the line is, so a runner is not lulled by the milder
    word. ``named``: starts with the measure's label (a fix card that lists several
    measures), as :func:`near_line_note`."""
    def get(k):
        return m.get(k) if isinstance(m, dict) else getattr(m, k, None)

    near = harsher_line_of(m, fps)
    if near is None:
        return None
    edge, err, side = near
    spec = BY_ID[get("id")]
    u = _UNIT_TEXT.get(spec.unit, f" {spec.unit}")
    head = f"{get('label') or spec.label} is near the line" if named else "Near the line"
    return (f"{head}: {spec.fmt(get('value'))}{u}, and \"work on it\" is {side} "
            f"{spec.fmt(edge)}{u}. This measure reads within {error_text(err, spec.unit)} of "
            f"the truth on 4 in 5 of our test videos, so it may be one to work on.")


def line_note(m: MetricResult | dict, fps: float, named: bool = False) -> str | None:
    """The near-the-line sentence a card shows for ``m`` (None when it is not near a line):
    for a "worth a look" within its reading error of both its lines, one sentence naming
    both; else :func:`near_line_note` or :func:`harsher_line_note`. A knee bend of 51 deg
    (good to 50, "work on it" over 58) read "so it may be one to work on" at the top of its
    fix card and "so this may be fine" under it, each "the line" a different one (review,
    3 Dec)."""
    def get(k):
        return m.get(k) if isinstance(m, dict) else getattr(m, k, None)

    near, harsh = near_line_of(m), harsher_line_of(m, fps)
    spec = BY_ID.get(get("id") or "")
    if near is None or harsh is None or near[2] != "good" or spec is None:
        return near_line_note(m, named) or harsher_line_note(m, fps, named)
    u = _UNIT_TEXT.get(spec.unit, f" {spec.unit}")
    value = spec.shown(get("value"))
    label = get("label") or spec.label
    head = f"{label} is between two lines" if named else "Between two lines"
    this = f"the {label[0].lower()}{label[1:]} on its own" if named else "this"
    good = f"the good range {'starts' if value < near[0] else 'ends'} at {spec.fmt(near[0])}{u}"
    return (f"{head}: {spec.fmt(value)}{u}, where {good} and \"work on it\" is {harsh[2]} "
            f"{spec.fmt(harsh[0])}{u}. This measure reads within {error_text(harsh[1], spec.unit)}"
            f" of the truth on 4 in 5 of our test videos, so {this} may be fine, or one to "
            f"work on.")


def accuracy_note(ms, fps: float, subject: str | None = None) -> str | None:
    """How close the measures ``ms`` (:class:`MetricResult` or report dicts) read to the truth
    at ``fps``, for those with a reading error (:attr:`Metric.reading_error`) and no
    near-the-line note (which says it already): ``"Overstride reads within 3.5 % of leg of
    the truth on 4 in 5 of our test videos."``; None when none has one. ``subject`` names
    the first measure instead of its label ("This measure", on its own card). A top fix's
    overstride (its most important number) gave no accuracy figure while measures near
    their line did (review, 2 Dec)."""
    def get(m, k):
        return m.get(k) if isinstance(m, dict) else getattr(m, k, None)

    parts = []
    for m in ms:
        reg, spec = REGISTRY_BY_ID.get(get(m, "id") or ""), BY_ID.get(get(m, "id") or "")
        if reg is None or spec is None or get(m, "value") is None or near_line_of(m):
            continue
        err = reading_error_of(m, fps)
        if err is not None:
            label = (subject if subject and not parts else None) or get(m, "label") or spec.label
            parts.append(f"{label if not parts else label[0].lower() + label[1:]} within "
                         f"{error_text(err, spec.unit)}")
    if not parts:
        return None
    parts[0] = parts[0].replace(" within ", " reads within ", 1)
    joined = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    return f"{joined} of the truth on 4 in 5 of our test videos."


def reading_error_of(m: MetricResult | dict, fps: float) -> float | None:
    """How far off ``m``'s reading can be at ``fps``: its metric's bench figure
    (:meth:`Metric.error_at`), else one the metric worked out for this reading
    (``extra["reading_error"]``: the vertical ratio, from its bounce's); None: unknown."""
    mid = m.get("id") if isinstance(m, dict) else getattr(m, "id", None)
    extra = (m.get("extra") if isinstance(m, dict) else getattr(m, "extra", None)) or {}
    reg = REGISTRY_BY_ID.get(mid or "")
    err = reg.error_at(fps or 30.0) if reg is not None else None
    if err is None and isinstance(extra.get("reading_error"), (int, float)):
        err = float(extra["reading_error"])
    return err


def unbenched_note(ms, fps: float) -> str | None:
    """The judged measures of ``ms`` with no reading error (:func:`reading_error_of`), said so
    rather than left silent (a fix on head position gave no figure and no word of why:
    review, 2 Dec): ``"Head position has no accuracy figure yet: we have not checked it
    against videos with known answers."``; None when every one has a figure."""
    def get(m, k):
        return m.get(k) if isinstance(m, dict) else getattr(m, k, None)

    def label(m) -> str:
        spec = BY_ID.get(get(m, "id") or "")
        return get(m, "label") or (spec.label if spec else "This measure")

    labels = [label(m) for m in ms
              if get(m, "status") in ("good", "watch", "fix") and get(m, "value") is not None
              and reading_error_of(m, fps) is None]
    if not labels:
        return None
    names = labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " and " + labels[-1]
    names = names[0].upper() + names[1:]
    return (f"{names} {'has' if len(labels) == 1 else 'have'} no accuracy figure yet: we have "
            f"not checked {'it' if len(labels) == 1 else 'them'} against videos with known "
            "answers.")


def near_line_of(m: MetricResult | dict) -> tuple[float, float, str] | None:
    """``(edge, error, milder)`` of a result's near-the-line mark; None when it has none or
    the stored mark is malformed (nothing is said then)."""
    near = m.get("near_line") if isinstance(m, dict) else getattr(m, "near_line", None)
    if not isinstance(near, dict):
        return None
    try:
        edge, err, milder = float(near["edge"]), float(near["error"]), str(near["milder"])
    except (KeyError, TypeError, ValueError):
        return None
    if not (math.isfinite(edge) and math.isfinite(err)) or milder not in _MILDER_TEXT:
        return None
    return edge, err, milder


def error_text(err: float, unit: str) -> str:
    """A reading error with its unit as the report words it: ``"3.5 % of leg"``, ``"8°"``."""
    return f"{err:.1f}".rstrip("0").rstrip(".") + _UNIT_TEXT.get(unit, f" {unit}")


def _seen(ms: list[MetricResult]) -> str:
    parts = []
    for m in ms:
        s = f"{m.label}: {m.display} (good: {m.band_good})"
        spec = BY_ID[m.id]
        sides = side_difference(spec, m.left, m.right)
        if sides is not None and sides.status != "good":
            u = {"deg": "\u00b0", "% leg": " %", "ms": " ms"}.get(spec.unit, "")
            s += (f", left {spec.fmt(m.left)}{u} vs right {spec.fmt(m.right)}{u} "
                  f"({sides.text})")
        parts.append(s)
    notes = [n for n in (near_line_note(m, named=len(ms) > 1) for m in ms) if n]
    return "; ".join(parts) + "." + "".join(" " + n for n in notes)


def evidence_metric(fx, status_of: dict[str, str], available) -> str | None:
    """The measure whose still a fix card shows: of ``fx.metrics`` with a still
    (``available``), the one with the worst status (``status_of``: metric id -> status),
    the first on a tie; None when none has a still. A "work on this" card made a fix by its
    midstance knee (67 deg) showed the landing knee's still marked [watch] (live review)."""
    rank = {"fix": 0, "watch": 1}
    shown = [mid for mid in fx.metrics if mid in available]
    if not shown:
        return None
    return min(shown, key=lambda mid: (rank.get(status_of.get(mid, ""), 2), fx.metrics.index(mid)))


def tentative(ms) -> bool:
    """Whether a problem made of the measures ``ms`` (:class:`MetricResult` or report dicts)
    is only tentative: every one read with low confidence and near a milder verdict's line
    (see module docstring). Such a problem is not a top fix."""
    ms = list(ms)
    conf = (lambda m: m.get("confidence") if isinstance(m, dict) else m.confidence)
    return bool(ms) and all(conf(m) == "low" and near_line_of(m) for m in ms)


def fix_near_line(fx: dict, metrics: dict[str, dict]) -> bool:
    """Whether a fix (a report dict) is unclear (:func:`unclear`) although it shows medium or
    high confidence: its firm-looking measures sit near a milder verdict's line. Its card
    says "Near the line" beside its confidence (a fix "work on this · high confidence" whose
    ratio and bounce both read "near the line": review, 2 Dec), and the plan checks it
    first. ``metrics``: the report's metrics by id."""
    ms = [metrics[m] for m in fx.get("metrics") or [] if m in metrics]
    return bool(ms) and fx.get("confidence") != "low" and unclear(ms)


def fix_could_be(fx: dict, metrics: dict[str, dict]) -> str:
    """What a fix near the line (:func:`fix_near_line`) may be instead, from the milder
    verdicts its rated measures sit near: "only worth a look", "fine", or both. The plan
    said "(it may be only worth a look, or fine)" of a knee bend of 63 deg whose good range
    ends 13 deg below it, its card "may be only worth a look" (review, 3 Dec)."""
    ms = [metrics[m] for m in fx.get("metrics") or [] if m in metrics]
    milder = {near[2] for m in _rated(ms) if (near := near_line_of(m)) is not None}
    words = [w for k, w in (("watch", "only worth a look"), ("good", "fine")) if k in milder]
    return ", or ".join(words) or "only worth a look, or fine"


def unclear(ms) -> bool:
    """Whether a problem made of the measures ``ms`` (:class:`MetricResult` or report dicts)
    is less clear than one read firmly: none of the measures rated as the problem is (its
    worst verdict) was read firmly, i.e. with at least medium confidence and not near a
    milder verdict's line. Such a problem ranks after every clear one, whatever its verdict,
    as the report says above its fixes ("a 'work on this' read with low confidence, or near
    its line, comes after a clearer 'worth a look'"): a low-confidence overstride led the
    fixes above a high-confidence lean before (review, 2 Dec). A composite is as clear as its
    firmest part: an overstride read with low confidence at 30 fps beside a cadence of 158,
    firmly "work on this", is a clear "land closer under your hips"."""
    ms = list(ms)

    def get(m, k):
        return m.get(k) if isinstance(m, dict) else getattr(m, k, None)

    rated = _rated(ms)
    return bool(ms) and not any(get(m, "confidence") != "low" and near_line_of(m) is None
                                for m in rated)


def unclear_why(ms) -> str:
    """Why a problem of the measures ``ms`` is :func:`unclear`, in words for "its 'work on
    this' ...": low confidence, near its line, or both (the area card said "low confidence or
    near its line" whichever it was: UX review, 4 Dec)."""
    def get(m, k):
        return m.get(k) if isinstance(m, dict) else getattr(m, k, None)

    rated = _rated(list(ms))
    low = bool(rated) and all(get(m, "confidence") == "low" for m in rated)
    near = bool(rated) and all(near_line_of(m) is not None for m in rated)
    if low and near:
        return "was read with low confidence and near its line"
    if low:
        return "was read with low confidence"
    if near:
        return "is near its line"
    return HELD_WHY


def _rated(ms: list) -> list:
    """The measures of ``ms`` rated as their problem is: at its worst verdict."""
    def status(m):
        return m.get("status") if isinstance(m, dict) else getattr(m, "status", None)

    worst = "fix" if any(status(m) == "fix" for m in ms) else "watch"
    return [m for m in ms if status(m) == worst]


def _choose(ranked: list[tuple[float, str, list[str]]], by: dict[str, MetricResult],
            areas: list[AreaScore], max_fixes: int) -> tuple[list, list]:
    """(top, more): the top fixes cover every area rated ``fix`` (see module docstring); a
    tentative problem is never a top fix."""
    def area_of(cand) -> str:
        return by[cand[2][0]].area

    firm = [i for i, cand in enumerate(ranked) if not tentative(by[m] for m in cand[2])]
    chosen: list[int] = []
    for a in sorted((a for a in areas if a.status == "fix"), key=lambda a: a.score):
        if len(chosen) >= max_fixes or any(area_of(ranked[i]) == a.area for i in chosen):
            continue
        i = next((i for i in firm if area_of(ranked[i]) == a.area), None)
        if i is not None:
            chosen.append(i)
    for i in firm:
        if len(chosen) >= max_fixes:
            break
        if i not in chosen:
            chosen.append(i)
    top = [ranked[i] for i in sorted(chosen)]
    more = [cand for i, cand in enumerate(ranked) if i not in chosen]
    return top, more


LOW_CONFIDENCE_WHY = ("Measured with low confidence, so treat it as a visible pattern worth "
                      "checking, not a verdict. ")
# what reports stored before 3 Dec begin the same sentence with ("from this clip" read wrong
# over a session of two clips: review): the page says either once (ui.report_view)
LOW_CONFIDENCE_WHY_BEFORE = ("Measured with low confidence from this clip, so treat it as a "
                             "visible pattern worth checking, not a verdict. ")


def _fix(rank: int, key: str, mids: list[str], by: dict[str, MetricResult]) -> Fix:
    adv = ADVICE[key]
    ms = [by[m] for m in mids]
    lead = ms[0]
    severity = "fix" if any(m.status == "fix" for m in ms) else "watch"
    # the confidence its verdict rests on: its firmest measure rated as the fix is (a low
    # cadence read with high confidence under an overstride read with low at 30 fps)
    conf = max((m.confidence for m in _rated(ms)), key=lambda c: CONF_W[c])
    why = adv.why
    if conf == "low":
        why = LOW_CONFIDENCE_WHY + why
    return Fix(rank=rank, id=key, title=adv.title, area=lead.area, metrics=mids,
               severity=severity, confidence=conf, seen=_seen(ms), why=why,
               cue=adv.cue, drill=adv.drill(by["cadence"].value if "cadence" in by else None,
                                             "cadence" in by and by["cadence"].status == "good"),
               evidence_frame=(lead.evidence_frames or [None])[0])


def overall_scope(areas: list[dict]) -> str | None:
    """``"From shoulders and hips only: feet not measured."`` when an area has no score, so
    an overall score made of fewer areas never reads as the whole picture."""
    scored = [a.get("label") or AREA_LABELS.get(a.get("area") or "", "") for a in areas
              if a.get("score") is not None]
    missing = [a.get("label") or AREA_LABELS.get(a.get("area") or "", "") for a in areas
               if a.get("score") is None]
    if not missing or not scored:
        return None
    names = " and ".join(n.lower() for n in scored)
    return f"From {names} only: {' and '.join(n.lower() for n in missing)} not measured."


def build_findings(metrics: list[MetricResult], max_fixes: int = 3) -> Findings:
    by = {m.id: m for m in metrics}
    areas = area_scores(metrics)
    scored = [a.score for a in areas if a.score is not None]
    overall = int(round(sum(scored) / len(scored))) if scored else None
    # the clear problems first, then by weighted severity (composites carry their bonus)
    ranked = sorted(_candidates(by), key=lambda x: (unclear([by[m] for m in x[2]]), -x[0]))
    top, more = _choose(ranked, by, areas, max_fixes)
    fixes = [_fix(rank, key, mids, by) for rank, (_, key, mids) in enumerate(top, 1)]
    more_fixes = [_fix(rank, key, mids, by)
                  for rank, (_, key, mids) in enumerate(more, len(fixes) + 1)]
    strengths = [STRENGTHS[m.id] for m in metrics
                 if m.status == "good" and m.id in STRENGTHS and m.confidence != "low"][:4]
    judged = [m.status for m in metrics if m.status in POINTS]
    # an area's word is never milder than its own top fixes; the overall is never "good"
    # above a top fix (its score is the areas' average, so it is not raised past that)
    level = {fx.rank: ("watch" if unclear(by[m] for m in fx.metrics) else fx.severity)
             for fx in fixes}
    areas = [dataclasses.replace(a, status=raised_status(
        a.status, [level[fx.rank] for fx in fixes if fx.area == a.area])) for a in areas]
    status = capped_status(overall, judged)
    if status == "good" and fixes:
        status = "watch"
    return Findings(overall_score=overall, overall_status=status, areas=areas,
                    fixes=fixes, strengths=strengths, more_fixes=more_fixes)
