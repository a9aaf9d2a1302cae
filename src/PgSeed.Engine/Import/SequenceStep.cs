using System.Globalization;
using Npgsql;
using PgSeed.Engine.Diagnostics;
using PgSeed.Engine.Sql;

namespace PgSeed.Engine.Import;

/// <summary>
/// Moves each sequence just past the imported values, as the import's last step before COMMIT, so that a failed
/// or interrupted import leaves every sequence exactly as it was. <c>setval</c> is never rolled back, but
/// <c>ALTER SEQUENCE ... RESTART</c> is transactional (PostgreSQL 10+ writes the new value to a new relation file
/// that only COMMIT makes current): every sequence the role owns moves that way, even a kill -9 right after this
/// step changes nothing. A sequence the role may only <c>setval</c> (UPDATE privilege, not owner) is moved after
/// all of those, and moved back (if still where PgSeed put it) when anything fails afterwards, COMMIT included.
/// A sequence never moves backwards, and is left alone for an empty table.
/// </summary>
internal sealed class SequenceStep(NpgsqlConnection connection, IReadOnlyList<SequencePlan> sequences, bool dryRun, ISeedLog log)
{
    /// <summary>Sequences moved by setval (not transactional), with the state to restore.</summary>
    private readonly List<(SequencePlan Plan, long Previous, bool PreviousCalled, long Set)> _setval = new();

    public async Task AdvanceAsync(CancellationToken cancellationToken)
    {
        if (sequences.Count == 0) return;
        var read = ImportStatements.ReadSequenceTargets(sequences);
        log.Sql(read);
        if (dryRun)
        {
            foreach (var s in sequences)
                log.Sql(s.Owned
                    ? $"ALTER SEQUENCE {s.Sequence} RESTART WITH <{(s.Increment > 0 ? "max" : "min")}({Identifier.Quote(s.Column)}) {(s.Increment > 0 ? "+" : "-")} {Math.Abs(s.Increment)}>"
                    : $"SELECT pg_catalog.setval({Identifier.Literal(s.Sequence)}::regclass, <{(s.Increment > 0 ? "max" : "min")}({Identifier.Quote(s.Column)})>, true)");
            return;
        }

        // Several columns may draw from one sequence (shared through their defaults): it must clear all of them.
        var targets = new Dictionary<string, (SequencePlan Plan, long Value, long Last, bool Called, long Min, long Max)>(StringComparer.Ordinal);
        var cmd = new NpgsqlCommand(read, connection);
        await using (cmd.ConfigureAwait(false))
        {
            var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using var rScope = r.ConfigureAwait(false);
            while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                if (r.IsDBNull(1)) continue; // empty table: leave the sequence alone
                var s = sequences[r.GetInt32(0)];
                var value = r.GetInt64(1);
                if (targets.TryGetValue(s.Sequence, out var seen) && (s.Increment > 0 ? seen.Value >= value : seen.Value <= value)) continue;
                targets[s.Sequence] = (s, value, r.GetInt64(2), r.GetBoolean(3), r.GetInt64(4), r.GetInt64(5));
            }
        }

        var restart = new List<string>();
        var setval = new List<(SequencePlan Plan, long Previous, bool PreviousCalled, long Value)>();
        foreach (var (s, value, last, called, min, max) in targets.Values)
        {
            var up = s.Increment > 0;
            var ahead = up ? value > last : value < last;
            if (!ahead && !(value == last && !called)) continue; // already past the data: never backwards
            if (!s.Owned) { setval.Add((s, last, called, value)); continue; }
            // The next value the sequence hands out; at the very end of its range, RESTART at the value itself and
            // mark it used with setval, which the RESTART's new relation file makes transactional too.
            var next = value + s.Increment;
            var inRange = up ? value <= max - s.Increment : value >= min - s.Increment;
            restart.Add(inRange
                ? ImportStatements.RestartSequence(s, next)
                : ImportStatements.RestartSequence(s, value) + ";\n" + ImportStatements.SetSequence(s, value, true));
        }
        foreach (var sql in restart) await RunAsync(sql, cancellationToken).ConfigureAwait(false);
        // Not transactional: after everything else that can fail in this step, and remembered for the undo.
        foreach (var (s, previous, previousCalled, value) in setval)
        {
            _setval.Add((s, previous, previousCalled, value));
            await RunAsync(ImportStatements.SetSequence(s, value, true), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// After a rollback: puts back the sequences moved by setval, unless another session has drawn from them since
    /// (then they are ahead of PgSeed's value, which is harmless). Best effort; a failure is a PGSEED051 warning.
    /// </summary>
    public async Task UndoAsync()
    {
        for (var i = _setval.Count - 1; i >= 0; i--)
        {
            var (s, previous, previousCalled, value) = _setval[i];
            try
            {
                var cmd = new NpgsqlCommand(ImportStatements.UndoSequence(s, previous, previousCalled, value), connection);
                await using var cmdScope = cmd.ConfigureAwait(false);
                await cmd.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception e) when (e is NpgsqlException or InvalidOperationException or IOException)
            {
                log.Warning(ErrorCode.SequenceNotRestored,
                    $"sequence {s.Sequence} was moved to {value.ToString(CultureInfo.InvariantCulture)} by setval (the role does not own it, so it cannot be moved " +
                    $"transactionally) and could not be moved back to {previous.ToString(CultureInfo.InvariantCulture)}: {Connection.ConnectionResolver.Redact(e.Message)}. " +
                    $"The rows were not imported; run SELECT setval('{s.Sequence}', {previous.ToString(CultureInfo.InvariantCulture)}, {(previousCalled ? "true" : "false")}) if that matters.");
            }
        }
        _setval.Clear();
    }

    private async Task RunAsync(string sql, CancellationToken cancellationToken)
    {
        log.Sql(sql);
        var cmd = new NpgsqlCommand(sql, connection);
        await using var cmdScope = cmd.ConfigureAwait(false);
        await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
