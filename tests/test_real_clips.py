"""Integration: the full engine on real labelled clips does what labels.json expects."""
import re

import pytest

from engine_cache import CLIPS, labels, metric, report_for

pytestmark = pytest.mark.slow
LABELS = labels()


def _r(name, **kw):
    return report_for(str(CLIPS / name), **kw)


@pytest.mark.parametrize("name", [n for n, e in LABELS.items()
                                  if e.get("cadence_confidence") in ("high", "medium-high")])
def test_cadence_matches_label(name):
    r = _r(name)
    assert r["status"] in ("ok", "limited")
    # README: within 0.5 steps/min of the hand labels on these two treadmill clips
    assert metric(r, "cadence")["value"] == pytest.approx(LABELS[name]["cadence_spm"], abs=0.5)


@pytest.mark.parametrize("name", [n for n, e in LABELS.items() if e["expected"].startswith("analysable")])
def test_view_and_facing(name):
    r, lab = _r(name), LABELS[name]
    assert r["view"]["view"] == lab["view"]
    if lab["view"] == "side":
        assert r["view"]["facing"] == lab["facing"]


def test_side_clip_has_full_report_with_evidence(side_analysis):
    # the session's run of this clip with the default options (annotated video included,
    # tests/conftest.py), which the app tests read too: the clip is analysed once for both
    r = side_analysis.report
    assert r["source"]["filename"] == "zzzhushi_male_side_treadmill.mp4"
    ids = {m["id"] for m in r["metrics"]}
    assert {"cadence", "overstride", "trunk_lean", "elbow_angle", "contact_time"} <= ids
    for m in r["metrics"]:
        assert m["confidence"] in ("high", "medium", "low") and m["caveat"]
        assert m["status"] in ("good", "watch", "fix", "info")
    assert 1 <= len(r["findings"]["fixes"]) <= 3
    assert all(a["score"] is not None for a in r["findings"]["areas"])
    assert r["media"]["video"] and r["media"]["evidence"]
    assert r["strides"] and "overstride_pct_leg" in r["strides"][0]
    # contact timing at 30 fps is labelled approximate
    assert metric(r, "contact_time")["confidence"] == "low"


def test_far_leg_in_side_view_shows_no_side_value_or_asymmetry(side_analysis):
    """The labels name the right leg as the far one: the pose model sees it poorly, so no
    bilateral metric shows its value or a left/right difference, and the caveat says why."""
    r = side_analysis.report
    bil = [m for m in r["metrics"] if m["id"] in ("contact_time", "knee_flexion_ic",
                                                  "knee_flexion_mid", "overstride")]
    assert len(bil) == 4
    for m in bil:
        assert m["left"] is not None and m["right"] is None, m["id"]
        assert m["side_diff"] is None and "far (right) leg" in m["caveat"], m["id"]


