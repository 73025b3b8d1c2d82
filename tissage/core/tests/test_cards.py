"""Keys of kept cards and pages (core.cards): another release's templates, another key."""

from __future__ import annotations

from tissage.core import cards


def _release(root, template: str, catalogue: bytes = b"fr") -> None:
    (root / "actions" / "templates" / "actions").mkdir(parents=True, exist_ok=True)
    (root / "locale" / "fr" / "LC_MESSAGES").mkdir(parents=True, exist_ok=True)
    (root / "actions" / "templates" / "actions" / "_card.html").write_text(template)
    (root / "locale" / "fr" / "LC_MESSAGES" / "django.mo").write_bytes(catalogue)


def test_a_changed_template_or_catalogue_is_another_digest(tmp_path):
    _release(tmp_path, "<li>{{ action.title }}</li>")
    first = cards.templates_digest.__wrapped__(tmp_path)
    assert cards.templates_digest.__wrapped__(tmp_path) == first  # the same files, the same
    _release(tmp_path, "<li class='card'>{{ action.title }}</li>")
    second = cards.templates_digest.__wrapped__(tmp_path)
    _release(tmp_path, "<li class='card'>{{ action.title }}</li>", catalogue=b"fr, again")
    assert len({first, second, cards.templates_digest.__wrapped__(tmp_path)}) == 3


def test_the_package_s_templates_are_read():
    """The digest of the running release covers its templates (none read: a constant)."""
    assert cards.templates_digest() != cards.templates_digest.__wrapped__(
        cards.Path("/nonexistent")
    )


def test_a_card_s_key_holds_the_release(monkeypatch):
    key = cards.card_key("actions/agenda/_card.html", ("Plantation", 3))
    monkeypatch.setattr(cards, "templates_digest", lambda: "another release")
    assert cards.card_key("actions/agenda/_card.html", ("Plantation", 3)) != key
