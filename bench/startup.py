"""Start-up and scale figures of issue 16, printed as one table (run on demand; never a test).

    python bench/startup.py [--runs 11] [--venv DIR] [--corpus DIR]

Measures (every command a whole process, interpreter start and imports included):

1. `kconf --version` against a bare `python -c pass`: at most 15 ms more.
2. `kconf calico patch` of the corpus' v3.32.1/calico-typha.yaml against
   `python -c pass`: at most 5x.
3. `kconf lint golden/ha-haproxy` against `check-jsonschema` validating one
   file (the description against schemas/cluster.schema.json): at most 0.5x.
4. `kconf lint` of a generated folder of 1,000 mixed YAML files (GitHub
   workflows, Helm values, docker-compose files, other documents; a few
   kubeadm configs, Calico manifests and HAProxy configs): under 1 s.
5. `kconf lint` of a 5,000-node description against a 500-node one: at most 6x.
6. `kconf render` of the 5,000-node description: under 5 s.

Every ratio is measured side by side in one run: each repetition runs every
command once, in a fresh random order (interleaved, so that a burst of load
on a shared machine hits all of them alike), and the figures are medians over
the repetitions. One untimed round first warms the page and bytecode caches.

Both tools run as users run them: console scripts of a virtualenv with a
non-editable install (this checkout and check-jsonschema, the ``bench``
extra, installed into a throw-away virtualenv, or into ``--venv DIR``, which
is kept and reused: kconf is reinstalled there each run, without its
dependencies; ``--source DIR`` measures another checkout, e.g. an older
commit's ``git archive``, for before/after figures). An editable
development install would add its import hook to every start, `python -c
pass` included. The reference `python -c pass` is that virtualenv's python.

Exit 0 whatever the figures (it measures, it does not gate); 2 when the
corpus file is missing or a command fails.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus" / "calico"
MANIFEST = Path("v3.32.1") / "calico-typha.yaml"


# --- the inputs ------------------------------------------------------------------------


def description(nodes: int) -> str:
    """A valid description with ``nodes`` nodes (3 control planes), one
    interface each, behind one HAProxy host."""
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


def _workflow(rng: random.Random, index: int) -> str:
    steps = "".join(
        f"      - name: step {n}\n        run: |\n          make target-{n}\n          echo done {index}\n"
        for n in range(rng.randint(2, 8))
    )
    return (
        f"name: CI {index}\non:\n  push:\n    branches: [main]\n  pull_request:\njobs:\n  build:\n"
        f"    runs-on: ubuntu-latest\n    strategy:\n      matrix:\n        python: ['3.11', '3.12']\n"
        f"    steps:\n      - uses: actions/checkout@v4\n      - uses: actions/setup-python@v5\n"
        f"        with:\n          python-version: ${{{{ matrix.python }}}}\n{steps}"
    )


def _helm_values(rng: random.Random, index: int) -> str:
    extra = "".join(f"  key{n}: value-{n}\n" for n in range(rng.randint(5, 40)))
    return (
        f"replicaCount: {rng.randint(1, 5)}\nimage:\n  repository: example/app-{index}\n  tag: \"1.{index}\"\n"
        "  pullPolicy: IfNotPresent\nservice:\n  type: ClusterIP\n  port: 80\ningress:\n  enabled: false\n"
        "  hosts:\n    - host: chart-example.local\n      paths: [/]\nresources:\n  limits: {cpu: 100m, memory: 128Mi}\n"
        "nodeSelector: {}\ntolerations: []\naffinity: {}\n# the chart's kind: Deployment and its nodes: are templates\n"
        f"config:\n{extra}"
    )


def _compose(rng: random.Random, index: int) -> str:
    services = "".join(
        f"  svc{n}:\n    image: redis:7\n    ports:\n      - \"{6379 + n}:6379\"\n    environment:\n"
        f"      - MODE=replica-{n}\n    depends_on: [db]\n"
        for n in range(rng.randint(1, 6))
    )
    return (
        "version: \"3.9\"\nx-common: &common\n  restart: unless-stopped\nservices:\n"
        f"  db:\n    <<: *common\n    image: postgres:16\n    volumes:\n      - db-{index}:/var/lib/postgresql/data\n"
        f"{services}volumes:\n  db-{index}: {{}}\n"
    )


def _random_doc(rng: random.Random, index: int) -> tuple[str, str]:
    choice = index % 5
    if choice == 0:  # a Kubernetes Deployment, two documents
        return "yaml", (
            f"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app-{index}\nspec:\n  replicas: 2\n"
            "  template:\n    spec:\n      containers:\n        - name: app\n          image: nginx:1.27\n---\n"
            f"apiVersion: v1\nkind: Service\nmetadata:\n  name: app-{index}\nspec:\n  ports: [{{port: 80}}]\n"
        )
    if choice == 1:  # kind's own kind: Cluster (not kconf's)
        return "yaml", (
            "kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nnodes:\n  - role: control-plane\n  - role: worker\n"
        )
    if choice == 2:  # JSON
        return "json", json.dumps({"name": f"pkg-{index}", "version": "1.0.0", "items": list(range(rng.randint(5, 50)))})
    if choice == 3:  # a plain list of records
        return "yml", "".join(f"- id: {n}\n  title: \"entry {n}\"\n  tags: [a, b, c]\n" for n in range(rng.randint(5, 60)))
    return "yaml", (  # an OpenAPI-ish document
        f"openapi: 3.0.0\ninfo:\n  title: API {index}\n  version: 1.0.0\npaths:\n"
        + "".join(f"  /items/{n}:\n    get:\n      responses:\n        '200':\n          description: ok\n" for n in range(rng.randint(3, 20)))
    )


CALICO_SMALL = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: calico-config
  namespace: kube-system
data:
  veth_mtu: "0"
---
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: calico-node
  namespace: kube-system
spec:
  template:
    spec:
      containers:
        - name: calico-node
          image: docker.io/calico/node:v3.28.5
          env:
            - name: IP
              value: "autodetect"
            - name: IP_AUTODETECTION_METHOD
              value: "cidr=10.1.0.0/16"
            - name: CALICO_IPV4POOL_CIDR
              value: "172.16.0.0/16"
"""


