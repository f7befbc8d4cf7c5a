"""The catalogue workflow: ``python -m conference.translations.tool update|compile|check``.

- ``update``: extract every interface string (``babel.cfg``: Python, Jinja templates, our JS) into
  ``messages.pot``; bring each language's ``messages.po`` up to date, keeping its translations;
  fill in translations from the fragment files ``fragments/<area>.<lang>.po`` (each part of the
  app keeps its own); make English complete (the msgids are English). Reports fragment entries
  whose msgid is no longer used.
- ``compile``: write the ``.mo`` files (the app also compiles stale ones when it starts).
- ``check``: exit 1 listing every string without a finished translation in a language that must
  be complete (Latvian, English), and every string marked ``[partner]`` (in a ``TRANSLATORS:``
  comment before it) missing in any configured language; other gaps are counted only.

See docs/i18n.md.
"""

from __future__ import annotations

import argparse
import copy
import io
import sys
from collections.abc import Iterable
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po, write_po

from conference.translations import TRANSLATIONS_DIR, compile_catalogue

ROOT = TRANSLATIONS_DIR.parent.parent
POT_PATH = TRANSLATIONS_DIR / "messages.pot"
FRAGMENTS_DIR = TRANSLATIONS_DIR / "fragments"
LANGUAGES = ("lv", "en", "et", "it", "es", "pt", "de")
COMPLETE_LANGUAGES = ("lv", "en")
# A translator comment containing this marks a string that partners see (their upload page):
# ``{# TRANSLATORS: [partner] the upload button #}`` or ``# TRANSLATORS: [partner] …``.
PARTNER_MARK = "[partner]"
KEYWORDS = {
    **DEFAULT_KEYWORDS,
    "_l": None,
    "lazy_gettext": None,
    "lazy_ngettext": (1, 2),
    "lazy_pgettext": ((1, "c"), 2),
}
COMMENT_TAGS = ("TRANSLATORS:",)
# CLDR's rule, with the zero form first (0, 10, 11-19 -> 0; 1, 21 -> 1; 2-9, 22 -> 2).
LV_PLURAL_FORMS = (
    "nplurals=3; plural=(n%10==0 || (n%100>=11 && n%100<=19)) ? 0 : "
    "((n%10==1 && n%100!=11) ? 1 : 2);"
)


def extract(root: Path | None = None) -> Catalog:
    """Every interface string of the tree, as a template catalogue (nothing written)."""
    root = root or ROOT
    with (root / "babel.cfg").open(encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    template = Catalog(project="conference", version="0.1", charset="utf-8", fuzzy=False)
    found = extract_from_dir(
        str(root), method_map, options_map, keywords=KEYWORDS, comment_tags=COMMENT_TAGS
    )
    for filename, lineno, message, comments, context in found:
        template.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return template


def catalogue_path(lang: str) -> Path:
    return TRANSLATIONS_DIR / lang / "LC_MESSAGES" / "messages.po"


def load_catalogue(lang: str) -> Catalog:
    """The language's catalogue as stored (an empty one if it does not exist yet)."""
    path = catalogue_path(lang)
    if not path.exists():
        catalog = Catalog(locale=lang, project="conference", version="0.1", fuzzy=False)
    else:
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=lang)
    if lang == "lv":
        # Babel would write its own older Latvian rule; keep CLDR's, as the header says.
        catalog.mime_headers = [("Plural-Forms", LV_PLURAL_FORMS)]
    return catalog


def is_translated(message: Message | None, num_plurals: int) -> bool:
    """Present, not fuzzy, and every form (all ``num_plurals`` for a plural) non-empty."""
    if message is None or message.fuzzy:
        return False
    if message.pluralizable:
        forms = message.string if isinstance(message.string, tuple | list) else ()
        return len(forms) >= num_plurals and all(forms[:num_plurals])
    return bool(message.string)


def untranslated(template: Catalog, catalog: Catalog) -> list[Message]:
    """The template's messages without a finished translation in ``catalog``."""
    return [
        message
        for message in template
        if message.id
        and not is_translated(catalog.get(message.id, message.context), catalog.num_plurals)
    ]


def is_partner_string(message: Message) -> bool:
    return any(PARTNER_MARK in comment for comment in message.auto_comments)


def load_fragments(lang: str) -> list[tuple[Path, Catalog]]:
    """The fragment catalogues of ``lang`` (``fragments/*.<lang>.po``), in file-name order."""
    fragments = []
    for path in sorted(FRAGMENTS_DIR.glob(f"*.{lang}.po")):
        with path.open("rb") as handle:
            fragments.append((path, read_po(handle, locale=lang)))
    return fragments


