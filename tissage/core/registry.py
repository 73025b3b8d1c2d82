"""What each app adds to the platform-wide duties, declared on its `AppConfig`.

An app's config derives from `TissageAppConfig` and names, as dotted paths:

- `personal_data`: a module with any of `collect(user) -> dict` (what the person's data
  download holds), `files(user) -> list[FieldFile]` (files they uploaded) and
  `forget(user) -> None` (what to blank before the account is deleted);
- `purges`: functions `() -> int` that remove what is no longer kept (expired, stale) and
  return how many rows went; each is idempotent. `tissage purge` runs them all;
- `address_confirmed`: functions `(user) -> None` called when a person proves an address
  is theirs (signing in with a code or link sent to it): what they did as a guest with
  that address becomes their account's;
- `my_space`: a function `(user) -> MySpacePart | None`, the app's part of the person's
  page of their participation ("Mon espace", accounts);
- `account`: a function `(user) -> AccountPart | None`, the app's part of the person's
  account page (accounts, `/compte/`): settings of theirs that the app keeps (personal
  API tokens);
- `home`: a function `() -> HomePart | None`, the app's part of the home page (projects):
  what one can do now, its points on the territory's map, its impact counters.
- `search`: `core.search.SearchKind`s, the app's kinds of result in site search: a model
  indexed for search, the rows of it a visitor may see, and how one is shown.
- `workspace`: a function `(user) -> list[WorkItem]`, the app's part of the staff
  workspace ("À traiter", dashboard): what waits for this person in the objects they
  run, decided by the app's own `access.py`. Each reads in a constant number of queries
  whatever the data (grouped aggregates), and returns nothing to a person with no staff
  role in the app.
- `followables`: what people may follow in the app (engagement's follow button), a kind
  slug ("project", "campaign", "collective", "commune") → a function
  `(user, pk) -> model instance` that fetches the thing and raises `Http404` when the
  person may not see it (the app's lookups and access decide, as for its pages). The
  slug is the one in the button's URL (`/notifications/suivre/<kind>/<pk>/`); two apps
  never declare the same one.
- `embeds`: what other websites may embed (oEmbed, `core.widgets`), a URL name of a
  public page ("actions:detail") → a function `(request, **url_kwargs) -> core.widgets.Embed`
  naming the widget to show for it, which raises `Http404` when the page is not public
  (the app's lookups decide, for an anonymous visitor). Two apps never declare the same
  URL name.

The accounts app asks this module, never the other apps: a new app declares itself and
nothing else changes. Apps are asked in `INSTALLED_APPS` order.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from importlib import import_module
from types import ModuleType
from typing import TYPE_CHECKING, Any

from django.apps import AppConfig, apps
from django.utils.module_loading import import_string

if TYPE_CHECKING:
    from .search import SearchKind


class TissageAppConfig(AppConfig):
    personal_data: str | None = None
    purges: tuple[str, ...] = ()
    address_confirmed: tuple[str, ...] = ()
    my_space: str | None = None
    account: str | None = None
    home: str | None = None
    search: tuple[str, ...] = ()
    workspace: str | None = None
    followables: Mapping[str, str] = {}
    embeds: Mapping[str, str] = {}


@dataclass(frozen=True)
class MySpacePart:
    """An app's part of "Mon espace": a template of its own and what it shows.
    `waiting` counts what awaits an answer from the person (shown first)."""

    template: str
    context: dict[str, Any]
    waiting: int = 0


@dataclass(frozen=True)
class AccountPart:
    """An app's part of the account page: a section drawn by a template of its own."""

    template: str
    context: dict[str, Any]


@dataclass(frozen=True)
class HomePoint:
    """A point of the home page's map: an action (`count` 1) or a group of items."""

    kind: str  # "action" or "items": the legend's classes
    latitude: float
    longitude: float
    label: str
    url: str
    count: int = 1


@dataclass(frozen=True)
class HomeCounter:
    """An impact counter of the home page: a number and what it counts (already
    translated, in the plural the number asks for)."""

    value: int
    label: str


