using Microsoft.Extensions.Options;
using Orleans.Sente.Routing;

namespace Orleans.Sente.Grains;

/// <summary>Checks <see cref="SenteGrainOptions"/> at silo start, reporting every failure at once.</summary>
internal sealed class SenteGrainOptionsValidator : IValidateOptions<SenteGrainOptions>
{
    public ValidateOptionsResult Validate(string? name, SenteGrainOptions options)
    {
        var failures = new List<string>();
        Positive(failures, nameof(options.WsCloseGrace), options.WsCloseGrace);
        Positive(failures, nameof(options.AjaxCloseGrace), options.AjaxCloseGrace);
        Positive(failures, nameof(options.LeasePeriod), options.LeasePeriod);
        Positive(failures, nameof(options.RebuildTimeout), options.RebuildTimeout);
        Positive(failures, nameof(options.InboxMaxAge), options.InboxMaxAge);
        Positive(failures, nameof(options.InboxKeepTimeout), options.InboxKeepTimeout);
        if (options.MaxGroupsPerUser < 1 || options.MaxMembersPerGroup < 1)
        {
            failures.Add($"{nameof(options.MaxGroupsPerUser)} and {nameof(options.MaxMembersPerGroup)} must be at least 1; got {options.MaxGroupsPerUser} and {options.MaxMembersPerGroup}.");
        }

        if (options.OutboxLimit < 1)
        {
            failures.Add($"{nameof(options.OutboxLimit)} must be at least 1; got {options.OutboxLimit}.");
        }

        Positive(failures, nameof(options.ReplayWindowMaxAge), options.ReplayWindowMaxAge);
        if (options.ReplayWindowLimit < 1)
        {
            failures.Add($"{nameof(options.ReplayWindowLimit)} must be at least 1; got {options.ReplayWindowLimit}.");
        }

        if (options.ReplayWindowBytes < 1)
        {
            failures.Add($"{nameof(options.ReplayWindowBytes)} must be at least 1; got {options.ReplayWindowBytes}.");
        }

        // Pushes sent to a front end that has just died are needed until its client is back: the
        // silos notice the death within a lease plus one refresh of their view of the registry, and
        // the client then has its grace period to reconnect. A shorter window loses them.
        var covers = options.LeasePeriod + FrontEndTimings.DirectoryRefresh
            + (options.WsCloseGrace > options.AjaxCloseGrace ? options.WsCloseGrace : options.AjaxCloseGrace);
        if (options.ReplayWindowMaxAge < covers)
        {
            failures.Add($"{nameof(options.ReplayWindowMaxAge)} must be at least {nameof(options.LeasePeriod)} + the directory refresh ({FrontEndTimings.DirectoryRefresh.TotalSeconds} s) + the longer grace ({covers}); got {options.ReplayWindowMaxAge}.");
        }

        if (options.InboxLimit < 1)
        {
            failures.Add($"{nameof(options.InboxLimit)} must be at least 1; got {options.InboxLimit}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Positive(List<string> failures, string name, TimeSpan value)
    {
        if (value <= TimeSpan.Zero)
        {
            failures.Add($"{name} must be positive; got {value}.");
        }
    }
}
