using Microsoft.AspNetCore.Http;

namespace Orleans.Sente.WebFrontend.Demo;

/// <summary>The demo's icon (an SVG, also answered at <c>/favicon.ico</c>, which browsers ask for by default).</summary>
internal static class DemoFavicon
{
    public const string Svg = """
        <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><circle cx="16" cy="16" r="15" fill="#2b6cb0"/><path d="M21 10.5c-1.2-1.1-2.9-1.7-4.8-1.7-3 0-5 1.5-5 3.7 0 4.9 9.8 2.6 9.8 7.3 0 2.3-2.2 3.9-5.3 3.9-2.1 0-4-.7-5.3-2" fill="none" stroke="#fff" stroke-width="2.6" stroke-linecap="round"/></svg>
        """;

    public static IResult Serve(HttpContext context)
    {
        context.Response.Headers.CacheControl = "public, max-age=86400";
        return Results.Text(Svg, "image/svg+xml");
    }
}
