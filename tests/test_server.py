"""The server around the service: health, reflection, graceful stop."""

from __future__ import annotations

import asyncio
from pathlib import Path

import grpc
import grpc.aio
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc

from bridge.config import Settings
from bridge.server import SERVICE_NAME, start
from rbridge.responses.v1 import responses_service_pb2, responses_service_pb2_grpc
from tests.support import run_keeping_log_records


async def test_health_serves_then_drains(simulator: str) -> None:
    """Health reports SERVING for the server and the service, NOT_SERVING once stopping."""
    bridge = await start(Settings(listen="127.0.0.1:0", upstream_url=simulator))
    async with grpc.aio.insecure_channel(f"127.0.0.1:{bridge.port}") as channel:
        health = health_pb2_grpc.HealthStub(channel)
        for service in ("", SERVICE_NAME):
            reply = await health.Check(health_pb2.HealthCheckRequest(service=service))
            assert reply.status == health_pb2.HealthCheckResponse.SERVING
        await bridge.health.enter_graceful_shutdown()
        reply = await health.Check(health_pb2.HealthCheckRequest(service=SERVICE_NAME))
        assert reply.status == health_pb2.HealthCheckResponse.NOT_SERVING
    await bridge.stop(0)


async def test_reflection_lists_the_service(simulator: str) -> None:
    """Server reflection is on by default and names ResponsesService and health."""
    bridge = await start(Settings(listen="127.0.0.1:0", upstream_url=simulator))
    try:
        async with grpc.aio.insecure_channel(f"127.0.0.1:{bridge.port}") as channel:
            stub = reflection_pb2_grpc.ServerReflectionStub(channel)
            request = reflection_pb2.ServerReflectionRequest(list_services="")
            async for reply in stub.ServerReflectionInfo(iter([request])):
                names = {s.name for s in reply.list_services_response.service}
                break
    finally:
        await bridge.stop(0)
    assert {SERVICE_NAME, "grpc.health.v1.Health"} <= names


async def test_reflection_can_be_turned_off(simulator: str) -> None:
    """With reflection off, the reflection service is not registered."""
    bridge = await start(Settings(listen="127.0.0.1:0", upstream_url=simulator, reflection=False))
    try:
        async with grpc.aio.insecure_channel(f"127.0.0.1:{bridge.port}") as channel:
            stub = reflection_pb2_grpc.ServerReflectionStub(channel)
            request = reflection_pb2.ServerReflectionRequest(list_services="")
            try:
                async for _ in stub.ServerReflectionInfo(iter([request])):
                    pass
            except grpc.aio.AioRpcError as error:
                assert error.code() == grpc.StatusCode.UNIMPLEMENTED
            else:
                raise AssertionError("reflection answered while turned off")
    finally:
        await bridge.stop(0)


async def test_no_method_is_registered_with_grpc(simulator: str) -> None:
    """The service and health are served as generic handlers: grpc.aio keeps no pending
    request per registered method (which every arriving call would wait on together),
    and every RPC still answers."""
    bridge = await start(Settings(listen="127.0.0.1:0", upstream_url=simulator, reflection=False))
    try:
        await asyncio.sleep(0)
        pending = [
            getattr(task.get_coro(), "__qualname__", "")
            for task in asyncio.all_tasks()
            if "_request" in getattr(task.get_coro(), "__qualname__", "")
        ]
        assert pending == ["AioServer._request_call"]
        async with grpc.aio.insecure_channel(f"127.0.0.1:{bridge.port}") as channel:
            health = health_pb2_grpc.HealthStub(channel)
            reply = await health.Check(health_pb2.HealthCheckRequest(service=SERVICE_NAME))
            assert reply.status == health_pb2.HealthCheckResponse.SERVING
            stub = responses_service_pb2_grpc.ResponsesServiceStub(channel)
            response = await stub.CreateResponse(
                responses_service_pb2.CreateResponseRequest(model="m", input={"text": "hi"})
            )
            assert response.status == "completed"
    finally:
        await bridge.stop(0)


def test_limits_become_channel_arguments() -> None:
    """Message size, concurrency, keepalive enforcement and connection age reach gRPC."""
    from bridge.server import server_options

    options = dict(
        server_options(
            Settings(
                max_message_bytes=1234,
                max_concurrent_streams=7,
                keepalive_seconds=30,
                min_client_ping_seconds=5,
                max_connection_age_seconds=60,
                grace_seconds=9,
            )
        )
    )
    assert options["grpc.max_receive_message_length"] == 1234
    assert options["grpc.max_send_message_length"] == 1234
    assert options["grpc.max_concurrent_streams"] == 7
    assert options["grpc.keepalive_time_ms"] == 30_000
    assert options["grpc.http2.min_ping_interval_without_data_ms"] == 5_000
    assert options["grpc.max_connection_age_ms"] == 60_000
    assert options["grpc.max_connection_age_grace_ms"] == 9_000
    assert "grpc.max_connection_age_ms" not in dict(server_options(Settings()))


async def test_gzip_responses_reach_clients(simulator: str) -> None:
    """With gzip on, responses are compressed and clients still read them."""
    from bridge.client import AsyncBridgeClient

    bridge = await start(Settings(listen="127.0.0.1:0", upstream_url=simulator, gzip=True))
    try:
        async with AsyncBridgeClient(f"127.0.0.1:{bridge.port}") as client:
            assert await client.ask("zip it", model="m") == "You said: zip it"
    finally:
        await bridge.stop(0)


async def test_a_second_server_on_a_taken_port_cannot_bind(simulator: str) -> None:
    """A bridge of one process shares its port with nothing: a second one started on it, even
    without the command's busy-port check, fails to bind instead of splitting calls with it."""
    bridge = await start(Settings(listen="127.0.0.1:0", upstream_url=simulator))
    try:
        with pytest.raises(RuntimeError, match="Failed to bind"):
            await start(Settings(listen=f"127.0.0.1:{bridge.port}", upstream_url=simulator))
    finally:
        await bridge.stop(0)


def test_a_start_refused_for_its_routes_file_makes_no_grpc_server(tmp_path: Path) -> None:
    """A routes file that cannot be used stops the start before a gRPC server exists (grpc
    cannot stop one never started, and its deallocator logs the object being freed): with
    debug logging and a handler keeping every record, nothing of a server is logged and the
    collector's next pass ends normally, in a process of its own."""
    routes = tmp_path / "routes.yaml"
    routes.write_text('upstreams: {a: {base_url: "ftp://a.invalid"}}\nroutes: []\n')
    done = run_keeping_log_records(
        """
        import asyncio, gc, sys
        from bridge.config import ConfigError, Settings
        from bridge.server import start

        async def main():
            try:
                await start(Settings(listen="127.0.0.1:0", routes_file=sys.argv[1]))
            except ConfigError as exc:
                print("refused:", exc.problems)

        asyncio.run(main())
        gc.collect()
        print("servers freed unstopped:", sum("__dealloc__" in r.getMessage() for r in kept))
        """,
        str(routes),
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "refused: " in done.stdout and "not an http(s) URL" in done.stdout
    assert "servers freed unstopped: 0" in done.stdout
