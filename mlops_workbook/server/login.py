"""The room's login page: the workbook's words, a field for the room token, and no password form.

jupyter-server's own page (which Voila shows) tells a participant to run `jupyter server list` and
offers "Setup a Password": a POST with the room token and a `new_password` reached `set_password`
and would have replaced the room token with a password of the participant's choosing (it failed
only because Voila has no config-file path). Here the page says to ask the facilitator for the join
link, the identity provider (`xsrf`) turns password changes off, and the form posts the token only.
"""

from __future__ import annotations

from typing import Any

from jupyter_server.auth.login import LoginFormHandler

from ..html import render


class RoomLoginHandler(LoginFormHandler):
    """jupyter-server's login logic (token check, cookie, safe redirect) with the workbook's page."""

    def _render(self, message: Any = None) -> None:
        error = message.get("error", "") if isinstance(message, dict) else ""
        self.set_header("Cache-Control", "no-store")
        self.write(render("server/login.html.j2", action=self.base_url.rstrip("/") + "/login",
                          next=self.get_argument("next", default=self.base_url),
                          xsrf=self.xsrf_token.decode("ascii"), error=error))
