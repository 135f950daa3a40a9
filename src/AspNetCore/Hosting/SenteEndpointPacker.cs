namespace Orleans.Sente.AspNetCore;

/// <summary>
/// Endpoint metadata: the packer of a Sente endpoint's clients that name none, as Sente's
/// <c>packer</c> option of <c>make-channel-socket-server!</c> is per channel socket.
/// </summary>
internal sealed record SenteEndpointPacker(string Name);
