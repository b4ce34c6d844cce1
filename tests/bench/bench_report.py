"""P4: a progress report PDF with 2,000 task rows, against a bare reportlab table of the same rows.

Both run in this process, interleaved, after one warm-up each (fonts registered, modules imported).
The report is measured from the workspace (the service's queries and figures included) to the PDF's
bytes: header block, every table and chart, signer block, QR code. The floor is one reportlab
``Table`` of the same task rows (same cells, the text cells as Paragraphs so they wrap, same font,
header row repeated) in a plain A4 document. Target: median ratio <= 1.3.

    python tests/bench/bench_report.py [--runs 7] [--tasks 2000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import random
import statistics
import tempfile
import time
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle
from sqlalchemy import insert, select

from kehoach_desktop.domain.enums import TaskStatus, WorkspaceMode
from kehoach_desktop.exchange.pdf.fonts import SERIF, register_fonts
from kehoach_desktop.exchange.pdf.layout import GRID, TEXT_WIDTH, Styles, esc, short_date
from kehoach_desktop.exchange.pdf.progress_pdf import TASK_STATUS_VI, indicator, render_progress
from kehoach_desktop.services.reports import get_progress_document
from kehoach_desktop.services.session import WorkspaceSession, new_workspace
from kehoach_desktop.services.workspace import WorkspaceSetup
from kehoach_desktop.storage.models import PlanSection, ResponsibleUnit, Task, new_id

TODAY = dt.date(2021, 9, 20)


def workspace_with_tasks(path: Path, count: int) -> WorkspaceSession:
    session = new_workspace(path, WorkspaceSetup(mode=WorkspaceMode.DISTRICT, unit_code="006",
                                                 signer_name="Phạm Thị Lan Anh", signer_title="Phó Chủ tịch"))
    rng = random.Random(6)
    with session.uow_factory() as uow:
        s = uow.session
        themes = list(s.scalars(select(PlanSection).where(PlanSection.kind.in_(["theme", "form"]))))
        units = list(s.scalars(select(ResponsibleUnit)))
        # As in a district's year: half the tasks done, a tenth with a numeric indicator, a few late.
        statuses = [TaskStatus.DONE.value] * 10 + [TaskStatus.IN_PROGRESS.value] * 6 + [
            TaskStatus.NOT_STARTED.value] * 2 + [TaskStatus.OVERDUE.value, TaskStatus.CANCELLED.value]
        rows = []
        for index in range(count):
            start = dt.date(2021, 1, 1) + dt.timedelta(days=rng.randrange(0, 300))
            target = rng.choice([10, 120, 300]) if rng.random() < 0.1 else None
            rows.append(dict(
                id=new_id(), unit_code="006", plan_id=themes[0].plan_id, section_id=rng.choice(themes).id,
                position=index, form="visual", lead_unit_id=rng.choice(units).id, supporting_unit_ids=[],
                content=f"Nhiệm vụ tuyên truyền số {index + 1}: treo băng rôn, khẩu hiệu chào mừng các ngày lễ lớn "
                        f"trên các tuyến phố chính của {rng.choice(units).name}",
                start_date=start, due_date=max(start + dt.timedelta(days=rng.randrange(10, 120)),
                                               TODAY + dt.timedelta(days=rng.randrange(-20, 90))),
                budget=rng.randrange(1, 200) * 500_000, indicator_unit="băng rôn" if target else "",
                indicator_target=target, indicator_achieved=rng.randrange(0, target) if target else None,
                status=rng.choice(statuses), percent_done=rng.randrange(0, 101), spent=0,
                result_text="", version=1))
        s.execute(insert(Task), rows)
        uow.commit()
    return session


def report(session: WorkspaceSession) -> int:
    document = get_progress_document(uow_factory=session.uow_factory, period="2021", today=TODAY)
    return len(render_progress(document).data)


def floor(rows: list[list[str]]) -> int:
    """The bare table: the same task rows, nothing else."""
    register_fonts()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=30 * mm, rightMargin=15 * mm, topMargin=20 * mm,
                            bottomMargin=20 * mm, initialFontName=SERIF)
    widths = [TEXT_WIDTH * f for f in (0.06, 0.34, 0.17, 0.11, 0.11, 0.07, 0.14)]
    data = [["TT", "Nội dung", "Chủ trì", "Hạn", "Trạng thái", "Tiến độ", "Chỉ tiêu"]]
    data += [[r[0], Paragraph(esc(r[1]), Styles.cell), Paragraph(esc(r[2]), Styles.cell), r[3],
              Paragraph(esc(r[4]), Styles.cell), r[5], Paragraph(esc(r[6]), Styles.cell)] for r in rows]
    doc.build([Table(data, colWidths=widths, repeatRows=1, style=TableStyle(GRID))])
    return len(buffer.getvalue())


def floor_rows(session: WorkspaceSession) -> list[list[str]]:
    document = get_progress_document(uow_factory=session.uow_factory, period="2021", today=TODAY)
    return [[str(i), t.content, t.lead_unit, short_date(t.due_date), TASK_STATUS_VI[t.status],
             f"{t.percent_done}%" if t.percent_done is not None else "-", indicator(t)]
            for i, t in enumerate(document.data.tasks, start=1)]


def timed(work, *args) -> float:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    work(*args)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--tasks", type=int, default=2000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        session = workspace_with_tasks(Path(folder) / "bench.khws", args.tasks)
        try:
            rows = floor_rows(session)
            assert len(rows) == args.tasks, len(rows)
            report(session), floor(rows)  # warm-up
            ours, bare = [], []
            for _run in range(args.runs):
                ours.append(timed(report, session))
                bare.append(timed(floor, rows))
        finally:
            session.close()
    ours_median, bare_median = statistics.median(ours), statistics.median(bare)
    print(f"progress report, {args.tasks} task rows: median {ours_median:.3f} s over {args.runs} runs")
    print(f"bare reportlab table of the same rows:  median {bare_median:.3f} s")
    print(f"ratio {ours_median / bare_median:.2f} (target <= 1.3)")


if __name__ == "__main__":
    main()
