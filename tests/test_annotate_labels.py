"""Labels keep out of what a share link blurs around the head (core.annotate,
core.reference, core.privacy.blurred_region): a label there came out half blurred on shared
stills ("6 % above your relaxed p##on"; "foot 22% le###ead" on the good-form still, "You -
lan##ng" on the compare view: browser review s20)."""
import numpy as np
import pytest

from core import annotate, privacy, reference
from synth_track import Gait, make_track


def test_the_blurred_region_is_what_blur_box_changes():
    rng = np.random.default_rng(3)
    img = rng.integers(0, 255, (200, 300, 3), np.uint8)
    box = [120, 40, 150, 80]
    x0, y0, x1, y1 = privacy.blurred_region(box)
    changed = np.any(privacy.blur_box(img, box) != img, axis=2)
    rows, cols = np.nonzero(changed)
    assert (rows.min(), rows.max() + 1, cols.min(), cols.max() + 1) == (y0, y1, x0, x1)
    assert (x0, y0, x1, y1) == (109, 26, 161, 94)  # the box widened by 35 % on each side


@pytest.mark.parametrize("metric_id, view", [("shoulder_level", "front"),
                                              ("shoulder_elevation", "front"),
                                              ("trunk_lean", "side"),
                                              ("head_position", "side")])
def test_evidence_labels_are_not_blurred_on_a_shared_copy(metric_id, view):
    tr = make_track(Gait(view=view))
    i = len(tr.t) // 2
    xy = tr.xy[i]
    face = annotate.face_box(xy)
    assert face is not None
    img = np.full((tr.height, tr.width, 3), 255, np.uint8)
    annotate.draw_measure(img, metric_id, xy, 1.0, "6 % above your relaxed position")
    dark = np.all(img == (20, 20, 20), axis=2)  # the label's box
    assert dark.any()
    x0, y0, x1, y1 = (max(0, v) for v in privacy.blurred_region(face))
    assert not dark[y0:y1, x0:x1].any(), (metric_id, face)
    shared = privacy.blur_box(img, face)  # as make_shared_variants blurs the still
    assert np.array_equal(shared[dark], img[dark])


def test_the_good_form_stills_labels_sit_in_a_band_above_the_runner():
    """The good-form still's labels were printed over the runner's arm and hoodie, and on a
    share partly blurred (review, 2 Dec; s20): they now sit in a band above the picture,
    which leaves every pixel of the runner's frame as drawn; both halves get the same band
    height so the two stay one picture."""
    img = np.full((480, 400, 3), 90, np.uint8)
    you = ["You - landing", "foot 22% leg ahead", "shin 12\u00b0", "lean 4\u00b0"]
    ref = ["Good form - 168 spm", "lean 6\u00b0"]
    scale = reference.label_scale(img.shape[1], you, ref)
    a, h = reference.with_label_band(img, you, len(you), scale, (0, 200, 255))
    b, h2 = reference.with_label_band(img, ref, len(you), scale, (255, 200, 0))
    assert h == h2 > 0 and a.shape == b.shape == (480 + h, 400, 3)
    assert np.array_equal(a[h:], img) and np.array_equal(b[h:], img)  # the runner untouched
    band = a[:h]
    assert (band != reference.LABEL_BAND_BG).any(axis=2).any()  # the text is in the band
    text_rows = np.nonzero((band != reference.LABEL_BAND_BG).any(axis=2).any(axis=1))[0]
    assert text_rows.max() < h - 2  # the last line sits inside the band, above its edge
    # a head at the crop's top: the share's blur reaches up into the band, so the band keeps
    # that many empty rows under its text (code review, 2 Dec)
    head = [150, -10, 230, 60]  # the face box, its blurred region reaching above the crop
    region = privacy.blurred_region(head)
    c, hc = reference.with_label_band(img, you, len(you), scale, (0, 200, 255), -region[1] + 4)
    assert hc == h - region[1] + 4
    blurred = privacy.blur_box(c.copy(), [head[0], head[1] + hc, head[2], head[3] + hc])
    text = (c[:hc] != reference.LABEL_BAND_BG).any(axis=2)
    assert text.any() and np.array_equal(blurred[:hc][text], c[:hc][text])


@pytest.mark.parametrize("width", [180, 400, 540, 700])
def test_the_good_form_stills_labels_fill_their_half_and_never_run_past_it(width):
    """On a phone each half of the still is shown ~175 px wide, where the labels were ~6 px
    high (review, 2 Dec): the font limit, not the half's width, set their size. Now the
    longest line fills 80-90 % of its half, and none runs past it (the good-form heading,
    measured at its heading size: "Good form - 168 spm" was cut at "spr")."""
    img = np.full((400, width, 3), 90, np.uint8)
    you = ["You", "foot 35% leg ahead", "shin 13\u00b0   lean 0\u00b0"]
    ref = ["Good form - 168 spm", "foot 6% leg ahead", "shin -9\u00b0   lean 7\u00b0"]
    scale = reference.label_scale(width, you, ref)
    spans = []
    for lines in (you, ref):
        out, h = reference.with_label_band(img, lines, 3, scale, (0, 200, 255))
        cols = np.nonzero((out[:h] != reference.LABEL_BAND_BG).any(axis=2).any(axis=0))[0]
        spans.append(cols.max())
        assert cols.max() < width - 2, (lines, cols.max(), width)
    assert max(spans) >= 0.8 * width, (spans, width)


@pytest.mark.parametrize("scale", [0.9, 1.6, 2.0])
def test_a_degree_ring_outline_sits_under_its_ring(scale):
    """The still's outlined text spaced its black outline for the outline's thicker stroke,
    so the ring of "lean 0°" had a black dot beside it (phone look, s23): the outline now
    reaches past the white text by no more than its own extra stroke."""
    img = np.full((120, 400, 3), reference.LABEL_BAND_BG, np.uint8)
    reference._text(img, "lean 0\u00b0", (10, 80), scale, (255, 255, 255))
    white = np.nonzero((img > 200).all(axis=2).any(axis=0))[0].max()
    dark = np.nonzero((img < 15).all(axis=2).any(axis=0))[0].max()
    extra = (max(3, int(5 * scale)) - max(1, int(2 * scale))) / 2
    assert dark - white <= extra + 2, (dark, white, scale)
