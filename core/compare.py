"""Compare two reports of the same runner (before / after): metric by metric, area by area.

Contract:
    compare(before, after) -> dict (JSON-serialisable)
        ``metrics``: one row per metric in contract order (see :class:`Row`), then one row per
        left/right difference (``id`` ``"<metric>:sides"``); ``areas``: one row per area
        score plus ``overall``; ``views``: the two views and ``same_view``; ``notes``.
    table_text(result) -> str: the same table as plain text (the CLI prints it).
    since_last(before, after) -> dict | None: the earlier report's top fixes now, for the top
        of a new report ("Since your last report"; None when not comparable as progress).

The plain word of each row (``better`` / ``worse`` / ``same``) is judged **against the good
band and the metric's own spread**:

* the change is the difference of the two values as shown (each rounded by
  :meth:`core.spec.MetricSpec.shown`, the one rounding); a change within the noise is
  ``same``, and a change larger than the noise never is;
* a change larger than the noise is ``better`` / ``worse`` when the distance outside the good
  band (0 inside; values as shown) shrank / grew by more than the noise too, or when it moved
  into (out of) the good band and the reports' verdicts say so ("worth a look" to "good"),
  though its old (new) value was within the noise of the band's edge; else ``changed``
  (both in the good range, or as far outside it as before: 8 deg under a 10-25 deg band
  to 26 deg over it); a value that went past the whole band to its other side is never
  ``better`` (54 deg over a 10-25 band to 8 under: ``changed``, the opposite problem);
* noise = the larger of a per-unit floor (about what the pose model and one frame of timing
  move a value by) and twice the standard error of the difference, from each report's
  spread (interquartile range over strides, sd ~ IQR / 1.349) and its number of strides n;
* for metrics without numeric bands (foot strike, arm swing) the status is compared; metrics
  shown for information only get no word.

Left/right differences: lower is better, judged against the "worth a look" limit of
:func:`core.spec.side_difference`. Area scores (0-100): a change of more than
:data:`SCORE_NOISE` points counts.
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

from .quality import filming
from .spec import (AREA_LABELS, ASYMMETRY_WATCH_DIFF, ASYMMETRY_WATCH_PCT, BY_ID, METRICS,
                   MetricSpec)

BETTER, WORSE, SAME, CHANGED = "better", "worse", "same", "changed"
# smallest change that is more than measuring noise, per unit (one frame of timing at 60 fps
# is ~17 ms; the pose model's points wobble by a degree or a per cent of leg length)
NOISE_FLOOR = {"steps/min": 2.0, "deg": 2.0, "% leg": 2.0, "ms": 15.0, "%": 3.0, "cm": 2.0}
SCORE_NOISE = 5  # area / overall score points
_STATUS_RANK = {"good": 0, "watch": 1, "fix": 2}
_STATUS_WORDS = {"good": "good", "watch": "worth a look", "fix": "work on it"}  # as the report
# the metrics charted on History (trends) and leading the table
TREND_METRICS = ("cadence", "overstride", "trunk_lean", "contact_time")


@dataclass
class Row:
    id: str
    label: str
    area: str
    unit: str
    before: float | None
    after: float | None
    before_text: str
    after_text: str
    delta: float | None  # after - before (as shown)
    noise: float | None  # the change that still counts as noise
    before_status: str
    after_status: str
    word: str  # better | worse | same | changed | "" (not judged / not in both)
    note: str  # why: "into the good range", "within noise (+-3)", ...
    band: str


def _num(v: Any) -> float | None:
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return None
    return float(v) if math.isfinite(v) else None


def band_distance(spec: MetricSpec, value: float | None) -> float | None:
    """How far ``value`` (as shown) lies outside the good band (0 inside it)."""
    if value is None:
        return None
    v = spec.shown(value)
    if spec.good_lo is not None and v < spec.good_lo:
        return spec.good_lo - v
    if spec.good_hi is not None and v > spec.good_hi:
        return v - spec.good_hi
    return 0.0


def _where(spec: MetricSpec, value: float) -> str:
    """Where ``value`` (as shown) lies against the good band: "in", "2 deg under",
    "1 deg over" (the good range)."""
    v, d = spec.shown(value), band_distance(spec, value)
    if not d:
        return "in"
    side = "under" if spec.good_lo is not None and v < spec.good_lo else "over"
    return f"{d:.{max(spec.digits, 0)}f} {spec.unit} {side}".replace("  ", " ")


def _moved(spec: MetricSpec, va: float, vb: float, da: float, db: float) -> str:
    """"from 2 deg over the good range to inside it", "from 2 deg under the good range to 1 deg
    over it": where a value that changed sides of (or moved into) the good band was and is."""
    a = "inside the good range" if da == 0 else f"{_where(spec, va)} the good range"
    b = "inside it" if db == 0 else f"{_where(spec, vb)} it"
    return f"from {a} to {b}"


