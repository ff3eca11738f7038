"""The offline workbook: an official's reports of one cycle in one XLSX file, filled in offline
(often from several agencies' inputs) and uploaded back.

- ``build_workbook``: one row per activity the party leads or takes part in, pre-filled with
  this cycle's report or, where there is none yet, the party's last accepted report on the
  activity; editable cells only where the report can still change; a drop-down for the
  implementation status, 0-100 for percent complete; and a hidden sheet with a checksum
  (django.core.signing: an HMAC with SECRET_KEY) of the party, the cycle, each row's activity
  and indicators, and a short digest of every value as it was downloaded.
- ``read_workbook``: an uploaded workbook's rows, every cell checked, every problem named by
  row and column; a file that is not this party's workbook for this cycle is refused whole.
- ``preview``: per row, what saving would change (old -> new), against the reports as they are
  now.

Only the cells the file changed since it was downloaded are saved (the digests tell which):
a colleague's change on the site to another field of the same report is kept, a row left as
downloaded changes nothing, and the same file uploaded twice changes nothing the second time.

Nothing here writes: ``reports.services.save_workbook`` saves the changed rows, all or none.
"""

import hashlib
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Prefetch
from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from ammtc_tracker.spreadsheets import (
    SpreadsheetRefused,
    open_xlsx,
    sheet_rows,
    spreadsheet_cell,
    text_from_cell,
)
from priorities.models import Activity, Indicator, Party
from reports.exports.text import plain_number, xml_safe
from reports.models import IndicatorValue, ProgressReport

CONTENT_FIELDS = ProgressReport.CONTENT_FIELDS
TEXT_FIELDS = ("achievements", "challenges", "next_steps")
# Columns A-C describe the row and are locked; D-H are the report; then three per indicator.
FIRST_CONTENT_COLUMN = 4
FIRST_INDICATOR_COLUMN = FIRST_CONTENT_COLUMN + len(CONTENT_FIELDS)
CHECKSUM_SHEET = "ammtc_checksum"  # a name, not a text: never translated
SALT = "reports.workbook"
CHUNK = 30_000  # an Excel cell holds at most 32,767 characters; the checksum may be longer
MAX_ROWS = 5_000
EDITABLE = Protection(locked=False)
BOLD = Font(bold=True)
GREY = PatternFill("solid", fgColor="E7E7E7")
WRAP = Alignment(wrap_text=True, vertical="top")


@dataclass(frozen=True)
class Problem:
    """Something wrong in an uploaded workbook; ``row`` None means the whole file."""

    row: int | None
    column: str
    message: str

    def __str__(self):
        if self.row is None:
            return self.message
        return _("Row %(row)s, %(column)s: %(message)s") % {
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }


@dataclass
class WorkbookRow:
    """A row of an uploaded workbook with cells changed since it was downloaded, as read (not
    yet compared with the reports). Only the changed cells are kept."""

    row: int
    activity_id: int
    code: str
    content: dict  # content field name -> value, for the changed fields
    indicators: dict  # Indicator id -> (value, note), for the changed indicators
    # The digests of the values when downloaded, of the same fields and indicators.
    edited: dict
    edited_indicators: dict  # Indicator id -> [digest of value, of note]

    def to_json(self):
        return {
            "row": self.row,
            "activity_id": self.activity_id,
            "code": self.code,
            "content": self.content,
            "indicators": {
                str(pk): [None if value is None else str(value), note]
                for pk, (value, note) in self.indicators.items()
            },
            "edited": self.edited,
            "edited_indicators": {str(pk): pair for pk, pair in self.edited_indicators.items()},
        }

    @classmethod
    def from_json(cls, data):
        indicators = {
            int(pk): (None if value is None else Decimal(value), note)
            for pk, (value, note) in data["indicators"].items()
        }
        edited_indicators = {int(pk): pair for pk, pair in data["edited_indicators"].items()}
        return cls(**{**data, "indicators": indicators, "edited_indicators": edited_indicators})


