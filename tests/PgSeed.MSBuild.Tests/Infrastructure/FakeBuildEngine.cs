using System.Collections;
using System.Collections.Concurrent;
using Microsoft.Build.Framework;

namespace PgSeed.MSBuild.Tests.Infrastructure;

/// <summary>A build engine that records every event a task logs.</summary>
public sealed class FakeBuildEngine : IBuildEngine
{
    public ConcurrentQueue<BuildErrorEventArgs> Errors { get; } = new();
    public ConcurrentQueue<BuildWarningEventArgs> Warnings { get; } = new();
    public ConcurrentQueue<BuildMessageEventArgs> Messages { get; } = new();

    /// <summary>Every logged text: messages, warnings and errors.</summary>
    public IEnumerable<string> AllText =>
        Messages.Select(m => m.Message ?? "").Concat(Warnings.Select(w => w.Message ?? "")).Concat(Errors.Select(e => e.Message ?? ""));

    public bool ContinueOnError => false;
    public int LineNumberOfTaskNode => 0;
    public int ColumnNumberOfTaskNode => 0;
    public string ProjectFileOfTaskNode => "consumer.csproj";

    public bool BuildProjectFile(string projectFileName, string[] targetNames, IDictionary globalProperties, IDictionary targetOutputs) =>
        throw new NotSupportedException();

    public void LogCustomEvent(CustomBuildEventArgs e) { }
    public void LogErrorEvent(BuildErrorEventArgs e) => Errors.Enqueue(e);
    public void LogMessageEvent(BuildMessageEventArgs e) => Messages.Enqueue(e);
    public void LogWarningEvent(BuildWarningEventArgs e) => Warnings.Enqueue(e);
}
