"""Decoding: rotation metadata, real (variable) timestamps, slow-motion time scale."""
import shutil
import subprocess

import cv2
import numpy as np
import pytest

from core.video import iter_frames, probe, turned
from engine_cache import CLIPS

needs_ffmpeg = pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="ffmpeg not installed")


@needs_ffmpeg
@pytest.mark.parametrize("rotate", [90, 180, 270])
def test_rotation_metadata_is_applied_like_ffmpeg(tmp_path, rotate):
    src = CLIPS / "zzzhushi_male_side_treadmill.mp4"
    rot = tmp_path / f"rot{rotate}.mp4"
    subprocess.run(["ffmpeg", "-loglevel", "error", "-y", "-i", str(src), "-t", "2.5", "-c", "copy",
                    "-metadata:s:v:0", f"rotate={rotate}", str(rot)], check=True)
    ref = tmp_path / "ref.png"
    subprocess.run(["ffmpeg", "-loglevel", "error", "-y", "-i", str(rot), "-frames:v", "1", str(ref)],
                   check=True)  # ffmpeg autorotates: the upright truth
    meta = probe(rot)
    ours = next(iter_frames(meta, max_side=4000)).image
    want = cv2.imread(str(ref))
    assert ours.shape == want.shape
    assert np.abs(ours.astype(int) - want.astype(int)).mean() < 2.0
    assert (meta.width, meta.height) == (want.shape[1], want.shape[0])


@pytest.mark.parametrize("cw", [90, 180, 270])
def test_a_turned_meta_decodes_the_picture_turned_clockwise(cw):
    """core.pipeline turns a clip whose runner lies along the picture or upside down upright
    (core.quality.upright_turn): the same frames turned ``cw`` clockwise, sizes swapped."""
    meta = probe(CLIPS / "zzzhushi_male_side_treadmill.mp4")
    was = next(iter_frames(meta, max_side=4000)).image
    meta2 = turned(meta, cw)
    assert (meta2.turned, meta2.rotation) == (cw, (meta.rotation + cw) % 360)
    now = next(iter_frames(meta2, max_side=4000)).image
    assert np.array_equal(now, np.rot90(was, k=-cw // 90))
    assert (meta2.width, meta2.height) == (now.shape[1], now.shape[0])
    assert turned(meta2, 360 - cw).turned == 0  # turned back: the file's own picture
    with pytest.raises(ValueError):
        turned(meta, 45)


def test_variable_frame_rate_uses_real_timestamps():
    meta = probe(CLIPS / "jacky_run_inplace_front.mp4")  # first interval 48.3 ms, then 33.3 ms
    t = [f.t for _, f in zip(range(5), iter_frames(meta))]
    assert t[1] - t[0] == pytest.approx(0.0483, abs=0.001)
    assert t[2] - t[1] == pytest.approx(0.0333, abs=0.001)


def test_slow_motion_time_scale():
    meta = probe(CLIPS / "zzzhushi_male_side_treadmill.mp4")
    t1 = [f.t for _, f in zip(range(31), iter_frames(meta))]
    t8 = [f.t for _, f in zip(range(31), iter_frames(meta, time_scale=1 / 8))]
    assert t1[30] == pytest.approx(1.0, abs=1e-3)
    assert t8[30] == pytest.approx(1.0 / 8, abs=1e-3)


def test_working_resolution_long_side():
    meta = probe(CLIPS / "mhuang_IMG_5396.mp4")  # 1080 x 1920 portrait
    img = next(iter_frames(meta, max_side=960)).image
    assert max(img.shape[:2]) == 960 and img.shape[0] > img.shape[1]


def test_truncated_stream_yields_frames_before_the_break(tmp_path):
    # a raw H.264 elementary stream cut in the middle still decodes up to the cut
    src = CLIPS / "zzzhushi_male_side_treadmill.mp4"
    if shutil.which("ffmpeg") is None:
        pytest.skip("ffmpeg not installed")
    es = tmp_path / "clip.h264"
    subprocess.run(["ffmpeg", "-loglevel", "error", "-y", "-i", str(src), "-c", "copy", "-bsf:v",
                    "h264_mp4toannexb", "-f", "h264", str(es)], check=True)
    cut = tmp_path / "cut.h264"
    cut.write_bytes(es.read_bytes()[: es.stat().st_size // 2])
    n = sum(1 for _ in iter_frames(probe(cut)))
    assert 60 < n < 360


def _ffmpeg(*args: str) -> None:
    subprocess.run(["ffmpeg", "-loglevel", "error", "-y", *args], check=True)


@needs_ffmpeg
def test_a_clip_trimmed_without_re_encoding_counts_only_the_frames_it_shows(tmp_path):
    """A gallery's quick trim (here ``ffmpeg -ss 8 -c copy``) keeps the frames before the cut,
    which an edit list skips: the frame count is the shown 4 s, not the 12 s stored, so the
    pipeline's "decoded all of it" check does not call the clip cut short."""
    whole, trimmed = tmp_path / "whole.mp4", tmp_path / "trimmed.mp4"
    _ffmpeg("-f", "lavfi", "-i", "testsrc=s=64x64:r=30:d=12", "-c:v", "libx264", "-g", "600",
            str(whole))
    _ffmpeg("-ss", "8", "-i", str(whole), "-c", "copy", str(trimmed))
    meta = probe(trimmed)
    n = sum(1 for _ in iter_frames(meta))
    assert meta.duration_s == pytest.approx(4.0, abs=0.05)
    assert meta.n_frames_est == n == 120
    assert probe(whole).n_frames_est == 360


@needs_ffmpeg
def test_a_photo_named_mp4_and_an_audio_file_with_cover_art_are_refused_as_what_they_are(tmp_path):
    from core.errors import FormCheckError

    photo, song = tmp_path / "photo.png", tmp_path / "song.m4a"
    _ffmpeg("-f", "lavfi", "-i", "testsrc=s=64x64:d=1", "-frames:v", "1", str(photo))
    _ffmpeg("-f", "lavfi", "-i", "sine=d=3", "-i", str(photo), "-map", "0", "-map", "1",
            "-c:a", "aac", "-c:v", "png", "-disposition:v", "attached_pic", str(song))
    for src, code, words in ((photo, "not_video", "single picture"),
                             (song, "no_video_stream", "no video")):
        renamed = src.with_suffix(".mp4")
        renamed.write_bytes(src.read_bytes())
        with pytest.raises(FormCheckError) as e:
            probe(renamed)
        assert e.value.code == code and words in e.value.message, (src.name, e.value.message)
