"""The tests' re-encoded cuts of real clips are the same file on every run
(tests/clipgen.cut_stream): a test that compares a moved copy with its tripod cut reads the
same pictures on every machine and every run, so a failure is the engine's, not the encode's."""
from __future__ import annotations

import cv2
import pytest

from camgen import warp_clip
from clipgen import cut_clip
from engine_cache import CLIPS
from core.pose_cache import file_digest

SRC = CLIPS / "zzzhushi_male_side_treadmill.mp4"


@pytest.mark.skipif(not SRC.is_file(), reason="shared clip missing")
def test_a_cut_and_its_handheld_copy_are_the_same_file_every_time(tmp_path):
    """Twice in one process, after other encodes: libx264 at the 540 px working width wrote
    a different handheld copy on each call after the first (up to 1.4 grey levels a pixel)."""
    digests = []
    for i in range(2):
        a, b = tmp_path / f"cut{i}.mp4", tmp_path / f"hh{i}.mp4"
        cut_clip(SRC, a, 1.0, max_side=960)
        warp_clip(SRC, b, "handheld", 1.0, seed=4, border=cv2.BORDER_CONSTANT, max_side=960)
        digests.append((file_digest(a), file_digest(b)))
    assert digests[0] == digests[1]
