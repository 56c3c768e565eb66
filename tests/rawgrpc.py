"""A gRPC call made byte by byte over HTTP/2, for what grpc's own clients refuse to send.

grpc's clients validate metadata and serialize only messages they can build;
a hostile peer does neither. `raw_call` sends any header bytes and any message
bytes, and returns the status the server answered with.
"""

from __future__ import annotations

import socket
import struct
from collections.abc import Sequence
from dataclasses import dataclass, field

import h2.config
import h2.connection
import h2.events

__all__ = ["RawReply", "raw_call"]


@dataclass
class RawReply:
    """What the server answered: headers and trailers, message bytes, any reset."""

    headers: dict[bytes, bytes] = field(default_factory=dict)
    messages: bytes = b""
    reset: int | None = None

    @property
    def status(self) -> int | None:
        """The grpc-status code, or None when the server sent none."""
        value = self.headers.get(b"grpc-status")
        return None if value is None else int(value)

    @property
    def message(self) -> str:
        """The grpc-message text (percent-decoded)."""
        from urllib.parse import unquote

        return unquote(self.headers.get(b"grpc-message", b"").decode())


def raw_call(
    port: int,
    method: str,
    message: bytes | None,
    headers: Sequence[tuple[bytes, bytes]] = (),
    timeout: float = 10.0,
) -> RawReply:
    """Call `method` (`/package.Service/Method`) on 127.0.0.1:`port` with raw bytes
    (`message` None: the request ends without any message)."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    config = h2.config.H2Configuration(
        client_side=True,
        header_encoding=None,
        validate_outbound_headers=False,
        normalize_outbound_headers=False,
    )
    connection = h2.connection.H2Connection(config)
    connection.initiate_connection()
    request_headers = [
        (b":method", b"POST"),
        (b":scheme", b"http"),
        (b":path", method.encode()),
        (b":authority", b"127.0.0.1"),
        (b"content-type", b"application/grpc"),
        (b"te", b"trailers"),
        *headers,
    ]
    connection.send_headers(1, request_headers)
    framed = b"" if message is None else b"\x00" + struct.pack(">I", len(message)) + message
    # Sent in pieces the peer's flow control allows.
    reply = RawReply()
    pending = framed
    ended = False
    try:
        while True:
            while pending and connection.local_flow_control_window(1) > 0:
                size = min(
                    len(pending),
                    connection.local_flow_control_window(1),
                    connection.max_outbound_frame_size,
                )
                connection.send_data(1, pending[:size])
                pending = pending[size:]
            if not pending and not ended:
                connection.end_stream(1)
                ended = True
            sock.sendall(connection.data_to_send())
            data = sock.recv(65536)
            if not data:
                return reply
            for event in connection.receive_data(data):
                if isinstance(event, h2.events.ResponseReceived | h2.events.TrailersReceived):
                    reply.headers.update(dict(event.headers))
                    if b"grpc-status" in reply.headers:
                        return reply
                elif isinstance(event, h2.events.DataReceived):
                    reply.messages += event.data
                    connection.acknowledge_received_data(event.flow_controlled_length, 1)
                elif isinstance(event, h2.events.StreamReset):
                    reply.reset = event.error_code
                    return reply
                elif isinstance(event, h2.events.ConnectionTerminated):
                    return reply
    finally:
        sock.close()
