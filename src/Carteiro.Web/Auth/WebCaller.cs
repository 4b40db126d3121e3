using System.Reflection;
using Carteiro.Core.Accounts;
using Carteiro.Core.Errors;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Carteiro.Web.Auth;

/// <summary>
/// The signed-in user of a request, from the session cookie (browsers) or a bearer token (scripts).
/// An endpoint that takes a <see cref="WebCaller"/> parameter requires sign-in: minimal APIs call
/// <see cref="BindAsync"/>, which refuses with <c>not-signed-in</c>, <c>auth-failed</c> or
/// <c>csrf</c> before the handler runs.
/// </summary>
public sealed class WebCaller
{
    private WebCaller(Account account, string token, bool viaCookie)
    {
        Account = account;
        Token = token;
        ViaCookie = viaCookie;
    }

    /// <summary>The signed-in account.</summary>
    public Account Account { get; }

    /// <summary>The login token the request carried.</summary>
    public string Token { get; }

    /// <summary>True for a browser session (cookie), false for a bearer token.</summary>
    public bool ViaCookie { get; }

    /// <summary>Resolves and checks the caller. Called by minimal APIs for each request.</summary>
    public static async ValueTask<WebCaller?> BindAsync(HttpContext context, ParameterInfo parameter)
    {
        var (token, viaCookie) = FindToken(context.Request);
        if (token is null)
        {
            Refuse.With(ErrorCode.NotSignedIn, "sign in first (session cookie or Authorization: Bearer token)");
        }

        // A cookie is sent by the browser whoever made the page; the header proves it was ours.
        if (viaCookie && !HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method)
            && !Csrf.Matches(token, context.Request.Headers[Csrf.HeaderName]))
        {
            throw new CsrfException();
        }

        var accounts = context.RequestServices.GetRequiredService<AccountService>();
        var account = await accounts.SignInWithTokenAsync(token, ClientAddress.Of(context), context.RequestAborted).ConfigureAwait(false);
        return new WebCaller(account, token, viaCookie);
    }

    private static (string? Token, bool ViaCookie) FindToken(HttpRequest request)
    {
        string? authorization = request.Headers.Authorization;
        if (authorization is not null && authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return (authorization["Bearer ".Length..].Trim(), false);
        }

        return request.Cookies.TryGetValue(SessionCookie.Name, out string? cookie) && cookie.Length > 0 ? (cookie, true) : (null, false);
    }
}
