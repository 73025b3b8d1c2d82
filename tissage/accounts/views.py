import secrets

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.i18n import set_language

from tissage.core.clients import client_address
from tissage.core.emails import site_url
from tissage.core.registry import account_parts, my_space_parts

from . import services
from .forms import CodeForm, DeleteAccountForm, EmailForm, PasswordSignInForm, ProfileForm
from .models import User

SESSION_EMAIL = "sign_in_email"
SESSION_NEXT = "sign_in_next"
SESSION_BROWSER = "sign_in_browser"


def _browser(request: HttpRequest) -> str:
    """This browser, for sign-in: a random id kept in its session, so that its codes work
    in it alone and its wrong codes count against it, not against whoever owns the address."""
    browser_id = request.session.get(SESSION_BROWSER)
    if not browser_id:
        browser_id = request.session[SESSION_BROWSER] = secrets.token_urlsafe(16)
    return services.browser_fingerprint(browser_id)


def _safe_next(request: HttpRequest, candidate: str | None) -> str | None:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return None


def _remember_language(response: HttpResponse, language: str) -> HttpResponse:
    """Pages follow the language chosen on the account, on every device."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite="Lax",
    )
    return response


def _signed_in(request: HttpRequest, user: User) -> HttpResponse:
    next_url = request.session.pop(SESSION_NEXT, None)
    request.session.pop(SESSION_EMAIL, None)
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    messages.success(request, _("You are signed in. Welcome!"))
    # Without a page to go back to: a new account chooses its name first; anyone else
    # finds their participation ("Mon espace").
    landing = "accounts:my_space"
    if not user.display_name:
        messages.info(request, _("Choose the name shown next to what you publish."))
        landing = "accounts:account"
    return _remember_language(redirect(next_url or landing), user.language)


@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("accounts:account")
    if next_url := _safe_next(request, request.GET.get("next")):
        request.session[SESSION_NEXT] = next_url
    form = EmailForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        try:
            services.sign_in_code_request(
                email=email,
                browser=_browser(request),
                requester=services.requester_fingerprint(client_address(request)),
                language=translation.get_language() or settings.LANGUAGE_CODE,
                base_url=site_url(request),
            )
        except services.SignInError as error:
            form.add_error("email", str(error))
        else:
            request.session[SESSION_EMAIL] = email
            return redirect("accounts:sign_in_code")
    return render(request, "accounts/sign_in.html", {"form": form})


@require_http_methods(["GET", "POST"])
def sign_in_code(request: HttpRequest) -> HttpResponse:
    email = request.session.get(SESSION_EMAIL)
    if not email:
        messages.info(request, _("Enter your email address first: we will send you a code."))
        return redirect("accounts:sign_in")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.sign_in_code_verify(
                email=email,
                code=form.cleaned_data["code"],
                browser=_browser(request),
                requester=services.requester_fingerprint(client_address(request)),
                language=translation.get_language() or settings.LANGUAGE_CODE,
            )
        except services.SignInError as error:
            form.add_error("code", str(error))
        else:
            return _signed_in(request, user)
    return render(request, "accounts/sign_in_code.html", {"form": form, "email": email})


@require_http_methods(["GET", "POST"])
def sign_in_link(request: HttpRequest, token: str) -> HttpResponse:
    # The link opens a page with a button: mail scanners that follow links do not
    # burn the code, and nobody is signed in by a mere GET.
    if request.method == "POST":
        try:
            user = services.sign_in_link_verify(
                token=token, language=translation.get_language() or settings.LANGUAGE_CODE
            )
        except services.SignInError as error:
            messages.error(request, str(error))
            return redirect("accounts:sign_in")
        return _signed_in(request, user)
    return render(request, "accounts/sign_in_link.html")


@require_http_methods(["GET", "POST"])
def sign_in_password(request: HttpRequest) -> HttpResponse:
    """For people who chose to add a password; the code remains the main way in."""
    if request.user.is_authenticated:
        return redirect("accounts:account")
    form = PasswordSignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.sign_in_password(
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password"],
                requester=services.requester_fingerprint(client_address(request)),
            )
        except services.SignInError as error:
            form.add_error(None, str(error))
        else:
            return _signed_in(request, user)
    return render(request, "accounts/sign_in_password.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def password(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    if request.method == "POST" and request.POST.get("remove"):
        user.set_unusable_password()
        user.save(update_fields=["password"])
        update_session_auth_hash(request, user)
        messages.success(request, _("Your password is removed: sign in with a code by email."))
        return redirect("accounts:account")
    form = SetPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.save()
        update_session_auth_hash(request, user)
        messages.success(request, _("Your password is saved."))
        return redirect("accounts:account")
    return render(request, "accounts/password.html", {"form": form})


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.success(request, _("You are signed out."))
    return redirect("projects:home")


@login_required
@require_http_methods(["GET", "POST"])
def account(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    form = ProfileForm(request.POST or None, instance=user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your profile is saved."))
        return _remember_language(redirect("accounts:account"), user.language)
    # Sections other apps add (core.registry, `account`): e.g. the API tokens of staff.
    sections = [
        render_to_string(part.template, part.context, request) for part in account_parts(user)
    ]
    return render(request, "accounts/account.html", {"form": form, "sections": sections})


@login_required
@require_GET
def my_space(request: HttpRequest) -> HttpResponse:
    """ "Mon espace": what the person takes part in, each app's part (core.registry),
    what waits for their answer first."""
    user: User = request.user  # type: ignore[assignment]
    parts = sorted(my_space_parts(user), key=lambda part: -part.waiting)
    sections = [render_to_string(part.template, part.context, request) for part in parts]
    return render(request, "accounts/my_space.html", {"sections": sections})


@login_required
@require_GET
def account_export(request: HttpRequest) -> StreamingHttpResponse:
    user: User = request.user  # type: ignore[assignment]
    # Sent while it is made: a person's files may be many and large.
    response = StreamingHttpResponse(
        services.account_export(user=user), content_type="application/zip"
    )
    filename = f"tissage-mes-donnees-{timezone.localdate().isoformat()}.zip"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def account_delete(request: HttpRequest) -> HttpResponse:
    form = DeleteAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user: User = request.user  # type: ignore[assignment]
        logout(request)
        services.account_delete(user=user)
        messages.success(request, _("Your account has been deleted. Thank you for taking part."))
        return redirect("projects:home")
    return render(request, "accounts/account_delete.html", {"form": form})


@require_POST
def language_switch(request: HttpRequest) -> HttpResponse:
    """Django's language switch, which also remembers the choice on the account."""
    response = set_language(request)
    language = request.POST.get("language")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        User.objects.filter(pk=request.user.pk).update(language=language)
    return response
