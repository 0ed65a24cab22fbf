"""The service as gunicorn serves it in bench/load.py, plus a bare Flask page at /bench/bare in the
same process: the yardstick each page's latency is compared with in the same run."""
from flask import Flask
from werkzeug.middleware.dispatcher import DispatcherMiddleware

from academy import create_app

bare = Flask("bare")


@bare.get("/bare")
def bare_page():
    return "ok"


service = create_app()
app = DispatcherMiddleware(service.wsgi_app, {"/bench": bare})
