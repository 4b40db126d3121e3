using Microsoft.AspNetCore.Http;

namespace Carteiro.Web.Auth;

/// <summary>The browser's session cookie: it holds a login token, and script can never read it.</summary>
internal static class SessionCookie
{
    public const string Name = "carteiro_session";

    public static void Set(HttpContext context, string token) =>
        context.Response.Cookies.Append(Name, token, Options(context));

    public static void Clear(HttpContext context) =>
        context.Response.Cookies.Delete(Name, Options(context));

    private static CookieOptions Options(HttpContext context) => new()
    {
        HttpOnly = true,
        SameSite = SameSiteMode.Strict,
        Secure = context.Request.IsHttps,
        Path = "/",
        IsEssential = true,

        // A session cookie as far as the browser is concerned; the token itself lives until sign-out
        // or a password change.
        MaxAge = null,
    };
}
