using System.Reflection;
using System.Text.RegularExpressions;
using PgSeed.Engine.Diagnostics;

namespace PgSeed.Engine.Tests.Units;

public class ErrorDocsTests
{
    private static string Docs()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "PgSeed.sln"))) dir = dir.Parent;
        return File.ReadAllText(Path.Combine(dir!.FullName, "docs", "errors.md"));
    }

    [Fact]
    public void Every_code_is_documented_with_its_cause_and_fix_and_every_documented_code_exists()
    {
        var all = typeof(ErrorCode).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!).ToList();
        var codes = all.ToHashSet();
        var sections = Regex.Split(Docs(), @"^### ", RegexOptions.Multiline).Skip(1)
            .ToDictionary(s => s[..s.IndexOf('\n')].Trim(), s => s);

        Assert.Empty(codes.Except(sections.Keys));
        Assert.Empty(sections.Keys.Except(codes));
        Assert.All(sections, s => Assert.True(s.Value.Contains("*Fix:*"), $"{s.Key} has no *Fix:*"));
        Assert.Equal(all.Count, codes.Count); // no code has two names
    }
}
