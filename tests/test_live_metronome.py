"""The live page's "My cadence + 5 %" (core.live.metronome_target): the live cadence plus 5 %,
never outside the metronome's range, and a note when it cannot simply be set (no cadence yet,
a walking rhythm under the lowest beat, a cadence over the highest) instead of quietly showing
the number field's lowest beat."""
import math

import pytest

from core.live import METRONOME_RANGE, metronome_target


@pytest.mark.parametrize("cadence,bpm,said", [
    (160.0, 168, None),
    (170.4, 179, None),  # 178.92 rounds to 179
    (114.3, 120, None),  # 120.0: the lowest beat, reached, nothing to say
    (95.0, 120, "reads 95 steps/min just now, a walking rhythm: the metronome starts at 120"),
    (0.0, 120, "reads 0 steps/min"),
    (209.5, 220, None),
    (215.0, 220, "goes up to 220"),
    (None, None, "run for a few seconds first"),
    (math.nan, None, "run for a few seconds first"),
])
def test_metronome_target(cadence, bpm, said):
    got, note = metronome_target(cadence)
    assert got == bpm
    if bpm is not None:
        assert METRONOME_RANGE[0] <= got <= METRONOME_RANGE[1]
    if said is None:
        assert note is None
    else:
        assert said in note