@dataclass
class Upload:
    """What an uploaded workbook says, kept between the preview and the confirmation."""

    party_id: int
    cycle_id: int
    sha256: str
    filename: str
    rows: list
    problems: list
    untouched: int = 0  # rows left as they were downloaded

    def to_json(self):
        return {
            "party_id": self.party_id,
            "cycle_id": self.cycle_id,
            "sha256": self.sha256,
            "filename": self.filename,
            "untouched": self.untouched,
            "rows": [row.to_json() for row in self.rows],
            "problems": [[p.row, p.column, p.message] for p in self.problems],
        }

    @classmethod
    def from_json(cls, data):
        return cls(
            **{
                **data,
                "rows": [WorkbookRow.from_json(row) for row in data["rows"]],
                "problems": [Problem(*problem) for problem in data["problems"]],
            }
        )


# --- What a row starts from ---------------------------------------------------------------


@dataclass
class Values:
    content: dict
    indicators: dict  # Indicator id -> (value, note)


def _empty_values():
    content = dict.fromkeys(CONTENT_FIELDS, "")
    content["percent_complete"] = None
    return Values(content, {})


def _values_of(report):
    return Values(
        {name: getattr(report, name) for name in CONTENT_FIELDS},
        {value.indicator_id: (value.value, value.note) for value in report.indicator_values.all()},
    )


@dataclass
class Current:
    """An activity's report in the cycle (or None) and the values its row starts from."""

    report: ProgressReport | None
    values: Values
    carried_from: str = ""  # the earlier cycle whose accepted report filled an empty row


def _party_activities(party, cycle):
    indicators = Indicator.objects.order_by("id").only("id", "activity_id", "name", "unit")
    return list(
        Activity.objects.for_party(party)
        .filter(work_plan_id=cycle.work_plan_id)
        .select_related("priority_area")
        .prefetch_related(Prefetch("indicators", queryset=indicators))
        .order_by("sort_key", "id")
    )


def _current(party, cycle):
    """Per activity id, its ``Current``: this cycle's report, else the last accepted one."""
    values = IndicatorValue.objects.only("report_id", "indicator_id", "value", "note")
    with_values = Prefetch("indicator_values", queryset=values)
    reports = ProgressReport.objects.filter(cycle=cycle, party=party).prefetch_related(with_values)
    current = {report.activity_id: Current(report, _values_of(report)) for report in reports}
    this_cycle = ProgressReport.objects.filter(
        cycle=cycle, party=party, activity_id=OuterRef("activity_id")
    )
    earlier = (
        ProgressReport.objects.accepted()
        .filter(
            ~Exists(this_cycle),
            party=party,
            cycle__work_plan_id=cycle.work_plan_id,
            cycle__period_start__lt=cycle.period_start,
        )
        .select_related("cycle")
        .prefetch_related(with_values)
        .order_by("activity_id", "-cycle__period_start")
    )
    for report in earlier:
        if report.activity_id not in current:
            current[report.activity_id] = Current(None, _values_of(report), report.cycle.title)
    return current


# --- Building --------------------------------------------------------------------------------


def headers(slots):
    fixed = [_("Code"), _("Activity"), _("Your report")]
    content = [_field_label(name) for name in CONTENT_FIELDS]
    indicators = []
    for number in range(1, slots + 1):
        indicators += [
            _("Indicator %(n)s") % {"n": number},
            _("Indicator %(n)s: value") % {"n": number},
            _("Indicator %(n)s: note") % {"n": number},
        ]
    return fixed + content + indicators


def _field_label(name):
    return str(capfirst(ProgressReport._meta.get_field(name).verbose_name))


