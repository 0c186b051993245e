"""Phone numbers and libphonenumber's answers about them, for
tests/country_vs_libphonenumber.rs to compare with src/country.rs.

    .venv/bin/python tests/libphonenumber/numbers.py [COUNT] [SEED]

Uses the PyPI package phonenumbers that scripts/country-table.py generates the
table from (the version pinned there; scripts/setup.sh --test installs it).
Prints, first, a line per region of the metadata:

    region CODE CALLING_CODE LENGTH,LENGTH,...

then COUNT (default 5000) E.164 numbers drawn with the seed (default 2026):

    number +E164 REGION VALID STRIPPED

REGION is what region_code_for_number answers ("-" for none, non-geographic
"001" included; "!" when parse refuses the number), VALID is 1 when
is_valid_number says so, STRIPPED is 1 when parse read the digits after the
calling code as a national prefix and a national number (+44 020...). The numbers cover every calling code (and a few
unassigned ones): libphonenumber's example numbers with their last digits
redrawn, and random digits at each length the code's regions allow and at
any length E.164 allows.
"""

import random
import sys

import phonenumbers
from phonenumbers import PhoneMetadata
from phonenumbers.phonenumberutil import COUNTRY_CODE_TO_REGION_CODE, NumberParseException

TYPES = ("premium_rate", "toll_free", "shared_cost", "voip", "personal_number", "pager",
         "uan", "voicemail", "fixed_line", "mobile")
UNASSIGNED = (28, 292, 295, 384, 422, 671, 693, 801, 999)


def metadata(code, region):
    if region == "001":
        return PhoneMetadata.metadata_for_nongeo_region(code)
    return PhoneMetadata.metadata_for_region(region)


def examples(code):
    out = []
    for region in COUNTRY_CODE_TO_REGION_CODE[code]:
        m = metadata(code, region)
        for name in TYPES:
            desc = getattr(m, name)
            if desc is not None and desc.example_number:
                out.append(desc.example_number)
    return out


def lengths(code):
    out = set()
    for region in COUNTRY_CODE_TO_REGION_CODE[code]:
        out.update(metadata(code, region).general_desc.possible_length)
    return sorted(n for n in out if n > 0)


def draw(rng, code):
    """A national number for the calling code: an example number with up to
    four last digits redrawn (half the time), else random digits at one of
    the code's lengths (mostly) or at any length E.164 allows."""
    room = 15 - len(str(code))
    known = COUNTRY_CODE_TO_REGION_CODE.get(code)
    pick = rng.random()
    if known and pick < 0.5 and examples(code):
        example = rng.choice(examples(code))
        keep = max(0, len(example) - rng.randint(1, 4))
        return example[:keep] + "".join(rng.choice("0123456789") for _ in example[keep:])
    if known and pick < 0.9 and lengths(code):
        length = rng.choice(lengths(code))
    else:
        length = rng.randint(1, room)
    return "".join(rng.choice("0123456789") for _ in range(min(length, room)))


def answer(e164, code):
    try:
        number = phonenumbers.parse(e164, None)
    except NumberParseException:
        return "!", 0, 0
    region = phonenumbers.region_code_for_number(number)
    found = "-" if region in (None, "ZZ", "001") else region
    national = phonenumbers.national_significant_number(number)
    stripped = national != e164[1 + len(str(code)):]
    return found, int(phonenumbers.is_valid_number(number)), int(stripped)


def main():
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    rng = random.Random(int(sys.argv[2]) if len(sys.argv) > 2 else 2026)
    print(f"version {phonenumbers.__version__}")
    for code, regions in sorted(COUNTRY_CODE_TO_REGION_CODE.items()):
        for region in regions:
            if region != "001":
                possible = sorted(set(metadata(code, region).general_desc.possible_length))
                print(f"region {region} {code} {','.join(map(str, possible))}")
    codes = sorted(COUNTRY_CODE_TO_REGION_CODE) + list(UNASSIGNED)
    shared = [c for c in codes if len(COUNTRY_CODE_TO_REGION_CODE.get(c, ())) > 1]
    shared += [1, 1]  # the NANP, with its 25 regions, three times as often
    for i in range(count):
        # Every code in turn, and as many from the shared ones (+1, +7, +44, ...).
        code = codes[i % len(codes)] if i % 2 == 0 else rng.choice(shared)
        e164 = f"+{code}{draw(rng, code)}"
        region, valid, stripped = answer(e164, code)
        print(f"number {e164} {region} {valid} {stripped}")


main()
