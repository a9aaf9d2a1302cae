using PgSeed.Engine.Diagnostics;
using PgSeed.Engine.Export;
using PgSeed.Engine.Shaping;
using PgSeed.Engine.Tests.Infrastructure;
using static PgSeed.Engine.Tests.Shaping.ShapingKit;

namespace PgSeed.Engine.Tests.Shaping;

public class MaskingTests(PostgresFixture pg)
{
    private const string Salt = "s3cret-salt";

    private static ColumnMask Mask(MaskKind kind, string? value = null, string salt = Salt) => new() { Kind = kind, Value = value, Salt = salt };

    private static ExportRequest Masked(ExportScenario s) => Request(s, "customer") with
    {
        Rules =
        [
            new TableRule
            {
                Table = "customer",
                Masks = new Dictionary<string, ColumnMask>
                {
                    ["email"] = Mask(MaskKind.Email), ["display_name"] = Mask(MaskKind.Name), ["phone"] = Mask(MaskKind.Phone),
                    ["notes"] = Mask(MaskKind.Fixed, "redacted"),
                },
            },
            new TableRule { Table = "country", Masks = new Dictionary<string, ColumnMask> { ["label"] = Mask(MaskKind.LastName) } },
            new TableRule { Table = "\"order\"", Masks = new Dictionary<string, ColumnMask> { ["status"] = Mask(MaskKind.FirstName) } },
            // The text key and its reference get the same salted hash, so logins still point at their accounts.
            new TableRule { Table = "account", Masks = new Dictionary<string, ColumnMask> { ["username"] = Mask(MaskKind.Hash) } },
            new TableRule { Table = "login", Masks = new Dictionary<string, ColumnMask> { ["username"] = Mask(MaskKind.Hash) } },
            new TableRule { Table = "audit", Masks = new Dictionary<string, ColumnMask> { ["action"] = Mask(MaskKind.Null) } },
        ],
        Roots = [new RootSelection { Table = "customer" }, new RootSelection { Table = "account" }],
    };

    [Fact]
    public async Task Every_masker_is_deterministic_across_runs_and_consistent_across_foreign_keys()
    {
        await using var s = await ExportScenario.CreateAsync(pg, ShapingSchema.Schema, ShapingSchema.Data);
        var first = Masked(s);
        var firstLog = await ExportAsync(s, first);
        // The salt is a secret: it never appears in the SQL the export logs.
        Assert.DoesNotContain(Salt, string.Join("\n", firstLog.Lines.Select(l => l.Text)));
        var second = first with { OutputDirectory = s.NewFolder(), Parallel = 2 };
        await ExportAsync(s, second);
        Assert.Equal(ReadFolder(first.OutputDirectory).Where(f => f.Key != "README.md").ToDictionary(), ReadFolder(second.OutputDirectory).Where(f => f.Key != "README.md").ToDictionary());
        Assert.DoesNotContain("real", string.Join("", ReadFolder(first.OutputDirectory).Where(f => f.Key.EndsWith(".csv")).Select(f => f.Value)));

        // Loads with every FK checked: hashed usernames in login match hashed keys in account.
        await using var copy = await LoadAsync(pg, ShapingSchema.Schema, first.OutputDirectory);
        var emails = await copy.ColumnAsync("select email from customer order by id");
        Assert.All(emails, e => Assert.Matches("^user_[0-9a-f]{12}@example.com$", e));
        Assert.Equal(5, emails.Distinct().Count());
        var names = await copy.ColumnAsync("select coalesce(display_name, '<null>') from customer order by id");
        Assert.All(names.Take(4), n => Assert.Matches("^[A-Z][a-z]+ [A-Z][a-z]+$", n));
        Assert.Equal("<null>", names[4]); // NULL stays NULL
        Assert.Equal(["+1-555-", "+1-555-", "<null>", "+1-555-", "<null>"],
            (await copy.ColumnAsync("select phone from customer order by id")).Select(p => p.Length > 7 ? p[..7] : p).ToList());
        Assert.Equal(["redacted", "<null>", "redacted", "<null>", "<null>"], await copy.ColumnAsync("select notes from customer order by id"));
        Assert.DoesNotContain("Germany", await copy.ColumnAsync("select label from country"));
        Assert.Equal(4, (await copy.ColumnAsync("select username from account")).Count);
        Assert.All(await copy.ColumnAsync("select username from account"), u => Assert.Matches("^[0-9a-f]{40}$", u));
        Assert.Equal(3L, await copy.ScalarAsync<long>("select count(*) from login l join account a using (username) where a.customer_id in (1, 2)"));
        // The same value and salt hash alike in every run and table; another salt gives other values.
        var other = first with { OutputDirectory = s.NewFolder(), Rules = first.Rules.Select(r => r with { Masks = r.Masks.ToDictionary(m => m.Key, m => m.Value with { Salt = "other" }) }).ToList() };
        await ExportAsync(s, other);
        Assert.NotEqual(File.ReadAllText(Path.Combine(first.OutputDirectory, "public.account.csv")), File.ReadAllText(Path.Combine(other.OutputDirectory, "public.account.csv")));
    }

