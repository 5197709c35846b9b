"""Signal processing for landmark tracks, on SciPy: resampling, gap filling, outlier gates,
zero-phase filtering, spectra, robust spread and derivatives in real time.

Tracks come from phone clips (presentation timestamps, sometimes a variable frame rate) and
from a webcam (frames dropped while the computer is busy), so every function here takes the
sample *times* and nothing assumes one frame is one fixed time step. Arrays are frames first
(``(N,)`` or ``(N, ...)``); NaN means "unknown" throughout.
"""
from __future__ import annotations

import warnings

import numpy as np
from scipy import interpolate, ndimage, signal, stats

BUTTER_ORDER = 2  # the low-pass is 2nd order, run forwards and backwards (4th-order response)
NYQUIST_GUARD = 0.45  # a cut-off is never set above 45 % of the sampling rate
MIN_FILTER_RUN = 10  # finite runs shorter than this many samples are left unfiltered
MIN_FILTER_SAMPLES = 8  # a track shorter than this is not filtered at all
RESAMPLE_PADLEN = 9  # filtfilt's edge padding on a resampled (variable-rate) run
SPECTRUM_ZERO_PAD = 8  # spectra are zero-padded to 8x the signal (next power of two) for
#                        a fine frequency grid: a 10 s clip reads cadence to ~0.4 steps/min
MAD_TO_SIGMA = 1.4826  # MAD x this = the standard deviation of normally distributed data


def runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """``[start, end)`` index runs where ``mask`` is True."""
    m = np.concatenate([[False], np.asarray(mask, bool), [False]]).astype(int)
    d = np.diff(m)
    return list(zip(np.flatnonzero(d == 1).tolist(), np.flatnonzero(d == -1).tolist()))


def median_interval(t: np.ndarray) -> float:
    """The median sample interval of times ``t`` (s)."""
    return float(np.median(np.diff(t)))


def is_uniform(t: np.ndarray, dt: float | None = None, rtol: float = 0.05, atol: float = 1e-4) -> bool:
    """Whether samples at times ``t`` are evenly spaced (within 5 % of ``dt`` or 0.1 ms)."""
    dt = median_interval(t) if dt is None else dt
    return bool(np.allclose(np.diff(t), dt, rtol=rtol, atol=atol))


def uniform_grid(t0: float, t1: float, dt: float) -> np.ndarray:
    """Times ``t0, t0 + dt, ...`` up to and including ``t1`` (half a step of slack)."""
    return np.arange(t0, t1 + dt / 2, dt)


def resample_linear(t: np.ndarray, y: np.ndarray, t_new: np.ndarray) -> np.ndarray:
    """``y`` (frames first, finite) sampled at ``t`` linearly interpolated at ``t_new``
    (all columns at once; ``t_new`` must lie within ``t``)."""
    if len(t) == 1:
        return np.repeat(np.asarray(y)[:1], len(t_new), axis=0)
    f = interpolate.interp1d(t, y, axis=0, kind="linear", assume_sorted=True, copy=False)
    return f(t_new)


# ----------------------------------------------------------------------------- gaps
def fill_gaps(t: np.ndarray, x: np.ndarray, max_gap_s: float) -> np.ndarray:
    """Linearly interpolate (in time) the NaN runs of each column of ``x`` that lie between
    two known samples no more than ``max_gap_s`` apart; longer gaps and the ends stay NaN.

    Columns with the same pattern of unknown samples (a landmark's x and y, every landmark
    of a frame the pose model missed) are interpolated together.
    """
    out = np.array(x, dtype=float, copy=True)
    flat = out.reshape(len(t), -1)
    nan = ~np.isfinite(flat)
    cols = np.flatnonzero(nan.any(axis=0) & ~nan.all(axis=0))
    groups: dict[bytes, list[int]] = {}
    for j in cols:
        groups.setdefault(nan[:, j].tobytes(), []).append(int(j))
    for members in groups.values():
        miss = nan[:, members[0]]
        good = np.flatnonzero(~miss)
        fill = np.zeros(len(t), bool)
        for a, b in runs(miss):
            if a > 0 and b < len(t) and t[b] - t[a - 1] <= max_gap_s:
                fill[a:b] = True
        if fill.any():
            sub = flat[:, members]
            sub[fill] = resample_linear(t[good], sub[good], t[fill])
            flat[:, members] = sub
    return flat.reshape(out.shape)


