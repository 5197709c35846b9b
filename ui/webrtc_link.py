"""The Live page's WebRTC link: how the runner's camera reaches the server at its full rate.

aiortc (under streamlit-webrtc) estimates the link's bandwidth from when each video packet
arrives (delay-based, REMB) and tells the browser to send no faster. But it stamps a packet's
arrival when its event loop gets to it, and on a FormCheck server that loop waits behind the
pose model: our own processing reads as a congested network. Measured with Chromium's
statistics on localhost (tests/test_browser_sound.py's runner, 320x240 at 15 fps, 2 cores):
the browser's allowed bitrate fell from 440 kbit/s 9 s after the camera started to its
30 kbit/s floor by 24 s and stayed there; the encoder then dropped a quarter of the camera's
frames (11 sent a second of 15) and coarsened the rest (mean VP8 quantiser 14 -> 65), so the
live view posed a blurred runner and a 15 s recording came to 11 frames a second, too few to
time foot contacts.

:func:`stream_at_full_rate` leaves the abs-send-time header extension out of what the server
negotiates for video, so aiortc makes no delay-based estimate and sends none; the browser's
own loss-based control (from aiortc's receiver reports) still backs off on a link that
really loses packets. The annotated preview the server sends back negotiates the same way;
measured in the browser it came at 15 frames a second, mean quantiser 20 (about 320 kbit/s;
aiortc's sender keeps 250 kbit/s at least), against 11 at quantiser 5 before.
"""
from __future__ import annotations

ABS_SEND_TIME = "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time"


def stream_at_full_rate() -> None:
    """Leave abs-send-time out of aiortc's video header extensions (idempotent; process-wide:
    every peer connection made afterwards negotiates without it)."""
    from aiortc.codecs import HEADER_EXTENSIONS

    video = HEADER_EXTENSIONS["video"]
    video[:] = [e for e in video if e.uri != ABS_SEND_TIME]