def apply_fragments(catalog: Catalog, fragments: Iterable[tuple[Path, Catalog]]) -> list[str]:
    """Copy the fragments' translations into ``catalog``; return notes on what did not fit.

    A fragment's translation replaces the catalogue's (fragments are where translations are
    kept). Where two fragments translate one msgid differently, the first file name wins.
    """
    notes = []
    taken: dict[tuple, tuple[str, object]] = {}
    for path, fragment in fragments:
        for entry in fragment:
            if not entry.id or not entry.string or entry.fuzzy:
                continue
            target = catalog.get(entry.id, entry.context)
            if target is None:
                notes.append(f"{path.name}: msgid {_shown(entry.id)} is not used any more")
                continue
            if target.pluralizable != entry.pluralizable:
                notes.append(f"{path.name}: msgid {_shown(entry.id)} differs in plural form")
                continue
            key = (_shown(entry.id), entry.context)
            if key in taken:
                first_file, first_string = taken[key]
                if first_string != entry.string:
                    notes.append(
                        f"{path.name}: msgid {key[0]} is translated differently in {first_file}"
                        f" (kept)"
                    )
                continue
            taken[key] = (path.name, entry.string)
            target.string = entry.string
            target.flags.discard("fuzzy")
    return notes


def fill_english(catalog: Catalog) -> None:
    """The msgids are English: an empty English translation is the msgid itself."""
    for message in catalog:
        if not message.id or is_translated(message, catalog.num_plurals):
            continue
        message.string = tuple(message.id) if message.pluralizable else message.id
        message.flags.discard("fuzzy")


def update(languages: Iterable[str] | None = None) -> list[str]:
    """Extract, write ``messages.pot``, update and fill every catalogue; return the notes."""
    languages = LANGUAGES if languages is None else languages
    template = extract()
    _write(POT_PATH, template)
    notes = []
    for lang in languages:
        catalog = load_catalogue(lang)
        # Babel's update() adopts the template's new Message objects; give each its own copy.
        catalog.update(copy.deepcopy(template), no_fuzzy_matching=True, update_creation_date=False)
        notes += apply_fragments(catalog, load_fragments(lang))
        if lang == "en":
            fill_english(catalog)
        catalogue_path(lang).parent.mkdir(parents=True, exist_ok=True)
        _write(catalogue_path(lang), catalog)
    return notes


def compile_all() -> list[Path]:
    """Write the ``.mo`` file of every catalogue."""
    return [compile_catalogue(path) for path in sorted(TRANSLATIONS_DIR.glob("*/LC_MESSAGES/*.po"))]


def check(
    languages: Iterable[str] | None = None, complete: Iterable[str] | None = None
) -> tuple[list[str], list[str]]:
    """``(problems, counts)``: strings that must be translated and are not; per-language gaps."""
    languages = LANGUAGES if languages is None else languages
    complete = set(COMPLETE_LANGUAGES if complete is None else complete)
    template = extract()
    problems, counts = [], []
    for lang in languages:
        missing = untranslated(template, load_catalogue(lang))
        required = missing if lang in complete else [m for m in missing if is_partner_string(m)]
        problems += [f"{lang}: {_shown(message.id)}" for message in required]
        counts.append(
            f"{lang}: {len(missing)} of {len([m for m in template if m.id])} untranslated"
        )
    return problems, counts


def _shown(msgid) -> str:
    return repr(msgid[0] if isinstance(msgid, tuple | list) else msgid)


def _write(path: Path, catalog: Catalog) -> None:
    """Write the catalogue, unless only its dates would change (keeps diffs quiet)."""
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=100, sort_output=True, ignore_obsolete=True)
    if path.exists() and _without_dates(path.read_bytes()) == _without_dates(buffer.getvalue()):
        return
    path.write_bytes(buffer.getvalue())


def _without_dates(content: bytes) -> list[bytes]:
    dated = (b'"POT-Creation-Date:', b'"PO-Revision-Date:')
    return [line for line in content.splitlines() if not line.startswith(dated)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m conference.translations.tool")
    parser.add_argument("command", choices=("update", "compile", "check"))
    parser.add_argument(
        "--complete",
        default=",".join(COMPLETE_LANGUAGES),
        help="languages that must be complete (comma-separated; default: %(default)s)",
    )
    args = parser.parse_args(argv)
    if args.command == "update":
        for note in update():
            print(note, file=sys.stderr)
        print(f"updated {POT_PATH.name} and {len(LANGUAGES)} catalogues")
        return 0
    if args.command == "compile":
        print(f"compiled {len(compile_all())} catalogues")
        return 0
    problems, counts = check(complete=[c for c in args.complete.split(",") if c])
    for line in counts:
        print(line)
    for line in problems:
        print(f"untranslated {line}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
