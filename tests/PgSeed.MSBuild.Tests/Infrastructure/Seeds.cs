using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace PgSeed.MSBuild.Tests.Infrastructure;

/// <summary>Builds <c>PgSeed</c> task items the way MSBuild would pass them.</summary>
public static class Seeds
{
    public const string Project = "/repo/app/app.csproj";

    public static ITaskItem Item(string include, params (string Name, string Value)[] metadata)
    {
        var item = new TaskItem(include);
        foreach (var (name, value) in metadata) item.SetMetadata(name, value);
        return item;
    }
}
