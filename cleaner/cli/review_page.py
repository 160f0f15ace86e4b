"""The review page: a Review (cleaner/run/review.py) as one self-contained HTML file.

The page loads nothing: its style and script are inline, allowed by a Content Security
Policy that names their hashes and nothing else, so it works from a file:// URL or as a CI
artifact, and a script smuggled into the input could not run even if escaping failed. It
reads without JavaScript; the script adds the filter by rule and category.
"""

from __future__ import annotations

import base64
import hashlib
from collections import defaultdict
from dataclasses import dataclass
from html import escape
from importlib import resources
from string import Template

from cleaner.cli.review_lines import LineInfo, Names, attr, render_document
from cleaner.run.review import Review

#: Links listed per rule under "Lines by rule" (the filter shows all of them).
LINKS_PER_RULE = 60
#: Failures and notes listed on the page.
MAX_LISTED = 100
#: Rules in the summary's table (every rule is listed under "Lines by rule").
TOP_RULES = 12


@dataclass(frozen=True)
class PageInfo:
    """What the header says about the run: its inputs, the settings that differ from the
    defaults, and the cleaner version."""

    inputs: tuple[str, ...]
    settings: tuple[tuple[str, str], ...] = ()
    version: str = ""


def _asset(name: str) -> str:
    return resources.files("cleaner.cli").joinpath(name).read_text(encoding="utf-8")


def _csp_hash(content: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(content.encode("utf-8")).digest()).decode("ascii")


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "0%"


def render_page(review: Review, info: PageInfo) -> str:
    """The whole page as a string."""
    names = Names()
    names.category("context")
    for cat, _ in review.categories.most_common():
        names.category(cat)
    for doc in review.shown:
        for d in doc.result.decisions:  # type: ignore[union-attr]
            for s in d.signals:
                if s.name:
                    names.rule_names.setdefault(s.source, s.name)
    top = {d.position for d in review.top}
    docs_html, lines_by_rule = [], defaultdict(list)
    for doc in review.shown:
        badges = ("most removed",) if doc.position in top else ()
        html, infos = render_document(doc, names, badges)
        docs_html.append(html)
        for line in infos:
            for rule in line.rules:
                lines_by_rule[rule].append((doc, line))
    main = "\n".join([
        _summary(review, names, lines_by_rule),
        _filter(review, names, lines_by_rule),
        '<section id="docs" aria-labelledby="docs-h" tabindex="-1">\n<h2 id="docs-h">Documents</h2>',
        _sample_note(review),
        *docs_html,
        "</section>",
        _by_rule(review, names, lines_by_rule),
    ])
    style = "\n" + _asset("review.css") + "\n/* category colours */\n" + names.css() + "\n"
    script = "\n" + _asset("review.js") + "\n"
    page = Template(_asset("review.html")).substitute(
        title=escape(f"cleaner review: {review.documents:,} documents"),
        version=attr(info.version), header=_header(review, info), main=main,
        style=style[1:-1], script=script[1:-1],
        style_hash=_csp_hash(style), script_hash=_csp_hash(script))
    return page


def _header(review: Review, info: PageInfo) -> str:
    inputs = ", ".join(f"<code>{escape(i)}</code>" for i in info.inputs)
    settings = "".join(f"<span>{escape(k)}: <code>{escape(v)}</code></span>" for k, v in info.settings)
    version = f"<span>cleaner {escape(info.version)}</span>" if info.version else ""
    return f'<p class="settings"><span>Inputs: {inputs}</span>{settings}{version}</p>'


def _sample_note(review: Review) -> str:
    shown = len(review.shown)
    if not review.sampled:
        return f'<p class="muted">Every document is shown ({shown:,}).</p>'
    most = min(len(review.top), shown)
    return (f'<p class="sample-note" id="sample-note">Showing {shown:,} of {review.documents:,} documents '
            f'(<code>--max-docs {review.max_docs}</code>): the {most} with the most removed and a random '
            f'sample of the rest, each equally likely (seed {review.seed}: the same input gives the same sample). '
            f'The summary counts every document.</p>')


