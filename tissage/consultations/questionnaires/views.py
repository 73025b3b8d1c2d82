"""Questionnaires' pages: setting one up, answering (online, with a code, as a guest),
paper (codes sheet, printable questionnaire), assisted entry, results, moderation,
exports."""

from __future__ import annotations

import tempfile
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.db.models import Count, Q
from django.http import (
    FileResponse,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    StreamingHttpResponse,
)
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tissage.core import pdf, spreadsheets
from tissage.core.access import signs_in_back_to
from tissage.core.emails import site_url
from tissage.core.middleware import permits_for_self
from tissage.core.ratelimit import guest_form_limit

from .. import access, lookups
from ..models import AccessCode, Question, Questionnaire, Response
from ..models.questionnaires import EVERYWHERE
from . import blocks, queries, services
from .emails import response_confirmation_send
from .forms import (
    AnswerForm,
    CodeForm,
    CodesForm,
    ModerationForm,
    QuestionForm,
    QuestionnaireForm,
    ResultsFilterForm,
)

CODES_PER_SHEET = 24


def _questions(questionnaire: Questionnaire) -> list[Question]:
    return list(questionnaire.questions.all())


def _map_context(form: AnswerForm, questionnaire: Questionnaire) -> dict[str, Any]:
    """What the map of a place question needs (the inventories' picker): opened on the
    project's communes."""
    if form.picker_question is None:
        return {}
    extent = questionnaire.consultation.project.communes.bounds()
    return {
        "map_tiles": settings.MAP_TILE_URL,
        "map_attribution": settings.MAP_TILE_ATTRIBUTION,
        "bbox": extent.as_text() if extent else "",
    }


# Setting up -------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def questionnaire_create(request: HttpRequest, slug: str) -> HttpResponse:
    consultation, _rights = lookups.get_managed_consultation(request, slug)
    form = QuestionnaireForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.instance.consultation = consultation
        questionnaire = form.save()
        messages.success(request, _("The questionnaire is created: now add its questions."))
        return redirect("consultations:questionnaire_manage", pk=questionnaire.pk)
    return render(
        request,
        "consultations/questionnaires/settings.html",
        {"form": form, "consultation": consultation, "questionnaire": None},
    )


@require_http_methods(["GET", "POST"])
def questionnaire_edit(request: HttpRequest, pk: int) -> HttpResponse:
    questionnaire, _rights = lookups.get_managed_questionnaire(request, pk)
    form = QuestionnaireForm(request.POST or None, instance=questionnaire)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The questionnaire is saved."))
        return redirect("consultations:questionnaire_manage", pk=questionnaire.pk)
    return render(
        request,
        "consultations/questionnaires/settings.html",
        {"form": form, "consultation": questionnaire.consultation, "questionnaire": questionnaire},
    )


@require_GET
def questionnaire_manage(request: HttpRequest, pk: int) -> HttpResponse:
    questionnaire, rights = lookups.get_managed_questionnaire(request, pk)
    counts = questionnaire.codes.aggregate(
        made=Count("pk"), used=Count("pk", filter=Q(used_at__isnull=False))
    )
    return render(
        request,
        "consultations/questionnaires/manage.html",
        {
            "questionnaire": questionnaire,
            "consultation": questionnaire.consultation,
            "questions": _questions(questionnaire),
            "has_responses": questionnaire.responses.exists(),
            "codes": counts,
            "to_moderate": queries.answers_to_moderate(questionnaire).count(),
            "rights": rights,
            "can_enter": access.can_enter_for_someone(questionnaire, rights),
        },
    )


def _question_form(request: HttpRequest, question: Question, **kwargs: Any) -> QuestionForm:
    form = QuestionForm(request.POST or None, instance=question, **kwargs)
    if question.pk and question.questionnaire.responses.exists():
        # Answers were counted against these: only the wording may change now.
        for name in ("kind", "choices", "allow_other", "scale_min", "scale_max"):
            form.fields[name].disabled = True
            form.fields[name].help_text = _("Answers came in: this can no longer change.")
    return form


@require_http_methods(["GET", "POST"])
def question_add(request: HttpRequest, pk: int) -> HttpResponse:
    questionnaire, _rights = lookups.get_managed_questionnaire(request, pk)
    question = Question(questionnaire=questionnaire, position=questionnaire.questions.count())
    if questionnaire.responses.exists():
        messages.error(request, _("Answers came in: questions can no longer be added."))
        return redirect("consultations:questionnaire_manage", pk=questionnaire.pk)
    form = _question_form(request, question)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The question is added."))
        return redirect("consultations:questionnaire_manage", pk=questionnaire.pk)
    return render(
        request,
        "consultations/questionnaires/question.html",
        {"form": form, "questionnaire": questionnaire, "question": None},
    )


