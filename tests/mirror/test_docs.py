"""docs/settings.md keeps up with the settings and the system checks."""

import re
from pathlib import Path

from django_fiken.conf import DEFAULTS

REPO = Path(__file__).resolve().parents[2]
SETTINGS_DOC = (REPO / "docs" / "settings.md").read_text()


def test_every_setting_has_a_line():
    missing = [key for key in DEFAULTS if f"| `{key}` |" not in SETTINGS_DOC]
    for key, default in DEFAULTS.items():
        for sub in default if isinstance(default, dict) else ():
            if f'`{key}["{sub}"]`' not in SETTINGS_DOC:
                missing.append(f"{key}.{sub}")
    assert not missing, f"docs/settings.md does not describe: {', '.join(missing)}"


def test_every_system_check_id_is_in_the_table():
    source = "\n".join(p.read_text() for p in (REPO / "django_fiken").rglob("*.py"))
    ids = set(re.findall(r'id="(django_fiken\.[EW]\d{3})"', source))
    assert ids, "no check ids found"
    missing = sorted(i for i in ids if f"`{i}`" not in SETTINGS_DOC)
    assert not missing, f"docs/settings.md has no row for: {', '.join(missing)}"
