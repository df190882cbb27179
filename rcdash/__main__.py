"""`python -m rcdash`: the command line."""

import sys

from rcdash.cli.main import main

sys.exit(main())
