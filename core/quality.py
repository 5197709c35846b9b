"""Stage 7 — the capture-quality gate: can this clip be analysed honestly?

Contract:
    assess(track, view, events, clip) -> Quality
        ``ok`` False when any check with severity "fail" did not pass: the report is then
        *refused* (reasons and filming tips, no scores). "warn" checks limit the report.

``clip`` is a :class:`ClipStats` gathered while decoding (brightness, scene cuts, camera
motion, a second-person probe), so this stage never decodes the video again.
"""
from __future__ import annotations

import dataclasses
import warnings
from dataclasses import asdict

import numpy as np

from .admission import WELL_LIT_LUMA, ClipStats, second_person_seen
from .events import GaitEvents, spectral_step_rate
from .landmarks import Track
from .pose import LM
from .report import Quality, QualityCheck
from .segments import SegmentPlan, describe
from .spec import GROUP_MISSING, LANDMARK_GROUPS, MIN_IN_VIEW, TIMING_FPS, metrics_for_view
from .view import ViewResult, side_yaw

MIN_STEPS = 6
# Fewer contacts than this (and MIN_STEPS or more) make a note on filming: a 3-s cut scored
# 80 against its 12-s clip's 72, with other top fixes, and nothing said it rested on a few
# strides (review, 3 Dec)
FEW_STEPS_NOTE = 10
FEW_STEPS_LONG_S = 8.0  # a clip this long with under MIN_STEPS contacts is not too short: say so
# With parts of the body out of the picture, the measures their landmarks allow are still
# made; a report needs at least this many judged measures (a side view without the feet
# keeps trunk lean, elbow angle, head position and shoulder shrug: four), else it is refused.
MIN_MEASURES_LEFT = 4
SLOW_MOTION_SPM = 70.0  # no human gait is this slow in real time
WALKING_SPM = 140.0  # below this (at real time) the steps are a walking rhythm
# A live recording (``ClipStats.extra["recording"]``: the rate and the longest gap of the frames
# that reached the analysis) below this rate, or with a longer gap, can miss steps: a step
# count outside running's range is put down to the frames, not to walking or slow motion.
RECORDING_STEADY_FPS, RECORDING_GAP_S = 20.0, 0.25
# what to do about it (also core.live's refusal of a recording mostly in frame gaps)
# (640 x 480 at 30 fps is the default: "choose" it read as blame to a runner who had not
# changed it, review 3 Dec)
RECORDING_FRAMES_HINT = ("Close other apps and browser tabs, and record again (if you picked a "
                         "larger picture or a higher rate under Camera settings, go back to "
                         "640 x 480 at 30 fps).")
MAX_SPM = 240.0  # faster than any runner: a sped-up clip or a wrong capture rate
# The feet moving less than this against the hips over the clip (% of leg length, see
# body_motion_pct) is nobody running: a photo made into a video read "0 clear foot contacts"
# beside "the steps come at 109 per minute, a walking rhythm" (the pose model's jitter
# has a spectrum too: review, 3 Dec). On the shared clips running and walking move them
# 84-97 %, jogging in place 31 %; that photo's pose jitter read 5.1 %.
STILL_PCT = 12.0
# A front or back view whose runner's size in the picture changes by this factor or more
# between the clip's first and last thirds (legs' length in pixels) is a run toward or away
# from the camera: its hips' height changes with the distance, and its steps could not be
# timed. divvi_running trimmed to its feet-in-view stretch (the camera pulling away from the
# runner, legs 131 -> 66 px) was refused as "a slow-motion clip" (review, 3 Dec); jogging in
# place: 1.02.
DEPTH_RUN_RATIO = 1.4
# A clip given a capture rate: the rates that would put its steps in running's usual range
RUNNING_SPM = (160.0, 185.0)
CAPTURE_FPS_RANGE = (10, 1000)  # the capture rates an analysis takes (AnalysisOptions)

# shoulders, hips, knees and ankles, left and right: the body that must be in the picture
BODY_POINTS = [LM[f"{s}_{p}"] for p in ("shoulder", "hip", "knee", "ankle") for s in "lr"]


def body_in_frame_fraction(track: Track, margin: float = 0.01) -> float:
    """Share of detected frames with shoulders, hips, knees and ankles inside the picture."""
    det = track.detected
    if not det.any():
        return 0.0
    xy = track.image_xy()[det][:, BODY_POINTS]  # the frames' own pixels
    vis = track.vis[det][:, BODY_POINTS]
    w, h = track.width, track.height
    inside = ((xy[..., 0] > -margin * w) & (xy[..., 0] < (1 + margin) * w)
              & (xy[..., 1] > -margin * h) & (xy[..., 1] < (1 + margin) * h))
    ok = inside.all(axis=1) & (np.median(vis, axis=1) > 0.5)
    return float(ok.mean())


def in_view_frames(track: Track, group: str, margin: float = 0.0,
                   min_vis: float = 0.5) -> np.ndarray:
    """Per frame (N,): whether all points of at least one side of ``group``
    (:data:`core.spec.LANDMARK_GROUPS`) are inside the picture and visible, in a frame the
    runner was found in.

    The pose model guesses points it cannot see (a clip cropped above the feet still gets
    ankles, some inside the picture), so a point counts only when it is inside the picture
    *and* its visibility is at least ``min_vis``.
    """
    xy, vis = track.image_xy(), track.vis  # the frames' own pixels
    w, h = track.width, track.height
    ok = np.zeros(track.n, bool)
    for pts in LANDMARK_GROUPS[group]:
        p, v = xy[:, list(pts)], vis[:, list(pts)]
        inside = ((p[..., 0] >= margin * w) & (p[..., 0] <= (1 - margin) * w)
                  & (p[..., 1] >= margin * h) & (p[..., 1] <= (1 - margin) * h))
        ok |= (inside & (v >= min_vis)).all(axis=1)
    return ok & track.detected


