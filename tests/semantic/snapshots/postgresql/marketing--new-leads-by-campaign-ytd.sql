-- marketing / new-leads-by-campaign-ytd (postgresql, reference data: the defaults)

-- ===== no filter

-- main
SELECT leads.lc_campaign AS k, count(*) AS n
FROM leads
WHERE leads.created_at >= %(created_at_1)s::TIMESTAMP WITHOUT TIME ZONE AND leads.created_at < %(created_at_2)s::TIMESTAMP WITHOUT TIME ZONE GROUP BY leads.lc_campaign
-- parameters:
--   created_at_1 = datetime.datetime(2025, 12, 31, 23, 0)
--   created_at_2 = datetime.datetime(2026, 11, 27, 23, 0)

-- drill-down records
SELECT leads.id AS id, leads.first_name AS first_name, leads.last_name AS last_name, leads.email AS email, lead_company.name AS company, leads.owner_id AS owner, coalesce(leads.country, lead_company.country) AS country, leads.status_id AS status, leads.created_at AS created_at, leads.status_since AS status_since, leads.anonymised_at IS NOT NULL AS erased
FROM leads LEFT OUTER JOIN companies AS lead_company ON leads.company_id = lead_company.id
WHERE leads.created_at >= %(created_at_1)s::TIMESTAMP WITHOUT TIME ZONE AND leads.created_at < %(created_at_2)s::TIMESTAMP WITHOUT TIME ZONE AND leads.lc_campaign IS NOT NULL AND (leads.lc_campaign NOT IN (__[POSTCOMPILE_lc_campaign_1])) ORDER BY leads.created_at DESC, leads.id ASC
 LIMIT %(param_1)s::INTEGER OFFSET %(param_2)s::INTEGER
-- parameters:
--   created_at_1 = datetime.datetime(2025, 12, 31, 23, 0)
--   created_at_2 = datetime.datetime(2026, 11, 27, 23, 0)
--   lc_campaign_1 = []
--   param_1 = 50
--   param_2 = 0

-- drill-down aggregate
SELECT count(*) AS n
FROM leads
WHERE leads.created_at >= %(created_at_1)s::TIMESTAMP WITHOUT TIME ZONE AND leads.created_at < %(created_at_2)s::TIMESTAMP WITHOUT TIME ZONE AND leads.lc_campaign IS NOT NULL AND (leads.lc_campaign NOT IN (__[POSTCOMPILE_lc_campaign_1]))
-- parameters:
--   created_at_1 = datetime.datetime(2025, 12, 31, 23, 0)
--   created_at_2 = datetime.datetime(2026, 11, 27, 23, 0)
--   lc_campaign_1 = []

-- ===== country nl, status qualified, period previous-quarter

-- main
SELECT leads.lc_campaign AS k, count(*) AS n
FROM leads LEFT OUTER JOIN companies AS lead_company ON leads.company_id = lead_company.id
WHERE coalesce(leads.country, lead_company.country) = %(coalesce_1)s::VARCHAR AND leads.status_id = %(status_id_1)s::INTEGER AND leads.created_at >= %(created_at_1)s::TIMESTAMP WITHOUT TIME ZONE AND leads.created_at < %(created_at_2)s::TIMESTAMP WITHOUT TIME ZONE GROUP BY leads.lc_campaign
-- parameters:
--   coalesce_1 = 'NL'
--   created_at_1 = datetime.datetime(2026, 6, 30, 22, 0)
--   created_at_2 = datetime.datetime(2026, 9, 30, 22, 0)
--   status_id_1 = 3

-- drill-down records
SELECT leads.id AS id, leads.first_name AS first_name, leads.last_name AS last_name, leads.email AS email, lead_company.name AS company, leads.owner_id AS owner, coalesce(leads.country, lead_company.country) AS country, leads.status_id AS status, leads.created_at AS created_at, leads.status_since AS status_since, leads.anonymised_at IS NOT NULL AS erased
FROM leads LEFT OUTER JOIN companies AS lead_company ON leads.company_id = lead_company.id
WHERE coalesce(leads.country, lead_company.country) = %(coalesce_1)s::VARCHAR AND leads.status_id = %(status_id_1)s::INTEGER AND leads.created_at >= %(created_at_1)s::TIMESTAMP WITHOUT TIME ZONE AND leads.created_at < %(created_at_2)s::TIMESTAMP WITHOUT TIME ZONE AND leads.lc_campaign IS NOT NULL AND (leads.lc_campaign NOT IN (__[POSTCOMPILE_lc_campaign_1])) ORDER BY leads.created_at DESC, leads.id ASC
 LIMIT %(param_1)s::INTEGER OFFSET %(param_2)s::INTEGER
-- parameters:
--   coalesce_1 = 'NL'
--   created_at_1 = datetime.datetime(2026, 6, 30, 22, 0)
--   created_at_2 = datetime.datetime(2026, 9, 30, 22, 0)
--   lc_campaign_1 = []
--   param_1 = 50
--   param_2 = 0
--   status_id_1 = 3

-- drill-down aggregate
SELECT count(*) AS n
FROM leads LEFT OUTER JOIN companies AS lead_company ON leads.company_id = lead_company.id
WHERE coalesce(leads.country, lead_company.country) = %(coalesce_1)s::VARCHAR AND leads.status_id = %(status_id_1)s::INTEGER AND leads.created_at >= %(created_at_1)s::TIMESTAMP WITHOUT TIME ZONE AND leads.created_at < %(created_at_2)s::TIMESTAMP WITHOUT TIME ZONE AND leads.lc_campaign IS NOT NULL AND (leads.lc_campaign NOT IN (__[POSTCOMPILE_lc_campaign_1]))
-- parameters:
--   coalesce_1 = 'NL'
--   created_at_1 = datetime.datetime(2026, 6, 30, 22, 0)
--   created_at_2 = datetime.datetime(2026, 9, 30, 22, 0)
--   lc_campaign_1 = []
--   status_id_1 = 3

-- ===== period all

-- main
SELECT leads.lc_campaign AS k, count(*) AS n
FROM leads
WHERE true GROUP BY leads.lc_campaign
-- parameters:

-- drill-down records
SELECT leads.id AS id, leads.first_name AS first_name, leads.last_name AS last_name, leads.email AS email, lead_company.name AS company, leads.owner_id AS owner, coalesce(leads.country, lead_company.country) AS country, leads.status_id AS status, leads.created_at AS created_at, leads.status_since AS status_since, leads.anonymised_at IS NOT NULL AS erased
FROM leads LEFT OUTER JOIN companies AS lead_company ON leads.company_id = lead_company.id
WHERE true AND leads.lc_campaign IS NOT NULL AND (leads.lc_campaign NOT IN (__[POSTCOMPILE_lc_campaign_1])) ORDER BY leads.created_at DESC, leads.id ASC
 LIMIT %(param_1)s::INTEGER OFFSET %(param_2)s::INTEGER
-- parameters:
--   lc_campaign_1 = []
--   param_1 = 50
--   param_2 = 0

-- drill-down aggregate
SELECT count(*) AS n
FROM leads
WHERE true AND leads.lc_campaign IS NOT NULL AND (leads.lc_campaign NOT IN (__[POSTCOMPILE_lc_campaign_1]))
-- parameters:
--   lc_campaign_1 = []
