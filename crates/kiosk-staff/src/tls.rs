//! TLS between the kiosks, the staff phones and the console, with no
//! certificate authority: the console makes itself a self-signed
//! certificate on its first start ([`ConsoleCert`]), its key kept 0600
//! beside its database, and the kiosks pin the certificate's SHA-256
//! (`[staff] console_cert_sha256`): a kiosk talks to no other server,
//! whatever name or chain it shows ([`client_config`]). Staff phones'
//! browsers warn about a self-signed certificate once; staff compare the
//! fingerprint the browser shows with the one the console prints and
//! accept it.
//!
//! Only rustls with *ring* is compiled in; the handshake is driven by the
//! server's own bounded connection code (`lan/http.rs`), so its read
//! deadline covers the handshake too.

use std::io::Write;
use std::path::Path;
use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{CryptoProvider, WebPkiSupportedAlgorithms};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};
use sha2::{Digest, Sha256};

use crate::auth::hex;
use crate::error::{Error, Result};

fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// The console's certificate and its private key.
#[derive(Clone)]
pub struct ConsoleCert {
    cert_pem: String,
    cert_der: Vec<u8>,
    key_pem: String,
}

impl std::fmt::Debug for ConsoleCert {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ConsoleCert(sha256 {})", self.fingerprint())
    }
}

impl ConsoleCert {
    /// A new self-signed certificate for `names` (host names or IP
    /// addresses; the kiosks check only the fingerprint, browsers show the
    /// names).
    pub fn generate(names: &[String]) -> Result<ConsoleCert> {
        let rcgen::CertifiedKey { cert, key_pair } =
            rcgen::generate_simple_self_signed(names.to_vec())
                .map_err(|e| Error::Tls(format!("making the console's certificate: {e}")))?;
        Ok(ConsoleCert {
            cert_pem: cert.pem(),
            cert_der: cert.der().to_vec(),
            key_pem: key_pair.serialize_pem(),
        })
    }

    /// Reads the certificate and key files; if neither exists, makes a new
    /// certificate for `names` and writes them (the key 0600). Returns the
    /// certificate and whether it is new.
    pub fn load_or_create(
        cert_path: &Path,
        key_path: &Path,
        names: &[String],
    ) -> Result<(ConsoleCert, bool)> {
        if !cert_path.exists() && !key_path.exists() {
            let cert = ConsoleCert::generate(names)?;
            if let Some(dir) = key_path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir).map_err(Error::io("creating", dir))?;
            }
            kiosk_catalog::private_file::write(key_path, cert.key_pem.as_bytes())
                .map_err(Error::io("writing the console's TLS key", key_path))?;
            std::fs::write(cert_path, cert.cert_pem.as_bytes())
                .map_err(Error::io("writing the console's certificate", cert_path))?;
            return Ok((cert, true));
        }
        let cert_pem = std::fs::read_to_string(cert_path)
            .map_err(Error::io("reading the console's certificate", cert_path))?;
        let key_pem = std::fs::read_to_string(key_path)
            .map_err(Error::io("reading the console's TLS key", key_path))?;
        let cert = ConsoleCert::from_pem(&cert_pem, &key_pem)
            .map_err(|e| Error::Tls(format!("{}: {e}", cert_path.display())))?;
        Ok((cert, false))
    }

    /// The certificate of the console whose database is `db`: kept beside
    /// it (`<db>.cert.pem`, and the key `<db>.key.pem`, 0600), made on the
    /// first start. Returns it, whether it is new, and the two paths.
    pub fn for_console_db(
        db: &Path,
        names: &[String],
    ) -> Result<(ConsoleCert, bool, [std::path::PathBuf; 2])> {
        let cert_path = db.with_extension("cert.pem");
        let key_path = db.with_extension("key.pem");
        let (cert, created) = ConsoleCert::load_or_create(&cert_path, &key_path, names)?;
        Ok((cert, created, [cert_path, key_path]))
    }

    /// A certificate and key from their PEM text.
    pub fn from_pem(cert_pem: &str, key_pem: &str) -> Result<ConsoleCert> {
        let der = CertificateDer::from_pem_slice(cert_pem.as_bytes())
            .map_err(|e| Error::Tls(format!("not a PEM certificate: {e}")))?;
        PrivateKeyDer::from_pem_slice(key_pem.as_bytes())
            .map_err(|e| Error::Tls(format!("not a PEM private key: {e}")))?;
        Ok(ConsoleCert {
            cert_pem: cert_pem.to_string(),
            cert_der: der.to_vec(),
            key_pem: key_pem.to_string(),
        })
    }

    /// The hex SHA-256 of the certificate (DER), what kiosks pin.
    pub fn fingerprint(&self) -> String {
        hex(&Sha256::digest(&self.cert_der))
    }

    pub fn cert_pem(&self) -> &str {
        &self.cert_pem
    }

    /// The server side's settings: this certificate, TLS 1.2 and 1.3.
    pub fn server_config(&self) -> Result<Arc<rustls::ServerConfig>> {
        let key = PrivateKeyDer::from_pem_slice(self.key_pem.as_bytes())
            .map_err(|e| Error::Tls(format!("the console's TLS key: {e}")))?;
        let config = rustls::ServerConfig::builder_with_provider(provider())
            .with_safe_default_protocol_versions()
            .map_err(|e| Error::Tls(e.to_string()))?
            .with_no_client_auth()
            .with_single_cert(vec![CertificateDer::from(self.cert_der.clone())], key)
            .map_err(|e| Error::Tls(format!("the console's certificate: {e}")))?;
        Ok(Arc::new(config))
    }
}

