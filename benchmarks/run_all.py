"""Run the benchmarks (``make bench``): region enumeration, the exact Fourier engine, backends."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    rc = 0
    for script in ("bench_regions.py", "bench_fourier.py", "bench_backends.py"):
        rc |= subprocess.run([sys.executable, str(HERE / script)], check=False).returncode
    return rc


if __name__ == "__main__":
    sys.exit(main())
