-- sales / qualified-without-sale (sqlite, reference data: the defaults)

-- ===== no filter

-- records
SELECT leads.id AS id, leads.first_name AS first_name, leads.last_name AS last_name, leads.email AS email, lead_company.name AS company, leads.owner_id AS owner, coalesce(leads.country, lead_company.country) AS country, leads.status_id AS status, leads.created_at AS created_at, leads.status_since AS status_since, leads.anonymised_at IS NOT NULL AS erased
FROM leads LEFT OUTER JOIN companies AS lead_company ON leads.company_id = lead_company.id
WHERE leads.status_id IN (__[POSTCOMPILE_status_id_1]) AND NOT (EXISTS (SELECT sales.id
FROM sales
WHERE sales.lead_id = leads.id)) ORDER BY leads.status_since ASC, leads.id ASC
 LIMIT ? OFFSET ?
-- parameters:
--   param_1 = 100
--   param_2 = 0
--   status_id_1 = [3]

-- total
SELECT count(*) AS n
FROM leads
WHERE leads.status_id IN (__[POSTCOMPILE_status_id_1]) AND NOT (EXISTS (SELECT sales.id
FROM sales
WHERE sales.lead_id = leads.id))
-- parameters:
--   status_id_1 = [3]

-- drill-down records
SELECT leads.id AS id, leads.first_name AS first_name, leads.last_name AS last_name, leads.email AS email, lead_company.name AS company, leads.owner_id AS owner, coalesce(leads.country, lead_company.country) AS country, leads.status_id AS status, leads.created_at AS created_at, leads.status_since AS status_since, leads.anonymised_at IS NOT NULL AS erased
FROM leads LEFT OUTER JOIN companies AS lead_company ON leads.company_id = lead_company.id
WHERE leads.status_id IN (__[POSTCOMPILE_status_id_1]) AND NOT (EXISTS (SELECT sales.id
FROM sales
WHERE sales.lead_id = leads.id)) ORDER BY leads.status_since ASC, leads.id ASC
 LIMIT ? OFFSET ?
-- parameters:
--   param_1 = 50
--   param_2 = 0
--   status_id_1 = [3]

-- drill-down aggregate
SELECT count(*) AS n
FROM leads
WHERE leads.status_id IN (__[POSTCOMPILE_status_id_1]) AND NOT (EXISTS (SELECT sales.id
FROM sales
WHERE sales.lead_id = leads.id))
-- parameters:
--   status_id_1 = [3]

-- ===== country nl, status qualified, period previous-quarter

-- records
SELECT leads.id AS id, leads.first_name AS first_name, leads.last_name AS last_name, leads.email AS email, lead_company.name AS company, leads.owner_id AS owner, coalesce(leads.country, lead_company.country) AS country, leads.status_id AS status, leads.created_at AS created_at, leads.status_since AS status_since, leads.anonymised_at IS NOT NULL AS erased
FROM leads LEFT OUTER JOIN companies AS lead_company ON leads.company_id = lead_company.id
WHERE leads.status_id IN (__[POSTCOMPILE_status_id_1]) AND NOT (EXISTS (SELECT sales.id
FROM sales
WHERE sales.lead_id = leads.id)) AND coalesce(leads.country, lead_company.country) = ? AND leads.status_id = ? ORDER BY leads.status_since ASC, leads.id ASC
 LIMIT ? OFFSET ?
-- parameters:
--   coalesce_1 = 'NL'
--   param_1 = 100
--   param_2 = 0
--   status_id_1 = [3]
--   status_id_2 = 3

-- total
SELECT count(*) AS n
FROM leads LEFT OUTER JOIN companies AS lead_company ON leads.company_id = lead_company.id
WHERE leads.status_id IN (__[POSTCOMPILE_status_id_1]) AND NOT (EXISTS (SELECT sales.id
FROM sales
WHERE sales.lead_id = leads.id)) AND coalesce(leads.country, lead_company.country) = ? AND leads.status_id = ?
-- parameters:
--   coalesce_1 = 'NL'
--   status_id_1 = [3]
--   status_id_2 = 3

