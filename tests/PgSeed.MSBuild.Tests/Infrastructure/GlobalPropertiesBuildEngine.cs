using System.Collections;
using Microsoft.Build.Framework;

namespace PgSeed.MSBuild.Tests.Infrastructure;

/// <summary>A <see cref="FakeBuildEngine"/> that also reports the build's global properties (the <c>-p:</c> switches).</summary>
public sealed class GlobalPropertiesBuildEngine(IReadOnlyDictionary<string, string> globals) : IBuildEngine6
{
    public FakeBuildEngine Inner { get; } = new();

    public IReadOnlyDictionary<string, string> GetGlobalProperties() => globals;

    public bool ContinueOnError => Inner.ContinueOnError;
    public int LineNumberOfTaskNode => Inner.LineNumberOfTaskNode;
    public int ColumnNumberOfTaskNode => Inner.ColumnNumberOfTaskNode;
    public string ProjectFileOfTaskNode => Inner.ProjectFileOfTaskNode;
    public bool IsRunningMultipleNodes => false;

    public void LogCustomEvent(CustomBuildEventArgs e) => Inner.LogCustomEvent(e);
    public void LogErrorEvent(BuildErrorEventArgs e) => Inner.LogErrorEvent(e);
    public void LogMessageEvent(BuildMessageEventArgs e) => Inner.LogMessageEvent(e);
    public void LogWarningEvent(BuildWarningEventArgs e) => Inner.LogWarningEvent(e);
    public void LogTelemetry(string eventName, IDictionary<string, string> properties) { }

    public bool BuildProjectFile(string projectFileName, string[] targetNames, IDictionary globalProperties, IDictionary targetOutputs) => throw new NotSupportedException();
    public bool BuildProjectFile(string projectFileName, string[] targetNames, IDictionary globalProperties, IDictionary targetOutputs, string toolsVersion) => throw new NotSupportedException();
    public bool BuildProjectFilesInParallel(string[] projectFileNames, string[] targetNames, IDictionary[] globalProperties, IDictionary[] targetOutputsPerProject, string[] toolsVersion, bool useResultsCache, bool unloadProjectsOnCompletion) => throw new NotSupportedException();
    public BuildEngineResult BuildProjectFilesInParallel(string[] projectFileNames, string[] targetNames, IDictionary[] globalProperties, IList<string>[] removeGlobalProperties, string[] toolsVersion, bool returnTargetOutputs) => throw new NotSupportedException();
    public void Yield() { }
    public void Reacquire() { }
    public void RegisterTaskObject(object key, object obj, RegisteredTaskObjectLifetime lifetime, bool allowEarlyCollection) { }
    public object? GetRegisteredTaskObject(object key, RegisteredTaskObjectLifetime lifetime) => null;
    public object? UnregisterTaskObject(object key, RegisteredTaskObjectLifetime lifetime) => null;
}
