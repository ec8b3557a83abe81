"""Validation of `spectrum2d`: runs it (quick scale by default),
checks the paper's claims as numbers and writes validation/results/exp_spectrum2d.md and .json.

Usage: .venv/bin/python validation/exp_spectrum2d.py [--scale quick|paper] [--seeds N]
"""

import sys

from _driver import main  # validation/_driver.py (this script's folder is on sys.path)

if __name__ == "__main__":
    sys.exit(main("spectrum2d", "exp_spectrum2d"))
