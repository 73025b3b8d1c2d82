from django.contrib import admin

from .models import User


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    list_display = ["email", "display_name", "is_active", "is_superuser", "date_joined"]
    list_filter = ["is_active", "is_superuser", "language"]
    search_fields = ["email", "display_name"]
    raw_id_fields = ["home_commune"]
    exclude = ["password", "groups", "user_permissions"]
    readonly_fields = ["last_login", "date_joined", "email_confirmed_at"]
