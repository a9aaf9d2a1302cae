using Npgsql;

namespace PgSeed.Bench;

/// <summary>
/// The reset benchmark's database: 10 tables, ~100k rows at scale 1. <c>customer</c> is the hub (referenced by
/// five tables and by itself), <c>category</c> references itself, <c>team</c> and <c>agent</c> form a two-table cycle.
/// </summary>
internal static class ResetBenchSchema
{
    public const string Ddl = """
        CREATE TABLE region (id int PRIMARY KEY, name text NOT NULL);
        CREATE TABLE category (id int PRIMARY KEY, name text NOT NULL, parent_id int REFERENCES category (id));
        CREATE TABLE team (id int PRIMARY KEY, name text NOT NULL, lead_agent_id int);
        CREATE TABLE agent (id int PRIMARY KEY, name text NOT NULL, team_id int NOT NULL REFERENCES team (id));
        ALTER TABLE team ADD FOREIGN KEY (lead_agent_id) REFERENCES agent (id) DEFERRABLE;
        CREATE TABLE customer (id serial PRIMARY KEY, name text NOT NULL, email text NOT NULL UNIQUE,
            region_id int NOT NULL REFERENCES region (id), referred_by int REFERENCES customer (id),
            account_manager int REFERENCES agent (id), created timestamptz NOT NULL DEFAULT '2024-01-01');
        CREATE TABLE address (id serial PRIMARY KEY, customer_id int NOT NULL REFERENCES customer (id) ON DELETE CASCADE,
            street text NOT NULL, city text NOT NULL);
        CREATE TABLE product (id serial PRIMARY KEY, category_id int NOT NULL REFERENCES category (id), name text NOT NULL,
            price numeric(10, 2) NOT NULL);
        CREATE TABLE orders (id bigserial PRIMARY KEY, customer_id int NOT NULL REFERENCES customer (id),
            placed timestamptz NOT NULL DEFAULT '2024-02-01', status text NOT NULL DEFAULT 'new');
        CREATE TABLE order_line (order_id bigint NOT NULL REFERENCES orders (id) ON DELETE CASCADE, line_no int NOT NULL,
            product_id int NOT NULL REFERENCES product (id), qty int NOT NULL, PRIMARY KEY (order_id, line_no));
        CREATE TABLE review (id serial PRIMARY KEY, customer_id int NOT NULL REFERENCES customer (id),
            product_id int NOT NULL REFERENCES product (id), stars int NOT NULL, body text);
        CREATE INDEX ON orders (customer_id);
        CREATE INDEX ON address (customer_id);
        CREATE INDEX ON review (customer_id);
        """;

    /// <summary>Rows per table at scale 1 (sums to 100,000); scale 0.1 gives the 10k-row cold-start seed.</summary>
    public static string Data(double scale)
    {
        int N(int rows) => Math.Max(1, (int)(rows * scale));
        int regions = N(20), categories = N(200), teams = N(100), agents = N(2_000), customers = N(10_000), addresses = N(10_000),
            products = N(5_000), orders = N(20_000), lines = N(44_680), reviews = N(8_000);
        return $"""
            INSERT INTO region SELECT g, 'region ' || g FROM generate_series(1, {regions}) g;
            INSERT INTO category SELECT g, 'category ' || g, CASE WHEN g > 10 THEN 1 + g % 10 END FROM generate_series(1, {categories}) g;
            INSERT INTO team SELECT g, 'team ' || g, NULL FROM generate_series(1, {teams}) g;
            INSERT INTO agent SELECT g, 'agent ' || g, 1 + g % {teams} FROM generate_series(1, {agents}) g;
            UPDATE team SET lead_agent_id = id WHERE id <= {agents};
            INSERT INTO customer (name, email, region_id, referred_by, account_manager)
              SELECT 'customer ' || g, 'c' || g || '@example.com', 1 + g % {regions}, CASE WHEN g > 100 THEN g % 100 + 1 END, 1 + g % {agents}
              FROM generate_series(1, {customers}) g;
            INSERT INTO address (customer_id, street, city) SELECT 1 + g % {customers}, g || ' Main St', 'city ' || g % 50 FROM generate_series(1, {addresses}) g;
            INSERT INTO product (category_id, name, price) SELECT 1 + g % {categories}, 'product ' || g, (g % 500) + 0.99 FROM generate_series(1, {products}) g;
            INSERT INTO orders (customer_id) SELECT 1 + g % {customers} FROM generate_series(1, {orders}) g;
            INSERT INTO order_line SELECT 1 + (g - 1) / 3 % {orders}, (g - 1) / (3 * {orders}) * 3 + (g - 1) % 3 + 1, 1 + g % {products}, 1 + g % 5
              FROM generate_series(1, {lines}) g;
            INSERT INTO review (customer_id, product_id, stars, body) SELECT 1 + g % {customers}, 1 + g % {products}, 1 + g % 5, 'review ' || g
              FROM generate_series(1, {reviews}) g;
            """;
    }

    public static async Task ApplyAsync(string connectionString, double scale, CancellationToken cancellationToken)
    {
        await using var c = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        await c.OpenAsync(cancellationToken);
        await using var cmd = new NpgsqlCommand(scale > 0 ? Ddl + Data(scale) : Ddl, c) { CommandTimeout = 0 }; // scale 0: schema only
        await cmd.ExecuteNonQueryAsync(cancellationToken);
    }
}
