/**
 * The demo warehouse: a small shop in the schema `demo`, generated in SQL (generate_series) so 120k
 * orders take about a second. Deterministic: every random choice is a hash of (stream, row number),
 * not random(), so the data does not depend on row order or parallel workers and is the same on
 * every machine. Bump DEMO_DATA_VERSION when the data or the explores change: the next start
 * regenerates both.
 */
export const DEMO_DATA_VERSION = 1;
export const DEMO_SCHEMA = 'demo';
export const DEMO_COUNTS = { products: 120, customers: 15_000, orders: 120_000 } as const;

/** u(stream, i): a uniform number in [0, 1) from a hash; inlined by the planner (IMMUTABLE SQL). */
// hashint8extended is the hash of hash partitioning, which PostgreSQL keeps stable across versions
const UNIFORM = `CREATE FUNCTION pg_temp.u(stream int, i bigint) RETURNS double precision
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT (hashint8extended(i, stream) & 4294967295)::double precision / 4294967296 $$`;

/** Statements run in order, in one transaction, by the superuser of the embedded database. */
export function demoDataStatements(): string[] {
  const { products, customers, orders } = DEMO_COUNTS;
  return [
    `DROP SCHEMA IF EXISTS ${DEMO_SCHEMA} CASCADE`,
    `CREATE SCHEMA ${DEMO_SCHEMA}`,
    UNIFORM,
    `CREATE TABLE demo.products (
       product_id int PRIMARY KEY,
       name text NOT NULL,
       category text NOT NULL,
       price numeric(10, 2) NOT NULL,
       launched_on date NOT NULL)`,
    `INSERT INTO demo.products
     SELECT i,
            (ARRAY['Classic','Urban','Trail','Studio','Coastal','Nordic','Vintage','Pro'])[1 + (i % 8)] || ' ' ||
              (ARRAY['Mug','Backpack','Lamp','Sneakers','Jacket','Notebook','Headphones','Bottle','Scarf','Chair','Watch','Plant pot'])[1 + (i / 8) % 12] ||
              ' ' || (i / 96 + 1),
            (ARRAY['Kitchen','Bags','Home','Shoes','Clothing','Stationery','Electronics','Kitchen','Clothing','Home','Accessories','Garden'])[1 + (i / 8) % 12],
            round((5 + 195 * pg_temp.u(1, i) ^ 2)::numeric, 2),
            date '2021-01-01' + (pg_temp.u(2, i) * 1000)::int
     FROM generate_series(0, ${products - 1}) AS i`,
    `CREATE TABLE demo.customers (
       customer_id int PRIMARY KEY,
       first_name text NOT NULL,
       last_name text NOT NULL,
       email text NOT NULL,
       country text NOT NULL,
       created_at timestamptz NOT NULL,
       is_subscribed boolean NOT NULL)`,
    `INSERT INTO demo.customers
     SELECT i, f, l, lower(f) || '.' || lower(l) || i || '@example.com', c, t, pg_temp.u(13, i) < 0.35
     FROM generate_series(1, ${customers}) AS i,
          LATERAL (SELECT (ARRAY['Ada','Alan','Grace','Linus','Margaret','Ken','Barbara','Dennis','Frances','Edsger','Katherine','John','Hedy','Tim','Radia','Guido'])[1 + floor(pg_temp.u(10, i) * 16)::int] AS f,
                          (ARRAY['Lovelace','Turing','Hopper','Torvalds','Hamilton','Thompson','Liskov','Ritchie','Allen','Dijkstra','Johnson','Backus','Lamarr','Berners-Lee','Perlman','van Rossum'])[1 + floor(pg_temp.u(11, i) * 16)::int] AS l,
                          (ARRAY['United Kingdom','United States','Germany','France','Spain','Netherlands','Sweden','Japan','Brazil','Canada'])[1 + floor(pg_temp.u(12, i) ^ 1.6 * 10)::int] AS c,
                          timestamptz '2022-01-01 00:00+00' + (pg_temp.u(14, i) * 730 * 86400) * interval '1 second' AS t) AS x`,
    // orders: customers order more over time (sqrt of a uniform skews towards recent dates); a
    // quarter of the customers place most orders
    `CREATE TABLE demo.orders (
       order_id int PRIMARY KEY,
       customer_id int NOT NULL,
       product_id int NOT NULL,
       ordered_at timestamptz NOT NULL,
       status text NOT NULL,
       quantity int NOT NULL,
       amount numeric(12, 2) NOT NULL)`,
    `INSERT INTO demo.orders
     SELECT i, cust, prod, at,
            CASE WHEN at > timestamptz '2026-06-20 00:00+00' AND s < 0.5 THEN 'placed'
                 WHEN at > timestamptz '2026-06-10 00:00+00' AND s < 0.8 THEN 'shipped'
                 WHEN s < 0.04 THEN 'returned'
                 WHEN s < 0.05 THEN 'return_pending'
                 ELSE 'completed' END,
            qty, round(p.price * qty * (1 - CASE WHEN pg_temp.u(25, i) < 0.2 THEN 0.1 ELSE 0 END), 2)
     FROM generate_series(1, ${orders}) AS i,
          LATERAL (SELECT CASE WHEN pg_temp.u(20, i) < 0.6 THEN 1 + floor(pg_temp.u(21, i) * ${Math.floor(customers / 4)})::int
                               ELSE 1 + floor(pg_temp.u(21, i) * ${customers})::int END AS cust,
                          floor(pg_temp.u(22, i) ^ 1.5 * ${products})::int AS prod,
                          timestamptz '2024-01-01 00:00+00' + (sqrt(pg_temp.u(23, i)) * 912 * 86400) * interval '1 second' AS at,
                          pg_temp.u(24, i) AS s,
                          1 + floor(pg_temp.u(26, i) ^ 3 * 4)::int AS qty) AS x
          JOIN demo.products p ON p.product_id = x.prod`,
    // one payment per order not merely placed; a few orders split over two methods
    `CREATE TABLE demo.payments (
       payment_id int PRIMARY KEY,
       order_id int NOT NULL,
       payment_method text NOT NULL,
       amount numeric(12, 2) NOT NULL,
       paid_at timestamptz NOT NULL,
       is_refunded boolean NOT NULL)`,
    `INSERT INTO demo.payments
     SELECT row_number() OVER (ORDER BY o.order_id, part)::int, o.order_id,
            (ARRAY['credit_card','credit_card','credit_card','paypal','paypal','bank_transfer','gift_card'])[1 + floor(pg_temp.u(30 + part, o.order_id) * 7)::int],
            CASE WHEN split THEN round(o.amount * (CASE WHEN part = 0 THEN 0.7 ELSE 0.3 END), 2) ELSE o.amount END,
            o.ordered_at + (60 + pg_temp.u(32, o.order_id) * 7200) * interval '1 second',
            o.status = 'returned'
     FROM demo.orders o,
          LATERAL (SELECT pg_temp.u(33, o.order_id) < 0.05 AS split) AS s,
          LATERAL generate_series(0, CASE WHEN s.split THEN 1 ELSE 0 END) AS part
     WHERE o.status <> 'placed'`,
    // foreign keys once the rows are in: one set-based check instead of a trigger per row
    `ALTER TABLE demo.orders ADD FOREIGN KEY (customer_id) REFERENCES demo.customers, ADD FOREIGN KEY (product_id) REFERENCES demo.products`,
    `ALTER TABLE demo.payments ADD FOREIGN KEY (order_id) REFERENCES demo.orders`,
    `CREATE INDEX ON demo.orders (customer_id)`,
    `CREATE INDEX ON demo.orders (ordered_at)`,
    `CREATE INDEX ON demo.payments (order_id)`,
    `ANALYZE demo.products, demo.customers, demo.orders, demo.payments`,
  ];
}
