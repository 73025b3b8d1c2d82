"""Path converter for INSEE codes, so that a commune's address (`…/commune/30189.ics`)
takes the codes the rest of the site accepts, and no other word.

Register it in an app's `urls.py`: `register_converter(InseeCodeConverter, "insee_code")`.
"""

from __future__ import annotations

from .geography import INSEE_CODE_REGEX


class InseeCodeConverter:
    regex = INSEE_CODE_REGEX

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value
