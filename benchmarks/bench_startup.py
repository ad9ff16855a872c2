"""Cold and warm start of `ipexpath terms diarrhea` (issue: warm ≤ 0.5 s, cold ≤ 10 s on 2 cores).

Cold = empty cache folder (index built from the HPO release files); warm = index cached.
Run: .venv/bin/python benchmarks/bench_startup.py [--repeats 5]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

EXE = Path(sys.executable).with_name("ipexpath")


def timed(env: dict[str, str]) -> float:
    """Wall time of one `ipexpath terms diarrhea` run."""
    start = time.perf_counter()
    subprocess.run([str(EXE), "terms", "diarrhea"], env=env, check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    """Print cold and warm start times (median of repeats)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    cold, warm = [], []
    for _ in range(args.repeats):
        folder = tempfile.mkdtemp(prefix="ipexpath-bench-")
        env = {**os.environ, "IPEXPATH_CACHE_DIR": folder}
        cold.append(timed(env))
        warm.append(timed(env))
        shutil.rmtree(folder, ignore_errors=True)
    print(
        f"ipexpath terms diarrhea  cold start: median {statistics.median(cold):.2f} s (max {max(cold):.2f})"
    )
    print(
        f"ipexpath terms diarrhea  warm start: median {statistics.median(warm):.2f} s (max {max(warm):.2f})"
    )
    print(f"cpu cores: {os.cpu_count()}")


if __name__ == "__main__":
    main()
