// The suite drives PostgreSQL's server binaries, POSIX signals and file modes: it runs on Linux (and other Unixes).
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