def build_workbook(*, party, cycle):
    """The XLSX workbook (bytes) of ``party``'s reports in ``cycle``."""
    activities = _party_activities(party, cycle)
    current = _current(party, cycle)
    slots = max((len(activity.indicators.all()) for activity in activities), default=0)
    book = Workbook()
    sheet = book.active
    sheet.title = _("Reports")
    _header(sheet, headers(slots))
    rows = {}
    for number, activity in enumerate(activities, start=2):
        state = current.get(activity.pk) or Current(None, _empty_values())
        _write_row(sheet, number, activity, state, slots)
        indicator_ids = [indicator.pk for indicator in activity.indicators.all()]
        rows[activity.code] = [activity.pk, indicator_ids, _digests(state.values, indicator_ids)]
    last = len(activities) + 1
    _add_validations(sheet, last)
    _protect(sheet)
    _instructions(book.create_sheet(_("Instructions")), party, cycle)
    _checksum(book, {"party": party.pk, "cycle": cycle.pk, "rows": rows})
    book.properties.title = _("Progress reports of %(party)s, %(cycle)s") % {
        "party": party.display_name,
        "cycle": cycle.title,
    }
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _header(sheet, labels):
    for column, label in enumerate(labels, 1):
        cell = sheet.cell(1, column, label)
        cell.font = BOLD
        cell.fill = GREY
        cell.alignment = WRAP
        width = 48 if column in _text_columns() else 30 if column == 2 else 16
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = sheet.cell(2, FIRST_CONTENT_COLUMN)


def _text_columns():
    return {FIRST_CONTENT_COLUMN + CONTENT_FIELDS.index(name) for name in TEXT_FIELDS}


def _write_row(sheet, number, activity, state, slots):
    report = state.report
    editable = report is None or report.is_editable
    _put(sheet, number, 1, activity.code, editable=False)
    _put(sheet, number, 2, activity.title, editable=False)
    _put(sheet, number, 3, _row_state(state), editable=False)
    values = state.values
    for offset, name in enumerate(CONTENT_FIELDS):
        value = values.content[name]
        if name == "implementation_status":
            value = str(ProgressReport.Implementation(value).label) if value else ""
        _put(sheet, number, FIRST_CONTENT_COLUMN + offset, value, editable=editable)
    indicators = list(activity.indicators.all())
    for slot in range(slots):
        column = FIRST_INDICATOR_COLUMN + 3 * slot
        if slot >= len(indicators):
            for extra in range(3):
                sheet.cell(number, column + extra).fill = GREY
            continue
        indicator = indicators[slot]
        value, note = values.indicators.get(indicator.pk, (None, ""))
        _put(sheet, number, column, str(indicator), editable=False)
        _put(sheet, number, column + 1, value, editable=editable)
        _put(sheet, number, column + 2, note, editable=editable)


def _row_state(state):
    report = state.report
    if report is None and state.carried_from:
        return _("not started; filled in from %(cycle)s") % {"cycle": state.carried_from}
    if report is None:
        return _("not started")
    if report.is_editable:
        return report.get_status_display()
    return _("%(status)s: an upload does not change it") % {"status": report.get_status_display()}


def _put(sheet, row, column, value, *, editable):
    if isinstance(value, str):
        value = spreadsheet_cell(xml_safe(value))
    cell = sheet.cell(row, column, value)
    cell.alignment = WRAP
    if editable:
        cell.protection = EDITABLE
    else:
        cell.fill = GREY


def _add_validations(sheet, last):
    if last < 2:
        return
    status = DataValidation(
        type="list",
        formula1=f"'{CHECKSUM_SHEET}'!$B$1:$B${len(ProgressReport.Implementation.choices)}",
        allow_blank=True,
        showErrorMessage=True,
        errorTitle=_("Implementation status"),
        error=_("Choose a status from the list."),
    )
    percent = DataValidation(
        type="whole",
        operator="between",
        formula1="0",
        formula2="100",
        allow_blank=True,
        showErrorMessage=True,
        errorTitle=_("Percent complete"),
        error=_("A whole number from 0 to 100."),
    )
    status_column = get_column_letter(FIRST_CONTENT_COLUMN)
    percent_column = get_column_letter(FIRST_CONTENT_COLUMN + 1)
    status.add(f"{status_column}2:{status_column}{last}")
    percent.add(f"{percent_column}2:{percent_column}{last}")
    sheet.add_data_validation(status)
    sheet.add_data_validation(percent)


