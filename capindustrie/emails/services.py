"""E-mail outbox: every message is a row first; a job sends the pending rows."""

from capindustrie.extensions import db
from capindustrie.models import OutboxMessage


def queue_email(to_address: str, subject: str, body: str) -> OutboxMessage:
    """Write a message to the outbox, in the caller's transaction (sent or rolled back with it)."""
    message = OutboxMessage(to_address=to_address, subject=subject, body=body)
    db.session.add(message)
    return message
