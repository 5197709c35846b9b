"""A report never contradicts itself (issue #10).

- Every metric's status is the judgement of the value *as shown* (one rounding per metric,
  :meth:`core.spec.MetricSpec.shown`) against its bands.
- Every area rated "work on this" has one of the top fixes; every judged problem has advice
  (top fixes or ``more_fixes``).
- Counts add up and agree (headline, area cards, tabs all come from ``measure_counts``).
- Left/right differences of angles are in degrees, from the sides as shown.
- Metrics whose landmarks are out of the picture are not measured, with the reason.

The slow test runs the real engine once per clip (``tests/engine_cache.report_for``) over the
shared real clips, the shared synthetic renders and the app's sample.
"""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from core.findings import build_findings, measure_counts
from core.report import MetricResult
from core.spec import AREAS, BY_ID, GROUP_MISSING, METRICS, side_difference
from tests.engine_cache import CLIPS, SYNTH, report_for
from ui.report_view import tab_label

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "assets" / "sample" / "sample_good_side.mp4"
NUMBER = re.compile(r"[-+]?\d+(?:\.\d+)?")
FEET_NEEDING = [m.id for m in METRICS if "feet" in m.needs]


def _get(m, k):
    return m.get(k) if isinstance(m, dict) else getattr(m, k)


def consistency_problems(metrics: list, findings) -> list[str]:
    """Every way ``metrics`` + ``findings`` (report dicts or dataclasses) contradict themselves."""
    bad: list[str] = []
    for m in metrics:
        mid, status, value, display = (_get(m, k) for k in ("id", "status", "value", "display"))
        spec = BY_ID[mid]
        if spec.kind == "custom":
            continue
        shown_nums = NUMBER.findall(display)
        if not shown_nums:  # every judged or informational number is shown with its value
            bad.append(f"{mid}: no number in {display!r}")
            continue
        shown = float(shown_nums[0])
        if shown != spec.shown(value):
            bad.append(f"{mid}: display {display!r} is not the value {value} as shown "
                       f"({spec.fmt(value)})")
        expect = spec.status(shown)
        gaze_override = (mid == "head_position" and status == "watch" and expect == "good"
                         and "looking down" in display)
        if status != expect and not gaze_override:
            bad.append(f"{mid}: {display!r} rated {status}, its bands say {expect} "
                       f"(good {spec.good}, fix {spec.fix})")
        left, right = _get(m, "left"), _get(m, "right")
        sd = side_difference(spec, left, right)
        if sd is not None and sd.unit != "%":
            if sd.value != spec.shown(abs(spec.shown(left) - spec.shown(right))):
                bad.append(f"{mid}: sides {left}/{right} shown {sd.text!r}")
        if sd is not None and sd.unit == "%" and spec.unit == "deg":
            bad.append(f"{mid}: an angle compared in %")
    by = {_get(m, "id"): m for m in metrics}
    fixes = _get(findings, "fixes") or []
    more = _get(findings, "more_fixes") or []
    advised = {mid for fx in fixes + more for mid in _get(fx, "metrics")}
    for mid, m in by.items():
        if _get(m, "status") in ("watch", "fix") and mid not in advised:
            bad.append(f"{mid} rated {_get(m, 'status')} has no advice")
    if len(fixes) > 3:
        bad.append(f"{len(fixes)} top fixes")
    fix_areas = {_get(fx, "area") for fx in fixes}
    total = measure_counts(metrics)
    if total["good"] + total["watch"] + total["fix"] + total["info"] != len(metrics):
        bad.append(f"counts {total} do not add up to {len(metrics)}")
    per_area = [measure_counts(metrics, a) for a in AREAS]
    for k in ("good", "watch", "fix", "judged", "info", "total"):
        if sum(c[k] for c in per_area) != total[k]:
            bad.append(f"area counts of {k} do not add up to {total[k]}")
    for a in _get(findings, "areas"):
        area, status, summary = _get(a, "area"), _get(a, "status"), _get(a, "summary")
        if status == "fix" and area not in fix_areas:
            bad.append(f"{area} rated 'work on this' ({_get(a, 'score')}) has no top fix")
        c = measure_counts(metrics, area)
        if status == "good" and c["fix"]:
            bad.append(f"{area} rated good ({_get(a, 'score')}) over {c['fix']} 'work on it'")
        if c["judged"]:
            said = [int(x) for x in re.findall(r"(\d+) judged measure", summary)]
            if said != [c["judged"]]:
                bad.append(f"{area} card says {summary!r}, counts {c}")
            tab = tab_label(area, c)
            if not tab.split("(")[1].startswith(str(c["judged"])):
                bad.append(f"{area} tab {tab!r} disagrees with {c}")
    if _get(findings, "overall_status") == "good" and total["fix"]:
        bad.append(f"overall rated good ({_get(findings, 'overall_score')}) over "
                   f"{total['fix']} 'work on it'")
    return bad


