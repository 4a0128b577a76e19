"""``kconf calico patch`` and manifest-mode render: the whole pool configuration.

Beside CALICO_IPV4POOL_CIDR and IP_AUTODETECTION_METHOD (test_calico_patch.py):
the encapsulation (CALICO_IPV4POOL_IPIP, CALICO_IPV4POOL_VXLAN, and the IPv6
pool's CALICO_IPV6POOL_VXLAN), CALICO_IPV4POOL_BLOCK_SIZE, the MTU (veth_mtu of
the calico-config ConfigMap) and a dual-stack IPv6 pool (CALICO_IPV6POOL_CIDR,
IP6, IP6_AUTODETECTION_METHOD, FELIX_IPV6SUPPORT and the CNI config's
assign_ipv6). Every corpus manifest (../shared/corpus/calico), every setting:
the exact changed lines, the values read back with PyYAML, idempotence, and
the mismatches kconf refuses.
"""

from __future__ import annotations

import difflib
import functools
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import require_corpus, run_cli
from kconf.calico.patch import patch_manifest
from kconf.errors import KconfError
from test_calico_patch import CORPUS_FILES, small_manifest

POD_CIDR = "172.16.0.0/16"
METHOD = "cidr=192.168.51.0/24"
IPV6_CIDR = "fd00:10:244::/56"
IPV6_METHOD = "cidr=fd00:51::/64"


def changed_lines(old: str, new: str) -> list[str]:
    """The -/+ lines of a diff without context, as `diff | grep '^[<>]'` counts them."""
    diff = difflib.unified_diff(old.split("\n"), new.split("\n"), lineterm="", n=0)
    return [line for line in diff if line[:1] in "+-" and line[:3] not in ("+++", "---")]


@functools.cache
def read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def name_of(path: Path) -> str:
    return f"{path.parent.name}/{path.name}"


def documents(text: str) -> list[Any]:
    return list(yaml.load_all(text, Loader=yaml.CSafeLoader))  # libyaml: the whole 350 KB file, fast


def daemonset_env(docs: list[Any]) -> list[dict[str, Any]]:
    (daemonset,) = [d for d in docs if isinstance(d, dict) and d.get("kind") == "DaemonSet"]
    env = daemonset["spec"]["template"]["spec"]["containers"][0]["env"]
    assert isinstance(env, list)
    return env


def calico_config(docs: list[Any]) -> dict[str, Any]:
    (config,) = [d for d in docs if isinstance(d, dict) and d.get("kind") == "ConfigMap" and d["metadata"]["name"] == "calico-config"]
    data = config["data"]
    assert isinstance(data, dict)
    return data


def cni_ipam(data: dict[str, Any]) -> Any:
    """The calico plugin's ipam block (__CNI_MTU__ is not JSON: read as 0)."""
    conflist = json.loads(data["cni_network_config"].replace("__CNI_MTU__", "0"))
    (calico,) = [p for p in conflist["plugins"] if p["type"] == "calico"]
    return calico["ipam"]


# --- the corpus: a table of settings ------------------------------------------------------

SETTINGS: dict[str, dict[str, Any]] = {
    "ipip": {"encapsulation": "IPIP"},
    "ipip-cross-subnet": {"encapsulation": "IPIPCrossSubnet"},
    "vxlan": {"encapsulation": "VXLAN"},
    "vxlan-cross-subnet": {"encapsulation": "VXLANCrossSubnet"},
    "no-encapsulation": {"encapsulation": "None"},
    "block-size-24": {"block_size": 24},
    "block-size-26": {"block_size": 26},  # Calico's own default: no line needed
    "mtu-1450": {"mtu": 1450},
    "dual-stack": {"ipv6_pod_cidr": IPV6_CIDR, "ipv6_autodetect": IPV6_METHOD},
    "full-ipip-dual-stack": {
        "encapsulation": "IPIP", "block_size": 24, "mtu": 1450, "ipv6_pod_cidr": IPV6_CIDR, "ipv6_autodetect": IPV6_METHOD,
    },
    "full-vxlan-dual-stack": {
        "encapsulation": "VXLAN", "block_size": 24, "mtu": 1450, "ipv6_pod_cidr": IPV6_CIDR, "ipv6_autodetect": IPV6_METHOD,
    },
}  # fmt: skip

# Diff fragments, in file order: the calico-config ConfigMap first, then the env list.
MTU = ['-  veth_mtu: "0"', '+  veth_mtu: "1450"']
ASSIGN_IPV6 = [
    '-              "type": "calico-ipam"',
    '+              "type": "calico-ipam",',
    '+              "assign_ipv6": "true"',
]
AUTODETECT = ["+            - name: IP_AUTODETECTION_METHOD", '+              value: "cidr=192.168.51.0/24"']
IP6 = [
    "+            - name: IP6", '+              value: "autodetect"',
    "+            - name: IP6_AUTODETECTION_METHOD", '+              value: "cidr=fd00:51::/64"',
]  # fmt: skip


def value(old: str, new: str) -> list[str]:
    return [f'-              value: "{old}"', f'+              value: "{new}"']


CIDR = [
    "-            # - name: CALICO_IPV4POOL_CIDR", '-            #   value: "192.168.0.0/16"',
    "+            - name: CALICO_IPV4POOL_CIDR", '+              value: "172.16.0.0/16"',
]  # fmt: skip
BLOCK_SIZE = ["+            - name: CALICO_IPV4POOL_BLOCK_SIZE", '+              value: "24"']
IPV6_POOL = ["+            - name: CALICO_IPV6POOL_CIDR", '+              value: "fd00:10:244::/56"']
IPV6_SUPPORT = value("false", "true")

# What each variant holds upstream (FACTS.md 2.1): calico.yaml and calico-typha.yaml
# IPIP Always, VXLAN Never, IPv6 VXLAN Never (none in v3.20.1); calico-vxlan.yaml Never,
# CrossSubnet, CrossSubnet and calico_backend "vxlan".
BIRD, V320, VXLAN = "calico/typha", "v3.20.1", "calico-vxlan"

