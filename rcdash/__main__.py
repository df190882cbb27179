"""`python -m rcdash`: the command line."""

import sys

from rcdash.cli import main

sys.exit(main())
