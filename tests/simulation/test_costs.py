"""What a level costs: the priced items a stakeholder asks about, the models count, and bad costs files."""

from __future__ import annotations

from dataclasses import replace

import pytest

from mlops_workbook.cli import main
from mlops_workbook.simulation import load_costs, simulate
from mlops_workbook.simulation.costs import OPERATIONS, repriced


def test_each_level_carries_the_running_costs_a_stakeholder_asks_about():
    costs = load_costs()
    free = dict(loss_per_model=0.0, people_days=0.0, compute=0.0, releases=10)
    price = {level: costs.price(level, 52, **free) for level in range(5)}
    review = 10 * costs.release_review_days * costs.day_rate
    assert price[0].people == pytest.approx(review) and price[0].compute == 0  # each release reviewed
    assert price[2].compute == pytest.approx(costs.pipeline_upkeep_per_year)
    assert price[3].compute == pytest.approx(costs.pipeline_upkeep_per_year + costs.monitoring_upkeep_per_year)
    assert price[3].people == pytest.approx(review + costs.on_call_per_year)
    # L4 no longer reviews each release; a person oversees what the automation decided, every week
    assert price[4].people == pytest.approx(costs.oversight_days_per_week * 52 * costs.day_rate + costs.on_call_per_year)
    assert price[4].build > price[3].build > price[2].build
    assert not OPERATIONS[4].release_review and OPERATIONS[4].oversight


def test_models_scale_losses_and_per_model_costs_but_not_what_is_shared():
    one = load_costs()
    three = replace(one, models=3.0)
    args = dict(loss_per_model=1000.0, people_days=2.0, compute=50.0, releases=4)
    a, b = one.price(3, 52, **args), three.price(3, 52, **args)
    assert b.business_loss == 3 * a.business_loss and b.build == a.build
    shared = one.on_call_per_year
    assert b.people - shared == pytest.approx(3 * (a.people - shared))


def test_repricing_a_run_equals_simulating_at_those_costs():
    """The report prices a team's book from the kept runs: it must say what a run at those costs says."""
    small = dict(scenario="concept-drift", weeks=30, rows_per_week=300, seed=11, drift=False)
    team = replace(load_costs(), models=4.0, day_rate=950.0, on_call_per_year=20_000.0)
    kept = simulate(**small).kpis
    direct = simulate(costs=team, **small).kpis
    again = repriced(kept, team, 30)
    for column in ("business_loss", "build_cost", "people_cost", "compute_cost", "net_cost"):
        assert list(again[column].round(6)) == list(direct[column].round(6)), column


@pytest.mark.parametrize(("text", "field"), [
    ("people:\n  on_call_per_year: lots\n", "people.on_call_per_year"),
    ("compute:\n  pipeline_upkeep_per_year: -5\n", "compute.pipeline_upkeep_per_year"),
    ("loan_book:\n  models: 0\n", "loan_book.models"),
    ("people:\n  oversight_days: 1\n", "people.oversight_days"),
])
def test_a_bad_costs_file_is_one_line_naming_file_and_field(tmp_path, capsys, text, field):
    path = tmp_path / "team-costs.yaml"
    path.write_text(text)
    assert main(["simulate", "--costs", str(path), "--weeks", "8"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "team-costs.yaml" in err and field in err, err
