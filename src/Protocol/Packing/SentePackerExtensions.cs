using System.Buffers;

namespace Orleans.Sente.Protocol;

/// <summary>Whole frames as byte arrays, for the places that queue them.</summary>
public static class SentePackerExtensions
{
    /// <summary>Packs one value into a frame of its own.</summary>
    public static byte[] PackToArray(this ISentePacker packer, EdnValue value)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        packer.Pack(value, buffer);
        return buffer.WrittenSpan.ToArray();
    }
}
