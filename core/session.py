"""A session of several clips: the reports of a side clip and a back (or front) clip of one
run merged into one report.

Contract:
    merge_reports(parts: Sequence[ClipPart]) -> dict
        ``parts``: each clip's finished report dict (``core.pipeline.analyze``) and the folder,
        relative to the merged report's media folder, that clip's media were written to
        (``ClipPart.prefix``, e.g. ``"c2"``). Returns one report dict of
        :data:`core.report.REPORT_VERSION` with a ``session`` block
        (:class:`core.report.SessionInfo`). Nothing is read from disk and no pose model runs.
    add_clip(existing, media_file, clip, options, out_dir, progress, name) -> dict
        a one-clip report already stored (``existing``; ``media_file(rel)`` gives a local file
        of its media) plus one more clip of the same session: the stored report's media are
        copied to ``out_dir/c1``, the new clip is analysed into ``out_dir/c2``, and both are
        merged. The stored report itself is not changed (the result is a new report).
    analyze_session(paths, options, out_dir, progress) -> dict
        runs :func:`core.pipeline.analyze` on each clip in turn (clip ``i`` into
        ``out_dir/c{i+1}``, progress per clip) and merges them with :func:`merge_reports`.
        Bad input in any clip raises its :class:`core.errors.FormCheckError`, naming the clip.

Merge rule (also stored in words in ``session.rule``):

* **Which clip gives a metric**: only a clip whose view the metric is valid in
  (:meth:`core.spec.MetricSpec.valid_in`; each clip's report already holds only those). Where
  two clips measure it, the better confidence wins (high > medium > low); a tie goes to the
  clip with more strides behind the value (``n``), then to the earlier clip. The metric keeps
  its own value, status, confidence and caveat, and names its clip in ``source_clip``. When
  another clip read it further off than the larger of the two readings' errors
  (``reading_error`` in :mod:`core.metrics`, at each clip's frame rate), its caveat says
  what the other clip read and asks whether both are of the same run
  (``extra["other_clips"]``; :func:`_disagreement`): a side and a back clip of one run at
  one pace agree on cadence within that error, two runs or two paces do not.
* **One set of area scores and fixes**, recomputed from the merged metrics by
  :func:`core.findings.build_findings` (never averaged from the clips' own scores).
* **Media**: clip ``i`` keeps its files under its own folder (``media_prefix``) and its frame
  numbers are offset by ``i * FRAME_STRIDE`` in the merged media (``evidence_frames``,
  ``face_boxes``, each metric's ``evidence_frames``), so no file or frame of two clips collides
  and the face blur of a shared report (:func:`core.privacy.make_shared_variants`) finds each
  still's own head box. The **primary** clip (the first side clip, else the first clip) is put
  first (offset 0) and gives the annotated video, thumbnail, phase stills, charts' series,
  contacts and stretches; the other clips' annotated videos are ``media.other_videos`` (clip
  key -> path; the owner's report shows them, a shared copy leaves them out). A clip without
  any head box gives no stills (they could not be blurred for sharing).
* **Status**: ``refused`` when every clip was refused, ``ok`` when every clip is ok, else
  ``limited``; the quality block lists every clip's checks, labelled with its clip.
"""
from __future__ import annotations

import re

import datetime as _dt
import json
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import FormCheckError
from .findings import area_scores, build_findings, evidence_metric
from .report import (DISCLAIMER, ENGINE_VERSION, REPORT_VERSION, Findings, Media,
                     MetricResult, SessionClip, SessionInfo, load_report, to_jsonable)
from .spec import BY_ID

FRAME_STRIDE = 1_000_000  # clip i's frames are numbered from i * FRAME_STRIDE in merged media
CONF_RANK = {"high": 3, "medium": 2, "low": 1}
VIEW_WORDS = {"side": "side", "front": "front", "back": "back", "unsure": "unclear-view"}
MAX_CLIPS = 4
RULE = ("Each measure comes from the clip whose camera angle it is valid in; where two clips "
        "measure it, the one with the better confidence (then more strides) gives it. Area "
        "scores and fixes are worked out once, from the merged measures.")
Progress = Callable[[str, float], None]


@dataclass(frozen=True)
class ClipPart:
    """One clip's finished report and the folder (relative to the merged media folder) its
    media were written to ("" for the top level)."""

    report: dict
    prefix: str = ""


