using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Orleans.Sente.Protocol;

/// <summary>
/// A recursive-descent EDN parser over UTF-8 bytes. Recursion is bounded by
/// <see cref="EdnReaderOptions.MaxDepth"/> and by a check of the remaining stack, so no input
/// can overflow it. Items of open collections wait on one shared scratch stack, so each
/// collection costs one array.
/// </summary>
internal ref partial struct EdnParser
{
    [ThreadStatic]
    private static List<EdnValue>? t_scratch;

    private readonly ReadOnlySpan<byte> _s;
    private readonly EdnReaderOptions _options;
    private readonly List<EdnValue> _scratch;
    private int _pos;
    private int _depth;

    public EdnParser(ReadOnlySpan<byte> utf8, EdnReaderOptions options)
    {
        _s = utf8;
        _options = options;
        _scratch = t_scratch ?? new List<EdnValue>();
        t_scratch = null;
        _pos = 0;
        _depth = 0;
    }

    public EdnValue ReadFrame()
    {
        try
        {
            var value = ReadValue(NoCloser)!;
            SkipAtmosphere();
            if (_pos < _s.Length)
            {
                throw Error("Unexpected data after the value", _pos);
            }

            return value;
        }
        catch (SentePackException)
        {
            throw;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new SentePackException("Unreadable EDN: " + e.Message, _pos, e);
        }
        finally
        {
            _scratch.Clear();
            if (_scratch.Capacity <= 4096)
            {
                t_scratch = _scratch;
            }
        }
    }

    private const byte NoCloser = 0;

    /// <summary>
    /// Reads the next value; returns null when the next thing is <paramref name="closer"/>
    /// (consumed). Any other closing delimiter, or the end of input, is an error.
    /// </summary>
    private EdnValue? ReadValue(byte closer)
    {
        SkipAtmosphere();
        if (_pos >= _s.Length)
        {
            throw Error("EOF while reading", _pos);
        }

        var c = _s[_pos];
        switch (c)
        {
            case (byte)')' or (byte)']' or (byte)'}':
                if (c == closer)
                {
                    _pos++;
                    return null;
                }

                throw Error($"Unmatched delimiter {(char)c}.", _pos);
            case (byte)'[':
                return new EdnVector(ReadItems((byte)']'));
            case (byte)'(':
                return new EdnList(ReadItems((byte)')'));
            case (byte)'{':
                return ReadMap(null);
            case (byte)'"':
                return new EdnString(ReadString());
            case (byte)'\\':
                return ReadChar();
            case (byte)'#':
                return ReadDispatch();
            case (byte)':':
                return ReadKeyword();
            case (byte)'@' or (byte)'^' or (byte)'`' or (byte)'~':
                throw Error($"Unsupported character: {(char)c}", _pos);
            default:
                return ReadTokenValue();
        }
    }

    /// <summary>Skips whitespace, commas, <c>;</c> and <c>#!</c> comments, and <c>#_</c> discarded values.</summary>
    private void SkipAtmosphere()
    {
        while (_pos < _s.Length)
        {
            var c = _s[_pos];
            if (c < 0x80)
            {
                if (EdnSyntax.IsWhitespace(c))
                {
                    _pos++;
                }
                else if (c == ';' || (c == '#' && Peek(1) == '!'))
                {
                    SkipLine();
                }
                else if (c == '#' && Peek(1) == '_')
                {
                    var start = _pos;
                    _pos += 2;
                    Enter(start);
                    ReadValue(NoCloser);
                    _depth--;
                }
                else
                {
                    return;
                }
            }
            else
            {
                var rune = RuneAt(_pos, out var width);
                if (!EdnSyntax.IsWhitespace(rune))
                {
                    return;
                }

                _pos += width;
            }
        }
    }

    private void SkipLine()
    {
        var end = _s[_pos..].IndexOfAny((byte)'\n', (byte)'\r');
        _pos = end < 0 ? _s.Length : _pos + end;
    }

    private ImmutableArray<EdnValue> ReadItems(byte closer)
    {
        var open = _pos;
        _pos++;
        Enter(open);
        var start = _scratch.Count;
        while (ReadValue(closer) is { } item)
        {
            _scratch.Add(item);
        }

        _depth--;
        return TakeScratch(start);
    }

    private ImmutableArray<EdnValue> TakeScratch(int start)
    {
        var count = _scratch.Count - start;
        if (count == 0)
        {
            return ImmutableArray<EdnValue>.Empty;
        }

        var items = new EdnValue[count];
        _scratch.CopyTo(start, items, 0, count);
        _scratch.RemoveRange(start, count);
        return ImmutableCollectionsMarshal.AsImmutableArray(items);
    }

    /// <summary>Reads <c>{k v ...}</c>; with <paramref name="keyNamespace"/>, as the body of <c>#:ns{...}</c>.</summary>
    private EdnMap ReadMap(string? keyNamespace)
    {
        var open = _pos;
        var items = ReadItems((byte)'}');
        if (items.Length % 2 != 0)
        {
            throw Error("Map literal must contain an even number of forms", open);
        }

        var entries = new KeyValuePair<EdnValue, EdnValue>[items.Length / 2];
        for (var i = 0; i < entries.Length; i++)
        {
            var key = keyNamespace is null ? items[2 * i] : QualifyKey(items[2 * i], keyNamespace);
            entries[i] = new(key, items[(2 * i) + 1]);
        }

        Dictionary<EdnValue, EdnValue>? index = null;
        if (entries.Length <= LookupIndex.LinearLimit)
        {
            for (var i = 1; i < entries.Length; i++)
            {
                for (var j = 0; j < i; j++)
                {
                    if (entries[i].Key.Equals(entries[j].Key))
                    {
                        throw Error($"Duplicate key: {entries[i].Key}", open);
                    }
                }
            }
        }
        else
        {
            index = new Dictionary<EdnValue, EdnValue>(entries.Length);
            foreach (var entry in entries)
            {
                if (!index.TryAdd(entry.Key, entry.Value))
                {
                    throw Error($"Duplicate key: {entry.Key}", open);
                }
            }
        }

        return EdnMap.FromUnique(ImmutableCollectionsMarshal.AsImmutableArray(entries), index);
    }

    private EdnSet ReadSet()
    {
        var open = _pos - 1;
        var items = ReadItems((byte)'}');
        HashSet<EdnValue>? index = null;
        if (items.Length <= LookupIndex.LinearLimit)
        {
            for (var i = 1; i < items.Length; i++)
            {
                for (var j = 0; j < i; j++)
                {
                    if (items[i].Equals(items[j]))
                    {
                        throw Error($"Duplicate key: {items[i]}", open);
                    }
                }
            }
        }
        else
        {
            index = new HashSet<EdnValue>(items.Length);
            foreach (var item in items)
            {
                if (!index.Add(item))
                {
                    throw Error($"Duplicate key: {item}", open);
                }
            }
        }

        return EdnSet.FromUnique(items, index);
    }

    private void Enter(int at)
    {
        if (++_depth > _options.MaxDepth)
        {
            throw Error($"Nested deeper than {_options.MaxDepth}", at);
        }

        if (!RuntimeHelpers.TryEnsureSufficientExecutionStack())
        {
            throw Error("Nested too deep for the stack", at);
        }
    }

    private int Peek(int ahead) => _pos + ahead < _s.Length ? _s[_pos + ahead] : -1;

    private int RuneAt(int at, out int width)
    {
        System.Text.Rune.DecodeFromUtf8(_s[at..], out var rune, out width);
        return rune.Value;
    }

    private static SentePackException Error(string message, int at) => new(message, at);
}
