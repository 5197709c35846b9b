"""A session of several clips (core.session): a side and a back render of the same runner merge
into one report, stored, shared (face blur on every clip's stills), compared and opened like
any report; the merge rule on controlled inputs; the 1.2 -> 1.3 migration; the CLI's clip
list; the Analyze page's two-clip upload (AppTest).

The slow fixture renders the good-form preset side and back at 30 fps for 5 s and runs the
engine once per clip through ui.analysis (whose cache the AppTest upload then reuses: no clip
goes through the pose model twice)."""
from __future__ import annotations

import copy
import json
from pathlib import Path

import cv2
import numpy as np
import pytest

from core import findings as findings_mod
from core.report import REPORT_VERSION, Media, MetricResult, Report, load_report
from core.session import FRAME_STRIDE, ClipPart, merge_reports
from tests.services import WORKERS

FIXTURE = Path(__file__).parent / "fixtures" / "report_v1.0.json"


# ----------------------------------------------------------------------------- fast: the rule
def _old_report() -> dict:
    return load_report(json.loads(FIXTURE.read_text()))


def _as_view(report: dict, view: str, name: str) -> dict:
    r = copy.deepcopy(report)
    r["view"]["view"] = view
    r["view"]["facing"] = None if view != "side" else r["view"].get("facing")
    r["source"]["filename"] = name
    return r


def test_better_confidence_wins_then_more_strides():
    side = _old_report()
    other = _as_view(side, "side", "second.mp4")
    cad_a = next(m for m in side["metrics"] if m["id"] == "cadence")
    cad_b = next(m for m in other["metrics"] if m["id"] == "cadence")
    cad_a["confidence"], cad_b["confidence"] = "medium", "high"
    merged = merge_reports([ClipPart(side, "c1"), ClipPart(other, "c2")])
    got = next(m for m in merged["metrics"] if m["id"] == "cadence")
    assert got["source_clip"] == "c2" and got["confidence"] == "high"
    # same confidence: more strides behind the value wins
    cad_a["confidence"] = cad_b["confidence"] = "high"
    cad_a["n"], cad_b["n"] = 9, 14
    merged = merge_reports([ClipPart(side, "c1"), ClipPart(other, "c2")])
    assert next(m for m in merged["metrics"] if m["id"] == "cadence")["source_clip"] == "c2"
    cad_a["n"] = 20
    merged = merge_reports([ClipPart(side, "c1"), ClipPart(other, "c2")])
    assert next(m for m in merged["metrics"] if m["id"] == "cadence")["source_clip"] == "c1"


def test_clips_that_disagree_beyond_the_reading_error_say_so():
    """A side clip and a back clip of one run at one pace agree on cadence within its reading
    error (1.5 steps/min); two clips 7 apart are two runs or two paces, and the merged
    report says what the other clip read instead of quietly taking one (fresh-eyes review:
    a side 158 merged with a back 165 showed 165 "good" and nothing else)."""
    side = _old_report()
    back = _as_view(side, "back", "back.mp4")
    cad_s = next(m for m in side["metrics"] if m["id"] == "cadence")
    cad_b = next(m for m in back["metrics"] if m["id"] == "cadence")
    cad_s["confidence"], cad_b["confidence"] = "high", "high"
    cad_s["n"], cad_b["n"] = 10, 14
    cad_s["value"], cad_b["value"] = 158.0, 165.0
    merged = merge_reports([ClipPart(side, "c1"), ClipPart(back, "c2")])
    got = next(m for m in merged["metrics"] if m["id"] == "cadence")
    assert got["source_clip"] == "c2" and got["value"] == 165.0
    assert "The clips disagree here: the side clip read 158 steps/min" in got["caveat"]
    assert got["extra"]["other_clips"] == [{"clip": "c1", "value": 158.0, "confidence": "high"}]
    # the session's clip list says it too, at the top of the report
    from ui.report_view import clips_disagree

    assert clips_disagree(merged) == (
        "The clips disagree on cadence (the back clip 165 steps/min, the side clip 158 "
        "steps/min), further apart than its reading error: are both clips of the same run at "
        "the same pace? The report uses the reading with the better confidence (then more "
        "strides).")
    # within the reading error: nothing said
    cad_s["value"] = 164.0
    merged = merge_reports([ClipPart(side, "c1"), ClipPart(back, "c2")])
    got = next(m for m in merged["metrics"] if m["id"] == "cadence")
    assert "disagree" not in got["caveat"] and "other_clips" not in (got.get("extra") or {})
    assert clips_disagree(merged) is None


