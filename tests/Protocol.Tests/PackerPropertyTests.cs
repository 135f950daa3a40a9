using System.Text;
using FsCheck;
using FsCheck.Fluent;

namespace Orleans.Sente.Protocol.Tests;

/// <summary>Round trips across the four packers over generated values; each property bounded to a few hundred cases.</summary>
public sealed class PackerPropertyTests
{
    private static readonly TransitPacker Transit = new(new EdnReaderOptions { KeepUnknownTags = true });
    private static readonly EdnPacker Edn = new(new EdnReaderOptions { KeepUnknownTags = true });

    private static Config Cases(int count) => Config.QuickThrowOnFailure.WithMaxTest(count).WithQuietOnSuccess(true);

    /// <summary>Values whose strings and chars are well-formed UTF-16 (a lone surrogate becomes U+FFFD in every UTF-8 packer but EDN).</summary>
    private static Gen<EdnValue> WellFormed(int depth, bool tags) => EdnGen.Values(depth, tags).Where(v => !HasLoneSurrogate(v));

    /// <summary>Also without tags Transit defines itself (<c>#set</c>, <c>#u</c>...), which the Transit packer writes as their value.</summary>
    private static Gen<EdnValue> TransitExact(int depth) => WellFormed(depth, tags: true).Where(v => !HasTransitTag(v));

    [Fact]
    public void Transit_pack_then_read_is_identity_for_any_value()
    {
        Check.One(Cases(400), Prop.ForAll(TransitExact(4).ToArbitrary(), v =>
        {
            var packed = Transit.PackToArray(v);
            var read = Transit.Unpack(packed);
            Assert.Equal(v, read);
            Assert.Equal(packed, Transit.PackToArray(read));
        }));
    }

    [Fact]
    public void Transit_and_EDN_carry_the_same_values_both_ways()
    {
        Check.One(Cases(300), Prop.ForAll(TransitExact(4).ToArbitrary(), v =>
        {
            Assert.Equal(v, Edn.Unpack(Edn.PackToArray(Transit.Unpack(Transit.PackToArray(v)))));
            Assert.Equal(v, Transit.Unpack(Transit.PackToArray(Edn.Unpack(Edn.PackToArray(v)))));
        }));
    }

    [Fact]
    public void MessagePack_packing_is_stable_once_read_and_exact_on_its_own_types()
    {
        Check.One(Cases(400), Prop.ForAll(WellFormed(4, tags: true).ToArbitrary(), v =>
        {
            // Folding may make equal members of distinct ones (a map keyed by [] and ()), so the
            // packing is stable from the first value read on.
            var read = MsgpackPacker.Instance.Unpack(MsgpackPacker.Instance.PackToArray(v));
            var packed = MsgpackPacker.Instance.PackToArray(read);
            var again = MsgpackPacker.Instance.Unpack(packed);
            Assert.Equal(read, again);
            Assert.Equal(Convert.ToHexString(packed), Convert.ToHexString(MsgpackPacker.Instance.PackToArray(again)));
            if (!HasKindsMessagePackFolds(v))
            {
                Assert.Equal(v, read);
            }
        }));
    }

    [Fact]
    public void A_value_read_by_any_packer_packs_in_every_packer_and_reads_back()
    {
        var packers = new ISentePacker[] { Edn, JsonPacker.Instance, Transit, MsgpackPacker.Instance };
        Check.One(Cases(200), Prop.ForAll(EdnGen.Values(4, tags: true).ToArbitrary(), v =>
        {
            foreach (var from in packers)
            {
                var read = from.Unpack(from.PackToArray(v));
                Hostile.PacksEverywhere(read, $"{from.Name} read of {read}");
            }
        }));
    }

    [Fact]
    public void A_batch_from_prepacked_events_equals_packing_the_whole_batch_frame()
    {
        var events = Gen.Choose(1, 5).SelectMany(n => Gen.ArrayOf(WellFormed(3, tags: false), n))
            .Select(data => data.Select((d, i) => SenteEvent.Create(i % 2 == 0 ? "my/ev" : "other/ev", d)).ToArray());
        Check.One(Cases(300), Prop.ForAll(events.ToArbitrary(), batch =>
        {
            foreach (var packer in new ISentePacker[] { EdnPacker.Instance, TransitPacker.Instance, MsgpackPacker.Instance })
            {
                var whole = packer.PackToArray(Envelope.BatchFrame(batch));
                var packed = batch.Select(e => (ReadOnlyMemory<byte>)packer.PackToArray(e.ToVector())).ToList();
                var buffer = new System.Buffers.ArrayBufferWriter<byte>();
                packer.WriteBatch(packed, buffer);
                Assert.Equal(Convert.ToHexString(whole), Convert.ToHexString(buffer.WrittenSpan));
            }
        }));
    }