EXPECTED_DIFF: dict[tuple[str, str], list[str]] = {
    ("ipip", BIRD): CIDR,
    ("ipip", V320): CIDR,
    ("ipip-cross-subnet", BIRD): value("Always", "CrossSubnet") + CIDR,
    ("ipip-cross-subnet", V320): value("Always", "CrossSubnet") + CIDR,
    ("vxlan", BIRD): value("Always", "Never") + value("Never", "Always") + CIDR,
    ("vxlan", V320): value("Always", "Never") + value("Never", "Always") + CIDR,
    ("vxlan", VXLAN): value("CrossSubnet", "Always") + CIDR,
    ("vxlan-cross-subnet", BIRD): value("Always", "Never") + value("Never", "CrossSubnet") + CIDR,
    ("vxlan-cross-subnet", V320): value("Always", "Never") + value("Never", "CrossSubnet") + CIDR,
    ("vxlan-cross-subnet", VXLAN): CIDR,
    ("no-encapsulation", BIRD): value("Always", "Never") + CIDR,
    ("no-encapsulation", V320): value("Always", "Never") + CIDR,
    ("block-size-24", BIRD): CIDR + BLOCK_SIZE,
    ("block-size-24", V320): CIDR + BLOCK_SIZE,
    ("block-size-24", VXLAN): CIDR + BLOCK_SIZE,
    ("block-size-26", BIRD): CIDR,
    ("block-size-26", V320): CIDR,
    ("block-size-26", VXLAN): CIDR,
    ("mtu-1450", BIRD): MTU + CIDR,
    ("mtu-1450", V320): MTU + CIDR,
    ("mtu-1450", VXLAN): MTU + CIDR,
    ("dual-stack", BIRD): ASSIGN_IPV6 + AUTODETECT + IP6 + CIDR + IPV6_POOL + IPV6_SUPPORT,
    ("dual-stack", V320): ASSIGN_IPV6 + AUTODETECT + IP6 + CIDR + IPV6_POOL + IPV6_SUPPORT,
    ("dual-stack", VXLAN): ASSIGN_IPV6 + AUTODETECT + IP6 + CIDR + IPV6_POOL + IPV6_SUPPORT,
    ("full-ipip-dual-stack", BIRD): MTU + ASSIGN_IPV6 + AUTODETECT + IP6 + CIDR + BLOCK_SIZE + IPV6_POOL + IPV6_SUPPORT,
    ("full-ipip-dual-stack", V320): MTU + ASSIGN_IPV6 + AUTODETECT + IP6 + CIDR + BLOCK_SIZE + IPV6_POOL + IPV6_SUPPORT,
    ("full-vxlan-dual-stack", BIRD): MTU + ASSIGN_IPV6 + AUTODETECT + IP6 + value("Always", "Never") + value("Never", "Always")
    + value("Never", "Always") + CIDR + BLOCK_SIZE + IPV6_POOL + IPV6_SUPPORT,
    ("full-vxlan-dual-stack", VXLAN): MTU + ASSIGN_IPV6 + AUTODETECT + IP6 + value("CrossSubnet", "Always")
    + value("CrossSubnet", "Always") + CIDR + BLOCK_SIZE + IPV6_POOL + IPV6_SUPPORT,
}  # fmt: skip

NEEDS_BIRD = (
    "encapsulation {encapsulation} needs BIRD, Calico's BGP daemon, to spread {routes} between the nodes, but this "
    'manifest runs calico-node without it (calico_backend: "vxlan" in the calico-config ConfigMap, as the upstream '
    "calico-vxlan.yaml has): take the upstream calico.yaml (or calico-typha.yaml) of this Calico release for IPIP, "
    "IPIPCrossSubnet or None, or keep this manifest with encapsulation VXLAN or VXLANCrossSubnet"
)
IPV6_VXLAN_ON_V320 = (
    "calico.yaml:3821: encapsulation VXLAN puts the IPv6 pool on VXLAN, which needs Calico v3.23 or later, but the "
    "calico-node image is docker.io/calico/node:v3.20.1: take the manifest of a newer Calico, or encapsulation IPIP, "
    "IPIPCrossSubnet or None (the IPv6 pool is then routed without encapsulation, over BGP)"
)
# calico_backend's line in calico-vxlan.yaml (FACTS.md 2.3: calico-config at line 37 in v3.24.6, 44 from v3.26)
BACKEND_LINE = {"v3.24.6": 43, "v3.26.5": 50, "v3.28.5": 50, "v3.31.7": 50, "v3.32.1": 50}


def refusal(path: Path, case: str) -> str | None:
    """The message kconf refuses this manifest and these settings with, or None."""
    encapsulation = SETTINGS[case].get("encapsulation")
    if path.name == "calico-vxlan.yaml" and encapsulation in ("IPIP", "IPIPCrossSubnet", "None"):
        routes = "unencapsulated pod routes" if encapsulation == "None" else "IPIP routes"
        line = BACKEND_LINE[path.parent.name]
        return f"calico.yaml:{line}: " + NEEDS_BIRD.format(encapsulation=encapsulation, routes=routes)
    if path.parent.name == "v3.20.1" and case == "full-vxlan-dual-stack":
        return IPV6_VXLAN_ON_V320
    return None


def variant(path: Path) -> str:
    if path.name == "calico-vxlan.yaml":
        return VXLAN
    return V320 if path.parent.name == "v3.20.1" else BIRD


def patched(path: Path, case: str) -> str:
    return patch_manifest(read(path), "calico.yaml", POD_CIDR, METHOD if "dual-stack" in case else None, **SETTINGS[case]).text


@pytest.mark.parametrize("case", list(SETTINGS))
@pytest.mark.parametrize("path", CORPUS_FILES)
def test_corpus_diff_holds_only_the_lines_the_settings_need(path: Path, case: str) -> None:
    text = read(path)
    method = METHOD if "dual-stack" in case else None
    message = refusal(path, case)
    if message is not None:
        with pytest.raises(KconfError) as caught:
            patch_manifest(text, "calico.yaml", POD_CIDR, method, **SETTINGS[case])
        assert str(caught.value) == message
        return
    result = patch_manifest(text, "calico.yaml", POD_CIDR, method, **SETTINGS[case])
    assert changed_lines(text, result.text) == EXPECTED_DIFF[case, variant(path)]
    assert result.changed_lines == len(EXPECTED_DIFF[case, variant(path)])
    assert result.warnings == []
    again = patch_manifest(result.text, "calico.yaml", POD_CIDR, method, **SETTINGS[case])
    assert (again.text, again.changed_lines) == (result.text, 0)


# The lines changed by the two full-settings cases, per corpus manifest (None: refused).
FULL_COUNTS = {
    "v3.20.1/calico.yaml": (21, None),
    "v3.24.6/calico.yaml": (21, 27),
    "v3.24.6/calico-typha.yaml": (21, 27),
    "v3.24.6/calico-vxlan.yaml": (None, 25),
    "v3.26.5/calico.yaml": (21, 27),
    "v3.26.5/calico-typha.yaml": (21, 27),
    "v3.26.5/calico-vxlan.yaml": (None, 25),
    "v3.28.5/calico.yaml": (21, 27),
    "v3.28.5/calico-typha.yaml": (21, 27),
    "v3.28.5/calico-vxlan.yaml": (None, 25),
    "v3.31.7/calico.yaml": (21, 27),
    "v3.31.7/calico-typha.yaml": (21, 27),
    "v3.31.7/calico-vxlan.yaml": (None, 25),
    "v3.32.1/calico.yaml": (21, 27),
    "v3.32.1/calico-typha.yaml": (21, 27),
    "v3.32.1/calico-vxlan.yaml": (None, 25),
}


