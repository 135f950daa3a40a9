using System.Numerics;

namespace Orleans.Sente.Protocol.Tests;

/// <summary>Short builders for expected values.</summary>
internal static class V
{
    public static EdnKeyword K(string name) => EdnKeyword.Parse(name);
    public static EdnVector Vec(params EdnValue[] items) => new(items);
    public static EdnList List(params EdnValue[] items) => new(items);
    public static EdnSet Set(params EdnValue[] items) => EdnSet.Create(items);
    public static EdnMap Map(params (EdnValue Key, EdnValue Value)[] entries) =>
        EdnMap.Create(entries.Select(e => new KeyValuePair<EdnValue, EdnValue>(e.Key, e.Value)));
    public static EdnValue Nil => EdnNil.Instance;
    public static EdnString S(string s) => new(s);
    public static EdnBigInt Big(long n) => new(new BigInteger(n));

    public static string Pack(ISentePacker packer, EdnValue value)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        packer.Pack(value, buffer);
        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    public static EdnValue Unpack(ISentePacker packer, string frame) => packer.Unpack(System.Text.Encoding.UTF8.GetBytes(frame));

    public static string Batch(ISentePacker packer, IEnumerable<SenteEvent> events)
    {
        var packed = events.Select(e => (ReadOnlyMemory<byte>)System.Text.Encoding.UTF8.GetBytes(Pack(packer, e.ToVector()))).ToList();
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        packer.WriteBatch(packed, buffer);
        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
