"""The scan-accuracy benchmark's blind evidence review: its files stay valid and its measure counts
what it says (a verdict where there is one, the label match where there is none)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

import _evidence_review as review  # noqa: E402
import bench_scan_accuracy as bench  # noqa: E402

CORPUS = ROOT / "benchmarks" / "scan_corpus"
CORPORA = sorted({CORPUS / "labels", *CORPUS.glob("*/labels")})  # the corpus and each holdout set


@pytest.mark.parametrize("labels", CORPORA, ids=[str(c.parent.relative_to(CORPUS)) for c in CORPORA])
def test_every_committed_review_names_its_labelled_commit_and_a_criterion(labels):
    ids, _covered = bench.rubric_criteria()
    commits = {}
    for file in labels.glob("*.json"):
        data = bench.load_label(file, ids)
        commits[data["repo"]] = data["commit"]
    for file in [*review.review_dir(labels).glob("*.json"), *review.review_dir(labels, claimed=True).glob("*.json")]:
        repo = json.loads(file.read_text())["repo"]
        assert repo in commits, f"{file.name}: reviews a repository without labels"
        verdicts = review.load(file, commits[repo])
        for name in verdicts:
            assert name.split("@")[0] in ids, f"{file.name}: {name} names no criterion"


def _labels(tmp_path: Path) -> Path:
    labels = tmp_path / "labels"
    labels.mkdir()
    return labels


def test_a_reviewers_verdicts_are_merged_by_repository_and_line(tmp_path):
    labels = _labels(tmp_path)
    incoming = tmp_path / "verdicts.json"
    incoming.write_text(json.dumps([
        {"id": "o/r#c-1@ci.yml:4", "verdict": "practice", "why": "runs pytest", "by": "R"},
        {"id": "o/r#c-2@req.txt:1", "verdict": "near", "why": "a dependency", "by": "R"},
    ]))
    assert review.add_verdicts(labels, {"o/r": "a" * 40}, incoming) == 2
    verdicts = review.load(review.review_file(labels, "o/r"), "a" * 40)
    assert verdicts[review.key("c-1", "ci.yml", 4)].verdict == "practice"
    assert verdicts[review.key("c-2", "req.txt", 1)].verdict == "near"


@pytest.mark.parametrize("entry, field", [
    ({"id": "o/r#c@f:1", "verdict": "maybe", "by": "R"}, "[0].verdict"),
    ({"id": "x/y#c@f:1", "verdict": "near", "by": "R"}, "[0].id"),
    ({"id": "o/r#c@f:1", "verdict": "near"}, "[0].by"),
])
def test_a_bad_verdict_is_one_line_naming_the_file_and_the_field(tmp_path, entry, field):
    incoming = tmp_path / "verdicts.json"
    incoming.write_text(json.dumps([entry]))
    with pytest.raises(review.ReviewError) as err:
        review.add_verdicts(_labels(tmp_path), {"o/r": "a" * 40}, incoming)
    assert str(incoming) in str(err.value) and field in str(err.value) and "\n" not in str(err.value)


def test_a_review_of_another_commit_is_refused(tmp_path):
    labels = _labels(tmp_path)
    incoming = tmp_path / "verdicts.json"
    incoming.write_text(json.dumps([{"id": "o/r#c@f:1", "verdict": "near", "by": "R"}]))
    review.add_verdicts(labels, {"o/r": "a" * 40}, incoming)
    with pytest.raises(review.ReviewError, match="commit"):
        review.load(review.review_file(labels, "o/r"), "b" * 40)


def test_the_sheet_is_blind_and_leaves_out_what_was_judged(tmp_path):
    (tmp_path / "train.py").write_text("\n".join(f"line {n}" for n in range(1, 21)))
    cited = {"c-1": ("train.py", 10), "c-2": ("train.py", 3)}
    judged = {review.key("c-2", "train.py", 3): review.Verdict("practice", "", "R")}
    items = review.sheet_items("o/r", "a" * 40, tmp_path, cited, judged, {"c-1": "Training code is versioned."})
    assert [item["criterion"] for item in items] == ["c-1"]
    assert set(items[0]) == {"id", "repo", "commit", "criterion", "criterion_text", "path", "line", "context"}
    assert "> " in items[0]["context"] and "line 10" in items[0]["context"] and "line 17" not in items[0]["context"]


def test_the_reviewed_measure_uses_a_verdict_where_there_is_one_and_the_label_match_elsewhere():
    labels = {"c-1": {"answer": "yes", "evidence": ["ci.yml:4"]}, "c-2": {"answer": "partial", "evidence": ["a.py:1"]},
              "c-3": {"answer": "yes", "evidence": ["b.py:9"]}}
    found = {"c-1": ("yes", [("ci.yml", 4)]), "c-2": ("yes", [("other.py", 50)]), "c-3": ("partial", [("b.py", 9)])}
    verdicts = {review.key("c-1", "ci.yml", 4): review.Verdict("near", "", "R"),
                review.key("c-2", "other.py", 50): review.Verdict("practice", "", "R")}
    counts = bench.metrics(bench.compare(labels, found, set(labels), verdicts))
    assert counts["evidence"] == pytest.approx(2 / 3, abs=1e-3)  # label match: c-1 and c-3
    assert counts["evidence_reviewed"] == pytest.approx(2 / 3, abs=1e-3)  # c-2 and c-3 (unreviewed, label match)
    assert counts["ev_unreviewed"] == 1
    assert counts["reviewer_practice_when_matched"] == 0.0 and counts["reviewer_practice_when_unmatched"] == 1.0


def test_a_second_reviewers_agreement_is_counted_on_the_lines_both_judged(tmp_path):
    second = tmp_path / "agreement.json"
    second.write_text(json.dumps({"lines": [
        {"id": "o/r#a@f:1", "verdict": "practice"}, {"id": "o/r#b@f:2", "verdict": "near"},
        {"id": "o/r#c@f:3", "verdict": "unsupported"}, {"id": "o/r#d@f:4", "verdict": "near"},
        {"id": "x/y#z@f:1", "verdict": "near"}]}))
    first = {f"o/r#{c}@f:{n}": review.Verdict(v, "", "R") for c, n, v in
             (("a", 1, "practice"), ("b", 2, "practice"), ("c", 3, "near"), ("d", 4, "near"))}
    agreed = review.agreement(second, first)
    assert (agreed.lines, agreed.same_verdict, agreed.same_practice) == (4, 2, 3)
    assert agreed.kappa == pytest.approx(0.5)  # observed 0.75, chance 0.5


def test_a_claim_shown_verdict_decides_a_partial_line_and_a_yes_line_keeps_the_first_verdict():
    labels = {c: {"answer": "partial", "evidence": ["x.py:1"]} for c in ("c-1", "c-2", "c-3", "c-4")}
    found = {"c-1": ("partial", [("ci.yml", 4)]), "c-2": ("yes", [("ci.yml", 8)]),
             "c-3": ("partial", [("a.py", 2)]), "c-4": ("partial", [("x.py", 1)])}
    first = {review.key("c-1", "ci.yml", 4): review.Verdict("near", "", "R"),
             review.key("c-2", "ci.yml", 8): review.Verdict("near", "", "R"),
             review.key("c-3", "a.py", 2): review.Verdict("practice", "", "R")}
    claimed = {review.key("c-1", "ci.yml", 4, "partial"): review.Verdict("practice", "", "R9"),
               review.key("c-2", "ci.yml", 8, "yes"): review.Verdict("practice", "", "R9"),  # no such pass for yes
               review.key("c-3", "a.py", 2, "partial"): review.Verdict("near", "", "R9")}
    counts = bench.metrics(bench.compare(labels, found, set(labels), first, claimed))
    assert counts["evidence_reviewed"] == pytest.approx(2 / 4)  # c-3, and c-4 by its label match
    assert counts["ev_claimed_hits"] == 2  # c-1 (claim shown), c-4 (label match); c-2 keeps "near", c-3 turns "near"
    assert counts["ev_claimed_unreviewed"] == 1


def test_the_claim_shown_sheet_lists_partial_answers_only_with_their_claim_and_no_first_verdict(tmp_path):
    (tmp_path / "ci.yml").write_text("\n".join(f"step {n}" for n in range(1, 21)))
    cited = {"c-1": ("ci.yml", 10), "c-2": ("ci.yml", 3), "c-3": ("ci.yml", 5)}
    answers = {"c-1": "partial", "c-2": "yes", "c-3": "partial"}
    judged = {review.key("c-3", "ci.yml", 5, "partial"): review.Verdict("near", "", "R9")}
    items = review.claimed_sheet_items("o/r", "a" * 40, tmp_path, cited, answers, judged, {})
    assert [item["criterion"] for item in items] == ["c-1"]
    assert items[0]["claimed"] == "partial" and "part of the practice" in items[0]["claim_text"]
    assert items[0]["id"] == "o/r#" + review.key("c-1", "ci.yml", 10, "partial")
    assert not {"verdict", "why", "label", "reason"} & set(items[0])


def test_claim_shown_verdicts_are_merged_apart_from_the_first_ones(tmp_path):
    labels = _labels(tmp_path)
    incoming = tmp_path / "verdicts.json"
    name = review.key("c-1", "ci.yml", 4, "partial")
    incoming.write_text(json.dumps([{"id": f"o/r#{name}", "verdict": "practice", "why": "", "by": "R9"}]))
    assert review.add_verdicts(labels, {"o/r": "a" * 40}, incoming, claimed=True) == 1
    assert not review.review_file(labels, "o/r").exists()
    assert review.load(review.review_file(labels, "o/r", claimed=True), "a" * 40)[name].verdict == "practice"
