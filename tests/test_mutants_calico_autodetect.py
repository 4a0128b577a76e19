"""kconf/calico/autodetect.py: parse(), for_ipv6() and to_operator() called
directly, with the methods and messages written down.

Written for the mutants of kconf/calico/autodetect.py that survived the rest
of the suite (see tools/mutation/run).
"""

from __future__ import annotations

import re
import warnings

import pytest

from kconf.calico.autodetect import AutodetectMethod, MethodError, for_ipv6, parse, to_operator

ONE_OF = "(one of: first-found, can-reach, interface, skip-interface, cidr, kubernetes-internal-ip)"
NODES_V6 = ("fd00:51::/64",)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param("  ", f"'  ' is not an autodetection method {ONE_OF}", id="blank"),
        pytest.param(5, f"5 is not an autodetection method {ONE_OF}", id="not-text"),
        pytest.param(None, f"None is not an autodetection method {ONE_OF}", id="none"),
        pytest.param("first-found=x", "first-found takes no value: write 'first-found'", id="first-found-with-a-value"),
        pytest.param("cidr=  ", "cidr needs a value: cidr=...", id="blank-value"),
        pytest.param("interface", "interface needs a value: interface=...", id="no-value"),
        pytest.param("interface=eth0,,eth1", "interface=eth0,,eth1: empty item in the comma-separated list", id="empty-item"),
        pytest.param("can-reach=a.lab,b.lab", "can-reach=a.lab,b.lab: can-reach takes one destination (an IP address or hostname)",
                     id="can-reach-two-destinations"),
        pytest.param("can-reach=no_such host", "can-reach=no_such host: 'no_such host' is neither an IP address nor a hostname",
                     id="can-reach-neither-address-nor-host-name"),
    ],
)
def test_parse_refuses(text: object, message: str) -> None:
    with pytest.raises(MethodError) as caught:
        parse(text)
    assert str(caught.value) == message


def test_parse_silences_only_futurewarnings_of_a_regex() -> None:
    re.purge()  # a pattern compiled before (an earlier run of this test in the process) warns no more
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        # "[[" is a possible nested set: Python's FutureWarning, silenced (Go's regexp is the judge)
        assert parse("interface=[[a]") == AutodetectMethod("interface", ("[[a]",))
        assert caught == []
        # a group reference by a non-ASCII digit: a DeprecationWarning, not silenced
        assert parse("interface=(a)(?(\u0661)b)") == AutodetectMethod("interface", ("(a)(?(\u0661)b)",))
    assert [w.category for w in caught] == [DeprecationWarning]


@pytest.mark.parametrize(
    ("method", "networks", "expected"),
    [
        pytest.param("cidr=192.168.51.0/24,fd00:1::/64,fd00:2::/64", NODES_V6, AutodetectMethod("cidr", ("fd00:1::/64", "fd00:2::/64")),
                     id="cidr-its-ipv6-networks"),
        pytest.param("cidr=192.168.51.0/24", NODES_V6, AutodetectMethod("cidr", NODES_V6), id="cidr-ipv4-only-the-nodes-networks"),
        pytest.param("cidr=192.168.51.0/24", ("fd00:51::/64", "fd00:52::/64"), AutodetectMethod("cidr", ("fd00:51::/64", "fd00:52::/64")),
                     id="cidr-ipv4-only-two-node-networks"),
        pytest.param("cidr=192.168.51.0/24", (), None, id="cidr-ipv4-only-no-ipv6-nodes"),
        pytest.param("can-reach=fd00:51::1", NODES_V6, AutodetectMethod("can-reach", ("fd00:51::1",)), id="can-reach-ipv6"),
        pytest.param("can-reach=192.168.51.1", NODES_V6, AutodetectMethod("cidr", NODES_V6), id="can-reach-ipv4"),
        pytest.param("can-reach=192.168.51.1", (), None, id="can-reach-ipv4-no-ipv6-nodes"),
        pytest.param("can-reach=gateway.lab", NODES_V6, AutodetectMethod("can-reach", ("gateway.lab",)), id="can-reach-host-name"),
        pytest.param("interface=eth0", NODES_V6, AutodetectMethod("interface", ("eth0",)), id="interface"),
        pytest.param("first-found", (), AutodetectMethod("first-found"), id="first-found"),
        pytest.param("kubernetes-internal-ip", NODES_V6, AutodetectMethod("kubernetes-internal-ip"), id="kubernetes-internal-ip"),
    ],
)
def test_for_ipv6(method: str, networks: tuple[str, ...], expected: AutodetectMethod | None) -> None:
    assert for_ipv6(parse(method), networks) == expected


@pytest.mark.parametrize(
    ("method", "expected"),
    [
        pytest.param("first-found", {"firstFound": True}, id="first-found"),
        pytest.param("kubernetes-internal-ip", {"kubernetes": "NodeInternalIP"}, id="kubernetes-internal-ip"),
        pytest.param("can-reach=192.168.51.1", {"canReach": "192.168.51.1"}, id="can-reach"),
        pytest.param("cidr=192.168.51.0/24, 10.0.0.0/8", {"cidrs": ["192.168.51.0/24", "10.0.0.0/8"]}, id="cidrs"),
        pytest.param("interface=eth0 ,ens.*", {"interface": "eth0,ens.*"}, id="interface"),
        pytest.param("skip-interface=docker.*,veth.*", {"skipInterface": "docker.*,veth.*"}, id="skip-interface"),
    ],
)
def test_to_operator(method: str, expected: dict[str, object]) -> None:
    assert to_operator(parse(method)) == expected
