"""The JupyterHub deployment files point at notebooks that exist and agree with each other (no Hub started)."""

from __future__ import annotations

import json
import os
import runpy
from pathlib import Path

import yaml

from mlops_workbook import resources

from ..conftest import ROOT

DEPLOY = ROOT / "deploy" / "jupyterhub"


class _Config(dict):
    """Enough of traitlets' Config for reading the file: attribute access creates sections."""

    def __getattr__(self, name):
        return self.setdefault(name, _Config())

    def __setattr__(self, name, value):
        self[name] = value


def test_hub_config_serves_the_assessment_and_shares_one_answers_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("MLOPS_WORKBOOK_ANSWERS_DIR", str(tmp_path / "shared"))
    config = _Config()
    namespace = runpy.run_path(str(DEPLOY / "jupyterhub_config.py"), init_globals={"get_config": lambda: config})
    spawner = config["Spawner"]
    assert spawner["default_url"] == "/voila/render/notebooks/01_assessment.ipynb"
    assert spawner["environment"]["MLOPS_WORKBOOK_ANSWERS_DIR"] == str((tmp_path / "shared").resolve())
    assert (tmp_path / "shared").is_dir()
    assert config["Authenticator"]["admin_users"] == {"facilitator"}
    # the single-user servers' Voila finds the workbook's template and the setting that picks it
    env = spawner["environment"]
    template = Path(env["JUPYTER_PATH"]) / "voila" / "templates" / resources.VOILA_TEMPLATE / "index.html.j2"
    assert template.is_file()
    picked = [json.loads((Path(d) / "voila.json").read_text()).get("VoilaConfiguration", {}).get("template")
              for d in env["JUPYTER_CONFIG_PATH"].split(os.pathsep) if (Path(d) / "voila.json").is_file()]
    assert resources.VOILA_TEMPLATE in picked and set(picked) <= {resources.VOILA_TEMPLATE, None}
    for url in (namespace["ASSESSMENT_URL"], namespace["DASHBOARD_URL"]):
        assert (ROOT / url.removeprefix("/voila/render/")).is_file(), url


def test_values_yaml_matches_the_hub_config():
    values = yaml.safe_load((DEPLOY / "values.yaml").read_text())
    assert values["singleuser"]["defaultUrl"] == "/voila/render/notebooks/01_assessment.ipynb"
    mount = values["singleuser"]["storage"]["extraVolumeMounts"][0]["mountPath"]
    assert values["singleuser"]["extraEnv"]["MLOPS_WORKBOOK_ANSWERS_DIR"] == mount
    assert values["hub"]["config"]["Authenticator"]["admin_users"] == ["facilitator"]
    assert "04_workshop_dashboard.ipynb" in values["hub"]["extraConfig"]["facilitator-dashboard"]
    assert values["cull"]["enabled"] is True
