namespace Carteiro.Web.Auth;

/// <summary>A cookie-authenticated request that changes something came without the anti-forgery header.</summary>
internal sealed class CsrfException() : Exception($"this request needs the {Csrf.HeaderName} header from the sign-in answer");
