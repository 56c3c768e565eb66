"""The benchmark: `python -m tools.bench` (`make bench`, `make bench QUICK=1`).

One module per workload (`paced`, `unary`, `burst`, `storm`, `batched`, `workers`,
`cancel`, `load`, `codec`, `tracing`), each with its sizes per mode (``SIZES``: full,
quick, smoke), the shared servers it uses (``SERVERS``) and ``run(context, size)``,
which returns a `report.Report`: its table, its figures and the targets it checks, each
a ratio to a baseline measured in the same run. What they share: `context` (the run's
servers, each its own process), `fleet` (the gRPC clients), `phases` (the same load
against each server in turn), `stats`, `report` and `profile` (``--profile``). The
servers themselves (the upstream, the bare and relay gRPC servers) are in
`tools.harness`. docs/benchmarks.md says what each workload measures and how to read it.
"""
