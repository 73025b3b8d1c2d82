"""Keys of kept cards and pages (core.cards): another release's templates, catalogues, code
or static files, another key."""

from __future__ import annotations

from tissage.core import cards


def _release(
    root,
    template: str,
    catalogue: bytes = b"fr",
    code: str = "PLACES = 3\n",
    manifest: str = '{"paths": {}}',
) -> None:
    (root / "actions" / "templates" / "actions").mkdir(parents=True, exist_ok=True)
    (root / "actions" / "tests").mkdir(parents=True, exist_ok=True)
    (root / "actions" / "migrations").mkdir(parents=True, exist_ok=True)
    (root / "locale" / "fr" / "LC_MESSAGES").mkdir(parents=True, exist_ok=True)
    (root / "static").mkdir(exist_ok=True)
    (root / "actions" / "templates" / "actions" / "_card.html").write_text(template)
    (root / "locale" / "fr" / "LC_MESSAGES" / "django.mo").write_bytes(catalogue)
    (root / "actions" / "cards.py").write_text(code)
    (root / "static" / "staticfiles.json").write_text(manifest)


def _digest(root) -> str:
    return cards.release_digest.__wrapped__(root, root / "static")


def test_a_changed_template_catalogue_code_or_manifest_is_another_digest(tmp_path):
    card = "<li>{{ action.title }}</li>"
    _release(tmp_path, card)
    first = _digest(tmp_path)
    assert _digest(tmp_path) == first  # the same files, the same digest
    digests = {first}
    for change in [
        {"template": "<li class='card'>{{ action.title }}</li>"},
        {"catalogue": b"fr, again"},
        # A constant or a template tag changes what a card shows, its template unchanged.
        {"code": "PLACES = 4\n"},
        # A script or a style sheet changed: pages link to its new hashed name.
        {"manifest": '{"paths": {"core/site.css": "core/site.0a1b2c.css"}}'},
    ]:
        _release(tmp_path, **{"template": card, **change})
        digests.add(_digest(tmp_path))
    assert len(digests) == 5


def test_the_manifest_s_names_in_another_order_are_the_same_release(tmp_path):
    """Two nodes of one release, each with its own `collectstatic`, share their keys."""
    card = "<li>{{ action.title }}</li>"
    _release(tmp_path, card, manifest='{"paths": {"a.css": "a.1.css", "b.js": "b.2.js"}}')
    first = _digest(tmp_path)
    _release(tmp_path, card, manifest='{"paths": {"b.js": "b.2.js", "a.css": "a.1.css"}}')
    assert _digest(tmp_path) == first
    _release(tmp_path, card, manifest='{"paths": {"b.js": "b.3.js", "a.css": "a.1.css"}}')
    assert _digest(tmp_path) != first


def test_tests_and_migrations_are_not_the_release(tmp_path):
    """A release that changes only its tests or migrations renders the same HTML."""
    _release(tmp_path, "<li>{{ action.title }}</li>")
    first = _digest(tmp_path)
    (tmp_path / "actions" / "tests" / "test_cards.py").write_text("def test(): pass\n")
    (tmp_path / "actions" / "migrations" / "0002_more.py").write_text("operations = []\n")
    assert _digest(tmp_path) == first


def test_the_package_s_templates_are_read():
    """The digest of the running release covers its files (none read: a constant)."""
    assert cards.release_digest() != cards.release_digest.__wrapped__(
        cards.Path("/nonexistent"), cards.Path("/nonexistent")
    )


def test_a_card_s_key_holds_the_release(monkeypatch):
    key = cards.card_key("actions/agenda/_card.html", ("Plantation", 3))
    monkeypatch.setattr(cards, "release_digest", lambda: "another release")
    assert cards.card_key("actions/agenda/_card.html", ("Plantation", 3)) != key
