"""Every user-facing string in the app has a Vietnamese translation (Vietnamese is the default)."""

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from tests.conftest import ROOT

METHOD_MAP = [("**.py", "python"), ("**/templates/**.html", "jinja2")]
KEYWORDS = {"_": None, "gettext": None, "_l": None, "lazy_gettext": None}


def test_every_message_in_the_code_is_translated_to_vietnamese():
    extracted = {
        message
        for _, _, message, _, _ in extract_from_dir(str(ROOT / "app"), METHOD_MAP, keywords=KEYWORDS)
        if isinstance(message, str)
    }
    with open(ROOT / "app/translations/vi/LC_MESSAGES/messages.po", "rb") as handle:
        catalog = read_po(handle, locale="vi")
    translated = {m.id for m in catalog if m.id and m.string and not m.fuzzy}
    assert extracted, "no messages extracted: the extraction itself is broken"
    missing = sorted(extracted - translated)
    assert not missing, "run `make translations-update` and translate: " + "; ".join(missing)
