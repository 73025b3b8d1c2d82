"""Path converter for INSEE codes, so that a commune's address (`…/commune/30189.ics`)
takes the codes the rest of the site accepts, and no other word.

Register it in an app's `urls.py` under a name of the app (converter names are global and
registered once): `register_converter(InseeCodeConverter, "action_insee_code")`.
"""

from __future__ import annotations

from .geography import INSEE_CODE_REGEX


class InseeCodeConverter:
    regex = INSEE_CODE_REGEX

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value
