"""What the report's downloads are called and hold (ui.format.download_name,
core.report.strides_csv): pure functions on report dicts, in the quick loop."""
from __future__ import annotations

import csv
import io

from core.report import strides_csv
from ui.format import download_name


def test_download_names_carry_the_clip_and_the_time():
    """Every report downloaded as formcheck-2026-12-02.json, so two of one day collided
    (review, 2 Dec): the clip's name and the analysis time are in it; a share link's report
    (no file name) has the time alone."""
    r = {"source": {"filename": "IMG 5396 (1).MOV"}, "created": "2026-12-02T14:30:12+00:00"}
    assert download_name(r) == "formcheck-IMG-5396-1-2026-12-02-1430.json"
    assert download_name(r, "strides", "csv") == "formcheck-IMG-5396-1-2026-12-02-1430-strides.csv"
    r["source"]["filename"] = None
    assert download_name(r, ext="mp4") == "formcheck-2026-12-02-1430.mp4"
    assert download_name({}) == "formcheck-report.json"


def test_the_strides_csv_marks_the_partly_hidden_leg():
    """The report calls the far leg's values not reliable; the CSV gave them unmarked
    (review, 2 Dec): a ``leg_seen`` column says which leg was partly hidden."""
    report = {"strides": [{"stride": 0, "foot": "L", "knee_flex_mid_deg": 27.0},
                          {"stride": 0, "foot": "R", "knee_flex_mid_deg": 74.9}],
              "metrics": [{"id": "knee_flexion_mid", "extra": {"side_visibility":
                                                               {"L": 0.97, "R": 0.41}}}]}
    rows = list(csv.DictReader(io.StringIO(strides_csv(report))))
    assert [(r["foot"], r["leg_seen"]) for r in rows] == [("L", "well"), ("R", "partly hidden")]
    # a session: the visibility was read on the side clip; the back clip's rows are unmarked
    report["metrics"][0]["source_clip"] = "side"
    report["strides"] = [{**r, "clip": "side"} for r in report["strides"]] + [
        {"stride": 0, "foot": "R", "clip": "back", "step_width_pct_leg": 6.0}]
    rows = list(csv.DictReader(io.StringIO(strides_csv(report))))
    assert [r["leg_seen"] for r in rows] == ["well", "partly hidden", ""]
    report["metrics"] = []  # nothing known: no column
    assert "leg_seen" not in strides_csv(report)