@require_http_methods(["GET", "POST"])
def question_edit(request: HttpRequest, pk: int) -> HttpResponse:
    question, _rights = lookups.get_managed_question(request, pk)
    form = _question_form(request, question)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The question is saved."))
        return redirect("consultations:questionnaire_manage", pk=question.questionnaire_id)
    return render(
        request,
        "consultations/questionnaires/question.html",
        {"form": form, "questionnaire": question.questionnaire, "question": question},
    )


@require_POST
@signs_in_back_to("consultations:question_edit", "pk")
def question_delete(request: HttpRequest, pk: int) -> HttpResponse:
    question, _rights = lookups.get_managed_question(request, pk)
    if question.questionnaire.responses.exists():
        messages.error(request, _("Answers came in: questions can no longer be deleted."))
    else:
        question.delete()
        messages.success(request, _("The question is deleted."))
    return redirect("consultations:questionnaire_manage", pk=question.questionnaire_id)


@require_POST
@signs_in_back_to("consultations:question_edit", "pk")
def question_move(request: HttpRequest, pk: int) -> HttpResponse:
    question, _rights = lookups.get_managed_question(request, pk)
    direction = request.POST.get("direction")
    if direction not in ("up", "down"):
        return HttpResponseBadRequest(_("Say whether to move the question up or down."))
    services.question_move(question=question, up=direction == "up")
    return redirect(
        reverse("consultations:questionnaire_manage", args=[question.questionnaire_id])
        + f"#question-{question.pk}"
    )


# Answering --------------------------------------------------------------------------------------


def _already_answered(request: HttpRequest, questionnaire: Questionnaire) -> Response | None:
    if not request.user.is_authenticated or questionnaire.audience == Questionnaire.Audience.CODES:
        return None
    return questionnaire.responses.filter(user=request.user).first()


@require_http_methods(["GET", "POST"])
@guest_form_limit("questionnaire-answer")
@permits_for_self("geolocation")  # "use my position" for a place question
def questionnaire(request: HttpRequest, pk: int) -> HttpResponse:
    """The questionnaire's page: every question on one page. An account answers once
    (answering again is refused: the page says when they answered); a guest gives an
    address and confirms it; a code questionnaire asks for the code."""
    if request.method == "POST":
        item, rights = lookups.get_questionnaire_to_answer(request, pk)
    else:
        item, rights = lookups.get_questionnaire(request, pk)
    questions = _questions(item)
    answered = _already_answered(request, item)
    # A code questionnaire always asks for the code; one open to anyone asks for it when
    # the visitor comes from the printed sheet (`code/` passes it on): a paper code
    # answers without an account or an address there too.
    is_codes = item.audience == Questionnaire.Audience.CODES or (
        item.audience == Questionnaire.Audience.ANYONE
        and bool(request.GET.get("code") or request.POST.get("code"))
    )
    form = AnswerForm(
        request.POST or None,
        request.FILES or None,
        initial={"code": request.GET.get("code", "")},
        questionnaire=item,
        questions=questions,
        ask_email=not request.user.is_authenticated and not is_codes,
        ask_code=is_codes,
    )
    if request.method == "POST" and answered is None and form.is_valid():
        code = form.cleaned_data.get("code")
        user = request.user if request.user.is_authenticated else None
        try:
            response = services.response_submit(
                questionnaire=item,
                answers=form.answers,
                user=None if is_codes else user,
                email=form.cleaned_data.get("email", ""),
                commune=form.cleaned_data.get("commune"),
                code=code.code if code else "",
            )
        except services.CodeRefused:
            form.add_error("code", _("This code has been used already: each code answers once."))
        except services.AlreadyAnswered:
            messages.info(request, _("You have already answered this questionnaire."))
            return redirect("consultations:questionnaire", pk=item.pk)
        else:
            if response.counted_at is None:
                response_confirmation_send(response=response, base_url=site_url(request))
                return redirect(
                    reverse("consultations:questionnaire_thanks", args=[item.pk]) + "?confirmer=1"
                )
            return redirect("consultations:questionnaire_thanks", pk=item.pk)
    status = 400 if request.method == "POST" and answered is None else 200
    return render(
        request,
        "consultations/questionnaires/answer.html",
        {
            "questionnaire": item,
            "consultation": item.consultation,
            "rights": rights,
            "form": form,
            "answered": answered,
            "mode": "online",
            **_map_context(form, item),
        },
        status=status,
    )


