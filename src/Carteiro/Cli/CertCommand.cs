using System.CommandLine;
using Carteiro.Protocols.Common;

namespace Carteiro.Cli;

/// <summary>
/// <c>carteiro cert --host NAME</c>: writes a self-signed certificate and its key (PEM) for trying
/// TLS in the mail doors. Clients must be told to trust it; for real use, bring a certificate from
/// a CA (such as Let's Encrypt) to <c>serve --tls-cert --tls-key</c>.
/// </summary>
internal static class CertCommand
{
    public static Command Create()
    {
        var host = new Option<string>("--host")
        {
            Description = "The name clients connect to (also used as the certificate's subject)",
            DefaultValueFactory = _ => "localhost",
        };
        var output = new Option<string>("--out")
        {
            Description = "Folder to write NAME.crt.pem and NAME.key.pem into",
            DefaultValueFactory = _ => ".",
        };
        var days = new Option<int>("--days")
        {
            Description = "How long the certificate is valid",
            DefaultValueFactory = _ => 365,
        };
        var command = new Command("cert", "Write a self-signed TLS certificate and key (PEM) for the mail doors") { host, output, days };
        command.SetAction(async (parse, cancellationToken) =>
        {
            string name = parse.GetValue(host)!;
            if (name.Length == 0 || Uri.CheckHostName(name) == UriHostNameType.Unknown)
            {
                return ServeCommand.Fail(ExitCodes.Usage, $"--host: '{name}' is not a host name or address");
            }

            if (parse.GetValue(days) < 1)
            {
                return ServeCommand.Fail(ExitCodes.Usage, "--days is at least 1");
            }

            string folder = Path.GetFullPath(parse.GetValue(output)!);
            Directory.CreateDirectory(folder);
            string certificatePath = Path.Combine(folder, name + ".crt.pem");
            string keyPath = Path.Combine(folder, name + ".key.pem");
            using var certificate = SelfSignedCertificate.Create(name, TimeSpan.FromDays(parse.GetValue(days)));
            await SelfSignedCertificate.WritePemAsync(certificate, certificatePath, keyPath, cancellationToken).ConfigureAwait(false);
            Console.WriteLine($"wrote {certificatePath}");
            Console.WriteLine($"wrote {keyPath}");
            Console.WriteLine($"use:  carteiro serve --tls-cert {certificatePath} --tls-key {keyPath}");
            return ExitCodes.Ok;
        });
        return command;
    }
}