def noise(spec_unit: str, a: dict | None, b: dict | None) -> float:
    """The change of a metric that is still measuring noise (see the module docstring)."""
    floor = NOISE_FLOOR.get(spec_unit, 2.0)
    var = 0.0
    for m in (a, b):
        spread, n = _num((m or {}).get("spread")), (m or {}).get("n") or 0
        if spread is not None and isinstance(n, int) and n >= 2:
            var += (spread / 1.349) ** 2 / n
    return max(floor, 2.0 * math.sqrt(var))


# metrics whose value is the difference between the feet: "2 dB apart", not "2 dB" (the
# landing sound's "0 dB" read as silence in the compare table: browser review s20)
APART = frozenset({"landing_sound"})


def _fmt(spec: MetricSpec, m: dict | None) -> str:
    if m is None:
        return "-"
    v = _num(m.get("value"))
    if spec.kind == "custom" or v is None:
        return str(m.get("display") or "-")
    if spec.id in APART and m.get("display"):
        # the report's own words: "even (0 dB apart)", "3 dB apart (left louder)"; "0 dB
        # apart" alone said nothing to a runner (review, 3 Dec)
        return str(m["display"])
    return f"{spec.fmt(v)} {spec.unit}{' apart' if spec.id in APART else ''}".strip()


def _metric_row(spec: MetricSpec, a: dict | None, b: dict | None) -> Row:
    va, vb = _num((a or {}).get("value")), _num((b or {}).get("value"))
    sa = (a or {}).get("status") or "-"
    sb = (b or {}).get("status") or "-"
    # the change between the values as shown (27 -> 36 is +9, whatever the raw values were)
    delta = (spec.shown(spec.shown(vb) - spec.shown(va)) if spec.kind != "custom" else None
             ) if None not in (va, vb) else None
    row = Row(spec.id, spec.label, spec.area, spec.unit, va, vb, _fmt(spec, a), _fmt(spec, b),
              delta, None, sa, sb, "", "", spec.good)
    if a is None or b is None:
        row.note = "measured after only" if a is None else "measured before only"
        if a is None and b is None:
            row.note = "not measured"
        return row
    if spec.kind == "info":
        row.note = "shown for information"
        return row
    if spec.kind == "custom" or va is None or vb is None:
        ra, rb = _STATUS_RANK.get(sa), _STATUS_RANK.get(sb)
        if ra is None or rb is None:
            row.note = "not judged"
        elif rb < ra:
            row.word, row.note = BETTER, f"{_STATUS_WORDS[sa]} to {_STATUS_WORDS[sb]}"
        elif rb > ra:
            row.word, row.note = WORSE, f"{_STATUS_WORDS[sa]} to {_STATUS_WORDS[sb]}"
        else:
            row.word, row.note = SAME, f"still {_STATUS_WORDS[sb]}"
        return row
    nz = noise(spec.unit, a, b)
    row.noise = round(nz, 2)
    da, db = band_distance(spec, va), band_distance(spec, vb)
    gain = da - db  # > 0: closer to (or into) the good band
    nz_text = f"{nz:.{max(spec.digits, 0)}f} {spec.unit}".strip()
    noise_text = f"noise (+/-{nz_text})"
    if abs(delta) <= nz:  # the change itself is noise (and so is any move against the band)
        row.word = SAME
        row.note = ("both in the good range, " if da == 0 and db == 0 else
                    "at the edge of the good range, " if 0 in (da, db) else "") + "within " + noise_text
    elif abs(gain) <= nz and db == 0 and _STATUS_RANK.get(sb, 9) < _STATUS_RANK.get(sa, -1):
        # into the good range from within the noise of its edge, the reports' verdicts from
        # "worth a look" to "good": "better", as the runner reads the two verdicts ("changed"
        # beside 8 deg "worth a look" -> -22 deg "good": review, 3 Dec)
        row.word = BETTER
        row.note = (_moved(spec, va, vb, da, db) + f"; before, it was within the noise "
                    f"(+/-{nz_text}) of the range")
    elif abs(gain) <= nz and da == 0 and _STATUS_RANK.get(sb, -1) > _STATUS_RANK.get(sa, 9):
        row.word = WORSE  # out of the good range, to within the noise of its edge
        row.note = (_moved(spec, va, vb, da, db) + f"; it is within the noise (+/-{nz_text}) "
                    "of the range")
    elif abs(gain) <= nz:  # a real change that brought it no closer to the band, nor further
        row.word = CHANGED
        row.note = ("both in the good range" if da == 0 and db == 0 else
                    # into (out of) the range from within the noise of its edge: said plainly,
                    # no brackets in brackets (browser review, s20)
                    _moved(spec, va, vb, da, db) + f"; before, it was within the noise "
                    f"(+/-{nz_text}) of the range" if db == 0 else
                    _moved(spec, va, vb, da, db) + f"; it is within the noise (+/-{nz_text}) "
                    "of the range" if da == 0 else
                    _moved(spec, va, vb, da, db) + (
                        f" (closer, but by no more than the noise, +/-{nz_text})" if gain > 0
                        else f" (further, but by no more than the noise, +/-{nz_text})"
                        if gain < 0 else ""))
    elif da > 0 and db > 0 and _where(spec, va).split()[-1] != _where(spec, vb).split()[-1]:
        # past the whole good range to its other side (54 deg over a 10-25 band to 8 under):
        # closer or not, the old problem became the opposite one, which is not "better"
        row.word = CHANGED if gain > 0 else WORSE
        row.note = _moved(spec, va, vb, da, db) + ": past the good range to its other side"
    elif gain > 0:
        row.word = BETTER
        row.note = "into the good range" if db == 0 else "closer to the good range"
    else:
        row.word = WORSE
        row.note = "out of the good range" if da == 0 else "further from the good range"
    low = [w for w, m in (("before", a), ("after", b)) if m.get("confidence") == "low"]
    if row.word != SAME and low:  # a change read from a low-confidence value is said so
        row.note += ("; both values are low confidence" if len(low) == 2 else
                     f"; the {low[0]} value is low confidence")
    return row