@require_GET
def questionnaire_thanks(request: HttpRequest, pk: int) -> HttpResponse:
    item, rights = lookups.get_questionnaire(request, pk)
    return render(
        request,
        "consultations/questionnaires/thanks.html",
        {
            "questionnaire": item,
            "consultation": item.consultation,
            "rights": rights,
            "to_confirm": request.GET.get("confirmer") == "1",
        },
    )


@require_http_methods(["GET", "POST"])
def questionnaire_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """A guest's link: the page asks them to confirm with a button (a POST), so that mail
    scanners following links make nothing count (as the proposals' links)."""
    response = lookups.get_guest_response(token)
    if request.method == "GET":
        return render(
            request,
            "consultations/confirm.html",
            {
                "consultation": response.questionnaire.consultation,
                "questionnaire": response.questionnaire,
                "what": "answer",
            },
        )
    try:
        if services.response_confirm(response=response):
            messages.success(
                request, _("Your address is confirmed: your answer counts. Thank you!")
            )
        else:
            messages.info(request, _("This answer was already confirmed: it counts."))
    except services.AlreadyAnswered:
        messages.info(
            request,
            _("An answer from this address counts already: each address answers once."),
        )
    return redirect("consultations:questionnaire_thanks", pk=response.questionnaire_id)


