"""Demo consultations, through the services: the Drôme association asks where to plant
next winter (ideas, remarks on the map, supports, comments, official answers); the PETR
asks which small heritage to save first (a questionnaire answered online, with paper
codes, and typed in from paper by its facilitator).

Addresses are in the reserved `.example` domain. A few dates are moved back afterwards
(`created_at`, `submitted_at`) so that the pages show three weeks of life, not one
instant: the services rightly stamp what they write with the present."""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from tissage.accounts.models import User
from tissage.consultations.answers.services import proposal_answer
from tissage.consultations.comments.services import comment_post
from tissage.consultations.consultation.services import category_add, consultation_create
from tissage.consultations.models import (
    Category,
    Comment,
    Consultation,
    Proposal,
    Question,
    Questionnaire,
    Response,
)
from tissage.consultations.proposals.services import (
    proposal_confirm_email,
    proposal_submit,
    support_confirm,
    support_give,
    support_record,
    support_request,
)
from tissage.consultations.questionnaires.services import (
    AnswerInput,
    answers_moderate,
    codes_generate,
    response_submit,
)
from tissage.projects.models import Project
from tissage.territories.models import Commune

from .inventory import _photo, _point_in

PLANTING_SLUG = "demo-ou-planter-l-hiver-prochain"
HERITAGE_SLUG = "demo-quel-petit-patrimoine-sauver"
HERITAGE_QUESTIONNAIRE = "Nos priorités pour le petit patrimoine"

# The Drôme's inhabitants with an account (first names as display names).
DROME_PEOPLE = {
    "claire": "Claire",
    "julien": "Julien",
    "amandine": "Amandine",
    "bernard": "Bernard",
    "nadia": "Nadia",
    "thomas": "Thomas",
    "lucie": "Lucie",
    "karim": "Karim",
    "elise": "Élise",
    "pierre": "Pierre",
    "manon": "Manon",
    "rene": "René",
}
# The Gard's, who answer the questionnaire online.
GARD_PEOPLE = {
    "sylvie": "Sylvie",
    "antoine": "Antoine",
    "mireille": "Mireille",
    "fabien": "Fabien",
    "odile": "Odile",
    "rachid": "Rachid",
    "helene": "Hélène",
    "gilles": "Gilles",
    "chantal": "Chantal",
    "laurent": "Laurent",
    "marion": "Marion",
    "yannick": "Yannick",
    "josette": "Josette",
    "kevin": "Kévin",
    "sandrine": "Sandrine",
    "alain": "Alain",
    "ines": "Inès",
}
GUEST_NAME, GUEST_EMAIL = "Agnès", "agnes.invitee@demo.tissage.example"
GUEST_SUPPORTER = "marc.invite@demo.tissage.example"
ASSISTED_NAME = "Germaine, sans internet"

IDEA_THEMES = ["Haies", "Vergers partagés", "Arbres dans le village"]
MAP_KINDS = ["Planter une haie ici", "Un arbre à planter", "Un coin à ombrager"]


@dataclass(frozen=True)
class Idea:
    title: str
    text: str
    theme: int
    supports: int  # accounts first, then supports given on paper
    answer: str = ""
    answer_text: str = ""
    photo: bool = False


IDEAS = [
    Idea(
        "Un verger partagé derrière l’école",
        "Le terrain en friche derrière l’école pourrait accueillir une dizaine de fruitiers. "
        "Les enfants planteraient et récolteraient avec leurs familles.",
        1,
        24,
        Proposal.Answer.ACCEPTED,
        "La mairie met le terrain à disposition : plantation prévue le 17 janvier avec "
        "l’école. Nous cherchons des parrains pour chaque arbre.",
        photo=True,
    ),
    Idea(
        "Une haie le long du chemin de la Sye",
        "Le chemin est brûlant l’été et le vent y souffle fort l’hiver. Une haie "
        "champêtre protégerait les promeneurs et les oiseaux.",
        0,
        18,
        Proposal.Answer.UNDER_STUDY,
        "Le chemin traverse trois parcelles privées : nous rencontrons les propriétaires "
        "en décembre.",
    ),
    Idea(
        "Des tilleuls sur la place du marché",
        "La place n’a plus d’ombre depuis l’abattage des platanes malades. Quatre tilleuls "
        "rendraient le marché d’été vivable.",
        2,
        12,
        Proposal.Answer.NOT_RETAINED,
        "Les réseaux enterrés sous la place empêchent d’y planter des arbres. Nous "
        "proposons plutôt de grands bacs plantés et des voiles d’ombrage.",
    ),
    Idea(
        "Planter une haie au stade",
        "Une haie autour du stade couperait le vent et ferait un abri pour les spectateurs.",
        0,
        9,
        Proposal.Answer.DONE,
        "Plantée le 22 novembre avec le club de foot : 180 arbustes. Merci à toutes et à tous !",
        photo=True,
    ),
    Idea(
        "Des arbres fruitiers au cimetière",
        "Quelques pruniers et cognassiers le long du mur nord, pour les oiseaux et pour qui passe.",
        1,
        4,
    ),
    Idea(
        "Un arbre pour chaque naissance",
        "Chaque famille qui accueille un enfant plante un arbre dans le village, avec une "
        "petite plaque.",
        2,
        7,
    ),
    Idea(
        "Remplacer les thuyas du lotissement",
        "Proposer aux habitants du lotissement des haies variées à la place des thuyas, "
        "avec des plants à prix coûtant.",
        0,
        0,
    ),
    Idea(
        "Un verger de variétés anciennes",
        "Sauver les variétés de pommes et de poires de la vallée en les greffant sur un "
        "terrain communal.",
        1,
        2,
    ),
]


