"""Scan accuracy on real repositories: `scan` against hand labels (issue 17).

    python benchmarks/bench_scan_accuracy.py                 # every labels/*.json, table
    python benchmarks/bench_scan_accuracy.py --json          # the same figures as JSON
    python benchmarks/bench_scan_accuracy.py --mirror DIR --labels DIR
    python benchmarks/bench_scan_accuracy.py --misses        # also what to fix, criterion by criterion
    python benchmarks/bench_scan_accuracy.py --review-sheet FILE   # cited lines no reviewer has judged yet
    python benchmarks/bench_scan_accuracy.py --add-reviews FILE    # merge a reviewer's verdicts

Each label file (benchmarks/scan_corpus/labels/<owner>__<name>.json, see the corpus README) names a
public repository, the commit that was read, and an answer for every rubric criterion, written by
reading the tree before any scan ran. The repository itself is not committed here: it is read from
the local `fetch` mirror (<mirror>/<owner>+<name>/repo, a bare git directory), and the labelled
commit's tree is exported to a temporary folder with `git archive COMMIT | tar -x`. A repository whose
mirror or commit is not on this machine is skipped, and the table says so.

Two scopes: "covered" = criteria that some probe can answer (a non-empty `evidence:` list in the
rubric), "all" = every criterion. Criteria labelled "unknown" are left out of both. Per repository
and pooled over all of them (counts summed, then divided):

- precision: scan findings yes/partial whose label is yes/partial / all scan findings yes/partial
- recall: labelled yes/partial that the scan found yes/partial / all labelled yes/partial
- agreement: scan answer == label answer (no finding counts as "no") / labelled criteria
- evidence: for each criterion the scan got right (found yes/partial and labelled yes/partial), its
  first evidence line (the one the pre-filled answer cites first, "found in path:line") is at the
  practice when its path is one of the label's evidence paths for that criterion and its line is
  within 3 lines of a labelled line; a location without a line (a lock file, a runbook) is judged by
  its path. One line per finding, as the issue counted them. Also printed, "all lines": the same test
  over every evidence line the scan lists (up to 10 per criterion), where a correct line the labeller
  did not list counts as a miss. Wrong findings are already counted by precision.
- evidence (reviewed): the same first lines, each judged by a blind reviewer who read it in its file
  (benchmarks/_evidence_review.py: the reviewer never saw the labels, the scan's reason, or whether
  the line matched): at the practice when the verdict is "practice". A line not yet reviewed falls
  back to the label match, and the table says how many did. Printed beside: how often the reviewer
  called "practice" a line that matched a label and one that did not, so a reader sees how far the
  two measures agree.
- evidence (review, claim shown): the same, except that a first line of a `partial` answer is judged
  by a second blind pass that is told the scan claims part of the practice (`--claimed`): the first
  reviewer judged every line against the whole practice, which a `partial` answer does not claim.

Goals, printed beside: precision >= 0.90, recall >= 0.75, evidence >= 0.80.
Exit 0 once it has measured (whatever the figures), 2 if a label file is invalid (one line naming
the file and the field), 1 if nothing could be measured.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

import _evidence_review as review  # benchmarks/ is on sys.path when a benchmark runs

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_LABELS = ROOT / "benchmarks" / "scan_corpus" / "labels"
DEFAULT_MIRROR = Path("/work/.mirror")
AGREEMENT = ROOT / "benchmarks" / "scan_corpus" / "review_agreement.json"  # a second reviewer on a sample
AGREEMENT_CLAIMED = ROOT / "benchmarks" / "scan_corpus" / "review_agreement_claimed.json"  # the same, claim shown
RUBRIC = ROOT / "rubrics" / "mlops-maturity.yaml"
ANSWERS = ("yes", "partial", "no", "unknown")
FOUND = ("yes", "partial")
GOALS = {"precision": 0.90, "recall": 0.75, "evidence": 0.80}
LINE_SLACK = 3
EVIDENCE_MEASURES = {"evidence": "evidence (labels' lines)", "evidence_reviewed": "evidence (blind review)",
                     "evidence_claimed": "evidence (review, claim shown)"}
HEX40 = re.compile(r"^[0-9a-f]{40}$")


class LabelError(Exception):
    pass


def rubric_criteria(path: Path = RUBRIC) -> tuple[list[str], set[str]]:
    """All criterion ids in rubric order, and those with a non-empty `evidence:` list."""
    rubric = yaml.safe_load(path.read_text())
    ids, covered = [], set()
    for dim in rubric["dimensions"]:
        for level in dim["levels"]:
            for crit in level["criteria"]:
                ids.append(crit["id"])
                if crit.get("evidence"):
                    covered.add(crit["id"])
    return ids, covered


def criterion_texts(path: Path = RUBRIC) -> dict[str, str]:
    """Criterion id -> its text and guidance, what a reviewer judges a line against."""
    rubric = yaml.safe_load(path.read_text())
    return {crit["id"]: " ".join(filter(None, (crit.get("text"), crit.get("guidance"))))
            for dim in rubric["dimensions"] for level in dim["levels"] for crit in level["criteria"]}


def parse_location(text: str) -> tuple[str, int]:
    path, sep, line = str(text).rpartition(":")
    if not sep or not path or not line.isdigit() or int(line) < 1:
        raise ValueError(text)
    return path, int(line)


def load_label(file: Path, ids: list[str]) -> dict:
    """Read and check one label file; raise LabelError('<field>: <why>') on the first problem."""
    try:
        data = json.loads(file.read_text())
    except (OSError, ValueError) as err:
        raise LabelError(f"(file): not readable JSON ({err})") from None
    if not isinstance(data, dict):
        raise LabelError("(file): not a JSON object")
    repo = data.get("repo")
    if not isinstance(repo, str) or repo.count("/") != 1:
        raise LabelError("repo: must be 'owner/name'")
    if not isinstance(data.get("commit"), str) or not HEX40.match(data["commit"]):
        raise LabelError("commit: must be 40 lower-case hex digits")
    if not isinstance(data.get("level"), int) or not 0 <= data["level"] <= 4:
        raise LabelError("level: must be an integer 0-4")
    labels = data.get("labels")
    if not isinstance(labels, dict):
        raise LabelError("labels: must be an object keyed by criterion id")
    for cid in ids:
        if cid not in labels:
            raise LabelError(f"labels.{cid}: missing")
    for cid, label in labels.items():
        if cid not in ids:
            raise LabelError(f"labels.{cid}: not a criterion of the rubric")
        if not isinstance(label, dict) or label.get("answer") not in ANSWERS:
            raise LabelError(f"labels.{cid}.answer: must be one of {', '.join(ANSWERS)}")
        evidence = label.get("evidence", [])
        if not isinstance(evidence, list):
            raise LabelError(f"labels.{cid}.evidence: must be a list of 'path:line'")
        for item in evidence:
            try:
                parse_location(item)
            except ValueError:
                raise LabelError(f"labels.{cid}.evidence: {item!r} is not 'path:line'") from None
        if label["answer"] in FOUND and not evidence:
            raise LabelError(f"labels.{cid}.evidence: a {label['answer']} answer needs at least one 'path:line'")
    return data


def mirror_dir(mirror: Path, repo: str) -> Path | None:
    owner, name = repo.split("/")
    for candidate in (mirror / f"{owner}+{name}" / "repo", mirror / f"{owner}+{name}", mirror / f"{owner}__{name}"):
        if (candidate / "HEAD").is_file() and (candidate / "objects").is_dir():
            return candidate
    return None


def export_tree(git_dir: Path, commit: str, dest: Path) -> int:
    """Write the commit's tree into `dest`; return how many files the mirror lacks (left out).

    `git archive COMMIT | tar -x` first; a snapshot can lack its largest blobs (fetch leaves out files
    of 4 MiB and more), and then git archive fails, so fall back to writing each blob that is there.
    """
    archive = subprocess.Popen(["git", "--git-dir", str(git_dir), "archive", commit],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    untar = subprocess.run(["tar", "-x", "-C", str(dest)], stdin=archive.stdout, capture_output=True, check=False)
    archive.stdout.close()
    if archive.wait() == 0 and untar.returncode == 0:
        return 0
    listing = subprocess.run(["git", "--git-dir", str(git_dir), "ls-tree", "-r", "-z", commit],
                             capture_output=True, check=True).stdout.split(b"\0")
    entries = []
    for entry in filter(None, listing):
        meta, path = entry.split(b"\t", 1)
        mode, kind, sha = meta.split()
        if kind == b"blob" and mode != b"120000":  # no symlinks: a link could point out of the folder
            entries.append((sha.decode(), path.decode(errors="surrogateescape")))
    batch = subprocess.run(["git", "--git-dir", str(git_dir), "cat-file", "--batch"],
                           input=b"".join(f"{sha}\n".encode() for sha, _ in entries), capture_output=True,
                           check=True).stdout
    missing, pos = 0, 0
    for _sha, path in entries:
        header_end = batch.index(b"\n", pos)
        header = batch[pos:header_end].split()
        pos = header_end + 1
        if len(header) < 3 or header[1] == b"missing":
            missing += 1
            continue
        size = int(header[2])
        target = dest / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(batch[pos:pos + size])
        pos += size + 1
    return missing


def relative(path: str | Path, tree: Path) -> str:
    """A scan location as a repository-relative POSIX path, like the labels'."""
    candidate = Path(path)
    if candidate.is_absolute():
        try:
            candidate = candidate.resolve().relative_to(tree.resolve())
        except ValueError:
            pass
    text = candidate.as_posix()
    return text.removeprefix("./")


