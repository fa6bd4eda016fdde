"""The documentation criteria read as documents (round 7): what a section says, not one word in a
heading. Each rule on a small tree the earlier heading-only rules got wrong, and a look-alike."""

from __future__ import annotations

from mlops_workbook.scan import collect

from mlops_workbook.scan.findings import Location
from mlops_workbook.scan.probes._util import at_the_work
from tests.scan.test_probes import write_tree
from tests.scan.test_scan_rules_round7_data import cited
from tests.scan.test_scan_rules_ops import run, strong


def everything(found) -> list[str]:
    return [f.location.ref() for f in found]


# -- the shared reader ----------------------------------------------------------------------------

def test_markdown_blocks_skip_code_and_read_rst_titles(tmp_path):
    from mlops_workbook.scan.probes import _markdown

    text = ("Churn model\n===========\n\nIt predicts churn.\n\n.. code-block:: bash\n\n   # not a heading\n\n"
            "1. train\n- a bullet\n\n```\n# also not a heading\n```\n| a | b |\n")
    raw = collect(write_tree(tmp_path, {"README.rst": text}))
    kinds = [(b.line, b.kind) for b in _markdown.blocks(raw, "README.rst")]
    assert kinds == [(1, "heading"), (4, "text"), (10, "step"), (11, "item"), (16, "row")]


# -- model-docs (gov-1-documentation) -------------------------------------------------------------

def test_model_docs_reads_a_readme_that_says_what_the_model_does_and_its_data(tmp_path):
    readme = ("# Salary app\n\nThis application predicts the salary of a software engineer.\n\n## Data\n"
              "Model is trained on the Stack Overflow developer survey.\n")
    assert strong(run(tmp_path / "a", "model-docs", {"README.md": readme})) == ["README.md:3", "README.md:6"]


def test_model_docs_needs_more_than_a_purpose(tmp_path):
    purpose_only = "# Salary app\n\nThis application predicts the salary of a software engineer.\n\n## Install\npip install .\n"
    found = run(tmp_path / "a", "model-docs", {"README.md": purpose_only})  # round 8: the purpose alone is weak
    assert strong(found) == [] and [f.location.ref() for f in found] == ["README.md:3"]
    drift = ("# Drift watcher\n\nThis project shows drift detection on a SageMaker endpoint.\n\n"
             "The data comes from the NYC taxi feed.\n")  # detecting drift is what the pipeline does, not the model
    assert run(tmp_path / "b", "model-docs", {"README.md": drift}) == []


def test_model_docs_takes_a_limitations_section_and_a_titled_task(tmp_path):
    readme = "# Salary Prediction\n\nVisit the app.\n\n# Limitations\n\n- Data only from Indonesia\n"
    assert strong(run(tmp_path / "a", "model-docs", {"readme.md": readme})) == ["readme.md:1", "readme.md:5"]


# -- feature-docs (data-1-documented-features) -----------------------------------------------------

def test_feature_docs_reads_a_schema_list_of_fields(tmp_path):
    doc = ("# Contents\n\n- raw.csv: raw data\n\n# Schema\n\n1. `role`: str. Title of the job\n"
           "2. `company`: str. Employer\n3. `years_of_exp`: int. Years of experience\n")
    found = run(tmp_path / "a", "feature-docs", {"datasets/readme.md": doc})
    assert strong(found) == ["datasets/readme.md:5"]


def test_feature_docs_reads_a_feature_table_but_not_a_settings_table(tmp_path):
    table = ("## Inputs\n\n| feature | description |\n| --- | --- |\n| age | years since birth |\n"
             "| income | yearly, EUR |\n| region | NUTS-2 code |\n")
    assert strong(run(tmp_path / "a", "feature-docs", {"docs/model.md": table})) == ["docs/model.md:1"]
    settings = table.replace("| feature | description |", "| variable | required | default | description |")
    assert strong(run(tmp_path / "b", "feature-docs", {"docs/model.md": settings})) == []


