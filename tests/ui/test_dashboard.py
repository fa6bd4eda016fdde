"""The facilitator's dashboard without a browser: charts from an empty room, places, join URL, export."""

from __future__ import annotations

import asyncio
import base64
import csv
import html
import http.server
import io
import json
import re
import shutil
import threading

import pytest

from mlops_workbook.assessment.answers import Answer, Answers
from mlops_workbook.assessment.rubric import load_rubric
from mlops_workbook.assessment.store import answers_path, save_answers
from mlops_workbook.report.batch import BatchResult
from mlops_workbook.ui import WorkshopDashboard
from mlops_workbook.ui.dashboard import export_done_html, join_info, read_places

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
    assert len(board.charts) == 4  # a heatmap per rubric, the distribution, the shares
    assert "Arrived Team" in board.charts[0] and "Arrived Team" in board.charts[1]  # every row named
    assert "<td>quick-check</td>" in board.teams_html and "<td>mlops-maturity</td>" in board.teams_html


def _label(chart: str) -> str:
    return html.unescape(re.match(r'<figure role="img" aria-label="([^"]*)"', chart).group(1))


def test_one_heatmap_per_rubric_each_with_its_rubrics_dimensions_only(tmp_path):
    """A quick check and a full assessment share no chart: no sparse rows, no column of one under the other's."""
    _save(tmp_path, "Blue")
    _save(tmp_path, "Blue", "quick-check")
    _save(tmp_path, "Green", "quick-check")
    board = WorkshopDashboard(folder=tmp_path, places_url="")
    full, quick = load_rubric("mlops-maturity"), load_rubric("quick-check")
    heatmaps = board.charts[:-2]
    assert len(heatmaps) == 2
    for chart, rubric, teams in ((heatmaps[0], full, ["Blue"]), (heatmaps[1], quick, ["Blue", "Green"])):
        label = _label(chart)
        assert rubric.title in label and rubric.title in chart  # labelled: alternative text and chart title
        rows = label.split(". ", 1)[1].rstrip(".").split("; ")
        assert [row.split(":")[0] for row in rows] == teams
        for row in rows:  # each row lists exactly its rubric's dimensions, in order
            assert [cell.rsplit(" ", 1)[0] for cell in row.split(": ", 1)[1].split(", ")] == \
                [d.name for d in rubric.dimensions]


def _csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_csv_names_each_rows_own_file_and_writes_every_number_one_way(tmp_path):
    _save(tmp_path, "Blue")
    _save(tmp_path, "Blue", "quick-check")
    board = WorkshopDashboard(folder=tmp_path, places_url="")
    rows = _csv_rows(board.export_csv())
    assert {r["rubric"]: r["file"] for r in rows} == {
        "mlops-maturity": answers_path(tmp_path, "Blue").name,
        "quick-check": answers_path(tmp_path, "Blue", "quick-check").name}
    levels = [k for k in rows[0] if k.startswith("level: ")]
    cells = [r[k] for r in rows for k in (*levels, "overall_level", "target_level", "answered", "total")]
    assert all(re.fullmatch(r"\d*", c) for c in cells), cells  # whole numbers, never "0.0"
    assert "" in cells  # a level column the row's rubric does not have stays empty
    assert all(re.fullmatch(r"\d+\.\d{3}", r["mean_progress"]) for r in rows)
    assert "room-summary.csv (1 team, 2 rows)" in board.download


def test_the_csv_downloads_in_one_click_from_the_first_refresh(tmp_path):
    """No button to press first: the link is there (and current) after every refresh, and it holds the CSV."""
    board = WorkshopDashboard(folder=tmp_path, places_url="")
    assert board.download == ""  # an empty room: nothing to download
    _save(tmp_path, "Blue")
    board.refresh()
    href = re.search(r'<a download="room-summary.csv" href="data:text/csv;base64,([^"]+)"', board.download)
    assert href and base64.b64decode(href.group(1)).decode() == board.summary.to_csv()
    _save(tmp_path, "Green")
    board.refresh()
    assert "(2 teams, 2 rows)" in board.download
    assert not [w for w in board.children if getattr(w, "description", "") == "Export CSV"]  # no second control


