"""An optional sound track for the synthetic runner, with its truth.

Contract:
    SoundSpec: what the track holds -- a thump at each initial contact with a known level per
        foot (``left_db`` / ``right_db``: each thump's loudest 20 ms, RMS in dBFS, in the
        50-4000 Hz band the analysis listens to), the sound ``offset_s`` later than the picture
        (negative: earlier), a treadmill belt hum, or music only (no thumps), or silence.
    synth_sound(contacts, seconds, spec, rate) -> float32 mono samples
        ``contacts``: (time s, foot "L"/"R"); sample 0 is at the first video frame (t = 0).
    mux_sound(video, samples, rate): adds the samples to ``video`` as an AAC track (the video
        stream is copied, not re-encoded).
    write_wav(path, samples, rate): 16-bit PCM WAV (Chromium's fake microphone reads one).
    write_clip_with_sound(path, params, sound, **write_clip_kw) -> ClipInfo
        :func:`core.synthetic.render.write_clip`, then the sound muxed in and
        ``NAME_truth.json`` given a ``"sound"`` entry (levels per foot, their difference, the
        offset, the kind). ``render.py`` itself is not changed.
"""
from __future__ import annotations

import json
import os
import wave
from dataclasses import asdict, dataclass
from pathlib import Path

import av
import numpy as np
from scipy import signal

RATE = 48000
WIN_S = 0.020  # the level of a thump: its loudest 20 ms (as core.audio measures loudness)


@dataclass(frozen=True)
class SoundSpec:
    kind: str = "thumps"  # "thumps" (on a belt hum), "music" (music only), "silent"
    left_db: float = -18.0  # each left landing's loudest 20 ms, RMS dBFS
    right_db: float = -18.0
    offset_s: float = 0.0  # the sound comes this much later than the picture
    hum_db: float = -42.0  # belt hum + noise, RMS dBFS (thumps and hum)
    jitter_db: float = 0.5  # landing-to-landing variation (SD, dB; mean 0 per foot)
    seed: int = 0

    def truth(self) -> dict:
        d = asdict(self)
        d["diff_db"] = round(self.left_db - self.right_db, 3) if self.kind == "thumps" else None
        return d


def _band(x: np.ndarray, rate: int) -> np.ndarray:
    sos = signal.butter(4, [50, 4000], "bandpass", fs=rate, output="sos")
    return signal.sosfiltfilt(sos, x)


