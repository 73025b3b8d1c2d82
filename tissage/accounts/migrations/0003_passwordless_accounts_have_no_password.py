"""Accounts made by signing in with a code had an empty password field, which Django
counts as a usable password: the account page and the data export told every new person
they had a password. They get the unusable mark that `create_user` gives."""

from django.contrib.auth.hashers import make_password
from django.db import migrations


def mark_unusable(apps, schema_editor):
    user = apps.get_model("accounts", "User")
    for pk in user.objects.filter(password="").values_list("pk", flat=True).iterator():
        user.objects.filter(pk=pk).update(password=make_password(None))


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_sign_in_codes_per_browser")]

    operations = [migrations.RunPython(mark_unusable, migrations.RunPython.noop, elidable=True)]