# ----------------------------------------------------------------------------- fast


def _result(mid: str, value: float, left=None, right=None, confidence="high") -> MetricResult:
    spec = BY_ID[mid]
    unit = {"deg": "\u00b0"}.get(spec.unit, " " + spec.unit)
    return MetricResult(id=mid, label=spec.label, area=spec.area, unit=spec.unit, value=value,
                        display=f"{spec.fmt(value)}{unit}", status=spec.status(value),
                        confidence=confidence, caveat="", band_good=spec.good,
                        band_fix=spec.fix, left=left, right=right, evidence_frames=[3])


@pytest.mark.parametrize("mid, value, status", [
    ("trunk_lean", 5.0, "good"), ("trunk_lean", 4.6, "good"), ("trunk_lean", 4.4, "watch"),
    ("trunk_lean", 12.4, "good"), ("trunk_lean", 16.4, "watch"), ("trunk_lean", 16.6, "fix"),
    ("duty_factor", 39.96, "good"), ("duty_factor", 40.6, "watch"),
    ("duty_factor", 48.4, "watch"), ("duty_factor", 48.6, "fix"), ("duty_factor", 48.5, "watch"),  # shows "48",
    ("hip_extension", 9.6, "good"), ("hip_extension", 9.4, "watch"),
    ("knee_flexion_mid", 58.4, "watch"), ("knee_flexion_mid", 58.6, "fix"),
    ("overstride", 8.4, "good"), ("overstride", 7.96, "good"), ("cadence", 164.6, "good"),
    ("cadence", 159.6, "watch"), ("elbow_angle", 120.4, "watch"), ("elbow_angle", 59.6, "watch"),
])
def test_status_is_judged_on_the_value_as_shown(mid, value, status):
    spec = BY_ID[mid]
    assert spec.status(value) == status
    assert spec.status(value) == spec.status(float(spec.fmt(value)))


def test_edge_values_make_a_consistent_report():
    ms = [_result("trunk_lean", 4.6), _result("duty_factor", 39.96),
          _result("hip_extension", 9.6, 9.6, 9.6), _result("knee_flexion_mid", 58.4, 58.4, 58.3),
          _result("elbow_angle", 123.0), _result("cadence", 170.0),
          _result("overstride", 17.0, 17.0, 16.0), _result("contact_time", 310.0, 300.0, 320.0),
          _result("knee_flexion_ic", 3.0, 3.0, 3.0), _result("flight_time", 80.0)]
    assert [m.status for m in ms] == ["good", "good", "good", "watch", "fix", "good", "fix",
                                      "fix", "fix", "info"]
    f = build_findings(ms)
    assert consistency_problems(ms, f) == []
    # shoulders (elbow 123°) is rated "work on this" though the feet problems rank higher
    shoulders = next(a for a in f.areas if a.area == "shoulders")
    assert shoulders.status == "fix"
    assert any(fx.area == "shoulders" for fx in f.fixes)
    assert len(f.fixes) == 3 and f.more_fixes
    c = measure_counts(ms)
    assert (c["judged"], c["info"], c["total"]) == (9, 1, 10)
    feet = next(a for a in f.areas if a.area == "feet")
    assert "(+ 1 shown for information)" in feet.summary
    assert tab_label("feet", measure_counts(ms, "feet")) == "Feet (6 + 1 info)"


def test_stiff_midstance_and_stiff_landing_get_their_own_advice():
    from core.coaching import ADVICE

    mid = build_findings([_result("knee_flexion_mid", 25.0)])
    landing = build_findings([_result("knee_flexion_ic", 3.0)])
    assert [fx.id for fx in mid.fixes] == ["stiff_stance"]
    assert [fx.id for fx in landing.fixes] == ["stiff_landing"]
    assert "midstance" in mid.fixes[0].seen and "landing" in landing.fixes[0].seen
    assert "touches down" in ADVICE["stiff_landing"].why
    assert "passes over the foot" in ADVICE["stiff_stance"].why
    assert "contact" not in ADVICE["stiff_stance"].why and "lands" not in ADVICE["stiff_stance"].why