def clip_label(clip: SessionClip | dict, clips: Sequence[SessionClip | dict] = ()) -> str:
    """"side clip" (or "side clip 2" when the session has two side clips): how a clip is
    named in texts a share-link viewer may read too (never by its file name)."""
    get = (lambda c, k: c.get(k)) if isinstance(clip, dict) else getattr
    view = get(clip, "view")
    same = [c for c in clips if get(c, "view") == view]
    n = next((i for i, c in enumerate(same, 1) if get(c, "key") == get(clip, "key")), 1)
    return f"{VIEW_WORDS.get(view, view)} clip" + (f" {n}" if len(same) > 1 else "")


_CLIP_PREFIX = re.compile(r"^(?:%s) clip(?: \d+)?: " % "|".join(
    re.escape(w.capitalize()) for w in VIEW_WORDS.values()))


def clip_reason(reason: str) -> str:
    """A merged ``not_measured`` reason ("Side clip: Needs your treadmill speed ... Back
    clip: ...") without its leading clip name: the first clip's own reason (a one-clip
    report's reason is returned as it is)."""
    own = _CLIP_PREFIX.sub("", reason or "", count=1)
    nxt = re.search(r" (?:%s) clip(?: \d+)?: " % "|".join(
        re.escape(w.capitalize()) for w in VIEW_WORDS.values()), own)
    return own[:nxt.start()] if nxt and own != (reason or "") else own


def _primary_index(reports: Sequence[dict]) -> int:
    for i, r in enumerate(reports):
        if (r.get("view") or {}).get("view") == "side" and r.get("status") != "refused":
            return i
    for i, r in enumerate(reports):
        if r.get("status") != "refused":
            return i
    return 0


def _join(prefix: str, rel: str | None) -> str | None:
    return None if rel is None else (f"{prefix}/{rel}" if prefix else rel)


