"""Download my answers / Load answers: the file a participant keeps is the file the app reads back."""

from __future__ import annotations

from datetime import datetime, timezone

import base64
import html
import json
import re

from mlops_workbook.assessment.answers import Answer, Answers, Context
from mlops_workbook.ui.transfer import AnswersTransfer, download_link

NOW = datetime(2026, 11, 23, tzinfo=timezone.utc)  # what a browser's upload carries


def current() -> Answers:
    return Answers(team="Blue <Team>", rubric="quick-check", context=Context(models_in_production=2),
                   answers={"qc-build-1": Answer("yes"), "qc-ship-1": Answer("partial", "one of two")})


def payload(link: str) -> dict:
    encoded = re.search(r'href="data:application/json;base64,([^"]+)"', link).group(1)
    return json.loads(base64.b64decode(encoded))


def test_download_link_holds_the_current_answers():
    link = download_link(current())
    from mlops_workbook.assessment.store import team_file_stem

    answers = current()
    assert f'download="{team_file_stem(answers.team, answers.rubric)}.json"' in link
    assert payload(link) == current().to_dict()
    assert "<Team>" not in link  # the team's name is escaped in the page


def test_download_then_load_round_trip():
    loaded: list[Answers] = []
    state = {"answers": current()}
    transfer = AnswersTransfer(lambda: state["answers"], loaded.append)
    transfer.download_button.click()
    data = json.dumps(payload(transfer.link)).encode()
    state["answers"] = Answers(team="Blue <Team>", rubric="quick-check")  # the link is a snapshot
    assert payload(transfer.refresh_link())["answers"] == {}
    transfer.upload_control.value = ({"name": "blue-team.json", "type": "application/json", "size": len(data),
                               "last_modified": NOW, "content": memoryview(data)},)
    assert len(loaded) == 1
    assert loaded[0].answers == current().answers and loaded[0].context == current().context
    assert "Loaded 2 answers of team Blue &lt;Team&gt;" in transfer.message
    assert transfer.upload_control.value == ()
    assert transfer.link == ""  # no stale link to the answers before the load


def test_bad_files_are_one_line_and_nothing_is_loaded():
    loaded: list[Answers] = []
    transfer = AnswersTransfer(current, loaded.append)
    for name, data, expected in [
        ("x.json", b"{", "x.json: line 1: invalid JSON"),
        ("x.json", json.dumps({"team": "B", "rubric": "nope"}).encode(), "x.json: rubric: unknown rubric 'nope'"),
        ("x.json", json.dumps({"team": "B", "rubric": "quick-check", "answers": {"qc-nope": "yes"}}).encode(),
         "x.json: answers: unknown criterion id"),
        ("x.yaml", b"team: [", "x.yaml: invalid YAML"),
    ]:
        assert transfer.load_bytes(name, data) is None
        assert expected in html.unescape(transfer.message), transfer.message
    assert loaded == []
