"""Benchmark: `kconf calico patch` against a plain ruamel.yaml round-trip.

Both are timed as whole processes (interpreter start included), on the largest
corpus manifest, v3.32.1/calico-typha.yaml; the median of N runs each is
reported with the ratio. Target: kconf at most 0.25 of the round-trip.

    python bench/calico_patch.py [--corpus DIR] [--runs N]

Exit 0 whatever the figures (it measures, it does not gate); 2 when the
corpus file is missing.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus" / "calico"
MANIFEST = Path("v3.32.1") / "calico-typha.yaml"
TARGET = 0.25

# The naive round-trip people reach for (FACTS.md section 5): load every
# document, dump them again.
ROUND_TRIP = """\
import sys
from ruamel.yaml import YAML
yaml = YAML()
with open(sys.argv[1], encoding="utf-8") as source:
    documents = list(yaml.load_all(source))
with open(sys.argv[2], "w", encoding="utf-8") as target:
    yaml.dump_all(documents, target)
"""


def median_seconds(command: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, check=True, cwd=REPO, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help=f"default: {DEFAULT_CORPUS}")
    parser.add_argument("--runs", type=int, default=5, help="runs of each command (median taken); default 5")
    args = parser.parse_args()
    manifest = args.corpus / MANIFEST
    if not manifest.is_file():
        print(f"bench: {manifest} not found (pass --corpus DIR)", file=sys.stderr)
        return 2
    runs = max(1, args.runs)
    with tempfile.TemporaryDirectory(prefix="kconf-bench-") as folder:
        patched = Path(folder) / "patched.yaml"
        dumped = Path(folder) / "round-trip.yaml"
        kconf = [
            sys.executable, "-m", "kconf", "calico", "patch", str(manifest),
            "--pod-cidr", "172.16.0.0/16", "--autodetect", "cidr=192.168.51.0/24", "-o", str(patched),
        ]  # fmt: skip
        round_trip = [sys.executable, "-c", ROUND_TRIP, str(manifest), str(dumped)]
        # One untimed run each warms the page cache and the bytecode caches.
        median_seconds(kconf, 1)
        median_seconds(round_trip, 1)
        kconf_time = median_seconds(kconf, runs)
        round_trip_time = median_seconds(round_trip, runs)
    ratio = kconf_time / round_trip_time
    size = manifest.stat().st_size
    print(f"file:                {manifest} ({size:,} bytes)")
    print(f"kconf calico patch:  {kconf_time:.3f} s  (median of {runs}, whole process)")
    print(f"ruamel round-trip:   {round_trip_time:.3f} s  (median of {runs}, whole process)")
    verdict = "met" if ratio <= TARGET else "NOT met"
    print(f"ratio:               {ratio:.3f}  (target <= {TARGET}: {verdict})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
