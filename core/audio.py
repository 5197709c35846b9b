"""Stage: the clip's sound -- how loud each landing is, left and right.

Contract:
    decode_audio(path, max_seconds=60.0, time_scale=1.0) -> AudioTrack | None
        PyAV decode of the first audio stream, mixed to mono float32 and resampled to
        :data:`RATE` Hz (``av.AudioResampler``); ``t0`` puts its first sample on the video's
        timeline (seconds from the first video frame). ``None``: the clip has no sound track
        (or it cannot be decoded). Never raises for a clip that has a video stream.
    envelope(audio) -> Envelope
        band-pass 50-4000 Hz (SciPy Butterworth, zero phase), short-time RMS in dB
        (20 ms windows every 5 ms), the onset strength (loudness above its running median),
        spectral flux and flatness, and moving tones (narrow spectral peaks outside the clip's
        steady spectrum: music and voices, not a belt's hum).
    analyse_landings(audio, contacts, cadence_spm) -> SoundResult
        ``contacts``: (time on the video timeline, foot "L"/"R") of each initial contact.
        Checks that the landings can be heard (a sound track, not silent, not mostly music or
        voices, an onset rhythm at the step rate), estimates the audio/video offset by
        cross-correlating the onset envelope with the contact train (+-250 ms), then reads each
        landing's loudness in dB above the clip's background near its contact, per side, with
        their difference, the spread and the loud outliers. ``SoundResult.measured`` is False
        with the true reason in ``reason`` when the landings cannot be heard.

    landings_by_stride(audio, t, left_ahead, contacts=None) -> SoundResult
        the live meter at any analysed frame rate: landing times from the sound's onsets,
        the foot from the picture (a sinusoid at the stride rate fitted to the feet's lead;
        with the picture's contacts - the live window's, or a report's at under 20 fps - the
        foot by their mean phase in that stride less the sound's lag read from it; without,
        the foot ahead at the sound's moment).
    LiveEar                                   the live microphone (see the class)

A live stream's ``AudioTrack`` has ``clock_known``: its place on the camera's timeline comes
from both tracks' own clocks, so the offset is searched only within
+-:data:`LIVE_OFFSET_SEARCH_S` (under half a step: the sides can never swap).

Absolute levels depend on the phone, its distance, the floor and the shoes; only what one clip
can compare with itself is judged (left against right, a landing against the others).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from scipy import ndimage, signal, stats

RATE = 16000  # Hz, the analysis sample rate
BAND_HZ = (50.0, 4000.0)  # footfall thumps and slaps; below: belt rumble and handling
HOP_S = 0.005  # envelope step (200 Hz)
WIN_S = 0.020  # RMS window
FFT_N = 512  # spectral flux / flatness window (32 ms at 16 kHz)
BACKGROUND_PCT = 20  # the background level: this percentile of the short-time RMS (dB)
ONSET_MEDIAN_S = 0.4  # onset strength: loudness above its running median over this window
OFFSET_SEARCH_S = 0.25  # audio/video offset searched within +-this
LIVE_OFFSET_SEARCH_S = 0.1  # ... when both tracks' clocks are known (a live stream): under
# half a step at any cadence up to 260 steps/min, so a landing can never be paired with the
# other foot's sound
STRIDE_FIT_R2 = 0.7  # live meter: the feet's swing must follow the sound's rhythm this well
CONTACTS_AGREE = 0.5  # a report's contacts name feet by their mean stride phase only when
# they agree on it (the mean resultant length of their phases; 1: all at one phase)
LAG_MARGIN_S = 0.02  # a lag read from the contacts' stride phase counts only this far (plus
# two standard errors) inside half a step: the picture's contacts are found a median 0.1-0.5
# frame (to 18 ms) off the truth at 30 fps on the renders (bench/contacts.md)
CLEAR_LEAD = 0.3  # live meter: a landing's foot is clear where the fitted lead is at least
# this share of its amplitude (more than 17 degrees of phase from the feet passing)
LIVE_SPECTRAL_STEP = 4  # live meter: spectral features every 20 ms (see envelope)
MAX_SWAP_SHARE = 0.2  # live meter: at most this share of frames is taken as a left/right swap
MIN_ONSET_DB = 1.0  # live meter: a landing's onset stands at least this far above its median
MIN_STEP_S = 0.2  # live meter: onsets closer than this are one landing (300 steps/min)
RIVAL_SHARE = 0.5  # live: the step-rate line counts when at least this share of the strongest
# rhythm's power (a belt's beat can put a sideband a little above it in a few seconds)
LANDING_WIN_S = (-0.04, 0.08)  # a landing's peak is read in this window around its contact
SILENT_DBFS = -65.0  # whole-clip RMS below this: silent
MIN_RANGE_DB = 2.0  # loud moments (95th pct) must stand this far above the background
# (a treadmill's landings: 3-5 dB over the belt in mhuang_IMG_5396)
RHYTHM_BAND_SPM = (70.0, 260.0)  # onset rhythm searched here (strides and steps)
RHYTHM_TOL = 0.06  # the onset rhythm must peak within 6 % of the step (or stride) rate
MIN_RHYTHM_SALIENCE = 8.0  # its power / median power of the rhythm band
MIN_FOOTFALL_SHARE = 1.6  # onset strength at contacts / elsewhere, once aligned
TONE_N = 1024  # moving-tone analysis window (64 ms: resolves a voice's harmonics)
TONE_HZ = (150.0, 2000.0)
TONE_PEAK_DB = 10.0  # a tonal peak: this far above its spectral neighbourhood
MIN_TONES = 3  # a step with this many such peaks holds music or a voice
MUSIC_SHARE = 0.2  # music or voices: this share of the louder steps holds moving tones.
# Measured: synthetic thumps on a belt hum 0.01, treadmill mhuang_IMG_5396 0.08, talking in
# jacky_run_inplace_front 0.31, synthetic music 1.0
MIN_LANDINGS = 6
OUTLIER_DB = 6.0  # a landing this much louder than the median landing (or 3 robust SDs) is loud
ENVELOPE_HZ = 50  # evidence envelope kept at this rate (max over each step)


@dataclass(frozen=True)
class AudioTrack:
    """Mono sound, float32 in [-1, 1] at ``rate`` Hz; sample 0 is at ``t0`` seconds on the
    video's timeline (0 = the first video frame)."""

    samples: np.ndarray
    rate: int = RATE
    t0: float = 0.0
    clock_known: bool = False  # t0 comes from both tracks' own clocks (a live stream): the
    # offset is searched only within +-LIVE_OFFSET_SEARCH_S

    @property
    def duration(self) -> float:
        return len(self.samples) / self.rate