def _protect(sheet):
    # No password: the lock keeps the code and title from being changed by accident; the
    # checksum, not the lock, is what ties the rows to their activities.
    sheet.protection.sheet = True
    sheet.protection.formatColumns = False
    sheet.protection.formatRows = False
    sheet.protection.formatCells = False


def _instructions(sheet, party, cycle):
    lines = [
        _("Progress reports of %(party)s, %(cycle)s")
        % {"party": party.display_name, "cycle": cycle.title},
        _("Deadline: %(deadline)s") % {"deadline": cycle.deadline.isoformat()},
        "",
        _('Fill in the sheet "%(sheet)s": one row per activity. Grey cells cannot be changed.')
        % {"sheet": _("Reports")},
        _("Implementation status: choose from the list."),
        _("Percent complete: a whole number from 0 to 100."),
        _("Indicators: give each indicator's value, or a note saying why it was not measured."),
        _(
            "Reports already submitted or accepted are locked: an upload never changes them. "
            "Rows left as they were downloaded change nothing."
        ),
        _(
            "Then upload the file on My reporting. You will see every change before anything "
            "is saved; the reports are saved as drafts, and you submit them on the site."
        ),
        _(
            "This workbook is for %(party)s and %(cycle)s only. Do not copy its rows into "
            "another workbook; download a new one for each cycle."
        )
        % {"party": party.display_name, "cycle": cycle.title},
    ]
    for row, line in enumerate(lines, 1):
        sheet.cell(row, 1, spreadsheet_cell(xml_safe(line)))
    sheet.cell(1, 1).font = BOLD
    sheet.column_dimensions["A"].width = 110


def _checksum(book, payload):
    sheet = book.create_sheet(CHECKSUM_SHEET)
    sheet.sheet_state = "veryHidden"
    token = signing.dumps(payload, salt=SALT, compress=True)
    for row, start in enumerate(range(0, len(token), CHUNK), 1):
        sheet.cell(row, 1, token[start : start + CHUNK])
    # The choices of the status drop-down, in the language the workbook is written in.
    for row, (_value, label) in enumerate(ProgressReport.Implementation.choices, 1):
        sheet.cell(row, 2, str(label))


# --- Reading ---------------------------------------------------------------------------------


def read_workbook(content, *, party, cycle, sha256="", filename=""):
    """The ``Upload`` of an uploaded workbook's bytes; SpreadsheetRefused for a file that is not
    ``party``'s workbook for ``cycle`` (or not a readable workbook at all)."""
    book = open_xlsx(content, max_bytes=settings.SPREADSHEET_MAX_BYTES)
    try:
        payload = _read_checksum(book)
        _check_scope(payload, party, cycle)
        rows, problems, untouched = _read_rows(book.worksheets[0], payload, party, cycle)
    finally:
        book.close()
    return Upload(party.pk, cycle.pk, sha256, filename, rows, problems, untouched)


def _read_checksum(book):
    if CHECKSUM_SHEET not in book.sheetnames:
        raise SpreadsheetRefused(
            _(
                "This is not a workbook downloaded from My reporting (its checksum is missing). "
                "Download the workbook and fill that in."
            )
        )
    cells = sheet_rows(book[CHECKSUM_SHEET], min_col=1, max_col=1, max_row=100)
    token = "".join(str(value) for (value,) in cells if value)
    try:
        return signing.loads(token, salt=SALT)
    except signing.BadSignature:
        raise SpreadsheetRefused(
            _(
                "The workbook's checksum does not match: it was changed outside the cells to "
                "fill in, or it was not made by this site. Download the workbook again."
            )
        ) from None


