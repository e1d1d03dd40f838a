"""The ``congvu`` console script: Django's management entry point.

``congvu migrate``, ``congvu runserver`` and the project's own commands
(``congvu workdays``, ``congvu demo``, ``congvu org`` ...) all go through here.
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "congvu.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv if argv is not None else sys.argv)


if __name__ == "__main__":
    main()
