"""The whole engine: clip in, report out.

    analyze(path, options, out_dir, progress) -> report dict
        one decode pass (frames, pose, clip statistics; a second, turned upright, when the
        runner lay along the picture or upside down: core.quality.upright_turn), then
        segments -> clean -> view -> events -> quality gate -> metrics -> findings -> media -> report.
    build_report(track, frames, source, options, clip, out_dir, progress, audio, audio_note)
        -> report dict: everything after the pose stage; the webcam mode calls this with its
        recorded landmarks (and microphone sound) so a live session becomes the same report as
        an upload. ``audio``: the clip's sound (:mod:`core.audio`) for ``landing_sound``.

``progress(stage_label, fraction_0_to_1)`` is called often enough to drive a progress bar.
Media (evidence stills, annotated video, thumbnail) are written into ``out_dir`` and named
relative to it in ``report["media"]``. Raises :class:`core.errors.FormCheckError` for input
that cannot be analysed at all; a clip that decodes but fails the capture gate returns a
``status == "refused"`` report that says why.
"""
from __future__ import annotations

import dataclasses

import datetime as _dt
import logging
import tempfile
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from . import annotate, camera, parallel_pose, parallel_video, privacy, profile
from .admission import (ClipStatsCollector, FrameStore, Progress, admit, check_duration,
                        clip_source)
from .audio import AudioTrack, decode_audio
from .errors import FormCheckError
from .events import detect_events
from .findings import area_scores, build_findings, evidence_metric
from .landmarks import Track, clean, from_raw
from .metrics import compute_metrics
from .pose import MediaPipePose, PoseBackend
from . import pose_cache  # noqa: I001 - a track cached for the clip's pose options
from .quality import CAPTURE_FPS_RANGE, ClipStats, assess, summarise, upright_turn
from .report import (DISCLAIMER, ENGINE_VERSION, REPORT_VERSION, Events, Findings, GaitEvent,
                     Media, Options, Profile, QualityCheck, Report, Series, SourceInfo,
                     ViewInfo)
from .segments import find_segments, segments_info, trim_events, window
from .spec import STATUS_WORDS
from .video import iter_frames, probe, turned
from .view import apply_override, detect_view, side_yaw

VIEW_CHOICES = ("auto", "side", "side_left", "side_right", "front", "back")
SERIES_MAX_HZ = 60  # chart series keep at most ~60 samples per second
EVIDENCE_JPEG_QUALITY = 85
THUMB_SIDE = 360  # px, the thumbnail's longer side
THUMB_JPEG_QUALITY = 80


log = logging.getLogger(__name__)

LENGTH_UNITS = ("cm", "in")  # how centimetre values are shown back to the runner


@dataclass
class AnalysisOptions:
    height_cm: float | None = None
    length_unit: str = "cm"  # how the runner gave their height: "cm", or "in" (feet + inches)
    view: str = "auto"  # one of VIEW_CHOICES
    capture_fps: float | None = None  # real capture rate of a slow-motion clip
    max_side: int = 960
    write_video: bool = True
    max_seconds: float = 60.0
    # the runner's optional profile (core.profile; kept in the report as core.report.Profile)
    speed_mps: float | None = None  # treadmill speed or pace, as m/s
    speed_given: str = "m/s"  # how it was entered: "km/h", "mph", "min/km" or "m/s"
    sex: str | None = None
    experience: str | None = None

    def profile(self) -> Profile | None:
        p = Profile(self.speed_mps, self.speed_given, self.sex, self.experience)
        return None if p.empty else p

    def validate(self) -> None:
        if self.view not in VIEW_CHOICES:
            raise FormCheckError("bad_option", f"Unknown view '{self.view}'.",
                                 f"Choose one of: {', '.join(VIEW_CHOICES)}.")
        if self.height_cm is not None and not (100 <= self.height_cm <= 230):
            raise FormCheckError("bad_option", "Height should be between 100 and 230 cm.",
                                 "Enter your height in centimetres, or leave it empty.")
        if self.length_unit not in LENGTH_UNITS:
            raise FormCheckError("bad_option", f"Unknown length unit '{self.length_unit}'.",
                                 "Give your height in cm or in feet and inches.")
        # in the unit it was given in (the CLI's --pace 30 was told "0.56 m/s": review, 4 Dec)
        profile.check(self.speed_mps, self.sex, self.experience,
                      unit=self.speed_given if self.speed_given in profile.SPEED_UNITS else "m/s")
        lo, hi = CAPTURE_FPS_RANGE
        if self.capture_fps is not None and not (lo <= self.capture_fps <= hi):
            raise FormCheckError("bad_option", f"Capture frame rate should be {lo}-{hi} fps.",
                                 "Enter the slow-motion rate your phone filmed at, e.g. 240.")


