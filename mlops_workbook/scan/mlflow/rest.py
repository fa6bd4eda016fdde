"""An MLflow tracking server through its REST API (urllib only; MLflow is not imported at run time).

Endpoints and shapes, as MLflow 3's server answers (mlflow/protos/service.proto, model_registry.proto;
proto3 JSON, so empty lists are left out): POST /api/2.0/mlflow/experiments/search -> {experiments:
[{experiment_id, name, lifecycle_stage}], next_page_token}; POST runs/search {experiment_ids} -> {runs: [{info:
{run_id, experiment_id, user_id, lifecycle_stage}, data: {params, metrics, tags: [{key, value}]}}],
next_page_token}; GET registered-models/search -> {registered_models: [{name, aliases: [{alias, version}]}]};
GET model-versions/search -> {model_versions: [{name, version, current_stage, run_id}]}. Every request is a
search: nothing is ever sent that changes the server.
"""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from ... import settings
from .records import (
    DELETED_STAGE,
    GIT_COMMIT_TAG,
    Layout,
    MlflowStoreError,
    RunRecord,
    StoreSnapshot,
    VersionRecord,
)

API = "/api/2.0/mlflow"
TIMEOUT_SECONDS = 15.0
PAGE_RUNS = 1000  # the server's SEARCH_MAX_RESULTS_DEFAULT; its maximum is 50000
PAGE_MODELS = 1000  # SEARCH_REGISTERED_MODEL_MAX_RESULTS_THRESHOLD
PAGE_VERSIONS = 10000  # SEARCH_MODEL_VERSION_MAX_RESULTS_DEFAULT
MAX_PAGES = 1000
MAX_BODY_BYTES = 64 << 20

# endpoint -> the key of its list of items (beside it MLflow puts only next_page_token)
_PAGES = {
    "experiments/search": "experiments",
    "runs/search": "runs",
    "registered-models/search": "registered_models",
    "model-versions/search": "model_versions",
}

Fetch = Callable[[str, dict[str, Any] | None], Any]  # (endpoint with query, JSON body or None for GET) -> JSON


class NotMlflowJson(ValueError):
    """A JSON answer that does not have the shape of MLflow's (raised by the pure parsers)."""


@dataclass(frozen=True)
class RestPages:
    """The four searches' items, as the server returned them; `truncated` when more runs existed."""

    experiments: tuple[dict[str, Any], ...]
    runs: tuple[dict[str, Any], ...]
    models: tuple[dict[str, Any], ...]
    versions: tuple[dict[str, Any], ...]
    truncated: bool = False


# --------------------------------------------------------------------------- pure parsing


def parse_page(endpoint: str, body: Any) -> tuple[list[dict[str, Any]], str]:
    """(items, next_page_token) of one search answer; raises NotMlflowJson when the shape is not MLflow's."""
    key = _PAGES[endpoint]
    if not isinstance(body, dict):
        raise NotMlflowJson(f"{endpoint} answered JSON {type(body).__name__}, not an object")
    unexpected = set(body) - {key, "next_page_token"}
    if unexpected:
        raise NotMlflowJson(f"{endpoint} answered JSON with keys {sorted(unexpected)[:3]}, not MLflow's {key!r}")
    items = body.get(key, [])
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise NotMlflowJson(f"{endpoint} answered {key!r} that is not a list of objects")
    token = body.get("next_page_token", "")
    if not isinstance(token, str):
        raise NotMlflowJson(f"{endpoint} answered a next_page_token that is not a string")
    return items, token


def _pairs(data: dict[str, Any], field: str) -> list[dict[str, Any]]:
    value = data.get(field, [])
    if not isinstance(value, list) or not all(isinstance(p, dict) and "key" in p for p in value):
        raise NotMlflowJson(f"runs/search answered data.{field} that is not a list of {{key, value}}")
    return value


