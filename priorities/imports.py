"""Importing a work plan's activities from a spreadsheet matrix (XLSX or CSV), for the secretariat.

One row per activity: its priority area (number), code, title, description, expected outcome,
lead and participating parties (codes such as ``ID, JP``), planned start and end, whether it is
sample data, and its indicators in groups of columns ("Indicator 1", "Indicator 1 unit",
"Indicator 1 baseline", "Indicator 1 target", then 2, 3...).

- ``read_matrix``: the rows of an uploaded file, each cell checked, every problem named by row
  and column; a file that is not a readable table is refused whole (SpreadsheetRefused).
- ``plan_import``: per row, what importing would do (new activity, changes, nothing), against
  the plan as it is now, with the model's own rules (code starts with the area's number, dates
  in order...). Reads only.
- ``import_activities``: does it, all rows in one transaction or none, as the importing user
  (django-simple-history records who).

The activity code is the key within the plan: importing the same file again changes nothing,
and a changed file updates the activities it names. Activities and indicators the file does not
name are left alone (an indicator may already hold reported values). A column left out of the
file leaves that field as it is; a column present but empty empties it.

Written for this app rather than with django-import-export: see the README ("Importing a work
plan").
"""

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
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

# The activity's columns, each labelled with the model field's own (translated) name.
ACTIVITY_COLUMNS = (
    "priority_area",
    "code",
    "title",
    "description",
    "expected_outcome",
    "lead_parties",
    "participating_parties",
    "planned_start",
    "planned_end",
    "is_sample",
)
REQUIRED = ("priority_area", "code", "title")
TEXT_COLUMNS = ("code", "title", "description", "expected_outcome")
INDICATOR_COLUMNS = ("name", "unit", "baseline", "target")
MAX_INDICATORS = 20
TEMPLATE_INDICATORS = 3
MAX_ROWS = 5_000
PARTY_SEPARATORS = re.compile(r"[\s,;/]+")


@dataclass(frozen=True)
class Problem:
    """Something wrong in an imported file; ``row`` None means the whole file."""

    row: int | None
    column: str
    message: str

    def __str__(self):
        if self.row is None:
            return f"{self.column}: {self.message}" if self.column else self.message
        return _("Row %(row)s, %(column)s: %(message)s") % {
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }


def activity_label(name):
    return str(capfirst(Activity._meta.get_field(name).verbose_name))


def indicator_label(name, number):
    labels = {
        "name": _("Indicator %(n)s"),
        "unit": _("Indicator %(n)s unit"),
        "baseline": _("Indicator %(n)s baseline"),
        "target": _("Indicator %(n)s target"),
    }
    return labels[name] % {"n": number}


def _heading_key(text):
    return " ".join(str(text).split()).casefold()


def _headings():
    """Heading as written (any of the site's languages) -> column key: a name, or
    ``(number, name)`` for an indicator's column."""
    headings = {}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            for name in ACTIVITY_COLUMNS:
                headings[_heading_key(activity_label(name))] = name
            for number in range(1, MAX_INDICATORS + 1):
                for name in INDICATOR_COLUMNS:
                    headings[_heading_key(indicator_label(name, number))] = (number, name)
    return headings


# --- Reading the file ----------------------------------------------------------------------


@dataclass
class Matrix:
    """An uploaded file's rows, as JSON-ready dicts, and the problems found reading them."""

    filename: str
    sha256: str
    columns: list  # each column's key, in the file's order (None: a column not read)
    rows: list
    problems: list

    def to_json(self):
        return {
            "filename": self.filename,
            "sha256": self.sha256,
            "columns": [list(c) if isinstance(c, tuple) else c for c in self.columns],
            "rows": self.rows,
            "problems": [[p.row, p.column, p.message] for p in self.problems],
        }

    @classmethod
    def from_json(cls, data):
        return cls(
            data["filename"],
            data["sha256"],
            [tuple(c) if isinstance(c, list) else c for c in data["columns"]],
            data["rows"],
            [Problem(*problem) for problem in data["problems"]],
        )


