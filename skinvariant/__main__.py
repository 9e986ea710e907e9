"""Allow ``python -m skinvariant``."""

import sys

from skinvariant._cli import main

if __name__ == "__main__":
    sys.exit(main())