def merge_reports(parts: Sequence[ClipPart]) -> dict:
    """One report from the reports of several clips of one session (see the module doc)."""
    if not parts:
        raise ValueError("merge_reports needs at least one clip")
    loaded = [ClipPart(load_report(p.report), p.prefix) for p in parts]
    p0 = _primary_index([p.report for p in loaded])
    order = [loaded[p0]] + [p for i, p in enumerate(loaded) if i != p0]

    prefixes = [p.prefix for p in order]
    named = all(prefixes) and len(set(prefixes)) == len(prefixes)  # a clip is called by its folder
    clips: list[SessionClip] = []
    for i, p in enumerate(order):
        r = p.report
        src, view = r.get("source") or {}, r.get("view") or {}
        clips.append(SessionClip(
            key=p.prefix if named else f"c{i + 1}", filename=str(src.get("filename") or f"clip {i + 1}"),
            view=str(view.get("view") or "unsure"), facing=view.get("facing"),
            status=str(r.get("status")), summary=str((r.get("quality") or {}).get("summary") or ""),
            duration_s=float(src.get("duration_s") or 0.0),
            fps=float(src.get("fps_measured") or 0.0), media_prefix=p.prefix,
            frame_offset=i * FRAME_STRIDE, primary=i == 0))

    # --- metrics: valid view, better confidence, then more strides, then the earlier clip
    best: dict[str, tuple[tuple, int, dict]] = {}
    every: dict[str, list[tuple[int, dict]]] = {}
    for i, (p, c) in enumerate(zip(order, clips)):
        for m in p.report.get("metrics") or []:
            spec = BY_ID.get(m.get("id"))
            if spec is not None and not spec.valid_for(c.view):
                continue
            every.setdefault(m["id"], []).append((i, m))
            rank = (CONF_RANK.get(m.get("confidence"), 0), int(m.get("n") or 0), -i)
            if m["id"] not in best or rank > best[m["id"]][0]:
                best[m["id"]] = (rank, i, m)
    order_ids = [m["id"] for p in order for m in p.report.get("metrics") or []]
    metrics: list[MetricResult] = []
    for mid in dict.fromkeys(order_ids):
        if mid not in best:
            continue
        _, i, m = best[mid]
        d = dict(m)
        d["source_clip"] = clips[i].key
        d["evidence_frames"] = [int(f) + clips[i].frame_offset for f in m.get("evidence_frames") or []]
        other = _disagreement(mid, i, m, every.get(mid, []), clips)
        if other:
            note, others = other
            d["caveat"] = (str(d.get("caveat") or "").rstrip() + " " + note).strip()
            d["extra"] = dict(d.get("extra") or {}, other_clips=others)
        metrics.append(MetricResult(**{k: v for k, v in d.items()
                                       if k in MetricResult.__dataclass_fields__}))
        clips[i].metrics.append(mid)
    # keep the registry's order (as one clip's report does)
    pos = {mid: k for k, mid in enumerate(BY_ID)}
    metrics.sort(key=lambda m: pos.get(m.id, len(pos)))

    # --- not measured: one entry per metric no clip gave, with every clip's reason
    taken = {m.id for m in metrics}
    reasons: dict[str, list[tuple[SessionClip, dict]]] = {}
    for p, c in zip(order, clips):
        for nm in p.report.get("not_measured") or []:
            if isinstance(nm, dict) and nm.get("id") not in taken:
                reasons.setdefault(nm["id"], []).append((c, nm))
    not_measured = []
    for mid, items in reasons.items():
        spec = BY_ID.get(mid)
        own = [(c, nm) for c, nm in items if spec is None or spec.valid_for(c.view)]
        use = own or items
        text = " ".join(f"{clip_label(c, clips).capitalize()}: {nm.get('reason', '')}" for c, nm in use)
        first = use[0][1]
        not_measured.append({"id": mid, "label": first.get("label", mid),
                             "area": first.get("area", ""), "reason": text})

    # --- status, quality
    statuses = [c.status for c in clips]
    status = ("refused" if all(s == "refused" for s in statuses) else
              "ok" if all(s == "ok" for s in statuses) else "limited")
    checks, tips = [], []
    for p, c in zip(order, clips):
        q = p.report.get("quality") or {}
        for ch in q.get("checks") or []:
            ch = dict(ch)
            ch["id"] = f"{c.key}:{ch.get('id', '')}"
            ch["label"] = f"{clip_label(c, clips).capitalize()}: {ch.get('label', '')}"
            checks.append(ch)
        tips += [t for t in q.get("tips") or [] if t not in tips]
    summary = " ".join(f"{clip_label(c, clips).capitalize()}: {c.summary}" for c in clips)
    quality = {"ok": status != "refused", "summary": summary, "checks": checks, "tips": tips}
    if status == "limited":
        held = [c for c in clips if c.status == "refused"]
        if held:
            quality["summary"] = ("Not every clip could be scored: " + summary)

    # --- findings from the merged metrics
    if status == "refused" or not metrics:
        findings = Findings(None, "info", area_scores([]), [], [])
        metrics_out: list[MetricResult] = []
    else:
        findings = build_findings(metrics)
        metrics_out = metrics

    # --- media, namespaced
    media = _merge_media(order, clips, metrics_out, findings)

    prim = order[0].report
    source = dict(prim.get("source") or {})
    source["filename"] = " + ".join(c.filename for c in clips)
    strides = _merge_strides(order, clips) if status != "refused" else []
    cleaning = {c.key: p.report.get("cleaning") or {} for p, c in zip(order, clips)}
    view = dict(prim.get("view") or {})
    report = {
        "version": REPORT_VERSION,
        "created": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "engine": ENGINE_VERSION,
        "status": status,
        "source": source,
        "options": prim.get("options"),
        "quality": quality,
        "view": view,
        "events": prim.get("events"),
        "strides": strides,
        "series": prim.get("series"),
        "metrics": metrics_out,
        "not_measured": not_measured if status != "refused" else
        [{"id": m.id, "label": m.label, "area": m.area,
          "reason": "Held back: " + summary} for m in metrics] + not_measured,
        "findings": findings,
        "media": media,
        "cleaning": cleaning,
        "segments": prim.get("segments"),
        "disclaimer": DISCLAIMER,
        "profile": next((p.report.get("profile") for p in order if p.report.get("profile")), None),
        "session": SessionInfo(clips, RULE),
    }
    return to_jsonable(report)


def _disagreement(mid: str, i: int, m: dict, readings: Sequence[tuple[int, dict]],
                  clips: Sequence[SessionClip]) -> tuple[str, list[dict]] | None:
    """The sentence and ``other_clips`` entries for a metric that another clip of the session
    read further from the shown value than both readings' errors allow (None when they agree,
    or the metric has no reading error)."""
    from .metrics import BY_ID as REGISTRY  # the registry's reading errors (lazy: no cycle)

    reg = REGISTRY.get(mid)
    v = m.get("value")
    if reg is None or reg.reading_error is None or not isinstance(v, (int, float)):
        return None
    err = reg.error_at(clips[i].fps or 30.0)
    off = []
    for j, o in readings:
        w = o.get("value")
        if j == i or not isinstance(w, (int, float)):
            continue
        if abs(w - v) > max(err, reg.error_at(clips[j].fps or 30.0)):
            off.append((j, o))
    if not off:
        return None
    from .findings import error_text  # a number with its unit, as the report words it

    spec = BY_ID[mid]
    said = "; ".join(f"the {clip_label(clips[j], clips)} read "
                     f"{error_text(spec.shown(o['value']), spec.unit)}" for j, o in off)
    note = (f"The clips disagree here: {said}, further apart than this measure's reading "
            f"error, so check both clips are of the same run at the same pace (this value is "
            f"from the clip with the better confidence or more strides).")
    return note, [{"clip": clips[j].key, "value": o["value"], "confidence": o.get("confidence")}
                  for j, o in off]


