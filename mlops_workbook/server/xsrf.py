"""Give every Voila page the `_xsrf` cookie its own unload call needs.

When a page closes, Voila's front end posts `voila/api/shutdown/<kernel>` with the `_xsrf` value it
reads from the page's cookies. A standalone Voila never sets that cookie (its pages are not rendered
through jupyter-server's templates), so the post is refused with "'_xsrf' argument missing from
POST" and the page's kernel lives on until the server stops: a room of participants leaves a kernel
behind every reload (voila-dashboards/voila#1458). jupyter-server and JupyterHub set the cookie on
their own pages; this identity provider does the same for a standalone Voila, on the first
authenticated GET, and changes nothing else (tokens, passwords and the XSRF check itself stay as
jupyter-server has them). `serve` configures it as `Voila.identity_provider_class`.

It also carries the room's login rules: the workbook's login page (`login.RoomLoginHandler`, in place
of the one Voila passes in) and no password change from the login form (`allow_password_change`
off by default here, and off in the bundled voila.json).
"""

from __future__ import annotations

from inspect import isawaitable
from typing import Any

from jupyter_server.auth.identity import PasswordIdentityProvider
from traitlets import default

from .login import RoomLoginHandler

IDENTITY_PROVIDER = "mlops_workbook.server.xsrf.XsrfCookieIdentityProvider"


class XsrfCookieIdentityProvider(PasswordIdentityProvider):
    """Voila's default identity provider, plus the `_xsrf` cookie on GET requests of known users,
    the workbook's login page and no password changes."""

    def __init__(self, **kwargs: Any) -> None:
        """As jupyter-server's, except that the login page is always the room's (Voila passes its own)."""
        super().__init__(**kwargs)
        self.login_handler_class = RoomLoginHandler

    @default("allow_password_change")
    def _no_password_change(self) -> bool:
        return False

    async def get_user(self, handler: Any) -> Any:
        """The user as jupyter-server finds them; for a known user's GET, the `_xsrf` cookie is set too."""
        user = super().get_user(handler)
        if isawaitable(user):
            user = await user
        if user is not None and handler.request.method in ("GET", "HEAD"):
            handler.current_user = user  # what prepare() sets next; tornado's xsrf_token reads it
            handler.xsrf_token  # noqa: B018 - reading it sets the cookie when the browser has none
        return user
