using PgSeed.Engine.Diagnostics;

namespace PgSeed.Engine.Catalog;

/// <summary>
/// The PostgreSQL majors PgSeed works with (docs/architecture.md, "PostgreSQL versions"): 14 to 18 are supported and
/// tested; 13 (past its end of life) is tested and works; older servers lack catalog columns PgSeed reads
/// (<c>pg_trigger.tgparentid</c> is 13+), so they are refused up front with PGSEED007 rather than with a SQL error later.
/// Features that differ between majors are detected from the server's version or its catalog where they are used.
/// </summary>
internal static class ServerVersions
{
    /// <summary>The oldest major PgSeed runs on at all.</summary>
    public const int Oldest = 13;

    /// <summary>The oldest major PgSeed supports (PostgreSQL 13 reached its end of life in November 2025).</summary>
    public const int OldestSupported = 14;

    /// <summary>PGSEED007 when <paramref name="major"/> is older than <see cref="Oldest"/>.</summary>
    public static void EnsureSupported(int major, string version)
    {
        if (major < Oldest)
            throw new PgSeedException(ErrorCode.ServerTooOld,
                $"The server runs PostgreSQL {version}; PgSeed needs PostgreSQL {Oldest} or newer (it supports {OldestSupported} to 18). " +
                "Upgrade the server, or export from a newer copy of the database (e.g. a restored pg_dump of it).");
    }
}
