-- marketing / new-leads-per-month (postgresql, reference data: the defaults)

-- ===== no filter

-- main
SELECT CASE WHEN (leads.created_at < %(created_at_1)s::TIMESTAMP WITHOUT TIME ZONE) THEN %(param_1)s::INTEGER WHEN (leads.created_at < %(created_at_2)s::TIMESTAMP WITHOUT TIME ZONE) THEN %(param_2)s::INTEGER WHEN (leads.created_at < %(created_at_3)s::TIMESTAMP WITHOUT TIME ZONE) THEN %(param_3)s::INTEGER WHEN (leads.created_at < %(created_at_4)s::TIMESTAMP WITHOUT TIME ZONE) THEN %(param_4)s::INTEGER WHEN (leads.created_at < %(created_at_5)s::TIMESTAMP WITHOUT TIME ZONE) THEN %(param_5)s::INTEGER WHEN (leads.created_at < %(created_at_6)s::TIMESTAMP WITHOUT TIME ZONE) THEN %(param_6)s::INTEGER WHEN (leads.created_at < %(created_at_7)s::TIMESTAMP WITHOUT TIME ZONE) THEN %(param_7)s::INTEGER WHEN (leads.created_at < %(created_at_8)s::TIMESTAMP WITHOUT TIME ZONE) THEN %(param_8)s::INTEGER WHEN (leads.created_at < %(created_at_9)s::TIMESTAMP WITHOUT TIME ZONE) THEN %(param_9)s::INTEGER WHEN (leads.created_at < %(created_at_10)s::TIMESTAMP WITHOUT TIME ZONE) THEN %(param_10)s::INTEGER WHEN (leads.created_at < %(created_at_11)s::TIMESTAMP WITHOUT TIME ZONE) THEN %(param_11)s::INTEGER WHEN (leads.created_at < %(created_at_12)s::TIMESTAMP WITHOUT TIME ZONE) THEN %(param_12)s::INTEGER END AS k, count(*) AS n
FROM leads
WHERE leads.created_at >= %(created_at_13)s::TIMESTAMP WITHOUT TIME ZONE AND leads.created_at < %(created_at_14)s::TIMESTAMP WITHOUT TIME ZONE GROUP BY CASE WHEN (leads.created_at < %(created_at_1)s::TIMESTAMP WITHOUT TIME ZONE) THEN %(param_1)s::INTEGER WHEN (leads.created_at < %(created_at_2)s::TIMESTAMP WITHOUT TIME ZONE) THEN %(param_2)s::INTEGER WHEN (leads.created_at < %(created_at_3)s::TIMESTAMP WITHOUT TIME ZONE) THEN %(param_3)s::INTEGER WHEN (leads.created_at < %(created_at_4)s::TIMESTAMP WITHOUT TIME ZONE) THEN %(param_4)s::INTEGER WHEN (leads.created_at < %(created_at_5)s::TIMESTAMP WITHOUT TIME ZONE) THEN %(param_5)s::INTEGER WHEN (leads.created_at < %(created_at_6)s::TIMESTAMP WITHOUT TIME ZONE) THEN %(param_6)s::INTEGER WHEN (leads.created_at < %(created_at_7)s::TIMESTAMP WITHOUT TIME ZONE) THEN %(param_7)s::INTEGER WHEN (leads.created_at < %(created_at_8)s::TIMESTAMP WITHOUT TIME ZONE) THEN %(param_8)s::INTEGER WHEN (leads.created_at < %(created_at_9)s::TIMESTAMP WITHOUT TIME ZONE) THEN %(param_9)s::INTEGER WHEN (leads.created_at < %(created_at_10)s::TIMESTAMP WITHOUT TIME ZONE) THEN %(param_10)s::INTEGER WHEN (leads.created_at < %(created_at_11)s::TIMESTAMP WITHOUT TIME ZONE) THEN %(param_11)s::INTEGER WHEN (leads.created_at < %(created_at_12)s::TIMESTAMP WITHOUT TIME ZONE) THEN %(param_12)s::INTEGER END
-- parameters:
--   created_at_1 = datetime.datetime(2026, 1, 31, 23, 0)
--   created_at_10 = datetime.datetime(2026, 10, 31, 23, 0)
--   created_at_11 = datetime.datetime(2026, 11, 30, 23, 0)
--   created_at_12 = datetime.datetime(2026, 12, 31, 23, 0)
--   created_at_13 = datetime.datetime(2025, 12, 31, 23, 0)
--   created_at_14 = datetime.datetime(2026, 12, 31, 23, 0)
--   created_at_2 = datetime.datetime(2026, 2, 28, 23, 0)
--   created_at_3 = datetime.datetime(2026, 3, 31, 22, 0)
--   created_at_4 = datetime.datetime(2026, 4, 30, 22, 0)
--   created_at_5 = datetime.datetime(2026, 5, 31, 22, 0)
--   created_at_6 = datetime.datetime(2026, 6, 30, 22, 0)
--   created_at_7 = datetime.datetime(2026, 7, 31, 22, 0)
--   created_at_8 = datetime.datetime(2026, 8, 31, 22, 0)
--   created_at_9 = datetime.datetime(2026, 9, 30, 22, 0)
--   param_1 = 0
--   param_10 = 9
--   param_11 = 10
--   param_12 = 11
--   param_2 = 1
--   param_3 = 2
--   param_4 = 3
--   param_5 = 4
--   param_6 = 5
--   param_7 = 6
--   param_8 = 7
--   param_9 = 8

