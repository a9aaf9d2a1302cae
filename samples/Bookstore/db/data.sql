-- PgSeed sample data for schema.sql: ~8,400 rows, generated deterministically (generate_series and
-- arithmetic on the series value; no random()), so every load gives exactly the same rows and the
-- same seed files. Re-runnable: empties the tables and resets their identities first.

SET client_min_messages = warning;

BEGIN;

TRUNCATE stock_movement, "GiftCard", review, order_line, "order", address, customer, employee, store,
    book_author, book, category, publisher, author, country RESTART IDENTITY CASCADE;

INSERT INTO country (code, name, currency, vat_rate) VALUES
    ('AT', 'Austria',        'EUR', 10.00),
    ('CA', 'Canada',         'CAD',  5.00),
    ('DE', 'Germany',        'EUR',  7.00),
    ('ES', 'Spain',          'EUR',  4.00),
    ('FR', 'France',         'EUR',  5.50),
    ('GB', 'United Kingdom', 'GBP',  0.00),
    ('IT', 'Italy',          'EUR',  4.00),
    ('JP', 'Japan',          'JPY', 10.00),
    ('NL', 'Netherlands',    'EUR',  9.00),
    ('PL', 'Poland',         'PLN',  5.00),
    ('SE', 'Sweden',         'SEK',  6.00),
    ('US', 'United States',  'USD',  0.00);

-- 150 authors; names mix ASCII and non-ASCII, a few have no birth date or country.
INSERT INTO author (id, name, born_on, country_code)
SELECT g,
       (ARRAY['Anna', 'Søren', 'José', 'Małgorzata', 'Haruki', 'Zoë', 'Liam', 'Chloé', 'Björn', 'Giulia',
              'Ōta', 'Noah', 'Amélie', 'Lars', 'Mia'])[1 + g % 15] || ' ' ||
       (ARRAY['Berger', 'Kierkegaard', 'Saramago', 'Nowak', 'Murakami', 'O''Brien', 'Smith', 'Dubois',
              'Lindqvist', 'Rossi', 'Tanaka', 'García', 'Müller', 'van Dijk'])[1 + (g * 7) % 14],
       CASE WHEN g % 17 = 0 THEN NULL ELSE date '1930-01-01' + (g * 173) % 25000 END,
       CASE WHEN g % 11 = 0 THEN NULL
            ELSE (ARRAY['DE', 'SE', 'ES', 'PL', 'JP', 'GB', 'US', 'FR', 'SE', 'IT', 'JP', 'US', 'DE', 'NL'])[1 + (g * 7) % 14] END
FROM generate_series(1, 150) AS g;

INSERT INTO publisher (id, name, country_code, website)
SELECT g,
       (ARRAY['Northwind', 'Blue Heron', 'Lantern', 'Atlas', 'Meridian', 'Quill & Ink'])[1 + g % 6] || ' ' ||
       (ARRAY['Press', 'Books', 'Verlag', 'Éditions'])[1 + g / 6 % 4] || ' ' || g,
       (ARRAY['DE', 'GB', 'US', 'FR', 'NL', 'SE', 'ES', 'IT'])[1 + g % 8],
       CASE WHEN g % 5 = 0 THEN NULL ELSE 'https://publisher-' || g || '.example' END
FROM generate_series(1, 24) AS g;

-- Category tree, three levels: 6 roots (1-6), 18 children (7-24), 12 grandchildren (25-36).
INSERT INTO category (id, parent_id, name, slug)
SELECT g, NULL, name, lower(replace(name, ' ', '-'))
FROM unnest(ARRAY['Fiction', 'Non-fiction', 'Children', 'Science', 'History', 'Comics']) WITH ORDINALITY AS t(name, g);
INSERT INTO category (id, parent_id, name, slug)
SELECT g, 1 + (g - 7) % 6,
       (ARRAY['Classics', 'Modern', 'Illustrated', 'Essays', 'Guides', 'Anthologies'])[1 + (g - 7) / 6 * 2 % 6] || ' ' || g,
       'c-' || g
