"""Validation of `exp8`: runs it (quick scale by default),
checks the paper's claims as numbers and writes validation/results/exp8.md and .json.

Usage: .venv/bin/python validation/exp8.py [--scale quick|paper] [--seeds N]
"""

import sys

from spectral_exact.experiments._validate import main

if __name__ == "__main__":
    sys.exit(main("exp8", "exp8"))
