#!/usr/bin/env python3
"""Writes src/country_table.rs: the region (ISO 3166-1 alpha-2 code) of an E.164
number as libphonenumber finds it, as a table of digit prefixes searched by
longest prefix, taken from libphonenumber's metadata in the PyPI package
`phonenumbers` (a port of Google's libphonenumber), so no table is typed by hand.

    .venv/bin/python scripts/country-table.py           rewrite src/country_table.rs
    .venv/bin/python scripts/country-table.py --check   fail if it is not what this makes

It needs the pinned versions below (`sh scripts/setup.sh --test` installs them
into .venv). `greenery` turns the metadata's patterns into automata, to tell
exactly which regions get numbers starting with given digits.

How the prefixes are derived. A calling code of one region maps to it, as
libphonenumber maps every number of that code to it; a non-geographic code
(region "001": +800, +882, ...) and an unassigned one map to nothing. A code
shared by several regions (+1, +7, +44, ...) is split digit by digit of the
national number, the way libphonenumber decides: it takes the regions in the
metadata's order, and the first that claims the number wins; a region with
`leadingDigits` claims every number starting with them, any other only the
numbers valid for it (national number patterns of its number types). A
prefix is settled when one region is the only one that gets numbers
starting with it; numbers under it that no region claims (invalid ones) are
answered with that region, where libphonenumber finds none. Prefixes still
unsettled after MAX_DEPTH national digits take the first region that gets
some of their numbers (the generated file lists them). Each node of the
tree then answers what most of its children do, and only the nodes whose
answer differs from their parent's become entries.
"""

import sys
from pathlib import Path

PHONENUMBERS = "9.0.43"
GREENERY = "4.2.3"
MAX_DEPTH = 7

OUT = Path(__file__).resolve().parent.parent / "src" / "country_table.rs"

try:
    from importlib.metadata import version

    import phonenumbers
    from greenery import parse
except ImportError:
    sys.exit(f"needs phonenumbers=={PHONENUMBERS} and greenery=={GREENERY}: "
             "sh scripts/setup.sh --test installs them into .venv")
if (phonenumbers.__version__, version("greenery")) != (PHONENUMBERS, GREENERY):
    sys.exit(f"needs phonenumbers=={PHONENUMBERS} and greenery=={GREENERY}, found "
             f"{phonenumbers.__version__} and {version('greenery')}: "
             f".venv/bin/pip install phonenumbers=={PHONENUMBERS} greenery=={GREENERY}")

from phonenumbers import PhoneMetadata  # noqa: E402
from phonenumbers.phonenumberutil import COUNTRY_CODE_TO_REGION_CODE  # noqa: E402

NON_GEOGRAPHIC = "001"
# The number types _number_type_helper tries.
TYPES = ("premium_rate", "toll_free", "shared_cost", "voip", "personal_number", "pager",
         "uan", "voicemail", "fixed_line", "mobile")


def metadata(region):
    return PhoneMetadata.metadata_for_region(region)


def possible_lengths(region):
    """National number lengths a number of the region may have when dialled
    from abroad (local-only lengths are not)."""
    return sorted(set(metadata(region).general_desc.possible_length))


def language(region):
    """The national numbers libphonenumber's _region_code_for_number_from_list
    lets the region claim, as an automaton: those starting with its
    leadingDigits when it has them, else those of its general description that
    one of its number types matches, each at a length that type allows."""
    m = metadata(region)
    if m.leading_digits is not None:
        return parse(f"(?:{m.leading_digits})[0-9]*").to_fsm()

    def described(desc, lengths):
        lengths = "|".join(f"[0-9]{{{n}}}" for n in sorted(set(lengths)))
        return parse(desc.national_number_pattern).to_fsm().intersection(parse(lengths).to_fsm())

    general = m.general_desc
    claimed = None
    for name in TYPES:
        desc = getattr(m, name)
        if desc is None or desc.national_number_pattern is None:
            continue
        fsm = described(desc, desc.possible_length or general.possible_length)
        claimed = fsm if claimed is None else claimed.union(fsm)
    return claimed.intersection(described(general, general.possible_length))


