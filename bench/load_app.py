"""The service as gunicorn serves it in bench/load.py and bench/signin.py, plus a bare Flask page
at /bench/bare in the same process: the yardstick each page's latency is compared with in the same
run. BENCH_ARGON2="memory_kib,time_cost,parallelism" hashes passwords with other argon2id
parameters than academy/auth/passwords.py's (bench/signin.py compares them)."""
import os

from flask import Flask
from werkzeug.middleware.dispatcher import DispatcherMiddleware

from academy import create_app

if os.environ.get("BENCH_ARGON2"):
    from argon2 import PasswordHasher

    from academy.auth import passwords

    memory, time_cost, lanes = (int(part) for part in os.environ["BENCH_ARGON2"].split(","))
    passwords._hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory, parallelism=lanes)

bare = Flask("bare")


@bare.get("/bare")
def bare_page():
    return "ok"


service = create_app()
app = DispatcherMiddleware(service.wsgi_app, {"/bench": bare})
