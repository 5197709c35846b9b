"""Integration: the full engine on rendered synthetic runners against their exact truth."""
import json

import numpy as np
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
    assert metric(r, "trunk_lean")["value"] == pytest.approx(p["trunk_lean_deg"], abs=2.0)  # README (Accuracy): these old-figure renders read 1.2-1.8 deg low
    assert metric(r, "elbow_angle")["value"] == pytest.approx(p["elbow_angle_deg"], abs=1.0)  # README: within 1 deg


SIDE = [n for n in CLIPS if truth(n)["view"].startswith("side")]


@pytest.mark.parametrize("name", SIDE)
def test_overstride_status(name):
    r, p = report_for(str(SYNTH / name)), truth(name)["params"]
    true_pct = p["overstride_m"] / (p["thigh"] + p["shank"]) * 100
    assert metric(r, "overstride")["status"] == BY_ID["overstride"].status(true_pct)


@pytest.mark.parametrize("name", SIDE)
def test_initial_contacts_within_a_frame(name):
    """Overstride, shank angle and foot strike are read at contact: one frame off moves
    overstride by ~6 % of leg at 60 fps, so contacts must land within a frame of the truth."""
    r, t = report_for(str(SYNTH / name)), truth(name)
    ours = {"L": [], "R": []}
    for e in r["events"]["initial_contacts"]:
        ours[e["foot"]].append(e["t"])
    errs = []
    for ic in t["initial_contacts"]:
        mine = ours["L" if ic["foot"] == "left" else "R"]
        if mine:
            d = min(mine, key=lambda x: abs(x - ic["t"])) - ic["t"]
            if abs(d) < 0.1:
                errs.append(d * t["fps"])
    assert len(errs) >= 0.8 * len(t["initial_contacts"]), (len(errs), len(t["initial_contacts"]))
    assert abs(float(np.median(errs))) <= 1.0, errs


@pytest.mark.parametrize("name", SIDE)
def test_foot_strike_within_8_deg(name):
    """Foot strike against each foot point's own ground level, from the near foot (#17):
    within 8 deg of the truth on every shared side render (bench/contacts.md), and the
    issue's case, syn_side_good_60 (truth 4 deg, read +11 "heel" before), a midfoot landing."""
    from core.metrics.strike import strike_pattern

    r, p = report_for(str(SYNTH / name)), truth(name)["params"]
    m = metric(r, "foot_strike")
    assert m["value"] == pytest.approx(p["foot_strike_deg"], abs=8.0)
    if name == "syn_side_good_60.mp4":
        assert m["extra"]["pattern"] == strike_pattern(p["foot_strike_deg"]) == "midfoot"
