using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;

namespace Orleans.Sente.AspNetCore;

/// <summary>
/// Reads the form of an Ajax send. Sente's client posts <c>client-id</c>, <c>ppstr</c> and maybe
/// <c>udt</c>, <c>packer</c>, <c>csrf-token</c>; other fields are read and ignored, up to
/// <see cref="MaxFields"/>. The answers, each for its own cause:
/// <list type="bullet">
/// <item>more than <see cref="MaxFields"/> fields: 400 "too many form fields";</item>
/// <item>a field name over <see cref="MaxKeyLength"/> characters: 400;</item>
/// <item>a value (the message) over <c>MaxMessageBytes</c>, or a body too large to hold one: 413.</item>
/// </list>
/// </summary>
internal static class AjaxForm
{
    public const int MaxFields = 32;
    public const int MaxKeyLength = 256;

    /// <summary>The form, or the refusal (status, metrics reason, text) and no form.</summary>
    public static async Task<(IFormCollection? Form, (int Status, string Reason, string Text)? Refusal)> ReadAsync(HttpContext context, int maxValueLength)
    {
        var request = context.Request;
        if (!request.HasFormContentType || request.ContentType?.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase) != true)
        {
            // Multipart: the framework's reader, with the same limits (its count error cannot be told apart).
            var multipart = await request.ReadFormAsync(
                new Microsoft.AspNetCore.Http.Features.FormOptions { ValueLengthLimit = maxValueLength, ValueCountLimit = MaxFields, KeyLengthLimit = MaxKeyLength },
                context.RequestAborted);
            return (multipart, null);
        }

        // The reader's own limits are only the value length (413 below); the field count and name
        // length are checked here, so each gets its own answer.
        using var reader = new FormReader(request.Body) { ValueLengthLimit = maxValueLength, KeyLengthLimit = maxValueLength, ValueCountLimit = int.MaxValue };
        var fields = new KeyValueAccumulator();
        var count = 0;
        while (await reader.ReadNextPairAsync(context.RequestAborted) is { } pair)
        {
            if (++count > MaxFields)
            {
                return (null, (StatusCodes.Status400BadRequest, "bad-form", $"Bad request: too many form fields (at most {MaxFields})."));
            }

            if (pair.Key.Length > MaxKeyLength)
            {
                return (null, (StatusCodes.Status400BadRequest, "bad-form", $"Bad request: a form field name is over {MaxKeyLength} characters."));
            }

            fields.Append(pair.Key, pair.Value);
        }

        return (new FormCollection(fields.HasValues ? fields.GetResults() : new Dictionary<string, StringValues>()), null);
    }
}
