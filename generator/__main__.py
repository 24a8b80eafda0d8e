"""`python -m generator` runs the cems command line."""

import sys

from .cli import main

sys.exit(main())
