"""kconf/calico/patch.py: cases that mutants surviving the rest of the suite showed missing.

Small hand-written DaemonSets, so the exact expected text can be written down;
the helpers that find a scalar's end and read an image's version get tables of
their own. See tools/mutation/run.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kconf.calico.patch import (
    CalicoNodeEnv,
    _daemonset_expect,
    _format,
    _is_content,
    _layout,
    _list_end,
    _scalar_end,
    _split,
    _verify,
    calico_version,
    check_ipv6_pod_cidr,
    find_calico_node,
    patch_manifest,
    run_patch,
)
from kconf.errors import KconfError

POD_CIDR = "172.16.0.0/16"
METHOD = "cidr=192.168.51.0/24"

# A commented-out CIDR pair above `env:` (in the container, not in its env)
# must be left alone: only the env list is searched.
HEAD = """kind: DaemonSet
apiVersion: apps/v1
metadata:
  name: calico-node
spec:
  template:
    spec:
      containers:
        - name: calico-node
          image: docker.io/calico/node:v3.28.0
          # - name: CALICO_IPV4POOL_CIDR
          #   value: "10.0.0.0/8"
          env:
"""
IP_DOUBLE = '            - name: IP\n              value: "autodetect"\n'
COMMENTED = '            # - name: CALICO_IPV4POOL_CIDR\n            #   value: "192.168.0.0/16"\n'
CIDR_DOUBLE = '            - name: CALICO_IPV4POOL_CIDR\n              value: "172.16.0.0/16"\n'
METHOD_DOUBLE = '            - name: IP_AUTODETECTION_METHOD\n              value: "cidr=192.168.51.0/24"\n'
CIDR_PLAIN = "            - name: CALICO_IPV4POOL_CIDR\n              value: 172.16.0.0/16\n"
METHOD_PLAIN = "            - name: IP_AUTODETECTION_METHOD\n              value: cidr=192.168.51.0/24\n"
NODENAME_FROM = "            - name: NODENAME\n              valueFrom:\n                fieldRef:\n                  fieldPath: spec.nodeName\n"


def env_after_patch(env: str, newline: str = "\n") -> str:
    text = (HEAD + env).replace("\n", newline)
    patched = patch_manifest(text, "c.yaml", POD_CIDR, METHOD).text
    head = HEAD.replace("\n", newline)
    assert patched.startswith(head)
    return patched[len(head) :].replace(newline, "\n")


@pytest.mark.parametrize(
    ("env", "newline", "expected"),
    [
        pytest.param(COMMENTED + IP_DOUBLE, "\n", CIDR_DOUBLE + IP_DOUBLE + METHOD_DOUBLE, id="commented-first-after-env"),
        pytest.param(IP_DOUBLE + COMMENTED, "\n", IP_DOUBLE + METHOD_DOUBLE + CIDR_DOUBLE, id="commented-last-in-env"),
        pytest.param(IP_DOUBLE + COMMENTED, "\r\n", IP_DOUBLE + METHOD_DOUBLE + CIDR_DOUBLE, id="commented-last-crlf"),
        pytest.param(
            IP_DOUBLE + '            #   value: "x"\n' + COMMENTED + '            - name: A\n              value: "b"\n', "\n",
            IP_DOUBLE + METHOD_DOUBLE + '            #   value: "x"\n' + CIDR_DOUBLE + '            - name: A\n              value: "b"\n',
            id="a-lone-commented-value-is-not-a-pair",
        ),
        pytest.param(
            IP_DOUBLE + "            # - name: CALICO_IPV4POOL_CIDRXX\n            #   value: \"192.168.0.0/16\"\n", "\n",
            IP_DOUBLE + METHOD_DOUBLE + CIDR_DOUBLE + "            # - name: CALICO_IPV4POOL_CIDRXX\n            #   value: \"192.168.0.0/16\"\n",
            id="another-name-commented-out",
        ),
        pytest.param(
            IP_DOUBLE + "            # - name: CALICO_IPV4POOL_CIDR\t\n            #   value: \"192.168.0.0/16\"\n", "\n",
            IP_DOUBLE + METHOD_DOUBLE + CIDR_DOUBLE + "            # - name: CALICO_IPV4POOL_CIDR\t\n            #   value: \"192.168.0.0/16\"\n",
            id="tab-after-commented-name-is-not-the-upstream-line",
        ),
        # commented out before every item: laid out like the first item (not the second)
        pytest.param(COMMENTED + '            - name: A\n              value: "a"\n            -   name: B\n                value: "b"\n', "\n",
                     CIDR_DOUBLE + '            - name: A\n              value: "a"\n            -   name: B\n                value: "b"\n'
                     '            -   name: IP_AUTODETECTION_METHOD\n                value: "cidr=192.168.51.0/24"\n',
                     id="laid-out-like-the-first-item"),
        # commented out after items laid out differently: laid out like the item before it
        pytest.param('            - name: A\n              value: "a"\n            -   name: B\n                value: "b"\n' + COMMENTED, "\n",
                     '            - name: A\n              value: "a"\n            -   name: B\n                value: "b"\n'
                     '            -   name: IP_AUTODETECTION_METHOD\n                value: "cidr=192.168.51.0/24"\n'
                     '            -   name: CALICO_IPV4POOL_CIDR\n                value: "172.16.0.0/16"\n',
                     id="laid-out-like-the-item-before"),
        # the commented value's own quote decides the style; no quote: the env's majority (double here)
        pytest.param(IP_DOUBLE + "            # - name: CALICO_IPV4POOL_CIDR\n            #   value:\t\n", "\n",
                     IP_DOUBLE + METHOD_DOUBLE + CIDR_DOUBLE, id="commented-value-only-a-tab"),
        pytest.param(IP_DOUBLE + "            # - name: CALICO_IPV4POOL_CIDR\n            #   value: X\n", "\n",
                     IP_DOUBLE + METHOD_DOUBLE + CIDR_DOUBLE, id="commented-value-plain"),
        # an empty commented value has no first character; it counts as plain
        pytest.param(IP_DOUBLE + "            # - name: CALICO_IPV4POOL_CIDR\n            #   value:\n", "\r\n",
                     IP_DOUBLE + METHOD_DOUBLE + CIDR_PLAIN, id="commented-value-empty-crlf"),
    ],
)
def test_commented_out_cidr(env: str, newline: str, expected: str) -> None:
    assert env_after_patch(env, newline) == expected


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        pytest.param("            - name: IP\n              value: autodetect\n" + NODENAME_FROM,
                     "            - name: IP\n              value: autodetect\n" + METHOD_PLAIN + NODENAME_FROM + CIDR_PLAIN,
                     id="one-plain-value"),
        pytest.param("            - name: IP\n              value: autodetect\n            - name: A\n              value: b\n"
                     '            - name: B\n              value: "c"\n',
                     "            - name: IP\n              value: autodetect\n" + METHOD_PLAIN
                     + "            - name: A\n              value: b\n" + '            - name: B\n              value: "c"\n' + CIDR_PLAIN,
                     id="two-plain-one-double"),
        pytest.param("            - name: IP\n              value: 'autodetect'\n            - name: A\n              value: b\n"
                     '            - name: B\n              value: "c"\n',
                     "            - name: IP\n              value: 'autodetect'\n" + METHOD_DOUBLE
                     + "            - name: A\n              value: b\n" + '            - name: B\n              value: "c"\n'
                     + CIDR_DOUBLE,
                     id="a-tie-goes-to-double"),
    ],
)
def test_new_items_take_the_majority_quote_style(env: str, expected: str) -> None:
    assert env_after_patch(env) == expected


def test_a_commented_out_cidr_inside_another_item_is_refused() -> None:
    env = "            - name: IP\n" + COMMENTED + '              value: "autodetect"\n'
    with pytest.raises(KconfError) as caught:
        patch_manifest(HEAD + env, "c.yaml", POD_CIDR, METHOD)
    assert str(caught.value) == (
        "c.yaml:15: the commented-out CALICO_IPV4POOL_CIDR lies inside another env item; kconf cannot edit it safely"
    )


def test_entry_of_a_missing_name_is_none() -> None:
    node = find_calico_node(HEAD + IP_DOUBLE, "c.yaml")
    assert node is not None
    assert node.entry("IP") is not None
    assert node.entry("CALICO_IPV4POOL_CIDR") is None


@pytest.mark.parametrize(
    ("image", "expected"),
    [
        pytest.param("docker.io/calico/node:v3.20.1", (3, 20), id="registry-path-tag"),
        pytest.param("node:v3.28.0", (3, 28), id="no-slash"),
        pytest.param("quay.io:443/calico/node:3.31.7", (3, 31), id="registry-port-no-v"),
        pytest.param("calico/node:v3.28:9.9", (3, 28), id="first-colon-starts-the-tag"),
        pytest.param("calico/node@sha256:1.2", None, id="digest-without-tag"),
        pytest.param("calico/node@x:2.3@y", None, id="text-after-the-first-at-is-digest"),
        pytest.param("a/b:1.1/node", None, id="colon-in-an-earlier-path-part"),
        pytest.param("calico/node", None, id="no-tag"),
        pytest.param("", None, id="empty"),
        pytest.param(None, None, id="none"),
    ],
)
def test_calico_version(image: str | None, expected: tuple[int, int] | None) -> None:
    assert calico_version(image) == expected


@pytest.mark.parametrize(
    ("text", "col", "expected"),
    [
        pytest.param('x: "a #b"', 3, 9, id="double-hash-inside"),
        pytest.param('x: "a\\"b" # c', 3, 9, id="double-escaped-quote"),
        pytest.param('"a\\"" # c', 0, 5, id="double-escaped-quote-last"),
        pytest.param('x: "" # c', 3, 5, id="double-empty"),
        pytest.param('x: "abc', 3, None, id="double-unterminated"),
        pytest.param("'it''s #x' # c", 0, 10, id="single-doubled-quote"),
        pytest.param("'a'''", 0, 5, id="single-doubled-quote-last"),
        pytest.param("'abc'", 0, 5, id="single-odd-length"),
        pytest.param("'' # c", 0, 2, id="single-empty"),
        pytest.param("'abc", 0, None, id="single-unterminated"),
        pytest.param("x: abc # c", 3, 6, id="plain-comment"),
        pytest.param("x: abc \t\r", 3, 6, id="plain-trailing-space"),
        pytest.param("x: X", 3, 4, id="plain-X"),
        pytest.param("x: |", 3, None, id="block-scalar"),
        pytest.param("x: *a", 3, None, id="alias"),
        pytest.param("x:", 2, None, id="nothing"),
    ],
)
def test_scalar_end(text: str, col: int, expected: int | None) -> None:
    assert _scalar_end(text, col) == expected


def test_a_bad_method_is_reported_before_the_file_is_read(tmp_path: Path) -> None:
    with pytest.raises(KconfError) as caught:
        run_patch(str(tmp_path / "missing.yaml"), POD_CIDR, "bogus", output=None, in_place=False, echo=print)
    assert str(caught.value) == (
        "--autodetect: unknown autodetection method 'bogus' "
        "(one of: first-found, can-reach, interface, skip-interface, cidr, kubernetes-internal-ip)"
    )


@pytest.mark.parametrize(
    ("env", "message"),
    [
        pytest.param('            - name: CALICO_IPV4POOL_CIDR\n              value: "x"\n              extra: 1\n' + IP_DOUBLE,
                     "c.yaml:14: CALICO_IPV4POOL_CIDR has keys other than name and value; kconf cannot edit it safely", id="extra-key"),
        pytest.param("            - name: CALICO_IPV4POOL_CIDR\n" + IP_DOUBLE,
                     "c.yaml:14: CALICO_IPV4POOL_CIDR has no value; kconf cannot edit it safely", id="no-value"),
        pytest.param(IP_DOUBLE + "            - name: CALICO_IPV4POOL_CIDR\n              value: 10.0.0.0/8\n                more\n",
                     "c.yaml:17: the value of CALICO_IPV4POOL_CIDR is not a one-line scalar on the line of its key; kconf cannot edit it safely",
                     id="value-continues-on-the-next-line"),
    ],
)
def test_an_existing_cidr_item_kconf_cannot_edit(env: str, message: str) -> None:
    with pytest.raises(KconfError) as caught:
        patch_manifest(HEAD + env, "c.yaml", POD_CIDR, METHOD)
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        # the quoted value holds " #": the trailing comment after it is kept
        pytest.param('            - name: CALICO_IPV4POOL_CIDR\n              value: "x #y" # note\n' + IP_DOUBLE,
                     '            - name: CALICO_IPV4POOL_CIDR\n              value: "172.16.0.0/16" # note\n' + IP_DOUBLE + METHOD_DOUBLE,
                     id="value-with-hash-and-comment"),
        # the value is the document's last line, with no line break after it
        pytest.param(IP_DOUBLE + '            - name: CALICO_IPV4POOL_CIDR\n              value: "10.0.0.0/8"',
                     IP_DOUBLE + METHOD_DOUBLE + '            - name: CALICO_IPV4POOL_CIDR\n              value: "172.16.0.0/16"',
                     id="value-on-the-last-line"),
        # no line break at the end of the file: the last item still ends at its value line
        pytest.param('            - name: A\n              value: "a"',
                     '            - name: A\n              value: "a"\n' + METHOD_DOUBLE + CIDR_DOUBLE.removesuffix("\n"),
                     id="last-item-on-the-last-line"),
        # a one-line item (no value): the new item still goes after it
        pytest.param('            - name: IP\n            - name: A\n              value: "b"\n',
                     "            - name: IP\n" + METHOD_DOUBLE + '            - name: A\n              value: "b"\n' + CIDR_DOUBLE,
                     id="after-a-one-line-item"),
    ],
)
def test_edits_of_existing_items(env: str, expected: str) -> None:
    assert patch_manifest(HEAD + env, "c.yaml", POD_CIDR, METHOD).text == HEAD + expected


@pytest.mark.parametrize(
    ("value", "style", "expected"),
    [
        pytest.param("abc", "plain", "abc", id="plain"),
        pytest.param("a b", "plain", '"a b"', id="plain-unsafe"),
        pytest.param("true", "plain", '"true"', id="plain-would-be-a-bool"),
        pytest.param("it's", "single", "'it''s'", id="single"),
        pytest.param(" ", "single", "' '", id="single-space-is-printable"),
        pytest.param("a\tb", "single", '"a\\x09b"', id="single-with-tab"),
        pytest.param("a\x7fb", "single", '"a\\x7fb"', id="single-with-del"),
        pytest.param('a"b\\c', "double", '"a\\"b\\\\c"', id="double-escapes"),
        pytest.param("X", "double", '"X"', id="double-X"),
        pytest.param("\x7f", "double", '"\\x7f"', id="double-del"),
        pytest.param("\n", "double", '"\\x0a"', id="double-line-break"),
    ],
)
def test_format(value: str, style: str, expected: str) -> None:
    assert _format(value, style) == expected


def _verify_daemonset(node: CalicoNodeEnv, before: str, after: str) -> None:
    items, _ = _layout(node, before.split("\n"))
    _verify("c.yaml", before, after, [_daemonset_expect(node, items, [], {})])


FAILED = "internal check failed: the edited calico-node DaemonSet {}; nothing was written"
CONFIG_MAP = "kind: ConfigMap\n---\n"


@pytest.mark.parametrize(
    ("before", "after", "message"),
    [
        pytest.param(CONFIG_MAP + HEAD + IP_DOUBLE, CONFIG_MAP + HEAD + IP_DOUBLE + "---\nkind: X\n",
                     "c.yaml:3: " + FAILED.format("changed the document structure"), id="structure"),
        pytest.param(CONFIG_MAP + HEAD + IP_DOUBLE, "kind: Secret\n---\n" + HEAD + IP_DOUBLE,
                     "c.yaml:3: " + FAILED.format("changed other documents"), id="other-documents"),
        pytest.param(CONFIG_MAP + HEAD + IP_DOUBLE, CONFIG_MAP + HEAD.replace("kind: DaemonSet", "kind: DaemonSet\nx: [") + IP_DOUBLE,
                     "c.yaml:3: " + FAILED.format("does not load (invalid YAML: did not find expected ',' or ']')"), id="broken"),
        pytest.param(CONFIG_MAP + HEAD + IP_DOUBLE, CONFIG_MAP + HEAD + IP_DOUBLE.replace("autodetect", "other"),
                     "c.yaml:3: " + FAILED.format("does not load to the intended data"), id="data"),
    ],
)
def test_the_internal_check_refuses_a_bad_edit(before: str, after: str, message: str) -> None:
    node = find_calico_node(before, "c.yaml")
    assert node is not None
    with pytest.raises(KconfError) as caught:
        _verify_daemonset(node, before, after)
    assert str(caught.value) == message


ITEM_A = '            - name: A\n              value: "a"\n'
ITEM_B = '            - name: B\n              value: "b"\n'
POOL_IPIP = '            - name: CALICO_IPV4POOL_IPIP\n              value: "Always"\n'
AFTER_ENV = "          securityContext:\n            privileged: true\n"
DEDENTED = (
    '          - name: A\n            value: "a"\n          - name: IP\n'
    "          - name: IP_AUTODETECTION_METHOD\n            value: \"cidr=192.168.51.0/24\"\n"
    '          - name: CALICO_IPV4POOL_CIDR\n            value: "172.16.0.0/16"\n'
)


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        pytest.param(ITEM_A + POOL_IPIP + ITEM_B, ITEM_A + POOL_IPIP + CIDR_DOUBLE + ITEM_B + METHOD_DOUBLE, id="cidr-after-the-other-pool-settings"),
        pytest.param(ITEM_A + ITEM_B, ITEM_A + ITEM_B + METHOD_DOUBLE + CIDR_DOUBLE, id="no-ip-both-at-the-end"),
        pytest.param('            - X: 1\n              name: A\n              value: "a"\n',
                     '            - X: 1\n              name: A\n              value: "a"\n' + METHOD_DOUBLE + CIDR_DOUBLE, id="name-not-the-first-key"),
        pytest.param(ITEM_A + "            - name: IP\n" + AFTER_ENV,
                     ITEM_A + "            - name: IP\n" + METHOD_DOUBLE + CIDR_DOUBLE + AFTER_ENV, id="one-line-last-item-then-a-container-key"),
    ],
)
def test_where_new_items_go(env: str, expected: str) -> None:
    assert env_after_patch(env) == expected


def test_a_dedented_env_ends_at_the_next_container_key() -> None:
    text = HEAD.replace("          env:\n", "          env:\n          - name: A\n            value: \"a\"\n          - name: IP\n" + AFTER_ENV)
    assert patch_manifest(text, "c.yaml", POD_CIDR, METHOD).text == HEAD.replace("          env:\n", "          env:\n" + DEDENTED + AFTER_ENV)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param(HEAD + IP_DOUBLE + IP_DOUBLE, "c.yaml:16: IP is set 2 times (lines 14, 16); kconf cannot edit it safely", id="ip-twice"),
        pytest.param(HEAD + IP_DOUBLE + '            - name: IP_AUTODETECTION_METHOD\n              value: "x"\n'
                     '            - name: IP_AUTODETECTION_METHOD\n              value: "y"\n',
                     "c.yaml:18: IP_AUTODETECTION_METHOD is set 2 times (lines 16, 18); kconf cannot edit it safely", id="method-twice"),
        pytest.param(HEAD + ITEM_A + "            - just-a-string\n",
                     "c.yaml:16: env item 2 is not a mapping with a name; kconf cannot edit it safely", id="string-item"),
        pytest.param(HEAD + ITEM_A + '            - value: "x"\n',
                     "c.yaml:16: env item 2 is not a mapping with a name; kconf cannot edit it safely", id="item-without-name"),
        pytest.param(HEAD.replace("          env:\n", "          env: []\n"),
                     "c.yaml:13: the calico-node container has no env items; kconf cannot edit it safely", id="empty-flow-env"),
        pytest.param(HEAD.replace("          env:\n", "          env:\n            []\n"),
                     "c.yaml:13: the calico-node container has no env items; kconf cannot edit it safely", id="empty-env-below-its-key"),
        pytest.param(HEAD.replace("          env:\n", "          env: {a: 1}\n"),
                     "c.yaml:13: the calico-node container's env is not a list", id="env-a-mapping"),
    ],
)
def test_env_lists_kconf_refuses(text: str, message: str) -> None:
    with pytest.raises(KconfError) as caught:
        patch_manifest(text, "c.yaml", POD_CIDR, METHOD)
    assert str(caught.value) == message


NEEDS = "kubernetes-internal-ip needs Calico v3.22 or later, but the calico-node image is docker.io/calico/node:v3.21.9: "
STOPS = "calico-node would stop with 'Invalid IP autodetection method'"


@pytest.mark.parametrize(
    ("image_line", "warnings"),
    [
        pytest.param("image: docker.io/calico/node:v3.22.0", [], id="exactly-the-minimum"),
        pytest.param("image: docker.io/calico/node:v3.21.9", [f"c.yaml:10: {NEEDS}{STOPS}"], id="older"),
        pytest.param("image:\n            docker.io/calico/node:v3.21.9", [f"c.yaml:11: {NEEDS}{STOPS}"], id="at-the-line-of-the-value"),
        pytest.param("image: 3", ["c.yaml:10: cannot tell the Calico version from image None; kubernetes-internal-ip needs Calico v3.22 or later"],
                     id="image-not-a-string"),
    ],
)
def test_version_warnings(image_line: str, warnings: list[str]) -> None:
    text = HEAD.replace("image: docker.io/calico/node:v3.28.0", image_line) + IP_DOUBLE
    assert patch_manifest(text, "c.yaml", POD_CIDR, "kubernetes-internal-ip").warnings == warnings


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        pytest.param(["  - a", "    b", "  c: 1"], 2, id="a-key-at-the-dash-column"),
        pytest.param(["  - a", "  - b"], 2, id="an-item-at-the-dash-column"),
        pytest.param(["  - a", "  X-c: 1"], 1, id="a-key-starting-with-X"),
        pytest.param(["  - a", " c: 1"], 1, id="less-indented"),
        pytest.param(["  - a", "", "  # c", "  c: 1"], 3, id="blank-and-comment-lines-skipped"),
        pytest.param(["  - a", "  \t- b"], 1, id="a-tab-is-not-indentation"),
    ],
)
def test_list_end(lines: list[str], expected: int) -> None:
    assert _list_end(lines, 1, len(lines), 2) == expected


@pytest.mark.parametrize(("line", "expected"), [("  X\r", True), ("  # c\r", False), (" \r", False), ("a", True)])
def test_is_content(line: str, expected: bool) -> None:
    assert _is_content(line) is expected


CONFIG_MAP_FIRST = "kind: ConfigMap\n---\n"  # two lines before the DaemonSet: every line number is offset
DAEMONSET = HEAD + IP_DOUBLE


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param(CONFIG_MAP_FIRST + DAEMONSET.replace("      containers:\n        - name: calico-node\n", "      containers: {}\n      x:\n        - name: calico-node\n"),
                     "c.yaml:10: the calico-node DaemonSet has no spec.template.spec.containers list", id="containers-not-a-list"),
        pytest.param(CONFIG_MAP_FIRST + DAEMONSET.replace("        - name: calico-node\n", "        - name: calico-node\n          image: a\n        - name: calico-node\n"),
                     "c.yaml:13: the calico-node DaemonSet has 2 containers named calico-node", id="two-containers"),
        pytest.param(CONFIG_MAP_FIRST + DAEMONSET.replace("        - name: calico-node\n", "        - name: other\n"),
                     "c.yaml:11: the calico-node DaemonSet has no container named calico-node", id="no-container"),
        pytest.param(CONFIG_MAP_FIRST + DAEMONSET + "---\n" + DAEMONSET,
                     "c.yaml:19: more than one calico-node DaemonSet (the first is at line 3); kconf patches exactly one", id="two-daemonsets"),
        pytest.param(CONFIG_MAP_FIRST + DAEMONSET.replace("kind: DaemonSet\napiVersion: apps/v1\n", "apiVersion: apps/v1\nkind: DaemonSet\n") + "---\n"
                     + DAEMONSET.replace("kind: DaemonSet\napiVersion: apps/v1\n", "apiVersion: apps/v1\nkind: DaemonSet\n"),
                     "c.yaml:20: more than one calico-node DaemonSet (the first is at line 4); kconf patches exactly one", id="two-daemonsets-kind-second"),
        pytest.param("\n" + DAEMONSET.replace('value: "autodetect"', 'value: "auto\rdetect"'),
                     "c.yaml:16: a line break other than LF or CRLF in the calico-node DaemonSet; kconf cannot edit it safely",
                     id="lone-cr-in-a-file-starting-with-a-blank-line"),
        # a reader error has no line: the message stands without one
        pytest.param(CONFIG_MAP_FIRST + DAEMONSET.replace('"autodetect"', '"auto\x01detect"'),
                     'c.yaml: invalid YAML: unacceptable character #x0001: control characters are not allowed\n  in "<unicode string>", position 330',
                     id="control-character"),
        pytest.param(CONFIG_MAP_FIRST + HEAD.replace("          env:\n", "          env: {a: 1}\n"),
                     "c.yaml:15: the calico-node container's env is not a list", id="env-a-mapping-after-another-document"),
    ],
)
def test_daemonsets_kconf_refuses(text: str, message: str) -> None:
    with pytest.raises(KconfError) as caught:
        patch_manifest(text, "c.yaml", POD_CIDR, METHOD)
    assert (str(caught.value), caught.value.path) == (message, "c.yaml")


@pytest.mark.parametrize(
    "before",
    [
        pytest.param("kind: ConfigMap\nx: [calico-node\n---\n", id="broken-document-not-a-daemonset"),
        pytest.param("- kind: DaemonSet\n  metadata: {name: calico-node}\n---\n", id="a-list-document"),
        pytest.param('kind: ConfigMap\ndata: {note: "kind: DaemonSet calico-node"}\n---\n', id="the-words-in-a-configmap"),
        pytest.param(DAEMONSET.replace("  name: calico-node\nspec", "  name: other\nspec") + "---\n", id="another-daemonset"),
    ],
)
def test_documents_that_are_not_the_calico_node_daemonset_are_left_alone(before: str) -> None:
    result = patch_manifest(before + DAEMONSET, "c.yaml", POD_CIDR, METHOD)
    assert result.text == before + HEAD + IP_DOUBLE + METHOD_DOUBLE + CIDR_DOUBLE


@pytest.mark.parametrize(
    ("text", "expected"),
    [("---\na\n", [(0, 6)]), ("a\n---\nb\n", [(0, 2), (2, 8)]), ("a\n", [(0, 2)]), ("a\n--- x\n---b\n", [(0, 2), (2, 13)])],
)
def test_split(text: str, expected: list[tuple[int, int]]) -> None:
    assert _split(text) == expected


# --- the calico-config ConfigMap's CNI config (dual stack's assign_ipv6) ----------------------

IPV6_CIDR = "fd00:10:244::/56"
CONFIG = """kind: ConfigMap
apiVersion: v1
metadata:
  name: calico-config
