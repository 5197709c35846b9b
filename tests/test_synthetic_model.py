"""The synthetic runner's truth is self-consistent and moves the right way with its
parameters. Fast: no pose model; one test renders a 1 s clip."""
from __future__ import annotations

import json

import av
import numpy as np
import pytest

from core.synthetic import (PRESETS, SAMPLE, RunnerModel, RunnerParams, sample_clip_path,
                            simulate, truth_paths, write_clip)
from core.synthetic.__main__ import main as cli_main
from core.synthetic.model import JOINTS, J
from core.synthetic.render import VIEW_FACING, Camera

GOOD = RunnerParams()
VARIANTS = {name: p.params for name, p in PRESETS.items()} | {
    "forefoot": GOOD.with_(foot_strike_deg=-8.0),
    "fast_tall": GOOD.with_(speed_mps=4.0, cadence_spm=186.0, height_m=1.9),
    "facing_camera": GOOD.with_(facing_deg=90.0),
}
TOL = 1e-6


def _sample(params: RunnerParams, n_strides: float = 2.0, step: float = 1e-3):
    model = RunnerModel(params)
    t = np.arange(0.0, n_strides * model.T, step)
    X, stance = model.pose(t)
    return model, t, X, stance


def _sole(model: RunnerModel, X: np.ndarray, side: str):
    """Sole points under the heel and toe landmarks (landmarks sit mark_h above the sole)."""
    heel, toe = X[:, J[f"{side}_heel"]], X[:, J[f"{side}_toe"]]
    along = (toe - heel) / np.linalg.norm(toe - heel, axis=-1, keepdims=True)
    lateral = np.cross(model.forward, [0.0, 1.0, 0.0])
    normal = np.cross(lateral, along)  # up out of the sole
    return heel - model.b.mark_h * normal, toe - model.b.mark_h * normal


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_stance_foot_rests_on_the_belt_and_moves_with_it(name):
    model, t, X, stance = _sample(VARIANTS[name])
    dt = 1e-5
    for col, side in enumerate(("l", "r")):
        st = stance[:, col]
        heel, toe = _sole(model, X, side)
        low = np.minimum(heel[:, 1], toe[:, 1])
        assert np.all(np.abs(low[st]) < TOL), "stance foot must touch the belt"
        assert np.all(heel[st, 1] > -TOL) and np.all(toe[st, 1] > -TOL)
        # the touching point has zero velocity relative to the belt (belt = -speed * forward)
        ts = t[st]
        (Xa, _), (Xb, _) = model.pose(ts - dt), model.pose(ts + dt)
        sa, sb = _sole(model, Xa, side), _sole(model, Xb, side)
        use_heel = heel[st, 1] <= toe[st, 1]
        vel = np.where(use_heel[:, None], sb[0] - sa[0], sb[1] - sa[1]) / (2 * dt)
        belt = -model.p.speed_mps * model.forward
        interior = (ts - dt > 0)  # finite differences straddling IC/TO are not pure stance
        inner = interior & model.pose(ts - dt)[1][:, col] & model.pose(ts + dt)[1][:, col]
        assert np.allclose(vel[inner], belt, atol=1e-3)


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_swing_foot_clears_the_ground(name):
    model, t, X, stance = _sample(VARIANTS[name])
    for col, side in enumerate(("l", "r")):
        heel, toe = _sole(model, X, side)
        low = np.minimum(heel[:, 1], toe[:, 1])
        swing = ~stance[:, col]
        assert np.all(low[swing] > -TOL)
        offset = 0.0 if side == "r" else model.T / 2
        share = (np.mod(t - offset, model.T) - model.tc) / (model.T - model.tc)
        mid = swing & (share > 0.2) & (share < 0.8)
        assert np.min(low[mid]) > 0.02, "mid-swing foot clears the belt by > 2 cm"
    assert model.truth()["swing_min_clearance_m"] > -TOL


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_legs_keep_their_lengths_and_never_overextend(name):
    model, _, X, stance = _sample(VARIANTS[name])
    b = model.b
    for side in ("l", "r"):
        hip, knee, ankle = (X[:, J[f"{side}_{k}"]] for k in ("hip", "knee", "ankle"))
        assert np.allclose(np.linalg.norm(knee - hip, axis=1), b.thigh)
        assert np.allclose(np.linalg.norm(ankle - knee, axis=1), b.shank)
        assert np.all(np.linalg.norm(ankle - hip, axis=1) <= b.leg_length + TOL)
        thigh, shank = knee - hip, ankle - knee
        flex = np.degrees(np.arccos(np.sum(thigh * shank, 1)
                                    / (np.linalg.norm(thigh, axis=1) * np.linalg.norm(shank, axis=1))))
        col = 0 if side == "l" else 1
        assert np.min(flex[stance[:, col]]) >= model.p.knee_stance_min_deg - 1e-3
        # the knee bends forward: it sits ahead of the hip-ankle line (sagittal cross product)
        u, k = ankle - hip, knee - hip
        ahead = (u @ model.forward) * k[:, 1] - u[:, 1] * (k @ model.forward)
        assert np.all(ahead > 0)
        # foot is rigid
        for a, c in (("ankle", "heel"), ("ankle", "toe"), ("heel", "toe")):
            d = np.linalg.norm(X[:, J[f"{side}_{a}"]] - X[:, J[f"{side}_{c}"]], axis=1)
            assert np.ptp(d) < 1e-9


