"""``python -m spectral_exact``: the same command line as the ``spectral-exact`` script."""

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
