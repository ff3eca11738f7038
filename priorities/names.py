"""The names of the priority areas and parties in the reader's language, keyed by their code.

The stored names (``PriorityArea.title``, ``Party.name``) are the reference data in English and
what the secretariat may edit. In another language the name comes from the translation
catalogs, looked up by the area's code (as the reference loader stores it, ``cybercrime``) or
the party's ISO 3166-1 alpha-2 code, so that the catalogs stay the one place translations live
and their completeness check covers these names too. A code not listed here (a party or area
added later) shows its stored name.
"""

from django.conf import settings
from django.utils.translation import get_language, pgettext_lazy

# Keyed by the stored English title: a work plan has no code.
WORK_PLANS = {
    "ASEAN-Japan Work Plan to Combat Transnational Crime": pgettext_lazy(
        "work plan", "ASEAN-Japan Work Plan to Combat Transnational Crime"
    ),
}

PRIORITY_AREAS = {
    "terrorism": pgettext_lazy("priority area", "Terrorism"),
    "cybercrime": pgettext_lazy("priority area", "Cybercrime"),
    "illicit-drug-trafficking": pgettext_lazy("priority area", "Illicit drug trafficking"),
    "piracy-armed-robbery-at-sea": pgettext_lazy(
        "priority area", "Piracy and armed robbery at sea"
    ),
    "trafficking-in-persons": pgettext_lazy("priority area", "Trafficking in persons"),
}

PARTIES = {
    "BN": pgettext_lazy("party", "Brunei Darussalam"),
    "KH": pgettext_lazy("party", "Cambodia"),
    "ID": pgettext_lazy("party", "Indonesia"),
    "LA": pgettext_lazy("party", "Lao PDR"),
    "MY": pgettext_lazy("party", "Malaysia"),
    "MM": pgettext_lazy("party", "Myanmar"),
    "PH": pgettext_lazy("party", "Philippines"),
    "SG": pgettext_lazy("party", "Singapore"),
    "TH": pgettext_lazy("party", "Thailand"),
    "VN": pgettext_lazy("party", "Viet Nam"),
    "TL": pgettext_lazy("party", "Timor-Leste"),
    "JP": pgettext_lazy("party", "Japan"),
    "ASEC": pgettext_lazy("party", "ASEAN Secretariat"),
}


def _translated(names, code, stored):
    if code in names and get_language() not in (None, settings.LANGUAGE_CODE):
        return str(names[code])
    return stored


def plan_title(stored):
    """A work plan's title in the active language (the stored one in English)."""
    return _translated(WORK_PLANS, stored, stored)


def area_title(code, stored):
    """A priority area's title in the active language (the stored one in English)."""
    return _translated(PRIORITY_AREAS, code.lower().replace("_", "-"), stored)


def party_name(code, stored):
    """A party's short name in the active language (the stored one in English)."""
    return _translated(PARTIES, code, stored)
