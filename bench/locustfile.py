"""Virtual users for bench/load.py: applicants answering application pages, HCPA staff working the
screening queue, managers opening the training matrix and the dashboard, and a bare Flask page.
Each user signs in with an account of its own (bench/load.py makes them; LOAD_* variables)."""
from __future__ import annotations

import itertools
import json
import os
import random
import re

from locust import HttpUser, between, task

PEOPLE = json.loads(os.environ.get("LOAD_PEOPLE", "{}"))
PASSWORD = os.environ.get("LOAD_PASSWORD", "")
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
_numbers = {kind: itertools.count() for kind in ("applicant", "hcpa", "manager")}


class SignedIn(HttpUser):
    abstract = True
    wait_time = between(0.5, 2)
    kind = ""

    def token(self, path: str, name: str) -> str:
        page = self.client.get(path, name=name)
        found = CSRF.search(page.text)
        return found.group(1) if found else ""

    def on_start(self):
        self.number = next(_numbers[self.kind])
        self.client.post("/sign-in", name="sign in", data={
            "csrf_token": self.token("/sign-in", "sign-in page"), "email": f"{self.kind}{self.number}@load.example",
            "password": PASSWORD})


class Applicant(SignedIn):
    kind = "applicant"
    answers = [("name", {"full_name": "Ama Mensah"}), ("phone", {"phone": "07700 900982"}),
               ("postcode", {"postcode": "AL1 3JE"}), ("languages", {"languages": "English, Twi"}),
               ("values-care", {"answer": "I sat with a resident who was upset until her daughter came."})]

    @task
    def answer_a_question(self):
        slug, data = random.choice(self.answers)
        token = self.token(f"/recruitment/apply/{slug}", "applicant: question page")
        self.client.post(f"/recruitment/apply/{slug}", name="applicant: answer", data={"csrf_token": token, **data})


class Officer(SignedIn):
    kind = "hcpa"

    @task(3)
    def screening_queue(self):
        page = random.randint(1, 20)
        self.client.get(f"/recruitment/screening?state=submitted&page={page}", name="hcpa: screening queue")

    @task(2)
    def application(self):
        first = PEOPLE.get("first_application") or 1
        number = first + random.randrange(PEOPLE.get("queue", 1))
        self.client.get(f"/recruitment/applications/{number}", name="hcpa: application")


class Manager(SignedIn):
    kind = "manager"

    def workplace(self) -> int:
        workplaces = PEOPLE.get("workplaces") or [1]
        return workplaces[self.number % len(workplaces)]

    @task(3)
    def training_matrix(self):
        self.client.get(f"/portal/{self.workplace()}/matrix", name="manager: training matrix")

    @task(1)
    def dashboard(self):
        self.client.get("/outcomes/", name="manager: outcomes dashboard")


class Bare(HttpUser):
    wait_time = between(0.5, 2)

    @task
    def bare(self):
        self.client.get("/bench/bare", name="bare Flask page")
