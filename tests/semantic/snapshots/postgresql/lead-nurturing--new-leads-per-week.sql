-- lead-nurturing / new-leads-per-week (postgresql, reference data: the defaults)

-- ===== no filter

-- main
SELECT CASE WHEN (leads.created_at < %(created_at_1)s::TIMESTAMP WITHOUT TIME ZONE) THEN %(param_1)s::INTEGER WHEN (leads.created_at < %(created_at_2)s::TIMESTAMP WITHOUT TIME ZONE) THEN %(param_2)s::INTEGER WHEN (leads.created_at < %(created_at_3)s::TIMESTAMP WITHOUT TIME ZONE) THEN %(param_3)s::INTEGER WHEN (leads.created_at < %(created_at_4)s::TIMESTAMP WITHOUT TIME ZONE) THEN %(param_4)s::INTEGER WHEN (leads.created_at < %(created_at_5)s::TIMESTAMP WITHOUT TIME ZONE) THEN %(param_5)s::INTEGER WHEN (leads.created_at < %(created_at_6)s::TIMESTAMP WITHOUT TIME ZONE) THEN %(param_6)s::INTEGER WHEN (leads.created_at < %(created_at_7)s::TIMESTAMP WITHOUT TIME ZONE) THEN %(param_7)s::INTEGER WHEN (leads.created_at < %(created_at_8)s::TIMESTAMP WITHOUT TIME ZONE) THEN %(param_8)s::INTEGER WHEN (leads.created_at < %(created_at_9)s::TIMESTAMP WITHOUT TIME ZONE) THEN %(param_9)s::INTEGER WHEN (leads.created_at < %(created_at_10)s::TIMESTAMP WITHOUT TIME ZONE) THEN %(param_10)s::INTEGER WHEN (leads.created_at < %(created_at_11)s::TIMESTAMP WITHOUT TIME ZONE) THEN %(param_11)s::INTEGER WHEN (leads.created_at < %(created_at_12)s::TIMESTAMP WITHOUT TIME ZONE) THEN %(param_12)s::INTEGER WHEN (leads.created_at < %(created_at_13)s::TIMESTAMP WITHOUT TIME ZONE) THEN %(param_13)s::INTEGER END AS k, count(*) AS n
FROM leads
WHERE leads.created_at >= %(created_at_14)s::TIMESTAMP WITHOUT TIME ZONE AND leads.created_at < %(created_at_15)s::TIMESTAMP WITHOUT TIME ZONE GROUP BY CASE WHEN (leads.created_at < %(created_at_1)s::TIMESTAMP WITHOUT TIME ZONE) THEN %(param_1)s::INTEGER WHEN (leads.created_at < %(created_at_2)s::TIMESTAMP WITHOUT TIME ZONE) THEN %(param_2)s::INTEGER WHEN (leads.created_at < %(created_at_3)s::TIMESTAMP WITHOUT TIME ZONE) THEN %(param_3)s::INTEGER WHEN (leads.created_at < %(created_at_4)s::TIMESTAMP WITHOUT TIME ZONE) THEN %(param_4)s::INTEGER WHEN (leads.created_at < %(created_at_5)s::TIMESTAMP WITHOUT TIME ZONE) THEN %(param_5)s::INTEGER WHEN (leads.created_at < %(created_at_6)s::TIMESTAMP WITHOUT TIME ZONE) THEN %(param_6)s::INTEGER WHEN (leads.created_at < %(created_at_7)s::TIMESTAMP WITHOUT TIME ZONE) THEN %(param_7)s::INTEGER WHEN (leads.created_at < %(created_at_8)s::TIMESTAMP WITHOUT TIME ZONE) THEN %(param_8)s::INTEGER WHEN (leads.created_at < %(created_at_9)s::TIMESTAMP WITHOUT TIME ZONE) THEN %(param_9)s::INTEGER WHEN (leads.created_at < %(created_at_10)s::TIMESTAMP WITHOUT TIME ZONE) THEN %(param_10)s::INTEGER WHEN (leads.created_at < %(created_at_11)s::TIMESTAMP WITHOUT TIME ZONE) THEN %(param_11)s::INTEGER WHEN (leads.created_at < %(created_at_12)s::TIMESTAMP WITHOUT TIME ZONE) THEN %(param_12)s::INTEGER WHEN (leads.created_at < %(created_at_13)s::TIMESTAMP WITHOUT TIME ZONE) THEN %(param_13)s::INTEGER END
-- parameters:
--   created_at_1 = datetime.datetime(2026, 9, 6, 22, 0)
--   created_at_10 = datetime.datetime(2026, 11, 8, 23, 0)
--   created_at_11 = datetime.datetime(2026, 11, 15, 23, 0)
--   created_at_12 = datetime.datetime(2026, 11, 22, 23, 0)
--   created_at_13 = datetime.datetime(2026, 11, 29, 23, 0)
--   created_at_14 = datetime.datetime(2026, 8, 30, 22, 0)
--   created_at_15 = datetime.datetime(2026, 11, 29, 23, 0)
--   created_at_2 = datetime.datetime(2026, 9, 13, 22, 0)
--   created_at_3 = datetime.datetime(2026, 9, 20, 22, 0)
--   created_at_4 = datetime.datetime(2026, 9, 27, 22, 0)
--   created_at_5 = datetime.datetime(2026, 10, 4, 22, 0)
--   created_at_6 = datetime.datetime(2026, 10, 11, 22, 0)
--   created_at_7 = datetime.datetime(2026, 10, 18, 22, 0)
--   created_at_8 = datetime.datetime(2026, 10, 25, 23, 0)
--   created_at_9 = datetime.datetime(2026, 11, 1, 23, 0)
--   param_1 = 0
--   param_10 = 9
--   param_11 = 10
--   param_12 = 11
--   param_13 = 12
--   param_2 = 1
--   param_3 = 2
--   param_4 = 3
--   param_5 = 4
--   param_6 = 5
--   param_7 = 6
--   param_8 = 7
--   param_9 = 8

