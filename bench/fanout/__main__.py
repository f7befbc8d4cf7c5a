"""`python -m bench.fanout`: see run.py."""

import sys

from bench.fanout.run import main

sys.exit(main())
