using Npgsql;
using PgSeed.Engine.Catalog;
using PgSeed.Engine.Diagnostics;
using PgSeed.Engine.Seed;

namespace PgSeed.Engine.Import;

/// <summary>
/// The pre-flight: matches a verified seed to the target's catalog by name and decides how every table
/// loads and how every FK is handled. Everything it rejects is rejected before the first write.
/// </summary>
internal static class ImportPlanner
{
    public static async Task<ImportPlan> BuildAsync(NpgsqlConnection connection, ImportRequest request, IReadOnlyList<ImportTableSource> sources,
        DatabaseCatalog catalog, TargetPrivileges privileges, ISeedLog log, CancellationToken cancellationToken)
    {
        if (request.DisableTriggers && !privileges.CanDisableTriggers)
            throw new PgSeedException(ErrorCode.PermissionDenied,
                $"{OptionNames.ImportDisableTriggers} needs a role that may set session_replication_role (a superuser, or PostgreSQL 15+ GRANT SET ON PARAMETER); " +
                $"role {privileges.Role} may not. Run without it: PgSeed then keeps FKs correct by dropping and re-adding or deferring them.");

        IReadOnlyList<TablePlan> matched = sources.Select(t => MatchTable(request, t, catalog, log)).ToList();
        if (request.Mode == ImportMode.Upsert)
            matched = await UserTriggers.SilenceForUpsertAsync(connection, matched, privileges, request.DisableTriggers, log, cancellationToken).ConfigureAwait(false);
        var seedSet = matched.Select(t => t.Target.Name).ToHashSet();
        if (seedSet.Count != matched.Count)
            throw new PgSeedException(ErrorCode.ManifestInvalid, "The manifest lists a table more than once.");
        // Load in the order the target's FKs need (they may differ from the source's); only FKs on a real cycle
        // load before their parent, and those are the only ones that need dropping or deferring for a non-owner.
        var order = ImportOrder.Order(matched.Select(t => t.Target.Name).ToList(), matched.SelectMany(t => t.Target.ForeignKeys).ToList());
        var tables = order.Tables.Select(name => matched.First(t => t.Target.Name == name)).ToList();

        var cascaded = Array.Empty<TableName>() as IReadOnlyList<TableName>;
        if (request.Mode == ImportMode.Truncate)
        {
            var outside = tables.SelectMany(t => t.Target.ReferencedBy).Where(fk => !seedSet.Contains(fk.Child)).ToList();
            if (outside.Count > 0)
            {
                // TRUNCATE must take every table that references a truncated one, transitively. Empty ones lose
                // nothing (a fresh database, a test template), so they go along; rows outside the seed need --cascade.
                var referencing = ReferencingClosure(outside.Select(fk => fk.Child), seedSet, catalog);
                var empty = await EmptyTables.FindAsync(connection, referencing, cancellationToken).ConfigureAwait(false);
                var nonEmpty = referencing.Where(t => !empty.Contains(t)).ToList();
                if (nonEmpty.Count > 0 && !request.Cascade)
                    throw new PgSeedException(ErrorCode.TruncateReferenced,
                        "Cannot truncate the seed's tables: tables outside the seed that hold rows reference them: " +
                        string.Join(", ", nonEmpty.Select(t => outside.FirstOrDefault(fk => fk.Child == t) is { } fk
                            ? $"{t.Display} ({fk.Name} -> {fk.Parent.Display})" : $"{t.Display} (through another referencing table)")) +
                        $". Add those tables to the seed, or pass {OptionNames.ImportCascade} to empty them too.")
                        { Table = nonEmpty[0].Display };
                cascaded = referencing;
                if (nonEmpty.Count == 0)
                    log.Detail($"empty tables outside the seed that reference it are truncated with it: {string.Join(", ", referencing.Select(t => t.Display))}");
            }
        }

        var foreignKeys = PlanForeignKeys(request, tables, seedSet, privileges, order.BrokenForeignKeys);

        var owned = tables.SelectMany(t => t.Target.Columns.Where(c => c.Sequence is not null && !c.Generated)
            .Select(c => (t.Target.Name, c.Name, Sequence: c.Sequence!))).ToList();
        var increments = await TargetPrivileges.ReadSequenceIncrementsAsync(connection, owned.Select(o => o.Sequence).Distinct().ToList(), cancellationToken).ConfigureAwait(false);
        var sequences = owned.Where(o => increments.ContainsKey(o.Sequence))
            .Select(o => new SequencePlan(o.Item1, o.Item2, o.Sequence, increments[o.Sequence])).ToList();

        return new ImportPlan
        {
            Mode = request.Mode,
            Tables = tables,
            ForeignKeys = foreignKeys,
            CascadedTables = cascaded,
            Cascade = request.Cascade,
            DisableTriggers = request.DisableTriggers,
            Sequences = request.Rehearse ? [] : sequences, // setval survives a rollback
            Rehearse = request.Rehearse,
            CheckedReferences = ReferencingRowsCheck.Plan(request, tables, seedSet),
        };
    }

