-- sales / pipeline-by-close-month (sqlite, reference data: the defaults)

-- ===== no filter

-- main
SELECT CASE WHEN (sales.sale_date < ?) THEN ? WHEN (sales.sale_date < ?) THEN ? WHEN (sales.sale_date < ?) THEN ? WHEN (sales.sale_date < ?) THEN ? WHEN (sales.sale_date < ?) THEN ? WHEN (sales.sale_date < ?) THEN ? WHEN (sales.sale_date < ?) THEN ? WHEN (sales.sale_date < ?) THEN ? WHEN (sales.sale_date < ?) THEN ? WHEN (sales.sale_date < ?) THEN ? WHEN (sales.sale_date < ?) THEN ? WHEN (sales.sale_date < ?) THEN ? END AS k, sales.currency AS currency, count(*) AS n, sum(sales.amount_cents) AS cents
FROM sales
WHERE sales.status IN (__[POSTCOMPILE_status_1]) AND sales.sale_date >= ? AND sales.sale_date < ? GROUP BY CASE WHEN (sales.sale_date < ?) THEN ? WHEN (sales.sale_date < ?) THEN ? WHEN (sales.sale_date < ?) THEN ? WHEN (sales.sale_date < ?) THEN ? WHEN (sales.sale_date < ?) THEN ? WHEN (sales.sale_date < ?) THEN ? WHEN (sales.sale_date < ?) THEN ? WHEN (sales.sale_date < ?) THEN ? WHEN (sales.sale_date < ?) THEN ? WHEN (sales.sale_date < ?) THEN ? WHEN (sales.sale_date < ?) THEN ? WHEN (sales.sale_date < ?) THEN ? END, sales.currency
-- parameters:
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
--   sale_date_1 = datetime.datetime(2026, 11, 30, 23, 0)
--   sale_date_10 = datetime.datetime(2027, 8, 31, 22, 0)
--   sale_date_11 = datetime.datetime(2027, 9, 30, 22, 0)
--   sale_date_12 = datetime.datetime(2027, 10, 31, 23, 0)
--   sale_date_13 = datetime.datetime(2026, 10, 31, 23, 0)
--   sale_date_14 = datetime.datetime(2027, 10, 31, 23, 0)
--   sale_date_2 = datetime.datetime(2026, 12, 31, 23, 0)
--   sale_date_3 = datetime.datetime(2027, 1, 31, 23, 0)
--   sale_date_4 = datetime.datetime(2027, 2, 28, 23, 0)
--   sale_date_5 = datetime.datetime(2027, 3, 31, 22, 0)
--   sale_date_6 = datetime.datetime(2027, 4, 30, 22, 0)
--   sale_date_7 = datetime.datetime(2027, 5, 31, 22, 0)
--   sale_date_8 = datetime.datetime(2027, 6, 30, 22, 0)
--   sale_date_9 = datetime.datetime(2027, 7, 31, 22, 0)
--   status_1 = ['open']

-- drill-down records
SELECT sales.id AS id, sales.title AS title, coalesce(sale_company.name, lead_company.name) AS company, sales.owner_id AS owner, sales.status AS status, sales.amount_cents AS amount, sales.currency AS currency, sales.sale_date AS sale_date, sales.lead_id AS lead_id, trim(coalesce(leads.first_name, ?) || ? || coalesce(leads.last_name, ?)) AS lead_name, leads.anonymised_at IS NOT NULL AS lead_erased
FROM sales LEFT OUTER JOIN leads ON sales.lead_id = leads.id LEFT OUTER JOIN companies AS lead_company ON leads.company_id = lead_company.id LEFT OUTER JOIN companies AS sale_company ON sales.company_id = sale_company.id
WHERE sales.status IN (__[POSTCOMPILE_status_1]) AND sales.sale_date >= ? AND sales.sale_date < ? AND sales.sale_date >= ? AND sales.sale_date < ? ORDER BY sales.sale_date DESC, sales.id ASC
 LIMIT ? OFFSET ?
-- parameters:
--   coalesce_1 = ''
--   coalesce_2 = ' '
--   coalesce_3 = ''
--   param_1 = 50
--   param_2 = 0
--   sale_date_1 = datetime.datetime(2026, 10, 31, 23, 0)
--   sale_date_2 = datetime.datetime(2027, 10, 31, 23, 0)
--   sale_date_3 = datetime.datetime(2026, 10, 31, 23, 0)
--   sale_date_4 = datetime.datetime(2026, 11, 30, 23, 0)
--   status_1 = ['open']

-- drill-down aggregate
SELECT count(*) AS n, sum(sales.amount_cents) AS cents, sales.currency AS currency
FROM sales
WHERE sales.status IN (__[POSTCOMPILE_status_1]) AND sales.sale_date >= ? AND sales.sale_date < ? AND sales.sale_date >= ? AND sales.sale_date < ? GROUP BY sales.currency
-- parameters:
--   sale_date_1 = datetime.datetime(2026, 10, 31, 23, 0)
--   sale_date_2 = datetime.datetime(2027, 10, 31, 23, 0)
--   sale_date_3 = datetime.datetime(2026, 10, 31, 23, 0)
--   sale_date_4 = datetime.datetime(2026, 11, 30, 23, 0)
--   status_1 = ['open']