-- drill-down records
SELECT leads.id AS id, leads.first_name AS first_name, leads.last_name AS last_name, leads.email AS email, lead_company.name AS company, leads.owner_id AS owner, coalesce(leads.country, lead_company.country) AS country, leads.status_id AS status, leads.created_at AS created_at, leads.status_since AS status_since, leads.anonymised_at IS NOT NULL AS erased
FROM leads LEFT OUTER JOIN companies AS lead_company ON leads.company_id = lead_company.id
WHERE leads.created_at >= %(created_at_1)s::TIMESTAMP WITHOUT TIME ZONE AND leads.created_at < %(created_at_2)s::TIMESTAMP WITHOUT TIME ZONE AND leads.created_at >= %(created_at_3)s::TIMESTAMP WITHOUT TIME ZONE AND leads.created_at < %(created_at_4)s::TIMESTAMP WITHOUT TIME ZONE ORDER BY leads.created_at DESC, leads.id ASC
 LIMIT %(param_1)s::INTEGER OFFSET %(param_2)s::INTEGER
-- parameters:
--   created_at_1 = datetime.datetime(2026, 8, 30, 22, 0)
--   created_at_2 = datetime.datetime(2026, 11, 29, 23, 0)
--   created_at_3 = datetime.datetime(2026, 8, 30, 22, 0)
--   created_at_4 = datetime.datetime(2026, 9, 6, 22, 0)
--   param_1 = 50
--   param_2 = 0

-- drill-down aggregate
SELECT count(*) AS n
FROM leads
WHERE leads.created_at >= %(created_at_1)s::TIMESTAMP WITHOUT TIME ZONE AND leads.created_at < %(created_at_2)s::TIMESTAMP WITHOUT TIME ZONE AND leads.created_at >= %(created_at_3)s::TIMESTAMP WITHOUT TIME ZONE AND leads.created_at < %(created_at_4)s::TIMESTAMP WITHOUT TIME ZONE
-- parameters:
--   created_at_1 = datetime.datetime(2026, 8, 30, 22, 0)
--   created_at_2 = datetime.datetime(2026, 11, 29, 23, 0)
--   created_at_3 = datetime.datetime(2026, 8, 30, 22, 0)
--   created_at_4 = datetime.datetime(2026, 9, 6, 22, 0)

-- ===== country nl, status qualified, period previous-quarter