@pytest.mark.parametrize("path", CORPUS_FILES)
def test_corpus_full_settings_change_counts(path: Path) -> None:
    counts = []
    for case in ("full-ipip-dual-stack", "full-vxlan-dual-stack"):
        text = read(path)
        try:
            counts.append(len(changed_lines(text, patched(path, case))))
        except KconfError:
            counts.append(None)
    assert tuple(counts) == FULL_COUNTS[name_of(path)]


# calico-node's env after the full settings, in order, with every value (FACTS.md 2.1 plus the new items).
FULL_ENV_ORDER = [
    "DATASTORE_TYPE", "WAIT_FOR_DATASTORE", "NODENAME", "CALICO_NETWORKING_BACKEND", "CLUSTER_TYPE", "IP",
    "IP_AUTODETECTION_METHOD", "IP6", "IP6_AUTODETECTION_METHOD", "CALICO_IPV4POOL_IPIP", "CALICO_IPV4POOL_VXLAN",
    "CALICO_IPV6POOL_VXLAN", "FELIX_IPINIPMTU", "FELIX_VXLANMTU", "FELIX_WIREGUARDMTU", "CALICO_IPV4POOL_CIDR",
    "CALICO_IPV4POOL_BLOCK_SIZE", "CALICO_IPV6POOL_CIDR", "CALICO_DISABLE_FILE_LOGGING",
    "FELIX_DEFAULTENDPOINTTOHOSTACTION", "FELIX_IPV6SUPPORT", "FELIX_HEALTHENABLED",
]  # fmt: skip
FULL_VALUES = {
    "IP": "autodetect", "IP_AUTODETECTION_METHOD": "cidr=192.168.51.0/24", "IP6": "autodetect",
    "IP6_AUTODETECTION_METHOD": "cidr=fd00:51::/64", "CALICO_IPV4POOL_CIDR": "172.16.0.0/16",
    "CALICO_IPV4POOL_BLOCK_SIZE": "24", "CALICO_IPV6POOL_CIDR": "fd00:10:244::/56", "FELIX_IPV6SUPPORT": "true",
}  # fmt: skip
FULL_MODES = {
    "full-ipip-dual-stack": {"CALICO_IPV4POOL_IPIP": "Always", "CALICO_IPV4POOL_VXLAN": "Never", "CALICO_IPV6POOL_VXLAN": "Never"},
    "full-vxlan-dual-stack": {"CALICO_IPV4POOL_IPIP": "Never", "CALICO_IPV4POOL_VXLAN": "Always", "CALICO_IPV6POOL_VXLAN": "Always"},
}


def _accepted_full_cases() -> list[Any]:
    """(manifest, full case) pairs kconf patches (the refused ones are in the diff test)."""
    params = []
    for param in CORPUS_FILES:
        (path,) = param.values
        for case in ("full-ipip-dual-stack", "full-vxlan-dual-stack"):
            if path is None or refusal(path, case) is None:
                params.append(pytest.param(path, case, marks=param.marks, id=f"{param.id}-{case}"))
    return params


@pytest.mark.parametrize(("path", "case"), _accepted_full_cases())
def test_corpus_values_read_back_and_nothing_else_changed(path: Path, case: str) -> None:
    before, after = documents(read(path)), documents(patched(path, case))
    env = daemonset_env(after)
    order = [n for n in FULL_ENV_ORDER if not (path.parent.name == "v3.20.1" and n == "CALICO_IPV6POOL_VXLAN")]
    if path.name == "calico-typha.yaml":
        order.insert(1, "FELIX_TYPHAK8SSERVICENAME")
    assert [item["name"] for item in env] == order
    values = {item["name"]: item.get("value") for item in env}
    expected = {**FULL_VALUES, **FULL_MODES[case]}
    if path.parent.name == "v3.20.1":
        del expected["CALICO_IPV6POOL_VXLAN"]  # missing: Never to calico-node, as IPIP wants
    assert {name: values[name] for name in expected} == expected
    config = calico_config(after)
    assert config["veth_mtu"] == "1450"
    assert cni_ipam(config) == {"type": "calico-ipam", "assign_ipv6": "true"}
    assert config["calico_backend"] == calico_config(before)["calico_backend"]
    # every other document, and everything else in these two, as it was
    changed = [i for i, (old, new) in enumerate(zip(before, after)) if old != new]
    assert len(before) == len(after) and len(changed) == 2
    assert [after[i]["kind"] for i in changed] == ["ConfigMap", "DaemonSet"]
    old_env = {item["name"]: item for item in daemonset_env(before)}
    assert [item for item in env if item["name"] in old_env and item["name"] not in expected] == [
        old_env[name] for name in order if name in old_env and name not in expected
    ]


# --- shapes, on a small manifest (the v3.32.1 calico-config ConfigMap and DaemonSet) ----------


def sub(old: str, new: str, count: int = 1) -> Any:
    def edit(text: str) -> str:
        assert text.count(old) == count, old
        return text.replace(old, new)

    return edit


IP_ITEM = '            - name: IP\n              value: "autodetect"\n'
IPIP_ITEM = '            # Enable IPIP\n            - name: CALICO_IPV4POOL_IPIP\n              value: "Always"\n'
IPV6_VXLAN_ITEM = (
    '            # Enable or Disable VXLAN on the default IPv6 IP pool.\n'
    '            - name: CALICO_IPV6POOL_VXLAN\n              value: "Never"\n'
)
IPV6_SUPPORT_ITEM = '            - name: FELIX_IPV6SUPPORT\n              value: "false"\n'
TYPE_LINE = '              "type": "calico-ipam"\n'
CIDR_ITEM = '            - name: CALICO_IPV4POOL_CIDR\n              value: "172.16.0.0/16"\n'
SET_BLOCK = (CIDR_ITEM, CIDR_ITEM + '            - name: CALICO_IPV4POOL_BLOCK_SIZE\n              value: "24"\n')


def small_with_cidr() -> str:
    """The small manifest with CALICO_IPV4POOL_CIDR set already: the diffs below hold only the other settings."""
    return sub('            # - name: CALICO_IPV4POOL_CIDR\n            #   value: "192.168.0.0/16"\n', CIDR_ITEM)(small_manifest())