def scan_answers(tree: Path) -> tuple[dict[str, tuple[str, list[tuple[str, int | None]]]], dict]:
    """criterion -> (answer, evidence locations) from the scan's public API, plus run facts (and, under
    "details", criterion -> (probe, first location's detail) for --misses)."""
    from mlops_workbook.scan import scan

    result = scan(tree)
    rank = {"no": 0, "partial": 1, "yes": 2}
    out: dict[str, tuple[str, list[tuple[str, int | None]]]] = {}
    details: dict[str, tuple[str, str]] = {}
    for finding in result.findings:
        if finding.evidence:
            details.setdefault(finding.criterion, (finding.probe, finding.evidence[0].detail))
        answer = getattr(finding.answer, "value", finding.answer)
        answer = str(answer).lower()
        answer = answer if answer in rank else "no"
        locations = [(relative(loc.path, tree), loc.line) for loc in finding.evidence]
        if finding.criterion in out:  # several findings for one criterion: keep the strongest, pool the evidence
            old_answer, old_locations = out[finding.criterion]
            answer = answer if rank[answer] >= rank[old_answer] else old_answer
            locations = old_locations + locations
        out[finding.criterion] = (answer, locations)
    return out, {"files_scanned": result.files_scanned, "seconds": round(result.seconds, 2), "details": details}