def parse_run(item: dict[str, Any]) -> RunRecord:
    """One run of runs/search as a record; raises NotMlflowJson when `info` or `data` are not MLflow's."""
    info, data = item.get("info"), item.get("data", {})
    if not isinstance(info, dict) or not isinstance(data, dict):
        raise NotMlflowJson("runs/search answered a run without an 'info' object")
    run_id = info.get("run_id") or info.get("run_uuid")
    if not run_id or "experiment_id" not in info:
        raise NotMlflowJson("runs/search answered a run without run_id or experiment_id")
    tags = {str(t["key"]): str(t.get("value", "")) for t in _pairs(data, "tags")}
    return RunRecord(experiment_id=str(info["experiment_id"]), run_id=str(run_id),
                     params=tuple(sorted({str(p["key"]) for p in _pairs(data, "params")})),
                     metrics=tuple(sorted({str(m["key"]) for m in _pairs(data, "metrics")})),
                     git_commit=tags.get(GIT_COMMIT_TAG, "").strip(),
                     user=str(info.get("user_id") or tags.get("mlflow.user", "")))


def parse_rest_pages(pages: RestPages, layout: Layout, uri: str) -> StoreSnapshot:
    """Records from the searches' items: active runs of active experiments, live versions with aliases."""
    active = set()
    for exp in pages.experiments:
        if "experiment_id" not in exp:
            raise NotMlflowJson("experiments/search answered an experiment without experiment_id")
        if exp.get("lifecycle_stage", "active") == "active":
            active.add(str(exp["experiment_id"]))
    runs = []
    for item in pages.runs:
        run = parse_run(item)  # raises on a run that is not MLflow's, so item["info"] is a dict below
        if item["info"].get("lifecycle_stage", "active") == "active" and run.experiment_id in active:
            runs.append(run)
    names, aliases = [], {}
    for model in pages.models:
        if "name" not in model:
            raise NotMlflowJson("registered-models/search answered a model without a name")
        names.append(str(model["name"]))
        for a in model.get("aliases", []) or []:
            if isinstance(a, dict) and "alias" in a:
                aliases.setdefault((str(model["name"]), str(a.get("version", ""))), []).append(str(a["alias"]))
    versions = []
    for v in pages.versions:
        if "name" not in v or "version" not in v:
            raise NotMlflowJson("model-versions/search answered a version without name or version")
        stage = str(v.get("current_stage") or "None")
        if stage == DELETED_STAGE:
            continue
        key = (str(v["name"]), str(v["version"]))
        versions.append(VersionRecord(key[0], key[1], stage, str(v.get("run_id") or ""),
                                      tuple(sorted(set(aliases.get(key, [])) | set(v.get("aliases", []) or [])))))
    versions.sort(key=lambda v: (v.model, int(v.version) if v.version.isdigit() else 0))
    return StoreSnapshot(uri=uri, layout=layout, experiments=len(active), runs=tuple(runs),
                         models=tuple(sorted(names)), versions=tuple(versions), truncated=pages.truncated)


# --------------------------------------------------------------------------- I/O


def auth_headers(env: Mapping[str, str]) -> dict[str, str]:
    """The Authorization header MLflow's own client sends, from the same variables: MLFLOW_TRACKING_TOKEN
    (bearer) or MLFLOW_TRACKING_USERNAME + MLFLOW_TRACKING_PASSWORD (basic); none when they are unset."""
    token = env.get("MLFLOW_TRACKING_TOKEN", "")
    if token:
        return {"Authorization": f"Bearer {token}"}
    user, password = env.get("MLFLOW_TRACKING_USERNAME", ""), env.get("MLFLOW_TRACKING_PASSWORD", "")
    if user and password:
        return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}
    return {}