SHAPES = [
    pytest.param(sub(*SET_BLOCK), {"block_size": 28}, [
        '-              value: "24"', '+              value: "28"',
    ], id="block-size-set-already"),
    pytest.param(sub(*SET_BLOCK), {"block_size": 26}, [
        '-              value: "24"', '+              value: "26"',
    ], id="block-size-26-over-an-item-is-written"),
    pytest.param(sub(IPIP_ITEM, ""), {"encapsulation": "VXLAN"}, [
        "+            - name: CALICO_IPV4POOL_IPIP", '+              value: "Never"',
        '-              value: "Never"', '+              value: "Always"',
    ], id="no-ipip-item-goes-after-IP"),
    pytest.param(sub(IPIP_ITEM, ""), {"encapsulation": "None", "ipv6_pod_cidr": IPV6_CIDR}, [
        '-              "type": "calico-ipam"', '+              "type": "calico-ipam",', '+              "assign_ipv6": "true"',
        "+            - name: IP6", '+              value: "autodetect"',
        "+            - name: CALICO_IPV4POOL_IPIP", '+              value: "Never"',
        "+            - name: CALICO_IPV6POOL_CIDR", '+              value: "fd00:10:244::/56"',
        '-              value: "false"', '+              value: "true"',
    ], id="no-ipip-item-goes-after-IP6"),
    pytest.param(sub(IPV6_VXLAN_ITEM, ""), {"encapsulation": "VXLANCrossSubnet", "ipv6_pod_cidr": IPV6_CIDR}, [
        '-              "type": "calico-ipam"', '+              "type": "calico-ipam",', '+              "assign_ipv6": "true"',
        "+            - name: IP6", '+              value: "autodetect"',
        '-              value: "Always"', '+              value: "Never"',
        '-              value: "Never"', '+              value: "CrossSubnet"',
        "+            - name: CALICO_IPV6POOL_VXLAN", '+              value: "CrossSubnet"',
        "+            - name: CALICO_IPV6POOL_CIDR", '+              value: "fd00:10:244::/56"',
        '-              value: "false"', '+              value: "true"',
    ], id="no-ipv6-vxlan-item-goes-after-the-ipv4-one"),
    pytest.param(sub(IPV6_VXLAN_ITEM, ""), {"encapsulation": "IPIP", "ipv6_pod_cidr": IPV6_CIDR}, [
        '-              "type": "calico-ipam"', '+              "type": "calico-ipam",', '+              "assign_ipv6": "true"',
        "+            - name: IP6", '+              value: "autodetect"',
        "+            - name: CALICO_IPV6POOL_CIDR", '+              value: "fd00:10:244::/56"',
        '-              value: "false"', '+              value: "true"',
    ], id="no-ipv6-vxlan-item-is-never-already"),
    pytest.param(sub(IPV6_SUPPORT_ITEM, ""), {"ipv6_pod_cidr": IPV6_CIDR}, [
        '-              "type": "calico-ipam"', '+              "type": "calico-ipam",', '+              "assign_ipv6": "true"',
        "+            - name: IP6", '+              value: "autodetect"',
        "+            - name: CALICO_IPV6POOL_CIDR", '+              value: "fd00:10:244::/56"',
    ], id="no-felix-ipv6support-is-true-already"),
    pytest.param(sub(TYPE_LINE, TYPE_LINE[:-1] + ',\n              "assign_ipv6": "false"\n'), {"ipv6_pod_cidr": IPV6_CIDR}, [
        '-              "assign_ipv6": "false"', '+              "assign_ipv6": "true"',
        "+            - name: IP6", '+              value: "autodetect"',
        "+            - name: CALICO_IPV6POOL_CIDR", '+              value: "fd00:10:244::/56"',
        '-              value: "false"', '+              value: "true"',
    ], id="assign-ipv6-false-replaced"),
    pytest.param(sub(TYPE_LINE, TYPE_LINE[:-1] + ',\n              "assign_ipv6": "true"\n'), {"ipv6_pod_cidr": IPV6_CIDR}, [
        "+            - name: IP6", '+              value: "autodetect"',
        "+            - name: CALICO_IPV6POOL_CIDR", '+              value: "fd00:10:244::/56"',
        '-              value: "false"', '+              value: "true"',
    ], id="assign-ipv6-true-kept"),
    pytest.param(sub(TYPE_LINE, TYPE_LINE[:-1] + ',\n                "assign_ipv4": "true"  \n'), {"ipv6_pod_cidr": IPV6_CIDR}, [
        '-                "assign_ipv4": "true"  ', '+                "assign_ipv4": "true",  ', '+                "assign_ipv6": "true"',
        "+            - name: IP6", '+              value: "autodetect"',
        "+            - name: CALICO_IPV6POOL_CIDR", '+              value: "fd00:10:244::/56"',
        '-              value: "false"', '+              value: "true"',
    ], id="assign-ipv6-after-the-last-member-in-its-indentation"),
    pytest.param(sub('  veth_mtu: "0"\n', "  veth_mtu: '1500'   # ours\n"), {"mtu": 1450}, [
        "-  veth_mtu: '1500'   # ours", "+  veth_mtu: '1450'   # ours",
    ], id="veth-mtu-quoting-and-comment-kept"),
    pytest.param(sub('  veth_mtu: "0"\n', "  veth_mtu: 1500\n"), {"mtu": 1450}, [
        "-  veth_mtu: 1500", '+  veth_mtu: "1450"',
    ], id="veth-mtu-plain-number-becomes-a-string"),
    pytest.param(sub('  veth_mtu: "0"\n', '  veth_mtu: "1450"\n'), {"mtu": 1450}, [], id="veth-mtu-set-already"),
    pytest.param(sub('  calico_backend: "bird"\n', '  calico_backend: "vxlan"\n'), {"encapsulation": "VXLAN"}, [
        '-              value: "Always"', '+              value: "Never"', '-              value: "Never"', '+              value: "Always"',
    ], id="vxlan-without-bird"),
]  # fmt: skip


@pytest.mark.parametrize(("shape", "settings", "expected"), SHAPES)
def test_shapes(shape: Any, settings: dict[str, Any], expected: list[str]) -> None:
    text = shape(small_with_cidr())
    result = patch_manifest(text, "c.yaml", POD_CIDR, None, **settings)
    assert changed_lines(text, result.text) == expected
    assert result.changed_lines == len(expected)
    again = patch_manifest(result.text, "c.yaml", POD_CIDR, None, **settings)
    assert (again.text, again.changed_lines) == (result.text, 0)


# --- what kconf refuses ------------------------------------------------------------------------

NO_CONFIG_MAP = "c.yaml:{line}: no calico-config ConfigMap in the file: {what}; give kconf the whole upstream manifest"


def sub_last(old: str, new: str) -> Any:
    """Replace the last ``old``: the calico-node container's, after the init containers'."""

    def edit(text: str) -> str:
        at = text.rindex(old)
        return text[:at] + new + text[at + len(old) :]

    return edit


