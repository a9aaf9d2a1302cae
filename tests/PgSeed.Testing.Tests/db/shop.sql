-- Test schema + seed: self-reference, a two-table FK cycle, cascades, a composite key, identity ALWAYS,
-- a generated column, a table without a key, a free-standing sequence, an inheritance child.
CREATE SCHEMA shop;

CREATE TABLE shop.category (
    id serial PRIMARY KEY,
    name text NOT NULL UNIQUE,
    parent_id int REFERENCES shop.category (id)
);

CREATE TABLE shop.customer (
    id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email text NOT NULL UNIQUE,
    name text NOT NULL,
    referred_by int REFERENCES shop.customer (id) ON DELETE SET NULL
);

CREATE TABLE shop.product (
    id serial PRIMARY KEY,
    category_id int NOT NULL REFERENCES shop.category (id),
    name text NOT NULL,
    price numeric(10, 2) NOT NULL,
    name_upper text GENERATED ALWAYS AS (upper(name)) STORED
);

CREATE TABLE shop.orders (
    id bigserial PRIMARY KEY,
    customer_id int NOT NULL REFERENCES shop.customer (id) ON DELETE CASCADE,
    placed timestamptz NOT NULL DEFAULT '2024-01-01T00:00:00Z',
    note text
);

CREATE TABLE shop.order_line (
    order_id bigint NOT NULL REFERENCES shop.orders (id) ON DELETE CASCADE ON UPDATE CASCADE,
    line_no int NOT NULL,
    product_id int NOT NULL REFERENCES shop.product (id),
    qty int NOT NULL,
    PRIMARY KEY (order_id, line_no)
);

-- Two-table cycle: employee -> department (deferrable) and department -> employee (not deferrable).
CREATE TABLE shop.employee (
    id int PRIMARY KEY,
    name text NOT NULL,
    department_id int,
    manager_id int REFERENCES shop.employee (id)
);
CREATE TABLE shop.department (
    id int PRIMARY KEY,
    name text NOT NULL,
    head_id int REFERENCES shop.employee (id)
);
ALTER TABLE shop.employee ADD FOREIGN KEY (department_id) REFERENCES shop.department (id) DEFERRABLE INITIALLY IMMEDIATE;

CREATE TABLE shop.tag (label text NOT NULL, weight int);   -- no key at all

CREATE SEQUENCE shop.invoice_no START 1000;

-- Seed rows.
INSERT INTO shop.category (name, parent_id) VALUES ('root', NULL), ('books', 1), ('games', 1), ('novels', 2);
INSERT INTO shop.customer (email, name, referred_by) VALUES
  ('ada@example.com', 'Ada', NULL), ('bob@example.com', 'Bob', 1), ('cy@example.com', 'Cy', 2), ('dee@example.com', 'Dee', NULL);
INSERT INTO shop.product (category_id, name, price)
  SELECT 2 + (g % 3), 'product ' || g, g * 1.25 FROM generate_series(1, 40) g;
INSERT INTO shop.orders (customer_id, note)
  SELECT 1 + (g % 4), 'order ' || g FROM generate_series(1, 30) g;
INSERT INTO shop.order_line (order_id, line_no, product_id, qty)
  SELECT o, l, 1 + ((o * 7 + l) % 40), l FROM generate_series(1, 30) o, generate_series(1, 3) l;
INSERT INTO shop.employee (id, name, department_id, manager_id) VALUES (1, 'Eve', NULL, NULL), (2, 'Finn', NULL, 1), (3, 'Gus', NULL, 1);
INSERT INTO shop.department (id, name, head_id) VALUES (10, 'Sales', 1), (20, 'Ops', 3);
UPDATE shop.employee SET department_id = CASE id WHEN 3 THEN 20 ELSE 10 END;
INSERT INTO shop.tag VALUES ('new', 1), ('sale', 2), ('new', 1);
SELECT nextval('shop.invoice_no'), nextval('shop.invoice_no');
-- a rolled-back insert moves a sequence without leaving a row: the seeded value is what is left
SELECT setval('shop.category_id_seq', 4, true);
