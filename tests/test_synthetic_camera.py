"""Filmed-like synthetic renders (core/synthetic/camerapath.py, scene.py): the truth of a
moving-camera clip matches the picture, a still camera reproduces today's frames, cut
boundaries in the truth match the clip, and an overground runner travels at its speed.
Fast: no pose model, small short clips."""
from __future__ import annotations

import json

import av
import numpy as np
import pytest

from core.synthetic import PRESETS, write_clip
from core.synthetic.camerapath import CameraPath, Segment, camera_track
from core.synthetic.model import J
from core.synthetic.render import Camera
from core.synthetic.scene import SceneRenderer

GOOD = PRESETS["good"].params
W, H = 320, 240
# one worker renders every clip here: the outdoor scene's textures (core.synthetic.scene,
# about 3 s to make, cached per process) are then made once per run, not once per worker
pytestmark = pytest.mark.xdist_group("synthetic_camera")


def _frames(video) -> np.ndarray:
    with av.open(str(video)) as c:
        return np.stack([f.to_ndarray(format="rgb24") for f in c.decode(video=0)])


def _cam(npz, i) -> Camera:
    return Camera(W, H, float(npz["cam_f"][i]), npz["cam_C"][i], npz["cam_R"][i])


@pytest.fixture(scope="module")
def handheld(tmp_path_factory):
    """A side-view overground runner filmed by a following, shaking, rolled, zooming hand."""
    cam = CameraPath(follow="track", aim_wobble_m=0.3, shake_m=0.03, shake_deg=1.5,
                     roll_deg=6.0, zoom=1.2, seed=11)
    info = write_clip(tmp_path_factory.mktemp("hh") / "hh.mp4", GOOD, fps=30, seconds=1.0,
                      width=W, height=H, camera=cam, overground=True)
    return info, np.load(info.truth_npz), json.loads(info.truth_json.read_text())


def test_moving_camera_truth_matches_the_rendered_figure(handheld):
    """Every projected body joint lies on the runner's silhouette, found as what differs
    from the empty place rendered from the truth's own camera for that frame."""
    info, npz, doc = handheld
    frames = _frames(info.video)
    assert len(frames) == doc["n_frames"] == len(npz["uv"]) == 30
    body = GOOD.body
    rend = None
    joints = ["head", "neck", "shoulder_c", "pelvis_c", "r_hip", "l_hip", "r_knee", "l_knee",
              "r_ankle", "l_ankle", "r_elbow", "l_elbow"]
    cams_moved = 0
    for i in range(0, 30, 4):
        cam = _cam(npz, i)
        if rend is None:
            rend = SceneRenderer(cam, body, npz["forward"], 0.0, "outdoor", treadmill=False)
        rend.cam = cam
        rend._room()
        empty = np.clip(rend.room, 0, 255)
        diff = np.abs(frames[i].astype(float) - empty).max(-1)
        figure = diff > 60
        for name in joints:
            u, v = npz["uv"][i, J[name]]
            r, c = int(v), int(u)
            patch = figure[max(r - 2, 0):r + 3, max(c - 2, 0):c + 3]
            assert patch.any(), f"frame {i}: {name} at ({u:.1f}, {v:.1f}) is off the figure"
        # the figure reaches up to the projected top of the head (hair: 1.14 head radii
        # above the head centre): topmost figure pixel in the head's columns
        hu, hv = npz["uv"][i, J["head"]]
        r_px = body.head_r * cam.f / npz["depth"][i, J["head"]]
        top = hv - 1.14 * r_px
        band = figure[int(top) - 10:int(hv), int(hu - r_px):int(hu + r_px) + 1]
        rows = np.where(band.any(1))[0] + int(top) - 10
        assert abs(rows.min() - top) < 3
        cams_moved += not np.allclose(npz["cam_C"][i], npz["cam_C"][0])
    assert cams_moved >= 6, "the camera must move in a follow-cam clip"
    # the aim point drifts: the runner does not sit at a fixed pixel
    pel = npz["uv"][:, J["pelvis_c"]]
    assert np.ptp(pel[:, 0]) > 3


