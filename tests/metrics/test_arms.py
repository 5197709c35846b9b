"""Elbow angle, arm swing (side view) and arm crossover (front/back) (core/metrics/arms.py)
against the model's truth and definitions worked out on its world joints. Tolerances: elbow
0.5 deg (README claims 1 deg through the pose model), swing balance 1 % of the arc and
1 deg, wrist travel 0.5 % of leg length, crossover exact (a count)."""
import numpy as np
import pytest

from model_track import PLANAR, LM, RunnerParams, build, frame_of, sagittal

from core.synthetic.camerapath import CameraPath


@pytest.mark.parametrize("view", ["side", "side_l"])
@pytest.mark.parametrize("elbow", [60.0, 90.0, 130.0])
def test_elbow_angle(view, elbow):
    case = build(PLANAR.with_(elbow_angle_deg=elbow), view=view)
    m = case.metrics()["elbow_angle"]
    assert m.value == pytest.approx(case.motion.truth["elbow_angle_deg"], abs=0.5)
    assert m.extra["arm"] in ("L", "R")


def _swing_case(mean: float, amp: float, lean: float):
    return build(PLANAR.with_(arm_swing_mean_deg=mean, arm_swing_amp_deg=amp,
                              trunk_lean_deg=lean))


def _check_swing(case, mean: float, amp: float) -> None:
    """The upper arm swings ``mean +- amp`` about the trunk line: ``mean + amp`` in front,
    ``amp - mean`` behind; the wrist's travel is its forward range against the shoulder."""
    m = case.metrics()["arm_swing"]
    front, back = max(0.0, mean + amp), max(0.0, amp - mean)
    assert m.extra["upper_arm_front_deg"] == pytest.approx(front, abs=0.5)
    assert m.extra["upper_arm_back_deg"] == pytest.approx(back, abs=0.5)
    assert m.extra["front_share_pct"] == pytest.approx(round(front / (front + back) * 100), abs=1.0)
    arm = m.extra["arm"].lower()
    fwd, X = case.motion.forward, case.X
    rel = sagittal(X[:, LM[f"{arm}_wrist"]] - X[:, LM[f"{arm}_shoulder"]], fwd)[:, 0]
    ics = [frame_of(case, e.t) for e in case.motion.events if e.kind == "ic" and e.side == "l"]
    travel = np.median([np.ptp(rel[a:b + 1]) for a, b in zip(ics[:-1], ics[1:])])
    assert m.value == pytest.approx(travel / case.leg_m * 100, abs=0.5)
    assert m.status == ("watch" if front + back < 30 else "good")


@pytest.mark.parametrize("mean, amp", [(-5.0, 30.0), (10.0, 25.0), (0.0, 12.0)])
def test_arm_swing_balance_and_size_upright(mean, amp):
    _check_swing(_swing_case(mean, amp, lean=0.0), mean, amp)


@pytest.mark.parametrize("mean, amp", [(-5.0, 30.0), (10.0, 25.0)])
def test_arm_swing_balance_with_trunk_lean(mean, amp):
    _check_swing(_swing_case(mean, amp, lean=7.0), mean, amp)


@pytest.mark.parametrize("fps", [10.0, 12.0, 15.0])
@pytest.mark.parametrize("cadence", [160.0, 178.0])
def test_arm_swing_survives_the_cleaning_at_a_webcams_low_frame_rate(fps, cadence):
    """A laptop webcam in dim light or a loaded browser streams 10-15 frames a second, where
    the hands move a third of a stride between frames. The cleaning (swap fix, outlier gate,
    core.landmarks) must leave the exact track's swing as it is: before its swap cost and
    outlier window followed the frame interval it dropped true points and called true frames
    swapped, and the swing read 19.0 for 40.3 (12 fps, 178 steps/min)."""
    from core.landmarks import clean
    from core.metrics import compute_metrics

    case = build(PLANAR.with_(cadence_spm=cadence), fps=fps)
    cleaned = clean(case.track)
    assert cleaned.notes["outliers"] == 0
    out = compute_metrics(cleaned, case.view, case.events)
    got = {r.id: r for r in out.results}["arm_swing"]
    exact = case.metrics()["arm_swing"]
    assert got.value == pytest.approx(exact.value, abs=0.5)
    assert got.extra["upper_arm_front_deg"] == pytest.approx(
        exact.extra["upper_arm_front_deg"], abs=0.5)


def _cross(strides_with: set[int]):
    """Carry the left wrist 10 cm past the body midline a quarter stride after the right
    foot's contacts numbered in ``strides_with``; the edit keeps the frames it moved."""
    moved: list[int] = []

    def edit(X, motion):
        right = np.cross(motion.forward, [0.0, 1.0, 0.0])
        ics = [e.t for e in motion.events if e.kind == "ic" and e.side == "r"]
        T = motion.params.stride_time
        for k, t in enumerate(ics):
            f = int(round((t + T / 4) * motion.fps))
            if k in strides_with and f < len(X):
                mid = (X[f, LM["l_hip"]] + X[f, LM["r_hip"]]) / 2
                off = (X[f, LM["l_wrist"]] - mid) @ right
                X[f, LM["l_wrist"]] += (0.10 - off) * right  # 10 cm to the runner's right
                moved.append(f)
    edit.moved = moved
    return edit


