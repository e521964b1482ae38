"""``python -m backprop.instructor``: see :mod:`backprop.instructor.cli`."""

import sys

from .cli import main

sys.exit(main())
