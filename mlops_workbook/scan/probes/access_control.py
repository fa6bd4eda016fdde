"""Access control declared as code: IAM in Terraform, Kubernetes RBAC, Databricks and Unity Catalog grants."""

from __future__ import annotations

import re

from ..collector import RawResults
from ..findings import Finding
from ._util import YAML, findings

ID = "access-control"
SHORT = ("Access control as code: Terraform IAM resources (`aws_iam_*`, `google_*_iam_*`, `azurerm_role_assignment`, "
         "`databricks_permissions`, `databricks_grants`, service accounts, key vaults, secrets), AWS CDK `iam.Role`/"
         "`iam.PolicyStatement`, CloudFormation `AWS::IAM::Role`/`Policy`, IAM policy documents (JSON `Statement` with "
         "`Effect`), Kubernetes `Role`/`RoleBinding`, bundle `permissions:`; "
         "credentials from a secret store, an assumed role, a managed identity or a CI variable are partial")
CRITERIA = {"gov-1-access-control": "partial"}
REMEDIATION = "Declare who may read training data, models and deployment credentials as code (Terraform IAM or RBAC), and log access."
EFFORT = "medium"

_TERRAFORM = re.compile(r'^\s*resource\s+"(aws_iam_\w+|google_\w*iam_\w+|azurerm_role_assignment|databricks_permissions|'
                        r'databricks_grants?|aws_lakeformation_permissions|google_service_account\w*|azurerm_key_vault\w*|'
                        r'aws_secretsmanager_secret\w*)"', re.MULTILINE)
# AWS CDK: roles and policies declared in code.
_CDK_IAM = re.compile(r"\biam\.(?:Role|PolicyStatement|ManagedPolicy|Policy|ServicePrincipal)(?:\.from_\w+)?\s*\(")
# A credential the CI system injects as a variable (`$SSH_PRIVATE_KEY`, `${API_TOKEN}`): kept out of the code.
_CI_VARIABLE = re.compile(r"\$\{?[A-Z0-9_]*(?:KEY|TOKEN|PASSWORD|PASSWD|SECRET|CREDENTIALS?)[A-Z0-9_]*\}?")
# CloudFormation / SAM IAM resources and IAM policy documents kept as JSON: who may do what, as code.
_CLOUDFORMATION = re.compile(r"^[ \t]*Type[ \t]*:[ \t]*['\"]?AWS::IAM::(?:Role|Policy|ManagedPolicy|InstanceProfile)\b", re.MULTILINE)
_POLICY_JSON = re.compile(r'^[ \t]*"Statement"[ \t]*:[ \t]*\[(?=[\s\S]{0,400}?"Effect"[ \t]*:[ \t]*"(?:Allow|Deny)")', re.MULTILINE)
_RBAC = re.compile(r"^kind:\s*(?:Role|ClusterRole|RoleBinding|ClusterRoleBinding)\s*$", re.MULTILINE)
_BUNDLE = re.compile(r"^\s*permissions\s*:\s*$", re.MULTILINE)
# Credentials kept out of the code: the CI's secret store, an assumed role, a managed identity.
_SECRETS = re.compile(r"\$\{\{\s*secrets\.\w+|\brole-to-assume\s*:|\bDefaultAzureCredential\s*\(|\bManagedIdentityCredential\s*\(|"
                      r"\bsecretsmanager\b|\bSecretClient\s*\(|\bdetect-(?:private-key|aws-credentials)\b|\bgitleaks\b")


def run(raw: RawResults) -> list[Finding]:
    """One finding per place this probe sees its practice, the strongest first."""
    positive = raw.grep(_TERRAFORM, raw.with_suffix(".tf"), first_only=False)
    positive += raw.grep(_RBAC, raw.with_suffix(*YAML), detail="Kubernetes RBAC")
    positive += raw.grep(_CLOUDFORMATION, raw.with_suffix(*YAML, ".json", ".template"), detail="IAM roles and policies as code "
                         "(CloudFormation)", needles=("AWS::IAM::",))
    positive += raw.grep(_POLICY_JSON, raw.with_suffix(".json"), detail="IAM policy document", needles=('"Effect"',))
    bundles = [f for f in raw.with_suffix(*YAML) if f.name == "databricks.yml" or "/resources/" in f"/{f.path}"]
    positive += raw.grep(_BUNDLE, bundles, detail="Databricks bundle permissions")
    from ._ci import ci_files

    places = ci_files(raw) + raw.with_suffix(".py") + raw.named(".pre-commit-config.yaml")
    weak = raw.grep(_SECRETS, places, detail="credentials from a secret store or role, not the code",
                    needles=("secrets.", "role-to-assume", "Credential(", "secretsmanager", "SecretClient", "detect-", "gitleaks"))
    positive += raw.grep(_CDK_IAM, raw.importing_files("aws_cdk"), detail="IAM roles and policies as code (AWS CDK)")
    weak += raw.grep(_CI_VARIABLE, ci_files(raw), detail="credentials from the CI system's variables, not the code")
    return findings(ID, positive, weak)