def test_contacts_match_labels_within_a_frame():
    name = "zzzhushi_male_side_treadmill.mp4"
    r, lab = _r(name), LABELS[name]
    ours = [e["frame"] for e in r["events"]["initial_contacts"]]
    errs = [min(abs(o - e["frame"]) for o in ours) for e in lab["initial_contacts"]]
    # README (Accuracy): a median 0.63 frame off these labels (which are +-1 frame); in
    # whole frames here, the median within 1 and none over 3 (33 contacts: 6 on the label,
    # 16 one frame off, 9 two, 2 three)
    assert sorted(errs)[len(errs) // 2] <= 1
    assert max(errs) <= 3


@pytest.mark.parametrize("name", [n for n, e in LABELS.items() if e.get("toe_offs")
                                  and e["view"] == "side" and e["surface"].startswith("treadmill")
                                  and e["expected"].startswith("analysable")])
def test_push_off_within_a_frame_of_the_labels(name):
    """The Method page: on hand-labelled treadmill clips push-off lands within a frame of the
    labels (bench/contacts.md: median -0.1 and -0.9 frame)."""
    r, lab = _r(name), LABELS[name]
    fps = lab["fps"]
    ours = [e["t"] for e in r["events"]["toe_offs"]]
    errs = []
    for e in lab["toe_offs"]:
        d = min(ours, key=lambda t: abs(t - e["t"])) - e["t"]
        if abs(d) < 0.12:
            errs.append(d * fps)
    assert len(errs) >= 0.8 * len(lab["toe_offs"])  # nearly every labelled push-off found
    errs.sort()
    assert abs(errs[len(errs) // 2]) <= 1.0, errs


def test_low_treadmill_camera_gives_no_confident_heel_strike_verdict():
    """mhuang_IMG_5396 is labelled midfoot/flat at contact (heel-first not excluded) and filmed
    from about belt height, where the pose model's heel and toe points read it as a heel
    strike (+17 deg): the report shows it with low confidence, says why, and never tells the
    runner to work on it (issue #17)."""
    r = _r("mhuang_IMG_5396.mp4")
    m = metric(r, "foot_strike")
    assert m["confidence"] == "low" and m["status"] != "fix"
    assert m["extra"]["camera_low"] and "treadmill-belt height" in m["caveat"]
    # and among the filming notes ("How to film it better next time"), not only on the card
    from core.summary import filming_notes

    note = next(c for c in filming_notes(r["quality"]) if c["id"] == "camera_height")
    assert "near the ground" in note["detail"] and "hip height" in note["how_to_fix"]
    # and the capture headline counts it (it read "Good footage: every capture check passed"
    # above this note: review, 3 Dec)
    assert "every capture check passed" not in r["quality"]["summary"]
    assert "camera height" in r["quality"]["summary"], r["quality"]["summary"]
    assert not any(c["id"] == "camera_height" for c in _r(
        "zzzhushi_male_side_treadmill.mp4")["quality"]["checks"])


def test_front_clip_gives_frontal_metrics():
    r = _r("jacky_run_inplace_front.mp4")
    ids = {m["id"] for m in r["metrics"]}
    assert {"cadence", "step_width"} <= ids
    # pelvic drop cannot be read from a video (core/metrics/pelvis.py): listed, with the reason
    assert any(n["id"] == "pelvic_drop" and "video" in n["reason"] for n in r["not_measured"])
    assert "overstride" not in ids
    assert any(n["id"] == "overstride" and "side" in n["reason"] for n in r["not_measured"])


def test_walking_clip_is_refused_as_not_running():
    r = _r("sports2d_demo4.mp4")
    assert r["status"] == "refused" and not r["metrics"]
    assert "walking" in r["quality"]["summary"].lower()


def test_slow_motion_clip_asks_for_capture_rate():
    r = _r("mhuang_slow.mp4")
    assert r["status"] == "refused"
    assert "slow-motion" in r["quality"]["summary"].lower()
    assert any("capture frame rate" in t for t in r["quality"]["tips"])
    # the steps and the rhythm checks both ask for the capture rate: the refusal says it once
    assert sum("capture frame rate" in t for t in r["quality"]["tips"]) == 1, r["quality"]["tips"]
    # a handful of contacts in a 32 s clip: not "film 10-20 s" (the clip is long enough)
    steps = next(c for c in r["quality"]["checks"] if c["id"] == "steps")
    assert not steps["passed"]
    assert "s of video" in steps["detail"] and "10-20 s" not in steps["how_to_fix"]
    assert "slow-motion" in steps["how_to_fix"]


def test_slow_motion_clip_with_capture_rate_gives_running_cadence():
    # ~102 video frames per step at 29.97 fps; at an assumed 300 fps capture that is ~176 spm
    r = _r("mhuang_slow.mp4", capture_fps=300.0)
    assert r["status"] in ("ok", "limited"), r["quality"]["summary"]
    assert r["source"]["capture_fps"] == 300.0
    assert metric(r, "cadence")["value"] == pytest.approx(
        LABELS["mhuang_slow.mp4"]["cadence_spm"] * 300 / LABELS["mhuang_slow.mp4"]["fps"], rel=0.03)


def test_cropped_clip_is_refused_with_reason():
    r = _r("divvi_running.mp4")
    assert r["status"] == "refused" and not r["metrics"]
    failed = {c["id"] for c in r["quality"]["checks"] if not c["passed"] and c["severity"] == "fail"}
    assert "whole_body" in failed or "cuts" in failed
    assert r["quality"]["tips"]
    # the runner's feet are in the picture for its last ~10 s (from about 15 s, frames looked
    # at): the refusal says where, so the runner can trim the clip to it (review, 2 Dec)
    body = next(c for c in r["quality"]["checks"] if c["id"] == "whole_body")
    got = re.search(r"They are in view from ([\d.]+) s to ([\d.]+) s", body["detail"])
    assert got, body["detail"]
    start, end = float(got[1]), float(got[2])
    assert 13.5 <= start <= 16.0 and end >= 24.5, body["detail"]
    assert body["how_to_fix"].startswith("Trim the clip to that stretch")


def test_reference_stills_show_the_runner_cropped_beside_good_form_and_share_blurred(
        side_analysis, tmp_path):
    """The portrait treadmill clip's "Good form for you" stills: the runner's half is cut to
    them (the frame is mostly ceiling and wall: review of 2 Dec), the good-form half is the
    same size, the crop's corner is stored, and a shared copy blurs the face where it is in
    the crop (core.reference, core.privacy)."""
    import cv2
    import numpy as np

    from core import privacy

    r, folder = side_analysis.report, side_analysis.media_dir
    media = r["media"]
    fw, fh = media["phases"]["width"], media["phases"]["height"]
    for ph in ("contact", "midstance", "toe_off"):
        key = f"reference_{ph}"
        img = cv2.imread(str(folder / media["evidence"][key]))
        assert img is not None and img.shape[1] % 2 == 0, key
        half = img.shape[1] // 2
        assert half * img.shape[0] <= 0.9 * fw * fh, (key, img.shape, fw, fh)  # cropped
        assert key in media["evidence_offsets"], key
    key = "reference_contact"
    f = media["evidence_frames"][key]
    x0, y0 = media["evidence_offsets"][key]
    box = media["face_boxes"][str(f)]
    shared = privacy.make_shared_variants(media, lambda rel: folder / rel, tmp_path, blur=True,
                                          include_video=False)
    assert shared["evidence"][key] == media["evidence"][key]
    before = cv2.imread(str(folder / media["evidence"][key]))
    after = cv2.imread(str(tmp_path / media["evidence"][key]))
    bx0, by0 = max(0, box[0] - x0), max(0, box[1] - y0)
    bx1, by1 = box[2] - x0, box[3] - y0
    assert bx1 > bx0 + 10 and by1 > by0 + 10  # the face is in the crop
    face_before = before[by0:by1, bx0:bx1].astype(float)
    face_after = after[by0:by1, bx0:bx1].astype(float)
    assert np.abs(np.diff(face_after, axis=1)).mean() < 0.5 * np.abs(np.diff(face_before, axis=1)).mean()
