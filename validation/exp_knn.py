"""Validation of `knn`: runs it (quick scale by default),
checks the paper's claims as numbers and writes validation/results/exp_knn.md and .json.

Usage: .venv/bin/python validation/exp_knn.py [--scale quick|paper] [--seeds N]
"""

import sys

from spectral_exact.experiments._validate import main

if __name__ == "__main__":
    sys.exit(main("knn", "exp_knn"))
