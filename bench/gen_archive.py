#!/usr/bin/env python3
"""Generate fictional archive documents in the `optout export` JSONL format, for benchmarks.

usage: python bench/gen_archive.py [--n 20000] [--words 600] [--seed 7] [-o docs.jsonl]

Every document is invented: made-up people, outlets and events about opting out of standardized tests
between 2010 and 2025. Organizations, states and tests are real canonical names from indexer/data/*.toml
(used only as subjects), and each document carries its tags and 2-4 attributed quotes, as `optout index`
would have stored them. Output is deterministic for a given --seed. Load it with `optout import FILE`.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import sys
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "indexer" / "data"
if str(ROOT) not in sys.path:
    sys.path.append(str(ROOT))

from archive.urls import canonical_url, document_id  # noqa: E402

FIRST = ("Adaeze Alden Alma Amos Anika Arlo Astrid Beatrix Bennett Bram Calla Cassius Celeste Cormac Dalia Darius "
         "Delphine Desmond Edda Elio Esme Ezra Fenna Florian Greer Gideon Hana Hollis Ines Ivo Jolene Jude Kaia Lazlo "
         "Leonie Linus Mabel Malik Marisol Milo Nadia Niall Odette Orrin Paloma Pell Quinn Rafferty Rosalind Rune "
         "Saoirse Silas Talia Thaddeus Una Vaughn Wilhelmina Wren Xiomara Yusuf Zelda Zev").split()
LAST = ("Abernethy Achebe Albrecht Alvarez Amsel Bancroft Barlowe Bellweather Birkett Castellane Chaudry Corrigan "
        "Dalgaard Delacorte Devereux Drummond Eckhart Ellery Escobedo Farrant Fenwick Galloway Gutierrez-Lind "
        "Halvard Hartigan Ibarra Iverson Jablonski Kasprzak Kettering Lachance Lindqvist Marchbanks Mbeki-Rowe "
        "Nakashima Nyberg Oduya Okonkwo-Bell Pellegrino Quaintance Radcliffe Rasmussen Salcedo Strand Tamsett "
        "Thorvald Underhill Varga Vasquez-Hale Wexford Whitcombe Yarrow Zabriskie Zeller").split()
OUTLETS = [f"{a} {b}" for a in ("Valley", "Harbor", "Prairie", "Summit", "Riverside", "Lakeshore", "Pinecrest",
                                "Granite", "Meadowbrook", "Ironwood")
           for b in ("Courier", "Ledger", "Dispatch", "Observer", "Gazette")]
KINDS = ("news", "news", "news", "statement", "advocacy", "official")
ROLES = ("president", "vice president", "spokesperson", "organizer", "policy analyst", "teacher", "board member",
         "communications director", "parent leader", "researcher")
CITIZEN_ROLES = ("a parent of two", "a high school junior", "a third-grade teacher", "a retired principal",
                 "a school board member", "a district testing coordinator", "a special education teacher",
                 "a grandmother raising two grandchildren", "a middle school math teacher", "a pediatrician")

# Topical sentences; {slots} are filled per document.
SENTENCES = [
    "Parents in {city} sent refusal letters for {count} students before the {test} testing window opened in {month}.",
    "The {org_full} said it would stand with families who choose to opt their children out of the {test}.",
    "State officials warned that districts falling below 95 percent participation on the {test} could lose federal funds.",
    "Opt-out rates in {state} climbed to {pct} percent in {year}, according to figures released by the state.",
    "{org_full} leaders have argued for years that the {test} consumes weeks of instruction in grades 3 through 8.",
    "A bill before the {state} legislature would let parents excuse children from state assessments without penalty.",
    "Teachers said test preparation for the {test} had crowded out recess, art, music and science.",
    "The union's delegates approved a resolution calling for a moratorium on high-stakes uses of {test} scores.",
    "Some principals told families that students who refused the {test} would have to sit and stare in the testing room.",
    "Advocates handed out sample opt-out letters at a library forum in {city} on a {weekday} evening.",
    "Scores on the {test} now count for part of teacher evaluations, a link the {org} has fought since {year}.",
    "The testing vendor's contract, worth millions of dollars, came up for renewal in {year}.",
    "Superintendents in {count} districts asked the state to shorten the {test} and return results sooner.",
    "Students who opt out are marked as nonparticipants, which can lower a school's accountability rating.",
    "Civil rights groups cautioned that test refusal could hide achievement gaps among low-income students.",
    "The {org_full} distributed guidance explaining what rights parents have under {state} law.",
    "Opting out remains legal in {state}, although the education department discourages it.",
    "Families reported that children were anxious, crying or sick on testing days.",
    "A survey of {count} teachers found that most spent more than a month each year on test preparation.",
    "The state board voted to delay consequences tied to the {test} until the new standards were in place.",
    "Graduation requirements tied to exit exams drew criticism from the {org} and from parent groups.",
    "Computer glitches interrupted the {test} in several districts, and some students had to start over.",
    "Federal law under the Every Student Succeeds Act still requires annual testing in reading and math.",
    "Organizers said the boycott was a protest against the Common Core and the weight placed on test scores.",
    "The school board in {city} passed a resolution supporting the right of parents to refuse standardized tests.",
    "Districts were told to provide an alternative activity, such as reading, for students who did not test.",
    "In {year}, the {org_full} published a report on the cost of testing in {state} schools.",
    "Some teachers said they would refuse to administer the {test}, risking discipline for insubordination.",
    "The {org} encouraged members to talk with parents honestly about what the {test} does and does not measure.",
    "Critics of the opt-out movement argued that skipping the {test} deprives families of useful information.",
    "Participation among English learners and students with disabilities fell sharply during the {year} testing season.",
    "A coalition of parents and educators in {state} called for replacing the {test} with portfolio assessment.",
    "Lawmakers held a hearing on testing time after {count} parents signed a petition.",
    "The education commissioner said the results help identify struggling schools and direct resources to them.",
    "Interim benchmark exams given three times a year added hours of testing on top of the {test}.",
    "Several districts reported refusal rates above {pct} percent in the spring of {year}.",
]
# Common words for filler sentences, so documents share a realistic background vocabulary.
COMMON = ("school schools student students teacher teachers parent parents family families district districts state "
          "states test tests testing exam exams assessment assessments score scores result results year years spring "
          "fall winter week weeks month months day days class classes classroom classrooms child children kid kids "
          "board union unions members member meeting meetings policy policies law laws bill bills budget funding "
          "money time hours minutes reading math science writing english grade grades standards curriculum "
          "instruction learning lesson lessons principal principals superintendent officials official department "
          "education public community communities local national federal report reports data survey letter letters "
          "right rights choice choices decision decisions question questions concern concerns support protest "
          "campaign movement group groups rally forum hearing vote votes resolution statement statements plan plans "
          "change changes issue issues problem problems program programs review reviews pressure stress anxiety "
          "accountability evaluation evaluations rating ratings participation refusal refusals boycott opt-out "
          "computer paper online session sessions window schedule calendar library gym cafeteria bus office "
          "website email phone form forms notice guidance rule rules penalty penalties consequence consequences "
          "benefit benefits cost costs contract contracts vendor company companies research researcher researchers "
          "study studies evidence analysis number numbers percent rate rates trend trends history future past "
          "new old first last next early late long short high low large small major minor clear unclear fair unfair "
          "strong weak good bad better worse best worst important difficult simple complex recent annual").split()
VERBS = ("said told asked argued warned noted added explained agreed disagreed called urged pressed voted decided "
         "planned expected hoped feared worried questioned criticized praised supported opposed rejected approved "
         "delayed reviewed released published reported announced considered discussed described compared").split()
LINKS = ("and", "but", "while", "because", "although", "as", "after", "before", "since", "when", "so")
QUOTE_OPENERS = [
    "We are not going to let a single test define our children",
    "Parents have every right to make this choice, and we will respect it",
    "This is about time taken away from real teaching",
    "The results come back too late to help anyone in the classroom",
    "No family should be punished for saying no",
    "We need an honest conversation about how much testing is enough",
    "Our members see the stress on kids every spring",
    "The data matter, and we want every student counted",
    "These exams were rushed into schools without teachers at the table",
    "Refusing the test sends a message that lawmakers cannot ignore",
    "I watched my daughter cry the night before the exam",
    "We support accountability, but not this kind of accountability",
    "Families deserve straight answers about what the scores are used for",
    "Teachers know their students better than any standardized test does",
    "Skipping the assessment leaves a hole in the information we rely on",
    "It is time for the state to listen to the people in the classrooms",
]
QUOTE_TAILS = [
    "and we will keep saying it until something changes", "whatever the department says",
    "no matter how many letters the district sends home", "and that is why we are here tonight",
    "especially for the youngest students", "and the numbers this year prove it", "",
    "and our members agree", "because the stakes are simply too high", "and we said so at the hearing",
]
MONTHS = ("January February March April May June September October November December").split()
WEEKDAYS = ("Monday Tuesday Wednesday Thursday Friday Saturday").split()
TITLES = [
    "{org} backs parents who opt out of the {test}",
    "Opt-out numbers rise again in {state}",
    "{state} families weigh refusing the {test} in {year}",
    "Teachers union calls for {test} moratorium",
    "Why parents in {city} are saying no to the {test}",
    "State warns districts about low {test} participation",
    "{org_full} statement on {year} state testing",
    "Lawmakers in {state} debate an opt-out bill",
    "Students boycott the {test} at {city} high schools",
    "What the {test} means for teacher evaluations in {state}",
    "A {weekday} forum on test refusal draws hundreds in {city}",
    "{year} testing season: refusal, anxiety and a new law",
]


@dataclass
class Gazetteer:
    unions_by_state: dict[str, list[dict[str, Any]]]
    national_unions: list[dict[str, Any]]
    advocacy: list[dict[str, Any]]
    agencies_by_state: dict[str, list[dict[str, Any]]]
    states: list[dict[str, Any]]
    tests_by_state: dict[str, list[dict[str, Any]]]
    national_tests: list[dict[str, Any]]


def load_gazetteer(data_dir: Path = DATA) -> Gazetteer:
    def load(name: str, key: str) -> list[dict[str, Any]]:
        with open(data_dir / name, "rb") as fh:
            return tomllib.load(fh)[key]

    orgs, states, tests = load("organizations.toml", "organization"), load("states.toml", "state"), \
        load("tests.toml", "test")
    unions_by_state: dict[str, list[dict[str, Any]]] = {}
    agencies_by_state: dict[str, list[dict[str, Any]]] = {}
    for o in orgs:
        if o.get("state") and o["kind"] == "union":
            unions_by_state.setdefault(o["state"], []).append(o)
        elif o.get("state") and o["kind"] == "agency":
            agencies_by_state.setdefault(o["state"], []).append(o)
    tests_by_state: dict[str, list[dict[str, Any]]] = {}
    for t in tests:
        for code in t.get("states") or []:
            tests_by_state.setdefault(code, []).append(t)
    return Gazetteer(
        unions_by_state=unions_by_state,
        national_unions=[o for o in orgs if o["kind"] == "union" and not o.get("state")],
        advocacy=[o for o in orgs if o["kind"] == "advocacy"],
        agencies_by_state=agencies_by_state,
        states=[s for s in states if s["code"] != "DC"],
        tests_by_state=tests_by_state,
        national_tests=[t for t in tests if not t.get("states")],
    )


def _given_in(test: dict[str, Any], year: int) -> bool:
    years = test.get("years") or [1900]
    return years[0] <= year <= (years[1] if len(years) > 1 else 9999)


def _pseudo_words(rng: random.Random, n: int) -> list[str]:
    """Invented words for the long tail of a real vocabulary (place names, surnames, rare terms)."""
    onsets = ["b", "br", "c", "ch", "d", "dr", "f", "g", "gr", "h", "k", "l", "m", "n", "p", "pr", "r", "s", "sh",
              "st", "t", "tr", "v", "w", "z"]
    vowels = ["a", "e", "i", "o", "u", "ai", "ea", "ou", "io"]
    codas = ["", "n", "r", "l", "s", "th", "nd", "rk", "st", "m", "x", "ck"]
    words: set[str] = set()
    while len(words) < n:
        syllables = rng.choice((2, 2, 2, 3))
        words.add("".join(rng.choice(onsets) + rng.choice(vowels) + rng.choice(codas) for _ in range(syllables)))
    return sorted(words)


class Generator:
    def __init__(self, seed: int = 7, words: int = 600, gazetteer: Gazetteer | None = None):
        self.rng = random.Random(seed)
        self.words = words
        self.g = gazetteer or load_gazetteer()
        self.tail = _pseudo_words(self.rng, 30_000)
        # Zipf-like weights for the long tail: a few invented words are common, most are rare.
        self.tail_cum = list(itertools.accumulate(1.0 / (rank + 10) for rank in range(len(self.tail))))
        # The background vocabulary is Zipf-like too: a shuffled order decides which words are frequent.
        self.common = list(COMMON)
        self.rng.shuffle(self.common)
        self.common_cum = list(itertools.accumulate(1.0 / (rank + 2) for rank in range(len(self.common))))
        busy = ("NY", "NJ", "CO", "WA", "FL", "MA", "IL", "CA", "TX")  # where opt-out made most news
        self.state_cum = list(itertools.accumulate(5 if s["code"] in busy else 1 for s in self.g.states))

    def person(self) -> str:
        return f"{self.rng.choice(FIRST)} {self.rng.choice(LAST)}"

    def _filler(self) -> str:
        rng = self.rng
        n = rng.randint(9, 22)
        words = []
        tail = rng.choices(self.tail, cum_weights=self.tail_cum, k=rng.randint(0, 3))
        for i in range(n):
            if i == 1 or i == n // 2:
                words.append(rng.choice(VERBS))
            elif i == n // 3:
                words.append(rng.choice(LINKS))
            else:
                words.append(rng.choices(self.common, cum_weights=self.common_cum)[0])
        for w in tail:
            words.insert(rng.randrange(len(words) + 1), w.capitalize() if rng.random() < 0.5 else w)
        sentence = " ".join(words)
        return sentence[0].upper() + sentence[1:] + "."

    def document(self, i: int) -> dict[str, Any]:
        rng = self.rng
        state = rng.choices(self.g.states, cum_weights=self.state_cum)[0]
        code = state["code"]
        year = rng.randint(2010, 2025)
        tests = [t for t in self.g.tests_by_state.get(code, []) if _given_in(t, year)]
        chosen_tests = rng.sample(tests, min(len(tests), rng.choice((1, 1, 2)))) if tests else []
        if rng.random() < 0.15:
            chosen_tests.append(rng.choice(self.g.national_tests))
        if not chosen_tests:
            chosen_tests = [rng.choice(self.g.national_tests)]
        orgs = []
        local = self.g.unions_by_state.get(code, [])
        if local:
            orgs.append(rng.choice(local))
        if rng.random() < 0.5 or not orgs:
            orgs.append(rng.choice(self.g.national_unions))
        if rng.random() < 0.4:
            orgs.append(rng.choice(self.g.advocacy))
        if rng.random() < 0.4 and self.g.agencies_by_state.get(code):
            orgs.append(rng.choice(self.g.agencies_by_state[code]))
        orgs = list({o["name"]: o for o in orgs}.values())
        cities = state.get("cities") or [state.get("capital") or state["name"]]
        month = rng.randint(1, 12)
        published = f"{year}-{month:02d}-{rng.randint(1, 28):02d}"
        speaking = orgs[0]

        def fill(template: str) -> str:
            org = rng.choice(orgs)
            return template.format(
                org=org["name"], org_full=org.get("full_name") or org["name"], test=rng.choice(chosen_tests)["name"],
                state=state["name"], city=rng.choice(cities), year=rng.randint(max(2010, year - 4), year),
                count=rng.choice((12, 40, 85, 150, 300, 1200, 4000, 20000)), pct=rng.randint(3, 60),
                month=rng.choice(MONTHS), weekday=rng.choice(WEEKDAYS))

        quotes = []
        for _ in range(rng.randint(2, 4)):
            if rng.random() < 0.6:
                org = rng.choice(orgs)
                quote = {"speaker": self.person(), "speaker_role": rng.choice(ROLES),
                         "speaker_org": org["name"], "_org_full": org.get("full_name") or org["name"]}
            else:
                quote = {"speaker": self.person(), "speaker_role": None, "speaker_org": None,
                         "_who": rng.choice(CITIZEN_ROLES)}
            tail = rng.choice(QUOTE_TAILS)
            quote["text"] = rng.choice(QUOTE_OPENERS) + (f", {tail}" if tail else "") + "."
            quotes.append(quote)

        topics = rng.sample(SENTENCES, 8)  # what this article is about, so topical words are not everywhere
        paragraphs: list[str] = []
        pending = list(quotes)
        count = 0
        while count < self.words:
            sentences = []
            for _ in range(rng.randint(2, 5)):
                sentences.append(fill(rng.choice(topics)) if rng.random() < 0.45 else self._filler())
            paragraph = " ".join(sentences)
            if pending and rng.random() < 0.5:
                q = pending.pop(0)
                if q["speaker_org"]:
                    who = f"said {q['speaker']}, {q['speaker_role']} of the {q['_org_full']}"
                else:
                    who = f"said {q['speaker']}, {q['_who']} in {rng.choice(cities)}"
                paragraph += f" \u201c{q['text'][:-1]},\u201d {who}."
            paragraphs.append(paragraph)
            count += len(paragraph.split())
        for q in pending:  # quotes not placed yet close the article
            paragraphs.append(f"\u201c{q['text']}\u201d said {q['speaker']}.")
        text = "\n".join(paragraphs)
        out_quotes = []
        for q in quotes:
            spoken = q["text"][:-1] + "," if f"\u201c{q['text'][:-1]},\u201d" in text else q["text"]
            start = text.find(spoken)
            out_quotes.append({"text": spoken, "speaker": q["speaker"], "speaker_role": q["speaker_role"],
                               "speaker_org": q["speaker_org"], "start": start if start >= 0 else None,
                               "end": start + len(spoken) if start >= 0 else None})
        outlet = rng.choice(OUTLETS)
        kind = rng.choice(KINDS)
        source = speaking["name"].lower().replace(" ", "-") if kind == "statement" else \
            outlet.lower().replace(" ", "-")
        title = fill(rng.choice(TITLES))
        slug = "-".join(title.lower().replace("'", "").split()[:8])
        slug = "".join(c for c in slug if c.isalnum() or c == "-")
        url = f"https://{source}.example/{year}/{month:02d}/{slug}-{i}.html"
        return {
            "id": document_id(url), "url": url, "canonical_url": canonical_url(url), "source": source, "kind": kind,
            "title": title, "published": published,
            "authors": [] if kind == "statement" else [self.person() for _ in range(rng.choice((1, 1, 2)))],
            "language": "en", "organizations": [o["name"] for o in orgs], "states": [code],
            "tests": list(dict.fromkeys(t["name"] for t in chosen_tests)), "quotes": out_quotes,
            "captured_at": f"2026-0{rng.randint(1, 9)}-{rng.randint(10, 28)}T{rng.randint(10, 23)}:00:00Z",
            "near_duplicate_of": None, "text": text,
        }

    def documents(self, n: int) -> Iterator[dict[str, Any]]:
        for i in range(n):
            yield self.document(i)


def write_jsonl(out: IO[str], n: int, seed: int = 7, words: int = 600) -> int:
    gen = Generator(seed=seed, words=words)
    count = 0
    for doc in gen.documents(n):
        out.write(json.dumps(doc, ensure_ascii=False) + "\n")
        count += 1
    return count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20_000, help="documents to generate (default 20000)")
    parser.add_argument("--words", type=int, default=600, help="approximate words per document (default 600)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("-o", "--output", type=Path, help="file to write (default stdout)")
    args = parser.parse_args(argv)
    if args.output:
        with open(args.output, "w", encoding="utf-8") as fh:
            n = write_jsonl(fh, args.n, args.seed, args.words)
        print(f"wrote {n} documents to {args.output}", file=sys.stderr)
    else:
        write_jsonl(sys.stdout, args.n, args.seed, args.words)
    return 0


if __name__ == "__main__":
    sys.exit(main())
