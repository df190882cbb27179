-- duplicate_name: two branches (or two teams) of one division whose names differ only in spacing or in full/half-width
-- characters (the names compared with full-width forms made half-width and every space removed).
WITH named AS (
    SELECT 'branches' AS kind, name, division, established_on AS date, import_id FROM {branches} WHERE established_on <= $as_of
    UNION ALL
    SELECT 'teams' AS kind, name, division, founded_on AS date, import_id FROM {teams} WHERE founded_on <= $as_of
), keyed AS (
    -- translate(): U+FF01–U+FF5E to U+0021–U+007E, the ideographic and no-break spaces to a space.
    SELECT *, regexp_replace(translate(name, '！＂＃＄％＆＇（）＊＋，－．／０１２３４５６７８９：；＜＝＞？＠ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ［＼］＾＿｀ａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ｛｜｝～　 ', '!"#$%&''()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\]^_`abcdefghijklmnopqrstuvwxyz{|}~  '), '\s+', '', 'g') AS same_as
    FROM named
), groups AS (
    SELECT kind, division, same_as FROM keyed GROUP BY ALL HAVING count(DISTINCT name) > 1
)
SELECT k.kind, k.division, k.date, k.name AS value, NULL::DOUBLE AS expected_min, NULL::DOUBLE AS expected_max,
       k.import_id, k.name || '|' || k.division AS row_key,
       (SELECT string_agg(o.name, '、' ORDER BY o.name) FROM keyed o
        WHERE o.kind = k.kind AND o.division = k.division AND o.same_as = k.same_as AND o.name <> k.name) AS others
FROM keyed k SEMI JOIN groups g ON g.kind = k.kind AND g.division = k.division AND g.same_as = k.same_as
ORDER BY k.division, k.kind, k.name
