using PgSeed.Engine.Diagnostics;
using PgSeed.Testing.Templates;

namespace PgSeed.Testing.Tests;

/// <summary>Issue 18.1: what identifies a schema callback in the template key (no database needed).</summary>
public sealed class CallbackKeyTests
{
    private static Func<string, CancellationToken, Task> MigrateTo(string? target) => (cs, ct) => RunAsync(cs, target, ct);

    private static Task RunAsync(string connectionString, string? target, CancellationToken cancellationToken) => Task.CompletedTask;

    private static string Key(Func<string, CancellationToken, Task> callback, string? key = null) => CallbackKey.Describe(callback, key);

    [Fact]
    public void One_lambda_with_different_captured_values_gets_different_keys_and_equal_values_equal_keys()
    {
        Assert.NotEqual(Key(MigrateTo("20250101_Initial")), Key(MigrateTo(null)));
        Assert.NotEqual(Key(MigrateTo("")), Key(MigrateTo(null)));
        Assert.Equal(Key(MigrateTo("20250101_Initial")), Key(MigrateTo("20250101_Initial")));
        Assert.Equal(Key(RunAsyncWithoutTarget), Key(RunAsyncWithoutTarget));
    }

    private static Task RunAsyncWithoutTarget(string connectionString, CancellationToken cancellationToken) => Task.CompletedTask;

    [Fact]
    public void Scalars_enums_collections_tuples_and_nested_closures_are_keyed_by_value()
    {
        Func<string, CancellationToken, Task> Make(int version, ResetStrategy strategy, string[] steps, (string, int) pair, Func<string, string> map)
        {
            var outer = version * 2; // a second closure level
            return (cs, ct) => RunAsync(map(cs) + outer + strategy + steps.Length + pair, null, ct);
        }
        string Upper(string s) => s.ToUpperInvariant();
        Func<string, string> same = s => s; // each lambda written out is a method of its own, so one is shared
        var a = Key(Make(1, ResetStrategy.ChangeCapture, ["a", "b"], ("x", 1), same));
        Assert.Equal(a, Key(Make(1, ResetStrategy.ChangeCapture, ["a", "b"], ("x", 1), same)));
        Assert.NotEqual(a, Key(Make(2, ResetStrategy.ChangeCapture, ["a", "b"], ("x", 1), same)));
        Assert.NotEqual(a, Key(Make(1, ResetStrategy.CloneFromTemplate, ["a", "b"], ("x", 1), same)));
        Assert.NotEqual(a, Key(Make(1, ResetStrategy.ChangeCapture, ["a", "c"], ("x", 1), same)));
        Assert.NotEqual(a, Key(Make(1, ResetStrategy.ChangeCapture, ["a", "b"], ("x", 2), same)));
        Assert.NotEqual(a, Key(Make(1, ResetStrategy.ChangeCapture, ["a", "b"], ("x", 1), Upper)));
    }

    private sealed class Settings { public string Target { get; init; } = ""; }

    [Fact]
    public void A_capture_that_cannot_be_keyed_asks_for_an_explicit_key()
    {
        var settings = new Settings { Target = "Initial" };
        Func<string, CancellationToken, Task> callback = (cs, ct) => RunAsync(cs, settings.Target, ct);
        var e = Assert.Throws<PgSeedException>(() => Key(callback));
        Assert.Equal(TestingErrorCode.SchemaCallbackUnkeyed, e.Code);
        Assert.Contains("target.settings", e.Message);
        Assert.Contains(typeof(Settings).FullName!, e.Message);

        Assert.Equal(Key(callback, "Initial"), Key(callback, "Initial"));
        Assert.NotEqual(Key(callback, "Initial"), Key(callback, "Latest"));
    }

    /// <summary>A fixture's instance method: the fixture's own fields are keyed, PgSeed's base classes are not.</summary>
    private sealed class MigratingFixture(string target) : PgSeedFixture
    {
        protected override void Configure(PgSeedOptions options) => options.Schema(MigrateAsync);

        public Task MigrateAsync(string connectionString, CancellationToken cancellationToken) => RunAsync(connectionString, target, cancellationToken);
    }

    [Fact]
    public void A_fixture_method_is_keyed_by_the_fixture_fields()
    {
        Assert.Equal(Key(new MigratingFixture("a").MigrateAsync), Key(new MigratingFixture("a").MigrateAsync));
        Assert.NotEqual(Key(new MigratingFixture("a").MigrateAsync), Key(new MigratingFixture("b").MigrateAsync));
    }
}
