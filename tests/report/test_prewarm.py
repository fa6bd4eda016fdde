"""The room's report worker simulates ahead every setting a context can give: what is missing, in order,
and a real simulation kept where a report kernel reads it."""

from __future__ import annotations

import subprocess
import sys

import pytest

from mlops_workbook.report import prewarm, simcache
from mlops_workbook.simulation.from_context import possible_simulations


def test_an_empty_spool_lacks_every_setting_in_order(tmp_path):
    assert prewarm.missing(tmp_path) == list(possible_simulations())


def test_a_setting_already_kept_is_not_simulated_again(tmp_path):
    scenario, overrides = possible_simulations()[0]
    simcache.cache_file(tmp_path, scenario, prewarm.SEED, overrides).write_bytes(b"kept by a report kernel")
    assert prewarm.missing(tmp_path) == list(possible_simulations()[1:])


def test_a_folder_that_is_not_there_is_one_line_and_exit_2(tmp_path):
    run = subprocess.run([sys.executable, "-m", "mlops_workbook.report.prewarm", str(tmp_path / "gone")],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 2 and len(run.stderr.strip().splitlines()) == 1 and "gone" in run.stderr


@pytest.mark.slow
def test_filling_keeps_a_real_simulation_a_report_kernel_reads(tmp_path):
    from mlops_workbook.report.content import REPORT_SEEDS

    assert prewarm.fill(tmp_path, limit=1) == 1
    assert prewarm.missing(tmp_path) == list(possible_simulations()[1:])
    scenario, overrides = possible_simulations()[0]
    kept = simcache.read(scenario, prewarm.SEED, tmp_path, overrides=overrides)
    assert kept is not None and kept.config.scenario == scenario
    assert kept.seeds is not None and len(kept.seeds.seeds) == REPORT_SEEDS


def test_a_job_without_a_simulation_or_with_a_kept_one_is_not_simulated(tmp_path):
    assert prewarm.ensure(tmp_path, None) is False
    scenario, overrides = possible_simulations()[3]
    simcache.cache_file(tmp_path, scenario, prewarm.SEED, overrides).write_bytes(b"kept")
    assert prewarm.ensure(tmp_path, (scenario, overrides)) is False


@pytest.mark.slow
def test_a_jobs_setting_is_simulated_once_before_its_kernel_runs(tmp_path):
    scenario, overrides = possible_simulations()[5]
    assert prewarm.ensure(tmp_path, (scenario, overrides)) is True
    assert simcache.read(scenario, prewarm.SEED, tmp_path, overrides=overrides) is not None
    assert prewarm.ensure(tmp_path, (scenario, overrides)) is False
