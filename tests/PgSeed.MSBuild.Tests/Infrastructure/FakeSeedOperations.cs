using System.Collections.Concurrent;
using PgSeed.Engine.Diagnostics;
using PgSeed.Engine.Export;
using PgSeed.Engine.Import;
using PgSeed.Engine.Seed;
using PgSeed.MSBuild.Engine;

namespace PgSeed.MSBuild.Tests.Infrastructure;

/// <summary>Records the requests the tasks make; each call runs an optional behaviour (log, throw, wait).</summary>
internal sealed class FakeSeedOperations : ISeedOperations
{
    public ConcurrentQueue<ExportRequest> Exports { get; } = new();
    public ConcurrentQueue<ImportRequest> Imports { get; } = new();
    public ConcurrentQueue<string> Verifies { get; } = new();

    public Func<ExportRequest, ISeedLog, CancellationToken, Task>? OnExport { get; init; }
    public Func<ImportRequest, ISeedLog, CancellationToken, Task>? OnImport { get; init; }
    public Func<string, IReadOnlyList<PgSeedException>>? OnVerify { get; init; }
    public Func<ExportRequest, PgSeed.Engine.Diff.SeedCheckResult>? OnCheck { get; init; }
    public ConcurrentQueue<ExportRequest> Checks { get; } = new();

    /// <summary>The EF Core migration the fake export reports the source database at.</summary>
    public string? EfMigration { get; init; }

    public async Task<ExportReport> ExportAsync(ExportRequest request, ISeedLog log, CancellationToken cancellationToken)
    {
        Exports.Enqueue(request);
        if (OnExport is not null) await OnExport(request, log, cancellationToken);
        return new ExportReport { Tables = [new TableReport { Table = "public.t", Rows = 3, Bytes = 42 }], Elapsed = TimeSpan.FromMilliseconds(5), Tree = "public.t (3 rows)", DryRun = request.DryRun, EfMigration = EfMigration };
    }

    public async Task<ImportReport> ImportAsync(ImportRequest request, ISeedLog log, CancellationToken cancellationToken)
    {
        Imports.Enqueue(request);
        if (OnImport is not null) await OnImport(request, log, cancellationToken);
        return new ImportReport { Tables = [new TableReport { Table = "public.t", Rows = 3 }], Elapsed = TimeSpan.FromMilliseconds(5), Mode = request.Mode };
    }

    public Task<PgSeed.Engine.Diff.SeedCheckResult> CheckAsync(ExportRequest request, ISeedLog log, CancellationToken cancellationToken)
    {
        Checks.Enqueue(request);
        return Task.FromResult(OnCheck?.Invoke(request) ?? new PgSeed.Engine.Diff.SeedCheckResult { Folder = request.OutputDirectory, UpToDate = true });
    }

    public Task<SeedVerification> VerifyAsync(string seedFolder, CancellationToken cancellationToken)
    {
        Verifies.Enqueue(seedFolder);
        var manifest = new SeedManifest { Definition = new SeedDefinition { Roots = [] }, Tables = [], ForeignKeys = [] };
        return Task.FromResult(new SeedVerification(manifest, OnVerify?.Invoke(seedFolder) ?? []));
    }
}