def test_small_angles_differ_in_degrees_not_percent():
    knee = side_difference(BY_ID["knee_drive"], 4.0, 7.0)
    assert (knee.value, knee.unit, knee.text, knee.status) == (3.0, "deg", "even (3° apart)", "good")
    wide = side_difference(BY_ID["knee_flexion_mid"], 40.2, 47.4)
    assert (wide.value, wide.text, wide.status) == (7.0, "7° apart", "watch")
    ct = side_difference(BY_ID["contact_time"], 250.0, 210.0)
    assert (ct.unit, ct.text, ct.status) == ("%", "17 % uneven", "watch")
    assert side_difference(BY_ID["contact_time"], 240.0, 236.0).text == "even (2 %)"
    assert side_difference(BY_ID["trunk_lean"], 4.0, 7.0) is None  # not bilateral
    # the fix text uses the same rule: no percentage for a 3° difference
    f = build_findings([_result("knee_drive", 5.0, 4.0, 7.0)])
    assert "%" not in f.fixes[0].seen


# ----------------------------------------------------------------------------- slow


def _clips() -> list:
    real = sorted(p for p in CLIPS.glob("*.mp4")) if CLIPS.is_dir() else []
    synth = sorted(SYNTH.glob("*.mp4")) if SYNTH.is_dir() else []
    return [pytest.param(p, id=p.stem) for p in real + synth + [SAMPLE]]


@pytest.mark.slow
@pytest.mark.parametrize("clip", _clips())
def test_reports_never_contradict_themselves(clip: Path):
    if not clip.is_file():
        pytest.skip(f"{clip} not found")
    capture = 300.0 if clip.name == "mhuang_slow.mp4" else None  # as test_real_clips does
    r = report_for(str(clip), capture)
    if r["status"] == "refused":
        assert not r["metrics"] and r["quality"]["tips"]
        return
    assert consistency_problems(r["metrics"], r["findings"]) == []
    # the capture check's rhythm is the cadence the card shows (168 above 169 before)
    rate = next((c for c in r["quality"]["checks"] if c["id"] == "rate" and c["passed"]), None)
    cad = next((m for m in r["metrics"] if m["id"] == "cadence"), None)
    if rate is not None and cad is not None:
        assert rate["detail"].startswith(f"{cad['value']:.0f} steps"), (rate, cad["value"])
    ids = [m["id"] for m in r["metrics"]] + [n["id"] for n in r["not_measured"]]
    assert len(ids) == len(set(ids)) == len(METRICS)


def _crop_feet(src: Path, dst: Path, keep: float, seconds: float) -> None:
    """The first ``seconds`` of ``src`` with only the top ``keep`` of the picture (ffmpeg),
    the feet cut off."""
    ffmpeg = shutil.which("ffmpeg")
    if not ffmpeg:
        pytest.skip("ffmpeg not installed")
    subprocess.run([ffmpeg, "-v", "error", "-y", "-i", str(src), "-t", str(seconds), "-vf",
                    f"crop=iw:trunc(ih*{keep}/2)*2:0:0", "-an", "-c:v", "libx264",
                    "-preset", "veryfast", str(dst)], check=True)


@pytest.mark.slow
def test_feet_out_of_the_picture_are_not_measured_and_say_why(tmp_path):
    src = CLIPS / "zzzhushi_male_side_treadmill.mp4"
    if not src.is_file():
        pytest.skip(f"{src} not found")
    clip = tmp_path / "feet_cropped.mp4"
    # the runner's feet are below this line in every frame; 4 s (of 12) hold about 11 steps, so
    # the clip is still long enough to analyse: what is missing is the feet alone (a 6-s cut
    # gave the same status, failed checks, measured ids and confidences, for 3.5 CPU s more)
    _crop_feet(src, clip, 0.83, 4.0)
    r = report_for(str(clip))
    assert r["source"]["duration_s"] == pytest.approx(4.0, abs=0.1)
    assert r["status"] == "limited", r["quality"]["summary"]
    assert GROUP_MISSING["feet"] in r["quality"]["summary"]
    measured = {m["id"] for m in r["metrics"]}
    assert not measured & set(FEET_NEEDING), measured
    assert not [m for m in r["metrics"] if m["area"] == "feet"]
    assert {"trunk_lean", "elbow_angle"} <= measured  # the upper body is still analysed
    why = {n["id"]: n["reason"] for n in r["not_measured"]}
    for mid in ("overstride", "contact_time", "vertical_oscillation", "cadence"):
        assert why[mid].startswith(GROUP_MISSING["feet"]), why[mid]
    areas = {a["area"]: a for a in r["findings"]["areas"]}
    assert areas["feet"]["score"] is None
    assert all(fx["area"] != "feet" for fx in r["findings"]["fixes"])
    assert consistency_problems(r["metrics"], r["findings"]) == []
    # the overall score says it leaves the feet out, in the app and the CLI alike
    from core.findings import overall_scope
    from core.summary import text_summary

    scope = overall_scope(r["findings"]["areas"])
    assert scope is not None and scope.endswith("feet not measured.")
    assert scope in text_summary(r)
    assert not r["events"]["initial_contacts"] and not r["events"]["toe_offs"]  # no guessed contacts