def _sides_row(spec: MetricSpec, a: dict | None, b: dict | None) -> Row | None:
    sa, sb = (a or {}).get("side_diff"), (b or {}).get("side_diff")
    if not isinstance(sa, dict) and not isinstance(sb, dict):
        return None
    va = _num(sa.get("value")) if isinstance(sa, dict) else None
    vb = _num(sb.get("value")) if isinstance(sb, dict) else None
    unit = (sb or sa or {}).get("unit") or spec.unit
    watch = ASYMMETRY_WATCH_PCT if unit == "%" else ASYMMETRY_WATCH_DIFF.get(unit, 6.0)
    row = Row(f"{spec.id}:sides", f"{spec.label}, left vs right", spec.area, unit, va, vb,
              "-" if va is None else f"{va:g} {unit} apart",
              "-" if vb is None else f"{vb:g} {unit} apart",
              None if None in (va, vb) else round(vb - va, 1), None,
              (sa or {}).get("status", "-") if isinstance(sa, dict) else "-",
              (sb or {}).get("status", "-") if isinstance(sb, dict) else "-",
              "", "", f"<= {watch:g} {unit}")
    if va is None or vb is None:
        row.note = "compared on one side only"
        return row
    nz = NOISE_FLOOR.get(unit, 2.0)
    row.noise = nz
    da, db = max(0.0, va - watch), max(0.0, vb - watch)
    if abs(vb - va) <= nz:
        row.word = SAME
        row.note = ("even enough both times, " if da == 0 and db == 0 else "") + \
            f"within noise (+/-{nz:g} {unit})"
    elif da == 0 and db == 0:
        row.word, row.note = CHANGED, "even enough both times"
    elif abs(da - db) <= nz:
        row.word, row.note = CHANGED, f"a change larger than the noise (+/-{nz:g} {unit}), " \
            "no more or less even against the limit"
    elif db < da:
        row.word, row.note = BETTER, "more even"
    else:
        row.word, row.note = WORSE, "less even"
    return row


def _area_rows(before: dict, after: dict) -> list[dict]:
    fa, fb = before.get("findings") or {}, after.get("findings") or {}
    by_a = {x.get("area"): x for x in fa.get("areas") or []}
    by_b = {x.get("area"): x for x in fb.get("areas") or []}
    rows = []
    items = [(k, AREA_LABELS[k], (by_a.get(k) or {}).get("score"), (by_b.get(k) or {}).get("score"))
             for k in AREA_LABELS]
    items.append(("overall", "Overall", fa.get("overall_score"), fb.get("overall_score")))
    for key, label, sa, sb in items:
        sa, sb = _num(sa), _num(sb)
        if sa is None or sb is None:
            word, note, delta = "", "not scored in both", None
        else:
            delta = sb - sa
            word = BETTER if delta > SCORE_NOISE else WORSE if delta < -SCORE_NOISE else SAME
            note = "" if word != SAME else f"within {SCORE_NOISE} points"
        rows.append({"id": key, "label": label, "before": sa, "after": sb, "delta": delta,
                     "word": word, "note": note})
    return rows


