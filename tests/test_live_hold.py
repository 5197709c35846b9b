"""The live panel's held numbers (core.live.LiveAnalyzer._publish / _hold), on made-up window
results: no camera, no pose model."""
from __future__ import annotations

import dataclasses

from core.live import (ALL_GOOD_CUE, ALL_GOOD_SHORT, EMPTY_NUMBERS, JUMP_SHARE, LiveAnalyzer,
                       _Analysis, _number)


def _window(t: float, cadence: float | None, lean: float | None = 6.0,
            cue_good: bool = False, confidence: str = "medium") -> _Analysis:
    numbers = tuple(_number(n.id, {"cadence": cadence, "trunk_lean": lean}.get(n.id), confidence,
                            t) for n in EMPTY_NUMBERS)
    return _Analysis(numbers, ALL_GOOD_CUE if cue_good else None,
                     ALL_GOOD_SHORT if cue_good else None, "good" if cue_good else "info",
                     analysed_t=t)


def _shown(a: LiveAnalyzer, mid: str = "cadence"):
    return next(n for n in a.snapshot().numbers if n.id == mid)


def test_a_cadence_jump_shows_only_when_two_windows_agree():
    """A busy computer read a steady 169 as 166, 109, 92, 60, 255, 75, 254, 171 from window
    to window, each judged "work on it" (live review, 2 Dec): a jump of over 15 % from the
    number shown waits for a second window that reads the same; the shown one is held with
    its age meanwhile. A real change of pace (two windows at 140) shows a second later; one
    under 15 % (170 -> 150) shows at once."""
    a = LiveAnalyzer()
    shown = []
    for k, cad in enumerate((166, 109, 92, 60, 255, 75, 254, 171, 170, 140, 141, 139, 150)):
        a._publish(_window(float(k), float(cad)))
        shown.append(_shown(a).value)
    assert shown[:9] == [166, 166, 166, 166, 166, 166, 166, 171, 170]
    assert shown[9] == 170 and shown[10:] == [141, 139, 150]  # 140 held; 141 agrees: shown
    assert abs(140 / 170 - 1) > JUMP_SHARE > abs(150 / 139 - 1)


def test_looking_good_only_beside_numbers_that_are_good():
    """The cue came from the latest window alone and said "Looking good: keep this rhythm."
    beside a held red cadence (live review, 2 Dec): the all-good cue waits for the numbers
    on screen to be good."""
    a = LiveAnalyzer()
    a._publish(_window(0.0, 130.0))  # "work on it" (under 160)
    a._publish(_window(1.0, None, cue_good=True))  # this window: no cadence, all else good
    snap = a.snapshot()
    assert _shown(a).value == 130 and _shown(a).status == "fix"
    assert snap.cue is None and snap.cue_short is None
    a._publish(_window(2.0, 170.0, cue_good=True))
    a._publish(_window(3.0, 171.0, cue_good=True))  # (a jump from 130: two windows agree)
    snap = a.snapshot()
    assert _shown(a).value == 171 and snap.cue == ALL_GOOD_CUE


def test_a_rough_number_and_a_held_back_one_say_so():
    """The card says "rough" for a low-confidence reading (the engine's confidence was
    computed but never shown) and why a number held back by the frame rate is not coming
    ("waiting" for minutes on a busy computer: live review, 2 Dec)."""
    from pages.live import number_card

    low = dataclasses.replace(_number("cadence", 168.0, "low", 1.0), age_s=0.5)
    assert "Good (rough) · live" in number_card(low)
    sure = dataclasses.replace(_number("cadence", 168.0, "high", 1.0), age_s=0.5)
    assert "Good · live" in number_card(sure) and "rough" not in number_card(sure)
    off = _number("overstride", None)
    assert "needs a faster frame rate" in number_card(off, held_back=True)
    assert "waiting" in number_card(off)


def test_a_refused_recording_is_not_called_ready():
    """The record panel said "Your report is ready." above a report that could not score the
    recording (live review, 2 Dec): a refused report's first failing check is what the panel
    says instead (pages.live.refusal_reason)."""
    from pages.live import refusal_reason

    report = {"status": "refused", "quality": {"checks": [
        {"id": "person", "passed": True, "severity": "info", "detail": "Found in 99 %."},
        {"id": "cuts", "passed": False, "severity": "warn", "detail": "Cut into 3 stretches."},
        {"id": "rate", "passed": False, "severity": "fail",
         "detail": "We found your steps at 68 a minute, which no runner does."}]}}
    assert refusal_reason(report) == "We found your steps at 68 a minute, which no runner does."
    assert refusal_reason({"status": "ok", "quality": {"checks": []}}) == ""
    assert refusal_reason({}) == ""


