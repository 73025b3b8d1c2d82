"""What each web worker does once it has loaded the application (`tissage serve`'s
gunicorn hook `post_worker_init`)."""

from __future__ import annotations

import contextlib
import gc
import logging
from pathlib import Path
from typing import Any

import django.forms
from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.forms.renderers import DjangoTemplates, get_default_renderer
from django.template import TemplateSyntaxError, engines
from django.urls import NoReverseMatch, URLResolver, get_resolver, reverse
from django.utils import translation

from .cards import PACKAGE_ROOT, release_digest

logger = logging.getLogger(__name__)
FORMS_TEMPLATES = Path(django.forms.__file__).parent / "templates"


def after_loading(worker: Any = None) -> None:
    """Readies the worker for its first request (`warm_up`), then sets what it loaded
    apart from the garbage collector (`gc.freeze`: Django, the apps, the templates, some
    190,000 objects that live as long as the worker). A full collection then walks only
    what requests made: it walked everything, 70–120 ms every dozen requests of a page
    of 200 API items (docs/performance.md, "The open API"), a pause that fell on some
    request."""
    warm_up()
    gc.collect()
    gc.freeze()


def warm_up() -> None:
    """Does now what the worker's first requests would each pay for once: about 150–200 ms
    on the first page a worker serves (docs/performance.md, "The map in the browser"),
    for the first visitors after every start or deploy. Reads nothing from the database.

    - the address tables of every URL namespace, in each language (`reverse`);
    - every template of the `tissage` package compiled, and the forms' own (Django's
      cached loaders keep them for the worker's life, as they would after a first use);
    - the static files' manifest, the translation catalogues, and the release's digest the
      cards' keys hold."""
    release_digest()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            _tables_built(get_resolver())
    # The static files' storage is made on first use, and reads its manifest then.
    getattr(staticfiles_storage, "manifest_name", None)
    compiled: list[tuple[Any, Path]] = [(engines["django"].engine, PACKAGE_ROOT)]  # type: ignore[attr-defined]
    forms = get_default_renderer()
    if isinstance(forms, DjangoTemplates):
        # The forms' own templates (fields, widgets, errors), in the forms' engine.
        compiled.append((forms.engine.engine, FORMS_TEMPLATES))  # type: ignore[attr-defined]
    for engine, root in compiled:
        for name in _template_names(engine, root):
            try:
                engine.get_template(name)
            except TemplateSyntaxError:
                # Its pages will say so; the worker serves the others.
                logger.exception("The template %s does not compile.", name)


def _tables_built(resolver: URLResolver, namespace: str = "") -> None:
    """The reverse tables of a resolver and of the namespaces under it, for the active
    language: `reverse` builds (and keeps) those of each namespace it goes through before
    it looks for the name, which here is none."""
    for name, (_prefix, included) in resolver.namespace_dict.items():
        path = f"{namespace}:{name}" if namespace else name
        with contextlib.suppress(NoReverseMatch):
            reverse(f"{path}:")
        _tables_built(included, path)


def _template_names(engine: Any, root: Path) -> list[str]:
    """The names of the templates an engine finds in its folders under `root`."""
    names = []
    for loader in engine.template_loaders:
        for folder in map(Path, loader.get_dirs()):
            if not folder.is_relative_to(root):
                continue
            names += [
                path.relative_to(folder).as_posix()
                for path in sorted(folder.rglob("*"))
                if path.is_file()
            ]
    return names
