using Microsoft.Extensions.Options;

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
        if (options.OutboxLimit < 1)
        {
            failures.Add($"{nameof(options.OutboxLimit)} must be at least 1; got {options.OutboxLimit}.");
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
