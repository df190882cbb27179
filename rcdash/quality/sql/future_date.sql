-- future_date: a record dated after the day its data was received (its import's received_at, else its import time;
-- a file not yet imported: today). The date fields that say when something happened; planned closings are not.
WITH received AS (
    SELECT import_id, coalesce(received_at, created_at)::DATE AS day FROM imports
), dated AS (
    SELECT 'population' AS kind, division, make_date(year, 1, 1) AS date, year::VARCHAR AS value, import_id,
           division || '|' || year AS row_key, '年份' AS field FROM {population}
    UNION ALL SELECT 'branches', division, established_on, strftime(established_on, '%Y-%m-%d'), import_id,
           name || '|' || division, '成立日期' FROM {branches}
    UNION ALL SELECT 'sites', division, opened_on, strftime(opened_on, '%Y-%m-%d'), import_id,
           name || '|' || division, '启用日期' FROM {sites}
    UNION ALL SELECT 'members', division, date, strftime(date, '%Y-%m-%d'), import_id,
           division || '|' || strftime(date, '%Y-%m-%d'), '统计日期' FROM {members}
    UNION ALL SELECT 'teams', division, founded_on, strftime(founded_on, '%Y-%m-%d'), import_id,
           name || '|' || division, '成立日期' FROM {teams}
    UNION ALL SELECT 'activities', division, date, strftime(date, '%Y-%m-%d'), import_id,
           strftime(date, '%Y-%m-%d') || '|' || division || '|' || title, '活动日期' FROM {activities}
    UNION ALL SELECT 'brands', county, started_on, strftime(started_on, '%Y-%m-%d'), import_id,
           name || '|' || county, '启动日期' FROM {brands} WHERE started_on IS NOT NULL
    UNION ALL SELECT 'funds', division, established_on, strftime(established_on, '%Y-%m-%d'), import_id,
           name || '|' || division, '设立日期' FROM {funds}
    UNION ALL SELECT 'funds', division, last_disclosed_on, strftime(last_disclosed_on, '%Y-%m-%d'), import_id,
           name || '|' || division, '最近公开日期' FROM {funds} WHERE last_disclosed_on IS NOT NULL
    UNION ALL SELECT 'rescue_stats', county, month, strftime(month, '%Y-%m'), import_id,
           county || '|' || strftime(month, '%Y-%m'), '月份' FROM {rescue_stats}
    UNION ALL SELECT 'party', county, date, strftime(date, '%Y-%m-%d'), import_id,
           county || '|' || strftime(date, '%Y-%m-%d'), '日期' FROM {party}
)
SELECT d.kind, d.division, d.date, d.value, NULL::DOUBLE AS expected_min,
       strftime(coalesce(r.day, current_date), '%Y-%m-%d') AS expected_max, d.import_id, d.row_key, d.field
FROM dated d LEFT JOIN received r USING (import_id)
-- A population year counts as future from the next year on; a month from the next month on; a date from tomorrow.
WHERE CASE d.kind
          WHEN 'population' THEN year(d.date) > year(coalesce(r.day, current_date))
          WHEN 'rescue_stats' THEN d.date > date_trunc('month', coalesce(r.day, current_date))
          ELSE d.date > coalesce(r.day, current_date)
      END
ORDER BY d.kind, d.division, d.date
