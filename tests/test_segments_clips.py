"""End to end: cut-together clips (joined in a tmp dir) -> the longest steady stretch is
analysed on its own, its cadence matches its truth, the other stretches are listed."""
from __future__ import annotations

import pytest

from core.pipeline import AnalysisOptions, analyze
from core.summary import text_summary
from core.synthetic import PRESETS, write_clip
from engine_cache import CLIPS, labels, metric
from segment_clips import Piece, join

pytestmark = pytest.mark.slow

# truth of the rendered pieces: (cadence spm, seconds, zoom into the picture)
RENDERS = [(160.0, 4.0, 1.0), (178.0, 5.0, 1.0), (150.0, 3.0, 1.3)]


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    d = tmp_path_factory.mktemp("segments")
    good = PRESETS["good"]
    pieces = []
    for k, (cad, sec, zoom) in enumerate(RENDERS):
        info = write_clip(d / f"piece{k}.mp4", good.params.with_(cadence_spm=cad),
                          view=good.view, fps=30, seconds=sec)
        pieces.append(Piece(info.video, zoom=zoom))
    spans = join(pieces, d / "joined.mp4", 30)
    rep = analyze(d / "joined.mp4", AnalysisOptions(write_video=False), d / "out")
    return rep, spans


def test_rendered_join_analyses_the_longest_stretch(rendered):
    rep, spans = rendered
    seg = rep["segments"]
    assert rep["status"] == "limited" and not seg["whole"], rep["quality"]["summary"]
    (a0, a1), (b0, b1), (c0, c1) = spans  # 0-4 s at 160, 4-9 s at 178 (pace), 9-12 s at 150 (zoom cut)
    items = seg["items"]
    assert [i["kind"] for i in items] == ["start", "pace", "zoom"]
    chosen = next(i for i in items if i["analysed"])
    assert chosen is items[1]
    # starts at a contact of the new pace (at most two steps late), ends at the zoom cut
    assert b0 <= seg["analysed_start_s"] <= b0 + 2 * 60 / 178 + 0.05
    assert seg["analysed_end_s"] == pytest.approx(b1, abs=0.05)
    assert metric(rep, "cadence")["value"] == pytest.approx(178.0, abs=1.5)
    assert items[0]["cadence_spm"] == pytest.approx(160.0, abs=1.5)
    assert items[2]["cadence_spm"] == pytest.approx(150.0, abs=1.5)
    # events and strides come from the analysed seconds only
    ts = [e["t"] for e in rep["events"]["initial_contacts"]]
    assert ts and seg["analysed_start_s"] - 0.05 <= min(ts) and max(ts) <= seg["analysed_end_s"]
    assert f"Analysed {seg['analysed_start_s']:.1f}-{seg['analysed_end_s']:.1f} s" in text_summary(rep)


def test_real_join_gives_the_labelled_cadence_of_its_steady_stretch(tmp_path):
    """The issue's example: an edited clip whose steady stretch is the labelled gym
    treadmill clip (hand label 168.1 spm), after 3 s of another runner (a picture cut)."""
    other, steady = CLIPS / "zzzhushi_male_side_treadmill.mp4", CLIPS / "mhuang_IMG_5396.mp4"
    if not (other.exists() and steady.exists()):
        pytest.skip("shared clips missing")
    # both clips are portrait 9:16; the 60 fps one at every other frame
    spans = join([Piece(other, 0.0, 3.0), Piece(steady, step=2)], tmp_path / "edited.mp4", 30,
                  size=(540, 960))
    rep = analyze(tmp_path / "edited.mp4", AnalysisOptions(write_video=False), tmp_path / "out")
    seg = rep["segments"]
    assert rep["status"] == "limited" and not seg["whole"], rep["quality"]["summary"]
    assert seg["items"][1]["kind"] == "cut" and seg["items"][1]["analysed"]
    assert seg["analysed_start_s"] == pytest.approx(spans[1][0], abs=0.05)
    label = labels()["mhuang_IMG_5396.mp4"]["cadence_spm"]
    assert metric(rep, "cadence")["value"] == pytest.approx(label, abs=1.5)
    first = seg["items"][0]  # 3 s of the other treadmill clip (label 168.9 spm)
    assert first["steps"] >= 6 and first["cadence_spm"] == pytest.approx(168.9, abs=3)


def test_follow_cam_passes_cut_together_are_split_at_the_cuts(tmp_path):
    """Issue #16: a friend follows the runner overground and cuts three passes together
    (168, 155 and 186 spm; the longest, 3 s, in the middle). The camera cannot be followed
    into a cut's frame, which splits the clip there; the middle pass is analysed with its own
    cadence, the others are listed."""
    from core.synthetic.presets import follow_cam_cut

    write_clip(tmp_path / "cut.mp4", PRESETS["overstrider"].params, view="side_l", fps=30,
               seconds=6.0, overground=True, segments=follow_cam_cut())
    rep = analyze(tmp_path / "cut.mp4", AnalysisOptions(write_video=False), tmp_path / "out")
    seg = rep["segments"]
    assert seg is not None and not seg["whole"], rep["quality"]["summary"]
    assert seg["analysed_start_s"] == pytest.approx(1.5, abs=0.1)
    assert seg["analysed_end_s"] == pytest.approx(4.5, abs=0.1)
    assert metric(rep, "cadence")["value"] == pytest.approx(155.0, abs=1.5)
    assert rep["status"] in ("ok", "limited")