def http_fetcher(base: str, *, timeout: float = TIMEOUT_SECONDS, env: Mapping[str, str] | None = None) -> Fetch:
    """GET or POST JSON to `base` + API; raises MlflowStoreError naming `base` on any failure to get JSON."""
    headers = {"Accept": "application/json", **auth_headers(settings.mlflow_credentials(env))}

    def fetch(endpoint: str, body: dict[str, Any] | None) -> Any:
        """One search: POST `body` as JSON, or GET when it is None; the parsed JSON answer."""
        url = f"{base}{API}/{endpoint}"
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(url, data=data, method="GET" if body is None else "POST",
                                         headers={**headers, **({"Content-Type": "application/json"} if data else {})})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                raw = response.read(MAX_BODY_BYTES + 1)
        except urllib.error.HTTPError as exc:
            hint = {404: "not an MLflow tracking server",
                    401: "the server wants credentials (set MLFLOW_TRACKING_TOKEN, or MLFLOW_TRACKING_USERNAME "
                         "and MLFLOW_TRACKING_PASSWORD)",
                    403: "the server refused these credentials"}.get(exc.code, "the server refused the search")
            raise MlflowStoreError(f"{hint} (HTTP {exc.code} on {API}/{endpoint.split('?')[0]})",
                                   source=base) from exc
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise MlflowStoreError(f"the server does not answer ({' '.join(str(reason).split())})",
                                   source=base) from exc
        if len(raw) > MAX_BODY_BYTES:
            raise MlflowStoreError(f"{endpoint} answered more than {MAX_BODY_BYTES >> 20} MiB", source=base)
        try:
            return json.loads(raw)
        except ValueError as exc:
            raise MlflowStoreError(f"not an MLflow tracking server ({API}/{endpoint.split('?')[0]} answered "
                                   "something that is not JSON)", source=base) from exc

    return fetch


def _all_pages(fetch: Fetch, endpoint: str, *, query: dict[str, Any] | None = None,
               body: dict[str, Any] | None = None, limit: int | None = None) -> tuple[list[dict[str, Any]], bool]:
    """Follow next_page_token; (items, truncated) with at most `limit` items."""
    items: list[dict[str, Any]] = []
    token = ""
    for _ in range(MAX_PAGES):
        if body is not None:
            page, token = parse_page(endpoint, fetch(endpoint, {**body, **({"page_token": token} if token else {})}))
        else:
            q = urllib.parse.urlencode({**(query or {}), **({"page_token": token} if token else {})})
            page, token = parse_page(endpoint, fetch(f"{endpoint}?{q}", None))
        items.extend(page)
        if limit is not None and len(items) >= limit:
            return items[:limit], bool(token) or len(items) > limit
        if not token:
            break
    return items, bool(token)


def read_rest_pages(fetch: Fetch, *, max_runs: int) -> RestPages:
    """The four searches, every page (runs up to `max_runs`); raises NotMlflowJson on a foreign answer."""
    experiments, _ = _all_pages(fetch, "experiments/search", body={"max_results": PAGE_MODELS,
                                                                   "view_type": "ACTIVE_ONLY"})
    ids = [str(e.get("experiment_id")) for e in experiments if "experiment_id" in e]
    runs, truncated = ([], False)
    if ids:
        runs, truncated = _all_pages(fetch, "runs/search", body={"experiment_ids": ids,
                                                                 "max_results": min(PAGE_RUNS, max_runs),
                                                                 "run_view_type": "ACTIVE_ONLY"},
                                     limit=max_runs)
    models, _ = _all_pages(fetch, "registered-models/search", query={"max_results": PAGE_MODELS})
    versions, _ = _all_pages(fetch, "model-versions/search", query={"max_results": PAGE_VERSIONS})
    return RestPages(tuple(experiments), tuple(runs), tuple(models), tuple(versions), truncated)


def read_rest_store(base: str, *, uri: str, max_runs: int, fetch: Fetch | None = None) -> StoreSnapshot:
    """Read a tracking server at `base` (scheme://host:port[/prefix]); places are named '<base> run ...'."""
    try:
        pages = read_rest_pages(fetch or http_fetcher(base), max_runs=max_runs)
        return parse_rest_pages(pages, Layout("rest", base), uri)
    except NotMlflowJson as exc:
        raise MlflowStoreError(f"not an MLflow tracking server ({exc})", source=uri) from exc
