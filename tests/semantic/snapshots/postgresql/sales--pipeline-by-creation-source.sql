-- sales / pipeline-by-creation-source (postgresql, reference data: the defaults)

-- ===== no filter

-- main
SELECT leads.creation_source AS k, sales.currency AS currency, count(*) AS n, sum(sales.amount_cents) AS cents
FROM sales LEFT OUTER JOIN leads ON sales.lead_id = leads.id
WHERE sales.status IN (__[POSTCOMPILE_status_1]) GROUP BY leads.creation_source, sales.currency
-- parameters:
--   status_1 = ['open']

-- drill-down records
SELECT sales.id AS id, sales.title AS title, coalesce(sale_company.name, lead_company.name) AS company, sales.owner_id AS owner, sales.status AS status, sales.amount_cents AS amount, sales.currency AS currency, sales.sale_date AS sale_date, sales.lead_id AS lead_id, trim(coalesce(leads.first_name, %(coalesce_1)s::VARCHAR) || %(coalesce_2)s::VARCHAR || coalesce(leads.last_name, %(coalesce_3)s::VARCHAR)) AS lead_name, leads.anonymised_at IS NOT NULL AS lead_erased
FROM sales LEFT OUTER JOIN leads ON sales.lead_id = leads.id LEFT OUTER JOIN companies AS lead_company ON leads.company_id = lead_company.id LEFT OUTER JOIN companies AS sale_company ON sales.company_id = sale_company.id
WHERE sales.status IN (__[POSTCOMPILE_status_1]) AND leads.creation_source IS NULL ORDER BY sales.sale_date DESC, sales.id ASC
 LIMIT %(param_1)s::INTEGER OFFSET %(param_2)s::INTEGER
-- parameters:
--   coalesce_1 = ''
--   coalesce_2 = ' '
--   coalesce_3 = ''
--   param_1 = 50
--   param_2 = 0
--   status_1 = ['open']

-- drill-down aggregate
SELECT count(*) AS n, sum(sales.amount_cents) AS cents, sales.currency AS currency
FROM sales LEFT OUTER JOIN leads ON sales.lead_id = leads.id
WHERE sales.status IN (__[POSTCOMPILE_status_1]) AND leads.creation_source IS NULL GROUP BY sales.currency
-- parameters:
--   status_1 = ['open']

-- ===== country nl, status qualified, period previous-quarter

-- main
SELECT leads.creation_source AS k, sales.currency AS currency, count(*) AS n, sum(sales.amount_cents) AS cents
FROM sales LEFT OUTER JOIN leads ON sales.lead_id = leads.id LEFT OUTER JOIN companies AS lead_company ON leads.company_id = lead_company.id LEFT OUTER JOIN companies AS sale_company ON sales.company_id = sale_company.id
WHERE sales.status IN (__[POSTCOMPILE_status_1]) AND coalesce(leads.country, lead_company.country, sale_company.country) = %(coalesce_1)s::VARCHAR AND leads.status_id = %(status_id_1)s::INTEGER GROUP BY leads.creation_source, sales.currency
-- parameters:
--   coalesce_1 = 'NL'
--   status_1 = ['open']
--   status_id_1 = 3

-- drill-down records
SELECT sales.id AS id, sales.title AS title, coalesce(sale_company.name, lead_company.name) AS company, sales.owner_id AS owner, sales.status AS status, sales.amount_cents AS amount, sales.currency AS currency, sales.sale_date AS sale_date, sales.lead_id AS lead_id, trim(coalesce(leads.first_name, %(coalesce_1)s::VARCHAR) || %(coalesce_2)s::VARCHAR || coalesce(leads.last_name, %(coalesce_3)s::VARCHAR)) AS lead_name, leads.anonymised_at IS NOT NULL AS lead_erased
FROM sales LEFT OUTER JOIN leads ON sales.lead_id = leads.id LEFT OUTER JOIN companies AS lead_company ON leads.company_id = lead_company.id LEFT OUTER JOIN companies AS sale_company ON sales.company_id = sale_company.id
WHERE sales.status IN (__[POSTCOMPILE_status_1]) AND coalesce(leads.country, lead_company.country, sale_company.country) = %(coalesce_4)s::VARCHAR AND leads.status_id = %(status_id_1)s::INTEGER AND leads.creation_source IS NULL ORDER BY sales.sale_date DESC, sales.id ASC
 LIMIT %(param_1)s::INTEGER OFFSET %(param_2)s::INTEGER
-- parameters:
--   coalesce_1 = ''
--   coalesce_2 = ' '
--   coalesce_3 = ''
--   coalesce_4 = 'NL'
--   param_1 = 50
--   param_2 = 0
--   status_1 = ['open']
--   status_id_1 = 3

-- drill-down aggregate
SELECT count(*) AS n, sum(sales.amount_cents) AS cents, sales.currency AS currency
FROM sales LEFT OUTER JOIN leads ON sales.lead_id = leads.id LEFT OUTER JOIN companies AS lead_company ON leads.company_id = lead_company.id LEFT OUTER JOIN companies AS sale_company ON sales.company_id = sale_company.id
WHERE sales.status IN (__[POSTCOMPILE_status_1]) AND coalesce(leads.country, lead_company.country, sale_company.country) = %(coalesce_1)s::VARCHAR AND leads.status_id = %(status_id_1)s::INTEGER AND leads.creation_source IS NULL GROUP BY sales.currency
-- parameters:
--   coalesce_1 = 'NL'
--   status_1 = ['open']
--   status_id_1 = 3

-- ===== period all

-- main
SELECT leads.creation_source AS k, sales.currency AS currency, count(*) AS n, sum(sales.amount_cents) AS cents
FROM sales LEFT OUTER JOIN leads ON sales.lead_id = leads.id
WHERE sales.status IN (__[POSTCOMPILE_status_1]) GROUP BY leads.creation_source, sales.currency
-- parameters:
--   status_1 = ['open']

-- drill-down records
SELECT sales.id AS id, sales.title AS title, coalesce(sale_company.name, lead_company.name) AS company, sales.owner_id AS owner, sales.status AS status, sales.amount_cents AS amount, sales.currency AS currency, sales.sale_date AS sale_date, sales.lead_id AS lead_id, trim(coalesce(leads.first_name, %(coalesce_1)s::VARCHAR) || %(coalesce_2)s::VARCHAR || coalesce(leads.last_name, %(coalesce_3)s::VARCHAR)) AS lead_name, leads.anonymised_at IS NOT NULL AS lead_erased
FROM sales LEFT OUTER JOIN leads ON sales.lead_id = leads.id LEFT OUTER JOIN companies AS lead_company ON leads.company_id = lead_company.id LEFT OUTER JOIN companies AS sale_company ON sales.company_id = sale_company.id
WHERE sales.status IN (__[POSTCOMPILE_status_1]) AND leads.creation_source IS NULL ORDER BY sales.sale_date DESC, sales.id ASC
 LIMIT %(param_1)s::INTEGER OFFSET %(param_2)s::INTEGER
-- parameters:
--   coalesce_1 = ''
--   coalesce_2 = ' '
--   coalesce_3 = ''
--   param_1 = 50
--   param_2 = 0
--   status_1 = ['open']

-- drill-down aggregate
SELECT count(*) AS n, sum(sales.amount_cents) AS cents, sales.currency AS currency
FROM sales LEFT OUTER JOIN leads ON sales.lead_id = leads.id
WHERE sales.status IN (__[POSTCOMPILE_status_1]) AND leads.creation_source IS NULL GROUP BY sales.currency
-- parameters:
--   status_1 = ['open']
