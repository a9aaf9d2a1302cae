using Npgsql;
using PgSeed.Engine.Diagnostics;

namespace PgSeed.Engine.Tests.Units;

/// <summary>The one mapping every entry point uses: anything thrown becomes a coded error.</summary>
public class ErrorMappingTests
{
    [Fact]
    public void Every_kind_of_exception_gets_its_code()
    {
        Assert.Equal(ErrorCode.FileAccessFailed, PgSeedErrors.From(new UnauthorizedAccessException("Access to the path '/x' is denied.")).Code);
        Assert.Equal(ErrorCode.FileAccessFailed, PgSeedErrors.From(new IOException("Input/output error", 5)).Code);
        Assert.Equal(ErrorCode.DiskFull, PgSeedErrors.From(new IOException("No space left on device", OperatingSystem.IsWindows() ? 0x70 : 28)).Code);
        Assert.Equal(ErrorCode.ConnectionLost, PgSeedErrors.From(new NpgsqlException("Exception while reading from stream", new IOException("reset"))).Code);
        Assert.Equal(ErrorCode.Cancelled, PgSeedErrors.From(new OperationCanceledException()).Code);
        Assert.Equal(ErrorCode.Internal, PgSeedErrors.From(new InvalidOperationException("bug")).Code);
        var coded = new PgSeedException(ErrorCode.BadValue, "x");
        Assert.Same(coded, PgSeedErrors.From(coded));
    }

    [Fact]
    public void Messages_never_carry_a_password()
    {
        var e = PgSeedErrors.From(new InvalidOperationException("failed for Password=hunter2;Host=x"));
        Assert.DoesNotContain("hunter2", e.Message);
    }
}
