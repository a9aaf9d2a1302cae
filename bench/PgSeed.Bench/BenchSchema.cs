using Npgsql;

namespace PgSeed.Bench;

/// <summary>
/// The benchmark database: 12 tables of a multi-tenant shop, ~2.6 M rows at scale 1, generated on the
/// server with <c>generate_series</c> and arithmetic on the series value (deterministic: every run
/// benchmarks the same rows). It has what makes subsetting work: a self-reference (category), a
/// 2-table cycle (account.owner_user_id / account_user.account_id), composite keys (order_item),
/// and cross-root references (one order in 50 ships to another account's address), so parents of
/// children reach rows outside the root subset.
/// The <see cref="BenchShape.Shuffled"/> shape (issue 13) stores every table's rows in a random physical order
/// (so <c>ORDER BY key</c> is a real sort) and adds two many-to-many link tables with composite primary keys.
/// </summary>
internal sealed class BenchSchema
{
    private readonly double _scale;

    public BenchSchema(double scale, BenchShape shape = BenchShape.Ordered)
    {
        _scale = scale;
        Shape = shape;
    }

    public BenchShape Shape { get; }

    public int TableCount => Shape == BenchShape.Shuffled ? 15 : 12;

    /// <summary>
    /// The roots of a full export: every account, and on the shuffled shape also every product_tag row (a link
    /// table only reachable as a child of a parent, which the closure does not follow), so the seed is the whole database.
    /// </summary>
    public IReadOnlyList<string> FullExportExtraRoots => Shape == BenchShape.Shuffled ? ["product_tag"] : [];

    /// <summary>The root table; the subset case exports <see cref="SubsetFilter"/>.</summary>
    public const string RootTable = "account";

    /// <summary>About 10 % of the roots.</summary>
    public const string SubsetFilter = "where id % 10 = 0";

    private long N(long atScaleOne, long minimum = 1) => Math.Max(minimum, (long)Math.Round(atScaleOne * _scale));

    public long Regions => 10;
    public long Countries => 200;
    public long Categories => 500;
    public long Suppliers => N(2_000, 10);
    public long Products => N(50_000, 100);
    public long Accounts => N(100_000, 100);
    public long Users => 2 * Accounts;
    public long Addresses => Accounts + Accounts / 2;
    public long Orders => 4 * Accounts;
    public long OrderItems => 3 * Orders;
    public long Payments => Orders;
    public long Reviews => Accounts;
    public long Tags => 1_000;
    public long ProductTags => 4 * Products;
    public long UserFavorites => 2 * Users;

    public long TotalRows => Regions + Countries + Categories + Suppliers + Products + Accounts + Users + Addresses + Orders + OrderItems + Payments + Reviews
                             + (Shape == BenchShape.Shuffled ? Tags + ProductTags + UserFavorites : 0);

    /// <summary>The shuffled shape's link tables: product ↔ tag and account_user ↔ product (favourites), composite keys.</summary>
    public static readonly string LinkTables = """
        CREATE TABLE tag (id integer NOT NULL, name text NOT NULL);
        CREATE TABLE product_tag (product_id integer NOT NULL, tag_id integer NOT NULL, weight smallint NOT NULL);
        CREATE TABLE user_favorite (account_user_id bigint NOT NULL, product_id integer NOT NULL, added_at timestamptz NOT NULL, note text);
        """;

    public static readonly string LinkConstraints = """
        ALTER TABLE tag ADD PRIMARY KEY (id), ADD UNIQUE (name);
        ALTER TABLE product_tag ADD PRIMARY KEY (product_id, tag_id);
        ALTER TABLE user_favorite ADD PRIMARY KEY (account_user_id, product_id);
        ALTER TABLE product_tag ADD FOREIGN KEY (product_id) REFERENCES product, ADD FOREIGN KEY (tag_id) REFERENCES tag;
        ALTER TABLE user_favorite ADD FOREIGN KEY (account_user_id) REFERENCES account_user, ADD FOREIGN KEY (product_id) REFERENCES product;
        CREATE INDEX ON product_tag (tag_id);
        CREATE INDEX ON user_favorite (product_id);
        """;

    private string AllTables => Shape == BenchShape.Shuffled ? Tables + LinkTables : Tables;
    private string AllConstraints => Shape == BenchShape.Shuffled ? Constraints + LinkConstraints : Constraints;

    /// <summary>The shuffled shape inserts rows in a pseudo-random but repeatable order of their series value.</summary>
    private string Order(string seriesValue) => Shape == BenchShape.Shuffled ? $"\nORDER BY hashint8(({seriesValue})::bigint)" : "";

