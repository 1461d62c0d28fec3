"""``python -m flows.cli``: the same as the ``goodwork`` command."""

from flows.cli import main

main()