FROM generate_series(7, 24) AS g;
INSERT INTO category (id, parent_id, name, slug)
SELECT g, 7 + (g - 25), 'Collection ' || g, 'c-' || g
FROM generate_series(25, 36) AS g;

-- 600 books over every category, publisher and format.
INSERT INTO book (id, isbn, title, publisher_id, category_id, format, price, published_on, pages, attributes)
SELECT g,
       '978' || lpad((1000003 + g * 7919)::text, 10, '0'),
       (ARRAY['The Silent', 'A Crimson', 'The Last', 'Northern', 'The Glass', 'Seven', 'The Hidden', 'Winter''s'])[1 + g % 8] || ' ' ||
       (ARRAY['Harbour', 'Orchard', 'Lighthouse', 'Archive', 'Garden', 'Cartographer', 'River', 'Station', 'Library', 'Comet', 'Fox'])[1 + (g * 3) % 11]
           || CASE WHEN g > 88 THEN ', vol. ' || (g / 88 + 1) ELSE '' END,
       1 + (g * 5) % 24,
       1 + (g * 11) % 36,
       (ARRAY['hardcover', 'paperback', 'paperback', 'ebook', 'audiobook'])[1 + g % 5]::book_format,
       round((4.99 + (g * 37) % 4500 / 100.0)::numeric, 2),
       date '1995-01-01' + (g * 97) % 10950,
       CASE WHEN g % 5 = 4 THEN NULL ELSE 80 + (g * 13) % 900 END,
       jsonb_build_object('language', (ARRAY['en', 'de', 'fr', 'es', 'ja'])[1 + g % 5],
                          'edition', 1 + g % 3,
                          'tags', to_jsonb((ARRAY['bestseller', 'staff-pick', 'new'])[1:g % 3]))
FROM generate_series(1, 600) AS g;

-- Every book has a first author; every third book a second one (distinct by construction).
INSERT INTO book_author (book_id, author_id, position)
SELECT g, 1 + (g * 7) % 150, 1 FROM generate_series(1, 600) AS g
UNION ALL
SELECT g, 1 + (g * 7 + 75) % 150, 2 FROM generate_series(3, 600, 3) AS g;

-- The store <-> employee cycle: insert stores with their manager already set, then the employees;
-- the deferrable FK is checked at COMMIT. Store s employs 7 people, ids (s-1)*7+1 .. s*7; the first manages it.
SET CONSTRAINTS store_manager_id_fkey DEFERRED;
INSERT INTO store (id, name, country_code, manager_id, opened_on, opening_hours)
SELECT s,
       'Bookstore ' || (ARRAY['Berlin Mitte', 'Hamburg', 'Paris Marais', 'London Soho', 'Brooklyn', 'Utrecht'])[s],
       (ARRAY['DE', 'DE', 'FR', 'GB', 'US', 'NL'])[s],
       (s - 1) * 7 + 1,
       date '2010-03-01' + s * 400,
       jsonb_build_object('mon-fri', '09:00-20:00', 'sat', '10:00-18:00', 'sun', CASE WHEN s % 2 = 0 THEN 'closed' ELSE '12:00-17:00' END)
FROM generate_series(1, 6) AS s;
INSERT INTO employee (id, store_id, name, email, hired_on, hourly_rate)
SELECT g,
       1 + (g - 1) / 7,
       (ARRAY['Ada', 'Bruno', 'Clara', 'Dmitri', 'Elif', 'Farid', 'Greta', 'Hugo', 'Ines'])[1 + g % 9] || ' ' ||
       (ARRAY['Keller', 'Moreau', 'Patel', 'Svensson', 'Kowalski', 'Jansen', 'Ito'])[1 + (g * 3) % 7],
       'employee' || g || '@bookstore.example',
       date '2012-01-01' + (g * 61) % 4000,
       round((14.50 + (g * 29) % 1500 / 100.0)::numeric, 2)
