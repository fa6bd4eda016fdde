"""`serve` as a room, over plain HTTP: the static landing page, the workbook's login page, no password
change, no writes outside the answers folder, the facilitator's room.json, what the terminal shows.

One real `serve --token ...` (no pool: no kernel starts here), on 127.0.0.1, stopped at the end.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest

from .._servers import start_serve

TOKEN = "room-token-for-the-http-tests-01"
NEW_PASSWORD = "a-participant-password-1234"


@pytest.fixture(scope="module")
def room(tmp_path_factory):
    root = tmp_path_factory.mktemp("room-http")
    answers, home = root / "answers", root / "home"
    answers.mkdir()
    home.mkdir()
    sample = json.loads(next((Path(__file__).parents[2] / "mlops_workbook" / "sample_answers").glob("*.json"))
                        .read_text())
    (answers / "blue.json").write_text(json.dumps({**sample, "team": "Blue <team>", "rubric": "mlops-maturity"}))
    env = {**os.environ, "HOME": str(home), "JUPYTER_CONFIG_DIR": str(home / ".jupyter")}
    with start_serve(root, "--max-participants", "2", "--pool", "0", "--grace", "3", "--no-report-worker",
                     token=TOKEN, env=env, cwd=root) as served:
        yield {"base": served.base, "facilitator": served.facilitator, "answers": answers, "root": root,
               "home": home, "printed": served.printed, "proc": served.proc, "log": served.log,
               "spool": served.spool}


def request(method: str, url: str, *, body: str | bytes | None = None,
            headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], str]:
    """Status, headers and body of one request, redirects not followed."""
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    try:
        conn.request(method, parts.path + (f"?{parts.query}" if parts.query else ""), body=body,
                     headers=headers or {})
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read().decode(
            errors="replace")
    finally:
        conn.close()


def auth() -> dict[str, str]:
    return {"Authorization": f"token {TOKEN}"}


def test_the_join_url_leads_to_a_static_landing_page_that_takes_no_place(room):
    base = room["base"]
    status, headers, _ = request("GET", f"{base}/?token={TOKEN}")
    assert status == 302 and headers["location"].endswith(f"/mlops-workbook/start?token={TOKEN}")
    status, headers, _ = request("GET", f"{base}/voila/render/00_start.ipynb?token={TOKEN}")
    assert status == 302 and "/mlops-workbook/start" in headers["location"]  # the notebook's URL: no kernel
    status, _, page = request("GET", f"{base}/mlops-workbook/start", headers=auth())
    assert status == 200
    links = re.findall(r'href="([^"]+)"', page)
    assert "/voila/render/01_assessment.ipynb" in links and "/voila/render/02_drift_gating_lab.ipynb" in links
    assert "/voila/render/03_report.ipynb?team=Blue%20%3Cteam%3E" in links
    assert "Blue &lt;team&gt;" in page and "<team>" not in page  # the team's name, escaped
    assert not any("04_workshop_dashboard" in link for link in links)  # not served on this server
    for facilitator_side in (str(room["root"]), "blue.json", "mlops-workbook report", "Not served"):
        assert facilitator_side not in page
    assert "text-decoration:underline" in page  # links look like links
    status, _, _ = request("GET", f"{base}/mlops-workbook/start")
    assert status == 302  # behind the room's login like every page
    status, _, body = request("GET", room["facilitator"].replace("voila/render/04_workshop_dashboard.ipynb",
                                                                "mlops-workbook/room.json"))
    room_now = json.loads(body)
    # no place taken, no kernel beyond the pool's (the lab's pre-heated kernel, --lab-pool's default)
    assert status == 200 and room_now["taken"] == 0 and room_now["kernels"] <= room_now["pool"] <= 1


def test_the_login_page_is_the_workbooks_and_has_no_password_form(room):
    status, _, page = request("GET", f"{room['base']}/login")
    assert status == 200 and "ask the facilitator for the join link" in page.lower()
    for jupyters in ("jupyter server list", "Setup a Password", "new_password", "jupyter_server"):
        assert jupyters not in page
    status, _, page = request("GET", f"{room['base']}/voila/render/01_assessment.ipynb?token=wrong-wrong-wrong-1")
    assert status == 302


def _login(base: str, password: str, **extra: str) -> tuple[int, str]:
    status, headers, page = request("GET", f"{base}/login")
    xsrf = re.search(r'name="_xsrf" value="([^"]+)"', page).group(1)
    cookie = "; ".join(c.split(";")[0] for c in headers.get("set-cookie", "").split(", ") if "=" in c)
    form = urlencode({"_xsrf": xsrf, "password": password, **extra})
    status, headers, page = request("POST", f"{base}/login?next=%2F", body=form, headers={
        "Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie})
    return status, page


def test_a_login_with_a_new_password_changes_nothing(room):
    base = room["base"]
    status, _ = _login(base, TOKEN, new_password=NEW_PASSWORD)
    assert status == 302  # the token logs in ...
    status, page = _login(base, NEW_PASSWORD)
    assert status == 401 and "did not open the room" in page  # ... and the new password is not one
    status, _ = _login(base, TOKEN)
    assert status == 302  # the token still works
    written = [p for p in (room["home"], Path(room["printed"].split("server logs: ")[1].split()[0]))
               for p in p.rglob("jupyter_server_config.json")]
    assert written == []


@pytest.mark.parametrize("method", ["PUT", "POST", "PATCH", "DELETE"])
def test_a_participant_cannot_write_anywhere(room, method):
    base = room["base"]
    before = sorted(p.name for p in room["answers"].iterdir())
    body = json.dumps({"type": "file", "format": "text", "content": "written by a participant"})
    for path in ("api/contents/answers/x.json", "api/contents/x.ipynb", "api/contents/reports/x.html",
                 "voila/files/reports/x.html", "voila/files/answers/blue.json", "files/x.html", "api/kernels",
                 "voila/render/01_assessment.ipynb", "mlops-workbook/start", "voila/tree/x", "api/sessions"):
        status, _, _ = request(method, f"{base}/{path}", body=body, headers={**auth(), "Content-Type":
                                                                               "application/json"})
        assert status in (403, 404, 405), (method, path, status)
    assert sorted(p.name for p in room["answers"].iterdir()) == before
    assert not list(room["root"].rglob("x.*"))


def test_room_json_is_the_facilitators_and_counts_places(room):
    url = room["facilitator"].replace("voila/render/04_workshop_dashboard.ipynb", "mlops-workbook/room.json")
    status, headers, body = request("GET", url)
    assert status == 200 and headers["content-type"].startswith("application/json")
    data = json.loads(body)
    assert data["places"] == 2 and data["connected"] == 0
    status, _, _ = request("GET", url.split("?")[0])
    assert status == 302  # the facilitator's login
    status, _, _ = request("GET", f"{room['base']}/mlops-workbook/room.json", headers=auth())
    assert status == 404  # not on the participants' server


def test_no_report_worker_when_told(room):
    """`--no-report-worker`: no warm report kernels wait here (the first click would start them)."""
    from mlops_workbook.report.queue import ReportQueue

    assert ReportQueue(room["spool"]).worker() == {} and not (room["spool"] / "worker.json").exists()


def test_the_terminal_ends_on_the_join_url_and_ctrl_c_stops_cleanly(room):
    printed = room["printed"]
    urls = re.findall(r"http://\S+", printed)
    assert urls[-1] == f"{room['base']}/?token={TOKEN}" and printed.count(urls[-1]) == 1
    assert "Voil" not in printed and "WARNING" not in printed  # Voila's own lines are in the servers' logs
    tail = printed.split(urls[-1], 1)[1]
    assert "█" in tail  # the QR code comes after it
    proc = room["proc"]
    os.killpg(proc.pid, signal.SIGINT)  # Ctrl-C in the terminal
    assert proc.wait(timeout=60) == 0
    out = room["log"].read_text()
    assert "Traceback" not in out and "KeyboardInterrupt" not in out and "Stopped" in out