/// A fingerprint as written in a config: 64 hex digits, or the
/// colon-separated form `openssl x509 -fingerprint -sha256` prints, in
/// either case. `None` if it is neither.
pub fn parse_fingerprint(text: &str) -> Option<String> {
    let hex: String = text
        .trim()
        .chars()
        .filter(|c| *c != ':')
        .collect::<String>()
        .to_ascii_lowercase();
    (hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_hexdigit())).then_some(hex)
}

/// Client settings that accept only the certificate whose SHA-256 is
/// `fingerprint` (see [`parse_fingerprint`]); the server must still prove
/// it holds that certificate's key.
pub fn client_config(fingerprint: &str) -> Result<Arc<rustls::ClientConfig>> {
    let pin = parse_fingerprint(fingerprint).ok_or_else(|| {
        Error::Invalid(format!(
            "the console's certificate fingerprint {fingerprint:?}: expected 64 hex digits (SHA-256)"
        ))
    })?;
    let provider = provider();
    let verifier = Arc::new(Pinned {
        pin,
        algorithms: provider.signature_verification_algorithms,
    });
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::Tls(e.to_string()))?
        .dangerous()
        .with_custom_certificate_verifier(verifier)
        .with_no_client_auth();
    Ok(Arc::new(config))
}

/// A client's TLS connection, driven one network read at a time so that
/// every read, the handshake included, ends by a deadline: a server that
/// trickles bytes (or a record a byte at a time) cannot hold the client
/// longer than `deadline`, nor longer than `per_read` between bytes.
/// (`rustls::Stream` waits for whole records, each socket read getting the
/// full timeout again.)
pub struct ClientStream {
    conn: rustls::ClientConnection,
    tcp: std::net::TcpStream,
    deadline: std::time::Instant,
    per_read: std::time::Duration,
}

impl ClientStream {
    /// Performs the handshake over `tcp` with `config` (see
    /// [`client_config`]); fails if the server does not prove it holds the
    /// pinned certificate, or has not done so by `deadline`.
    pub fn connect(
        tcp: std::net::TcpStream,
        config: Arc<rustls::ClientConfig>,
        name: ServerName<'static>,
        deadline: std::time::Instant,
        per_read: std::time::Duration,
    ) -> std::io::Result<ClientStream> {
        let conn = rustls::ClientConnection::new(config, name).map_err(std::io::Error::other)?;
        let _ = tcp.set_write_timeout(Some(per_read));
        let mut stream = ClientStream {
            conn,
            tcp,
            deadline,
            per_read,
        };
        while stream.conn.is_handshaking() {
            if stream.conn.wants_write() {
                stream.flush_tls()?;
                continue;
            }
            if stream.read_record()? == 0 {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::UnexpectedEof,
                    "the server closed the connection during the TLS handshake",
                ));
            }
        }
        stream.flush_tls()?;
        Ok(stream)
    }

    /// Moves the deadline (a request after the handshake, say).
    pub fn set_deadline(&mut self, deadline: std::time::Instant) {
        self.deadline = deadline;
    }

    /// One network read, waiting at most the per-read timeout and no later
    /// than the deadline; its records are decrypted. Returns the bytes read
    /// from the network (0: closed).
    fn read_record(&mut self) -> std::io::Result<usize> {
        let left = self
            .deadline
            .saturating_duration_since(std::time::Instant::now());
        if left.is_zero() {
            return Err(std::io::Error::new(
                std::io::ErrorKind::TimedOut,
                "the deadline passed",
            ));
        }
        self.tcp.set_read_timeout(Some(left.min(self.per_read)))?;
        let n = self.conn.read_tls(&mut self.tcp)?;
        let processed = self.conn.process_new_packets();
        // Alerts, or handshake messages to send.
        let _ = self.flush_tls();
        processed.map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))?;
        Ok(n)
    }

    fn flush_tls(&mut self) -> std::io::Result<()> {
        while self.conn.wants_write() {
            self.conn.write_tls(&mut self.tcp)?;
        }
        self.tcp.flush()
    }
}

impl std::io::Read for ClientStream {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        loop {
            match self.conn.reader().read(buf) {
                Ok(n) => return Ok(n),
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
                Err(e) => return Err(e),
            }
            if self.read_record()? == 0 {
                // The reader now reports the close: clean (close_notify)
                // or not (an error).
                return match self.conn.reader().read(buf) {
                    Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => Err(
                        std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "connection closed"),
                    ),
                    other => other,
                };
            }
        }
    }
}

impl std::io::Write for ClientStream {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.conn.writer().write(buf)?;
        self.flush_tls()?;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.conn.writer().flush()?;
        self.flush_tls()
    }
}

/// Accepts one certificate, by its SHA-256.
#[derive(Debug)]
struct Pinned {
    pin: String,
    algorithms: WebPkiSupportedAlgorithms,
}

impl ServerCertVerifier for Pinned {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> std::result::Result<ServerCertVerified, rustls::Error> {
        let seen = hex(&Sha256::digest(end_entity.as_ref()));
        // Not secret; a plain comparison is fine.
        if seen == self.pin {
            Ok(ServerCertVerified::assertion())
        } else {
            Err(rustls::Error::General(format!(
                "the server's certificate is not the pinned one (its SHA-256 is {seen})"
            )))
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

#[cfg(test)]
mod tests;
