from django.urls import path, register_converter

from tissage.core.converters import slug_converter

from . import views as views_wiki
from .services import RESERVED_SLUGS

register_converter(slug_converter(RESERVED_SLUGS), "wiki_page_slug")

P = "<slug:slug>/wiki/<wiki_page_slug:page_slug>/"

urlpatterns = [
    path("<slug:slug>/wiki/", views_wiki.wiki_index, name="wiki"),
    # No page may take this word (wiki.RESERVED_SLUGS), so the order does not matter.
    path("<slug:slug>/wiki/nouvelle/", views_wiki.wiki_create, name="wiki_create"),
    path(P, views_wiki.wiki_page, name="wiki_page"),
    path(P + "modifier/", views_wiki.wiki_edit, name="wiki_edit"),
    path(P + "historique/", views_wiki.wiki_history, name="wiki_history"),
    path(P + "comparer/", views_wiki.wiki_diff, name="wiki_diff"),
    path(P + "version/<int:number>/", views_wiki.wiki_revision, name="wiki_revision"),
    path(P + "version/<int:number>/restaurer/", views_wiki.wiki_restore, name="wiki_restore"),
]
