import datetime

from django.core.management import call_command

from priorities.dates import DatePrecision
from priorities.models import Consultation, Party, PriorityArea, WorkPlan

SOURCE_AREAS = [
    (1, "Terrorism"),
    (2, "Cybercrime"),
    (3, "Illicit drug trafficking"),
    (4, "Piracy and armed robbery at sea"),
    (5, "Trafficking in persons"),
]


def row_counts():
    return [m.objects.count() for m in (Party, WorkPlan, PriorityArea, Consultation)]


def test_loading_twice_leaves_the_same_rows(db, capsys):
    call_command("load_reference")
    first = (row_counts(), list(Party.objects.values()), list(Consultation.objects.values()))
    call_command("load_reference")
    second = (row_counts(), list(Party.objects.values()), list(Consultation.objects.values()))
    assert first == second
    assert "0 created, 0 replaced, 29 unchanged, 0 kept as edited" in capsys.readouterr().out


def test_the_five_priority_areas_are_as_the_source_states(plan):
    areas = list(plan.priority_areas.values_list("number", "title"))
    assert areas == SOURCE_AREAS


def test_terrorism_focus_names_violent_extremism_and_arms_smuggling(plan):
    terrorism = plan.priority_areas.get(number=1)
    assert "Prevention of violent extremism" in terrorism.focus_items
    assert "Arms smuggling" in terrorism.focus_items


def test_timor_leste_joined_asean_on_26_october_2025(reference):
    timor = Party.objects.get(code="TL")
    assert timor.member_since == datetime.date(2025, 10, 26)
    assert timor.member_since_precision == DatePrecision.DAY
    assert not timor.is_member_on(datetime.date(2023, 8, 22))
    assert timor not in Party.objects.members_on(datetime.date(2023, 8, 22))
    assert Party.objects.members_on(datetime.date(2023, 8, 22)).count() == 10


def test_parties_carry_iso_codes_and_asean_short_names(reference):
    assert Party.objects.get(code="LA").name == "Lao PDR"
    assert Party.objects.get(code="VN").alpha3 == "VNM"
    assert Party.objects.get(code="JP").kind == Party.Kind.DIALOGUE_PARTNER
    assert Party.objects.get(code="ASEC").kind == Party.Kind.ASEAN_BODY
    # Known only to the year in the reference: never shown with an invented day.
    assert Party.objects.get(code="BN").member_since_display == "1984"


def test_the_plan_was_agreed_in_yogyakarta_and_adopted_in_labuan_bajo(plan):
    assert plan.agreed_at.name == "19th SOMTC+Japan"
    assert plan.agreed_at.city == "Yogyakarta"
    assert plan.agreed_at.date_display == "June 2023"
    assert plan.adopted_at.name == "8th AMMTC+Japan"
    assert plan.adopted_at.date == datetime.date(2023, 8, 22)
    assert plan.adopted_at.city.startswith("Labuan Bajo")
    assert plan.adopted_at.host.code == "ID"


def test_only_verified_consultations_are_loaded(reference):
    ammtc = Consultation.objects.filter(series=Consultation.Series.AMMTC_JAPAN)
    # The 3rd, 4th and 5th are only partly verified; the 20th and 21st SOMTC+Japan not at all.
    assert sorted(ammtc.values_list("ordinal", flat=True)) == [1, 2, 6, 7, 8, 9, 10]
    assert not Consultation.objects.filter(series="somtc_japan", ordinal__in=[20, 21]).exists()
    online = Consultation.objects.get(series="ammtc_japan", ordinal=6)
    assert online.format == Consultation.Format.ONLINE and online.city == ""
    melaka = Consultation.objects.get(series="ammtc_japan", ordinal=10)
    assert set(melaka.co_chairs.values_list("code", flat=True)) == {"JP", "SG"}


def test_a_local_edit_is_kept_and_reported_not_overwritten(reference, capsys):
    Party.objects.filter(code="VN").update(name="Vietnam")
    call_command("load_reference")
    out = capsys.readouterr().out
    assert Party.objects.get(code="VN").name == "Vietnam"
    assert "kept     party Vietnam: name is 'Vietnam', reference says 'Viet Nam'" in out
    assert "1 kept as edited" in out

    call_command("load_reference", "--overwrite")
    assert Party.objects.get(code="VN").name == "Viet Nam"


def test_loading_records_an_attributable_history(reference):
    history = Party.objects.get(code="ID").history.get()
    assert history.history_change_reason == "load_reference"
