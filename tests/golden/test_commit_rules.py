"""The commit rules: golden cases for the defaults, plus overrides, errors and languages."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from milepost.classify.classifier import NO_RULE, classify, classify_all
from milepost.classify.rules import RulesError, load_rules
from milepost.classify.subjects import clean_description, clean_subject, parse_subject
from milepost.classify.trailers import client_text, milestone_of
from milepost.history.trailer_block import commit_trailers
from milepost.model import Commit

GOLDEN = Path(__file__).parent / "commit_rules" / "cases.yml"
CASES: list[dict[str, Any]] = yaml.safe_load(GOLDEN.read_text(encoding="utf-8"))
WARSAW = dt.timezone(dt.timedelta(hours=1))


def make_commit(
    subject: str,
    *,
    body: str = "",
    trailers: list[str] | tuple[str, ...] = (),
    author: str = "Anna Nowak <anna@agency.example>",
    parents: int = 1,
    authored: dt.datetime = dt.datetime(2026, 11, 20, 10, 0, tzinfo=WARSAW),
) -> Commit:
    """A commit as the history reader builds it; trailers written "Key: value"."""
    match = re.fullmatch(r"(.*?)\s*<(.*)>", author)
    assert match, f"author must be 'Name <email>': {author!r}"
    pairs = tuple((line.split(":", 1)[0].strip(), line.split(":", 1)[1].strip()) for line in trailers)
    full_body = "\n\n".join(part for part in (body, "\n".join(trailers)) if part)
    sha = hashlib.sha1(f"{subject}\n{full_body}\n{author}".encode()).hexdigest()
    return Commit(
        sha=sha,
        author_name=match.group(1),
        author_email=match.group(2),
        authored=authored,
        committed=authored,
        parents=tuple(f"{i:040x}" for i in range(parents)),
        subject=subject,
        body=full_body,
        trailers=pairs,
    )


@pytest.fixture(scope="module")
def rules():
    return load_rules()


# --- golden cases ------------------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_golden_case(case: dict[str, Any], rules) -> None:
    commit = make_commit(**case["commit"])
    change = classify(
        commit,
        rules,
        milestone_ids=case.get("milestone_ids", []),
        language=case.get("language", "en"),
        allowed_hosts=case.get("allowed_hosts", []),
    )
    got = {"kind": change.kind, "text": change.text, "milestone": change.milestone, "rule": change.rule}
    assert got == case["expect"]
    assert change.sha == commit.sha
    assert change.date == dt.date(2026, 11, 20)


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_trailers_read_from_the_body_decide_the_same(case: dict[str, Any], rules) -> None:
    # A history read from git leaves trailers unread, and the rules skip reading them when the
    # body lacks a key's word: that must decide exactly what the trailers given at once decide.
    given = make_commit(**case["commit"])
    unread = dataclasses.replace(given, trailers=None)
    settings = {"milestone_ids": case.get("milestone_ids", []), "language": case.get("language", "en"),
                "allowed_hosts": case.get("allowed_hosts", [])}
    assert classify(unread, rules, **settings) == classify(given, rules, **settings)
    assert commit_trailers(unread) == given.trailers


def test_a_trailer_key_in_any_case_is_found_in_an_unread_body(rules) -> None:
    for key in ("INTERNAL", "Internal", "iNtErNaL"):
        commit = dataclasses.replace(make_commit("feat: x", trailers=[f"{key}: yes"]), trailers=None)
        assert classify(commit, rules).kind == "hidden"
    note = dataclasses.replace(make_commit("chore: x", trailers=["CLIENT-PL: Nowy koszyk."]), trailers=None)
    assert classify(note, rules, language="pl").text == "Nowy koszyk."
    tied = dataclasses.replace(make_commit("chore: x", trailers=["MILESTONE: launch"]), trailers=None)
    assert classify(tied, rules, milestone_ids=["launch"]).milestone == "launch"


def test_golden_cases_cover_every_default_rule(rules) -> None:
    assert len(CASES) >= 30
    assert len({case["name"] for case in CASES}) == len(CASES), "case names must be unique"
    assert {case["expect"]["rule"] for case in CASES} == set(rules.names)


# --- overrides ---------------------------------------------------------------------------------


def test_override_rules_come_first_and_win(rules) -> None:
    overrides = [
        {"name": "hide-admin", "when": {"scope": "^admin$"}, "action": "hide"},
        {"name": "launch-news", "when": {"subject": "^launch "}, "action": "show", "heading": "new"},
        {"name": "docs-are-news", "when": {"type": "docs"}, "action": "show", "heading": "note"},
    ]
    with_overrides = load_rules(overrides)
    assert with_overrides.names == ("hide-admin", "launch-news", "docs-are-news") + rules.names

    admin = classify(make_commit("feat(admin): bulk price editor"), with_overrides)
    assert (admin.kind, admin.rule) == ("hidden", "hide-admin")
    assert classify(make_commit("feat(admin): bulk price editor"), rules).kind == "new"

    launch = classify(make_commit("Launch the shop on the new server"), with_overrides)
    assert (launch.kind, launch.text, launch.rule) == ("new", "Launch the shop on the new server", "launch-news")

    # A note rule on a commit without a Client trailer shows the cleaned subject.
    docs = classify(make_commit("docs: user guide for the back office (#3)"), with_overrides)
    assert (docs.kind, docs.text) == ("note", "User guide for the back office")


def test_defaults_still_apply_after_overrides() -> None:
    with_overrides = load_rules([{"name": "hide-admin", "when": {"scope": "admin"}, "action": "hide"}])
    change = classify(make_commit("fix(cart): totals"), with_overrides)
    assert (change.kind, change.rule) == ("fixed", "fixes")


def test_override_name_may_repeat_a_default_name() -> None:
    # Re-using a default's name is how an agency "replaces" it: the override is met first.
    ruleset = load_rules([{"name": "reverts", "when": {"subject": "^revert"}, "action": "show", "heading": "fixed"}])
    change = classify(make_commit('Revert "feat: add a wishlist"'), ruleset)
    assert (change.kind, change.text) == ("fixed", 'Revert "feat: add a wishlist"')


def test_trailer_and_body_and_merge_conditions() -> None:
    ruleset = load_rules(
        [
            {
                "name": "security",
                "when": {"trailer": {"Security": "."}, "merge": False},
                "action": "show",
                "heading": "fixed",
            },
            {"name": "perf-body", "when": {"body": "benchmark"}, "action": "show", "heading": "faster"},
        ]
    )
    sec = classify(make_commit("chore: update session handling", trailers=["security: high"]), ruleset)
    assert (sec.kind, sec.rule, sec.text) == ("fixed", "security", "Update session handling")
    merged = classify(make_commit("Merge branch x", trailers=["Security: high"], parents=2), ruleset)
    assert merged.rule == "merge-commits"
    bench = classify(make_commit("refactor: cart totals", body="Benchmark: 40% faster."), ruleset)
    assert (bench.kind, bench.text) == ("faster", "Cart totals")


# --- invalid rule data -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        ({"name": "x", "action": "shw"}, "rule 2 ('x'): action: must be one of hide, count, show (got 'shw')"),
        ({"name": "x", "action": "show"}, "rule 2 ('x'): heading: a `show` rule needs one of new, fixed, faster, note"),
        ({"name": "x", "action": "count", "heading": "new"}, "rule 2 ('x'): heading: only `show` rules have a heading"),
        (
            {"name": "x", "action": "hide", "when": {"subjet": "a"}},
            "rule 2 ('x'): when.subjet: unknown key - did you mean `subject`?",
        ),
        ({"name": "x", "action": "hide", "colour": "red"}, "rule 2 ('x'): colour: unknown key"),
        (
            {"name": "x", "action": "hide", "when": {"subject": "(unclosed"}},
            "rule 2 ('x'): when.subject: not a valid regular expression",
        ),
        # RE2 runs a client's pattern in linear time; what it cannot run is refused, naming the fix
        (
            {"name": "x", "action": "hide", "when": {"subject": "(?<!re)admin"}},
            "rule 2 ('x'): when.subject: look-ahead and look-behind",
        ),
        (
            {"name": "x", "action": "hide", "when": {"body": "(a)\\1"}},
            "rule 2 ('x'): when.body: backreferences (`\\1`) are not supported",
        ),
        (
            {"name": "x", "action": "hide", "when": {"subject": "(a+)++b"}},
            "rule 2 ('x'): when.subject: possessive repetitions",
        ),
        (
            {"name": "x", "action": "hide", "when": {"trailer": {"Internal": True}}},
            "rule 2 ('x'): when.trailer.Internal: YAML read this as true",
        ),
        ({"name": "x", "action": "hide", "when": {"merge": "yes"}}, "rule 2 ('x'): when.merge: must be true or false"),
        (
            {"name": "x", "action": "hide", "when": {"type": {"feat": 1}}},
            "rule 2 ('x'): when.type: must be a list of Conventional Commit types",
        ),
        ({"name": "x", "action": "hide", "when": "always"}, "rule 2 ('x'): when: must be a mapping of conditions"),
        ({"action": "hide"}, "rule 2: name: missing"),
        ({"name": "ok", "action": "hide"}, "rule 2 ('ok'): name: used by an earlier rule"),
        ("hide everything", "rule 2: must be a mapping"),
    ],
)
def test_invalid_rule_data_names_rule_and_field(rule: object, expected: str) -> None:
    overrides = [{"name": "ok", "action": "count"}, rule]
    with pytest.raises(RulesError) as err:
        load_rules(overrides)  # type: ignore[list-item]
    assert str(err.value).startswith("commit_rules, ")
    assert expected in str(err.value)


def test_overrides_must_be_a_list() -> None:
    with pytest.raises(RulesError, match=r"commit_rules: must be a list of rules"):
        load_rules({"name": "x", "action": "hide"})  # type: ignore[arg-type]


def test_bad_rules_file_is_named(tmp_path: Path) -> None:
    broken = tmp_path / "rules.yml"
    broken.write_text("rules: [\n", encoding="utf-8")
    with pytest.raises(RulesError, match=rf"^{re.escape(str(broken))}: not valid YAML"):
        load_rules(path=broken)
    wrong_shape = tmp_path / "shape.yml"
    wrong_shape.write_text("- name: x\n  action: hide\n", encoding="utf-8")
    with pytest.raises(RulesError, match=r"must hold one key, `rules:`"):
        load_rules(path=wrong_shape)
    bad_rule = tmp_path / "bad.yml"
    bad_rule.write_text(
        "rules:\n  - {name: a, action: hide}\n  - {name: b, action: show, heading: old}\n", encoding="utf-8"
    )
    with pytest.raises(RulesError, match=rf"^{re.escape(str(bad_rule))}, rule 2 \('b'\): heading:"):
        load_rules(path=bad_rule)
    with pytest.raises(RulesError, match=r"cannot read the commit rules"):
        load_rules(path=tmp_path / "missing.yml")


def test_no_matching_rule_means_counted(tmp_path: Path) -> None:
    only_feat = tmp_path / "rules.yml"
    only_feat.write_text(
        "rules:\n  - {name: feats, when: {type: [feat]}, action: show, heading: new}\n", encoding="utf-8"
    )
    ruleset = load_rules(path=only_feat)
    change = classify(make_commit("Update README"), ruleset)
    assert (change.kind, change.text, change.rule) == ("counted", "", NO_RULE)
    assert classify(make_commit("feat: gift cards"), ruleset).kind == "new"


# --- languages ---------------------------------------------------------------------------------


def test_client_trailer_for_the_site_language_wins(rules) -> None:
    commit = make_commit(
        "feat: BLIK",
        trailers=[
            "Client: Customers can pay with BLIK.",
            "Client-pl: Klienci mogą płacić BLIKIEM.",
            "Client-de: Kunden zahlen mit BLIK.",
        ],
    )
    assert classify(commit, rules, language="pl").text == "Klienci mogą płacić BLIKIEM."
    assert classify(commit, rules, language="de").text == "Kunden zahlen mit BLIK."
    assert classify(commit, rules, language="uk").text == "Customers can pay with BLIK."
    assert classify(commit, rules, language="en").text == "Customers can pay with BLIK."


def test_language_trailer_order_does_not_matter_and_blank_falls_back() -> None:
    first = make_commit("x", trailers=["Client-PL: Po polsku.", "Client: In English."])
    assert client_text(first, "pl") == "Po polsku."
    blank = make_commit("x", trailers=["Client: In English.", "Client-pl:  "])
    assert client_text(blank, "pl") == "In English."
    assert client_text(make_commit("x"), "pl") is None


# --- milestones, helpers -----------------------------------------------------------------------


def test_milestone_of_reports_unknown_trailer_ids() -> None:
    ids = {"payments", "launch"}
    assert milestone_of(make_commit("fix: x", trailers=["Milestone: payments"]), ids) == ("payments", None)
    assert milestone_of(make_commit("fix: x", trailers=["Milestone: Launch "]), ids) == ("launch", None)
    assert milestone_of(make_commit("fix: x", trailers=["Milestone: paymnts"]), ids) == ("", "paymnts")
    assert milestone_of(make_commit("fix(launch): x", trailers=["Milestone: nope"]), ids) == ("launch", "nope")
    assert milestone_of(make_commit("feat(cart,payments): x"), ids) == ("payments", None)
    assert milestone_of(make_commit("feat(cart): x"), ids) == ("", None)
    assert milestone_of(make_commit("feat(payments): x"), ()) == ("", None)


def test_hidden_commits_keep_nothing(rules) -> None:
    change = classify(
        make_commit("feat(payments): secret admin", trailers=["Internal: yes"]), rules, milestone_ids={"payments"}
    )
    assert (change.kind, change.text, change.milestone) == ("hidden", "", "")


def test_date_is_the_authored_calendar_day(rules) -> None:
    late_evening = dt.datetime(2026, 11, 20, 23, 30, tzinfo=dt.timezone(dt.timedelta(hours=-5)))
    change = classify(make_commit("feat: x y", authored=late_evening), rules)
    assert change.date == dt.date(2026, 11, 20)  # 04:30 on the 21st in UTC


def test_script_text_survives_unchanged(rules) -> None:
    text = "<script>alert(1)</script>"
    assert classify(make_commit(f"feat: {text}"), rules).text == text
    note = classify(make_commit("chore: x", trailers=[f"Client: {text} & <b>bold</b>"]), rules)
    assert note.text == f"{text} & <b>bold</b>"


def test_classify_all_keeps_order_and_hidden(rules) -> None:
    commits = [make_commit("feat: a thing"), make_commit("Merge x", parents=2), make_commit("chore: b")]
    kinds = [change.kind for change in classify_all(commits, rules, language="pl")]
    assert kinds == ["new", "hidden", "counted"]


@pytest.mark.parametrize(
    ("subject", "type_", "scope", "breaking", "description"),
    [
        ("feat(cart)!: add gift cards", "feat", "cart", True, "add gift cards"),
        ("Fix: broken link", "fix", None, False, "broken link"),
        ("Update README", None, None, False, "Update README"),
        ("https://example.com is down", None, None, False, "https://example.com is down"),
        ("ABC-12: fix cart", None, None, False, "ABC-12: fix cart"),
    ],
)
def test_parse_subject(subject: str, type_: str | None, scope: str | None, breaking: bool, description: str) -> None:
    header = parse_subject(subject)
    assert (header.type, header.scope, header.breaking, header.description) == (type_, scope, breaking, description)


@pytest.mark.parametrize(
    ("subject", "cleaned"),
    [
        ("feat: add x (ABC-1) and y [ABC-2].", "Add x and y"),
        ("fix: crash (#1), now fixed", "Crash, now fixed"),
        ("fix: #12 - totals off by one cent", "Totals off by one cent"),
        ("feat: wizard (step-2) for returns", "Wizard (step-2) for returns"),
        ("fix: price shown as &#163;", "Price shown as &#163;"),
        ("feat: GitLab !45 merged widget", "GitLab merged widget"),
        (
            "fix: see https://jira.agency.example/browse/ABC-1 for details",
            "See https://jira.agency.example/browse/ABC-1 for details",
        ),
        ("fix: support CVE-2024-1234 and SHA-256 checks", "Support CVE-2024-1234 and SHA-256 checks"),
        ("feat: wait for it...", "Wait for it..."),
        ("feat:   lots   of   space  ", "Lots of space"),
    ],
)
def test_clean_subject(subject: str, cleaned: str) -> None:
    assert clean_subject(subject) == cleaned


@pytest.mark.parametrize(
    ("subject", "cleaned"),
    [
        ("Fix the basket refs #12", "Fix the basket"),
        ("Fix the basket - closes ABC-12.", "Fix the basket"),
        ("Fix the basket, see SHOP-3\u2003.\u00a0", "Fix the basket"),
        ("Fix the basket refs #12 for 3 shops", "Fix the basket refs for 3 shops"),
        ("ABC-1, ABC-2: new export", "New export"),
        # the client's own words with a number are no ticket ids, and never cut
        (
            "feat: discount code BLACK-FRIDAY-2026 works at checkout",
            "Discount code BLACK-FRIDAY-2026 works at checkout",
        ),
        ("feat: discount code BLACK-FRIDAY-2026", "Discount code BLACK-FRIDAY-2026"),
        (
            "feat: prices for the GLA-200 and the CLA-45 in the configurator",
            "Prices for the GLA-200 and the CLA-45 in the configurator",
        ),
        ("fix: USB-3 adapters listed twice", "USB-3 adapters listed twice"),
        ("fix: order #48213 can be refunded again", "Order #48213 can be refunded again"),
        ("fix: zwrot dla zamówienia #48213", "Zwrot dla zamówienia #48213"),
        ("fix: GLA-200 page (SHOP-7)", "GLA-200 page"),
        # a word and number closing the sentence is the client's; after a separator, a ticket's
        ("feat: New product page for the GLA-200", "New product page for the GLA-200"),
        ("feat: Kod rabatowy LATO-2026", "Kod rabatowy LATO-2026"),
        ("feat: Banner for USB-3", "Banner for USB-3"),
        ("fix: totals off by one cent - ABC-12", "Totals off by one cent"),
        ("fix: totals off by one cent — ABC-12.", "Totals off by one cent"),
        ("fix: totals off by one cent | ABC-12", "Totals off by one cent"),
    ],
)
def test_ticket_ids_go_only_where_they_are_ticket_ids(subject: str, cleaned: str) -> None:
    assert clean_subject(subject) == cleaned


@pytest.mark.parametrize(
    ("description", "cleaned"),
    [
        ("Prices for GLA-200", "Prices for GLA-200"),  # at the end, but not the team's prefix
        ("GLA-200: new photos", "GLA-200: new photos"),
        ("Fix the basket SHOP-41 for guests", "Fix the basket for guests"),  # the team's, anywhere
        ("Fix the basket (SHOP-41, PAY-2)", "Fix the basket"),
        ("Fix the basket refs #12", "Fix the basket"),
    ],
)
def test_the_clients_ticket_prefixes_decide(description: str, cleaned: str) -> None:
    assert clean_description(description, ("SHOP", "PAY")) == cleaned
