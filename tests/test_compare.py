"""Before/after comparison (core.compare) and its CLI (``python -m core compare``)."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from core import compare as cmp
from core.report import dumps
from core.spec import BY_ID
from tests.engine_cache import SYNTH, report_for

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "assets" / "sample" / "sample_good_side.mp4"
OVERSTRIDER = SYNTH / "syn_side_overstride_30.mp4"


def _m(mid: str, value, spread=None, n=12, status=None, side=None) -> dict:
    spec = BY_ID[mid]
    return {"id": mid, "value": value, "spread": spread, "n": n, "display": str(value),
            "status": status or spec.status(value), "side_diff": side}


def _report(metrics: list[dict], areas=(80, 80, 80), overall=80, view="side") -> dict:
    return {"version": "1.0", "created": "2026-01-01T00:00:00+00:00", "status": "ok",
            "source": {"filename": "x.mp4"}, "view": {"view": view},
            "metrics": metrics,
            "findings": {"overall_score": overall, "areas": [
                {"area": a, "score": s} for a, s in zip(("shoulders", "hips", "feet"), areas)]}}


def test_word_is_judged_against_band_and_spread():
    before = _report([_m("cadence", 158), _m("overstride", 20.0, spread=2, n=14),
                      _m("trunk_lean", 6.0, spread=1), _m("contact_time", 260, spread=40, n=4),
                      _m("vertical_oscillation", 10.0, spread=1)])
    after = _report([_m("cadence", 159), _m("overstride", 12.0, spread=2, n=14),
                     _m("trunk_lean", 11.0, spread=1), _m("contact_time", 290, spread=40, n=4),
                     _m("vertical_oscillation", 16.0, spread=1)], areas=(80, 90, 70), overall=82)
    res = cmp.compare(before, after)
    rows = {r["id"]: r for r in res["metrics"]}
    assert rows["cadence"]["word"] == "same" and "noise" in rows["cadence"]["note"]
    assert rows["overstride"]["word"] == "better" and rows["overstride"]["delta"] == -8
    assert rows["overstride"]["note"] == "closer to the good range"
    # 6 -> 11 deg, both in the 5-12 band: more than the noise (2 deg), so not "same"
    assert rows["trunk_lean"]["word"] == "changed" and rows["trunk_lean"]["note"] == "both in the good range"
    # +30 ms looks worse, but with a 40 ms spread over 4 strides it is within noise
    assert rows["contact_time"]["word"] == "same"
    assert rows["contact_time"]["noise"] > 30
    assert rows["vertical_oscillation"]["word"] == "worse"
    areas = {r["id"]: r for r in res["areas"]}
    assert [areas[k]["word"] for k in ("shoulders", "hips", "feet", "overall")] == \
        ["same", "better", "worse", "same"]


def test_change_is_the_difference_of_the_shown_values():
    # the reviewer's table: raw values that round to 25 -> 31, 27 -> 36, 39 -> 35, 8 -> 26
    before = _report([_m("overstride", 25.4), _m("knee_drive", 27.4), _m("duty_factor", 38.6),
                      _m("knee_flexion_ic", 8.4, spread=4, n=12)])
    after = _report([_m("overstride", 30.6), _m("knee_drive", 35.6), _m("duty_factor", 35.4),
                     _m("knee_flexion_ic", 25.6, spread=4, n=12)])
    res = cmp.compare(before, after)
    for mid, text in (("overstride", "+6"), ("knee_drive", "+9"), ("duty_factor", "-4"),
                      ("knee_flexion_ic", "+18")):
        r = cmp.row(res, mid)
        spec = BY_ID[mid]
        shown = [float(t.split()[0]) for t in (r["before_text"], r["after_text"])]
        assert r["delta"] == shown[1] - shown[0] == spec.shown(r["after"]) - spec.shown(r["before"])
        assert f"{r['delta']:+g}" == text and text in cmp.table_text(res)


def test_a_change_larger_than_the_noise_is_never_same():
    # knee bend at landing 8 deg (2 under the 10-25 band) -> 26 deg (1 over it): +18 deg
    # against a noise of about 3 deg is a real change, though no closer to the band
    before = _report([_m("knee_flexion_ic", 8.0, spread=4, n=12)])
    after = _report([_m("knee_flexion_ic", 26.0, spread=4, n=12)])
    r = cmp.row(cmp.compare(before, after), "knee_flexion_ic")
    assert r["delta"] == 18 and r["noise"] < 18
    assert r["word"] == "changed" and "within noise" not in r["note"]
    assert r["note"].startswith("from 2 deg under the good range to 1 deg over it (closer, "
                                "but by no more than the noise, +/-")
    # into the good range from within the noise of its edge, the verdicts "worth a look" ->
    # "good": better, in words (fresh-eyes review: "2 deg over to in the good range"; it read
    # "changed" beside the two verdicts: review, 3 Dec); and back out of it: worse
    before = _report([_m("shank_angle_ic", 8.0, spread=4, n=12)])
    after = _report([_m("shank_angle_ic", -22.0, spread=4, n=12)])
    r = cmp.row(cmp.compare(before, after), "shank_angle_ic")
    assert r["word"] == "better"
    back = cmp.row(cmp.compare(after, before), "shank_angle_ic")
    assert back["word"] == "worse" and back["note"].endswith(") of the range"), back["note"]
    assert r["note"].startswith("from 2 deg over the good range to inside it; before, it was "
                                "within the noise (+/-"), r["note"]
    assert r["note"].endswith(") of the range") and "(closer" not in r["note"]
    # over many values and spreads: "same" exactly when the change is within the noise, and
    # "better" / "worse" only for a change larger than the noise
    for spec_id, values in (("knee_flexion_ic", (3, 8, 10.4, 17, 25, 26, 40)),
                            ("overstride", (0, 5, 8, 9.6, 12, 25, 31)),
                            ("cadence", (150, 163.6, 165, 170, 185, 187, 200))):
        for va in values:
            for vb in values:
                for spread in (None, 2, 12):
                    res = cmp.compare(_report([_m(spec_id, va, spread=spread)]),
                                      _report([_m(spec_id, vb, spread=spread)]))
                    r = cmp.row(res, spec_id)
                    within = abs(r["delta"]) <= r["noise"]
                    assert (r["word"] == "same") == within, (spec_id, va, vb, spread, r)
                    if r["word"] == "same":
                        assert "within noise" in r["note"], r
                    else:
                        assert "within noise" not in r["note"], r


def test_sides_and_missing_and_views():
    side = lambda v: {"value": v, "unit": "deg", "status": "good" if v <= 6 else "watch"}  # noqa: E731
    before = _report([_m("knee_flexion_ic", 20, side=side(12))], view="side")
    after = _report([_m("knee_flexion_ic", 21, side=side(2)), _m("cadence", 170)], view="back")
    res = cmp.compare(before, after)
    sides = cmp.row(res, "knee_flexion_ic:sides")
    assert sides["word"] == "better" and sides["delta"] == -10
    assert cmp.row(res, "cadence")["note"] == "measured after only"
    assert not res["views"]["same_view"] and res["notes"]
    text = cmp.table_text(res)
    assert "Knee bend at landing, left vs right" in text and "better" in text


def test_cli_friendly_errors(tmp_path, capsys):
    """The CLI's ``main`` in this process (the slow test below runs it as its own process)."""
    from core.__main__ import main

    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    good = tmp_path / "good.json"
    good.write_text(dumps(_report([_m("cadence", 170)])))
    for args in ([str(bad), str(good)], [str(tmp_path / "missing.json"), str(good)]):
        capsys.readouterr()
        code = main(["compare", *args])
        out, err = capsys.readouterr()
        assert code == 2
        assert "Can't compare" in err and "Traceback" not in out + err


