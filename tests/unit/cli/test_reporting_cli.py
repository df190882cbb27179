"""`rcdash reporting --period …`: §9's JSON, the table, and a bad period refused with exit 2."""

from __future__ import annotations

import json
from pathlib import Path

from rcdash.importing.load import import_file
from rcdash.store.connections import connect
from tests.conftest import write
from tests.unit.cli.test_main import run


def test_reporting_json_table_and_bad_period(db_file: Path, tmp_path: Path) -> None:
    con = connect(db_file)
    import_file(con, "activities", write(tmp_path, "a.csv", "date,division,title,category\n2022-12-03,柯桥区,x,无偿献血\n"))
    con.close()
    done = run("reporting", "--period", "2022H2", "--format", "json", db=db_file)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["period"] == "2022H2" and len(out["counties"]) == 6
    keqiao = next(c for c in out["counties"] if c["code"] == "330603")
    assert set(keqiao["kinds"]) == {"activities", "members", "branches", "teams", "sites"}
    activities = keqiao["kinds"]["activities"]
    assert activities["status"] == "missing" and activities["due"] == "2023-01-05"  # five months of six never came
    assert activities["cycles"] == {"on_time": 0, "late": 1, "missing": 5, "not_due": 0}  # December: imported late
    assert {"first_received", "due", "status"} <= set(activities)
    assert set(keqiao) == {"code", "name", "kinds", "timeliness_rate", "completeness_rate"}
    table = run("reporting", "--period", "2022-12", db=db_file)
    assert table.returncode == 0 and "柯桥区\t逾期" in table.stdout and "全市" in table.stdout
    for bad in ("2022H3", "2022-13", "latest"):
        refused = run("reporting", "--period", bad, db=db_file)
        assert refused.returncode == 2 and "2022H2" in refused.stderr and "Traceback" not in refused.stderr
