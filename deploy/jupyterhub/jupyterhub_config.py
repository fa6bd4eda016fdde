"""JupyterHub for a workshop room larger than one laptop: one Jupyter server per participant.

Every participant lands on the Voila assessment; every server writes answers into ONE shared folder
(MLOPS_WORKBOOK_ANSWERS_DIR, which the workbook reads); the facilitator is the Hub's admin and lands
on the workshop dashboard, which watches that folder. Run it from a checkout of the repository where
`pip install -e .` and `jupyterhub` are installed and `configurable-http-proxy` is on PATH
(`npm install -g configurable-http-proxy`):

    export MLOPS_WORKBOOK_ANSWERS_DIR=/srv/mlops-workbook/answers      # shared, writable by every server
    export MLOPS_WORKBOOK_HUB_PASSWORD='room password, 8+ characters'   # participants
    export MLOPS_WORKBOOK_HUB_ADMIN_PASSWORD='facilitator password, 32+ characters'
    jupyterhub -f deploy/jupyterhub/jupyterhub_config.py

Then open http://<host>:8000/ : a participant logs in with any name and the room password, the
facilitator logs in as `facilitator` (MLOPS_WORKBOOK_FACILITATOR) with the admin password.

Settings, all from the environment so the file itself stays as it is:

| variable | default | meaning |
| --- | --- | --- |
| MLOPS_WORKBOOK_HOME | this repository | the checkout whose notebooks are served |
| MLOPS_WORKBOOK_ANSWERS_DIR | /srv/mlops-workbook/answers | the room's shared answers folder |
| MLOPS_WORKBOOK_FACILITATOR | facilitator | the admin user, who lands on the dashboard |
| MLOPS_WORKBOOK_HUB_URL | http://:8000 | where participants connect |
| MLOPS_WORKBOOK_HUB_SPAWNER | simple | `simple`: every server runs as the Hub's OS user, in a home under MLOPS_WORKBOOK_HUB_HOMES; `local`: one OS account per participant (the Hub runs as root, accounts exist) |
| MLOPS_WORKBOOK_HUB_HOMES | /tmp/mlops-workbook-hub | the `simple` spawner's home folders |

The passwords use JupyterHub's SharedPasswordAuthenticator (the successor of DummyAuthenticator's
password): fine for a workshop afternoon, not for protecting users from each other. For an
organisation, set `c.JupyterHub.authenticator_class` to its OAuth or LDAP authenticator instead.
On Kubernetes, use values.yaml beside this file with the Zero to JupyterHub Helm chart.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

c = get_config()  # noqa: F821 - provided by JupyterHub when it loads this file

HOME = Path(os.environ.get("MLOPS_WORKBOOK_HOME") or Path(__file__).resolve().parents[2]).resolve()
PACKAGE = HOME / "mlops_workbook"
ANSWERS = Path(os.environ.get("MLOPS_WORKBOOK_ANSWERS_DIR", "/srv/mlops-workbook/answers")).resolve()
FACILITATOR = os.environ.get("MLOPS_WORKBOOK_FACILITATOR", "facilitator")
ASSESSMENT_URL = "/voila/render/notebooks/01_assessment.ipynb"
DASHBOARD_URL = "/voila/render/notebooks/04_workshop_dashboard.ipynb"

ANSWERS.mkdir(parents=True, exist_ok=True)

# ---------------------------------------------------------------- who may log in
c.JupyterHub.authenticator_class = "shared-password"
c.SharedPasswordAuthenticator.user_password = os.environ.get("MLOPS_WORKBOOK_HUB_PASSWORD")
c.SharedPasswordAuthenticator.admin_password = os.environ.get("MLOPS_WORKBOOK_HUB_ADMIN_PASSWORD")
c.Authenticator.admin_users = {FACILITATOR}
c.Authenticator.allow_all = True  # a workshop: any participant name, with the room password

# ---------------------------------------------------------------- where it listens
c.JupyterHub.bind_url = os.environ.get("MLOPS_WORKBOOK_HUB_URL", "http://:8000")
if os.environ.get("MLOPS_WORKBOOK_HUB_INTERNAL_URL"):  # the Hub's own API (tests: a free loopback port)
    c.JupyterHub.hub_bind_url = os.environ["MLOPS_WORKBOOK_HUB_INTERNAL_URL"]
if os.environ.get("MLOPS_WORKBOOK_PROXY_API_URL"):
    c.ConfigurableHTTPProxy.api_url = os.environ["MLOPS_WORKBOOK_PROXY_API_URL"]

# ---------------------------------------------------------------- each participant's server
if os.environ.get("MLOPS_WORKBOOK_HUB_SPAWNER", "simple") == "simple":
    c.JupyterHub.spawner_class = "simple"
    c.SimpleLocalProcessSpawner.home_dir_template = os.environ.get(
        "MLOPS_WORKBOOK_HUB_HOMES", "/tmp/mlops-workbook-hub") + "/{username}"
else:
    c.JupyterHub.spawner_class = "localprocess"
    c.LocalProcessSpawner.create_system_users = False

c.Spawner.cmd = [str(Path(sys.executable).with_name("jupyterhub-singleuser"))]
c.Spawner.notebook_dir = str(HOME)  # the Voila URLs below are relative to it
c.Spawner.default_url = ASSESSMENT_URL
c.Spawner.environment = {
    "MLOPS_WORKBOOK_ANSWERS_DIR": str(ANSWERS),
    # Reports inside the served folder, so the assessment's "Create my report" link opens them;
    # file names come from team names, so teams do not collide.
    "MLOPS_WORKBOOK_REPORTS_DIR": str(HOME / "notebooks" / "reports"),
    # Voila's server extension reads voila.json from every folder here: the checkout's (stripped
    # sources, no tracebacks, only reports/ allow-listed for download, never answers/) and the
    # package's, which picks the workbook's template (no CDN stylesheets, ARIA for the widgets) ...
    "JUPYTER_CONFIG_PATH": os.pathsep.join([str(HOME), str(PACKAGE / "etc" / "jupyter")]),
    # ... found here: Voila looks for templates only in Jupyter data folders (an install also copies
    # it to {sys.prefix}/share/jupyter; a checkout with an older editable install may not have it)
    "JUPYTER_PATH": str(PACKAGE / "share" / "jupyter"),
}
if os.geteuid() == 0 and os.environ.get("MLOPS_WORKBOOK_HUB_SPAWNER", "simple") == "simple":
    c.Spawner.args = ["--ServerApp.allow_root=True"]  # every server runs as the Hub's user, here root
c.Spawner.start_timeout = 180  # a busy room: the first kernel takes a while
c.Spawner.http_timeout = 120


def _facilitator_lands_on_the_dashboard(spawner) -> None:
    spawner.default_url = DASHBOARD_URL if spawner.user.admin else ASSESSMENT_URL


c.Spawner.pre_spawn_hook = _facilitator_lands_on_the_dashboard

# Servers nobody uses are stopped by the idle culler (pip install jupyterhub-idle-culler), e.g.:
# c.JupyterHub.services = [{"name": "idle-culler", "command": [sys.executable, "-m", "jupyterhub_idle_culler",
#                           "--timeout=3600"]}]
# c.JupyterHub.load_roles = [{"name": "idle-culler", "services": ["idle-culler"],
#                             "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"]}]