@pytest.mark.parametrize("cadence", [150.0, 170.0, 190.0])
def test_initial_contacts_alternate_every_step(cadence):
    params = GOOD.with_(cadence_spm=cadence)
    motion = simulate(params, fps=120, seconds=4.0)
    ics = motion.contacts("ic")
    assert np.allclose(np.diff([e.t for e in ics]), 60.0 / cadence)
    assert all(a.side != b.side for a, b in zip(ics, ics[1:]))
    tos = motion.contacts("to")
    assert np.allclose([e.t for e in tos if e.side == "r"][:3],
                       [e.t + params.contact_time for e in ics if e.side == "r"][:3])
    assert motion.truth["cadence_spm"] == pytest.approx(cadence)
    # stance flags switch on exactly at each IC and off after each TO
    model = RunnerModel(params)
    for e in ics:
        col = 0 if e.side == "l" else 1
        _, st = model.pose(np.array([e.t - 1e-6, e.t + 1e-6, e.t + params.contact_time - 1e-6,
                                     e.t + params.contact_time + 1e-6]))
        assert st[:, col].tolist() == [False, True, True, False]


@pytest.mark.parametrize("overstride", [-0.05, 0.0, 0.1, 0.25])
@pytest.mark.parametrize("strike", [-8.0, 4.0, 15.0])
def test_overstride_at_contact_equals_the_parameter(overstride, strike):
    params = GOOD.with_(overstride_m=overstride, foot_strike_deg=strike, knee_stance_min_deg=6.0)
    model = RunnerModel(params)
    for e in model.events(2 * model.T):
        if e.kind != "ic":
            continue
        x = model.pose(np.array([e.t]))[0][0]
        ahead = (x[J[f"{e.side}_ankle"]] - x[J["pelvis_c"]]) @ model.forward
        assert ahead == pytest.approx(overstride, abs=1e-9)
    truth = model.truth()
    assert truth["overstride_m"] == pytest.approx(overstride, abs=1e-9)
    assert truth["overstride_pct_leg"] == pytest.approx(100 * overstride / model.b.leg_length)
    assert truth["foot_strike_deg"] == pytest.approx(strike, abs=1e-6)


@pytest.mark.parametrize("lean", [0.0, 7.0, 20.0])
def test_trunk_lean_equals_the_parameter(lean):
    model, _, X, _ = _sample(GOOD.with_(trunk_lean_deg=lean, facing_deg=180.0), 1.0)
    trunk = X[:, J["shoulder_c"]] - X[:, J["pelvis_c"]]
    angle = np.degrees(np.arctan2(trunk @ model.forward, trunk[:, 1]))
    assert np.allclose(angle, lean)
    assert model.truth()["trunk_lean_deg"] == pytest.approx(lean)


def test_form_parameters_come_out_exactly_in_the_truth():
    params = GOOD.with_(elbow_angle_deg=120.0, pelvic_drop_deg=9.0, vert_osc_m=0.09,
                        duty_factor=0.35)
    truth = RunnerModel(params).truth()
    assert truth["elbow_angle_deg"] == pytest.approx(120.0)
    assert truth["pelvic_drop_deg"] == pytest.approx(9.0, abs=1e-3)
    assert truth["vert_osc_m"] == pytest.approx(0.09, abs=1e-6)
    assert truth["duty_factor"] == pytest.approx(0.35)
    assert truth["contact_time_s"] == pytest.approx(0.35 * 120 / params.cadence_spm)
    assert truth["leg_length_m"] == pytest.approx(params.body.thigh + params.body.shank)


def test_facing_left_mirrors_facing_right():
    right, left = GOOD.with_(facing_deg=VIEW_FACING["side"]), GOOD.with_(facing_deg=VIEW_FACING["side_l"])
    half = right.stride_time / 2
    t = np.linspace(0.0, 1.5, 97)
    Xr, str_ = RunnerModel(right).pose(t + half)
    Xl, stl = RunnerModel(left).pose(t)
    swap = [JOINTS.index(n.replace("l_", "#").replace("r_", "l_").replace("#", "r_"))
            if n[:2] in ("l_", "r_") else i for i, n in enumerate(JOINTS)]
    mirrored = Xr[:, swap] * np.array([-1.0, 1.0, 1.0])  # x -> -x, labels l <-> r
    assert np.allclose(Xl, mirrored, atol=1e-9)
    assert np.array_equal(stl, str_[:, ::-1])
    # and on screen: the image is flipped left-right about the centre column
    cam = Camera.for_body(GOOD.body, 640, 480)
    uv_l, _ = cam.project(Xl)
    uv_r, _ = cam.project(mirrored)
    assert np.allclose(uv_l, uv_r)
    assert np.allclose(cam.project(Xr)[0][..., 0][:, swap], 640 - uv_l[..., 0])


