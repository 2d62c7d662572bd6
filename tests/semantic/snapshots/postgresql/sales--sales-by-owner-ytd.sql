-- sales / sales-by-owner-ytd (postgresql, reference data: the defaults)

-- ===== no filter

-- main
SELECT sales.owner_id AS k, sales.currency AS currency, count(*) AS n, sum(sales.amount_cents) AS cents
FROM sales
WHERE sales.status IN (__[POSTCOMPILE_status_1]) AND sales.sale_date >= %(sale_date_1)s::TIMESTAMP WITHOUT TIME ZONE AND sales.sale_date < %(sale_date_2)s::TIMESTAMP WITHOUT TIME ZONE GROUP BY sales.owner_id, sales.currency
-- parameters:
--   sale_date_1 = datetime.datetime(2025, 12, 31, 23, 0)
--   sale_date_2 = datetime.datetime(2026, 11, 27, 23, 0)
--   status_1 = ['sold']

-- drill-down records
SELECT sales.id AS id, sales.title AS title, coalesce(sale_company.name, lead_company.name) AS company, sales.owner_id AS owner, sales.status AS status, sales.amount_cents AS amount, sales.currency AS currency, sales.sale_date AS sale_date, sales.lead_id AS lead_id, trim(coalesce(leads.first_name, %(coalesce_1)s::VARCHAR) || %(coalesce_2)s::VARCHAR || coalesce(leads.last_name, %(coalesce_3)s::VARCHAR)) AS lead_name, leads.anonymised_at IS NOT NULL AS lead_erased
FROM sales LEFT OUTER JOIN leads ON sales.lead_id = leads.id LEFT OUTER JOIN companies AS lead_company ON leads.company_id = lead_company.id LEFT OUTER JOIN companies AS sale_company ON sales.company_id = sale_company.id
WHERE sales.status IN (__[POSTCOMPILE_status_1]) AND sales.sale_date >= %(sale_date_1)s::TIMESTAMP WITHOUT TIME ZONE AND sales.sale_date < %(sale_date_2)s::TIMESTAMP WITHOUT TIME ZONE AND sales.owner_id IS NULL ORDER BY sales.sale_date DESC, sales.id ASC
 LIMIT %(param_1)s::INTEGER OFFSET %(param_2)s::INTEGER
-- parameters:
--   coalesce_1 = ''
--   coalesce_2 = ' '
--   coalesce_3 = ''
--   param_1 = 50
--   param_2 = 0
--   sale_date_1 = datetime.datetime(2025, 12, 31, 23, 0)
--   sale_date_2 = datetime.datetime(2026, 11, 27, 23, 0)
--   status_1 = ['sold']

-- drill-down aggregate
SELECT count(*) AS n, sum(sales.amount_cents) AS cents, sales.currency AS currency
FROM sales
WHERE sales.status IN (__[POSTCOMPILE_status_1]) AND sales.sale_date >= %(sale_date_1)s::TIMESTAMP WITHOUT TIME ZONE AND sales.sale_date < %(sale_date_2)s::TIMESTAMP WITHOUT TIME ZONE AND sales.owner_id IS NULL GROUP BY sales.currency
-- parameters:
--   sale_date_1 = datetime.datetime(2025, 12, 31, 23, 0)
--   sale_date_2 = datetime.datetime(2026, 11, 27, 23, 0)
--   status_1 = ['sold']

-- ===== country nl, status qualified, period previous-quarter

-- main
SELECT sales.owner_id AS k, sales.currency AS currency, count(*) AS n, sum(sales.amount_cents) AS cents
FROM sales LEFT OUTER JOIN leads ON sales.lead_id = leads.id LEFT OUTER JOIN companies AS lead_company ON leads.company_id = lead_company.id LEFT OUTER JOIN companies AS sale_company ON sales.company_id = sale_company.id
WHERE sales.status IN (__[POSTCOMPILE_status_1]) AND coalesce(leads.country, lead_company.country, sale_company.country) = %(coalesce_1)s::VARCHAR AND leads.status_id = %(status_id_1)s::INTEGER AND sales.sale_date >= %(sale_date_1)s::TIMESTAMP WITHOUT TIME ZONE AND sales.sale_date < %(sale_date_2)s::TIMESTAMP WITHOUT TIME ZONE GROUP BY sales.owner_id, sales.currency
-- parameters:
--   coalesce_1 = 'NL'
--   sale_date_1 = datetime.datetime(2026, 6, 30, 22, 0)
--   sale_date_2 = datetime.datetime(2026, 9, 30, 22, 0)
--   status_1 = ['sold']
--   status_id_1 = 3

