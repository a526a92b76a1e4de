//! P-256 keys kept in PEM files (PKCS#8): the development token issuer's and the access log's
//! checkpoint key in development. Created on first use, readable by the owner only.

use p256::{
    SecretKey,
    pkcs8::{DecodePrivateKey, EncodePrivateKey, LineEnding},
};
use std::path::Path;

/// The key in `path`, created when the file is missing.
pub fn load_or_create(path: &Path) -> anyhow::Result<String> {
    match std::fs::read_to_string(path) {
        Ok(pem) => Ok(pem),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let pem = SecretKey::random(&mut rand::rngs::OsRng).to_pkcs8_pem(LineEnding::LF)?.to_string();
            write_private(path, &pem)?;
            Ok(pem)
        }
        Err(e) => Err(e.into()),
    }
}

pub fn from_pem(pem: &str) -> anyhow::Result<SecretKey> {
    Ok(SecretKey::from_pkcs8_pem(pem)?)
}

fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)?.write_all(contents.as_bytes())
}
