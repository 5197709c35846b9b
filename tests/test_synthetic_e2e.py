"""End to end on freshly rendered synthetic runners: render -> full engine -> exact truth.

Clips are rendered into a temp folder by the project's own renderer (core.synthetic), so the
truth is exact and nothing is committed. Tolerances are the acceptance ones of the synthetic
runner issue: cadence +-1.5 spm, trunk lean +-3 deg, elbow +-8 deg, overstride and foot-strike
statuses right, view right for side-left, side-right and front.

The straight-arms and back presets are not rendered here: the shared renders of the same
presets (``syn_side_straightarms_30``, ``syn_back_30``) get the same view, cadence, lean, elbow
and overstride checks with the README's tighter tolerances in ``test_synthetic_clips.py``, and
their foot-strike class (midfoot, facing right, 30 fps) is the waist bender's here. The sweeps
reuse the preset's own render for the value they share with it.
"""
import json

import pytest

from core.pipeline import AnalysisOptions, analyze
from core.spec import BY_ID, FOOT_STRIKE_FORE_DEG, FOOT_STRIKE_HEEL_DEG
from core.synthetic import PRESETS, write_clip

pytestmark = pytest.mark.slow
SECONDS = 5.0
CASES = ["good", "overstrider", "waist_bender", "side_left", "front_pelvic_drop"]


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    root = tmp_path_factory.mktemp("synthetic_e2e")
    cache = {}

    def get(name, **over):
        p = PRESETS[name]
        params = p.params.with_(**over) if over else p.params
        key = (name, repr(params))  # a sweep value equal to the preset's: the same render
        if key not in cache:
            info = write_clip(root / f"{name}_{len(cache)}.mp4", params, view=p.view, fps=p.fps,
                              seconds=SECONDS)
            truth = json.loads(info.truth_json.read_text())
            report = analyze(info.video, AnalysisOptions(write_video=False), root / f"m{len(cache)}")
            cache[key] = (report, truth)
        return cache[key]
    return get


def m(report, mid):
    return next((x for x in report["metrics"] if x["id"] == mid), None)


@pytest.mark.parametrize("name", CASES)
def test_view(rendered, name):
    report, truth = rendered(name)
    want = {"side": ("side", "right"), "side_l": ("side", "left"), "front": ("front", None),
            "back": ("back", None)}[truth["view"]]
    assert (report["view"]["view"], report["view"]["facing"]) == want
    assert report["status"] in ("ok", "limited")


@pytest.mark.parametrize("name", CASES)
def test_cadence(rendered, name):
    report, truth = rendered(name)
    assert m(report, "cadence")["value"] == pytest.approx(truth["truth"]["cadence_spm"], abs=1.5)


SIDE = [c for c in CASES if PRESETS[c].view.startswith("side")]


@pytest.mark.parametrize("name", SIDE)
def test_trunk_lean_and_elbow(rendered, name):
    report, truth = rendered(name)
    assert m(report, "trunk_lean")["value"] == pytest.approx(truth["truth"]["trunk_lean_deg"], abs=3.0)
    assert m(report, "elbow_angle")["value"] == pytest.approx(truth["truth"]["elbow_angle_deg"], abs=8.0)


@pytest.mark.parametrize("name", SIDE)
def test_overstride_and_foot_strike_status(rendered, name):
    report, truth = rendered(name)
    t = truth["truth"]
    over_status = BY_ID["overstride"].status(t["overstride_pct_leg"])
    assert m(report, "overstride")["status"] == over_status
    fs = t["foot_strike_deg"]
    kind = "heel" if fs > FOOT_STRIKE_HEEL_DEG else "forefoot" if fs < FOOT_STRIKE_FORE_DEG else "midfoot"
    want = ({"fix": "fix", "watch": "watch"}.get(over_status, "good")) if kind == "heel" else "good"
    assert m(report, "foot_strike")["status"] == want
    assert m(report, "foot_strike")["extra"]["pattern"] == kind


def test_overstride_sweep_orders_measured_values(rendered):
    vals = [m(rendered("overstrider", overstride_m=o)[0], "overstride")["value"]
            for o in (0.0, 0.12, 0.25)]
    assert vals == sorted(vals) and vals[-1] - vals[0] > 15


def test_trunk_lean_sweep_orders_measured_values(rendered):
    vals = [m(rendered("good", trunk_lean_deg=a)[0], "trunk_lean")["value"] for a in (2.0, 7.0, 16.0)]
    assert vals == sorted(vals)


def test_front_pelvic_drop_is_not_measured_never_good(rendered):
    """A true 10 deg drop read about 2 deg ("good") before; now the report says it cannot be
    read from the video, and the hips score does not count it."""
    report, truth = rendered("front_pelvic_drop")
    assert truth["truth"]["pelvic_drop_deg"] > 9
    assert all(x["id"] != "pelvic_drop" for x in report["metrics"])
    nm = {n["id"]: n["reason"] for n in report["not_measured"]}
    assert "do not follow" in nm["pelvic_drop"]
