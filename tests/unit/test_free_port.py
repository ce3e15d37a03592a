"""free_port: ports for test servers that no other test, worker or connect() can share.

The two-instance test once saw "instance A" still accept connections after its whole
process tree had been SIGKILLed: the kernel had handed A's port (picked with bind to 0,
then freed) to another xdist worker's app too, and Granian listens with SO_REUSEPORT, so
both apps listened on it. These tests pin the properties that rule that out.
"""

from __future__ import annotations

import os
import socket

from tests.support.processes import _ephemeral_low, free_port, listeners, port_block


def test_blocks_of_workers_and_plain_runs_are_disjoint_and_below_the_ephemeral_range() -> None:
    low = 32_768
    blocks = [port_block(None, low)] + [port_block(f"gw{i}", low) for i in range(11)]
    assert all(len(block) >= 1_000 for block in blocks)
    for i, one in enumerate(blocks):
        assert one.start >= 10_000 and one.stop <= low
        for other in blocks[i + 1 :]:
            assert set(one).isdisjoint(other)


def test_no_room_below_the_ephemeral_range_gives_an_empty_block() -> None:
    assert not port_block("gw0", 10_500)


def test_ports_are_never_handed_out_twice_and_never_ephemeral() -> None:
    ports = [free_port() for _ in range(300)]
    assert len(set(ports)) == len(ports)
    assert all(port < _ephemeral_low() for port in ports)


def test_a_port_someone_listens_on_with_so_reuseport_is_skipped() -> None:
    """The hazard itself: a listener with SO_REUSEPORT (as Granian's) lets a second one
    bind the same port; free_port's probe binds without it and so skips the port."""
    first = free_port()
    taken = first + 1  # the next port of the block this process would try
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    listener.bind(("0.0.0.0", taken))
    listener.listen()
    try:
        second = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        second.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        second.bind(("0.0.0.0", taken))  # what two apps on one port did
        second.close()
        assert free_port() != taken
    finally:
        listener.close()


def test_listeners_names_the_process_listening_on_a_port() -> None:
    port = free_port()
    assert listeners(port) == []
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as listener:
        listener.bind(("127.0.0.1", port))
        listener.listen()
        found = listeners(port)
    assert len(found) == 1 and found[0].startswith(f"{os.getpid()} ")
