"""Validation of `exp7`: runs it (quick scale by default),
checks the paper's claims as numbers and writes validation/results/exp7.md and .json.

Usage: .venv/bin/python validation/exp7.py [--scale quick|paper] [--seeds N]
"""

import sys

from _driver import main  # validation/_driver.py (this script's folder is on sys.path)

if __name__ == "__main__":
    sys.exit(main("exp7", "exp7"))
