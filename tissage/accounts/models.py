from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

CODE_LIFETIME = timedelta(minutes=15)


def normalise_email(email: str) -> str:
    """Email addresses are compared case-insensitively."""
    return email.strip().lower()


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=normalise_email(email), **extra)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def for_email(self, email: str, *, language: str) -> User:
        """The account of this address, created (unconfirmed) if there is none yet."""
        user = self.filter(email=normalise_email(email)).first()
        return user or self.create_user(email, language=language)

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        extra.setdefault("email_confirmed_at", timezone.now())
        return self.create_user(email, password, **extra)


def public_name_of(pk: int, display_name: str) -> str:
    """A person's public name from their id and the name they gave (`User.public_name`),
    for lists that read these two columns rather than the whole row."""
    return display_name or str(_("Participant #%(number)s") % {"number": pk})


class User(AbstractBaseUser, PermissionsMixin):
    """A person. Signs in with an emailed code; a password is optional."""

    email = models.EmailField(_("email address"), unique=True)
    display_name = models.CharField(
        _("display name"),
        max_length=80,
        blank=True,
        help_text=_("Shown next to what you publish. A pseudonym is fine."),
    )
    home_commune = models.ForeignKey(
        "territories.Commune",
        verbose_name=_("home commune"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    language = models.CharField(
        _("preferred language"), max_length=8, choices=settings.LANGUAGES, default="fr"
    )
    email_confirmed_at = models.DateTimeField(_("email confirmed"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)  # type: ignore[misc]
    is_staff = models.BooleanField(_("can open the administration"), default=False)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []  # type: ignore[misc]

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["date_joined"]

    def __str__(self) -> str:
        return self.public_name

    @property
    def public_name(self) -> str:
        """What other people see: never the email address."""
        return public_name_of(self.pk, self.display_name)

    def get_full_name(self) -> str:
        return self.public_name

    def get_short_name(self) -> str:
        return self.public_name


class SignInCodeQuerySet(models.QuerySet["SignInCode"]):
    def live(self, now: datetime | None = None) -> SignInCodeQuerySet:
        """Codes that may still be used: neither used (nor retired) nor expired."""
        return self.filter(used_at__isnull=True, expires_at__gt=now or timezone.now())


class SignInCode(models.Model):
    """A one-time code (and the matching magic link) sent to an email address.

    Only hashes are stored. The code works only in the browser that asked for it
    (`browser`), the link in any browser; both die after use or after 15 minutes. Wrong
    codes are counted apart (`SignInCodeFailure`), against whoever typed them.
    """

    email = models.EmailField(db_index=True)
    code_hash = models.CharField(max_length=64)
    token_hash = models.CharField(max_length=64, unique=True)
    requester = models.CharField(max_length=64, db_index=True, help_text="keyed hash of the IP")
    browser = models.CharField(
        max_length=64, blank=True, help_text="keyed hash of the asking browser's sign-in id"
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    objects = SignInCodeQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"code for {self.email} at {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def is_expired(self) -> bool:
        return timezone.now() >= self.expires_at


class SignInCodeFailure(models.Model):
    """A wrong code typed for an address, kept one day: counted against the browser and
    the connection (keyed hash of the IP) that typed it, and against the address."""

    email = models.EmailField(db_index=True)
    browser = models.CharField(max_length=64)
    requester = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self) -> str:
        return f"wrong code for {self.email} at {self.created_at:%Y-%m-%d %H:%M}"


class PasswordFailure(models.Model):
    """A wrong password, kept one day to slow down guessing (per address and connection)."""

    email = models.EmailField(db_index=True)
    requester = models.CharField(max_length=64, db_index=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self) -> str:
        return f"wrong password for {self.email} at {self.created_at:%Y-%m-%d %H:%M}"
