"""Verified reference facts: the parties, the 2023-2027 work plan, its priority areas, and the
consultations, read from ``priorities/data/reference-facts.json`` (a copy of the checked
facts, with their sources).

Only records marked exactly ``"verified"`` are loaded. A row that already exists and differs from
the reference is left as it is and reported, unless the caller asks to overwrite it.
"""

import datetime
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from priorities.dates import DatePrecision
from priorities.models import Consultation, Party, PriorityArea, WorkPlan

FACTS_PATH = Path(__file__).parent / "data" / "reference-facts.json"
ARTICLE = "https://okebajo.com/2023/08/23/rencana-aksi-2023-2027-asean-dan-jepang-sepakat-lawan-terorisme-dan-kejahatan-lintas-negara"

ASEAN_SECRETARIAT = {"code": "ASEC", "name": "ASEAN Secretariat", "kind": Party.Kind.ASEAN_BODY}

WORK_PLAN = {
    "title": "ASEAN-Japan Work Plan to Combat Transnational Crime",
    "first_year": 2023,
    "last_year": 2027,
    "description": (
        "Renews the work plan of the previous period, which ended in 2023, and implements the "
        "ASEAN-Japan Joint Declaration for Cooperation to Combat Terrorism and Transnational Crime "
        "agreed at the ASEAN-Japan Summit of 12 November 2014. Its implementation is monitored "
        "and reported in the annual consultations: at the technical level in SOMTC+Japan and at "
        "the strategic level in AMMTC+Japan."
    ),
}
# Which consultations agreed and adopted the plan (the reference's "documents" record).
AGREED_AT = (Consultation.Series.SOMTC_JAPAN, 19)
ADOPTED_AT = (Consultation.Series.AMMTC_JAPAN, 8)

# Written into each history row the loader makes, so the change is attributable to it.
CHANGE_REASON = "load_reference"

SERIES = {
    "AMMTC+Japan": (Consultation.Series.AMMTC_JAPAN, False),
    "SOMTC+Japan": (Consultation.Series.SOMTC_JAPAN, False),
    "SOMTC+Japan (preparatory)": (Consultation.Series.SOMTC_JAPAN, True),
}


@dataclass
class LoadSummary:
    """What a load did, row by row, for the command to print."""

    created: list = field(default_factory=list)
    updated: list = field(default_factory=list)
    unchanged: int = 0
    kept: list = field(default_factory=list)