FROM generate_series(1, 42) AS g;

-- 400 customers, Germany the largest market. GENERATED ALWAYS identity: explicit ids need OVERRIDING.
INSERT INTO customer (id, email, first_name, last_name, country_code, tier, preferences, signed_up_at, referred_by)
OVERRIDING SYSTEM VALUE
SELECT g,
       'customer' || g || '@mail.example',
       (ARRAY['Lena', 'Max', 'Sophie', 'Jonas', 'Emma', 'Lukas', 'Camille', 'Oliver', 'Aiko', 'Mateo', 'Freja', 'Zofia'])[1 + g % 12],
       (ARRAY['Schmidt', 'Martin', 'Jones', 'Johnson', 'de Vries', 'López', 'Bianchi', 'Andersson', 'Wiśniewska', 'Sato', 'Roy', 'Gruber', 'Fischer'])[1 + (g * 5) % 13],
       (ARRAY['DE', 'DE', 'DE', 'FR', 'GB', 'US', 'US', 'NL', 'ES', 'IT', 'SE', 'PL', 'AT', 'DE', 'CA', 'JP'])[1 + (g * 7) % 16],
       (ARRAY['standard', 'standard', 'standard', 'silver', 'gold'])[1 + g % 5]::customer_tier,
       CASE WHEN g % 4 = 0 THEN NULL
            ELSE jsonb_build_object('newsletter', g % 3 = 0, 'formats', to_jsonb((ARRAY['ebook', 'paperback', 'audiobook'])[1 + g % 2:2 + g % 2])) END,
       timestamptz '2019-01-01 00:00:00+00' + g * interval '3 days 7 hours 11 minutes',
       CASE WHEN g % 5 = 0 THEN g - 3 END
FROM generate_series(1, 400) AS g;

-- Address g is customer g's billing address; 401-600 are extra shipping addresses of even customers.
INSERT INTO address (id, customer_id, kind, line1, city, postal_code, country_code)
SELECT g, g, 'billing',
       (1 + g % 120) || ' ' || (ARRAY['Main Street', 'Lindenallee', 'Rue de la Paix', 'Kerkstraat', 'Calle Mayor'])[1 + g % 5],
       (ARRAY['Berlin', 'München', 'Lyon', 'Leeds', 'Austin', 'Utrecht', 'Sevilla', 'Torino', 'Malmö', 'Kraków'])[1 + g % 10],
       lpad(((g * 7919) % 99999)::text, 5, '0'),
       c.country_code
FROM generate_series(1, 400) AS g JOIN customer c ON c.id = g;
INSERT INTO address (id, customer_id, kind, line1, city, postal_code, country_code)
SELECT 400 + k, 2 * k, 'shipping',
       'c/o Office, ' || (10 + k) || ' Harbour Road',
       (ARRAY['Hamburg', 'Bordeaux', 'Bristol', 'Denver', 'Gent'])[1 + k % 5],
       lpad(((k * 104729) % 99999)::text, 5, '0'),
       c.country_code
FROM generate_series(1, 200) AS k JOIN customer c ON c.id = 2 * k;