def test_a_metric_is_never_taken_from_a_view_it_is_not_valid_in():
    side = _old_report()
    back = _as_view(side, "back", "back.mp4")  # claims side-only metrics: must be ignored
    for m in back["metrics"]:
        m["confidence"], m["n"] = "high", 999
    merged = merge_reports([ClipPart(back, "c1"), ClipPart(side, "c2")])
    clips = {c["key"]: c for c in merged["session"]["clips"]}
    side_key = next(k for k, c in clips.items() if c["view"] == "side")
    assert clips[side_key]["primary"], "the side clip is the primary one"
    over = next(m for m in merged["metrics"] if m["id"] == "overstride")
    assert over["source_clip"] == side_key


def test_migration_1_2_to_1_3_loads_old_reports():
    d = _old_report()
    assert d["version"] == REPORT_VERSION == "1.4"
    assert d["session"] is None and all(m["source_clip"] is None for m in d["metrics"])
    as_12 = copy.deepcopy(d)
    as_12["version"] = "1.2"
    del as_12["session"]
    for m in as_12["metrics"]:
        del m["source_clip"]
    r = Report.from_json(as_12)
    assert r.version == "1.4" and r.session is None


def test_cli_names_the_clip_that_cannot_be_analysed(tmp_path, capsys):
    from core.__main__ import main

    good = tmp_path / "side.mp4"
    good.write_bytes(b"not a video at all\n" * 100)
    bad = tmp_path / "back.mp4"
    bad.write_bytes(b"")
    assert main(["analyze", str(good), str(bad), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "Clip 1 (side.mp4)" in err and "Traceback" not in err


# ----------------------------------------------------------------------------- slow: renders
@pytest.fixture(scope="session")
def pair():
    """Good-form runner rendered side and back (30 fps, 5 s), each analysed once (the side
    render is shared with test_browser_session.py: tests/engine_cache.rendered_clip)."""
    from core.pipeline import AnalysisOptions
    from core.synthetic import PRESETS
    from engine_cache import rendered_clip
    from ui import analysis

    out = {}
    for view in ("side", "back"):
        video = rendered_clip(f"run_{view}.mp4", PRESETS["good"].params, view=view, fps=30.0,
                              seconds=5.0)
        out[view] = (video, analysis.analyse_path(video, AnalysisOptions(), lambda s, f: None))
    return out


def _merged(pair, tmp_path):
    from ui import analysis
    from core.pipeline import AnalysisOptions

    files = [(pair[v][0].read_bytes(), pair[v][0].name) for v in ("back", "side")]
    return analysis.merge_cached(files, AnalysisOptions())


@pytest.mark.slow
def test_side_and_back_merge_into_one_report(pair, tmp_path):
    res = _merged(pair, tmp_path)  # back clip given first: the side clip still leads
    assert res is not None, "both clips were analysed in this process: no pose pass needed"
    r = res.report
    assert r["version"] == "1.4" and r["status"] in ("ok", "limited")
    clips = {c["view"]: c for c in r["session"]["clips"]}
    assert set(clips) == {"side", "back"} and clips["side"]["primary"]
    by_id = {m["id"]: m for m in r["metrics"]}
    # the hips from behind (pelvic drop is held back as not measurable from a video:
    # step width and side-to-side sway are the back view's hip/feet measures)
    assert by_id["lateral_sway"]["source_clip"] == clips["back"]["key"]
    assert by_id["step_width"]["source_clip"] == clips["back"]["key"]
    assert by_id["overstride"]["source_clip"] == clips["side"]["key"]
    assert "pelvic_drop" not in by_id and any(n["id"] == "pelvic_drop" for n in r["not_measured"])
    # each clip lists exactly the metrics it gave
    for c in r["session"]["clips"]:
        assert sorted(c["metrics"]) == sorted(m["id"] for m in r["metrics"]
                                              if m["source_clip"] == c["key"])
    # one set of scores and fixes, recomputed from the merged metrics
    typed = [MetricResult(**m) for m in r["metrics"]]
    again = findings_mod.build_findings(typed)
    assert r["findings"]["overall_score"] == again.overall_score
    assert [a["score"] for a in r["findings"]["areas"]] == [a.score for a in again.areas]
    side_only = pair["side"][1].report["findings"]["areas"]
    hips = next(a for a in r["findings"]["areas"] if a["area"] == "hips")
    assert hips["summary"] != next(a for a in side_only if a["area"] == "hips")["summary"] or \
        len([m for m in r["metrics"] if m["area"] == "hips"]) > len(
            [m for m in pair["side"][1].report["metrics"] if m["area"] == "hips"])
    # media: namespaced per clip, every file there, frames of the back clip offset
    ev, evf = r["media"]["evidence"], r["media"]["evidence_frames"]
    assert ev["step_width"].startswith(clips["back"]["key"] + "/")
    assert ev["overstride"].startswith(clips["side"]["key"] + "/")
    assert evf["step_width"] >= FRAME_STRIDE > evf["overstride"]
    for rel in [*ev.values(), r["media"]["thumbnail"]]:
        assert (res.media_dir / rel).is_file(), rel
    # the back clip's annotated video is kept beside the side clip's (the owner sees both)
    others = r["media"]["other_videos"]
    assert list(others) == [clips["back"]["key"]] and others[clips["back"]["key"]].startswith(
        clips["back"]["key"] + "/") and (res.media_dir / others[clips["back"]["key"]]).is_file()
    assert r["media"]["video"].startswith(clips["side"]["key"] + "/")
    assert any(int(k) >= FRAME_STRIDE for k in r["media"]["face_boxes"])
    # stills cropped to the runner keep where they start in their frame (the face blur of a
    # shared copy needs it): the side clip's own offsets, for the metrics it gave
    merged = r["media"].get("evidence_offsets") or {}
    want = {}
    for view in ("side", "back"):
        own = pair[view][1].report["media"].get("evidence_offsets") or {}
        assert own or view == "back", "the side render's stills are cropped to the runner"
        want.update({k: v for k, v in own.items() if k in ev
                     and (by_id.get(k, {}).get("source_clip") == clips[view]["key"]
                          # the good-form stills are the primary (side) clip's
                          or (view == "side" and k.startswith("reference_")))})
    assert merged == want and merged
    assert Report.from_json(r).session.clip(clips["back"]["key"]).view == "back"
    # the readable summary says which clip gave what
    from core.summary import text_summary

    text = text_summary(r)
    assert "One session of 2 clips" in text and "from " + clips["back"]["key"] in text


@pytest.mark.slow
def test_session_report_is_stored_shared_with_blur_and_compared(pair, tmp_path, store):
    from core import compare
    from core.privacy import make_shared_variants

    import secrets

    res = _merged(pair, tmp_path)
    tok = secrets.token_urlsafe(24)
    saved = store.save(res.report, res.media_dir, owner=tok, clip_key=res.key)
    got = store.get(saved.id, saved.delete_key)
    assert got is not None and got.report["session"]["clips"][1]["view"] in ("back", "side")
    (back_video,) = got.report["media"]["other_videos"].values()  # stored with the report
    assert Path(got.media_file(back_video)).stat().st_size > 0
    # sharing: every clip's stills are blurred at their own head box
    media = res.report["media"]
    dst = tmp_path / "shared"
    out = make_shared_variants(media, lambda rel: res.media_dir / rel, dst, blur=True,
                               include_video=False)
    assert "step_width" in out["evidence"], "the back clip's still is shared (blurred)"
    assert "other_videos" not in out  # the other clips' videos are the owner's only
    cropped = next(k for k in media.get("evidence_offsets") or {} if k in out["evidence"])
    for key in ("step_width", cropped):  # a back-clip still; a side still cropped to the runner
        frame = media["evidence_frames"][key]
        box = media["face_boxes"][str(frame)]
        a = cv2.imread(str(res.media_dir / media["evidence"][key]))
        b = cv2.imread(str(dst / out["evidence"][key]))
        ox, oy = (media.get("evidence_offsets") or {}).get(key, (0, 0))
        x0, y0, x1, y1 = (max(0, int(v) - o) for v, o in zip(box, (ox, oy, ox, oy)))
        assert y1 > y0 and x1 > x0, (key, box, ox, oy)  # the head is in the still
        head_a, head_b = a[y0:y1, x0:x1].astype(float), b[y0:y1, x0:x1].astype(float)
        assert head_b.std() < 0.8 * head_a.std(), key  # blurred where the head is in it
    # compared like any report: against the side clip alone
    cmp = compare.compare(pair["side"][1].report, res.report)
    assert cmp["views"] == {"before": "side", "after": "side + back", "same_view": False}
    rows = {row["id"]: row for row in cmp["metrics"]}
    assert "overstride" in rows and "step_width" in rows


@pytest.mark.slow
def test_a_shared_session_says_whose_video_it_shows(app, store, pair, tmp_path):
    """The owner sees each clip's video on its tab; a share link with the video shows the
    side clip's only, and says so on both sides (fresh-eyes review: one unlabelled video)."""
    import secrets

    res = _merged(pair, tmp_path)
    tok = secrets.token_urlsafe(24)
    saved = store.save(res.report, res.media_dir, owner=tok, clip_key=res.key)
    share_id = store.share(saved.id, saved.delete_key, blur_faces=False, include_video=True)
    owner = app("pages/report.py", fc_current=saved.id, fc_browser_token=tok).run()
    assert not owner.exception
    # the header gives each clip's length and rate, not the side clip's as the session's
    # (review, 3 Dec)
    clips = res.report["session"]["clips"]
    head = next(c.value for c in owner.caption if " fps" in c.value)
    for c in clips:
        assert f"{c['view']} clip {c['duration_s']:.1f} s at {c['fps']:.0f} fps" in head, head
    # and a still's frame number says which clip it is from ("The moment we measured (at
    # 0.8 s)" named none: ui.report_view._frame_clip names it in the caption)
    from ui.report_view import _frame_clip

    for c in clips:
        assert _frame_clip(res.report, (c.get("frame_offset") or 0) + 12)["key"] == c["key"]
    assert _frame_clip({"session": {"clips": clips[:1]}}, 12) is None  # one clip: no name
    assert "Anyone with this link sees a read-only copy without blurring, including the side " \
        "clip's video:" in "\n".join(m.value for m in owner.markdown)
    # the charts, the frame viewer and the downloads say which clip they are of; no "this
    # clip" over a session (review, 3 Dec)
    words = "\n".join(e.value for e in [*owner.markdown, *owner.caption, *owner.info,
                                        *owner.success])
    assert "this clip" not in words, [ln for ln in words.split("\n") if "this clip" in ln]
    assert any("Over time and cadence: the side clip's timeline" in c.value
               for c in owner.caption)
    if len(Media.of(res.report).evidence) > 1:
        assert any("moments we measured, clip by clip" in c.value for c in owner.caption)
    assert "Side clip video" in " ".join(str(b.proto.label) for b in owner.get("download_button"))
    viewer = app("pages/report.py", query={"r": share_id}).run()
    assert not viewer.exception
    assert "Back clip" not in [t.label for t in viewer.tabs]
    assert len(viewer.get("video")) == 1
    assert any("The side clip's video; the other clips' videos are not in the shared copy."
               in c.value for c in viewer.caption)


@pytest.mark.slow
def test_analyze_page_two_clip_upload(app, store, pair):
    """Upload a side and a back clip on the Analyze page: one merged report opens (the
    clips' own results are cached, so no pose pass and no job)."""
    at = app().run()
    assert len(at.file_uploader) == 2
    side, back = pair["side"][0], pair["back"][0]
    at.file_uploader[0].set_value((side.name, side.read_bytes(), "video/mp4"))
    at.file_uploader[1].set_value((back.name, back.read_bytes(), "video/mp4"))
    at.run()
    next(b for b in at.button if b.label == "Analyse my run").click()
    at.run()
    assert not at.exception, at.exception
    assert at.title[0].value == "Your running form"
    md = "\n".join(m.value for m in at.markdown)
    assert "One session, 2 clips" in md and "Back clip" in md and "Side clip" in md
    caps = "\n".join(c.value for c in at.caption)
    assert "From the back clip" in caps and "From the side clip" in caps
    # each clip's annotated video on its own tab
    labels = [t.label for t in at.tabs]
    assert labels.index("Back clip") == labels.index("Side clip") + 1, labels
    saved = store.list(at.session_state["fc_browser_token"])
    assert len(saved) == 1
    from core.store import Proof

    rep = store.get(saved[0].id, Proof(owner=at.session_state["fc_browser_token"])).report
    assert rep["session"] and len(rep["session"]["clips"]) == 2


# ----------------------------------------------------------------------------- camera tilt
@pytest.mark.parametrize("roll", [0.0, 4.0, -7.0])
def test_camera_tilt_from_the_trunk_front_view(roll):
    """Exact-truth front-view runner (tests/synth_track.py), the picture turned by ``roll``:
    the tilt read from the trunk is the roll within 0.5 deg; from the side it is not told."""
    import dataclasses

    from core.quality import camera_tilt_deg
    from synth_track import Gait, make_track

    tr = make_track(Gait(view="front"))
    c = np.array([tr.width / 2, tr.height / 2])
    a = np.radians(roll)
    rot = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])
    xy = (tr.xy - c) @ rot.T + c
    got = camera_tilt_deg(dataclasses.replace(tr, xy=xy), "front")
    assert got is not None and abs(got - roll) <= 0.5  # README: within 0.5 deg, its sign too
    assert camera_tilt_deg(tr, "side") is None


