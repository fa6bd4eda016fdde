"""The workbook's Voila template: every server `serve` starts uses it, it is found from any install,
and nothing in it names a host but the page's own server."""

from __future__ import annotations

import json
import os
import re

from mlops_workbook import resources
from mlops_workbook.server.serve import prepare

TEMPLATE = resources.JUPYTER_DATA / "voila" / "templates" / resources.VOILA_TEMPLATE


def test_every_server_uses_the_template_found_in_the_package(tmp_path):
    for host in ("127.0.0.1", "0.0.0.0"):
        plan = prepare(host=host, port=9100, answers_dir=str(tmp_path / "a"), reports_dir=str(tmp_path / "r"))
        for server in plan.servers:
            config = json.loads((server.cwd / "voila.json").read_text())
            assert config["VoilaConfiguration"]["template"] == resources.VOILA_TEMPLATE
            assert server.env["JUPYTER_PATH"].split(os.pathsep)[0] == str(resources.JUPYTER_DATA)


def test_the_template_extends_lab_and_names_no_other_host():
    assert json.loads((TEMPLATE / "conf.json").read_text())["base_template"] == "lab"
    files = [p for p in TEMPLATE.rglob("*") if p.is_file()]
    assert {"index.html.j2", "aria.js", "workbook.css"} <= {p.name for p in files}
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"https?://|//cdn|jsdelivr|cdnjs", text), path
    index = (TEMPLATE / "index.html.j2").read_text(encoding="utf-8")
    # the lab template's notebook_css block (with the two CDN stylesheets) is skipped, its parent kept
    assert "super.super()" in index and "super()" not in index.replace("super.super()", "")
    assert 'include_js("static/aria.js")' in index and 'include_css("static/workbook.css")' in index


def test_the_template_ships_with_the_package():
    assert resources.missing() == []
    pyproject = (resources.PACKAGE.parent / "pyproject.toml").read_text(encoding="utf-8")
    assert "share/jupyter/voila/templates/mlops/static/*" in pyproject


def test_an_install_sets_voila_up_as_a_server_extension_with_the_template():
    """Binder's `urlpath=voila/render/...` and a hub's single-user server run Voila inside jupyter-server,
    which finds templates in {sys.prefix}/share/jupyter and reads voila.json from {sys.prefix}/etc/jupyter:
    pyproject's data-files put every file of the template and the setting there (the wheel itself is
    installed and served in tests/test_install.py)."""
    import glob
    import tomllib

    pyproject = tomllib.loads((resources.PACKAGE.parent / "pyproject.toml").read_text(encoding="utf-8"))
    data_files = pyproject["tool"]["setuptools"]["data-files"]
    installed = {}
    for destination, patterns in data_files.items():
        for pattern in patterns:
            matched = glob.glob(pattern, root_dir=resources.PACKAGE.parent)
            assert matched, pattern  # a pattern that matches nothing ships nothing
            for source in matched:
                installed[f"{destination}/{os.path.basename(source)}"] = resources.PACKAGE.parent / source
    template = {f"share/jupyter/{p.relative_to(resources.JUPYTER_DATA).as_posix()}": p
                for p in TEMPLATE.rglob("*") if p.is_file()}
    assert template and template.items() <= installed.items()
    setting = installed["etc/jupyter/voila.json"]
    assert setting == resources.JUPYTER_CONFIG / "voila.json"
    # the template and nothing else: the file is read by every Voila of the environment
    assert json.loads(setting.read_text(encoding="utf-8")) == {"VoilaConfiguration": {"template": resources.VOILA_TEMPLATE}}
