"""Which files are CI configurations (shared by the CI probes)."""

from __future__ import annotations

from ..collector import RawResults, RepoFile

CI_NAMES = frozenset({".gitlab-ci.yml", ".gitlab-ci.yaml", "jenkinsfile", "azure-pipelines.yml",
                      "azure-pipelines.yaml", "bitbucket-pipelines.yml", ".travis.yml", "cloudbuild.yaml",
                      "cloudbuild.yml", "buildspec.yml"})


def ci_files(raw: RawResults) -> list[RepoFile]:
    found = []
    for f in raw.files:
        workflow = f.path.startswith(".github/workflows/") and f.suffix in (".yml", ".yaml")
        circle = f.path == ".circleci/config.yml"
        if workflow or circle or f.name in CI_NAMES or (f.path.startswith(".gitlab/") and f.suffix in (".yml", ".yaml")):
            found.append(f)
    return found
