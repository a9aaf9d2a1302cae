namespace PgSeed.MSBuild.Tests.EndToEnd;

/// <summary>A small shop schema with deterministic data: a self-referencing tree, FKs several levels deep.</summary>
internal static class ShopSchema
{
    public const string Ddl = """
        create table genre (id int primary key, name text not null, parent_id int references genre(id));
        create table author (id int primary key, name text not null);
        create table book (id int primary key, title text not null, author_id int not null references author(id),
                           genre_id int references genre(id), price numeric(8,2) not null, published date);
        create table customer (id int primary key, email text not null unique, name text not null);
        create table orders (id int primary key, customer_id int not null references customer(id), placed_at timestamptz not null);
        create table order_line (order_id int not null references orders(id), line int not null,
                                 book_id int not null references book(id), quantity int not null, primary key (order_id, line));
        """;

    public const string Data = """
        insert into genre values (1, 'Fiction', null), (2, 'Crime', 1), (3, 'Science', null), (4, 'Physics', 3);
        insert into author select i, 'Author ' || i from generate_series(1, 6) i;
        insert into book select i, 'Book "' || i || '", vol. ' || i, 1 + i % 6, 1 + i % 4, (i * 3.25)::numeric(8,2),
                                date '2020-01-01' + i from generate_series(1, 30) i;
        insert into customer select i, 'c' || i || '@example.com', 'Customer ' || i from generate_series(1, 8) i;
        insert into orders select i, 1 + i % 8, timestamptz '2024-05-01 10:00:00+00' + i * interval '1 hour' from generate_series(1, 20) i;
        insert into order_line select o, l, 1 + (o * l) % 30, l from generate_series(1, 20) o, generate_series(1, 3) l;
        """;
}