-- 1,200 orders: two in three in a store (served by one of its employees), one in three online
-- (shipped to the customer's billing address).
INSERT INTO "order" (id, customer_id, store_id, served_by, shipping_address_id, status, ordered_at, currency, note)
SELECT g,
       c.id,
       CASE WHEN g % 3 = 0 THEN NULL ELSE 1 + g % 6 END,
       CASE WHEN g % 3 = 0 THEN NULL ELSE (g % 6) * 7 + 1 + g % 7 END,
       CASE WHEN g % 3 = 0 THEN c.id END,
       (ARRAY['delivered', 'delivered', 'delivered', 'shipped', 'paid', 'placed', 'cancelled', 'cart'])[1 + g % 8]::order_status,
       timestamptz '2023-01-01 08:00:00+00' + g * interval '6 hours 17 minutes 23 seconds',
       k.currency,
       CASE WHEN g % 50 = 0 THEN 'Gift wrap, please: "Happy birthday!"' WHEN g % 77 = 0 THEN E'Leave at the door,\nnot with the neighbour' END
FROM generate_series(1, 1200) AS g
JOIN customer c ON c.id = 1 + (g * 13) % 400
JOIN country k ON k.code = c.country_code;

-- 1-4 lines per order (3,000 in all), priced at the book's list price.
INSERT INTO order_line (order_id, line_no, book_id, quantity, unit_price)
SELECT o, n, b.id, 1 + (o + n) % 3, b.price
FROM generate_series(1, 1200) AS o
CROSS JOIN LATERAL generate_series(1, 1 + o % 4) AS n
JOIN book b ON b.id = 1 + (o * 31 + n * 97) % 600;

-- 800 reviews; (book, customer) pairs are unique because 7 is invertible modulo 600.
INSERT INTO review (id, book_id, customer_id, rating, title, body, created_at)
SELECT g,
       1 + (g * 7) % 600,
       1 + g % 400,
       1 + (g * 3) % 5,
       CASE WHEN g % 6 = 0 THEN NULL ELSE (ARRAY['Loved it', 'Not for me', 'A classic', 'Slow start', 'Brilliant!'])[1 + (g * 3) % 5] END,
       CASE g % 7
           WHEN 0 THEN NULL
           WHEN 1 THEN ''
           WHEN 2 THEN 'Read it twice, "unputdownable", as they say.'
           WHEN 3 THEN E'First line.\nSecond line, with a tab:\there.'
           WHEN 4 THEN 'Schön geschrieben – très bien écrit – 素晴らしい'
           ELSE 'Review number ' || g || ', backslash \ included.'
       END,
       timestamptz '2023-02-01 00:00:00+00' + g * interval '9 hours 41 minutes'
FROM generate_series(1, 800) AS g;

INSERT INTO "GiftCard" ("Id", "Code", "IssuedTo", "Balance", "Currency", "ExpiresAt")
SELECT g,
       'GC-' || upper(substr(md5('gift-card-' || g), 1, 10)),
       CASE WHEN g % 4 = 0 THEN NULL ELSE 1 + (g * 17) % 400 END,
       round(((g * 13) % 200 + 5)::numeric, 2),
       (ARRAY['EUR', 'GBP', 'USD'])[1 + g % 3],
       CASE WHEN g % 10 = 0 THEN NULL ELSE timestamptz '2026-12-31 23:59:59+00' + (g % 24) * interval '1 month' END
FROM generate_series(1, 120) AS g;

INSERT INTO stock_movement (store_id, book_id, delta, moved_at, reason)
SELECT 1 + g % 6,
       1 + (g * 11) % 600,
       CASE WHEN g % 4 = 0 THEN -1 - g % 3 ELSE 5 + g % 20 END,
       timestamptz '2024-01-01 06:00:00+00' + g * interval '7 hours 3 minutes',
       CASE WHEN g % 4 = 0 THEN 'sale' ELSE 'delivery' END
FROM generate_series(1, 600) AS g;

-- Explicit ids were inserted: move every identity sequence past them, so later inserts don't collide.
DO $$
DECLARE
    c record;
BEGIN
    FOR c IN SELECT table_name, column_name FROM information_schema.columns
             WHERE table_schema = 'public' AND is_identity = 'YES'
    LOOP
        EXECUTE format('SELECT setval(pg_get_serial_sequence(%L, %L), coalesce(max(%I), 0) + 1, false) FROM %I',
                       quote_ident(c.table_name), c.column_name, c.column_name, c.table_name);
    END LOOP;
END
$$;

COMMIT;

ANALYZE;