-- main
SELECT CASE WHEN (leads.created_at < %(created_at_1)s::TIMESTAMP WITHOUT TIME ZONE) THEN %(param_1)s::INTEGER WHEN (leads.created_at < %(created_at_2)s::TIMESTAMP WITHOUT TIME ZONE) THEN %(param_2)s::INTEGER WHEN (leads.created_at < %(created_at_3)s::TIMESTAMP WITHOUT TIME ZONE) THEN %(param_3)s::INTEGER WHEN (leads.created_at < %(created_at_4)s::TIMESTAMP WITHOUT TIME ZONE) THEN %(param_4)s::INTEGER WHEN (leads.created_at < %(created_at_5)s::TIMESTAMP WITHOUT TIME ZONE) THEN %(param_5)s::INTEGER WHEN (leads.created_at < %(created_at_6)s::TIMESTAMP WITHOUT TIME ZONE) THEN %(param_6)s::INTEGER WHEN (leads.created_at < %(created_at_7)s::TIMESTAMP WITHOUT TIME ZONE) THEN %(param_7)s::INTEGER WHEN (leads.created_at < %(created_at_8)s::TIMESTAMP WITHOUT TIME ZONE) THEN %(param_8)s::INTEGER WHEN (leads.created_at < %(created_at_9)s::TIMESTAMP WITHOUT TIME ZONE) THEN %(param_9)s::INTEGER WHEN (leads.created_at < %(created_at_10)s::TIMESTAMP WITHOUT TIME ZONE) THEN %(param_10)s::INTEGER WHEN (leads.created_at < %(created_at_11)s::TIMESTAMP WITHOUT TIME ZONE) THEN %(param_11)s::INTEGER WHEN (leads.created_at < %(created_at_12)s::TIMESTAMP WITHOUT TIME ZONE) THEN %(param_12)s::INTEGER WHEN (leads.created_at < %(created_at_13)s::TIMESTAMP WITHOUT TIME ZONE) THEN %(param_13)s::INTEGER WHEN (leads.created_at < %(created_at_14)s::TIMESTAMP WITHOUT TIME ZONE) THEN %(param_14)s::INTEGER END AS k, count(*) AS n
FROM leads LEFT OUTER JOIN companies AS lead_company ON leads.company_id = lead_company.id
WHERE coalesce(leads.country, lead_company.country) = %(coalesce_1)s::VARCHAR AND leads.status_id = %(status_id_1)s::INTEGER AND leads.created_at >= %(created_at_15)s::TIMESTAMP WITHOUT TIME ZONE AND leads.created_at < %(created_at_16)s::TIMESTAMP WITHOUT TIME ZONE GROUP BY CASE WHEN (leads.created_at < %(created_at_1)s::TIMESTAMP WITHOUT TIME ZONE) THEN %(param_1)s::INTEGER WHEN (leads.created_at < %(created_at_2)s::TIMESTAMP WITHOUT TIME ZONE) THEN %(param_2)s::INTEGER WHEN (leads.created_at < %(created_at_3)s::TIMESTAMP WITHOUT TIME ZONE) THEN %(param_3)s::INTEGER WHEN (leads.created_at < %(created_at_4)s::TIMESTAMP WITHOUT TIME ZONE) THEN %(param_4)s::INTEGER WHEN (leads.created_at < %(created_at_5)s::TIMESTAMP WITHOUT TIME ZONE) THEN %(param_5)s::INTEGER WHEN (leads.created_at < %(created_at_6)s::TIMESTAMP WITHOUT TIME ZONE) THEN %(param_6)s::INTEGER WHEN (leads.created_at < %(created_at_7)s::TIMESTAMP WITHOUT TIME ZONE) THEN %(param_7)s::INTEGER WHEN (leads.created_at < %(created_at_8)s::TIMESTAMP WITHOUT TIME ZONE) THEN %(param_8)s::INTEGER WHEN (leads.created_at < %(created_at_9)s::TIMESTAMP WITHOUT TIME ZONE) THEN %(param_9)s::INTEGER WHEN (leads.created_at < %(created_at_10)s::TIMESTAMP WITHOUT TIME ZONE) THEN %(param_10)s::INTEGER WHEN (leads.created_at < %(created_at_11)s::TIMESTAMP WITHOUT TIME ZONE) THEN %(param_11)s::INTEGER WHEN (leads.created_at < %(created_at_12)s::TIMESTAMP WITHOUT TIME ZONE) THEN %(param_12)s::INTEGER WHEN (leads.created_at < %(created_at_13)s::TIMESTAMP WITHOUT TIME ZONE) THEN %(param_13)s::INTEGER WHEN (leads.created_at < %(created_at_14)s::TIMESTAMP WITHOUT TIME ZONE) THEN %(param_14)s::INTEGER END
-- parameters:
--   coalesce_1 = 'NL'
--   created_at_1 = datetime.datetime(2026, 7, 5, 22, 0)
--   created_at_10 = datetime.datetime(2026, 9, 6, 22, 0)
--   created_at_11 = datetime.datetime(2026, 9, 13, 22, 0)
--   created_at_12 = datetime.datetime(2026, 9, 20, 22, 0)
--   created_at_13 = datetime.datetime(2026, 9, 27, 22, 0)
--   created_at_14 = datetime.datetime(2026, 9, 30, 22, 0)
--   created_at_15 = datetime.datetime(2026, 6, 30, 22, 0)
--   created_at_16 = datetime.datetime(2026, 9, 30, 22, 0)
--   created_at_2 = datetime.datetime(2026, 7, 12, 22, 0)
--   created_at_3 = datetime.datetime(2026, 7, 19, 22, 0)
--   created_at_4 = datetime.datetime(2026, 7, 26, 22, 0)
--   created_at_5 = datetime.datetime(2026, 8, 2, 22, 0)
--   created_at_6 = datetime.datetime(2026, 8, 9, 22, 0)
--   created_at_7 = datetime.datetime(2026, 8, 16, 22, 0)
--   created_at_8 = datetime.datetime(2026, 8, 23, 22, 0)
--   created_at_9 = datetime.datetime(2026, 8, 30, 22, 0)
--   param_1 = 0
--   param_10 = 9
--   param_11 = 10
--   param_12 = 11
--   param_13 = 12
--   param_14 = 13
--   param_2 = 1
--   param_3 = 2
--   param_4 = 3
--   param_5 = 4
--   param_6 = 5
--   param_7 = 6
--   param_8 = 7
--   param_9 = 8
--   status_id_1 = 3