    [Fact]
    public async Task Transforms_on_key_and_foreign_key_columns_are_refused_unless_the_same_hash_is_on_both_sides()
    {
        await using var s = await ExportScenario.CreateAsync(pg, ShapingSchema.Schema, ShapingSchema.Data);
        var baseRequest = Request(s, "account") with { DryRun = true };
        TableRule Rule(string table, ColumnMask? mask = null, string? sql = null) => new()
        {
            Table = table,
            Masks = mask is null ? new Dictionary<string, ColumnMask>() : new Dictionary<string, ColumnMask> { ["username"] = mask },
            Transforms = sql is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["username"] = sql },
        };

        var oneSide = await ThrowsAsync(s, baseRequest with { Rules = [Rule("login", Mask(MaskKind.Hash))] }, ErrorCode.KeyTransform);
        Assert.Contains("public.login.username", oneSide.Message);
        Assert.Contains("public.account.username", oneSide.Message);
        await ThrowsAsync(s, baseRequest with { Rules = [Rule("account", sql: "upper(username)"), Rule("login", sql: "upper(username)")] }, ErrorCode.KeyTransform);
        await ThrowsAsync(s, baseRequest with { Rules = [Rule("account", Mask(MaskKind.Hash)), Rule("login", Mask(MaskKind.Hash, salt: "other"))] }, ErrorCode.KeyTransform);
        await ThrowsAsync(s, baseRequest with { Rules = [Rule("account", Mask(MaskKind.Email)), Rule("login", Mask(MaskKind.Email))] }, ErrorCode.KeyTransform);
        var pk = await ThrowsAsync(s, baseRequest with { Rules = [new TableRule { Table = "customer", Masks = new Dictionary<string, ColumnMask> { ["id"] = Mask(MaskKind.Fixed, "1") } }] }, ErrorCode.KeyTransform);
        Assert.Equal("id", pk.Column);
        // A unique column counts as a key too.
        var unique = await ThrowsAsync(s, baseRequest with { Rules = [new TableRule { Table = "customer", Masks = new Dictionary<string, ColumnMask> { ["email"] = Mask(MaskKind.Fixed, "x") } }] }, ErrorCode.KeyTransform);
        Assert.Contains("unique", unique.Message);
        // Nulling a nullable reference is fine; nulling a NOT NULL column is not.
        await ExportAsync(s, baseRequest with { Rules = [new TableRule { Table = "account", Masks = new Dictionary<string, ColumnMask> { ["customer_id"] = Mask(MaskKind.Null) } }] });
        await ThrowsAsync(s, baseRequest with { Rules = [new TableRule { Table = "customer", Masks = new Dictionary<string, ColumnMask> { ["status"] = Mask(MaskKind.Null) } }] }, ErrorCode.RuleInvalid);
        await ExportAsync(s, baseRequest with { Rules = [Rule("account", Mask(MaskKind.Hash)), Rule("login", Mask(MaskKind.Hash))] });
    }

    [Fact]
    public async Task Omitted_columns_get_their_defaults_on_load_and_unsafe_omissions_are_refused()
    {
        await using var s = await ExportScenario.CreateAsync(pg, ShapingSchema.Schema, ShapingSchema.Data);
        var request = Request(s, "customer") with { Rules = [new TableRule { Table = "customer", Omit = ["tier", "notes"] }], PiiLint = false };
        await ExportAsync(s, request);
        Assert.DoesNotContain("tier", File.ReadLines(Path.Combine(request.OutputDirectory, "public.customer.csv")).First());
        await using (var copy = await LoadAsync(pg, ShapingSchema.Schema, request.OutputDirectory))
        {
            Assert.Equal(["1"], (await copy.ColumnAsync("select tier from customer")).Distinct());
            Assert.Equal(["<null>"], (await copy.ColumnAsync("select notes from customer")).Distinct());
        }
        var notNull = await ThrowsAsync(s, request with { DryRun = true, Rules = [new TableRule { Table = "customer", Omit = ["status"] }] }, ErrorCode.RuleInvalid);
        Assert.Contains("status", notNull.Message);
        Assert.Contains("NOT NULL without a default", notNull.Message);
        // A nullable reference without a default may be omitted: it imports as NULL.
        await ExportAsync(s, request with { DryRun = true, Rules = [new TableRule { Table = "account", Omit = ["customer_id"] }] });
    }
}