@pytest.mark.slow
def test_owner_adds_a_back_clip_to_a_stored_side_report(app, store, pair):
    """Report page, owner: "Add a back or front clip of this run" merges the stored side
    report with the back clip into a new report (the back clip's result is cached in this
    process: no job, no pose pass); the side report stays."""
    import secrets

    from core.store import Proof

    side, side_res = pair["side"]
    back = pair["back"][0]
    tok = secrets.token_urlsafe(24)
    saved = store.save(side_res.report, side_res.media_dir, owner=tok, clip_key=side_res.key)
    at = app("pages/report.py", fc_current=saved.id, fc_browser_token=tok).run()
    assert not at.exception
    up = next(u for u in at.file_uploader if u.label == "Back or front clip")
    up.set_value((back.name, back.read_bytes(), "video/mp4"))
    at.run()
    next(b for b in at.button if b.label == "Add it and merge").click()
    at.run()
    assert not at.exception, at.exception
    new_id = at.session_state["fc_current"]
    assert new_id != saved.id
    md = "\n".join(m.value for m in at.markdown)
    assert "One session, 2 clips" in md
    merged = store.get(new_id, Proof(owner=tok)).report
    by_id = {m["id"]: m for m in merged["metrics"]}
    assert by_id["step_width"]["source_clip"] == "c2" and by_id["overstride"]["source_clip"] == "c1"
    # the stored media of the side report were copied under c1/, the back clip's under c2/
    assert merged["media"]["evidence"]["overstride"].startswith("c1/")
    assert store.get(saved.id, Proof(owner=tok)).report.get("session") is None
    # a session report offers no second "add"
    assert not [u for u in at.file_uploader if u.label == "Back or front clip"]


