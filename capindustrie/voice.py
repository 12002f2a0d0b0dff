"""« Tu » for pupils, « vous » for adults (issue 17, point 4): one place picks the wording.

A `Wording` holds both forms of one message; `Wording.to(user)` gives the one its reader gets.
Anyone not signed in (login, reset request) is an adult reader: « vous ».
"""

from dataclasses import dataclass

from capindustrie.models import Role


def is_pupil(user) -> bool:
    """True for a signed-in pupil (anonymous visitors and adults are addressed as « vous »)."""
    return bool(
        user is not None
        and getattr(user, "is_authenticated", False)
        and getattr(user, "role", None) == Role.PUPIL
    )


@dataclass(frozen=True)
class Wording:
    tu: str
    vous: str

    def to(self, user) -> str:
        return self.tu if is_pupil(user) else self.vous

    def pick(self, tu: bool) -> str:
        return self.tu if tu else self.vous
