using Microsoft.AspNetCore.Http;

namespace Carteiro.Web.Auth;

/// <summary>The address sign-in throttling counts failures against.</summary>
internal static class ClientAddress
{
    public static string Of(HttpContext context) => context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
}