def test_camera_conditions_are_what_they_say(handheld):
    """Roll turns the picture's vertical, zoom grows the focal length, shake is seeded."""
    _, npz, doc = handheld
    R = npz["cam_R"]
    # the world's vertical in the picture: world up in camera (x right, y down); roll + =
    # the world appears turned counter-clockwise (its up leans to the image left)
    roll = -np.degrees(np.arctan2(R[:, 0, 1], -R[:, 1, 1]))
    assert abs(np.median(roll) - 6.0) < 3.0       # 6 deg roll +- the hand's 1.5 deg RMS
    f = npz["cam_f"]
    assert f[-1] / f[0] == pytest.approx(1.2, rel=0.01) and np.all(np.diff(f) >= 0)
    assert doc["camera"][5]["f"] == pytest.approx(f[5], abs=1e-3)
    body = GOOD.body
    a = camera_track(CameraPath(shake_deg=1.0, seed=3), body, np.array([1.0, 0, 0]),
                     np.zeros(30), np.arange(30) / 30, W, H)
    b = camera_track(CameraPath(shake_deg=1.0, seed=3), body, np.array([1.0, 0, 0]),
                     np.zeros(60), np.arange(60) / 60, W, H)
    assert np.allclose(a[10].R, b[20].R)           # same path at 30 and 60 fps
    c = camera_track(CameraPath(shake_deg=1.0, seed=4), body, np.array([1.0, 0, 0]),
                     np.zeros(30), np.arange(30) / 30, W, H)
    assert not np.allclose(a[10].R, c[10].R)


@pytest.mark.parametrize("height_m, sign", [(0.35, -1), (2.0, +1)])
def test_low_and_high_camera_look_at_the_hips(height_m, sign):
    body = GOOD.body
    cam = camera_track(CameraPath(height_m=height_m), body, np.array([1.0, 0, 0]),
                       np.zeros(1), np.zeros(1), W, H)[0]
    hip = np.array([0.0, body.ankle_h + body.leg_length, 0.0])
    uv, _ = cam.project(hip)
    assert np.allclose(uv, [W / 2, H / 2], atol=1e-6)
    assert np.sign(cam.C[1] - hip[1]) == sign
    assert np.linalg.norm(cam.C - hip) == pytest.approx(5.0)


def test_still_camera_reproduces_todays_frames(tmp_path):
    """write_clip with the default CameraPath goes through the new per-frame camera path and
    draws exactly today's frames and truth projection (the shared renders were made so)."""
    old = write_clip(tmp_path / "old.mp4", GOOD, fps=30, seconds=0.4, width=W, height=H)
    new = write_clip(tmp_path / "new.mp4", GOOD, fps=30, seconds=0.4, width=W, height=H,
                     camera=CameraPath())
    assert np.array_equal(_frames(old.video), _frames(new.video))
    a, b = np.load(old.truth_npz), np.load(new.truth_npz)
    assert np.array_equal(a["uv"], b["uv"]) and np.array_equal(a["X"], b["X"])
    assert np.array_equal(np.broadcast_to(a["cam_R"], b["cam_R"].shape), b["cam_R"])
    ja, jb = json.loads(old.truth_json.read_text()), json.loads(new.truth_json.read_text())
    # the same numbers, up to float rounding (summation order may differ between threads)
    assert ja["truth"].keys() == jb["truth"].keys()
    for k, v in ja["truth"].items():
        assert jb["truth"][k] == (pytest.approx(v, rel=1e-9, abs=1e-9)
                                  if isinstance(v, float) else v), k
    assert [e["t"] for e in ja["initial_contacts"]] == [e["t"] for e in jb["initial_contacts"]]


def test_cut_boundaries_in_truth_match_the_clip(tmp_path):
    """Three passes at different paces and cameras: the truth's segment frames tile the
    clip, each frame's camera jumps only at a boundary, events carry their segment and the
    top-level truth is the longest pass's."""
    fast = GOOD.with_(cadence_spm=186.0, speed_mps=3.6)
    segs = (Segment(0.5, GOOD.with_(cadence_spm=168.0), CameraPath(follow="track"), 0.1),
            Segment(1.0, None, CameraPath(follow="track", distance_m=6.5), 0.2),
            Segment(0.5, fast, CameraPath(follow="track", distance_m=4.0, roll_deg=4), 0.05))
    info = write_clip(tmp_path / "cut.mp4", GOOD, fps=30, width=W, height=H, segments=segs,
                      overground=True)
    doc = json.loads(info.truth_json.read_text())
    npz = np.load(info.truth_npz)
    frames = _frames(info.video)
    bounds = [(s["start_frame"], s["end_frame"]) for s in doc["segments"]]
    assert bounds == [(0, 15), (15, 45), (45, 60)] and len(frames) == 60
    assert doc["longest_segment"] == 1
    assert doc["truth"]["cadence_spm"] == pytest.approx(178.0)
    assert [round(s["truth"]["cadence_spm"], 6) for s in doc["segments"]] == [168, 178, 186]
    assert list(np.unique(npz["segment"], return_counts=True)[1]) == [15, 30, 15]
    # the camera's distance to the runner jumps at the cuts and nowhere else
    dist = np.linalg.norm(npz["cam_C"] - npz["X"][:, J["pelvis_c"]], axis=1)
    jumps = np.where(np.abs(np.diff(dist)) > 0.3)[0] + 1
    assert list(jumps) == [15, 45]
    # the picture changes most at the cuts (mean absolute frame difference)
    d = np.abs(np.diff(frames.astype(np.int16), axis=0)).mean(axis=(1, 2, 3))
    assert set(np.argsort(d)[-2:] + 1) == {15, 45}
    for e in doc["initial_contacts"]:
        s = doc["segments"][e["segment"]]
        assert s["t_start"] <= e["t"] < s["t_end"]
    # within a pass, contacts follow that pass's cadence
    mid = [e["t"] for e in doc["initial_contacts"] if e["segment"] == 1]
    assert np.diff(mid) == pytest.approx(60 / 178.0, abs=2e-6)   # JSON keeps 6 decimals