-- drill-down records
SELECT leads.id AS id, leads.first_name AS first_name, leads.last_name AS last_name, leads.email AS email, lead_company.name AS company, leads.owner_id AS owner, coalesce(leads.country, lead_company.country) AS country, leads.status_id AS status, leads.created_at AS created_at, leads.status_since AS status_since, leads.anonymised_at IS NOT NULL AS erased
FROM leads LEFT OUTER JOIN companies AS lead_company ON leads.company_id = lead_company.id
WHERE leads.status_id IN (__[POSTCOMPILE_status_id_1]) AND NOT (EXISTS (SELECT sales.id
FROM sales
WHERE sales.lead_id = leads.id)) AND coalesce(leads.country, lead_company.country) = ? AND leads.status_id = ? ORDER BY leads.status_since ASC, leads.id ASC
 LIMIT ? OFFSET ?
-- parameters:
--   coalesce_1 = 'NL'
--   param_1 = 50
--   param_2 = 0
--   status_id_1 = [3]
--   status_id_2 = 3

-- drill-down aggregate
SELECT count(*) AS n
FROM leads LEFT OUTER JOIN companies AS lead_company ON leads.company_id = lead_company.id
WHERE leads.status_id IN (__[POSTCOMPILE_status_id_1]) AND NOT (EXISTS (SELECT sales.id
FROM sales
WHERE sales.lead_id = leads.id)) AND coalesce(leads.country, lead_company.country) = ? AND leads.status_id = ?
-- parameters:
--   coalesce_1 = 'NL'
--   status_id_1 = [3]
--   status_id_2 = 3

-- ===== period all

-- records
SELECT leads.id AS id, leads.first_name AS first_name, leads.last_name AS last_name, leads.email AS email, lead_company.name AS company, leads.owner_id AS owner, coalesce(leads.country, lead_company.country) AS country, leads.status_id AS status, leads.created_at AS created_at, leads.status_since AS status_since, leads.anonymised_at IS NOT NULL AS erased
FROM leads LEFT OUTER JOIN companies AS lead_company ON leads.company_id = lead_company.id
WHERE leads.status_id IN (__[POSTCOMPILE_status_id_1]) AND NOT (EXISTS (SELECT sales.id
FROM sales
WHERE sales.lead_id = leads.id)) ORDER BY leads.status_since ASC, leads.id ASC
 LIMIT ? OFFSET ?
-- parameters:
--   param_1 = 100
--   param_2 = 0
--   status_id_1 = [3]

-- total
SELECT count(*) AS n
FROM leads
WHERE leads.status_id IN (__[POSTCOMPILE_status_id_1]) AND NOT (EXISTS (SELECT sales.id
FROM sales
WHERE sales.lead_id = leads.id))
-- parameters:
--   status_id_1 = [3]

-- drill-down records
SELECT leads.id AS id, leads.first_name AS first_name, leads.last_name AS last_name, leads.email AS email, lead_company.name AS company, leads.owner_id AS owner, coalesce(leads.country, lead_company.country) AS country, leads.status_id AS status, leads.created_at AS created_at, leads.status_since AS status_since, leads.anonymised_at IS NOT NULL AS erased
FROM leads LEFT OUTER JOIN companies AS lead_company ON leads.company_id = lead_company.id
WHERE leads.status_id IN (__[POSTCOMPILE_status_id_1]) AND NOT (EXISTS (SELECT sales.id
FROM sales
WHERE sales.lead_id = leads.id)) ORDER BY leads.status_since ASC, leads.id ASC
 LIMIT ? OFFSET ?
-- parameters:
--   param_1 = 50
--   param_2 = 0
--   status_id_1 = [3]

-- drill-down aggregate
SELECT count(*) AS n
FROM leads
WHERE leads.status_id IN (__[POSTCOMPILE_status_id_1]) AND NOT (EXISTS (SELECT sales.id
FROM sales
WHERE sales.lead_id = leads.id))
-- parameters:
--   status_id_1 = [3]
