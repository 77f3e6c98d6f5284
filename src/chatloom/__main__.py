"""``python -m chatloom``: the same as the ``chatloom`` command."""

from .cli import main

main()
