"""The consolidated annual report for the Provincial People's Committee, as a workbook and an A4 PDF.

The report is the province's Vietnamese document ("Báo cáo kết quả thực hiện Kế hoạch số 202/KH-UBND năm
{year}"), so its wording is Vietnamese whatever the reader's language. Its figures are those signed when
the year was closed (``labels.plan.closing``) or, before that, the live ones, marked provisional.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from babel.numbers import format_decimal
from sqlalchemy.orm import Session

from labels.codes.fonts import font_path
from labels.plan import closing, reports
from labels.plan.model_projects import list_models
from labels.registry.reference import DISTRICTS, SECTORS, VIETNAM
from models import ModelProject, Plan, PlanTask

STATUS_VI = {
    "met": "Đã đạt",
    "on-track": "Đúng lộ trình",
    "at-risk": "Có nguy cơ không đạt",
    "missed": "Không đạt",
    "no-data": "Chưa có số liệu",
    "no-target": "Không đặt chỉ tiêu",
}
PROGRESS_VI = {"not-started": "Chưa bắt đầu", "in-progress": "Đang thực hiện", "done": "Hoàn thành"}
STATE_VI = {
    "draft": "Đang soạn",
    "submitted": "Chờ thẩm định",
    "returned": "Bị trả lại",
    "accepted": "Đã chấp nhận",
    None: "Chưa nộp",
}
UNIT_VI = {"%": "%", "models": "mô hình"}
MODEL_TYPE_VI = {
    "cleaner-production": "Sản xuất sạch hơn",
    "resource-efficiency": "Sử dụng hiệu quả tài nguyên",
    "circular-economy": "Kinh tế tuần hoàn",
    "industrial-symbiosis": "Cộng sinh công nghiệp",
    "eco-design": "Thiết kế sinh thái",
    "sustainable-supply-chain": "Chuỗi cung ứng bền vững",
    "other": "Khác",
}
MODEL_STATUS_VI = {
    "planned": "Dự kiến",
    "applied": "Đã áp dụng",
    "replicated": "Đã nhân rộng",
    "stopped": "Đã dừng",
}


@dataclass(frozen=True)
class AnnualReport:
    plan: Plan
    year: int
    figures: dict
    closed: bool
    leaf_index: int | None
    tasks: list[tuple[PlanTask, list[tuple[str, str, str]]]]  # task, [(agency, progress, what was done)]
    models: list[ModelProject]

    @property
    def title(self) -> str:
        return f"Báo cáo kết quả thực hiện Kế hoạch số {self.plan.code} năm {self.year}"


def annual_report(session: Session, plan: Plan, year: int, now: datetime) -> AnnualReport:
    closure = closing.get_closure(session, plan, year)
    figures = closure.figures if closure else closing.consolidated_figures(session, plan, year, now)
    done: dict[int, list[tuple[str, str, str]]] = {}
    for report in reports.accepted_reports(session, plan, year).values():
        for row in report.tasks:
            entry = (report.organisation.legal_name, PROGRESS_VI[row.progress], row.done_vi)
            done.setdefault(row.task_id, []).append(entry)
    return AnnualReport(
        plan=plan,
        year=year,
        figures=figures,
        closed=closure is not None,
        leaf_index=closure.leaf_index if closure else None,
        tasks=[(task, done.get(task.id, [])) for task in plan.tasks],
        models=[m for m in list_models(session, plan) if m.start_year <= year],
    )


def as_number(text: str | None) -> float | int | str:
    """A signed decimal string as a workbook number (Excel shows it in the reader's own format)."""
    if text is None:
        return ""
    number = Decimal(text)
    return int(number) if number == number.to_integral_value() else float(number)


def as_vietnamese(text: str | None) -> str:
    """A signed decimal string as Vietnamese writes it: 1.234,5."""
    return "" if text is None else format_decimal(Decimal(text), format="#,##0.###", locale="vi")


def _targets(report: AnnualReport, number) -> list[list]:
    names = {t.code: t.indicator_vi for t in report.plan.targets}
    return [
        [
            names.get(i["code"], i["code"]),
            UNIT_VI.get(i["unit"], i["unit"]),
            number(i["target_2025"]),
            number(i["target_2030"]),
            number(i["value"]),
            STATUS_VI.get(i["status"], i["status"]),
        ]
        for i in report.figures["indicators"]
    ]


def _sectors(report: AnnualReport, number) -> list[list]:
    rows = [
        [SECTORS.get(s["sector"], (s["sector"],))[0], number(s["change"]), s["enterprises"]]
        for s in report.figures["sectors"]
    ]
    return [*rows, ["Toàn tỉnh (bình quân các ngành)", number(report.figures["province_change"]), ""]]


def _agencies(report: AnnualReport) -> list[list]:
    return [
        [
            r["name"],
            STATE_VI.get(r["state"], r["state"]),
            r["version"] or "",
            _date(r["first_submitted_at"]),
            "trễ hạn" if r["late"] else ("chưa nộp" if r["missing"] else ""),
        ]
        for r in report.figures["reports"]
    ]


def _date(stamp: str | None) -> str:
    """An instant as its date in Vietnam, written dd/mm/yyyy."""
    if not stamp:
        return ""
    return datetime.fromisoformat(stamp.replace("Z", "+00:00")).astimezone(VIETNAM).strftime("%d/%m/%Y")


# --- the workbook --------------------------------------------------------------------------------

SHEETS = ("Mục tiêu", "Nhiệm vụ", "Tiêu hao theo ngành", "Mô hình", "Báo cáo các cơ quan")


def report_xlsx(report: AnnualReport) -> bytes:
    """Sheets: the targets, the annex tasks with each agency's progress, the sectors, the models, the
    agencies' reports."""
    from openpyxl import Workbook  # imported here: only the workbook pays for it
    from openpyxl.styles import Alignment, Font

    workbook = Workbook()
    status = "" if report.closed else " (số liệu tạm thời: năm chưa khóa sổ)"
    tables = {
        "Mục tiêu": (
            ["Chỉ tiêu", "Đơn vị", "Mục tiêu 2025", "Mục tiêu 2030", f"Kết quả {report.year}", "Đánh giá"],
            _targets(report, as_number),
        ),
        "Nhiệm vụ": (
            [
                "Mục",
                "STT",
                "Nội dung nhiệm vụ",
                "Cơ quan chủ trì",
                "Thời gian",
                "Cơ quan báo cáo",
                "Tiến độ",
                "Kết quả",
            ],
            [
                [task.section, task.number, task.content_vi, task.lead_vi, task.period, *entry]
                for task, entries in report.tasks
                for entry in (entries or [("", "", "")])
            ],
        ),
        "Tiêu hao theo ngành": (
            ["Ngành", "Mức giảm tiêu hao (%)", "Số doanh nghiệp"],
            _sectors(report, as_number),
        ),
        "Mô hình": (
            ["Mô hình", "Doanh nghiệp", "Loại", "Ngành", "Địa bàn", "Năm bắt đầu", "Trạng thái"],
            [
                [
                    m.name_vi,
                    m.organisation.legal_name,
                    MODEL_TYPE_VI.get(m.model_type, m.model_type),
                    SECTORS.get(m.sector, (m.sector,))[0],
                    DISTRICTS.get(m.district, (m.district,))[0],
                    m.start_year,
                    MODEL_STATUS_VI.get(m.status, m.status),
                ]  # fmt: skip
                for m in report.models
            ],
        ),
        "Báo cáo các cơ quan": (
            ["Cơ quan", "Tình trạng", "Phiên bản", "Ngày nộp", "Ghi chú"],
            _agencies(report),
        ),
    }
    for index, name in enumerate(SHEETS):
        sheet = workbook.active if index == 0 else workbook.create_sheet()
        sheet.title = name
        sheet.append([report.title + status])
        sheet["A1"].font = Font(bold=True)
        header, rows = tables[name]
        sheet.append(header)
        for cell in sheet[2]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append(row)
        for column in sheet.columns:
            sheet.column_dimensions[column[0].column_letter].width = 24
            for cell in column:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- the PDF -------------------------------------------------------------------------------------


def report_pdf(report: AnnualReport) -> bytes:
    """A4, in a font with Vietnamese glyphs: heading, targets, sectors, agencies, models, and the seal."""
    from fpdf import FPDF
    from fpdf.fonts import FontFace

    pdf = FPDF(unit="mm", format="A4")
    pdf.set_auto_page_break(True, margin=15)
    pdf.add_page()
    regular, bold = font_path("regular"), font_path("bold")
    if regular is None:
        raise RuntimeError("no font with Vietnamese glyphs is installed (fonts-dejavu-core)")
    pdf.add_font("vi", "", regular)
    pdf.add_font("vi", "B", bold or regular)
    pdf.set_font("vi", "B", 11)
    pdf.cell(90, 6, "ỦY BAN NHÂN DÂN TỈNH ĐỒNG NAI", align="C")
    pdf.cell(0, 6, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(90, 6, "SỞ CÔNG THƯƠNG", align="C")
    pdf.cell(0, 6, "Độc lập - Tự do - Hạnh phúc", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(8)
    pdf.set_font("vi", "B", 13)
    pdf.multi_cell(0, 7, report.title.upper(), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("vi", "", 10)
    pdf.multi_cell(0, 5, report.plan.title_vi, align="C", new_x="LMARGIN", new_y="NEXT")
    if not report.closed:
        pdf.set_font("vi", "B", 10)
        pdf.multi_cell(0, 6, "Số liệu tạm thời: năm chưa khóa sổ.", align="C", new_x="LMARGIN", new_y="NEXT")
    heading = FontFace(emphasis="BOLD", fill_color=(221, 235, 219))

    def section(title: str, widths: tuple, header: list, rows: list[list]) -> None:
        pdf.ln(4)
        pdf.set_font("vi", "B", 11)
        pdf.cell(0, 7, title, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("vi", "", 9)
        with pdf.table(col_widths=widths, headings_style=heading, line_height=5) as table:
            for row in [header, *rows]:
                cells = table.row()
                for value in row:
                    cells.cell(str(value))

    section(
        "I. Kết quả thực hiện các mục tiêu",
        (70, 16, 20, 20, 22, 32),
        ["Chỉ tiêu", "Đơn vị", "2025", "2030", f"Năm {report.year}", "Đánh giá"],
        _targets(report, as_vietnamese),
    )
    section(
        "II. Mức giảm tiêu hao nguyên nhiên vật liệu theo ngành",
        (90, 50, 40),
        ["Ngành", "Mức giảm (%)", "Số doanh nghiệp"],
        _sectors(report, as_vietnamese),
    )
    section(
        "III. Tình hình báo cáo của các cơ quan",
        (80, 36, 18, 24, 22),
        ["Cơ quan", "Tình trạng", "Phiên bản", "Ngày nộp", "Ghi chú"],
        _agencies(report),
    )
    section(
        "IV. Mô hình sản xuất và tiêu dùng bền vững",
        (80, 70, 30),
        ["Mô hình", "Doanh nghiệp", "Năm bắt đầu"],
        [[m.name_vi, m.organisation.legal_name, m.start_year] for m in report.models],
    )
    pdf.ln(6)
    pdf.set_font("vi", "", 9)
    if report.closed:
        seal = (
            f"Số liệu năm {report.year} đã được khóa sổ, ký số và ghi vào sổ cái minh bạch "
            f"(bản ghi số {report.leaf_index}); có thể kiểm tra bằng lệnh ecoreg audit hoặc bất kỳ công cụ "
            "kiểm tra chữ ký nào."
        )
        pdf.multi_cell(0, 5, seal, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
