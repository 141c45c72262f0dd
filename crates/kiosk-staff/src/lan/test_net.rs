//! Test helpers for the LAN servers: clients that look, to the server, as
//! if they were on other machines.

use std::net::TcpStream;

/// A TCP connection to `to` from the local address `from` (any of
/// 127.0.0.0/8 on loopback): a client on another machine, as the server
/// sees it.
pub(crate) fn connect_from(from: std::net::Ipv4Addr, to: std::net::SocketAddr) -> TcpStream {
    use std::os::fd::FromRawFd;
    let std::net::SocketAddr::V4(to) = to else {
        panic!("an IPv4 listener");
    };
    let sockaddr = |ip: std::net::Ipv4Addr, port: u16| libc::sockaddr_in {
        sin_family: libc::AF_INET as libc::sa_family_t,
        sin_port: port.to_be(),
        sin_addr: libc::in_addr {
            s_addr: u32::from(ip).to_be(),
        },
        sin_zero: [0; 8],
    };
    let len = std::mem::size_of::<libc::sockaddr_in>() as libc::socklen_t;
    // SAFETY: a new socket is made, bound and connected with addresses
    // that live on this stack for the calls; its descriptor is owned by
    // the returned stream alone (or closed here on failure).
    unsafe {
        let fd = libc::socket(libc::AF_INET, libc::SOCK_STREAM, 0);
        assert!(fd >= 0, "socket: {}", std::io::Error::last_os_error());
        let local = sockaddr(from, 0);
        let remote = sockaddr(*to.ip(), to.port());
        let bound = libc::bind(fd, (&raw const local).cast(), len);
        let connected = bound == 0 && libc::connect(fd, (&raw const remote).cast(), len) == 0;
        if !connected {
            let e = std::io::Error::last_os_error();
            libc::close(fd);
            panic!("connecting from {from}: {e}");
        }
        TcpStream::from_raw_fd(fd)
    }
}
