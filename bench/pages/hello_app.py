"""The baseline: a bare Flask "hello" on the server `conference serve` uses.

Same gevent WSGI server, same WebSocket handler, same TCP_NODELAY
(:func:`conference.server.make_wsgi_server`), so the ratio of the app's figures to this one's
is the cost of the app's own work (templates, database, cookies), not of the server.

    .venv/bin/python bench/pages/hello_app.py --port 5101
"""

from gevent import monkey

monkey.patch_all()

import argparse  # noqa: E402

from flask import Flask  # noqa: E402

from conference.server import make_wsgi_server  # noqa: E402


def make_app() -> Flask:
    app = Flask(__name__)

    @app.get("/hello")
    def hello():
        return "hello"

    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    print(f"hello on http://{args.host}:{args.port}/hello", flush=True)
    make_wsgi_server(make_app(), args.host, args.port).serve_forever()


if __name__ == "__main__":
    main()
