-- A Pagila-shaped schema (issue #19): payment partitioned by month with its FKs declared on each partition, a
-- primary key whose column order is not the table's, sequences used by defaults without OWNED BY, and
-- BEFORE UPDATE triggers maintaining last_update.
create sequence store_store_id_seq;
create sequence customer_customer_id_seq;
create sequence payment_payment_id_seq;
create function last_updated() returns trigger language plpgsql as $$ begin new.last_update := now(); return new; end $$;
create table store(store_id int not null default nextval('store_store_id_seq') primary key, name text not null,
    last_update timestamptz not null default now());
create table customer(customer_id int not null default nextval('customer_customer_id_seq') primary key,
    store_id int not null references store, name text not null, last_update timestamptz not null default now());
create trigger last_updated before update on customer for each row execute function last_updated();
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