@dataclass(frozen=True)
class Remark:
    title: str
    kind: int
    supports: int
    answer: str = ""
    answer_text: str = ""


REMARKS = [
    Remark(
        "Talus nu au bord de la départementale",
        0,
        14,
        Proposal.Answer.ACCEPTED,
        "Au programme de février, avec le Département.",
    ),
    Remark(
        "Le parking de la salle des fêtes est une fournaise",
        2,
        11,
        Proposal.Answer.UNDER_STUDY,
        "Nous chiffrons trois arbres et des places perméables.",
    ),
    Remark(
        "Un chêne à replanter ici",
        1,
        6,
        Proposal.Answer.UNDER_STUDY,
        "Le propriétaire du champ est d’accord ; reste à choisir le plant.",
    ),
    Remark(
        "Haie coupée l’an dernier",
        0,
        3,
        Proposal.Answer.ACCEPTED,
        "Replantation avec le propriétaire, qui est d’accord.",
    ),
    Remark(
        "Aire de jeux sans ombre",
        2,
        10,
        Proposal.Answer.ACCEPTED,
        "Deux érables champêtres plantés cet hiver.",
    ),
    Remark("Un noyer au coin du lavoir", 1, 2),
    Remark(
        "Entrée du village très minérale",
        1,
        5,
        Proposal.Answer.NOT_RETAINED,
        "Le terrain appartient à l’État (route nationale) : il refuse toute plantation "
        "à moins de 4 m de la chaussée.",
    ),
    Remark(
        "Haie pour le chemin des écoliers",
        0,
        8,
        Proposal.Answer.ACCEPTED,
        "Plantation avec l’école le 7 février.",
    ),
    Remark("Abribus en plein soleil", 2, 1),
    Remark("Bord de champ à protéger du vent", 0, 0),
    Remark("Un micocoulier à la place de l’arbre mort", 1, 4),
    Remark("Banc sans ombre près de la rivière", 2, 0),
    Remark("Haie de la zone artisanale", 0, 1),
    Remark("Le jardin public pourrait accueillir un cèdre", 1, 0),
    Remark(
        "Cour de la crèche à ombrager",
        2,
        6,
        Proposal.Answer.UNDER_STUDY,
        "La communauté de communes, qui gère la crèche, étudie une pergola plantée.",
    ),
]


def _base_url() -> str:
    # Links in the emails the loading sends (the guest's confirmation, the answers): the
    # demo's address, set by `tissage demo` before it loads.
    return settings.SITE_URL or "http://127.0.0.1:8000"


def _people(names: dict[str, str], domain: str) -> list[User]:
    people = []
    for key, name in names.items():
        email = f"{key}@{domain}"
        user = User.objects.filter(email=email).first() or User.objects.create_user(
            email, display_name=name
        )
        people.append(user)
    return people


def _back(proposal: Proposal, when: datetime.datetime) -> None:
    Proposal.objects.filter(pk=proposal.pk).update(created_at=when)


def consultations_load(
    *,
    planting: Project,
    planting_facilitator: User,
    heritage: Project,
    heritage_facilitator: User,
    inhabitant: User,
) -> None:
    if not Consultation.objects.filter(slug=PLANTING_SLUG).exists():
        _planting(planting, planting_facilitator, inhabitant)
    if not Consultation.objects.filter(slug=HERITAGE_SLUG).exists():
        _heritage(heritage, heritage_facilitator, inhabitant)


