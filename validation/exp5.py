"""Validation of `exp5`: runs it (quick scale by default),
checks the paper's claims as numbers and writes validation/results/exp5.md and .json.

Usage: .venv/bin/python validation/exp5.py [--scale quick|paper] [--seeds N]
"""

import sys

from _driver import main  # validation/_driver.py (this script's folder is on sys.path)

if __name__ == "__main__":
    sys.exit(main("exp5", "exp5"))