class _NoPose:
    """Stands in for the pose backend when :mod:`core.parallel_pose` already did the pass."""

    def close(self) -> None:
        pass


def _short_at_capture_rate(e: FormCheckError, ts: list[float], scale: float,
                           capture_fps: float | None) -> FormCheckError:
    """A clip too short only once a slow-motion capture rate stretched it to real time: say
    so, since the rate may be wrong (a normal-speed 12 s clip given 240 fps was refused as
    "only 1.5 s long", film 10-20 s: review, 4 Dec)."""
    if e.code != "too_short" or not capture_fps or not 0 < scale < 1 or len(ts) < 2:
        return e
    real = float(ts[-1] - ts[0])
    shown = real / scale
    return FormCheckError(
        "too_short",
        f"At the capture rate you entered ({capture_fps:g} fps) this {shown:.0f} s clip holds "
        f"only {real:.1f} s of running, too little to measure.",
        "If the clip is not slow motion, leave the capture rate empty. If it is, film a longer "
        f"stretch: 10 s of running plays for {10 / scale:.0f} s at this rate.")


def analyze(path: str | Path, options: AnalysisOptions | None = None,
            out_dir: str | Path | None = None, progress: Progress | None = None,
            backend: PoseBackend | None = None) -> dict:
    """Analyse a clip file end to end (see module docstring)."""
    opts = options or AnalysisOptions()
    opts.validate()
    prog = progress or (lambda s, f: None)
    prog("Reading the video", 0.0)
    meta = probe(path)
    scale = 1.0
    if opts.capture_fps:
        scale = meta.fps_nominal / opts.capture_fps if meta.fps_nominal > 0 else 1.0
    passed = _pose_pass(meta, scale, opts, prog, backend)
    raw = from_raw(np.array(passed.ts), passed.lms, *passed.size) if passed.ts else None
    cw = upright_turn(raw) if raw is not None and len(passed.ts) > 1 else 0
    if cw:
        # the runner lay along the picture or upside down (a phone clip with no orientation
        # tag): pose again on the picture turned upright, since the pose model reads a turned
        # body less well and every angle is read against the picture's up
        meta = turned(meta, cw)
        log.info("%s: runner turned in the picture; posing it again turned %d deg",
                 meta.filename, cw)

        def again(stage: str, f: float) -> None:
            prog("Turning the video upright, then finding the runner again", f)

        passed = raw = None  # the first pass's frames are not kept through the second
        passed = _pose_pass(meta, scale, opts, again, backend)
    ts, frames, stats, size = passed.ts, passed.frames, passed.stats, passed.size
    n_est = passed.n_est
    decoded_all = not (meta.n_frames_est and len(ts) < 0.9 * min(meta.n_frames_est, n_est))
    try:
        check_duration(ts, "clip", decoded_all)
    except FormCheckError as e:
        raise _short_at_capture_rate(e, ts, scale, opts.capture_fps) from None
    if raw is None:  # the pass turned upright (or nothing decoded, which check_duration refuses)
        raw = from_raw(np.array(ts), passed.lms, size[0], size[1])
    clip = stats.stats()
    if meta.turned:
        clip.extra["turned_deg"] = meta.turned
    clip.time_scale = scale
    clip.capture_fps_given = bool(opts.capture_fps)
    if opts.capture_fps:
        clip.extra["capture_fps"] = float(opts.capture_fps)
    clip.decoded_all = decoded_all
    if not decoded_all and len(ts) > 1:
        # how much of it: a file cut to 30 % read "ends abruptly" over a full report of its
        # first 3.4 s of 12 (review, 3 Dec)
        read = ts[-1] - ts[0]
        clip.extra["read_s"] = round(read, 1)
        # the whole file's length as its header gives it, in the same (real-time) seconds
        clip.extra["expected_s"] = round(read * meta.n_frames_est / len(ts), 1)
    admit(raw, frames, clip, "clip", prog)
    raw = camera.to_ground(raw, stats.camera_motion())  # a moving camera: ground-fixed frame
    source = clip_source(meta, size, raw, opts.capture_fps, scale)
    prog("Listening to the landings", 0.81)
    sound, sound_note = None, ""
    if scale != 1.0:  # slow motion: the sound does not run with the real running
        sound_note = ("The clip is slow motion, so its sound does not keep time with your "
                      "running and the landings cannot be heard one by one.")
    else:
        sound = decode_audio(path, max_seconds=opts.max_seconds)
    return build_report(raw, frames, source, opts, clip, out_dir, prog, audio=sound,
                        audio_note=sound_note)


