using System.Globalization;
using Npgsql;
using PgSeed.Engine.Diagnostics;

namespace PgSeed.Engine.Connection;

/// <summary>
/// Turns what the user gave (an Npgsql connection string, a <c>postgresql://</c> URI, nothing) into an
/// Npgsql connection string. With nothing given, <c>PGSEED_CONNECTION</c> is used, then the standard
/// PG* variables (PGHOST, PGPORT, PGDATABASE, PGUSER; Npgsql itself reads PGPASSWORD and PGPASSFILE).
/// </summary>
internal static class ConnectionResolver
{
    public const string EnvironmentVariable = "PGSEED_CONNECTION";

    public static string Resolve(string? connection, Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        var text = string.IsNullOrWhiteSpace(connection) ? environment(EnvironmentVariable) : connection;
        NpgsqlConnectionStringBuilder builder;
        if (string.IsNullOrWhiteSpace(text))
        {
            var host = environment("PGHOST");
            var database = environment("PGDATABASE");
            if (host is null && database is null)
                throw new PgSeedException(ErrorCode.NoConnection,
                    $"No connection given. Pass {OptionNames.Connection}, or set {EnvironmentVariable} or the PG* variables (PGHOST, PGDATABASE, PGUSER; the password through PGPASSWORD).");
            builder = new NpgsqlConnectionStringBuilder();
            if (host is not null) builder.Host = host;
            if (environment("PGPORT") is { } port && int.TryParse(port, out var p)) builder.Port = p;
            if (database is not null) builder.Database = database;
            if (environment("PGUSER") is { } user) builder.Username = user;
        }
        else
        {
            try
            {
                builder = IsUri(text) ? FromUri(text) : new NpgsqlConnectionStringBuilder(text);
            }
            catch (Exception e) when (e is ArgumentException or FormatException or UriFormatException or KeyNotFoundException)
            {
                // Never echo the text: it may hold a password.
                throw new PgSeedException(ErrorCode.InvalidConnection, $"The connection string is not valid: {Redact(e.Message)}");
            }
        }
        if (string.IsNullOrEmpty(builder.ApplicationName)) builder.ApplicationName = "pgseed";
        return builder.ConnectionString;
    }

    /// <summary>Host, port, database and user only: safe to print (never the password or other options).</summary>
    public static string Describe(string connectionString)
    {
        try
        {
            var b = new NpgsqlConnectionStringBuilder(connectionString);
            var user = string.IsNullOrEmpty(b.Username) ? "" : b.Username + "@";
            return $"{user}{b.Host ?? "localhost"}:{b.Port}/{b.Database}";
        }
        catch (ArgumentException)
        {
            return "(connection)";
        }
    }

    /// <summary>A request's connection input for its <c>ToString()</c>: described as <see cref="Describe"/> does, never with the password.</summary>
    internal static string DescribeInput(string? connectionString, NpgsqlDataSource? dataSource) =>
        connectionString is not null ? Describe(connectionString)
        : dataSource is not null ? "data source " + Describe(dataSource.ConnectionString)
        : "(none)";

    private static bool IsUri(string text) =>
        text.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase) ||
        text.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase);

    /// <summary>Parses <c>postgresql://user:pass@host:port/db?sslmode=require&amp;application_name=x</c>.</summary>
    internal static NpgsqlConnectionStringBuilder FromUri(string text)
    {
        var uri = new Uri(text);
        var b = new NpgsqlConnectionStringBuilder();
        if (!string.IsNullOrEmpty(uri.Host)) b.Host = Uri.UnescapeDataString(uri.Host.Trim('[', ']'));
        if (uri.Port > 0) b.Port = uri.Port;
        var db = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/'));
        if (db.Length > 0) b.Database = db;
        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            var colon = uri.UserInfo.IndexOf(':');
            b.Username = Uri.UnescapeDataString(colon < 0 ? uri.UserInfo : uri.UserInfo[..colon]);
            if (colon >= 0) b.Password = Uri.UnescapeDataString(uri.UserInfo[(colon + 1)..]);
        }
        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=');
            var key = Uri.UnescapeDataString(eq < 0 ? pair : pair[..eq]);
            var value = eq < 0 ? "" : Uri.UnescapeDataString(pair[(eq + 1)..]);
            switch (key.ToLowerInvariant())
            {
                case "sslmode": b.SslMode = Enum.Parse<SslMode>(value, ignoreCase: true); break;
                case "application_name": b.ApplicationName = value; break;
                case "connect_timeout": b.Timeout = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "options": b.Options = value; break;
                case "host": b.Host = value; break;
                case "port": b.Port = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "user": b.Username = value; break;
                case "password": b.Password = value; break;
                case "dbname": b.Database = value; break;
                default: b[key] = value; break;
            }
        }
        return b;
    }

    /// <summary>Removes anything that looks like a password assignment from a message.</summary>
    public static string Redact(string message) => Redaction.Redact(message);
}
