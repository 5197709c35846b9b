"""The typed report: to_json/from_json round trips, the version check, the migration of
reports stored before this version (a real report made by the code at commit 1564101,
``tests/fixtures/report_v1.0.json``: that commit's tree, exported with ``git archive``, ran
``python -m core analyze assets/sample/sample_good_side.mp4 --no-video``; its chart series
and face boxes were cut to their first 60 entries to keep the file small, nothing else was
changed) and the one Media accessor. No pose model: fresh
reports come from core.pipeline.build_report on an exact-truth landmark track."""
from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np
import pytest

from core import privacy
from core.admission import ClipStats
from core.pipeline import AnalysisOptions, build_report
from core.report import (REPORT_VERSION, Events, GaitEvent, Media, MetricResult, Options,
                         Report, ReportVersionError, Series, SourceInfo, ViewInfo, dumps,
                         load_report)
from core.spec import BY_ID
from core.store import Proof, SQLiteStore, _token
from tests.synth_track import Gait, make_track

FIXTURE = Path(__file__).parent / "fixtures" / "report_v1.0.json"


@pytest.fixture(scope="module")
def fresh() -> dict:
    """A report of the current version from the real engine stages (no video, no media)."""
    g = Gait(cadence=172.0, seconds=8.0)
    raw = make_track(g)
    source = SourceInfo(filename="synthetic", size_bytes=0, fps_nominal=g.fps, width=raw.width,
                        height=raw.height, orig_width=raw.width, orig_height=raw.height,
                        rotation=0, codec="none", **SourceInfo.timing(raw))
    return build_report(raw, None, source, AnalysisOptions(height_cm=180, length_unit="in"),
                        ClipStats(), None)


@pytest.fixture()
def old() -> dict:
    return json.loads(FIXTURE.read_text())


def test_fresh_report_round_trips_through_the_types(fresh: dict) -> None:
    rep = Report.from_json(fresh)
    assert rep.version == REPORT_VERSION == fresh["version"]
    assert isinstance(rep.source, SourceInfo) and isinstance(rep.options, Options)
    assert isinstance(rep.view, ViewInfo) and isinstance(rep.events, Events)
    assert isinstance(rep.series, Series) and isinstance(rep.media, Media)
    assert all(isinstance(e, GaitEvent) and e.kind == "IC" for e in rep.events.initial_contacts)
    assert all(isinstance(m, MetricResult) for m in rep.metrics) and rep.metrics
    assert rep.options.length_unit == "in" and rep.options.height_cm == 180
    assert rep.to_json() == fresh
    assert list(rep.to_json()) == list(fresh)  # documented key order kept
    assert json.loads(rep.dumps()) == fresh == json.loads(dumps(fresh))


def test_events_are_the_detected_contacts(fresh: dict) -> None:
    rep = Report.from_json(fresh)
    ics = rep.events.initial_contacts
    assert len(ics) >= 6 and {e.foot for e in ics} == {"L", "R"}
    assert all(b.t > a.t for a, b in zip(ics, ics[1:]))
    assert rep.events.cadence_events == pytest.approx(172.0, abs=1.0)


def test_old_report_is_migrated_to_the_current_shape(old: dict) -> None:
    assert old["version"] == "1.0" and "length_unit" not in old["options"]
    assert "more_fixes" not in old["findings"]
    assert all("side_diff" not in m for m in old["metrics"])
    before = json.dumps(old)
    cur = load_report(old)
    assert json.dumps(old) == before  # the stored dict is not changed
    assert cur["version"] == REPORT_VERSION
    assert cur["options"]["length_unit"] == "cm" and cur["findings"]["more_fixes"] == []
    both = [m for m in cur["metrics"] if m["left"] is not None and m["right"] is not None]
    bilateral = [m for m in both if BY_ID[m["id"]].bilateral]
    assert bilateral and all(m["side_diff"] is not None for m in bilateral)
    assert all(m["side_diff"] is None for m in both if m not in bilateral)
    for m in cur["metrics"]:
        sd = m["side_diff"]
        # asymmetry in % only where a % means something (contact time), as today
        assert m["asymmetry_pct"] == (sd["value"] if sd and sd["unit"] == "%" else None)
    ct = next(m for m in cur["metrics"] if m["id"] == "contact_time")
    assert ct["side_diff"]["unit"] == "%"
    angle = next(m for m in bilateral if m["unit"] == "deg")
    assert angle["side_diff"]["unit"] == "deg" and "apart" in angle["side_diff"]["text"]
    assert cur["metrics"][0]["value"] == old["metrics"][0]["value"]  # numbers untouched