def read_matrix(content, *, filename="", sha256=""):
    """The ``Matrix`` of an uploaded XLSX or CSV file's bytes."""
    is_zip = content.startswith(b"PK\x03\x04")
    table = _xlsx_rows(content) if is_zip else _csv_rows(content)
    try:
        header = next(table)
    except StopIteration:
        raise SpreadsheetRefused(_("The file is empty.")) from None
    columns, problems = _columns(header)
    rows = []
    for number, values in enumerate(table, start=2):
        if number > MAX_ROWS + 1:
            raise SpreadsheetRefused(_("The file has more than %(max)s rows.") % {"max": MAX_ROWS})
        if all(value is None or value == "" for value in values):
            continue
        reader = _RowReader(number, columns)
        rows.append(reader.read(values))
        problems += reader.problems
    return Matrix(filename, sha256, columns, rows, problems)


def _xlsx_rows(content):
    book = open_xlsx(content, max_bytes=settings.SPREADSHEET_MAX_BYTES)
    try:
        width = len(ACTIVITY_COLUMNS) + len(INDICATOR_COLUMNS) * MAX_INDICATORS + 10
        yield from sheet_rows(book.worksheets[0], max_col=width)
    finally:
        book.close()


def _csv_rows(content):
    if len(content) > settings.SPREADSHEET_MAX_BYTES:
        raise SpreadsheetRefused(_("The file is too large."))
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SpreadsheetRefused(
            _("This file is neither an Excel workbook (.xlsx) nor a CSV file in UTF-8.")
        ) from None
    if "\x00" in text:
        raise SpreadsheetRefused(_("This file is not a CSV file."))
    first_line = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first_line.count)
    try:
        yield from csv.reader(io.StringIO(text), delimiter=delimiter)
    except csv.Error as error:
        message = _("The CSV file could not be read: %(error)s") % {"error": error}
        raise SpreadsheetRefused(message) from None


def _columns(header):
    """The column key of each heading (None where empty), and the problems with them."""
    headings = _headings()
    columns, problems = [], []
    for index, text in enumerate(header):
        text = text_from_cell(text)
        key = headings.get(_heading_key(text)) if text else None
        letter = get_column_letter(index + 1)
        if text and key is None:
            problems.append(Problem(1, letter, _('unknown heading "%(text)s".') % {"text": text}))
        elif key is not None and key in columns:
            problems.append(Problem(1, letter, _('"%(text)s" appears twice.') % {"text": text}))
            key = None
        columns.append(key)
    for name in REQUIRED:
        if name not in columns:
            message = _('the column "%(name)s" is missing.') % {"name": activity_label(name)}
            problems.append(Problem(1, "", message))
    return columns, problems


class _RowReader:
    """Reads one row's cells into a JSON-ready dict, noting a Problem for each bad cell."""

    def __init__(self, number, columns):
        self.number, self.columns = number, columns
        self.problems = []

    def error(self, index, message):
        column = f"{get_column_letter(index + 1)} ({self._label(self.columns[index])})"
        self.problems.append(Problem(self.number, column, message))

    @staticmethod
    def _label(key):
        return indicator_label(key[1], key[0]) if isinstance(key, tuple) else activity_label(key)

    def read(self, values):
        row = {"row": self.number, "indicators": {}}
        for index, key in enumerate(self.columns):
            if key is None:
                continue
            raw = values[index] if index < len(values) else None
            if isinstance(key, tuple):
                number, name = key
                indicator = row["indicators"].setdefault(str(number), {})
                indicator[name] = self._indicator_cell(index, name, raw)
            else:
                row[key] = self._cell(index, key, raw)
        return row

    def _cell(self, index, key, raw):
        if key == "priority_area":
            return self._number(index, raw)
        if key in ("lead_parties", "participating_parties"):
            text = text_from_cell(raw).upper()
            return [code for code in PARTY_SEPARATORS.split(text) if code]
        if key in ("planned_start", "planned_end"):
            return self._date(index, raw)
        if key == "is_sample":
            return self._yes_no(index, raw)
        if key == "code" and isinstance(raw, float):
            return repr(raw)  # typed as a number in a spreadsheet: 2.1
        return text_from_cell(raw)

    def _indicator_cell(self, index, name, raw):
        if name not in ("baseline", "target"):
            return text_from_cell(raw)
        if raw is None or raw == "":
            return None
        try:
            number = Decimal(str(raw).strip())
            Indicator._meta.get_field(name).run_validators(number)
        except (InvalidOperation, ValidationError):
            self.error(index, _("not a number with at most 2 decimals."))
            return None
        return str(number)

    def _number(self, index, raw):
        text = text_from_cell(raw)
        if isinstance(raw, float) and raw.is_integer():
            text = str(int(raw))
        try:
            number = Decimal(text)
        except InvalidOperation:
            number = None
        if number is None or number != number.to_integral_value():
            self.error(index, _("give the priority area's number, e.g. 2."))
            return None
        return int(number)

    def _date(self, index, raw):
        if isinstance(raw, datetime):
            return raw.date().isoformat()
        if isinstance(raw, date):
            return raw.isoformat()
        text = text_from_cell(raw)
        if not text:
            return None
        try:
            return date.fromisoformat(text).isoformat()
        except ValueError:
            self.error(index, _("not a date; write it as 2025-03-31."))
            return None

    def _yes_no(self, index, raw):
        text = text_from_cell(raw).casefold()
        if not text:
            return None
        if text in {"yes", "true", "1", "x", str(_("yes")).casefold()}:
            return True
        if text in {"no", "false", "0", str(_("no")).casefold()}:
            return False
        self.error(index, _("write yes or no."))
        return None


