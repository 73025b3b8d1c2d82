"""The `tissage` command: Django's management commands with Tissage's settings.

`tissage import-communes` is `manage.py import_communes`: dashes become underscores.
"""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path

# Commands that sign nothing and serve nobody: they may run without SECRET_KEY.
DEVELOPER_COMMANDS = {"assets", "help", "makemigrations", "makemessages", "compilemessages"}


def _prepare_demo_environment() -> None:
    """The demo runs like production over plain HTTP on 127.0.0.1, with a stable key."""
    data_dir = Path(os.environ.setdefault("TISSAGE_DATA_DIR", "var")).resolve()
    if not os.environ.get("SECRET_KEY"):
        data_dir.mkdir(parents=True, exist_ok=True)
        key_file = data_dir / "demo-secret-key"
        if not key_file.exists():
            key_file.write_text(secrets.token_urlsafe(50))
            key_file.chmod(0o600)
        os.environ["SECRET_KEY"] = key_file.read_text().strip()
    os.environ.setdefault("TISSAGE_HTTPS", "0")
    os.environ.setdefault("EMAIL_URL", "console:")
    os.environ.setdefault("DEBUG", "0")


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    if len(argv) > 1 and not argv[1].startswith("-"):
        argv[1] = argv[1].replace("-", "_")
        if argv[1] == "demo":
            _prepare_demo_environment()
        elif argv[1] in DEVELOPER_COMMANDS and not os.environ.get("SECRET_KEY"):
            # These read no secret; a throwaway key lets them run on a fresh checkout.
            os.environ["SECRET_KEY"] = secrets.token_urlsafe(50)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tissage.settings")
    from django.core.management import execute_from_command_line

    argv[0] = "tissage"
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
