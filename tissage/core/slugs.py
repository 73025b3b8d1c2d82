from django.db.models import Model
from django.utils.text import slugify


def unique_slug(model: type[Model], text: str, *, fallback: str = "page") -> str:
    """A slug made from `text`, suffixed -2, -3… until no row of `model` uses it."""
    base = slugify(text)[:70] or fallback
    slug, number = base, 2
    while model._default_manager.filter(slug=slug).exists():
        slug, number = f"{base}-{number}", number + 1
    return slug
