"""Face blurring: boxes are pixelated and blurred, the rest of the picture is kept."""
from __future__ import annotations

import math
import re
from pathlib import Path

import av
import cv2
import numpy as np
import pytest

from core import privacy
from core.report import Media

BOX = (40, 24, 64, 48)  # x0, y0, x1, y1 inside a 96 x 128 picture


def noise_image(h: int = 96, w: int = 128, seed: int = 0) -> np.ndarray:
    """Coarse colour noise (4 px cells) that survives JPEG/H.264 compression."""
    cells = np.random.default_rng(seed).integers(0, 256, (h // 4, w // 4, 3), dtype=np.uint8)
    return cv2.resize(cells, (w, h), interpolation=cv2.INTER_NEAREST)


def write_video(path: Path, n_frames: int = 12, fps: int = 10) -> None:
    with av.open(str(path), "w") as out:
        stream = out.add_stream("libx264", rate=fps, options={"crf": "12", "preset": "ultrafast"})
        stream.width, stream.height, stream.pix_fmt = 128, 96, "yuv420p"
        for i in range(n_frames):
            out.mux(stream.encode(av.VideoFrame.from_ndarray(noise_image(seed=i), format="bgr24")))
        out.mux(stream.encode(None))


def read_video(path: Path) -> tuple[list[np.ndarray], av.video.stream.VideoStream]:
    with av.open(str(path)) as inp:
        stream = inp.streams.video[0]
        return [f.to_ndarray(format="bgr24") for f in inp.decode(stream)], stream


def region(img: np.ndarray, box: tuple[int, int, int, int] = BOX) -> np.ndarray:
    x0, y0, x1, y1 = box
    return img[y0:y1, x0:x1].astype(float)


def test_blur_box_flattens_the_padded_box_and_keeps_the_rest() -> None:
    img = noise_image()
    before = img.copy()
    out = privacy.blur_box(img, BOX)
    assert np.array_equal(img, before), "the input must not be modified"
    assert region(out).std() < 0.35 * region(img).std()
    # the padding (35 % of 24 px ~ 8 px) is blurred too, what lies beyond it is untouched
    assert not np.array_equal(out[24:48, 33:40], img[24:48, 33:40])
    assert np.array_equal(out[:, :30], img[:, :30])
    assert np.array_equal(out[60:], img[60:])


def test_blur_box_clips_to_the_picture() -> None:
    img = noise_image()
    out = privacy.blur_box(img, (-20, -20, 20, 20))
    assert region(out, (0, 0, 20, 20)).std() < 0.35 * region(img, (0, 0, 20, 20)).std()
    assert np.array_equal(privacy.blur_box(img, (500, 500, 600, 600)), img)


@pytest.mark.parametrize("box", [(1, 2, 3), (5, 5, 1, 1), (0, 0, math.nan, 4), "abcd", None, 7])
def test_blur_box_rejects_malformed_boxes(box: object) -> None:
    with pytest.raises(ValueError):
        privacy.blur_box(noise_image(), box)  # type: ignore[arg-type]


def test_usable_boxes_and_nearest_frame() -> None:
    a, b = (0, 0, 10, 10), (5, 5, 20, 20)
    boxes = privacy.usable_boxes({"2": list(a), 10: b, "x": a, "4": [1, 2], "6": None})
    assert boxes == {2: a, 10: b}
    assert privacy.box_for_frame(boxes, 2) == a
    assert privacy.box_for_frame(boxes, 0) == a
    assert privacy.box_for_frame(boxes, 5) == a
    assert privacy.box_for_frame(boxes, 6) == a  # tie: the earlier frame wins
    assert privacy.box_for_frame(boxes, 7) == b
    assert privacy.box_for_frame(boxes, 99) == b
    assert privacy.box_for_frame({}, 3) is None
    assert privacy.usable_boxes(None) == {}


def test_blur_image_file(tmp_path: Path) -> None:
    src, dst = tmp_path / "in.jpg", tmp_path / "out.jpg"
    cv2.imwrite(str(src), noise_image())
    privacy.blur_image_file(src, dst, BOX)
    original, blurred = cv2.imread(str(src)), cv2.imread(str(dst))
    assert blurred.shape == original.shape
    assert region(blurred).std() < 0.35 * region(original).std()
    (tmp_path / "bad.jpg").write_bytes(b"not a picture")
    with pytest.raises(ValueError):
        privacy.blur_image_file(tmp_path / "bad.jpg", dst, BOX)


def test_blur_video_keeps_frames_and_rate_and_blurs_every_frame(tmp_path: Path) -> None:
    src, dst = tmp_path / "in.mp4", tmp_path / "out.mp4"
    write_video(src, n_frames=12, fps=10)
    # boxes only for frames 3 and 9 (string keys as in report JSON): the others borrow them
    assert privacy.blur_video(src, dst, {"3": BOX, "9": BOX}) == 12
    before, _ = read_video(src)
    after, stream = read_video(dst)
    assert len(after) == len(before) == 12
    assert stream.average_rate == 10
    assert stream.codec_context.name == "h264"
    assert stream.codec_context.pix_fmt == "yuv420p"
    for b, a in zip(before, after):
        assert region(a).std() < 0.4 * region(b).std()
        far = (0, 70, 30, 96)  # away from the padded box: only re-encoding noise
        assert np.abs(region(a, far) - region(b, far)).mean() < 20


def test_blur_video_maps_video_frames_to_clip_frames(tmp_path: Path) -> None:
    # a long clip's annotated video keeps every 2nd frame; boxes are keyed by clip frame and
    # move across the picture, so the wrong mapping would blur the wrong place
    src, dst = tmp_path / "in.mp4", tmp_path / "out.mp4"
    write_video(src, n_frames=8, fps=10)
    left, right = (4, 20, 40, 60), (80, 20, 116, 60)
    boxes = {str(i): list(left if i < 8 else right) for i in range(0, 16, 2)}
    frame_ids = list(range(0, 16, 2))  # video frame n shows clip frame 2n
    privacy.blur_video(src, dst, boxes, frame_ids=frame_ids)
    before, _ = read_video(src)
    after, _ = read_video(dst)
    assert len(after) == len(before) == len(frame_ids)
    for n, (b, a) in enumerate(zip(before, after)):
        hit = left if frame_ids[n] < 8 else right
        assert region(a, hit).std() < 0.4 * region(b, hit).std(), n


def _originals(folder: Path) -> dict:
    """A report media block with two evidence pictures, a thumbnail and a video in ``folder``."""
    (folder / "evidence").mkdir(parents=True)
    for seed, rel in enumerate(("evidence/ic.jpg", "evidence/to.jpg", "thumb.jpg")):
        cv2.imwrite(str(folder / rel), noise_image(seed=seed), [cv2.IMWRITE_JPEG_QUALITY, 95])
    write_video(folder / "annotated.mp4", n_frames=6)
    return {
        "evidence": {"ic": "evidence/ic.jpg", "to": "evidence/to.jpg"},
        "evidence_frames": {"ic": 2},  # "to" has no frame: it cannot be blurred
        "video": "annotated.mp4",
        "thumbnail": "thumb.jpg",
        "thumbnail_frame": 0,
        "thumbnail_scale": 1.0,  # the thumbnail is the frame at its own size here
        "face_boxes": {"0": list(BOX), "3": list(BOX)},
    }


def test_shared_variants_blur_and_leave_out_what_cannot_be_blurred(tmp_path: Path) -> None:
    src, dst = tmp_path / "src", tmp_path / "dst"
    media = _originals(src)
    asked: list[str] = []

    def source(rel: str) -> Path:
        asked.append(rel)
        return src / rel

    shared = privacy.make_shared_variants(media, source, dst, blur=True, include_video=True)
    assert shared["evidence"] == {"ic": "evidence/ic.jpg"} and shared["evidence_frames"] == {"ic": 2}
    assert shared["thumbnail"] == "thumb.jpg" and shared["video"] == "annotated.mp4"
    assert "evidence/to.jpg" not in asked and not (dst / "evidence/to.jpg").exists()
    for rel in ("evidence/ic.jpg", "thumb.jpg"):
        before, after = cv2.imread(str(src / rel)), cv2.imread(str(dst / rel))
        assert region(after).std() < 0.35 * region(before).std()
    frames, _ = read_video(dst / "annotated.mp4")
    assert len(frames) == 6

    plain = privacy.make_shared_variants(media, source, tmp_path / "plain", blur=False,
                                         include_video=False)
    assert plain["evidence"] == media["evidence"] and plain["video"] is None
    assert (tmp_path / "plain/evidence/to.jpg").read_bytes() == (src / "evidence/to.jpg").read_bytes()
    assert not (tmp_path / "plain/annotated.mp4").exists()


def test_a_still_cropped_to_the_runner_is_blurred_where_the_face_is_in_it(tmp_path: Path) -> None:
    """An evidence still cropped to the runner (core.annotate.evidence_still) starts at
    ``evidence_offsets[key]`` in its frame: the frame's face box is shifted by it, so the
    face is blurred in the crop and the place the unshifted box would cover is not."""
    src, dst = tmp_path / "src", tmp_path / "dst"
    (src / "evidence").mkdir(parents=True)
    cv2.imwrite(str(src / "evidence/ic.jpg"), noise_image(seed=5), [cv2.IMWRITE_JPEG_QUALITY, 95])
    dx, dy = 30, 20  # the crop's corner in the frame; the face box is in frame pixels
    frame_box = (BOX[0] + dx, BOX[1] + dy, BOX[2] + dx, BOX[3] + dy)
    media = {"evidence": {"ic": "evidence/ic.jpg"}, "evidence_frames": {"ic": 4},
             "evidence_offsets": {"ic": [dx, dy]}, "face_boxes": {"4": list(frame_box)}}
    shared = privacy.make_shared_variants(media, lambda rel: src / rel, dst, blur=True,
                                          include_video=False)
    assert shared["evidence"] == {"ic": "evidence/ic.jpg"}
    assert shared["evidence_offsets"] == {"ic": [dx, dy]}  # the viewer's media says it too
    before, after = cv2.imread(str(src / "evidence/ic.jpg")), cv2.imread(str(dst / "evidence/ic.jpg"))
    assert region(after).std() < 0.35 * region(before).std()  # the face, where it is in the crop
    # where the frame's box would fall unshifted: not blurred (a JPEG copy keeps the noise)
    assert region(after, frame_box).std() > 0.7 * region(before, frame_box).std()
    # without the offset (an old report's whole-frame still) the box is taken as it is
    del media["evidence_offsets"]
    whole = privacy.make_shared_variants(media, lambda rel: src / rel, tmp_path / "whole",
                                         blur=True, include_video=False)
    assert "evidence_offsets" not in whole
    after = cv2.imread(str(tmp_path / "whole/evidence/ic.jpg"))
    assert region(after, frame_box).std() < 0.35 * region(before, frame_box).std()


def test_the_thumbnail_is_blurred_at_its_own_scale_or_left_out(tmp_path: Path) -> None:
    """The thumbnail is the frame made smaller (its longer side 360 px): the frame's face box
    is scaled by ``thumbnail_scale``, so the face is blurred where it is in the thumbnail.
    Before that was stored the box was taken in frame pixels and missed the face (a portrait
    1080 x 1920 frame's head at y 1290 fell below a 203 x 360 thumbnail): a report without
    the scale now leaves its thumbnail out of a blurred share, and keeps it unblurred ones."""
    src = tmp_path / "src"
    src.mkdir()
    cv2.imwrite(str(src / "thumb.jpg"), noise_image(seed=7), [cv2.IMWRITE_JPEG_QUALITY, 95])
    frame_box = [2 * v for v in BOX]  # the frame is twice the thumbnail's size
    media = {"evidence": {}, "thumbnail": "thumb.jpg", "thumbnail_frame": 3,
             "thumbnail_scale": 0.5, "face_boxes": {"3": frame_box}}
    shared = privacy.make_shared_variants(media, lambda rel: src / rel, tmp_path / "a",
                                          blur=True, include_video=False)
    assert shared["thumbnail"] == "thumb.jpg"
    before, after = cv2.imread(str(src / "thumb.jpg")), cv2.imread(str(tmp_path / "a/thumb.jpg"))
    assert region(after).std() < 0.35 * region(before).std()
    del media["thumbnail_scale"]
    assert privacy.make_shared_variants(media, lambda rel: src / rel, tmp_path / "b", blur=True,
                                        include_video=False)["thumbnail"] is None
    assert not (tmp_path / "b/thumb.jpg").exists()
    assert privacy.make_shared_variants(media, lambda rel: src / rel, tmp_path / "c", blur=False,
                                        include_video=False)["thumbnail"] == "thumb.jpg"


def test_a_still_with_an_unreadable_offset_is_not_shared_blurred(tmp_path: Path) -> None:
    """A cropped still whose stored offset cannot be read would be blurred at the wrong place:
    it is left out of a blurred share (kept in a plain one); the report itself still opens."""
    src = tmp_path / "src"
    (src / "evidence").mkdir(parents=True)
    cv2.imwrite(str(src / "evidence/ic.jpg"), noise_image(seed=5), [cv2.IMWRITE_JPEG_QUALITY, 95])
    for bad in ([1, 2, 3], ["12", "3"], [float("nan"), 0.0], "junk"):
        media = {"evidence": {"ic": "evidence/ic.jpg"}, "evidence_frames": {"ic": 4},
                 "evidence_offsets": {"ic": bad}, "face_boxes": {"4": list(BOX)}}
        assert Media.of(media).evidence_offsets == {}  # read as none, never raising
        shared = privacy.make_shared_variants(media, lambda rel: src / rel, tmp_path / "a",
                                              blur=True, include_video=False)
        assert shared["evidence"] == {} and shared["evidence_offsets"] == {}, bad
        plain = privacy.make_shared_variants(media, lambda rel: src / rel, tmp_path / "b",
                                             blur=False, include_video=False)
        assert plain["evidence"] == {"ic": "evidence/ic.jpg"}, bad


def test_shared_variants_report_damaged_or_missing_originals(tmp_path: Path) -> None:
    src = tmp_path / "src"
    media = _originals(src)
    (src / "annotated.mp4").write_bytes(b"\x00 not a video" * 50)
    with pytest.raises(ValueError):
        privacy.make_shared_variants(media, lambda rel: src / rel, tmp_path / "a",
                                     blur=True, include_video=True)
    with pytest.raises(FileNotFoundError):
        privacy.make_shared_variants(media, lambda rel: None, tmp_path / "b",
                                     blur=False, include_video=False)


# --------------------------------------------------------------------------- the viewer's report


def _report_with_height() -> dict:
    """A real report (the engine's stages on an exact-truth track, no pose model) made with
    a height, a speed and a sex, from a clip whose name is a person's."""
    from core.admission import ClipStats
    from core.pipeline import AnalysisOptions, build_report
    from core.report import SourceInfo
    from tests.synth_track import Gait, make_track

    g = Gait(cadence=172.0, seconds=8.0)
    raw = make_track(g)
    source = SourceInfo(filename="jane_doe_2025-03-01.mp4", size_bytes=0, fps_nominal=g.fps,
                        width=raw.width, height=raw.height, orig_width=raw.width,
                        orig_height=raw.height, rotation=0, codec="none",
                        **SourceInfo.timing(raw))
    opts = AnalysisOptions(height_cm=175, speed_mps=3.0, sex="female", experience="new")
    return build_report(raw, None, source, opts, ClipStats(), None)


def _strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def test_shared_report_leaves_out_the_owner_and_what_is_made_from_their_height() -> None:
    import copy
    import json

    from core.report import Report

    owner = _report_with_height()
    before = copy.deepcopy(owner)
    # the owner's report carries what must not reach a viewer
    assert owner["options"]["height_cm"] == 175 and owner["profile"]["sex"] == "female"
    assert [m for m in owner["metrics"] if m["unit"] == "% leg" and m["value_cm"] is None] == []
    cm = [m for m in owner["metrics"] if f"({m['value_cm'] or 0:.0f} cm)" in m["display"]]
    assert {"overstride", "vertical_oscillation"} <= {m["id"] for m in cm}
    assert any(f"({m['value_cm']:.0f} cm)" in s for m in cm
               for s in _strings(owner["findings"]))  # a fix quotes it
    ratio = next(m for m in owner["metrics"] if m["id"] == "vertical_ratio")
    assert " cm up and down" in ratio["display"] and "bounce_m" in ratio["extra"]
    owner["session"] = {"rule": "", "clips": [dict(
        key="c1", filename="jane_doe_back.mov", view="back", facing=None, status="ok",
        summary="", duration_s=8.0, fps=60.0)]}

    seen = privacy.shared_report(owner)
    text = json.dumps(seen)
    assert "jane_doe" not in text
    assert seen["options"]["height_cm"] is None and seen["profile"]["sex"] is None
    assert seen["session"]["clips"][0]["filename"] == ""
    assert "face_boxes" not in seen["media"]
    assert all(m["value_cm"] is None and "bounce_m" not in m["extra"] for m in seen["metrics"])
    assert not [s for s in _strings(seen) if re.search(r"-?\d[\d.]* cm\b", s)]
    # the report still reads: the same metrics in % of leg, the fixes quote them
    by_id = {m["id"]: m for m in seen["metrics"]}
    for m in cm:
        assert by_id[m["id"]]["display"] == m["display"].replace(f" ({m['value_cm']:.0f} cm)", "")
        assert by_id[m["id"]]["value"] == m["value"]
    assert re.fullmatch(r"[\d.]+ % \(per [\d.]+ m step\)", by_id["vertical_ratio"]["display"])
    assert seen["profile"]["speed_mps"] == 3.0 and seen["profile"]["experience"] == "new"
    seen_fixes = [f["seen"] for f in seen["findings"]["fixes"] + seen["findings"]["more_fixes"]]
    owner_fixes = [f["seen"] for f in owner["findings"]["fixes"] + owner["findings"]["more_fixes"]]
    assert len(seen_fixes) == len(owner_fixes) and all(seen_fixes)
    assert Report.from_json(seen).options.height_cm is None  # still a valid report
    assert owner["options"] == before["options"] and owner["metrics"] == before["metrics"]
