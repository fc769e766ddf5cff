//! Decryption and encryption of password-protected Office workbooks (ECMA-376 / MS-OFFCRYPTO).
//!
//! An encrypted `.xlsx` is not a zip file but an OLE compound file holding two streams:
//! `EncryptionInfo` (how the key is derived and a verifier for the password) and
//! `EncryptedPackage` (the real zip, encrypted).
//! This module implements the two schemes Excel has written since 2007:
//!
//! * **Agile** (Excel 2010+): AES-128/192/256 in CBC mode, keys derived with SHA-1, SHA-256,
//!   SHA-384 or SHA-512 and a spin count (usually 100,000), package encrypted in 4,096-byte
//!   segments;
//! * **Standard** (Excel 2007, Apache POI): AES-128/192/256 in ECB mode, keys derived with
//!   SHA-1 and 50,000 rounds.
//!
//! Every password is checked against the file's verifier before anything is decrypted, so a
//! wrong password is [`ErrorKind::WrongPassword`], never garbage.
//! Legacy `.xls` encryption (XOR obfuscation, RC4, RC4 CryptoAPI) is recognised and reported
//! as [`ErrorKind::UnsupportedEncryption`].
//!
//! [`encrypt`] writes Agile encryption (AES-256, SHA-512, 100,000 rounds) as Excel 2010+ does,
//! so workbooks sent to branches can be password-protected.
//!
//! Why not a crate: `office-crypto` 0.4 returns random bytes for a wrong password, supports
//! Agile with SHA-512 only and refuses padded packages; `msoffice-crypto` exists only as
//! release candidates.
//! The primitives come from the RustCrypto crates (`aes`, `cbc`, `sha1`, `sha2`, `hmac`) and
//! the container from `cfb`, opened as olefile opens it (see [`open_cfb`]).

use std::borrow::Cow;
use std::io::{Cursor, Read};

use std::io::Write;

use aes::cipher::{
    BlockCipherDecrypt, BlockModeDecrypt, BlockModeEncrypt, KeyInit, KeyIvInit,
    block_padding::NoPadding,
};
use base64::Engine as _;
use sha1::Sha1;
use sha2::digest::Digest;
use sha2::{Sha256, Sha384, Sha512};

use crate::error::{Error, ErrorKind, Result};

/// The first bytes of an OLE compound file (also legacy `.xls`).
pub(crate) const CFB_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// Segment size of the Agile `EncryptedPackage`.
const SEGMENT: usize = 4096;

/// Upper bound on spin counts: Excel writes 100,000; a huge value would make a hostile file
/// hang the reader.
const MAX_SPIN_COUNT: u32 = 10_000_000;

const BLOCK_VERIFIER_INPUT: [u8; 8] = [0xfe, 0xa7, 0xd2, 0x76, 0x3b, 0x4b, 0x9e, 0x79];
const BLOCK_VERIFIER_VALUE: [u8; 8] = [0xd7, 0xaa, 0x0f, 0x6d, 0x30, 0x61, 0x34, 0x4e];
const BLOCK_KEY_VALUE: [u8; 8] = [0x14, 0x6e, 0x0b, 0xe7, 0xab, 0xac, 0xd0, 0xd6];
const BLOCK_HMAC_KEY: [u8; 8] = [0x5f, 0xb2, 0xad, 0x01, 0x0c, 0xb9, 0xe1, 0xf6];
const BLOCK_HMAC_VALUE: [u8; 8] = [0xa0, 0x67, 0x7f, 0x02, 0xb2, 0x2c, 0x84, 0x33];

/// What kind of protection a file has, as found by [`encryption`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Encryption {
    /// Not an encrypted Office file.
    None,
    /// ECMA-376 Agile encryption (Excel 2010 and later).
    Agile,
    /// ECMA-376 Standard encryption (Excel 2007, Apache POI).
    Standard,
    /// ECMA-376 Extensible encryption (third-party providers), not supported.
    Extensible,
    /// Legacy BIFF8 `.xls` encryption (XOR, RC4 or RC4 CryptoAPI), not supported.
    LegacyXls,
}

/// Tells whether `bytes` hold an encrypted workbook and with which scheme.
///
/// Only the container and headers are read; no password is needed.
///
/// ```
/// use crm_excel::{encryption, Encryption};
/// assert_eq!(encryption(b"PK\x03\x04 not encrypted"), Encryption::None);
/// ```
pub fn encryption(bytes: &[u8]) -> Encryption {
    if !bytes.starts_with(&CFB_MAGIC) {
        return Encryption::None;
    }
    match open_cfb(bytes) {
        Ok(mut cfb) => encryption_in(&mut cfb),
        Err(_) => Encryption::None,
    }
}

/// [`encryption`] of an opened compound file.
pub(crate) fn encryption_in(cfb: &mut Container<'_>) -> Encryption {
    if cfb.is_stream("EncryptionInfo") && cfb.is_stream("EncryptedPackage") {
        let mut head = [0u8; 8];
        let ok = cfb.open_stream("EncryptionInfo").and_then(|mut s| s.read_exact(&mut head));
        if ok.is_err() {
            return Encryption::None;
        }
        return match (
            u16::from_le_bytes([head[0], head[1]]),
            u16::from_le_bytes([head[2], head[3]]),
        ) {
            (4, 4) => Encryption::Agile,
            (3 | 4, 3) => Encryption::Extensible,
            (2..=4, 2) => Encryption::Standard,
            _ => Encryption::Extensible,
        };
    }
    for name in ["Workbook", "Book"] {
        if let Ok(mut s) = cfb.open_stream(name) {
            let mut buf = Vec::new();
            // FILEPASS sits in the workbook globals right after BOF; 64 KiB is plenty.
            if s.by_ref().take(64 * 1024).read_to_end(&mut buf).is_ok() && has_filepass(&buf) {
                return Encryption::LegacyXls;
            }
        }
    }
    Encryption::None
}

/// Scans BIFF records of the workbook globals for FILEPASS (0x002F).
fn has_filepass(mut biff: &[u8]) -> bool {
    while biff.len() >= 4 {
        let id = u16::from_le_bytes([biff[0], biff[1]]);
        let len = usize::from(u16::from_le_bytes([biff[2], biff[3]]));
        match id {
            0x002F => return true,
            // BOUNDSHEET or EOF: the globals' header is over.
            0x0085 | 0x000A => return false,
            _ => {}
        }
        biff = biff.get(4 + len..).unwrap_or(&[]);
    }
    false
}

/// Options for [`decrypt_with`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DecryptOptions {
    verify_integrity: bool,
}