@dataclass
class _Posed:
    """One decode + pose pass over a clip: the landmarks per frame and what was gathered."""

    ts: list[float]
    lms: list
    size: tuple[int, int]  # working (width, height)
    frames: FrameStore
    stats: ClipStatsCollector
    n_est: int  # frames expected within max_seconds


def _pose_pass(meta, scale: float, opts: AnalysisOptions, prog: Progress,
               backend: PoseBackend | None) -> _Posed:
    """Decode and pose ``meta``'s clip once: from the pose cache, over both cores, or in one
    loop (a given ``backend``, or a clip too short to split)."""
    fps_guess = meta.fps_nominal or 30.0
    # a clip of unknown length keeps every frame (its estimate at the max length, 1801 at
    # 30 fps, kept every second frame of any WebM recording)
    frames = FrameStore(min(meta.n_frames_est, int(opts.max_seconds / max(scale, 1e-6) * fps_guess) + 1)
                        if meta.n_frames_est else 0)
    stats = ClipStatsCollector()
    ts: list[float] = []
    lms: list[np.ndarray | None] = []
    # a file that states no length (a browser's WebM recording) is expected at its max length
    # (its progress jumped to 80 % on the first frame with an estimate of 1)
    n_est = max(1, min(meta.n_frames_est or 10**9,
                       int(opts.max_seconds / max(scale, 1e-6) * fps_guess) + 1))
    size = (0, 0)
    # a track cached for this clip and pose options (FORMCHECK_POSE_CACHE): decode, no pose
    slot = None if backend is not None else pose_cache.open_slot(
        meta, scale, opts.max_side, opts.max_seconds,
        parallel_pose.split_count(meta, scale, opts.max_seconds))
    pose = None
    try:
        split = slot.replay(frames, stats, prog, n_est) if slot is not None else None
        # both cores: decode + pose in chunks over processes (None: too short to split, or a backend given)
        if split is None and backend is None:
            split = parallel_pose.pose_pass(meta, scale, opts.max_side, opts.max_seconds, frames,
                                            stats, prog, n_est)
        if split is not None:
            ts, lms, size = split
        pose = backend or (_NoPose() if split is not None else MediaPipePose())
        for fr in ([] if split is not None else
                   iter_frames(meta, max_side=opts.max_side, time_scale=scale,
                               max_seconds=opts.max_seconds)):
            size = (fr.image.shape[1], fr.image.shape[0])
            ts.append(fr.t)
            lms.append(pose.process(fr.image, fr.t))
            frames.add(fr.index, fr.image)
            stats.add(fr.image, lms[-1])
            if fr.index % 5 == 0:
                prog("Finding the runner in each frame", min(0.8, 0.02 + 0.78 * fr.index / n_est))
        if slot is not None:
            slot.save(ts, lms, size, stats.steps)
    finally:
        if backend is None and pose is not None:
            pose.close()
        if slot is not None:
            slot.release()
    return _Posed(ts, lms, size, frames, stats, n_est)


