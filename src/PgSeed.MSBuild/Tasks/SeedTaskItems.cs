using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
using PgSeed.MSBuild.Items;

namespace PgSeed.MSBuild.Tasks;

/// <summary>Output items for processed seeds: the folder, plus its Include as <c>Seed</c> metadata.</summary>
internal static class SeedTaskItems
{
    public static ITaskItem For(SeedItem seed)
    {
        var item = new TaskItem(seed.Folder);
        item.SetMetadata("Seed", seed.Spec);
        return item;
    }
}
