using System.Text;
using Npgsql;

namespace PgSeed.Bench;

/// <summary>
/// A digest of a database's user data: every <c>public</c> table's rows (md5 of their sorted text) and every sequence's
/// <c>(last_value, is_called)</c>. Equal digests mean a reset really brought the database back to the seeded state,
/// so contenders are compared doing the same work.
/// </summary>
internal static class StateDigest
{
    public static async Task<string> OfAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var tables = new List<string>();
        var sequences = new List<string>();
        await using (var cmd = new NpgsqlCommand(
                         "SELECT relkind::text, quote_ident(relname) FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind IN ('r', 'S') ORDER BY relname",
                         connection))
        await using (var reader = await cmd.ExecuteReaderAsync())
            while (await reader.ReadAsync())
                (reader.GetString(0) == "r" ? tables : sequences).Add(reader.GetString(1));
        var digest = new StringBuilder();
        foreach (var t in tables)
            digest.Append(t).Append('=').Append(await CopyBaseline.ScalarAsync<string>(connection,
                $"SELECT md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '')) FROM public.{t} t", CancellationToken.None)).Append(';');
        foreach (var s in sequences)
            digest.Append(s).Append('=').Append(await CopyBaseline.ScalarAsync<string>(connection,
                $"SELECT last_value || '/' || is_called FROM public.{s}", CancellationToken.None)).Append(';');
        return digest.ToString();
    }
}
