"""`python -m generator` runs the cems command line."""

import sys

from generator.cli.main import main

sys.exit(main())
