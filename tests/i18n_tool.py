"""Keep sales_plus's translation files in step with its .pot.

    python tests/i18n_tool.py merge   # add new terms of the .pot to zh_CN.po / zh_TW.po,
                                      # drop obsolete ones, keep existing translations
    python tests/i18n_tool.py check   # exit 1 when a term is missing, untranslated,
                                      # fuzzy, or its placeholders differ from the source

The .pot itself is generated from the code by ``make pot`` (Odoo's own exporter).
"""

import re
import sys
from pathlib import Path

import polib

I18N = Path(__file__).resolve().parent.parent / "addons" / "sales_plus" / "i18n"
POT = I18N / "sales_plus.pot"
LANGUAGES = {"zh_CN": "Chinese (Simplified) / 简体中文", "zh_TW": "Chinese (Traditional) / 繁體中文"}

# %(name)s, %s, %d, {name}, {0}; and Odoo's QWeb/JS placeholders like %(count)s
PLACEHOLDER = re.compile(r"%\([a-zA-Z_]\w*\)[sdfr]|%[sdfr]|\{[a-zA-Z_0-9]*\}")
TAG = re.compile(r"</?([a-zA-Z][a-zA-Z0-9]*)")


def placeholders(text):
    return sorted(PLACEHOLDER.findall(text))


def tags(text):
    return sorted(TAG.findall(text))


def key(entry):
    return (entry.msgctxt, entry.msgid)


def merge():
    pot = polib.pofile(str(POT))
    for lang in LANGUAGES:
        path = I18N / f"{lang}.po"
        old = {key(e): e for e in polib.pofile(str(path))} if path.exists() else {}
        po = polib.POFile(wrapwidth=78)
        po.metadata = dict(pot.metadata)
        po.metadata.update({"Language": lang, "Plural-Forms": "nplurals=1; plural=0;"})
        for entry in pot:
            previous = old.get(key(entry))
            po.append(
                polib.POEntry(
                    msgid=entry.msgid,
                    msgctxt=entry.msgctxt,
                    msgstr=previous.msgstr if previous else "",
                    occurrences=entry.occurrences,
                    comment=entry.comment,
                    tcomment=entry.tcomment,
                    flags=[f for f in entry.flags if f != "fuzzy"],
                )
            )
        po.save(str(path))
        missing = sum(1 for e in po if not e.msgstr)
        print(f"{path.name}: {len(po)} terms, {missing} untranslated")


def problems():
    """Every problem of the translation files, as human-readable lines."""
    found = []
    if (I18N / "zh.po").exists():
        found.append("zh.po must not exist: Odoo 19 loads it under zh_TW too")
    pot = polib.pofile(str(POT))
    source = {key(e) for e in pot}
    for lang in LANGUAGES:
        path = I18N / f"{lang}.po"
        if not path.exists():
            found.append(f"{path.name} is missing")
            continue
        po = polib.pofile(str(path))
        entries = {key(e): e for e in po if not e.obsolete}
        for missing in sorted(source - set(entries), key=str):
            found.append(f"{lang}: term missing: {missing[1]!r}")
        for extra in sorted(set(entries) - source, key=str):
            found.append(f"{lang}: term not in the .pot: {extra[1]!r}")
        for entry in entries.values():
            if not entry.msgstr.strip():
                found.append(f"{lang}: untranslated: {entry.msgid!r}")
            elif "fuzzy" in entry.flags:
                found.append(f"{lang}: fuzzy: {entry.msgid!r}")
            elif placeholders(entry.msgid) != placeholders(entry.msgstr):
                found.append(f"{lang}: placeholders differ: {entry.msgid!r} -> {entry.msgstr!r}")
            elif tags(entry.msgid) != tags(entry.msgstr):
                found.append(f"{lang}: markup differs: {entry.msgid!r} -> {entry.msgstr!r}")
    return found


def check():
    found = problems()
    for line in found:
        print(line)
    print(f"{len(found)} translation problem(s)")
    return 1 if found else 0


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "check"
    if command == "merge":
        merge()
    elif command == "check":
        sys.exit(check())
    else:
        sys.exit(f"usage: {sys.argv[0]} merge|check")
