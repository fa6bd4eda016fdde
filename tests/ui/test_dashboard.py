"""The facilitator's dashboard without a browser: charts from an empty room, places, join URL, export."""

from __future__ import annotations

import asyncio
import http.server
import json
import re
import shutil
import threading

import pytest

from mlops_workbook.assessment.answers import Answer, Answers
from mlops_workbook.assessment.store import answers_path, save_answers
from mlops_workbook.ui import WorkshopDashboard
from mlops_workbook.ui.dashboard import join_info, read_places

from ..conftest import sample_files


def _save(folder, team, rubric="mlops-maturity", answer="yes"):
    cid = "qc-build-1" if rubric == "quick-check" else "data-1-versioning"
    return save_answers(Answers(team=team, rubric=rubric, answers={cid: Answer(answer)}),
                        answers_path(folder, team, rubric))


def test_charts_appear_as_teams_arrive_with_auto_refresh_on(tmp_path):
    """How a workshop starts: an empty room, auto-refresh on; the charts come from the refresh task."""

    async def run():
        board = WorkshopDashboard(folder=tmp_path, auto_refresh=True, interval=1, places_url="")
        assert board.charts == ["", "", ""] and "0 teams" in board.status
        _save(tmp_path, "Arrived Team")
        _save(tmp_path, "Arrived Team", "quick-check")
        await asyncio.sleep(1.6)
        return board

    board = asyncio.run(run())
    assert "1 team</b> (2 assessments" in board.status
    for chart in board.charts:  # inline SVG in widget state, each with a text alternative
        assert re.match(r'<figure role="img" aria-label="[^"]{10,}"', chart) and "<svg" in chart
    assert "Arrived Team (quick-check)" in board.charts[0]  # the heatmap's alternative names every row
    assert "<td>quick-check</td>" in board.teams_html and "<td>mlops-maturity</td>" in board.teams_html


def test_csv_names_each_rows_own_file(tmp_path):
    _save(tmp_path, "Blue")
    _save(tmp_path, "Blue", "quick-check")
    board = WorkshopDashboard(folder=tmp_path, places_url="")
    lines = board.export_csv().splitlines()[1:]
    files = {line.split(",")[2]: line.split(",")[1] for line in lines}
    assert files == {"mlops-maturity": answers_path(tmp_path, "Blue").name,
                     "quick-check": answers_path(tmp_path, "Blue", "quick-check").name}
    assert "room-summary.csv (1 team, 2 rows)" in board.download


class _Room(http.server.BaseHTTPRequestHandler):
    body = b""

    def do_GET(self):
        if self.path.startswith("/mlops-workbook/room.json"):
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(type(self).body)
        else:
            self.send_error(404)

    def log_message(self, *args):
        pass


@pytest.fixture
def room_server():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Room)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def test_places_from_the_servers_room_json(tmp_path, room_server):
    url = room_server + "mlops-workbook/room.json"
    _Room.body = json.dumps({"connected": 3, "places": 25}).encode()
    places = read_places(url)
    assert (places.connected, places.places, places.left) == (3, 25, 22)
    board = WorkshopDashboard(folder=tmp_path, places_url=url)
    assert "Connected: <b>3</b>" in board.places and "22 of 25" in board.places
    _Room.body = json.dumps({"connected": 2, "places": 0}).encode()
    assert read_places(url).left is None  # no limit
    for bad in (b"{", b"[1]", json.dumps({"connected": -1, "places": 3}).encode(),
                json.dumps({"connected": True, "places": 3}).encode()):
        _Room.body = bad
        assert read_places(url) is None
    assert read_places(room_server + "nothing.json") is None  # 404: the server has no such endpoint
    assert read_places("http://example.org/room.json") is None  # never leaves this machine
    board.refresh()
    assert "Connected: <i>not known</i>" in board.places


def test_join_url_and_qr_again(tmp_path):
    info = join_info("http://192.168.1.20:8866/?token=abcdefghijklmnopqrst")
    assert (info.short, info.token) == ("192.168.1.20:8866", "abcdefghijklmnopqrst")
    assert info.qr.startswith("data:image/svg+xml")
    board = WorkshopDashboard(folder=tmp_path, join_url=info.url, places_url="")
    assert board.join == ""  # hidden until asked for
    board.join_button.value = True
    assert "Join at <b>192.168.1.20:8866</b>" in board.join and 'alt="QR code of the join URL' in board.join
    assert "abcdefghijklmnopqrst" in board.join
    board.join_button.value = False
    assert board.join == ""
    unknown = WorkshopDashboard(folder=tmp_path, join_url="", places_url="")
    unknown.join_button.value = True
    assert "not known" in unknown.join


def test_export_all_on_an_empty_room_says_so(tmp_path):
    board = WorkshopDashboard(folder=tmp_path / "answers", reports=tmp_path / "reports", places_url="")
    assert board.export_all() is None and "nothing to export" in board.export_status
    assert not (tmp_path / "reports").exists()


@pytest.mark.slow
def test_export_all_writes_html_pdf_and_the_index_into_the_reports_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # as in JupyterLab: the reports folder beside the notebook, links relative
    answers, reports = tmp_path / "answers", tmp_path / "reports"
    answers.mkdir()
    for path in sample_files()[:2]:
        shutil.copy(path, answers / path.name)
    _save(answers, "Quick Team", "quick-check")
    board = WorkshopDashboard(folder=answers, reports=reports, places_url="")
    assert board.export_all_button.click() is None
    result = board.wait_export(600)
    assert result is not None and result.ok, [o.error for o in result.outcomes]
    names = {p.name for p in reports.iterdir()}
    assert "index.html" in names and len([n for n in names if n.endswith(".pdf")]) == 3
    assert len([n for n in names if n.endswith(".html")]) == 4  # three reports and the index
    assert "3 of 3 reports exported (HTML and PDF)" in board.export_status
    assert '<a href="reports/index.html" target="_blank">the room\'s index</a>' in board.export_status
    assert not board.export_all_button.disabled
    index = (reports / "index.html").read_text()
    assert "<th>Rubric</th>" in index and "<td>quick-check</td>" in index  # one row per team and rubric, named
    assert board.teams_html.count("exported") >= 3  # the table links the new files
