-- lead-nurturing / qualification-rate-ytd (sqlite, reference data: the defaults)

-- ===== no filter

-- main
SELECT count(*) AS n, coalesce(sum(CASE WHEN ((leads.statuses_held & ?) != ?) THEN ? ELSE ? END), ?) AS hits
FROM leads
WHERE leads.created_at >= ? AND leads.created_at < ?
-- parameters:
--   coalesce_1 = 0
--   created_at_1 = datetime.datetime(2025, 12, 31, 23, 0)
--   created_at_2 = datetime.datetime(2026, 11, 27, 23, 0)
--   param_1 = 8
--   param_2 = 0
--   param_3 = 1
--   param_4 = 0

-- drill-down records
SELECT leads.id AS id, leads.first_name AS first_name, leads.last_name AS last_name, leads.email AS email, lead_company.name AS company, leads.owner_id AS owner, coalesce(leads.country, lead_company.country) AS country, leads.status_id AS status, leads.created_at AS created_at, leads.status_since AS status_since, leads.anonymised_at IS NOT NULL AS erased
FROM leads LEFT OUTER JOIN companies AS lead_company ON leads.company_id = lead_company.id
WHERE leads.created_at >= ? AND leads.created_at < ? ORDER BY leads.created_at DESC, leads.id ASC
 LIMIT ? OFFSET ?
-- parameters:
--   created_at_1 = datetime.datetime(2025, 12, 31, 23, 0)
--   created_at_2 = datetime.datetime(2026, 11, 27, 23, 0)
--   param_1 = 50
--   param_2 = 0

-- drill-down aggregate
SELECT count(*) AS n
FROM leads
WHERE leads.created_at >= ? AND leads.created_at < ?
-- parameters:
--   created_at_1 = datetime.datetime(2025, 12, 31, 23, 0)
--   created_at_2 = datetime.datetime(2026, 11, 27, 23, 0)

-- ===== country nl, status qualified, period previous-quarter

-- main
SELECT count(*) AS n, coalesce(sum(CASE WHEN ((leads.statuses_held & ?) != ?) THEN ? ELSE ? END), ?) AS hits
FROM leads LEFT OUTER JOIN companies AS lead_company ON leads.company_id = lead_company.id
WHERE coalesce(leads.country, lead_company.country) = ? AND leads.status_id = ? AND leads.created_at >= ? AND leads.created_at < ?
-- parameters:
--   coalesce_1 = 0
--   coalesce_2 = 'NL'
--   created_at_1 = datetime.datetime(2026, 6, 30, 22, 0)
--   created_at_2 = datetime.datetime(2026, 9, 30, 22, 0)
--   param_1 = 8
--   param_2 = 0
--   param_3 = 1
--   param_4 = 0
--   status_id_1 = 3

-- drill-down records
SELECT leads.id AS id, leads.first_name AS first_name, leads.last_name AS last_name, leads.email AS email, lead_company.name AS company, leads.owner_id AS owner, coalesce(leads.country, lead_company.country) AS country, leads.status_id AS status, leads.created_at AS created_at, leads.status_since AS status_since, leads.anonymised_at IS NOT NULL AS erased
FROM leads LEFT OUTER JOIN companies AS lead_company ON leads.company_id = lead_company.id
WHERE coalesce(leads.country, lead_company.country) = ? AND leads.status_id = ? AND leads.created_at >= ? AND leads.created_at < ? ORDER BY leads.created_at DESC, leads.id ASC
 LIMIT ? OFFSET ?
-- parameters:
--   coalesce_1 = 'NL'
--   created_at_1 = datetime.datetime(2026, 6, 30, 22, 0)
--   created_at_2 = datetime.datetime(2026, 9, 30, 22, 0)
--   param_1 = 50
--   param_2 = 0
--   status_id_1 = 3

-- drill-down aggregate
SELECT count(*) AS n
FROM leads LEFT OUTER JOIN companies AS lead_company ON leads.company_id = lead_company.id
WHERE coalesce(leads.country, lead_company.country) = ? AND leads.status_id = ? AND leads.created_at >= ? AND leads.created_at < ?
-- parameters:
--   coalesce_1 = 'NL'
--   created_at_1 = datetime.datetime(2026, 6, 30, 22, 0)
--   created_at_2 = datetime.datetime(2026, 9, 30, 22, 0)
--   status_id_1 = 3

-- ===== period all

-- main
SELECT count(*) AS n, coalesce(sum(CASE WHEN ((leads.statuses_held & ?) != ?) THEN ? ELSE ? END), ?) AS hits
FROM leads
WHERE 1 = 1
-- parameters:
--   coalesce_1 = 0
--   param_1 = 8
--   param_2 = 0
--   param_3 = 1
--   param_4 = 0

-- drill-down records
SELECT leads.id AS id, leads.first_name AS first_name, leads.last_name AS last_name, leads.email AS email, lead_company.name AS company, leads.owner_id AS owner, coalesce(leads.country, lead_company.country) AS country, leads.status_id AS status, leads.created_at AS created_at, leads.status_since AS status_since, leads.anonymised_at IS NOT NULL AS erased
FROM leads LEFT OUTER JOIN companies AS lead_company ON leads.company_id = lead_company.id
WHERE 1 = 1 ORDER BY leads.created_at DESC, leads.id ASC
 LIMIT ? OFFSET ?
-- parameters:
--   param_1 = 50
--   param_2 = 0

-- drill-down aggregate
SELECT count(*) AS n
FROM leads
WHERE 1 = 1
-- parameters:
