#!/usr/bin/env python
"""The example shop's manage.py; run it from anywhere (``python example_project/manage.py ...``)."""

import os
import sys
from pathlib import Path

REPO_DIR = Path(__file__).resolve().parent.parent


def main() -> None:
    # The project is the package ``example_project``; its parent must be importable.
    sys.path.insert(0, str(REPO_DIR))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "example_project.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
