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

