using Npgsql;
using PgSeed.Engine.Diagnostics;

namespace PgSeed.Engine.Connection;

/// <summary>
/// Where a request's sessions come from: a connection string, or the caller's <see cref="NpgsqlDataSource"/>. Either
/// way PgSeed opens sessions of its own (unpooled, no command timeout unless one was written, the deterministic
/// settings of <see cref="Sessions"/>): from a data source by <see cref="NpgsqlConnection.CloneWith"/> of one of its
/// connections, which keeps its password and TLS callbacks although its connection string hides the password. So the
/// parallel copy sessions (one snapshot) and the side session that cancels server work have the same identity as the
/// first. External tools (pg_dump) get <see cref="ConnectionString"/>: a data source's password only when it persists it.
/// </summary>
internal sealed class SessionSource
{
    private readonly string? _connectionString;
    private readonly NpgsqlDataSource? _dataSource;
    private readonly bool _errorDetail;

    private SessionSource(string? connectionString, NpgsqlDataSource? dataSource, bool errorDetail)
    {
        _connectionString = connectionString;
        _dataSource = dataSource;
        _errorDetail = errorDetail;
    }

    /// <summary>Exactly one of the two; <paramref name="connectionOption"/> and <paramref name="dataSourceOption"/> name them in the error.</summary>
    public static SessionSource For(string? connectionString, NpgsqlDataSource? dataSource, string connectionOption, string dataSourceOption)
    {
        var hasString = !string.IsNullOrWhiteSpace(connectionString);
        if (hasString && dataSource is not null)
            throw new PgSeedException(ErrorCode.InvalidOption,
                $"Both {connectionOption} and {dataSourceOption} are set: give one of the two.") { Option = dataSourceOption };
        if (!hasString && dataSource is null)
            throw new PgSeedException(ErrorCode.NoConnection,
                $"No connection given: set {connectionOption} or {dataSourceOption}.") { Option = connectionOption };
        return new SessionSource(hasString ? connectionString : null, dataSource, errorDetail: false);
    }

    /// <summary>
    /// The same source with Npgsql's <c>Include Error Detail</c> on: an import's errors name the offending key from
    /// the server's DETAIL, which Npgsql hides otherwise.
    /// </summary>
    public SessionSource WithErrorDetail() => new(_connectionString, _dataSource, errorDetail: true);

    /// <summary>True when the sessions come from a data source (whose connection string may lack the password).</summary>
    public bool IsDataSource => _dataSource is not null;

    /// <summary>The connection string; a data source's leaves its password out unless it sets <c>Persist Security Info</c>.</summary>
    public string ConnectionString => _connectionString ?? _dataSource!.ConnectionString;

    /// <summary>User, host, port and database: safe to print.</summary>
    public string Description => ConnectionResolver.Describe(ConnectionString);

    /// <summary>Opens a session of PgSeed's own with the deterministic settings applied.</summary>
    public async Task<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken)
    {
        if (_dataSource is null)
            return await Sessions.OpenAsync(_errorDetail ? WithErrorDetail(_connectionString!) : _connectionString!, cancellationToken).ConfigureAwait(false);
        NpgsqlConnection connection;
        var template = _dataSource.CreateConnection();
        await using (template.ConfigureAwait(false))
        {
            var own = Sessions.OwnSessionSettings(template.ConnectionString);
            if (_errorDetail) own = WithErrorDetail(own);
            connection = template.CloneWith(own);
        }
        return await Sessions.OpenAsync(connection, ConnectionString, cancellationToken).ConfigureAwait(false);
    }

    private static string WithErrorDetail(string connectionString) =>
        new NpgsqlConnectionStringBuilder(connectionString) { IncludeErrorDetail = true }.ConnectionString;
}