def _peak_rms_db(x: np.ndarray, rate: int) -> float:
    y = _band(np.r_[np.zeros(rate // 10), x, np.zeros(rate // 10)], rate)
    w = int(WIN_S * rate)
    p = np.convolve(y * y, np.ones(w) / w, mode="same")
    return float(10 * np.log10(p.max() + 1e-20))


def thump(rate: int = RATE, seed: int = 0) -> np.ndarray:
    """One landing: a damped low thud (90 Hz) and a short broadband slap, at 0 dBFS peak RMS."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(0.15 * rate)) / rate
    thud = np.sin(2 * np.pi * 90 * t) * np.exp(-t / 0.025)
    slap = rng.standard_normal(len(t)) * np.exp(-t / 0.008)
    sos = signal.butter(2, [200, 3000], "bandpass", fs=rate, output="sos")
    x = thud + 0.6 * signal.sosfilt(sos, slap)
    x *= np.minimum(1.0, t / 0.002)  # 2 ms attack, no click
    return x / 10 ** (_peak_rms_db(x, rate) / 20)


def _hum(n: int, rate: int, db: float, rng) -> np.ndarray:
    t = np.arange(n) / rate
    x = sum(a * np.sin(2 * np.pi * f * t + rng.uniform(0, 6.3))
            for f, a in ((100, 1.0), (200, 0.5), (300, 0.3), (47, 0.6)))
    noise = signal.lfilter([1], [1, -0.95], rng.standard_normal(n))  # a brownish rumble
    x = x / np.std(x) + 0.7 * noise / np.std(noise)
    return x / np.std(x) * 10 ** (db / 20)


def _music(n: int, rate: int, db: float, rng) -> np.ndarray:
    """A melody and chords (harmonic notes, changing every 0.15-0.6 s) over a kick at 124/min."""
    out = np.zeros(n)
    scale = 220 * 2 ** (np.array([0, 2, 4, 7, 9, 12, 14, 16, 19]) / 12)
    for voice, (lo, hi, amp) in enumerate(((0.15, 0.35, 1.0), (0.4, 0.8, 0.6), (0.6, 1.2, 0.5))):
        i = 0
        while i < n:
            d = int(rng.uniform(lo, hi) * rate)
            f0 = rng.choice(scale) / (2 ** voice if voice else 1)
            t = np.arange(min(d, n - i)) / rate
            env = np.minimum(1, t / 0.01) * np.exp(-t / (0.6 * d / rate))
            out[i:i + len(t)] += amp * env * sum(np.sin(2 * np.pi * f0 * h * t) / h
                                                for h in range(1, 5))
            i += d
    beat = int(rate * 60 / 124)
    kick = np.sin(2 * np.pi * 60 * np.arange(int(0.1 * rate)) / rate) * \
        np.exp(-np.arange(int(0.1 * rate)) / rate / 0.03)
    for i in range(0, n - len(kick), beat):
        out[i:i + len(kick)] += 0.8 * kick
    return out / np.std(out) * 10 ** (db / 20)


def synth_sound(contacts: list[tuple[float, str]], seconds: float, spec: SoundSpec,
                rate: int = RATE) -> np.ndarray:
    """The track of ``spec`` for a clip of ``seconds`` (see module docstring)."""
    rng = np.random.default_rng(spec.seed)
    n = int(round(seconds * rate))
    if spec.kind == "silent":
        return np.zeros(n, np.float32)
    if spec.kind == "music":
        return np.clip(_music(n, rate, -20.0, rng), -1, 1).astype(np.float32)
    x = _hum(n, rate, spec.hum_db, rng)
    th = thump(rate, spec.seed)
    jit = {f: rng.normal(0, spec.jitter_db, sum(1 for _, g in contacts if g == f)) for f in "LR"}
    for f in "LR":  # the jitter has mean 0 per foot: the per-foot level stays as specified
        if len(jit[f]) > 1:
            jit[f] -= jit[f].mean()
    k = {"L": 0, "R": 0}
    for t, f in contacts:
        db = (spec.left_db if f == "L" else spec.right_db) + jit[f][k[f]]
        k[f] += 1
        i = int(round((t + spec.offset_s) * rate))
        if i < 0 or i >= n:
            continue
        seg = th[: n - i] * 10 ** (db / 20)
        x[i:i + len(seg)] += seg
    return np.clip(x, -1, 1).astype(np.float32)


def mux_sound(video: str | Path, samples: np.ndarray, rate: int = RATE) -> None:
    """Add ``samples`` to ``video`` as an AAC track (video stream copied)."""
    video = Path(video)
    tmp = video.with_suffix(".sound.mp4")
    with av.open(str(video)) as src, av.open(str(tmp), "w") as dst:
        vin = src.streams.video[0]
        vout = dst.add_stream_from_template(vin)
        aout = dst.add_stream("aac", rate=rate, layout="mono")
        for pkt in src.demux(vin):
            if pkt.dts is None:
                continue
            pkt.stream = vout
            dst.mux(pkt)
        step = 1024
        for i in range(0, len(samples), step):
            fr = av.AudioFrame.from_ndarray(samples[None, i:i + step].astype(np.float32),
                                            format="flt", layout="mono")
            fr.rate, fr.pts = rate, i
            dst.mux(aout.encode(fr))
        dst.mux(aout.encode(None))
    os.replace(tmp, video)


def write_wav(path: str | Path, samples: np.ndarray, rate: int = RATE) -> Path:
    """16-bit PCM mono WAV."""
    path = Path(path)
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes((np.clip(samples, -1, 1) * 32767).astype("<i2").tobytes())
    return path


def write_clip_with_sound(path: str | Path, params, sound: SoundSpec, **kw):
    """Render with :func:`core.synthetic.render.write_clip`, then add the sound and its truth."""
    from .render import write_clip

    info = write_clip(path, params, **kw)
    truth = json.loads(Path(info.truth_json).read_text())
    contacts = [(e["t"], "L" if e["foot"] == "left" else "R") for e in truth["initial_contacts"]]
    seconds = truth["n_frames"] / truth["fps"]
    mux_sound(info.video, synth_sound(contacts, seconds, sound))
    truth["sound"] = sound.truth()
    Path(info.truth_json).write_text(json.dumps(truth, indent=1))
    return info


def write_sound_only_clip(path: str | Path, seconds: float,
                          samples: np.ndarray | None, rate: int = RATE) -> Path:
    """A tiny black-picture clip (64 x 64, 10 fps, ``seconds`` long) carrying ``samples`` as its
    sound track (None: no sound track), for testing the sound stage on its own."""
    path = Path(path)
    with av.open(str(path), "w") as c:
        s = c.add_stream("libx264", rate=10)
        s.width = s.height = 64
        s.pix_fmt = "yuv420p"
        for i in range(int(seconds * 10)):
            f = av.VideoFrame.from_ndarray(np.zeros((64, 64, 3), np.uint8), format="rgb24")
            f.pts = i
            c.mux(s.encode(f))
        c.mux(s.encode(None))
    if samples is not None:
        mux_sound(path, samples, rate)
    return path
