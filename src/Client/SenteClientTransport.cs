namespace Orleans.Sente.Client;

/// <summary>Which transport a <see cref="SenteClient"/> uses.</summary>
public enum SenteClientTransport
{
    /// <summary>WebSocket first; Ajax long-polling for good if no WebSocket of this client ever opened.</summary>
    Auto,

    /// <summary>WebSocket only.</summary>
    WebSocket,

    /// <summary>Ajax long-polling only.</summary>
    Ajax,
}