def empty_counts() -> dict:
    return {"found": 0, "found_right": 0, "labelled": 0, "labelled_found": 0, "judged": 0, "agree": 0,
            "ev_lines": 0, "ev_hits": 0, "ev_all_lines": 0, "ev_all_hits": 0,
            "ev_reviewed_hits": 0, "ev_unreviewed": 0, "ev_claimed_hits": 0, "ev_claimed_unreviewed": 0,
            "rev_matched": 0, "rev_matched_practice": 0, "rev_unmatched": 0, "rev_unmatched_practice": 0}


def first_lines(labels: dict, found: dict, scope: set[str]) -> dict[str, tuple[str, int | None]]:
    """The first evidence line of each right finding (labelled and found yes/partial), by criterion."""
    return {cid: found[cid][1][0] for cid in scope
            if labels[cid]["answer"] in FOUND and cid in found and found[cid][0] in FOUND and found[cid][1]}


def review_counts(counts: dict, cid: str, location: tuple[str, int | None], hit: bool, claim: str,
                  verdicts: dict[str, review.Verdict], claimed: dict[str, review.Verdict]) -> None:
    """Count one first line under the reviewed measures, and how the label match and the first review agree."""
    at_practice = review.practice(cid, location, claim, verdicts, claimed)
    counts["ev_claimed_unreviewed"] += at_practice is None
    counts["ev_claimed_hits"] += hit if at_practice is None else at_practice
    verdict = verdicts.get(review.key(cid, *location))
    if verdict is None:
        counts["ev_unreviewed"] += 1
        counts["ev_reviewed_hits"] += hit
        return
    practice = verdict.verdict == "practice"
    counts["ev_reviewed_hits"] += practice
    side = "rev_matched" if hit else "rev_unmatched"
    counts[side] += 1
    counts[f"{side}_practice"] += practice


