"""`cleaner learn` and `cleaner run --learn` on corpora built here."""

from __future__ import annotations

import json
import random

import pytest
from click.testing import CliRunner

from cleaner.cli.app import main
from cleaner.packs.load import load_pack
from cleaner.run.learn import SiteCounts, normalise

WORDS = ("council river bridge budget school teacher harbour festival court judge minister railway "
         "farmers market museum library hospital nurse storm flood police mayor election voters "
         "company workers strike factory island ferry airport runway garden park stadium club").split()
VERBS = "said announced warned approved rejected opened closed promised reported confirmed".split()
QUOTE = "“We will not rest until every family on this street has a safe home again,” the spokesperson said."


def sentence(rng: random.Random) -> str:
    words = rng.sample(WORDS, 9)
    return (f"The {words[0]} {rng.choice(VERBS)} on {rng.choice(['Monday', 'Tuesday', 'Friday'])} that the "
            f"{words[1]} and the {words[2]} near the {words[3]} would {rng.choice(VERBS)[:-1]} "
            f"{rng.randint(2, 900)} {words[4]} plans for the {words[5]}, {words[6]} and {words[7]} by {words[8]}.")


def article(rng: random.Random, n: int = 5) -> list[str]:
    return [" ".join(sentence(rng) for _ in range(2)) for _ in range(n)]


SITES = {
    "valley-echo.example": {
        "header": "Valley Echo | News for the whole valley since 1901",
        "promo": "Sign up for the Valley Echo morning briefing and never miss a story",
        "footer": "The Valley Echo is published by Echo Media Group, a registered company.",
        "copyright": "© {year} Valley Echo Media. All rights reserved.",
    },
    "harbour-times.example": {
        "header": "Harbour Times — your coastal daily",
        "promo": "Read more from the Harbour Times in our weekend magazine every Saturday",
        "footer": "Harbour Times, 12 Quay Street, Portsmouth. Call 023 9200 0000 for the newsdesk.",
        "copyright": "Copyright {year} Harbour Times Ltd",
    },
}


def build_corpus(tmp_path, docs_per_site: int = 50):
    rng = random.Random(7)
    records, articles = [], {}
    quote_used = 0
    for site, t in SITES.items():
        for i in range(docs_per_site):
            body = article(rng)
            if quote_used < 2 and i == 3:  # one quotation in two articles of the same site
                body[2] = QUOTE
                quote_used += 1 if site == "valley-echo.example" else 0
            if site == "valley-echo.example" and i == 10:
                body[2] = QUOTE
            lines = [t["header"], *body[:2], t["promo"], *body[2:], t["footer"],
                     t["copyright"].format(year=2015 + i % 9)]
            rid = f"{site}/{i}"
            records.append({"id": rid, "url": f"https://www.{site}/news/{i}", "text": "\n".join(lines) + "\n"})
            articles[rid] = body
            if i % 10 == 0:  # a syndicated copy of the same article
                copy = dict(records[-1], id=rid + "-copy", url=f"https://{site}/amp/{i}")
                records.append(copy)
                articles[copy["id"]] = body
    small = "tiny-weekly.example"
    for i in range(3):
        body = article(rng)
        records.append({"id": f"{small}/{i}", "url": f"https://{small}/{i}",
                        "text": "\n".join(["Tiny Weekly", *body, "© 2024 Tiny Weekly"]) + "\n"})
        articles[f"{small}/{i}"] = body
    src = tmp_path / "corpus.jsonl"
    src.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return src, records, articles


