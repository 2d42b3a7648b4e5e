"""Fill empty msgstr entries of a .po file from a TSV of ``msgid<TAB>msgstr`` lines (a translator's helper).

Usage: python scripts/po_fill.py path/to/django.po translations.tsv
Existing translations are kept; entries still empty afterwards are listed so nothing is forgotten.
"""

import re
import sys


def main(po_path: str, tsv_path: str) -> int:
    table = {}
    with open(tsv_path, encoding="utf-8") as handle:
        for line in handle:
            line = line.rstrip("\n")
            if line and "\t" in line:
                key, value = line.split("\t", 1)
                table[key] = value
    text = open(po_path, encoding="utf-8").read()
    entries = re.split(r"\n\n", text)
    missing = []
    out = []
    for entry in entries:
        if "#, fuzzy" in entry and "Content-Type" not in entry:
            # msgmerge guessed from a similar msgid: never keep the guess.
            entry = re.sub(r'^(msgid ".*"\nmsgstr )".*"$', r'\1""', entry, flags=re.M)
        m = re.search(r'^msgid "(.*)"\nmsgstr ""$', entry, re.M)
        if m and m.group(1) and m.group(1) in table:
            value = table[m.group(1)].replace('"', '\\"')
            entry = entry[: m.start()] + f'msgid "{m.group(1)}"\nmsgstr "{value}"' + entry[m.end():]
        elif m and m.group(1):
            missing.append(m.group(1))
        out.append(entry.replace("#, fuzzy\n", "") if "Content-Type" not in entry else entry)
    open(po_path, "w", encoding="utf-8").write("\n\n".join(out))
    for msgid in missing:
        print(f"untranslated: {msgid}")  # noqa: T201
    return 0

if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