    /// <summary>Tables outside the seed referencing it, directly or through each other.</summary>
    private static List<TableName> ReferencingClosure(IEnumerable<TableName> start, HashSet<TableName> seed, DatabaseCatalog catalog)
    {
        var found = new SortedSet<TableName>();
        var queue = new Queue<TableName>(start);
        while (queue.Count > 0)
        {
            var t = queue.Dequeue();
            if (seed.Contains(t) || !found.Add(t)) continue;
            if (catalog.TryGet(t, out var info))
                foreach (var fk in info.ReferencedBy) queue.Enqueue(fk.Child);
        }
        return found.ToList();
    }

    private static TablePlan MatchTable(ImportRequest request, ImportTableSource source, DatabaseCatalog catalog, ISeedLog log)
    {
        var seed = source.Seed;
        var path = source.Csv.FilePath;
        var name = new TableName(seed.Schema, seed.Table);
        if (!catalog.TryGet(name, out var target))
            throw new PgSeedException(ErrorCode.TargetTableMissing,
                $"Table {seed.Name} of the seed does not exist in the target database. Create the schema first (migrations), or re-export the seed.")
                { Table = seed.Name, File = path };

        var header = source.Header;

        var written = new List<string>();
        var skipped = new List<string>();
        foreach (var column in header)
        {
            var target_ = target.Column(column);
            if (target_ is null)
                throw new PgSeedException(ErrorCode.TargetColumnMissing,
                    $"Column {column} of {source.Csv.Name} does not exist in table {seed.Name} of the target (renamed or dropped?). " +
                    "Bring the target's schema up to date, or re-export the seed from the current schema.")
                    { Table = seed.Name, Column = column, File = path };
            if (target_.Generated)
            {
                log.Warning(ErrorCode.GeneratedColumnSkipped,
                    $"{seed.Name}.{column} is a generated column in the target: its seed values are skipped and the target computes them.");
                skipped.Add(column);
            }
            else written.Add(column);
        }
        var missing = target.Columns.FirstOrDefault(c => !c.CanBeOmitted && !written.Contains(c.Name));
        if (missing is not null)
            throw new PgSeedException(ErrorCode.RequiredColumnMissing,
                $"Column {missing.Name} of table {seed.Name} is NOT NULL without a default, and {source.Csv.Name} has no such column. " +
                "Give the column a default or make it nullable in the target, or re-export the seed.")
                { Table = seed.Name, Column = missing.Name, File = path };

        var overriding = written.Any(c => target.Column(c)!.IsIdentityAlways);
        IReadOnlyList<string>? conflictKey = null;
        IReadOnlyList<string> updated = Array.Empty<string>();
        if (request.Mode == ImportMode.Upsert)
        {
            conflictKey = target.RowKey;
            if (conflictKey is null)
                throw new PgSeedException(ErrorCode.UpsertWithoutKey,
                    $"Table {seed.Name} has neither a primary key nor a unique constraint on NOT NULL columns, so {OptionNames.ImportUpsert} cannot match its rows. " +
                    $"Add a key, or import it with {OptionNames.ImportTruncate}.")
                    { Table = seed.Name, File = path };
            var absent = conflictKey.FirstOrDefault(k => !written.Contains(k));
            if (absent is not null)
                throw new PgSeedException(ErrorCode.UpsertWithoutKey,
                    $"{source.Csv.Name} lacks key column {absent} of table {seed.Name}, so {OptionNames.ImportUpsert} cannot match its rows.")
                    { Table = seed.Name, Column = absent, File = path };
            // Identity ALWAYS columns can only be updated to DEFAULT: leave them as they are on conflict.
            updated = written.Where(c => !conflictKey.Contains(c) && !target.Column(c)!.IsIdentityAlways).ToList();
        }

        return new TablePlan
        {
            Seed = seed,
            Target = target,
            Csv = source.Csv,
            CsvColumns = header,
            WrittenColumns = written,
            SkippedColumns = skipped,
            OverridingSystemValue = overriding,
            ConflictKey = conflictKey,
            UpdatedColumns = updated,
            // FREEZE needs the table truncated in this transaction; partitioned tables refuse it.
            Freeze = request.Mode == ImportMode.Truncate && !target.Partitioned,
        };
    }