def _views(report: dict) -> str | None:
    """The report's camera view; a session report's views joined ("side + back")."""
    clips = (report.get("session") or {}).get("clips") or []
    if clips:
        return " + ".join(dict.fromkeys(str(c.get("view")) for c in clips))
    return (report.get("view") or {}).get("view")


def _footage(report: dict) -> set[tuple]:
    """A signature per clip of the report (file name, length, frame rate): a session's clips,
    else its one clip."""
    clips = (report.get("session") or {}).get("clips") or []
    if clips:
        return {(str(c.get("filename")), round(float(c.get("duration_s") or 0), 2),
                 round(float(c.get("fps") or 0), 1)) for c in clips}
    src = report.get("source") or {}
    return {(str(src.get("filename")), round(float(src.get("duration_s") or 0), 2),
             round(float(src.get("fps_measured") or 0), 1))}


def share_footage(before: dict, after: dict) -> bool:
    """The two reports share a clip (file name, length, frame rate): e.g. a side clip's
    report against the session that added a back clip to it."""
    return any(f[1] > 0 for f in _footage(before) & _footage(after))


def compare(before: dict, after: dict) -> dict:
    """Compare two report dicts (see the module docstring). Refused reports have no metrics:
    their rows say "not measured"."""
    ma = {m.get("id"): m for m in before.get("metrics") or [] if isinstance(m, dict)}
    mb = {m.get("id"): m for m in after.get("metrics") or [] if isinstance(m, dict)}
    rows: list[Row] = []
    sides: list[Row] = []
    for spec in METRICS:
        a, b = ma.get(spec.id), mb.get(spec.id)
        if a is None and b is None:
            continue
        rows.append(_metric_row(spec, a, b))
        if spec.bilateral and (s := _sides_row(spec, a, b)) is not None:
            sides.append(s)
    va, vb = _views(before), _views(after)
    notes = []
    if va != vb:
        notes.append(f"The two clips were filmed from different views ({va} / {vb}): only "
                     "the metrics measured in both are compared.")
    fa, fb = filming(before), filming(after)
    differ = [f"{what} {fa[k]} before, {fb[k]} after" for k, what in
              (("camera", "camera"), ("angle", "camera angle"), ("timing", "frame rate"))
              if fa[k] != fb[k]]
    if differ and before.get("status") != "refused" and after.get("status") != "refused":
        notes.append("The two clips were filmed differently (" + "; ".join(differ) + "): part "
                     "of a change can come from the filming, so read small changes with care.")
    if (build := build_note(before, after)) is not None:
        notes.append(build)
    if share_footage(before, after):
        notes.insert(0, "These two reports share footage (the same clip in both): a "
                     "difference between them comes from how it was measured (another clip "
                     "added, other options), not from a change in your running.")
    for r, label in ((before, "before"), (after, "after")):
        if r.get("status") == "refused":
            notes.append(f"The {label} clip was not scored (its report says why).")
    return {
        "before": {"created": before.get("created"), "filename": (before.get("source") or {}).get("filename")},
        "after": {"created": after.get("created"), "filename": (after.get("source") or {}).get("filename")},
        "views": {"before": va, "after": vb, "same_view": va == vb},
        "metrics": [asdict(r) for r in rows + sides],
        "areas": _area_rows(before, after),
        "notes": notes,
    }


SINCE_FIXES = 3  # how many of the earlier report's top fixes "since last time" follows


def since_last(before: dict, after: dict) -> dict | None:
    """What a new report (``after``) says about the runner's previous one (``before``), for
    the top of the new report: the earlier report's top fixes (up to :data:`SINCE_FIXES`),
    each with the row of its first measure read in both, the overall score's row, the
    counts of better / worse / same rows, the caution that the two may be different people
    (``build``, :func:`build_note`, or None) and the comparison's other notes (filmed
    differently, other views). None when the two cannot be read as progress: either was not
    scored, or they share footage (a side clip's report against the session that added a
    back clip to it: the difference is how it was measured)."""
    if before.get("status") == "refused" or after.get("status") == "refused":
        return None
    if share_footage(before, after):
        return None
    res = compare(before, after)
    rows = {r["id"]: r for r in res["metrics"]}
    fixes = []
    for fx in ((before.get("findings") or {}).get("fixes") or [])[:SINCE_FIXES]:
        if not isinstance(fx, dict):
            continue
        r = next((rows[m] for m in fx.get("metrics") or []
                  if m in rows and rows[m]["before"] is not None and rows[m]["after"] is not None),
                 None)
        fixes.append({"title": fx.get("title") or "", "row": r})
    overall = next((a for a in res["areas"] if a["id"] == "overall"), None)
    counts = {w: sum(1 for r in res["metrics"] if r["word"] == w)
              for w in (BETTER, WORSE, SAME, CHANGED)}
    build = build_note(before, after)
    # the two-people caution leads the box ("build"), before any claim of progress; the
    # other notes follow the numbers (browser review, s20: it sat under them as a caption)
    return {"before": res["before"], "fixes": fixes, "overall": overall, "counts": counts,
            "build": build, "notes": [n for n in res["notes"] if n != build]}


