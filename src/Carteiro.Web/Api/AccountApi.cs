using Carteiro.Core;
using Carteiro.Core.Accounts;
using Carteiro.Core.Errors;
using Carteiro.Web.Auth;
using Carteiro.Web.Live;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Carteiro.Web.Api;

/// <summary>Server facts, registration, sign-in and out, tokens and passwords.</summary>
internal static class AccountApi
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/server", (CarteiroOptions options) => ServerResponse.For(options))
            .WithSummary("What this server allows");

        api.MapPost("/register", async (CredentialsRequest body, HttpContext context, AccountService accounts) =>
        {
            var account = await accounts.RegisterAsync(body.User ?? "", body.Password ?? "", context.RequestAborted).ConfigureAwait(false);
            return TypedResults.Created("/api/session", await StartSessionAsync(context, accounts, account).ConfigureAwait(false));
        }).WithSummary("Create an account and sign in");

        api.MapPost("/session", async (CredentialsRequest body, HttpContext context, AccountService accounts) =>
        {
            var account = await accounts.SignInAsync(body.User ?? "", body.Password ?? "", ClientAddress.Of(context), context.RequestAborted).ConfigureAwait(false);
            return TypedResults.Ok(await StartSessionAsync(context, accounts, account).ConfigureAwait(false));
        }).WithSummary("Sign in: sets the session cookie");

        api.MapGet("/session", (WebCaller caller) => SessionResponse.For(caller.Account, caller.Token))
            .WithSummary("Who is signed in");

        api.MapDelete("/session", async (WebCaller caller, HttpContext context, AccountService accounts, EventStreams streams) =>
        {
            await accounts.RevokeTokenAsync(caller.Token, context.RequestAborted).ConfigureAwait(false);
            streams.Close(caller.Token, "signed-out");
            if (caller.ViaCookie)
            {
                SessionCookie.Clear(context);
            }

            return TypedResults.NoContent();
        }).WithSummary("Sign out: revokes the session's token; its event streams close at once");

        api.MapPost("/tokens", async (TokenRequest? body, WebCaller caller, AccountService accounts, HttpContext context) =>
        {
            string token = await accounts.CreateTokenAsync(caller.Account, body?.Label ?? "http", context.RequestAborted).ConfigureAwait(false);
            return TypedResults.Created("/api/session", new TokenResponse(token));
        }).WithSummary("Make a bearer token for scripts");

        api.MapPost("/password", async (PasswordRequest body, WebCaller caller, HttpContext context, AccountService accounts, EventStreams streams) =>
        {
            await accounts.ChangePasswordAsync(caller.Account, body.OldPassword ?? "", body.NewPassword ?? "", ClientAddress.Of(context), context.RequestAborted).ConfigureAwait(false);

            // Every login of the account was revoked; whoever changed the password stays signed in:
            // a browser through a fresh cookie, a script through the new token in the answer.
            streams.CloseAccount(caller.Account.Id, "password-changed");
            var session = await StartSessionAsync(context, accounts, caller.Account, caller.ViaCookie).ConfigureAwait(false);
            return TypedResults.Ok(session);
        }).WithSummary("Change your password: every other login is revoked");
    }

    // The token goes into the cookie for browsers, or into the answer for scripts.
    private static async Task<SessionResponse> StartSessionAsync(HttpContext context, AccountService accounts, Account account, bool setCookie = true)
    {
        string token = await accounts.CreateTokenAsync(account, "web " + ClientAddress.Of(context), context.RequestAborted).ConfigureAwait(false);
        if (setCookie)
        {
            SessionCookie.Set(context, token);
            return SessionResponse.For(account, token);
        }

        return SessionResponse.For(account, token) with { Token = token };
    }

    /// <summary>Refuses when <paramref name="value"/> is missing.</summary>
    public static T Required<T>(T? value, string what)
        where T : class
    {
        if (value is null)
        {
            Refuse.With(ErrorCode.BadSyntax, $"missing {what}");
        }

        return value;
    }
}
