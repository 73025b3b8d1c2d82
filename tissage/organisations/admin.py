from django.contrib import admin
from django.db import models

from .forms import LogoField
from .models import Organisation, OrganisationMembership


class MembershipInline(admin.TabularInline):
    model = OrganisationMembership
    raw_id_fields = ["user"]
    extra = 1


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "is_demo", "created_at"]
    list_filter = ["kind", "is_demo"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["communes"]
    inlines = [MembershipInline]
    # A logo sent through the admin goes through the site's pipeline (core.photos).
    formfield_overrides = {models.ImageField: {"form_class": LogoField}}
