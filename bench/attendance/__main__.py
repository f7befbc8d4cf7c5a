"""`python -m bench.attendance`: see run.py."""

import sys

from bench.attendance.run import main

sys.exit(main())