def test_the_setup_check_turns_only_when_two_windows_agree():
    """On a square side view the setup check flickered "Turn the camera so it sees you from
    the side" in 28 of 105 polls at 7-9 analysed frames a second (live review, 2 Dec): one
    window that disagrees does not turn it; two in a row do."""
    from core.live import READY_MESSAGE, SetupCheck

    ready, turn = SetupCheck(True, READY_MESSAGE), SetupCheck(False, "Turn the camera")
    a = LiveAnalyzer()
    seen = []
    for k, setup in enumerate((ready, turn, ready, ready, turn, turn, turn, ready, ready)):
        a._publish(dataclasses.replace(_window(float(k), 170.0), setup=setup))
        seen.append(a.snapshot().setup.ready)
    assert seen == [True, True, True, True, True, False, False, False, True]


def test_the_recordings_own_numbers_are_shown_beside_the_live_ones():
    """The live panel's cadence read 116 when the report of the same recording said 175
    (live review, 2 Dec): once the report is made, the panel gives its values of the live
    numbers in one line (pages.live.report_numbers), in the live panel's order."""
    from pages.live import report_numbers

    report = {"metrics": [
        {"id": "trunk_lean", "label": "Trunk lean", "display": "5°"},
        {"id": "knee_flexion_ic", "label": "Knee bend at landing", "display": "53°"},
        {"id": "cadence", "label": "Cadence", "display": "175 steps/min"}]}
    assert report_numbers(report) == "Cadence 175 steps/min · Trunk lean 5°"
    # with the report's verdict, and its confidence when not high (an overstride the live
    # card held back stood bare beside the report's "low confidence": review, 3 Dec)
    report["metrics"][0].update(status="good", confidence="high")
    report["metrics"].append({"id": "overstride", "label": "Overstride", "status": "fix",
                              "display": "26 % of leg length", "confidence": "low"})
    assert report_numbers(report) == ("Cadence 175 steps/min · Trunk lean 5° (good) · "
                                      "Overstride 26 % of leg length (work on this, low "
                                      "confidence)")
    assert report_numbers({}) == ""


def test_a_fix_cue_shows_only_beside_its_number_off_good():
    """A cadence jump held back (the card keeps 169, good) must not leave its cue, "Think
    'quick feet'", beside the card; the cue comes back once the low cadence is shown."""
    a = LiveAnalyzer()
    a._publish(_window(0.0, 169.0))

    def slow(t: float, cad: float) -> _Analysis:
        return dataclasses.replace(_window(t, cad), cue="Think 'quick feet'", cue_short="quick feet",
                                   cue_status="fix", cue_metrics=("cadence",))

    a._publish(slow(1.0, 120.0))  # a jump: held back
    snap = a.snapshot()
    assert _shown(a).value == 169 and snap.cue is None
    a._publish(slow(2.0, 121.0))  # two windows agree: shown, with its cue
    snap = a.snapshot()
    assert _shown(a).value == 121 and snap.cue == "Think 'quick feet'"


def test_the_metronome_starts_from_the_last_ten_seconds_of_cadence():
    """"My cadence + 5 %" took the one number on screen at the click, which moves by a few
    steps a minute from window to window (166-171 for a steady 169): it now starts from the
    median of the readings over the last 10 s of stream time (at least three; before that,
    none, and the page uses the number shown). A held-back jump adds no reading; readings
    older than 10 s drop out."""
    from core.live import METRONOME_SPAN_S, metronome_target

    a = LiveAnalyzer()
    for k, cad in enumerate((166.0, 171.0)):
        a._t = float(k)
        a._publish(_window(float(k), cad))
    assert a.snapshot().cadence_recent_spm is None  # two readings: too few
    for k, cad in enumerate((168.0, 255.0, 170.0, 167.0), start=2):  # 255: a jump, held back
        a._t = float(k)
        a._publish(_window(float(k), cad))
    snap = a.snapshot()
    assert _shown(a).value == 167
    assert snap.cadence_recent_spm == 168.0  # median of 166, 171, 168, 170, 167
    assert metronome_target(snap.cadence_recent_spm)[0] == 176  # 168 x 1.05 = 176.4
    # a faster pace held for over 10 s is all the median sees
    for k in range(6, 6 + int(METRONOME_SPAN_S) + 2):
        a._t = float(k)
        a._publish(_window(float(k), 180.0 if k % 2 else 181.0))
    assert a.snapshot().cadence_recent_spm in (180.0, 180.5, 181.0)


