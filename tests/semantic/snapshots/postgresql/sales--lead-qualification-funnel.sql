-- sales / lead-qualification-funnel (postgresql, reference data: the defaults)

-- ===== no filter

-- main
SELECT count(*) AS n, coalesce(sum(CASE WHEN true THEN %(param_1)s::INTEGER ELSE %(param_2)s::INTEGER END), %(coalesce_1)s::INTEGER) AS step0, coalesce(sum(CASE WHEN ((leads.statuses_held & %(param_3)s::INTEGER) != %(param_4)s::BIGINT) THEN %(param_5)s::INTEGER ELSE %(param_6)s::INTEGER END), %(coalesce_2)s::INTEGER) AS step1, coalesce(sum(CASE WHEN ((leads.statuses_held & %(param_7)s::INTEGER) != %(param_8)s::BIGINT) THEN %(param_9)s::INTEGER ELSE %(param_10)s::INTEGER END), %(coalesce_3)s::INTEGER) AS step2
FROM leads
WHERE leads.created_at >= %(created_at_1)s::TIMESTAMP WITHOUT TIME ZONE AND leads.created_at < %(created_at_2)s::TIMESTAMP WITHOUT TIME ZONE
-- parameters:
--   coalesce_1 = 0
--   coalesce_2 = 0
--   coalesce_3 = 0
--   created_at_1 = datetime.datetime(2025, 12, 31, 23, 0)
--   created_at_2 = datetime.datetime(2026, 11, 27, 23, 0)
--   param_1 = 1
--   param_10 = 0
--   param_2 = 0
--   param_3 = 12
--   param_4 = 0
--   param_5 = 1
--   param_6 = 0
--   param_7 = 8
--   param_8 = 0
--   param_9 = 1

-- drill-down records
SELECT leads.id AS id, leads.first_name AS first_name, leads.last_name AS last_name, leads.email AS email, lead_company.name AS company, leads.owner_id AS owner, coalesce(leads.country, lead_company.country) AS country, leads.status_id AS status, leads.created_at AS created_at, leads.status_since AS status_since, leads.anonymised_at IS NOT NULL AS erased
FROM leads LEFT OUTER JOIN companies AS lead_company ON leads.company_id = lead_company.id
WHERE leads.created_at >= %(created_at_1)s::TIMESTAMP WITHOUT TIME ZONE AND leads.created_at < %(created_at_2)s::TIMESTAMP WITHOUT TIME ZONE AND (leads.statuses_held & %(param_1)s::INTEGER) != %(param_2)s::BIGINT ORDER BY leads.created_at DESC, leads.id ASC
 LIMIT %(param_3)s::INTEGER OFFSET %(param_4)s::INTEGER
-- parameters:
--   created_at_1 = datetime.datetime(2025, 12, 31, 23, 0)
--   created_at_2 = datetime.datetime(2026, 11, 27, 23, 0)
--   param_1 = 8
--   param_2 = 0
--   param_3 = 50
--   param_4 = 0

-- drill-down aggregate
SELECT count(*) AS n
FROM leads
WHERE leads.created_at >= %(created_at_1)s::TIMESTAMP WITHOUT TIME ZONE AND leads.created_at < %(created_at_2)s::TIMESTAMP WITHOUT TIME ZONE AND (leads.statuses_held & %(param_1)s::INTEGER) != %(param_2)s::BIGINT
-- parameters:
--   created_at_1 = datetime.datetime(2025, 12, 31, 23, 0)
--   created_at_2 = datetime.datetime(2026, 11, 27, 23, 0)
--   param_1 = 8
--   param_2 = 0

-- ===== country nl, status qualified, period previous-quarter

-- main
SELECT count(*) AS n, coalesce(sum(CASE WHEN true THEN %(param_1)s::INTEGER ELSE %(param_2)s::INTEGER END), %(coalesce_1)s::INTEGER) AS step0, coalesce(sum(CASE WHEN ((leads.statuses_held & %(param_3)s::INTEGER) != %(param_4)s::BIGINT) THEN %(param_5)s::INTEGER ELSE %(param_6)s::INTEGER END), %(coalesce_2)s::INTEGER) AS step1, coalesce(sum(CASE WHEN ((leads.statuses_held & %(param_7)s::INTEGER) != %(param_8)s::BIGINT) THEN %(param_9)s::INTEGER ELSE %(param_10)s::INTEGER END), %(coalesce_3)s::INTEGER) AS step2
FROM leads LEFT OUTER JOIN companies AS lead_company ON leads.company_id = lead_company.id
WHERE coalesce(leads.country, lead_company.country) = %(coalesce_4)s::VARCHAR AND leads.status_id = %(status_id_1)s::INTEGER AND leads.created_at >= %(created_at_1)s::TIMESTAMP WITHOUT TIME ZONE AND leads.created_at < %(created_at_2)s::TIMESTAMP WITHOUT TIME ZONE
-- parameters:
--   coalesce_1 = 0
--   coalesce_2 = 0
--   coalesce_3 = 0
--   coalesce_4 = 'NL'
--   created_at_1 = datetime.datetime(2026, 6, 30, 22, 0)
--   created_at_2 = datetime.datetime(2026, 9, 30, 22, 0)
--   param_1 = 1
--   param_10 = 0
--   param_2 = 0
--   param_3 = 12
--   param_4 = 0
--   param_5 = 1
--   param_6 = 0
--   param_7 = 8
--   param_8 = 0
--   param_9 = 1
--   status_id_1 = 3

