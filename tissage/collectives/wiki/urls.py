from django.urls import path, register_converter

from tissage.core.converters import slug_converter

from . import views
from .services import RESERVED_SLUGS

register_converter(slug_converter(RESERVED_SLUGS), "wiki_page_slug")

P = "<collective_slug:slug>/wiki/<wiki_page_slug:page_slug>/"

urlpatterns = [
    path("<collective_slug:slug>/wiki/", views.wiki_index, name="wiki"),
    # `wiki_page_slug` never takes this word (services.RESERVED_SLUGS).
    path("<collective_slug:slug>/wiki/nouvelle/", views.wiki_create, name="wiki_create"),
    path(P, views.wiki_page, name="wiki_page"),
    path(P + "modifier/", views.wiki_edit, name="wiki_edit"),
    path(P + "historique/", views.wiki_history, name="wiki_history"),
    path(P + "comparer/", views.wiki_diff, name="wiki_diff"),
    path(P + "version/<int:number>/", views.wiki_revision, name="wiki_revision"),
    path(P + "version/<int:number>/restaurer/", views.wiki_restore, name="wiki_restore"),
]