def test_feature_docs_does_not_take_a_list_of_what_the_software_does(tmp_path):
    features = ("# Tool\n\n## Features\n\n- **Workflow Automation**: Define and automate pipelines in Python.\n"
                "- **Monitoring**: Receive alerts for anomalies or failures.\n- **Scalability**: Scale out on demand.\n")
    assert run(tmp_path / "a", "feature-docs", {"README.md": features}) == []
    data = features.replace("# Tool", "# Energy data")
    assert strong(run(tmp_path / "b", "feature-docs", {"data/README.md": data})) == ["data/README.md:3"]


def test_feature_docs_reads_a_sentence_that_names_the_features(tmp_path):
    readme = ("# Abalone\n\nThe dataset contains several features - length (longest shell measurement), "
              "diameter (perpendicular to length), height (with meat in shell) and the rings.\n")
    assert everything(run(tmp_path / "a", "feature-docs", {"README.md": readme})) == ["README.md:3"]
    vague = "# Abalone\n\nThe dataset contains several features about shells.\n"
    assert run(tmp_path / "b", "feature-docs", {"README.md": vague}) == []


# -- workflow-docs (people-2-standard-workflow) ----------------------------------------------------

def test_workflow_docs_reads_numbered_steps_from_change_to_production(tmp_path):
    readme = ("# Churn\n\n### Workflow\n\n1. **Train an initial model** with the multitask job\n"
              "2. Open a pull request: the CI runs the unit tests\n3. Tag a release: the model is deployed to prod\n")
    assert strong(run(tmp_path / "a", "workflow-docs", {"README.md": readme})) == ["README.md:5"]  # the first step
    setup = ("# Churn\n\n## Setup\n\n1. Clone the repository\n2. Install the requirements\n3. Run the tests\n")
    assert run(tmp_path / "b", "workflow-docs", {"README.md": setup}) == []


def test_workflow_docs_bullets_count_only_under_a_process_heading(tmp_path):
    bullets = ("- Train models with Ray\n- Evaluate them against the baseline\n- Serve the best one in production\n")
    assert strong(run(tmp_path / "a", "workflow-docs", {"README.md": "# X\n\n## How it works\n\n" + bullets})) == ["README.md:5"]
    assert run(tmp_path / "b", "workflow-docs", {"README.md": "# X\n\n## Key features\n\n" + bullets}) == []


def test_workflow_docs_reads_a_sentence_that_says_the_document_walks_to_production(tmp_path):
    doc = ("# Running pipelines in production\n\nThis document describes the full process from making a change "
           "to your pipeline code, all the way through to having the code running in production.\n")
    assert strong(run(tmp_path / "a", "workflow-docs", {"docs/PRODUCTION.md": doc})) == ["docs/PRODUCTION.md:3"]
    other = doc.replace("running in production", "formatted by black")
    assert run(tmp_path / "b", "workflow-docs", {"docs/PRODUCTION.md": other}) == []


# -- pull-request-ci (people-1-shared-repo) -------------------------------------------------------

GITHUB_PR = "on:\n  pull_request:\n    branches: [main]\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - run: pytest\n"


def test_pull_request_ci_cites_a_review_before_the_trigger(tmp_path):
    template = "## Checklist\n\n- [ ] Tests pass\n- [ ] I have assigned a reviewer and messaged them\n"
    files = {".github/workflows/ci.yml": GITHUB_PR, ".github/pull_request_template.md": template}
    assert strong(run(tmp_path / "a", "pull-request-ci", files)) == [".github/pull_request_template.md:4",
                                                                     ".github/workflows/ci.yml:2"]
    guide = {".github/workflows/ci.yml": GITHUB_PR,
             "docs/ml-pull-request.md": "# Updating ML code\n\nOnce tests pass, get your pull request reviewed by a teammate.\n"}
    assert strong(run(tmp_path / "b", "pull-request-ci", guide))[0] == "docs/ml-pull-request.md:3"


