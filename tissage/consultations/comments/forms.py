"""What people type about comments: a comment or a reply, a report, a moderator's
decision. Errors stand next to the fields."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import Comment, Consultation, Proposal

COMMENT_MAX_LENGTH = 2000
PARENT_ERROR = _(
    "The comment you answer is not on this proposal, or was hidden: "
    "write a comment of your own instead."
)


class CommentForm(forms.Form):
    text = forms.CharField(
        label=_("Your comment"),
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Others see it with your display name. Stay courteous."),
        error_messages={
            "required": _("Write your comment before sending it."),
            "max_length": _(
                "Shorten your comment to %(limit_value)d characters at most "
                "(it has %(show_value)d)."
            ),
        },
    )
    # The comment answered, if any (a reply).
    parent = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=2_147_483_647,
        widget=forms.HiddenInput,
        error_messages=dict.fromkeys(("invalid", "min_value", "max_value"), PARENT_ERROR),
    )

    def __init__(self, *args: Any, proposal: Proposal, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.proposal = proposal

    def clean_parent(self) -> Comment | None:
        pk = self.cleaned_data.get("parent")
        if pk is None:
            return None
        parent = (
            Comment.objects.filter(pk=pk, proposal=self.proposal, status=Comment.Status.PUBLISHED)
            .select_related("author")
            .first()
        )
        if parent is None:
            raise forms.ValidationError(
                PARENT_ERROR,
                code="parent",
            )
        return parent


class ReportForm(forms.Form):
    reason = forms.CharField(
        label=_("Why should this comment not be here?"),
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Only who runs the consultation reads it. Optional."),
        error_messages={
            "max_length": _("Shorten the reason to %(limit_value)d characters at most."),
        },
    )


class ModerationForm(forms.Form):
    """A decision on a reported comment of the consultation: hide it, or keep it."""

    comment = forms.ModelChoiceField(
        queryset=Comment.objects.none(),
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": _("This comment is not in this consultation.")},
    )
    decision = forms.ChoiceField(
        choices=[("hide", _("Hide")), ("keep", _("Keep"))],
        error_messages={"invalid_choice": _("Choose to hide the comment or to keep it.")},
    )

    def __init__(self, *args: Any, consultation: Consultation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["comment"].queryset = Comment.objects.filter(  # type: ignore[attr-defined]
            proposal__consultation=consultation
        ).select_related("proposal")
