"""Channel groups (SPEC 6.4): GA4's default channel rules, kept as data and evaluated here."""

import csv
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from typing import Any

import yaml
from sqlalchemy import Connection, delete, insert, select

from leadboard.db.schema import meta
from leadboard.i18n import WORDS, t

FIELDS = ("source", "medium", "campaign")
TESTS = ("equals", "one_of", "in_list", "matches", "contains", "ends_with")
CATEGORIES = ("search", "social", "shopping", "video")

# Channels that do not come from the rules: set by created_via when a lead has no source/medium.
CREATED_VIA_CHANNELS = {"chat": "Chat", "import": "Import", "api": "API", "manual": "Manual"}


def channel_key(name: str) -> str:
    """The stable key of a channel: the slug of its name (`Organic Search` -> `organic-search`)."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


# key -> English name of the shipped channels (their words, in both languages, are in i18n.py)
CHANNEL_NAMES = {
    key.removeprefix("channel."): en for key, (en, _) in WORDS.items() if key.startswith("channel.")
}


def channel_label(key: str, lang: str, names: Mapping[str, str] | None = None) -> str:
    """A channel key's name: the shipped channels in both languages; a channel of imported rules
    by the name its rules give (`names`, from `rule_channel_names`), else its key made readable."""
    if key in CHANNEL_NAMES:
        return t(lang, f"channel.{key}")
    return (names or {}).get(key) or key.replace("-", " ").capitalize()


@cache
def source_categories() -> dict[str, frozenset[str]]:
    """category -> the sources in it (lower case), from the shipped GA4 list."""
    text = resources.files("leadboard.data").joinpath("source_categories.csv").read_text()
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    found: dict[str, set[str]] = {category: set() for category in CATEGORIES}
    for row in csv.DictReader(lines):
        found[row["category"]].add(row["source"])
    return {category: frozenset(sources) for category, sources in found.items()}


class RulesError(ValueError):
    """Invalid channel rules; `problems` lists every problem with its path."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class ChannelRules:
    rules: tuple[tuple[str, Any], ...]  # (channel name, compiled condition)
    document: Mapping[str, Any]  # the validated YAML document, for export

    def classify(self, source: str | None, medium: str | None, campaign: str | None) -> str:
        """The channel name for a (source, medium, campaign); matching ignores case.

        A missing value is `(not set)`, as in GA4 (SPEC 6.3 A1): a tag with only a source or
        only a medium is still matched by every rule that tests the half it has, and source
        `(direct)` without a medium is Direct.
        """
        values = {
            "source": _value(source),
            "medium": _value(medium),
            "campaign": _value(campaign),
        }
        for channel, condition in self.rules:
            if condition(values):
                return channel
        return "Unassigned"


# GA4's name for a missing source, medium or campaign.
NOT_SET = "(not set)"


def _value(text: str | None) -> str:
    return (text or "").strip().lower() or NOT_SET


def load_rules(document: Mapping[str, Any]) -> ChannelRules:
    """Validate and compile a rules document; raises RulesError naming every problem."""
    problems: list[str] = []
    if not isinstance(document, Mapping):
        raise RulesError(["the document must be a mapping with `rules`"])
    unknown = sorted(str(key) for key in document if key not in ("patterns", "rules"))
    if unknown:
        problems.append(f"unknown top-level key(s) {', '.join(unknown)} (use patterns, rules)")
    patterns = document.get("patterns") or {}
    if not isinstance(patterns, Mapping):
        problems.append("patterns: must be a mapping of name to regular expression")
        patterns = {}
    for name, pattern in patterns.items():
        if not isinstance(pattern, str):
            problems.append(f"patterns.{name}: must be a string (a regular expression)")
            continue
        try:
            re.compile(pattern)
        except re.error as exc:
            problems.append(f"patterns.{name}: bad regular expression ({exc})")
    rules = document.get("rules")
    if not isinstance(rules, list) or not rules:
        raise RulesError([*problems, "rules: must be a non-empty list"])
    compiled = []
    for index, rule in enumerate(rules):
        path = f"rules[{index}]"
        if not isinstance(rule, Mapping) or set(rule) != {"channel", "when"}:
            problems.append(f"{path}: needs exactly the keys `channel` and `when`")
            continue
        if not isinstance(rule["channel"], str) or not rule["channel"].strip():
            problems.append(f"{path}.channel: must be a non-empty name")
            continue
        condition = _compile(rule["when"], f"{path}.when", patterns, problems)
        compiled.append((rule["channel"].strip(), condition))
    if problems:
        raise RulesError(problems)
    return ChannelRules(tuple(compiled), document)


