using System.Text;
using FsCheck;
using FsCheck.Fluent;

namespace Orleans.Sente.Protocol.Tests;

/// <summary>
/// Sente's own frames (the transcripts), in EDN, JSON, Transit and MessagePack, mutated with the pieces an attacker
/// reaches for, fed to every reader: each may refuse only with <see cref="SentePackException"/>,
/// and whatever one accepts every packer packs and its reader reads back.
/// </summary>
public sealed class ReaderFuzzTests
{
    /// <summary>Fragments spliced into frames: escapes, surrogates, numbers at their limits, tags, nesting.</summary>
    private static readonly string[] Pieces =
    [
        "\\ud800", "\"\\ud800\"", "\\uDFFF", "\\u", "\\u12", "\\o777", "\\o377", "\\0", "\\", "\"", "\\newline", "\u0000", "\\u0000",
        "0x" + new string('F', 3500), "36r" + new string('Z', 3000), "0" + new string('7', 4500), new string('9', 4097),
        "-" + new string('9', 4096) + "N", "1/0", "1" + new string('0', 400) + "/3", "1e999999999M", "1e-999999999M",
        "1e999999999", "1e400", "1.5M", "10N", "1/3", "##Inf", "##NaN", "##-Inf", "-0.0", "1e", "0x", "2r", "37r1",
        "#:5{a 1}", "#:nil{a 1}", "#:x{", "#nil ", "#true ", "#a/b ", "#\U0001D49C ", "#_", "#!", "#", "##", "#{", "#{1 1}",
        "#inst \"0001-01-01T00:00:00+23:59\"", "#inst \"9999-12-31T23:59:60.999-00:00\"", "#inst ", "#uuid \"x\"", "#uuid ",
        new string('[', 70), new string('[', 98), new string(']', 70), new string('{', 50), "(", ")", "{", "}", "[", "]",
        ":", "::", ":a/", "/", "a/b/c", ":\u00e9", "\ud83d\ude00", ",", ";", "\n", " ", "nil", "true", "1", "\"a\"",
        "{\"a\":1,\"a\":2}", "\"\\ud800\":", "\\\\", "\\\"", "null", "[1,", "\"\\uD83D\\uDE00\"", "1E+400", "-",
    ];

    private static readonly Lazy<byte[][]> Seeds = new(LoadSeeds);

    private static Config Cases(int count) => Config.QuickThrowOnFailure.WithMaxTest(count).WithQuietOnSuccess(true);

    [Fact]
    public void The_seeds_are_Sente_frames_in_both_packers()
    {
        Assert.True(Seeds.Value.Length > 50, $"only {Seeds.Value.Length} seeds");
        Assert.Contains(Seeds.Value, seed => seed[0] == '[' && Encoding.UTF8.GetString(seed).Contains("\",\""));
    }

    [Fact]
    public void Every_seed_reads_and_packs_everywhere()
    {
        foreach (var seed in Seeds.Value)
        {
            Hostile.ReadAndPackEverywhere(seed);
        }
    }

    [Fact]
    public void Mutated_frames_fail_only_with_the_parse_exception_and_what_reads_packs_everywhere()
    {
        var edits = Gen.Choose(1, 6).SelectMany(n => Gen.ArrayOf(EdnGen.Both(Gen.Choose(0, int.MaxValue), Gen.Choose(0, (Pieces.Length * 2) + 255)), n));
        var frames = EdnGen.Both(Gen.Choose(0, Seeds.Value.Length - 1), edits).Select(t => Mutate(Seeds.Value[t.Item1], t.Item2));
        Check.One(Cases(3000), Prop.ForAll(frames.ToArbitrary(), frame => Hostile.ReadAndPackEverywhere(frame)));
    }

    [Fact]
    public void Frames_built_only_of_attack_pieces_fail_only_with_the_parse_exception_and_what_reads_packs_everywhere()
    {
        var frames = Gen.Choose(1, 12).SelectMany(n => Gen.ArrayOf(Gen.Elements(Pieces), n)).Select(parts => Encoding.UTF8.GetBytes(string.Join(' ', parts)));
        Check.One(Cases(3000), Prop.ForAll(frames.ToArbitrary(), frame => Hostile.ReadAndPackEverywhere(frame)));
    }

    /// <summary>
    /// Each edit picks a place and either splices in a piece, overwrites with a piece, deletes a
    /// run of bytes, or sets one byte.
    /// </summary>
    private static byte[] Mutate(byte[] seed, (int At, int What)[] edits)
    {
        var bytes = seed.ToList();
        foreach (var (at, what) in edits)
        {
            var i = bytes.Count == 0 ? 0 : at % (bytes.Count + 1);
            if (what < Pieces.Length)
            {
                bytes.InsertRange(i, Encoding.UTF8.GetBytes(Pieces[what]));
            }
            else if (what < Pieces.Length * 2)
            {
                var piece = Encoding.UTF8.GetBytes(Pieces[what - Pieces.Length]);
                bytes.RemoveRange(i, Math.Min(piece.Length, bytes.Count - i));
                bytes.InsertRange(i, piece);
            }
            else if ((what & 1) == 0)
            {
                bytes.RemoveRange(i, Math.Min(1 + (what % 7), bytes.Count - i));
            }
            else if (i < bytes.Count)
            {
                bytes[i] = (byte)(what - (Pieces.Length * 2));
            }
        }

        return [.. bytes];
    }

    /// <summary>The transcripts' frames, each once more as the JSON, Transit and MessagePack packers write it, and Sente's own Transit and MessagePack frames.</summary>
    private static byte[][] LoadSeeds()
    {
        var edn = Vectors.Frames("edn.txt", "timing.txt", "client.txt", "malformed.txt").Select(f => f.Text)
            .Concat(Vectors.Lines("edn-types.txt").Where(line => line.StartsWith('[')))
            .Distinct()
            .ToList();
        var json = new List<string>();
        foreach (var frame in edn)
        {
            try
            {
                json.Add(Encoding.UTF8.GetString(JsonPacker.Instance.PackToArray(EdnReader.Read(frame))));
            }
            catch (SentePackException)
            {
                // A malformed transcript frame has no JSON form; it is a seed as EDN only.
            }
        }

        var transit = new List<byte[]>();
        var msgpack = new List<byte[]>();
        foreach (var frame in edn)
        {
            try
            {
                var value = EdnReader.Read(frame);
                transit.Add(TransitPacker.Instance.PackToArray(value));
                msgpack.Add(MsgpackPacker.Instance.PackToArray(value));
            }
            catch (SentePackException)
            {
                // As above: a malformed frame is a seed as EDN only.
            }
        }

        var captured = PackerVectors.Transit().Concat(PackerVectors.Msgpack()).Select(p => p.Packed);
        return [.. edn.Concat(json).Select(Encoding.UTF8.GetBytes).Concat(transit).Concat(msgpack).Concat(captured)];
    }
}
