using System.Buffers;
using System.Globalization;
using System.Numerics;
using System.Text;

namespace Orleans.Sente.Protocol;

/// <summary>Tokens (symbols, keywords, numbers, nil, booleans), strings and characters.</summary>
internal ref partial struct EdnParser
{
    /// <summary>Advances over a token's characters and returns where it started.</summary>
    private int ScanToken()
    {
        var start = _pos;
        while (_pos < _s.Length)
        {
            var c = _s[_pos];
            if (c < 0x80)
            {
                if (!EdnSyntax.IsConstituent(c))
                {
                    break;
                }

                _pos++;
            }
            else
            {
                var rune = RuneAt(_pos, out var width);
                if (!EdnSyntax.IsConstituent(rune))
                {
                    break;
                }

                _pos += width;
            }
        }

        return start;
    }

    private EdnValue ReadTokenValue()
    {
        var start = ScanToken();
        var token = _s[start.._pos];
        if (token.IsEmpty)
        {
            throw Error($"Unexpected character: {(char)_s[_pos]}", _pos);
        }

        var first = token[0];
        if (char.IsAsciiDigit((char)first) || (token.Length > 1 && (first == '+' || first == '-') && char.IsAsciiDigit((char)token[1])))
        {
            return ReadNumber(token, start);
        }

        if (token.SequenceEqual("nil"u8))
        {
            return EdnNil.Instance;
        }

        if (token.SequenceEqual("true"u8))
        {
            return EdnBool.True;
        }

        if (token.SequenceEqual("false"u8))
        {
            return EdnBool.False;
        }

        if (first == '.' && token.Length > 1 && char.IsAsciiDigit((char)token[1]))
        {
            throw Error($"Invalid token: {Encoding.UTF8.GetString(token)}", start);
        }

        var (ns, name) = SplitName(token, start);
        return new EdnSymbol(ns, name);
    }

    private EdnKeyword ReadKeyword()
    {
        var colon = _pos++;
        var start = ScanToken();
        var token = _s[start.._pos];
        if (token.IsEmpty || token[0] == ':')
        {
            throw Error($"Invalid token: :{Encoding.UTF8.GetString(token)}", colon);
        }

        var (ns, name) = SplitName(token, colon);
        return new EdnKeyword(ns, name);
    }

    /// <summary>Splits <c>ns/name</c> at the first slash; a lone <c>/</c> is a name.</summary>
    private static (string? Ns, string Name) SplitName(ReadOnlySpan<byte> token, int at)
    {
        var slash = token.IndexOf((byte)'/');
        if (slash < 0 || token.Length == 1)
        {
            return (null, Encoding.UTF8.GetString(token));
        }

        if (slash == 0 || slash == token.Length - 1)
        {
            throw Error($"Invalid token: {Encoding.UTF8.GetString(token)}", at);
        }

        return (Encoding.UTF8.GetString(token[..slash]), Encoding.UTF8.GetString(token[(slash + 1)..]));
    }

    private EdnValue ReadNumber(ReadOnlySpan<byte> token, int at)
    {
        if (token.Length > _options.MaxNumberLength)
        {
            throw Error(EdnNumber.TooLongFault(_options.MaxNumberLength), at);
        }

        var text = Encoding.UTF8.GetString(token);
        return EdnNumber.TryParse(text, out var value, out var fault)
            ? value
            : throw Error(fault ?? $"Invalid number: {text}", at);
    }

    private string ReadString()
    {
        var open = _pos++;
        var rest = _s[_pos..];
        var end = rest.IndexOfAny((byte)'"', (byte)'\\');
        if (end < 0)
        {
            throw Error("EOF while reading string", open);
        }

        if (rest[end] == '"')
        {
            _pos += end + 1;
            return Encoding.UTF8.GetString(rest[..end]);
        }

        var buffer = ArrayPool<char>.Shared.Rent(rest.Length);
        try
        {
            var length = 0;
            while (true)
            {
                rest = _s[_pos..];
                end = rest.IndexOfAny((byte)'"', (byte)'\\');
                if (end < 0)
                {
                    throw Error("EOF while reading string", open);
                }

                length += Encoding.UTF8.GetChars(rest[..end], buffer.AsSpan(length));
                _pos += end;
                if (rest[end] == '"')
                {
                    _pos++;
                    return new string(buffer, 0, length);
                }

                buffer[length++] = ReadEscape();
            }
        }
        finally
        {
            ArrayPool<char>.Shared.Return(buffer);
        }
    }

    /// <summary>Reads <c>\x</c> inside a string: Clojure's escapes, <c>\uXXXX</c> and octal <c>\0</c>-<c>\377</c>.</summary>
    private char ReadEscape()
    {
        var at = _pos++;
        if (_pos >= _s.Length)
        {
            throw Error("EOF while reading string", at);
        }

        var c = _s[_pos++];
        switch (c)
        {
            case (byte)'t': return '\t';
            case (byte)'r': return '\r';
            case (byte)'n': return '\n';
            case (byte)'\\': return '\\';
            case (byte)'"': return '"';
            case (byte)'b': return '\b';
            case (byte)'f': return '\f';
            case (byte)'u':
                if (_pos + 4 <= _s.Length && TryHex(_s.Slice(_pos, 4), out var unit))
                {
                    _pos += 4;
                    return (char)unit;
                }

                throw Error("Invalid unicode escape: \\u", at);
            case >= (byte)'0' and <= (byte)'7':
            {
                var value = c - '0';
                for (var n = 1; n < 3 && _pos < _s.Length && _s[_pos] is >= (byte)'0' and <= (byte)'7'; n++)
                {
                    value = (value * 8) + (_s[_pos++] - '0');
                }

                return value <= 255 ? (char)value : throw Error("Octal escape sequence must be in range [0, 377]", at);
            }

            default:
                throw Error($"Unsupported escape character: \\{(char)c}", at);
        }
    }

    /// <summary>Reads <c>\c</c>, <c>\newline</c>, <c>\uXXXX</c>, <c>\oNNN</c>: the first character after the backslash is always taken.</summary>
    private EdnChar ReadChar()
    {
        var at = _pos++;
        if (_pos >= _s.Length)
        {
            throw Error("EOF while reading character", at);
        }

        var first = RuneAt(_pos, out var width);
        _pos += width;
        var start = _pos - width;
        ScanToken();
        var token = _s[start.._pos];
        if (token.Length == width)
        {
            return new EdnChar(first);
        }

        switch (Encoding.UTF8.GetString(token))
        {
            case "newline": return new EdnChar('\n');
            case "space": return new EdnChar(' ');
            case "tab": return new EdnChar('\t');
            case "backspace": return new EdnChar('\b');
            case "formfeed": return new EdnChar('\f');
            case "return": return new EdnChar('\r');
        }

        if (first == 'u' && token.Length == 5 && TryHex(token[1..], out var unit))
        {
            return new EdnChar(unit);
        }

        if (first == 'o' && token.Length is >= 2 and <= 4)
        {
            var value = 0;
            foreach (var digit in token[1..])
            {
                if (digit is < (byte)'0' or > (byte)'7')
                {
                    throw Error($"Unsupported character: \\{Encoding.UTF8.GetString(token)}", at);
                }

                value = (value * 8) + (digit - '0');
            }

            return value <= 255 ? new EdnChar(value) : throw Error("Octal escape sequence must be in range [0, 377]", at);
        }

        throw Error($"Unsupported character: \\{Encoding.UTF8.GetString(token)}", at);
    }

    private static bool TryHex(ReadOnlySpan<byte> four, out int value)
    {
        value = 0;
        foreach (var b in four)
        {
            var digit = b switch
            {
                >= (byte)'0' and <= (byte)'9' => b - '0',
                >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
                >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
                _ => -1,
            };
            if (digit < 0)
            {
                return false;
            }

            value = (value * 16) + digit;
        }

        return true;
    }
}