def _check_scope(payload, party, cycle):
    if payload["party"] != party.pk:
        other = Party.objects.filter(pk=payload["party"]).first()
        raise SpreadsheetRefused(
            _(
                "This workbook is for %(other)s; you report for %(party)s. Download your "
                "party's workbook from My reporting."
            )
            % {"other": other or _("another party"), "party": party.display_name}
        )
    if payload["cycle"] != cycle.pk:
        other = type(cycle).objects.filter(pk=payload["cycle"]).first()
        raise SpreadsheetRefused(
            _(
                "This workbook is for the cycle %(other)s, not %(cycle)s. Download the "
                "workbook of %(cycle)s from My reporting."
            )
            % {"other": other or _("another cycle"), "cycle": cycle.title}
        )


def _read_rows(sheet, payload, party, cycle):
    expected = payload["rows"]
    slots = max((len(entry[1]) for entry in expected.values()), default=0)
    labels = headers(slots)
    statuses = _status_lookup()
    rows, problems, seen = [], [], {}
    cells = sheet_rows(sheet, min_row=2, max_col=len(labels))
    for number, values in enumerate(cells, start=2):
        if number > MAX_ROWS + 1:
            raise SpreadsheetRefused(
                _("The sheet has more than %(max)s rows; a workbook of this site has fewer.")
                % {"max": MAX_ROWS}
            )
        if all(value is None or value == "" for value in values):
            continue
        reader = _RowReader(number, values, labels, statuses)
        code = text_from_cell(values[0])
        entry = expected.get(code)
        if entry is None:
            problems.append(reader.problem(0, _unknown_activity(code, party, cycle)))
            continue
        if code in seen:
            message = _("activity %(code)s is also on row %(other)s.")
            problems.append(reader.problem(0, message % {"code": code, "other": seen[code]}))
            continue
        seen[code] = number
        row = reader.read(code, *entry)
        if row.edited or row.edited_indicators:
            rows.append(row)
        problems += reader.problems
    return rows, problems, len(seen) - len(rows)


def _status_lookup():
    """Status as written in a cell -> its value: the labels (in any of the site's languages,
    since a workbook is written in its downloader's) and the values themselves."""
    lookup = {value: value for value in ProgressReport.Implementation.values}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            for value, label in ProgressReport.Implementation.choices:
                lookup[str(label).casefold()] = value
    return lookup


def _unknown_activity(code, party, cycle):
    if not code:
        return _("the activity code is missing.")
    activity = Activity.objects.filter(work_plan_id=cycle.work_plan_id, code=code).first()
    if activity is None:
        return _("there is no activity %(code)s in the work plan.") % {"code": code}
    if not Activity.objects.for_party(party).filter(pk=activity.pk).exists():
        return _(
            "activity %(code)s is another party's: %(party)s neither leads nor takes part."
        ) % {
            "code": code,
            "party": party.display_name,
        }
    return _(
        "activity %(code)s was not in this workbook when it was downloaded. Download a new one."
    ) % {"code": code}


