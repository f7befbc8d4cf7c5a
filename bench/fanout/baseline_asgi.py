"""Bare python-socketio AsyncServer under uvicorn (ASGI): the asyncio contender.

The same slice of PROTOCOL.md as ``baseline_flask.py`` and ``baseline_node.js`` (see
there), the same payloads and trigger, on ``socketio.AsyncServer(async_mode="asgi")``
wrapped in ``socketio.ASGIApp`` around a tiny plain-ASGI app for ``/healthz`` and the
command endpoint (no web framework, so only the Socket.IO stack is measured).

uvicorn runs it with its production extras (``uvicorn[standard]``): the uvloop event loop,
the httptools HTTP parser, and for WebSockets the ``websockets`` implementation (``--ws
websockets``, default; uvicorn 0.55 warns that it is deprecated and that ``websockets`` will
mean ``websockets-sansio`` in a future release), ``websockets-sansio`` or ``wsproto``. uvicorn's default
``ws_per_message_deflate=True`` is kept unless ``--no-deflate``: like simple-websocket and
eventlet it accepts the permessage-deflate that browsers (and the raw generator) offer, and
then compresses every message for every connection (gevent-websocket and Node's socket.io
do not).

Usage: ``python baseline_asgi.py --port P [--ws websockets|websockets-sansio|wsproto] [--backlog 4096]
[--loop uvloop|asyncio] [--no-deflate]``
"""

import argparse
import json

import socketio
import uvicorn
from baseline_common import (  # this folder is on sys.path: run as a file
    COMMANDS_PATH,
    SLUG,
    UNSUPPORTED,
    announcement,
    raise_file_limit,
    refuse,
    snapshot,
)

MAX_BODY = 64 * 1024


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--backlog", type=int, default=4096)
    parser.add_argument(
        "--ws", choices=("websockets", "websockets-sansio", "wsproto"), default="websockets"
    )
    parser.add_argument("--loop", choices=("uvloop", "asyncio"), default="uvloop")
    parser.add_argument(
        "--no-deflate", action="store_true", help="refuse permessage-deflate (uvicorn option)"
    )
    return parser.parse_args(argv)


async def respond(send, status, body):
    data = json.dumps(body).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(data))]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": data})


async def read_body(receive):
    chunks, size = [], 0
    while True:
        message = await receive()
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_BODY:
            return None
        chunks.append(chunk)
        if not message.get("more_body"):
            return b"".join(chunks)


def create_app():
    """The ASGI application and its AsyncServer, wired for one event room."""
    sio = socketio.AsyncServer(async_mode="asgi", cors_allowed_origins=[])
    state = {"seq": 0}

    @sio.event
    async def connect(sid, environ, auth):
        refusal = refuse(auth)
        if refusal:
            raise socketio.exceptions.ConnectionRefusedError(refusal)
        await sio.enter_room(sid, SLUG)
        await sio.emit("snapshot", snapshot(state["seq"]), to=sid)

    async def http_app(scope, receive, send):
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        if scope["type"] != "http":
            return
        method, path = scope["method"], scope["path"]
        if method == "GET" and path == "/healthz":
            return await respond(send, 200, {"ok": True})
        if method != "POST" or path != COMMANDS_PATH:
            return await respond(send, 404, {"error": {"code": "not_found"}})
        raw = await read_body(receive)
        try:
            body = json.loads(raw or b"{}")
        except ValueError:
            body = None
        update = announcement(body, state)
        if update is None:
            return await respond(send, 422, UNSUPPORTED)
        await sio.emit("update", update, room=SLUG)
        return await respond(send, 200, {"seq": update["seq"]})

    return socketio.ASGIApp(sio, other_asgi_app=http_app), sio


def main(argv=None):
    args = parse_args(argv)
    raise_file_limit()
    app, _sio = create_app()
    deflate = "no deflate" if args.no_deflate else "permessage-deflate"
    print(
        f"listening on http://{args.host}:{args.port} (uvicorn, {args.ws}, {args.loop}, {deflate})"
    )
    uvicorn.run(
        app,
        host=args.host,
        port=args.port,
        backlog=args.backlog,
        ws=args.ws,
        loop=args.loop,
        http="httptools",
        log_level="warning",
        access_log=False,
        lifespan="on",
        ws_per_message_deflate=not args.no_deflate,
    )


if __name__ == "__main__":
    main()