data:
  veth_mtu: "0"
  # the CNI config
  cni_network_config: |-
    {
      "plugins": [
        {
          "type": "calico",
          "ipam": {
              "type": "calico-ipam"
          }
        }
      ]
    }
---
"""
TYPE_ONLY = '              "type": "calico-ipam"\n'
TYPE_AND_ASSIGN = '              "type": "calico-ipam",\n              "assign_ipv6": "true"\n'
DECOY = '  other: |-\n    {\n      "ipam": {\n      }\n    }\n'


def config_after_patch(config: str) -> str:
    """The ConfigMap document of the small manifest after a dual-stack patch."""
    text = config + HEAD + CIDR_DOUBLE + IP_DOUBLE
    patched = patch_manifest(text, "c.yaml", POD_CIDR, None, ipv6_pod_cidr=IPV6_CIDR).text
    return patched[: patched.index("---\n") + 4]


@pytest.mark.parametrize(
    ("autodetect", "ipv6_autodetect", "lines"),
    [
        pytest.param(None, "kubernetes-internal-ip", [29], id="ipv6-method-alone"),
        pytest.param("kubernetes-internal-ip", "kubernetes-internal-ip", [29, 29], id="both-methods-each-warned"),
        pytest.param(None, "interface=eth0", [], id="ipv6-method-without-a-minimum"),
    ],
)
def test_the_ipv6_method_is_checked_against_the_image_too(
    autodetect: str | None, ipv6_autodetect: str, lines: list[int]
) -> None:
    # patch_manifest 36 and 37 dropped the IPv6 method's check (None for the node, or the method)
    text = CONFIG + HEAD.replace("image: docker.io/calico/node:v3.28.0", "image: docker.io/calico/node:v3.21.9")
    text += CIDR_DOUBLE + IP_DOUBLE
    result = patch_manifest(text, "c.yaml", POD_CIDR, autodetect, ipv6_pod_cidr=IPV6_CIDR, ipv6_autodetect=ipv6_autodetect)
    assert result.warnings == [f"c.yaml:{line}: {NEEDS}{STOPS}" for line in lines]


@pytest.mark.parametrize(
    ("old", "new"),
    [
        pytest.param("", "", id="as-upstream"),
        # the key's line, not its value's, marks where the block scalar starts and how deep the key is
        pytest.param("  cni_network_config: |-\n", "  cni_network_config:\n    |-\n", id="block-indicator-on-its-own-line"),
        pytest.param("  # the CNI config\n", "      # the CNI config\n", id="deeper-comment-above-the-key"),
        # "ipam": { lines of other keys, before or after it at its indentation, are not its own
        pytest.param('  veth_mtu: "0"\n', '  veth_mtu: "0"\n' + DECOY, id="ipam-line-in-a-key-before"),
        pytest.param("    }\n---\n", "    }\n" + DECOY + "---\n", id="ipam-line-in-a-key-after"),
    ],
)
def test_assign_ipv6_finds_the_ipam_block_of_its_own_key(old: str, new: str) -> None:
    config = CONFIG.replace(old, new, 1)
    assert config_after_patch(config) == config.replace(TYPE_ONLY, TYPE_AND_ASSIGN)


@pytest.mark.parametrize(
    ("config", "message"),
    [
        pytest.param(CONFIG.replace('      "plugins"', '      "ipam": {\n      },\n      "plugins"'),
                     'c.yaml:15: data.cni_network_config of the calico-config ConfigMap has 2 "ipam": { line(s) of its own; '
                     "kconf cannot edit it safely", id="two-ipam-lines"),
        pytest.param(CONFIG.replace('"type": "calico-ipam"', '"assign_ipv4": "true"'),
                     'c.yaml:13: dual stack needs Calico IPAM ("type": "calico-ipam" in the "ipam" block of '
                     "data.cni_network_config), which this manifest does not have", id="ipam-without-type"),
        # the error points at the `kind` key: not at its value (on the next line), not at the
        # document's first key
        pytest.param('apiVersion: v1\n# kind: ConfigMap\nkind:\n  ConfigMap\nmetadata:\n  name: calico-config\ndata:\n'
                     '  veth_mtu: "0"\n---\n',
                     "c.yaml:3: the calico-config ConfigMap has no data.cni_network_config: a dual-stack install sets "
                     "its IPAM's assign_ipv6", id="no-cni-network-config"),
    ],
)  # fmt: skip
def test_cni_configs_dual_stack_refuses(config: str, message: str) -> None:
    with pytest.raises(KconfError) as caught:
        config_after_patch(config)
    assert str(caught.value) == message


def test_an_ipv6_pod_cidr_of_one_block_is_taken() -> None:
    assert check_ipv6_pod_cidr("fd00:10:244::/122") == "fd00:10:244::/122"


# --- run_patch: the options, the file's name in errors, the byte order mark -------------------


def test_bad_pool_options_are_reported_before_the_file_is_read(tmp_path: Path) -> None:
    with pytest.raises(KconfError) as caught:
        run_patch(str(tmp_path / "missing.yaml"), POD_CIDR, None, mtu=999, output=None, in_place=False, echo=print)
    assert str(caught.value) == "--mtu: 999 is outside 1000-9000"


def test_an_undecodable_file_is_named_in_the_error(tmp_path: Path) -> None:
    manifest = tmp_path / "c.yaml"
    manifest.write_bytes(b"kind: DaemonSet\x00\n")
    with pytest.raises(KconfError) as caught:
        run_patch(str(manifest), POD_CIDR, None, output=None, in_place=False, echo=print)
    assert (caught.value.path, caught.value.line, caught.value.message) == (
        str(manifest), 1, "binary data (a NUL byte): not a YAML file"
    )


def test_a_byte_order_mark_is_kept(tmp_path: Path) -> None:
    manifest = tmp_path / "c.yaml"
    manifest.write_bytes(b"\xef\xbb\xbf" + (HEAD + COMMENTED + IP_DOUBLE).encode())
    out: list[object] = []
    code = run_patch(str(manifest), POD_CIDR, METHOD, output=None, in_place=False,
                     echo=lambda message, **kwargs: out.append(message))  # fmt: skip
    assert (code, out) == (0, [b"\xef\xbb\xbf" + (HEAD + CIDR_DOUBLE + IP_DOUBLE + METHOD_DOUBLE).encode()])


# --- which document is the calico-config ConfigMap; the backend it names ----------------------

DAEMONSET_WITH_CIDR = HEAD + CIDR_DOUBLE + IP_DOUBLE
NO_CONFIG_FOR_MTU = "c.yaml:6: no calico-config ConfigMap in the file: the pod MTU is its veth_mtu; give kconf the whole upstream manifest"
BACKEND_REF = (
    "            - name: CALICO_NETWORKING_BACKEND\n              valueFrom:\n                configMapKeyRef:\n"
    "                  name: calico-config\n                  key: calico_backend\n"
)
VXLAN_BACKEND = CONFIG.replace('  veth_mtu: "0"\n', '  veth_mtu: "0"\n  calico_backend: "vxlan"\n')


@pytest.mark.parametrize(
    ("text", "settings", "message"),
    [
        pytest.param(CONFIG.replace("# the CNI config", "# the CNI\u2028config") + DAEMONSET_WITH_CIDR, {"mtu": 1450},
                     "c.yaml:7: a line break other than LF or CRLF in the calico-config ConfigMap; kconf cannot edit it safely",
                     id="odd-line-break-in-the-config-map"),
        # named calico-config but not a ConfigMap, a ConfigMap not named calico-config (each chunk mentions both words)
        pytest.param("kind: Secret\nmetadata:\n  name: calico-config\n# kind: ConfigMap\n---\n" + DAEMONSET_WITH_CIDR, {"mtu": 1450},
                     NO_CONFIG_FOR_MTU, id="a-secret-named-calico-config"),
        pytest.param("kind: ConfigMap\nmetadata:\n  name: other\n# calico-config\n---\n" + DAEMONSET_WITH_CIDR, {"mtu": 1450},
                     NO_CONFIG_FOR_MTU, id="a-config-map-of-another-name"),
        # both at the line of their `kind` key: not at its value (on the next line), not at the first key
        pytest.param(2 * ('apiVersion: v1\n# kind: ConfigMap\nkind:\n  ConfigMap\nmetadata:\n  name: calico-config\ndata:\n'
                          '  veth_mtu: "0"\n---\n') + DAEMONSET_WITH_CIDR, {"mtu": 1450},
                     "c.yaml:12: more than one calico-config ConfigMap (the first is at line 3); kconf cannot tell which one "
                     "calico-node reads", id="two-config-maps"),
        pytest.param(3 * ('apiVersion: v1\n# kind: ConfigMap\nkind:\n  ConfigMap\nmetadata:\n  name: calico-config\ndata:\n'
                          '  veth_mtu: "0"\n---\n') + DAEMONSET_WITH_CIDR, {"mtu": 1450},
                     "c.yaml:12: more than one calico-config ConfigMap (the first is at line 3); kconf cannot tell which one "
                     "calico-node reads", id="three-config-maps-the-first-two-named"),
        # the backend's line is its value's, here below its key
        pytest.param(CONFIG.replace('  veth_mtu: "0"\n', '  veth_mtu: "0"\n  calico_backend:\n    vxlan\n') + DAEMONSET_WITH_CIDR + BACKEND_REF,
                     {"encapsulation": "IPIP"},
                     "c.yaml:8: encapsulation IPIP needs BIRD, Calico's BGP daemon, to spread IPIP routes between the nodes, but this "
                     'manifest runs calico-node without it (calico_backend: "vxlan" in the calico-config ConfigMap, as the upstream '
                     "calico-vxlan.yaml has): take the upstream calico.yaml (or calico-typha.yaml) of this Calico release for IPIP, "
                     "IPIPCrossSubnet or None, or keep this manifest with encapsulation VXLAN or VXLANCrossSubnet",
                     id="backend-value-on-the-next-line"),
    ],
)  # fmt: skip
def test_config_maps_kconf_refuses(text: str, settings: dict[str, object], message: str) -> None:
    with pytest.raises(KconfError) as caught:
        patch_manifest(text, "c.yaml", POD_CIDR, None, **settings)  # type: ignore[arg-type]
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("text", "settings"),
    [
        # a chunk that names a ConfigMap but not calico-config is not even parsed (here it is not YAML)
        pytest.param("kind: ConfigMap\nmetadata: {name: other\n---\n" + CONFIG + DAEMONSET_WITH_CIDR, {"mtu": 1450}, id="another-config-map-unparsed"),
        # the backend comes from another ConfigMap, or from a field: kconf does not know it, so IPIP is not refused
        pytest.param(VXLAN_BACKEND + DAEMONSET_WITH_CIDR + BACKEND_REF.replace("name: calico-config", "name: other"), {"encapsulation": "IPIP"},
                     id="backend-from-another-config-map"),
        pytest.param(VXLAN_BACKEND + DAEMONSET_WITH_CIDR + "            - name: CALICO_NETWORKING_BACKEND\n              valueFrom:\n"
                     "                fieldRef:\n                  fieldPath: metadata.name\n", {"encapsulation": "IPIP"},
                     id="backend-from-a-field"),
    ],
)  # fmt: skip
def test_config_maps_kconf_takes(text: str, settings: dict[str, object]) -> None:
    result = patch_manifest(text, "c.yaml", POD_CIDR, None, **settings)  # type: ignore[arg-type]
    assert result.text.startswith(text[: text.index("---\n")])
    assert patch_manifest(result.text, "c.yaml", POD_CIDR, None, **settings).text == result.text  # type: ignore[arg-type]


def test_veth_mtu_followed_by_a_key_of_its_indentation_is_edited() -> None:
    assert config_after_patch(CONFIG.replace('  veth_mtu: "0"\n', '  veth_mtu: "0"\n  typha_service_name: "none"\n')) == (
        CONFIG.replace('  veth_mtu: "0"\n', '  veth_mtu: "0"\n  typha_service_name: "none"\n').replace(TYPE_ONLY, TYPE_AND_ASSIGN)
    )
    text = CONFIG.replace('  veth_mtu: "0"\n', '  veth_mtu: "0"\n  typha_service_name: "none"\n') + DAEMONSET_WITH_CIDR
    patched = patch_manifest(text, "c.yaml", POD_CIDR, None, mtu=1450).text
    assert patched.startswith(CONFIG.replace('  veth_mtu: "0"\n', '  veth_mtu: "1450"\n  typha_service_name: "none"\n'))


IPIP_ALWAYS = '            - name: CALICO_IPV4POOL_IPIP\n              value: "Always"\n'


@pytest.mark.parametrize(
    ("encapsulation", "expected"),
    [
        # VXLAN Never is calico-node's default: no line for it
        pytest.param("IPIP", CIDR_DOUBLE + IPIP_ALWAYS + IP_DOUBLE, id="ipip-no-vxlan-line"),
        # VXLAN Always: a new item right after the IPIP one, not at the end
        pytest.param("VXLAN", CIDR_DOUBLE + IPIP_ALWAYS.replace("Always", "Never")
                     + '            - name: CALICO_IPV4POOL_VXLAN\n              value: "Always"\n' + IP_DOUBLE, id="vxlan-after-ipip"),
    ],
)  # fmt: skip
def test_the_vxlan_item(encapsulation: str, expected: str) -> None:
    text = HEAD + CIDR_DOUBLE + IPIP_ALWAYS + IP_DOUBLE
    patched = patch_manifest(text, "c.yaml", POD_CIDR, None, encapsulation=encapsulation).text
    assert patched == HEAD + expected


@pytest.mark.parametrize(("mtu", "refused"), [(999, True), (1000, False), (9000, False), (9001, True)])
def test_the_mtu_range_includes_both_ends(mtu: int, refused: bool) -> None:
    # check_settings 31 and 32 made 1000 and 9000 themselves out of range
    from kconf.calico.patch import check_settings

    if refused:
        with pytest.raises(KconfError) as caught:
            check_settings(POD_CIDR, None, mtu=mtu)
        assert str(caught.value) == f"--mtu: {mtu} is outside 1000-9000"
    else:
        settings, warnings = check_settings(POD_CIDR, None, mtu=mtu)
        assert (settings.mtu, warnings) == (mtu, [])


@pytest.mark.parametrize("data", ['data: "x"\n', "data: [1]\n", "data: 5\n"])
def test_an_encapsulation_alone_does_not_read_the_config_maps_data(data: str) -> None:
    # patch_manifest 101 planned ConfigMap edits for an encapsulation alone, and a ConfigMap whose
    # data is not a mapping then stopped the patch; only the MTU and dual stack edit the ConfigMap
    config = CONFIG[: CONFIG.index("\ndata:") + 1] + data + "---\n"
    text = config + HEAD + CIDR_DOUBLE + IP_DOUBLE
    result = patch_manifest(text, "c.yaml", POD_CIDR, None, encapsulation="IPIP")
    assert (result.changed_lines, result.warnings) == (2, [])
    assert result.text == config + HEAD + CIDR_DOUBLE + IP_DOUBLE + '            - name: CALICO_IPV4POOL_IPIP\n              value: "Always"\n'


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # _marker_starts 22 (rfind) found the first and the last marker only
        pytest.param("a\n---\nb\n---\nc\n---\n", [2, 8, 14], id="three-markers"),
        pytest.param("---\na\n--- x\nb\n---\tc\n---\r\nd\n---", [0, 6, 14, 20, 27], id="each-look-ahead"),
        pytest.param("a\n----\nb\n---x\nc\n", [], id="not-markers"),
    ],
)
def test_marker_starts(text: str, expected: list[int]) -> None:
    from kconf.calico.patch import _marker_starts

    assert _marker_starts(text) == expected


def test_only_the_pieces_that_name_calico_node_and_a_daemonset_are_parsed() -> None:
    """Another DaemonSet (one that does not name calico-node) is not parsed:
    a piece kconf does not edit may hold YAML it cannot read (here an
    unclosed flow mapping), and stays byte-identical."""
    other = "apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: node-exporter\nspec: {template: [\n"
    text = HEAD + IP_DOUBLE + "---\n" + other
    result = patch_manifest(text, "calico.yaml", POD_CIDR, None)
    assert result.text == HEAD + IP_DOUBLE + CIDR_DOUBLE + "---\n" + other