def test_old_report_opens_typed_and_serialises_as_current(old: dict, fresh: dict) -> None:
    rep = Report.from_json(old)
    assert rep.version == REPORT_VERSION and rep.findings.more_fixes == []
    out = rep.to_json()
    assert out == load_report(old)
    assert set(out) == set(fresh)
    assert set(out["options"]) == set(fresh["options"])
    assert set(out["findings"]) == set(fresh["findings"])
    assert set(out["metrics"][0]) == set(fresh["metrics"][0])


@pytest.mark.parametrize("bad", [
    {"status": "ok"}, [], "not json", {"version": "2.0", "status": "ok"},
    {"version": "0.9"},
])
def test_not_a_report_or_an_unknown_major_version_is_refused(bad) -> None:
    with pytest.raises(ReportVersionError):
        load_report(bad)
    with pytest.raises(ValueError):  # ReportVersionError is a ValueError
        Report.from_json(bad)


def test_a_newer_minor_version_keeps_its_extra_keys(fresh: dict) -> None:
    newer = dict(fresh, version="1.9", coach_notes=["new in 1.9"])
    rep = Report.from_json(newer)
    assert rep.other == {"coach_notes": ["new in 1.9"]}
    assert rep.to_json()["coach_notes"] == ["new in 1.9"]


def test_json_text_loads_too(old: dict) -> None:
    assert load_report(json.dumps(old)) == load_report(old)


# ----------------------------------------------------------------------------- Media
def test_media_accessor_reads_any_stored_shape(old: dict) -> None:
    m = Media.of(old)
    assert m.files() == [*old["media"]["evidence"].values(), old["media"]["thumbnail"]]
    assert m.video is None and m.video_frames is None
    mid = next(iter(old["media"]["evidence"]))
    assert m.evidence_for(mid) == (old["media"]["evidence"][mid],
                                   old["media"]["evidence_frames"][mid])
    boxes = m.face_boxes_by_frame()
    assert boxes and all(isinstance(k, int) for k in boxes)
    assert Media.of(old["media"]) == m  # a bare media block too
    assert Media.of(m.to_dict()) == m
    assert Media.of({}) == Media() == Media.of(None) == Media.of({"media": "junk"})
    odd = Media.of({"media": {"evidence": {"a": 3, "b": "b.jpg"}, "video": 5,
                              "face_boxes": {"x": [0, 0, 1, 1], "4": [0, 0, 2, 2]}}})
    assert odd.files() == ["b.jpg"] and list(odd.face_boxes_by_frame()) == [4]
    # stills cropped to the runner: where each starts in its frame (none on an old report)
    assert m.evidence_offsets == {} and m.offset_of(mid) == (0, 0)
    assert "evidence_offsets" not in m.to_dict()  # an old report's media keeps its shape
    crop = Media.of({"evidence": {"a": "a.jpg", "b": "b.jpg"},
                     "evidence_offsets": {"a": [12, 340], "b": "junk", "c": [1, True]}})
    assert crop.evidence_offsets == {"a": [12, 340]} and crop.offset_of("a") == (12, 340)
    assert crop.offset_of("b") == (0, 0) and Media.of(crop.to_dict()) == crop
    # a session's other clips' videos: listed (a store copies and serves them), kept round
    # trip, junk dropped, absent from an older report's shape
    ses = Media.of({"video": "c1/v.mp4", "other_videos": {"c2": "c2/v.mp4", "c3": 4}})
    assert ses.other_videos == {"c2": "c2/v.mp4"} and ses.files() == ["c1/v.mp4", "c2/v.mp4"]
    assert Media.of(ses.to_dict()) == ses and "other_videos" not in m.to_dict()


def test_privacy_reads_boxes_through_media(old: dict) -> None:
    m = Media.of(old)
    boxes = privacy.usable_boxes(m)
    assert boxes == privacy.usable_boxes(old["media"]["face_boxes"]) and boxes
    f = next(iter(boxes))
    assert privacy.box_for_frame(boxes, f) == boxes[f]


