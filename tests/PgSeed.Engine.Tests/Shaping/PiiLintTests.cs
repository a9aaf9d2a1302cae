using PgSeed.Cli;
using PgSeed.Engine.Diagnostics;
using PgSeed.Engine.Export;
using PgSeed.Engine.Shaping;
using PgSeed.Engine.Tests.Infrastructure;
using static PgSeed.Engine.Tests.Shaping.ShapingKit;

namespace PgSeed.Engine.Tests.Shaping;

public class PiiLintTests(PostgresFixture pg)
{
    private const string Schema = """
        create table person(id int primary key, full_name text, contact text, city text, sku text, origin inet, note text, "birthDate" date, password_hash text);
        create table product(id int primary key, name text, code text);
        """;

    private const string Data = """
        insert into person values
          (1, 'Ann Real', 'ann@real.example', 'Berlin', 'SKU-1', '10.0.0.1', 'likes tea', '1990-01-01', 'x'),
          (2, 'Bob Real', 'bob@real.example', 'Paris',  'SKU-2', '10.0.0.2', 'call after 5', '1991-01-01', 'y'),
          (3, 'Cy Real',  null,               'Rome',   'SKU-3', null,       null, null, null);
        insert into product values (1, 'Tea', 'T-1'), (2, 'Coffee', 'C-1');
        """;

    private static string LintWarning(RecordingSeedLog log) => Assert.Single(log.Of("warning"), w => w.StartsWith(ErrorCode.PersonalData));

    [Fact]
    public async Task Flags_personal_columns_by_name_type_and_content_once_each_and_leaves_others_alone()
    {
        await using var s = await ExportScenario.CreateAsync(pg, Schema, Data);
        var request = Request(s, "person") with { Roots = [new RootSelection { Table = "person" }, new RootSelection { Table = "product" }] };
        // One warning per table (product has none): its columns, then what to add to mask or accept them.
        var warning = LintWarning(await ExportAsync(s, request));
        Assert.StartsWith($"{ErrorCode.PersonalData}: public.person: full_name (name), contact (email, by content), origin (ip, by type), \"birthDate\" (dob), password_hash (password) look personal. ", warning);
        Assert.Contains("\"public.person\": { \"transform\": { \"full_name\": { \"mask\": \"name\" }, \"contact\": { \"mask\": \"email\" }, \"origin\": { \"mask\": \"null\" }, \"birthDate\": { \"mask\": \"null\" }, \"password_hash\": { \"mask\": \"hash\" } } }", warning);
        // The engine names the request property; the CLI shows --allow-pii (ExperienceCliTests).
        Assert.Contains("ExportRequest.AllowPii public.person.full_name ExportRequest.AllowPii public.person.contact ExportRequest.AllowPii public.person.origin ExportRequest.AllowPii 'public.person.\"birthDate\"' ExportRequest.AllowPii public.person.password_hash", warning);
        foreach (var miss in new[] { "city", "sku", "note", "product", "code", " id " })
            Assert.DoesNotContain(miss, warning);
        Assert.DoesNotContain('\n', warning);
    }

    [Fact]
    public async Task Masked_omitted_and_allowed_columns_are_not_flagged_and_strict_fails()
    {
        await using var s = await ExportScenario.CreateAsync(pg, Schema, Data);
        var request = Request(s, "person") with
        {
            Rules =
            [
                new TableRule
                {
                    Table = "person",
                    Masks = new Dictionary<string, ColumnMask> { ["full_name"] = new() { Kind = MaskKind.Name } },
                    Transforms = new Dictionary<string, string> { ["origin"] = "NULL" },
                    Omit = ["password_hash"],
                },
            ],
            AllowPii = ["public.pers*.contact"],
        };
        var warning = LintWarning(await ExportAsync(s, request));
        Assert.DoesNotContain("full_name", warning);
        Assert.DoesNotContain("contact", warning);
        Assert.DoesNotContain("origin", warning);
        Assert.DoesNotContain("password", warning);
        Assert.Contains("birthDate", warning);

        var strict = request with { Strict = true, OutputDirectory = s.NewFolder() };
        var e = await ThrowsAsync(s, strict, ErrorCode.PersonalData);
        Assert.Contains("birthDate", e.Message);
        Assert.False(Directory.Exists(strict.OutputDirectory));

        var clean = strict with { AllowPii = ["person.contact", "person.birthDate"] };
        var log = await ExportAsync(s, clean);
        Assert.DoesNotContain(log.Of("warning"), w => w.StartsWith(ErrorCode.PersonalData));
    }

    [Fact]
    public async Task Cli_strict_fails_on_personal_data_and_allow_pii_silences_it()
    {
        await using var s = await ExportScenario.CreateAsync(pg, Schema, Data);
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        string[] common = ["export", "-c", s.Source.ConnectionString, "-t", "product", "--strict", "-o", s.NewFolder()];
        Assert.Equal(0, await CliApp.RunAsync(common, stdout, stderr, Ct));
        string[] person = ["export", "-c", s.Source.ConnectionString, "-t", "person", "--strict", "-o", s.NewFolder()];
        Assert.Equal(1, await CliApp.RunAsync(person, stdout, stderr, Ct));
        Assert.Contains("PGSEED092", stderr.ToString());
        string[] allowed = [.. person, "--allow-pii", "person.*"];
        Assert.Equal(0, await CliApp.RunAsync(allowed, stdout, stderr, Ct));
    }
}
