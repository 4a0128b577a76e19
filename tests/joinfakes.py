"""Fake host tools for running join-<node>.sh: id, hostname, ip, getent and
curl, each answering from FAKE_* environment variables, so a test says which
host the script runs on (its name, addresses, what its name resolves to, the
user) without touching the real one."""

from __future__ import annotations

import shutil
from pathlib import Path

HOST_TOOLS = {
    "id": r"""#!/usr/bin/env bash
[[ ${1:-} == -u ]] && printf '%s\n' "${FAKE_UID:-0}"
""",
    "hostname": r"""#!/usr/bin/env bash
printf '%s\n' "${FAKE_HOSTNAME:?}"
""",
    # `ip -o addr show` prints one line per address: "N: IFACE    inet A/P ..."
    "ip": r"""#!/usr/bin/env bash
[[ ${FAKE_IP_FAILS:-} == 1 ]] && exit 1
printf '1: lo    inet 127.0.0.1/8 scope host lo\\       valid_lft forever preferred_lft forever\n'
n=2
for cidr in ${FAKE_ADDRESSES:-}; do
    family=inet; [[ $cidr == *:* ]] && family=inet6
    printf '%d: enp0s8    %s %s scope global enp0s8\\       valid_lft forever preferred_lft forever\n' "$n" "$family" "$cidr"
    n=$((n + 1))
done
""",
    # `getent hosts NAME`: FAKE_RESOLVES (if set) for every name, else not found (exit 2)
    "getent": r"""#!/usr/bin/env bash
[[ ${1:-} == hosts && -n ${FAKE_RESOLVES:-} ]] || exit 2
printf '%s       %s\n' "$FAKE_RESOLVES" "$2"
""",
    # records its call with --cacert's file shown as CA (a /dev/fd path), saves
    # what that file held, and answers the HTTP code in $FAKE/http-code (200)
    "curl": r"""#!/usr/bin/env bash
args=()
while (($#)); do
    if [[ $1 == --cacert ]]; then cat "$2" >"$FAKE/ca-seen"; args+=(--cacert CA); shift 2; continue; fi
    if [[ $1 == --key && $2 == /dev/fd/* ]]; then cat "$2" >"$FAKE/key-seen"; args+=(--key FD); shift 2; continue; fi
    if [[ $1 == --cert && $2 == /dev/fd/* ]]; then cat "$2" >"$FAKE/cert-seen"; args+=(--cert FD); shift 2; continue; fi
    args+=("$1"); shift
done
printf 'curl %s\n' "${args[*]}" >>"$FAKE/calls"
printf '%s' "$(cat "$FAKE/http-code" 2>/dev/null || echo 200)"
""",
}

# What the script needs besides the tools above, for a PATH without the
# system's folders (where kubectl and curl may be installed)
SYSTEM_TOOLS = ("bash", "cat", "chmod", "cp", "head", "mktemp", "rm", "sed", "sleep", "stat", "base64")


def install(bin_dir: Path, *, curl: bool = True) -> None:
    """The fake host tools in ``bin_dir`` (curl only when asked)."""
    bin_dir.mkdir(parents=True, exist_ok=True)
    for name, body in HOST_TOOLS.items():
        if name == "curl" and not curl:
            continue
        (bin_dir / name).write_text(body)
        (bin_dir / name).chmod(0o755)


def system_tools(bin_dir: Path) -> None:
    """Links to the real tools of SYSTEM_TOOLS in ``bin_dir`` (nothing else)."""
    bin_dir.mkdir(parents=True, exist_ok=True)
    for name in SYSTEM_TOOLS:
        found = shutil.which(name)
        assert found is not None, name
        (bin_dir / name).symlink_to(found)


def on_host(node: str, *addresses: str) -> dict[str, str]:
    """The environment of the fakes for the script running on ``node``."""
    return {"FAKE_HOSTNAME": node, "FAKE_ADDRESSES": " ".join(addresses), "FAKE_UID": "0"}


# the join scripts of golden/ha-haproxy the tests run, and their hosts' addresses
HA_HOSTS = {
    "join-cka-worker-1.sh": on_host("cka-worker-1", "10.0.2.15/24", "192.168.51.84/24"),
    "join-cka-cp-2.sh": on_host("cka-cp-2", "10.0.2.15/24", "192.168.51.82/24"),
}