    /// <summary>Tables only, no constraints: loading first and constraining afterwards is much faster.</summary>
    public static readonly string Tables = """
        CREATE TABLE region (id integer NOT NULL, name text NOT NULL);
        CREATE TABLE country (id integer NOT NULL, region_id integer NOT NULL, code char(2) NOT NULL, name text NOT NULL);
        CREATE TABLE category (id integer NOT NULL, parent_id integer, name text NOT NULL);
        CREATE TABLE supplier (id integer NOT NULL, country_id integer NOT NULL, name text NOT NULL, rating numeric(3,1), created_at timestamptz NOT NULL);
        CREATE TABLE product (id integer NOT NULL, supplier_id integer NOT NULL, category_id integer NOT NULL, sku text NOT NULL,
            name text NOT NULL, price numeric(12,2) NOT NULL, attributes jsonb, created_at timestamptz NOT NULL);
        CREATE TABLE account (id bigint NOT NULL, country_id integer NOT NULL, owner_user_id bigint, name text NOT NULL,
            email text NOT NULL, status text NOT NULL, balance numeric(14,2) NOT NULL, created_at timestamptz NOT NULL);
        CREATE TABLE account_user (id bigint NOT NULL, account_id bigint NOT NULL, email text NOT NULL, display_name text NOT NULL,
            role text NOT NULL, last_login timestamptz);
        CREATE TABLE address (id bigint NOT NULL, account_id bigint NOT NULL, country_id integer NOT NULL, line1 text NOT NULL,
            city text NOT NULL, postal_code text NOT NULL);
        CREATE TABLE orders (id bigint NOT NULL, account_id bigint NOT NULL, shipping_address_id bigint, placed_by bigint,
            status text NOT NULL, ordered_at timestamptz NOT NULL, total numeric(14,2) NOT NULL, note text);
        CREATE TABLE order_item (order_id bigint NOT NULL, line_no smallint NOT NULL, product_id integer NOT NULL,
            quantity integer NOT NULL, unit_price numeric(12,2) NOT NULL);
        CREATE TABLE payment (id bigint NOT NULL, order_id bigint NOT NULL, amount numeric(14,2) NOT NULL, method text NOT NULL,
            reference uuid NOT NULL, paid_at timestamptz NOT NULL);
        CREATE TABLE review (id bigint NOT NULL, product_id integer NOT NULL, author_user_id bigint NOT NULL, rating smallint NOT NULL,
            body text, created_at timestamptz NOT NULL);
        """;

    public static readonly string Constraints = """
        ALTER TABLE region ADD PRIMARY KEY (id);
        ALTER TABLE country ADD PRIMARY KEY (id), ADD UNIQUE (code);
        ALTER TABLE category ADD PRIMARY KEY (id);
        ALTER TABLE supplier ADD PRIMARY KEY (id);
        ALTER TABLE product ADD PRIMARY KEY (id), ADD UNIQUE (sku);
        ALTER TABLE account ADD PRIMARY KEY (id);
        ALTER TABLE account_user ADD PRIMARY KEY (id);
        ALTER TABLE address ADD PRIMARY KEY (id);
        ALTER TABLE orders ADD PRIMARY KEY (id);
        ALTER TABLE order_item ADD PRIMARY KEY (order_id, line_no);
        ALTER TABLE payment ADD PRIMARY KEY (id);
        ALTER TABLE review ADD PRIMARY KEY (id);
        ALTER TABLE country ADD FOREIGN KEY (region_id) REFERENCES region;
        ALTER TABLE category ADD FOREIGN KEY (parent_id) REFERENCES category;
        ALTER TABLE supplier ADD FOREIGN KEY (country_id) REFERENCES country;
        ALTER TABLE product ADD FOREIGN KEY (supplier_id) REFERENCES supplier, ADD FOREIGN KEY (category_id) REFERENCES category;
        ALTER TABLE account ADD FOREIGN KEY (country_id) REFERENCES country;
        ALTER TABLE account_user ADD FOREIGN KEY (account_id) REFERENCES account;
        ALTER TABLE account ADD CONSTRAINT account_owner_user_id_fkey FOREIGN KEY (owner_user_id) REFERENCES account_user DEFERRABLE;
        ALTER TABLE address ADD FOREIGN KEY (account_id) REFERENCES account, ADD FOREIGN KEY (country_id) REFERENCES country;
        ALTER TABLE orders ADD FOREIGN KEY (account_id) REFERENCES account, ADD FOREIGN KEY (shipping_address_id) REFERENCES address,
            ADD FOREIGN KEY (placed_by) REFERENCES account_user;
        ALTER TABLE order_item ADD FOREIGN KEY (order_id) REFERENCES orders, ADD FOREIGN KEY (product_id) REFERENCES product;
        ALTER TABLE payment ADD FOREIGN KEY (order_id) REFERENCES orders;
        ALTER TABLE review ADD FOREIGN KEY (product_id) REFERENCES product, ADD FOREIGN KEY (author_user_id) REFERENCES account_user;
        CREATE INDEX ON country (region_id);
        CREATE INDEX ON category (parent_id);
        CREATE INDEX ON product (supplier_id);
        CREATE INDEX ON product (category_id);
        CREATE INDEX ON account_user (account_id);
        CREATE INDEX ON address (account_id);
        CREATE INDEX ON orders (account_id);
        CREATE INDEX ON order_item (product_id);
        CREATE INDEX ON payment (order_id);
        CREATE INDEX ON review (product_id);
        CREATE INDEX ON review (author_user_id);
        """;