-- ===== country nl, status qualified, period previous-quarter

-- main
SELECT CASE WHEN (sales.sale_date < ?) THEN ? WHEN (sales.sale_date < ?) THEN ? WHEN (sales.sale_date < ?) THEN ? END AS k, sales.currency AS currency, count(*) AS n, sum(sales.amount_cents) AS cents
FROM sales LEFT OUTER JOIN leads ON sales.lead_id = leads.id LEFT OUTER JOIN companies AS lead_company ON leads.company_id = lead_company.id LEFT OUTER JOIN companies AS sale_company ON sales.company_id = sale_company.id
WHERE sales.status IN (__[POSTCOMPILE_status_1]) AND coalesce(leads.country, lead_company.country, sale_company.country) = ? AND leads.status_id = ? AND sales.sale_date >= ? AND sales.sale_date < ? GROUP BY CASE WHEN (sales.sale_date < ?) THEN ? WHEN (sales.sale_date < ?) THEN ? WHEN (sales.sale_date < ?) THEN ? END, sales.currency
-- parameters:
--   coalesce_1 = 'NL'
--   param_1 = 0
--   param_2 = 1
--   param_3 = 2
--   sale_date_1 = datetime.datetime(2026, 7, 31, 22, 0)
--   sale_date_2 = datetime.datetime(2026, 8, 31, 22, 0)
--   sale_date_3 = datetime.datetime(2026, 9, 30, 22, 0)
--   sale_date_4 = datetime.datetime(2026, 6, 30, 22, 0)
--   sale_date_5 = datetime.datetime(2026, 9, 30, 22, 0)
--   status_1 = ['open']
--   status_id_1 = 3

-- drill-down records
SELECT sales.id AS id, sales.title AS title, coalesce(sale_company.name, lead_company.name) AS company, sales.owner_id AS owner, sales.status AS status, sales.amount_cents AS amount, sales.currency AS currency, sales.sale_date AS sale_date, sales.lead_id AS lead_id, trim(coalesce(leads.first_name, ?) || ? || coalesce(leads.last_name, ?)) AS lead_name, leads.anonymised_at IS NOT NULL AS lead_erased
FROM sales LEFT OUTER JOIN leads ON sales.lead_id = leads.id LEFT OUTER JOIN companies AS lead_company ON leads.company_id = lead_company.id LEFT OUTER JOIN companies AS sale_company ON sales.company_id = sale_company.id
WHERE sales.status IN (__[POSTCOMPILE_status_1]) AND coalesce(leads.country, lead_company.country, sale_company.country) = ? AND leads.status_id = ? AND sales.sale_date >= ? AND sales.sale_date < ? AND sales.sale_date >= ? AND sales.sale_date < ? ORDER BY sales.sale_date DESC, sales.id ASC
 LIMIT ? OFFSET ?
-- parameters:
--   coalesce_1 = ''
--   coalesce_2 = ' '
--   coalesce_3 = ''
--   coalesce_4 = 'NL'
--   param_1 = 50
--   param_2 = 0
--   sale_date_1 = datetime.datetime(2026, 6, 30, 22, 0)
--   sale_date_2 = datetime.datetime(2026, 9, 30, 22, 0)
--   sale_date_3 = datetime.datetime(2026, 6, 30, 22, 0)
--   sale_date_4 = datetime.datetime(2026, 7, 31, 22, 0)
--   status_1 = ['open']
--   status_id_1 = 3

-- drill-down aggregate
SELECT count(*) AS n, sum(sales.amount_cents) AS cents, sales.currency AS currency
FROM sales LEFT OUTER JOIN leads ON sales.lead_id = leads.id LEFT OUTER JOIN companies AS lead_company ON leads.company_id = lead_company.id LEFT OUTER JOIN companies AS sale_company ON sales.company_id = sale_company.id
WHERE sales.status IN (__[POSTCOMPILE_status_1]) AND coalesce(leads.country, lead_company.country, sale_company.country) = ? AND leads.status_id = ? AND sales.sale_date >= ? AND sales.sale_date < ? AND sales.sale_date >= ? AND sales.sale_date < ? GROUP BY sales.currency
-- parameters:
--   coalesce_1 = 'NL'
--   sale_date_1 = datetime.datetime(2026, 6, 30, 22, 0)
--   sale_date_2 = datetime.datetime(2026, 9, 30, 22, 0)
--   sale_date_3 = datetime.datetime(2026, 6, 30, 22, 0)
--   sale_date_4 = datetime.datetime(2026, 7, 31, 22, 0)
--   status_1 = ['open']
--   status_id_1 = 3

-- ===== period all

-- span
SELECT min(sales.sale_date) AS first, max(sales.sale_date) AS last
FROM sales
WHERE sales.status IN (__[POSTCOMPILE_status_1]) AND 1 = 1
-- parameters:
--   status_1 = ['open']
