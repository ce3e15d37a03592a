"""The client address rule behind TRUSTED_PROXY_HOPS proxies (the same as Reflex's)."""

from booking_app.api.client_ip import forwarded_client_ip

PEER = "10.0.0.1"


def test_zero_hops_ignores_the_header() -> None:
    assert forwarded_client_ip(PEER, ["6.6.6.6"], 0) == PEER
    assert forwarded_client_ip(PEER, [], 0) == PEER


def test_the_hops_th_entry_from_the_right_is_the_client() -> None:
    forged_then_real = ["6.6.6.6, 198.51.100.4"]  # the client wrote the first one
    assert forwarded_client_ip(PEER, forged_then_real, 1) == "198.51.100.4"
    assert forwarded_client_ip(PEER, ["6.6.6.6, 198.51.100.4, 10.0.0.9"], 2) == "198.51.100.4"
    assert forwarded_client_ip(PEER, ["6.6.6.6", " 198.51.100.4 "], 1) == "198.51.100.4"


def test_too_few_entries_fall_back_to_the_peer() -> None:
    assert forwarded_client_ip(PEER, ["198.51.100.4"], 2) == PEER
    assert forwarded_client_ip(PEER, [" , "], 1) == PEER
    assert forwarded_client_ip(PEER, [], 1) == PEER
