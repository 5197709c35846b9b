"""With the runner's speed (core/metrics/speed.py): stride length and vertical ratio against the
3-D runner's exact truth (README: stride length exact, vertical ratio within 0.02 percentage points; the
issue's bar was 5 %),
and the cadence band that moves with speed (core/metrics/cadence.py)."""
import numpy as np
import pytest

from core.findings import build_findings
from core.metrics import compute_metrics
from core.metrics.speed import CADENCE_SLOPE, CADENCE_SPEED_RANGE
from model_track import PLANAR, build


def _stride_truth_m(case, speed: float) -> float:
    """The model's own stride: the belt's travel between one foot's successive contacts."""
    ics = [e.t for e in case.motion.events if e.kind == "ic" and e.side == "l"]
    return speed * float(np.mean(np.diff(ics)))


@pytest.mark.parametrize("speed, spm", [(2.4, 165.0), (3.2, 180.0), (4.0, 190.0)])
def test_stride_length_and_vertical_ratio_match_the_truth(speed, spm):
    case = build(PLANAR.with_(speed_mps=speed, cadence_spm=spm))
    height_cm = case.motion.params.body.height * 100
    ms = case.metrics(height_cm=height_cm, speed_mps=speed)
    stride = _stride_truth_m(case, speed)
    assert ms["stride_length"].value == pytest.approx(stride, rel=1e-6)
    assert ms["stride_length"].status == "info" and "m per stride" in ms["stride_length"].display
    ratio = case.motion.truth["vert_osc_m"] / (stride / 2) * 100  # bounce / step length
    assert ms["vertical_ratio"].value == pytest.approx(ratio, abs=0.02)  # percentage points
    assert ms["vertical_ratio"].confidence == "high"


def test_vertical_ratio_is_judged_on_its_band():
    speed = 2.8
    calm = build(PLANAR.with_(speed_mps=speed, vert_osc_m=0.05))
    bouncy = build(PLANAR.with_(speed_mps=speed, vert_osc_m=0.12))
    h = calm.motion.params.body.height * 100
    assert calm.metrics(height_cm=h, speed_mps=speed)["vertical_ratio"].status == "good"
    bad = bouncy.metrics(height_cm=h, speed_mps=speed)
    assert bad["vertical_ratio"].status == "fix"
    fixes = build_findings(list(bad.values())).fixes + build_findings(list(bad.values())).more_fixes
    assert any("vertical_ratio" in f.metrics for f in fixes)


def _run(case, **kw):
    out = compute_metrics(case.track, case.view, case.events, **kw)
    return {r.id: r for r in out.results}, {m["id"]: m["reason"] for m in out.not_measured}


def test_without_speed_or_height_they_are_not_measured_with_the_reason():
    case = build()
    ms, nm = _run(case)
    assert "stride_length" not in ms and "vertical_ratio" not in ms
    assert "speed or pace" in nm["stride_length"] and "speed or pace" in nm["vertical_ratio"]
    ms, nm = _run(case, speed_mps=3.0)
    assert "stride_length" in ms and "height" in nm["vertical_ratio"]


@pytest.mark.parametrize("speed, spm, status, fix_key", [
    (None, 168.0, "good", None),        # the default band 165-185
    (3.0, 168.0, "good", None),         # 3.0 m/s: the default band itself
    (3.5, 168.0, "watch", "low_cadence"),   # 171-191 at 3.5 m/s: a little slow for that speed
    (2.4, 182.0, "watch", "high_cadence"),  # 158-178 at 2.4 m/s: quick for an easy jog
])
def test_cadence_band_moves_with_speed(speed, spm, status, fix_key):
    case = build(PLANAR.with_(cadence_spm=spm, speed_mps=speed or 2.8))
    m = case.metrics(speed_mps=speed)["cadence"]
    assert m.value == pytest.approx(spm, abs=0.5)
    assert m.status == status
    if speed is None:
        assert m.band_good == "165-185" and "band_shift" not in m.extra
    else:
        lo, hi = CADENCE_SPEED_RANGE
        shift = round(CADENCE_SLOPE * (min(max(speed, lo), hi) - 3.0))
        assert m.extra["band_shift"] == shift
        assert m.band_good.startswith(f"{165 + shift}-{185 + shift} steps/min, your own band")
        assert "your own band" in m.caveat
    if fix_key:
        f = build_findings([m])
        assert [x.id for x in f.fixes + f.more_fixes] == [fix_key]


def test_cadence_band_outside_the_studied_speeds_says_so():
    case = build(PLANAR.with_(speed_mps=4.0, cadence_spm=185.0))
    m = case.metrics(speed_mps=5.0)["cadence"]
    assert m.extra["band_shift"] == 6 and "the band at 3.5 m/s" in m.band_good


@pytest.mark.parametrize("vosc_m, near", [(0.085, True), (0.16, False)])
def test_vertical_ratio_near_its_line_says_so_as_its_bounce_does(vosc_m, near):
    """The ratio is the bounce over the step, so it reads no better than the bounce: a ratio
    of 12.0 % was "work on this" without a word of doubt beside its own bounce "near the line,
    may be fine" (review, 2 Dec). Its reading error is the bounce's (relative) plus the leg
    length's 5 %; within it of a milder line, the ratio is marked near the line too; far
    past it (a 16 cm bounce), not."""
    from core.metrics.speed import LEG_LENGTH_SPREAD, VERTICAL_RATIO, _BOUNCE

    speed = 2.8
    case = build(PLANAR.with_(speed_mps=speed, vert_osc_m=vosc_m))
    ms = case.metrics(height_cm=case.motion.params.body.height * 100, speed_mps=speed)
    ratio, bounce = ms["vertical_ratio"], ms["vertical_oscillation"]
    assert ratio.status in ("watch", "fix")
    err = ratio.value * (_BOUNCE.error_at(case.track.fps) / bounce.value + LEG_LENGTH_SPREAD)
    edge = VERTICAL_RATIO.good_hi if ratio.value - VERTICAL_RATIO.good_hi <= err else \
        VERTICAL_RATIO.fix_above
    assert bool(ratio.near_line) == near == (ratio.value - edge <= err + 0.05)
    if near:
        assert ratio.near_line["error"] == pytest.approx(err)
