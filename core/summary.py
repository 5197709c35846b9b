"""Plain-text summary of a report (CLI output and logs)."""
from __future__ import annotations

from .findings import harsher_line_of, measure_counts, metric_fps, near_line_of, overall_scope
from .spec import BY_ID, side_difference

MARK = {"good": "ok ", "watch": "~  ", "fix": "!! ", "info": "   "}


def stretch_lines(report: dict) -> list[str]:
    """Which seconds were scored and the clip's stretches (none for a clip analysed whole)."""
    seg = report.get("segments") or {}
    if not seg or seg.get("whole"):
        return []
    out = ([f"Scored on {seg['analysed_start_s']:.1f}-{seg['analysed_end_s']:.1f} s, the longest "
            "steady running stretch (*). The clip's stretches:"]
           if seg.get("analysed_start_s") is not None else ["The clip's stretches:"])
    for i in seg.get("items") or []:
        cad = f"{i['cadence_spm']:.0f} steps/min" if i.get("cadence_spm") else "no rhythm"
        out.append(f"  {'*' if i.get('analysed') else ' '} {i['start_s']:5.1f}-{i['end_s']:5.1f} s"
                   f"  {i['steps']:3d} steps  {cad:<16} "
                   f"{'steady' if i.get('steady') else 'unsteady':<8}  begins: {i.get('reason', '')}")
    return out


VIEW_NOT_READ_TURNED = "View not read (the runner is turned in the picture)"


def view_unread(report: dict) -> str | None:
    """What to say instead of the view when the clip was refused for a runner turned in the
    picture (the upright check failed): its view and confidence were read off a runner lying
    along the picture ("Side view, facing left (high confidence)" over the refusal: review,
    3 Dec). None when the view stands."""
    checks = (report.get("quality") or {}).get("checks") or []
    if any(c.get("id") == "upright" and not c.get("passed") and c.get("severity") == "fail"
           for c in checks):
        return VIEW_NOT_READ_TURNED
    return None


def session_lines(report: dict) -> list[str]:
    """The clips of a session report and which measures each gave (none for one clip)."""
    sess = report.get("session") or {}
    clips = sess.get("clips") or []
    if not clips:
        return []
    out = [f"One session of {len(clips)} clips:"]
    for c in clips:
        view = c.get("view") + (f" facing {c['facing']}" if c.get("facing") else "")
        gave = ", ".join(c.get("metrics") or []) or "no measure"
        out.append(f"  {c['key']}: {c['filename']} ({view}, {c['duration_s']:.1f} s, "
                   f"{c['status']}) gave: {gave}")
    if sess.get("rule"):
        out.append("  " + sess["rule"])
    return out


def text_summary(report: dict) -> str:
    src, view, q = report["source"], report["view"], report["quality"]
    view_txt = (f"view: {view['view']}" + (f" facing {view['facing']}" if view.get("facing")
                                            else "") + f" ({view['confidence']} confidence)")
    if (unread := view_unread(report)):
        view_txt = unread[0].lower() + unread[1:]
    lines = [f"FormCheck report - {src['filename']}",
             f"{src['duration_s']:.1f} s analysed, {src['fps_measured']:.0f} fps, {view_txt}", ""]
    if (clips := session_lines(report)):
        lines[2:2] = clips
    if (more := stretch_lines(report)):
        lines[1] = lines[1].replace(" s analysed,", " s clip,", 1)
        lines[2:2] = more
    if report["status"] == "refused":
        lines.append("Not scored: " + q["summary"])
        for tip in q["tips"]:
            lines.append(f"  - {tip}")
        return "\n".join(lines)
    if report["status"] == "limited":
        lines.append("Note: " + q["summary"])
        lines.append("")
    f = report["findings"]
    lines.append(f"Overall {f['overall_score']}/100   " + "   ".join(
        f"{a['label']} {a['score'] if a['score'] is not None else '-'}" for a in f["areas"]))
    if (scope := overall_scope(f["areas"])) and f["overall_score"] is not None:
        lines.append(scope)
    c = measure_counts(report["metrics"])
    lines.append(f"{c['judged']} judged measures: {c['good']} good, {c['watch']} worth a look, "
                 f"{c['fix']} to work on" + (f" (+ {c['info']} shown for information)"
                                             if c["info"] else ""))
    lines.append("")
    for area in ("feet", "hips", "shoulders"):
        ms = [m for m in report["metrics"] if m["area"] == area]
        if not ms:
            continue
        lines.append(area.capitalize())
        for m in ms:
            lr = ""
            spec = BY_ID.get(m["id"])
            diff = spec and side_difference(spec, m.get("left"), m.get("right"))
            if diff:
                lr = f"  (L {spec.fmt(m['left'])} / R {spec.fmt(m['right'])}, {diff.text})"
            src = f", from {m['source_clip']}" if m.get("source_clip") else ""
            near = near_line_of(m)
            harsh = spec and harsher_line_of(m, metric_fps(report, m))
            if near and spec:  # core.findings.line_note says it in full in the fixes
                edge = ("the good range's edge" if near[2] == "good"
                        else 'the "work on it" line')
                src += f", within its reading error of {edge} at {spec.fmt(near[0])}"
                if harsh and near[2] == "good":  # and of the other line (a knee bend of 51)
                    src += f' and of the "work on it" line at {spec.fmt(harsh[0])}'
            elif harsh:
                # a "worth a look" on the edge of "work on it" (core.findings.harsher_line_note)
                src += (f', within its reading error of the "work on it" line at '
                        f"{spec.fmt(harsh[0])}")
            lines.append(f"  {MARK.get(m['status'], '   ')}{m['label']:<26} {m['display']}{lr}"
                         f"  [{m['status']}, {m['confidence']} confidence{src}]")
    if f["fixes"]:
        lines.append("")
        lines.append("Top fixes")
        for fx in f["fixes"]:
            lines.append(f"  {fx['rank']}. {fx['title']} - {fx['seen']}")
            lines.append(f"     Cue: {fx['cue']}")
            lines.append(f"     Drill: {fx['drill']['name']} - {fx['drill']['dose']}")
    more = f.get("more_fixes") or []
    if more:
        lines.append("")
        lines.append("More to work on" if f["fixes"] else
                     "More to check (read with low confidence near the line: no clear fix)")
        for fx in more:
            lines.append(f"  {fx['rank']}. {fx['title']} - {fx['seen']}")
            lines.append(f"     Cue: {fx['cue']}")
    if notes := filming_notes(q):  # as the web report's "How to film it better next time"
        lines.append("")
        lines.append("How to film it better next time")
        for c in notes:
            lines.append(f"  - {c.get('label', '')}: {c.get('detail', '')}")
            lines.append(f"    Tip: {c['how_to_fix']}")
    return "\n".join(lines)


def filming_notes(quality: dict) -> list[dict]:
    """The capture checks that did not pass but did not refuse the clip (a tilted or oblique
    camera, a small runner, 30 fps timing), each with its tip: the web report's "How to film
    it better next time" and the CLI's."""
    return [c for c in quality.get("checks") or []
            if not c.get("passed") and c.get("severity") in ("warn", "info")
            and c.get("how_to_fix")]
