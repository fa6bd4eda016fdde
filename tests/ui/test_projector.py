"""The projector view: counts and the join box always; the room's picture only after Reveal; no names ever."""

from __future__ import annotations

from mlops_workbook.assessment.answers import Answer, Answers
from mlops_workbook.assessment.store import answers_path, save_answers
from mlops_workbook.ui import ProjectorView

TEAMS = ("Secret Squirrels", "Hidden Herons")


def _room(folder):
    for team in TEAMS:
        save_answers(Answers(team=team, rubric="mlops-maturity", answers={"data-1-versioning": Answer("yes")}),
                     answers_path(folder, team))
        save_answers(Answers(team=team, rubric="quick-check", answers={"qc-build-1": Answer("no")}),
                     answers_path(folder, team, "quick-check"))
    save_answers(Answers(team="Named Only", rubric="quick-check"), answers_path(folder, "Named Only", "quick-check"))


def _everything(view):
    return view.join + view.counts + view.picture


def test_picture_hidden_until_reveal_and_never_a_team_name(tmp_path):
    _room(tmp_path)
    view = ProjectorView(folder=tmp_path, join_url="http://10.1.2.3:8866/?token=abcdefghijklmnop", places_url="")
    assert "<b>3 teams</b> joined · <b>2</b> answered" in view.counts  # teams, not files
    assert "Join at <b>10.1.2.3:8866</b>" in view.join
    assert "hidden until you press Reveal" in view.picture and "<svg" not in view.picture
    view.reveal_button.value = True
    assert view.revealed and view.reveal_button.description == "Hide"
    assert view.picture.count("<svg") == 2 and 'role="img" aria-label="Teams per overall level (3 teams)' in view.picture
    assert "What most teams lack next" in view.picture
    for team in (*TEAMS, "Named Only"):
        assert team not in _everything(view)
    view.refresh()
    assert all(team not in _everything(view) for team in TEAMS)
    view.reveal_button.value = False
    assert "<svg" not in view.picture


def test_empty_room_and_unknown_join_url(tmp_path):
    view = ProjectorView(folder=tmp_path / "none", join_url="", places_url="")
    assert "<b>0 teams</b> joined" in view.counts and "not known" in view.join and "not known" in view.counts
    view.reveal_button.value = True
    assert "No answers yet" in view.picture
