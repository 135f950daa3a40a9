using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Immutable;
using System.Numerics;
using System.Text;
using Orleans.Sente.Protocol;

namespace Orleans.Sente.Serialization;

/// <summary>
/// A compact binary form of a <see cref="SenteEvent"/> for messages between silos and front ends
/// (never stored, never sent to a client): the event id as a keyword, a byte saying whether data
/// follows, then the value in prefix order. Each value is a <see cref="Kind"/> byte and then:
/// integers and counts as zig-zag varints; doubles and instants (UTC ticks) as 8 bytes; uuids as
/// 16; big integers as a length and their two's-complement bytes; strings, big-decimal text,
/// keyword and symbol names as a length and UTF-8 (a namespace as length + 1, 0 for none);
/// collections as a count and their items (maps: key, value, key, value, ...).
/// </summary>
internal static class SenteEventBinary
{
    private enum Kind : byte
    {
        Nil, False, True, Long, BigInt, Double, BigDecimal, Ratio, Char, String,
        Keyword, Symbol, Uuid, Inst, Vector, List, Set, Map, Tagged,
    }

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    public static byte[] Write(SenteEvent @event) => Write(@event, static (in Writer writer, SenteEvent e) => writer.Event(e));

    public static SenteEvent Read(ReadOnlySpan<byte> bytes)
    {
        var reader = new Reader(bytes);
        var @event = reader.Event();
        if (!reader.AtEnd)
        {
            throw new InvalidDataException("Bytes left over after a Sente event.");
        }

        return @event;
    }

    /// <summary>The writing side of a type that carries events in this form (see <see cref="DeliverySurrogateConverter"/>).</summary>
    public delegate void WriteAction<T>(in Writer writer, T value);

    /// <summary>Writes <paramref name="value"/> with <paramref name="write"/> into this thread's buffer and returns a copy of what it wrote.</summary>
    public static byte[] Write<T>(T value, WriteAction<T> write)
    {
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(256);
        buffer.ResetWrittenCount();
        write(new Writer(buffer), value);
        var bytes = buffer.WrittenSpan.ToArray();
        if (buffer.Capacity > 64 * 1024)
        {
            t_buffer = null;
        }

        return bytes;
    }

    internal readonly ref struct Writer(ArrayBufferWriter<byte> buffer)
    {
        public void Event(SenteEvent @event)
        {
            Name(@event.Id.Namespace, @event.Id.Name);
            if (@event.Data is null)
            {
                Byte(0);
            }
            else
            {
                Byte(1);
                Value(@event.Data);
            }
        }

        /// <summary>Bytes already in this form (an event written earlier by <see cref="Write(SenteEvent)"/>), as they are.</summary>
        public void Raw(ReadOnlySpan<byte> bytes) => buffer.Write(bytes);

        public void Byte(byte value)
        {
            buffer.GetSpan(1)[0] = value;
            buffer.Advance(1);
        }

        public void Value(EdnValue value)
        {
            switch (value)
            {
                case EdnNil:
                    Byte((byte)Kind.Nil);
                    break;
                case EdnBool b:
                    Byte((byte)(b.Value ? Kind.True : Kind.False));
                    break;
                case EdnLong l:
                    Byte((byte)Kind.Long);
                    VarLong(l.Value);
                    break;
                case EdnBigInt i:
                    Byte((byte)Kind.BigInt);
                    BigInt(i.Value);
                    break;
                case EdnDouble d:
                    Byte((byte)Kind.Double);
                    Fixed64(BitConverter.DoubleToInt64Bits(d.Value));
                    break;
                case EdnBigDecimal m:
                    Byte((byte)Kind.BigDecimal);
                    Text(m.Text);
                    break;
                case EdnRatio r:
                    Byte((byte)Kind.Ratio);
                    BigInt(r.Numerator);
                    BigInt(r.Denominator);
                    break;
                case EdnChar c:
                    Byte((byte)Kind.Char);
                    VarLong(c.CodePoint);
                    break;
                case EdnString s:
                    Byte((byte)Kind.String);
                    Text(s.Value);
                    break;
                case EdnKeyword k:
                    Byte((byte)Kind.Keyword);
                    Name(k.Namespace, k.Name);
                    break;
                case EdnSymbol y:
                    Byte((byte)Kind.Symbol);
                    Name(y.Namespace, y.Name);
                    break;
                case EdnUuid u:
                    Byte((byte)Kind.Uuid);
                    u.Value.TryWriteBytes(buffer.GetSpan(16));
                    buffer.Advance(16);
                    break;
                case EdnInst t:
                    Byte((byte)Kind.Inst);
                    Fixed64(t.Value.UtcTicks);
                    break;
                case EdnVector v:
                    Byte((byte)Kind.Vector);
                    Items(v.Items);
                    break;
                case EdnList l:
                    Byte((byte)Kind.List);
                    Items(l.Items);
                    break;
                case EdnSet s:
                    Byte((byte)Kind.Set);
                    Items(s.Items);
                    break;
                case EdnMap m:
                    Byte((byte)Kind.Map);
                    var entries = m.Entries.IsDefault ? [] : m.Entries;
                    VarLong(entries.Length);
                    foreach (var (key, item) in entries)
                    {
                        Value(key);
                        Value(item);
                    }

                    break;
                case EdnTagged g:
                    Byte((byte)Kind.Tagged);
                    Name(g.Tag.Namespace, g.Tag.Name);
                    Value(g.Value);
                    break;
                default:
                    throw new NotSupportedException($"No binary form for {value.GetType()}.");
            }
        }

        public void Name(string? ns, string name)
        {
            if (ns is null)
            {
                VarLong(0);
            }
            else
            {
                VarLong(Encoding.UTF8.GetByteCount(ns) + 1L);
                Utf8(ns);
            }

            Text(name);
        }

        private void Items(ImmutableArray<EdnValue> items)
        {
            var list = items.IsDefault ? [] : items;
            VarLong(list.Length);
            foreach (var item in list)
            {
                Value(item);
            }
        }

        public void Text(string text)
        {
            VarLong(Encoding.UTF8.GetByteCount(text));
            Utf8(text);
        }

        private void Utf8(string text)
        {
            var span = buffer.GetSpan(Encoding.UTF8.GetMaxByteCount(text.Length));
            buffer.Advance(Encoding.UTF8.GetBytes(text, span));
        }

        private void BigInt(BigInteger value)
        {
            var length = value.GetByteCount();
            VarLong(length);
            value.TryWriteBytes(buffer.GetSpan(length), out var written);
            buffer.Advance(written);
        }

        private void Fixed64(long value)
        {
            BinaryPrimitives.WriteInt64LittleEndian(buffer.GetSpan(8), value);
            buffer.Advance(8);
        }

        public void VarLong(long value)
        {
            var zigzag = (ulong)((value << 1) ^ (value >> 63));
            var span = buffer.GetSpan(10);
            var i = 0;
            while (zigzag >= 0x80)
            {
                span[i++] = (byte)(zigzag | 0x80);
                zigzag >>= 7;
            }

            span[i++] = (byte)zigzag;
            buffer.Advance(i);
        }
    }