-- compare
SELECT CASE WHEN (leads.created_at >= %(created_at_1)s::TIMESTAMP WITHOUT TIME ZONE AND leads.created_at < %(created_at_2)s::TIMESTAMP WITHOUT TIME ZONE) THEN %(param_1)s::INTEGER WHEN (leads.created_at >= %(created_at_3)s::TIMESTAMP WITHOUT TIME ZONE AND leads.created_at < %(created_at_4)s::TIMESTAMP WITHOUT TIME ZONE) THEN %(param_2)s::INTEGER WHEN (leads.created_at >= %(created_at_5)s::TIMESTAMP WITHOUT TIME ZONE AND leads.created_at < %(created_at_6)s::TIMESTAMP WITHOUT TIME ZONE) THEN %(param_3)s::INTEGER WHEN (leads.created_at >= %(created_at_7)s::TIMESTAMP WITHOUT TIME ZONE AND leads.created_at < %(created_at_8)s::TIMESTAMP WITHOUT TIME ZONE) THEN %(param_4)s::INTEGER WHEN (leads.created_at >= %(created_at_9)s::TIMESTAMP WITHOUT TIME ZONE AND leads.created_at < %(created_at_10)s::TIMESTAMP WITHOUT TIME ZONE) THEN %(param_5)s::INTEGER WHEN (leads.created_at >= %(created_at_11)s::TIMESTAMP WITHOUT TIME ZONE AND leads.created_at < %(created_at_12)s::TIMESTAMP WITHOUT TIME ZONE) THEN %(param_6)s::INTEGER WHEN (leads.created_at >= %(created_at_13)s::TIMESTAMP WITHOUT TIME ZONE AND leads.created_at < %(created_at_14)s::TIMESTAMP WITHOUT TIME ZONE) THEN %(param_7)s::INTEGER WHEN (leads.created_at >= %(created_at_15)s::TIMESTAMP WITHOUT TIME ZONE AND leads.created_at < %(created_at_16)s::TIMESTAMP WITHOUT TIME ZONE) THEN %(param_8)s::INTEGER WHEN (leads.created_at >= %(created_at_17)s::TIMESTAMP WITHOUT TIME ZONE AND leads.created_at < %(created_at_18)s::TIMESTAMP WITHOUT TIME ZONE) THEN %(param_9)s::INTEGER WHEN (leads.created_at >= %(created_at_19)s::TIMESTAMP WITHOUT TIME ZONE AND leads.created_at < %(created_at_20)s::TIMESTAMP WITHOUT TIME ZONE) THEN %(param_10)s::INTEGER WHEN (leads.created_at >= %(created_at_21)s::TIMESTAMP WITHOUT TIME ZONE AND leads.created_at < %(created_at_22)s::TIMESTAMP WITHOUT TIME ZONE) THEN %(param_11)s::INTEGER WHEN (leads.created_at >= %(created_at_23)s::TIMESTAMP WITHOUT TIME ZONE AND leads.created_at < %(created_at_24)s::TIMESTAMP WITHOUT TIME ZONE) THEN %(param_12)s::INTEGER END AS k, count(*) AS n
FROM leads
WHERE leads.created_at >= %(created_at_25)s::TIMESTAMP WITHOUT TIME ZONE AND leads.created_at < %(created_at_26)s::TIMESTAMP WITHOUT TIME ZONE GROUP BY CASE WHEN (leads.created_at >= %(created_at_1)s::TIMESTAMP WITHOUT TIME ZONE AND leads.created_at < %(created_at_2)s::TIMESTAMP WITHOUT TIME ZONE) THEN %(param_1)s::INTEGER WHEN (leads.created_at >= %(created_at_3)s::TIMESTAMP WITHOUT TIME ZONE AND leads.created_at < %(created_at_4)s::TIMESTAMP WITHOUT TIME ZONE) THEN %(param_2)s::INTEGER WHEN (leads.created_at >= %(created_at_5)s::TIMESTAMP WITHOUT TIME ZONE AND leads.created_at < %(created_at_6)s::TIMESTAMP WITHOUT TIME ZONE) THEN %(param_3)s::INTEGER WHEN (leads.created_at >= %(created_at_7)s::TIMESTAMP WITHOUT TIME ZONE AND leads.created_at < %(created_at_8)s::TIMESTAMP WITHOUT TIME ZONE) THEN %(param_4)s::INTEGER WHEN (leads.created_at >= %(created_at_9)s::TIMESTAMP WITHOUT TIME ZONE AND leads.created_at < %(created_at_10)s::TIMESTAMP WITHOUT TIME ZONE) THEN %(param_5)s::INTEGER WHEN (leads.created_at >= %(created_at_11)s::TIMESTAMP WITHOUT TIME ZONE AND leads.created_at < %(created_at_12)s::TIMESTAMP WITHOUT TIME ZONE) THEN %(param_6)s::INTEGER WHEN (leads.created_at >= %(created_at_13)s::TIMESTAMP WITHOUT TIME ZONE AND leads.created_at < %(created_at_14)s::TIMESTAMP WITHOUT TIME ZONE) THEN %(param_7)s::INTEGER WHEN (leads.created_at >= %(created_at_15)s::TIMESTAMP WITHOUT TIME ZONE AND leads.created_at < %(created_at_16)s::TIMESTAMP WITHOUT TIME ZONE) THEN %(param_8)s::INTEGER WHEN (leads.created_at >= %(created_at_17)s::TIMESTAMP WITHOUT TIME ZONE AND leads.created_at < %(created_at_18)s::TIMESTAMP WITHOUT TIME ZONE) THEN %(param_9)s::INTEGER WHEN (leads.created_at >= %(created_at_19)s::TIMESTAMP WITHOUT TIME ZONE AND leads.created_at < %(created_at_20)s::TIMESTAMP WITHOUT TIME ZONE) THEN %(param_10)s::INTEGER WHEN (leads.created_at >= %(created_at_21)s::TIMESTAMP WITHOUT TIME ZONE AND leads.created_at < %(created_at_22)s::TIMESTAMP WITHOUT TIME ZONE) THEN %(param_11)s::INTEGER WHEN (leads.created_at >= %(created_at_23)s::TIMESTAMP WITHOUT TIME ZONE AND leads.created_at < %(created_at_24)s::TIMESTAMP WITHOUT TIME ZONE) THEN %(param_12)s::INTEGER END
-- parameters:
--   created_at_1 = datetime.datetime(2024, 12, 31, 23, 0)
--   created_at_10 = datetime.datetime(2025, 5, 31, 22, 0)
--   created_at_11 = datetime.datetime(2025, 5, 31, 22, 0)
--   created_at_12 = datetime.datetime(2025, 6, 30, 22, 0)
--   created_at_13 = datetime.datetime(2025, 6, 30, 22, 0)
--   created_at_14 = datetime.datetime(2025, 7, 31, 22, 0)
--   created_at_15 = datetime.datetime(2025, 7, 31, 22, 0)
--   created_at_16 = datetime.datetime(2025, 8, 31, 22, 0)
--   created_at_17 = datetime.datetime(2025, 8, 31, 22, 0)
--   created_at_18 = datetime.datetime(2025, 9, 30, 22, 0)
--   created_at_19 = datetime.datetime(2025, 9, 30, 22, 0)
--   created_at_2 = datetime.datetime(2025, 1, 31, 23, 0)
--   created_at_20 = datetime.datetime(2025, 10, 31, 23, 0)
--   created_at_21 = datetime.datetime(2025, 10, 31, 23, 0)
--   created_at_22 = datetime.datetime(2025, 11, 27, 23, 0)
--   created_at_23 = datetime.datetime(2025, 11, 30, 23, 0)
--   created_at_24 = datetime.datetime(2025, 12, 31, 23, 0)
--   created_at_25 = datetime.datetime(2024, 12, 31, 23, 0)
--   created_at_26 = datetime.datetime(2025, 12, 31, 23, 0)
--   created_at_3 = datetime.datetime(2025, 1, 31, 23, 0)
--   created_at_4 = datetime.datetime(2025, 2, 28, 23, 0)
--   created_at_5 = datetime.datetime(2025, 2, 28, 23, 0)
--   created_at_6 = datetime.datetime(2025, 3, 31, 22, 0)
--   created_at_7 = datetime.datetime(2025, 3, 31, 22, 0)
--   created_at_8 = datetime.datetime(2025, 4, 30, 22, 0)
--   created_at_9 = datetime.datetime(2025, 4, 30, 22, 0)
--   param_1 = 0
--   param_10 = 9
--   param_11 = 10
--   param_12 = 11
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
--   created_at_1 = datetime.datetime(2025, 12, 31, 23, 0)
--   created_at_2 = datetime.datetime(2026, 12, 31, 23, 0)
--   created_at_3 = datetime.datetime(2025, 12, 31, 23, 0)
--   created_at_4 = datetime.datetime(2026, 1, 31, 23, 0)
--   param_1 = 50
--   param_2 = 0