def without_config_map(text: str) -> str:
    start = text.index("---\n# Source: calico/templates/calico-config.yaml")
    return text[: start] + text[text.index("\n---", start + 4) + 1 :]


def twice_config_map(text: str) -> str:
    start = text.index("---\n# Source: calico/templates/calico-config.yaml")
    end = text.index("\n---", start + 4) + 1
    return text[:end] + text[start:end] + text[end:]


REFUSED = [
    pytest.param(sub('  calico_backend: "bird"\n', '  calico_backend: "vxlan"\n'), {"encapsulation": "IPIPCrossSubnet"},
                 ('  calico_backend: "vxlan"', 1), NEEDS_BIRD.format(encapsulation="IPIPCrossSubnet", routes="IPIP routes"),
                 id="ipip-without-bird"),
    pytest.param(sub('  calico_backend: "bird"\n', '  calico_backend: "none"\n'), {"encapsulation": "None"},
                 ('  calico_backend: "none"', 1),
                 "encapsulation None needs BIRD, Calico's BGP daemon, to spread unencapsulated pod routes between the "
                 'nodes, but this manifest runs calico-node without it (calico_backend: "none" in the calico-config '
                 "ConfigMap): take the upstream calico.yaml (or calico-typha.yaml) of this Calico release for IPIP, "
                 "IPIPCrossSubnet or None, or keep this manifest with encapsulation VXLAN or VXLANCrossSubnet",
                 id="no-encapsulation-policy-only"),
    pytest.param(lambda text: text, {"encapsulation": "IPIP"},
                 None, None, id="bird-through-the-config-map-is-fine"),
    pytest.param(sub_last('            - name: CALICO_NETWORKING_BACKEND\n              valueFrom:\n                configMapKeyRef:\n'
                          '                  name: calico-config\n                  key: calico_backend\n',
                          '            - name: CALICO_NETWORKING_BACKEND\n              value: "vxlan"\n'), {"encapsulation": "IPIP"},
                 ('              value: "vxlan"', 1),
                 'encapsulation IPIP needs BIRD, Calico\'s BGP daemon, to spread IPIP routes between the nodes, but this '
                 'manifest runs calico-node without it (CALICO_NETWORKING_BACKEND "vxlan", as the upstream calico-vxlan.yaml '
                 "has): take the upstream calico.yaml (or calico-typha.yaml) of this Calico release for IPIP, "
                 "IPIPCrossSubnet or None, or keep this manifest with encapsulation VXLAN or VXLANCrossSubnet",
                 id="literal-backend-in-the-env"),
    pytest.param(without_config_map, {"encapsulation": "IPIP"}, None, None, id="no-config-map-backend-unknown-is-fine"),
    pytest.param(without_config_map, {"mtu": 1450}, ("kind: DaemonSet", 1),
                 "no calico-config ConfigMap in the file: the pod MTU is its veth_mtu; give kconf the whole upstream manifest",
                 id="mtu-without-config-map"),
    pytest.param(without_config_map, {"ipv6_pod_cidr": IPV6_CIDR}, ("kind: DaemonSet", 1),
                 'no calico-config ConfigMap in the file: dual stack sets "assign_ipv6" in its CNI config; give kconf the '
                 "whole upstream manifest", id="dual-stack-without-config-map"),
    pytest.param(twice_config_map, {"mtu": 1450}, ("kind: ConfigMap", 2),
                 "more than one calico-config ConfigMap (the first is at line {first}); kconf cannot tell which one "
                 "calico-node reads", id="two-config-maps"),
    pytest.param(sub('  veth_mtu: "0"\n', ""), {"mtu": 1450}, ("kind: ConfigMap", 1),
                 "the calico-config ConfigMap has no data.veth_mtu: calico-node and the CNI plugin read the pod MTU from it",
                 id="no-veth-mtu"),
    pytest.param(sub('  veth_mtu: "0"\n', '  veth_mtu: "0\n    "\n'), {"mtu": 1450}, ("  veth_mtu:", 1),
                 "the value of veth_mtu is not a one-line scalar on the line of its key; kconf cannot edit it safely",
                 id="veth-mtu-over-two-lines"),
    pytest.param(sub('          "ipam": {\n              "type": "calico-ipam"\n          },\n',
                     '          "ipam": {"type": "calico-ipam"},\n'), {"ipv6_pod_cidr": IPV6_CIDR}, ("  cni_network_config:", 1),
                 'data.cni_network_config of the calico-config ConfigMap has no "ipam": {{ line(s) of its own; kconf '
                 "cannot edit it safely", id="ipam-on-one-line"),
    pytest.param(sub('"type": "calico-ipam"', '"type": "host-local",\n              "subnet": "usePodCidr"'),
                 {"ipv6_pod_cidr": IPV6_CIDR}, ('"ipam": {', 1),
                 'dual stack needs Calico IPAM ("type": "calico-ipam" in the "ipam" block of data.cni_network_config), '
                 "which this manifest does not have", id="host-local-ipam"),
    pytest.param(sub('"type": "calico-ipam"', '"type": "calico-ipam", "assign_ipv4": "true"'), {"ipv6_pod_cidr": IPV6_CIDR},
                 ('"type": "calico-ipam", "assign_ipv4"', 1),
                 'the "ipam" block of data.cni_network_config is not one "key": value per line; kconf cannot edit it safely',
                 id="two-ipam-members-on-a-line"),
    pytest.param(sub('          "mtu": __CNI_MTU__,\n', '          "mtu": __CNI_MTU__,,\n'), {"ipv6_pod_cidr": IPV6_CIDR},
                 ("  cni_network_config:", 1),
                 "data.cni_network_config of the calico-config ConfigMap is not the JSON of a CNI config; kconf cannot "
                 "edit it safely", id="cni-config-not-json"),
    pytest.param(sub('            - name: CALICO_IPV4POOL_IPIP\n              value: "Always"\n',
                     '            - name: CALICO_IPV4POOL_IPIP\n              valueFrom:\n                configMapKeyRef:\n'
                     '                  name: calico-config\n                  key: ipip\n'), {"encapsulation": "VXLAN"},
                 ("- name: CALICO_IPV4POOL_IPIP", 1), "CALICO_IPV4POOL_IPIP is set with valueFrom; kconf cannot edit it safely",
                 id="ipip-value-from"),
    pytest.param(sub(IPIP_ITEM, IPIP_ITEM + IPIP_ITEM), {"encapsulation": "VXLAN"}, ("- name: CALICO_IPV4POOL_IPIP", 2),
                 "CALICO_IPV4POOL_IPIP is set 2 times (lines {lines}); kconf cannot edit it safely", id="ipip-twice"),
    pytest.param(sub("quay.io/calico/node:v3.32.1", "quay.io/calico/node:v3.22.5", 2),
                 {"encapsulation": "VXLANCrossSubnet", "ipv6_pod_cidr": IPV6_CIDR}, ("image: quay.io/calico/node", 2),
                 "encapsulation VXLANCrossSubnet puts the IPv6 pool on VXLAN, which needs Calico v3.23 or later, but the "
                 "calico-node image is quay.io/calico/node:v3.22.5: take the manifest of a newer Calico, or encapsulation "
                 "IPIP, IPIPCrossSubnet or None (the IPv6 pool is then routed without encapsulation, over BGP)",
                 id="ipv6-vxlan-below-v3.23"),
    pytest.param(sub("quay.io/calico/node:v3.32.1", "quay.io/calico/node:v3.23.0", 2),
                 {"encapsulation": "VXLANCrossSubnet", "ipv6_pod_cidr": IPV6_CIDR}, None, None, id="ipv6-vxlan-at-v3.23"),
]  # fmt: skip


