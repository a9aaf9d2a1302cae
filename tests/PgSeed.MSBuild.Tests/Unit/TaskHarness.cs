using PgSeed.MSBuild.Tasks;
using PgSeed.MSBuild.Tests.Infrastructure;

namespace PgSeed.MSBuild.Tests.Unit;

/// <summary>Wires a task to a fake build engine and fake engine operations.</summary>
internal static class TaskHarness
{
    public const string ProjectDirectory = "/repo/app";

    public static (T Task, FakeBuildEngine Build) Create<T>(FakeSeedOperations operations) where T : PgSeedTask, new()
    {
        var build = new FakeBuildEngine();
        var task = new T { BuildEngine = build, ProjectDirectory = ProjectDirectory };
        task.Operations = operations;
        return (task, build);
    }
}
