using System.Collections.Immutable;
using System.Numerics;
using FsCheck;
using FsCheck.Fluent;

namespace Orleans.Sente.Protocol.Tests;

/// <summary>Generators of every kind of EDN value, for property tests.</summary>
internal static class EdnGen
{
    private const string NameChars = "abcdefghijklmnopqrstuvwxyzABCXYZ0123456789*+!-_?<>=$%&'#:.é€😀";

    private static readonly Gen<long> Longs = Gen.OneOf(
        Gen.Choose(-1000, 1000).Select(i => (long)i),
        EdnGen.Both(Gen.Choose(int.MinValue, int.MaxValue)).Select(t => ((long)t.Item1 << 32) ^ (uint)t.Item2),
        Gen.Elements(long.MinValue, long.MaxValue, 0L));

    private static readonly Gen<int> CodePoints = Gen.Frequency(
        (6, Gen.Choose(0x20, 0x7E)),
        (2, Gen.Elements<int>('"', '\\', '\n', '\t', '\r', '\f', '\b', 0, 1, 0x1F, 0x7F, 0xA0, 0x2028, 0x3000)),
        (2, Gen.Choose(0x80, 0xD7FF)),
        (1, Gen.Choose(0xE000, 0xFFFF)),
        (2, Gen.Choose(0x10000, 0x10FFFF)),
        (1, Gen.Choose(0xD800, 0xDFFF)));

    public static readonly Gen<string> Strings = Gen.ArrayOf(CodePoints).Select(cps =>
        string.Concat(cps.Select(cp => cp is >= 0xD800 and <= 0xDFFF ? ((char)cp).ToString() : char.ConvertFromUtf32(cp))));

    private static readonly Gen<string> Names =
        EdnGen.Both(Gen.Choose(0, 25), Gen.ArrayOf(Gen.Elements(NameChars.EnumerateRunes().Select(r => r.ToString()).ToArray())))
            .Select(t => (char)('a' + t.Item1) + string.Concat(t.Item2));

    private static readonly Gen<EdnKeyword> Keywords = EdnGen.Both(Gen.OneOf(Gen.Constant<string?>(null), Names.Select(n => (string?)n)), Names)
        .Select(t => new EdnKeyword(t.Item1, t.Item2)).Where(EdnPrinterCore.IsPrintableKeyword);

    private static readonly Gen<EdnSymbol> Symbols = EdnGen.Both(Gen.OneOf(Gen.Constant<string?>(null), Names.Select(n => (string?)n)), Names)
        .Select(t => new EdnSymbol(t.Item1, t.Item2)).Where(EdnPrinterCore.IsPrintableSymbol);

    public static readonly Gen<EdnValue> Scalars = Gen.OneOf(
        Gen.Constant<EdnValue>(EdnNil.Instance),
        Gen.Elements<EdnValue>(EdnBool.True, EdnBool.False),
        Longs.Select(l => (EdnValue)new EdnLong(l)),
        EdnGen.Both(Longs).Select(t => (EdnValue)new EdnBigInt((BigInteger)t.Item1 * t.Item2 * 3)),
        Longs.Select(l => (EdnValue)new EdnDouble(BitConverter.Int64BitsToDouble(l))),
        Gen.Choose(-100000, 100000).Select(i => (EdnValue)new EdnDouble(i / 64.0)),
        EdnGen.Both(Longs, Gen.Choose(-30, 30)).Select(t => (EdnValue)new EdnBigDecimal(Canonical($"{t.Item1}E{t.Item2}"))),
        EdnGen.Both(Longs, Longs.Where(l => l != 0)).Select(t => EdnRatio.Create(t.Item1, t.Item2)),
        Gen.OneOf(CodePoints, Gen.Elements<int>('\n', ' ', '\t', '(', '\\')).Select(c => (EdnValue)new EdnChar(c)),
        Strings.Select(s => (EdnValue)new EdnString(s)),
        Keywords.Select(k => (EdnValue)k),
        Symbols.Select(s => (EdnValue)s),
        Gen.ArrayOf(Gen.Choose(0, 255), 16).Select(b => (EdnValue)new EdnUuid(new Guid(b.Select(x => (byte)x).ToArray()))),
        EdnGen.Both(Gen.Choose(0, int.MaxValue), Gen.Choose(0, 1 << 30))
            .Select(t => (EdnValue)new EdnInst(new DateTimeOffset(DateTime.UnixEpoch.Ticks + ((((long)t.Item1 << 20) ^ t.Item2) % (DateTime.MaxValue.Ticks - DateTime.UnixEpoch.Ticks)), TimeSpan.Zero))));

    /// <summary>Any value, nested up to <paramref name="depth"/> levels, tagged values included when <paramref name="tags"/>.</summary>
    public static Gen<EdnValue> Values(int depth, bool tags)
    {
        if (depth <= 0)
        {
            return Scalars;
        }

        var inner = Values(depth - 1, tags);
        var items = Gen.Choose(0, 4).SelectMany(n => Gen.ArrayOf(inner, n));
        var choices = new List<(int, Gen<EdnValue>)>
        {
            (5, Scalars),
            (2, items.Select(a => (EdnValue)new EdnVector(ImmutableArray.Create(a)))),
            (1, items.Select(a => (EdnValue)new EdnList(ImmutableArray.Create(a)))),
            (1, items.Select(a => (EdnValue)EdnSet.Create(a.Distinct()))),
            (2, Gen.Choose(0, 4).SelectMany(n => Gen.ArrayOf(EdnGen.Both(inner), n))
                .Select(kvs => (EdnValue)EdnMap.Create(kvs.DistinctBy(kv => kv.Item1).Select(kv => KeyValuePair.Create(kv.Item1, kv.Item2))))),
        };
        if (tags)
        {
            choices.Add((1, EdnGen.Both(Symbols.Where(s => char.IsLetter(s.FullName[0]) && s.FullName is not ("inst" or "uuid")), inner)
                .Select(t => (EdnValue)new EdnTagged(t.Item1, t.Item2))));
        }

        return Gen.Frequency(choices.ToArray());
    }

    /// <summary>A chain of <paramref name="depth"/> collections of random kinds around a value.</summary>
    public static Gen<EdnValue> Chain(int depth) =>
        EdnGen.Both(Gen.ArrayOf(Gen.Choose(0, 4), depth), Scalars).Select(t =>
        {
            var value = t.Item2;
            foreach (var kind in t.Item1)
            {
                value = kind switch
                {
                    0 => new EdnVector(value),
                    1 => new EdnList(value),
                    2 => EdnSet.Create([value]),
                    3 => EdnMap.Create([KeyValuePair.Create<EdnValue, EdnValue>(1, value)]),
                    _ => EdnMap.Create([KeyValuePair.Create<EdnValue, EdnValue>(value, EdnNil.Instance)]),
                };
            }

            return value;
        });

    public static Gen<(T1, T2)> Both<T1, T2>(Gen<T1> first, Gen<T2> second) => first.SelectMany(a => second.Select(b => (a, b)));

    public static Gen<(T, T)> Both<T>(Gen<T> gen) => Both(gen, gen);

    private static string Canonical(string text) =>
        BigDecimalText.TryCanonical(text, out var canonical) ? canonical : throw new InvalidOperationException(text);
}
