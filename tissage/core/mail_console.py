"""An email backend for the terminal that a person can read (used by `tissage demo`).

Django's console backend prints the raw MIME message, where accented text and long
links are encoded; this one prints the headers that matter and the plain-text part.
"""

from typing import Any

from django.core.mail.backends.console import EmailBackend as DjangoConsoleBackend


class EmailBackend(DjangoConsoleBackend):
    def write_message(self, message: Any) -> None:
        separator = "-" * 79
        self.stream.write(
            f"{separator}\n"
            f"From:    {message.from_email}\n"
            f"To:      {', '.join(message.to)}\n"
            f"Subject: {message.subject}\n\n"
            f"{message.body}\n"
            f"{separator}\n"
        )