def mixed_folder(folder: Path, corpus: Path, count: int = 1000) -> dict[str, int]:
    """``count`` files, most not kconf's; returns how many of each kind."""
    rng = random.Random(16)
    kinds: dict[str, int] = {}
    golden = REPO / "golden" / "ha-haproxy" / "cka"
    kconf_files: list[tuple[str, str, str]] = []  # (kind, suffix, text)
    for name in ("kubeadm-init.yaml", "kubeadm-join-cka-cp-2.yaml", "kubeadm-join-cka-worker-1.yaml", "kubeadm-upgrade.yaml"):
        kconf_files.append(("kubeadm", "yaml", (golden / name).read_text()))
    kconf_files.append(("haproxy", "cfg", (golden / "haproxy.cfg").read_text()))
    kconf_files.append(("calico", "yaml", CALICO_SMALL))
    kconf_files.append(("installation", "yaml", (golden / "calico-installation.yaml").read_text()))
    for index in range(count):
        folder_name = folder / f"repo-{index // 50:02d}"
        if index % 25 == 0:  # 40 of kconf's files, spread over the folders
            kind, suffix, text = kconf_files[(index // 25) % len(kconf_files)]
            if kind == "calico" and index == 500 and (corpus / "v3.28.5" / "calico.yaml").is_file():
                text = (corpus / "v3.28.5" / "calico.yaml").read_text()  # one real upstream manifest
            path = folder_name / f"{kind}-{index}.{suffix}"
        elif index % 10 < 3:
            kind, path, text = "workflow", folder_name / "workflows" / f"ci-{index}.yml", _workflow(rng, index)
        elif index % 10 < 6:
            kind, path, text = "helm-values", folder_name / f"chart-{index}" / "values.yaml", _helm_values(rng, index)
        elif index % 10 < 8:
            kind, path, text = "docker-compose", folder_name / f"compose-{index}.yml", _compose(rng, index)
        else:
            kind = "other"
            suffix, text = _random_doc(rng, index)
            path = folder_name / f"doc-{index}.{suffix}"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        kinds[kind] = kinds.get(kind, 0) + 1
    return kinds


# --- running ---------------------------------------------------------------------------


def prepare_venv(venv: Path, source: Path) -> Path:
    """A virtualenv with ``source`` (a kconf checkout) installed non-editable,
    and check-jsonschema."""
    python = venv / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", str(source), "check-jsonschema"], check=True)
    else:
        subprocess.run(
            [str(python), "-m", "pip", "install", "-q", "--no-deps", "--force-reinstall", str(source)], check=True
        )
    return venv / "bin"


@dataclass
class Command:
    name: str
    argv: list[str]
    ok: Callable[[int], bool] = lambda code: code == 0
    before: Callable[[], None] | None = None  # untimed, before every run (a fresh output folder)


def set_aside(folder: Path) -> None:
    """Rename ``folder`` to a new name beside it (kept until the scratch folder goes)."""
    if folder.exists():
        index = 1
        while folder.with_name(f"{folder.name}-spent-{index}").exists():
            index += 1
        folder.rename(folder.with_name(f"{folder.name}-spent-{index}"))


def run_once(command: Command, cwd: Path) -> tuple[float, float]:
    """(wall seconds, CPU seconds: user + system of the child)."""
    if command.before is not None:
        command.before()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = subprocess.run(command.argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if not command.ok(result.returncode):
        sys.stderr.write(f"bench: {command.name} exited {result.returncode}: {' '.join(command.argv)}\n")
        sys.stderr.write(result.stderr.decode(errors="replace")[-2000:])
        raise SystemExit(2)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return elapsed, cpu


def interleaved(commands: list[Command], runs: int, cwd: Path) -> tuple[dict[str, float], dict[str, float]]:
    """Medians of (wall, CPU) seconds by command name."""
    walls: dict[str, list[float]] = {c.name: [] for c in commands}
    cpus: dict[str, list[float]] = {c.name: [] for c in commands}
    rng = random.Random()
    for command in commands:  # warm-up, untimed
        run_once(command, cwd)
    for _ in range(runs):
        order = commands[:]
        rng.shuffle(order)
        for command in order:
            wall, cpu = run_once(command, cwd)
            walls[command.name].append(wall)
            cpus[command.name].append(cpu)
    median = statistics.median
    return {n: median(v) for n, v in walls.items()}, {n: median(v) for n, v in cpus.items()}


def table(rows: list[tuple[str, str, str, str, str, bool]]) -> str:
    header = ("measure", "kconf", "reference", "ratio/figure", "target", "pass/fail")
    cells = [header] + [(m, k, r, f, t, "pass" if ok else "FAIL") for m, k, r, f, t, ok in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]

    def line(row: tuple[str, ...]) -> str:
        return "| " + " | ".join(cell.ljust(width) for cell, width in zip(row, widths)) + " |"

    rule = "|" + "|".join("-" * (width + 2) for width in widths) + "|"
    return "\n".join([line(cells[0]), rule] + [line(row) for row in cells[1:]])


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=11, help="interleaved repetitions (median taken); default 11")
    parser.add_argument("--venv", type=Path, default=None, help="keep the virtualenv here and reuse it next time")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help=f"default: {DEFAULT_CORPUS}")
    parser.add_argument(
        "--source", type=Path, default=REPO,
        help="the kconf checkout to measure (default: this one; e.g. `git archive` of an older commit, for before/after)",
    )  # fmt: skip
    args = parser.parse_args()
    manifest = args.corpus / MANIFEST
    if not manifest.is_file():
        print(f"bench: {manifest} not found (pass --corpus DIR)", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="kconf-bench-") as scratch_name:
        scratch = Path(scratch_name)
        bin_dir = prepare_venv(args.venv.resolve() if args.venv else scratch / "venv", args.source.resolve())
        python, kconf, cj = str(bin_dir / "python"), str(bin_dir / "kconf"), str(bin_dir / "check-jsonschema")
        if not Path(cj).exists():
            cj = shutil.which("check-jsonschema") or cj
        mixed = scratch / "mixed"
        kinds = mixed_folder(mixed, args.corpus)
        for nodes in (500, 5000):
            (scratch / f"nodes-{nodes}.yaml").write_text(description(nodes))
        golden = REPO / "golden" / "ha-haproxy"
        lint_ok: Callable[[int], bool] = lambda code: code in (0, 1)  # noqa: E731  (findings are fine, errors are not)
        commands = [
            Command("pass", [python, "-c", "pass"]),
            Command("version", [kconf, "--version"]),
            Command("patch", [
                kconf, "calico", "patch", str(manifest), "--pod-cidr", "172.16.0.0/16",
                "--autodetect", "cidr=192.168.51.0/24", "-o", str(scratch / "patched.yaml"),
            ]),  # fmt: skip
            Command("lint-golden", [kconf, "lint", str(golden)]),
            Command("check-jsonschema", [cj, "--schemafile", str(REPO / "schemas" / "cluster.schema.json"), str(golden / "cluster.yaml")]),
            Command("lint-mixed", [kconf, "lint", str(mixed)], lint_ok),
            Command("lint-500", [kconf, "lint", str(scratch / "nodes-500.yaml")], lint_ok),
            Command("lint-5000", [kconf, "lint", str(scratch / "nodes-5000.yaml")], lint_ok),
            # into an empty folder every time: a second render into the same one writes nothing. The
            # last run's folder is renamed aside, not deleted, until the end: ext4 makes a file created
            # just after 10,000 were deleted search past their recently freed inodes (recently_deleted),
            # seconds of system time that are the benchmark's own rm -rf, not render's
            Command("render-5000", [kconf, "render", str(scratch / "nodes-5000.yaml"), "-o", str(scratch / "out")],
                    before=lambda: set_aside(scratch / "out")),
        ]
        runs = max(1, args.runs)
        wall, cpu = interleaved(commands, runs, scratch)
    rows = [_row(wall), _row(cpu)]
    print(f"medians of {runs} interleaved runs, whole processes; Python {sys.version.split()[0]}; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print("mixed folder: " + ", ".join(f"{n} {k}" for k, n in sorted(kinds.items())))
    print("wall-clock time (the targets):")
    print(table(rows[0]))
    print("CPU time (user + system) of the same runs, less sensitive to other load on the machine:")
    print(table(rows[1]))
    return 0


def _row(t: dict[str, float]) -> list[tuple[str, str, str, str, str, bool]]:
    version_extra = t["version"] - t["pass"]
    patch_ratio = t["patch"] / t["pass"]
    lint_ratio = t["lint-golden"] / t["check-jsonschema"]
    scale = t["lint-5000"] / t["lint-500"]
    return [
        ("kconf --version", ms(t["version"]), f"python -c pass {ms(t['pass'])}", f"+{version_extra * 1000:.1f} ms",
         "<= +15 ms", version_extra <= 0.015),
        (f"kconf calico patch {MANIFEST}", ms(t["patch"]), f"python -c pass {ms(t['pass'])}", f"{patch_ratio:.2f}x",
         "<= 5x", patch_ratio <= 5),
        ("kconf lint golden/ha-haproxy", ms(t["lint-golden"]), f"check-jsonschema 1 file {ms(t['check-jsonschema'])}",
         f"{lint_ratio:.2f}x", "<= 0.5x", lint_ratio <= 0.5),
        ("kconf lint, 1,000 mixed files", ms(t["lint-mixed"]), "-", f"{t['lint-mixed']:.2f} s", "< 1 s", t["lint-mixed"] < 1),
        ("kconf lint, 5,000 nodes", ms(t["lint-5000"]), f"500 nodes {ms(t['lint-500'])}", f"{scale:.2f}x", "<= 6x", scale <= 6),
        ("kconf render, 5,000 nodes", ms(t["render-5000"]), "-", f"{t['render-5000']:.2f} s", "< 5 s", t["render-5000"] < 5),
    ]  # fmt: skip


if __name__ == "__main__":
    raise SystemExit(main())
