"""Landing sound accuracy on synthetic sound tracks: ``python bench/sound.py [--out bench/sound.md]``.

Thumps at the exact contacts of the synthetic runner (good form, 178 steps/min, 8 s), left
and right at a known level difference, on a belt hum, the sound early or late against the
picture; written as AAC into an mp4 and decoded back (PyAV), then :func:`core.audio.analyse_landings`.
Prints the measured left/right difference and offset beside the truth, and what the music-only
and silent tracks say.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


from core import audio as A  # noqa: E402
from core.synthetic import PRESETS, simulate  # noqa: E402
from core.synthetic.audio import SoundSpec, synth_sound, write_sound_only_clip  # noqa: E402

SECONDS = 8.0


def _clip(path: Path, spec: SoundSpec, contacts) -> Path:
    return write_sound_only_clip(path, SECONDS, synth_sound(contacts, SECONDS, spec))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out")
    args = ap.parse_args()
    motion = simulate(PRESETS["good"].params, 30.0, SECONDS)
    contacts = [(e.t, e.side.upper()) for e in motion.contacts("ic")]
    cad = motion.truth["cadence_spm"]
    rows = ["| truth L-R (dB) | truth offset (ms) | measured L-R (dB) | error (dB) | "
            "measured offset (ms) | landings | rhythm (/min) |", "|---|---|---|---|---|---|---|"]
    errs = []
    with tempfile.TemporaryDirectory() as tmp:
        for k, diff in enumerate((0.0, 4.0, 8.0)):
            for j, off in enumerate((-0.1, -0.05, 0.0, 0.05, 0.1)):
                spec = SoundSpec(left_db=-16.0 - diff, right_db=-16.0, offset_s=off,
                                 seed=10 * k + j)
                a = A.decode_audio(_clip(Path(tmp) / f"c{k}{j}.mp4", spec, contacts))
                r = A.analyse_landings(a, contacts, cad)
                truth = spec.left_db - spec.right_db
                err = r.diff_db - truth
                errs.append(abs(err))
                rows.append(f"| {truth:+.0f} | {off * 1000:+.0f} | {r.diff_db:+.2f} | "
                            f"{err:+.2f} | {r.offset_s * 1000:+.0f} | {len(r.landings)} | "
                            f"{r.rhythm_spm:.0f} |")
        other = []
        for kind in ("music", "silent"):
            a = A.decode_audio(_clip(Path(tmp) / f"{kind}.mp4", SoundSpec(kind=kind), contacts))
            r = A.analyse_landings(a, contacts, cad)
            other.append(f"- {kind}: not measured: \"{r.reason}\"")
    md = "\n".join([
        "# Landing sound on synthetic sound tracks", "",
        "`python bench/sound.py --out bench/sound.md`: thumps at the exact contacts of the "
        f"synthetic runner ({cad:.0f} steps/min, {SECONDS:.0f} s), through AAC and back.", "",
        *rows, "", f"Largest error: {max(errs):.2f} dB over {len(errs)} tracks.", "", *other, ""])
    print(md)
    if args.out:
        Path(args.out).write_text(md, encoding="utf-8")


if __name__ == "__main__":
    main()
