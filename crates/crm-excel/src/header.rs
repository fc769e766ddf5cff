//! Column names: normalisation and the aliases that align branch files' headers.

use std::collections::HashMap;
use std::io::Read;
use std::path::Path;

use crate::error::{Error, ErrorKind, Result};

/// Normalises a header for matching: crm-core's one rule
/// ([`crm_core::normalize_header`]), here for the aliases.
///
/// ```
/// use crm_excel::normalize_header;
/// assert_eq!(normalize_header("  No. HP "), "no_hp");
/// assert_eq!(normalize_header("NO_HP"), "no_hp");
/// assert_eq!(normalize_header("Tgl-Lahir"), "tgl_lahir");
/// ```
pub fn normalize_header(header: &str) -> String {
    crm_core::normalize_header(header)
}

/// The column names for an error message, joined by `, `. A header row can be a data row in
/// disguise (an export without headers), so a name that looks like personal data (six or
/// more digits: a phone number, a NIK; or an `@`: an e-mail) is masked with crm-core's one
/// rule ([`crm_core::mask`]).
///
/// ```
/// use crm_excel::column_list;
/// assert_eq!(
///     column_list(&["nik", "3201014101900001", "081234567890", "budi@mail.id", "no_hp"]),
///     "nik, 3201********0001, 08********90, b***@mail.id, no_hp"
/// );
/// ```
pub fn column_list<S: AsRef<str>>(headers: &[S]) -> String {
    crm_core::column_list(headers)
}

/// The column names, each masked when it looks like personal data (see [`column_list`]).
pub(crate) fn masked_columns<S: AsRef<str>>(headers: &[S]) -> Vec<String> {
    headers.iter().map(|h| crm_core::mask_if_personal(h.as_ref()).into_owned()).collect()
}

/// The built-in aliases: common Indonesian and English CRM headers, already normalised,
/// mapped to one canonical column name.
const BUILTIN: &[(&str, &[&str])] = &[
    (
        "phone",
        &[
            "no_hp",
            "nohp",
            "no_handphone",
            "nomor_hp",
            "nomor_handphone",
            "handphone",
            "hp",
            "no_telp",
            "no_telepon",
            "nomor_telepon",
            "telepon",
            "telp",
            "phone_number",
            "mobile",
            "mobile_phone",
            "no_wa",
            "nomor_wa",
            "whatsapp",
        ],
    ),
    ("nik", &["no_ktp", "nomor_ktp", "ktp", "nik_ktp", "no_nik", "nomor_induk_kependudukan"]),
    ("kk", &["no_kk", "nomor_kk", "kartu_keluarga", "no_kartu_keluarga"]),
    (
        "name",
        &[
            "nama",
            "nama_lengkap",
            "nama_customer",
            "nama_konsumen",
            "nama_nasabah",
            "nama_pelanggan",
            "customer_name",
            "full_name",
        ],
    ),
    ("email", &["e_mail", "alamat_email", "surel"]),
    ("branch", &["cabang", "nama_cabang", "branch_name", "kantor_cabang"]),
    ("area", &["wilayah", "region"]),
    ("address", &["alamat", "alamat_lengkap"]),
    ("birth_date", &["tanggal_lahir", "tgl_lahir", "dob", "date_of_birth"]),
    ("birthplace", &["tempat_lahir", "place_of_birth"]),
    ("gender", &["jenis_kelamin", "jk", "sex", "kelamin"]),
    ("city", &["kota", "kabupaten_kota"]),
    ("product", &["produk", "jenis_produk"]),
    ("source", &["sumber", "sumber_leads", "lead_source"]),
    ("date", &["tanggal", "tgl"]),
];

/// A map from header spellings to canonical column names.
///
/// Lookups normalise the header first (see [`normalize_header`]), so `No HP`, `NO_HP` and
/// `no.hp` are one alias.
/// A header with no alias resolves to its normalised form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Aliases {
    map: HashMap<String, String>,
}

impl Default for Aliases {
    /// The built-in aliases.
    fn default() -> Aliases {
        Aliases::builtin()
    }
}

impl Aliases {
    /// No aliases: headers resolve to their normalised form only.
    pub fn none() -> Aliases {
        Aliases { map: HashMap::new() }
    }

    /// The built-in Indonesian CRM aliases, for example `No HP`, `Handphone` → `phone`,
    /// `No KTP` → `nik`, `Nama` → `name`, `Cabang` → `branch`, `Tgl Lahir` → `birth_date`.
    pub fn builtin() -> Aliases {
        let mut map = HashMap::new();
        for (canonical, aliases) in BUILTIN {
            for alias in *aliases {
                map.insert((*alias).to_owned(), (*canonical).to_owned());
            }
        }
        Aliases { map }
    }