def test_the_ready_message_follows_the_recording():
    """"Ready ... Start running, then record." stayed on the panel and the video beside "REC
    0:15" and while the report was made (review, 3 Dec): counting down, recording and
    recorded each say where the runner is; a setup hint is never replaced."""
    from core.live import (READY_ARMED, READY_MESSAGE, READY_RECORDED, READY_RECORDING,
                           SetupCheck)

    a = LiveAnalyzer()
    a._publish(dataclasses.replace(_window(0.0, 170.0), setup=SetupCheck(True, READY_MESSAGE)))
    assert a.snapshot().setup.message == READY_MESSAGE
    a.start_recording(countdown_s=3.0)
    assert a.snapshot().setup.message == READY_ARMED
    a.start_recording()
    assert a.snapshot().setup.message == READY_RECORDING
    a._stopped()  # recorded: the report is being made from it
    assert a.snapshot().setup.message == READY_RECORDED
    a.cancel_recording()
    a._finished = None
    assert a.snapshot().setup.message == READY_MESSAGE
    a.start_recording()
    hint = SetupCheck(False, "Move the camera back")
    for k in (1.0, 2.0):  # the setup turns when two windows agree
        a._publish(dataclasses.replace(_window(k, 170.0), setup=hint))
    assert a.snapshot().setup.message == "Move the camera back"


def test_a_verdict_does_not_blink_at_its_line():
    """A steady runner's cadence read 164 "worth a look", 168 "good", 167 "good" from one
    second to the next (review, 3 Dec): the shown verdict turns only once a reading is
    core.live.VERDICT_HYSTERESIS (2 steps/min) past the line at 165; the number is always
    the latest reading."""
    from core.live import VERDICT_HYSTERESIS

    assert VERDICT_HYSTERESIS["cadence"] == 2.0
    a = LiveAnalyzer()
    seen = []
    for k, cad in enumerate((168.0, 164.0, 163.5, 162.5, 166.0, 167.5, 164.0)):
        a._publish(_window(float(k), cad))
        n = _shown(a)
        seen.append((n.value, n.status))
    assert seen == [(168.0, "good"), (164.0, "good"), (163.5, "good"), (162.5, "watch"),
                    (166.0, "watch"), (167.5, "good"), (164.0, "good")]


def test_the_rough_tag_turns_only_when_two_windows_agree():
    """The "(rough)" tag came and went from one window to the next on a steady runner
    (review, 3 Dec): a number's confidence turns once two windows in a row read the new
    one; its value is always the latest reading, and the card says "rough" as shown."""
    from pages.live import number_card

    a = LiveAnalyzer()
    seen = []
    for k, conf in enumerate(("medium", "low", "medium", "low", "low", "low", "medium",
                              "high", "high")):
        a._publish(_window(float(k), 170.0 + k, confidence=conf))
        n = _shown(a)
        seen.append((n.value, n.confidence))
    assert seen == [(170.0, "medium"), (171.0, "medium"), (172.0, "medium"), (173.0, "medium"),
                    (174.0, "low"), (175.0, "low"), (176.0, "low"), (177.0, "low"),
                    (178.0, "high")]
    assert "(rough)" not in number_card(_shown(a))
    a._publish(_window(9.0, 180.0, confidence="low"))
    assert "(rough)" not in number_card(_shown(a))
    a._publish(_window(10.0, 181.0, confidence="low"))
    assert "Good (rough)" in number_card(_shown(a))
    # a first reading shows its own confidence at once
    b = LiveAnalyzer()
    b._publish(_window(0.0, 170.0, confidence="low"))
    assert _shown(b).confidence == "low"
