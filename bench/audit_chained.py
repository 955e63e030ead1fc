"""gunicorn config for bench/audit.py's "chained" runs: every read event is
chained at once under the school's chain-head lock, as every audited page
view was before read events were appended unsealed. Bench only."""


def post_fork(server, worker):  # type: ignore[no-untyped-def]
    from pastoral.audit import chain

    def chained(events):  # type: ignore[no-untyped-def]
        return [chain.append_chained(event) for event in events]

    chain.append_unsealed = chained
