"""The report form chooses no category for the reporter (issue 15, item 7).

An untouched list used to file every report as its first entry, "Korupsi".
"""

from __future__ import annotations

import re

from sqlalchemy import func, select

from tests.support.reporter import Report, post_form
from wbs_app.db import app_database
from wbs_app.models import Category, SubmissionDraft

CATEGORY_SELECT = re.compile(r'<select[^>]*name="category"[^>]*>(.*?)</select>', re.S)


def test_no_category_is_preselected_and_not_sure_is_a_choice(app, org, reporter) -> None:
    page = reporter.get("/lapor/formulir").get_data(as_text=True)
    options = re.findall(r"<option([^>]*)>([^<]*)</option>", CATEGORY_SELECT.search(page).group(1))
    assert options[0][0].strip() == 'value="0"' and "Pilih" in options[0][1]
    assert not any("selected" in attributes for attributes, _ in options)
    assert any(label == "Lainnya / tidak tahu" for _, label in options)


def test_a_report_without_a_category_is_refused_with_its_text_kept(app, org, reporter) -> None:
    answer = post_form(reporter, Report(unit=org.units["a"], category=0, what="Uang pelicin"))
    assert answer.status_code == 400
    page = answer.get_data(as_text=True)
    assert "Pilih jenis pelanggaran" in page and "Uang pelicin" in page
    with app_database(app).session() as session:
        assert session.scalar(select(func.count()).select_from(SubmissionDraft)) == 1
        other = session.scalar(select(Category).where(Category.code == "lainnya"))
        assert (other.name_id, other.name_en) == ("Lainnya / tidak tahu", "Other / not sure")
