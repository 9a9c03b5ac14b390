"""Put a capture's frames onto an interface (lo), at the capture's pace, and
return once the kernel has taken every one: what the live tests need of a
replay whose every packet they count.

tcpreplay is not that everywhere: 4.5 (Debian sid) injects through a
PF_PACKET TX_RING and counts a frame as sent once it is in the ring; frames
still there when it exits are lost (appneta/tcpreplay#1078). On lo whole
replays of a small capture vanished, and the capture then looked as if it kept
packets back. A plain PF_PACKET socket's send() hands each frame to the
interface before it returns. tcpreplay stays for floods, where a lost tail
does not matter (native_live.py's drops, the soaks, the live benchmark).
"""
import logging
import socket
import time


def replay(capture, iface="lo", pace=True):
    """Send the frames of capture (pcap or pcapng) on iface; the number sent."""
    logging.getLogger("scapy.runtime").setLevel(logging.ERROR)  # not its link type guesses
    from scapy.utils import rdpcap  # scapy: the test captures' own generator
    frames = rdpcap(capture)
    with socket.socket(socket.AF_PACKET, socket.SOCK_RAW) as s:
        s.bind((iface, 0))
        start = time.monotonic()
        first = frames[0].time if frames else 0
        for f in frames:
            wait = float(f.time - first) - (time.monotonic() - start)
            if pace and wait > 0:
                time.sleep(wait)
            s.send(f.original)
    return len(frames)
