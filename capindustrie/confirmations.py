"""One pattern for every irreversible action (issue 17, point 6): « are you sure? », with the
consequence stated.

The button of an irreversible action is a link to a GET confirmation of the same URL as the
POST. Without JavaScript, the link opens a confirmation page holding the POST form (CSRF token
included); with htmx, the same GET answers a panel swapped in place of the link
(templates/partials/_confirm.html), its heading focused by static/js/app.js; « Annuler » puts
the link back and focuses it. `hx-confirm` (a browser dialog) was not enough: it cannot state
the consequence accessibly, nor work without JavaScript.
"""

from dataclasses import dataclass, field

from capindustrie.htmx import render


@dataclass
class Confirmation:
    """What the person confirms. `consequences`: the sentences saying what will happen;
    `fields`: form fields to fill with the confirmation (an optional message);
    `hx_target`: where htmx swaps the POST's answer (None: the POST is a plain submission);
    `error`: why the last POST did nothing (a rule, not a field: shown above the form)."""

    title: str
    consequences: list[str]
    action_url: str
    button: str
    cancel_url: str
    form: object | None = None
    fields: list = field(default_factory=list)
    danger: bool = False
    hx_target: str | None = None
    hx_swap: str = "outerHTML"
    error: str | None = None


@dataclass
class ConfirmField:
    """A form field shown in the confirmation (rendered by partials/_field.html)."""

    field: object
    hint: str | None = None
    extra: dict = field(default_factory=dict)


def render_confirmation(confirmation: Confirmation, status: int = 200):
    """The confirmation page, or for htmx the panel alone (same context)."""
    return render(
        "partials/confirm_page.html",
        "partials/_confirm_panel.html",
        status=status,
        confirmation=confirmation,
    )
