"""A shared MLOps platform: tooling published for several teams, or consumed from one.

Why these signs: a platform leaves two kinds of trace in a team's repository. Either the repository
consumes tooling someone else maintains for everyone (GitHub reusable workflows from another
repository, GitLab `include: project:`, Azure Pipelines templates from another repository), or it
publishes tooling for others to build on (an AWS Service Catalog portfolio or product, a project
template such as a cookiecutter or a Databricks bundle template). Either is partial: a file cannot
show how many teams use it.
"""

from __future__ import annotations

import re

from ..collector import RawResults
from ..findings import Finding, Location
from ._ci import ci_files
from ._markdown import blocks, docs
from ._util import YAML, findings

ID = "shared-platform"
SHORT = ("Tooling shared across teams: CI that calls reusable workflows or templates kept in another repository (GitHub "
         "`uses: owner/repo/.github/workflows/x.yml@ref`, GitLab `include:` `project:`, Azure Pipelines `template: x@repo`), "
         "an AWS Service Catalog portfolio or product (CDK `servicecatalog.Portfolio`/`CloudFormationProduct`, "
         "CloudFormation `AWS::ServiceCatalog::*`), a project template (`cookiecutter.json`, "
         "`databricks_template_schema.json`), or the README / docs/ saying so (a Service Catalog portfolio, a repository "
         "template for your own projects, reusable components for your own pipelines); partial, since a file cannot show how many teams use it")
CRITERIA = {"people-3-platform": "partial"}
REMEDIATION = ("Move the tooling every team rebuilds (CI templates, pipeline components, project templates) into one "
               "shared, versioned place that teams consume.")
EFFORT = "high"

_GITHUB_REUSABLE = re.compile(r"^[ \t]*(?:-[ \t]*)?uses[ \t]*:[ \t]*[\w.-]+/[\w.-]+/\.github/workflows/[\w.-]+\.ya?ml@", re.MULTILINE)
_GITLAB_PROJECT = re.compile(r"^include[ \t]*:[ \t]*\n(?:[ \t]+.*\n)*?[ \t]+-?[ \t]*project[ \t]*:", re.MULTILINE)
_AZURE_TEMPLATE = re.compile(r"^[ \t]*-?[ \t]*template[ \t]*:[ \t]*['\"]?[\w./-]+@\w+", re.MULTILINE)
_CATALOG_CDK = re.compile(r"\bservicecatalog\.(?:Portfolio|CloudFormationProduct)\s*\(")
_CATALOG_CFN = re.compile(r"^[ \t]*Type[ \t]*:[ \t]*['\"]?AWS::ServiceCatalog::(?:Portfolio|CloudFormationProduct)\b", re.MULTILINE)
# The same, as the README or docs/ say it: published through Service Catalog, a template other projects
# start from, reusable components for others' pipelines ("pluggable components ... build your own pipelines").
_DOC_SIGNS = re.compile(r"\bService Catalog\b[^\n]{0,80}\b(?:portfolios?|products?)\b|\b(?:portfolios?|products?)\b[^\n]{0,80}"
                        r"\bService Catalog\b|\b(?:repository|project|organi[sz]ation) templates?\b|\btemplate\b[^.\n]{0,80}"
                        r"\b(?:your own|new) (?:projects?|code|models?|pipelines?)\b|\b(?:reusable|pluggable|shared)\b[^.\n]{0,40}"
                        r"\b(?:components?|templates?|workflows?)\b[^.\n]{0,120}\b(?:your own|other teams|teams|platform)\b",
                        re.IGNORECASE)
_TEMPLATES = ("cookiecutter.json", "databricks_template_schema.json", "copier.yml", "copier.yaml")


def run(raw: RawResults) -> list[Finding]:
    """One finding per place this probe sees its practice, the strongest first."""
    ci = ci_files(raw)
    found = raw.grep(_GITHUB_REUSABLE, [f for f in ci if f.path.startswith(".github/workflows/")],
                     detail="CI calls a reusable workflow kept in another repository", needles=(".github/workflows/",))
    found += raw.grep(_GITLAB_PROJECT, [f for f in ci if "gitlab-ci" in f.name], detail="CI includes another project's "
                      "templates", needles=("project",))
    found += raw.grep(_AZURE_TEMPLATE, [f for f in ci if f.suffix in YAML and not f.path.startswith(".github/")],
                      detail="pipeline uses a template kept in another repository", needles=("template",))
    found += raw.grep(_CATALOG_CDK, raw.importing_files("aws_cdk"), detail="AWS Service Catalog portfolio or product")
    found += raw.grep(_CATALOG_CFN, raw.with_suffix(*YAML, ".json", ".template"),
                      detail="AWS Service Catalog portfolio or product", needles=("AWS::ServiceCatalog::",))
    found += [Location(f.path, None, "a project template teams generate projects from") for f in raw.files
              if f.name in _TEMPLATES and f.path.count("/") <= 1]
    for path in docs(raw):
        if path.count("/") == 0 or path.lower().startswith("docs/"):
            found += [Location(b.path, b.line, "the docs describe tooling shared with other projects") for b in blocks(raw, path)
                      if b.kind != "heading" and _DOC_SIGNS.search(b.text)][:1]
    return findings(ID, found, aside_is_evidence=True)  # docs/ is where the platform is described
