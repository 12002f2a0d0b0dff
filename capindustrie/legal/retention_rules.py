"""What the privacy page says about retention, read from one table.

The retention rules themselves belong to the purge (`capindustrie/privacy/retention.py`):
`retention_rows` reads that table, so the page states exactly what the purge enforces."""

from typing import NamedTuple


class RetentionRow(NamedTuple):
    what: str
    duration: str
    reason: str


def retention_rows() -> list[RetentionRow]:
    """The retention rules as rows (what, duration, reason), in the purge's table's order."""
    from capindustrie.privacy.retention import RULES

    return [RetentionRow(rule.what, rule.duration, f"{rule.why} {rule.how}") for rule in RULES]
