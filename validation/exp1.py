"""Validation of `exp1`: runs it (quick scale by default),
checks the paper's claims as numbers and writes validation/results/exp1.md and .json.

Usage: .venv/bin/python validation/exp1.py [--scale quick|paper] [--seeds N]
"""

import sys

from _driver import main  # validation/_driver.py (this script's folder is on sys.path)

if __name__ == "__main__":
    sys.exit(main("exp1", "exp1"))
