"""Locust scenario of the multi-node test (scripts/cluster.py): people using Tissage.

The mix, in tasks run (each task is one to three requests):
- 70 % browsing, anonymous: home, agenda, action pages, the inventory map's data
  endpoint (the GeoJSON of what is in view) and item pages;
- 10 % guests registering to an upcoming action (GET the page, POST its form with the
  CSRF token, as a browser);
- 5 % guests contributing an item with a photo (a small real JPEG made with Pillow);
- 10 % signed-in pages (my space, my actions, notifications, my account);
- 5 % list posts: a member starts a discussion on the collective's list through its form.

Signed-in people are accounts with a password (made by bench/cluster_data.py), signed
in once per Locust user through the real password form. Anonymous and signed-in people
are two user classes weighted 85 / 15, with the same think time, so that their tasks
come in the proportions above.

Read from the environment: CLUSTER_PLAN (the JSON written by `cluster_data.py load`),
CLUSTER_PASSWORD, CLUSTER_ACCEPTED_DIR (where each accepted contribution's submission
key is written, for the lost-uploads check).
"""

from __future__ import annotations

import io
import itertools
import json
import os
import random
import uuid
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from locust import HttpUser, between, task
from PIL import Image

PLAN: dict[str, Any] = json.loads(Path(os.environ["CLUSTER_PLAN"]).read_text())
PASSWORD = os.environ["CLUSTER_PASSWORD"]
ACCEPTED = Path(os.environ["CLUSTER_ACCEPTED_DIR"]) / f"accepted-{os.getpid()}.txt"
GUEST_DOMAIN = "invites.tissage.example"
# What a refused registration says (the role is full, or not enough places remain for
# the group): a correct answer under load, not an error.
REFUSALS = ("complet", "Il ne reste plus que")
_accounts = itertools.count()
_visitors = itertools.count()


class FormReader(HTMLParser):
    """The fields of the page's form that posts to `action` (the page's own path): what a browser
    would send untouched (hidden inputs, ticked boxes, selected options), and the
    choices of each select and radio group."""

    def __init__(self, action: str) -> None:
        super().__init__()
        self.action = action
        self.inside = False
        self.found = False
        self.values: dict[str, list[str]] = {}
        self.choices: dict[str, list[str]] = {}
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = {key: value or "" for key, value in attrs}
        if tag == "form":
            # A form without an action posts to its own page.
            target = attr.get("action", "")
            posts = attr.get("method", "get").lower() == "post"
            here = target.endswith(self.action) if target else posts
            self.inside = here and not self.found
            self.found = self.found or self.inside
        if not self.inside:
            return
        name = attr.get("name")
        if tag == "input" and name:
            kind = attr.get("type", "text")
            if kind in {"radio", "checkbox"}:
                self.choices.setdefault(name, []).append(attr.get("value", "on"))
                if "checked" in attr:
                    self.values.setdefault(name, []).append(attr.get("value", "on"))
            elif kind not in {"file", "submit", "button"}:
                self.values[name] = [attr.get("value", "")]
        elif tag == "textarea" and name:
            self.values[name] = [""]
        elif tag == "select" and name:
            self._select = name
            self.choices[name] = []
        elif tag == "option" and self._select:
            value = attr.get("value", "")
            if value:
                self.choices[self._select].append(value)
            if "selected" in attr:
                self.values[self._select] = [value]

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self._select = None


def form_of(html: str, action: str) -> FormReader:
    reader = FormReader(action)
    reader.feed(html)
    if not reader.found:
        raise ValueError(f"no form posting to …{action}")
    return reader


def jpeg() -> bytes:
    """A small real photo: 320×240 pixels of a gradient with noise, about 15 kB."""
    image = Image.effect_noise((320, 240), random.randint(20, 80)).convert("RGB")
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80)
    return buffer.getvalue()


def guest() -> tuple[str, str]:
    tag = uuid.uuid4().hex[:12]
    return f"Invité {tag[:4]}", f"invite-{tag}@{GUEST_DOMAIN}"


