"""A person's answers to questionnaires, for their data download and for the deletion of
their account (the lead wires `collect`, `files` and `forget` into the app's
personal_data module)."""

from __future__ import annotations

from django.db.models.fields.files import FieldFile

from tissage.accounts.models import User

from ..models import Answer, Response


def collect(user: User) -> dict[str, object]:
    responses = (
        Response.objects.filter(user=user)
        .select_related("questionnaire__consultation", "commune")
        .prefetch_related("answers__question")
    )
    return {
        "questionnaire_responses": [
            {
                "consultation": response.questionnaire.consultation.title,
                "questionnaire": response.questionnaire.title,
                "submitted_at": response.submitted_at,
                "commune": response.commune.name if response.commune else None,
                "answers": [
                    {
                        "question": answer.question.label,
                        "value": answer.value,
                        "text": answer.text,
                        "photo": answer.photo.name if answer.photo else None,
                    }
                    for answer in response.answers.all()
                ],
            }
            for response in responses
        ]
    }


def files(user: User) -> list[FieldFile]:
    """The photos the person gave as answers."""
    return [
        answer.photo
        for answer in Answer.objects.filter(response__user=user).exclude(photo="")
        if answer.photo
    ]


def forget(user: User) -> None:
    """Before the account is deleted: the answers stay and still count, anonymised — no
    account, no address. The unique constraint on (questionnaire, user) holds nothing
    any more once the account is gone."""
    Response.objects.filter(user=user).update(user=None, email="")
    Response.objects.filter(entered_by=user).update(entered_by=None)