def parse_partial_date(text):
    """'1984' -> year, '2023-06 (day unknown)' -> month, '2023-08-22' -> day precision."""
    match = re.match(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", text)
    year, month, day = match.groups()
    if day:
        return datetime.date(int(year), int(month), int(day)), DatePrecision.DAY
    if month:
        return datetime.date(int(year), int(month), 1), DatePrecision.MONTH
    return datetime.date(int(year), 1, 1), DatePrecision.YEAR


def verified(records):
    return [record for record in records if record.get("verification") == "verified"]


def load_reference(*, overwrite=False, facts_path=FACTS_PATH):
    facts = json.loads(Path(facts_path).read_text(encoding="utf-8"))
    summary = LoadSummary()
    with transaction.atomic():
        parties = _load_parties(facts, summary, overwrite)
        consultations = _load_consultations(facts, parties, summary, overwrite)
        plan = _load_work_plan(consultations, summary, overwrite)
        _load_priority_areas(facts, plan, summary, overwrite)
    return summary


def _sync(summary, model, lookup, values, overwrite, m2m=None):
    """Create the row, or compare it with the reference and update it only if told to."""
    instance = model.objects.filter(**lookup).first()
    if instance is None:
        instance = model(**lookup, **values)
        instance._change_reason = CHANGE_REASON
        instance.save()
        for name, related in (m2m or {}).items():
            getattr(instance, name).set(related)
        summary.created.append(f"{model._meta.verbose_name} {instance}")
        return instance
    label = f"{model._meta.verbose_name} {instance}"
    differences = {
        name: (getattr(instance, name), wanted)
        for name, wanted in values.items()
        if getattr(instance, name) != wanted
    }
    for name, related in (m2m or {}).items():
        current = set(getattr(instance, name).all())
        if current != set(related):
            differences[name] = (sorted(map(str, current)), sorted(map(str, related)))
    if not differences:
        summary.unchanged += 1
    elif overwrite:
        for name, (_current, wanted) in differences.items():
            if m2m and name in m2m:
                getattr(instance, name).set(m2m[name])
            else:
                setattr(instance, name, wanted)
        instance._change_reason = CHANGE_REASON
        instance.save()
        summary.updated.append(f"{label}: {', '.join(differences)}")
    else:
        summary.kept.append(
            f"{label}: "
            + "; ".join(
                f"{name} is {now!r}, reference says {ref!r}"
                for name, (now, ref) in differences.items()
            )
        )
    return instance


def _load_parties(facts, summary, overwrite):
    parties = {}
    for record in verified(facts["member_states"]):
        since, precision = parse_partial_date(record["asean_member_since"])
        values = {
            "name": record["asean_name"],
            "iso_name": record["iso_name"],
            "official_name": record.get("iso_official_name", ""),
            "alpha3": record["alpha3"],
            "kind": Party.Kind.MEMBER_STATE,
            "member_since": since,
            "member_since_precision": precision,
        }
        parties[record["alpha2"]] = _sync(
            summary, Party, {"code": record["alpha2"]}, values, overwrite
        )
    for record in verified(facts["dialogue_partner"]):
        values = {
            "name": record["name"],
            "iso_name": record["name"],
            "alpha3": record["alpha3"],
            "kind": Party.Kind.DIALOGUE_PARTNER,
        }
        parties[record["alpha2"]] = _sync(
            summary, Party, {"code": record["alpha2"]}, values, overwrite
        )
    secretariat = {k: v for k, v in ASEAN_SECRETARIAT.items() if k != "code"}
    parties["ASEC"] = _sync(summary, Party, {"code": "ASEC"}, secretariat, overwrite)
    return parties


def _load_consultations(facts, parties, summary, overwrite):
    consultations = {}
    for record in verified(facts["consultations"]):
        series, preparatory = SERIES[record["series"]]
        day, precision = parse_partial_date(record["date"])
        online = record.get("format") in ("online", "videoconference")
        host = record.get("country") or record.get("host")
        values = {
            "date_precision": precision,
            "format": Consultation.Format.ONLINE if online else Consultation.Format.IN_PERSON,
            "city": record.get("city") or "",
            "host": parties[host] if host else None,
            "outcome": record.get("outcome", ""),
            "sources": "\n".join(record.get("sources", [])),
        }
        lookup = {"series": series, "is_preparatory": preparatory, "date": day}
        if record.get("ordinal"):
            lookup = {"series": series, "is_preparatory": preparatory, "ordinal": record["ordinal"]}
            values["date"] = day
        co_chairs = [parties[code] for code in record.get("co_chairs", [])]
        consultation = _sync(
            summary, Consultation, lookup, values, overwrite, m2m={"co_chairs": co_chairs}
        )
        consultations[(series, record.get("ordinal"))] = consultation
    return consultations


def _load_work_plan(consultations, summary, overwrite):
    values = {
        "description": WORK_PLAN["description"],
        "agreed_at": consultations[AGREED_AT],
        "adopted_at": consultations[ADOPTED_AT],
        "sources": ARTICLE,
    }
    lookup = {k: WORK_PLAN[k] for k in ("title", "first_year", "last_year")}
    return _sync(summary, WorkPlan, lookup, values, overwrite)


def _load_priority_areas(facts, plan, summary, overwrite):
    for record in verified(facts["priority_areas"]):
        values = {
            "code": record["code"].lower().replace("_", "-"),
            "title": record["name_en"],
            "focus": "\n".join(record["sub_focus"]),
        }
        _sync(
            summary, PriorityArea, {"work_plan": plan, "number": record["order"]}, values, overwrite
        )
