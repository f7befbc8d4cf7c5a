"""Partner video greetings: invites, tus uploads, processing into browser-playable video,
moderation, serving, and the play_greeting / stop_greeting commands.

Modules: :mod:`.invites` (upload links), :mod:`.tus` + :mod:`.uploads` (resumable uploads),
:mod:`.tasks` + :mod:`.worker` (the Huey queue), :mod:`.processing` (calls :mod:`.media`),
:mod:`.review` (moderation, playlist), :mod:`.serving` (files), :mod:`.api` (JSON),
:mod:`.views` (partner and moderator pages), :mod:`.commands` (live commands).
"""


def init_app(app) -> None:
    # commands: registering play_greeting / stop_greeting with the live command service
    from conference.greetings import api, commands, serving, tus, views  # noqa: F401
    from conference.greetings.settings import load_settings
    from conference.greetings.tasks import build_queue
    from conference.greetings.worker import start_embedded_worker
    from conference.server import on_serve

    load_settings(app)
    build_queue(app)
    app.register_blueprint(tus.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(serving.bp)
    app.register_blueprint(views.bp)
    on_serve(app, start_embedded_worker)