# ----------------------------------------------------------------------------- outliers
def running_median(x: np.ndarray, win: int) -> np.ndarray:
    """Centred running median over ``win`` samples along axis 0 (``win`` made odd; the ends
    repeat the edge sample), ignoring NaN (NaN only where a whole window is unknown).

    :func:`scipy.ndimage.median_filter` does the work; the few windows holding unknown
    samples take the NaN-aware median of their known ones.
    """
    x = np.asarray(x, float)
    win = win if win % 2 else win + 1
    size = (win,) + (1,) * (x.ndim - 1)
    nan = ~np.isfinite(x)
    med = ndimage.median_filter(np.where(nan, 0.0, x), size=size, mode="nearest")
    touched = ndimage.maximum_filter(nan, size=size, mode="nearest")
    if touched.any():
        half = win // 2
        pad = np.pad(x, [(half, half)] + [(0, 0)] * (x.ndim - 1), mode="edge")
        windows = np.lib.stride_tricks.sliding_window_view(pad, win, axis=0)[: len(x)]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN windows stay NaN
            med[touched] = np.nanmedian(windows[touched], axis=-1)
    return med


def outlier_gate(xy: np.ndarray, win: int, max_dist: float) -> np.ndarray:
    """Points (``(N, P, 2)``) further than ``max_dist`` from their running median position
    (:func:`running_median` over ``win`` samples): a boolean ``(N, P)`` mask."""
    med = running_median(xy, win)
    with np.errstate(invalid="ignore"):
        return np.linalg.norm(xy - med, axis=-1) > max_dist


def mad(x: np.ndarray) -> float:
    """Median absolute deviation of the finite values of ``x`` (unscaled; multiply by
    :data:`MAD_TO_SIGMA` for a robust standard deviation)."""
    x = np.asarray(x, float)
    x = x[np.isfinite(x)]
    return float(stats.median_abs_deviation(x, scale=1.0)) if len(x) else float("nan")


# ----------------------------------------------------------------------------- filtering
def lowpass(t: np.ndarray, x: np.ndarray, cutoff_hz: float) -> np.ndarray:
    """Zero-phase low-pass (2nd-order Butterworth, ``filtfilt``) of each column of ``x``
    sampled at times ``t``, per finite run of at least :data:`MIN_FILTER_RUN` samples.

    A variable-frame-rate track is resampled onto a uniform grid at its median interval,
    filtered there and sampled back at its own times, so the cut-off is in real Hz.
    """
    n = len(t)
    if n < MIN_FILTER_SAMPLES:
        return x
    dt = median_interval(t)
    fs = 1.0 / dt
    wc = min(cutoff_hz, NYQUIST_GUARD * fs) / (fs / 2.0)
    if wc >= 0.99:
        return x
    b, a = signal.butter(BUTTER_ORDER, wc)
    uniform = is_uniform(t, dt)
    out = np.array(x, dtype=float, copy=True)
    flat = out.reshape(n, -1)
    for j in range(flat.shape[1]):
        col = flat[:, j]
        for s, e in runs(np.isfinite(col)):
            if e - s < MIN_FILTER_RUN:
                continue
            if uniform:
                col[s:e] = signal.filtfilt(b, a, col[s:e],
                                           padlen=min(3 * max(len(a), len(b)), e - s - 1))
            else:
                seg_t = t[s:e]
                grid = uniform_grid(seg_t[0], seg_t[-1], dt)
                if len(grid) < MIN_FILTER_RUN:
                    continue
                g = np.interp(grid, seg_t, col[s:e])
                g = signal.filtfilt(b, a, g, padlen=min(RESAMPLE_PADLEN, len(grid) - 1))
                col[s:e] = np.interp(seg_t, grid, g)
    return flat.reshape(out.shape)