impl DecryptOptions {
    /// The defaults.
    pub fn new() -> DecryptOptions {
        DecryptOptions::default()
    }

    /// Also check the Agile HMAC over the encrypted package, which detects a damaged or
    /// tampered file at the cost of hashing it once more.
    /// Default: `false` (Excel and msoffcrypto-tool do not check it either).
    #[must_use]
    pub fn verify_integrity(mut self, yes: bool) -> DecryptOptions {
        self.verify_integrity = yes;
        self
    }
}

/// Decrypts an encrypted Office package with a password and returns the plain zip bytes.
///
/// # Errors
/// [`ErrorKind::WrongPassword`] when the password does not match the file's verifier,
/// [`ErrorKind::UnsupportedEncryption`] for Extensible and legacy `.xls` encryption,
/// [`ErrorKind::CorruptEncryption`] for malformed headers, and
/// [`ErrorKind::Corrupt`] when `bytes` is not an encrypted Office file at all.
///
/// ```no_run
/// let bytes = std::fs::read("cabang-bekasi.xlsx")?;
/// let zip = crm_excel::decrypt(&bytes, "rahasia")?;
/// assert!(zip.starts_with(b"PK"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn decrypt(bytes: &[u8], password: &str) -> Result<Vec<u8>> {
    decrypt_with(bytes, &[password], &DecryptOptions::default())
}

/// Decrypts with the first of `passwords` that opens the file.
///
/// The key derivation is done once per password tried; the package is decrypted once.
///
/// # Errors
/// As [`decrypt`]; [`ErrorKind::PasswordRequired`] when `passwords` is empty, and
/// [`ErrorKind::WrongPassword`] when none matches.
pub fn decrypt_with(bytes: &[u8], passwords: &[&str], options: &DecryptOptions) -> Result<Vec<u8>> {
    let (mut cfb, info) = open_container(bytes)?;
    if passwords.is_empty() {
        return Err(ErrorKind::PasswordRequired.into());
    }
    let scheme = parse_info(&info)?;
    // The key derivation (100,000 hash rounds per password) runs while the package is read.
    std::thread::scope(|scope| {
        let key = scope.spawn(|| -> Result<Option<Vec<u8>>> {
            for password in passwords {
                if let Some(key) = scheme.derive_key(password)? {
                    return Ok(Some(key));
                }
            }
            Ok(None)
        });
        let package = read_package(&mut cfb, bytes.len());
        let key = key.join().unwrap_or_else(|_| Err(corrupt("key derivation thread panicked")))?;
        match key {
            Some(key) => scheme.decrypt_package(&key, package?, options),
            None => Err(ErrorKind::WrongPassword { tried: passwords.len() }.into()),
        }
    })
}

fn corrupt(reason: impl Into<String>) -> Error {
    ErrorKind::CorruptEncryption { reason: reason.into() }.into()
}

/// What an encrypted Office file is, for errors: not an `.xls`, though both are compound files.
pub(crate) const ENCRYPTED_PACKAGE: &str = "encrypted Office package (OLE/CFB container)";

/// A compound file read from memory: the bytes as given, or a repaired copy (see [`open_cfb`]).
pub(crate) type Container<'a> = cfb::CompoundFile<Cursor<Cow<'a, [u8]>>>;

/// Opens a compound file, tolerating a DIFAT that lists more FAT sectors than the header
/// declares, as olefile does (it reads only the header's count of FAT sectors).
///
/// msoffcrypto-tool 6.1 writes such files once the FAT needs more than the 109 sectors the
/// header can list: its DIFAT sector names one sector too many, the first MiniFAT sector, so
/// `cfb` reads the MiniFAT as FAT entries past the end of the file and refuses the file
/// ("Malformed FAT (FAT has N entries, but file has only M sectors)"). Files `cfb` opens as they
/// are are not changed; the others are retried once with the extra DIFAT entries freed, in a
/// copy, and the first error is returned if that fails too.
pub(crate) fn open_cfb(bytes: &[u8]) -> std::io::Result<Container<'_>> {
    let first = match cfb::CompoundFile::open(Cursor::new(Cow::Borrowed(bytes))) {
        Ok(container) => return Ok(container),
        Err(e) => e,
    };
    match difat_trimmed_to_header(bytes) {
        Some(copy) => cfb::CompoundFile::open(Cursor::new(Cow::Owned(copy))).map_err(|_| first),
        None => Err(first),
    }
}

/// A copy of `bytes` whose DIFAT entries past the header's count of FAT sectors are free,
/// or `None` when there are none (or the header is unreadable).
fn difat_trimmed_to_header(bytes: &[u8]) -> Option<Vec<u8>> {
    const FREE: u32 = 0xFFFF_FFFF;
    const END_OF_CHAIN: u32 = 0xFFFF_FFFE;
    let u32_at = |b: &[u8], at: usize| -> Option<u32> {
        Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
    };
    let sector_len = match bytes.get(0x1E..0x20)? {
        [9, 0] => 512,
        [12, 0] => 4096,
        _ => return None,
    };
    let n_fat_sectors = u32_at(bytes, 0x2C)? as usize;
    // The header holds 109 entries, each DIFAT sector one less than fits (the last entry
    // links to the next DIFAT sector).
    let mut entries: Vec<usize> = (0..109).map(|i| 0x4C + 4 * i).collect();
    let mut next = u32_at(bytes, 0x44)?;
    let n_sectors = bytes.len() / sector_len;
    let mut seen = 0;
    while next != END_OF_CHAIN && next != FREE && seen < n_sectors {
        let start = (next as usize + 1).checked_mul(sector_len)?;
        bytes.get(start..start + sector_len)?;
        entries.extend((0..sector_len / 4 - 1).map(|i| start + 4 * i));
        next = u32_at(bytes, start + sector_len - 4)?;
        seen += 1;
    }
    let extra: Vec<usize> = entries
        .into_iter()
        .skip(n_fat_sectors)
        .filter(|&at| u32_at(bytes, at).is_some_and(|entry| entry != FREE))
        .collect();
    if extra.is_empty() {
        return None;
    }
    let mut copy = bytes.to_vec();
    for at in extra {
        copy[at..at + 4].copy_from_slice(&FREE.to_le_bytes());
    }
    Some(copy)
}

