"""Forms of the discussion list: a new thread, a reply, a report."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from ..models import Message, Thread
from .attachments import MAX_ATTACHMENTS, PreparedAttachment, attachment_prepare, too_large
from .mail.reading import subject_clean
from .queries import reply_parent
from .services import BODY_MAX, SUBJECT_MAX

MARKDOWN_HELP = gettext_lazy(
    "Leave a blank line between paragraphs. **bold**, *italic*, "
    "[a link](https://…), lists with “- ” at the start of lines."
)


class MultipleAttachmentInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class AttachmentsField(forms.FileField):
    """Up to MAX_ATTACHMENTS pictures or PDF files in one file input; cleaned into the
    prepared files to store, or errors that name each refused file."""

    widget = MultipleAttachmentInput(
        attrs={"accept": "image/jpeg,image/png,image/webp,image/heic,application/pdf"}
    )

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", gettext_lazy("Attachments"))
        kwargs.setdefault(
            "help_text",
            format_lazy(
                gettext_lazy("Pictures or PDF files, at most {count} files."), count=MAX_ATTACHMENTS
            ),
        )
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[PreparedAttachment]:
        files: list[UploadedFile] = [
            f for f in (data if isinstance(data, list | tuple) else [data]) if f
        ]
        if not files:
            return []
        if len(files) > MAX_ATTACHMENTS:
            raise ValidationError(
                ngettext(
                    "Attach at most %(count)d file.",
                    "Attach at most %(count)d files.",
                    MAX_ATTACHMENTS,
                )
                % {"count": MAX_ATTACHMENTS},
                code="too_many",
            )
        prepared: list[PreparedAttachment] = []
        errors: list[ValidationError] = []
        for upload in files:
            name = upload.name or ""
            # Refuse a huge file before reading it into memory.
            if upload.size is not None and upload.size > settings.LIST_MAX_ATTACHMENT_BYTES:
                errors.append(too_large(name, upload.size))
                continue
            try:
                prepared.append(attachment_prepare(name, upload.read()))
            except ValidationError as error:
                errors.append(error)
        if errors:
            raise ValidationError(errors)
        return prepared


def _body_field() -> forms.CharField:
    return forms.CharField(
        label=gettext_lazy("Message"),
        max_length=BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=MARKDOWN_HELP,
        error_messages={"required": gettext_lazy("Write your message.")},
    )


class ThreadForm(forms.Form):
    subject = forms.CharField(
        label=gettext_lazy("Subject"),
        max_length=SUBJECT_MAX,
        help_text=gettext_lazy("A few words that say what it is about."),
        error_messages={"required": gettext_lazy("Give your discussion a subject.")},
    )
    body = _body_field()
    attachments = AttachmentsField()

    def clean_subject(self) -> str:
        subject = " ".join(self.cleaned_data["subject"].split())
        # "Re:" or "Fwd:" alone is no subject: the thread's loses those prefixes.
        if not subject_clean(subject):
            raise ValidationError(_("Give your discussion a subject."), code="required")
        return subject


class ReplyForm(forms.Form):
    body = _body_field()
    attachments = AttachmentsField()
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, thread: Thread, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.thread = thread
        self.fields["body"].label = gettext_lazy("Your reply")

    def clean_parent(self) -> Message | None:
        parent_id = self.cleaned_data.get("parent")
        if parent_id is None:
            return None
        parent = reply_parent(self.thread, parent_id)
        if parent is None:
            raise ValidationError(
                _("The message you reply to is not in this discussion."), code="invalid"
            )
        return parent


class ReportForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why should this message not be here?"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("Only the coordinators read it. Optional."),
    )