# ----------------------------------------------------------------------------- spectra
def amplitude_spectrum(t: np.ndarray, y: np.ndarray, detrend_degree: int = 2
                       ) -> tuple[np.ndarray, np.ndarray] | None:
    """Amplitude spectrum of ``y`` sampled at times ``t`` (NaN allowed): ``(freqs_hz, amp)``.

    The known samples are resampled onto a uniform grid at the median interval, a
    polynomial trend of ``detrend_degree`` is removed (slow drift over the clip), then a
    Hann-windowed periodogram (:func:`scipy.signal.periodogram`) zero-padded by
    :data:`SPECTRUM_ZERO_PAD`. Amplitudes are the square root of the periodogram's power
    with its one-sided doubling undone, i.e. the windowed Fourier magnitude over the window's
    sum, the same scale at every frequency, so peak ratios read as amplitude ratios. None
    with fewer than 20 usable samples.
    """
    ok = np.isfinite(y)
    if ok.sum() < 20:
        return None
    dt = median_interval(t)
    grid = np.arange(t[ok][0], t[ok][-1], dt)
    if len(grid) < 20:
        return None
    g = np.interp(grid, t[ok], y[ok])
    g = g - np.polyval(np.polyfit(grid, g, detrend_degree), grid)
    nfft = int(2 ** np.ceil(np.log2(len(g) * SPECTRUM_ZERO_PAD)))
    freqs, power = signal.periodogram(g, fs=1.0 / dt, window=np.hanning(len(g)), nfft=nfft,
                                      detrend=False, scaling="spectrum")
    amp = np.sqrt(power)
    amp[1:-1] /= np.sqrt(2.0)  # nfft is even: every bin but DC and Nyquist was doubled
    return freqs, amp


# ----------------------------------------------------------------------------- periodic fit
PERIODIC_MIN_SAMPLES = 8  # a periodic fit needs at least this many known samples


def periodic_fit(t: np.ndarray, y: np.ndarray, period_s: float, harmonics: int = 2
                 ) -> np.ndarray | None:
    """The part of ``y`` (sampled at times ``t``, NaN allowed) that repeats every
    ``period_s``: a least-squares Fourier series of ``harmonics`` harmonics plus its mean,
    fitted together with a straight-line drift that is then left out. Pose noise and
    one-off jitter, which a peak-to-trough reading of the raw samples adds to a bounce,
    fall mostly outside the series. None with fewer than :data:`PERIODIC_MIN_SAMPLES`
    known samples, or fewer than the fit's parameters plus two."""
    t = np.asarray(t, float)
    y = np.asarray(y, float)
    ok = np.isfinite(y) & np.isfinite(t)
    n_par = 2 + 2 * harmonics
    if ok.sum() < max(PERIODIC_MIN_SAMPLES, n_par + 2) or not period_s > 0:
        return None
    tc = t - t[ok].mean()
    w = 2.0 * np.pi * tc / period_s
    cols = [np.ones_like(tc), tc]
    for k in range(1, harmonics + 1):
        cols += [np.cos(k * w), np.sin(k * w)]
    A = np.stack(cols, 1)
    coef, *_ = np.linalg.lstsq(A[ok], y[ok], rcond=None)
    coef[1] = 0.0  # the drift is not part of the periodic signal
    return A @ coef


# ----------------------------------------------------------------------------- derivatives
def derivative(t: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Time derivative of ``x`` (frames first) per second, with the real sample times
    (:func:`numpy.gradient` with coordinates: second-order central differences that hold
    for uneven spacing)."""
    x = np.asarray(x, float)
    if len(x) < 2:
        return np.zeros_like(x)
    return np.gradient(x, np.asarray(t, float), axis=0)
