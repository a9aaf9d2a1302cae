using Npgsql;
using PgSeed.Engine.Seed;

namespace PgSeed.Engine.Tests.Infrastructure;

/// <summary>
/// A deliberately simple loader for export tests (independent of the engine's importer): COPY every CSV
/// with triggers off, then drop and re-add every FK so PostgreSQL itself validates the loaded rows.
/// </summary>
public static class SeedLoader
{
    public static async Task LoadWithForeignKeysCheckedAsync(string connectionString, string seedFolder)
    {
        var manifest = ManifestSerializer.Read(seedFolder);
        await using var c = new NpgsqlConnection(connectionString);
        await c.OpenAsync();
        await using var tx = await c.BeginTransactionAsync();
        await Exec(c, "SET session_replication_role = replica; SET DateStyle = 'ISO, YMD'; SET lc_monetary = 'C'");
        foreach (var t in manifest.Tables)
        {
            var cols = string.Join(", ", t.Columns.Select(col => Quote(col.Name)));
            await using var writer = await c.BeginTextImportAsync($"COPY {Quote(t.Schema)}.{Quote(t.Table)} ({cols}) FROM STDIN (FORMAT csv, HEADER true)");
            using var reader = new StreamReader(Path.Combine(seedFolder, t.File));
            var buffer = new char[8192];
            int n;
            while ((n = await reader.ReadAsync(buffer)) > 0) await writer.WriteAsync(buffer, 0, n);
        }
        await Exec(c, "SET session_replication_role = origin");
        // Re-adding each FK makes PostgreSQL check every row against it.
        var fks = new List<(string Table, string Name, string Def)>();
        await using (var cmd = new NpgsqlCommand("""
            SELECT con.conrelid::regclass::text, quote_ident(con.conname), pg_get_constraintdef(con.oid)
            FROM pg_constraint con JOIN pg_namespace n ON n.oid = con.connamespace
            WHERE con.contype = 'f' AND con.conparentid = 0 AND n.nspname NOT IN ('pg_catalog', 'information_schema')
            """, c))
        await using (var r = await cmd.ExecuteReaderAsync())
            while (await r.ReadAsync()) fks.Add((r.GetString(0), r.GetString(1), r.GetString(2)));
        foreach (var (table, name, def) in fks)
            await Exec(c, $"ALTER TABLE {table} DROP CONSTRAINT {name}; ALTER TABLE {table} ADD CONSTRAINT {name} {def}");
        await tx.CommitAsync();
    }

    private static string Quote(string s) => "\"" + s.Replace("\"", "\"\"") + "\"";

    private static async Task Exec(NpgsqlConnection c, string sql)
    {
        await using var cmd = new NpgsqlCommand(sql, c);
        await cmd.ExecuteNonQueryAsync();
    }
}
