"""The baseline for ``bench_resolver.py``: a hello-world Flask app, one route, a small JSON answer.

It answers every path (so the load generator can send it the same resolver URLs) with the same small
JSON body. Served by gunicorn with exactly the settings the registry is served with: ``_hello:app``.
"""

from flask import Flask, jsonify

app = Flask(__name__)


@app.route("/<path:rest>")
def hello(rest: str):
    return jsonify(hello="world")