@dataclass(frozen=True)
class Envelope:
    """Per-step features every :data:`HOP_S` seconds; ``t`` on the audio's own clock
    (add ``AudioTrack.t0`` for the video timeline)."""

    t: np.ndarray
    rms_db: np.ndarray  # band-passed short-time RMS, dBFS
    flux: np.ndarray  # spectral flux (>= 0)
    onset: np.ndarray  # onset strength: loudness above its running median (dB, >= 0)
    flatness: np.ndarray  # spectral flatness 0..1 (low: tonal)
    tones: np.ndarray  # moving tonal peaks per step (music, voices; a steady hum excluded)

    @property
    def rate(self) -> float:
        return 1.0 / HOP_S


@dataclass(frozen=True)
class Landing:
    t: float  # contact time (video timeline, s)
    foot: str  # "L" / "R"
    level_db: float  # peak loudness above the background, dB
    loud: bool = False  # a loud outlier


@dataclass
class SoundResult:
    """What the sound says about the landings (``measured`` False: ``reason`` says why)."""

    measured: bool
    reason: str = ""
    kind: str = ""  # "footfalls", "none", "silent", "music", "no_rhythm", "few"
    background_dbfs: float | None = None
    offset_s: float | None = None  # audio later than the video by this (s)
    offset_score: float | None = None  # correlation at the chosen lag / mean over the search
    rhythm_spm: float | None = None  # the onset envelope's strongest rhythm
    rhythm_salience: float | None = None
    footfall_share: float | None = None
    flatness: float | None = None
    tone_share: float | None = None  # share of the louder moments holding music or a voice
    landings: list[Landing] = field(default_factory=list)
    left_db: float | None = None
    right_db: float | None = None
    diff_db: float | None = None  # left - right
    spread_db: float | None = None  # IQR of all landings
    envelope_t: list[float] = field(default_factory=list)  # video timeline, ENVELOPE_HZ
    envelope_db: list[float] = field(default_factory=list)  # above background

    @property
    def n_loud(self) -> int:
        return sum(1 for x in self.landings if x.loud)


# ----------------------------------------------------------------------------- decode
def decode_audio(path: str | Path, max_seconds: float = 60.0,
                 time_scale: float = 1.0) -> AudioTrack | None:
    """The clip's first sound track as mono float32 at :data:`RATE` Hz (None: no sound)."""
    import av

    try:
        with av.open(str(path)) as c:
            astreams = [s for s in c.streams if s.type == "audio"]
            if not astreams:
                return None
            a = astreams[0]
            v0 = 0.0
            if c.streams.video and c.streams.video[0].start_time is not None:
                vs = c.streams.video[0]
                v0 = float(vs.start_time * vs.time_base)
            res = av.AudioResampler(format="flt", layout="mono", rate=RATE)
            chunks: list[np.ndarray] = []
            first_t = None
            n = 0
            limit = int((max_seconds / max(time_scale, 1e-6) + 1) * RATE)
            for frame in c.decode(a):
                if first_t is None and frame.pts is not None:
                    first_t = float(frame.pts * frame.time_base)
                for out in res.resample(frame):
                    arr = out.to_ndarray().reshape(-1).astype(np.float32)
                    chunks.append(arr)
                    n += len(arr)
                if n >= limit:
                    break
            for out in res.resample(None):
                chunks.append(out.to_ndarray().reshape(-1).astype(np.float32))
    except Exception:  # damaged or unsupported sound: treated as no sound track
        return None
    if not chunks:
        return None
    x = np.concatenate(chunks)[:limit]
    if len(x) < RATE // 2:
        return None
    return AudioTrack(x, RATE, ((first_t or 0.0) - v0) * time_scale)


