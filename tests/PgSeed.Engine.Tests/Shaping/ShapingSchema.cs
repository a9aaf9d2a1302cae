namespace PgSeed.Engine.Tests.Shaping;

/// <summary>A small shop with personal data, a text-keyed FK, a table without FKs (audit) and defaults.</summary>
public static class ShapingSchema
{
    public const string Schema = """
        create table country(code text primary key, label text not null);
        create table customer(
            id int primary key,
            email text not null unique,
            display_name text,
            phone text,
            country_code text references country,
            status text not null,
            created_at timestamp not null,
            notes text,
            tier int not null default 1);
        create table "order"(id int primary key, customer_id int not null references customer, placed_at date not null, status text not null);
        create table order_line(id int primary key, order_id int not null references "order", sku text not null, qty int not null);
        create table account(username varchar(40) primary key, customer_id int references customer);
        create table login(id int primary key, username varchar(40) not null references account, at timestamp not null);
        create table audit(id int primary key, entity_id int, action text not null);
        """;

    public const string Data = """
        insert into country values ('DE', 'Germany'), ('FR', 'France'), ('IT', 'Italy');
        insert into customer values
          (1, 'ann@real.example', 'Ann Real',  '+49 30 1234567', 'DE', 'active',  '2024-03-01', 'likes tea', 3),
          (2, 'bob@real.example', 'Bob Real',  '+33 1 2345678',  'FR', 'pending', '2024-05-01', null, 2),
          (3, 'cy@real.example',  'Cy Real',   null,             'DE', 'closed',  '2024-06-01', 'write to cy@real.example', 1),
          (4, 'di@real.example',  'Di Real',   '+39 06 1234567', 'IT', 'active',  '2023-01-01', null, 5),
          (5, 'ed@real.example',  null,        null,             null, 'active',  '2024-07-01', null, 1);
        insert into "order" values (10, 1, '2024-03-02', 'paid'), (11, 1, '2024-03-05', 'open'), (12, 2, '2024-05-02', 'paid'),
          (13, 3, '2024-06-02', 'paid'), (14, 4, '2023-01-02', 'paid'), (15, 5, '2024-07-02', 'open');
        insert into order_line values (100, 10, 'SKU-1', 1), (101, 10, 'SKU-2', 2), (102, 11, 'SKU-1', 1), (103, 12, 'SKU-3', 1),
          (104, 13, 'SKU-1', 4), (105, 14, 'SKU-2', 1), (106, 15, 'SKU-9', 1);
        insert into account values ('ann.real', 1), ('bob.real', 2), ('cy.real', 3), ('orphan.account', null);
        insert into login values (1000, 'ann.real', '2024-04-01'), (1001, 'ann.real', '2024-04-02'), (1002, 'bob.real', '2024-05-03'),
          (1003, 'orphan.account', '2024-01-01');
        insert into audit values (1, 10, 'created'), (2, 12, 'created'), (3, 14, 'refunded'), (4, null, 'login');
        """;
}