    /// <summary>One INSERT per table, in an order that satisfies the FKs added afterwards.</summary>
    public IEnumerable<(string Table, string Sql)> DataStatements()
    {
        var a = Accounts;
        yield return ("region", $"INSERT INTO region SELECT g, 'Region ' || g FROM generate_series(1, {Regions}) g{Order("g")}");
        yield return ("country", $"""
            INSERT INTO country SELECT g, 1 + g % {Regions}, chr(65 + (g - 1) / 26 % 26) || chr(65 + (g - 1) % 26), 'Country ' || g
            FROM generate_series(1, {Countries}) g{Order("g")}
            """);
        yield return ("category", $"""
            INSERT INTO category SELECT g, CASE WHEN g <= 20 THEN NULL ELSE 1 + (g * 7) % (g - 1) END, 'Category ' || g
            FROM generate_series(1, {Categories}) g{Order("g")}
            """);
        yield return ("supplier", $"""
            INSERT INTO supplier SELECT g, 1 + (g * 13) % {Countries}, 'Supplier ' || g || ' Ltd', (g % 50) / 10.0,
                timestamptz '2015-01-01 00:00:00+00' + g * interval '37 minutes'
            FROM generate_series(1::bigint, {Suppliers}) g{Order("g")}
            """);
        yield return ("product", $"""
            INSERT INTO product SELECT g, 1 + (g * 7) % {Suppliers}, 1 + (g * 11) % {Categories}, 'SKU-' || lpad(g::text, 8, '0'),
                'Product ' || g || ' ' || (ARRAY['red', 'blue', 'large', 'small', 'classic', 'pro'])[1 + g % 6],
                round(((g * 7919) % 100000) / 100.0 + 0.99, 2),
                CASE WHEN g % 3 = 0 THEN NULL ELSE jsonb_build_object('weight', g % 1000, 'color', (ARRAY['red', 'green', 'blue'])[1 + g % 3]) END,
                timestamptz '2018-01-01 00:00:00+00' + g * interval '11 minutes'
            FROM generate_series(1::bigint, {Products}) g{Order("g")}
            """);
        // Account a is owned by its first user, 2a-1 (the cycle); one account in 20 has no owner yet.
        yield return ("account", $"""
            INSERT INTO account SELECT g, 1 + (g * 17) % {Countries}, CASE WHEN g % 20 = 0 THEN NULL ELSE 2 * g - 1 END,
                'Account ' || g, 'billing' || g || '@example.com', (ARRAY['active', 'active', 'active', 'trial', 'closed'])[1 + g % 5],
                round(((g * 104729) % 1000000) / 100.0, 2), timestamptz '2020-01-01 00:00:00+00' + g * interval '5 minutes'
            FROM generate_series(1::bigint, {a}) g{Order("g")}
            """);
        yield return ("account_user", $"""
            INSERT INTO account_user SELECT g, (g + 1) / 2, 'user' || g || '@example.com', 'User ' || g,
                CASE WHEN g % 2 = 1 THEN 'owner' ELSE 'member' END,
                CASE WHEN g % 7 = 0 THEN NULL ELSE timestamptz '2024-01-01 00:00:00+00' + g * interval '3 minutes' END
            FROM generate_series(1::bigint, {Users}) g{Order("g")}
            """);
        // Address g belongs to account 1 + (g - 1) % accounts: every account has one, half have two.
        yield return ("address", $"""
            INSERT INTO address SELECT g, 1 + (g - 1) % {a}, 1 + (g * 17) % {Countries}, g || ' Long Street',
                'City ' || (g % 5000), lpad(((g * 7919) % 99999)::text, 5, '0')
            FROM generate_series(1::bigint, {Addresses}) g{Order("g")}
            """);
        // One order in 50 ships to another account's address (a gift): its parents reach outside the subset.
        yield return ("orders", $"""
            INSERT INTO orders SELECT g, acc,
                CASE WHEN g % 50 = 0 THEN 1 + (acc * 31) % {a} WHEN g % 5 = 0 THEN NULL ELSE acc END,
                CASE WHEN g % 10 = 0 THEN NULL ELSE 2 * acc - g % 2 END,
                (ARRAY['placed', 'paid', 'shipped', 'delivered', 'delivered', 'cancelled'])[1 + g % 6],
                timestamptz '2023-01-01 00:00:00+00' + g * interval '67 seconds',
                round(((g * 7919) % 500000) / 100.0, 2),
                CASE WHEN g % 25 = 0 THEN 'Leave at the door, "please"' END
            FROM (SELECT g, 1 + (g * 7919) % {a} AS acc FROM generate_series(1::bigint, {Orders}) g) s{Order("g")}
            """);
        yield return ("order_item", $"""
            INSERT INTO order_item SELECT (g + 2) / 3, 1 + (g + 2) % 3, 1 + (g * 104729) % {Products}, 1 + g % 4,
                round(((g * 31) % 20000) / 100.0 + 0.5, 2)
            FROM generate_series(1::bigint, {OrderItems}) g{Order("g")}
            """);
        yield return ("payment", $"""
            INSERT INTO payment SELECT g, g, round(((g * 7919) % 500000) / 100.0, 2), (ARRAY['card', 'card', 'paypal', 'invoice'])[1 + g % 4],
                md5('payment' || g)::uuid, timestamptz '2023-01-01 00:10:00+00' + g * interval '67 seconds'
            FROM generate_series(1::bigint, {Payments}) g{Order("g")}
            """);
        yield return ("review", $"""
            INSERT INTO review SELECT g, 1 + (g * 31) % {Products}, 1 + (g * 7) % {Users}, 1 + g % 5,
                CASE WHEN g % 4 = 0 THEN NULL ELSE 'Review ' || g || ': ' || repeat('good, ', (1 + g % 5)::int) END,
                timestamptz '2023-06-01 00:00:00+00' + g * interval '4 minutes'
            FROM generate_series(1::bigint, {Reviews}) g{Order("g")}
            """);
        if (Shape != BenchShape.Shuffled) yield break;
        yield return ("tag", $"INSERT INTO tag SELECT g, 'tag-' || g FROM generate_series(1, {Tags}) g{Order("g")}");
        // Four distinct tags per product (offsets 0, 251, 502, 753 apart modulo 1000).
        yield return ("product_tag", $"""
            INSERT INTO product_tag SELECT 1 + (g - 1) / 4, 1 + ((g - 1) / 4 * 37 + (g - 1) % 4 * 251) % {Tags}, 1 + g % 10
            FROM generate_series(1::bigint, {ProductTags}) g{Order("g")}
            """);
        // Two distinct favourite products per user.
        yield return ("user_favorite", $"""
            INSERT INTO user_favorite SELECT 1 + (g - 1) / 2, 1 + ((g - 1) / 2 * 7919 + (g - 1) % 2 * {Products / 2}) % {Products},
                timestamptz '2024-03-01 00:00:00+00' + g * interval '41 seconds', CASE WHEN g % 9 = 0 THEN 'gift idea' END
            FROM generate_series(1::bigint, {UserFavorites}) g{Order("g")}
            """);
    }

