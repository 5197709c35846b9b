"""Cadence (core/metrics/cadence.py): steps per minute, arbitrated between the contacts and
the hips' rhythm. Exact: the model's contacts; tolerance 0.5 steps/min."""
import dataclasses

import pytest

from model_track import build, PLANAR


@pytest.mark.parametrize("spm", [160.0, 180.0, 200.0])
def test_cadence_is_the_contacts_rate(spm):
    case = build(PLANAR.with_(cadence_spm=spm))
    m = case.metrics()["cadence"]
    assert m.value == pytest.approx(spm, abs=0.5)
    assert m.status == ("good" if 165 <= spm <= 185 else "watch" if spm < 165 else "fix")


def test_hips_at_double_rate_do_not_override_many_contacts():
    case = build()
    case.events = dataclasses.replace(case.events, cadence_spectral=2 * 180.0)
    m = case.metrics()["cadence"]
    assert m.value == pytest.approx(180.0, abs=0.5) and m.confidence == "medium"


def test_few_contacts_fall_back_to_the_hips_rhythm():
    case = build()
    case.events = dataclasses.replace(case.events, ics=case.events.ics[:4],
                                      cadence_events=150.0, cadence_spectral=181.0)
    assert case.metrics()["cadence"].value == pytest.approx(181.0, abs=0.5)
