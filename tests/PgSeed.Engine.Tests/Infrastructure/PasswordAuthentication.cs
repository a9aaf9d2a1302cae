using Npgsql;
using PgSeed.Testing.Servers;

namespace PgSeed.Engine.Tests.Infrastructure;

/// <summary>
/// Makes one role give its password (scram-sha-256) on a throwaway test server whose pg_hba.conf trusts everyone:
/// lines for that role alone go first in the server's pg_hba.conf (other tests' roles keep logging in as before), and
/// disposing restores the file. Never on an existing server the tests were pointed at (PGSEED_TEST_CONNECTION).
/// </summary>
public sealed class PasswordAuthentication : IAsyncDisposable
{
    private readonly IPostgresServer _server;
    private readonly string _file;
    private readonly IReadOnlyList<string> _original;

    private PasswordAuthentication(IPostgresServer server, string file, IReadOnlyList<string> original)
    {
        _server = server;
        _file = file;
        _original = original;
    }

    /// <summary>Null when this server's pg_hba.conf is not ours to change.</summary>
    public static async Task<PasswordAuthentication?> RequireAsync(IPostgresServer server, string role)
    {
        if (server.GetType().Name == "ExistingPostgresServer") return null;
        try
        {
            await using var c = await OpenAsync(server);
            var file = await ScalarAsync(c, "SELECT current_setting('hba_file')");
            var original = (await ScalarAsync(c, "SELECT pg_read_file(current_setting('hba_file'))")).Split('\n').Where(l => l.Trim().Length > 0).ToList();
            var quoted = "\"" + role + "\"";
            var lines = new[] { $"local all {quoted} scram-sha-256", $"host all {quoted} 0.0.0.0/0 scram-sha-256", $"host all {quoted} ::/0 scram-sha-256" };
            await WriteAsync(c, file, [.. lines, .. original]);
            var result = new PasswordAuthentication(server, file, original);
            // The server reloads on a signal: wait (up to 10 s) until a login without the password is refused.
            var probe = new NpgsqlConnectionStringBuilder(server.AdminConnectionString) { Username = role, Password = null, Database = "postgres", Pooling = false }.ConnectionString;
            for (var i = 0; i < 100; i++)
            {
                try
                {
                    await using var login = new NpgsqlConnection(probe);
                    await login.OpenAsync();
                }
                catch (NpgsqlException)
                {
                    return result;
                }
                await Task.Delay(100);
            }
            await result.DisposeAsync();
            return null;
        }
        catch (PostgresException)
        {
            return null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await using var c = await OpenAsync(_server);
        await WriteAsync(c, _file, _original);
    }

    private static async Task<NpgsqlConnection> OpenAsync(IPostgresServer server)
    {
        var c = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(server.AdminConnectionString) { Pooling = false }.ConnectionString);
        await c.OpenAsync();
        return c;
    }

    /// <summary>
    /// One line per row, in CSV with a quote and delimiter no line holds (text COPY would escape tabs and backslashes);
    /// then the server reloads its configuration.
    /// </summary>
    private static async Task WriteAsync(NpgsqlConnection c, string file, IReadOnlyList<string> lines)
    {
        // COPY takes no parameters: the lines go through a temporary table.
        await using (var cmd = new NpgsqlCommand(
            "CREATE TEMP TABLE IF NOT EXISTS hba_lines(n bigint, l text); TRUNCATE hba_lines; " +
            "INSERT INTO hba_lines SELECT n, l FROM unnest(@lines) WITH ORDINALITY AS t(l, n)", c))
        {
            cmd.Parameters.AddWithValue("lines", lines.ToArray());
            await cmd.ExecuteNonQueryAsync();
        }
        await using (var cmd = new NpgsqlCommand(
            $"COPY (SELECT l FROM hba_lines ORDER BY n) TO '{file.Replace("'", "''")}' WITH (FORMAT csv, QUOTE E'\\x01', DELIMITER E'\\x02')", c))
            await cmd.ExecuteNonQueryAsync();
        await ScalarAsync(c, "SELECT pg_reload_conf()::text");
    }

    private static async Task<string> ScalarAsync(NpgsqlConnection c, string sql)
    {
        await using var cmd = new NpgsqlCommand(sql, c);
        return (string)(await cmd.ExecuteScalarAsync())!;
    }
}
