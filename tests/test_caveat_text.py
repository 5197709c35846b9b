"""Caveat sentences said on many metric cards of a tab are said once above them
(ui.text.shared_sentences / without)."""
from ui.text import sentences, shared_sentences, without

YAW = "The camera is about 19° from square to the running direction, so lengths read short."
FAR = ("Left and right are not compared: the far (right) leg is partly hidden from the "
       "camera, so its own value is not reliable.")


def test_sentences_split_on_their_ends_only():
    assert sentences("Median over 12 strides (3.5 s). Read on the left leg.  ") == [
        "Median over 12 strides (3.5 s).", "Read on the left leg."]
    assert sentences("") == []
    assert sentences('Angle 1.5 deg. "Quoted" next.') == ["Angle 1.5 deg.", '"Quoted" next.']


def test_a_sentence_on_three_cards_is_said_once_and_left_out_of_each():
    caveats = [f"Knee at contact. {YAW} {FAR}", f"Deepest bend. {FAR} {YAW}",
               f"Overstride at contact. {YAW} {FAR}", f"Contact time. {FAR}", "Cadence only."]
    said = shared_sentences(caveats)
    assert said == [YAW, FAR]  # in the order first seen; YAW is on 3 cards, FAR on 4
    assert [without(c, said) for c in caveats] == [
        "Knee at contact.", "Deepest bend.", "Overstride at contact.", "Contact time.",
        "Cadence only."]
    # on two cards only: each keeps it
    assert shared_sentences(caveats[:2]) == []
    assert shared_sentences([f"{YAW} {YAW}", YAW, "x"]) == []  # one card saying it twice is one
