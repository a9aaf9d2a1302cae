namespace PgSeed.Testing;

/// <summary>What the last <see cref="PgSeedDatabase.ResetAsync"/> had to do.</summary>
public enum ResetOutcome
{
    /// <summary>No reset has run yet.</summary>
    None,

    /// <summary>Nothing had changed: one round trip.</summary>
    Clean,

    /// <summary>Only sequences had moved (e.g. a rolled-back insert); they were set back.</summary>
    SequencesRestored,

    /// <summary>Changed rows (or whole tables) were restored from the seed copy.</summary>
    Restored,

    /// <summary>Every table was truncated and reloaded (<see cref="ResetStrategy.TruncateAndReload"/>).</summary>
    Reloaded,

    /// <summary>The database was dropped and cloned again from the template (DDL, a failed reset, or <see cref="ResetStrategy.CloneFromTemplate"/>).</summary>
    Recloned,
}