# ----------------------------------------------------------------------------- features
def envelope(audio: AudioTrack, spectral_step: int = 1) -> Envelope:
    """Band-passed loudness, onset strength and spectral shape (see module docstring).
    ``spectral_step``: the spectral features (flux, flatness, moving tones) are computed every
    this many steps and held in between (the live meter: 4, i.e. every 20 ms, a quarter of
    the cost; loudness and onsets keep every step)."""
    fs = audio.rate
    sos = signal.butter(4, [BAND_HZ[0], min(BAND_HZ[1], 0.45 * fs)], "bandpass", fs=fs,
                        output="sos")
    y = signal.sosfiltfilt(sos, audio.samples.astype(np.float64))
    hop = int(round(HOP_S * fs))
    win = int(round(WIN_S * fs))
    # short-time RMS: a moving mean of y^2 sampled every hop, centred
    # (overlap-add: the same numbers as np.convolve, to 1e-15, in a third of the time)
    power = np.maximum(signal.oaconvolve(y * y, np.ones(win) / win, mode="same")[::hop], 0.0)
    rms_db = 10 * np.log10(power + 1e-12)
    shop = hop * max(1, int(spectral_step))
    f, _, Z = signal.stft(y, fs=fs, nperseg=FFT_N, noverlap=FFT_N - shop, boundary="even",
                          padded=True)
    Z = np.repeat(Z, shop // hop, axis=1) if shop > hop else Z
    keep = (f >= BAND_HZ[0]) & (f <= BAND_HZ[1])
    mag = np.abs(Z[keep])
    n = min(len(rms_db), mag.shape[1])
    mag = mag[:, :n]
    logm = np.log1p(1000 * mag / (mag.max() + 1e-12))
    flux = np.r_[0.0, np.maximum(np.diff(logm, axis=1), 0).sum(axis=0)] if n > 1 else \
        np.zeros(n)
    pw = mag ** 2 + 1e-20
    flatness = stats.gmean(pw, axis=0) / pw.mean(axis=0)
    # moving tones (music, voices): narrow spectral peaks that stand out of the clip's own
    # steady spectrum (a belt's hum is removed with it), 150-2000 Hz, 1024-point frames
    f2, _, Z2 = signal.stft(y, fs=fs, nperseg=TONE_N, noverlap=TONE_N - shop,
                            boundary="even", padded=True)
    sel = (f2 >= TONE_HZ[0]) & (f2 <= TONE_HZ[1])
    P = 10 * np.log10(np.abs(Z2[sel, :n]) ** 2 + 1e-12)
    r = P - np.median(P, axis=1, keepdims=True)
    peaks = r - ndimage.median_filter(r, size=(11, 1), mode="nearest")
    tones = (peaks > TONE_PEAK_DB).sum(axis=0)
    tones = np.repeat(tones, shop // hop) if shop > hop else tones
    tones = np.r_[tones, np.zeros(max(0, n - len(tones)), int)][:n]
    base = ndimage.median_filter(rms_db[:n], size=int(ONSET_MEDIAN_S / HOP_S) | 1, mode="nearest")
    onset = np.maximum(rms_db[:n] - base, 0.0)
    return Envelope(np.arange(n) * HOP_S, rms_db[:n], flux, onset, flatness[:n], tones)


def rhythm(flux: np.ndarray, rate: float) -> tuple[float | None, float, np.ndarray, np.ndarray]:
    """Strongest periodicity of the onset envelope in :data:`RHYTHM_BAND_SPM`: (per minute,
    salience = its power / the band's median power, frequencies per minute, power)."""
    if len(flux) < rate * 2:
        return None, 0.0, np.array([]), np.array([])
    f, p = signal.periodogram(flux - flux.mean(), fs=rate, window="hann",
                              nfft=max(len(flux), int(rate * 60)))
    spm = f * 60
    band = (spm >= RHYTHM_BAND_SPM[0]) & (spm <= RHYTHM_BAND_SPM[1])
    if not band.any() or p[band].max() <= 0:
        return None, 0.0, spm[band], p[band]
    k = np.argmax(p[band])
    return float(spm[band][k]), float(p[band][k] / (np.median(p[band]) + 1e-20)), spm[band], p[band]


def _power_near(spm: np.ndarray, p: np.ndarray, target: float) -> float:
    near = np.abs(spm - target) <= RHYTHM_TOL * target
    return float(p[near].max()) if near.any() else 0.0


def _train(t_grid: np.ndarray, times: np.ndarray, sigma: float = 0.015) -> np.ndarray:
    """A Gaussian pulse at each contact time on ``t_grid``."""
    out = np.zeros_like(t_grid)
    for t in times:
        lo, hi = np.searchsorted(t_grid, [t - 4 * sigma, t + 4 * sigma])
        out[lo:hi] += np.exp(-0.5 * ((t_grid[lo:hi] - t) / sigma) ** 2)
    return out


def estimate_offset(env: Envelope, t0: float, contact_t: np.ndarray,
                    search_s: float = OFFSET_SEARCH_S) -> tuple[float, float]:
    """Audio/video offset (s; positive: the sound comes later than the picture) that best lines
    the onset envelope up with the contact train, within +-``search_s``, and its
    score (correlation at that lag over the mean correlation of the search)."""
    tv = env.t + t0  # envelope on the video timeline
    o = env.onset - np.mean(env.onset)
    train = _train(tv, contact_t)
    max_lag = int(round(search_s / HOP_S))
    # c[k] = sum o[i + k] * train[i]: the sound k steps after the contact
    full = signal.correlate(o, train, mode="full", method="fft")
    mid = len(train) - 1
    c = full[mid - max_lag: mid + max_lag + 1]
    k = int(np.argmax(c))
    # sub-step refinement (parabola through the peak)
    frac = 0.0
    if 0 < k < len(c) - 1:
        den = c[k - 1] - 2 * c[k] + c[k + 1]
        frac = 0.5 * (c[k - 1] - c[k + 1]) / den if den < 0 else 0.0
    score = float(c[k] / (np.mean(np.abs(c)) + 1e-12))
    return (k - max_lag + frac) * HOP_S, score


def tone_share(env: Envelope, where: np.ndarray) -> float:
    """Share of the louder steps (above the 10th percentile) in ``where`` holding moving
    tones (:data:`MIN_TONES` or more tonal peaks): music or voices."""
    loud = where & (env.rms_db > np.percentile(env.rms_db[where], 10)) if where.any() else where
    return float(np.mean(env.tones[loud] >= MIN_TONES)) if loud.any() else 0.0


# ----------------------------------------------------------------------------- the analysis
def analyse_landings(audio: AudioTrack | None, contacts: list[tuple[float, str]],
                     cadence_spm: float | None, env: Envelope | None = None) -> SoundResult:
    """Per-landing loudness from the clip's sound, or why it cannot be heard (module doc).
    ``env``: the sound's :func:`envelope` when the caller has it already."""
    if audio is None:
        return SoundResult(False, "This clip has no sound track, so we can't hear your "
                                  "landings.", "none")
    x = audio.samples
    total_dbfs = 10 * np.log10(float(np.mean(x.astype(np.float64) ** 2)) + 1e-12)
    if total_dbfs < SILENT_DBFS:
        return SoundResult(False, "The sound track is silent, so we can't hear your landings "
                                  "(was the microphone muted?).", "silent",
                           background_dbfs=round(total_dbfs, 1))
    if len(contacts) < MIN_LANDINGS:
        return SoundResult(False, f"Only {len(contacts)} foot contacts were found; at least "
                                  f"{MIN_LANDINGS} are needed to compare landings.", "few")
    env = env if env is not None else envelope(audio)
    bg = float(np.percentile(env.rms_db, BACKGROUND_PCT))
    loud_range = float(np.percentile(env.rms_db, 95)) - bg
    quiet = env.rms_db <= np.percentile(env.rms_db, 50)
    flat = float(np.median(env.flatness[quiet])) if quiet.any() else None
    res = SoundResult(False, background_dbfs=round(bg, 1), flatness=flat)
    if loud_range < MIN_RANGE_DB:
        res.kind = "no_rhythm"
        res.reason = ("We can't hear your landings: the sound is a steady noise with no "
                      f"footfalls standing out (the loudest moments are {loud_range:.0f} dB "
                      "above the background).")
        return res
    ct = np.array([t for t, _ in contacts], float)
    feet = [f for _, f in contacts]
    tv0 = env.t + audio.t0  # the envelope on the video timeline (before the offset)
    span = (tv0 >= ct.min() - 0.3) & (tv0 <= ct.max() + 0.3)  # the running the video saw
    if span.sum() < 2 * env.rate:
        res.kind = "few"
        res.reason = "The sound track does not cover the running the video shows."
        return res
    res.rhythm_spm, res.rhythm_salience, spm, p = rhythm(env.onset[span], env.rate)
    off, score = estimate_offset(env, audio.t0, ct, LIVE_OFFSET_SEARCH_S if audio.clock_known
                                 else OFFSET_SEARCH_S)
    res.offset_s, res.offset_score = round(off, 4), round(score, 2)
    # onset strength in the contacts' windows against elsewhere, once lined up
    tv = tv0 - off
    near = np.zeros(len(tv), bool)
    for t in ct:
        near |= (tv >= t - 0.05) & (tv <= t + 0.05)
    other = span & ~near
    res.footfall_share = round(float(np.mean(env.onset[near]) /
                                     (np.mean(env.onset[other]) + 1e-12)), 2) \
        if near.any() and other.any() else 0.0
    step = cadence_spm
    in_step = bool(step) and res.rhythm_spm is not None and any(
        abs(res.rhythm_spm - r) <= RHYTHM_TOL * r for r in (step, step / 2))
    if audio.clock_known and step and res.rhythm_spm is not None and not in_step and len(p):
        # live windows are a few seconds long: a rival line (e.g. a sideband of the belt's
        # beat) can be a little stronger than the footfalls' own, which count when at least
        # RIVAL_SHARE of it (clips keep the plain rule their bench measured)
        best = max((step, step / 2), key=lambda x: _power_near(spm, p, x))
        near = np.abs(spm - best) <= RHYTHM_TOL * best
        if near.any() and p[near].max() >= RIVAL_SHARE * p.max():
            k = np.flatnonzero(near)[np.argmax(p[near])]
            res.rhythm_spm = float(spm[k])
            res.rhythm_salience = float(p[k] / (np.median(p) + 1e-20))
            in_step = True
    heard = in_step and res.rhythm_salience >= MIN_RHYTHM_SALIENCE and \
        res.footfall_share >= MIN_FOOTFALL_SHARE
    res.tone_share = round(tone_share(env, span), 3)
    if res.tone_share >= MUSIC_SHARE and not (heard and res.footfall_share >= 2 * MIN_FOOTFALL_SHARE):
        res.kind = "music"
        res.reason = ("We can't hear your landings: the sound is mostly music or voices, which "
                      "cover the footfalls." if res.tone_share >= 0.5 else
                      "We can't hear your landings: music or voices cover the footfalls for "
                      f"{res.tone_share:.0%} of the running.")
        return res
    at_edge = abs(off) >= LIVE_OFFSET_SEARCH_S - HOP_S  # the best line-up is outside the search
    if in_step and res.rhythm_salience >= MIN_RHYTHM_SALIENCE and audio.clock_known:
        if not heard or at_edge:  # the rhythm is right, but the known clocks put it off the
            # landings: never line them up with the other foot's sound instead
            res.kind = "no_rhythm"
            res.reason = ("We can't pair your landings with their sound: the footfalls are "
                          "heard at your step rate but do not line up with the landings in "
                          "the picture (the camera and microphone are out of step).")
            return res
    if not heard:
        res.kind = "no_rhythm"
        what = (f"the sound's strongest rhythm is {res.rhythm_spm:.0f} per minute"
                if res.rhythm_spm else "the sound has no clear rhythm")
        res.reason = ("We can't hear your landings: no footfall rhythm in the sound matches "
                      f"your {step:.0f} steps per minute ({what})." if step else
                      "We can't hear your landings: no footfall rhythm in the sound.")
        return res
    # each landing: the loudest moment near its contact, above the background
    levels = []
    for t in ct:
        w = (tv >= t + LANDING_WIN_S[0]) & (tv <= t + LANDING_WIN_S[1])
        levels.append(float(env.rms_db[w].max() - bg) if w.any() else np.nan)
    lv = np.array(levels)
    ok = np.isfinite(lv)
    if ok.sum() < MIN_LANDINGS:
        res.kind = "few"
        res.reason = "Too few landings fall inside the sound track to compare them."
        return res
    med = float(np.median(lv[ok]))
    mad = float(stats.median_abs_deviation(lv[ok], scale="normal"))
    loud = lv > med + max(OUTLIER_DB, 3 * mad)
    res.landings = [Landing(round(float(t), 4), f, round(float(v), 2), bool(ld))
                    for t, f, v, ld, k in zip(ct, feet, lv, loud, ok) if k]
    by = {s: [x.level_db for x in res.landings if x.foot == s] for s in "LR"}
    res.left_db = float(np.median(by["L"])) if len(by["L"]) >= 2 else None
    res.right_db = float(np.median(by["R"])) if len(by["R"]) >= 2 else None
    if res.left_db is not None and res.right_db is not None:
        res.diff_db = res.left_db - res.right_db
    q1, q3 = np.percentile(lv[ok], [25, 75])
    res.spread_db = float(q3 - q1)
    # the evidence envelope: max over 1/ENVELOPE_HZ steps, on the video timeline, above bg
    m = int(round(env.rate / ENVELOPE_HZ))
    n = len(env.rms_db) // m * m
    pooled = env.rms_db[:n].reshape(-1, m).max(axis=1) - bg
    res.envelope_t = [round(float(t), 3) for t in (env.t[:n:m] + audio.t0 - off)]
    res.envelope_db = [round(float(v), 1) for v in pooled]
    res.measured, res.kind = True, "footfalls"
    return res


# ----------------------------------------------------------------------------- live meter
def stride_fit(t: np.ndarray, left_ahead: np.ndarray, stride_hz: float,
               rounds: int = 3) -> tuple[np.ndarray, float, float]:
    """Least-squares sinusoid at ``stride_hz`` through ``left_ahead`` (the left foot's lead
    over the right, sampled at times ``t``, any spacing): (cos, sin, mean) coefficients, R^2
    and the share of frames taken as left/right swaps.

    The pose model now and then gives the far leg the near leg's label (a side view's known
    confusion: the lead flips sign between two frames 33 ms apart), so ``rounds`` times a
    frame whose lead fits the sinusoid better negated is negated and the fit redone (at most
    :data:`MAX_SWAP_SHARE` of the frames); R^2 is that of the final fit. Irregular or sparse
    frames are fine as long as they cover a few strides."""
    w = 2 * np.pi * stride_hz * t
    a = np.c_[np.cos(w), np.sin(w), np.ones_like(t)]
    y = np.asarray(left_ahead, float)
    coef, *_ = np.linalg.lstsq(a, y, rcond=None)
    swapped = np.zeros(len(y), bool)
    for _ in range(rounds):
        fit = a @ coef
        gain = np.abs(y - fit) - np.abs(-y - fit)  # > 0: the frame fits better swapped
        order = np.argsort(-gain)[: int(MAX_SWAP_SHARE * len(y))]
        new = np.zeros(len(y), bool)
        new[order[gain[order] > 0]] = True
        if np.array_equal(new, swapped):
            break
        swapped = new
        coef, *_ = np.linalg.lstsq(a, np.where(swapped, -y, y), rcond=None)
    ys = np.where(swapped, -y, y)
    var = float(np.sum((ys - ys.mean()) ** 2))
    r2 = 1.0 - float(np.sum((ys - a @ coef) ** 2)) / var if var > 0 else 0.0
    return coef, r2, float(swapped.mean()) if len(y) else 0.0


def onset_times(env: Envelope, peaks: np.ndarray) -> np.ndarray:
    """Each landing's start (s, the envelope's clock) from its loudness peak's index: where
    the short-time power first rose through half way from the quietest moment in the 0.1 s
    before the peak to the peak (linear interpolation between steps). The peak itself comes
    10-15 ms after a thump starts (a 20 ms centred window over a decaying thud), which is
    read as the sound being that much late; the half-way point is within a few ms of it."""
    p = 10 ** (env.rms_db / 10)
    back = int(round(0.1 / HOP_S))
    out = []
    for k in np.asarray(peaks, int):
        lo = max(0, k - back)
        seg = p[lo:k + 1]
        j0 = int(np.argmin(seg))
        half = seg[j0] + 0.5 * (seg[-1] - seg[j0])
        above = np.flatnonzero(seg[j0:] >= half)
        j = j0 + int(above[0]) if len(above) else len(seg) - 1
        if j > j0 and seg[j] > seg[j - 1]:
            j = j - 1 + (half - seg[j - 1]) / (seg[j] - seg[j - 1])
        out.append(env.t[lo] + j * HOP_S)
    return np.array(out, float)


def _circ_sd(r: float) -> float:
    """Circular standard deviation (radians) of angles whose mean resultant length is ``r``."""
    return float(np.sqrt(-2.0 * np.log(min(max(r, 1e-9), 1.0))))


def _name_by_contacts(when: np.ndarray, w: np.ndarray, coef: np.ndarray, stride_hz: float,
                      contacts: list[tuple[float, str]]
                      ) -> SoundResult | tuple[np.ndarray, np.ndarray, float]:
    """Each heard landing's foot from the stride phase of the picture's contacts.

    ``when``: the landings' times (sound), ``w``: their phases at ``stride_hz``; ``coef``: the
    feet's lead sinusoid (:func:`stride_fit`). The left contacts' circular mean phase after
    the lead's peak is where a left foot lands in the picture (a right one half a stride
    later). Both feet land, so the sound's lag behind the picture is known modulo a step:
    the circular mean of the landings' doubled phase differences gives it, in
    (-half a step, +half a step], with its standard error (both means' circular SE). Named
    only when the lag stands clear of half a step by :data:`LAG_MARGIN_S` plus two standard
    errors (at half a step a landing is as near one foot's contacts as the other's); a
    landing more than a quarter of a step off that lag is not a footfall and is left out.
    Returns (landings kept, their lead sign: > 0 left, the lag in s) or why not."""
    ct = np.array([c for c, _ in contacts], float)
    left = np.array([f == "L" for _, f in contacts])
    peak = float(np.arctan2(coef[1], coef[0]))  # the left foot furthest ahead
    phase = 2 * np.pi * stride_hz * ct - peak + np.where(left, 0.0, np.pi)
    agree = np.mean(np.exp(1j * phase))
    if abs(agree) < CONTACTS_AGREE:  # the contacts land all over the feet's swing
        return SoundResult(False, "We can't tell which foot made each sound: the foot "
                                  "contacts in the picture do not keep step with the "
                                  "feet's swing.", "no_rhythm")
    land = peak + float(np.angle(agree))  # a left contact's phase
    if not len(when):
        return SoundResult(False, "We can't hear your landings: no footfall stood out from "
                                  "the background sound.", "no_rhythm")
    beat = np.mean(np.exp(2j * (w - land)))  # doubled: a step is a full turn
    lag_ph = float(np.angle(beat)) / 2  # stride phase, within +-a quarter stride
    rad_s = 2 * np.pi * stride_hz  # stride phase per second
    lag = lag_ph / rad_s
    se = np.hypot(_circ_sd(abs(agree)) / np.sqrt(len(ct)),
                  _circ_sd(abs(beat)) / 2 / np.sqrt(len(when))) / rad_s
    half = 0.25 / stride_hz  # half a step
    if abs(lag) + LAG_MARGIN_S + 2 * se > half:
        when_heard = (f"about half a step ({half:.2f} s) before or after your foot "
                      "contacts in the picture, so each could be either foot's"
                      if abs(lag) > half - LAG_MARGIN_S else
                      f"about {abs(lag):.2f} s {'after' if lag > 0 else 'before'} your foot "
                      f"contacts in the picture, too near half a step ({half:.2f} s) to tell "
                      "one foot from the other")
        return SoundResult(False, "We can't tell which foot made each sound: your landings "
                                  f"are heard {when_heard} (the camera and microphone are "
                                  "out of step).", "no_rhythm")
    off = np.angle(np.exp(2j * (w - land - lag_ph))) / 2  # each landing's own, +-quarter stride
    keep = np.abs(off) <= np.pi / 4  # within a quarter step of the beat
    if keep.mean() < 0.7:
        return SoundResult(False, "We can't tell which foot made each sound: the sound's "
                                  "onsets do not keep step with your foot contacts in the "
                                  "picture (the camera and microphone are out of step).",
                           "no_rhythm")
    return keep, np.cos(w[keep] - land - lag_ph), lag


def landings_by_stride(audio: AudioTrack | None, t: np.ndarray, left_ahead: np.ndarray,
                       contacts: list[tuple[float, str]] | None = None) -> SoundResult:
    """The live meter's landings, at any analysed frame rate: the sound says **when** each
    foot lands (the onsets, one per step of the sound's own rhythm, each at its half-power
    rise, :func:`onset_times`), the picture says **which** foot (by the stride phase of the
    picture's contacts, or without them the one ahead at that moment, on a sinusoid at the
    stride rate fitted to the feet's lead, :func:`stride_fit`), then :func:`analyse_landings`
    reads the levels with its checks (music or voices, rhythm strength).

    Foot contacts found frame by frame need about 8 analysed frames a second (a step at
    180/min lasts 0.33 s); the feet's swing is one slow sinusoid per stride, which a few frames
    a second cover. ``t``: frame times on the audio's timeline; ``left_ahead``: the left
    foot's lead over the right in the running direction (NaN: not seen). Not measured when the
    feet do not swing at half the sound's rhythm (R^2 under :data:`STRIDE_FIT_R2`).

    ``contacts``: the picture's own foot contacts ``(t, "L"/"R")`` (a report under 20 fps;
    the live window's, from the event detector it runs for cadence, at 8 analysed frames a
    second and up: each timed a frame apart at best). A foot lands a little after it is
    furthest ahead, so the contacts' circular mean phase after the lead's peak says where in
    the stride a left foot lands (sub-frame over a window's 15-18 contacts); the sound's lag
    behind them is read from the landings' phase modulo a step (both feet land) and each
    landing named by its phase less that lag (:func:`_name_by_contacts`). That holds for
    sound up to half a step early or late, less :data:`LAG_MARGIN_S` and two standard
    errors: on the model runner at 178 steps/min (half a step 0.169 s) and 15 fps, the live
    window reads the 8 dB within 0.5 dB and the lag within 3 ms from 0.14 s early to 0.14 s
    late, and says "out of step" from 0.15 s either way (one window of three still read
    0.15 s early; never the wrong foot) up to about 0.19 s: the lag is known modulo a step,
    so sound 0.2-0.5 s late (a whole step give or take 0.14 s) reads as nearly in step and
    names the other foot (no rule on sound and picture alone can tell). The landings come back on the
    picture's timeline, with the lag in ``offset_s``.

    Fallback, with no contacts or fewer than :data:`MIN_LANDINGS` (under 8 analysed frames a
    second the live window runs no event detector): the foot ahead at the sound's moment
    names it, which is right for sound early or on time, not for sound more than ~50 ms late
    (on the model runner at 15 fps: 0.10 s late refused, 0.14 s late read "right louder"
    for left louder by 8 dB)."""
    if audio is None:
        return SoundResult(False, "No sound from the microphone yet.", "none")
    if contacts is not None and len(contacts) < MIN_LANDINGS:
        contacts = None  # too few to pin a stride phase down: the foot ahead names it
    x = audio.samples.astype(np.float64)
    if 10 * np.log10(float(np.mean(x * x)) + 1e-12) < SILENT_DBFS:  # as analyse_landings says
        return analyse_landings(audio, [], None)
    ok = np.isfinite(left_ahead)
    if ok.sum() < 8:
        return SoundResult(False, "Too few frames show both feet to tell left from right.",
                           "few")
    t, y = np.asarray(t, float)[ok], np.asarray(left_ahead, float)[ok]
    env = envelope(audio, LIVE_SPECTRAL_STEP)
    tv = env.t + audio.t0
    span = (tv >= t.min()) & (tv <= t.max())
    if span.sum() < 2 * env.rate:
        return SoundResult(False, "Listening for your landings..." if contacts is None else
                           "The sound track does not cover the running the video shows.",
                           "few")
    on = np.where(span, env.onset, 0.0)
    pk, _ = signal.find_peaks(on, height=MIN_ONSET_DB, distance=int(MIN_STEP_S * env.rate))
    r, _, _, _ = rhythm(env.onset[span], env.rate)
    if len(pk) < MIN_LANDINGS and r is None:
        return SoundResult(False, "We can't hear your landings: the sound has no clear "
                                  "rhythm.", "no_rhythm")
    # the step rate: the onsets' spacing, or the sound's strongest rhythm (a stride rate when
    # one foot lands louder); the feet's swing (one cycle per stride) decides between them
    steps_spm = ([60.0 / float(np.median(np.diff(tv[pk])))] if len(pk) >= 2 else []) + \
        ([r] if r else [])
    fits = [(stride_fit(t, y, s / 60.0), s) for x in steps_spm for s in (x / 2, x)]
    (coef, r2, _), stride_spm = max(fits, key=lambda f: f[0][1])
    if r2 < STRIDE_FIT_R2:
        share = tone_share(env, span)
        if share >= MUSIC_SHARE:  # music or a voice is why no rhythm matches: say that
            return SoundResult(False, "We can't hear your landings: the sound is mostly music "
                                      "or voices, which cover the footfalls." if share >= 0.5
                               else "We can't hear your landings: music or voices cover the "
                               f"footfalls for {share:.0%} of the running.", "music",
                               tone_share=share)
        what = f" (the sound's strongest rhythm is {r:.0f} per minute)" if r else ""
        return SoundResult(False, "We can't hear your landings: no footfall rhythm in the "
                                  f"sound matches your strides in the picture{what}.",
                           "no_rhythm")
    step_s = 30.0 / stride_spm
    peaks, _ = signal.find_peaks(on, height=MIN_ONSET_DB,
                                 distance=max(1, int(0.6 * step_s * env.rate)))
    when = onset_times(env, peaks) + audio.t0
    w = 2 * np.pi * stride_spm / 60.0 * when
    lead = coef[0] * np.cos(w) + coef[1] * np.sin(w)
    if contacts:  # name by the stride phase of the picture's contacts (see above)
        named = _name_by_contacts(when, w, coef, stride_spm / 60.0, contacts)
        if isinstance(named, SoundResult):
            return named
        keep, lead, lag = named
        when = when[keep]
        res = analyse_landings(audio, [(float(x), "L" if d > 0 else "R")
                                       for x, d in zip(when, lead)], 2 * stride_spm, env)
        if res.measured:  # the landings and the evidence on the picture's timeline
            res.landings = [Landing(round(x.t - lag, 4), x.foot, x.level_db, x.loud)
                            for x in res.landings]
            # (analyse_landings lined its envelope up with the landings' starts)
            off = res.offset_s or 0.0
            res.envelope_t = [round(x + off - lag, 3) for x in res.envelope_t]
            res.offset_s = lag  # the sound's lag behind the picture's contacts
        return res
    # a landing heard while neither foot is clearly ahead (its phase within 17 degrees of
    # the feet passing) could be either foot: with most of them there, the sound and the
    # picture are out of step (a stalled computer), and no foot is named
    if len(lead) and np.mean(np.abs(lead) >= CLEAR_LEAD * np.hypot(coef[0], coef[1])) < 0.7:
        return SoundResult(False, "We can't tell which foot made each sound: the landings are "
                                  "heard while your feet pass each other in the picture (the "
                                  "camera and microphone are out of step).", "no_rhythm")
    contacts = [(float(x), "L" if d > 0 else "R") for x, d in zip(when, lead)]
    return analyse_landings(audio, contacts, 2 * stride_spm, env)


# ----------------------------------------------------------------------------- live microphone
class LiveEar:
    """The microphone of a live stream (streamlit-webrtc's audio thread calls :meth:`hear`
    with each ``av.AudioFrame``): mono :data:`RATE` Hz chunks stamped with their stream time,
    the last ``max_s`` seconds kept. :meth:`between` cuts an :class:`AudioTrack` out of it for
    a time span (the live window, or a recording), on that span's own timeline.

    Two clocks: aiortc starts each track's ``frame.time`` at zero at that track's own first
    packet, so the microphone's and the camera's stream times differ by however far apart
    their first packets came (easily more than the quarter second the offset search covers).
    Each side therefore notes when its frames reach the server (``wall``, ``time.monotonic``):
    the smallest ``wall - time`` seen is that track's clock (the least delayed frame), and
    :meth:`between` takes and gives times on the camera's clock. What is left (network and
    decoding delays, a few tens of ms) is found by the offset search of :func:`analyse_sound`."""

    def __init__(self, max_s: float = 90.0) -> None:
        import threading

        self.max_s = max_s
        self._lock = threading.Lock()
        self._chunks: list[tuple[float, np.ndarray]] = []
        self._resampler = None
        self.frames = 0
        self._clock_audio: float | None = None  # min(wall - frame time), microphone
        self._clock_video: float | None = None  # min(wall - frame time), camera

    def see(self, t_video: float, wall: float) -> None:
        """A camera frame of stream time ``t_video`` reached the server at ``wall``."""
        with self._lock:
            c = wall - t_video
            self._clock_video = c if self._clock_video is None else min(self._clock_video, c)

    @property
    def shift_s(self) -> float:
        """Microphone stream time + this = camera stream time (0 until both are seen)."""
        with self._lock:
            if self._clock_audio is None or self._clock_video is None:
                return 0.0
            return self._clock_audio - self._clock_video

    def hear(self, frame, wall: float | None = None) -> None:
        """Keep one ``av.AudioFrame`` (any layout and rate), stamped with ``frame.time``;
        ``wall``: when it reached the server (``time.monotonic``), for :attr:`shift_s`."""
        import av

        if self._resampler is None:
            self._resampler = av.AudioResampler(format="flt", layout="mono", rate=RATE)
        out = [o.to_ndarray().reshape(-1).astype(np.float32)
               for o in self._resampler.resample(frame)]
        if not out:
            return
        x = np.concatenate(out)
        with self._lock:
            # a frame without a time stamp follows on from the previous one
            t = float(frame.time) if frame.time is not None else (
                self._chunks[-1][0] + len(self._chunks[-1][1]) / RATE if self._chunks else 0.0)
            self.frames += 1
            self._chunks.append((t, x))
            if wall is not None:
                c = wall - (t + len(x) / RATE)
                self._clock_audio = c if self._clock_audio is None else min(self._clock_audio, c)
            end = t
            while self._chunks and self._chunks[0][0] < end - self.max_s:
                self._chunks.pop(0)

    def add(self, t: float, samples: np.ndarray) -> None:
        """Keep mono :data:`RATE` Hz ``samples`` starting at stream time ``t`` (tests)."""
        with self._lock:
            self.frames += 1
            self._chunks.append((float(t), np.asarray(samples, np.float32)))

    def between(self, t0: float, t1: float, origin: float = 0.0) -> AudioTrack | None:
        """The sound heard from camera stream time ``t0`` to ``t1`` as a track whose ``t0`` is
        on a timeline starting at camera stream time ``origin`` (None: nothing heard then).
        Each chunk is placed at its own time stamp (moved onto the camera's clock by
        :attr:`shift_s`), so a lost packet leaves a silent gap, not a shift."""
        shift = self.shift_s
        with self._lock:
            known = self._clock_audio is not None and self._clock_video is not None
            chunks = [(t + shift, x) for t, x in self._chunks
                      if t1 >= t + shift and t + shift + len(x) / RATE >= t0]
        if not chunks:
            return None
        start = chunks[0][0]
        n = int(round((chunks[-1][0] - start) * RATE)) + len(chunks[-1][1])
        out = np.zeros(n, np.float32)
        for t, x in chunks:
            i = int(round((t - start) * RATE))
            out[i:i + len(x)] = x[: max(0, n - i)]
        if n < RATE:
            return None
        return AudioTrack(out, RATE, start - origin, clock_known=known)
