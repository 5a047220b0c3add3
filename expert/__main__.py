"""``python -m expert``: the same as the ``expert`` command."""

from expert.interfaces.cli import main

main()