def _compile(node: Any, path: str, patterns: Mapping[str, Any], problems: list[str]) -> Any:
    if not isinstance(node, Mapping) or len(node) != 1:
        problems.append(f"{path}: must be one of all/any/{'/'.join(FIELDS)}")
        return _never
    ((name, body),) = node.items()
    if name in ("all", "any"):
        if not isinstance(body, list):
            problems.append(f"{path}.{name}: must be a list")
            return _never
        parts = [
            _compile(part, f"{path}.{name}[{i}]", patterns, problems) for i, part in enumerate(body)
        ]
        if name == "all":
            return lambda values: all(part(values) for part in parts)
        return lambda values: any(part(values) for part in parts)
    if name not in FIELDS:
        problems.append(f"{path}: unknown field {name!r} (use {', '.join(FIELDS)})")
        return _never
    if not isinstance(body, Mapping) or len(body) != 1:
        problems.append(f"{path}.{name}: must be one test ({', '.join(TESTS)})")
        return _never
    ((test, argument),) = body.items()
    return _test(name, test, argument, f"{path}.{name}.{test}", patterns, problems)


def _test(
    field: str,
    test: str,
    argument: Any,
    path: str,
    patterns: Mapping[str, Any],
    problems: list[str],
) -> Any:
    if test == "one_of":
        if not isinstance(argument, list) or not all(isinstance(v, str) for v in argument):
            problems.append(f"{path}: must be a list of strings")
            return _never
        options = frozenset(v.lower() for v in argument)
        return lambda values: values[field] in options
    if not isinstance(argument, str):
        problems.append(f"{path}: must be a string")
        return _never
    value = argument.lower()
    if test == "equals":
        return lambda values: values[field] == value
    if test == "contains":
        return lambda values: value in values[field]
    if test == "ends_with":
        return lambda values: values[field].endswith(value)
    if test == "in_list":
        if value not in CATEGORIES:
            problems.append(f"{path}: unknown list {argument!r} (use {', '.join(CATEGORIES)})")
            return _never
        sources = source_categories()[value]
        return lambda values: values[field] in sources
    if test == "matches":
        if argument.startswith("$"):
            if argument[1:] not in patterns:
                problems.append(f"{path}: unknown pattern {argument!r}")
                return _never
            argument = patterns[argument[1:]]
        try:
            regex = re.compile(str(argument), re.IGNORECASE)
        except re.error as exc:
            problems.append(f"{path}: bad regular expression ({exc})")
            return _never
        return lambda values: regex.fullmatch(values[field]) is not None
    problems.append(f"{path}: unknown test {test!r} (use {', '.join(TESTS)})")
    return _never


def _never(_values: Mapping[str, str]) -> bool:
    return False


def default_rules_text() -> str:
    """The shipped rules file, comments included (what `leadboard channels export` prints)."""
    return resources.files("leadboard.data").joinpath("channel_rules.yaml").read_text()


@cache
def default_rules() -> ChannelRules:
    return parse_rules(default_rules_text())


@lru_cache(maxsize=16)
def parse_rules(text: str) -> ChannelRules:
    """Rules from YAML text; raises RulesError naming every problem (YAML errors by line)."""
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise RulesError([f"{where}not valid YAML ({problem})"]) from None
    return load_rules(document)


# Imported rules are kept in the `meta` table as YAML text under this key; without it the
# shipped rules apply.
RULES_META_KEY = "channel_rules"


def stored_rules_text(conn: Connection) -> str | None:
    return conn.execute(select(meta.c.value).where(meta.c.key == RULES_META_KEY)).scalar()


def effective_rules_text(conn: Connection) -> str:
    return stored_rules_text(conn) or default_rules_text()


def effective_rules(conn: Connection) -> ChannelRules:
    """The rules in force: the imported ones, else the shipped GA4 rules."""
    text = stored_rules_text(conn)
    return parse_rules(text) if text else default_rules()


def rule_channel_names(conn: Connection) -> dict[str, str]:
    """key -> name of every channel the rules in force can give (imported rules name their own)."""
    return {channel_key(name): name for name, _ in effective_rules(conn).rules}


def save_rules(conn: Connection, text: str) -> ChannelRules:
    """Validate and store rules (RulesError names every problem; nothing is stored then)."""
    rules = parse_rules(text)
    conn.execute(delete(meta).where(meta.c.key == RULES_META_KEY))
    conn.execute(insert(meta).values(key=RULES_META_KEY, value=text))
    return rules


def forget_rules(conn: Connection) -> bool:
    """Drop imported rules, so the shipped ones apply again; False when none were stored."""
    return bool(conn.execute(delete(meta).where(meta.c.key == RULES_META_KEY)).rowcount)
