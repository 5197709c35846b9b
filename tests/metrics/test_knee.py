"""Knee bend at landing and in midstance (core/metrics/knee.py) against the model's truth.
Tolerance 0.5 deg."""
import pytest

from model_track import PLANAR, build


@pytest.mark.parametrize("stance_min", [4.0, 10.0, 20.0])
def test_knee_flexion_at_contact_and_midstance(stance_min):
    case = build(PLANAR.with_(knee_stance_min_deg=stance_min))
    m, truth = case.metrics(), case.motion.truth
    assert m["knee_flexion_ic"].value == pytest.approx(truth["knee_flexion_ic_deg"], abs=0.5)
    assert m["knee_flexion_mid"].value == pytest.approx(truth["knee_flexion_mid_deg"], abs=0.5)
    assert m["knee_flexion_mid"].value > m["knee_flexion_ic"].value
    # the evidence frame of midstance lies between a contact and toe-off of its foot
    frame = m["knee_flexion_mid"].evidence_frames[0]
    foot = m["knee_flexion_mid"].extra["evidence_foot"]
    ics = [e.frame for e in case.events.ics if e.foot == foot]
    tos = [e.frame for e in case.events.tos if e.foot == foot]
    assert any(i <= frame <= j for i, j in zip(ics, tos))
