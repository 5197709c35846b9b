"""Before/after comparison (core.compare) and its CLI (``python -m core compare``)."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

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
    assert rows["trunk_lean"]["word"] == "same" and "good range" in rows["trunk_lean"]["note"]
    # +30 ms looks worse, but with a 40 ms spread over 4 strides it is within noise
    assert rows["contact_time"]["word"] == "same"
    assert rows["contact_time"]["noise"] > 30
    assert rows["vertical_oscillation"]["word"] == "worse"
    areas = {r["id"]: r for r in res["areas"]}
    assert [areas[k]["word"] for k in ("shoulders", "hips", "feet", "overall")] == \
        ["same", "better", "worse", "same"]


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


def test_cli_friendly_errors(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    good = tmp_path / "good.json"
    good.write_text(dumps(_report([_m("cadence", 170)])))
    for args in ([str(bad), str(good)], [str(tmp_path / "missing.json"), str(good)]):
        p = subprocess.run([sys.executable, "-m", "core", "compare", *args], cwd=ROOT,
                           capture_output=True, text=True)
        assert p.returncode == 2
        assert "Can't compare" in p.stderr and "Traceback" not in p.stderr


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
    assert ov["word"] == "better" and ov["note"] == "into the good range"
    text = subprocess.run([sys.executable, "-m", "core", "compare", *paths], cwd=ROOT,
                          capture_output=True, text=True).stdout
    assert "158 steps/min" in text and "178 steps/min" in text
