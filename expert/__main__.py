"""``python -m expert``: the same as the ``expert`` command."""

from expert.interfaces.entry import main

main()
