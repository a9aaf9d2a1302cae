-- Seed rows for shop-schema.sql (plain SQL; the import tests export them to a seed folder).
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
