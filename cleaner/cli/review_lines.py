"""The review page's documents: every line of a document, removed lines struck through and
coloured by category with their reasons, trimmed spans marked, overruled rules noted.

Every piece of input text goes through `html.escape`; ids and classes are made here, never
taken from the input.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html import escape

from cleaner.model import Decision, Result, State
from cleaner.run.review import Reviewed, fired

#: What each state means, said on removed lines.
STATE_WORDS = {State.HEAD: "before the article", State.BODY: "the article",
               State.INSERT: "inside the article", State.TAIL: "after the article"}
#: What the decoder's own reasons mean (cleaner/engine/cleaner.py, decode.py).
DECODER_WORDS = {"decoder.context": "on its own this line would have stayed: the lines around it decided",
                 "decoder.prior": "the decoder's prior for this state"}
#: (line colour, background) per category, in order of how often a category occurs.
PALETTE = (("#c62828", "#fdecea"), ("#1565c0", "#e8f0fb"), ("#6a1b9a", "#f3e8f8"), ("#ef6c00", "#fff1e0"),
           ("#00838f", "#e0f4f5"), ("#ad1457", "#fce8f1"), ("#2e7d32", "#e8f5e9"), ("#4e342e", "#f1ebe9"),
           ("#283593", "#e9ebf8"), ("#9e9d24", "#f7f7e1"), ("#00695c", "#e0f2ef"), ("#5d4037", "#efe9e6"))
#: The colour of lines removed on context alone (no rule, no heuristic named).
CONTEXT_COLOURS = ("#757575", "#f0f0f0")


def attr(value: str) -> str:
    """Text for a double-quoted attribute."""
    return escape(value, quote=True)


def slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "_", name)


@dataclass
class Names:
    """Anchors, colour classes and rule names, made once per page so every link agrees."""

    categories: dict[str, str] = field(default_factory=dict)  # category -> css class
    anchors: dict[str, str] = field(default_factory=dict)  # rule or heuristic -> anchor slug
    rule_names: dict[str, str] = field(default_factory=dict)  # rule id -> dotted name

    def category(self, cat: str) -> str:
        if cat not in self.categories:
            self.categories[cat] = f"k{len(self.categories)}"
        return self.categories[cat]

    def anchor(self, source: str) -> str:
        if source not in self.anchors:
            base = slug(source)
            taken = set(self.anchors.values())
            self.anchors[source] = base if base not in taken else f"{base}-{len(self.anchors)}"
        return self.anchors[source]

    def css(self) -> str:
        """One rule per category class: its colour and background."""
        out = []
        others = iter(PALETTE * (1 + len(self.categories) // len(PALETTE)))
        for cat, cls in self.categories.items():
            colour, background = CONTEXT_COLOURS if cat in ("context", "") else next(others)
            out.append(f".{cls} {{ --c: {colour}; --bg-c: {background}; }}")
        return "\n".join(out)


def rule_link(names: Names, source: str) -> str:
    title = names.rule_names.get(source, "")
    title_attr = f' title="{attr(title)}"' if title else ""
    return f'<a class="rid" href="#lines-{names.anchor(source)}"{title_attr}>{escape(source)}</a>'


def line_id(doc: Reviewed, d: Decision) -> str:
    return f"d{doc.position + 1}-l{d.block.index + 1}"


@dataclass(frozen=True)
class LineInfo:
    """What a line says to the summary: which rules it names, and how (removed, trim, overruled)."""

    anchor: str
    rules: tuple[str, ...]
    kind: str


def _trimmed_text(d: Decision) -> str:
    text, out, at = d.block.text, [], 0
    for start, end in sorted(d.trimmed):
        start = max(start, at)
        if end <= start:
            continue
        out.append(escape(text[at:start]))
        out.append(f'<del class="trim">{escape(text[start:end])}</del>')
        at = end
    out.append(escape(text[at:]))
    return "".join(out)


def _categories_of(d: Decision, rules: tuple[str, ...]) -> dict[str, str]:
    by_source = {s.source: s.category for s in d.signals}
    return {r: by_source.get(r, "heuristic" if r.startswith("h.") else "") for r in rules}


def render_line(doc: Reviewed, d: Decision, names: Names) -> tuple[str, LineInfo]:
    """One `<li>` for one block, and what the summary needs to link to it."""
    n = d.block.index + 1
    lid = line_id(doc, d)
    state = d.state.value
    overruled = tuple(dict.fromkeys(s.source for s in d.signals if d.kept and fired(s.source, s.effect)))
    if not d.kept:
        cat = d.category
        cls = f"line drop {names.category(cat)}"
        rules, cats, kind = tuple(d.reasons), (cat,), "removed"
        text = f"<del>{escape(d.block.text)}</del>"
        why = _why_removed(d, names)
    elif d.trimmed:
        trims = tuple(dict.fromkeys(d.trims))
        by_rule = _categories_of(d, trims)
        cats = tuple(dict.fromkeys(c or "trim" for c in by_rule.values()))
        cls = f"line trim {names.category(cats[0])}"
        rules, kind = trims + tuple(r for r in overruled if r not in trims), "trimmed"
        text = _trimmed_text(d)
        why = ("trimmed by " + ", ".join(
            f"{rule_link(names, r)} (<span class=\"cat\">{escape(by_rule[r] or 'trim')}</span>)" for r in trims))
        if overruled:
            why += _overruled_note(d, overruled, names)
    else:
        cls, rules, cats, kind = "line keep", overruled, (), "overruled" if overruled else "kept"
        text = escape(d.block.text)
        why = _overruled_note(d, overruled, names)[3:] if overruled else ""
        if overruled:
            cls += " overruled"
    data = f' data-rules="{attr(" ".join(rules))}"' if rules else ""
    data += f' data-cats="{attr(" ".join(cats))}"' if cats else ""
    html = (f'<li class="{cls}" id="{lid}"{data}><span class="n">{n}</span>'
            f'<span class="st">{state}</span><span class="tx">{text}</span>'
            + (f'<span class="why">{why}</span>' if why else "") + "</li>")
    return html, LineInfo(lid, rules, kind)


def _overruled_note(d: Decision, overruled: tuple[str, ...], names: Names) -> str:
    fired_list = ", ".join(rule_link(names, r) for r in overruled)
    return f" · kept: {fired_list} fired, overruled by context ({d.state.value}, {STATE_WORDS[d.state]})"


def _why_removed(d: Decision, names: Names) -> str:
    cat = d.category
    context = f"{d.state.value}, {STATE_WORDS[d.state]}, decided in pass {d.pass_no}"
    if d.reasons:
        head = f'<span class="cat">{escape(cat)}</span>: ' + ", ".join(rule_link(names, r) for r in d.reasons)
    else:
        head = '<span class="cat">context</span>: no rule or heuristic on this line; the lines around it decided'
    notes = [DECODER_WORDS[r] for r in d.reasons if r in DECODER_WORDS]
    if notes:
        context += "; " + "; ".join(notes)
    also = [s for s in d.signals if s.source not in d.reasons]
    extra = ""
    if also:
        extra = '<span class="also">also seen: ' + ", ".join(
            f"{escape(s.source)} ({escape(s.effect)}, {s.weight:g})" for s in also) + "</span>"
    return f'{head}<span class="state">{escape(context)}</span>{extra}'


def render_document(doc: Reviewed, names: Names, badges: tuple[str, ...] = ()) -> tuple[str, list[LineInfo]]:
    """One `<article>` with every line of the document."""
    result: Result = doc.result  # type: ignore[assignment]
    c = result.counts
    did = f"d{doc.position + 1}"
    meta = [escape(str(result.meta[k])) for k in ("path", "url", "site") if result.meta.get(k)
            and str(result.meta[k]) != doc.key]
    meta.append(f"{c['blocks']:,} lines: {c['blocks_removed']:,} removed, {c['blocks_trimmed']:,} trimmed")
    share = f" ({100 * doc.share:.1f}%)" if c["chars_in"] else ""
    meta.append(f"{c['chars_removed']:,} of {c['chars_in']:,} characters removed{share}")
    meta += [f"problem: {escape(p.kind)}: {escape(p.message)}" for p in result.problems]
    lines, infos = [], []
    for d in result.decisions:
        html, info = render_line(doc, d, names)
        lines.append(html)
        infos.append(info)
    badge_html = "".join(f'<span class="badge">{escape(b)}</span>' for b in badges)
    body = "\n".join(lines) if lines else '<li class="line keep"><span class="tx muted">(empty document)</span></li>'
    html = (f'<article class="doc" id="{did}" aria-labelledby="{did}-h">\n'
            f'<h3 id="{did}-h">{doc.position + 1}. {escape(doc.key)}{badge_html}</h3>\n'
            f'<p class="meta">{" · ".join(meta)}</p>\n<ol class="lines">\n{body}\n</ol>\n</article>')
    return html, infos
