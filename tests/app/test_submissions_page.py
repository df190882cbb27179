"""AppTest of 数据管理's county submissions (DESIGN §9): a county user sees only their own, with the reason of a return;
an admin previews a pending one (rows and the county's figures before and after) and approves or returns it."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from rcdash.admin.users import User
from rcdash.config import REPO_ROOT
from rcdash.importing.submissions import return_into, submit_into
from rcdash.store.connections import open_snapshot
from rcdash.ui.auth import SESSION_KEY
from tests.conftest import write

PAGE = str(REPO_ROOT / "pages" / "data_admin.py")
XINCHANG = User("xinchang", "county", "330624")
YUECHENG = User("yuecheng", "county", "330602")
ADMIN = User("city", "admin")
HEADER = "division,date,adult_members\n"


@pytest.fixture
def submitted(db_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A database with a pending submission of 新昌县, a returned one of 新昌县 and a pending one of 越城区."""
    monkeypatch.setenv("RCDASH_SUBMISSIONS", str(tmp_path / "submissions"))
    submit_into(db_file, "members", write(tmp_path, "新昌会员.csv", HEADER + "330624001,2025-06-30,1200\n"), XINCHANG)
    bad = submit_into(db_file, "members", write(tmp_path, "新昌旧表.csv", HEADER + "330624002,2025-06-30,7\n"), XINCHANG)
    return_into(db_file, bad.submission_id, ADMIN, "羽林街道的会员数漏填，请补全后重新报送")
    submit_into(db_file, "members", write(tmp_path, "越城会员.csv", HEADER + "330602001,2025-06-30,900\n"), YUECHENG)
    return db_file


def run(monkeypatch: pytest.MonkeyPatch, db: Path, user: User | None, page: str = PAGE) -> AppTest:
    monkeypatch.setenv("RCDASH_DB", str(db))
    monkeypatch.setenv("RCDASH_USERS", str(db.parent / "users.sqlite"))
    at = AppTest.from_file(page, default_timeout=120)
    if user is not None:
        at.session_state[SESSION_KEY] = user
    at.run()
    assert not at.exception, at.exception
    return at


def _all_text(at: AppTest) -> str:
    parts = [e.value for kind in ("markdown", "caption", "info", "warning", "success", "error") for e in getattr(at, kind)]
    tables = [df.value.to_csv() for df in at.dataframe]
    return "\n".join(map(str, parts + tables))


def test_a_county_user_sees_only_their_submissions_and_the_return_reason(monkeypatch, submitted: Path) -> None:
    at = run(monkeypatch, submitted, XINCHANG)
    text = _all_text(at)
    assert "新昌会员.csv" in text and "待审核" in text
    assert "羽林街道的会员数漏填" in text and "已退回" in text
    assert "越城会员.csv" not in text and "越城区" not in text  # another county's submission is never shown
    assert "批准并导入" not in [b.label for b in at.button]  # nothing to approve for a county user
    assert "提交报送" not in [b.label for b in at.button] and any(s.label == "数据类型" for s in at.selectbox)


def test_an_admin_previews_and_approves_a_pending_submission(monkeypatch, submitted: Path) -> None:
    at = run(monkeypatch, submitted, ADMIN)
    review = at.selectbox(key="review-choice")
    assert len(review.options) == 2  # the two pending ones, both counties
    review.set_value(1).run()  # 新昌县's
    assert [m.value for m in at.metric][-3:] == ["1", "0", "0"]  # new / changed / unchanged rows
    figures = next(df.value for df in at.dataframe if "批准前" in df.value.columns)
    members = figures.set_index("指标").loc["成人会员数"]
    assert (members["批准前"], members["批准后"]) == ("无数据", "1,200")
    next(b for b in at.button if b.label == "批准并导入").click().run()
    assert not at.exception, at.exception
    assert any("已批准报送 #1" in s.value for s in at.success)
    with open_snapshot(submitted) as con:
        assert con.execute("SELECT adult_members, submitted_by, approved_by FROM members JOIN imports USING (import_id)"
                           ).fetchall() == [(1200, "xinchang", "city")]


def test_a_viewer_sees_no_submissions(monkeypatch, submitted: Path) -> None:
    at = run(monkeypatch, submitted, User("v", "viewer"))
    text = _all_text(at)
    assert "新昌会员.csv" not in text and "越城会员.csv" not in text
    assert any("只有管理员" in i.value for i in at.info)



def test_the_reporting_page_shows_the_same_review(monkeypatch, submitted: Path) -> None:
    """A city admin reviews pending submissions on 报送情况 as well; a county user sees only their own there."""
    at = run(monkeypatch, submitted, ADMIN, page=str(REPO_ROOT / "pages" / "reporting.py"))
    assert len(at.selectbox(key="review-choice").options) == 2
    assert "批准并导入" in [b.label for b in at.button]
    county = _all_text(run(monkeypatch, submitted, XINCHANG, page=str(REPO_ROOT / "pages" / "reporting.py")))
    assert "新昌会员.csv" in county and "越城会员.csv" not in county
