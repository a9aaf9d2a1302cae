namespace PgSeed.Engine.Tests.Infrastructure;

/// <summary>
/// Shapes of real schemas that PgSeed must handle exactly (the issue #19 reproductions), modelled on the Pagila
/// sample database: a fact table partitioned by month whose FKs are declared on each partition (as schemas created
/// before PostgreSQL 11 have them), a primary key whose column order is not the table's, sequences used through
/// column defaults without OWNED BY, and BEFORE UPDATE triggers maintaining <c>last_update</c>.
/// </summary>
public static class RealWorldSchemas
{
    public const string Pagila = """
        create sequence store_store_id_seq;
        create sequence customer_customer_id_seq;
        create sequence payment_payment_id_seq;
        create function last_updated() returns trigger language plpgsql as $$ begin new.last_update := now(); return new; end $$;
        create table store(store_id int not null default nextval('store_store_id_seq') primary key, name text not null,
            last_update timestamptz not null default now());
        create table customer(customer_id int not null default nextval('customer_customer_id_seq') primary key,
            store_id int not null references store, name text not null, active boolean not null default true,
            last_update timestamptz not null default now());
        create trigger last_updated before update on customer for each row execute function last_updated();
        create trigger last_updated before update on store for each row execute function last_updated();
        create table staff(staff_id int primary key, store_id int not null references store, name text not null);
        create table payment(payment_id int not null default nextval('payment_payment_id_seq'), customer_id int not null,
            staff_id int not null, amount numeric(5,2) not null, payment_date timestamptz not null,
            primary key (payment_date, payment_id)) partition by range (payment_date);
        create table payment_2024_01 partition of payment for values from ('2024-01-01') to ('2024-02-01');
        create table payment_2024_02 partition of payment for values from ('2024-02-01') to ('2024-03-01');
        create table payment_2024_03 partition of payment for values from ('2024-03-01') to ('2024-04-01');
        alter table payment_2024_01 add constraint payment_2024_01_customer_id_fkey foreign key (customer_id) references customer;
        alter table payment_2024_02 add constraint payment_2024_02_customer_id_fkey foreign key (customer_id) references customer;
        alter table payment_2024_03 add constraint payment_2024_03_customer_id_fkey foreign key (customer_id) references customer;
        alter table payment_2024_01 add constraint payment_2024_01_staff_id_fkey foreign key (staff_id) references staff;
        alter table payment_2024_02 add constraint payment_2024_02_staff_id_fkey foreign key (staff_id) references staff;
        alter table payment_2024_03 add constraint payment_2024_03_staff_id_fkey foreign key (staff_id) references staff;
        -- A row trigger on the partitioned table (PostgreSQL clones it onto every partition).
        create function payment_touched() returns trigger language plpgsql as $$ begin new.amount := 0; return new; end $$;
        create trigger payment_touched before update on payment for each row execute function payment_touched();
        create index on payment_2024_01 (customer_id);
        create index on payment_2024_02 (customer_id);
        create index on payment_2024_03 (customer_id);
        """;

    /// <summary>Two stores, six customers, two staff, 151 payments spread over the three months.</summary>
    public const string PagilaData = """
        insert into store(name, last_update) values ('North', '2020-01-01 10:00+00'), ('South', '2020-01-01 10:00+00');
        insert into customer(store_id, name, last_update)
            select 1 + g % 2, 'customer ' || g, timestamptz '2020-02-01 00:00+00' + g * interval '1 hour' from generate_series(1, 6) g;
        insert into staff values (1, 1, 'Mike'), (2, 2, 'Jon');
        insert into payment(customer_id, staff_id, amount, payment_date)
            select 1 + g % 6, 1 + g % 2, (g % 10) + 0.99, timestamptz '2024-01-01 00:00+00' + g * interval '13 hours' from generate_series(0, 150) g;
        """;
}