def test_overground_runner_travels_at_its_speed(tmp_path):
    """Overground: the pelvis moves forward at speed_mps, the stance foot stays put on the
    ground, and the metric truth is the treadmill runner's (body frame)."""
    p = GOOD.with_(speed_mps=3.3, cadence_spm=172.0)
    info = write_clip(tmp_path / "og.mp4", p, fps=60, seconds=0.2, width=W, height=H,
                      camera=CameraPath(follow="pan", distance_m=8.0), overground=True)
    npz = np.load(info.truth_npz)
    doc = json.loads(info.truth_json.read_text())
    fwd = npz["forward"]
    pel = npz["X"][:, J["pelvis_c"]] @ fwd
    speed = np.polyfit(npz["t"], pel, 1)[0]
    assert speed == pytest.approx(3.3, abs=1e-9)
    assert np.allclose(npz["runner_x"], pel - pel[0] + npz["runner_x"][0])
    stance = npz["stance"][:, 1]
    heel = npz["X"][stance, J["r_heel"]]
    if stance.sum() > 2:
        toe = npz["X"][stance, J["r_toe"]]
        still = np.minimum(np.ptp(heel @ fwd), np.ptp(toe @ fwd))
        assert still < 0.05    # the foot rolls over heel/toe but does not slide with a belt
    from core.synthetic import RunnerModel
    assert doc["truth"] == RunnerModel(p.with_(facing_deg=0.0)).truth()


def test_bad_camera_parameters_are_refused_in_words():
    with pytest.raises(ValueError, match="follow"):
        CameraPath(follow="orbit")
    with pytest.raises(ValueError, match="out of range"):
        CameraPath(roll_deg=90)
    with pytest.raises(ValueError, match="textured scene"):
        write_clip("/tmp/never.mp4", GOOD, overground=True, scene="room")


@pytest.mark.slow
def test_pose_model_sees_the_runner_where_the_moving_camera_truth_says(tmp_path):
    """verify.py on a handheld overground clip: MediaPipe finds the runner in every frame and
    its landmarks sit where each frame's camera projects the truth (as on today's renders:
    median error 2-4 % of leg length)."""
    from core.synthetic.verify import verify_clip

    cam = CameraPath(follow="track", aim_wobble_m=0.3, shake_m=0.03, shake_deg=1.5,
                     roll_deg=5.0, seed=2)
    info = write_clip(tmp_path / "hh.mp4", GOOD, fps=30, seconds=1.5, camera=cam,
                      overground=True)
    score = verify_clip(info.video)
    assert score["frames"] == 45
    assert score["detected_pct"] >= 95
    assert score["median_err_pct_leg_any_side"] < 6.0
    assert score["labels_correct_pct"] >= 90


def test_pitch_up_moves_the_runner_down_the_picture():
    body = GOOD.body
    cam = camera_track(CameraPath(pitch_deg=5.0), body, np.array([1.0, 0, 0]),
                       np.zeros(1), np.zeros(1), W, H)[0]
    uv, _ = cam.project(np.array([0.0, body.ankle_h + body.leg_length, 0.0]))
    assert uv[1] - H / 2 == pytest.approx(cam.f * np.tan(np.radians(5.0)), rel=1e-6)


def test_overground_runner_crosses_a_still_cameras_frame(tmp_path):
    """A still camera: the camera never moves, the runner crosses the picture left to right
    at speed * f / distance pixels per second, centred at mid-clip."""
    info = write_clip(tmp_path / "cross.mp4", GOOD, fps=30, seconds=0.6, width=W, height=H,
                      overground=True)
    npz = np.load(info.truth_npz)
    assert np.ptp(npz["cam_C"], axis=0).max() == 0 and np.ptp(npz["cam_f"]) == 0
    u = npz["uv"][:, J["pelvis_c"], 0]
    rate = np.polyfit(npz["t"], u, 1)[0]
    depth = npz["depth"][0, J["pelvis_c"]]
    assert rate == pytest.approx(GOOD.speed_mps * npz["cam_f"][0] / depth, rel=0.02)
    assert u[len(u) // 2] == pytest.approx(W / 2, abs=1.0)
