-- The metrics of DESIGN §5 for the city and every area of the levels in $levels ('county', 'township'),
-- as of each date in $dates. One row per (as_of, area). Counts are NULL ("无数据") when the record kind
-- holds no rows at all; an area with none of an existing kind's records gets 0.
--
-- Why it has this shape (a national database has ~455,000 divisions and a million activities; the budget is
-- 200 ms on two cores): a statistical division code carries its ancestors — a county is the first 6 digits of
-- the code, a township the first 9 (rcdash/sql/schema.sql checks it) — so records are placed by their code
-- alone, without a join to the divisions. Every kind is reduced to measures per (date, place), where a place is
-- the township of a village record, else the record's own division; those ~20,000 rows are the townships, and
-- summed by code prefix they give the counties and the city. The weeks and months with activity are bit sets
-- (bit i = the period's i-th week or month) that roll up with bit_or. Tables derived at write time
-- (rcdash.db.DERIVED, their queries in rcdash/sql/) carry the areas with their village counts and the running
-- counts of covered villages and open sites, and the first activity of each week and month per place.
WITH as_of_dates AS (
    SELECT DISTINCT unnest($dates::DATE[]) AS d
),
activities_end AS (  -- the latest activity date: weeks and months after it are no data, not silent
    SELECT max(date) AS day FROM activities
),
period AS (  -- the half-year containing d, cut at d, and its first Monday; counted_to = d, or the activities' end
    SELECT d, p_start, p_start + ((8 - isodow(p_start)) % 7)::INTEGER AS first_monday,
           least(d, coalesce((SELECT day FROM activities_end), d)) AS counted_to
    FROM (SELECT d, make_date(year(d), CASE WHEN month(d) <= 6 THEN 1 ELSE 7 END, 1) AS p_start FROM as_of_dates)
),
want AS (
    SELECT list_contains($levels::VARCHAR[], 'county') AS county,
           list_contains($levels::VARCHAR[], 'township') AS township
),
areas AS (
    SELECT code, name, level, parent_code, villages_total FROM area_divisions
    WHERE level = 'city' OR list_contains($levels::VARCHAR[], level)
),
cities AS (
    SELECT code FROM area_divisions WHERE level = 'city'
),
has AS (  -- which record kinds hold any rows: an empty kind reads as 无数据, not as zero
    SELECT (SELECT count(*) FROM branches) > 0 AS branches,
           (SELECT count(*) FROM sites) > 0 AS sites,
           (SELECT count(*) FROM teams) > 0 AS teams,
           (SELECT count(*) FROM brands) > 0 AS brands,
           (SELECT count(*) FROM funds) > 0 AS funds,
           (SELECT count(*) FROM activities) > 0 AS activities
),
-- Each kind's measures per (date, place), where a place is a village's township, else the record's own division.
by_branches AS (  -- see branch_coverage.sql
    SELECT a.d, g.place, arg_max(g.villages, g.day) AS villages_with_branch
    FROM as_of_dates a JOIN branch_coverage g ON g.day <= a.d
    GROUP BY ALL
),
by_members AS (
    SELECT d, CASE WHEN length(division) > 9 THEN left(division, 9) ELSE division END AS place,
           sum(adult)::BIGINT AS adult_members, sum(youth)::BIGINT AS youth_members
    FROM (  -- each division's latest members snapshot dated <= d (youth: the latest that gives a number)
        SELECT a.d, m.division, arg_max(m.adult_members, m.date) AS adult, arg_max(m.youth_members, m.date) AS youth
        FROM as_of_dates a JOIN members m ON m.date <= a.d
        GROUP BY a.d, m.division
    )
    GROUP BY ALL
),
by_sites AS (  -- sites open on d: see site_counts.sql
    SELECT a.d, g.place,
           arg_max(g.center, g.day) AS sites_center, arg_max(g.base, g.day) AS sites_base,
           arg_max(g.station, g.day) AS sites_station, arg_max(g.point, g.day) AS sites_point
    FROM as_of_dates a JOIN site_counts g ON g.day <= a.d
    GROUP BY ALL
),
by_teams AS (  -- teams active on d
    SELECT a.d, CASE WHEN length(t.division) > 9 THEN left(t.division, 9) ELSE t.division END AS place,
           count(*) FILTER (WHERE t.type = '应急救援队') AS rescue_teams,
           count(*) FILTER (WHERE t.type = '应急救援队' AND t.has_party_org) AS rescue_teams_with_party,
           count(*) FILTER (WHERE t.type = '志愿服务队') AS volunteer_teams,
           count(*) FILTER (WHERE t.type = '志愿服务队' AND t.registered_volunteers >= 20) AS volunteer_teams_20plus
    FROM as_of_dates a
    JOIN teams t ON t.founded_on <= a.d AND (t.disbanded_on IS NULL OR t.disbanded_on > a.d)
    GROUP BY ALL
),
by_brands AS (  -- started by d (no start date: counts from its import)
    SELECT a.d, b.county AS place, count(*) AS brand_projects
    FROM as_of_dates a
    JOIN brands b ON b.started_on IS NULL OR b.started_on <= a.d
    GROUP BY ALL
),
by_funds AS (
    SELECT a.d, CASE WHEN length(f.division) > 9 THEN left(f.division, 9) ELSE f.division END AS place,
           count(*) AS funds,
           count(*) FILTER (WHERE f.last_disclosed_on <= a.d AND f.last_disclosed_on > a.d - INTERVAL 12 MONTH)
               AS funds_disclosed  -- disclosed within the last 12 months
    FROM as_of_dates a
    JOIN funds f ON f.established_on <= a.d
    GROUP BY ALL
),
by_weeks AS (  -- weeks whose Monday lies in the period, voiced by d: see activity_weeks.sql
    SELECT p.d, g.place, bit_or(1::UBIGINT << ((g.monday - p.first_monday) // 7)::UBIGINT) AS week_bits
    FROM period p JOIN activity_weeks g ON g.monday >= p.first_monday AND g.monday <= p.d AND g.first_day <= p.d
    GROUP BY ALL
),
by_months AS (  -- months of the period with a monthly-theme activity by d: see theme_months.sql
    SELECT p.d, g.place, bit_or(1::UBIGINT << (month(g.month) - month(p.p_start))::UBIGINT) AS month_bits
    FROM period p JOIN theme_months g ON g.month >= p.p_start AND g.month <= p.d AND g.first_day <= p.d
    GROUP BY ALL
),
fine AS (  -- one row per (date, place): every area is a place (records name existing divisions), each kind
           -- gives at most one row per (date, place); joined rather than unioned and grouped, which costs more
    SELECT a.d, p.code AS place,
           b.villages_with_branch, m.adult_members, m.youth_members,
           s.sites_center, s.sites_base, s.sites_station, s.sites_point,
           t.rescue_teams, t.rescue_teams_with_party, t.volunteer_teams, t.volunteer_teams_20plus,
           br.brand_projects, f.funds, f.funds_disclosed, w.week_bits, mo.month_bits
    FROM as_of_dates a
    CROSS JOIN area_divisions p
    LEFT JOIN by_branches b ON b.d = a.d AND b.place = p.code
    LEFT JOIN by_members m ON m.d = a.d AND m.place = p.code
    LEFT JOIN by_sites s ON s.d = a.d AND s.place = p.code
    LEFT JOIN by_teams t ON t.d = a.d AND t.place = p.code
    LEFT JOIN by_brands br ON br.d = a.d AND br.place = p.code
    LEFT JOIN by_funds f ON f.d = a.d AND f.place = p.code
    LEFT JOIN by_weeks w ON w.d = a.d AND w.place = p.code
    LEFT JOIN by_months mo ON mo.d = a.d AND mo.place = p.code
),
summed AS (  -- the counties (6-digit prefix) and the whole (every record: the city's) in one pass over fine
    SELECT d, county, grouping(county) = 1 AS whole,
           sum(villages_with_branch) AS villages_with_branch,
           sum(adult_members) AS adult_members, sum(youth_members) AS youth_members,
           sum(sites_center) AS sites_center, sum(sites_base) AS sites_base,
           sum(sites_station) AS sites_station, sum(sites_point) AS sites_point,
           sum(rescue_teams) AS rescue_teams, sum(rescue_teams_with_party) AS rescue_teams_with_party,
           sum(volunteer_teams) AS volunteer_teams, sum(volunteer_teams_20plus) AS volunteer_teams_20plus,
           sum(brand_projects) AS brand_projects, sum(funds) AS funds, sum(funds_disclosed) AS funds_disclosed,
           bit_or(week_bits) AS week_bits, bit_or(month_bits) AS month_bits
    FROM (SELECT *, CASE WHEN length(place) >= 6 THEN left(place, 6) END AS county FROM fine)
    GROUP BY GROUPING SETS ((d, county), (d))
),
rolled AS (  -- the townships as they are; the counties and the city summed
    SELECT d, area, villages_with_branch, adult_members, youth_members, sites_center, sites_base, sites_station,
           sites_point, rescue_teams, rescue_teams_with_party, volunteer_teams, volunteer_teams_20plus,
           brand_projects, funds, funds_disclosed,
           bit_count(coalesce(week_bits, 0::UBIGINT)) AS voiced_weeks,
           bit_count(coalesce(month_bits, 0::UBIGINT)) AS themed_months
    FROM (
        SELECT f.*, f.place AS area FROM fine f, want w WHERE w.township AND length(f.place) = 9
        UNION ALL BY NAME
        SELECT s.* EXCLUDE (county, whole), s.county AS area
        FROM summed s, want w WHERE w.county AND NOT s.whole AND s.county IS NOT NULL
        UNION ALL BY NAME
        SELECT s.* EXCLUDE (county, whole), c.code AS area  -- each city row, should there be several
        FROM summed s CROSS JOIN cities c WHERE s.whole
    )
),
years AS (  -- population depends on the year only
    SELECT DISTINCT year(d) AS y FROM as_of_dates
),
own_pop AS (  -- a division's own population row for the latest year <= the as-of year
    SELECT y.y, p.division, arg_max(p.resident_population, p.year) AS pop
    FROM years y JOIN population p ON p.year <= y.y
    GROUP BY y.y, p.division
),
pop_township AS (  -- own row, else the sum of its villages (12-digit codes under its 9 digits)
    SELECT y.y, t.code, t.parent_code, coalesce(o.pop, c.pop) AS pop
    FROM years y CROSS JOIN area_divisions t
    LEFT JOIN own_pop o ON o.y = y.y AND o.division = t.code
    LEFT JOIN (SELECT y, left(division, 9) AS township, sum(pop) AS pop FROM own_pop
               WHERE length(division) = 12 GROUP BY ALL) c ON c.y = y.y AND c.township = t.code
    WHERE t.level = 'township'
),
pop_county AS (  -- own row, else the sum of its townships
    SELECT y.y, k.code, k.parent_code, coalesce(o.pop, c.pop) AS pop
    FROM years y CROSS JOIN area_divisions k
    LEFT JOIN own_pop o ON o.y = y.y AND o.division = k.code
    LEFT JOIN (SELECT y, parent_code, sum(pop) AS pop FROM pop_township GROUP BY ALL) c
        ON c.y = y.y AND c.parent_code = k.code
    WHERE k.level = 'county'
),
pop_city AS (  -- own row, else the sum of its counties
    SELECT y.y, c.code, coalesce(o.pop, s.pop) AS pop
    FROM years y CROSS JOIN cities c
    LEFT JOIN own_pop o ON o.y = y.y AND o.division = c.code
    LEFT JOIN (SELECT y, parent_code, sum(pop) AS pop FROM pop_county GROUP BY ALL) s
        ON s.y = y.y AND s.parent_code = c.code
),
population_area AS (
    SELECT y, code AS area, pop AS population FROM pop_city
    UNION ALL SELECT y, code, pop FROM pop_county
    UNION ALL SELECT y, code, pop FROM pop_township WHERE (SELECT township FROM want)
),
calendar AS (  -- ISO weeks whose Monday lies inside the period, and months begun, both cut at counted_to
    -- (none when the activities end before the period: the rates are then NULL, 无数据)
    SELECT d, CASE WHEN first_monday <= counted_to THEN (counted_to - first_monday) // 7 + 1 ELSE 0 END
               AS weeks_in_period,
           CASE WHEN p_start <= counted_to THEN month(counted_to) - month(p_start) + 1 ELSE 0 END AS months_in_period
    FROM period
)
SELECT
    a.d AS as_of,
    ar.code, ar.name, ar.level,
    ar.villages_total,
    CASE WHEN h.branches THEN coalesce(r.villages_with_branch, 0)::BIGINT END AS villages_with_branch,
    CASE WHEN h.branches THEN coalesce(r.villages_with_branch, 0) / nullif(ar.villages_total, 0) END
        AS village_branch_rate,
    -- people as DOUBLE: exact below 2^53, and what the HUGEINT sums became in pandas anyway
    pa.population::DOUBLE AS population,
    r.adult_members::DOUBLE AS adult_members,
    r.youth_members::DOUBLE AS youth_members,
    r.adult_members / nullif(pa.population, 0) AS member_ratio,
    CASE WHEN h.sites THEN coalesce(r.sites_center, 0)::BIGINT END AS sites_center,
    CASE WHEN h.sites THEN coalesce(r.sites_base, 0)::BIGINT END AS sites_base,
    CASE WHEN h.sites THEN coalesce(r.sites_station, 0)::BIGINT END AS sites_station,
    CASE WHEN h.sites THEN coalesce(r.sites_point, 0)::BIGINT END AS sites_point,
    CASE WHEN h.teams THEN coalesce(r.rescue_teams, 0)::BIGINT END AS rescue_teams,
    CASE WHEN h.teams THEN coalesce(r.rescue_teams_with_party, 0)::BIGINT END AS rescue_teams_with_party,
    CASE WHEN h.teams THEN coalesce(r.volunteer_teams, 0)::BIGINT END AS volunteer_teams,
    CASE WHEN h.teams THEN coalesce(r.volunteer_teams_20plus, 0)::BIGINT END AS volunteer_teams_20plus,
    CASE WHEN h.brands THEN coalesce(r.brand_projects, 0)::BIGINT END AS brand_projects,
    CASE WHEN h.funds THEN coalesce(r.funds, 0)::BIGINT END AS funds,
    CASE WHEN h.funds THEN coalesce(r.funds_disclosed, 0)::BIGINT END AS funds_disclosed,
    cal.weeks_in_period::BIGINT AS weeks_in_period,
    CASE WHEN h.activities THEN coalesce(r.voiced_weeks, 0)::BIGINT END AS voiced_weeks,
    CASE WHEN h.activities THEN coalesce(r.voiced_weeks, 0) / nullif(cal.weeks_in_period, 0) END AS weekly_voice_rate,
    cal.months_in_period::BIGINT AS months_in_period,
    CASE WHEN h.activities THEN coalesce(r.themed_months, 0)::BIGINT END AS themed_months,
    CASE WHEN h.activities THEN coalesce(r.themed_months, 0) / nullif(cal.months_in_period, 0) END AS monthly_theme_rate
FROM as_of_dates a
CROSS JOIN areas ar
CROSS JOIN has h
JOIN calendar cal ON cal.d = a.d
LEFT JOIN rolled r ON r.d = a.d AND r.area = ar.code
LEFT JOIN population_area pa ON pa.y = year(a.d) AND pa.area = ar.code
ORDER BY a.d, CASE ar.level WHEN 'city' THEN 0 WHEN 'county' THEN 1 ELSE 2 END, ar.code
