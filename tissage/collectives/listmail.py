"""The list's outgoing mail (helper "mailout" fills this in).

`message_published(message_id)` is called after the commit of every published message.
"""

from __future__ import annotations


def message_published(message_id: int) -> None:
    """Queue the copies of a newly published message for the members who get each one."""