def _summary(review: Review, names: Names, lines_by_rule) -> str:
    kept_lines = review.blocks - review.blocks_removed
    totals = [("documents", "n-docs", f"{review.documents:,}"),
              ("failed", "n-failed", f"{len(review.failures):,}"),
              ("characters removed", "share-removed", _pct(review.chars_removed, review.chars_in)),
              ("lines removed", "n-removed", f"{review.blocks_removed:,} of {review.blocks:,}"),
              ("lines trimmed", "n-trimmed", f"{review.blocks_trimmed:,}"),
              ("shown below", "n-shown", f"{len(review.shown):,}")]
    cards = "\n".join(f'<div><dt>{label}</dt><dd id="{i}">{value}</dd></div>' for label, i, value in totals)
    parts = ['<section id="summary" aria-labelledby="summary-h">', '<h2 id="summary-h">Summary</h2>',
             f'<dl class="totals">\n{cards}\n</dl>',
             (f'<p class="muted">{review.chars_removed:,} of {review.chars_in:,} characters removed; '
              f'{kept_lines:,} lines kept. Counts cover all documents; the links go to the lines of the '
              'documents shown.</p>')]
    if review.sampled:
        parts.append(_sample_note(review).replace(' id="sample-note"', ""))
    parts.append('<div class="columns">')
    parts.append(_categories_table(review, names))
    parts.append(_top_table(review))
    parts.append("</div>")
    parts.append(_rules_table(review, names, lines_by_rule))
    parts.append(_listed("Failures", "failures", review.failures))
    parts.append(_listed("Notes", "notes", review.notices))
    parts.append("</section>")
    return "\n".join(p for p in parts if p)


def _categories_table(review: Review, names: Names) -> str:
    total = sum(review.categories.values())
    rows = []
    for cat, count in review.categories.most_common():
        cls = names.category(cat)
        rows.append(f'<tr data-cat="{attr(cat)}"><td><span class="swatch {cls}"></span>{escape(cat)}</td>'
                    f'<td class="num">{count:,}</td><td class="num">{_pct(count, total)}</td></tr>')
    body = "\n".join(rows) or '<tr><td colspan="3" class="muted">nothing removed</td></tr>'
    return ('<div><h3 id="categories-h">Categories</h3>\n<table id="categories" aria-labelledby="categories-h">\n'
            '<thead><tr><th scope="col">Category</th><th scope="col" class="num">Lines</th>'
            f'<th scope="col" class="num">Share</th></tr></thead>\n<tbody>\n{body}\n</tbody></table></div>')


def _top_table(review: Review) -> str:
    shown = {d.position for d in review.shown}
    rows = []
    for doc in review.top:
        name = escape(doc.key)
        link = f'<a href="#d{doc.position + 1}">{name}</a>' if doc.position in shown else name
        rows.append(f'<tr><td>{link}</td><td class="num">{doc.chars_removed:,}</td>'
                    f'<td class="num">{100 * doc.share:.1f}%</td></tr>')
    body = "\n".join(rows) or '<tr><td colspan="3" class="muted">nothing removed</td></tr>'
    return ('<div><h3 id="top-h">Most removed</h3>\n<table id="most-removed" aria-labelledby="top-h">\n'
            '<thead><tr><th scope="col">Document</th><th scope="col" class="num">Characters</th>'
            f'<th scope="col" class="num">Share</th></tr></thead>\n<tbody>\n{body}\n</tbody></table></div>')


def _rules_table(review: Review, names: Names, lines_by_rule) -> str:
    sources = _sources(review)
    rows = []
    for source in sources[:TOP_RULES]:
        anchor = names.anchor(source)
        cat = review.category_of.get(source, "")
        swatch = f'<span class="swatch {names.category(cat)}"></span>' if cat not in ("", "heuristic", "decoder") else ""
        shown = lines_by_rule.get(source, [])
        first = (f'<a href="#{shown[0][1].anchor}">{len(shown):,}</a>' if shown else "0")
        rows.append(
            f'<tr id="rule-{anchor}" data-rule="{attr(source)}"><td><a class="rid" href="#lines-{anchor}">'
            f'{escape(source)}</a></td><td>{escape(names.rule_names.get(source, ""))}</td>'
            f'<td>{swatch}{escape(cat)}</td><td class="num">{review.reasons[source]:,}</td>'
            f'<td class="num">{review.decided[source]:,}</td><td class="num">{review.overruled[source]:,}</td>'
            f'<td class="num">{first}</td></tr>')
    body = "\n".join(rows) or '<tr><td colspan="7" class="muted">no rule or heuristic removed anything</td></tr>'
    more = (f' The table shows the top {TOP_RULES} of {len(sources)}; <a href="#by-rule">all of them</a> are '
            'listed with their lines after the documents.' if len(sources) > TOP_RULES else "")
    return ('<h3 id="rules-h">Top rules and heuristics</h3>\n<p class="muted">Lines: removed or trimmed lines '
            'that name it among their reasons; decided: where it was the strongest reason; overruled: kept lines '
            'where the rule fired and the decoder kept the line; shown: its lines on this page (the number '
            f'links to the first, the name to all of them).{more}</p>\n'
            '<table id="rules" aria-labelledby="rules-h">\n<thead><tr><th scope="col">Rule</th>'
            '<th scope="col">Name</th><th scope="col">Category</th><th scope="col" class="num">Lines</th>'
            '<th scope="col" class="num">Decided</th><th scope="col" class="num">Overruled</th>'
            f'<th scope="col" class="num">Shown</th></tr></thead>\n<tbody>\n{body}\n</tbody></table>')