def test_learn_finds_every_template_and_nothing_from_the_articles(tmp_path):
    src, _, _ = build_corpus(tmp_path)
    out = tmp_path / "sites"
    res = CliRunner().invoke(main, ["learn", str(src), "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert "tiny-weekly.example: 3 documents, fewer than --min-docs 5: nothing learned" in res.stderr
    assert "5 duplicates counted once" in res.stderr
    for site, t in SITES.items():
        rules = load_pack(out / f"{site}.toml")  # validates, and runs each rule's examples
        assert all(r.sites == (site,) and r.category == "template" for r in rules)
        learned = {normalise(r.match[0]) for r in rules}
        wanted = {normalise(v.format(year=2020)) for v in t.values()}
        assert learned == wanted  # every template, the dated lines as one, nothing else
        copyright_rule = next(r for r in rules if "ight" in r.match[0].lower())
        assert copyright_rule.search(t["copyright"].format(year=1999))
        assert copyright_rule.support["documents"] == 50 and copyright_rule.support["share"] == 1.0
    assert not (out / "tiny-weekly.example.toml").exists()
    res = CliRunner().invoke(main, ["rules", "explain", rules[0].id, "--rules", str(out)])
    assert "Learned from: documents=50" in res.stdout


def test_run_learn_gives_back_the_articles(tmp_path):
    src, records, articles = build_corpus(tmp_path)
    res = CliRunner().invoke(main, ["run", str(src), "-o", "-", "--learn", "-j", "1"])
    assert res.exit_code == 0, res.output
    out = [json.loads(line) for line in res.stdout.splitlines()]
    assert len(out) == len(records)
    for rec in out:
        if rec["id"].startswith("tiny-weekly"):
            continue
        assert rec["text"] == "\n".join(articles[rec["id"]]) + "\n", rec["id"]


def test_counting_is_bounded_by_the_lossy_counter():
    counts = SiteCounts()
    rng = random.Random(1)
    for i in range(3000):
        counts.add(["Footer line of the site that is always here", *article(rng, 3)])
    assert counts.documents == 3000
    assert len(counts.counts) < 3000  # not every article line is kept
    assert counts.templates(5, 0.2) == [("Footer line of the site that is always here", 3000)]


@pytest.mark.parametrize("group_by", ["folder"])
def test_group_by_folder_for_text_trees(tmp_path, group_by):
    rng = random.Random(3)
    for site in ("alpha", "beta"):
        (tmp_path / "in" / site).mkdir(parents=True)
        for i in range(6):
            (tmp_path / "in" / site / f"{i}.txt").write_text(
                "\n".join([*article(rng, 3), f"Thanks for reading {site.title()} News, see you tomorrow"]) + "\n")
    out = tmp_path / "sites"
    res = CliRunner().invoke(main, ["learn", str(tmp_path / "in"), "-o", str(out), "--group-by", group_by])
    assert res.exit_code == 0, res.output
    assert sorted(p.name for p in out.glob("*.toml")) == ["alpha.toml", "beta.toml"]
    clean = tmp_path / "clean"
    res = CliRunner().invoke(main, ["run", str(tmp_path / "in"), "-o", str(clean), "--rules", str(out),
                                    "--group-by", "folder"])
    assert res.exit_code == 0, res.output
    assert "Thanks for reading" not in (clean / "alpha" / "0.txt").read_text()


def test_learning_on_dask_finds_the_same_templates(tmp_path):
    distributed = pytest.importorskip("distributed")
    src, _, _ = build_corpus(tmp_path)
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       dashboard_address=None, host="127.0.0.1")
    try:
        local, remote = tmp_path / "local", tmp_path / "dask"
        assert CliRunner().invoke(main, ["learn", str(src), "-o", str(local)]).exit_code == 0
        res = CliRunner().invoke(main, ["learn", str(src), "-o", str(remote), "--engine", "dask",
                                        "--scheduler", cluster.scheduler_address])
        assert res.exit_code == 0, res.output
        # and with many small partitions, counted on both workers
        from cleaner.cli.learn import iter_documents
        from cleaner.io.formats import Options
        from cleaner.run.learn import count_sites, count_sites_dask

        with distributed.Client(cluster) as client:
            docs = list(iter_documents((src,), Options(), 10**8, []))
            split = count_sites_dask(client, docs, "url", chunk=17)
        whole = count_sites(docs, "url")
        for site in SITES:
            # the same lines; a copy whose original sat in another partition counts twice
            assert sorted(t for t, _ in split[site].templates(5, 0.2)) == sorted(t for t, _ in whole[site].templates(5, 0.2))
            assert 0 <= split[site].documents - whole[site].documents <= whole[site].duplicates
    finally:
        cluster.close()
    for site in SITES:
        a, b = load_pack(local / f"{site}.toml"), load_pack(remote / f"{site}.toml")
        assert [(r.id, r.pattern) for r in a] == [(r.id, r.pattern) for r in b]


def test_merging_partition_counts_equals_counting_at_once():
    rng = random.Random(5)
    docs = [["Footer of the site that is always here", *article(rng, 3)] for _ in range(400)]
    whole, left, right = SiteCounts(), SiteCounts(), SiteCounts()
    for d in docs:
        whole.add(d)
    for d in docs[:150]:
        left.add(d)
    for d in docs[150:]:
        right.add(d)
    left.merge(right)
    assert left.documents == whole.documents == 400
    assert left.templates(5, 0.2) == whole.templates(5, 0.2)


def test_learn_streams_jsonl_larger_than_the_per_document_limit(tmp_path):
    from cleaner.cli.learn import learn_packs
    from cleaner.io.formats import Options

    src, _, _ = build_corpus(tmp_path)
    assert src.stat().st_size > 10_000
    lines, failures = learn_packs((src,), tmp_path / "sites", "url", 5, 0.2, Options(), max_bytes=10_000)
    assert not failures
    assert any("valley-echo.example: 50 documents" in line for line in lines)


def test_a_learned_box_that_reads_like_prose_goes_everywhere_and_the_article_stays(tmp_path):
    """Issue #14, failure 2: a learned template is certain (context never keeps it), and
    cutting it out of the middle of the article costs the article nothing."""
    rng = random.Random(3)
    box = "Got a story? Message our newsdesk on 07700 900123, or email news@valleypost.example."
    records, articles = [], {}
    for i in range(30):
        body = article(rng, n=rng.randint(3, 6))
        cut = rng.randint(1, len(body) - 1)
        lines = ["Metro Daily", *body[:cut], box, *body[cut:], f"© {2016 + i % 8} Valley Post Media Ltd."]
        records.append({"id": str(i), "url": f"https://valleypost.example/news/{i}", "text": "\n".join(lines) + "\n"})
        articles[str(i)] = body
    src = tmp_path / "site.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    res = CliRunner().invoke(main, ["run", str(src), "-o", "-", "--learn", "-j", "1"])
    assert res.exit_code == 0, res.output
    out = {r["id"]: r["text"] for r in map(json.loads, res.stdout.splitlines())}
    assert all(out[rid] == "\n".join(body) + "\n" for rid, body in articles.items())
