using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Runtime.CompilerServices;
using PgSeed.Engine.Diagnostics;

namespace PgSeed.Testing.Templates;

/// <summary>
/// What identifies a migration callback in a template key: its method, and either the explicit key given with it or the
/// values it captures. Two lambdas of one method that capture different values (<c>MigrateTo(cs, "Initial")</c> and
/// <c>MigrateTo(cs, null)</c>) are different schemas, so the captured values are part of the key. Only values with a
/// faithful text form are keyed: scalars, strings, enums, types, collections and closures of them, delegates, and the
/// fields of the object the method belongs to (e.g. the fixture). Anything else could hide a difference, so it is
/// <c>PGSEED068</c>, asking for an explicit key. Template keys live within one test process, so method identity is stable.
/// </summary>
internal static class CallbackKey
{
    private const int MaxDepth = 8;

    public static string Describe(Delegate callback, string? explicitKey)
    {
        var method = Describe(callback.Method);
        if (explicitKey is not null) return $"{method} key {Quote(explicitKey)}";
        if (callback.Target is null) return method;
        var state = new KeyWriter(callback);
        return $"{method} state {state.Object(callback.Target, "target", 0, ownerOfMethod: true)}";
    }

    private static string Describe(MethodInfo method) =>
        $"{method.DeclaringType?.AssemblyQualifiedName} {method.Name} {method.MetadataToken.ToString(CultureInfo.InvariantCulture)}";

    private static string Quote(string text) => $"{text.Length.ToString(CultureInfo.InvariantCulture)}:{text}";

    private sealed class KeyWriter(Delegate callback)
    {
        private readonly HashSet<object> _visiting = new(ReferenceEqualityComparer.Instance);

        public string Object(object? value, string path, int depth, bool ownerOfMethod = false)
        {
            if (value is null) return "null";
            if (Scalar(value) is { } scalar) return scalar;
            if (depth > MaxDepth) throw Unkeyable(path, value.GetType(), "it nests too deeply");
            if (!_visiting.Add(value)) return "cycle";
            try
            {
                var type = value.GetType();
                if (value is Delegate d)
                    return "delegate(" + string.Join(",", d.GetInvocationList().Select((inner, i) =>
                        Describe(inner.Method) + " " + Object(inner.Target, $"{path}[{i}].Target", depth + 1))) + ")";
                if (type.IsArray || (value is IEnumerable && IsFrameworkType(type)))
                {
                    var items = ((IEnumerable)value).Cast<object?>().Select((item, i) => Object(item, $"{path}[{i}]", depth + 1));
                    return $"{type.FullName}[{string.Join(",", items)}]";
                }
                if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(KeyValuePair<,>))
                    return Fields(value, type, path, depth);
                if (ownerOfMethod || IsCompilerGenerated(type) || IsValueTuple(type))
                    return Fields(value, type, path, depth);
                throw Unkeyable(path, type, "PgSeed cannot tell two of its values apart reliably");
            }
            finally
            {
                _visiting.Remove(value);
            }
        }

        /// <summary>The instance fields of a closure, tuple or the method's owner; PgSeed's own base classes are left out.</summary>
        private string Fields(object value, Type type, string path, int depth)
        {
            var parts = new List<string>();
            for (var t = type; t is not null && t != typeof(object) && t != typeof(ValueType); t = t.BaseType)
            {
                if (IsPgSeedType(t)) break;
                foreach (var field in t.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly)
                             .Where(f => f.FieldType != typeof(PgSeedOptions)) // the fixture's configuration: keyed on its own
                             .OrderBy(f => f.Name, StringComparer.Ordinal))
                    parts.Add($"{field.Name}={Object(field.GetValue(value), $"{path}.{DisplayName(field)}", depth + 1)}");
            }
            return $"{type.FullName}{{{string.Join(";", parts)}}}";
        }

        private PgSeedException Unkeyable(string path, Type type, string why) => new(ErrorCode.SchemaCallbackUnkeyed,
            $"The schema callback {callback.Method.DeclaringType?.Name}.{callback.Method.Name} captures {path} of type {type.FullName}, and {why}. " +
            "PgSeed keys a template by what its callbacks capture, so two fixtures migrating differently never share one; give the callback " +
            "a key that changes whenever the schema it builds changes: .Schema(callback, key: \"...\") (or, with EF Core, " +
            ".Migrations<TContext>() from PgSeed.Testing.EntityFrameworkCore, which keys itself). Capturing only strings, numbers and enums, " +
            "or a static method, also works.");
    }

    private static string? Scalar(object value) => value switch
    {
        string s => "s" + Quote(s),
        bool b => b ? "true" : "false",
        char c => "c" + ((int)c).ToString(CultureInfo.InvariantCulture),
        Enum e => $"{e.GetType().FullName}.{Convert.ToInt64(e, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture)}",
        DateTime dt => "dt" + dt.ToString("O", CultureInfo.InvariantCulture) + dt.Kind,
        DateTimeOffset dto => "dto" + dto.ToString("O", CultureInfo.InvariantCulture),
        Type t => "type " + t.AssemblyQualifiedName,
        Uri u => "uri" + Quote(u.OriginalString),
        IFormattable f when value.GetType().IsPrimitive || value is decimal or TimeSpan or Guid or DateOnly or TimeOnly =>
            value.GetType().Name + " " + f.ToString(null, CultureInfo.InvariantCulture),
        _ => null,
    };

    private static bool IsCompilerGenerated(Type type) => type.IsDefined(typeof(CompilerGeneratedAttribute), inherit: false);

    private static bool IsValueTuple(Type type) => type.IsValueType && type.FullName?.StartsWith("System.ValueTuple", StringComparison.Ordinal) == true;

    private static bool IsFrameworkType(Type type) => type.Namespace?.StartsWith("System", StringComparison.Ordinal) == true;

    private static bool IsPgSeedType(Type type) =>
        type.Assembly == typeof(CallbackKey).Assembly || type.Assembly.GetName().Name == "PgSeed.Testing";

    /// <summary><c>&lt;Name&gt;k__BackingField</c> reads as <c>Name</c>; a primary-constructor parameter <c>&lt;name&gt;P</c> as <c>name</c>.</summary>
    private static string DisplayName(FieldInfo field) =>
        field.Name.StartsWith('<') && field.Name.IndexOf('>') is > 1 and var end ? field.Name[1..end] : field.Name;
}
