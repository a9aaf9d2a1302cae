using PgSeed.Engine.Diagnostics;
using PgSeed.Engine.Import;
using PgSeed.Engine.Tests.Infrastructure;

namespace PgSeed.Engine.Tests.Import;

/// <summary>Schemas and helpers shared by the import tests.</summary>
internal static class ImportTestKit
{
    /// <summary>
    /// The integrity schema: a hub (customer), a self-reference (employee.manager_id, identity ALWAYS key),
    /// a child with a generated column (orders), and a two-table cycle with NOT NULL FKs both ways
    /// (dept.head_id -> staff, staff.dept_id -> dept) that no load order satisfies row by row.
    /// </summary>
    public static string Schema(bool deferrableCycle = false) => $"""
        create table customer (id serial primary key, name text not null);
        create table employee (id int generated always as identity primary key, name text not null,
                               manager_id int references employee(id));
        create table orders (id bigserial primary key, customer_id int not null references customer(id),
                             handled_by int references employee(id), total numeric(12,2),
                             total_x2 numeric generated always as (total * 2) stored);
        create table dept (id int primary key, name text not null, head_id int not null);
        create table staff (id int primary key, dept_id int not null references dept(id), name text);
        alter table dept add constraint dept_head_fk foreign key (head_id) references staff(id){(deferrableCycle ? " deferrable" : "")};
        """;

    /// <summary>Source rows for <see cref="Schema"/>; the cycle is filled with triggers off.</summary>
    public const string Data = """
        insert into customer (name) values ('Ada'), ('Bob "the" builder'), ('Cé, çà');
        insert into employee (name, manager_id) values ('boss', null);
        insert into employee (name, manager_id) values ('mid', 1), ('low', 2);
        insert into orders (customer_id, handled_by, total) values (1, 3, 10.50), (1, null, 2), (3, 2, 99.99);
        set session_replication_role = replica;
        insert into dept values (1, 'R&D', 10), (2, 'Ops', 20);
        insert into staff values (10, 1, 'Dee'), (20, 2, 'Eve'), (21, 2, 'Fay');
        set session_replication_role = origin;
        """;

    /// <summary>Load order as an exporter would write it: parents first where the FKs allow.</summary>
    public static readonly string[] Tables = { "public.customer", "public.employee", "public.orders", "public.dept", "public.staff" };

    /// <summary>Runs <paramref name="sql"/> as <paramref name="role"/> after giving it the public schema, so it owns what it creates.</summary>
    public static string AsOwner(TestRole role, string sql) =>
        $"grant all on schema public to \"{role.Name}\"; set role \"{role.Name}\"; {sql}; reset role;";

    /// <summary>Every row of each table as md5(row::text), sorted: equal snapshots mean equal contents.</summary>
    public static async Task<List<string>> SnapshotAsync(TestDatabase db, params string[] tables)
    {
        var all = new List<string>();
        foreach (var t in tables.Length == 0 ? Tables : tables)
            all.AddRange((await db.ColumnAsync($"select md5(x::text) from {t} x order by 1")).Select(h => $"{t}:{h}"));
        return all;
    }

    public static Task<ImportReport> ImportAsync(string connectionString, string folder, ImportMode mode = ImportMode.Append,
        ISeedLog? log = null, bool cascade = false, bool disableTriggers = false, bool dryRun = false, CancellationToken? ct = null) =>
        SeedImporter.ImportAsync(new ImportRequest
        {
            ConnectionString = connectionString,
            SeedDirectory = folder,
            Mode = mode,
            Cascade = cascade,
            DisableTriggers = disableTriggers,
            DryRun = dryRun,
        }, log, ct ?? TestContext.Current.CancellationToken);

    public static async Task<PgSeedException> FailsAsync(string code, Func<Task> action)
    {
        var e = await Assert.ThrowsAsync<PgSeedException>(action);
        Assert.True(e.Code == code, $"expected {code}, got {e}");
        return e;
    }
}