def in_view_fractions(track: Track, margin: float = 0.0, min_vis: float = 0.5) -> dict[str, float]:
    """For each landmark group of :data:`core.spec.LANDMARK_GROUPS`: the share of the runner's
    frames in which it is in view (:func:`in_view_frames`)."""
    det = track.detected
    if not det.any():
        return {g: 0.0 for g in LANDMARK_GROUPS}
    return {g: float(in_view_frames(track, g, margin, min_vis)[det].mean())
            for g in LANDMARK_GROUPS}


# gaps shorter than this in a group's "in view" frames (a foot passing the picture's edge
# for a moment) do not end a stretch (:func:`in_view_stretch`)
STRETCH_GAP_S = 0.3
# a stretch with the feet in view this long is worth trimming the clip to (the engine needs
# a few seconds of steady steps: core.segments.MIN_STEPS)
TRIM_MIN_S = 4.0


def in_view_stretch(track: Track, group: str = "feet", min_vis: float = 0.5
                    ) -> tuple[float, float] | None:
    """``(start, end)`` seconds of the longest stretch in which ``group``'s points are in the
    picture (:func:`in_view_frames`), bridging gaps under
    :data:`STRETCH_GAP_S`; None when they never are. A clip whose feet are out of the picture
    for most of it can still hold a usable stretch (an outdoor clip: its last 9 s)."""
    from scipy import ndimage

    ok = in_view_frames(track, group, min_vis=min_vis)
    if not ok.any():
        return None
    gap = max(1, int(round(STRETCH_GAP_S * track.fps)))
    bridged = ndimage.binary_closing(ok, structure=np.ones(gap + 1, bool)) | ok
    labels, k = ndimage.label(bridged)
    sizes = ndimage.sum(bridged, labels, range(1, k + 1))
    idx = np.flatnonzero(labels == 1 + int(np.argmax(sizes)))
    return float(track.t[idx[0]] - track.t[0]), float(track.t[idx[-1]] - track.t[0])


def measurable(seen: dict[str, float], view: str) -> list[str]:
    """Ids of the judged metrics valid for ``view`` whose landmarks (:attr:`MetricSpec.needs`)
    are in view often enough (``seen``: :func:`in_view_fractions`)."""
    return [m.id for m in metrics_for_view(view) if m.kind != "info"
            and all(seen.get(g, 0.0) >= MIN_IN_VIEW for g in m.needs)]


def body_motion_pct(track: Track) -> float | None:
    """How far the feet move against the hips over the clip, % of leg length: each ankle's
    5-95 percentile range across and up-down (the larger), the larger ankle. None with
    fewer than 10 frames of the runner."""
    det = track.detected
    leg = track.leg_length_px()
    if det.sum() < 10 or not np.isfinite(leg) or leg <= 0:
        return None
    hip = track.mid("l_hip", "r_hip")
    best = None
    for s in "lr":
        rel = (track.p(f"{s}_ankle") - hip)[det]
        rel = rel[np.isfinite(rel).all(axis=1)]
        if len(rel) < 10:
            continue
        lo, hi = np.percentile(rel, [5, 95], axis=0)
        r = float(np.max(hi - lo)) / leg * 100
        best = r if best is None else max(best, r)
    return best