-- drill-down records
SELECT sales.id AS id, sales.title AS title, coalesce(sale_company.name, lead_company.name) AS company, sales.owner_id AS owner, sales.status AS status, sales.amount_cents AS amount, sales.currency AS currency, sales.sale_date AS sale_date, sales.lead_id AS lead_id, trim(coalesce(leads.first_name, %(coalesce_1)s::VARCHAR) || %(coalesce_2)s::VARCHAR || coalesce(leads.last_name, %(coalesce_3)s::VARCHAR)) AS lead_name, leads.anonymised_at IS NOT NULL AS lead_erased
FROM sales LEFT OUTER JOIN leads ON sales.lead_id = leads.id LEFT OUTER JOIN companies AS lead_company ON leads.company_id = lead_company.id LEFT OUTER JOIN companies AS sale_company ON sales.company_id = sale_company.id
WHERE sales.status IN (__[POSTCOMPILE_status_1]) AND coalesce(leads.country, lead_company.country, sale_company.country) = %(coalesce_4)s::VARCHAR AND leads.status_id = %(status_id_1)s::INTEGER AND sales.sale_date >= %(sale_date_1)s::TIMESTAMP WITHOUT TIME ZONE AND sales.sale_date < %(sale_date_2)s::TIMESTAMP WITHOUT TIME ZONE AND sales.owner_id IS NULL ORDER BY sales.sale_date DESC, sales.id ASC
 LIMIT %(param_1)s::INTEGER OFFSET %(param_2)s::INTEGER
-- parameters:
--   coalesce_1 = ''
--   coalesce_2 = ' '
--   coalesce_3 = ''
--   coalesce_4 = 'NL'
--   param_1 = 50
--   param_2 = 0
--   sale_date_1 = datetime.datetime(2026, 6, 30, 22, 0)
--   sale_date_2 = datetime.datetime(2026, 9, 30, 22, 0)
--   status_1 = ['sold']
--   status_id_1 = 3

-- drill-down aggregate
SELECT count(*) AS n, sum(sales.amount_cents) AS cents, sales.currency AS currency
FROM sales LEFT OUTER JOIN leads ON sales.lead_id = leads.id LEFT OUTER JOIN companies AS lead_company ON leads.company_id = lead_company.id LEFT OUTER JOIN companies AS sale_company ON sales.company_id = sale_company.id
WHERE sales.status IN (__[POSTCOMPILE_status_1]) AND coalesce(leads.country, lead_company.country, sale_company.country) = %(coalesce_1)s::VARCHAR AND leads.status_id = %(status_id_1)s::INTEGER AND sales.sale_date >= %(sale_date_1)s::TIMESTAMP WITHOUT TIME ZONE AND sales.sale_date < %(sale_date_2)s::TIMESTAMP WITHOUT TIME ZONE AND sales.owner_id IS NULL GROUP BY sales.currency
-- parameters:
--   coalesce_1 = 'NL'
--   sale_date_1 = datetime.datetime(2026, 6, 30, 22, 0)
--   sale_date_2 = datetime.datetime(2026, 9, 30, 22, 0)
--   status_1 = ['sold']
--   status_id_1 = 3

-- ===== period all

-- main
SELECT sales.owner_id AS k, sales.currency AS currency, count(*) AS n, sum(sales.amount_cents) AS cents
FROM sales
WHERE sales.status IN (__[POSTCOMPILE_status_1]) AND true GROUP BY sales.owner_id, sales.currency
-- parameters:
--   status_1 = ['sold']

-- drill-down records
SELECT sales.id AS id, sales.title AS title, coalesce(sale_company.name, lead_company.name) AS company, sales.owner_id AS owner, sales.status AS status, sales.amount_cents AS amount, sales.currency AS currency, sales.sale_date AS sale_date, sales.lead_id AS lead_id, trim(coalesce(leads.first_name, %(coalesce_1)s::VARCHAR) || %(coalesce_2)s::VARCHAR || coalesce(leads.last_name, %(coalesce_3)s::VARCHAR)) AS lead_name, leads.anonymised_at IS NOT NULL AS lead_erased
FROM sales LEFT OUTER JOIN leads ON sales.lead_id = leads.id LEFT OUTER JOIN companies AS lead_company ON leads.company_id = lead_company.id LEFT OUTER JOIN companies AS sale_company ON sales.company_id = sale_company.id
WHERE sales.status IN (__[POSTCOMPILE_status_1]) AND true AND sales.owner_id IS NULL ORDER BY sales.sale_date DESC, sales.id ASC
 LIMIT %(param_1)s::INTEGER OFFSET %(param_2)s::INTEGER
-- parameters:
--   coalesce_1 = ''
--   coalesce_2 = ' '
--   coalesce_3 = ''
--   param_1 = 50
--   param_2 = 0
--   status_1 = ['sold']

-- drill-down aggregate
SELECT count(*) AS n, sum(sales.amount_cents) AS cents, sales.currency AS currency
FROM sales
WHERE sales.status IN (__[POSTCOMPILE_status_1]) AND true AND sales.owner_id IS NULL GROUP BY sales.currency
-- parameters:
--   status_1 = ['sold']
