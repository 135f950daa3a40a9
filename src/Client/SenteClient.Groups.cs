using Orleans.Sente.Protocol;

namespace Orleans.Sente.Client;

/// <summary>
/// Asking to join or leave a group. The server's application decides (without its hook every
/// request is refused); a joined client receives the group's pushes like any other push.
/// </summary>
public sealed partial class SenteClient
{
    private static readonly TimeSpan DefaultGroupRequestTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Asks the server to make this client a member of a group (<c>[:sente/join-group name]</c>).</summary>
    /// <param name="group">The group name.</param>
    /// <param name="timeout">How long to wait for the answer; default 10 s.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The server's answer: joined, or why not.</returns>
    /// <exception cref="SenteRequestException">No answer (closed, timed out, transport error), as <see cref="RequestAsync"/>.</exception>
    public Task<SenteGroupReply> JoinGroupAsync(string group, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        GroupRequestAsync("sente/join-group", group, timeout, cancellationToken);

    /// <summary>Asks the server to end this client's membership of a group (<c>[:sente/leave-group name]</c>).</summary>
    /// <inheritdoc cref="JoinGroupAsync" path="/param"/>
    /// <exception cref="SenteRequestException">No answer (closed, timed out, transport error), as <see cref="RequestAsync"/>.</exception>
    public Task<SenteGroupReply> LeaveGroupAsync(string group, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        GroupRequestAsync("sente/leave-group", group, timeout, cancellationToken);

    private async Task<SenteGroupReply> GroupRequestAsync(string eventId, string group, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(group);
        var reply = await RequestAsync(eventId, group, timeout ?? DefaultGroupRequestTimeout, cancellationToken);
        return new SenteGroupReply(reply["ok"].AsBoolean() ?? false, reply["error"].AsString());
    }
}

/// <summary>The server's answer to a join or leave: <see cref="Ok"/>, or the <see cref="Error"/> that says why not.</summary>
public sealed record SenteGroupReply(bool Ok, string? Error);