def test_export_says_the_real_reports_folder_and_the_index_url(tmp_path, monkeypatch):
    """Under `serve` the kernels write through the served root's `reports` link: the page names the
    facilitator's folder (the link resolved) and the index's served URL."""
    real = tmp_path / "walk" / "reports"
    real.mkdir(parents=True)
    root = tmp_path / "served-root"
    root.mkdir()
    (root / "reports").symlink_to(real, target_is_directory=True)
    monkeypatch.chdir(root)
    monkeypatch.delenv("VOILA_KERNEL_ID", raising=False)
    monkeypatch.delenv("VOILA_PREHEAT", raising=False)
    (real / "index.html").write_text("<html></html>")
    said = export_done_html(BatchResult([], root / "reports" / "index.html", 2.0), root / "reports", "HTML")
    assert f"into <code>{real.resolve()}</code>" in said and str(root) not in said
    assert '<a href="reports/index.html" target="_blank">reports/index.html</a>' in said
    elsewhere = export_done_html(BatchResult([], real / "index.html", 2.0), real, "HTML")  # outside the served root
    assert f"<code>{(real / 'index.html').resolve()}</code>" in elsewhere and "<a href" not in elsewhere


def test_export_links_the_index_on_the_pages_own_server_with_its_full_url(tmp_path, monkeypatch):
    """Under `serve`, after the page request: the link is the prefix-safe path (the browser keeps the
    page's own server) and its text the full URL on the host the page was requested at; nowhere else."""
    root = tmp_path / "served-root"
    (root / "reports").mkdir(parents=True)
    (root / "reports" / "index.html").write_text("<html></html>")
    monkeypatch.chdir(root)
    monkeypatch.setenv("VOILA_KERNEL_ID", "k")
    monkeypatch.setenv("VOILA_BASE_URL", "/user/x/")
    monkeypatch.setenv("SCRIPT_NAME", "/user/x/voila/render/04_workshop_dashboard.ipynb")
    monkeypatch.setenv("SERVER_NAME", "127.0.0.1")
    monkeypatch.setenv("SERVER_PORT", "8867")
    monkeypatch.setenv("MLOPS_WORKBOOK_ROLE", "facilitator")
    result = BatchResult([], root / "reports" / "index.html", 2.0)
    said = export_done_html(result, root / "reports", "HTML")
    assert ('<a href="/user/x/voila/files/reports/index.html" target="_blank">'
            'http://127.0.0.1:8867/user/x/voila/files/reports/index.html</a>') in said
    monkeypatch.setenv("SERVER_NAME", "evil.example/x?")  # not a host name: no full URL made from it
    assert '>/user/x/voila/files/reports/index.html</a>' in export_done_html(result, root / "reports", "HTML")
    monkeypatch.setenv("SERVER_NAME", "127.0.0.1")
    monkeypatch.delenv("MLOPS_WORKBOOK_ROLE")  # not under `serve` (a hub): its scheme is not known here
    assert '>/user/x/voila/files/reports/index.html</a>' in export_done_html(result, root / "reports", "HTML")


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
    assert "warming" not in board.places  # a server that says nothing of its pool: nothing about warming
    _Room.body = json.dumps({"connected": 0, "places": 20, "pool": 20, "pool_ready": 7}).encode()
    board.refresh()
    assert "warming up <b>7 of 20</b> kernels" in board.places
    _Room.body = json.dumps({"connected": 0, "places": 20, "pool": 20, "pool_ready": 20}).encode()
    board.refresh()
    assert "warming" not in board.places and "20 of 20" in board.places
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
    assert '<a href="reports/index.html" target="_blank">reports/index.html</a>' in board.export_status
    assert f"<code>{reports.resolve()}</code>" in board.export_status
    assert not board.export_all_button.disabled
    index = (reports / "index.html").read_text()
    assert "<th>Rubric</th>" in index and "<td>quick-check</td>" in index  # one row per team and rubric, named
    assert board.teams_html.count("exported") >= 3  # the table links the new files