-- drill-down aggregate
SELECT count(*) AS n
FROM leads
WHERE leads.created_at >= %(created_at_1)s::TIMESTAMP WITHOUT TIME ZONE AND leads.created_at < %(created_at_2)s::TIMESTAMP WITHOUT TIME ZONE AND leads.created_at >= %(created_at_3)s::TIMESTAMP WITHOUT TIME ZONE AND leads.created_at < %(created_at_4)s::TIMESTAMP WITHOUT TIME ZONE
-- parameters:
--   created_at_1 = datetime.datetime(2025, 12, 31, 23, 0)
--   created_at_2 = datetime.datetime(2026, 12, 31, 23, 0)
--   created_at_3 = datetime.datetime(2025, 12, 31, 23, 0)
--   created_at_4 = datetime.datetime(2026, 1, 31, 23, 0)

-- ===== country nl, status qualified, period previous-quarter

-- main
SELECT CASE WHEN (leads.created_at < %(created_at_1)s::TIMESTAMP WITHOUT TIME ZONE) THEN %(param_1)s::INTEGER WHEN (leads.created_at < %(created_at_2)s::TIMESTAMP WITHOUT TIME ZONE) THEN %(param_2)s::INTEGER WHEN (leads.created_at < %(created_at_3)s::TIMESTAMP WITHOUT TIME ZONE) THEN %(param_3)s::INTEGER END AS k, count(*) AS n
FROM leads LEFT OUTER JOIN companies AS lead_company ON leads.company_id = lead_company.id
WHERE coalesce(leads.country, lead_company.country) = %(coalesce_1)s::VARCHAR AND leads.status_id = %(status_id_1)s::INTEGER AND leads.created_at >= %(created_at_4)s::TIMESTAMP WITHOUT TIME ZONE AND leads.created_at < %(created_at_5)s::TIMESTAMP WITHOUT TIME ZONE GROUP BY CASE WHEN (leads.created_at < %(created_at_1)s::TIMESTAMP WITHOUT TIME ZONE) THEN %(param_1)s::INTEGER WHEN (leads.created_at < %(created_at_2)s::TIMESTAMP WITHOUT TIME ZONE) THEN %(param_2)s::INTEGER WHEN (leads.created_at < %(created_at_3)s::TIMESTAMP WITHOUT TIME ZONE) THEN %(param_3)s::INTEGER END
-- parameters:
--   coalesce_1 = 'NL'
--   created_at_1 = datetime.datetime(2026, 7, 31, 22, 0)
--   created_at_2 = datetime.datetime(2026, 8, 31, 22, 0)
--   created_at_3 = datetime.datetime(2026, 9, 30, 22, 0)
--   created_at_4 = datetime.datetime(2026, 6, 30, 22, 0)
--   created_at_5 = datetime.datetime(2026, 9, 30, 22, 0)
--   param_1 = 0
--   param_2 = 1
--   param_3 = 2
--   status_id_1 = 3