    /// <summary>
    /// Decides each FK declared on a seed table. Per-row checks are several times slower than validating
    /// the FK in one join afterwards, so FKs are dropped and re-added (inside the transaction) wherever the
    /// role owns the table; otherwise deferrable FKs are deferred and the rest are checked row by row, which
    /// works when the parent is loaded first. An FK whose parent loads later and that can be neither
    /// dropped nor deferred is a cycle PgSeed cannot load: PGSEED048.
    /// </summary>
    private static List<ForeignKeyPlan> PlanForeignKeys(ImportRequest request, IReadOnlyList<TablePlan> tables,
        HashSet<TableName> seedSet, TargetPrivileges privileges, IReadOnlyList<ForeignKeyInfo> onCycles)
    {
        var cycle = onCycles.ToHashSet();
        var position = tables.Select((t, i) => (t.Target.Name, i)).ToDictionary(x => x.Name, x => x.i);
        var result = new List<ForeignKeyPlan>();
        foreach (var table in tables)
        foreach (var fk in table.Target.ForeignKeys.SelectMany(f => f.Constraints)) // an FK of partitions: each partition's constraint
        {
            var internalKey = seedSet.Contains(fk.Parent);
            // FKs to tables outside the seed stay checked per row, unless triggers are off (replica mode skips
            // RI checks, so the FK is re-added to have PostgreSQL check the final state).
            if (!internalKey && !request.DisableTriggers)
            {
                result.Add(new ForeignKeyPlan(fk, ForeignKeyHandling.CheckedPerRow));
                continue;
            }
            if (privileges.OwnedTables.Contains(fk.ConstraintTable))
                result.Add(new ForeignKeyPlan(fk, ForeignKeyHandling.Dropped, cycle.Contains(fk)));
            else if (request.DisableTriggers)
                // Replica mode skips RI triggers: an FK we cannot re-add would go unchecked.
                throw new PgSeedException(ErrorCode.PermissionDenied,
                    $"{OptionNames.ImportDisableTriggers} turns FK checks off, so PgSeed re-adds every FK of the seed's tables to check them; role {privileges.Role} " +
                    $"does not own {fk.ConstraintTable.Display} and cannot re-add {fk.Display}. Import as the owner, or without {OptionNames.ImportDisableTriggers}.")
                    { Table = fk.Child.Display };
            else if (fk.Deferrable)
                result.Add(new ForeignKeyPlan(fk, ForeignKeyHandling.Deferred, cycle.Contains(fk)));
            else if (!internalKey || fk.IsSelfReference || position[fk.Parent] < position[fk.Child])
                result.Add(new ForeignKeyPlan(fk, ForeignKeyHandling.CheckedPerRow));
            else
                throw new PgSeedException(ErrorCode.CycleNotLoadable,
                    $"FK {fk.Display} ({fk.Child.Display} -> {fk.Parent.Display}) is on a cycle of foreign keys ({Cycle(fk, tables)}), " +
                    $"broken there so {fk.Parent.Display} loads after {fk.Child.Display}; " +
                    $"the FK is not DEFERRABLE, and role {privileges.Role} does not own {fk.ConstraintTable.Display} so it cannot drop and re-add it. " +
                    "Import as the tables' owner, or make the FK DEFERRABLE.")
                    { Table = fk.Child.Display };
        }
        return result;
    }

    /// <summary>The cycle an FK closes, as a path of tables: child -> parent -> ... -> child (shortest, by FKs among the seed's tables).</summary>
    private static string Cycle(ForeignKeyInfo fk, IReadOnlyList<TablePlan> tables)
    {
        var edges = tables.SelectMany(t => t.Target.ForeignKeys).Where(f => !f.IsSelfReference).ToList();
        // Breadth-first from the FK's parent, following FKs child -> parent, back to the FK's child.
        var previous = new Dictionary<TableName, TableName> { [fk.Parent] = fk.Parent };
        var queue = new Queue<TableName>([fk.Parent]);
        while (queue.Count > 0 && !previous.ContainsKey(fk.Child))
        {
            var t = queue.Dequeue();
            foreach (var e in edges.Where(e => e.Child == t && !previous.ContainsKey(e.Parent)))
            {
                previous[e.Parent] = t;
                queue.Enqueue(e.Parent);
            }
        }
        if (!previous.ContainsKey(fk.Child)) return $"{fk.Child.Display} -> {fk.Parent.Display}";
        var path = new List<TableName>();
        for (var t = fk.Child; t != fk.Parent; t = previous[t]) path.Add(t);
        path.Add(fk.Parent);
        path.Reverse(); // parent, ..., child
        return string.Join(" -> ", path.Prepend(fk.Child).Select(t => t.Display));
    }
}