def _merge_media(order: Sequence[ClipPart], clips: Sequence[SessionClip],
                 metrics: Sequence[MetricResult], findings: Findings) -> dict[str, Any]:
    prim, pc = order[0].report.get("media") or {}, clips[0]
    out: dict[str, Any] = {"evidence": {}, "evidence_frames": {}, "video": _join(pc.media_prefix, prim.get("video")),
                           "thumbnail": _join(pc.media_prefix, prim.get("thumbnail")),
                           "face_boxes": {}}
    if prim.get("thumbnail_frame") is not None:
        out["thumbnail_frame"] = int(prim["thumbnail_frame"])
    prim_media = Media.of(prim)
    if prim_media.thumbnail_scale is not None:  # the shared copy's blur needs it
        out["thumbnail_scale"] = prim_media.thumbnail_scale
    if prim.get("video_frames") is not None:
        out["video_frames"] = list(prim["video_frames"])
    for k in ("phases", "reference"):
        if prim.get(k) is not None:
            out[k] = prim[k]
    # the primary clip's phase / reference stills (keys that are not metrics)
    metric_ids = set(BY_ID)
    for k, rel in (prim.get("evidence") or {}).items():
        if k not in metric_ids and isinstance(rel, str):
            out["evidence"][k] = _join(pc.media_prefix, rel)
            if k in (prim.get("evidence_frames") or {}):
                out["evidence_frames"][k] = int(prim["evidence_frames"][k])
            off = prim_media.evidence_offsets.get(k)
            if off:
                out.setdefault("evidence_offsets", {})[k] = list(off)
    for p, c in zip(order[1:], clips[1:]):  # the other clips' annotated videos (owner only)
        v = (p.report.get("media") or {}).get("video")
        if isinstance(v, str):
            out.setdefault("other_videos", {})[c.key] = _join(c.media_prefix, v)
    for p, c in zip(order, clips):
        m = p.report.get("media") or {}
        boxes = m.get("face_boxes") or {}
        for f, box in boxes.items():
            try:
                out["face_boxes"][str(int(f) + c.frame_offset)] = box
            except (TypeError, ValueError):
                continue
        offsets = Media.of(m).evidence_offsets
        if not boxes:
            continue  # stills that could not be blurred for sharing are not kept
        for mid in c.metrics:
            rel = (m.get("evidence") or {}).get(mid)
            if isinstance(rel, str):
                out["evidence"][mid] = _join(c.media_prefix, rel)
                fr = (m.get("evidence_frames") or {}).get(mid)
                if fr is not None:
                    out["evidence_frames"][mid] = int(fr) + c.frame_offset
                off = offsets.get(mid)  # a still cropped to the runner
                if off:
                    out.setdefault("evidence_offsets", {})[mid] = list(off)
    status_of = {m.id: m.status for m in metrics}
    for fx in [*findings.fixes, *findings.more_fixes]:
        lead = evidence_metric(fx, status_of, {k for k in out["evidence"] if k in out["evidence_frames"]})
        if lead is not None:
            fx.evidence_key = lead
            fx.evidence_frame = out["evidence_frames"][lead]
        else:
            fx.evidence_key, fx.evidence_frame = None, None
    return out


def _merge_strides(order: Sequence[ClipPart], clips: Sequence[SessionClip]) -> list[dict]:
    """The primary clip's stride rows, then the other clips' rows with only the columns the
    primary clip has not got (so no chart mixes two clips' timelines), each row naming its
    clip."""
    base = {"foot", "ic_frame", "t", "stride", "clip"}
    rows = [{**r, "clip": clips[0].key} for r in order[0].report.get("strides") or []]
    have = {k for r in rows for k in r} - base
    for p, c in zip(order[1:], clips[1:]):
        for r in p.report.get("strides") or []:
            keep = {k: v for k, v in r.items() if k not in have}
            if set(keep) - base:
                rows.append({**keep, "clip": c.key})
    return rows


