insert into store(name, last_update) values ('North', '2020-01-01 10:00+00'), ('South', '2020-01-01 10:00+00');
insert into customer(store_id, name, last_update)
    select 1 + g % 2, 'customer ' || g, timestamptz '2020-02-01 00:00+00' + g * interval '1 hour' from generate_series(1, 6) g;
insert into staff values (1, 1, 'Mike'), (2, 2, 'Jon');
insert into payment(customer_id, staff_id, amount, payment_date)
    select 1 + g % 6, 1 + g % 2, (g % 10) + 0.99, timestamptz '2024-01-01 00:00+00' + g * interval '13 hours' from generate_series(0, 150) g;