-- compare
SELECT CASE WHEN (leads.created_at >= %(created_at_1)s::TIMESTAMP WITHOUT TIME ZONE AND leads.created_at < %(created_at_2)s::TIMESTAMP WITHOUT TIME ZONE) THEN %(param_1)s::INTEGER WHEN (leads.created_at >= %(created_at_3)s::TIMESTAMP WITHOUT TIME ZONE AND leads.created_at < %(created_at_4)s::TIMESTAMP WITHOUT TIME ZONE) THEN %(param_2)s::INTEGER WHEN (leads.created_at >= %(created_at_5)s::TIMESTAMP WITHOUT TIME ZONE AND leads.created_at < %(created_at_6)s::TIMESTAMP WITHOUT TIME ZONE) THEN %(param_3)s::INTEGER END AS k, count(*) AS n
FROM leads LEFT OUTER JOIN companies AS lead_company ON leads.company_id = lead_company.id
WHERE coalesce(leads.country, lead_company.country) = %(coalesce_1)s::VARCHAR AND leads.status_id = %(status_id_1)s::INTEGER AND leads.created_at >= %(created_at_7)s::TIMESTAMP WITHOUT TIME ZONE AND leads.created_at < %(created_at_8)s::TIMESTAMP WITHOUT TIME ZONE GROUP BY CASE WHEN (leads.created_at >= %(created_at_1)s::TIMESTAMP WITHOUT TIME ZONE AND leads.created_at < %(created_at_2)s::TIMESTAMP WITHOUT TIME ZONE) THEN %(param_1)s::INTEGER WHEN (leads.created_at >= %(created_at_3)s::TIMESTAMP WITHOUT TIME ZONE AND leads.created_at < %(created_at_4)s::TIMESTAMP WITHOUT TIME ZONE) THEN %(param_2)s::INTEGER WHEN (leads.created_at >= %(created_at_5)s::TIMESTAMP WITHOUT TIME ZONE AND leads.created_at < %(created_at_6)s::TIMESTAMP WITHOUT TIME ZONE) THEN %(param_3)s::INTEGER END
-- parameters:
--   coalesce_1 = 'NL'
--   created_at_1 = datetime.datetime(2025, 6, 30, 22, 0)
--   created_at_2 = datetime.datetime(2025, 7, 31, 22, 0)
--   created_at_3 = datetime.datetime(2025, 7, 31, 22, 0)
--   created_at_4 = datetime.datetime(2025, 8, 31, 22, 0)
--   created_at_5 = datetime.datetime(2025, 8, 31, 22, 0)
--   created_at_6 = datetime.datetime(2025, 9, 30, 22, 0)
--   created_at_7 = datetime.datetime(2025, 6, 30, 22, 0)
--   created_at_8 = datetime.datetime(2025, 9, 30, 22, 0)
--   param_1 = 0
--   param_2 = 1
--   param_3 = 2
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
--   created_at_4 = datetime.datetime(2026, 7, 31, 22, 0)
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
--   created_at_4 = datetime.datetime(2026, 7, 31, 22, 0)
--   status_id_1 = 3

-- ===== period all

-- span
SELECT min(leads.created_at) AS first, max(leads.created_at) AS last
FROM leads
WHERE true
-- parameters:
