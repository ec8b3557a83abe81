"""Validation of `spectrum2d`: runs it (quick scale by default),
checks the paper's claims as numbers and writes validation/results/exp_spectrum2d.md and .json.

Usage: .venv/bin/python validation/exp_spectrum2d.py [--scale quick|paper] [--seeds N]
"""

import sys

from spectral_exact.experiments._validate import main

if __name__ == "__main__":
    sys.exit(main("spectrum2d", "exp_spectrum2d"))
