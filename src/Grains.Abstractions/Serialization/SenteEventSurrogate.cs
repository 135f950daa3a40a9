using Orleans.Sente.Protocol;
using Orleans.Serialization.Cloning;

namespace Orleans.Sente.Serialization;

/// <summary>
/// How a <see cref="SenteEvent"/> crosses the cluster: its id and data in
/// <see cref="SenteEventBinary"/>'s compact form, one byte array. The values themselves carry no
/// Orleans attributes, so Orleans.Sente.Protocol (and the .NET client) depends on no Orleans.
/// </summary>
[GenerateSerializer, Alias("sente.event")]
internal struct SenteEventSurrogate
{
    [Id(0)]
    public byte[] Bytes;
}

[RegisterConverter]
internal sealed class SenteEventSurrogateConverter : IConverter<SenteEvent, SenteEventSurrogate>
{
    public SenteEvent ConvertFromSurrogate(in SenteEventSurrogate surrogate) => SenteEventBinary.Read(surrogate.Bytes);

    public SenteEventSurrogate ConvertToSurrogate(in SenteEvent value) => new() { Bytes = SenteEventBinary.Write(value) };
}

/// <summary>
/// Events and their values are immutable, so a call between grains in one process passes them
/// as they are (what <c>[Immutable]</c> on the type would say, were it allowed to know Orleans).
/// </summary>
[RegisterCopier]
internal sealed class SenteEventCopier : IDeepCopier<SenteEvent>
{
    public SenteEvent? DeepCopy(SenteEvent? input, CopyContext context) => input;
}