def compare(labels: dict, found: dict, scope: set[str], verdicts: dict[str, review.Verdict] | None = None,
            claimed: dict[str, review.Verdict] | None = None) -> dict:
    counts = empty_counts()
    for cid in scope:
        label = labels[cid]
        if label["answer"] == "unknown":
            continue
        scan_answer, locations = found.get(cid, ("no", []))
        counts["judged"] += 1
        counts["agree"] += scan_answer == label["answer"]
        labelled = label["answer"] in FOUND
        if scan_answer in FOUND:
            counts["found"] += 1
            counts["found_right"] += labelled
        if labelled:
            counts["labelled"] += 1
            counts["labelled_found"] += scan_answer in FOUND
            if scan_answer in FOUND:
                wanted = [parse_location(item) for item in label["evidence"]]
                for n, (path, line) in enumerate(locations):
                    hit = any(path == want_path and (line is None or abs(line - want_line) <= LINE_SLACK)
                              for want_path, want_line in wanted)
                    counts["ev_all_lines"] += 1
                    counts["ev_all_hits"] += hit
                    if n == 0:
                        counts["ev_lines"] += 1
                        counts["ev_hits"] += hit
                        review_counts(counts, cid, (path, line), hit, scan_answer, verdicts or {}, claimed or {})
    return counts


def misses(labels: dict, found: dict, details: dict, scope: set[str]) -> list[str]:
    """What to fix, one line each: right answers whose first evidence line is not at the practice
    (the scan's line beside the label's), practices the scan did not find (the label's evidence), and
    findings the label says are not there."""
    out = []
    for cid in sorted(scope):
        label = labels[cid]
        if label["answer"] == "unknown":
            continue
        scan_answer, locations = found.get(cid, ("no", []))
        labelled = label["answer"] in FOUND
        want = ", ".join(label.get("evidence", []))
        probe, detail = details.get(cid, ("", ""))
        if labelled and scan_answer in FOUND and locations:
            path, line = locations[0]
            wanted = [parse_location(item) for item in label["evidence"]]
            if not any(path == p and (line is None or abs(line - n) <= LINE_SLACK) for p, n in wanted):
                out.append(f"  CITED  {cid} [{probe}] scan {path}:{line} ({detail[:70]}) | label {want}")
        elif labelled and scan_answer not in FOUND:
            out.append(f"  MISSED {cid} ({label['answer']}) label {want} | {label.get('note', '')[:110]}")
        elif not labelled and scan_answer in FOUND:
            first = f"{locations[0][0]}:{locations[0][1]}" if locations else ""
            out.append(f"  WRONG  {cid} [{probe}] scan {scan_answer} at {first} ({detail[:60]}) | label no: "
                       f"{label.get('note', '')[:80]}")
    return out


def ratio(num: int, den: int) -> float | None:
    return round(num / den, 3) if den else None


def metrics(counts: dict) -> dict:
    return {
        "precision": ratio(counts["found_right"], counts["found"]),
        "recall": ratio(counts["labelled_found"], counts["labelled"]),
        "agreement": ratio(counts["agree"], counts["judged"]),
        "evidence": ratio(counts["ev_hits"], counts["ev_lines"]),
        "evidence_all_lines": ratio(counts["ev_all_hits"], counts["ev_all_lines"]),
        "evidence_reviewed": ratio(counts["ev_reviewed_hits"], counts["ev_lines"]),
        "evidence_claimed": ratio(counts["ev_claimed_hits"], counts["ev_lines"]),
        "reviewer_practice_when_matched": ratio(counts["rev_matched_practice"], counts["rev_matched"]),
        "reviewer_practice_when_unmatched": ratio(counts["rev_unmatched_practice"], counts["rev_unmatched"]),
        **counts,
    }


def add(total: dict, counts: dict) -> None:
    for key, value in counts.items():
        total[key] += value


def fmt(value: float | None) -> str:
    return "  -  " if value is None else f"{value:.2f}"


