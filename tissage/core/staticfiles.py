"""The static files' storage: WhiteNoise's (hashed names, brotli and gzip copies made
once, at `collectstatic`), with Tissage's own scripts minified first.

Our scripts are written to be read: long comments, whole words. A phone on a slow
network need not download the comments: at `collectstatic`, each script of Tissage's
apps is minified (`rjsmin`, which removes comments and white space and renames nothing)
before it is hashed and compressed. The libraries of `assets/vendor` come minified by
their authors and are left as they are. In development (`DEBUG`, the files served from
the apps' folders) the scripts are served as written.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import rjsmin
from django.core.files.base import ContentFile
from whitenoise.storage import CompressedManifestStaticFilesStorage

PACKAGE = Path(__file__).resolve().parent.parent
# The first folder of our apps' static files (tissage/<app>/static/<folder>/…).
OURS = frozenset(path.name for path in PACKAGE.glob("*/static/*") if path.is_dir())


def minify_js(text: str) -> str:
    """A script without its comments and needless white space (rjsmin)."""
    return str(rjsmin.jsmin(text))


def is_ours(name: str) -> bool:
    """A script of Tissage's apps (not a library's), by its path among static files."""
    parts = Path(name).parts
    return name.endswith(".js") and len(parts) > 1 and parts[0] in OURS


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    """WhiteNoise's storage; our scripts minified as they are collected."""

    def _save(self, name: str, content: Any) -> str:
        if is_ours(name):
            content.seek(0)
            raw = content.read()
            text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
            content = ContentFile(minify_js(text).encode("utf-8"))
        return str(super()._save(name, content))