# Drôme: where to plant next winter ----------------------------------------------------------


def _planting(project: Project, martin: User, jeanne: User) -> None:
    rng = random.Random(26108)
    today = timezone.localdate()
    consultation = consultation_create(
        project=project,
        slug=PLANTING_SLUG,
        title="Où planter l’hiver prochain ?",
        text=(
            "Cet hiver, l’association plante **2 000 arbres et arbustes** dans la vallée. "
            "Où en manque-t-il ? Proposez une idée, ou placez une remarque sur la carte : "
            "une haie à planter, un arbre à remplacer, un coin à ombrager.\n\n"
            "Chaque proposition reçoit une **réponse officielle** de l’équipe d’ici la date "
            "annoncée ci-dessus : retenue, à l’étude, ou non retenue avec la raison."
        ),
        opens_on=today - datetime.timedelta(days=21),
        closes_on=today + datetime.timedelta(days=21),
        answers_until=today + datetime.timedelta(days=60),
        map_enabled=True,
        published=True,
        created_by=martin,
    )
    themes = [
        category_add(consultation=consultation, part=Category.Part.IDEAS, name=name)
        for name in IDEA_THEMES
    ]
    kinds = [
        category_add(consultation=consultation, part=Category.Part.MAP, name=name)
        for name in MAP_KINDS
    ]
    people = _people(DROME_PEOPLE, "habitants-drome.demo.tissage.example")
    communes = list(project.communes.order_by("name"))
    start = timezone.now() - datetime.timedelta(days=20)
    base_url = _base_url()

    proposals: list[tuple[Proposal, int, str, str]] = []
    for number, idea in enumerate(IDEAS):
        commune = communes[number % len(communes)]
        guest = number == 5  # waits for the link of the email, then is published
        assisted = number == 6  # typed in by Martin for someone offline, at the market
        author = jeanne if number == 0 else people[number % len(people)]
        proposal = proposal_submit(
            consultation=consultation,
            part=Category.Part.IDEAS,
            title=idea.title,
            text=idea.text,
            category=themes[idea.theme],
            commune=commune,
            point=_point_in(commune, rng) if number % 2 == 0 else None,
            photos=[_photo(rng, idea.title).photo] if idea.photo else [],
            author=None if guest or assisted else author,
            guest_name=GUEST_NAME if guest else "",
            guest_email=GUEST_EMAIL if guest else "",
            entered_by=martin if assisted else None,
            on_behalf_name=ASSISTED_NAME if assisted else "",
            base_url=base_url,
        )
        if guest:
            proposal_confirm_email(proposal=proposal)
        _back(proposal, start + datetime.timedelta(days=number * 2, hours=rng.randint(8, 20)))
        proposals.append((proposal, idea.supports, idea.answer, idea.answer_text))

    for number, remark in enumerate(REMARKS):
        commune = communes[(number * 5) % len(communes)]
        proposal = proposal_submit(
            consultation=consultation,
            part=Category.Part.MAP,
            title=remark.title,
            text=f"{remark.title}. Vu en passant à {commune.name}.",
            category=kinds[remark.kind],
            commune=commune,
            point=_point_in(commune, rng),
            author=people[(number + 3) % len(people)],
        )
        _back(proposal, start + datetime.timedelta(days=number, hours=rng.randint(8, 20)))
        proposals.append((proposal, remark.supports, remark.answer, remark.answer_text))

    # The answers come before the supports: given after them, the supports leave the
    # demo's terminal free of the hundred emails "your supported idea got an answer"
    # (the authors, Jeanne among them, are told, as they would be).
    for proposal, _supports, status, text in proposals:
        if status:
            proposal_answer(
                proposal=proposal, answered_by=martin, status=status, text=text, base_url=base_url
            )

    for proposal, supports, _status, _text in proposals:
        supporters = [p for p in [*people, jeanne] if p.pk != proposal.author_id]
        online = min(supports, len(supporters))
        for supporter in rng.sample(supporters, online):
            support_give(proposal=proposal, user=supporter)
        for paper in range(supports - online):
            support_record(
                proposal=proposal, name=f"Habitant du marché {paper + 1}", entered_by=martin
            )
    # A guest's support, confirmed by the link of its email.
    guest_support = support_request(
        proposal=proposals[1][0], email=GUEST_SUPPORTER, base_url=base_url
    )
    support_confirm(support=guest_support)

    _comments(proposals[0][0], proposals[1][0], proposals[2][0], people, martin, jeanne)


