namespace PgSeed.Engine.Tests.Infrastructure;

/// <summary>
/// A small shop for the user-experience tests: a self-reference that takes a <c>limit 5</c> export past five root
/// rows (customer 5 was referred by customer 7), a store/staff FK cycle, and an <c>invoice</c> table to misspell.
/// </summary>
public static class ShopSchema
{
    public const string Schema = """
        create table country(code text primary key, name text not null);
        create table customer(id int primary key, name text not null, email text, country_code text references country,
            referred_by int references customer);
        create table invoice(id int primary key, customer_id int not null references customer, total numeric(10,2) not null);
        create table store(id int primary key, name text not null, manager_id int);
        create table staff(id int primary key, store_id int not null references store, name text not null);
        alter table store add constraint store_manager_fk foreign key (manager_id) references staff;
        create table sale(id int primary key, customer_id int not null references customer, staff_id int references staff);
        """;

    public const string Data = """
        insert into country values ('DE', 'Germany'), ('FR', 'France');
        insert into store values (1, 'Main', null);
        insert into staff values (1, 1, 'Sam');
        update store set manager_id = 1;
        insert into customer values (7, 'Gus', 'gus@shop.example', 'FR', null), (8, 'Hal', null, 'FR', null);
        insert into customer values (1, 'Ann', 'ann@shop.example', 'DE', null), (2, 'Bob', 'bob@shop.example', 'DE', 1),
            (3, 'Cid', 'cid@shop.example', 'DE', null), (4, 'Dee', 'dee@shop.example', 'DE', null), (5, 'Eve', 'eve@shop.example', 'DE', 7),
            (6, 'Fay', 'fay@shop.example', 'FR', null);
        insert into invoice select g, 1 + g % 6, g * 10 from generate_series(1, 12) g;
        insert into sale values (1, 1, 1), (2, 5, 1), (3, 8, null);
        analyze;
        """;
}
