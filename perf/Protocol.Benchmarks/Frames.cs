namespace Orleans.Sente.Protocol.Benchmarks;

/// <summary>The typical frames of a Sente connection, as values.</summary>
internal static class Frames
{
    public static EdnVector Handshake { get; } = Envelope.HandshakeFrame(new EdnString("alice"), EdnMap.Of(("server", "s1")));

    /// <summary>A push whose EDN form is about 100 bytes.</summary>
    public static SenteEvent Push { get; } = SenteEvent.Create("chat/msg", EdnMap.Of(
        ("from", "alice"), ("room", new EdnKeyword("room", "lobby")), ("text", "hello there, how is everyone today?"), ("seq", 42L)));

    public static EdnVector PushFrame { get; } = Envelope.BatchFrame([Push]);

    public static EdnVector BatchOf10 { get; } = Envelope.BatchFrame(Enumerable.Repeat(Push, 10));

    public static EdnVector ClientRequest { get; } = new(new EdnVector(new EdnKeyword("my", "req"), EdnMap.Of(("q", 1), ("page", 2), ("filter", "recent"))), new EdnString("a1b2c3"));
}
