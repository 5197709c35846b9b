"""Coaching library: for each finding, why it matters, one cue and one drill with a dose.

Written in FormCheck's own words from the coaching source material in ``shared/seeds``
(themes: cadence and metronome work, landing under the hips, leaning from the ankles, hip
extension and glute work, pelvic control with glute medius strength, relaxed shoulders,
pendulum arms that stay out of the midline, head over the shoulders, soft and quiet landings). Plain language, one
idea per sentence; a training aid, never a diagnosis.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Advice:
    title: str
    why: str
    cue: str
    drill_name: str
    drill_how: str
    dose: str
    # a metronome drill's beats as shares above the runner's cadence (1.05: "+5 %"): with
    # the cadence measured, the drill says the numbers (fresh-eyes review: "5 % above your
    # current cadence" left the runner to work out 158 x 1.05)
    beats: tuple[float, ...] = ()

    def drill(self, cadence_spm: float | None = None, cadence_good: bool = False) -> dict[str, str]:
        """The drill's name, how (with the beats worked out from ``cadence_spm``) and dose.
        ``cadence_good``: the cadence was judged good, so a metronome drill says why it
        still asks for a quicker beat (the report praised the cadence beside two "+5 %"
        drills: review, 2 Dec)."""
        how = self.drill_how
        if self.beats and cadence_spm and 100 <= cadence_spm <= 250:
            beats = ", ".join(f"+{(b - 1) * 100:.0f} % is {cadence_spm * b:.0f}"
                              for b in self.beats)
            how += f" From your {cadence_spm:.0f} steps/min: {beats} beats per minute."
        if self.beats and cadence_good and min(self.beats) > 1:
            how += (" Your cadence is already in the good range: the quicker beat is a tool "
                    "to shorten each step for these runs, not a new cadence to keep.")
        return {"name": self.drill_name, "how": how, "dose": self.dose}


ADVICE: dict[str, Advice] = {
    "overstriding": Advice(
        "Land closer under your hips",
        "When the foot lands far in front of the body it acts like a brake on every step, and "
        "the knee and hip soak up a bigger jolt. Shorter, quicker steps put the foot down "
        "nearer your centre of mass.",
        "Quick, light steps: put each foot down just in front of your hips, not out ahead.",
        "Metronome run", "Set a metronome app 5 % above your current cadence and match your "
        "footfalls to the beat on an easy run. Keep your speed the same; let the steps get "
        "shorter.", "3 x 3 min within an easy run, twice a week, for 3 weeks",
        beats=(1.05,)),
    "low_cadence": Advice(
        "Take a few more steps per minute",
        "A slightly quicker rhythm shortens each step, which lowers the load on hips and knees "
        "(a 5-10 % rise is enough in studies).",
        "Think 'quick feet': the same pace, lighter and a little more often.",
        "Cadence ladder", "With a metronome, run 1 min at your current cadence, then 1 min at "
        "+3 %, then 1 min at +6 %. Return to easy running between sets.",
        "4 rounds, twice a week; raise the base by 2-3 % every two weeks",
        beats=(1.03, 1.06)),
    "high_cadence": Advice(
        "Let your stride open up a little",
        "A very quick rhythm with short steps can mean you are not using your hips to push "
        "the ground away.",
        "Push the ground back behind you and let the stride lengthen naturally.",
        "Strides", "On flat ground, build up over 80-100 m to a fast but relaxed pace, "
        "focusing on pushing back with each leg.", "6 x 80 m after an easy run, twice a week"),
    "stiff_landing": Advice(
        "Land with a softer knee",
        "A nearly straight knee at the moment the foot touches down passes the impact straight "
        "up the leg instead of letting the muscles absorb it.",
        "Land on a slightly bent knee, like stepping down from a low kerb.",
        "Pogo-to-run", "Do 20 small, springy two-footed hops, then run 30 m keeping that "
        "springy, soft-knee feeling.", "5 rounds in your warm-up"),
    "stiff_stance": Advice(
        "Let the knee give a little under you",
        "If the knee hardly bends while your weight passes over the foot, the leg works like "
        "a stiff post: the thigh muscles cannot store and return energy, and the shock of "
        "each step travels on to the hip and back.",
        "Sink softly as the body passes over the foot, then spring away.",
        "Bouncy skips", "Skip forward with small, springy hops, letting the knee flex a "
        "little each time the foot takes your weight and pushing off lightly.",
        "3 x 20 m in your warm-up, three times a week"),
    "deep_knee": Advice(
        "Stay taller over the landing leg",
        "Sinking into a deep knee bend on every step makes the thigh muscles hold you up "
        "instead of letting the leg spring you forward, and it often comes with a foot that "
        "lands ahead of the body.",
        "Run tall and light: spring off the ground rather than sitting into it.",
        "Ankle hops", "Hop on both feet with small, quick contacts on the balls of the feet, "
        "heels just brushing the floor and knees soft but never sinking.",
        "3 x 20 hops, 3 times a week before a run"),
    "long_contact": Advice(
        "Spend less time on the ground",
        "Long ground contact means less spring in each step and more work to hold your pace.",
        "Imagine the ground is hot: pick the foot up as soon as it lands.",
        "Fast-feet drill", "Quick, short steps in place or moving slowly forward, feet barely "
        "leaving the ground, arms relaxed.", "4 x 15 s with 45 s rest, in your warm-up"),
    "crossover": Advice(
        "Keep your feet on their own tracks",
        "Feet that land across the middle line can add a twist at the knee and hip on every "
        "step, and this pattern is often linked with overloading the outside of the leg.",
        "Run as if along two rails, one for each foot, a hand's width apart.",
        "Line running", "Run slowly along a painted line with one foot each side of it, never "
        "touching it.", "4 x 30 s at an easy pace, twice a week"),
    "wide_steps": Advice(
        "Bring your feet a little closer together",
        "Feet that land wide apart make the body rock from side to side, which spends energy "
        "moving you sideways instead of forward.",
        "Keep the two rails close: feet land just either side of a line under your body.",
        "Line running", "Run slowly along a painted line with each foot landing just beside "
        "it, close enough to brush it.", "4 x 30 s at an easy pace, twice a week"),
    "turnout": Advice(
        "Point your feet forward",
        "Feet that turn out often make up for stiff calves or ankles, and the push-off then "
        "leaks sideways.",
        "Toes pointing where you are going.",
        "Calf stretch and roll", "Lean into a wall with the back leg straight, heel down, for "
        "30 s, then bent knee for 30 s; roll the calves on a foam roller.",
        "2 rounds per leg, daily"),
    "waist_bend": Advice(
        "Lean from the ankles, not the waist",
        "Folding at the waist puts the hips behind you, shortens the push-off and loads the "
        "lower back.",
        "Run tall, hips forward: one straight line from ankles to head, tipping slightly as "
        "a whole.",
        "Wall lean drill", "Stand straight facing a wall, hands on it, and tip forward from "
        "the ankles as one plank. March in place holding that line, then run 20 m with it.",
        "3 x 20 s march + 20 m run, before easy runs"),
    "too_upright": Advice(
        "Add a slight forward lean",
        "Running bolt upright or leaning back makes it harder to land under your body.",
        "Let your whole body tip forward a little from the ankles, as if about to fall into "
        "a jog.", "Falling starts", "Stand tall, lean forward from the ankles until you must "
        "step, then run 20 m keeping that slight lean.", "6 repeats in your warm-up"),
    "too_much_lean": Advice(
        "Lift your chest a little",
        "A large forward lean means the legs must reach back to keep up and the lower back "
        "works harder.",
        "Run tall: imagine a string pulling the top of your head up.",
        "Tall running strides", "Run 60 m focusing on a long spine and eyes on the horizon.",
        "5 x 60 m, twice a week"),
    "weak_push_off": Advice(
        "Push back with your hips",
        "When the thigh barely swings behind you, the push-off tends to come from the calves "
        "and hip flexors rather than the powerful glute muscles.",
        "Push the ground away behind you; feel the glute squeeze as each leg leaves the "
        "ground.", "Single-leg glute bridge", "Lie on your back, one knee bent, the other "
        "leg straight up. Push through the heel to lift the hips, hold 2 s, lower slowly.",
        "3 x 10 per side, 3 times a week; add a hip-flexor stretch (30 s per side)"),
    "low_knee_drive": Advice(
        "Drive the knee forward",
        "A low knee lift makes for a shuffling stride that lands more in front of the body.",
        "Knee forward, not up: let the thigh swing through like a pendulum.",
        "A-skips", "Skip forward lifting one knee to hip height while the other foot taps "
        "down under the hips, arms swinging in rhythm.", "3 x 20 m in your warm-up"),
    "bounce": Advice(
        "Run forward, not up",
        "Too much bounce spends energy lifting the body instead of moving it forward.",
        "Keep your head at the same height; glide.",
        "Quick-step running", "Run with a metronome at +5 % cadence watching a point on the "
        "horizon: it should not bob.", "3 x 2 min within easy runs", beats=(1.05,)),
    "pelvic_drop": Advice(
        "Keep your hips level",
        "A hip that drops on the side of the swinging leg is often linked with the glute "
        "muscles of the standing leg not holding the pelvis level, which can load the knee "
        "and hip.",
        "Run with your belt level, like carrying a tray on your hips.",
        "Side plank with leg lift", "Lie on your side on an elbow, lift the hips into a "
        "straight line and raise the top leg a little; hold. Add clamshells with a band.",
        "3 x 20-30 s per side plus 2 x 15 clamshells, 3 times a week"),
    "sway": Advice(
        "Steady your upper body",
        "Swaying side to side wastes energy sideways and is often paired with weak hips.",
        "Chest facing forward, moving straight down the track.",
        "Bird-dog", "On hands and knees, reach one arm forward and the opposite leg back "
        "without letting the hips tilt; return slowly.", "3 x 10 per side, 3 times a week"),
    "rotation": Advice(
        "Less twist through the trunk",
        "Twisting the trunk drains power and often goes with arms swinging across the body.",
        "Shoulders square to the direction you run.",
        "Pallof press", "Hold a band anchored to your side at chest height, press it straight "
        "out and back without letting the trunk turn.", "3 x 10 per side, twice a week"),
    "bent_elbows": Advice(
        "Open your elbows a little",
        "Tightly clenched arms tense the shoulders and cut the swing short.",
        "Elbows about a right angle; hands loose, as if holding crisps without crushing "
        "them.", "Arm-swing drill", "Stand in a split stance and swing the arms from the "
        "shoulders at running rhythm, elbows near 90 degrees, hands passing the hips.",
        "3 x 30 s before runs"),
    "straight_arms": Advice(
        "Bend your elbows more",
        "Straight arms make a long, slow pendulum that fights a quick leg rhythm.",
        "Elbows at about a right angle, hands passing your hips.",
        "Arm-swing drill", "Stand in a split stance and swing the arms from the shoulders at "
        "running rhythm, elbows near 90 degrees, hands brushing the hips.",
        "3 x 30 s before runs, then 2 x 1 min while running"),
    "arm_swing": Advice(
        "Swing your arms forward and back",
        "Arms that swing only in front, or hardly at all, don't balance the legs, so the "
        "trunk twists instead.",
        "Elbows drive back; hands pass your hips like pendulums.",
        "Seated arm swings", "Sit tall on the floor, legs straight, and swing the arms fast "
        "from the shoulders: hips should not bounce.", "3 x 20 s"),
    "arm_crossover": Advice(
        "Keep your hands out of the middle",
        "Arms that cross the middle of the body twist the trunk on every stride.",
        "Hands swing forward and back on their own side, never crossing the zip of your top.",
        "Mirror arm swings", "In front of a mirror, swing the arms at running rhythm keeping "
        "each hand on its own side of the body.", "3 x 30 s before runs"),
    "shrug": Advice(
        "Drop your shoulders",
        "Shoulders creeping up to the ears tense the neck and upper back and make the whole "
        "stride feel heavier.",
        "Shoulders down and back; every few minutes shake the hands loose.",
        "Shoulder rolls on the run", "While running, roll the shoulders back and down three "
        "times, then let the arms hang loose for a few strides.",
        "every 5 min during easy runs"),
    "shoulder_level": Advice(
        "Level your shoulders",
        "One shoulder held lower than the other often means a one-sided arm swing or trunk "
        "lean.", "Both shoulders relaxed and level; arms swinging the same.",
        "Mirror check", "Run on a treadmill facing a mirror, or film from the front, and even "
        "out the arm swing.", "2 x 2 min"),
    "head_forward": Advice(
        "Head over your shoulders",
        "A head poking forward or looking at the feet pulls the upper back into a hunch.",
        "Eyes on the ground 10-20 m ahead, chin level.",
        "Chin tucks", "Stand against a wall and draw the chin straight back, making a double "
        "chin, without tipping the head; hold 3 s.", "2 x 10, daily"),
    "loud_landing": Advice(
        "Land softly, and evenly on both feet",
        "A loud landing is a hard one: more of the jolt travels up the leg instead of being "
        "caught by the muscles. When one foot sounds louder than the other, that leg is taking "
        "the harder hits. Your own ears are the feedback, on a treadmill more than anywhere.",
        "Quiet feet: listen to every landing and make the next one quieter, left as quiet as "
        "right.",
        "Quiet-feet strides and soft hops", "Hop on the spot on both feet, then on one, "
        "landing as quietly as you can; then hop forward, back and sideways the same way. "
        "Finish with short easy strides where the only goal is silent feet. Start the one-leg "
        "sets with the louder side.",
        "2 x 20 two-foot hops and 2 x 10 per leg, then 4 x 60 m quiet strides; 3 times a week"),
}

STRENGTHS: dict[str, str] = {
    "cadence": "Your cadence is in the range most efficient runners use.",
    "overstride": "Your feet land close under your hips.",
    "trunk_lean": "You lean forward just the right amount.",
    "elbow_angle": "Your elbows are bent about right.",
    "vertical_oscillation": "You move forward without wasted bounce.",
    "step_width": "Your feet land on their own tracks.",
    "contact_time": "You spend little time on the ground.",
    "arm_swing": "Your arms swing forward and back evenly.",
    "arm_crossover": "Your arms stay on their own side.",
}

# The same, as a share link's reader sees them ("What's working for the runner" over "Your
# cadence is ...": review, 3 Dec). Stored reports keep the runner's own sentence
# (``Findings.strengths``); :func:`strength_for_reader` turns one for the reader.
STRENGTHS_THIRD_PERSON: dict[str, str] = {
    "cadence": "Their cadence is in the range most efficient runners use.",
    "overstride": "Their feet land close under their hips.",
    "trunk_lean": "They lean forward just the right amount.",
    "elbow_angle": "Their elbows are bent about right.",
    "vertical_oscillation": "They move forward without wasted bounce.",
    "step_width": "Their feet land on their own tracks.",
    "contact_time": "They spend little time on the ground.",
    "arm_swing": "Their arms swing forward and back evenly.",
    "arm_crossover": "Their arms stay on their own side.",
}
_STRENGTH_IDS = {sentence: mid for mid, sentence in STRENGTHS.items()}


def strength_for_reader(sentence: str) -> str:
    """A stored strength sentence as a share link's reader reads it (third person); a
    sentence this version does not know is returned as stored."""
    mid = _STRENGTH_IDS.get(sentence)
    return STRENGTHS_THIRD_PERSON.get(mid, sentence) if mid else sentence
