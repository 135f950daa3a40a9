using System.Text;
using FsCheck;
using FsCheck.Fluent;

namespace Orleans.Sente.Protocol.Tests;

/// <summary>Properties over generated values and inputs; each bounded to a few hundred cases.</summary>
public sealed class EdnPropertyTests
{
    private static readonly EdnReaderOptions KeepTags = new() { KeepUnknownTags = true };
    private static readonly EdnPacker Packer = new(KeepTags);

    private static Config Cases(int count) => Config.QuickThrowOnFailure.WithMaxTest(count).WithQuietOnSuccess(true);

    private static void RoundTrips(EdnValue value)
    {
        var printed = V.Pack(Packer, value);
        var read = V.Unpack(Packer, printed);
        Assert.Equal(value, read);
        Assert.Equal(printed, V.Pack(Packer, read));
        Assert.Equal(read.GetHashCode(), value.GetHashCode());
    }

    [Fact]
    public void Print_then_read_is_identity_for_any_value()
    {
        Check.One(Cases(400), Prop.ForAll(EdnGen.Values(4, tags: true).ToArbitrary(), v => RoundTrips(v)));
    }

    [Fact]
    public void Print_then_read_is_identity_for_strings_with_any_characters()
    {
        Check.One(Cases(300), Prop.ForAll(EdnGen.Strings.ToArbitrary(), s => RoundTrips(new EdnString(s))));
    }

    [Fact]
    public void Print_then_read_is_identity_at_the_nesting_limit()
    {
        Check.One(Cases(60), Prop.ForAll(Gen.Choose(90, 100).SelectMany(EdnGen.Chain).ToArbitrary(), v => RoundTrips(v)));
    }

    [Fact]
    public void One_level_past_the_limit_neither_prints_nor_reads()
    {
        Check.One(Cases(30), Prop.ForAll(EdnGen.Chain(101).ToArbitrary(), v =>
        {
            Assert.Throws<SentePackException>(() => V.Pack(EdnPacker.Instance, v));
            var text = EdnPrinter.Print(v, maxDepth: 200);
            Assert.Throws<SentePackException>(() => V.Unpack(EdnPacker.Instance, text));
        }));
    }

    [Fact]
    public void Reading_random_bytes_or_mangled_frames_fails_only_with_the_parse_exception_even_on_a_small_stack()
    {
        var bytes = Gen.ArrayOf(Gen.Choose(0, 255)).Select(a => a.Select(b => (byte)b).ToArray());
        var ednish = Gen.ArrayOf(Gen.Elements("[]{}()#\"\\:;_,^@~`'/.+-0123456789eENMx rnu\n#_#:##uuid inst foo/bar nil é😀 \uFFFF".ToCharArray()))
            .Select(cs => Encoding.UTF8.GetBytes(new string(cs)));
        var mangled = EdnGen.Both(EdnGen.Values(3, tags: true), Gen.ArrayOf(EdnGen.Both(Gen.Choose(0, 10_000), Gen.Choose(0, 127))))
            .Select(t => Mangle(Encoding.UTF8.GetBytes(EdnPrinter.Print(t.Item1)), t.Item2));
        var deep = Gen.Choose(1, 5000).Select(n => Encoding.UTF8.GetBytes(new string('[', n) + new string('{', n)));
        var inputs = Gen.OneOf(bytes, ednish, mangled, deep);

        Exception? failure = null;
        var thread = new Thread(
            () =>
            {
                try
                {
                    Check.One(Cases(1500), Prop.ForAll(inputs.ToArbitrary(), frame =>
                    {
                        try
                        {
                            EdnReader.Read(frame, KeepTags);
                            EdnReader.Read(frame);
                        }
                        catch (SentePackException e)
                        {
                            Assert.InRange(e.Position, -1, frame.Length);
                        }
                    }));
                }
                catch (Exception e)
                {
                    failure = e;
                }
            },
            maxStackSize: 256 * 1024);
        thread.Start();
        Assert.True(thread.Join(TimeSpan.FromSeconds(60)), "fuzzing did not finish");
        Assert.Null(failure);
    }

    [Fact]
    public void Read_value_packs_again_equal_and_identical_keeping_every_type()
    {
        const string frame = "[[:my/ev {:kw :a/b, :set #{1 \"s\" :k}, :id #uuid \"bed6400a-785e-4a83-a41d-e5b566cd8950\", "
            + ":at #inst \"2024-01-02T03:04:05.006-00:00\", :list (1 2), :big 10N, :dec 1.50M, :ratio 1/3, :ch \\c, :sym foo/bar}] \"cb1234\"]";
        var value = V.Unpack(EdnPacker.Instance, frame);
        Assert.Equal(frame, V.Pack(EdnPacker.Instance, value));
        var data = value is EdnVector { Items: [EdnVector { Items: [_, var d] }, _] } ? d : throw new Xunit.Sdk.XunitException("shape");
        Assert.IsType<EdnKeyword>(data["kw"]);
        Assert.IsType<EdnSet>(data["set"]);
        Assert.IsType<EdnUuid>(data["id"]);
        Assert.IsType<EdnInst>(data["at"]);
        Assert.IsType<EdnList>(data["list"]);
        Assert.IsType<EdnBigInt>(data["big"]);
        Assert.IsType<EdnBigDecimal>(data["dec"]);
        Assert.IsType<EdnRatio>(data["ratio"]);
        Assert.IsType<EdnChar>(data["ch"]);
        Assert.IsType<EdnSymbol>(data["sym"]);
    }

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
            switch (b % 3)
            {
                case 0: list[i] = (byte)b; break;
                case 1: list.RemoveAt(i); break;
                default: list.Insert(i, (byte)"[]{}()\"\\#:; "[b % 12]); break;
            }
        }

        return [.. list];
    }
}
