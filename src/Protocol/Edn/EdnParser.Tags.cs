using System.Text;

namespace Orleans.Sente.Protocol;

/// <summary>The <c>#</c> dispatch: sets, tags, symbolic values, namespaced maps.</summary>
internal ref partial struct EdnParser
{
    private EdnValue ReadDispatch()
    {
        var hash = _pos;
        var next = Peek(1);
        switch (next)
        {
            case '{':
                _pos++;
                return ReadSet();
            case '#':
                return ReadSymbolic(hash);
            case ':':
                return ReadNamespacedMap(hash);
            case -1:
                throw Error("EOF while reading", hash);
        }

        _pos++;
        var letter = next < 0x80 ? char.IsAsciiLetter((char)next) : System.Text.Rune.IsLetter(new System.Text.Rune(RuneAt(_pos, out _)));
        if (!letter)
        {
            throw Error($"No dispatch macro for {(next < 0x80 ? ((char)next).ToString() : "non-ASCII character")}.", hash);
        }

        var start = ScanToken();
        var (ns, name) = SplitName(_s[start.._pos], hash);
        var tag = new EdnSymbol(ns, name);
        if (ns is null && name == "inst")
        {
            return new EdnInst(InstText.Parse(ReadTagString(hash, "inst"), hash));
        }

        if (ns is null && name == "uuid")
        {
            var text = ReadTagString(hash, "uuid");
            return Guid.TryParseExact(text, "D", out var guid)
                ? new EdnUuid(guid)
                : throw Error($"Invalid #uuid: {Shorten(text)}", hash);
        }

        if (!_options.KeepUnknownTags)
        {
            throw Error($"No reader function for tag {tag.FullName}.", hash);
        }

        // A tag must print back as itself: #nil, #true or #5/x would not read back as a tag.
        if (!EdnPrinterCore.IsPrintableTag(tag))
        {
            throw Error($"Invalid tag: #{tag.FullName}", hash);
        }

        Enter(hash);
        var value = ReadValue(NoCloser)!;
        _depth--;
        return new EdnTagged(tag, value);
    }

    /// <summary>
    /// The string after <c>#inst</c> or <c>#uuid</c>. Not counted as a level of nesting, since the
    /// value it makes is a scalar; a collection here still counts its own levels.
    /// </summary>
    private string ReadTagString(int hash, string tag)
    {
        var value = ReadValue(NoCloser);
        return value is EdnString s ? s.Value : throw Error($"#{tag} expects a string", hash);
    }

    private EdnDouble ReadSymbolic(int hash)
    {
        _pos += 2;
        var start = ScanToken();
        var token = _s[start.._pos];
        if (token.SequenceEqual("Inf"u8))
        {
            return new EdnDouble(double.PositiveInfinity);
        }

        if (token.SequenceEqual("-Inf"u8))
        {
            return new EdnDouble(double.NegativeInfinity);
        }

        if (token.SequenceEqual("NaN"u8))
        {
            return new EdnDouble(double.NaN);
        }

        throw Error($"Invalid token: ##{Encoding.UTF8.GetString(token)}", hash);
    }

    /// <summary><c>#:ns{:a 1, :_/b 2, "c" 3}</c> is <c>{:ns/a 1, :b 2, "c" 3}</c>.</summary>
    private EdnMap ReadNamespacedMap(int hash)
    {
        _pos += 2;
        var start = ScanToken();
        var token = _s[start.._pos];
        if (token.IsEmpty || token[0] == ':' || token.IndexOf((byte)'/') >= 0)
        {
            throw Error("Namespaced map must specify a valid namespace", hash);
        }

        // The keys it qualifies must print back: #:5{a 1} would make the symbol 5/a, which reads as a number.
        var ns = Encoding.UTF8.GetString(token);
        if (!EdnPrinterCore.IsPrintableSymbol(new EdnSymbol(ns, "a")) || !EdnPrinterCore.IsPrintableKeyword(new EdnKeyword(ns, "a")))
        {
            throw Error("Namespaced map must specify a valid namespace", hash);
        }

        while (_pos < _s.Length && _s[_pos] < 0x80 && EdnSyntax.IsWhitespace(_s[_pos]))
        {
            _pos++;
        }

        if (_pos >= _s.Length || _s[_pos] != '{')
        {
            throw Error("Namespaced map must specify a map", hash);
        }

        return ReadMap(ns);
    }

    private static EdnValue QualifyKey(EdnValue key, string ns) => key switch
    {
        EdnKeyword { Namespace: null } k => new EdnKeyword(ns, k.Name),
        EdnKeyword { Namespace: "_" } k => new EdnKeyword(null, k.Name),
        EdnSymbol { Namespace: null } s => new EdnSymbol(ns, s.Name),
        EdnSymbol { Namespace: "_" } s => new EdnSymbol(null, s.Name),
        _ => key,
    };

    private static string Shorten(string text) => text.Length > 40 ? text[..40] + "..." : text;
}