def size_change(track: Track) -> float | None:
    """The runner's size in the picture in the clip's last third over its first (median
    hip-knee-ankle length in pixels, both legs): above 1 coming toward the camera, below 1
    going away. None without enough frames."""
    n = len(track.t)
    if n < 9:
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        leg = np.nanmax(track.leg_lengths_px(), axis=0)  # the longer-looking leg
        leg[~track.detected] = np.nan
        first, last = np.nanmedian(leg[: n // 3]), np.nanmedian(leg[2 * n // 3:])
    if not (np.isfinite(first) and np.isfinite(last)) or first <= 0 or last <= 0:
        return None
    return float(last / first)


def video_step_spm(track: Track, scale: float) -> float | None:
    """Steps per minute of *video* from the hips' bounce (:func:`core.events.spectral_step_rate`
    on the video's own time line: ``scale`` is real seconds per video second)."""
    if not scale or scale <= 0:
        return None
    hz, _ = spectral_step_rate(dataclasses.replace(track, t=np.asarray(track.t, float) / scale))
    return hz * 60 if hz else None


def rate_for_running(capture_fps: float, spm: float) -> tuple[int, int] | None:
    """The capture rates (fps, rounded to 10) that would put steps read at ``spm`` with
    ``capture_fps`` into :data:`RUNNING_SPM`; None when they fall outside the rates an
    analysis takes (:data:`CAPTURE_FPS_RANGE`: no rate to suggest)."""
    if spm <= 0:
        return None
    lo, hi = (int(round(capture_fps * r / spm / 10) * 10) for r in RUNNING_SPM)
    return (lo, hi) if CAPTURE_FPS_RANGE[0] <= lo and hi <= CAPTURE_FPS_RANGE[1] else None


# The advice of a refusal that blames the capture rate the runner entered: the report page
# (ui.report_view.rate_given_wrong) recognises a stored refusal's advice by these openings
NO_RATE_FIX = ("Leave the slow-motion capture rate empty (it is only for a clip that plays in "
               "slow motion) and analyse it again.")
CHECK_RATE_FIX = "Check the slow-motion rate in your phone's camera settings"


def _rate_hint(capture: float | None, spm: float) -> str:
    """What to do about a step rate out of running's range with a capture rate given."""
    if not capture:
        return "Check the capture frame rate you entered."
    rates = rate_for_running(capture, spm)
    return (f"{CHECK_RATE_FIX} or the clip's details, and analyse the clip again with it"
            + (f" (for running, about {rates[0]}-{rates[1]} fps with this clip's steps)."
               if rates else "."))


def runner_height_fraction(track: Track) -> float:
    det = track.detected
    if not det.any():
        return 0.0
    y = track.image_xy()[det][:, :, 1]
    y = y[np.isfinite(y).any(axis=1)]  # frames a lost camera could not place: no size
    if not len(y):
        return float("nan")  # not known (not small): the size check says so
    return float(np.nanmedian(np.nanmax(y, axis=1) - np.nanmin(y, axis=1)) / track.height)


# The runner's hips-to-shoulders line against the picture's up, past which the picture is
# turned, not the runner leaning (runners lean under 25 deg; a tilted phone adds ~10): a clip
# turned 90 deg with no orientation tag read "Side view, high confidence, trunk lean -85 deg"
# and scored 66 with "Add a slight forward lean"; upside down it scored 74 (review, 3 Dec).
UPRIGHT_MAX_DEG = 50.0


def body_turn_deg(track: Track) -> float | None:
    """How far the runner's hips-to-shoulders line is turned from the picture's up (deg,
    -180..180, + clockwise as seen; 0 upright, +-90 lying along the picture, 180 upside
    down): the direction of the mean unit vector over the frames the runner was found in.
    None without such frames."""
    xy = track.image_xy()[track.detected]
    with np.errstate(invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a frame without the points: NaN
        sh = np.nanmean(xy[:, [LM["l_shoulder"], LM["r_shoulder"]]], axis=1)
        hp = np.nanmean(xy[:, [LM["l_hip"], LM["r_hip"]]], axis=1)
    v = sh - hp
    v = v[np.isfinite(v).all(axis=1)]
    n = np.linalg.norm(v, axis=1)
    v = v[n > 0] / n[n > 0, None]
    if len(v) < 3:
        return None
    mx, my = v.mean(axis=0)
    return float(np.degrees(np.arctan2(mx, -my)))  # image y points down: up is (0, -1)


# how near a quarter turn the runner's line must lie for the picture to be turned upright
# (core.pipeline): a runner found 45 deg off is no picture turned by a phone's quarter turns,
# and is refused by the upright check instead
UPRIGHT_SNAP_DEG = 30.0


def upright_turn(track: Track) -> int:
    """The clockwise quarter turns (90, 180 or 270 degrees) that stand a runner found lying
    along the picture or upside down upright (a phone's clip with no orientation tag, or a
    wrong one); 0 when the runner is upright, not found, or turned by no near quarter turn
    (:data:`UPRIGHT_SNAP_DEG`)."""
    turn = body_turn_deg(track)
    if turn is None or abs(turn) <= UPRIGHT_MAX_DEG:
        return 0
    quarter = round(turn / 90.0) * 90
    if abs(turn - quarter) > UPRIGHT_SNAP_DEG:
        return 0
    return int(-quarter) % 360  # the picture turns back against the runner's turn


TILT_NOTE_DEG = 3.0  # from here the picture's tilt is called out on the report (a note)
TILT_WARN_DEG = 6.0  # from here it limits the report (angles read against the picture's vertical)
SIZE_NOTE = 0.45  # runner under this fraction of the picture height: a note (filming guide: 1/2-3/4)
SIZE_WARN = 0.30  # under this: a warning that limits the report


def camera_tilt_deg(track: Track, view: str) -> float | None:
    """How far the picture is rolled off level, in degrees (None when it cannot be told).

    Front / back view only: the trunk (hips' midpoint to shoulders' midpoint) sways left and
    right about the true vertical as the runner runs, so its median angle against the
    picture's vertical is the picture's roll (positive: the trunk's top leans to the right in
    the picture). From the side the trunk leans forward by the runner's own lean: there
    :func:`assess` uses the floor line of :func:`core.camera.ground_line` (``track.notes``),
    on which the pipeline has already levelled the track. (Two side cues tried here were not
    good enough: the stance foot's heel-to-toe line at midstance read 8.7 deg on a level render
    and 5.6 deg on one rolled 6 deg, the hips' bounce axis -1.4 and 2.4 deg.)
    """
    if view not in ("front", "back"):
        return None
    hip = track.mid("l_hip", "r_hip")
    sh = track.mid("l_shoulder", "r_shoulder")
    d = sh - hip
    good = track.detected & np.isfinite(d).all(axis=1)
    if good.sum() < 10:
        return None
    return round(float(np.median(np.degrees(np.arctan2(d[good, 0], -d[good, 1])))), 1)


def duty_factor(events: GaitEvents) -> float | None:
    vals = []
    for e in events.ics:
        nxt = next((x for x in events.ics if x.foot == e.foot and x.t > e.t), None)
        to = next((x for x in events.tos if x.foot == e.foot and x.t > e.t), None)
        if nxt and to and to.t < nxt.t:
            vals.append((to.t - e.t) / (nxt.t - e.t))
    return float(np.median(vals)) if len(vals) >= 3 else None


def assess(track: Track, view: ViewResult, events: GaitEvents, clip: ClipStats,
           segments: SegmentPlan | None = None) -> Quality:
    """``segments`` (:func:`core.segments.find_segments`): when the clip was split, only the
    analysed stretch's frames count for "runner found", and cuts limit the report instead
    of refusing it; with no stretch of :data:`MIN_STEPS` steady steps it is refused."""
    checks: list[QualityCheck] = []

    def add(id_, label, passed, severity, detail, fix="", value=None):
        checks.append(QualityCheck(id_, label, bool(passed), severity if not passed else "info",
                                   detail, fix, value))

    part = segments.analysed if segments is not None and not segments.whole else None
    in_part = track.detected[part.start_frame:part.end_frame] if part else track.detected
    det = float(in_part.mean()) if len(in_part) else 0.0
    add("person", "Runner in the frames", det >= 0.8, "fail" if det < 0.5 else "warn",
        f"The runner was found in {det:.0%} of frames.",
        "Keep the whole runner in the picture for the entire clip, in good light, with nobody "
        "and nothing passing in front of them.",
        det)
    body = body_in_frame_fraction(track)
    seen = in_view_fractions(track)
    feet_seen = seen["feet"] >= MIN_IN_VIEW
    left = measurable(seen, view.view)
    back_off = "Step the camera back until there is space above the head and below the feet."
    if seen["trunk"] < MIN_IN_VIEW:
        add("whole_body", "Body in view", False, "fail",
            f"{GROUP_MISSING['trunk']}: they were in view in {seen['trunk']:.0%} of frames.",
            back_off, body)
    elif not feet_seen:
        enough = len(left) >= MIN_MEASURES_LEFT
        feet = (f"{GROUP_MISSING['feet']} (in view in {seen['feet']:.0%} of frames)")
        stretch = in_view_stretch(track, "feet")
        trim = ""
        if stretch is not None and stretch[1] - stretch[0] >= TRIM_MIN_S:
            # say where they are in view: the runner can trim to it rather than film again
            trim = (f" They are in view from {stretch[0]:.1f} s to {stretch[1]:.1f} s "
                    f"({stretch[1] - stretch[0]:.0f} s in one stretch).")
        add("whole_body", "Body in view", False, "warn" if enough else "fail",
            feet + (": we analysed what they are not needed for; foot contacts and the "
                    "measures built on them are not measured." if enough else
                    f": only {len(left)} measures could be made without them, too few to "
                    "score your form.") + trim,
            ("Trim the clip to that stretch (your phone's gallery can trim clips) and upload "
             "it again, or step the camera back until there is space above the head and "
             "below the feet." if trim else back_off), body)
    else:
        add("whole_body", "Body in view", body >= 0.7, "warn",
            f"Head to feet were fully in view in {body:.0%} of frames.", back_off, body)
    size = runner_height_fraction(track)
    if not np.isfinite(size):  # no frame the runner could be placed in (a lost camera)
        add("size", "Runner's size in the frame", True, "info",
            "The runner's size in the picture could not be measured.", "", None)
    else:
        add("size", "Runner's size in the frame", size >= SIZE_NOTE,
            "warn" if size < SIZE_WARN else "info",
            f"The runner fills {size:.0%} of the frame height" + (
                ": small landmarks make every angle and distance noisier." if size < SIZE_NOTE
                else "."),
            "Move the camera closer, or zoom in before you start (the runner should fill half "
            "to three quarters of the height, head and feet still in the picture).", size)
    tilt = camera_tilt_deg(track, view.view)
    tip = ("Level the phone before you film (most camera apps show a level or grid lines); "
           "on a tripod, check the horizon or the treadmill's edge is straight in the picture.")
    floor, levelled = track.notes.get("floor_angle_deg"), track.notes.get("roll_corrected_deg")
    # the picture's upright lines give its tilt at any yaw (core.camera.vertical_lines_roll);
    # the floor line is the other cue, read as a tilt only when the camera is square
    upright = track.notes.get("vertical_deg")
    if not str(track.notes.get("floor_source") or "").startswith("vertical lines"):
        upright = None  # none found, or filmed square and overruled by the floor line
    if isinstance(upright, (int, float)):
        floor = upright
        # a front or back view levelled on its upright lines (core.camera.settle): the trunk's
        # line, read after the levelling, no longer tells the picture's tilt; the uprights do
        tilt = None
    if tilt is not None:
        add("tilt", "Camera tilt", abs(tilt) < TILT_NOTE_DEG,
            "warn" if abs(tilt) >= TILT_WARN_DEG else "info",
            f"The picture looks tilted by about {abs(tilt):.0f}° (from the runner's upright trunk)"
            + (": the shoulder level, trunk twist and sway are read against the picture's "
               "level and vertical and can be off by about as much." if abs(tilt) >= TILT_NOTE_DEG
               else "."), tip, tilt)
    elif isinstance(floor, (int, float)) and (view.view == "side" or isinstance(upright, (int, float))):
        # core.camera.ground_line found the floor and the track was levelled on it
        # (roll_corrected_deg): the angles are right, the filming can still be better
        done = isinstance(levelled, (int, float)) and levelled != 0
        cue = ("its upright lines (door frames, furniture edges)"
               if isinstance(upright, (int, float)) else "the floor line")
        amount = f"{abs(floor):.1f}°" if abs(floor) < TILT_NOTE_DEG else f"{abs(floor):.0f}°"
        if done:  # said whatever its size: the angles shown are the levelled ones
            said = (f"The picture is tilted by about {amount}, read from {cue}; we levelled "
                    "it before measuring, so the angles are read against the true vertical.")
        elif abs(floor) >= TILT_NOTE_DEG:
            said = (f"The picture is tilted by about {amount}, read from {cue}, but not "
                    "clearly enough to level on, so angles such as trunk lean are read "
                    "against the picture's vertical.")
        else:
            said = (f"The picture is level to within about {amount}, read from {cue}: too "
                    "little to change the angles, so it is measured as filmed.")
        add("tilt", "Camera tilt", abs(floor) < TILT_NOTE_DEG, "info", said, tip, float(floor))
    two = second_person_seen(clip)
    add("single", "People in the picture", not two,
        "fail", "A second person is in the picture." if two else "Only one person was found.",
        "Film one runner at a time, with nobody else in the picture.")
    add("light", "Light", clip.brightness >= WELL_LIT_LUMA, "fail" if clip.brightness < 25 else "warn",
        # in words, not "Average brightness 33/255" alone (review, 3 Dec)
        # a refusal in words of a refusal: "some measures may be missed" read as a mild
        # caution over "We could not score this clip" (review, 3 Dec)
        (f"The clip is too dark to score (average brightness {clip.brightness:.0f} of 255; "
         "a well-lit clip is over 45): the runner's limbs cannot be followed reliably."
         if clip.brightness < 25 else
         f"The clip is dark (average brightness {clip.brightness:.0f} of 255): the runner's "
         "limbs are seen less clearly, so some measures may be missed and the others read "
         "with more error." if clip.brightness < 45 else
         f"The light is good enough (average brightness {clip.brightness:.0f} of 255)."),
        "Film in daylight or a well-lit room, with the light behind the camera.", clip.brightness)
    rec = clip.extra.get("recording")  # a live recording: its frames' rate and gaps
    sparse = rec is not None and (rec.get("fps", 0.0) < RECORDING_STEADY_FPS
                                  or rec.get("max_gap_s", 0.0) > RECORDING_GAP_S)
    if segments is None or (segments.whole and clip.scene_cuts):
        add("cuts", "Cuts between shots", clip.scene_cuts == 0, "fail",
            f"The clip has {clip.scene_cuts} cut(s) between shots." if clip.scene_cuts
            else "One continuous shot.",
            "Upload a single continuous clip straight from the camera, not an edited video.")
    elif segments.whole:
        add("cuts", "Cuts between shots", True, "info", "One continuous shot.")
    elif rec is not None:
        # a webcam recording has no cuts or zooms: its breaks come from frames that did not
        # reach the analysis, or from the runner (a 19 fps recording read "The runner leaves
        # the picture ... cuts, zooms" while the live view said "whole body in view": review,
        # 3 Dec)
        add("cuts", "Continuous stretches", False,
            "warn" if segments.analysed is not None else "fail",
            (f"Only {_frames_reached(rec)}, so the running breaks into pieces: "
             + _after_cause(describe(segments)) if sparse else describe(segments)),
            RECORDING_FRAMES_HINT if sparse else
            "Record again while running steadily at one pace, your whole body in the picture "
            "the whole time.", len(segments.segments))
    else:
        add("cuts", "Continuous stretches", False,
            "warn" if segments.analysed is not None else "fail", describe(segments),
            "Film one continuous shot of 10-20 s of steady running; cuts, zooms and pace "
            "changes split the clip and only its longest steady stretch is scored.",
            len(segments.segments))
    if not clip.camera_ok:  # the steps' timing and positions cannot be trusted: no gait checks
        add("still", "Camera motion", False, "fail", clip.camera_reason,
            "Put the phone on a tripod, or follow the runner smoothly with detailed background "
            "(not a plain wall) around them.", clip.camera_shift_pct)
    elif clip.camera_moved:
        add("still", "Camera motion", True, "info",
            f"{CAMERA_MOVED} (up to {clip.camera_shift_pct:.0f} % of the frame width); "
            "positions were measured against the background.", "", clip.camera_shift_pct)
    else:
        add("still", "Camera motion", True, "info", "The camera stood still.", "",
            clip.camera_shift_pct)
    n_ic = len(events.ics)
    grow = size_change(track) if view.view in ("front", "back") else None
    depth = grow is not None and max(grow, 1 / grow) >= DEPTH_RUN_RATIO
    depth_fix = ("Film from behind or in front with the runner on a treadmill (or running on "
                 "the spot); for a run outdoors, film side-on as the runner passes.")
    motion = body_motion_pct(track)
    still = motion is not None and motion < STILL_PCT and clip.camera_ok
    if still:  # no steps and no rhythm to count: saying either would be untrue
        add("moving", "Runner moving", False, "fail",
            "Nobody is running in this recording: the feet stay where they are from start to "
            "end." if rec is not None else
            "Nobody is running in this clip: the feet stay where they are from start to end "
            "(is it a photo, or a paused video?).",
            "Record again while running on the treadmill, side-on to the camera."
            if rec is not None else
            "Upload a video of the runner running: 10-20 s, side-on, the whole body in the "
            "picture.", motion)
    if not clip.camera_ok or still:
        pass
    elif feet_seen:
        t = np.asarray(track.t, float)
        secs = float(t[-1] - t[0]) if len(t) > 1 else 0.0
        if n_ic < MIN_STEPS and secs >= FEW_STEPS_LONG_S:
            # a long clip with a handful of contacts is no short clip: "film 10-20 s" would
            # be untrue (a 32 s slow-motion clip gave 3 contacts and no rhythm to count)
            add("steps", "Steps found", False, "fail",
                f"Only {n_ic} clear foot contacts in {secs:.0f} s of video (at least "
                f"{MIN_STEPS} needed; a runner lands about 3 times a second).",
                (f"Only {rec['fps']:.0f} frames a second reached the analysis. "
                 + RECORDING_FRAMES_HINT if sparse else depth_fix if depth else
                 "Record again while running steadily, side-on, with your feet in the picture."
                 if rec is not None else
                 "If this is a slow-motion clip, enter the real capture frame rate (e.g. 240 "
                 "for 240 fps) so we can convert the timing; if not, film the runner side-on, "
                 "running steadily with the feet in the picture." if not clip.capture_fps_given
                 else "Check the capture frame rate you entered, and film the runner side-on, "
                 "running steadily with the feet in the picture."), n_ic)
        else:
            add("steps", "Steps found", n_ic >= MIN_STEPS, "fail",
                f"{n_ic} clear foot contacts found (at least {MIN_STEPS} needed).",
                "Film 10-20 s of steady running.", n_ic)
            if MIN_STEPS <= n_ic < FEW_STEPS_NOTE:
                add("few_steps", "Number of steps", False, "info",
                    f"Only {n_ic} foot contacts in {secs:.0f} s: every number rests on a few "
                    "strides and can differ from a longer clip's by more than its usual "
                    "reading error.", "Film 10-20 s of steady running for steadier numbers.",
                    n_ic)
    else:  # contacts of feet out of the picture are guesses: the hips' rhythm has to do
        add("steps", "Steps found", events.cadence_spectral is not None, "fail",
            "With the feet out of the picture the steps were timed from the hips' bounce."
            if events.cadence_spectral is not None else
            "With the feet out of the picture no steady rhythm could be found in the hips.",
            "Film 10-20 s of steady running, feet in the picture.")

    cad = (events.cadence_spectral or events.cadence_events) if feet_seen else events.cadence_spectral
    # the rhythm means nothing on a mostly hidden body
    body_ok = det >= 0.5 and (body >= 0.5 or (seen["trunk"] >= MIN_IN_VIEW
                                              and len(left) >= MIN_MEASURES_LEFT))
    capture = clip.extra.get("capture_fps") if clip.capture_fps_given else None
    at_own_speed = (video_step_spm(track, clip.time_scale)
                    if capture and 0 < clip.time_scale < 1 and body_ok and not still else None)
    if still:
        pass
    elif at_own_speed is not None and WALKING_SPM <= at_own_speed <= MAX_SPM \
            and at_own_speed / clip.time_scale > MAX_SPM:
        # a normal-speed clip given a capture rate: its steps, sped up by the rate, are too
        # quick to find, and the hips' rhythm read at half their speed (a 30 fps clip at 169
        # given 60 fps scored 75 with contact time 142 ms and cadence 171: review, 3 Dec)
        add("rate", "Running rhythm", False, "fail",
            f"This clip already plays at normal speed: its steps come at {at_own_speed:.0f} "
            f"a minute as it plays. With the capture rate you entered ({capture:.0f} fps) "
            f"they would come at {at_own_speed / clip.time_scale:.0f} a minute, faster than "
            "any runner.", NO_RATE_FIX, at_own_speed)
    elif cad is not None and body_ok and clip.camera_ok and rec is not None and (
            cad < WALKING_SPM or cad > MAX_SPM):
        # a live recording runs in real time (no slow motion, no capture rate to enter): too
        # few steps (or too many) come from frames that did not reach the analysis, or from
        # walking (a 15 s recording at 14 frames a second with 0.5 s gaps read 68 steps a
        # minute for a runner at 169 and was called "a slow-motion clip": live review, 2 Dec)
        if sparse:
            add("rate", "Running rhythm", False, "fail",
                f"We found your steps at {cad:.0f} a minute, which no runner does: only "
                f"{_frames_reached(rec)}, so steps were missed or misread.",
                RECORDING_FRAMES_HINT, cad)
        elif cad < WALKING_SPM:
            add("rate", "Running or walking", False, "fail",
                f"The steps come at {cad:.0f} per minute, a walking rhythm.",
                "FormCheck analyses running: record again while running at your usual easy "
                "pace.", cad)
        else:
            add("rate", "Running rhythm", False, "fail",
                f"The steps come at {cad:.0f} per minute: faster than any runner, so the steps "
                "were misread.", "Record again while running steadily, side-on to the camera.",
                cad)
    elif cad is not None and body_ok and clip.camera_ok:
        if depth and (cad < WALKING_SPM or cad > MAX_SPM):
            # the hips' height follows the distance, not the steps: no slow motion to blame
            add("rate", "Running rhythm", False, "fail",
                # (by distance, not by the way they face: divvi's runner faces the camera
                # while a camera car pulls away)
                "The runner's distance from the camera changes a lot (their size in the "
                f"picture {'grows' if grow > 1 else 'shrinks'} {max(grow, 1 / grow):.1f}-fold "
                "over the clip), so their steps could not be timed from this view.",
                depth_fix, cad)
        elif cad < SLOW_MOTION_SPM and not clip.capture_fps_given:
            add("rate", "Running rhythm", False, "fail",
                f"The steps come at {cad:.0f} per minute of video: far too slow for real time. "
                "This looks like a slow-motion clip.",
                "Enter the real capture frame rate (e.g. 240 for a 240 fps slow-motion clip) "
                "so we can convert the timing, or upload a normal-speed clip.", cad)
        elif cad < SLOW_MOTION_SPM:
            add("rate", "Running rhythm", False, "fail",
                f"Even at the capture rate you gave, the steps come at {cad:.0f} per minute.",
                _rate_hint(capture, cad), cad)
        elif cad < WALKING_SPM and capture:
            # walking, or a rate too low: a 240 fps guess for a faster slow-motion clip read
            # "a walking rhythm ... film yourself running" (review, 3 Dec)
            rates = rate_for_running(capture, cad)
            add("rate", "Running or walking", False, "fail",
                f"At the capture rate you entered ({capture:.0f} fps) the steps come at "
                f"{cad:.0f} per minute, a walking rhythm. If this is running, the clip was "
                "filmed faster than that" + (
                    f": at about {rates[0]}-{rates[1]} fps the steps would come at "
                    f"{RUNNING_SPM[0]:.0f}-{RUNNING_SPM[1]:.0f} a minute, a running rhythm."
                    if rates else "."), _rate_hint(capture, cad), cad)
        elif cad < WALKING_SPM:
            add("rate", "Running or walking", False, "fail",
                f"The steps come at {cad:.0f} per minute, a walking rhythm.",
                "FormCheck analyses running: film yourself running at your usual easy pace."
                + ("" if clip.capture_fps_given else
                   " If this is running shown in slow motion (a slow-motion phone clip, or "
                   "stock footage slowed to half speed), enter the real capture frame rate "
                   "so we can convert the timing."), cad)
        elif cad > MAX_SPM:
            add("rate", "Running rhythm", False, "fail",
                f"The steps come at {cad:.0f} per minute: faster than any runner. The clip may "
                "be sped up, or the capture rate entered is too high.",
                _rate_hint(capture, cad) if capture else "Upload the clip at normal speed.",
                cad)
        else:
            add("rate", "Running rhythm", True, "info", f"{cad:.0f} steps per minute.", "", cad)
    if view.view == "side" and clip.camera_ok:
        df = duty_factor(events)
        if df is not None and df > 0.6 and (cad or 0) < 160:
            add("flight", "Running or walking", False, "fail",
                f"Each foot is on the ground {df:.0%} of the time with no flight phase: a "
                "walking pattern.", "Film yourself running at your usual easy pace.", df)
        if view.facing_changes:
            add("direction", "Running direction", False, "warn",
                "The runner changes direction during the clip.",
                "Film a straight pass (or a treadmill) in one direction.")
    if view.source == "user" and view.auto_view not in (None, view.view):
        add("view_choice", "View setting", False, "warn",
            f"You set a {view.view} view; the footage looks {view.auto_view}. Numbers follow "
            "your choice with reduced confidence.",
            "Check the view setting, or leave it on automatic.")
    if view.view == "side":
        # an oblique side camera costs a measure and confidence: say so among the capture
        # checks and tips, not only on the cards (fresh-eyes review: a 30 deg camera read
        # "every check that decides the scoring passed" with its elbow angle dropped)
        from .metrics.arms import ELBOW_MAX_YAW_DEG  # (core.metrics imports this module)
        from .metrics.landing import YAW_LOW_CONF_DEG

        yaw = side_yaw(track, view).deg
        if yaw is not None and yaw >= YAW_LOW_CONF_DEG:
            # from where the side measures' confidence drops (their cards say so), not only
            # from where the elbow goes: a 19 deg treadmill clip had "Film square to the
            # runner" on a tab and no capture check saying why (browser review, s19)
            add("angle", "Camera angle", False, "warn",
                f"The camera is about {yaw:.0f}° off square to the running direction (a rough "
                "estimate): "
                + ("the elbow angle is not measured; " if yaw >= ELBOW_MAX_YAW_DEG else "")
                + "overstride, the shin angle, foot strike and trunk lean are corrected for the "
                "angle, and they and the knee and thigh angles are shown with lower confidence.",
                "Film exactly side-on: the camera at right angles to the running direction, "
                "at about hip height (on a treadmill, square to its side).", yaw)
    if view.view == "unsure":
        add("view", "Camera angle", False, "warn", view.detail,
            "Film exactly from the side (for most metrics) or straight from behind or in front.")
    fps = track.fps
    add("fps", "Frame rate for timing", fps >= TIMING_FPS, "info",
        f"{fps:.0f} frames per second: ground-contact timings are approximate."
        if fps < TIMING_FPS else f"{fps:.0f} frames per second.",
        "Use your phone's 60 fps (or slow-motion) mode for contact times.", fps)
    if not clip.decoded_all:
        read, whole = clip.extra.get("read_s"), clip.extra.get("expected_s")
        add("complete", "File completeness", False, "warn",
            "The file ends abruptly; we analysed the part that could be read"
            + (f": the first {read:.1f} s of about {whole:.0f} s." if
               isinstance(read, (int, float)) and isinstance(whole, (int, float)) else "."),
            "Export or upload the clip again.", read)
    stood = clip.extra.get("turned_deg")
    if stood:
        add("upright", "Picture upright", False, "info",
            ("The video was upside down" if stood == 180 else
             "The video was turned on its side (the runner lay along the picture)")
            + ", and nothing in the file said so: we turned it upright before reading it, "
            "and the stills and video here are shown upright.",
            "Check that the clip plays the right way up in your phone's gallery before you "
            "upload it (Edit, then the rotate button, turns it).", stood)
    turn = body_turn_deg(track)
    if turn is not None and abs(turn) > UPRIGHT_MAX_DEG:
        # the true reason, alone: the other checks read a turned runner (steps, view, tilt)
        upside = abs(turn) > 135
        checks = [c for c in checks if c.id == "person"]
        add("upright", "Picture upright", False, "fail",
            ("The runner is upside down in the picture" if upside else
             f"The runner lies along the picture (turned about {abs(turn):.0f}°)")
            + ": the video seems to be rotated, so no angle in it can be read against the "
            "ground.",
            "Rotate the clip so the runner stands upright (your phone's gallery can rotate a "
            "video: Edit, then the rotate button), save it and upload it again.", turn)

    failed = [c for c in checks if not c.passed and c.severity == "fail"]
    warned = [c for c in checks if not c.passed and c.severity == "warn"]
    tips = distinct_tips([c.how_to_fix for c in failed + warned if c.how_to_fix])
    return Quality(ok=not failed, summary=summarise([asdict(c) for c in checks]), checks=checks,
                   tips=tips)


def _frames_reached(rec: dict) -> str:
    """"14 frames a second of the recording reached the analysis, with gaps of up to 0.6 s"
    (the gaps only when over :data:`RECORDING_GAP_S`): a sparse live recording's cause."""
    return (f"{rec['fps']:.0f} frames a second of the recording reached the analysis"
            + (f", with gaps of up to {rec['max_gap_s']:.1f} s"
               if rec.get("max_gap_s", 0.0) > RECORDING_GAP_S else ""))


def _after_cause(text: str) -> str:
    """A stretch sentence of :func:`core.segments.describe` without its own cause (a
    refusal's "The runner leaves the picture, ...; the longest ... has 4 steps"), to follow
    the frames' cause of a sparse live recording; lower-cased to continue a sentence."""
    rest = text.split("; ", 1)[1] if "; " in text else text
    return rest[:1].lower() + rest[1:]


def distinct_tips(tips: list[str]) -> list[str]:
    """The tips in order, each piece of advice once: a slow-motion clip with too few steps
    failed both the steps and the rhythm check, and its refusal listed "enter the real
    capture frame rate" twice (mhuang_slow, s20); the first tip asking for it stays. The
    report page's refusal cards use it too (ui.report_view.refused)."""
    out: list[str] = []
    for tip in tips:
        if tip in out or ("capture frame rate" in tip
                          and any("capture frame rate" in t for t in out)):
            continue
        out.append(tip)
    return out


CAMERA_MOVED = "The camera moved"  # how the "still" check's detail starts for a moving camera


def filming(report: dict) -> dict[str, object]:
    """How a report's clip was filmed, as far as comparing two runs cares: ``timing`` (at or
    over :data:`TIMING_FPS`, or under it: contact times firmer or approximate), ``camera``
    ("still" / "moving") and ``angle`` ("square" / "off square": the "Camera angle"
    warning)."""
    checks = {c.get("id"): c for c in (report.get("quality") or {}).get("checks") or []
              if isinstance(c, dict)}
    fps = (report.get("source") or {}).get("fps_measured") or 0
    still = str((checks.get("still") or {}).get("detail") or "")
    angle = checks.get("angle")
    return {"timing": f"{TIMING_FPS:.0f} fps or more" if fps >= TIMING_FPS
            else f"under {TIMING_FPS:.0f} fps",
            "camera": "moving" if still.startswith(CAMERA_MOVED) else "still",
            "angle": "off square" if angle is not None and not angle.get("passed") else "square"}


def summarise(checks: list[dict]) -> str:
    """The capture-quality headline of a clip's checks (as stored in a report: dicts with
    ``passed``, ``severity``, ``label``, ``detail``), true to every check it lists.

    A failed "fail" check refuses the clip, a failed "warn" check limits it, a failed "info"
    check is a note on filming better that changes no score: the headline says "every capture
    check passed" only when every check did, and otherwise names what did not.
    """
    missed = [c for c in checks if not c.get("passed")]
    failed = [c for c in missed if c.get("severity") == "fail"]
    warned = [c for c in missed if c.get("severity") == "warn"]
    notes = [c for c in missed if c.get("severity") not in ("fail", "warn")]
    if failed:
        return "We can't score this clip honestly: " + " ".join(c.get("detail", "") for c in failed)
    if warned:
        text = "Analysed, with limits: " + " ".join(c.get("detail", "") for c in warned)
    elif notes:
        text = "Good enough to score: every check that decides the scoring passed"
    else:
        return "Good footage: every capture check passed."
    if notes:
        names = ", ".join(c.get("label", "").lower() for c in notes)
        # after the limits, "more": the filming box below counts limits and notes together,
        # and "2 notes on filming" above its "(5)" read as a miscount (review, 3 Dec)
        more = "more " if warned else ""
        text = text.rstrip(".") + (f"; {len(notes)} {more}note{'s' if len(notes) != 1 else ''} "
                                   f"on filming ({names}).")
    return text


def headline(report: dict) -> str:
    """The capture-quality headline a report page shows: :func:`summarise` of the report's
    checks, so a report stored before the headline named its notes reads true as well; a
    session of clips keeps its stored one (each clip's own headline, labelled with its clip)."""
    q = report.get("quality") or {}
    checks = q.get("checks") or []
    if report.get("session") or not checks:
        return q.get("summary") or ""
    return summarise(checks)