def test_pull_request_ci_does_not_take_a_mention_of_pull_requests_without_review(tmp_path):
    files = {"README.md": "# X\n\nOpen a pull request to trigger the training workflow.\n"}
    assert run(tmp_path / "a", "pull-request-ci", files) == []


# -- access-control (gov-1-access-control) ---------------------------------------------------------

def test_access_control_reads_cloudformation_iam_and_policy_documents(tmp_path):
    template = "Resources:\n  DeployRole:\n    Type: AWS::IAM::Role\n    Properties:\n      RoleName: deploy\n"
    policy = '{\n  "Version": "2012-10-17",\n  "Statement": [\n    {"Effect": "Allow", "Action": ["s3:GetObject"]}\n  ]\n}\n'
    found = run(tmp_path / "a", "access-control", {"project/template.yml": template, "iam/policy.json": policy})
    assert sorted(strong(found)) == ["iam/policy.json:3", "project/template.yml:3"]
    other = {"project/template.yml": template.replace("AWS::IAM::Role", "AWS::S3::Bucket"),
             "iam/policy.json": '{\n  "Statement": "a sentence about statements"\n}\n'}
    assert run(tmp_path / "b", "access-control", other) == []


# -- shared-platform (people-3-platform) -----------------------------------------------------------

def test_shared_platform_reads_reusable_workflows_from_another_repository(tmp_path):
    wf = ("on: push\njobs:\n  get-config:\n    uses: acme/mlops-templates/.github/workflows/read-yaml.yml@main\n"
          "  local:\n    uses: ./.github/workflows/build.yml\n")
    assert strong(run(tmp_path / "a", "shared-platform", {".github/workflows/train.yml": wf})) == [".github/workflows/train.yml:4"]
    local = wf.replace("    uses: acme/mlops-templates/.github/workflows/read-yaml.yml@main\n", "    runs-on: ubuntu-latest\n")
    assert run(tmp_path / "b", "shared-platform", {".github/workflows/train.yml": local}) == []


def test_shared_platform_reads_a_service_catalog_product_and_a_template_readme(tmp_path):
    cdk = "import aws_cdk\nfrom aws_cdk import aws_servicecatalog as servicecatalog\nportfolio = servicecatalog.Portfolio(self, 'p')\n"
    assert strong(run(tmp_path / "a", "shared-platform", {"infra/catalog.py": cdk})) == ["infra/catalog.py:3"]
    readme = "# X\n\nFollow the guide for integrating your own code with this repository template.\n"
    assert strong(run(tmp_path / "b", "shared-platform", {"README.md": readme})) == ["README.md:3"]
    modular = "# X\n\nThe preprocessing code is modular and reusable, so it is easy to change.\n"
    assert run(tmp_path / "c", "shared-platform", {"README.md": modular}) == []


# -- every docs probe: a heading names the practice, the text under it is the evidence ---------------------

def test_a_heading_is_cited_at_the_text_under_it(tmp_path):
    readme = ("# Churn model\n\n## Evaluation\n\nCode: https://example.org/notebooks/eval.ipynb\n\n"
              "The model reaches an AUC of 0.84 on the 2024 hold-out month.\n\n## Empty\n\n```\nmake eval\n```\n")
    raw = collect(write_tree(tmp_path, {"README.md": readme}))
    assert at_the_work(raw, Location("README.md", 3, "evaluation")).line == 7  # past the link-only line
    assert at_the_work(raw, Location("README.md", 7, "metrics")).line == 7  # not a heading: as it is
    assert at_the_work(raw, Location("README.md", 9, "empty")).line == 9  # only code under it: the heading


def test_a_section_on_the_model_is_cited_at_its_text_not_its_heading(tmp_path):
    readme = ("# Billing tools\n\nScripts for the billing team.\n\n## Evaluation\n\n"
              "Code: https://example.org/eval.ipynb\n\nOn the March hold-out month its accuracy is 0.91.\n")
    found = cited(tmp_path, {"docs/model.md": readme}).get("gov-1-documentation")
    assert found and found[0] == ("docs/model.md", 9)