def analyze_session(paths: Sequence[str | Path], options=None, out_dir: str | Path | None = None,
                    progress: Progress | None = None, names: Sequence[str] | None = None) -> dict:
    """Analyse each clip in turn (clip ``i`` into ``out_dir/c{i+1}``) and merge them.

    One clip is analysed as usual (its report has no ``session``). ``names``: the file names
    to show for the clips (default: their own). Raises :class:`FormCheckError` (naming the
    clip) for bad input in any clip, and for more than :data:`MAX_CLIPS` clips."""
    import tempfile

    from .pipeline import AnalysisOptions, analyze

    paths = [Path(p) for p in paths]
    if not paths:
        raise FormCheckError("no_clip", "No clip was given.", "Give a side clip and a back or front clip.")
    if len(paths) > MAX_CLIPS:
        raise FormCheckError("too_many_clips", f"{len(paths)} clips were given; a session takes at "
                             f"most {MAX_CLIPS}.", "Give one side clip and one back or front clip.")
    opts = options or AnalysisOptions()
    out = Path(out_dir) if out_dir else Path(tempfile.mkdtemp(prefix="formcheck_session_"))
    out.mkdir(parents=True, exist_ok=True)
    prog = progress or (lambda s, f: None)
    if len(paths) == 1:
        return analyze(paths[0], opts, out, prog)
    n = len(paths)
    parts = []
    for i, path in enumerate(paths):
        name = names[i] if names and i < len(names) else path.name
        sub = out / f"c{i + 1}"
        if sub.exists():
            shutil.rmtree(sub)

        def step(stage: str, frac: float, i=i, name=name) -> None:
            prog(f"Clip {i + 1} of {n} ({name}): {stage}", min(0.99, (i + frac) / n))
        try:
            rep = analyze(path, opts, sub, step)
        except FormCheckError as e:
            raise FormCheckError(e.code, f"Clip {i + 1} ({name}): {e.message}", e.hint) from e
        rep["source"]["filename"] = name
        parts.append(ClipPart(rep, f"c{i + 1}"))
    prog("Merging the clips into one report", 0.995)
    merged = merge_reports(parts)
    prog("Done", 1.0)
    return merged


def options_of(report: dict):
    """The analysis options a stored report was made with (height, unit, profile), for a
    clip added to it (the view is detected afresh, no slow-motion rate is assumed)."""
    from .pipeline import AnalysisOptions

    o, p = report.get("options") or {}, report.get("profile") or {}
    return AnalysisOptions(height_cm=o.get("height_cm"), length_unit=o.get("length_unit") or "cm",
                           speed_mps=p.get("speed_mps"), speed_given=p.get("speed_given") or "m/s",
                           sex=p.get("sex"), experience=p.get("experience"))


def can_add_clip(report: dict) -> str | None:
    """Why a clip cannot be added to ``report`` (None: it can)."""
    if report.get("session"):
        return ("This report already combines several clips; analyse all of them together on "
                "the Analyze page instead.")
    if report.get("status") == "refused":
        return "This clip could not be scored; film it again and analyse both clips together."
    return None


def add_clip(existing: dict, media_file: Callable[[str], Path | None], clip: str | Path,
             options=None, out_dir: str | Path | None = None, progress: Progress | None = None,
             name: str | None = None, analysed: tuple[dict, Path] | None = None) -> dict:
    """One more clip for a stored one-clip report (see the module doc). ``analysed``: the
    new clip's finished report and media folder when it was already analysed with these
    options (then it is not analysed again). Raises
    :class:`FormCheckError` when the report cannot take one (:func:`can_add_clip`), when its
    media are gone, or for bad input in the new clip."""
    import tempfile

    from .pipeline import analyze

    existing = load_report(existing)
    if (why := can_add_clip(existing)) is not None:
        raise FormCheckError("cannot_add", why, "")
    out = Path(out_dir) if out_dir else Path(tempfile.mkdtemp(prefix="formcheck_session_"))
    prog = progress or (lambda s, f: None)
    for rel in Media.of(existing).files():
        src = media_file(rel)
        if src is None or not Path(src).is_file():
            raise FormCheckError("missing", "The pictures of the report you add to are gone.",
                                 "Analyse both clips together on the Analyze page.")
        dst = out / "c1" / rel
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, dst)
    opts = options or options_of(existing)
    clip = Path(clip)
    label = name or clip.name

    def step(stage: str, frac: float) -> None:
        prog(f"Added clip ({label}): {stage}", min(0.99, frac))
    if analysed is not None:
        rep = json.loads(json.dumps(analysed[0]))
        shutil.copytree(analysed[1], out / "c2", dirs_exist_ok=True)
    else:
        rep = analyze(clip, opts, out / "c2", step)
    rep["source"]["filename"] = label
    prog("Merging the clips into one report", 0.995)
    merged = merge_reports([ClipPart(existing, "c1"), ClipPart(rep, "c2")])
    prog("Done", 1.0)
    return merged