    /// Adds (or replaces) one alias; both sides are normalised.
    pub fn insert(&mut self, alias: &str, column: &str) {
        self.map.insert(normalize_header(alias), normalize_header(column));
    }

    /// Adds the aliases of a CSV file with the header `alias,column`.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidConfig`] when the header is wrong or a line has an empty side,
    /// naming the line; I/O and CSV errors otherwise.
    pub fn extend_from_csv<R: Read>(&mut self, rdr: R) -> Result<()> {
        let invalid =
            |reason: String| -> Error { ErrorKind::InvalidConfig { what: "alias", reason }.into() };
        let mut csv = csv::ReaderBuilder::new().trim(csv::Trim::All).from_reader(rdr);
        let headers = csv.headers()?.clone();
        let pos = |name: &str| headers.iter().position(|h| normalize_header(h) == name);
        let (Some(a), Some(c)) = (pos("alias"), pos("column")) else {
            return Err(invalid("expected the header `alias,column`".into()));
        };
        for record in csv.records() {
            let record = record?;
            let line = record.position().map_or(0, |p| p.line());
            let alias = record.get(a).unwrap_or("");
            let column = record.get(c).unwrap_or("");
            if normalize_header(alias).is_empty() || normalize_header(column).is_empty() {
                return Err(invalid(format!("line {line}: empty alias or column")));
            }
            self.insert(alias, column);
        }
        Ok(())
    }

    /// The built-in aliases plus those of a CSV file (see [`Aliases::extend_from_csv`]);
    /// the file's entries win.
    ///
    /// # Errors
    /// As [`Aliases::extend_from_csv`], with the file named.
    pub fn builtin_and_file(path: impl AsRef<Path>) -> Result<Aliases> {
        let path = path.as_ref();
        let mut aliases = Aliases::builtin();
        let file = std::fs::File::open(path).map_err(|e| Error::from(e).in_file(path))?;
        aliases.extend_from_csv(file).map_err(|e| e.in_file(path))?;
        Ok(aliases)
    }

    /// The canonical column name for a header.
    ///
    /// ```
    /// use crm_excel::Aliases;
    /// let aliases = Aliases::builtin();
    /// assert_eq!(aliases.resolve("No HP"), "phone");
    /// assert_eq!(aliases.resolve("Nama Lengkap"), "name");
    /// assert_eq!(aliases.resolve("Plafon Kredit"), "plafon_kredit");
    /// ```
    pub fn resolve(&self, header: &str) -> String {
        let normalized = normalize_header(header);
        match self.map.get(&normalized) {
            Some(canonical) => canonical.clone(),
            None => normalized,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    macro_rules! resolves {
        ($name:ident, $header:expr, $column:expr) => {
            #[test]
            fn $name() {
                assert_eq!(Aliases::builtin().resolve($header), $column);
            }
        };
    }

    resolves!(no_hp, "No HP", "phone");
    resolves!(no_hp_underscore, "NO_HP", "phone");
    resolves!(handphone, "Handphone", "phone");
    resolves!(no_ktp, "No. KTP", "nik");
    resolves!(nama, "NAMA", "name");
    resolves!(cabang, "Cabang", "branch");
    resolves!(tgl_lahir, "Tgl Lahir", "birth_date");
    resolves!(unknown_is_normalized, "Plafon (Rp)", "plafon_rp");
    resolves!(canonical_is_itself, "phone", "phone");

    #[test]
    fn normalize_collapses_separators() {
        assert_eq!(normalize_header("__a  --  b__"), "a_b");
        assert_eq!(normalize_header("***"), "");
    }

    #[test]
    fn user_aliases_override_builtin() {
        let mut aliases = Aliases::builtin();
        aliases
            .extend_from_csv("alias,column\nHP,mobile_phone\nKode Cab,branch_code\n".as_bytes())
            .unwrap();
        assert_eq!(aliases.resolve("hp"), "mobile_phone");
        assert_eq!(aliases.resolve("KODE CAB"), "branch_code");
        assert_eq!(aliases.resolve("No HP"), "phone");
    }

    #[test]
    fn alias_file_needs_its_header() {
        let err = Aliases::none().extend_from_csv("from,to\na,b\n".as_bytes()).unwrap_err();
        assert_eq!(err.to_string(), "invalid alias file: expected the header `alias,column`");
    }

    #[test]
    fn alias_file_rejects_empty_sides() {
        let err = Aliases::none().extend_from_csv("alias,column\na,\n".as_bytes()).unwrap_err();
        assert_eq!(err.to_string(), "invalid alias file: line 2: empty alias or column");
    }
}
