using System.Buffers;
using BenchmarkDotNet.Attributes;

namespace Orleans.Sente.Protocol.Benchmarks;

/// <summary>Packing and unpacking the typical frames with each packer.</summary>
[MemoryDiagnoser]
public class PackerBenchmarks
{
    private readonly ArrayBufferWriter<byte> _buffer = new(4096);
    private ISentePacker _packer = EdnPacker.Instance;
    private EdnVector _value = Frames.Handshake;
    private byte[] _packed = [];
    private ReadOnlyMemory<byte>[] _packedEvents = [];

    [Params("edn", "json", "transit", "msgpack")]
    public string Packer { get; set; } = "edn";

    [Params("handshake", "push", "batch10", "request")]
    public string Frame { get; set; } = "handshake";

    [GlobalSetup]
    public void Setup()
    {
        _packer = Packer switch
        {
            "edn" => EdnPacker.Instance,
            "transit" => TransitPacker.Instance,
            "msgpack" => MsgpackPacker.Instance,
            _ => JsonPacker.Instance,
        };
        _value = Frame switch
        {
            "handshake" => Frames.Handshake,
            "push" => Frames.PushFrame,
            "batch10" => Frames.BatchOf10,
            _ => Frames.ClientRequest,
        };
        _packed = PackToArray(_value);
        var pushCount = Frame == "batch10" ? 10 : 1;
        _packedEvents = [.. Enumerable.Repeat((ReadOnlyMemory<byte>)PackToArray(Frames.Push.ToVector()), pushCount)];
    }

    [Benchmark]
    public int Pack()
    {
        _buffer.ResetWrittenCount();
        _packer.Pack(_value, _buffer);
        return _buffer.WrittenCount;
    }

    [Benchmark]
    public EdnValue Unpack() => _packer.Unpack(_packed);

    /// <summary>The fan-out path: a batch from events packed once beforehand.</summary>
    [Benchmark]
    public int WriteBatch()
    {
        _buffer.ResetWrittenCount();
        _packer.WriteBatch(_packedEvents, _buffer);
        return _buffer.WrittenCount;
    }

    private byte[] PackToArray(EdnValue value)
    {
        var buffer = new ArrayBufferWriter<byte>();
        _packer.Pack(value, buffer);
        return buffer.WrittenSpan.ToArray();
    }
}
