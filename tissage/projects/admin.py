from collections.abc import Mapping
from typing import Any

from django.contrib import admin
from django.db import models

from tissage.core.photos import PhotoField

from .models import NewsPost, Project, ProjectMembership

# Pictures sent through the admin go through the same pipeline as the site's forms:
# checked, re-encoded without metadata, resized (core.photos).
PICTURES: Mapping[type[models.Field[Any, Any]], Mapping[str, Any]] = {
    models.ImageField: {"form_class": PhotoField}
}


class TeamInline(admin.TabularInline):
    model = ProjectMembership
    raw_id_fields = ["user"]
    extra = 1


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["title", "organisation", "status", "updated_at"]
    list_filter = ["status", "organisation"]
    list_select_related = ["organisation"]
    search_fields = ["title", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["communes"]
    inlines = [TeamInline]
    formfield_overrides = PICTURES


@admin.register(NewsPost)
class NewsPostAdmin(admin.ModelAdmin):
    list_display = ["title", "project", "author", "published_at"]
    list_select_related = ["project", "author"]
    raw_id_fields = ["author"]
    search_fields = ["title"]
    formfield_overrides = PICTURES