# the runner's build as the good-form reference reads it (media.reference: thigh share of the
# leg, trunk length in leg lengths; medians over the clip). The four shared side renders of one
# body read within 0.001 (thigh) and 0.019 (trunk) of each other; the two real treadmill
# runners differ by 0.002 and 0.037, a rendered runner and a real one by 0.04 and 0.05. So
# this catches some pairs of people, not all (loose clothing and the camera move it too)
BUILD_APART = {"thigh_frac": 0.03, "trunk_frac": 0.03}


def build_note(before: dict, after: dict) -> str | None:
    """A caution when the two reports' runner builds read further apart than one runner's do
    (:data:`BUILD_APART`): the comparison may be between two people. None otherwise, or when
    either report has no build reading."""
    ra = (before.get("media") or {}).get("reference") or {}
    rb = (after.get("media") or {}).get("reference") or {}
    apart = []
    for key, what in (("thigh_frac", "thigh"), ("trunk_frac", "trunk")):
        a, b = _num(ra.get(key)), _num(rb.get(key))
        if a is not None and b is not None and abs(a - b) > BUILD_APART[key]:
            apart.append(f"{what} {a * 100:.0f} % of the leg before, {b * 100:.0f} % after")
    if not apart:
        return None
    return ("The runner's build reads differently in the two clips (" + "; ".join(apart)
            + "): if they are of two different people, this comparison does not apply.")


def row(result: dict, metric_id: str) -> dict | None:
    """The metric row ``metric_id`` of a :func:`compare` result."""
    return next((r for r in result["metrics"] if r["id"] == metric_id), None)


WORD_MARK = {BETTER: "+", WORSE: "-", SAME: "=", CHANGED: "~", "": " "}


def _delta_text(r: dict) -> str:
    d = r.get("delta")
    if d is None:
        return ""
    spec = BY_ID.get(r["id"])
    digits = spec.digits if spec is not None else 1
    return f"{d:+.{digits}f}"


def table_text(result: dict) -> str:
    """The comparison as a plain-text table (what ``python -m core compare`` prints)."""
    b, a = result["before"], result["after"]
    lines = [f"Before: {b.get('filename') or '-'} ({(b.get('created') or '')[:10]})",
             f"After:  {a.get('filename') or '-'} ({(a.get('created') or '')[:10]})", ""]
    lines += [f"Note: {n}" for n in result["notes"]]
    if result["notes"]:
        lines.append("")
    w = max([len(r["label"]) for r in result["metrics"]] + [10])
    head = f"  {'metric':<{w}}  {'before':>18}  {'after':>18}  {'change':>7}  {'word':<7} why"
    lines += [head, "  " + "-" * (len(head) + 10)]
    for r in result["metrics"]:
        lines.append(f"{WORD_MARK.get(r['word'], ' ')} {r['label']:<{w}}  {r['before_text'][:18]:>18}  "
                     f"{r['after_text'][:18]:>18}  {_delta_text(r):>7}  {r['word']:<7} {r['note']}")
    lines += ["", "  Scores (0-100)"]
    for r in result["areas"]:
        fmt = lambda v: "-" if v is None else f"{v:.0f}"  # noqa: E731
        d = "" if r["delta"] is None else f"{r['delta']:+.0f}"
        lines.append(f"{WORD_MARK.get(r['word'], ' ')} {r['label']:<{w}}  {fmt(r['before']):>18}  "
                     f"{fmt(r['after']):>18}  {d:>7}  {r['word']:<7} {r['note']}")
    counts = {k: sum(1 for r in result["metrics"] if r["word"] == k)
              for k in (BETTER, WORSE, SAME, CHANGED)}
    lines += ["", f"{counts[BETTER]} better, {counts[WORSE]} worse, {counts[SAME]} the same "
              f"(within noise), {counts[CHANGED]} changed (more than noise, no closer to or "
              "further from the good range by more than the noise)."]
    return "\n".join(lines)
