"""Socket.IO handlers of the live log (connect, resync) and presence."""


def init_app(app) -> None:
    """Register the Socket.IO handlers."""