def _sources(review: Review) -> list[str]:
    """Every rule and heuristic that removed, trimmed or fired, most lines first."""
    return sorted(set(review.reasons) | set(review.overruled),
                  key=lambda s: (-review.reasons[s], -review.overruled[s], s))


def _listed(title: str, ident: str, items: list[str]) -> str:
    if not items:
        return ""
    lis = "\n".join(f"<li>{escape(i)}</li>" for i in items[:MAX_LISTED])
    more = f'<p class="muted">... and {len(items) - MAX_LISTED:,} more.</p>' if len(items) > MAX_LISTED else ""
    return f'<h3 id="{ident}-h">{title} ({len(items):,})</h3>\n<ul class="{ident}">\n{lis}\n</ul>{more}'


def _filter(review: Review, names: Names, lines_by_rule) -> str:
    rules = _sources(review) + sorted(set(lines_by_rule) - set(review.reasons) - set(review.overruled))
    rule_opts = "".join(f'<option value="{attr(r)}">{escape(r)} ({len(lines_by_rule.get(r, ())):,} shown)</option>'
                        for r in rules)
    cats = [c for c, _ in review.categories.most_common()]
    cat_opts = "".join(f'<option value="{attr(c)}">{escape(c)}</option>' for c in cats)
    return ('<section id="filter" aria-label="Filter the documents" hidden>\n<form>\n'
            f'<label>Rule or heuristic<select name="rule"><option value="">any</option>{rule_opts}</select></label>\n'
            f'<label>Category<select name="cat"><option value="">any</option>{cat_opts}</select></label>\n'
            '<label class="check"><input type="checkbox" name="changed"> only removed or trimmed lines</label>\n'
            '<button type="reset">Show everything</button>\n'
            '<output id="filter-status" aria-live="polite"></output>\n</form>\n</section>')


def _by_rule(review: Review, names: Names, lines_by_rule: dict[str, list[tuple[object, LineInfo]]]) -> str:
    parts = ['<section id="by-rule" aria-labelledby="by-rule-h">', '<h2 id="by-rule-h">Lines by rule</h2>']
    for source in _sources(review):
        found = lines_by_rule.get(source, [])
        anchor = names.anchor(source)
        about = [names.rule_names.get(source, ""), review.category_of.get(source, ""),
                 f"{review.reasons[source]:,} lines in all documents"]
        if review.overruled[source]:
            about.append(f"{review.overruled[source]:,} overruled")
        about.append(f"{len(found):,} shown")
        parts.append(f'<h3 id="lines-{anchor}" data-rule="{attr(source)}"><span class="rid">{escape(source)}</span> '
                     f'<span class="muted">{escape(" · ".join(a for a in about if a))}</span></h3>')
        if not found:
            parts.append('<p class="muted">None of its lines is among the documents shown.</p>')
            continue
        items = "\n".join(f'<li><a href="#{line.anchor}">{escape(doc.key)}, line {line.anchor.split("-l")[-1]}</a>'
                          f'{"" if line.kind == "removed" else f" ({line.kind})"}</li>'
                          for doc, line in found[:LINKS_PER_RULE])
        parts.append(f'<ul class="byrule">\n{items}\n</ul>')
        if len(found) > LINKS_PER_RULE:
            parts.append(f'<p class="muted">... and {len(found) - LINKS_PER_RULE:,} more '
                         '(choose it in the filter to see them all).</p>')
    parts.append("</section>")
    return "\n".join(parts)
