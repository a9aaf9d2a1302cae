namespace PgSeed.Testing;

/// <summary>How <see cref="PgSeedDatabase.ResetAsync"/> brings the fixture's database back to the seeded state.</summary>
public enum ResetStrategy
{
    /// <summary>
    /// Default. Triggers record the keys of every row a test inserts, updates or deletes; a reset restores
    /// exactly those rows from an in-database copy of the seed, so it costs what the test changed. TRUNCATE or
    /// changes to more than <see cref="PgSeedOptions.ReloadThreshold"/> of a table reload that table; DDL re-clones.
    /// </summary>
    ChangeCapture,

    /// <summary>Drops the database and clones it again from the template (tens of milliseconds).</summary>
    CloneFromTemplate,

    /// <summary>The Respawn-like baseline: truncate every table, then reload the whole seed.</summary>
    TruncateAndReload,
}
