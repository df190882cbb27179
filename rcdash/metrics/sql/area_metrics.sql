-- The metrics of DESIGN §5 for the city and every area of one level ($level: 'county' or 'township'),
-- as of each date in $dates. One row per (as_of, area). Counts are NULL ("无数据") when the record kind
-- holds no rows at all; an area with none of an existing kind's records gets 0.
WITH as_of_dates AS (
    SELECT DISTINCT unnest($dates::DATE[]) AS d
),
period AS (  -- the half-year containing d, cut at d
    SELECT d, make_date(year(d), CASE WHEN month(d) <= 6 THEN 1 ELSE 7 END, 1) AS p_start FROM as_of_dates
),
areas AS (
    SELECT code, name, level FROM divisions WHERE level = 'city' OR level = $level
),
div_area AS (  -- each division with every reported area that contains it (itself included)
    SELECT d.code AS division, c.code AS area
    FROM divisions d CROSS JOIN (SELECT code FROM divisions WHERE level = 'city') c
    UNION ALL
    SELECT code, CASE WHEN $level = 'county' THEN county_code ELSE township_code END
    FROM divisions
    WHERE (CASE WHEN $level = 'county' THEN county_code ELSE township_code END) IS NOT NULL
),
has AS (  -- which record kinds hold any rows: an empty kind reads as 无数据, not as zero
    SELECT (SELECT count(*) FROM branches) > 0 AS branches,
           (SELECT count(*) FROM sites) > 0 AS sites,
           (SELECT count(*) FROM teams) > 0 AS teams,
           (SELECT count(*) FROM brands) > 0 AS brands,
           (SELECT count(*) FROM funds) > 0 AS funds,
           (SELECT count(*) FROM activities) > 0 AS activities
),
villages AS (
    SELECT da.area, count(*) AS villages_total
    FROM divisions v JOIN div_area da ON da.division = v.code
    WHERE v.level = 'village'
    GROUP BY da.area
),
village_branch AS (  -- distinct villages with a 村社区 branch open on d (established <= d, not closed by d)
    SELECT a.d, da.area, count(DISTINCT b.division) AS villages_with_branch
    FROM as_of_dates a
    JOIN branches b ON b.established_on <= a.d AND (b.closed_on IS NULL OR b.closed_on > a.d)
    JOIN divisions v ON v.code = b.division AND v.level = 'village'
    JOIN div_area da ON da.division = b.division
    WHERE b.level = '村社区'
    GROUP BY a.d, da.area
),
own_pop AS (  -- a division's own population row for the latest year <= year(d)
    SELECT a.d, p.division, arg_max(p.resident_population, p.year) AS pop
    FROM as_of_dates a JOIN population p ON p.year <= year(a.d)
    GROUP BY a.d, p.division
),
pop_village AS (
    SELECT o.d, v.code, v.parent_code, o.pop
    FROM own_pop o JOIN divisions v ON v.code = o.division AND v.level = 'village'
),
pop_township AS (  -- own row, else the sum of its villages
    SELECT a.d, t.code, t.parent_code, coalesce(o.pop, c.pop) AS pop
    FROM as_of_dates a CROSS JOIN divisions t
    LEFT JOIN own_pop o ON o.d = a.d AND o.division = t.code
    LEFT JOIN (SELECT d, parent_code, sum(pop) AS pop FROM pop_village GROUP BY ALL) c
        ON c.d = a.d AND c.parent_code = t.code
    WHERE t.level = 'township'
),
pop_county AS (  -- own row, else the sum of its townships
    SELECT a.d, k.code, k.parent_code, coalesce(o.pop, c.pop) AS pop
    FROM as_of_dates a CROSS JOIN divisions k
    LEFT JOIN own_pop o ON o.d = a.d AND o.division = k.code
    LEFT JOIN (SELECT d, parent_code, sum(pop) AS pop FROM pop_township GROUP BY ALL) c
        ON c.d = a.d AND c.parent_code = k.code
    WHERE k.level = 'county'
),
pop_city AS (  -- own row, else the sum of its counties
    SELECT a.d, y.code, coalesce(o.pop, c.pop) AS pop
    FROM as_of_dates a CROSS JOIN divisions y
    LEFT JOIN own_pop o ON o.d = a.d AND o.division = y.code
    LEFT JOIN (SELECT d, parent_code, sum(pop) AS pop FROM pop_county GROUP BY ALL) c
        ON c.d = a.d AND c.parent_code = y.code
    WHERE y.level = 'city'
),
population_area AS (
    SELECT d, code AS area, pop AS population FROM pop_city
    UNION ALL SELECT d, code, pop FROM pop_county
    UNION ALL SELECT d, code, pop FROM pop_township
),
member_latest AS (  -- each division's latest members snapshot dated <= d
    SELECT a.d, m.division,
           arg_max(m.adult_members, m.date) AS adult, arg_max(m.youth_members, m.date) AS youth
    FROM as_of_dates a JOIN members m ON m.date <= a.d
    GROUP BY a.d, m.division
),
members_area AS (
    SELECT ml.d, da.area, sum(ml.adult) AS adult_members, sum(ml.youth) AS youth_members
    FROM member_latest ml JOIN div_area da ON da.division = ml.division
    GROUP BY ml.d, da.area
),
sites_area AS (  -- sites open on d
    SELECT a.d, da.area,
           count(*) FILTER (WHERE s.tier = 'center') AS sites_center,
           count(*) FILTER (WHERE s.tier = 'base') AS sites_base,
           count(*) FILTER (WHERE s.tier = 'station') AS sites_station,
           count(*) FILTER (WHERE s.tier = 'point') AS sites_point
    FROM as_of_dates a
    JOIN sites s ON s.opened_on <= a.d AND (s.closed_on IS NULL OR s.closed_on > a.d)
    JOIN div_area da ON da.division = s.division
    GROUP BY a.d, da.area
),
teams_area AS (  -- teams active on d
    SELECT a.d, da.area,
           count(*) FILTER (WHERE t.type = '应急救援队') AS rescue_teams,
           count(*) FILTER (WHERE t.type = '应急救援队' AND t.has_party_org) AS rescue_teams_with_party,
           count(*) FILTER (WHERE t.type = '志愿服务队') AS volunteer_teams,
           count(*) FILTER (WHERE t.type = '志愿服务队' AND t.registered_volunteers >= 20) AS volunteer_teams_20plus
    FROM as_of_dates a
    JOIN teams t ON t.founded_on <= a.d AND (t.disbanded_on IS NULL OR t.disbanded_on > a.d)
    JOIN div_area da ON da.division = t.division
    GROUP BY a.d, da.area
),
brands_area AS (  -- projects started by d (a project without a start date counts from its import)
    SELECT a.d, da.area, count(*) AS brand_projects
    FROM as_of_dates a
    JOIN brands b ON b.started_on IS NULL OR b.started_on <= a.d
    JOIN div_area da ON da.division = b.county
    GROUP BY a.d, da.area
),
funds_area AS (
    SELECT a.d, da.area, count(*) AS funds,
           count(*) FILTER (WHERE f.last_disclosed_on <= a.d
                            AND f.last_disclosed_on > a.d - INTERVAL 12 MONTH) AS funds_disclosed
    FROM as_of_dates a
    JOIN funds f ON f.established_on <= a.d
    JOIN div_area da ON da.division = f.division
    GROUP BY a.d, da.area
),
weeks AS (  -- ISO weeks whose Monday lies inside the period (cut at d)
    SELECT p.d, w.monday::DATE AS monday
    FROM period p
    CROSS JOIN LATERAL (
        SELECT unnest(generate_series(p.p_start + ((8 - isodow(p.p_start)) % 7)::INTEGER, p.d, INTERVAL 7 DAY)) AS monday
    ) w
),
weeks_total AS (SELECT d, count(*) AS n FROM weeks GROUP BY d),
voiced AS (  -- weeks with at least one activity (activities after d do not count)
    SELECT w.d, da.area, count(DISTINCT w.monday) AS voiced_weeks
    FROM weeks w
    JOIN activities ac ON ac.date >= w.monday AND ac.date <= least(w.monday + 6, w.d)
    JOIN div_area da ON da.division = ac.division
    GROUP BY w.d, da.area
),
months AS (  -- months of the period that have begun by d
    SELECT p.d, m.month_start::DATE AS month_start
    FROM period p
    CROSS JOIN LATERAL (SELECT unnest(generate_series(p.p_start, p.d, INTERVAL 1 MONTH)) AS month_start) m
),
months_total AS (SELECT d, count(*) AS n FROM months GROUP BY d),
themed AS (  -- months with at least one activity flagged as the monthly theme
    SELECT m.d, da.area, count(DISTINCT m.month_start) AS themed_months
    FROM months m
    JOIN activities ac ON ac.is_monthly_theme
        AND ac.date >= m.month_start AND ac.date < m.month_start + INTERVAL 1 MONTH AND ac.date <= m.d
    JOIN div_area da ON da.division = ac.division
    GROUP BY m.d, da.area
)
SELECT
    a.d AS as_of,
    ar.code, ar.name, ar.level,
    coalesce(v.villages_total, 0) AS villages_total,
    CASE WHEN h.branches THEN coalesce(vb.villages_with_branch, 0) END AS villages_with_branch,
    CASE WHEN h.branches THEN coalesce(vb.villages_with_branch, 0) / nullif(v.villages_total, 0) END
        AS village_branch_rate,
    pa.population,
    ma.adult_members,
    ma.youth_members,
    ma.adult_members / nullif(pa.population, 0) AS member_ratio,
    CASE WHEN h.sites THEN coalesce(sa.sites_center, 0) END AS sites_center,
    CASE WHEN h.sites THEN coalesce(sa.sites_base, 0) END AS sites_base,
    CASE WHEN h.sites THEN coalesce(sa.sites_station, 0) END AS sites_station,
    CASE WHEN h.sites THEN coalesce(sa.sites_point, 0) END AS sites_point,
    CASE WHEN h.teams THEN coalesce(ta.rescue_teams, 0) END AS rescue_teams,
    CASE WHEN h.teams THEN coalesce(ta.rescue_teams_with_party, 0) END AS rescue_teams_with_party,
    CASE WHEN h.teams THEN coalesce(ta.volunteer_teams, 0) END AS volunteer_teams,
    CASE WHEN h.teams THEN coalesce(ta.volunteer_teams_20plus, 0) END AS volunteer_teams_20plus,
    CASE WHEN h.brands THEN coalesce(ba.brand_projects, 0) END AS brand_projects,
    CASE WHEN h.funds THEN coalesce(fa.funds, 0) END AS funds,
    CASE WHEN h.funds THEN coalesce(fa.funds_disclosed, 0) END AS funds_disclosed,
    coalesce(wt.n, 0) AS weeks_in_period,
    CASE WHEN h.activities THEN coalesce(vo.voiced_weeks, 0) END AS voiced_weeks,
    CASE WHEN h.activities THEN coalesce(vo.voiced_weeks, 0) / nullif(wt.n, 0) END AS weekly_voice_rate,
    coalesce(mt.n, 0) AS months_in_period,
    CASE WHEN h.activities THEN coalesce(th.themed_months, 0) END AS themed_months,
    CASE WHEN h.activities THEN coalesce(th.themed_months, 0) / nullif(mt.n, 0) END AS monthly_theme_rate
FROM as_of_dates a
CROSS JOIN areas ar
CROSS JOIN has h
LEFT JOIN villages v ON v.area = ar.code
LEFT JOIN village_branch vb ON vb.d = a.d AND vb.area = ar.code
LEFT JOIN population_area pa ON pa.d = a.d AND pa.area = ar.code
LEFT JOIN members_area ma ON ma.d = a.d AND ma.area = ar.code
LEFT JOIN sites_area sa ON sa.d = a.d AND sa.area = ar.code
LEFT JOIN teams_area ta ON ta.d = a.d AND ta.area = ar.code
LEFT JOIN brands_area ba ON ba.d = a.d AND ba.area = ar.code
LEFT JOIN funds_area fa ON fa.d = a.d AND fa.area = ar.code
LEFT JOIN weeks_total wt ON wt.d = a.d
LEFT JOIN voiced vo ON vo.d = a.d AND vo.area = ar.code
LEFT JOIN months_total mt ON mt.d = a.d
LEFT JOIN themed th ON th.d = a.d AND th.area = ar.code
ORDER BY a.d, CASE ar.level WHEN 'city' THEN 0 ELSE 1 END, ar.code