    /// <summary>Creates, fills, constrains and analyses the benchmark tables in an empty database.</summary>
    public async Task CreateAsync(string connectionString, Action<string> progress, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await ExecuteAsync(connection, AllTables, cancellationToken);
        foreach (var (table, sql) in DataStatements())
        {
            var started = System.Diagnostics.Stopwatch.StartNew();
            await ExecuteAsync(connection, sql, cancellationToken);
            progress($"  {table,-13} generated in {started.Elapsed.TotalSeconds,5:0.0} s");
        }
        var constraining = System.Diagnostics.Stopwatch.StartNew();
        await ExecuteAsync(connection, AllConstraints, cancellationToken);
        await ExecuteAsync(connection, "VACUUM ANALYZE", cancellationToken);
        progress($"  keys, FKs, indexes, VACUUM ANALYZE in {constraining.Elapsed.TotalSeconds:0.0} s");
    }

    /// <summary>The same tables and constraints, empty: an import target.</summary>
    public async Task CreateEmptyAsync(string connectionString, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await ExecuteAsync(connection, AllTables + AllConstraints, cancellationToken);
    }

    internal static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var cmd = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        await cmd.ExecuteNonQueryAsync(cancellationToken);
    }
}

/// <summary>How the export/import benchmark database is laid out.</summary>
internal enum BenchShape
{
    /// <summary>12 tables, rows stored in key order (the original benchmark: <c>ORDER BY key</c> is nearly free).</summary>
    Ordered,

    /// <summary>15 tables (+ tag and two link tables with composite keys), rows stored in a random physical order.</summary>
    Shuffled,
}