def _comments(
    orchard: Proposal,
    hedge: Proposal,
    limes: Proposal,
    people: list[User],
    martin: User,
    jeanne: User,
) -> None:
    first = comment_post(
        proposal=orchard,
        author=people[1],
        text="Bonne idée ! Je peux prêter une tarière et venir le samedi.",
    )
    comment_post(
        proposal=orchard,
        author=jeanne,
        text="Merci Julien, je note : on aura besoin de bras pour les trous.",
        parent=first,
    )
    comment_post(
        proposal=orchard,
        author=people[4],
        text="Pensez aux variétés locales : la pomme de Saint-Jean et la poire curé.",
    )
    question = comment_post(
        proposal=hedge,
        author=people[6],
        text="Quelles essences ? Le chemin est très sec l’été.",
    )
    comment_post(
        proposal=hedge,
        author=martin,
        text="Des essences qui supportent la sécheresse : cornouiller, érable champêtre, "
        "prunellier, viorne lantane.",
        parent=question,
    )
    comment_post(
        proposal=limes,
        author=people[8],
        text="Dommage, mais les voiles d’ombrage, c’est déjà ça.",
    )
    # Spread over the days after each proposal (see the module's docstring).
    for proposal in (orchard, hedge, limes):
        made = Proposal.objects.values_list("created_at", flat=True).get(pk=proposal.pk)
        comments = Comment.objects.filter(proposal=proposal).order_by("pk")
        for day, comment in enumerate(comments, start=1):
            Comment.objects.filter(pk=comment.pk).update(
                created_at=made + datetime.timedelta(days=day, hours=2)
            )


# PETR: which small heritage to save first --------------------------------------------------

KINDS_OF_HERITAGE = ["Lavoirs", "Croix de chemin", "Puits", "Capitelles", "Fontaines", "Moulins"]
THREATS = ["L’abandon", "Les intempéries", "Les travaux", "Le manque d’argent"]
WAYS = [
    "Nettoyer un site",
    "Raconter son histoire",
    "Prendre des photos",
    "Guider une visite",
    "Donner de l’argent",
]
STORIES = [
    "Le lavoir de mon enfance, où ma grand-mère battait le linge : il faut refaire le toit.",
    "La capitelle du chemin des Crêtes s’effondre un peu plus chaque hiver.",
    "La croix de la place a perdu son socle ; on pourrait la redresser en une journée.",
    "Le puits de la ferme voisine, avec sa margelle sculptée : personne ne le connaît.",
    "La fontaine du village ne coule plus depuis dix ans.",
    "Mon voisin sait tout de ce moulin, il faudrait l’enregistrer avant qu’il soit trop tard.",
]
PRIVATE_STORY = (
    "Le puits de M. Durand, 12 chemin des Oliviers, est sur son terrain : appelez-le au 06…"
)
ONLINE_BY_CODE = 12
ASSISTED_WITH_CODE = 4
ASSISTED_WITHOUT_CODE = 6
CODES = 24