class Automaton:
    """A region's share of a calling code, walked digit by digit: which
    states can still reach a number the region gets."""

    def __init__(self, fsm):
        self.fsm = fsm
        self.symbol = {d: next(c for c in fsm.alphabet if c.accepts(d)) for d in "0123456789"}
        live = set(fsm.finals)
        while True:
            more = {s for s in fsm.states if s not in live
                    and any(t in live for t in fsm.map.get(s, {}).values())}
            if not more:
                break
            live |= more
        self.live = live

    def reaches(self, digits):
        """Whether some national number starting with `digits` is the region's."""
        state = self.fsm.initial
        for d in digits:
            state = self.fsm.map.get(state, {}).get(self.symbol[d])
            if state is None:
                return False
        return state in self.live


def shares(regions):
    """Each region's share of a calling code: the numbers it claims that no
    region before it in the metadata's order claims (the first claim wins)."""
    out, before = [], None
    for r in regions:
        claimed = language(r)
        out.append((r, Automaton(claimed if before is None else claimed.difference(before))))
        before = claimed if before is None else before.union(claimed)
    return out


class Node:
    def __init__(self, answer, children=None):
        self.answer = answer  # a region, None, or "split" with children
        self.children = children or {}


def split(shares, digits, stats):
    """The prefix tree under `digits`: a leaf when at most one region gets
    numbers starting with them."""
    open_ = [r for r, automaton in shares if automaton.reaches(digits)]
    if len(open_) <= 1:
        return Node(open_[0] if open_ else None)
    if len(digits) >= MAX_DEPTH:
        key = (stats["code"], digits[:3], ", ".join(open_))
        stats["unsettled"][key] = stats["unsettled"].get(key, 0) + 1
        return Node(open_[0])
    return Node("split", {d: split(shares, digits + d, stats) for d in "0123456789"})


def best(node):
    """The answers that would spare the most entries under the node
    (Hartigan's parsimony): a leaf's own; a split node's, the answers most of
    its children can give."""
    if node.answer != "split":
        node.best = {node.answer}
        return node.best
    counts = {}
    for child in node.children.values():
        for answer in best(child):
            counts[answer] = counts.get(answer, 0) + 1
    most = max(counts.values())
    node.best = {a for a, n in counts.items() if n == most}
    return node.best


def entries(node, prefix, inherited, out):
    """Longest-prefix entries for the tree under `prefix`, given the answer a
    shorter prefix already gives: each split node answers what most of its
    children do, so that only the others need entries."""
    if inherited in node.best:
        own = inherited
    else:
        own = min(node.best, key=lambda a: (a is not None, a or ""))
        out.append((prefix, own))
    for d, child in node.children.items():
        entries(child, prefix + d, own, out)


def table():
    regions = sorted({r for rs in COUNTRY_CODE_TO_REGION_CODE.values() for r in rs} - {NON_GEOGRAPHIC})
    prefixes = []
    stats = {"unsettled": {}}
    for code, rs in sorted(COUNTRY_CODE_TO_REGION_CODE.items()):
        stats["code"] = code
        if NON_GEOGRAPHIC in rs:
            assert rs == (NON_GEOGRAPHIC,), (code, rs)
            continue
        if len(rs) == 1:
            prefixes.append((str(code), rs[0]))
        else:
            tree = split(shares(rs), "", stats)
            best(tree)
            entries(tree, str(code), None, prefixes)
    prefixes.sort(key=lambda e: int(e[0]))
    return regions, prefixes, stats


def calling_code(region):
    return metadata(region).country_code


