"""Integration: the full engine on rendered synthetic runners against their exact truth."""
import json

import pytest

from engine_cache import SYNTH, metric, report_for
from core.spec import BY_ID

pytestmark = pytest.mark.slow
CLIPS = sorted(p.name for p in SYNTH.glob("*.mp4"))


def truth(name):
    return json.loads((SYNTH / name.replace(".mp4", "_truth.json")).read_text())


@pytest.mark.parametrize("name", CLIPS)
def test_view(name):
    r, t = report_for(str(SYNTH / name)), truth(name)
    expected = {"side": ("side", "right"), "side_l": ("side", "left"), "front": ("front", None),
                "back": ("back", None)}[t["view"]]
    assert (r["view"]["view"], r["view"]["facing"]) == expected


@pytest.mark.parametrize("name", CLIPS)
def test_cadence(name):
    r, t = report_for(str(SYNTH / name)), truth(name)
    assert metric(r, "cadence")["value"] == pytest.approx(t["params"]["cadence_spm"], abs=1.5)


@pytest.mark.parametrize("name", [n for n in CLIPS if truth(n)["view"].startswith("side")])
def test_trunk_lean_and_elbow(name):
    r, p = report_for(str(SYNTH / name)), truth(name)["params"]
    assert metric(r, "trunk_lean")["value"] == pytest.approx(p["trunk_lean_deg"], abs=3.0)
    assert metric(r, "elbow_angle")["value"] == pytest.approx(p["elbow_angle_deg"], abs=8.0)


KNOWN_OVERSTRIDE_MISS = {
    # Measured 14 % leg against a true 5.7 %: this render's foot retracts slowly before
    # landing, so the speed-based contact lands ~2 frames early (see bench/accuracy.md).
    "syn_side_good_60.mp4": "contact timed ~2 frames early on this render's slow foot retraction",
}


@pytest.mark.parametrize("name", [
    pytest.param(n, marks=pytest.mark.xfail(reason=KNOWN_OVERSTRIDE_MISS[n], strict=True))
    if n in KNOWN_OVERSTRIDE_MISS else n
    for n in CLIPS if truth(n)["view"].startswith("side")])
def test_overstride_status(name):
    r, p = report_for(str(SYNTH / name)), truth(name)["params"]
    true_pct = p["overstride_m"] / (p["thigh"] + p["shank"]) * 100
    assert metric(r, "overstride")["status"] == BY_ID["overstride"].status(true_pct)