# --- Comparing with the plan ---------------------------------------------------------------


@dataclass
class Change:
    label: str
    old: str
    new: str


@dataclass
class RowPlan:
    """What importing one row would do."""

    NEW, UPDATE, SAME = "new", "update", "same"

    row: int
    code: str
    title: str
    outcome: str = SAME
    changes: list = field(default_factory=list)


@dataclass
class ImportPlan:
    rows: list
    problems: list

    def count(self, outcome):
        return sum(1 for row in self.rows if row.outcome == outcome)

    @property
    def changes_anything(self):
        return any(row.outcome != RowPlan.SAME for row in self.rows)


def plan_import(matrix, *, plan):
    """What importing ``matrix`` into ``plan`` would do now, row by row; reads only."""
    return _Importer(matrix, plan).run(write=False)


@transaction.atomic
def import_activities(*, matrix, plan, user):
    """Import ``matrix`` into ``plan`` as ``user``: every row, or none (ImportRefused)."""
    return _Importer(matrix, plan, user).run(write=True)


class ImportRefused(Exception):
    def __init__(self, problems):
        super().__init__("; ".join(str(problem) for problem in problems))
        self.problems = problems


class _Importer:
    """Compares (and, writing, saves) each row, with the model's own validation."""

    def __init__(self, matrix, plan, user=None):
        self.matrix, self.plan, self.user = matrix, plan, user
        self.areas = {area.number: area for area in plan.priority_areas.all()}
        self.parties = {party.code: party for party in Party.objects.all()}
        activities = (
            Activity.objects.filter(work_plan=plan)
            .select_related("priority_area")
            .prefetch_related("lead_parties", "participating_parties", "indicators")
        )
        self.existing = {activity.code: activity for activity in activities}
        self.problems = list(matrix.problems)

    def run(self, *, write):
        plans, seen = [], {}
        for row in self.matrix.rows:
            code = row.get("code", "")
            if code and code in seen:
                message = _("activity %(code)s is also on row %(other)s.")
                self._error(row, "code", message % {"code": code, "other": seen[code]})
                continue
            seen[code] = row["row"]
            plans.append(self._row(row, write))
        if write and self.problems:
            raise ImportRefused(self.problems)
        return ImportPlan(plans, self.problems)

    def _error(self, row, key, message):
        """A problem of ``row`` in the column ``key`` (a field name, or an indicator's
        ``(number, name)``); None: the row as a whole."""
        if key is None:
            label = _("the row")
        elif isinstance(key, tuple):
            label = indicator_label(key[1], key[0])
        else:
            label = activity_label(key)
        if key is not None and key in self.matrix.columns:
            label = f"{get_column_letter(self.matrix.columns.index(key) + 1)} ({label})"
        self.problems.append(Problem(row["row"], label, message))

    def _row(self, row, write):
        activity = self.existing.get(row.get("code")) or Activity(work_plan=self.plan)
        result = RowPlan(row["row"], row.get("code", ""), row.get("title", ""))
        result.outcome = RowPlan.UPDATE if activity.pk else RowPlan.NEW
        problems_before = len(self.problems)
        changes = self._set_fields(activity, row)
        changes += self._party_changes(activity, row)
        indicators, indicator_changes = self._indicators(activity, row)
        changes += indicator_changes
        result.changes, result.title = changes, activity.title
        if activity.pk and not changes:
            result.outcome = RowPlan.SAME
        if write and len(self.problems) == problems_before and changes:
            self._save(activity, row, indicators)
        return result

    def _set_fields(self, activity, row):
        changes = []
        area_number = row.get("priority_area")
        if area_number is not None and area_number not in self.areas:
            message = _("the work plan has no priority area %(n)s.") % {"n": area_number}
            self._error(row, "priority_area", message)
        elif area_number is not None and activity.priority_area_id != self.areas[area_number].pk:
            old = activity.priority_area.number if activity.priority_area_id else ""
            changes.append(Change(activity_label("priority_area"), str(old), str(area_number)))
            activity.priority_area = self.areas[area_number]
        for name in (*TEXT_COLUMNS, "planned_start", "planned_end", "is_sample"):
            if name not in row or (name == "code" and activity.pk):
                continue
            new = row[name]
            if name.startswith("planned_") and new:
                new = date.fromisoformat(new)
            if name == "is_sample" and new is None:
                continue  # empty: real plan data for a new activity, unchanged otherwise
            old = getattr(activity, name)
            if old != new and not (old in (None, "") and new in (None, "")):
                changes.append(Change(activity_label(name), _shown(old), _shown(new)))
                setattr(activity, name, new)
        self._validate(activity, row)
        return changes

    def _validate(self, activity, row):
        if activity.priority_area_id is None:
            return  # reported already: no area given, or no such area in the plan
        # The plan and area are the ones loaded above, and the code is unique in the file and
        # the key of the activity it names: only the date-order constraint needs the database.
        resolved = ["work_plan", "priority_area"]
        try:
            activity.full_clean(exclude=resolved, validate_constraints=False)
            if activity.planned_start and activity.planned_end:
                activity.validate_constraints(exclude=resolved)
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                for message in messages:
                    self._error(row, name if name in ACTIVITY_COLUMNS else None, message)

    def _party_changes(self, activity, row):
        changes = []
        for name in ("lead_parties", "participating_parties"):
            if name not in row:
                continue
            unknown = [code for code in row[name] if code not in self.parties]
            if unknown:
                message = _("no party has the code %(codes)s.") % {"codes": ", ".join(unknown)}
                self._error(row, name, message)
                continue
            old = (
                sorted(party.code for party in getattr(activity, name).all()) if activity.pk else []
            )
            new = sorted(set(row[name]))
            if old != new:
                changes.append(Change(activity_label(name), ", ".join(old), ", ".join(new)))
        return changes

    def _indicators(self, activity, row):
        """The indicators to save (existing ones changed, new ones), and their changes."""
        existing = (
            {indicator.name: indicator for indicator in activity.indicators.all()}
            if (activity.pk)
            else {}
        )
        to_save, changes, names = [], [], set()
        for number, cells in sorted(row["indicators"].items(), key=lambda item: int(item[0])):
            name = cells.get("name", "")
            if not name:
                if any(cells.get(key) for key in ("unit", "baseline", "target")):
                    message = _("indicator %(n)s has no name.") % {"n": number}
                    self._error(row, (int(number), "name"), message)
                continue
            if name in names:
                message = _('the indicator "%(name)s" is named twice.') % {"name": name}
                self._error(row, (int(number), "name"), message)
                continue
            names.add(name)
            indicator = existing.get(name) or Indicator(name=name)
            before = _indicator_text(indicator) if indicator.pk else ""
            if self._set_indicator(indicator, cells) or indicator.pk is None:
                label = _("Indicator: %(name)s") % {"name": name}
                changes.append(Change(label, before, _indicator_text(indicator)))
                self._validate_indicator(indicator, row, int(number))
                to_save.append(indicator)
        return to_save, changes

    @staticmethod
    def _set_indicator(indicator, cells):
        """Set the unit, baseline and target the file gives; True if any changed."""
        changed = False
        for key in ("unit", "baseline", "target"):
            if key not in cells:
                continue
            new = cells[key]
            if key != "unit" and new is not None:
                new = Decimal(new)
            old = getattr(indicator, key)
            if old != new and not (old in (None, "") and new in (None, "")):
                setattr(indicator, key, new)
                changed = True
        return changed

    def _validate_indicator(self, indicator, row, number):
        try:
            indicator.full_clean(exclude=["activity"])
        except ValidationError as error:
            for messages in error.message_dict.values():
                for message in messages:
                    self._error(row, (number, "name"), message)

    def _save(self, activity, row, indicators):
        activity._history_user = self.user
        activity.save()
        for name in ("lead_parties", "participating_parties"):
            if name in row:
                getattr(activity, name).set([self.parties[code] for code in set(row[name])])
        for indicator in indicators:
            indicator.activity = activity
            indicator._history_user = self.user
            indicator.save()