-- drill-down records
SELECT leads.id AS id, leads.first_name AS first_name, leads.last_name AS last_name, leads.email AS email, lead_company.name AS company, leads.owner_id AS owner, coalesce(leads.country, lead_company.country) AS country, leads.status_id AS status, leads.created_at AS created_at, leads.status_since AS status_since, leads.anonymised_at IS NOT NULL AS erased
FROM leads LEFT OUTER JOIN companies AS lead_company ON leads.company_id = lead_company.id
WHERE coalesce(leads.country, lead_company.country) = %(coalesce_1)s::VARCHAR AND leads.status_id = %(status_id_1)s::INTEGER AND leads.created_at >= %(created_at_1)s::TIMESTAMP WITHOUT TIME ZONE AND leads.created_at < %(created_at_2)s::TIMESTAMP WITHOUT TIME ZONE AND (leads.statuses_held & %(param_1)s::INTEGER) != %(param_2)s::BIGINT ORDER BY leads.created_at DESC, leads.id ASC
 LIMIT %(param_3)s::INTEGER OFFSET %(param_4)s::INTEGER
-- parameters:
--   coalesce_1 = 'NL'
--   created_at_1 = datetime.datetime(2026, 6, 30, 22, 0)
--   created_at_2 = datetime.datetime(2026, 9, 30, 22, 0)
--   param_1 = 8
--   param_2 = 0
--   param_3 = 50
--   param_4 = 0
--   status_id_1 = 3

-- drill-down aggregate
SELECT count(*) AS n
FROM leads LEFT OUTER JOIN companies AS lead_company ON leads.company_id = lead_company.id
WHERE coalesce(leads.country, lead_company.country) = %(coalesce_1)s::VARCHAR AND leads.status_id = %(status_id_1)s::INTEGER AND leads.created_at >= %(created_at_1)s::TIMESTAMP WITHOUT TIME ZONE AND leads.created_at < %(created_at_2)s::TIMESTAMP WITHOUT TIME ZONE AND (leads.statuses_held & %(param_1)s::INTEGER) != %(param_2)s::BIGINT
-- parameters:
--   coalesce_1 = 'NL'
--   created_at_1 = datetime.datetime(2026, 6, 30, 22, 0)
--   created_at_2 = datetime.datetime(2026, 9, 30, 22, 0)
--   param_1 = 8
--   param_2 = 0
--   status_id_1 = 3

-- ===== period all

-- main
SELECT count(*) AS n, coalesce(sum(CASE WHEN true THEN %(param_1)s::INTEGER ELSE %(param_2)s::INTEGER END), %(coalesce_1)s::INTEGER) AS step0, coalesce(sum(CASE WHEN ((leads.statuses_held & %(param_3)s::INTEGER) != %(param_4)s::BIGINT) THEN %(param_5)s::INTEGER ELSE %(param_6)s::INTEGER END), %(coalesce_2)s::INTEGER) AS step1, coalesce(sum(CASE WHEN ((leads.statuses_held & %(param_7)s::INTEGER) != %(param_8)s::BIGINT) THEN %(param_9)s::INTEGER ELSE %(param_10)s::INTEGER END), %(coalesce_3)s::INTEGER) AS step2
FROM leads
WHERE true
-- parameters:
--   coalesce_1 = 0
--   coalesce_2 = 0
--   coalesce_3 = 0
--   param_1 = 1
--   param_10 = 0
--   param_2 = 0
--   param_3 = 12
--   param_4 = 0
--   param_5 = 1
--   param_6 = 0
--   param_7 = 8
--   param_8 = 0
--   param_9 = 1

-- drill-down records
SELECT leads.id AS id, leads.first_name AS first_name, leads.last_name AS last_name, leads.email AS email, lead_company.name AS company, leads.owner_id AS owner, coalesce(leads.country, lead_company.country) AS country, leads.status_id AS status, leads.created_at AS created_at, leads.status_since AS status_since, leads.anonymised_at IS NOT NULL AS erased
FROM leads LEFT OUTER JOIN companies AS lead_company ON leads.company_id = lead_company.id
WHERE true AND (leads.statuses_held & %(param_1)s::INTEGER) != %(param_2)s::BIGINT ORDER BY leads.created_at DESC, leads.id ASC
 LIMIT %(param_3)s::INTEGER OFFSET %(param_4)s::INTEGER
-- parameters:
--   param_1 = 8
--   param_2 = 0
--   param_3 = 50
--   param_4 = 0

-- drill-down aggregate
SELECT count(*) AS n
FROM leads
WHERE true AND (leads.statuses_held & %(param_1)s::INTEGER) != %(param_2)s::BIGINT
-- parameters:
--   param_1 = 8
--   param_2 = 0