@require_http_methods(["GET", "POST"])
@guest_form_limit("questionnaire-code")
def code(request: HttpRequest) -> HttpResponse:
    """The address printed on the codes: type the code, then answer."""
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        access_code: AccessCode = form.cleaned_data["code"]
        item, rights = lookups.get_questionnaire(request, access_code.questionnaire_id)
        if not rights.is_open:
            form.add_error("code", _("This questionnaire is not taking answers now."))
        else:
            url = reverse("consultations:questionnaire", args=[item.pk])
            return redirect(f"{url}?{urlencode({'code': access_code.shown})}")
    return render(
        request,
        "consultations/questionnaires/code.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


# Paper -----------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def codes(request: HttpRequest, pk: int) -> HttpResponse:
    questionnaire, _rights = lookups.get_managed_questionnaire(request, pk)
    form = CodesForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        made = services.codes_generate(
            questionnaire=questionnaire, count=form.cleaned_data["count"]
        )
        messages.success(
            request,
            _("%(count)d codes are made: print them.") % {"count": len(made)},
        )
        return redirect("consultations:questionnaire_codes", pk=questionnaire.pk)
    counts = questionnaire.codes.aggregate(
        made=Count("pk"), used=Count("pk", filter=Q(used_at__isnull=False))
    )
    return render(
        request,
        "consultations/questionnaires/codes.html",
        {
            "questionnaire": questionnaire,
            "consultation": questionnaire.consultation,
            "form": form,
            "counts": counts,
        },
        status=400 if form.errors else 200,
    )


def _sheets(items: list[AccessCode]) -> list[list[AccessCode]]:
    return [items[i : i + CODES_PER_SHEET] for i in range(0, len(items), CODES_PER_SHEET)]


@require_GET
def codes_print(request: HttpRequest, pk: int) -> HttpResponse:
    """The unused codes, 24 to an A4 sheet, each with the address to type them in."""
    questionnaire, _rights = lookups.get_managed_questionnaire(request, pk)
    unused = list(questionnaire.codes.filter(used_at__isnull=True))
    return render(
        request,
        "consultations/questionnaires/codes_print.html",
        {
            "questionnaire": questionnaire,
            "sheets": _sheets(unused),
            "code_url": site_url(request) + reverse("consultations:code"),
        },
    )


def _paper_context(request: HttpRequest, questionnaire: Questionnaire) -> dict[str, Any]:
    return {
        "questionnaire": questionnaire,
        "consultation": questionnaire.consultation,
        "questions": _questions(questionnaire),
        "code_url": site_url(request) + reverse("consultations:code"),
        "lines": range(4),
    }


@require_GET
def paper(request: HttpRequest, pk: int) -> HttpResponse:
    """The paper questionnaire: A4, large type, boxes to tick, lines to write."""
    questionnaire, _rights = lookups.get_managed_questionnaire(request, pk)
    return render(
        request, "consultations/questionnaires/paper.html", _paper_context(request, questionnaire)
    )


@require_GET
def paper_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    questionnaire, _rights = lookups.get_managed_questionnaire(request, pk)
    html = render_to_string(
        "consultations/questionnaires/paper.html",
        {**_paper_context(request, questionnaire), "for_pdf": True},
        request=request,
    )
    try:
        content = pdf.pdf_from_html(html)
    except pdf.PdfUnavailable:
        messages.error(request, _("The PDF cannot be made on this server: print this page."))
        return redirect("consultations:questionnaire_paper", pk=questionnaire.pk)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="questionnaire-{questionnaire.pk}.pdf"'
    return response


@require_http_methods(["GET", "POST"])
@permits_for_self("geolocation")
def assist(request: HttpRequest, pk: int) -> HttpResponse:
    """A facilitator types in a paper answer, with its code or none: flagged."""
    questionnaire, rights = lookups.get_questionnaire_to_enter(request, pk)
    form = AnswerForm(
        request.POST or None,
        request.FILES or None,
        questionnaire=questionnaire,
        questions=_questions(questionnaire),
        ask_code=True,
        code_required=False,
    )
    if request.method == "POST" and form.is_valid():
        access_code = form.cleaned_data.get("code")
        try:
            services.response_submit(
                questionnaire=questionnaire,
                answers=form.answers,
                commune=form.cleaned_data.get("commune"),
                code=access_code.code if access_code else "",
                entered_by=request.user,  # type: ignore[arg-type]
            )
        except services.CodeRefused:
            form.add_error("code", _("This code has been used already: each code answers once."))
        else:
            messages.success(request, _("The paper answer is saved. Type in the next one."))
            return redirect("consultations:questionnaire_assist", pk=questionnaire.pk)
    return render(
        request,
        "consultations/questionnaires/answer.html",
        {
            "questionnaire": questionnaire,
            "consultation": questionnaire.consultation,
            "rights": rights,
            "form": form,
            "answered": None,
            "mode": "assisted",
            **_map_context(form, questionnaire),
        },
        status=400 if form.errors else 200,
    )


# Results ---------------------------------------------------------------------------------------


@require_GET
def results(request: HttpRequest, pk: int) -> HttpResponse:
    questionnaire, rights = lookups.get_questionnaire_results(request, pk)
    communes = queries.answered_communes(questionnaire)
    form = ResultsFilterForm(request.GET or None, communes=communes)
    area = EVERYWHERE
    if form.is_bound and form.is_valid():
        area = form.cleaned_data["commune"] or EVERYWHERE
    chosen = next((c for c in communes if c.insee_code == area), None)
    results = queries.results_of(
        questionnaire, area=area, commune_names={c.insee_code: c.name for c in communes}
    )
    return render(
        request,
        "consultations/questionnaires/results.html",
        {
            "questionnaire": questionnaire,
            "consultation": questionnaire.consultation,
            "rights": rights,
            "form": form,
            "commune": chosen,
            "results": results,
            "results_html": blocks.results_html(results.questions),
        },
        status=400 if form.errors else 200,
    )


@require_GET
def export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse | StreamingHttpResponse:
    """The anonymised answers (no name, address or account), for whoever reads the
    results; free text only once published, except for who runs the questionnaire."""
    questionnaire, rights = lookups.get_questionnaire_results(request, pk)
    questions = _questions(questionnaire)
    name = _("answers")[:31]
    sheet = spreadsheets.Sheet(
        name=name,
        header=queries.export_header(questions),
        rows=lambda: queries.export_rows(questionnaire, questions, private_text=rights.can_manage),
    )
    filename = f"questionnaire-{questionnaire.pk}.{fmt}"
    response: HttpResponse | StreamingHttpResponse
    if fmt == "csv":
        response = StreamingHttpResponse(
            spreadsheets.csv_stream(sheet, datetimes="minutes", language=settings.LANGUAGE_CODE),
            content_type=spreadsheets.CONTENT_TYPES[fmt],
        )
    else:
        spool = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
        write = spreadsheets.ods_write if fmt == "ods" else spreadsheets.xlsx_write
        write([sheet], spool, language=settings.LANGUAGE_CODE)
        spool.seek(0)
        response = FileResponse(spool, content_type=spreadsheets.CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_http_methods(["GET", "POST"])
def moderation(request: HttpRequest, pk: int) -> HttpResponse:
    """Free-text answers waiting to be read: publish them in the results, or keep them
    private."""
    questionnaire, _rights = lookups.get_managed_questionnaire(request, pk)
    pending = list(queries.answers_to_moderate(questionnaire)[:100])
    form = ModerationForm(request.POST or None, answer_ids=[a.pk for a in pending])
    if request.method == "POST" and form.is_valid():
        changed = services.answers_moderate(
            questionnaire=questionnaire,
            answer_ids=form.cleaned_data["answers"],
            publish=form.cleaned_data["decision"] == "publish",
        )
        messages.success(request, _("%(count)d answers are done.") % {"count": changed})
        return redirect("consultations:questionnaire_moderation", pk=questionnaire.pk)
    return render(
        request,
        "consultations/questionnaires/moderation.html",
        {
            "questionnaire": questionnaire,
            "consultation": questionnaire.consultation,
            "form": form,
            "pending": pending,
            "now": timezone.now(),
        },
        status=400 if form.errors else 200,
    )
