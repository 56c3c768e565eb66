"""StreamState decides how a stream ends from the events it saw."""

from __future__ import annotations

from typing import Any

import grpc
import pytest

from bridge.stream_state import StreamState
from tests.conftest import fixture_files, sse_payloads


def _finish(events: list[dict[str, Any]]) -> StreamState:
    """A state fed `events`, advised by the built-in profiles as the servicer's is."""
    from bridge.upstream.profiles import ending_with

    state = StreamState(advice=ending_with)
    for event in events:
        state.observe(event)
    return state


@pytest.mark.parametrize("terminal", ["response.completed", "response.incomplete"])
def test_finished_streams_end_ok(terminal: str) -> None:
    """completed and incomplete end the call OK."""
    state = _finish([{"type": "response.created", "response": {"id": "r1"}}, {"type": terminal}])
    assert state.finish() is None
    assert state.response_id == "r1"


def test_a_stream_without_terminal_event_fails() -> None:
    """A stream that just stops is UNAVAILABLE, never OK."""
    failure = _finish([{"type": "response.created"}]).finish()
    assert failure is not None and failure.code is grpc.StatusCode.UNAVAILABLE


def test_failed_response_maps_its_error_code() -> None:
    """response.failed takes its status from the response's error code."""
    failed = {
        "type": "response.failed",
        "response": {"error": {"code": "rate_limit_exceeded", "message": "m"}},
    }
    failure = _finish([failed]).finish()
    assert failure is not None and failure.code is grpc.StatusCode.RESOURCE_EXHAUSTED


def test_error_then_completed_still_fails() -> None:
    """A completed after an error does not turn the call OK."""
    failure = _finish(
        [
            {"type": "error", "code": "server_error", "message": "boom"},
            {"type": "response.completed"},
        ]
    ).finish()
    assert failure is not None and failure.code is grpc.StatusCode.INTERNAL
    assert "boom" in failure.message


def test_recorded_quota_error_keeps_the_first_cause() -> None:
    """The recorded insufficient_quota stream fails with its error event's code."""
    raw = fixture_files("sse", "error_then_failed_insufficient_quota.sse")[0].read_bytes()
    failure = _finish(sse_payloads(raw)).finish()
    assert failure is not None
    assert failure.code is grpc.StatusCode.RESOURCE_EXHAUSTED
    assert failure.error_code == "insufficient_quota"


@pytest.mark.parametrize(
    ("last", "hint"),
    [
        (
            "response.done",
            "the last event was response.done, which ends a stream under the built-in profile"
            " modelverse or lenient (BRIDGE_UPSTREAM_PROFILE=modelverse)",
        ),
        ("response.output_text.delta", "the last event was response.output_text.delta"),
    ],
    ids=["a-profile-accepts-it", "none-does"],
)
def test_an_unfinished_stream_names_its_last_event_and_the_profile_for_it(
    last: str, hint: str
) -> None:
    """The failure names the last event type and the built-in profiles that would end on it."""
    failure = _finish([{"type": "response.created"}, {"type": last}]).finish()
    assert failure is not None and failure.code is grpc.StatusCode.UNAVAILABLE
    assert failure.message == (
        "upstream stream ended after 2 events without response.completed, "
        f"response.incomplete or response.failed; {hint}"
    )


def test_the_unfinished_message_lists_the_profile_s_own_final_events() -> None:
    """Under a profile with its own final event, the message lists that event too."""
    from bridge.upstream.profiles import BUILTIN

    modelverse = BUILTIN["modelverse"]
    state = StreamState(modelverse.success_events, modelverse.failure_events)
    failure = state.finish()
    assert failure is not None
    assert failure.message == (
        "upstream stream ended after 0 events without response.completed, response.done, "
        "response.incomplete or response.failed"
    )


def test_the_events_that_end_a_stream_are_the_contracts() -> None:
    """The ending events are those the contract marks with stream_end, nothing else."""
    from bridge.stream_state import ERROR_EVENTS, FAILURE_EVENTS, SUCCESS_EVENTS

    assert {"response.completed", "response.incomplete"} == SUCCESS_EVENTS
    assert {"response.failed", "error"} == FAILURE_EVENTS
    assert {"error"} == ERROR_EVENTS


def test_an_event_known_by_its_type_counts_as_observed() -> None:
    """A flat event noted by its type alone counts, times the first event, and names the last."""
    state = StreamState()
    assert state.observe_type("response.output_text.delta")
    assert state.observe_type("response.output_text.done")
    assert state.events == 2 and state.first_event_at is not None
    failure = state.finish()
    assert failure is not None and "the last event was response.output_text.done" in failure.message


@pytest.mark.parametrize(
    "type_name",
    ["response.completed", "response.failed", "error", "response.created", "response.queued"],
)
def test_an_event_whose_json_matters_is_not_noted_by_its_type(type_name: str) -> None:
    """Ends and events carrying the response are refused, noting nothing: observe reads them."""
    state = StreamState()
    assert not state.observe_type(type_name)
    assert state.events == 0 and state.first_event_at is None and not state.ended


def test_a_profiles_own_final_event_is_not_noted_by_its_type() -> None:
    state = StreamState(success_events=frozenset({"response.done"}))
    assert not state.observe_type("response.done")
