"""Links to generated files hold under any URL prefix and at any notebook depth (no browser)."""

from __future__ import annotations

import pytest

from mlops_workbook.ui._common import base_url, page_link, voila_files_url


@pytest.mark.parametrize(("page", "prefix", "expected"), [
    ("/voila/render/01_assessment.ipynb", "/", "/voila/files/reports/a%20b.html"),
    ("/user/x/voila/render/01_assessment.ipynb", "/user/x/", "/user/x/voila/files/reports/a%20b.html"),
    ("/user/x/voila/render/notebooks/01_assessment.ipynb", "/user/x/",
     "/user/x/voila/files/notebooks/reports/a%20b.html"),
    ("/user/x/voila/render/my%20notes/01_assessment.ipynb", "/user/x/",
     "/user/x/voila/files/my%20notes/reports/a%20b.html"),
    ("/user/x/", "/user/x/", "/user/x/voila/files/reports/a%20b.html"),  # voila one.ipynb: the page is the root
])
def test_voila_files_url(page, prefix, expected):
    assert voila_files_url(page, "reports/a b.html", prefix=prefix) == expected


def test_base_url_from_voila(monkeypatch):
    monkeypatch.delenv("VOILA_BASE_URL", raising=False)
    assert base_url() == "/"
    monkeypatch.setenv("VOILA_BASE_URL", "/user/x")
    assert base_url() == "/user/x/"


def test_page_link_under_a_prefix(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    report = tmp_path / "reports" / "blue team.html"
    report.parent.mkdir()
    report.write_text("<html></html>")
    for name in ("VOILA_KERNEL_ID", "VOILA_PREHEAT", "SCRIPT_NAME", "VOILA_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    assert page_link(report) == "reports/blue%20team.html"  # JupyterLab: beside the notebook
    monkeypatch.setenv("VOILA_KERNEL_ID", "k")
    monkeypatch.setenv("VOILA_BASE_URL", "/user/x/")
    monkeypatch.setenv("SCRIPT_NAME", "/user/x/voila/render/notebooks/01_assessment.ipynb")
    assert page_link(report) == "/user/x/voila/files/notebooks/reports/blue%20team.html"
    assert page_link(tmp_path.parent / "elsewhere.html") is None  # outside the served folder


@pytest.mark.parametrize(("given", "expected"), [("/", "/"), ("", "/"), ("user/x", "/user/x/"),
                                                 ("/user/x/", "/user/x/"), ("//a//b", "/a/b/")])
def test_serve_passes_the_prefix_to_voila(tmp_path, given, expected):
    from mlops_workbook.server.serve import prepare

    plan = prepare(base_url=given, answers_dir=str(tmp_path / "a"), reports_dir=str(tmp_path / "r"),
                   token="t" * 16)
    for server in plan.servers:  # the participants' and the facilitator's servers alike
        assert f"--Voila.base_url={expected}" in server.command
        assert server.url.split("?")[0].endswith(expected)


@pytest.mark.parametrize("bad", ["/user/../x/", "/a b/", "/x?y", "/x#y"])
def test_serve_refuses_a_prefix_that_is_not_a_path(bad, capsys):
    from mlops_workbook.cli import main

    assert main(["serve", "--base-url", bad]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "base_url: not a URL path prefix" in err
