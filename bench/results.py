"""The table `make bench` prints and bench/results.json: figure, value, target, met."""

import json
import operator
import statistics
from dataclasses import asdict, dataclass

from bench import figures as targets
from bench.figures import FIGURES, THROUGHPUT

MB = 1024 * 1024
OPERATORS = {"<": operator.lt, "<=": operator.le, ">=": operator.ge}


@dataclass
class Row:
    name: str
    label: str
    value: float | None
    unit: str
    target: str = ""  # e.g. "<= 2.5"; empty when no target applies
    met: bool | None = None
    note: str = ""

    def check(self, op, limit):
        """Set the target; met is False for a figure that failed, None for one that is n/a."""
        self.target = f"{op} {limit:g}"
        if self.value is not None:
            self.met = OPERATORS[op](self.value, limit)
        elif not self.note.startswith("n/a"):
            self.met = False
        return self


def _ms(seconds):
    return None if seconds is None else round(seconds * 1000, 1)


def figure_rows(scale, timing):
    """A figure's rows at one scale: its time, and its floor, first byte or memory."""
    figure, at = timing.figure, f"@{scale:g}x"
    name, label = f"{figure.name}{at}", f"{figure.label} {at}"
    if timing.missing or timing.error:
        note = f"n/a: {timing.missing}" if timing.missing else f"error: {timing.error}"
        row = Row(name, label, None, "ms", note=note)
        if figure.kind == "document" and scale == 10:
            row.check("<", targets.DOCUMENT_MS_AT_10X)
        elif figure.kind == "export":
            row.check("<", targets.FIRST_BYTE_MS)
        elif figure.flat and scale == 10:
            row.check("<", targets.FLAT_MS_AT_10X)
        return [row]
    rows = [Row(name, label, _ms(timing.median), "ms")]
    if figure.flat and scale == 10:
        rows[0].check("<", targets.FLAT_MS_AT_10X)
    if figure.kind == "document" and scale == 10:
        rows[0].check("<", targets.DOCUMENT_MS_AT_10X)
    if figure.floor:
        rows.append(Row(f"{figure.name}.floor{at}", f"  floor: same SQL, orjson {at}", None, "ms"))
        rows[-1].value = _ms(statistics.median(timing.floor))
        ratio = statistics.median(timing.ratios)
        rows.append(Row(f"{figure.name}.vs_floor{at}", f"  app / floor {at}", round(ratio, 2), "x"))
        if scale == 1:
            rows[-1].check("<=", targets.FLOOR_RATIO_AT_1X)
    if figure.kind == "export":
        first_byte = statistics.median(timing.first_byte)
        rows.append(
            Row(f"{figure.name}.first_byte{at}", f"  first byte {at}", _ms(first_byte), "ms")
        )
        rows[-1].check("<", targets.FIRST_BYTE_MS)
        if timing.rss_growth is not None:
            growth = round(timing.rss_growth / MB, 1)
            rows.append(Row(f"{figure.name}.rss{at}", f"  worker RSS growth {at}", growth, "MB"))
    return rows


def growth_rows(scale, timing, base):
    """How a figure at ``scale`` compares with itself at 1x; the targets apply at 50x."""
    figure, at = timing.figure, f"{scale:g}x/1x"
    rows = []
    if (figure.flat or figure.aggregate) and not base.missing:
        label = f"  growth {at}"
        row = Row(f"{figure.name}.growth@{scale:g}x", label, None, "x")
        if timing.median and base.median:
            row.value = round(timing.median / base.median, 2)
        else:
            row.note = f"error: {timing.error or base.error}"
        if scale == 50:
            limit = targets.FLAT_GROWTH if figure.flat else targets.AGGREGATE_GROWTH
            row.check("<=", limit)
        rows.append(row)
    if figure.kind == "export" and base.rss_growth is not None:
        row = Row(f"{figure.name}.rss_delta@{scale:g}x", f"  RSS growth {at}, extra", None, "MB")
        if timing.rss_growth is not None:
            row.value = round((timing.rss_growth - base.rss_growth) / MB, 1)
        else:
            row.note = f"error: {timing.error}"
        if scale == 50:
            row.check("<", targets.RSS_GROWTH_MB)
        rows.append(row)
    return rows


def throughput_rows(scale, rates):
    at = f"@{scale:g}x"
    rows = []
    for figure in THROUGHPUT:
        rate, missing = rates[figure.name]
        note = f"n/a: {missing}" if missing else ""
        rows.append(Row(f"{figure.name}{at}", f"{figure.label} throughput {at}", rate, "rps"))
        rows[-1].note = note
        if rate is not None:
            rows[-1].value = round(rate, 1)
    status, healthz = (rates[figure.name] for figure in THROUGHPUT)
    ratio = Row(f"throughput.status_vs_healthz{at}", f"  status/ vs /healthz {at}", None, "x")
    if status[0] and healthz[0]:
        ratio.value = round(status[0] / healthz[0], 2)
    else:
        ratio.note = f"n/a: {healthz[1] or status[1]}"
    if scale == 10:
        ratio.check(">=", targets.THROUGHPUT_RATIO_AT_10X)
    return [*rows, ratio]


def build(measured, generation):
    """All rows: figure by figure, each at every scale, then its growth against 1x."""
    scales = sorted(measured)
    rows = []
    for scale in scales:
        if generation.get(scale) is not None:
            row = Row(f"generate@{scale:g}x", f"generate_load_data --scale {scale:g}", None, "s")
            row.value = round(generation[scale], 1)
            if scale == 50:
                row.check("<", 300)
            rows.append(row)
    for figure in FIGURES:
        for scale in scales:
            rows += figure_rows(scale, measured[scale][0][figure.name])
        if 1 in measured:
            base = measured[1][0][figure.name]
            for scale in scales:
                if scale > 1:
                    rows += growth_rows(scale, measured[scale][0][figure.name], base)
    for scale in scales:
        rows += throughput_rows(scale, measured[scale][1])
    if 50 not in measured:
        rows.append(
            Row(
                "targets@50x",
                "growth and memory targets at 50x",
                None,
                "",
                note="n/a: run with BENCH_SCALES=1,10,50",
            )
        )
    return rows


def _value(row):
    if row.value is None:
        return row.note.split(":")[0] if row.note else "-"
    if row.unit == "ms":
        return f"{row.value:,.0f} ms" if row.value >= 10 else f"{row.value:.1f} ms"
    if row.unit == "x":
        return f"{row.value:.2f}x"
    return f"{row.value:,.1f} {row.unit}"


def table(rows):
    """The rows as a fixed-width text table; notes (n/a, errors) after it."""
    lines = [f"{'figure':<52} {'value':>12}  {'target':<10} met", "-" * 80]
    notes = []
    for row in rows:
        met = {True: "yes", False: "NO", None: ""}[row.met]
        unit = row.unit if row.unit == "x" else f" {row.unit}"
        target = f"{row.target}{unit}" if row.target else ""
        lines.append(f"{row.label:<52} {_value(row):>12}  {target:<10} {met}")
        if row.note:
            notes.append(f"{row.label.strip()}: {row.note}")
    return "\n".join([*lines, "", *notes])


def write_json(path, rows, meta):
    results = [{key: value for key, value in asdict(row).items() if key != "label"} for row in rows]
    path.write_text(json.dumps({**meta, "results": results}, indent=1) + "\n", encoding="utf-8")
