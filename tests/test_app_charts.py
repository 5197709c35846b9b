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


@pytest.mark.parametrize("w,h", [(640, 480), (1920, 1080), (1080, 1920)])
def test_evidence_text_reads_at_phone_width(w, h):
    """Evidence stills are shown ~320 px wide (phone, or a desktop column) and at most ~520 px
    tall: the label and caption text must be at least ~12 px tall there and stay inside."""
    import numpy as np

    from core import annotate

    img = np.zeros((h, w, 3), np.uint8)
    annotate._label(img, "mostly behind (0 % of a 47 deg swing in front)", (w - 5, h // 2))
    rows = np.flatnonzero(img.any(axis=(1, 2)))  # the label's box
    text_cols = np.flatnonzero((img > 200).all(axis=2).any(axis=0))
    shown = min(320, 520 * w / h) / w  # on-screen px per image px
    assert 0 < text_cols[0] and text_cols[-1] < w - 2  # the long label is wrapped, not cut off
    lines = 3  # it wraps to three lines at 60 % of the width
    assert (rows[-1] - rows[0]) * shown / lines >= 12
    captioned = annotate.caption_bar(np.zeros((h, w, 3), np.uint8),
                                     "Arm swing: mostly behind (0 % of a 47 deg swing in front) [watch]")
    bar = captioned[h:]
    assert bar.shape[0] * shown >= 2 * 14  # wrapped onto two lines or more, each readable
    white = np.flatnonzero((bar > 200).all(axis=2).any(axis=0))
    assert white[-1] < w - 4  # no text runs off the right edge



def test_times_read_in_the_viewers_time_zone():
    """Every time was shown in UTC (fresh-eyes review): the browser's zone is used when the
    page knows it (``st.context.timezone``), UTC otherwise."""
    from zoneinfo import ZoneInfo

    from ui.format import when

    assert when("2026-11-21T06:05:00+00:00", ZoneInfo("Europe/Paris")) == "21 Nov 2026, 07:05 CET"
    assert when("2026-07-01T23:30:00+00:00", ZoneInfo("America/New_York")) == "1 Jul 2026, 19:30 EDT"
    assert when("2026-11-21T06:05:00+00:00") == "21 Nov 2026, 06:05 UTC"  # no browser here
    assert when("2026-11-21T06:05:00") == "21 Nov 2026, 06:05 UTC" and when("nonsense") == ""
    # to the second, for History's two reports of one minute (review, 3 Dec)
    assert when("2026-11-21T06:05:41+00:00", to_second=True) == "21 Nov 2026, 06:05:41 UTC"
