using Orleans.Sente.Protocol;

namespace Orleans.Sente.Client;

/// <summary>
/// A snapshot of a <see cref="SenteClient"/>'s connection, as Sente's client keeps it. Each
/// change makes a new snapshot and raises <see cref="SenteClient.StateChanged"/>.
/// </summary>
/// <param name="Open">A handshake was received and the connection has not closed since.</param>
/// <param name="EverOpened">Some connection of this client has opened.</param>
/// <param name="UserId">The user-id of the last handshake; null for Sente's nil-uid (no user-id) and before any handshake.</param>
/// <param name="HandshakeData">The handshake data of the last handshake, or null when the server sent nil.</param>
/// <param name="LastClose">The last close of an open connection, or of a requested or downgrade transition.</param>
/// <param name="Transport">The transport in use now: <see cref="SenteClientTransport.WebSocket"/> or <see cref="SenteClientTransport.Ajax"/>.</param>
public sealed record SenteClientState(
    bool Open,
    bool EverOpened,
    string? UserId,
    EdnValue? HandshakeData,
    SenteClose? LastClose,
    SenteClientTransport Transport)
{
    internal static SenteClientState Initial(SenteClientTransport transport) =>
        new(false, false, null, null, null, transport == SenteClientTransport.Ajax ? SenteClientTransport.Ajax : SenteClientTransport.WebSocket);
}

/// <summary>The arguments of <see cref="SenteClient.StateChanged"/>.</summary>
public sealed class SenteStateChangedEventArgs(SenteClientState oldState, SenteClientState newState) : EventArgs
{
    /// <summary>The state before the change.</summary>
    public SenteClientState OldState { get; } = oldState;

    /// <summary>The state after the change.</summary>
    public SenteClientState NewState { get; } = newState;
}