def render():
    regions, prefixes, stats = table()
    index = {r: i for i, r in enumerate(regions)}
    assert len(regions) < 255
    # src/country.rs looks prefixes up as u32: 9 digits always fit.
    assert max(len(p) for p, _ in prefixes) <= 9
    shared = sum(1 for rs in COUNTRY_CODE_TO_REGION_CODE.values() if len(rs) > 1)
    lines = [
        f"//! Generated by scripts/country-table.py from libphonenumber's metadata as the PyPI",
        f"//! package phonenumbers {PHONENUMBERS} ships it (Apache-2.0; Copyright (C) 2009 The",
        f"//! Libphonenumber Authors, <https://github.com/google/libphonenumber>).",
        f"//! Do not edit: regenerate with `.venv/bin/python scripts/country-table.py` (after",
        f"//! raising the pinned version there), then run `cargo test`; the test",
        f"//! tests/country_vs_libphonenumber.rs compares it with the package.",
        f"//!",
        f"//! A calling code of one region maps to it, as in libphonenumber; a shared one",
        f"//! ({shared} codes) by longest prefix of the national number, each prefix the",
        f"//! region that libphonenumber's leadingDigits or number patterns give every",
        f"//! number that starts with it and that some region claims (regions tried in the",
        f"//! metadata's order, the first claim winning). Invalid numbers no region claims",
        f"//! get the region of their prefix. Prefixes still undecided after {MAX_DEPTH} national",
        f"//! digits, where the region depends on the number's length or last digits,",
        f"//! take the first region in that order that may claim them:",
    ]
    for (code, start, open_), n in sorted(stats["unsettled"].items()):
        lines.append(f"//! - +{code} {start}...: {n} prefixes of {MAX_DEPTH} digits, {open_} (answered {open_.split(',')[0]})")
    lines += [
        f"//!",
        f"//! Non-geographic codes (+800, +882, ...) and unassigned ones have no entry.",
        f"//! libphonenumber also reads a national prefix written after the calling code",
        f"//! (+44 020..., +358 04...) as if absent; the table does not.",
        f"//! rustfmt skips the tables.",
        "",
        "use crate::country::Region;",
        "",
        "/// The version of the PyPI package phonenumbers this table is made from.",
        f'pub const PHONENUMBERS_VERSION: &str = "{PHONENUMBERS}";',
        "",
        "/// Every region, by code: its calling code and the lengths of its national",
        "/// numbers (libphonenumber's possibleLengths, local-only lengths left out).",
        "#[rustfmt::skip]",
        "pub const REGIONS: &[Region] = &[",
    ]
    for r in regions:
        lengths = ", ".join(str(n) for n in possible_lengths(r))
        lines.append(f'    Region {{ code: "{r}", calling_code: {calling_code(r)}, possible_lengths: &[{lengths}] }},')
    lines += [
        "];",
        "",
        "/// The answer of a prefix that has no region (it overrides a shorter one).",
        "pub const NO_REGION: u8 = u8::MAX;",
        "",
        f"/// Digit prefixes of E.164 numbers (calling code first, no `+`), as numbers",
        f"/// (the first digit is never 0, so a value is one prefix), ascending.",
        "#[rustfmt::skip]",
        "pub const PREFIXES: &[u32] = &[",
    ]
    for i in range(0, len(prefixes), 8):
        lines.append("    " + " ".join(f"{p}," for p, _ in prefixes[i:i + 8]))
    lines += [
        "];",
        "",
        "/// The region of each prefix, as an index into [`REGIONS`], or [`NO_REGION`].",
        "#[rustfmt::skip]",
        "pub const PREFIX_REGIONS: &[u8] = &[",
    ]
    for i in range(0, len(prefixes), 8):
        chunk = prefixes[i:i + 8]
        cells = [f"{index[r] if r else 'NO_REGION'}," for _, r in chunk]
        names = " ".join(r or "-" for _, r in chunk)
        lines.append("    " + " ".join(cells) + f" // {names}")
    lines.append("];")
    return "\n".join(lines) + "\n"


def main():
    text = render()
    if sys.argv[1:] == ["--check"]:
        if OUT.read_text() != text:
            sys.exit(f"{OUT} is not what {Path(__file__).name} makes with phonenumbers "
                     f"{PHONENUMBERS}; regenerate it")
    elif sys.argv[1:]:
        sys.exit(__doc__)
    else:
        OUT.write_text(text)


main()