def _fwd(view) -> float:
    return -1.0 if view.facing == "left" else 1.0


def build_report(raw: Track, frames: FrameStore | None, source: SourceInfo,
                 opts: AnalysisOptions, clip: ClipStats, out_dir: str | Path | None = None,
                 progress: Progress | None = None, audio: AudioTrack | None = None,
                 audio_note: str = "") -> dict:
    prog = progress or (lambda s, f: None)
    prog("Checking the running is steady", 0.815)
    plan = find_segments(raw, clip.cut_frames, opts.view, clip.change_frames)
    if not plan.whole and plan.analysed is not None:  # only the chosen stretch from here on
        raw = window(raw, plan.analysed)
    prog("Smoothing the body points", 0.82)
    track = clean(raw)
    view = apply_override(detect_view(track), opts.view, track=track)
    prog("Finding foot contacts", 0.84)
    events = detect_events(track, view)
    track, events = _true_vertical(track, view, events, frames)
    if not plan.whole and plan.analysed is not None:
        events = trim_events(events, plan.analysed)
    quality = assess(track, view, events, clip, plan)
    prog("Measuring", 0.86)
    mo = compute_metrics(track, view, events, opts.height_cm, speed_mps=opts.speed_mps,
                         audio=audio, audio_note=audio_note)
    metrics = mo.results
    not_measured = mo.not_measured
    _camera_height_note(quality, metrics)
    _rhythm_note(quality, metrics)
    if not mo.feet_in_view:  # contacts of feet out of the picture are guesses: shown nowhere
        events = dataclasses.replace(events, ics=[], tos=[], cadence_events=None, step_times=[])
    if not quality.ok:
        status = "refused"
        reason = "Held back: " + quality.summary
        not_measured = [{"id": m.id, "label": m.label, "area": m.area, "reason": reason}
                        for m in metrics] + not_measured
        metrics = []
        findings = Findings(None, "info", area_scores([]), [], [])
    else:
        status = "ok" if all(c.passed or c.severity == "info" for c in quality.checks) else "limited"
        findings = build_findings(metrics)
    out = Path(out_dir) if out_dir else Path(tempfile.mkdtemp(prefix="formcheck_"))
    out.mkdir(parents=True, exist_ok=True)
    media = _write_media(track, frames, view, events, metrics, findings, out, opts, source, prog)
    series = _series(track, mo.series, events)
    report = Report(
        version=REPORT_VERSION,
        created=_dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        engine=ENGINE_VERSION,
        status=status,
        source=source,
        options=Options(opts.height_cm, opts.length_unit, opts.view, opts.capture_fps),
        quality=quality,
        view=ViewInfo(view.view, view.facing, view.confidence, view.source, view.detail,
                      view.auto_view),
        events=Events(
            initial_contacts=[GaitEvent(e.frame, round(e.t, 4), e.foot, "IC") for e in events.ics],
            toe_offs=[GaitEvent(e.frame, round(e.t, 4), e.foot, "TO") for e in events.tos],
            method=events.method,
            cadence_events=events.cadence_events,
            cadence_spectral=events.cadence_spectral,
        ),
        strides=mo.strides if status != "refused" else [],
        series=series,
        metrics=metrics,
        not_measured=not_measured,
        findings=findings,
        media=media,
        cleaning=dict(track.notes),
        segments=segments_info(plan),
        disclaimer=DISCLAIMER,
        profile=opts.profile(),
    )
    prog("Done", 1.0)
    return report.to_json()


