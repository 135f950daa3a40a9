using System.Collections;
using System.Globalization;
using System.Numerics;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Orleans.Sente.Protocol;

/// <summary>
/// Conversions between <see cref="EdnValue"/> and .NET objects or JSON. The mapping is written up
/// in <c>docs/protocol-edn.md</c>; in short, a .NET property <c>FirstName</c> becomes the keyword
/// key <c>:first-name</c> (kebab-case, as Clojure code names keys), an enum value
/// <c>Color.DarkRed</c> the keyword <c>:dark-red</c>, and JSON maps exactly as
/// <see cref="JsonPacker"/> maps it.
/// </summary>
public static class EdnConvert
{
    /// <summary>
    /// How deep a converted value may nest (97, <see cref="Envelope.MaxEventDataDepth"/>): as deep as
    /// event data can be and still be pushed in a batch frame. Deeper (or cyclic) graphs are refused
    /// here, where the caller can see why, rather than dropped later by the packers.
    /// </summary>
    public const int MaxDepth = Envelope.MaxEventDataDepth;

    private static readonly JsonSerializerOptions KebabOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.KebabCaseLower,
        DictionaryKeyPolicy = null,
        PropertyNameCaseInsensitive = true,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowReadingFromString,
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
    };

    /// <summary>
    /// Converts a .NET value: null is nil; strings, booleans, integers, floating point and
    /// <see cref="decimal"/> (a <c>M</c> decimal) keep their kind; <see cref="BigInteger"/> is an
    /// <c>N</c> integer; <see cref="char"/> a char; <see cref="Guid"/> a <c>#uuid</c>;
    /// <see cref="DateTime"/> (unspecified kind taken as UTC) and <see cref="DateTimeOffset"/> an
    /// <c>#inst</c>; an enum a kebab-case keyword; a dictionary a map (string keys become keywords
    /// as-is where they can); a set a set; any other sequence a vector; any other object a map of
    /// its public properties under kebab-case keyword keys. An <see cref="EdnValue"/> is kept.
    /// </summary>
    public static EdnValue FromObject(object? value)
    {
        // The walk stops a cycle; the nesting it built (vectors, maps, sets, and any EDN or JSON value
        // embedded as-is) is measured as the packers measure it.
        var converted = FromObject(value, 0);
        return EdnDepth.IsDeeperThan(converted, MaxDepth)
            ? throw new ArgumentException($"Object graph deeper than {MaxDepth}", nameof(value))
            : converted;
    }

    /// <summary>
    /// Converts to plain .NET values: nil is null, booleans, <see cref="long"/>,
    /// <see cref="BigInteger"/>, <see cref="double"/>, <see cref="decimal"/> (or the text when it does
    /// not fit), a ratio as <see cref="double"/>, strings, a char as <see cref="string"/>, a keyword or
    /// symbol as its text (<c>"ns/name"</c>), <see cref="Guid"/>, <see cref="DateTimeOffset"/>,
    /// <see cref="List{T}"/> for vectors and lists, <see cref="HashSet{T}"/> for sets and
    /// <see cref="Dictionary{TKey,TValue}"/> for maps (keys converted the same way).
    /// </summary>
    public static object? ToObject(EdnValue value) => value switch
    {
        EdnNil => null,
        EdnBool b => b.Value,
        EdnLong l => l.Value,
        EdnBigInt bi => bi.Value,
        EdnDouble d => d.Value,
        EdnBigDecimal bd => decimal.TryParse(bd.Text, NumberStyles.Float, CultureInfo.InvariantCulture, out var m) ? m : bd.Text,
        EdnRatio r => (double)r.Numerator / (double)r.Denominator,
        EdnString s => s.Value,
        EdnChar c => char.ConvertFromUtf32(c.CodePoint),
        EdnKeyword k => k.FullName,
        EdnSymbol sym => sym.FullName,
        EdnUuid u => u.Value,
        EdnInst i => i.Value,
        EdnTagged t => ToObject(t.Value),
        EdnSequence seq => seq.Select(ToObject).ToList(),
        EdnSet set => set.Select(ToObject).ToHashSet(),
        EdnMap map => map.ToDictionary(e => ToObject(e.Key) ?? string.Empty, e => ToObject(e.Value)),
        _ => throw new ArgumentException($"Unknown value kind {value.GetType().Name}", nameof(value)),
    };

    /// <summary>
    /// Converts to a .NET type through System.Text.Json, matching kebab-case keys to properties
    /// (<c>:first-name</c> fills <c>FirstName</c>) and keywords to enum values (<c>:dark-red</c>).
    /// </summary>
    public static T? ToObject<T>(EdnValue value, JsonSerializerOptions? options = null) =>
        ToJsonNode(value, keywordColons: false).Deserialize<T>(options ?? KebabOptions);

    /// <summary>
    /// A new copy of the options <see cref="ToObject{T}(EdnValue, JsonSerializerOptions?)"/> uses by
    /// default (kebab-case names matched case-insensitively, kebab-case enum keywords, numbers read
    /// from strings too), for an application to adjust and pass back.
    /// </summary>
    public static JsonSerializerOptions CreateSerializerOptions() => new(KebabOptions);

    /// <summary>The value as JSON, exactly as <see cref="JsonPacker"/> writes it.</summary>
    public static JsonNode? ToJsonNode(EdnValue value) => ToJsonNode(value, keywordColons: true);

    /// <summary>A JSON value as <see cref="JsonPacker"/> reads it (object keys become keywords).</summary>
    public static EdnValue FromJson(JsonElement json) => JsonPacker.Instance.Unpack(Encoding.UTF8.GetBytes(json.GetRawText()));

    /// <summary>A JSON value as <see cref="JsonPacker"/> reads it (object keys become keywords).</summary>
    public static EdnValue FromJson(JsonNode? json) =>
        json is null ? EdnNil.Instance : JsonPacker.Instance.Unpack(JsonSerializer.SerializeToUtf8Bytes(json));

    /// <summary><c>FirstName</c> is <c>first-name</c>, <c>HTTPServer</c> is <c>http-server</c>.</summary>
    public static string KebabCase(string name) => JsonNamingPolicy.KebabCaseLower.ConvertName(name);

    private static JsonNode? ToJsonNode(EdnValue value, bool keywordColons)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        JsonPacker.Instance.Pack(keywordColons ? value : WithoutColons(value, 0), buffer);
        return JsonNode.Parse(buffer.WrittenSpan);
    }

    /// <summary>Keyword values as plain <c>ns/name</c> strings, for binding to .NET types.</summary>
    private static EdnValue WithoutColons(EdnValue value, int depth) => depth > MaxDepth ? value : value switch
    {
        EdnKeyword k => new EdnString(k.FullName),
        EdnVector v => new EdnVector(System.Collections.Immutable.ImmutableArray.CreateRange(v.Select(x => WithoutColons(x, depth + 1)))),
        EdnList l => new EdnVector(System.Collections.Immutable.ImmutableArray.CreateRange(l.Select(x => WithoutColons(x, depth + 1)))),
        EdnSet s => new EdnVector(System.Collections.Immutable.ImmutableArray.CreateRange(s.Select(x => WithoutColons(x, depth + 1)))),
        EdnMap m => new EdnMap([.. m.Select(e => KeyValuePair.Create(e.Key, WithoutColons(e.Value, depth + 1)))]),
        _ => value,
    };

    private static EdnValue FromObject(object? value, int depth)
    {
        if (depth > MaxDepth)
        {
            throw new ArgumentException($"Object graph deeper than {MaxDepth} (or cyclic)", nameof(value));
        }

        switch (value)
        {
            case null: return EdnNil.Instance;
            case EdnValue edn: return edn;
            case string s: return new EdnString(s);
            case bool b: return b ? EdnBool.True : EdnBool.False;
            case sbyte or byte or short or ushort or int or uint or long: return new EdnLong(Convert.ToInt64(value, CultureInfo.InvariantCulture));
            case ulong u: return u <= long.MaxValue ? new EdnLong((long)u) : new EdnBigInt(u);
            case BigInteger bi: return new EdnBigInt(bi);
            case float f: return new EdnDouble(f);
            case double d: return new EdnDouble(d);
            case decimal m: return EdnBigDecimal.FromDecimal(m);
            case char c: return new EdnChar(c);
            case Guid g: return new EdnUuid(g);
            case DateTimeOffset dto: return new EdnInst(dto);
            case DateTime dt: return new EdnInst(dt.Kind == DateTimeKind.Unspecified ? new DateTimeOffset(dt, TimeSpan.Zero) : new DateTimeOffset(dt.ToUniversalTime()));
            case Enum e: return new EdnKeyword(null, KebabCase(e.ToString()));
            case JsonElement json: return FromJson(json);
            case JsonNode node: return FromJson(node);
            case IDictionary dictionary:
                return EdnMap.Create(Entries(dictionary).Select(entry => KeyValuePair.Create(Key(entry.Key, depth), FromObject(entry.Value, depth + 1))));
        }

        var type = value.GetType();
        if (DictionaryEntries(value, type) is { } entries)
        {
            return EdnMap.Create(entries.Select(entry => KeyValuePair.Create(Key(entry.Key, depth), FromObject(entry.Value, depth + 1))));
        }

        if (value is IEnumerable sequence)
        {
            var items = sequence.Cast<object?>().Select(item => FromObject(item, depth + 1));
            return IsSet(type) ? EdnSet.Create(items) : new EdnVector(System.Collections.Immutable.ImmutableArray.CreateRange(items));
        }

        return EdnMap.Create(type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanRead && p.GetIndexParameters().Length == 0)
            .Select(p => KeyValuePair.Create<EdnValue, EdnValue>(new EdnKeyword(null, KebabCase(p.Name)), FromObject(p.GetValue(value), depth + 1))));
    }

    /// <summary>Through <see cref="IDictionaryEnumerator"/>: a dictionary's plain enumerator may yield <see cref="KeyValuePair{TKey,TValue}"/>s.</summary>
    private static IEnumerable<DictionaryEntry> Entries(IDictionary dictionary)
    {
        var enumerator = dictionary.GetEnumerator();
        while (enumerator.MoveNext())
        {
            yield return enumerator.Entry;
        }
    }

    private static EdnValue Key(object? key, int depth) =>
        key is string s ? JsonPacker.ObjectKey(s) : FromObject(key, depth + 1);

    /// <summary>Entries of an <c>IReadOnlyDictionary&lt;K,V&gt;</c> or <c>IEnumerable&lt;KeyValuePair&lt;K,V&gt;&gt;</c> that is not an <see cref="IDictionary"/>.</summary>
    private static IEnumerable<(object? Key, object? Value)>? DictionaryEntries(object value, Type type)
    {
        var pairType = type.GetInterfaces().Append(type)
            .Where(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>))
            .Select(i => i.GetGenericArguments()[0])
            .FirstOrDefault(t => t.IsGenericType && t.GetGenericTypeDefinition() == typeof(KeyValuePair<,>));
        if (pairType is null)
        {
            return null;
        }

        var keyProperty = pairType.GetProperty("Key")!;
        var valueProperty = pairType.GetProperty("Value")!;
        return ((IEnumerable)value).Cast<object>().Select(pair => (keyProperty.GetValue(pair), valueProperty.GetValue(pair)));
    }

    private static bool IsSet(Type type) => type.GetInterfaces().Append(type).Any(i =>
        i.IsGenericType && (i.GetGenericTypeDefinition() == typeof(ISet<>) || i.GetGenericTypeDefinition() == typeof(IReadOnlySet<>)));
}