# ----------------------------------------------------------------------------- store
def test_old_report_still_saves_opens_and_shares(old: dict, tmp_path: Path) -> None:
    """A report stored before this version goes through the store (save, open, share with
    faces blurred) and opens as the current version."""
    media = tmp_path / "media_src"
    rng = np.random.default_rng(0)
    for rel in Media.of(old).files():
        (media / rel).parent.mkdir(parents=True, exist_ok=True)
        cv2.imwrite(str(media / rel), rng.integers(0, 255, (360, 640, 3), np.uint8))
    store = SQLiteStore(tmp_path / "db.sqlite", tmp_path / "media")
    owner = _token()
    saved = store.save(old, media, owner=owner)
    got = store.get(saved.id, Proof(owner=owner))
    rep = Report.from_json(got.report)
    assert rep.version == REPORT_VERSION and rep.metrics[0].id == old["metrics"][0]["id"]
    share_id = store.share(saved.id, Proof(owner=owner), blur_faces=True)
    assert share_id
    viewer = store.get(share_id, viewer=True)
    shown = Media.of(viewer.report)
    assert shown.files() and all(viewer.media_file(p) for p in shown.files())
    assert Report.from_json(viewer.report).findings.overall_score == old["findings"]["overall_score"]


def test_migrated_side_differences_are_what_the_engine_writes_today(fresh: dict) -> None:
    """Strip today's side_diff from a fresh report, give it the old %-for-everything
    asymmetry and version 1.0: the migration restores exactly what the engine wrote."""
    old = json.loads(json.dumps(fresh))
    old["version"] = "1.0"
    for m in old["metrics"]:
        m.pop("side_diff")
        if m["left"] is not None and m["right"] is not None:
            m["asymmetry_pct"] = 999.0
    cur = load_report(old)
    assert [m["side_diff"] for m in cur["metrics"]] == [m["side_diff"] for m in fresh["metrics"]]
    assert [m["asymmetry_pct"] for m in cur["metrics"]] == \
        [m["asymmetry_pct"] for m in fresh["metrics"]]
    assert any(m["side_diff"] for m in fresh["metrics"])


def test_runner_profile_is_kept_with_the_report_and_older_reports_have_none(old: dict) -> None:
    """1.2: the runner's optional profile (speed as given, sex, experience) is stored, read
    back typed, and a 1.1 report (no profile key) loads with ``profile`` None."""
    from core.report import Profile

    g = Gait(cadence=172.0, seconds=8.0)
    raw = make_track(g)
    source = SourceInfo(filename="synthetic", size_bytes=0, fps_nominal=g.fps, width=raw.width,
                        height=raw.height, orig_width=raw.width, orig_height=raw.height,
                        rotation=0, codec="none", **SourceInfo.timing(raw))
    opts = AnalysisOptions(height_cm=175, speed_mps=1000 / 330, speed_given="min/km",
                           sex="female", experience="new")
    rep = build_report(raw, None, source, opts, ClipStats(), None)
    assert rep["profile"] == {"speed_mps": pytest.approx(3.0303, abs=1e-4),
                              "speed_given": "min/km", "sex": "female", "experience": "new"}
    typed = Report.from_json(rep)
    assert isinstance(typed.profile, Profile) and typed.profile.experience == "new"
    assert typed.to_json() == rep
    ids = {m["id"] for m in rep["metrics"]}
    assert {"stride_length", "vertical_ratio"} <= ids
    cadence = next(m for m in rep["metrics"] if m["id"] == "cadence")
    assert cadence["band_good"] == "165-185 steps/min, your own band at 3.03 m/s"
    one_one = load_report(old)  # 1.0 -> 1.1 -> 1.2
    one_one["version"] = "1.1"
    del one_one["profile"]
    assert Report.from_json(one_one).profile is None
    assert load_report(one_one)["profile"] is None


@pytest.mark.parametrize("kw", [dict(speed_mps=0.5), dict(speed_mps=12.0), dict(sex="x"),
                                dict(experience="pro")])
def test_a_profile_out_of_range_is_a_friendly_refusal(kw) -> None:
    from core.errors import FormCheckError

    with pytest.raises(FormCheckError) as e:
        AnalysisOptions(**kw).validate()
    assert e.value.hint