-- drill-down records
SELECT leads.id AS id, leads.first_name AS first_name, leads.last_name AS last_name, leads.email AS email, lead_company.name AS company, leads.owner_id AS owner, coalesce(leads.country, lead_company.country) AS country, leads.status_id AS status, leads.created_at AS created_at, leads.status_since AS status_since, leads.anonymised_at IS NOT NULL AS erased
FROM leads LEFT OUTER JOIN companies AS lead_company ON leads.company_id = lead_company.id
WHERE coalesce(leads.country, lead_company.country) = %(coalesce_1)s::VARCHAR AND leads.status_id = %(status_id_1)s::INTEGER AND leads.created_at >= %(created_at_1)s::TIMESTAMP WITHOUT TIME ZONE AND leads.created_at < %(created_at_2)s::TIMESTAMP WITHOUT TIME ZONE AND leads.created_at >= %(created_at_3)s::TIMESTAMP WITHOUT TIME ZONE AND leads.created_at < %(created_at_4)s::TIMESTAMP WITHOUT TIME ZONE ORDER BY leads.created_at DESC, leads.id ASC
 LIMIT %(param_1)s::INTEGER OFFSET %(param_2)s::INTEGER
-- parameters:
--   coalesce_1 = 'NL'
--   created_at_1 = datetime.datetime(2026, 6, 30, 22, 0)
--   created_at_2 = datetime.datetime(2026, 9, 30, 22, 0)
--   created_at_3 = datetime.datetime(2026, 6, 30, 22, 0)
--   created_at_4 = datetime.datetime(2026, 7, 5, 22, 0)
--   param_1 = 50
--   param_2 = 0
--   status_id_1 = 3

-- drill-down aggregate
SELECT count(*) AS n
FROM leads LEFT OUTER JOIN companies AS lead_company ON leads.company_id = lead_company.id
WHERE coalesce(leads.country, lead_company.country) = %(coalesce_1)s::VARCHAR AND leads.status_id = %(status_id_1)s::INTEGER AND leads.created_at >= %(created_at_1)s::TIMESTAMP WITHOUT TIME ZONE AND leads.created_at < %(created_at_2)s::TIMESTAMP WITHOUT TIME ZONE AND leads.created_at >= %(created_at_3)s::TIMESTAMP WITHOUT TIME ZONE AND leads.created_at < %(created_at_4)s::TIMESTAMP WITHOUT TIME ZONE
-- parameters:
--   coalesce_1 = 'NL'
--   created_at_1 = datetime.datetime(2026, 6, 30, 22, 0)
--   created_at_2 = datetime.datetime(2026, 9, 30, 22, 0)
--   created_at_3 = datetime.datetime(2026, 6, 30, 22, 0)
--   created_at_4 = datetime.datetime(2026, 7, 5, 22, 0)
--   status_id_1 = 3

-- ===== period all

-- span
SELECT min(leads.created_at) AS first, max(leads.created_at) AS last
FROM leads
WHERE true
-- parameters:
