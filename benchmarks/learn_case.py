"""The made-up `cleaner run --learn` case of issue #14: four sites, 40 articles each; per
site a header line, a mid-article box that reads like prose ("Got a story? Message our
newsdesk on 07700 900123") and a dated footer. Prints the share of template lines removed
and of long article paragraphs kept (targets: >= 98% and >= 98%).

    python benchmarks/learn_case.py [--docs 40] [--seed 1]
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
from pathlib import Path

SITES = {
    "valley-post.example": ("Valley Post | Local news since 1921",
                            "Got a story? Message our newsdesk on 07700 900123, or email news@valleypost.example.",
                            "© {year} Valley Post Media Ltd. Published {day} May {year}."),
    "coast-herald.example": ("Coast Herald — the coast's daily paper",
                             "Do you have a view on this story? Write to our letters page and we will print the best ones.",
                             "Coast Herald, 4 Harbour Road. Updated {day} June {year}."),
    "metro-daily.example": ("Metro Daily",
                            "Our journalism depends on readers like you: subscribe today from just £1 a week.",
                            "Metro Daily {year}. All rights reserved. Last updated {day}/06/{year}."),
    "hill-times.example": ("The Hill Times: news from the hills",
                           "If you were affected by this story, our reporters would like to hear from you in confidence.",
                           "Published by Hill Times Group on {day} July {year}, all content copyright."),
}
SUBJECTS = "The council|The mayor|Local farmers|The school board|Residents|The hospital trust|Police|The ferry operator".split("|")
VERBS = "said|warned|announced|confirmed|denied|promised|reported|argued".split("|")
OBJECTS = ("that the new bridge would open later than planned|that the budget would be cut by a tenth|"
           "that the flood defences had held through the night|that the library would stay open on Sundays|"
           "that more nurses would be hired before the winter|that the bus route would be restored in spring").split("|")
TAILS = ("after a meeting that ran late into the evening|in a statement on its website|"
         "in an interview with this newspaper|despite objections from neighbours|"
         "following months of talks with the unions|as the storm moved east").split("|")


def paragraph(rng: random.Random) -> str:
    return " ".join(f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)} {rng.choice(TAILS)}."
                    for _ in range(rng.randint(2, 4)))


def corpus(docs: int, seed: int) -> tuple[list[dict], dict[str, list[str]], dict[str, list[str]]]:
    rng = random.Random(seed)
    records, articles, templates = [], {}, {}
    for site, (header, box, footer) in SITES.items():
        for i in range(docs):
            body = [paragraph(rng) for _ in range(rng.randint(4, 8))]
            cut = rng.randint(1, len(body) - 1)
            foot = footer.format(year=2016 + i % 8, day=1 + i % 28)
            lines = [header, *body[:cut], box, *body[cut:], foot]
            rid = f"{site}/{i}"
            records.append({"id": rid, "url": f"https://{site}/news/{i}", "text": "\n".join(lines) + "\n"})
            articles[rid], templates[rid] = body, [header, box, foot]
    return records, articles, templates


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", type=int, default=40)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)
    records, articles, templates = corpus(args.docs, args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "sites.jsonl"
        src.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
        out = subprocess.run([sys.executable, "-m", "cleaner", "run", str(src), "-o", "-", "--learn", "-j", "1", "-q"],
                             check=True, capture_output=True, text=True).stdout
    cleaned = {r["id"]: set(r["text"].splitlines()) for r in map(json.loads, out.splitlines())}
    tpl_total = sum(len(t) for t in templates.values())
    tpl_removed = sum(1 for rid, ts in templates.items() for t in ts if t not in cleaned[rid])
    long_paras = [(rid, p) for rid, ps in articles.items() for p in ps if len(p.split()) >= 20]
    kept = sum(1 for rid, p in long_paras if p in cleaned[rid])
    print(f"documents {len(records)}: template lines removed {tpl_removed}/{tpl_total} ({tpl_removed / tpl_total:.1%}); "
          f"long article paragraphs kept {kept}/{len(long_paras)} ({kept / len(long_paras):.1%})")
    for k, name in enumerate(("header", "box", "footer")):
        left = sum(1 for rid, ts in templates.items() if ts[k] in cleaned[rid])
        print(f"  {name}: kept in {left} of {len(templates)} documents")
    return 0


if __name__ == "__main__":
    sys.exit(main())
