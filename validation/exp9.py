"""Validation of `exp9`: runs it (quick scale by default),
checks the paper's claims as numbers and writes validation/results/exp9.md and .json.

Usage: .venv/bin/python validation/exp9.py [--scale quick|paper] [--seeds N]
"""

import sys

from spectral_exact.experiments._validate import main

if __name__ == "__main__":
    sys.exit(main("exp9", "exp9"))
