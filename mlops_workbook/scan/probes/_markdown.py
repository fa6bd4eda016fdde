"""Markdown and reStructuredText read as documents: headings, list items and prose lines, with the
section each sits in, outside code blocks.

Why: the documentation criteria (model documentation, feature documentation, the standard workflow)
are judged by what a section says, not by one word in a heading. A heading "Model Deployment" is
about deploying; a README whose first paragraph says what the model predicts and what data it was
trained on documents the model, even under the heading "Introduction". The probes that read docs
share this one reader so they agree on what a heading, a list and a code block are.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import takewhile

from ..collector import RawResults
from ..findings import Location

DOC_SUFFIXES = (".md", ".markdown", ".rst")

# A fence at any indentation: inside a list item a code block is indented with the item's text (CommonMark
# counts its indentation from the item), and a fence missed there leaves the rest of the document "in code".
_FENCE = re.compile(r"^[ \t]*(```|~~~)")
_ATX = re.compile(r"^[ \t]{0,3}(#{1,6})[ \t]+(.*?)[ \t#]*$")
_ITEM = re.compile(r"^[ \t]*(?:[-*+]|(\d{1,3}[.)]))[ \t]+(\S.*)$")
_RST_UNDERLINE = re.compile(r"^([=\-~^\"'`#*+])\1{2,}[ \t]*$")
_TABLE_RULE = re.compile(r"^[ \t]*\|?[ \t]*:?-{3,}")
_RST_DIRECTIVE = re.compile(r"^\.\.[ \t]+(?:code|code-block|sourcecode)::")
# "Code: https://..." or a bare link: a pointer to where the content is, not the content.
_LINK_ONLY = re.compile(r"^[\w ]{0,20}:?\s*(?:<?https?://\S+>?|\[[^\]]*\]\([^)]*\))\s*$")


@dataclass(frozen=True)
class Block:
    """One line of a document that says something: a heading, a list item, a table row or prose."""

    path: str
    line: int  # 1-based
    kind: str  # "heading", "item" (a bullet), "step" (a numbered item), "row" or "text"
    text: str
    section: int  # the line of the heading this block sits under (0: before any heading)
    level: int = 0  # a Markdown heading's level (1-6); 0 for other blocks and reStructuredText titles


def docs(raw: RawResults) -> list[str]:
    """Every Markdown / reStructuredText file the scan collected, by path."""
    return [f.path for f in raw.with_suffix(*DOC_SUFFIXES)]


def blocks(raw: RawResults, path: str) -> list[Block]:
    """The document's lines that carry text, outside fenced (Markdown) and literal (rst) code blocks;
    a reStructuredText title (a line over a row of `===`) is a heading like a Markdown `#`. Parsed once
    per scan, however many probes read the document."""
    return list(raw.derived(_blocks, path))


def _blocks(raw: RawResults, path: str) -> tuple[Block, ...]:
    lines = raw.text(path).split("\n")
    code = document_fences(raw, path)
    out: list[Block] = []
    literal_indent, section = -1, 0
    for number, line in enumerate(lines, start=1):
        stripped = line.strip()
        if number in code:
            continue
        if literal_indent >= 0:  # an rst literal block: indented lines after `::`
            if not stripped or len(line) - len(line.lstrip()) > literal_indent:
                continue
            literal_indent = -1
        if not stripped:
            continue
        if path.endswith(".rst") and (stripped.endswith("::") or _RST_DIRECTIVE.match(stripped)):
            literal_indent = len(line) - len(line.lstrip())
            if _RST_DIRECTIVE.match(stripped):
                continue
        following = lines[number] if number < len(lines) else ""
        heading = _ATX.match(line)
        if heading or (_RST_UNDERLINE.match(following.strip()) and not _RST_UNDERLINE.match(stripped)
                       and len(following.strip()) >= len(stripped) - 2):
            section = number
            out.append(Block(path, number, "heading", heading.group(2) if heading else stripped, section,
                             len(heading.group(1)) if heading else 0))
        elif _RST_UNDERLINE.match(stripped) or _TABLE_RULE.match(stripped):
            continue
        elif stripped.startswith("|"):
            out.append(Block(path, number, "row", stripped, section))
        elif item := _ITEM.match(line):
            out.append(Block(path, number, "step" if item.group(1) else "item", item.group(2), section))
        elif not stripped.startswith(("<", "![", "[![")):  # HTML, images and badges say nothing
            out.append(Block(path, number, "text", stripped, section))
    return tuple(out)


def fenced_rows(lines: list[str]) -> set[int]:
    """The 1-based rows of a document's fenced code blocks, fences included."""
    rows: set[int] = set()
    marker = ""
    for number, line in enumerate(lines, start=1):
        fence = _FENCE.match(line)
        if marker or fence:
            rows.add(number)
        if fence and (not marker or fence.group(1) == marker):
            marker = "" if marker else fence.group(1)
    return rows


def outside_code_blocks(raw: RawResults, locations: Iterable[Location]) -> list[Location]:
    """The locations that are not inside a fenced code block: a `# Rollback` comment in a shell example
    is no heading."""
    return [loc for loc in locations if loc.line is None or loc.line not in document_fences(raw, loc.path)]


def document_fences(raw: RawResults, path: str) -> frozenset[int]:
    """`fenced_rows` of a collected document, computed once per scan."""
    return raw.derived(_document_fences, path)


def _document_fences(raw: RawResults, path: str) -> frozenset[int]:
    return frozenset(fenced_rows(raw.text(path).split("\n")))


def sections(document: list[Block]) -> dict[int, list[Block]]:
    """Heading line -> the blocks under it, down to the next heading (0: the document's opening)."""
    out: dict[int, list[Block]] = {}
    for block in document:
        out.setdefault(block.section, []).append(block)
    return out


def heading_text(document: list[Block], section: int) -> str:
    return next((b.text for b in document if b.line == section and b.kind == "heading"), "")


def under_heading(raw: RawResults, path: str, line: int, kinds: tuple[str, ...] = ("item", "step", "row", "text")) -> int:
    """For a heading line, the first line under it that says something (prose, a bullet, a step, a table
    row; only `kinds`), in its section or, when that is empty, its first subsection; any other line, or a
    heading with nothing of `kinds` there, is returned as is.
    Why: a heading names a practice, the text under it documents it; the issue counts a heading as
    evidence next to the practice, not at it. "### Serving" followed at once by "#### From Python" is
    documented in the subsection."""
    document = blocks(raw, path)
    start = next((n for n, b in enumerate(document) if b.line == line and b.kind == "heading"), None)
    if start is None:
        return line
    rest = document[start + 1:]
    own = list(takewhile(lambda b: b.kind != "heading", rest))
    if not own and rest and document[start].level and rest[0].level > document[start].level:
        own = list(takewhile(lambda b: b.kind != "heading", rest[1:]))  # an empty section: its first subsection
    return next((b.line for b in own if b.kind in kinds and not link_only(b.text)), line)


def link_only(text: str) -> bool:
    """A line that only points elsewhere ("Code: https://...", "[Pull Request Process](#pr)"): a table of
    contents or a pointer, not the content."""
    return bool(_LINK_ONLY.match(text))
