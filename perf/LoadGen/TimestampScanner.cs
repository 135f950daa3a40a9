namespace Orleans.Sente.Bench.LoadGen;

/// <summary>
/// Finds every <c>"t":&lt;digits&gt;</c> in a stream of message chunks, whatever the framing
/// around it (a SignalR invocation, a Sente batch of several events, a bare payload), so a
/// receiver counts events, not frames. Chunk boundaries may fall anywhere.
/// </summary>
internal struct TimestampScanner
{
    // 0: nothing; 1: saw '"'; 2: saw '"t'; 3: saw '"t"'; 4: reading digits after '"t":'.
    private int _state;
    private long _value;
    private int _digits;

    /// <summary>Feeds one chunk; calls <paramref name="onEvent"/> for each complete timestamp.</summary>
    public void Feed(ReadOnlySpan<byte> chunk, Action<long> onEvent)
    {
        foreach (var b in chunk)
        {
            Step(b, onEvent);
        }
    }

    /// <summary>Marks the end of a message: a number still being read is complete.</summary>
    public void EndOfMessage(Action<long> onEvent)
    {
        if (_state == 4 && _digits > 0)
        {
            onEvent(_value);
        }

        _state = 0;
    }

    private void Step(byte b, Action<long> onEvent)
    {
        switch (_state)
        {
            case 1:
                _state = b == (byte)'t' ? 2 : b == (byte)'"' ? 1 : 0;
                return;
            case 2:
                _state = b == (byte)'"' ? 3 : 0;
                return;
            case 3:
                if (b == (byte)':')
                {
                    _state = 4;
                    _value = 0;
                    _digits = 0;
                }
                else
                {
                    _state = b == (byte)'"' ? 1 : 0;
                }

                return;
            case 4:
                if (b is >= (byte)'0' and <= (byte)'9')
                {
                    _value = _value * 10 + (b - '0');
                    _digits++;
                    return;
                }

                if (_digits > 0)
                {
                    onEvent(_value);
                }

                _state = b == (byte)'"' ? 1 : 0;
                return;
            default:
                _state = b == (byte)'"' ? 1 : 0;
                return;
        }
    }
}
