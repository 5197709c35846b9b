"""Chart and formatting helpers of the UI, on a real engine report."""
from __future__ import annotations

import statistics

import pytest

from core.spec import BY_ID
from ui import charts
from ui.format import asymmetry_status, band, number, pretty

pytestmark = pytest.mark.slow


def _layers(chart) -> list[dict]:
    return chart.to_dict()["layer"]


def test_angle_charts_have_contacts_and_good_band(side_analysis):
    r = side_analysis.report
    groups = charts.available_angle_groups(r)
    assert {"knee", "trunk", "elbow"} <= set(groups)
    knee = _layers(charts.angle_chart(r, "knee"))
    marks = [l["mark"]["type"] if isinstance(l["mark"], dict) else l["mark"] for l in knee]
    assert marks == ["rect", "rule", "line"]  # good band, foot landings, left/right lines
    spec = BY_ID["knee_flexion_mid"]
    band_data = next(iter(charts.angle_chart(r, "knee").to_dict()["datasets"].values()))
    assert {"lo": spec.good_lo, "hi": spec.good_hi}.items() <= band_data[0].items()
    # one-sided bands are a dashed limit line, not a shaded area
    foot = _layers(charts.angle_chart(r, "foot"))
    assert foot[0]["mark"]["type"] == "rule" and foot[0]["mark"]["strokeDash"]
    assert charts.angle_chart(r, "nope") is None


def test_stride_and_cadence_charts(side_analysis):
    r = side_analysis.report
    cols = charts.available_stride_columns(r)
    assert cols[:3] == ["overstride_pct_leg", "contact_ms", "knee_flex_ic_deg"]
    for c in cols:
        assert charts.stride_chart(r, c) is not None
    pts = charts.cadence_points(r)
    cadence = next(m for m in r["metrics"] if m["id"] == "cadence")["value"]
    assert abs(statistics.median(pts["cadence"]) - cadence) < 5
    assert charts.cadence_chart(r) is not None


def test_formatting():
    assert band("165-185", "steps/min") == "165–185 spm"
    assert band("<= 8 %", "% leg") == "≤ 8 %"
    assert band("< 0 or > 16 deg", "deg") == "< 0 or > 16°"
    assert pretty("Elbow angle: 126° (good: 75-105 deg).") == "Elbow angle: 126° (good: 75–105°)."
    assert number(None) == "–" and number(12.4, "deg") == "12°"
    assert [asymmetry_status(x) for x in (None, 3, 8, 20)] == ["info", "good", "good", "watch"]
