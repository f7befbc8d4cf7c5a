"""The interface's languages: Latvian plurals, complete catalogues, and the catalogue tool."""

from __future__ import annotations

import gettext
import textwrap

import pytest
from flask_babel import ngettext

from conference.app import create_app
from conference.translations import tool

# CLDR's Latvian rule: 0, 10, 11-19, 40 take the zero form; 1 and 21 the one form; 2-9 the other.
LATVIAN_ENTRIES = {
    0: "0 darbu",
    1: "1 darbs",
    2: "2 darbi",
    11: "11 darbu",
    21: "21 darbs",
    40: "40 darbu",
}


@pytest.fixture
def plain_app(tmp_path):
    """The app with its real catalogues; these tests need no database."""
    return create_app(
        test_config={
            "TESTING": True,
            "INSTANCE_DIR": str(tmp_path / "instance"),
            "DATABASE_URL": f"sqlite:///{tmp_path / 'unused.db'}",
            "SECRET_KEY": "i18n-test",
        },
        async_mode="threading",
    )


def test_latvian_counts_take_cldr_plural_forms(plain_app):
    with plain_app.test_request_context("/?lang=lv"):
        shown = {n: ngettext("%(num)s entry", "%(num)s entries", n) for n in LATVIAN_ENTRIES}
    assert shown == LATVIAN_ENTRIES


def test_english_counts_take_two_forms(plain_app):
    with plain_app.test_request_context("/?lang=en"):
        shown = [ngettext("%(num)s entry", "%(num)s entries", n) for n in (0, 1, 2, 21)]
    assert shown == ["0 entries", "1 entry", "2 entries", "21 entries"]


def test_latvian_catalogue_declares_the_cldr_rule():
    header = tool.catalogue_path("lv").read_text(encoding="utf-8").split("\n\n")[0]
    joined = header.replace('"\n"', "")
    assert "Plural-Forms: " + tool.LV_PLURAL_FORMS in joined


@pytest.mark.parametrize("lang", tool.COMPLETE_LANGUAGES)
def test_every_interface_string_is_translated(lang):
    """Extract every string now (not the stored .pot) and look each up in the catalogue."""
    template = tool.extract()
    assert len(template) > 50
    missing = tool.untranslated(template, tool.load_catalogue(lang))
    listed = "\n".join(f"  {m.id!r} ({m.locations[0][0]})" for m in missing)
    assert not missing, (
        f"{len(missing)} strings lack a {lang} translation; add them to your fragment "
        f"(conference/translations/fragments/<area>.{lang}.po) and run "
        f"`python -m conference.translations.tool update`:\n{listed}"
    )


def write(path, content: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(content).lstrip(), encoding="utf-8")


@pytest.fixture
def small_tree(tmp_path, monkeypatch):
    """A tiny project (one template, one fragment) that the tool works on instead of ours."""
    write(tmp_path / "babel.cfg", "[jinja2: templates/**.html]\n")
    write(
        tmp_path / "templates" / "page.html",
        """
        <h1>{{ _("Programme") }}</h1>
        <p>{{ ngettext("%(num)s entry", "%(num)s entries", 3) }}</p>
        {# TRANSLATORS: [partner] the button on the partner's upload page #}
        <button>{{ _("Upload") }}</button>
        """,
    )
    translations = tmp_path / "translations"
    write(
        translations / "lv" / "LC_MESSAGES" / "messages.po",
        """
        msgid ""
        msgstr ""
        "Language: lv\\n"
        "Plural-Forms: nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n != 0 ? 1 : 2);\\n"

        msgid "Removed long ago"
        msgstr "Sen izņemts"
        """,
    )
    write(
        translations / "fragments" / "pages.lv.po",
        """
        msgid "Programme"
        msgstr "Programma"

        msgid "%(num)s entry"
        msgid_plural "%(num)s entries"
        msgstr[0] "%(num)s darbu"
        msgstr[1] "%(num)s darbs"
        msgstr[2] "%(num)s darbi"

        msgid "Upload"
        msgstr "Augšupielādēt"

        msgid "A string nobody uses"
        msgstr "Neviens to nelieto"
        """,
    )
    monkeypatch.setattr(tool, "ROOT", tmp_path)
    monkeypatch.setattr(tool, "LANGUAGES", ("lv", "en", "et"))
    monkeypatch.setattr(tool, "TRANSLATIONS_DIR", translations)
    monkeypatch.setattr(tool, "POT_PATH", translations / "messages.pot")
    monkeypatch.setattr(tool, "FRAGMENTS_DIR", translations / "fragments")
    return translations


def test_update_merges_fragments_completes_english_and_keeps_the_latvian_rule(small_tree):
    notes = tool.update()
    assert notes == ["pages.lv.po: msgid 'A string nobody uses' is not used any more"]
    latvian = (small_tree / "lv" / "LC_MESSAGES" / "messages.po").read_text(encoding="utf-8")
    assert 'msgid "Programme"\nmsgstr "Programma"' in latvian
    assert "Removed long ago" not in latvian
    assert "Plural-Forms: " + tool.LV_PLURAL_FORMS in latvian.replace('"\n"', "")
    english = (small_tree / "en" / "LC_MESSAGES" / "messages.po").read_text(encoding="utf-8")
    assert 'msgstr[1] "%(num)s entries"' in english
    assert (small_tree / "messages.pot").exists()

    tool.compile_all()
    with (small_tree / "lv" / "LC_MESSAGES" / "messages.mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    assert [
        compiled.ngettext("%(num)s entry", "%(num)s entries", n) % {"num": n}
        for n in (
            1,
            2,
            11,
            21,
        )
    ] == ["1 darbs", "2 darbi", "11 darbu", "21 darbs"]


def test_check_requires_latvian_english_and_partner_strings_in_every_language(small_tree):
    tool.update()
    problems, counts = tool.check()
    # Estonian need not translate the whole interface, only what partners see.
    assert problems == ["et: 'Upload'"]
    assert counts == [
        "lv: 0 of 3 untranslated",
        "en: 0 of 3 untranslated",
        "et: 3 of 3 untranslated",
    ]
    write(small_tree / "fragments" / "greetings.et.po", 'msgid "Upload"\nmsgstr "Laadi üles"\n')
    tool.update()
    assert tool.check()[0] == []
    assert tool.main(["check"]) == 0
    assert tool.main(["check", "--complete", "lv,en,et"]) == 1
