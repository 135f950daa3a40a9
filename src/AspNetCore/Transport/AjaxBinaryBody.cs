using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Orleans.Sente.AspNetCore;

/// <summary>
/// Reads the body of an Ajax send from a client of a binary packer: Sente's client posts the packed
/// frame itself as <c>application/octet-stream</c> (with <c>binary?=true</c> in the query), not a form.
/// A body over <c>MaxMessageBytes</c> is a 413, as a form value over it is.
/// </summary>
internal static class AjaxBinaryBody
{
    public static async Task<(byte[]? Body, (int Status, string Reason, string Text)? Refusal)> ReadAsync(HttpContext context, int maxBytes)
    {
        var tooLarge = (StatusCodes.Status413PayloadTooLarge, "message-too-big", $"Payload too large: message larger than {maxBytes} bytes.");
        if (context.Request.ContentLength > maxBytes)
        {
            return (null, tooLarge);
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = maxBytes + 1L;
        }

        try
        {
            using var buffer = new MemoryStream();
            var chunk = new byte[16 * 1024];
            int read;
            while ((read = await context.Request.Body.ReadAsync(chunk, context.RequestAborted)) > 0)
            {
                if (buffer.Length + read > maxBytes)
                {
                    return (null, tooLarge);
                }

                buffer.Write(chunk, 0, read);
            }

            return (buffer.ToArray(), null);
        }
        catch (BadHttpRequestException bad) when (bad.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, tooLarge);
        }
    }
}