def _heritage(project: Project, mehdi: User, jeanne: User) -> None:
    rng = random.Random(30189)
    today = timezone.localdate()
    consultation = consultation_create(
        project=project,
        slug=HERITAGE_SLUG,
        title="Quel petit patrimoine sauver en priorité ?",
        text=(
            "Le PETR dispose cette année d’un budget pour restaurer **cinq éléments** du "
            "petit patrimoine. Lesquels ? Répondez au questionnaire en ligne, ou sur papier "
            "en mairie : l’équipe saisit les réponses papier. Cinq minutes suffisent."
        ),
        opens_on=today - datetime.timedelta(days=18),
        closes_on=today + datetime.timedelta(days=25),
        proposals_enabled=False,  # a questionnaire only: no official answers to give
        published=True,
        created_by=mehdi,
    )
    # A facilitator writes these with the questionnaire's forms (plain rows, no service).
    questionnaire = Questionnaire.objects.create(
        consultation=consultation,
        title=HERITAGE_QUESTIONNAIRE,
        intro=(
            "Sept questions, cinq minutes. Vos réponses sont anonymes : elles guideront le "
            "choix des restaurations de l’an prochain."
        ),
        audience=Questionnaire.Audience.ANYONE,
        published=True,
        results_public=True,
    )
    kinds = Question.Kind
    questions = [
        Question(
            label="Classez ces éléments du plus urgent au moins urgent à restaurer",
            kind=kinds.RANKING,
            choices=KINDS_OF_HERITAGE,
            required=True,
        ),
        Question(
            label="Êtes-vous attaché au petit patrimoine de votre village ?",
            kind=kinds.SCALE,
            scale_min=1,
            scale_max=5,
            scale_min_label="Pas du tout",
            scale_max_label="Énormément",
            required=True,
        ),
        Question(
            label="Qu’est-ce qui le menace le plus ?",
            kind=kinds.CHOICE,
            choices=THREATS,
            allow_other=True,
        ),
        Question(
            label="Comment aimeriez-vous participer ?",
            help_text="Plusieurs réponses possibles.",
            kind=kinds.MULTIPLE_CHOICE,
            choices=WAYS,
        ),
        Question(label="Quelle commune devrait passer en premier ?", kind=kinds.COMMUNE),
        Question(
            label="Un élément vous tient à cœur ? Racontez-nous.",
            help_text="Publié seulement après relecture par l’équipe.",
            kind=kinds.LONG_TEXT,
        ),
        Question(
            label="Combien de demi-journées de bénévolat pourriez-vous donner cette année ?",
            kind=kinds.NUMBER,
        ),
    ]
    for position, question in enumerate(questions):
        question.questionnaire = questionnaire
        question.position = position
    Question.objects.bulk_create(questions)
    ranking, scale, threat, ways, commune_q, story, days = questions

    codes = [c.code for c in codes_generate(questionnaire=questionnaire, count=CODES)]
    communes = list(project.communes.order_by("insee_code"))
    people = [*_people(GARD_PEOPLE, "habitants-gard.demo.tissage.example"), jeanne]
    total = len(people) + ONLINE_BY_CODE + ASSISTED_WITH_CODE + ASSISTED_WITHOUT_CODE
    # Lavoirs and capitelles come first more often than not: figures that say something.
    weights = {"Lavoirs": 6, "Capitelles": 5, "Fontaines": 3, "Croix de chemin": 2}

    def answers(number: int) -> tuple[list[AnswerInput], Commune | None]:
        ranked = sorted(KINDS_OF_HERITAGE, key=lambda k: -weights.get(k, 1) * rng.random())
        chosen_threat: list[AnswerInput] = []
        if number % 9 == 4:
            chosen_threat = [AnswerInput(question=threat, text="Les tags et les vols de pierres")]
        else:
            chosen_threat = [
                AnswerInput(question=threat, value=rng.choices(THREATS, [5, 2, 2, 3])[0])
            ]
        home = rng.choice(communes) if number % 4 else None
        given = [
            AnswerInput(question=ranking, value=ranked),
            AnswerInput(question=scale, value=rng.choices([2, 3, 4, 5], [1, 3, 5, 4])[0]),
            *chosen_threat,
            AnswerInput(question=ways, value=rng.sample(WAYS, rng.randint(1, 3))),
            AnswerInput(question=commune_q, value=rng.choice(communes[:6]).insee_code),
            AnswerInput(question=days, value=float(rng.choice([0, 1, 1, 2, 2, 3, 4, 6]))),
        ]
        if number < len(STORIES):
            given.append(AnswerInput(question=story, text=STORIES[number]))
        elif number == len(STORIES):
            given.append(AnswerInput(question=story, text=PRIVATE_STORY))
        return given, home

    start = timezone.now() - datetime.timedelta(days=17)
    responses: list[Response] = []
    for number in range(total):
        given, home = answers(number)
        if number < len(people):  # online, with an account
            response = response_submit(
                questionnaire=questionnaire, answers=given, user=people[number], commune=home
            )
        elif number < len(people) + ONLINE_BY_CODE:  # online, with a paper code
            response = response_submit(
                questionnaire=questionnaire, answers=given, code=codes.pop(), commune=home
            )
        elif number < total - ASSISTED_WITHOUT_CODE:  # paper with its code, typed in
            response = response_submit(
                questionnaire=questionnaire,
                answers=given,
                code=codes.pop(),
                entered_by=mehdi,
                commune=home,
            )
        else:  # a paper form without a code, typed in by Mehdi
            response = response_submit(
                questionnaire=questionnaire, answers=given, entered_by=mehdi, commune=home
            )
        responses.append(response)
        when = start + datetime.timedelta(hours=number * 9 + rng.randint(0, 5))
        Response.objects.filter(pk=response.pk).update(submitted_at=when, counted_at=when)

    # The stories read by Mehdi: published, but the one giving a neighbour's address and
    # phone number stays private.
    texts = dict(
        questionnaire.responses.filter(answers__question=story).values_list(
            "answers__text", "answers__pk"
        )
    )
    private = [texts.pop(PRIVATE_STORY)]
    answers_moderate(questionnaire=questionnaire, answer_ids=texts.values(), publish=True)
    answers_moderate(questionnaire=questionnaire, answer_ids=private, publish=False)