def print_table(rows: list[dict], overall: dict, skipped: list[dict], agreed: review.Agreement | None = None,
                agreed_claimed: review.Agreement | None = None) -> None:
    head = (f"{'repository':<52} {'lvl':>3} | {'covered: P':>10} {'R':>5} {'agree':>5} {'evid':>5} {'rev':>5} {'claim':>5} |"
            f" {'all: P':>6} {'R':>5} {'agree':>5}")
    print(head)
    print("-" * len(head))
    for row in rows + [overall]:
        c, a = row["covered"], row["all"]
        lvl = "" if row.get("level") is None else str(row["level"])
        print(f"{row['repo'][:52]:<52} {lvl:>3} | {fmt(c['precision']):>10} {fmt(c['recall']):>5} {fmt(c['agreement']):>5}"
              f" {fmt(c['evidence']):>5} {fmt(c['evidence_reviewed']):>5} {fmt(c['evidence_claimed']):>5} |"
              f" {fmt(a['precision']):>6}"
              f" {fmt(a['recall']):>5} {fmt(a['agreement']):>5}")
    print()
    c = overall["covered"]
    for name, goal in GOALS.items():
        for measure in EVIDENCE_MEASURES if name == "evidence" else (name,):
            value = c[measure]
            verdict = "n/a" if value is None else ("meets" if value >= goal else "below")
            label = EVIDENCE_MEASURES.get(measure, name)
            print(f"goal {label:<30} >= {goal:.2f}: overall (covered) {fmt(value)}  {verdict}")
    print(f"overall counts (covered): {c['found']} scan yes/partial, {c['found_right']} right; "
          f"{c['labelled']} labelled yes/partial, {c['labelled_found']} found; "
          f"{c['agree']}/{c['judged']} exact; {c['ev_hits']}/{c['ev_lines']} cited evidence lines at the practice "
          f"({c['ev_all_hits']}/{c['ev_all_lines']} of all listed lines)")
    print(f"blind review: {c['ev_reviewed_hits']}/{c['ev_lines']} first lines at the practice, "
          f"{c['ev_unreviewed']} not yet reviewed (judged by the label match); the reviewer called 'practice' "
          f"{c['rev_matched_practice']}/{c['rev_matched']} lines that matched a label and "
          f"{c['rev_unmatched_practice']}/{c['rev_unmatched']} that did not")
    print(f"blind review, claim shown: {c['ev_claimed_hits']}/{c['ev_lines']} first lines at the practice, "
          f"{c['ev_claimed_unreviewed']} not yet reviewed (judged by the label match)")
    for name, pair in (("", agreed), (", claim shown,", agreed_claimed)):
        if pair is not None:
            print(f"second blind reviewer{name} on {pair.lines} of these lines: same verdict {pair.same_verdict}/{pair.lines}, "
                  f"same practice / not practice {pair.same_practice}/{pair.lines} (Cohen's kappa {pair.kappa})")
    for row in rows:
        if row.get("files_missing_from_mirror"):
            print(f"note {row['repo']}: {row['files_missing_from_mirror']} file(s) absent from the mirror "
                  f"(fetch leaves out blobs of 4 MiB and more); scanned without them")
    for skip in skipped:
        print(f"skipped {skip['repo']}: {skip['reason']}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--labels", type=Path, default=DEFAULT_LABELS, help="folder of <owner>__<name>.json label files")
    parser.add_argument("--mirror", type=Path, default=DEFAULT_MIRROR, help="folder of fetch mirrors (<owner>+<name>/repo)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--misses", action="store_true",
                        help="also print, per repository, badly cited, missed and wrong findings (all criteria)")
    parser.add_argument("--review-sheet", type=Path, metavar="FILE",
                        help="write the first evidence lines no reviewer has judged yet (JSON, blind) and exit")
    parser.add_argument("--add-reviews", type=Path, metavar="FILE",
                        help="merge a reviewer's verdicts (JSON list of {id, verdict, why, by}) and exit")
    parser.add_argument("--claimed", action="store_true",
                        help="with --review-sheet / --add-reviews: the claim-shown pass over `partial` answers' lines")
    args = parser.parse_args(argv)

    ids, covered = rubric_criteria()
    files = sorted(args.labels.glob("*.json"))
    labelled, verdicts, claimed_verdicts = [], {}, {}
    for file in files:
        try:
            labelled.append(load_label(file, ids))
        except LabelError as err:
            print(f"invalid label file {file.name}: {err}", file=sys.stderr)
            return 2
        data = labelled[-1]
        for store, claimed in ((verdicts, False), (claimed_verdicts, True)):
            file = review.review_file(args.labels, data["repo"], claimed)
            try:
                store[data["repo"]] = review.load(file, data["commit"])
            except review.ReviewError as err:
                print(f"invalid review file {file.parent.name}/{file.name}: {err}", file=sys.stderr)
                return 2
    if args.add_reviews:
        try:
            added = review.add_verdicts(args.labels, {d["repo"]: d["commit"] for d in labelled}, args.add_reviews,
                                        args.claimed)
        except review.ReviewError as err:
            print(err, file=sys.stderr)
            return 2
        print(f"{added} verdict(s) merged into {review.review_dir(args.labels, args.claimed)}")
        return 0
    sheet: list[dict] = []
    texts = criterion_texts()

    rows, skipped = [], []
    totals = {"covered": empty_counts(), "all": empty_counts()}
    for data in labelled:
        repo, commit = data["repo"], data["commit"]
        git_dir = mirror_dir(args.mirror, repo)
        if git_dir is None:
            skipped.append({"repo": repo, "reason": f"no mirror under {args.mirror}"})
            continue
        has_commit = subprocess.run(["git", "--git-dir", str(git_dir), "cat-file", "-e", f"{commit}^{{commit}}"],
                                    capture_output=True, check=False).returncode == 0
        if not has_commit:
            skipped.append({"repo": repo, "reason": f"commit {commit[:12]} not in {git_dir}"})
            continue
        with tempfile.TemporaryDirectory(prefix="scan-accuracy-") as tmp:
            try:
                missing = export_tree(git_dir, commit, Path(tmp))
                found, facts = scan_answers(Path(tmp))
                facts["files_missing_from_mirror"] = missing
                if args.review_sheet and args.claimed:
                    sheet += review.claimed_sheet_items(repo, commit, Path(tmp), first_lines(data["labels"], found, covered),
                                                        {cid: answer for cid, (answer, _) in found.items()},
                                                        claimed_verdicts[repo], texts)
                elif args.review_sheet:
                    sheet += review.sheet_items(repo, commit, Path(tmp), first_lines(data["labels"], found, covered),
                                                verdicts[repo], texts)
            except Exception as err:  # noqa: BLE001 - one broken repository must not hide the others' figures
                skipped.append({"repo": repo, "reason": f"{type(err).__name__}: {err}"})
                continue
        details = facts.pop("details")
        row = {"repo": repo, "commit": commit, "level": data["level"], **facts}
        if args.misses:
            row["misses"] = misses(data["labels"], found, details, set(ids))
        for scope_name, scope in (("covered", covered), ("all", set(ids))):
            counts = compare(data["labels"], found, scope, verdicts[repo], claimed_verdicts[repo])
            add(totals[scope_name], counts)
            row[scope_name] = metrics(counts)
        rows.append(row)

    if args.review_sheet:
        args.review_sheet.write_text(json.dumps(sheet, indent=1, ensure_ascii=False) + "\n")
        print(f"{len(sheet)} line(s) to review written to {args.review_sheet}")
        return 0 if rows else 1
    overall = {"repo": f"OVERALL ({len(rows)} repositories)", "level": None,
               "covered": metrics(totals["covered"]), "all": metrics(totals["all"])}
    if args.json:
        print(json.dumps({"goals": GOALS, "line_slack": LINE_SLACK, "covered_criteria": len(covered),
                          "criteria": len(ids), "repositories": rows, "overall": overall, "skipped": skipped}, indent=1))
    else:
        first = {f"{repo}#{name}": verdict for repo, lines in verdicts.items() for name, verdict in lines.items()}
        shown = {f"{repo}#{name}": verdict for repo, lines in claimed_verdicts.items() for name, verdict in lines.items()}
        print_table(rows, overall, skipped, review.agreement(AGREEMENT, first), review.agreement(AGREEMENT_CLAIMED, shown))
        for row in rows if args.misses else ():
            print(f"\n{row['repo']}")
            print("\n".join(row["misses"]))
    return 0 if rows else 1


if __name__ == "__main__":
    sys.exit(main())