def _shown(value):
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, date):
        return value.isoformat()
    return "" if value is None else str(value)


def _indicator_text(indicator):
    parts = [indicator.unit]
    if indicator.baseline is not None:
        parts.append(_("baseline %(n)s") % {"n": _number_text(indicator.baseline)})
    if indicator.target is not None:
        parts.append(_("target %(n)s") % {"n": _number_text(indicator.target)})
    return ", ".join(part for part in parts if part)


def _number_text(value):
    return format(value.normalize(), "f") if isinstance(value, Decimal) else str(value)


# --- The template ----------------------------------------------------------------------------


def template_workbook(plan):
    """An XLSX file with the headings, one example-free row to fill per activity, and an
    instructions sheet listing the plan's priority areas and the party codes."""
    book = Workbook()
    sheet = book.active
    sheet.title = _("Activities")
    headings = [activity_label(name) for name in ACTIVITY_COLUMNS]
    for number in range(1, TEMPLATE_INDICATORS + 1):
        headings += [indicator_label(name, number) for name in INDICATOR_COLUMNS]
    for column, heading in enumerate(headings, 1):
        cell = sheet.cell(1, column, spreadsheet_cell(heading))
        cell.font = Font(bold=True)
        sheet.column_dimensions[get_column_letter(column)].width = 40 if column in (3, 4) else 18
    code_column = get_column_letter(ACTIVITY_COLUMNS.index("code") + 1)
    for row in range(2, 502):
        sheet[f"{code_column}{row}"].number_format = "@"  # 2.10 stays 2.10, not the number 2.1
    areas = [str(area.number) for area in plan.priority_areas.all()]
    area_list = DataValidation(type="list", formula1=f'"{",".join(areas)}"', allow_blank=True)
    area_list.add("A2:A501")
    sheet.add_data_validation(area_list)
    sheet.freeze_panes = "A2"
    _template_instructions(book.create_sheet(_("Instructions")), plan)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _template_instructions(sheet, plan):
    lines = [
        _("Activities of %(plan)s") % {"plan": plan},
        "",
        _(
            "One row per activity. The code is the key: importing again updates the activity "
            "with that code instead of adding another."
        ),
        _("Priority area: its number. Code: starts with that number, e.g. 2.3."),
        _("Lead and participating parties: party codes separated by commas, e.g. ID, JP."),
        _("Planned start and end: dates, e.g. 2025-03-31."),
        _("Sample data: yes for an illustrative activity; empty or no for the plan's own."),
        _(
            "Indicators: add groups of four columns (Indicator 4, Indicator 4 unit, ...) as "
            "needed. An indicator is matched by its name within the activity."
        ),
        _(
            "A column left out changes nothing; an empty cell in a column empties that field. "
            "Activities and indicators the file does not name are kept."
        ),
        _("The same headings in a CSV file (UTF-8) work too."),
        "",
        _("Priority areas"),
    ]
    lines += [f"{area.number}. {area.title}" for area in plan.priority_areas.all()]
    lines += ["", _("Party codes")]
    lines += [f"{party.code}: {party.name}" for party in Party.objects.order_by("code")]
    for row, line in enumerate(lines, 1):
        sheet.cell(row, 1, spreadsheet_cell(str(line)))
    sheet.cell(1, 1).font = Font(bold=True)
    sheet.column_dimensions["A"].width = 110
