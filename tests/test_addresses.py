"""kconf.addresses: one parse of each interface text serves every reader."""

from __future__ import annotations

import ipaddress

import pytest

from kconf import addresses
from kconf.addresses import AddressError, parse_interface, parse_interfaces


def test_an_interface_is_parsed_once_and_the_same_object_serves_again() -> None:
    first = parse_interface("198.51.100.7/24")
    assert first == ipaddress.ip_interface("198.51.100.7/24")
    assert parse_interface("198.51.100.7/24") is first
    assert parse_interfaces("198.51.100.7/24,2001:db8::7/64")[0] is first
    assert parse_interface(" 198.51.100.8/24") == ipaddress.ip_interface("198.51.100.8/24")  # stripped, as before


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("198.51.100.0/24", "is the network address of 198.51.100.0/24"),
        ("198.51.100.255/24", "is the broadcast address of 198.51.100.0/24"),
        ("198.51.100.7", "needs its prefix length"),
        ("198.51.100.300/24", "is not a valid address/prefix"),
        (["198.51.100.7/24"], "needs its prefix length"),  # not a string: no cache lookup, no TypeError
        ({"a": 1}, "needs its prefix length"),
    ],
)
def test_a_refused_text_is_refused_every_time(text: object, message: str) -> None:
    for _ in range(2):  # a refusal is not remembered as a value
        with pytest.raises(AddressError, match=message):
            parse_interface(text)
    assert not isinstance(text, str) or text not in addresses._INTERFACES