def _sweep(field, values, key, **fixed):
    return [RunnerModel(GOOD.with_(**{field: v}, **fixed)).truth()[key] for v in values]


@pytest.mark.parametrize("field, values, key, fixed", [
    ("overstride_m", [0.0, 0.1, 0.2, 0.3], "overstride_pct_leg", {"knee_stance_min_deg": 6.0}),
    ("overstride_m", [0.0, 0.1, 0.2, 0.3], "shank_angle_ic_deg", {"knee_stance_min_deg": 6.0}),
    ("foot_strike_deg", [-10.0, 0.0, 10.0, 20.0], "foot_strike_deg", {}),
    ("cadence_spm", [150.0, 165.0, 180.0, 195.0], "cadence_spm", {}),
    ("duty_factor", [0.26, 0.3, 0.34, 0.4], "contact_time_s", {"speed_mps": 2.5}),
    ("trunk_lean_deg", [0.0, 5.0, 12.0, 20.0], "trunk_lean_deg", {}),
    ("elbow_angle_deg", [70.0, 90.0, 120.0, 150.0], "elbow_angle_deg", {}),
    ("pelvic_drop_deg", [0.0, 4.0, 8.0, 12.0], "pelvic_drop_deg", {}),
    ("vert_osc_m", [0.04, 0.07, 0.1, 0.13], "vert_osc_pct_leg", {}),
    ("knee_stance_min_deg", [6.0, 12.0, 18.0], "knee_flexion_ic_deg", {}),
    ("height_m", [1.55, 1.75, 1.95], "leg_length_m", {}),
])
def test_parameter_sweeps_move_the_truth_in_order(field, values, key, fixed):
    assert np.all(np.diff(_sweep(field, values, key, **fixed)) > 0)


def test_overstrider_lands_further_ahead_on_a_straighter_leg_than_good():
    good, over = RunnerModel(GOOD).truth(), RunnerModel(PRESETS["overstrider"].params).truth()
    assert over["overstride_pct_leg"] > 15 > 8 > good["overstride_pct_leg"]
    assert over["shank_angle_ic_deg"] > 6 > good["shank_angle_ic_deg"]
    assert over["foot_strike_deg"] > 8 and over["cadence_spm"] < 160 < good["cadence_spm"]
    assert over["knee_flexion_ic_deg"] < good["knee_flexion_ic_deg"]


def test_invalid_parameters_are_refused():
    with pytest.raises(ValueError, match="duty_factor"):
        RunnerParams(duty_factor=0.6)
    with pytest.raises(ValueError, match="out of reach"):
        RunnerModel(GOOD.with_(overstride_m=0.8))


def test_rendered_clip_opens_with_the_right_frames_rate_and_truth(tmp_path):
    out = tmp_path / "clip.mp4"
    info = write_clip(out, GOOD, view="front", fps=30, seconds=1.0, width=320, height=240)
    assert info.n_frames == 30
    with av.open(str(out)) as container:
        stream = container.streams.video[0]
        assert stream.average_rate == 30 and stream.codec_context.name == "h264"
        frames = list(container.decode(video=0))
    assert len(frames) == 30
    assert frames[0].format.name == "yuv420p" and (frames[0].width, frames[0].height) == (320, 240)
    assert np.allclose([f.time for f in frames], np.arange(30) / 30)
    npz = np.load(tmp_path / "clip_truth.npz")
    reference_keys = {"t", "X", "uv", "depth", "stance", "joints", "cam_R", "cam_C", "cam_f",
                      "events_side", "events_t", "params", "view", "style", "fps"}
    assert reference_keys <= set(npz.files)
    assert npz["uv"].shape == (30, len(JOINTS), 2) and npz["stance"].shape == (30, 2)
    assert list(npz["joints"]) == list(JOINTS)
    assert np.all((npz["uv"] > 0) & (npz["uv"] < [320, 240]))
    doc = json.loads((tmp_path / "clip_truth.json").read_text())
    assert doc["view"] == "front" and doc["n_frames"] == 30 and doc["fps"] == 30
    assert doc["initial_contacts"][0] == {"foot": "right", "t": 0.0}
    assert doc["params"]["overstride_m"] == GOOD.overstride_m
    # a front-facing runner's left shoulder is on image right
    assert npz["uv"][0, J["l_shoulder"], 0] > npz["uv"][0, J["r_shoulder"], 0]


def test_cli_lists_the_presets(capsys):
    assert cli_main(["list"]) == 0
    listed = capsys.readouterr().out
    assert all(name in listed for name in PRESETS)


def test_sample_clip_is_the_good_runner_with_its_truth():
    path = sample_clip_path()
    assert path.exists() and path.stat().st_size < 1.5e6
    doc = json.loads(truth_paths(path)[0].read_text())
    assert doc["view"] == "side" and doc["fps"] == SAMPLE["fps"]
    assert doc["n_frames"] == SAMPLE["fps"] * SAMPLE["seconds"]
    assert doc["truth"]["cadence_spm"] == pytest.approx(PRESETS["good"].params.cadence_spm)