def _camera_height_note(quality, metrics) -> None:
    """A camera near the ground (foot strike's ``camera_low``: both feet land at one height in
    the picture) among the filming notes, not only in foot strike's caveat: a runner review
    found a 0.35 m camera named only as "belt height" inside that card."""
    fs = next((m for m in metrics if m.id == "foot_strike"), None)
    if fs is None or not (fs.extra or {}).get("camera_low"):
        return
    quality.checks.append(QualityCheck(
        "camera_height", "Camera height", False, "info",
        "The camera seems to sit near the ground, at about treadmill-belt height (both feet "
        "land at the same height in the picture): from there a flat landing can look like a "
        "heel strike, so foot strike is read with low confidence and never \"work on it\".",
        "Put the phone at about hip height, level, square to the runner."))
    # the headline counts it: a side clip with this note read "Good footage: every capture
    # check passed" above it (review, 3 Dec)
    quality.summary = summarise([dataclasses.asdict(c) for c in quality.checks])


def _rhythm_note(quality, metrics) -> None:
    """The passed "Running rhythm" check says the cadence the report shows: the check reads
    the steps' rate before the cadence is measured closely (``metrics.cadence``), and the
    report said "168 steps per minute" there above a cadence card of 169 (browser review)."""
    cad = next((m for m in metrics if m.id == "cadence" and m.value is not None), None)
    for i, c in enumerate(quality.checks):
        if cad is not None and c.id == "rate" and c.passed:
            quality.checks[i] = dataclasses.replace(
                c, detail=f"{cad.value:.0f} steps per minute.", value=round(float(cad.value), 1))


def _true_vertical(track: Track, view, events, frames: FrameStore | None):
    """Level the track on its floor line (:func:`core.camera.ground_line`) so sagittal angles
    are read against the true vertical; contacts are found again on the levelled track.

    An oblique camera (:func:`core.view.side_yaw`) is not levelled on its floor line: that
    slants by perspective (``GroundLine.slant_deg``). The stance foot still slides along that
    line, so the contacts are found on a copy turned by it, and the angles on the track as
    filmed. Where the picture's vertical lines give its tilt (``GroundLine.vertical_deg``, at
    any yaw), the angles are levelled by that and the contacts still found along the floor
    (``GroundLine.contacts_deg``)."""
    gl = camera.ground_line(track, events, view, frames, yaw_deg=side_yaw(track, view).deg)
    track = dataclasses.replace(track, notes=dict(
        track.notes, floor_angle_deg=gl.angle_deg, floor_lines_deg=gl.lines_deg,
        floor_confidence=gl.confidence, floor_source=gl.source, roll_corrected_deg=gl.roll_deg,
        floor_slant_deg=gl.slant_deg, vertical_deg=gl.vertical_deg))
    along = gl.along_deg
    if along:
        events = detect_events(camera.level(track, along), view)
    if gl.roll_deg:
        track = camera.level(track, gl.roll_deg)
    return track, events


def _series(track: Track, channels: dict, events) -> Series:
    """Per-frame channels for charts, rounded (None for unknown)."""
    step = max(1, int(round(track.fps / SERIES_MAX_HZ)))
    idx = np.arange(0, track.n, step)
    ch = {k: [None if not np.isfinite(v) else round(float(v), 2) for v in np.asarray(a)[idx]]
          for k, a in channels.items()}
    units = {k: ("% leg" if k.startswith(("hip_height", "foot_fwd", "shoulder_sway")) else "deg")
             for k in channels}
    return Series([round(float(x), 4) for x in track.t[idx]], [int(i) for i in idx], ch, units)


def _write_media(track: Track, frames: FrameStore | None, view, events, metrics, findings, out: Path,
                 opts: AnalysisOptions, source: SourceInfo, prog: Progress) -> Media:
    media = Media()
    if frames is None or not frames.jpeg:
        return media
    video = None
    if opts.write_video and metrics:  # a refused clip shows reasons, not a video
        # the helpers draw their runs of the video while this process makes the stills
        idx = frames.indices()
        video = parallel_video.start(frames, track.image_xy(), track.vis, track.detected, idx,
                                     track.fps / frames.step, out / "annotated.mp4")
    try:
        _write_stills(media, track, frames, view, events, metrics, findings, out)
        if video is not None:
            video.finish(prog)
            media.video = "annotated.mp4"
            media.video_frames = idx
    except BaseException:
        if video is not None:
            video.cancel()
        raise
    return media