class _RowReader:
    """Reads one row's cells into report values, noting a Problem for each bad cell."""

    def __init__(self, number, values, labels, statuses):
        self.number, self.values, self.labels, self.statuses = number, values, labels, statuses
        self.problems = []
        self.bad_columns = set()  # indexes of the cells with a problem: not read as changes

    def problem(self, index, message):
        column = f"{get_column_letter(index + 1)} ({self.labels[index]})"
        return Problem(self.number, column, message)

    def error(self, index, message):
        self.problems.append(self.problem(index, message))
        self.bad_columns.add(index)

    def read(self, code, activity_id, indicator_ids, digests):
        first = FIRST_CONTENT_COLUMN - 1
        content = {
            "implementation_status": self._status(first),
            "percent_complete": self._percent(first + 1),
        }
        for offset, name in enumerate(TEXT_FIELDS, start=2):
            content[name] = self._text(first + offset)
        indicators = {}
        for slot, indicator_id in enumerate(indicator_ids):
            index = FIRST_INDICATOR_COLUMN - 1 + 3 * slot
            indicators[indicator_id] = (self._decimal(index + 1), self._text(index + 2))
        now = _digests(Values(content, indicators), indicator_ids)
        edited = {
            name: digests[i]
            for i, name in enumerate(CONTENT_FIELDS)
            if now[i] != digests[i] and first + i not in self.bad_columns
        }
        edited_indicators = {}
        for slot, indicator_id in enumerate(indicator_ids):
            at = len(CONTENT_FIELDS) + 2 * slot
            index = FIRST_INDICATOR_COLUMN - 1 + 3 * slot
            if now[at : at + 2] != digests[at : at + 2] and index + 1 not in self.bad_columns:
                edited_indicators[indicator_id] = digests[at : at + 2]
        return WorkbookRow(
            self.number,
            activity_id,
            code,
            {name: content[name] for name in edited},
            {pk: indicators[pk] for pk in edited_indicators},
            edited,
            edited_indicators,
        )

    def _status(self, index):
        text = text_from_cell(self.values[index])
        if not text:
            return ""
        value = self.statuses.get(text.casefold()) or self.statuses.get(text)
        if value is None:
            choices = ", ".join(str(label) for _v, label in ProgressReport.Implementation.choices)
            self.error(
                index,
                _('"%(text)s" is not in the list (%(choices)s).')
                % {
                    "text": text,
                    "choices": choices,
                },
            )
        return value or ""

    def _percent(self, index):
        raw = self.values[index]
        if raw is None or raw == "":
            return None
        number = _number(raw)
        if number is None or number != number.to_integral_value() or not 0 <= number <= 100:
            self.error(
                index,
                _("percent complete must be a whole number from 0 to 100; the file says %(v)s.")
                % {"v": text_from_cell(raw)},
            )
            return None
        return int(number)

    def _decimal(self, index):
        raw = self.values[index]
        if raw is None or raw == "":
            return None
        number = _number(raw)
        if number is not None:
            try:
                # The model field's own DecimalValidator: 14 digits, 2 of them decimals.
                IndicatorValue._meta.get_field("value").run_validators(number)
            except ValidationError:
                number = None
        if number is None:
            self.error(
                index,
                _("not a number with at most 2 decimals; the file says %(v)s.")
                % {"v": text_from_cell(raw)},
            )
        return number

    def _text(self, index):
        raw = self.values[index]
        if isinstance(raw, float) and raw.is_integer():
            raw = int(raw)  # a number typed into a text cell reads back as it was typed
        return text_from_cell(raw)