class Visitor(HttpUser):
    """Someone without an account: browses, registers, contributes."""

    weight = 85
    wait_time = between(0.2, 1.0)

    def on_start(self) -> None:
        # The first visitor begins with the rarer tasks, once: a short run (CI's) then
        # always has a registration and a contribution to check.
        if next(_visitors) == 0:
            self.register()
            self.contribute()

    @task(70)
    def browse(self) -> None:
        campaign = PLAN["campaign"]
        page = random.random()
        if page < 0.2:
            self.client.get("/", name="browse: home")
        elif page < 0.35:
            self.client.get("/actions/", name="browse: agenda")
        elif page < 0.55:
            self.client.get(f"/actions/{random.choice(PLAN['actions'])}/", name="browse: action")
        elif page < 0.8:
            west, south, east, north = PLAN["bbox"]
            zoom = random.randint(9, 14)
            # A view a quarter of the campaign's width, somewhere inside it.
            width, height = (east - west) / 4, (north - south) / 4
            x = west + random.random() * (east - west - width)
            y = south + random.random() * (north - south - height)
            bbox = f"{x:.5f},{y:.5f},{x + width:.5f},{y + height:.5f}"
            self.client.get(
                f"/inventaires/{campaign}/carte.geojson?bbox={bbox}&zoom={zoom}",
                name="browse: map data",
            )
        else:
            item = random.choice(PLAN["items"])
            self.client.get(f"/inventaires/{campaign}/fiches/{item}/", name="browse: item")

    @task(10)
    def register(self) -> None:
        # A third go to the action with few places: it fills up within seconds, and
        # then the waiting list and the row lock are what is tested.
        slug = PLAN["limited"] if random.random() < 0.3 else random.choice(PLAN["actions"])
        path = f"/actions/{slug}/"
        page = self.client.get(path, name="register: page")
        if page.status_code != 200:
            return
        try:
            form = form_of(page.text, path)
        except ValueError:
            return  # registration closed on this action: nothing to send
        if "role" not in form.choices:
            return
        name, email = guest()
        data = {
            "csrfmiddlewaretoken": form.values["csrfmiddlewaretoken"][0],
            "name": name,
            "email": email,
            "phone": "",
            "role": random.choice(form.choices["role"]),
            "companions": str(random.choice([0, 0, 0, 1, 2])),
        }
        with self.client.post(
            path, data=data, name="register: send", allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code == 302:
                response.success()
            elif response.status_code == 200 and any(text in response.text for text in REFUSALS):
                response.success()  # full: the page says so, nothing saved
            else:
                response.failure(f"registration not taken: {response.status_code}")

    @task(5)
    def contribute(self) -> None:
        path = f"/inventaires/{PLAN['campaign']}/contribuer/"
        page = self.client.get(path, name="contribute: form")
        if page.status_code != 200:
            return
        form = form_of(page.text, path)
        data = dict(form.values)
        name, email = guest()
        key = form.values["submission_key"][0]
        data.update(
            {
                "category": [random.choice(form.choices["category"])],
                "commune": [random.choice(form.choices["commune"])],
                "title": [f"Lavoir {uuid.uuid4().hex[:6]}"],
                "description": ["Un lavoir couvert, au bord du chemin."],
                "guest_name": [name],
                "guest_email": [email],
            }
        )
        files = {"photos": (f"photo-{key[:8]}.jpg", jpeg(), "image/jpeg")}
        with self.client.post(
            path,
            data=data,
            files=files,
            name="contribute: send",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code == 302:
                with ACCEPTED.open("a") as accepted:
                    accepted.write(key + "\n")
                response.success()
            else:
                response.failure(f"contribution not taken: {response.status_code}")


class Member(HttpUser):
    """Someone with an account, signed in once: their pages, and the collective's list."""

    weight = 15
    wait_time = between(0.2, 1.0)

    def on_start(self) -> None:
        accounts = PLAN["accounts"]
        email = accounts[next(_accounts) % len(accounts)]
        path = "/compte/connexion/mot-de-passe/"
        page = self.client.get(path, name="sign in: form")
        form = form_of(page.text, path)
        with self.client.post(
            path,
            data={
                "csrfmiddlewaretoken": form.values["csrfmiddlewaretoken"][0],
                "email": email,
                "password": PASSWORD,
            },
            name="sign in: send",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code == 302:
                response.success()
            else:
                response.failure(f"sign-in refused: {response.status_code}")
        if email == accounts[0]:
            self.list_post()  # as the first visitor does (a short run always has one)

    @task(10)
    def signed_in_pages(self) -> None:
        path, name = random.choice(
            [
                ("/compte/mon-espace/", "signed in: my space"),
                ("/actions/mes-actions/", "signed in: my actions"),
                ("/notifications/", "signed in: notifications"),
                ("/compte/", "signed in: account"),
            ]
        )
        with self.client.get(
            path, name=name, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"not signed in: {response.status_code}")

    @task(5)
    def list_post(self) -> None:
        path = f"/collectifs/{PLAN['collective']}/discussions/nouvelle/"
        page = self.client.get(path, name="list post: form")
        if page.status_code != 200:
            return
        form = form_of(page.text, path)
        data = {
            "csrfmiddlewaretoken": form.values["csrfmiddlewaretoken"][0],
            "subject": f"Covoiturage samedi {uuid.uuid4().hex[:4]}",
            "body": "Qui part de la place de l’église ? Deux places dans ma voiture.",
        }
        with self.client.post(
            path, data=data, name="list post: send", allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code == 302:
                response.success()
            else:
                response.failure(f"post not taken: {response.status_code}")