# ----------------------------------------------------------------------------- jobs
@pytest.fixture
def jobs_env(tmp_path, monkeypatch):
    monkeypatch.setenv("FORMCHECK_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("FORMCHECK_WORKERS", "0")  # the test starts its worker
    monkeypatch.delenv("FORMCHECK_BROKER_URL", raising=False)
    monkeypatch.setenv("FORMCHECK_SECRETS", str(tmp_path / "no-secrets.toml"))
    return tmp_path


def _run_worker() -> str:
    import os
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[1]
    proc = subprocess.run([sys.executable, "-m", "core", "worker", "--embedded", "--once"],
                          cwd=root, env=dict(os.environ), capture_output=True, timeout=180)
    out = (proc.stdout + proc.stderr).decode(errors="replace")
    assert proc.returncode == 0 and "Traceback" not in out, out
    return out


@WORKERS
def test_session_job_and_add_to_a_gone_report_fail_in_words(jobs_env):
    """A real worker (one process for both jobs, queued in order): one job for two clips, bad
    input in the first, fails the job in words naming that clip, and both stored clips are
    removed; a clip to add to a report that is gone fails in words."""
    from core import jobs

    owner = "B" * 32
    job = jobs.submit_session([(b"not a video " * 100, "side.mp4"), (b"also junk " * 100,
                                                                     "back.mp4")],
                              {}, "s" * 64, owner=owner)
    stored = [Path(job.clip_path), *[Path(p) for p in job.options[jobs.SESSION_CLIPS]]]
    assert all(p.is_file() for p in stored) and job.options[jobs.SESSION_NAMES] == [
        "side.mp4", "back.mp4"]
    add = jobs.submit_clip(b"any bytes " * 100, "back.mp4", {jobs.MERGE_INTO: "nosuchreport"},
                           "a" * 64, owner="C" * 32)
    _run_worker()  # --once: runs until no job is queued or running
    done = jobs.status(job.id)
    assert done.state == jobs.FAILED and done.message.startswith("Clip 1 (side.mp4): ")
    assert not any(p.exists() for p in stored)
    done = jobs.status(add.id)
    assert done.state == jobs.FAILED and "no longer there" in done.message


def test_an_area_card_reads_a_session_reason_by_its_own_words():
    """A session's not-measured reasons start with the clip's name; the area card quoted that
    name as the reason ("Vertical ratio not measured: side clip.", browser review s20), and a
    measure that only needs the runner's speed was listed as lost to the view."""
    from core.session import clip_reason
    from ui.report_view import view_measures_lost

    assert clip_reason("Side clip: Needs your treadmill speed (About you). Back clip: Not "
                       "valid in a back view.") == "Needs your treadmill speed (About you)."
    assert clip_reason("Back clip 2: Feet out of the picture. Side clip: x") == \
        "Feet out of the picture."
    assert clip_reason("Needs your treadmill speed: give it") == \
        "Needs your treadmill speed: give it"  # one clip's reason: as it is
    r = {"view": {"view": "side"}, "not_measured": [
        {"id": "vertical_ratio", "label": "Vertical ratio", "area": "hips",
         "reason": "Side clip: Needs your treadmill speed (About you) to know the step length."},
        {"id": "hip_extension", "label": "Hip extension at toe-off", "area": "hips",
         "reason": "Side clip: Too few clear toe-offs (2): at least 4 are needed."}]}
    assert view_measures_lost(r, "hips") == \
        "Hip extension at toe-off not measured: too few clear toe-offs."
