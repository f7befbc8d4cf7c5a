"""A few lines of tus over Flask's test client, for the conformance tests."""

from __future__ import annotations

import base64

TUS = {"Tus-Resumable": "1.0.0"}
OCTETS = "application/offset+octet-stream"


def metadata(**values: str) -> str:
    return ",".join(
        f"{key} {base64.b64encode(value.encode()).decode()}" for key, value in values.items()
    )


def uploads_path(token: str) -> str:
    return f"/api/v1/invites/{token}/uploads"


def create(client, token: str, length: int, **meta: str):
    headers = {**TUS, "Upload-Length": str(length)}
    if meta:
        headers["Upload-Metadata"] = metadata(**meta)
    return client.post(uploads_path(token), headers=headers)


def patch(client, location: str, data: bytes, offset: int, **headers: str):
    return client.patch(
        location,
        data=data,
        headers={**TUS, "Upload-Offset": str(offset), "Content-Type": OCTETS, **headers},
    )


def upload(client, token: str, data: bytes, **meta: str) -> str:
    """Create and send ``data`` in one PATCH; returns the upload's location (path + query)."""
    created = create(client, token, len(data), **meta)
    assert created.status_code == 201, created.get_json()
    location = created.headers["Location"]
    sent = patch(client, location, data, 0)
    assert sent.status_code == 204, sent.get_json()
    return location