@pytest.mark.parametrize(("edit", "settings", "where", "message"), REFUSED)
def test_refused(edit: Any, settings: dict[str, Any], where: tuple[str, int] | None, message: str | None) -> None:
    text = edit(small_manifest())
    if message is None:
        result = patch_manifest(text, "c.yaml", POD_CIDR, None, **settings)
        assert patch_manifest(result.text, "c.yaml", POD_CIDR, None, **settings).text == result.text
        return
    assert where is not None
    with pytest.raises(KconfError) as caught:
        patch_manifest(text, "c.yaml", POD_CIDR, None, **settings)
    needle, nth = where
    hits = [n for n, line in enumerate(text.split("\n"), 1) if needle in line]
    assert (caught.value.path, caught.value.line) == ("c.yaml", hits[nth - 1])
    assert caught.value.message == message.format(first=hits[0], lines=", ".join(str(n) for n in hits[:2]))


def test_ipv6_vxlan_with_an_image_of_no_version_warns() -> None:
    text = sub("quay.io/calico/node:v3.32.1", "quay.io/calico/node:latest", 2)(small_manifest())
    result = patch_manifest(text, "c.yaml", POD_CIDR, None, encapsulation="VXLAN", ipv6_pod_cidr=IPV6_CIDR)
    line = [n for n, t in enumerate(text.split("\n"), 1) if "image: quay.io/calico/node:latest" in t][-1]  # after the init container's
    assert result.warnings == [
        f"c.yaml:{line}: cannot tell the Calico version from image 'quay.io/calico/node:latest'; encapsulation VXLAN "
        "puts the IPv6 pool on VXLAN, which needs Calico v3.23 or later"
    ]


OPTION_ERRORS = [
    pytest.param({"encapsulation": "ipip"}, "--encapsulation: 'ipip' is not one of IPIP, IPIPCrossSubnet, VXLAN, VXLANCrossSubnet, None",
                 id="encapsulation-case"),
    pytest.param({"block_size": 19}, "--block-size: 19 is not an IPv4 block size (20 to 32)", id="block-size-19"),
    pytest.param({"block_size": 33}, "--block-size: 33 is not an IPv4 block size (20 to 32)", id="block-size-33"),
    pytest.param({"block_size": True}, "--block-size: True is not an IPv4 block size (20 to 32)", id="block-size-bool"),
    pytest.param({"pod_cidr": "10.0.0.0/25", "block_size": 24},
                 "--block-size: a /24 block does not fit in the pod CIDR 10.0.0.0/25, and the pool must hold at least one: "
                 "use 25 or more", id="block-larger-than-the-pool"),
    pytest.param({"mtu": 999}, "--mtu: 999 is outside 1000-9000", id="mtu-999"),
    pytest.param({"mtu": 9001}, "--mtu: 9001 is outside 1000-9000", id="mtu-9001"),
    pytest.param({"ipv6_pod_cidr": "10.1.0.0/16"}, "--ipv6-pod-cidr: 10.1.0.0/16 is IPv4; CALICO_IPV6POOL_CIDR takes an IPv6 CIDR",
                 id="ipv6-cidr-ipv4"),
    pytest.param({"ipv6_pod_cidr": "fd00::1/64"},
                 "--ipv6-pod-cidr: 'fd00::1/64' has host bits set: the network is fd00::/64 (write that, or fix the prefix length)",
                 id="ipv6-cidr-host-bits"),
    pytest.param({"ipv6_pod_cidr": "fd00::/124"},
                 "--ipv6-pod-cidr: fd00::/124 is smaller than one /122 block, Calico's IPv6 block size: use a prefix "
                 "length of 122 or less", id="ipv6-cidr-smaller-than-a-block"),
    pytest.param({"ipv6_autodetect": "interface=eth0"},
                 "--ipv6-autodetect: IPv6 autodetection is for a dual-stack pool: give --ipv6-pod-cidr too",
                 id="ipv6-autodetect-alone"),
    pytest.param({"ipv6_pod_cidr": IPV6_CIDR, "ipv6_autodetect": "nic=eth0"},
                 "--ipv6-autodetect: unknown autodetection method 'nic' (one of: first-found, can-reach, interface, "
                 "skip-interface, cidr, kubernetes-internal-ip)", id="ipv6-autodetect-bad-method"),
]  # fmt: skip


@pytest.mark.parametrize(("options", "message"), OPTION_ERRORS)
def test_option_errors(options: dict[str, Any], message: str) -> None:
    options = dict(options)  # the parameter is shared by every run of this test in the process (mutmut reruns it)
    pod_cidr = options.pop("pod_cidr", POD_CIDR)
    with pytest.raises(KconfError) as caught:
        patch_manifest(small_manifest(), "c.yaml", pod_cidr, None, **options)
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("pod_cidr", "block_size"),
    [pytest.param("10.0.0.0/25", 25, id="block-as-large-as-the-pool"), pytest.param("10.0.0.0/8", 20, id="smallest-block-size"),
     pytest.param("10.0.0.0/8", 32, id="largest-block-size")],
)  # fmt: skip
def test_block_sizes_that_fit(pod_cidr: str, block_size: int) -> None:
    result = patch_manifest(small_manifest(), "c.yaml", pod_cidr, None, block_size=block_size)
    env = {item["name"]: item.get("value") for item in daemonset_env(documents(result.text))}
    assert (env["CALICO_IPV4POOL_CIDR"], env["CALICO_IPV4POOL_BLOCK_SIZE"]) == (pod_cidr, str(block_size))


