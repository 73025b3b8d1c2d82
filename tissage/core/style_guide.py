"""The living style guide (`/style/`): every component of the design system on one page,
for the people who build and check Tissage's pages."""

from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.utils.translation import gettext_lazy as _

from tissage.core.design import PAIRS, Pair, colour_tokens, contrast_ratio
from tissage.core.icons import ICONS


def can_see_style_guide(user: AbstractBaseUser | AnonymousUser) -> bool:
    """Staff, or anyone on a development server: the page names no one's data, but it is
    a tool, not a page of the platform."""
    return settings.DEBUG or bool(getattr(user, "is_staff", False))


class SampleForm(forms.Form):
    """Every kind of control, shown once sent empty so that its errors show too."""

    name = forms.CharField(label=_("Your name"), help_text=_("As others will see it."))
    kind = forms.ChoiceField(
        label=_("Kind of action"),
        widget=forms.RadioSelect,
        choices=[
            ("planting", _("Planting")),
            ("inventory", _("Inventory")),
            ("meeting", _("Meeting")),
        ],
    )
    days = forms.MultipleChoiceField(
        label=_("Days you are free"),
        widget=forms.CheckboxSelectMultiple,
        choices=[("sat", _("Saturday")), ("sun", _("Sunday"))],
        required=False,
    )
    commune = forms.ChoiceField(
        label=_("Commune"), choices=[("", "—"), ("albon", "Albon"), ("anneyron", "Anneyron")]
    )
    photo = forms.FileField(label=_("Photo"), required=False)
    agree = forms.BooleanField(label=_("I agree to be contacted about this action"))


@dataclass(frozen=True)
class MeasuredPair:
    pair: Pair
    foreground: str
    background: str
    ratio: float

    @property
    def passes(self) -> bool:
        return self.ratio >= self.pair.minimum


def style_guide_context() -> dict[str, object]:
    tokens = colour_tokens()
    pairs = [
        MeasuredPair(
            pair,
            tokens[pair.foreground],
            tokens[pair.background],
            contrast_ratio(tokens[pair.foreground], tokens[pair.background]),
        )
        for pair in PAIRS
    ]
    return {
        "colours": sorted(tokens.items()),
        "pairs": pairs,
        "outline": tokens["border-strong"],
        "icons": ICONS,
        "icon_tag": '{% icon "map-pin" %}',
        "type_scale": ("2xl", "xl", "lg", "md", "base", "sm"),
        "form": SampleForm(data={"days": ["sat"], "commune": "albon"}),
    }
