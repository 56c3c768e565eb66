"""Agent sessions: the Session RPC, the Responses API's WebSocket mode over one gRPC stream.

A session carries `response.create` events from its client and the events of the responses
they create back, each tagged with its lane (`stream_id`). The modules, by layer:

- `lanes` (pure): which create runs when: first-in first-out per lane, lanes at once, the
  default lane, the lane limit.
- `events` (pure): client events in, the session's own error events out, and the tagging of
  an upstream event with its lane.
- `continuation` (pure): each lane's last response, so that `previous_response_id` works with
  `store: false` where the upstream keeps nothing between calls.
- `emulation` (upstream side): every `response.create` as a streamed `POST /responses`, for
  upstreams that do not speak the WebSocket mode.
- `websocket` (upstream side): one WebSocket per session to an upstream that does, with its
  reconnections.
- `service` (assembly): the RPC itself: reads client events, schedules them on their lanes,
  writes server events, and ends as the client, the deadline or a shutdown says.
"""