def test_crlf_config_map_edits_keep_their_line_ends() -> None:
    text = small_manifest().replace("\n", "\r\n")
    result = patch_manifest(text, "c.yaml", POD_CIDR, None, mtu=1450, ipv6_pod_cidr=IPV6_CIDR)
    assert result.text.count("\r\n") == result.text.count("\n")
    assert '  veth_mtu: "1450"\r\n' in result.text
    assert '              "type": "calico-ipam",\r\n              "assign_ipv6": "true"\r\n' in result.text
    assert cni_ipam(calico_config(documents(result.text))) == {"type": "calico-ipam", "assign_ipv6": "true"}


# --- the command line ---------------------------------------------------------------------------

FULL_ARGS = [
    "--pod-cidr", POD_CIDR, "--autodetect", METHOD, "--encapsulation", "VXLAN", "--block-size", "24", "--mtu", "1450",
    "--ipv6-pod-cidr", IPV6_CIDR, "--ipv6-autodetect", IPV6_METHOD,
]  # fmt: skip


def test_cli_takes_every_setting(tmp_path: Path) -> None:
    manifest = tmp_path / "calico.yaml"
    manifest.write_text(small_manifest())
    result = run_cli("calico", "patch", str(manifest), *FULL_ARGS, "-o", str(tmp_path / "out.yaml"))
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")
    expected = patch_manifest(
        small_manifest(), "x", POD_CIDR, METHOD, encapsulation="VXLAN", block_size=24, mtu=1450,
        ipv6_pod_cidr=IPV6_CIDR, ipv6_autodetect=IPV6_METHOD,
    ).text  # fmt: skip
    assert (tmp_path / "out.yaml").read_text() == expected
    assert changed_lines(small_manifest(), expected) == [
        '-  veth_mtu: "0"', '+  veth_mtu: "1450"',
        '-              "type": "calico-ipam"', '+              "type": "calico-ipam",', '+              "assign_ipv6": "true"',
        "+            - name: IP_AUTODETECTION_METHOD", '+              value: "cidr=192.168.51.0/24"',
        "+            - name: IP6", '+              value: "autodetect"',
        "+            - name: IP6_AUTODETECTION_METHOD", '+              value: "cidr=fd00:51::/64"',
        '-              value: "Always"', '+              value: "Never"',
        '-              value: "Never"', '+              value: "Always"',
        '-              value: "Never"', '+              value: "Always"',
        "-            # - name: CALICO_IPV4POOL_CIDR", '-            #   value: "192.168.0.0/16"',
        "+            - name: CALICO_IPV4POOL_CIDR", '+              value: "172.16.0.0/16"',
        "+            - name: CALICO_IPV4POOL_BLOCK_SIZE", '+              value: "24"',
        "+            - name: CALICO_IPV6POOL_CIDR", '+              value: "fd00:10:244::/56"',
        '-              value: "false"', '+              value: "true"',
    ]  # fmt: skip
    again = run_cli("calico", "patch", "-", *FULL_ARGS, input=expected)
    assert (again.exit_code, again.stdout) == (0, expected)


def test_cli_refusal_names_the_manifest_line_and_writes_nothing(tmp_path: Path) -> None:
    corpus = require_corpus()
    manifest = tmp_path / "calico-vxlan.yaml"
    shutil.copy(corpus / "v3.28.5" / "calico-vxlan.yaml", manifest)
    out = tmp_path / "out.yaml"
    result = run_cli("calico", "patch", str(manifest), "--pod-cidr", POD_CIDR, "--encapsulation", "IPIP", "-o", str(out))
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == f"kconf: error: {manifest}:50: " + NEEDS_BIRD.format(encapsulation="IPIP", routes="IPIP routes") + "\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["calico-vxlan.yaml"]


FIRST_FOUND = (
    "kconf: warning: {option} first-found: calico-node takes the first address of the first interface it finds, which "
    "on a host with more than one NIC is often the wrong one: a NAT adapter (VirtualBox and Vagrant give every VM the "
    "same 10.0.2.15) or an address the other nodes cannot reach, and pod traffic between the nodes goes nowhere; pin "
    "it to the nodes' network: cidr=<their CIDR>, interface=<the cluster NIC>, or kubernetes-internal-ip (Calico v3.22 "
    "and later)\n"
)


@pytest.mark.parametrize(
    ("args", "stderr"),
    [
        pytest.param(["--autodetect", "first-found"], FIRST_FOUND.format(option="--autodetect"), id="ipv4"),
        pytest.param(["--autodetect", " first-found "], FIRST_FOUND.format(option="--autodetect"), id="ipv4-blanks"),
        pytest.param(["--ipv6-pod-cidr", IPV6_CIDR, "--ipv6-autodetect", "first-found"], FIRST_FOUND.format(option="--ipv6-autodetect"),
                     id="ipv6"),
        pytest.param(["--autodetect", "interface=eth0"], "", id="interface-no-warning"),
        pytest.param(["--autodetect", "skip-interface=first-found"], "", id="an-interface-named-so-no-warning"),
    ],
)  # fmt: skip
def test_cli_first_found_warns_and_patches(tmp_path: Path, args: list[str], stderr: str) -> None:
    manifest = tmp_path / "calico.yaml"
    manifest.write_text(small_manifest())
    result = run_cli("calico", "patch", str(manifest), "--pod-cidr", POD_CIDR, *args)
    assert (result.exit_code, result.stderr) == (0, stderr)
    env = {item["name"]: item.get("value") for item in daemonset_env(documents(result.stdout))}
    assert env["CALICO_IPV4POOL_CIDR"] == POD_CIDR


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(["--encapsulation", "ipip"], "Invalid value for '--encapsulation'", id="encapsulation-choice"),
        pytest.param(["--block-size", "x"], "Invalid value for '--block-size'", id="block-size-not-a-number"),
        pytest.param(["--mtu", "1.5"], "Invalid value for '--mtu'", id="mtu-not-a-number"),
    ],
)
def test_cli_usage_errors(tmp_path: Path, args: list[str], message: str) -> None:
    manifest = tmp_path / "calico.yaml"
    manifest.write_text(small_manifest())
    result = run_cli("calico", "patch", str(manifest), "--pod-cidr", POD_CIDR, *args, "--in-place")
    assert result.exit_code == 2 and message in result.stderr
    assert manifest.read_text() == small_manifest()


# --- render, manifest mode ----------------------------------------------------------------------

DESCRIPTION = """\
apiVersion: kconf/v1alpha1
kind: Cluster
metadata:
  name: lab
spec:
  kubernetesVersion: v1.31.2
  criSocket: unix:///var/run/containerd/containerd.sock
  networking:
    podSubnet: {pod_subnet}
  calico:
    mode: manifest
    manifest: upstream.yaml
{calico}  nodes:
    - name: cp-1
      role: control-plane
      address: 192.168.51.81/24
    - name: worker-1
      role: worker
      address: 192.168.51.91/24
"""

