"""Creating and revoking a parent link: bare buttons, the CSRF token is the form."""

from capindustrie.forms import BaseForm


class CreateLinkForm(BaseForm):
    """Create a link (replacing the active one, if any)."""


class RevokeLinkForm(BaseForm):
    """Revoke the active link."""