@dataclass(frozen=True)
class HomePart:
    """An app's part of the home page. `template` shows what one can do now (no sign-in
    needed) with `context`; `position` orders the parts (the most immediate first);
    `points` go on the territory's map and `counters` among the impact figures. Each part
    reads in a few queries whatever the data: the home page's count stays constant."""

    template: str
    context: dict[str, Any]
    position: int = 100
    points: tuple[HomePoint, ...] = ()
    counters: tuple[HomeCounter, ...] = ()


@dataclass(frozen=True)
class WorkItem:
    """One line of the staff workspace: `count` things wait at `url` (the page where
    they are dealt with). `label` is already translated, in the plural `count` asks for,
    and names what it is about ("3 contributions to moderate in …"); `group` is the
    module's heading ("Inventories"); `detail` adds short lines (a fill rate, the roles
    not full). The header's total is the sum of the counts."""

    label: str
    count: int
    url: str
    group: str
    detail: tuple[str, ...] = ()


def _tissage_configs() -> list[TissageAppConfig]:
    return [config for config in apps.get_app_configs() if isinstance(config, TissageAppConfig)]


def personal_data_modules() -> list[ModuleType]:
    """Every app's personal-data module, in INSTALLED_APPS order."""
    return [
        import_module(config.personal_data) for config in _tissage_configs() if config.personal_data
    ]


def personal_data_calls(name: str) -> list[Callable[..., Any]]:
    """Each app's `name` function (collect, files or forget), where it has one."""
    return [getattr(module, name) for module in personal_data_modules() if hasattr(module, name)]


def address_confirmed_calls() -> list[Callable[[Any], None]]:
    """Every app's `address_confirmed` function, in INSTALLED_APPS order."""
    return [
        import_string(path) for config in _tissage_configs() for path in config.address_confirmed
    ]


def my_space_parts(user: Any) -> list[MySpacePart]:
    """Each app's part of the person's space, where it has something to show."""
    parts = [
        import_string(config.my_space)(user) for config in _tissage_configs() if config.my_space
    ]
    return [part for part in parts if part is not None]


def account_parts(user: Any) -> list[AccountPart]:
    """Each app's part of the person's account page, where it has something to show."""
    parts = [import_string(config.account)(user) for config in _tissage_configs() if config.account]
    return [part for part in parts if part is not None]


def home_parts() -> list[HomePart]:
    """Each app's part of the home page, by `position` (then INSTALLED_APPS order)."""
    parts = [import_string(config.home)() for config in _tissage_configs() if config.home]
    return sorted((part for part in parts if part is not None), key=lambda part: part.position)


def search_kinds() -> list[SearchKind]:
    """Every app's `SearchKind`s, in INSTALLED_APPS order (the order of the groups)."""
    return [import_string(path) for config in _tissage_configs() for path in config.search]


def workspace_items(user: Any) -> list[WorkItem]:
    """Every app's part of the person's workspace, in INSTALLED_APPS order."""
    return [
        item
        for config in _tissage_configs()
        if config.workspace
        for item in import_string(config.workspace)(user)
    ]


def followables() -> dict[str, Callable[[Any, int], Any]]:
    """Every app's followable kinds: slug → `(user, pk) -> instance` (404 when hidden)."""
    found: dict[str, Callable[[Any, int], Any]] = {}
    for config in _tissage_configs():
        for kind, path in config.followables.items():
            if kind in found:
                raise ValueError(f"Two apps declare the followable kind {kind!r}.")
            found[kind] = import_string(path)
    return found


def embeds() -> dict[str, Callable[..., Any]]:
    """Every app's embeddable pages: URL name → `(request, **kwargs) -> Embed`."""
    found: dict[str, Callable[..., Any]] = {}
    for config in _tissage_configs():
        for name, path in config.embeds.items():
            if name in found:
                raise ValueError(f"Two apps declare the embeddable page {name!r}.")
            found[name] = import_string(path)
    return found


def purges() -> list[tuple[str, Callable[[], int]]]:
    """(dotted path, function) of every app's purge, in INSTALLED_APPS order."""
    return [(path, import_string(path)) for config in _tissage_configs() for path in config.purges]