RENDERED = [
    pytest.param("v3.28.5/calico.yaml", "172.16.0.0/16", "", CIDR, id="defaults-change-only-the-cidr"),
    pytest.param("v3.28.5/calico.yaml", "172.16.0.0/16", "    encapsulation: VXLANCrossSubnet\n    blockSize: 24\n    mtu: 1450\n",
                 MTU + value("Always", "Never") + value("Never", "CrossSubnet") + CIDR + BLOCK_SIZE, id="every-setting"),
    pytest.param("v3.28.5/calico-vxlan.yaml", "172.16.0.0/16", "    encapsulation: VXLANCrossSubnet\n", CIDR,
                 id="vxlan-manifest-as-it-is"),
    pytest.param("v3.32.1/calico-typha.yaml", "172.16.0.0/16,fd00:10:244::/56", "    blockSize: 26\n",
                 # the nodes' IPv6 network pins IPv6 autodetection (kconf's default, as for IPv4)
                 ASSIGN_IPV6 + ["+            - name: IP6", '+              value: "autodetect"',
                                "+            - name: IP6_AUTODETECTION_METHOD", '+              value: "cidr=fd00:51::/64"']
                 + CIDR + IPV6_POOL + IPV6_SUPPORT, id="dual-stack"),
    pytest.param("v3.32.1/calico.yaml", "172.16.0.0/16,fd00:10:244::/56", "    ipAutodetection: interface=enp0s8\n",
                 ASSIGN_IPV6 + ["+            - name: IP_AUTODETECTION_METHOD", '+              value: "interface=enp0s8"',
                                "+            - name: IP6", '+              value: "autodetect"',
                                "+            - name: IP6_AUTODETECTION_METHOD", '+              value: "interface=enp0s8"']
                 + CIDR + IPV6_POOL + IPV6_SUPPORT, id="dual-stack-interface-for-both-families"),
]  # fmt: skip


@pytest.mark.parametrize(("upstream", "pod_subnet", "calico", "expected"), RENDERED)
def test_render_writes_the_description_pool(tmp_path: Path, upstream: str, pod_subnet: str, calico: str, expected: list[str]) -> None:
    corpus = require_corpus()
    shutil.copy(corpus / upstream, tmp_path / "upstream.yaml")
    description = tmp_path / "cluster.yaml"
    text = DESCRIPTION.format(pod_subnet=pod_subnet, calico=calico)
    if "," in pod_subnet:  # dual stack: each node has an address of each family (ip-family-mismatch)
        text = text.replace("192.168.51.81/24", "192.168.51.81/24,fd00:51::81/64").replace("192.168.51.91/24", "192.168.51.91/24,fd00:51::91/64")
    description.write_text(text)
    result = run_cli("render", str(description))
    assert result.exit_code == 0, result.stderr
    before, after = read(corpus / upstream), (tmp_path / "lab" / "calico.yaml").read_text()
    autodetect = [] if "ipAutodetection" in calico else ["+            - name: IP_AUTODETECTION_METHOD", '+              value: "cidr=192.168.51.0/24"']
    lines = changed_lines(before, after)
    assert [line for line in lines if line not in autodetect] == [line for line in expected if line not in autodetect]
    assert [line for line in lines if line in autodetect] == autodetect
    assert run_cli("render", str(description), "--check").exit_code == 0


@pytest.mark.parametrize(
    ("calico", "hint"),
    [
        pytest.param("", " (spec.calico.encapsulation is not set, and kconf's default is IPIP)", id="default-names-the-field"),
        pytest.param("    encapsulation: IPIP\n", "", id="written-ipip"),
    ],
)
def test_render_refuses_ipip_on_the_vxlan_manifest(tmp_path: Path, calico: str, hint: str) -> None:
    corpus = require_corpus()
    shutil.copy(corpus / "v3.32.1" / "calico-vxlan.yaml", tmp_path / "upstream.yaml")
    description = tmp_path / "cluster.yaml"
    description.write_text(DESCRIPTION.format(pod_subnet="172.16.0.0/16", calico=calico))
    result = run_cli("render", str(description))
    assert (result.exit_code, result.stdout) == (2, "")
    message = NEEDS_BIRD.format(encapsulation="IPIP", routes="IPIP routes")
    assert result.stderr == f"kconf: error: {tmp_path / 'upstream.yaml'}:50: {message}{hint}\n"
    assert not (tmp_path / "lab").exists()


# --- the internal check of the ConfigMap edit ----------------------------------------------------


@pytest.mark.parametrize(
    ("text", "equal"),
    [
        pytest.param('{"ipam": {"type": "calico-ipam", "assign_ipv6": "true"}, "mtu": __CNI_MTU__}', True, id="same-data"),
        pytest.param('{"mtu": 0, "ipam": {"assign_ipv6": "true", "type": "calico-ipam"}}', True, id="same-data-other-order"),
        pytest.param('{"ipam": {"type": "calico-ipam", "assign_ipv6": "false"}, "mtu": __CNI_MTU__}', False, id="other-value"),
        pytest.param('{"ipam": {"type": "calico-ipam"}, "mtu": __CNI_MTU__}', False, id="missing-key"),
        pytest.param('{"ipam": {', False, id="not-json"),
        pytest.param(None, False, id="not-a-string"),
    ],
)
def test_same_json(text: Any, equal: bool) -> None:
    from kconf.calico.patch import _SameJson

    expected = _SameJson({"ipam": {"type": "calico-ipam", "assign_ipv6": "true"}, "mtu": 0})
    assert (text == expected) is equal
    assert ({"cni": text} == {"cni": expected}) is equal  # as the verifier compares documents


def test_the_internal_check_refuses_a_config_map_that_loads_to_other_data(monkeypatch: pytest.MonkeyPatch) -> None:
    from kconf.calico import patch

    real = patch._assign_ipv6

    def wrong(config: Any, lines: list[str]) -> Any:
        edits, expected = real(config, lines)
        edits[0].lines[1] = edits[0].lines[1].replace('"true"', '"yes"')
        return edits, expected

    monkeypatch.setattr(patch, "_assign_ipv6", wrong)
    text = small_manifest()
    with pytest.raises(KconfError) as caught:
        patch_manifest(text, "c.yaml", POD_CIDR, None, ipv6_pod_cidr=IPV6_CIDR)
    line = [n for n, t in enumerate(text.split("\n"), 1) if t == "kind: ConfigMap"][0]
    assert str(caught.value) == (
        f"c.yaml:{line}: internal check failed: the edited calico-config ConfigMap does not load to the intended data; "
        "nothing was written"
    )
