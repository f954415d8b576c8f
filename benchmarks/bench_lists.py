"""Writing lists.xlsx is linear in rows: 10,000 vs 100,000 rows, medians of a few runs, and their ratio.

    python benchmarks/bench_lists.py [--runs 3]

The baseline, measured in the same run, is xlsxwriter writing the same rows cell by cell in its
constant_memory mode (what vvalley.publish.xlsx streams instead: the same sheet XML, see
tests/test_xlsx.py).

The rows are synthetic (the shape of the 企业清单 sheet: nine text and number columns, Chinese
text, one cell in ten starting with "=" to exercise the formula guard). Linear means the
100k/10k ratio of the medians stays near 10 (quadratic would be near 100).
"""

from __future__ import annotations

import argparse
import statistics
import time

from vvalley.publish.xlsx import Sheet, write_workbook

HEADERS = ["环节", "层级", "状态", "企业", "英文名", "所在地", "成立年份", "可信度", "来源"]
WIDTHS = [24, 6, 6, 30, 28, 20, 8, 6, 60]


def rows(n: int):
    for i in range(n):
        yield [f"环节{i % 500}", "中游", "弱", f"{'=' if i % 10 == 0 else ''}测试企业{i}有限公司", f"Test Firm {i}",
               f"区县{i % 300}", 2000 + i % 25, "C", f"https://example.org/source/{i}"]


def timed(n: int) -> tuple[float, float]:
    """(wall seconds, CPU seconds of this process) to write n rows."""
    start, cpu = time.perf_counter(), time.process_time()
    payload = write_workbook([Sheet("企业清单", HEADERS, WIDTHS, rows(n))])
    elapsed, used = time.perf_counter() - start, time.process_time() - cpu
    assert len(payload) > 1000
    return elapsed, used


def timed_xlsxwriter(n: int) -> tuple[float, float]:
    """(wall, CPU) seconds for xlsxwriter to write the same n rows cell by cell (constant_memory)."""
    import io

    import xlsxwriter

    from vvalley.sanitize import for_xml, needs_formula_guard

    start, cpu = time.perf_counter(), time.process_time()
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"constant_memory": True, "strings_to_formulas": False,
                                        "strings_to_numbers": False, "strings_to_urls": False})
    sheet = book.add_worksheet("企业清单")
    sheet.write_row(0, 0, HEADERS)
    sheet.freeze_panes(1, 0)
    for r, row in enumerate(rows(n), start=1):
        sheet.write_row(r, 0, [("'" + for_xml(v) if needs_formula_guard(for_xml(v)) else for_xml(v))
                               if isinstance(v, str) else v for v in row])
    sheet.autofilter(0, 0, n, len(HEADERS) - 1)
    book.close()
    return time.perf_counter() - start, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    small = [timed(10_000) for _ in range(args.runs)]
    large = [timed(100_000) for _ in range(args.runs)]
    reference = [timed_xlsxwriter(100_000) for _ in range(args.runs)]
    wall = statistics.median(w for w, _ in small), statistics.median(w for w, _ in large)
    cpu = statistics.median(c for _, c in small), statistics.median(c for _, c in large)
    print(f"lists.xlsx, nine columns, {args.runs} runs each (median; CPU = this process, less moved by a busy machine):")
    print(f"  10,000 rows   {wall[0]:7.2f} s wall  {cpu[0]:7.2f} s CPU")
    print(f"  100,000 rows  {wall[1]:7.2f} s wall  {cpu[1]:7.2f} s CPU")
    print(f"  ratio 100k/10k = {wall[1] / wall[0]:.1f} wall, {cpu[1] / cpu[0]:.1f} CPU (10 = linear, 100 = quadratic)")
    base = statistics.median(w for w, _ in reference), statistics.median(c for _, c in reference)
    print(f"  baseline: xlsxwriter cell by cell, 100,000 rows  {base[0]:7.2f} s wall  {base[1]:7.2f} s CPU"
          f"  ({base[1] / cpu[1]:.1f}× the streamed writer's CPU)")


if __name__ == "__main__":
    main()
