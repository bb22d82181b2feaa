using System.Net;
using System.Net.Sockets;

namespace FlowRelay.Ingest.Syslog;

/// <summary>Bind failures in words an operator can act on.</summary>
internal static class SyslogListenerErrors
{
    internal static string Describe(SocketException e, IPEndPoint endpoint) => e.SocketErrorCode switch
    {
        SocketError.AddressAlreadyInUse => "the address is already in use (is a syslog daemon listening there?)",
        SocketError.AccessDenied => endpoint.Port is > 0 and < 1024
            ? "permission denied (ports below 1024 need root or CAP_NET_BIND_SERVICE)"
            : "permission denied",
        SocketError.AddressNotAvailable => "the address does not belong to this machine",
        _ => e.Message,
    };
}
