"""multipart/form-data parsing with the stdlib email parser (cgi is deprecated)."""

from __future__ import annotations

from dataclasses import dataclass
from email.message import Message
from email.parser import BytesParser
from email.policy import HTTP


@dataclass(frozen=True)
class Part:
    name: str
    data: bytes
    filename: str | None
    content_type: str | None

    @property
    def text(self) -> str:
        return self.data.decode("utf-8", errors="replace")


def parse_multipart(content_type_header: str, body: bytes) -> list[Part]:
    """The parts in order; raises ValueError when the body is not multipart/form-data."""
    if not content_type_header.lower().startswith("multipart/form-data"):
        raise ValueError("not multipart/form-data")
    head = f"Content-Type: {content_type_header}\r\nMIME-Version: 1.0\r\n\r\n".encode()
    message = BytesParser(policy=HTTP).parsebytes(head + body)
    if not message.is_multipart():
        raise ValueError("malformed multipart body")
    parts: list[Part] = []
    for sub in message.iter_parts():
        assert isinstance(sub, Message)
        name = sub.get_param("name", header="content-disposition")
        if not isinstance(name, str):
            continue
        payload = sub.get_payload(decode=True)
        parts.append(
            Part(
                name=name,
                data=payload if isinstance(payload, bytes) else b"",
                filename=sub.get_filename(),
                content_type=sub.get_content_type() if sub.get("content-type") else None,
            )
        )
    return parts
