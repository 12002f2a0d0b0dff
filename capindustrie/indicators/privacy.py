"""The small-count rule: a count of pupils between 1 and 4 could single a pupil out."""

SMALL_COUNT_THRESHOLD = 5
MASKED = "< 5"


def masked_count(value: int | None) -> int | str | None:
    """The count as shown: 1–4 become « < 5 »; 0 and ≥ 5 are shown (0 reveals nobody)."""
    if value is None or value == 0 or value >= SMALL_COUNT_THRESHOLD:
        return value
    return MASKED


def masked_sort_key(value: int | None) -> int:
    """Sort masked cells together (as 1), so sorting never reveals their order."""
    if value is None:
        return -1
    if 0 < value < SMALL_COUNT_THRESHOLD:
        return 1
    return value