def _number(raw):
    """A cell's number as a Decimal, or None. Text is parsed, never evaluated as a formula."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int | float):
        return Decimal(str(raw))
    try:
        number = Decimal(str(raw).strip())
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


# --- Comparing with the reports ------------------------------------------------------------


@dataclass
class Change:
    label: str
    old: str
    new: str


@dataclass
class RowPreview:
    """One row: what saving it would change, and whether it may be saved."""

    NEW, CHANGE, SAME, LOCKED = "new", "change", "same", "locked"

    row: int
    activity: Activity
    outcome: str
    report: ProgressReport | None = None
    changes: list = field(default_factory=list)
    notices: list = field(default_factory=list)
    content: dict = field(default_factory=dict)  # the fields to save
    indicators: dict = field(default_factory=dict)  # the indicator values to save
    # The report's version when the user saw this preview (None: no report); saving expects it.
    version: int | None = None

    @property
    def saves(self):
        return self.outcome in (self.NEW, self.CHANGE)


@dataclass
class Preview:
    rows: list  # the rows the file changed
    problems: list
    untouched: int = 0  # rows left as downloaded, not listed

    @property
    def to_save(self):
        return [row for row in self.rows if row.saves]

    @property
    def seen_versions(self):
        """Activity id -> the report version shown, for the confirmation to expect."""
        return {str(row.activity.pk): row.version for row in self.rows}

    def expect_versions(self, seen):
        """Expect, for each row, the version the user saw (not the one there is now)."""
        for row in self.rows:
            row.version = seen.get(str(row.activity.pk), -1)

    def count(self, outcome):
        listed = sum(1 for row in self.rows if row.outcome == outcome)
        return listed + self.untouched if outcome == RowPreview.SAME else listed


def preview(upload, *, party, cycle):
    """What saving ``upload`` would change now, row by row, and every problem."""
    activities = {activity.pk: activity for activity in _party_activities(party, cycle)}
    current = _current(party, cycle)
    problems = list(upload.problems)
    rows = []
    for row in upload.rows:
        activity = activities.get(row.activity_id)
        if activity is None:
            message = _("%(party)s no longer takes part in activity %(code)s.")
            problems.append(
                Problem(
                    row.row,
                    f"A ({_('Code')})",
                    message % {"party": party.display_name, "code": row.code},
                )
            )
            continue
        state = current.get(activity.pk) or Current(None, _empty_values())
        rows.append(_compare(row, activity, state, problems))
    return Preview(rows, problems, upload.untouched)


def _compare(row, activity, state, problems):
    indicators = {indicator.pk: indicator for indicator in activity.indicators.all()}
    report, before = state.report, state.values
    changes, content, values, also_on_site = [], {}, {}, False
    for name, downloaded in row.edited.items():
        old, new = before.content[name], row.content[name]
        if _same(old, new):
            continue
        content[name] = new
        changes.append(Change(_field_label(name), _shown(name, old), _shown(name, new)))
        also_on_site |= _digest(old) != downloaded
    for indicator_id, downloaded in row.edited_indicators.items():
        value, note = row.indicators[indicator_id]
        old_value, old_note = before.indicators.get(indicator_id, (None, ""))
        if _same(old_value, value) and _same(old_note, note):
            continue
        if indicator_id not in indicators:
            column = _("indicators")
            message = _("an indicator of activity %(code)s was removed; download a new workbook.")
            problems.append(Problem(row.row, column, message % {"code": row.code}))
            continue
        values[indicator_id] = (value, note)
        changes.append(
            Change(str(indicators[indicator_id]), _both(old_value, old_note), _both(value, note))
        )
        also_on_site |= [_digest(old_value), _digest(old_note)] != downloaded
    version = report.version if report else None
    preview = RowPreview(row.row, activity, RowPreview.SAME, report, changes, version=version)
    if not changes:
        return preview
    if report is None:
        # A new draft holds the whole row, including what was carried from an earlier cycle.
        preview.outcome = RowPreview.NEW
        preview.content = {**before.content, **row.content}
        preview.indicators = {
            pk: pair
            for pk, pair in {**before.indicators, **row.indicators}.items()
            if pk in indicators
        }
    elif not report.is_editable:
        preview.outcome = RowPreview.LOCKED
        preview.notices.append(
            _("This report is %(status)s: an upload does not change it.")
            % {"status": report.get_status_display()}
        )
    else:
        preview.outcome = RowPreview.CHANGE
        preview.content, preview.indicators = content, values
        if also_on_site:
            preview.notices.append(
                _(
                    "Changed on the site too since the workbook was downloaded: saving replaces "
                    "what the site says with the file's values listed here."
                )
            )
    return preview


def _digests(values, indicator_ids):
    """A short digest of each value of a row: its content fields, then each indicator's value
    and note. Tells which cells a file changed since it was downloaded."""
    digests = [_digest(values.content[name]) for name in CONTENT_FIELDS]
    for indicator_id in indicator_ids:
        value, note = values.indicators.get(indicator_id, (None, ""))
        digests += [_digest(value), _digest(note)]
    return digests


def _digest(value):
    if isinstance(value, Decimal):
        text = plain_number(value)
    elif isinstance(value, str):
        text = _normal(value)
    else:
        text = "" if value is None else str(value)
    return hashlib.sha256(text.encode()).hexdigest()[:8]


def _normal(value):
    if isinstance(value, str):
        return text_from_cell(xml_safe(value))
    return value


def _same(old, new):
    old, new = _normal(old), _normal(new)
    if old in (None, "") and new in (None, ""):
        return True
    return old == new


def _shown(name, value):
    if name == "implementation_status":
        return str(ProgressReport.Implementation(value).label) if value else ""
    return "" if value is None else str(value)


def _both(value, note):
    return " ".join(part for part in (plain_number(value), note) if part)