def _write_stills(media: Media, track: Track, frames: FrameStore, view, events, metrics,
                  findings, out: Path) -> None:
    """Evidence stills, the thumbnail, face boxes and the reference stills into ``media``."""
    fwd = _fwd(view)
    (out / "evidence").mkdir(exist_ok=True)
    ic_foot = {e.frame: e.foot for e in events.ics}
    # one still per metric with an evidence frame (fixes first, they get the same key)
    for m in metrics:
        if not m.evidence_frames:
            continue
        f = int(m.evidence_frames[0])
        k = frames.nearest(f)
        img = frames.get(f)
        if img is None or k is None:
            continue
        foot = (m.extra.get("evidence_foot") or m.extra.get("arm") or m.extra.get("ear") or ic_foot.get(f)
                or _foot_at(track, f))
        # no cm made from the height in a picture: a shared copy blurs these same pictures
        shown = privacy.without_height(m.display, m.value_cm)
        caption = f"{m.label}: {shown}  ({STATUS_WORDS.get(m.status, m.status)})"
        # cropped to the runner (a portrait phone clip is mostly ceiling and wall)
        ev, (x0, y0) = annotate.evidence_still(img, track.image_xy(k), track.vis[k], m.id, fwd,
                                               shown, caption, m.status, foot)
        rel = f"evidence/{m.id}.jpg"
        cv2.imwrite(str(out / rel), ev, [cv2.IMWRITE_JPEG_QUALITY, EVIDENCE_JPEG_QUALITY])
        media.evidence[m.id] = rel
        media.evidence_frames[m.id] = int(k)
        if (x0, y0) != (0, 0):
            media.evidence_offsets[m.id] = [int(x0), int(y0)]
    status_of = {m.id: m.status for m in metrics}
    for fx in findings.fixes:
        lead = evidence_metric(fx, status_of, media.evidence)
        if lead in media.evidence:
            fx.evidence_key = lead
            fx.evidence_frame = media.evidence_frames[lead]
    # thumbnail: the middle detected frame with skeleton
    det = [i for i in frames.indices() if track.detected[i]] or frames.indices()
    mid = det[len(det) // 2]
    th = annotate.draw_skeleton(frames.get(mid), track.image_xy(mid))
    h, w = th.shape[:2]
    sc = THUMB_SIDE / max(h, w)
    cv2.imwrite(str(out / "thumb.jpg"), cv2.resize(th, (int(w * sc), int(h * sc))),
                [cv2.IMWRITE_JPEG_QUALITY, THUMB_JPEG_QUALITY])
    media.thumbnail = "thumb.jpg"
    media.thumbnail_frame = int(mid)
    media.thumbnail_scale = round(float(sc), 6)  # a shared copy scales the face box by it
    for i in frames.indices():
        fb = annotate.face_box(track.image_xy(i)) if track.detected[i] else None
        if fb:
            media.face_boxes[str(i)] = fb
    # phases + good-form reference stills (core.reference works on the JSON shape of media)
    from .reference import add_media as add_reference
    shape = media.to_dict()
    add_reference(shape, track, frames, view, events, metrics, out)
    done = Media.of(shape)
    for f in dataclasses.fields(Media):
        setattr(media, f.name, getattr(done, f.name))


def _foot_at(track: Track, frame: int) -> str:
    """The foot lower in the image (on the ground) at ``frame``."""
    ly, ry = track.p("l_ankle")[frame, 1], track.p("r_ankle")[frame, 1]
    return "L" if (np.nan_to_num(ly) >= np.nan_to_num(ry)) else "R"
