-- A development database's data for the EfCoreShop sample (run after db/migrations.sql). The checked-in seed
-- EfCoreShop.Tests/seeds/shop is exported from it; see README.md for the commands.
INSERT INTO "Categories" ("Id", "Name", "ParentId") VALUES
  (1, 'Garden', NULL), (2, 'Garden tools', 1), (3, 'Watering', 1), (4, 'Kitchen', NULL), (5, 'Knives', 4);
INSERT INTO "Products" ("Id", "Name", "Price", "CurrencyCode", "CategoryId", "Details") VALUES
  (1, 'Spade', 19.90, 'EUR', 2, '{"Colour": "green", "WeightGrams": 1200, "Tags": ["garden", "tools"]}'),
  (2, 'Watering can', 12.50, 'EUR', 3, '{"Colour": "blue", "WeightGrams": 600, "Tags": ["garden"]}'),
  (3, 'Chef''s knife', 49.00, 'GBP', 5, '{"Colour": null, "WeightGrams": 210, "Tags": ["kitchen", "steel"]}'),
  (4, 'Hose', 29.00, 'EUR', 3, '{"Colour": "yellow", "WeightGrams": 2500, "Tags": []}');
INSERT INTO "Customers" ("Id", "Name", "Email") VALUES
  (1, 'Ada Lovelace', 'ada@example.com'), (2, 'Alan Turing', 'alan@example.com'), (3, 'Grace Hopper', 'grace@example.com');
INSERT INTO "Orders" ("Id", "CustomerId", "Status", "PlacedAt") VALUES
  (1, 1, 'shipped', '2025-03-01 10:00:00+00'), (2, 1, 'paid', '2025-04-02 12:30:00+00'),
  (3, 2, 'pending', '2025-05-03 09:15:00+00'), (4, 3, 'cancelled', '2025-05-04 16:45:00+00');
INSERT INTO "OrderLines" ("OrderId", "LineNo", "ProductId", "Quantity") VALUES
  (1, 1, 1, 1), (1, 2, 2, 2), (2, 1, 3, 1), (3, 1, 4, 1), (3, 2, 1, 1);
SELECT setval(pg_get_serial_sequence('"Categories"', 'Id'), 5), setval(pg_get_serial_sequence('"Products"', 'Id'), 4),
       setval(pg_get_serial_sequence('"Customers"', 'Id'), 3), setval(pg_get_serial_sequence('"Orders"', 'Id'), 4);
