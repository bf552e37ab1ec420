"""The action plan 202/KH-UBND as seed data: its section II task headings and its annex of tasks.

The data are in ``annex.json`` beside this module (package data), read once into the typed records
below; each task or section whose reading needed a decision carries it in its ``note``.

Kế hoạch số 202/KH-UBND of the Đồng Nai Provincial People's Committee, dated 14 September 2022 ("Kế hoạch
hành động về sản xuất và tiêu dùng bền vững trong công nghiệp trên địa bàn tỉnh Đồng Nai giai đoạn
2022-2030", the provincial action plan on sustainable production and consumption in industry, 2022-2030).
The annex ("Danh mục các nhiệm vụ thực hiện Kế hoạch") is held here as the plan states it: every Vietnamese
field is the published wording, cell for cell, and every one has an English translation beside it. The plan
abbreviates "sản xuất và tiêu dùng bền vững" as SX&TDBV; the translations write SPC (sustainable production
and consumption).

How the published table was read:

* The annex numbers its tasks (STT) from 1 within each group of rows; a group belongs to one of the fifteen
  task headings of the plan's section II ("Nhiệm vụ"). Only some groups carry a heading row in the annex;
  the others are placed by content and by their position between headed groups (the first task of each group
  says how, in its note). Sections 2, 3 and 14 have no annex tasks.
* Section II headings 2, 4 and 8 are missing from the published text; the titles given for them are
  inferred from their sub-items and marked so in their notes.
* Some cells are merged across rows or left empty. A task without its own goal or period shares the one of
  the task above it in the same group, and so does a task whose coordinating-agencies cell is merged into
  the row above (an empty one stays empty); each such task says so in its note.
* "Sản phẩm" (product) is empty throughout the published annex, and several "Nguồn lực thực hiện"
  (funding) cells are empty: those stay empty here.

Framework-free on purpose: plain frozen dataclasses and tuples, importable anywhere. Districts and cities
named as coordinators are not in ``AGENCIES`` (another module lists them).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources


@dataclass(frozen=True)
class Section:
    """One task heading of the plan's section II ("Nhiệm vụ")."""

    number: int  # the plan's section II number (1..15)
    title_vi: str
    title_en: str
    note: str = ""  # where the heading is not in the published text, what it was inferred from


@dataclass(frozen=True)
class Task:
    """One row of the annex."""

    section: int  # Section.number
    number: int  # STT within its annex group (1, 2, ...)
    content_vi: str  # Nội dung nhiệm vụ
    content_en: str
    goal_vi: str  # Mục tiêu ("" only if the plan gives none even by merged cell)
    goal_en: str
    lead: tuple[str, ...]  # agency codes (AGENCIES) of Cơ quan chủ trì, in the plan's order
    lead_vi: str  # the lead cell as written
    coordinating_vi: str  # Cơ quan phối hợp as written ("" if empty)
    coordinating_en: str
    product_vi: str  # Sản phẩm ("" — it is empty throughout the published annex)
    period: str  # "2022-2025", "2026-2030", "2022-2030", "2025-2030" or "yearly" (Hàng năm)
    start_year: int
    end_year: int  # 2030 for "yearly"
    funding: tuple[str, ...]  # codes: "provincial", "central", "enterprise", "socialised", "other-lawful"
    funding_vi: str  # Nguồn lực thực hiện as written ("" if empty)
    note: str = ""  # how the published table was read here, where that needed a decision


def _load() -> tuple[tuple[Section, ...], tuple[Task, ...], dict[str, tuple[str, str, str]]]:
    data = json.loads(resources.files("labels.plan").joinpath("annex.json").read_text(encoding="utf-8"))
    sections = tuple(Section(**section) for section in data["sections"])
    tasks = tuple(
        Task(**(task | {"lead": tuple(task["lead"]), "funding": tuple(task["funding"])}))
        for task in data["tasks"]
    )
    agencies = {code: (vi, en, kind) for code, (vi, en, kind) in data["agencies"].items()}
    return sections, tasks, agencies


SECTIONS, TASKS, AGENCIES = _load()
#: code -> (name_vi, name_en, kind): the lead agencies of the annex and the provincial bodies it names as
#: coordinators; kind is "department", "board" or "media" (districts are listed in labels.registry.reference).