@pytest.mark.parametrize("view", ["front", "back"])
def test_arm_crossover_share_of_strides(view):
    """Share of strides (contact to the same foot's next contact) holding a crossing frame."""
    params = RunnerParams(cadence_spm=180.0)
    m0 = build(params, view=view).metrics()["arm_crossover"]
    assert m0.value == 0.0 and m0.status == "good"
    edit = _cross({1, 3})
    case = build(params, view=view, edit=edit)
    m = case.metrics()["arm_crossover"]
    ics = case.events.ics
    windows = [(e.frame, nxt.frame) for k, e in enumerate(ics)
               for nxt in [next((x for x in ics[k + 1:] if x.foot == e.foot), None)] if nxt]
    crossed = sum(any(a <= f <= b for f in edit.moved) for a, b in windows)
    assert crossed == 4 and m.n == len(windows)
    assert m.value == pytest.approx(crossed / len(windows) * 100, abs=1e-9)
    assert m.status in ("watch", "fix")
    assert sum(1 for r in case.strides if r.get("arm_crossover")) == crossed


def _yawed(deg):
    """The runner's path turned ``deg`` from square to the camera (as tests/metrics/
    test_landing.py does), before the side view's projection."""
    c, s = np.cos(np.radians(deg)), np.sin(np.radians(deg))

    def edit(X, motion):
        x, z = X[..., 0].copy(), X[..., 2].copy()
        X[..., 0], X[..., 2] = c * x + s * z, -s * x + c * z
    return edit


def test_elbow_is_withheld_with_the_reason_when_the_camera_is_far_off_square():
    """30 deg off square the picture opens a bent elbow (90 deg reads about 107 on the
    robustness renders): not measured, and the reason names the camera's angle."""
    from core.metrics import compute_metrics
    from core.metrics.arms import ELBOW_MAX_YAW_DEG

    case = build(PLANAR.with_(elbow_angle_deg=90.0), edit=_yawed(30.0))
    out = compute_metrics(case.track, case.view, case.events, None)
    assert "elbow_angle" not in {r.id for r in out.results}
    why = next(m["reason"] for m in out.not_measured if m["id"] == "elbow_angle")
    assert "off square" in why and "Film square" in why
    yaw = next(r for r in out.results if r.id == "overstride").extra["camera_yaw_deg"]
    assert yaw >= ELBOW_MAX_YAW_DEG
    # 10 deg off square: measured, within the planar model's 0.5 deg of the truth
    near = build(PLANAR.with_(elbow_angle_deg=90.0), edit=_yawed(10.0)).metrics()
    assert near["elbow_angle"].value == pytest.approx(90.0, abs=0.5)


def test_a_camera_far_off_square_is_a_capture_note_with_its_tip():
    """The camera angle that withholds the elbow is said among the capture checks too, with
    how to film square (fresh-eyes review: "every check that decides the scoring passed" over
    a report whose elbow angle the angle had cost); 10 deg off square is no note."""
    from core.admission import ClipStats
    from core.metrics.arms import ELBOW_MAX_YAW_DEG
    from core.quality import assess

    def angle_check(deg):
        case = build(PLANAR.with_(elbow_angle_deg=90.0), edit=_yawed(deg))
        q = assess(case.track, case.view, case.events, ClipStats())
        return q, next((c for c in q.checks if c.id == "angle"), None)

    q, c = angle_check(30.0)
    assert c is not None and not c.passed and c.severity == "warn"
    assert c.value >= ELBOW_MAX_YAW_DEG and f"about {c.value:.0f}\u00b0 off square" in c.detail
    assert "elbow angle is not measured" in c.detail and "side-on" in c.how_to_fix
    assert c.how_to_fix in q.tips and "Analysed, with limits" in q.summary
    assert angle_check(10.0)[1] is None
    # from 15 deg, where the side measures' confidence drops: said, the elbow still measured
    q, c = angle_check(17.0)
    assert c is not None and c.severity == "warn" and "elbow" not in c.detail
    assert "lower confidence" in c.detail and c.how_to_fix in q.tips


