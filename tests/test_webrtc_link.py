"""ui.webrtc_link: the server's answer to a browser's offer leaves out abs-send-time, so aiortc
makes no delay-based bandwidth estimate from its own busy event loop (the browser's camera then
sent 11 of 15 frames a second at 30 kbit/s, quantiser 65; see the module). Real aiortc peer
connections on localhost (no STUN server), no browser."""
from __future__ import annotations

import asyncio

from ui.webrtc_link import ABS_SEND_TIME, stream_at_full_rate

MID = "urn:ietf:params:rtp-hdrext:sdes:mid"


def _answer_to_an_offer_with_abs_send_time() -> tuple[str, str]:
    """(offer, answer) SDP: an aiortc peer offers video with abs-send-time (put in as a
    browser offers it, if this process's aiortc no longer offers it); another answers."""
    from aiortc import RTCConfiguration, RTCPeerConnection, RTCSessionDescription

    async def run() -> tuple[str, str]:
        local = RTCConfiguration(iceServers=[])  # host candidates only: no network
        browser, server = RTCPeerConnection(local), RTCPeerConnection(local)
        try:
            browser.addTransceiver("video", direction="sendrecv")
            await browser.setLocalDescription(await browser.createOffer())
            offer = browser.localDescription.sdp
            if ABS_SEND_TIME not in offer:
                offer = "\r\n".join(
                    line + (f"\r\na=extmap:3 {ABS_SEND_TIME}" if line.endswith(MID) else "")
                    for line in offer.split("\r\n"))
            await server.setRemoteDescription(RTCSessionDescription(sdp=offer, type="offer"))
            await server.setLocalDescription(await server.createAnswer())
            return offer, server.localDescription.sdp
        finally:
            await browser.close()
            await server.close()

    return asyncio.run(run())


def test_answer_leaves_out_abs_send_time(monkeypatch) -> None:
    from aiortc import RTCRtpHeaderExtensionParameters
    from aiortc.codecs import HEADER_EXTENSIONS

    # this test's own copy of the process-wide list, as aiortc ships it (a Live page run in
    # this process may already have taken abs-send-time out); others see it as it was
    shipped = [e for e in HEADER_EXTENSIONS["video"] if e.uri != ABS_SEND_TIME]
    shipped.append(RTCRtpHeaderExtensionParameters(id=3, uri=ABS_SEND_TIME))
    monkeypatch.setitem(HEADER_EXTENSIONS, "video", shipped)
    offer, answer = _answer_to_an_offer_with_abs_send_time()
    assert ABS_SEND_TIME in offer
    assert ABS_SEND_TIME in answer  # aiortc as shipped: the delay-based estimate is on
    stream_at_full_rate()
    stream_at_full_rate()  # idempotent: the page calls it on every run
    offer, answer = _answer_to_an_offer_with_abs_send_time()
    assert ABS_SEND_TIME in offer and ABS_SEND_TIME not in answer
    assert MID in answer  # the other extension is still negotiated
    assert "m=video" in answer and "VP8" in answer