@pytest.mark.slow
def test_overstrider_to_sample_clip(tmp_path):
    """Acceptance: the shared overstrider render -> the sample clip: cadence 158 -> 178 and
    overstride moves into the good band, through the CLI on the real reports."""
    if not (OVERSTRIDER.is_file() and SAMPLE.is_file()):
        pytest.skip("needs ../shared/synthetic and assets/sample")
    paths = []
    for name, clip in (("before", OVERSTRIDER), ("after", SAMPLE)):
        path = tmp_path / f"{name}.json"
        path.write_text(dumps(report_for(str(clip))))
        paths.append(str(path))
    p = subprocess.run([sys.executable, "-m", "core", "compare", *paths, "--json"], cwd=ROOT,
                       capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    res = json.loads(p.stdout)
    cad = cmp.row(res, "cadence")
    assert (round(cad["before"]), round(cad["after"])) == (158, 178)
    assert cad["word"] == "better"
    ov = cmp.row(res, "overstride")
    spec = BY_ID["overstride"]
    assert spec.status(ov["before"]) == "fix" and spec.status(ov["after"]) == "good"
    # 30 fps: overstride is low confidence in both, and the reason says so
    assert ov["word"] == "better" and ov["note"] == ("into the good range; both values are "
                                                     "low confidence")
    text = subprocess.run([sys.executable, "-m", "core", "compare", *paths], cwd=ROOT,
                          capture_output=True, text=True).stdout
    assert "158 steps/min" in text and "178 steps/min" in text


def _phases(shift: float, scale: float, facing: str = "right", ahead: float = 0.3) -> dict:
    """A stick runner: pelvis at (shift, 300), leg ``scale`` px, stance ankle ``ahead`` legs
    in front (mirrored when facing left)."""
    from core.reference import BODY
    fwd = -1 if facing == "left" else 1
    pts = {i: None for i in BODY}
    base = {11: (0, -0.6), 12: (0, -0.6), 23: (0, 0), 24: (0, 0), 25: (ahead / 2, 0.5),
            26: (-0.1, 0.5), 27: (ahead, 1.0), 28: (-0.3, 0.8)}
    for i, (x, y) in base.items():
        pts[i] = [shift + fwd * x * scale, 300 + y * scale]
    xy = [pts[i] for i in BODY]
    return {"leg_px": scale, "facing": facing, "width": 960, "height": 540,
            "frames": {ph: {"frame": 1, "xy": xy} for ph in ("contact", "midstance", "toe_off")}}


def test_overlay_aligns_pelvis_and_leg_length():
    from ui import compare as ui_cmp
    a = ui_cmp.normalised(_phases(500, 200), "contact")
    b = ui_cmp.normalised(_phases(120, 90, facing="left"), "contact")
    for i in (23, 24, 27, 11):  # same body at another place, size and facing: same points
        assert a.pts[i] == pytest.approx(b.pts[i])
    assert a.pts[27] == pytest.approx([0.3, 1.0])
    png = ui_cmp.overlay_png(_phases(500, 200), _phases(300, 150, ahead=0.05), "contact")
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert ui_cmp.overlay_png(_phases(500, 200), None, "contact") is None
    assert ui_cmp.normalised({"leg_px": 0, "frames": {}}, "contact") is None


def test_trend_rows_and_charts():
    from ui import compare as ui_cmp
    side = {"value": 12.0, "unit": "%", "status": "watch"}
    r1 = _report([_m("cadence", 158), _m("contact_time", 273, side=side)], overall=70)
    r2 = _report([_m("cadence", 176), _m("contact_time", 240)], overall=90)
    refused = {**_report([]), "status": "refused"}
    df = ui_cmp.trend_rows([("2026-01-01T08:00:00+00:00", r1), ("2026-01-20T08:00:00+00:00", r2),
                            ("2026-01-21T08:00:00+00:00", refused)])
    cad = df[df["id"] == "cadence"]
    assert list(cad["value"]) == [158, 176] and set(df["view"]) == {"side"}
    assert list(df[df["id"] == "contact_time:sides"]["value"]) == [12.0]
    assert list(df[df["id"] == "score:overall"]["value"]) == [70, 90]
    # the tooltip says the value with its unit, its confidence and which clip (fresh-eyes
    # review: "Value 165 / View side" only)
    assert list(cad["shown"]) == ["158 steps/min", "176 steps/min"]
    assert set(cad["clip"]) == {"x.mp4 (Side view)"}
    assert list(df[df["id"] == "score:overall"]["shown"]) == ["70/100", "90/100"]
    spec = ui_cmp.trend_chart(df, "cadence").to_dict()
    layers = spec["layer"]
    assert layers[0]["mark"]["type"] == "rect"  # the good band 165-185, shaded
    bands = [row for rows in spec["datasets"].values() for row in rows if "lo" in row]
    assert [(b["lo"], b["hi"]) for b in bands] == [(165, 185)]
    assert ui_cmp.trend_chart(df, "trunk_lean") is None
    # a one-sided limit's good side is shaded too, to the plot's edge (a dashed line alone
    # did not say which side was good: review, 3 Dec); the axis spans values and limit
    ct = ui_cmp.trend_chart(df, "contact_time").to_dict()
    shade = ct["layer"][0]
    assert shade["mark"]["type"] == "rect" and shade["mark"]["clip"] is True
    lo, hi = shade["encoding"]["y"]["scale"]["domain"]
    assert lo < 240 and hi > BY_ID["contact_time"].good_hi and hi > 273
    # scores on the top of their 0-100 scale, never a few points stretched to the full height
    score = ui_cmp.trend_chart(df, "score:overall").to_dict()["layer"][-1]["encoding"]["y"]
    assert score["scale"]["domain"] == [50, 100]
    # a clip filmed with limits, or a value read with low confidence, is a hollow point
    # (trends drew every session alike: review, s20)
    r3 = dict(_report([_m("cadence", 181), _m("contact_time", 250)], overall=85),
              status="limited")
    r2["metrics"][1]["confidence"] = "low"
    df = ui_cmp.trend_rows([("2026-01-01T08:00:00+00:00", r1), ("2026-01-20T08:00:00+00:00", r2),
                            ("2026-02-01T08:00:00+00:00", r3)])
    assert list(df[df["id"] == "cadence"]["careful"]) == [False, False, True]
    assert list(df[df["id"] == "contact_time"]["careful"]) == [False, True, True]
    assert df[df["id"] == "cadence"]["clip"].iloc[2].endswith(", filmed with limits")
    chart = ui_cmp.trend_chart(df, "contact_time").to_dict()
    fill = chart["layer"][-1]["encoding"]["fill"]
    assert fill["field"] == "point" and fill["scale"]["range"] == ["#2B6CB0", "white", "white"]
    kinds = [row["point"] for rows in chart["datasets"].values() for row in rows if "point" in row]
    assert kinds == ["measured well"] + ["filmed with limits or low confidence"] * 2
    assert ui_cmp._ticks(pd.Series(pd.to_datetime(["2026-01-01 08:00", "2026-01-01 09:30",
                                                   "2026-01-02 08:00"]))) == \
        ["01 Jan 08:00", "01 Jan 09:30", "02 Jan"]
    # a clip whose runner's build reads differently from the latest's: hollow, said in its
    # tooltip (Trends drew another person's clip as the runner's 97 -> 72: review, 3 Dec)
    for r, (thigh, trunk) in zip((r1, r2, r3), ((0.48, 0.666), (0.52, 0.619), (0.519, 0.6))):
        r["media"] = {"reference": {"thigh_frac": thigh, "trunk_frac": trunk}}
    df = ui_cmp.trend_rows([("2026-01-01T08:00:00+00:00", r1), ("2026-01-20T08:00:00+00:00", r2),
                            ("2026-02-01T08:00:00+00:00", r3)])
    cad = df[df["id"] == "cadence"]
    assert list(cad["other_build"]) == [True, False, False]
    assert list(cad["careful"]) == [True, False, True]
    assert cad["clip"].iloc[0].endswith("the runner's build reads differently from the latest")
    kinds = [row["point"] for rows in ui_cmp.trend_chart(df, "cadence").to_dict()["datasets"]
             .values() for row in rows if "point" in row]
    assert kinds == ["another build (perhaps someone else)", "measured well",
                     "filmed with limits or low confidence"]
    # two clips analysed in the same minute (or second) keep a tick each (review, 3 Dec: both
    # drawn on one tick "03 Dec 08:08" as a vertical bar)
    assert ui_cmp._ticks(pd.Series(pd.to_datetime([
        "2026-12-03 08:08:05", "2026-12-03 08:08:41", "2026-12-03 08:08:41",
        "2026-12-03 09:00:00", "2026-12-04 07:00:00"]))) == \
        ["03 Dec 08:08:05", "03 Dec 08:08:41 #1", "03 Dec 08:08:41 #2", "03 Dec 09:00", "04 Dec"]
    # a year apart at the same second is not one session numbered twice
    assert ui_cmp._ticks(pd.Series(pd.to_datetime(["2025-12-03 08:08:05",
                                                   "2026-12-03 08:08:05"]))) == \
        ["03 Dec 2025", "03 Dec 2026"]


def test_two_runs_filmed_differently_say_so():
    """A handheld overground clip against a tripod treadmill clip was compared with no word
    (fresh-eyes review): a different frame rate class, a moving camera or an oblique one is
    named, as part of a change can come from the filming."""
    from core.quality import CAMERA_MOVED

    def filmed(fps, moved, oblique):
        r = _report([_m("cadence", 170)])
        r["source"]["fps_measured"] = fps
        r["quality"] = {"checks": [
            {"id": "still", "passed": True,
             "detail": f"{CAMERA_MOVED} (up to 30 % of the frame width)" if moved
             else "The camera stood still."},
            {"id": "angle", "passed": False, "severity": "warn"} if oblique else
            {"id": "fps", "passed": True}]}
        return r

    same = cmp.compare(filmed(30, False, False), filmed(30, False, False))
    assert not any("filmed differently" in n for n in same["notes"])
    res = cmp.compare(filmed(30, False, False), filmed(60, True, True))
    [note] = [n for n in res["notes"] if "filmed differently" in n]
    assert "camera still before, moving after" in note
    assert "camera angle square before, off square after" in note
    from core.spec import TIMING_FPS
    assert f"frame rate under {TIMING_FPS:.0f} fps before, {TIMING_FPS:.0f} fps or more after" in note
    assert "read small changes with care" in note


def test_a_change_read_from_a_low_confidence_value_says_so():
    """Compare showed no confidence: "better" from a low-confidence reading read as sure as any
    (fresh-eyes review). The reason names which value is low confidence; a change within
    the noise needs no such word."""
    a = _m("overstride", 25.0, spread=3, n=12)
    b = _m("overstride", 10.0, spread=3, n=12)
    a["confidence"], b["confidence"] = "high", "low"
    r = cmp.row(cmp.compare(_report([a]), _report([b])), "overstride")
    assert r["word"] == "better" and r["note"] == ("closer to the good range; the after value "
                                                   "is low confidence")
    a["confidence"] = "low"
    r = cmp.row(cmp.compare(_report([a]), _report([b])), "overstride")
    assert r["note"].endswith("; both values are low confidence")
    b["value"] = 24.0
    r = cmp.row(cmp.compare(_report([a]), _report([b])), "overstride")
    assert r["word"] == "same" and "confidence" not in r["note"]


def test_reports_that_share_footage_say_it_is_not_progress():
    """A side clip's report against the session made by adding a back clip to it read as
    progress (cadence 158 -> 165 "better", fresh-eyes review): the same footage is named."""
    a = _report([_m("cadence", 158.0, spread=2, n=10)])
    a["source"].update(duration_s=5.0, fps_measured=30.0)
    b = _report([_m("cadence", 165.0, spread=2, n=14)])
    b["session"] = {"clips": [{"filename": "x.mp4", "duration_s": 5.0, "fps": 30.0, "view": "side"},
                              {"filename": "back.mp4", "duration_s": 6.0, "fps": 30.0,
                               "view": "back"}]}
    notes = cmp.compare(a, b)["notes"]
    assert notes and notes[0].startswith("These two reports share footage")
    b["session"]["clips"][0]["filename"] = "another-run.mp4"
    assert not any("share footage" in n for n in cmp.compare(a, b)["notes"])


def _fix(fid: str, title: str, metrics: list[str]) -> dict:
    return {"rank": 1, "id": fid, "title": title, "metrics": metrics, "area": "feet"}


def test_since_last_follows_the_earlier_top_fixes():
    before = _report([_m("cadence", 158), _m("overstride", 30.0, spread=2, n=14),
                      _m("trunk_lean", 6.0, spread=1)], overall=76)
    before["findings"]["fixes"] = [_fix("overstriding", "Land closer under your hips",
                                        ["overstride", "shank_angle_ic"]),
                                   _fix("low_cadence", "Quicker steps", ["cadence"]),
                                   _fix("waist_bend", "Lean from the ankles", ["trunk_lean"])]
    after = _report([_m("cadence", 170), _m("overstride", 7.0, spread=2, n=14),
                     _m("trunk_lean", 6.0, spread=1)], overall=97)
    after["source"] = {"filename": "y.mp4"}
    res = cmp.since_last(before, after)
    assert [f["title"] for f in res["fixes"]] == ["Land closer under your hips", "Quicker steps",
                                                  "Lean from the ankles"]
    ov = res["fixes"][0]["row"]
    assert (ov["id"], ov["before_text"], ov["after_text"], ov["word"]) == \
        ("overstride", "30 % leg", "7 % leg", "better")
    assert res["fixes"][1]["row"]["id"] == "cadence" and res["fixes"][1]["row"]["word"] == "better"
    assert (res["overall"]["before"], res["overall"]["after"], res["overall"]["word"]) == (76, 97, "better")
    assert res["counts"] == {"better": 2, "worse": 0, "same": 1, "changed": 0}
    # a fix whose measures this report did not read
    after2 = _report([_m("trunk_lean", 6.0, spread=1)], overall=90)
    after2["source"] = {"filename": "z.mp4"}
    assert cmp.since_last(before, after2)["fixes"][0]["row"] is None


def test_since_last_is_nothing_for_shared_footage_or_a_refused_clip():
    before = _report([_m("overstride", 30.0)], overall=76)
    before["source"] = {"filename": "side.mp4", "duration_s": 6.0, "fps_measured": 30.0}
    session = _report([_m("overstride", 30.0)], overall=86)
    session["session"] = {"clips": [{"filename": "side.mp4", "duration_s": 6.0, "fps": 30.0},
                                    {"filename": "back.mp4", "duration_s": 6.0, "fps": 30.0}]}
    assert cmp.since_last(before, session) is None  # the same run, measured again
    refused = dict(_report([]), status="refused")
    assert cmp.since_last(refused, before) is None and cmp.since_last(before, refused) is None


def test_past_the_good_range_to_its_other_side_is_not_better():
    """Knee bend at landing 54 -> 8 deg against a 10-25 band: closer to the band, but the
    opposite problem now (fresh-eyes review: "better" beside a new "land with a softer knee")."""
    before = _report([_m("knee_flexion_ic", 54.0, spread=3)])
    after = _report([_m("knee_flexion_ic", 8.0, spread=3)])
    r = cmp.row(cmp.compare(before, after), "knee_flexion_ic")
    assert r["word"] == "changed"
    assert r["note"] == ("from 29 deg over the good range to 2 deg under it: past the good "
                         "range to its other side")
    back = cmp.row(cmp.compare(after, _report([_m("knee_flexion_ic", 40.0, spread=3)])),
                   "knee_flexion_ic")
    assert back["word"] == "worse" and back["note"].endswith("to its other side")


def test_two_builds_far_apart_say_it_may_be_two_people():
    """The build the good-form reference reads (thigh share of the leg, trunk length): one
    body's shared renders read 0.519-0.520 and 0.600-0.619; a rendered and a real runner
    0.52 / 0.619 and 0.48 / 0.666."""
    def rep(thigh, trunk):
        r = _report([_m("cadence", 170)])
        r["media"] = {"reference": {"thigh_frac": thigh, "trunk_frac": trunk}}
        return r
    assert cmp.build_note(rep(0.52, 0.619), rep(0.519, 0.600)) is None
    note = cmp.build_note(rep(0.52, 0.619), rep(0.48, 0.666))
    assert note == ("The runner's build reads differently in the two clips (thigh 52 % of the "
                    "leg before, 48 % after; trunk 62 % of the leg before, 67 % after): if they "
                    "are of two different people, this comparison does not apply.")
    assert note in cmp.compare(rep(0.52, 0.619), rep(0.48, 0.666))["notes"]
    # "Since your last report" leads with it (a warning above the claims), not among the notes
    since = cmp.since_last(rep(0.52, 0.619), rep(0.48, 0.666))
    assert since["build"] == note and note not in since["notes"]
    assert cmp.since_last(rep(0.52, 0.619), rep(0.519, 0.600))["build"] is None
    assert cmp.build_note(rep(0.52, 0.619), _report([])) is None  # no build reading


def test_the_landing_sound_reads_as_a_difference_between_the_feet():
    # "0 dB" in the compare table read as silence (browser review s20): it is the feet's
    # difference, so "0 dB apart"
    res = cmp.compare(_report([_m("cadence", 170)]),
                      _report([_m("cadence", 170),
                               dict(_m("landing_sound", 0.0, n=12), display=None)]))
    r = cmp.row(res, "landing_sound")
    assert r["after_text"] == "0 dB apart" and r["before_text"] == "-"
    # with the report's own words when it has them: "0 dB apart" alone said nothing to a
    # runner (review, 3 Dec)
    even = dict(_m("landing_sound", 0.0, n=12), display="even (0 dB apart)")
    r = cmp.row(cmp.compare(_report([]), _report([even])), "landing_sound")
    assert r["after_text"] == "even (0 dB apart)"


def test_the_table_says_each_reports_own_verdict_beside_its_value():
    """A bounce of 14 % ("worth a look") to 7 % ("good") read "changed" (its before value
    within the noise of the range) with no column saying what the reports said (review,
    3 Dec): each value carries its report's verdict, and the word follows them."""
    from ui.compare import _table

    before = _report([_m("vertical_oscillation", 13.0, spread=4), _m("cadence", 158)])
    after = _report([_m("vertical_oscillation", 7.0, spread=4), _m("cadence", 170)])
    t = _table(cmp.compare(before, after))
    bounce = t[t["Measure"] == "Vertical bounce"].iloc[0]
    assert bounce["Verdict"] == "better", bounce.to_dict()  # as the two verdicts read
    assert bounce["Before"].endswith("\u00b7 worth a look") and bounce["After (change)"].endswith(
        "\u00b7 good"), bounce.to_dict()
    cad = t[t["Measure"] == "Cadence"].iloc[0]
    assert cad["Before"] == "158 steps/min \u00b7 work on this" and cad["Verdict"] == "better"
    # a change larger than the noise inside the good range both times (review, 3 Dec)
    t = _table(cmp.compare(_report([_m("cadence", 166, spread=1, n=30)]),
                           _report([_m("cadence", 182, spread=1, n=30)])))
    assert t[t["Measure"] == "Cadence"].iloc[0]["Verdict"] == "changed, still good"


def test_trend_charts_keep_the_order_of_the_measures():
    """History's charts, two to a row, come in the order of the measures chosen above them
    when a phone stacks the columns: one pair of columns for all the charts put the left
    column's first (Cadence, Trunk lean, Overall score, Overstride, ...: review, 3 Dec)."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_string("""
from test_compare import _m, _report
from ui.compare import trends_section
a = _report([_m("cadence", 158), _m("overstride", 20.0), _m("trunk_lean", 6.0),
             _m("contact_time", 260)], overall=70)
b = _report([_m("cadence", 170), _m("overstride", 12.0), _m("trunk_lean", 8.0),
             _m("contact_time", 240)], overall=85)
trends_section([("2026-12-03T08:08:05+00:00", a), ("2026-12-03T08:08:41+00:00", b)])
""").run()
    assert not at.exception
    chosen = [at.multiselect[0].format_func(v) for v in at.multiselect[0].value]
    titles = [m.value.strip("*") for m in at.markdown if m.value.startswith("**")]
    assert len(chosen) >= 4 and titles == chosen, (chosen, titles)


def test_trends_warn_when_a_session_reads_as_another_build():
    """Trends drew a second person's clip as one runner's progress (97 -> 72) while Compare
    warned the builds differ (review, 3 Dec): History's trends warn too, naming the
    sessions."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_string("""
from test_compare import _m, _report
from ui.compare import trends_section
a = _report([_m("cadence", 158)], overall=70)
b = _report([_m("cadence", 170)], overall=85)
a["media"] = {"reference": {"thigh_frac": 0.48, "trunk_frac": 0.666}}
b["media"] = {"reference": {"thigh_frac": 0.52, "trunk_frac": 0.619}}
trends_section([("2026-12-01T08:00:00+00:00", a), ("2026-12-03T08:00:00+00:00", b)])
""").run()
    assert not at.exception
    warn = [w.value for w in at.warning]
    assert len(warn) == 1 and "in 1 of these sessions (1 Dec 2026" in warn[0], warn
    at = AppTest.from_string("""
from test_compare import _m, _report
from ui.compare import trends_section
a = _report([_m("cadence", 158)], overall=70)
b = _report([_m("cadence", 170)], overall=85)
trends_section([("2026-12-01T08:00:00+00:00", a), ("2026-12-03T08:00:00+00:00", b)])
""").run()
    assert not at.exception and not at.warning
