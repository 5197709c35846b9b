"""Stage 8 — findings: area scores and the few fixes worth making first.

Contract:
    build_findings(metrics: list[MetricResult]) -> Findings
        per-area scores 0-100 (shoulders, hips, feet) and an overall score; at most three
        ranked fixes (worst first), each with what was seen, why it matters, one cue and one
        drill with a dose (from :mod:`core.coaching`), plus strengths.

Scoring: each judged metric scores good 100 / watch 65 / fix 30, weighted by its importance
(:attr:`MetricSpec.weight`) and confidence (high 1, medium 0.75, low 0.4). Composite patterns
outrank single metrics: overstriding = overstride + low cadence (+ heel strike); sitting back
= hips behind + lean from the waist.
"""
from __future__ import annotations

from .coaching import ADVICE, STRENGTHS
from .report import AreaScore, Findings, Fix, MetricResult
from .spec import AREA_LABELS, AREAS, BY_ID

POINTS = {"good": 100, "watch": 65, "fix": 30}
CONF_W = {"high": 1.0, "medium": 0.75, "low": 0.4}
SEV = {"fix": 2.0, "watch": 1.0}


def _status_of(score: float | None) -> str:
    if score is None:
        return "info"
    return "good" if score >= 80 else "watch" if score >= 60 else "fix"


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
        worst = max(ms, key=lambda m: (SEV.get(m.status, 0) * BY_ID[m.id].weight * CONF_W[m.confidence],
                                       BY_ID[m.id].weight))
        n_bad = sum(m.status != "good" for m in ms)
        summary = (f"All {len(ms)} measures in the good range." if n_bad == 0 else
                   f"{n_bad} of {len(ms)} measures need attention; {worst.label.lower()} most.")
        out.append(AreaScore(area, AREA_LABELS[area], int(round(score)), _status_of(score),
                             worst.id, summary))
    return out


def _candidates(by: dict[str, MetricResult]) -> list[tuple[float, str, list[str]]]:
    """(severity, advice key, metric ids) for every problem seen."""
    c: list[tuple[float, str, list[str]]] = []

    def bad(mid: str) -> bool:
        return mid in by and by[mid].status in SEV

    def sev(*mids: str) -> float:
        return sum(SEV.get(by[m].status, 0) * BY_ID[m].weight * CONF_W[by[m].confidence]
                   for m in mids if m in by)

    cad = by.get("cadence")
    cad_low = cad is not None and cad.status in SEV and cad.value < BY_ID["cadence"].good_lo
    reach = [m for m in ("overstride", "shank_angle_ic") if bad(m)]
    if reach:  # the foot, or the shin, reaching out ahead of the body at landing
        mids = reach + (["cadence"] if cad_low else [])
        if bad("foot_strike"):
            mids.append("foot_strike")
        c.append((sev(*mids) + (1.0 if len(mids) > 1 else 0.0), "overstriding", mids))
    elif cad_low:
        c.append((sev("cadence"), "low_cadence", ["cadence"]))
    if cad is not None and cad.status in SEV and cad.value > BY_ID["cadence"].good_hi:
        c.append((sev("cadence"), "high_cadence", ["cadence"]))
    stiff = [m for m in ("knee_flexion_ic", "knee_flexion_mid")
             if bad(m) and by[m].value < BY_ID[m].good_lo]
    deep = [m for m in ("knee_flexion_ic", "knee_flexion_mid")
            if bad(m) and by[m].value > BY_ID[m].good_hi]
    if stiff:
        c.append((sev(*stiff), "stiff_landing", stiff))
    if deep:
        c.append((sev(*deep), "deep_knee", deep))
    if bad("contact_time") or bad("duty_factor"):
        c.append((sev("contact_time", "duty_factor") * 0.8, "long_contact",
                  [m for m in ("contact_time", "duty_factor") if bad(m)]))
    if bad("step_width"):
        narrow = by["step_width"].value < BY_ID["step_width"].good_lo
        c.append((sev("step_width"), "crossover" if narrow else "wide_steps", ["step_width"]))
    if bad("foot_turnout"):
        c.append((sev("foot_turnout"), "turnout", ["foot_turnout"]))
    if bad("waist_lean") or bad("hips_behind"):
        mids = [m for m in ("waist_lean", "hips_behind") if bad(m)]
        c.append((sev(*mids) + (1.0 if len(mids) == 2 else 0.0), "waist_bend", mids))
    elif bad("trunk_lean"):
        key = "too_upright" if by["trunk_lean"].value < BY_ID["trunk_lean"].good_lo else "too_much_lean"
        c.append((sev("trunk_lean"), key, ["trunk_lean"]))
    for mid, key in (("hip_extension", "weak_push_off"), ("knee_drive", "low_knee_drive"),
                     ("vertical_oscillation", "bounce"), ("pelvic_drop", "pelvic_drop"),
                     ("lateral_sway", "sway"), ("trunk_rotation", "rotation"),
                     ("arm_swing", "arm_swing"), ("arm_crossover", "arm_crossover"),
                     ("shoulder_elevation", "shrug"), ("shoulder_level", "shoulder_level"),
                     ("head_position", "head_forward")):
        if bad(mid):
            c.append((sev(mid), key, [mid]))
    if bad("elbow_angle"):
        key = "bent_elbows" if by["elbow_angle"].value < BY_ID["elbow_angle"].good_lo else "straight_arms"
        c.append((sev("elbow_angle"), key, ["elbow_angle"]))
    return c


def _seen(ms: list[MetricResult]) -> str:
    parts = []
    for m in ms:
        s = f"{m.label}: {m.display} (good: {m.band_good})"
        if m.asymmetry_pct is not None and m.asymmetry_pct > 10:
            s += f", left {m.left:.0f} vs right {m.right:.0f}"
        parts.append(s)
    return "; ".join(parts) + "."


def build_findings(metrics: list[MetricResult], max_fixes: int = 3) -> Findings:
    by = {m.id: m for m in metrics}
    areas = area_scores(metrics)
    scored = [a.score for a in areas if a.score is not None]
    overall = int(round(sum(scored) / len(scored))) if scored else None
    fixes: list[Fix] = []
    # composite patterns (several metrics telling one story) outrank single metrics
    ranked = sorted(_candidates(by), key=lambda x: (len(x[2]) < 2, -x[0]))
    for rank, (sev, key, mids) in enumerate(ranked[:max_fixes], 1):
        adv = ADVICE[key]
        ms = [by[m] for m in mids]
        lead = ms[0]
        conf = min((m.confidence for m in ms), key=lambda c: CONF_W[c])
        severity = "fix" if any(m.status == "fix" for m in ms) else "watch"
        why = adv.why
        if conf == "low":
            why = ("Measured with low confidence from this clip, so treat it as a visible "
                   "pattern worth checking, not a verdict. " + why)
        fixes.append(Fix(rank=rank, id=key, title=adv.title, area=lead.area, metrics=mids,
                         severity=severity, confidence=conf, seen=_seen(ms), why=why,
                         cue=adv.cue, drill=adv.drill(),
                         evidence_frame=(lead.evidence_frames or [None])[0]))
    strengths = [STRENGTHS[m.id] for m in metrics
                 if m.status == "good" and m.id in STRENGTHS and m.confidence != "low"][:4]
    return Findings(overall_score=overall, overall_status=_status_of(overall), areas=areas,
                    fixes=fixes, strengths=strengths)