    internal ref struct Reader(ReadOnlySpan<byte> bytes)
    {
        private readonly ReadOnlySpan<byte> _bytes = bytes;
        private int _position;

        public readonly bool AtEnd => _position == _bytes.Length;

        public SenteEvent Event()
        {
            var (ns, name) = Name();
            var data = Byte() == 0 ? null : Value();
            return new SenteEvent(new EdnKeyword(ns, name), data);
        }

        public byte Byte() => _bytes[_position++];

        public EdnValue Value() => (Kind)Byte() switch
        {
            Kind.Nil => EdnValue.Nil,
            Kind.False => EdnBool.False,
            Kind.True => EdnBool.True,
            Kind.Long => new EdnLong(VarLong()),
            Kind.BigInt => new EdnBigInt(BigInt()),
            Kind.Double => new EdnDouble(BitConverter.Int64BitsToDouble(Fixed64())),
            Kind.BigDecimal => new EdnBigDecimal(Text()),
            Kind.Ratio => new EdnRatio(BigInt(), BigInt()),
            Kind.Char => new EdnChar(checked((int)VarLong())),
            Kind.String => new EdnString(Text()),
            Kind.Keyword => Keyword(),
            Kind.Symbol => Symbol(),
            Kind.Uuid => new EdnUuid(new Guid(Take(16))),
            Kind.Inst => new EdnInst(new DateTimeOffset(Fixed64(), TimeSpan.Zero)),
            Kind.Vector => new EdnVector(Items()),
            Kind.List => new EdnList(Items()),
            Kind.Set => new EdnSet(Items()),
            Kind.Map => Map(),
            Kind.Tagged => Tagged(),
            var kind => throw new InvalidDataException($"Unknown value kind {kind} in a Sente event."),
        };

        public (string? Namespace, string Name) Name()
        {
            var nsLength = Count();
            var ns = nsLength == 0 ? null : Encoding.UTF8.GetString(Take(nsLength - 1));
            return (ns, Text());
        }

        private EdnKeyword Keyword()
        {
            var (ns, name) = Name();
            return new EdnKeyword(ns, name);
        }

        private EdnSymbol Symbol()
        {
            var (ns, name) = Name();
            return new EdnSymbol(ns, name);
        }

        private EdnTagged Tagged()
        {
            var tag = Symbol();
            return new EdnTagged(tag, Value());
        }

        private ImmutableArray<EdnValue> Items()
        {
            var items = ImmutableArray.CreateBuilder<EdnValue>(Count());
            for (var i = items.Capacity; i > 0; i--)
            {
                items.Add(Value());
            }

            return items.MoveToImmutable();
        }

        private EdnMap Map()
        {
            var entries = ImmutableArray.CreateBuilder<KeyValuePair<EdnValue, EdnValue>>(Count());
            for (var i = entries.Capacity; i > 0; i--)
            {
                var key = Value();
                entries.Add(new(key, Value()));
            }

            return new EdnMap(entries.MoveToImmutable());
        }

        public string Text() => Encoding.UTF8.GetString(Take(Count()));

        private BigInteger BigInt() => new(Take(Count()));

        private long Fixed64() => BinaryPrimitives.ReadInt64LittleEndian(Take(8));

        private ReadOnlySpan<byte> Take(int length)
        {
            var span = _bytes.Slice(_position, length);
            _position += length;
            return span;
        }

        /// <summary>A length or count: never negative, never beyond the bytes that are left.</summary>
        public int Count()
        {
            var value = VarLong();
            if (value < 0 || value > _bytes.Length - _position + 1)
            {
                throw new InvalidDataException($"Count {value} out of range in a Sente event.");
            }

            return (int)value;
        }

        public long VarLong()
        {
            ulong result = 0;
            for (var shift = 0; shift < 64; shift += 7)
            {
                var b = Byte();
                result |= (ulong)(b & 0x7f) << shift;
                if (b < 0x80)
                {
                    return (long)(result >> 1) ^ -(long)(result & 1);
                }
            }

            throw new InvalidDataException("Varint longer than 64 bits in a Sente event.");
        }
    }
}