/// Opens the compound file and reads its `EncryptionInfo` stream.
fn open_container(bytes: &[u8]) -> Result<(Container<'_>, Vec<u8>)> {
    let not_encrypted = || -> Error {
        ErrorKind::Corrupt {
            format: ENCRYPTED_PACKAGE,
            reason: "no EncryptionInfo / EncryptedPackage streams".into(),
        }
        .into()
    };
    if !bytes.starts_with(&CFB_MAGIC) {
        return Err(not_encrypted());
    }
    let mut cfb = open_cfb(bytes).map_err(|e| -> Error {
        ErrorKind::Corrupt { format: ENCRYPTED_PACKAGE, reason: e.to_string() }.into()
    })?;
    if !(cfb.is_stream("EncryptionInfo") && cfb.is_stream("EncryptedPackage")) {
        if encryption(bytes) == Encryption::LegacyXls {
            return Err(ErrorKind::UnsupportedEncryption {
                scheme: "legacy .xls encryption (XOR / RC4); save the file as .xlsx".into(),
            }
            .into());
        }
        return Err(not_encrypted());
    }
    let mut info = Vec::new();
    cfb.open_stream("EncryptionInfo")?.read_to_end(&mut info)?;
    Ok((cfb, info))
}

/// Reads the `EncryptedPackage` stream (never more than the file holds).
fn read_package(cfb: &mut Container<'_>, file_len: usize) -> Result<Vec<u8>> {
    let mut package = Vec::new();
    let mut stream = cfb.open_stream("EncryptedPackage")?;
    package.reserve(usize::try_from(stream.len()).unwrap_or(0).min(file_len));
    stream.read_to_end(&mut package)?;
    Ok(package)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum HashAlg {
    Sha1,
    Sha256,
    Sha384,
    Sha512,
}

impl HashAlg {
    fn from_name(name: &str) -> Result<HashAlg> {
        match name.to_ascii_uppercase().replace('-', "").as_str() {
            "SHA1" => Ok(HashAlg::Sha1),
            "SHA256" => Ok(HashAlg::Sha256),
            "SHA384" => Ok(HashAlg::Sha384),
            "SHA512" => Ok(HashAlg::Sha512),
            _ => Err(ErrorKind::UnsupportedEncryption { scheme: format!("hash algorithm {name}") }
                .into()),
        }
    }

    fn hash(self, parts: &[&[u8]]) -> Vec<u8> {
        fn run<D: Digest>(parts: &[&[u8]]) -> Vec<u8> {
            let mut d = D::new();
            for p in parts {
                d.update(p);
            }
            d.finalize().to_vec()
        }
        match self {
            HashAlg::Sha1 => run::<Sha1>(parts),
            HashAlg::Sha256 => run::<Sha256>(parts),
            HashAlg::Sha384 => run::<Sha384>(parts),
            HashAlg::Sha512 => run::<Sha512>(parts),
        }
    }

    /// H(salt + password), then `spin` rounds of H(iterator + previous).
    fn spin(self, salt: &[u8], password: &[u8], spin: u32) -> Vec<u8> {
        fn run<D: Digest>(salt: &[u8], password: &[u8], spin: u32) -> Vec<u8> {
            let mut h = D::new().chain_update(salt).chain_update(password).finalize();
            for i in 0..spin {
                let mut d = D::new();
                d.update(i.to_le_bytes());
                d.update(&h);
                d.finalize_into(&mut h);
            }
            h.to_vec()
        }
        match self {
            HashAlg::Sha1 => run::<Sha1>(salt, password, spin),
            HashAlg::Sha256 => run::<Sha256>(salt, password, spin),
            HashAlg::Sha384 => run::<Sha384>(salt, password, spin),
            HashAlg::Sha512 => run::<Sha512>(salt, password, spin),
        }
    }

    fn hmac(self, key: &[u8], data: &[u8]) -> Vec<u8> {
        use hmac::{Hmac, Mac};
        fn run<M: Mac + hmac::KeyInit>(key: &[u8], data: &[u8]) -> Vec<u8> {
            // HMAC accepts keys of any length, so this cannot fail.
            let Ok(mut mac) = <M as hmac::KeyInit>::new_from_slice(key) else { return Vec::new() };
            mac.update(data);
            mac.finalize().into_bytes().to_vec()
        }
        match self {
            HashAlg::Sha1 => run::<Hmac<Sha1>>(key, data),
            HashAlg::Sha256 => run::<Hmac<Sha256>>(key, data),
            HashAlg::Sha384 => run::<Hmac<Sha384>>(key, data),
            HashAlg::Sha512 => run::<Hmac<Sha512>>(key, data),
        }
    }
}

/// Truncates `bytes` to `len`, or pads it with 0x36 (MS-OFFCRYPTO 2.3.4.12).
fn fit(mut bytes: Vec<u8>, len: usize) -> Vec<u8> {
    bytes.resize(len, 0x36);
    bytes
}

fn utf16le(password: &str) -> Vec<u8> {
    password.encode_utf16().flat_map(u16::to_le_bytes).collect()
}

/// AES-CBC decryption in place, without padding; `data.len()` must be a multiple of 16.
fn aes_cbc(key: &[u8], iv: &[u8], data: &mut [u8]) -> Result<()> {
    let bad = |_| corrupt("bad AES key or IV length");
    let res = match key.len() {
        16 => cbc::Decryptor::<aes::Aes128>::new_from_slices(key, iv)
            .map_err(bad)?
            .decrypt_padded::<NoPadding>(data)
            .map(|_| ()),
        24 => cbc::Decryptor::<aes::Aes192>::new_from_slices(key, iv)
            .map_err(bad)?
            .decrypt_padded::<NoPadding>(data)
            .map(|_| ()),
        32 => cbc::Decryptor::<aes::Aes256>::new_from_slices(key, iv)
            .map_err(bad)?
            .decrypt_padded::<NoPadding>(data)
            .map(|_| ()),
        n => return Err(corrupt(format!("AES key of {n} bytes"))),
    };
    res.map_err(|_| corrupt("ciphertext is not a whole number of AES blocks"))
}

/// AES-ECB decryption in place; a trailing partial block is left as is.
fn aes_ecb(key: &[u8], data: &mut [u8]) -> Result<()> {
    fn run<C: BlockCipherDecrypt<BlockSize = aes::cipher::consts::U16> + KeyInit>(
        key: &[u8],
        data: &mut [u8],
    ) -> Result<()> {
        let cipher = C::new_from_slice(key).map_err(|_| corrupt("bad AES key length"))?;
        let (blocks, _tail) = aes::Block::slice_as_chunks_mut(data);
        cipher.decrypt_blocks(blocks);
        Ok(())
    }
    match key.len() {
        16 => run::<aes::Aes128>(key, data),
        24 => run::<aes::Aes192>(key, data),
        32 => run::<aes::Aes256>(key, data),
        n => Err(corrupt(format!("AES key of {n} bytes"))),
    }
}

/// The parsed `EncryptionInfo` stream.
enum Scheme {
    Agile(Box<Agile>),
    Standard(Standard),
}

struct Agile {
    // <keyData>: how the package itself is encrypted.
    key_salt: Vec<u8>,
    key_block_size: usize,
    key_bits: usize,
    key_hash: HashAlg,
    // <dataIntegrity>
    encrypted_hmac_key: Vec<u8>,
    encrypted_hmac_value: Vec<u8>,
    // <p:encryptedKey>: how the package key is wrapped by the password.
    pw_salt: Vec<u8>,
    pw_block_size: usize,
    pw_key_bits: usize,
    pw_hash: HashAlg,
    spin_count: u32,
    encrypted_verifier_input: Vec<u8>,
    encrypted_verifier_value: Vec<u8>,
    encrypted_key_value: Vec<u8>,
}

struct Standard {
    key_bytes: usize,
    salt: Vec<u8>,
    encrypted_verifier: Vec<u8>,
    encrypted_verifier_hash: Vec<u8>,
}

fn parse_info(info: &[u8]) -> Result<Scheme> {
    if info.len() < 8 {
        return Err(corrupt("EncryptionInfo is shorter than its header"));
    }
    let major = u16::from_le_bytes([info[0], info[1]]);
    let minor = u16::from_le_bytes([info[2], info[3]]);
    match (major, minor) {
        (4, 4) => parse_agile(&info[8..]).map(|a| Scheme::Agile(Box::new(a))),
        (2..=4, 2) => parse_standard(&info[8..]).map(Scheme::Standard),
        (3 | 4, 3) => Err(ErrorKind::UnsupportedEncryption {
            scheme: "ECMA-376 Extensible encryption".into(),
        }
        .into()),
        _ => Err(ErrorKind::UnsupportedEncryption {
            scheme: format!("EncryptionInfo version {major}.{minor}"),
        }
        .into()),
    }
}

fn parse_agile(xml: &[u8]) -> Result<Agile> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_reader(xml);
    let mut key_data: Option<Vec<(String, String)>> = None;
    let mut integrity: Option<Vec<(String, String)>> = None;
    let mut encrypted_key: Option<Vec<(String, String)>> = None;
    let mut buf = Vec::new();
    loop {
        let event = reader.read_event_into(&mut buf).map_err(|e| corrupt(format!("XML: {e}")))?;
        match event {
            Event::Start(e) | Event::Empty(e) => {
                let name = e.local_name();
                let slot = match name.as_ref() {
                    "keyData" => &mut key_data,
                    "dataIntegrity" => &mut integrity,
                    // Only the password key encryptor; certificate encryptors are skipped.
                    "encryptedKey" if encrypted_key.is_none() => &mut encrypted_key,
                    _ => {
                        buf.clear();
                        continue;
                    }
                };
                let mut attrs = Vec::new();
                for attr in e.attributes() {
                    let attr = attr.map_err(|e| corrupt(format!("XML attribute: {e}")))?;
                    let key = attr.key.local_name().as_ref().to_owned();
                    let value = attr.value.into_owned();
                    attrs.push((key, value));
                }
                *slot = Some(attrs);
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    let key_data = key_data.ok_or_else(|| corrupt("missing <keyData>"))?;
    let encrypted_key = encrypted_key.ok_or_else(|| {
        Error::from(ErrorKind::UnsupportedEncryption {
            scheme: "Agile encryption without a password key encryptor (certificate only)".into(),
        })
    })?;
    let get = |attrs: &[(String, String)], name: &str| -> Result<String> {
        attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .ok_or_else(|| corrupt(format!("missing attribute {name}")))
    };
    let b64 = |attrs: &[(String, String)], name: &str| -> Result<Vec<u8>> {
        base64::engine::general_purpose::STANDARD
            .decode(get(attrs, name)?.trim())
            .map_err(|_| corrupt(format!("attribute {name} is not base64")))
    };
    let num = |attrs: &[(String, String)], name: &str| -> Result<usize> {
        get(attrs, name)?.trim().parse::<usize>().map_err(|_| corrupt(format!("attribute {name}")))
    };
    let check_cipher = |attrs: &[(String, String)]| -> Result<()> {
        let cipher = get(attrs, "cipherAlgorithm")?;
        let chaining = get(attrs, "cipherChaining")?;
        if cipher != "AES" || chaining != "ChainingModeCBC" {
            return Err(ErrorKind::UnsupportedEncryption {
                scheme: format!("Agile with {cipher} / {chaining}"),
            }
            .into());
        }
        Ok(())
    };
    check_cipher(&key_data)?;
    check_cipher(&encrypted_key)?;
    let (encrypted_hmac_key, encrypted_hmac_value) = match &integrity {
        Some(a) => (b64(a, "encryptedHmacKey")?, b64(a, "encryptedHmacValue")?),
        None => (Vec::new(), Vec::new()),
    };
    let spin_count = u32::try_from(num(&encrypted_key, "spinCount")?)
        .ok()
        .filter(|&n| n <= MAX_SPIN_COUNT)
        .ok_or_else(|| corrupt("spinCount is out of range"))?;
    let agile = Agile {
        key_salt: b64(&key_data, "saltValue")?,
        key_block_size: num(&key_data, "blockSize")?,
        key_bits: num(&key_data, "keyBits")?,
        key_hash: HashAlg::from_name(&get(&key_data, "hashAlgorithm")?)?,
        encrypted_hmac_key,
        encrypted_hmac_value,
        pw_salt: b64(&encrypted_key, "saltValue")?,
        pw_block_size: num(&encrypted_key, "blockSize")?,
        pw_key_bits: num(&encrypted_key, "keyBits")?,
        pw_hash: HashAlg::from_name(&get(&encrypted_key, "hashAlgorithm")?)?,
        spin_count,
        encrypted_verifier_input: b64(&encrypted_key, "encryptedVerifierHashInput")?,
        encrypted_verifier_value: b64(&encrypted_key, "encryptedVerifierHashValue")?,
        encrypted_key_value: b64(&encrypted_key, "encryptedKeyValue")?,
    };
    for bits in [agile.key_bits, agile.pw_key_bits] {
        if !matches!(bits, 128 | 192 | 256) {
            return Err(corrupt(format!("keyBits {bits}")));
        }
    }
    if agile.key_block_size != 16 || agile.pw_block_size != 16 {
        return Err(corrupt("AES block size must be 16"));
    }
    Ok(agile)
}

fn parse_standard(rest: &[u8]) -> Result<Standard> {
    let u32_at = |b: &[u8], at: usize| -> Result<u32> {
        b.get(at..at + 4)
            .map(|s| u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
            .ok_or_else(|| corrupt("EncryptionInfo is truncated"))
    };
    // rest = headerSize(4) header(headerSize) verifier; the flags came before.
    let header_size = u32_at(rest, 0)? as usize;
    let header = rest.get(4..4 + header_size).ok_or_else(|| corrupt("truncated header"))?;
    let alg_id = u32_at(header, 8)?;
    let key_bits = u32_at(header, 16)? as usize;
    let key_bytes = match (alg_id, key_bits) {
        (0x660E | 0, 0 | 128) => 16,
        (0x660F, _) => 24,
        (0x6610, _) => 32,
        (0x6801, _) => {
            return Err(ErrorKind::UnsupportedEncryption {
                scheme: "Standard encryption with RC4".into(),
            }
            .into());
        }
        (alg, _) => {
            return Err(ErrorKind::UnsupportedEncryption {
                scheme: format!("Standard encryption with algorithm 0x{alg:04X}"),
            }
            .into());
        }
    };
    let verifier = &rest[4 + header_size..];
    let salt_size = u32_at(verifier, 0)? as usize;
    if salt_size != 16 {
        return Err(corrupt(format!("salt size {salt_size}")));
    }
    let field = |from: usize, len: usize| -> Result<Vec<u8>> {
        verifier
            .get(from..from + len)
            .map(<[u8]>::to_vec)
            .ok_or_else(|| corrupt("truncated verifier"))
    };
    Ok(Standard {
        key_bytes,
        salt: field(4, 16)?,
        encrypted_verifier: field(20, 16)?,
        // 4 bytes of verifierHashSize, then the hash padded to whole AES blocks.
        encrypted_verifier_hash: field(40, 32)?,
    })
}

impl Scheme {
    /// Derives the package key, or `None` when the password does not match the verifier.
    fn derive_key(&self, password: &str) -> Result<Option<Vec<u8>>> {
        let pw = utf16le(password);
        match self {
            Scheme::Agile(a) => {
                let h = a.pw_hash.spin(&a.pw_salt, &pw, a.spin_count);
                let key_for = |block: &[u8]| fit(a.pw_hash.hash(&[&h, block]), a.pw_key_bits / 8);
                let iv = fit(a.pw_salt.clone(), a.pw_block_size);
                let mut input = a.encrypted_verifier_input.clone();
                aes_cbc(&key_for(&BLOCK_VERIFIER_INPUT), &iv, &mut input)?;
                let mut value = a.encrypted_verifier_value.clone();
                aes_cbc(&key_for(&BLOCK_VERIFIER_VALUE), &iv, &mut value)?;
                let salt_len = a.pw_salt.len().min(input.len());
                let expected = a.pw_hash.hash(&[&input[..salt_len]]);
                if value.len() < expected.len() || value[..expected.len()] != expected[..] {
                    return Ok(None);
                }
                let mut key = a.encrypted_key_value.clone();
                aes_cbc(&key_for(&BLOCK_KEY_VALUE), &iv, &mut key)?;
                if key.len() < a.key_bits / 8 {
                    return Err(corrupt("encryptedKeyValue is too short"));
                }
                key.truncate(a.key_bits / 8);
                Ok(Some(key))
            }
            Scheme::Standard(s) => {
                let h = HashAlg::Sha1.spin(&s.salt, &pw, 50_000);
                let h_final = HashAlg::Sha1.hash(&[&h, &0u32.to_le_bytes()]);
                let mut x1 = [0x36u8; 64];
                let mut x2 = [0x5cu8; 64];
                for (i, b) in h_final.iter().enumerate() {
                    x1[i] ^= b;
                    x2[i] ^= b;
                }
                let mut key = HashAlg::Sha1.hash(&[&x1]);
                key.extend(HashAlg::Sha1.hash(&[&x2]));
                key.truncate(s.key_bytes);
                let mut verifier = s.encrypted_verifier.clone();
                aes_ecb(&key, &mut verifier)?;
                let mut hash = s.encrypted_verifier_hash.clone();
                aes_ecb(&key, &mut hash)?;
                let expected = HashAlg::Sha1.hash(&[&verifier]);
                Ok((hash[..20] == expected[..]).then_some(key))
            }
        }
    }

    /// Decrypts the package in place (a fresh buffer of this size costs more in page faults
    /// than the decryption itself) and returns the zip bytes.
    fn decrypt_package(
        &self,
        key: &[u8],
        mut package: Vec<u8>,
        options: &DecryptOptions,
    ) -> Result<Vec<u8>> {
        if package.len() < 8 {
            return Err(corrupt("EncryptedPackage is shorter than its size field"));
        }
        let mut size_bytes = [0u8; 8];
        size_bytes.copy_from_slice(&package[..8]);
        let size = u64::from_le_bytes(size_bytes);
        let body_len = package.len() - 8;
        let size = usize::try_from(size)
            .ok()
            .filter(|&s| s <= body_len)
            .ok_or_else(|| corrupt("EncryptedPackage declares more bytes than it holds"))?;
        if let Scheme::Agile(a) = self
            && options.verify_integrity
        {
            a.verify_integrity(key, &package)?;
        }
        // Decrypt whole AES blocks only; writers may pad the package past `size`.
        let usable = body_len - body_len % 16;
        let body = &mut package[8..8 + usable];
        match self {
            Scheme::Agile(a) => decrypt_segments(a, key, body)?,
            Scheme::Standard(_) => aes_ecb(key, body)?,
        }
        if usable < size {
            return Err(corrupt("EncryptedPackage is truncated"));
        }
        package.drain(..8);
        package.truncate(size);
        let out = package;
        if !out.starts_with(b"PK\x03\x04") {
            return Err(ErrorKind::Corrupt {
                format: "encrypted workbook",
                reason: "decrypted package is not a zip file".into(),
            }
            .into());
        }
        Ok(out)
    }
}

/// Decrypts the 4,096-byte segments, on two threads when the package is large.
fn decrypt_segments(a: &Agile, key: &[u8], data: &mut [u8]) -> Result<()> {
    let decrypt_range = |first_segment: usize, chunk: &mut [u8]| -> Result<()> {
        for (i, segment) in chunk.chunks_mut(SEGMENT).enumerate() {
            let index =
                u32::try_from(first_segment + i).map_err(|_| corrupt("too many segments"))?;
            let iv = fit(a.key_hash.hash(&[&a.key_salt, &index.to_le_bytes()]), a.key_block_size);
            aes_cbc(key, &iv, segment)?;
        }
        Ok(())
    };
    let n_segments = data.len().div_ceil(SEGMENT);
    if n_segments < 256 {
        return decrypt_range(0, data);
    }
    let half = n_segments / 2;
    let (left, right) = data.split_at_mut(half * SEGMENT);
    std::thread::scope(|scope| {
        let handle = scope.spawn(|| decrypt_range(half, right));
        let first = decrypt_range(0, left);
        let second = handle.join().unwrap_or_else(|_| Err(corrupt("decryption thread panicked")));
        first.and(second)
    })
}

impl Agile {
    fn verify_integrity(&self, key: &[u8], package: &[u8]) -> Result<()> {
        if self.encrypted_hmac_key.is_empty() {
            return Err(corrupt("no <dataIntegrity> to verify"));
        }
        let hash_len = self.key_hash.hash(&[]).len();
        let iv_key =
            fit(self.key_hash.hash(&[&self.key_salt, &BLOCK_HMAC_KEY]), self.key_block_size);
        let mut hmac_key = self.encrypted_hmac_key.clone();
        aes_cbc(key, &iv_key, &mut hmac_key)?;
        let iv_value =
            fit(self.key_hash.hash(&[&self.key_salt, &BLOCK_HMAC_VALUE]), self.key_block_size);
        let mut hmac_value = self.encrypted_hmac_value.clone();
        aes_cbc(key, &iv_value, &mut hmac_value)?;
        if hmac_key.len() < hash_len || hmac_value.len() < hash_len {
            return Err(corrupt("dataIntegrity values are too short"));
        }
        let actual = self.key_hash.hmac(&hmac_key[..hash_len], package);
        if actual[..] != hmac_value[..hash_len] {
            return Err(ErrorKind::Corrupt {
                format: "encrypted workbook",
                reason: "integrity check (HMAC) failed: the file is damaged or was modified".into(),
            }
            .into());
        }
        Ok(())
    }
}

/// Options for [`encrypt`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EncryptOptions {
    spin_count: u32,
    seed: Option<u64>,
}

impl Default for EncryptOptions {
    fn default() -> EncryptOptions {
        EncryptOptions { spin_count: 100_000, seed: None }
    }
}

impl EncryptOptions {
    /// The defaults: Excel's 100,000 hashing rounds, salts and keys from the operating
    /// system's random number generator.
    pub fn new() -> EncryptOptions {
        EncryptOptions::default()
    }

    /// Hashing rounds of the password key derivation. Default: 100,000 (as Excel).
    #[must_use]
    pub fn spin_count(mut self, rounds: u32) -> EncryptOptions {
        self.spin_count = rounds.min(MAX_SPIN_COUNT);
        self
    }

    /// Derives salts and keys from this seed instead of the operating system, so the same
    /// input gives the same bytes. Only for tests and reproducible demos: anyone who knows the
    /// seed can decrypt the file without the password. Default: none.
    #[must_use]
    pub fn seed(mut self, seed: Option<u64>) -> EncryptOptions {
        self.seed = seed;
        self
    }
}

/// Random bytes, from the OS or a seeded SHA-512 counter stream.
struct Entropy {
    seed: Option<u64>,
    counter: u64,
}

impl Entropy {
    fn fill(&mut self, buf: &mut [u8]) -> Result<()> {
        match self.seed {
            None => getrandom::fill(buf).map_err(|e| -> Error {
                ErrorKind::Io(std::io::Error::other(format!("no random numbers: {e}"))).into()
            }),
            Some(seed) => {
                for chunk in buf.chunks_mut(64) {
                    self.counter += 1;
                    let block =
                        HashAlg::Sha512.hash(&[&seed.to_le_bytes(), &self.counter.to_le_bytes()]);
                    chunk.copy_from_slice(&block[..chunk.len()]);
                }
                Ok(())
            }
        }
    }

    fn bytes<const N: usize>(&mut self) -> Result<[u8; N]> {
        let mut b = [0u8; N];
        self.fill(&mut b)?;
        Ok(b)
    }
}

/// AES-256-CBC encryption in place; `data.len()` must be a multiple of 16.
fn aes256_cbc_encrypt(key: &[u8], iv: &[u8], data: &mut [u8]) -> Result<()> {
    let len = data.len();
    cbc::Encryptor::<aes::Aes256>::new_from_slices(key, iv)
        .map_err(|_| corrupt("bad AES key or IV length"))?
        .encrypt_padded::<NoPadding>(data, len)
        .map(|_| ())
        .map_err(|_| corrupt("plaintext is not a whole number of AES blocks"))
}

/// The `\x06DataSpaces` streams Excel writes beside an encrypted package (fixed content,
/// MS-OFFCRYPTO 2.3.4.1), as written by Excel into the msoffcrypto-tool test fixture.
const DATA_SPACES: [(&str, &str); 4] = [
    (
        "\u{6}DataSpaces/Version",
        "3c0000004d006900630072006f0073006f00660074002e0043006f006e007400610069006e00650072002e004400610074006100530070006100630065007300010000000100000001000000",
    ),
    (
        "\u{6}DataSpaces/DataSpaceMap",
        "08000000010000006800000001000000000000002000000045006e0063007200790070007400650064005000610063006b00610067006500320000005300740072006f006e00670045006e006300720079007000740069006f006e004400610074006100530070006100630065000000",
    ),
    (
        "\u{6}DataSpaces/DataSpaceInfo/StrongEncryptionDataSpace",
        "0800000001000000320000005300740072006f006e00670045006e006300720079007000740069006f006e005400720061006e00730066006f0072006d000000",
    ),
    (
        "\u{6}DataSpaces/TransformInfo/StrongEncryptionTransform/\u{6}Primary",
        "58000000010000004c0000007b00460046003900410033004600300033002d0035003600450046002d0034003600310033002d0042004400440035002d003500410034003100430031004400300037003200340036007d004e0000004d006900630072006f0073006f00660074002e0043006f006e007400610069006e00650072002e0045006e006300720079007000740069006f006e005400720061006e00730066006f0072006d00000001000000010000000100000000000000000000000000000004000000",
    ),
];

fn hex(s: &str) -> Vec<u8> {
    (0..s.len() / 2).filter_map(|i| u8::from_str_radix(&s[2 * i..2 * i + 2], 16).ok()).collect()
}

/// Encrypts a workbook (the zip bytes of an xlsx, e.g. from
/// [`XlsxWriter::save_to_buffer`](crate::XlsxWriter::save_to_buffer)) with a password, using
/// Agile encryption as Excel 2010 and later do (AES-256, SHA-512).
/// Excel, LibreOffice, msoffcrypto-tool and [`decrypt`] open the result.
///
/// # Errors
/// [`ErrorKind::Corrupt`] when `zip` is not a zip file; I/O errors of the container writer.
///
/// ```
/// use crm_excel::{decrypt, encrypt, EncryptOptions, XlsxWriter};
/// let zip = XlsxWriter::new().save_to_buffer()?;
/// let locked = encrypt(&zip, "rahasia", &EncryptOptions::new().spin_count(1000))?;
/// assert_eq!(decrypt(&locked, "rahasia")?, zip);
/// # Ok::<(), crm_excel::Error>(())
/// ```
pub fn encrypt(zip: &[u8], password: &str, options: &EncryptOptions) -> Result<Vec<u8>> {
    if !zip.starts_with(b"PK\x03\x04") {
        return Err(ErrorKind::Corrupt { format: "xlsx", reason: "not a zip file".into() }.into());
    }
    let hash = HashAlg::Sha512;
    let mut entropy = Entropy { seed: options.seed, counter: 0 };
    let key_salt: [u8; 16] = entropy.bytes()?;
    let pw_salt: [u8; 16] = entropy.bytes()?;
    let secret: [u8; 32] = entropy.bytes()?;
    let verifier: [u8; 16] = entropy.bytes()?;
    let hmac_key: [u8; 64] = entropy.bytes()?;

    // The package: its size, then 4,096-byte segments each padded to whole AES blocks.
    let mut package = Vec::with_capacity(zip.len() + 8 + 16);
    package.extend_from_slice(&(zip.len() as u64).to_le_bytes());
    for (i, segment) in zip.chunks(SEGMENT).enumerate() {
        let mut block = segment.to_vec();
        block.resize(segment.len().div_ceil(16) * 16, 0);
        let iv = fit(hash.hash(&[&key_salt, &(i as u32).to_le_bytes()]), 16);
        aes256_cbc_encrypt(&secret, &iv, &mut block)?;
        package.extend_from_slice(&block);
    }

    // The password key encryptor.
    let h = hash.spin(&pw_salt, &utf16le(password), options.spin_count);
    let key_for = |block: &[u8]| fit(hash.hash(&[&h, block]), 32);
    let mut enc_input = verifier.to_vec();
    aes256_cbc_encrypt(&key_for(&BLOCK_VERIFIER_INPUT), &pw_salt, &mut enc_input)?;
    let mut enc_value = hash.hash(&[&verifier]);
    aes256_cbc_encrypt(&key_for(&BLOCK_VERIFIER_VALUE), &pw_salt, &mut enc_value)?;
    let mut enc_key = secret.to_vec();
    aes256_cbc_encrypt(&key_for(&BLOCK_KEY_VALUE), &pw_salt, &mut enc_key)?;

    // Data integrity: an HMAC over the whole EncryptedPackage stream.
    let mut enc_hmac_key = hmac_key.to_vec();
    aes256_cbc_encrypt(
        &secret,
        &fit(hash.hash(&[&key_salt, &BLOCK_HMAC_KEY]), 16),
        &mut enc_hmac_key,
    )?;
    let mut enc_hmac_value = hash.hmac(&hmac_key, &package);
    aes256_cbc_encrypt(
        &secret,
        &fit(hash.hash(&[&key_salt, &BLOCK_HMAC_VALUE]), 16),
        &mut enc_hmac_value,
    )?;

    let b64 = |b: &[u8]| base64::engine::general_purpose::STANDARD.encode(b);
    let params = r#"saltSize="16" blockSize="16" keyBits="256" hashSize="64" cipherAlgorithm="AES" cipherChaining="ChainingModeCBC" hashAlgorithm="SHA512""#;
    let xml = format!(
        concat!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\r\n",
            "<encryption xmlns=\"http://schemas.microsoft.com/office/2006/encryption\" ",
            "xmlns:p=\"http://schemas.microsoft.com/office/2006/keyEncryptor/password\" ",
            "xmlns:c=\"http://schemas.microsoft.com/office/2006/keyEncryptor/certificate\">",
            "<keyData {params} saltValue=\"{key_salt}\"/>",
            "<dataIntegrity encryptedHmacKey=\"{hmac_key}\" encryptedHmacValue=\"{hmac_value}\"/>",
            "<keyEncryptors><keyEncryptor uri=\"http://schemas.microsoft.com/office/2006/keyEncryptor/password\">",
            "<p:encryptedKey spinCount=\"{spin}\" {params} saltValue=\"{pw_salt}\" ",
            "encryptedVerifierHashInput=\"{input}\" encryptedVerifierHashValue=\"{value}\" ",
            "encryptedKeyValue=\"{key}\"/></keyEncryptor></keyEncryptors></encryption>"
        ),
        params = params,
        key_salt = b64(&key_salt),
        hmac_key = b64(&enc_hmac_key),
        hmac_value = b64(&enc_hmac_value),
        spin = options.spin_count,
        pw_salt = b64(&pw_salt),
        input = b64(&enc_input),
        value = b64(&enc_value),
        key = b64(&enc_key),
    );
    let mut info = vec![4, 0, 4, 0, 0x40, 0, 0, 0];
    info.extend_from_slice(xml.as_bytes());

    let mut cfb = cfb::CompoundFile::create(Cursor::new(Vec::new()))?;
    for storage in [
        "\u{6}DataSpaces",
        "\u{6}DataSpaces/DataSpaceInfo",
        "\u{6}DataSpaces/TransformInfo",
        "\u{6}DataSpaces/TransformInfo/StrongEncryptionTransform",
    ] {
        cfb.create_storage(storage)?;
    }
    for (path, content) in DATA_SPACES {
        cfb.create_stream(path)?.write_all(&hex(content))?;
    }
    cfb.create_stream("EncryptionInfo")?.write_all(&info)?;
    cfb.create_stream("EncryptedPackage")?.write_all(&package)?;
    // Fixed timestamps keep the output a function of its input (with a seed).
    let paths: Vec<std::path::PathBuf> = cfb.walk().map(|e| e.path().to_path_buf()).collect();
    for path in paths {
        cfb.set_created_time(&path, std::time::UNIX_EPOCH)?;
        cfb.set_modified_time(&path, std::time::UNIX_EPOCH)?;
    }
    cfb.flush()?;
    Ok(cfb.into_inner().into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_pads_with_0x36_and_truncates() {
        assert_eq!(fit(vec![1, 2], 4), vec![1, 2, 0x36, 0x36]);
        assert_eq!(fit(vec![1, 2, 3], 2), vec![1, 2]);
    }

    #[test]
    fn plain_zip_is_not_encrypted() {
        assert_eq!(encryption(b"PK\x03\x04rest"), Encryption::None);
        let err = decrypt(b"PK\x03\x04rest", "x").unwrap_err();
        assert!(matches!(err.kind(), ErrorKind::Corrupt { .. }));
    }

    #[test]
    fn truncated_compound_file_is_an_error_not_a_panic() {
        let mut bytes = CFB_MAGIC.to_vec();
        bytes.extend([0u8; 100]);
        assert_eq!(encryption(&bytes), Encryption::None);
        assert!(decrypt(&bytes, "x").is_err());
    }

    #[test]
    fn filepass_is_found_before_boundsheet() {
        // BOF (len 2), FILEPASS (len 0).
        let biff = [0x09, 0x08, 2, 0, 0, 0, 0x2F, 0x00, 0, 0];
        assert!(has_filepass(&biff));
        // BOF, BOUNDSHEET, FILEPASS: too late to count.
        let biff = [0x09, 0x08, 0, 0, 0x85, 0x00, 0, 0, 0x2F, 0x00, 0, 0];
        assert!(!has_filepass(&biff));
    }

    #[test]
    fn encrypt_then_decrypt_round_trips() {
        let zip = b"PK\x03\x04"
            .iter()
            .copied()
            .chain((0..10_000u32).map(|i| (i % 251) as u8))
            .collect::<Vec<u8>>();
        let options = EncryptOptions::new().spin_count(10).seed(Some(7));
        let locked = encrypt(&zip, "pässwörd", &options).unwrap();
        assert_eq!(encryption(&locked), Encryption::Agile);
        assert_eq!(decrypt(&locked, "pässwörd").unwrap(), zip);
        let integrity = DecryptOptions::new().verify_integrity(true);
        assert_eq!(decrypt_with(&locked, &["pässwörd"], &integrity).unwrap(), zip);
        assert!(matches!(
            decrypt(&locked, "password").unwrap_err().kind(),
            ErrorKind::WrongPassword { .. }
        ));
        assert!(
            encrypt(&zip, "pässwörd", &options).unwrap() == locked,
            "seeded output is deterministic"
        );
    }

    #[test]
    fn tampered_package_fails_the_integrity_check() {
        let zip = b"PK\x03\x04".repeat(3000);
        let mut locked = encrypt(&zip, "x", &EncryptOptions::new().spin_count(10)).unwrap();
        // Flip a byte near the end, inside the encrypted package stream.
        let n = locked.len();
        let pos = (0..n).rev().find(|&i| locked[i] != 0).unwrap();
        locked[pos] ^= 0xff;
        let integrity = DecryptOptions::new().verify_integrity(true);
        let err = decrypt_with(&locked, &["x"], &integrity).unwrap_err();
        assert!(
            matches!(err.kind(), ErrorKind::Corrupt { format: "encrypted workbook", reason }
                if reason.starts_with("integrity check (HMAC) failed")),
            "{err}"
        );
        assert_eq!(
            err.to_string(),
            "not a readable encrypted workbook file: integrity check (HMAC) failed: the file is \
             damaged or was modified"
        );
        // Without the check the same file decrypts, the change confined to its last AES
        // block: only the HMAC tells the package was modified.
        let unverified = decrypt(&locked, "x").unwrap();
        assert_eq!(unverified.len(), zip.len());
        assert_ne!(unverified, zip);
        assert_eq!(unverified[..zip.len() - 16], zip[..zip.len() - 16]);
    }

    /// msoffcrypto-tool 6.1's defect, made small: the DIFAT lists one sector past the header's
    /// count of FAT sectors, the first MiniFAT sector. `cfb` refuses the file; olefile (and so
    /// msoffcrypto-tool) reads it, and so must we.
    #[test]
    fn a_difat_listing_more_fat_sectors_than_the_header_is_read_as_olefile_reads_it() {
        let zip = b"PK\x03\x04".repeat(3000);
        let mut locked = encrypt(&zip, "x", &EncryptOptions::new().spin_count(10)).unwrap();
        let u32_at = |b: &[u8], at: usize| u32::from_le_bytes(b[at..at + 4].try_into().unwrap());
        let n_fat_sectors = u32_at(&locked, 0x2C) as usize;
        assert!(n_fat_sectors < 109, "the extra entry goes into the header's DIFAT");
        let first_minifat_sector = u32_at(&locked, 0x3C);
        let extra = 0x4C + 4 * n_fat_sectors;
        assert_eq!(u32_at(&locked, extra), 0xFFFF_FFFF);
        locked[extra..extra + 4].copy_from_slice(&first_minifat_sector.to_le_bytes());

        let refused = cfb::CompoundFile::open(Cursor::new(&locked[..])).unwrap_err();
        assert!(refused.to_string().starts_with("Malformed FAT (FAT has "), "{refused}");
        assert_eq!(encryption(&locked), Encryption::Agile);
        assert_eq!(decrypt(&locked, "x").unwrap(), zip);
    }

    /// Found by `damaged_workbooks_do_not_panic`: a header cut inside its DIFAT.
    #[test]
    fn a_header_cut_short_in_its_difat_is_an_error_not_a_panic() {
        let mut bytes = CFB_MAGIC.to_vec();
        bytes.resize(328, 0x11);
        bytes[0x1E..0x20].copy_from_slice(&[9, 0]);
        bytes[0x2C..0x30].copy_from_slice(&0u32.to_le_bytes());
        assert!(open_cfb(&bytes).is_err());
        assert_eq!(encryption(&bytes), Encryption::None);
    }

    #[test]
    fn an_unreadable_container_is_named_an_encrypted_office_package() {
        let mut bytes = CFB_MAGIC.to_vec();
        bytes.extend([0u8; 600]);
        let err = decrypt(&bytes, "x").unwrap_err();
        assert!(
            err.to_string()
                .starts_with("not a readable encrypted Office package (OLE/CFB container) file: "),
            "{err}"
        );
    }

    #[test]
    fn utf16le_encodes_passwords() {
        assert_eq!(utf16le("ab"), vec![b'a', 0, b'b', 0]);
    }
}
