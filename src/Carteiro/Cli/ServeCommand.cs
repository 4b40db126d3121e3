using System.CommandLine;
using System.Globalization;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Carteiro.Core;
using Carteiro.Hosting;
using Microsoft.Extensions.Logging;

namespace Carteiro.Cli;

/// <summary><c>carteiro serve</c>: runs a server until Ctrl-C or SIGTERM, then stops gracefully.</summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var data = ServerOptions.Data();
        var native = new Option<string>("--native")
        {
            Description = $"Where the native protocol listens, HOST:PORT or none (default 127.0.0.1:{ServerSettings.DefaultNativePort})",
            DefaultValueFactory = _ => $"127.0.0.1:{ServerSettings.DefaultNativePort}",
        };
        var http = new Option<string>("--http")
        {
            Description = $"Where the web app and HTTP API listen, HOST:PORT or none (default 127.0.0.1:{ServerSettings.DefaultHttpPort})",
            DefaultValueFactory = _ => $"127.0.0.1:{ServerSettings.DefaultHttpPort}",
        };
        var smtp = new Option<string>("--smtp")
        {
            Description = $"Where SMTP submission listens (STARTTLS with a certificate), HOST:PORT or none (default 127.0.0.1:{ServerSettings.DefaultSmtpPort})",
            DefaultValueFactory = _ => $"127.0.0.1:{ServerSettings.DefaultSmtpPort}",
        };
        var submissions = new Option<string>("--submissions")
        {
            Description = $"Where SMTP submission over implicit TLS listens, HOST:PORT or none (default 127.0.0.1:{ServerSettings.DefaultSubmissionsPort} when a certificate is given)",
        };
        var pop3 = new Option<string>("--pop3")
        {
            Description = $"Where POP3 listens (STLS with a certificate), HOST:PORT or none (default 127.0.0.1:{ServerSettings.DefaultPop3Port})",
            DefaultValueFactory = _ => $"127.0.0.1:{ServerSettings.DefaultPop3Port}",
        };
        var pop3s = new Option<string>("--pop3s")
        {
            Description = $"Where POP3 over implicit TLS listens, HOST:PORT or none (default 127.0.0.1:{ServerSettings.DefaultPop3sPort} when a certificate is given)",
        };
        var imap = new Option<string>("--imap")
        {
            Description = $"Where IMAP listens (STARTTLS with a certificate), HOST:PORT or none (default 127.0.0.1:{ServerSettings.DefaultImapPort})",
            DefaultValueFactory = _ => $"127.0.0.1:{ServerSettings.DefaultImapPort}",
        };
        var imaps = new Option<string>("--imaps")
        {
            Description = $"Where IMAP over implicit TLS listens, HOST:PORT or none (default 127.0.0.1:{ServerSettings.DefaultImapsPort} when a certificate is given)",
        };
        var tlsCert = new Option<string>("--tls-cert")
        {
            Description = "TLS certificate for the mail doors (PEM file); 'carteiro cert' makes a self-signed one",
        };
        var tlsKey = new Option<string>("--tls-key")
        {
            Description = "The certificate's private key (PEM file)",
        };
        var plaintextAuth = new Option<bool>("--allow-plaintext-auth")
        {
            Description = "Take passwords without TLS from any address (by default only on loopback)",
        };
        var registration = new Option<string>("--registration")
        {
            Description = "Whether anyone may create an account: open or closed",
            DefaultValueFactory = _ => "open",
        };
        registration.AcceptOnlyFromAmong("open", "closed");
        var broadcast = new Option<string>("--broadcast")
        {
            Description = "Who may send to everyone: everyone or admins",
            DefaultValueFactory = _ => "everyone",
        };
        broadcast.AcceptOnlyFromAmong("everyone", "admins");
        var domain = new Option<string>("--domain")
        {
            Description = "Mail domain: user bob is bob@DOMAIN in message headers",
            DefaultValueFactory = _ => CarteiroOptions.Default.Domain,
        };
        var maxMessage = new Option<string>("--max-message-size")
        {
            Description = "Largest message, e.g. 25M, 512K or bytes",
            DefaultValueFactory = _ => "25M",
        };
        var idle = new Option<int>("--idle-timeout")
        {
            Description = "Seconds without a byte from a client before it is taken as gone",
            DefaultValueFactory = _ => (int)CarteiroOptions.Default.IdleTimeout.TotalSeconds,
        };
        var signIn = new Option<int>("--sign-in-timeout")
        {
            Description = "Seconds a connection may stay open without signing in",
            DefaultValueFactory = _ => (int)CarteiroOptions.Default.SignInTimeout.TotalSeconds,
        };
        var maxConnections = new Option<int>("--max-connections-per-address")
        {
            Description = "Most simultaneous connections from one IP address",
            DefaultValueFactory = _ => CarteiroOptions.Default.MaxConnectionsPerAddress,
        };
        var logLevel = new Option<LogLevel>("--log-level")
        {
            Description = "Least level logged: Trace, Debug, Information, Warning, Error",
            DefaultValueFactory = _ => LogLevel.Information,
        };
        var iterations = ServerOptions.PasswordIterations();

        var command = new Command("serve", "Run a Carteiro server (SQLite store in the data folder)")
        {
            data, native, http, smtp, submissions, pop3, pop3s, imap, imaps, tlsCert, tlsKey, plaintextAuth, registration, broadcast, domain, maxMessage, idle, signIn, maxConnections, logLevel, iterations,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (!Endpoints.TryParseListen(parse.GetValue(native)!, out var nativeEndpoint, out string error))
            {
                return Fail(ExitCodes.Usage, $"--native: {error}");
            }

            if (!Endpoints.TryParseListen(parse.GetValue(http)!, out var httpEndpoint, out error))
            {
                return Fail(ExitCodes.Usage, $"--http: {error}");
            }

            if (!Endpoints.TryParseListen(parse.GetValue(smtp)!, out var smtpEndpoint, out error))
            {
                return Fail(ExitCodes.Usage, $"--smtp: {error}");
            }

            string? certificate = parse.GetValue(tlsCert);
            string? key = parse.GetValue(tlsKey);
            if ((certificate is null) != (key is null))
            {
                return Fail(ExitCodes.Usage, "--tls-cert and --tls-key go together");
            }

            if (!Endpoints.TryParseListen(parse.GetValue(pop3)!, out var pop3Endpoint, out error))
            {
                return Fail(ExitCodes.Usage, $"--pop3: {error}");
            }

            // Implicit TLS listeners are on by default only when there is a certificate to serve.
            string ImplicitTls(Option<string> option, int port) => parse.GetValue(option) ?? (certificate is null ? "none" : $"127.0.0.1:{port}");
            if (!Endpoints.TryParseListen(ImplicitTls(submissions, ServerSettings.DefaultSubmissionsPort), out var submissionsEndpoint, out error))
            {
                return Fail(ExitCodes.Usage, $"--submissions: {error}");
            }

            if (!Endpoints.TryParseListen(ImplicitTls(pop3s, ServerSettings.DefaultPop3sPort), out var pop3sEndpoint, out error))
            {
                return Fail(ExitCodes.Usage, $"--pop3s: {error}");
            }

            if (!Endpoints.TryParseListen(parse.GetValue(imap)!, out var imapEndpoint, out error))
            {
                return Fail(ExitCodes.Usage, $"--imap: {error}");
            }

            if (!Endpoints.TryParseListen(ImplicitTls(imaps, ServerSettings.DefaultImapsPort), out var imapsEndpoint, out error))
            {
                return Fail(ExitCodes.Usage, $"--imaps: {error}");
            }

            if ((submissionsEndpoint is not null || pop3sEndpoint is not null || imapsEndpoint is not null) && certificate is null)
            {
                return Fail(ExitCodes.Usage, "--submissions, --pop3s and --imaps need a certificate: give --tls-cert and --tls-key (carteiro cert makes a pair)");
            }

            if (!TryParseSize(parse.GetValue(maxMessage)!, out long maxBytes))
            {
                return Fail(ExitCodes.Usage, "--max-message-size: give a size such as 25M, 512K or a number of bytes");
            }

            if (parse.GetValue(idle) < 5 || parse.GetValue(signIn) < 1 || parse.GetValue(maxConnections) < 1)
            {
                return Fail(ExitCodes.Usage, "--idle-timeout is at least 5 s; --sign-in-timeout and --max-connections-per-address at least 1");
            }

            var options = CarteiroOptions.Default with
            {
                RegistrationOpen = parse.GetValue(registration) == "open",
                Broadcast = parse.GetValue(broadcast) == "admins" ? BroadcastPolicy.Admins : BroadcastPolicy.Everyone,
                Domain = parse.GetValue(domain)!,
                MaxMessageSize = maxBytes,
                IdleTimeout = TimeSpan.FromSeconds(parse.GetValue(idle)),
                SignInTimeout = TimeSpan.FromSeconds(parse.GetValue(signIn)),
                MaxConnectionsPerAddress = parse.GetValue(maxConnections),
                PasswordIterations = parse.GetValue(iterations),
                AllowPlaintextAuth = parse.GetValue(plaintextAuth),
            };
            var settings = new ServerSettings
            {
                DataPath = parse.GetValue(data)!,
                Native = nativeEndpoint,
                Http = httpEndpoint,
                Smtp = smtpEndpoint,
                Submissions = submissionsEndpoint,
                Pop3 = pop3Endpoint,
                Pop3s = pop3sEndpoint,
                Imap = imapEndpoint,
                Imaps = imapsEndpoint,
                Tls = certificate is null ? null : (certificate, key!),
                Options = options,
                LogLevel = parse.GetValue(logLevel),
            };
            return await RunAsync(settings, cancellationToken).ConfigureAwait(false);
        });
        return command;
    }

    private static async Task<int> RunAsync(ServerSettings settings, CancellationToken cancellationToken)
    {
        // SIGTERM (service managers, kill) and SIGINT (Ctrl-C) both mean: stop gracefully.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var onTerminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, StopGracefully);
        using var onInterrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, StopGracefully);
        void StopGracefully(PosixSignalContext context)
        {
            context.Cancel = true;
            try
            {
                stop.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // A signal handled while the command returns: the server has already stopped.
            }
        }

        cancellationToken = stop.Token;
        CarteiroServer server;
        try
        {
            server = await CarteiroServer.StartAsync(settings, CancellationToken.None).ConfigureAwait(false);
        }
        catch (DataFolderInUseException inUse)
        {
            return Fail(ExitCodes.Refused, inUse.Message);
        }
        catch (IOException error) when (error.InnerException is SocketException || error.Message.Contains("address", StringComparison.OrdinalIgnoreCase))
        {
            return Fail(ExitCodes.Refused, $"cannot listen: {error.Message}");
        }
        catch (UnauthorizedAccessException error)
        {
            return Fail(ExitCodes.Refused, $"cannot use the data folder: {error.Message}");
        }
        catch (System.Security.Cryptography.CryptographicException error)
        {
            return Fail(ExitCodes.Usage, $"cannot use the TLS certificate: {error.Message}");
        }
        catch (FileNotFoundException error)
        {
            return Fail(ExitCodes.Usage, $"cannot read {error.FileName}: no such file");
        }

        await using (server.ConfigureAwait(false))
        {
            var output = Console.Out;
            await output.WriteLineAsync($"carteiro {Version} is running").ConfigureAwait(false);
            await output.WriteLineAsync($"  native protocol  {server.NativeEndPoint?.ToString() ?? "off"}").ConfigureAwait(false);
            await output.WriteLineAsync($"  web and API      {(server.HttpEndPoint is { } web ? $"http://{web}/" : "off")}").ConfigureAwait(false);
            await output.WriteLineAsync($"  SMTP submission  {Describe(server.SmtpEndPoint, settings.Tls is null ? "no TLS" : "STARTTLS")}").ConfigureAwait(false);
            await output.WriteLineAsync($"  SMTP over TLS    {Describe(server.SubmissionsEndPoint, "implicit TLS")}").ConfigureAwait(false);
            await output.WriteLineAsync($"  POP3             {Describe(server.Pop3EndPoint, settings.Tls is null ? "no TLS" : "STLS")}").ConfigureAwait(false);
            await output.WriteLineAsync($"  POP3 over TLS    {Describe(server.Pop3sEndPoint, "implicit TLS")}").ConfigureAwait(false);
            await output.WriteLineAsync($"  IMAP             {Describe(server.ImapEndPoint, settings.Tls is null ? "no TLS" : "STARTTLS")}").ConfigureAwait(false);
            await output.WriteLineAsync($"  IMAP over TLS    {Describe(server.ImapsEndPoint, "implicit TLS")}").ConfigureAwait(false);
            await output.WriteLineAsync($"  mail domain      {settings.Options.Domain}").ConfigureAwait(false);
            await output.WriteLineAsync($"  data             {server.DataPath}").ConfigureAwait(false);
            await output.WriteLineAsync($"  registration     {(settings.Options.RegistrationOpen ? "open" : "closed")}").ConfigureAwait(false);
            await output.WriteLineAsync("Press Ctrl-C to stop.").ConfigureAwait(false);
            await output.FlushAsync(CancellationToken.None).ConfigureAwait(false);
            try
            {
                await Task.WhenAny(server.Completion, Task.Delay(Timeout.Infinite, cancellationToken)).ConfigureAwait(false);
            }
            finally
            {
                await output.WriteLineAsync("carteiro: stopping (finishing what is in flight)").ConfigureAwait(false);
            }
        }

        await Console.Out.WriteLineAsync("carteiro: stopped").ConfigureAwait(false);
        return ExitCodes.Ok;
    }

    private static string Describe(System.Net.IPEndPoint? endpoint, string how) => endpoint is null ? "off" : $"{endpoint} ({how})";

    internal static string Version => typeof(ServeCommand).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    internal static bool TryParseSize(string text, out long bytes)
    {
        bytes = 0;
        text = text.Trim();
        long multiplier = 1;
        if (text.Length > 0 && char.IsLetter(text[^1]))
        {
            multiplier = char.ToUpperInvariant(text[^1]) switch
            {
                'K' => 1024,
                'M' => 1024 * 1024,
                'G' => 1024L * 1024 * 1024,
                _ => 0,
            };
            text = text[..^1];
        }

        if (multiplier == 0 || !long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long value) || value <= 0)
        {
            return false;
        }

        bytes = value * multiplier;
        return bytes <= 1L << 30;
    }

    internal static int Fail(int code, string message)
    {
        Console.Error.WriteLine($"carteiro: {message}");
        return code;
    }
}
