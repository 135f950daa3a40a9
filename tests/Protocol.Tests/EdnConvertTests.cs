using System.Numerics;
using System.Text.Json;
using System.Text.Json.Nodes;
using static Orleans.Sente.Protocol.Tests.V;

namespace Orleans.Sente.Protocol.Tests;

public sealed class EdnConvertTests
{
    public enum Mood
    {
        Happy,
        DarkAndStormy,
    }

    public sealed record Message(string From, string? Text, int Seq, Mood Mood, Guid Id, DateTimeOffset At, IReadOnlyList<string> Tags, HashSet<int> Flags);

    private static readonly Guid Id = Guid.Parse("bed6400a-785e-4a83-a41d-e5b566cd8950");
    private static readonly DateTimeOffset At = new(2024, 1, 2, 3, 4, 5, 6, TimeSpan.Zero);

    [Fact]
    public void Object_properties_become_kebab_case_keyword_keys()
    {
        var message = new Message("alice", null, 7, Mood.DarkAndStormy, Id, At, ["a", "b"], [3]);
        Assert.Equal(
            "{:from \"alice\", :text nil, :seq 7, :mood :dark-and-stormy, :id #uuid \"bed6400a-785e-4a83-a41d-e5b566cd8950\", "
            + ":at #inst \"2024-01-02T03:04:05.006-00:00\", :tags [\"a\" \"b\"], :flags #{3}}",
            EdnPrinter.Print(EdnConvert.FromObject(message)));
    }

    [Fact]
    public void Primitives_keep_their_kind()
    {
        Assert.Equal(
            Vec(Nil, 1, 2, 3, 4, new EdnBigInt(ulong.MaxValue), Big(5), 1.5, 2.5, new EdnBigDecimal("1.50"), new EdnChar('x'), "s", true,
                new EdnInst(At), new EdnInst(At)),
            EdnConvert.FromObject(new object?[]
            {
                null, (byte)1, (short)2, 3, 4L, ulong.MaxValue, new BigInteger(5), 1.5f, 2.5, 1.50m, 'x', "s", true,
                At.UtcDateTime, new DateTime(2024, 1, 2, 3, 4, 5, 6, DateTimeKind.Unspecified),
            }));
    }

    [Fact]
    public void Dictionaries_map_string_keys_to_keywords_where_they_can()
    {
        var dictionary = new Dictionary<string, int> { ["text"] = 1, ["chat/room"] = 2, ["two words"] = 3 };
        Assert.Equal(Map((K("text"), 1), (K("chat/room"), 2), (S("two words"), 3)), EdnConvert.FromObject(dictionary));
        Assert.Equal(Map((1, "one")), EdnConvert.FromObject(new SortedList<int, string> { [1] = "one" }));
        Assert.Equal(Map((K("a"), 1)), EdnConvert.FromObject(new[] { KeyValuePair.Create("a", 1) }.ToDictionary().AsReadOnly()));
    }

    [Fact]
    public void Cyclic_graphs_are_refused()
    {
        var list = new List<object>();
        list.Add(list);
        Assert.Throws<ArgumentException>(() => EdnConvert.FromObject(list));
    }

    [Fact]
    public void Graphs_convert_exactly_as_deep_as_event_data_can_be_pushed()
    {
        static object Nest(int levels)
        {
            object value = "leaf";
            for (var i = 0; i < levels; i++)
            {
                value = new object[] { value };
            }

            return value;
        }

        var deepest = EdnConvert.FromObject(Nest(EdnConvert.MaxDepth));
        Assert.Equal(97, EdnConvert.MaxDepth);
        Assert.False(Envelope.IsTooDeepToPush(deepest));
        Assert.Throws<ArgumentException>(() => EdnConvert.FromObject(Nest(EdnConvert.MaxDepth + 1)));

        // An EDN value embedded as-is counts too.
        var embedded = new Dictionary<string, object> { ["inner"] = deepest };
        Assert.Throws<ArgumentException>(() => EdnConvert.FromObject(embedded));
    }

    [Fact]
    public void Values_bind_back_to_dotnet_types_by_kebab_case_name()
    {
        var message = new Message("alice", "hi", 7, Mood.DarkAndStormy, Id, At, ["a"], [3]);
        var back = EdnConvert.ToObject<Message>(EdnConvert.FromObject(message));
        Assert.NotNull(back);
        Assert.Equal(message with { Tags = back.Tags, Flags = back.Flags }, back);
        Assert.Equal(["a"], back.Tags);
        Assert.Equal([3], back.Flags);
        var bob = EdnConvert.ToObject<Message>(EdnReader.Read(
            "{:from \"bob\" :seq 1 :mood :happy :id #uuid \"bed6400a-785e-4a83-a41d-e5b566cd8950\" :at #inst \"2024-01-02T03:04:05.006-00:00\" :tags [] :flags #{}}"));
        Assert.NotNull(bob);
        Assert.Equal(("bob", (string?)null, 1, Mood.Happy, Id, At), (bob.From, bob.Text, bob.Seq, bob.Mood, bob.Id, bob.At));
        Assert.Empty(bob.Tags);
        Assert.Empty(bob.Flags);
    }

    [Fact]
    public void Untyped_conversion_gives_plain_dotnet_values()
    {
        var plain = EdnConvert.ToObject(EdnReader.Read("{:a [1 2.5 \"s\" :k/w nil] :b #{1} \"c\" #uuid \"bed6400a-785e-4a83-a41d-e5b566cd8950\" :d 1.5M :e 10N}"));
        var map = Assert.IsType<Dictionary<object, object?>>(plain);
        Assert.Equal(new List<object?> { 1L, 2.5, "s", "k/w", null }, map["a"]);
        Assert.Equal([1L], Assert.IsType<HashSet<object?>>(map["b"]).Order());
        Assert.Equal(Id, map["c"]);
        Assert.Equal(1.5m, map["d"]);
        Assert.Equal(new BigInteger(10), map["e"]);
    }

    [Fact]
    public void JSON_conversion_matches_the_JSON_packer()
    {
        var json = JsonDocument.Parse("{\"text\":\"hi\",\"n\":[1,2.5,null,true],\"kw\":\":my/k\"}").RootElement;
        var value = EdnConvert.FromJson(json);
        Assert.Equal(Map((K("text"), "hi"), (K("n"), Vec(1, 2.5, Nil, true)), (K("kw"), ":my/k")), value);
        Assert.Equal(value, EdnConvert.FromJson(JsonNode.Parse(json.GetRawText())));
        Assert.Equal(value, EdnConvert.FromObject(json));
        Assert.Equal(Nil, EdnConvert.FromJson((JsonNode?)null));

        var node = EdnConvert.ToJsonNode(Map((K("id"), K("my/k")), (K("at"), new EdnInst(At)), (K("s"), Set(1))));
        Assert.Equal("{\"id\":\":my/k\",\"at\":\"2024-01-02T03:04:05.006Z\",\"s\":[1]}", node!.ToJsonString());
    }

    [Fact]
    public void Kebab_case_splits_words_and_acronyms()
    {
        Assert.Equal("first-name", EdnConvert.KebabCase("FirstName"));
        Assert.Equal("http-server", EdnConvert.KebabCase("HTTPServer"));
        Assert.Equal("id", EdnConvert.KebabCase("Id"));
    }
}
