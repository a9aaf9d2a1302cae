using PgSeed.Testing.Tests.Infrastructure;

namespace PgSeed.Testing.Tests;

/// <summary>
/// Eight test classes that write the same hub rows at the same time under ONE assembly fixture (<see cref="AssemblyShop"/>,
/// lease mode): each test must start from exactly the seed (rows and sequences), never see another test's writes while it
/// runs, and the pool must make no more clones than tests ran at once (xunit.runner.json: maxParallelThreads).
/// </summary>
public abstract class ParallelWriter(AssemblyShop db) : PgSeedTest<AssemblyShop>(db)
{
    /// <summary>As in xunit.runner.json.</summary>
    public const int MaxParallelThreads = 4;

    private static int _running;
    private static int _mostAtOnce;

    /// <summary>Most writer tests seen running at once so far (reported, not asserted: scheduling decides).</summary>
    public static int MostAtOnce => Volatile.Read(ref _mostAtOnce);

    protected abstract int Writer { get; }

    [Fact]
    public Task Writes_hub_rows_and_sees_only_its_own_1() => WriteAsync(1);

    [Fact]
    public Task Writes_hub_rows_and_sees_only_its_own_2() => WriteAsync(2);

    [Fact]
    public Task Writes_hub_rows_and_sees_only_its_own_3() => WriteAsync(3);

    private async Task WriteAsync(int test)
    {
        var now = Interlocked.Increment(ref _running);
        for (var seen = _mostAtOnce; now > seen; seen = _mostAtOnce) Interlocked.CompareExchange(ref _mostAtOnce, now, seen);
        try
        {
            var mark = $"writer{Writer}.{test}";
            // An exact reset: rows and sequence values as seeded.
            (await DatabaseState.CaptureAsync(Database.ConnectionString)).ShouldEqual(Database.Seeded);
            await Database.ExecuteAsync($"""
                UPDATE shop.customer SET name = '{mark}' WHERE id IN (1, 2);
                UPDATE shop.product SET price = price + {Writer} WHERE id <= 5;
                DELETE FROM shop.order_line WHERE order_id = {Writer};
                INSERT INTO shop.orders (customer_id, note) VALUES (1, '{mark}'), (2, '{mark}');
                """);
            // Identity and sequences continue from the seed in every lease, whatever other tests inserted.
            Assert.Equal(5, await Database.ScalarAsync<int>($"INSERT INTO shop.customer (email, name) VALUES ('{mark}@example.com', '{mark}') RETURNING id"));
            await Task.Delay(30, TestContext.Current.CancellationToken); // let the other classes write meanwhile
            Assert.Equal(3L, await Database.ScalarAsync<long>($"SELECT count(*) FROM shop.customer WHERE name = '{mark}'"));
            Assert.Equal(0L, await Database.ScalarAsync<long>($"SELECT count(*) FROM shop.customer WHERE name LIKE 'writer%' AND name <> '{mark}'"));
            Assert.Equal(2L, await Database.ScalarAsync<long>($"SELECT count(*) FROM shop.orders WHERE note LIKE 'writer%'"));
            Assert.Equal(0L, await Database.ScalarAsync<long>($"SELECT count(*) FROM shop.order_line WHERE order_id = {Writer}"));
            // The pool keeps a spare ready up to the machine's core count; xUnit's thread limit is not known to it.
            Assert.True(Database.Pool!.Created <= Math.Max(MaxParallelThreads, Environment.ProcessorCount),
                $"{Database.Pool.Created} clones for at most {Database.Pool.PeakLeased} leases at once");
        }
        finally
        {
            Interlocked.Decrement(ref _running);
        }
    }
}

public sealed class Writer1Tests(AssemblyShop db) : ParallelWriter(db) { protected override int Writer => 1; }

public sealed class Writer2Tests(AssemblyShop db) : ParallelWriter(db) { protected override int Writer => 2; }

public sealed class Writer3Tests(AssemblyShop db) : ParallelWriter(db) { protected override int Writer => 3; }

public sealed class Writer4Tests(AssemblyShop db) : ParallelWriter(db) { protected override int Writer => 4; }

public sealed class Writer5Tests(AssemblyShop db) : ParallelWriter(db) { protected override int Writer => 5; }

public sealed class Writer6Tests(AssemblyShop db) : ParallelWriter(db) { protected override int Writer => 6; }

public sealed class Writer7Tests(AssemblyShop db) : ParallelWriter(db) { protected override int Writer => 7; }

public sealed class Writer8Tests(AssemblyShop db) : ParallelWriter(db) { protected override int Writer => 8; }