    [Fact]
    public void Transit_and_MessagePack_readers_fail_only_with_the_parse_exception_on_mangled_frames_even_on_a_small_stack()
    {
        var mangled = EdnGen.Both(EdnGen.Values(3, tags: true), Gen.ArrayOf(EdnGen.Both(Gen.Choose(0, 10_000), Gen.Choose(0, 255))))
            .SelectMany(t => Gen.Elements(0, 1).Select(which => Mangle(which == 0 ? Transit.PackToArray(t.Item1) : MsgpackPacker.Instance.PackToArray(t.Item1), t.Item2)));
        var bytes = Gen.ArrayOf(Gen.Choose(0, 255)).Select(a => a.Select(b => (byte)b).ToArray());
        var deep = Gen.Choose(1, 5000).SelectMany(n => Gen.Elements(
            Encoding.UTF8.GetBytes(new string('[', n)),
            Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("[\"~#set\",", n))),
            Enumerable.Repeat((byte)0x91, n).ToArray(),
            Enumerable.Repeat(new byte[] { 0xd5, 0x04, 0x91 }, n).SelectMany(b => b).ToArray()));
        var inputs = Gen.OneOf(mangled, bytes, deep);

        Exception? failure = null;
        var thread = new Thread(
            () =>
            {
                try
                {
                    Check.One(Cases(2000), Prop.ForAll(inputs.ToArbitrary(), frame => Hostile.ReadAndPackEverywhere(frame)));
                }
                catch (Exception e)
                {
                    failure = e;
                }
            },
            maxStackSize: 256 * 1024);
        thread.Start();
        Assert.True(thread.Join(TimeSpan.FromSeconds(120)), "fuzzing did not finish");
        Assert.Null(failure);
    }

    /// <summary>Kinds Sente's MessagePack dialect folds into others: lists (arrays), big integers and decimals (integers, doubles), tags (their value).</summary>
    private static bool HasKindsMessagePackFolds(EdnValue? value) => value switch
    {
        EdnList or EdnBigInt or EdnBigDecimal or EdnTagged => true,
        EdnRatio r => r.Numerator < long.MinValue || r.Numerator > long.MaxValue || r.Denominator > long.MaxValue,
        EdnSequence seq => seq.Any(HasKindsMessagePackFolds),
        EdnSet set => set.Any(HasKindsMessagePackFolds),
        EdnMap map => map.Any(e => HasKindsMessagePackFolds(e.Key) || HasKindsMessagePackFolds(e.Value)),
        _ => false,
    };

    private static bool HasTransitTag(EdnValue? value) => value switch
    {
        EdnTagged t => TransitWriter.TransitTags.Contains(t.Tag.FullName) || HasTransitTag(t.Value),
        EdnSequence seq => seq.Any(HasTransitTag),
        EdnSet set => set.Any(HasTransitTag),
        EdnMap map => map.Any(e => HasTransitTag(e.Key) || HasTransitTag(e.Value)),
        _ => false,
    };

    private static bool HasLoneSurrogate(EdnValue? value) => value switch
    {
        EdnString s => EdnSyntax.HasLoneSurrogate(s.Value),
        EdnChar c => c.CodePoint is >= 0xD800 and <= 0xDFFF,
        EdnSequence seq => seq.Any(HasLoneSurrogate),
        EdnSet set => set.Any(HasLoneSurrogate),
        EdnMap map => map.Any(e => HasLoneSurrogate(e.Key) || HasLoneSurrogate(e.Value)),
        EdnTagged t => HasLoneSurrogate(t.Value),
        _ => false,
    };

    private static byte[] Mangle(byte[] frame, (int At, int Byte)[] edits)
    {
        var list = frame.ToList();
        foreach (var (at, b) in edits)
        {
            if (list.Count == 0)
            {
                break;
            }

            var i = at % list.Count;
            switch (b % 4)
            {
                case 0: list[i] = (byte)b; break;
                case 1: list.RemoveAt(i); break;
                case 2: list.RemoveRange(i, list.Count - i); break;
                default: list.Insert(i, (byte)"[]{}\"^~#:,0 "[b % 12]); break;
            }
        }

        return [.. list];
    }
}
