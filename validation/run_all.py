"""Run every validation script (quick settings) and print a one-line verdict for each.

Run::

    .venv/bin/python validation/run_all.py        # or: make validate

Each script writes its own table to ``validation/results/``; this exits 1 if any failed.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCRIPTS = [
    ("precision_sweeps.py", []),
    ("fft_convergence.py", []),
    ("theorem1_decay.py", []),
    *[(f"{name}.py", ["--no-progress"]) for name in (
        "exp1", "exp2", "exp3", "exp4", "exp5", "exp6", "exp7", "exp_fprinciple",
        "exp_spectrum2d", "exp8", "exp9", "exp_knn",
    )],
]  # fmt: skip


def main() -> int:
    failed = []
    for script, extra in SCRIPTS:
        t0 = time.perf_counter()
        proc = subprocess.run([sys.executable, str(HERE / script), *extra], check=False)
        verdict = "PASS" if proc.returncode == 0 else "FAIL"
        print(f"{verdict}  {script}  ({time.perf_counter() - t0:.0f} s)", flush=True)
        if proc.returncode:
            failed.append(script)
    print(f"{len(SCRIPTS) - len(failed)} passed, {len(failed)} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