def test_no_yaw_is_read_when_the_feet_are_out_of_the_picture():
    """The yaw's yardstick is the leg: with the ankles unseen (feet cut off by the frame) the
    pose model guesses them at the edge and the legs read short, so no yaw is read and the
    elbow is measured, not withheld for a yaw the clip cannot show."""
    from dataclasses import replace

    from core.metrics import compute_metrics
    from core.pose import LM as POSE_LM
    from core.view import camera_yaw

    case = build(PLANAR.with_(elbow_angle_deg=90.0), edit=_yawed(30.0))
    out = compute_metrics(case.track, case.view, case.events, None)
    assert "elbow_angle" not in {r.id for r in out.results}  # seen: withheld (test above)
    vis = case.track.vis.copy()
    vis[:, [POSE_LM["l_ankle"], POSE_LM["r_ankle"]]] = 0.1
    footless = replace(case.track, vis=vis)
    fwd = 1.0 if case.view.facing != "left" else -1.0
    assert camera_yaw(footless, fwd, "L").deg is None
    assert camera_yaw(case.track, fwd, "L").deg == pytest.approx(30.0, abs=3.0)
    out = compute_metrics(footless, case.view, case.events, None)
    assert "elbow_angle" in {r.id for r in out.results}


# The renderer's arm as drawn (held 8 deg out, forearm turned 18 deg in), seen by the
# robustness bench's still cameras: hip height (tripod) and 2 m up (high). The bench splits
# its elbow error at the angle the engine reads on these exact joints.
_CAMERAS = {"hip height": CameraPath(), "2 m up": CameraPath(height_m=2.0)}


@pytest.mark.parametrize("camera", list(_CAMERAS))
@pytest.mark.parametrize("elbow", [60.0, 90.0, 150.0])
def test_elbow_reads_the_side_pictures_angle_of_an_arm_held_out(camera, elbow):
    """The truth is the 3-D bend (what a coach means by "elbows at 90 deg"); a side camera
    sees its projection. On exact joints the engine reads the picture's angle of the
    camera-nearer arm: worked out here from the projected landmarks, and, from hip height,
    within 1 deg of the arm's projection on the body's sagittal plane (what a square side
    camera sees without perspective). That projection opens a 90 deg elbow held out to
    92.5 deg, so from hip height the engine reads 1-4 deg wider than the 3-D truth (93.1
    for 90: the caveat's "about 3"); from 2 m up the perspective takes it back to within
    2.5 deg (89.2 for 90)."""
    case = build(PLANAR.with_(elbow_angle_deg=elbow), planar_arms=False,
                 camera=_CAMERAS[camera], seconds=2.0)
    near = "r"  # the model faces +x; its right side is toward the camera (+z)
    case.track.vis[:, [LM["l_elbow"], LM["l_wrist"]]] = 0.5  # the far arm, less visible
    m = case.metrics()["elbow_angle"]
    assert m.extra["arm"] == near.upper()
    xy = case.track.xy
    u = xy[:, LM[f"{near}_shoulder"]] - xy[:, LM[f"{near}_elbow"]]
    v = xy[:, LM[f"{near}_wrist"]] - xy[:, LM[f"{near}_elbow"]]
    picture = np.degrees(np.arctan2(np.abs(np.cross(u, v)), np.sum(u * v, -1)))
    assert m.value == pytest.approx(float(np.median(picture)), abs=0.2)
    truth = case.motion.truth["elbow_angle_deg"]
    assert truth == pytest.approx(elbow, abs=1e-6)  # the model's bend is the 3-D angle
    if camera == "hip height":
        fwd = case.motion.forward
        s, e, w = (sagittal(case.X[:, LM[f"{near}_{k}"]], fwd) for k in ("shoulder", "elbow", "wrist"))
        a, b = s - e, w - e
        plane = np.degrees(np.arctan2(np.abs(np.cross(a, b)), np.sum(a * b, -1)))
        assert m.value == pytest.approx(float(np.median(plane)), abs=1.0)
        assert 1.0 <= m.value - truth <= 4.0
        if elbow == 90.0:
            assert m.value - truth >= 2.5  # "about 3 deg wider" (caveat, README)
    else:
        assert abs(m.value - truth) <= 2.5


@pytest.mark.parametrize("view, hint", [("back", True), ("front", False)])
def test_arms_hidden_in_the_picture_are_not_called_out_of_it(view, hint):
    """Seen from behind the body hides the hands: the pose model sees the wrists poorly though
    they are inside the picture. The reason says hidden (with the front-clip hint from behind),
    not "out of the picture" (fresh-eyes review: a back clip whose stills show both arms read
    "Your arms are out of the picture")."""
    import dataclasses

    from core.metrics import compute_metrics

    case = build(PLANAR, view=view)
    vis = case.track.vis.copy()
    vis[:, [13, 14, 15, 16]] = 0.2  # elbows and wrists seen poorly, still inside the picture
    out = compute_metrics(dataclasses.replace(case.track, vis=vis), case.view, case.events)
    nm = {n["id"]: n["reason"] for n in out.not_measured}
    assert "arm_crossover" in nm and "arm_crossover" not in {r.id for r in out.results}
    reason = nm["arm_crossover"]
    assert reason.startswith("Your arms are hidden from the camera in most frames"), reason
    assert "out of the picture" not in reason
    assert ("From behind, the body hides the hands" in reason) == hint
