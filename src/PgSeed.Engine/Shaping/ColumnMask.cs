namespace PgSeed.Engine.Shaping;

/// <summary>A ready-made masker for one column.</summary>
public enum MaskKind
{
    /// <summary>Every value becomes <see cref="ColumnMask.Value"/> (NULLs stay NULL).</summary>
    Fixed,

    /// <summary>Every value becomes NULL (the column must be nullable).</summary>
    Null,

    /// <summary>
    /// A salted SHA-256 of the value, shaped to the column's type (hex text, uuid, or integer). Deterministic:
    /// the same value and salt give the same result in every table, so joins on masked columns still line up.
    /// The only masker allowed on key and foreign-key columns.
    /// </summary>
    Hash,

    /// <summary>A fake address <c>user_&lt;hash of the row key&gt;@example.com</c>.</summary>
    Email,

    /// <summary>A fake "First Last" name picked from fixed lists by the hash of the row key.</summary>
    Name,

    /// <summary>A fake first name picked by the hash of the row key.</summary>
    FirstName,

    /// <summary>A fake last name picked by the hash of the row key.</summary>
    LastName,

    /// <summary>A fake phone number in the fictional +1-555 range, from the hash of the row key.</summary>
    Phone,
}

/// <summary>
/// A masker applied to a column in the export's COPY query. Fake values derived from the row key (email,
/// name, phone) are stable across runs for the same row and salt; NULLs stay NULL for every masker.
/// </summary>
public sealed record ColumnMask
{
    /// <summary>Which masker.</summary>
    public required MaskKind Kind { get; init; }

    /// <summary>The replacement for <see cref="MaskKind.Fixed"/>.</summary>
    public string? Value { get; init; }

    /// <summary>Seed-specific secret mixed into hashes so masked values cannot be looked up by brute force.</summary>
    public string? Salt { get; init; }

    /// <summary>Parses the names used in seed definitions: fixed, null, hash, email, name, firstName, lastName, phone.</summary>
    public static bool TryParseKind(string text, out MaskKind kind) =>
        Enum.TryParse(text.Replace("_", "").Replace("-", ""), ignoreCase: true, out kind) && Enum.IsDefined(kind);
}
