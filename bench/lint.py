"""Lint speed, printed as figures (run on demand; never a test).

1. `kconf lint golden/ha-haproxy` (a description, its rendered folder, every
   rule, drift) against `check-jsonschema` validating ONE file (the same
   description against schemas/cluster.schema.json). Target ratio <= 1.0.
2. `kconf lint` of a generated 5,000-node description against a 500-node one.
   Target ratio <= 6 (cost linear in nodes; no pairwise loops).

Whole-process times (interpreter start and imports included), median of
--runs. Both tools run as users run them: their console scripts from
virtualenvs with non-editable installs (kconf is installed from this checkout
into a throw-away virtualenv, as pre-commit does; check-jsonschema likewise
when it is not on PATH). An editable development install would add its
import hook to every start.

    python bench/lint.py [--runs 7]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def timed(command: list[str], runs: int) -> float:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def installed(scratch: Path, name: str, requirement: str, command: str) -> list[str]:
    """The console script of ``requirement`` installed non-editable into a
    fresh virtualenv."""
    venv = scratch / f"{name}-venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run([str(venv / "bin" / "pip"), "install", "-q", requirement], check=True)
    return [str(venv / "bin" / command)]


def check_jsonschema(scratch: Path) -> list[str]:
    found = shutil.which("check-jsonschema")
    return [found] if found else installed(scratch, "cj", "check-jsonschema", "check-jsonschema")


def description(nodes: int) -> str:
    lines = [
        "apiVersion: kconf/v1alpha1",
        "kind: Cluster",
        "metadata:",
        f"  name: bench-{nodes}",
        "spec:",
        "  kubernetesVersion: v1.31.2",
        "  controlPlaneEndpoint: k8s-vip:6443",
        "  criSocket: unix:///var/run/containerd/containerd.sock",
        "  networking:",
        "    podSubnet: 100.64.0.0/10",
        "  loadBalancer:",
        "    hostname: bench-lb",
        "    address: 10.1.0.10",
        "  hosts:",
        "    k8s-vip: 10.1.0.10",
        "  nodes:",
    ]
    for index in range(nodes):
        role = "control-plane" if index < 3 else "worker"
        address = f"10.1.{1 + index // 250}.{1 + index % 250}/16"
        lines += [
            f"    - name: node-{index}",
            f"      role: {role}",
            f"      address: {address}",
            "      interfaces:",
            f"        - {{name: ens5, address: {address}}}",
        ]
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch_name:
        scratch = Path(scratch_name)
        kconf = installed(scratch, "kconf", str(REPO), "kconf")
        folder = REPO / "golden" / "ha-haproxy"
        cj = check_jsonschema(scratch)
        schema = REPO / "schemas" / "cluster.schema.json"
        lint_time = timed(kconf + ["lint", str(folder)], args.runs)
        cj_time = timed(cj + ["--schemafile", str(schema), str(folder / "cluster.yaml")], args.runs)
        ratio = lint_time / cj_time
        print(f"kconf lint golden/ha-haproxy (15 files, all rules): {lint_time * 1000:7.1f} ms")
        print(f"check-jsonschema, one file:                         {cj_time * 1000:7.1f} ms")
        print(f"ratio {ratio:.2f} (target <= 1.0): {'met' if ratio <= 1.0 else 'NOT met'}")

        sizes = {}
        for nodes in (500, 5000):
            path = scratch / f"nodes-{nodes}.yaml"
            path.write_text(description(nodes))
            sizes[nodes] = timed(kconf + ["lint", str(path)], max(3, args.runs // 2))
            print(f"kconf lint, {nodes:5d}-node description:              {sizes[nodes] * 1000:7.1f} ms")
        scale = sizes[5000] / sizes[500]
        print(f"ratio {scale:.2f} (target <= 6): {'met' if scale <= 6 else 'NOT met'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
