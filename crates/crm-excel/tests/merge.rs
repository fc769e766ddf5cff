//! Merging the branch fixtures: alignment, provenance, rejects, accounting.

use crm_excel::{
    Aliases, Cell, Dedup, HeaderRow, Keep, Merger, SOURCE_COLUMNS, Sheets, collect_inputs,
};

use crate::util::data;

fn branch_files() -> Vec<std::path::PathBuf> {
    ["branches/leads-bekasi.xlsx", "branches/leads-bogor.csv", "branches/leads-depok.xls"]
        .map(data)
        .to_vec()
}

#[test]
fn columns_are_aligned_by_alias_in_first_seen_order() {
    let merged = Merger::new().merge(&branch_files()).unwrap();
    assert_eq!(
        merged.table.columns(),
        [
            "name",
            "phone",
            "nik",
            "plafon",
            "birth_date",
            "email",
            "aktif",
            "source_file",
            "source_sheet",
            "source_row"
        ]
    );
}

#[test]
fn user_aliases_override_the_built_ins() {
    let mut aliases = Aliases::builtin();
    aliases.insert("Plafon", "loan_limit");
    aliases.insert("Aktif", "active");
    let merged = Merger::new().aliases(aliases).merge(&branch_files()).unwrap();
    let cols = merged.table.columns();
    assert_eq!(&cols[3..7], ["loan_limit", "birth_date", "email", "active"]);
}

#[test]
fn without_aliases_headers_are_only_normalised() {
    let merged = Merger::new().aliases(Aliases::none()).merge(&branch_files()).unwrap();
    assert_eq!(&merged.table.columns()[..4], ["nama", "no_hp", "no_ktp", "plafon"]);
}

#[test]
fn every_row_is_merged_blank_or_rejected() {
    let merged = Merger::new().merge(&branch_files()).unwrap();
    let r = &merged.report;
    assert_eq!(r.sources.len(), 3);
    let bekasi = &r.sources[0];
    assert_eq!((bekasi.rows, bekasi.rejected_rows, bekasi.blank_rows), (4, 1, 0));
    assert_eq!(bekasi.header_row, Some(3));
    let bogor = &r.sources[1];
    assert_eq!((bogor.rows, bogor.rejected_rows, bogor.blank_rows), (3, 0, 1));
    let depok = &r.sources[2];
    assert_eq!((depok.rows, depok.rejected_rows), (2, 0));
    assert_eq!(merged.table.len(), 4 + 3 + 2);
    assert_eq!(r.rejects.len(), 1);
    assert_eq!(r.rejects[0].row, 9);
    assert_eq!(r.rejects[0].reason.to_string(), "values in columns without a header: H");
}

#[test]
fn missing_columns_are_reported_per_source() {
    let merged = Merger::new().merge(&branch_files()).unwrap();
    let depok = &merged.report.sources[2];
    assert_eq!(depok.missing_columns, ["nik", "email", "aktif"]);
    assert!(merged.report.sources[0].missing_columns.is_empty());
    assert_eq!(merged.report.sources[1].missing_columns, ["nik", "aktif"]);
}

#[test]
fn provenance_points_back_to_the_source_row() {
    let merged = Merger::new().merge(&branch_files()).unwrap();
    let t = &merged.table;
    let [file, sheet, row] = SOURCE_COLUMNS.map(|c| t.column_index(c).unwrap());
    let last = t.rows().last().unwrap();
    assert_eq!(last[file], Cell::from("leads-depok.xls"));
    assert_eq!(last[sheet], Cell::from("Sheet1"));
    assert_eq!(last[row], Cell::Int(3));
    let csv_row = &t.rows()[4];
    assert_eq!((csv_row[sheet].clone(), csv_row[row].clone()), (Cell::Empty, Cell::Int(2)));
}

#[test]
fn duplicates_across_branches_are_found_by_phone() {
    let merged = Merger::new().merge(&branch_files()).unwrap();
    let (t, report) = Dedup::new(Keep::MostComplete).key_auto("phone").apply(merged.table).unwrap();
    // Budi (0812-3456-7890 / +62 812 3456 7890) and Siti (81311112222 / 081311112222).
    assert_eq!(report.duplicates.len(), 2, "{report:?}");
    assert_eq!(t.len(), 7);
}

#[test]
fn all_sheets_skips_empty_extra_sheets_but_named_sheet_is_required() {
    let merged =
        Merger::new().sheets(Sheets::All).merge(&[data("branches/two-sheets.xlsx")]).unwrap();
    assert_eq!(merged.report.sources.len(), 2);
    let err = Merger::new()
        .sheets(Sheets::Named("Nope".into()))
        .merge(&[data("branches/two-sheets.xlsx")])
        .unwrap_err();
    assert!(err.to_string().contains("no sheet named \"Nope\""), "{err}");
}

#[test]
fn wrong_password_stops_the_merge_naming_the_file() {
    let mut passwords = crm_excel::Passwords::new();
    passwords.add("salah");
    let files = [data("branches/leads-depok.xls"), data("encrypted/formula__agile.xlsx")];
    let err = Merger::new().passwords(passwords).merge(&files).unwrap_err();
    assert!(err.to_string().ends_with("formula__agile.xlsx: wrong password (1 tried)"), "{err}");
}

#[test]
fn folders_expand_to_their_readable_files() {
    let files = collect_inputs(&[data("branches")]).unwrap();
    let names: Vec<String> =
        files.iter().map(|p| p.file_name().unwrap().to_string_lossy().into_owned()).collect();
    assert_eq!(
        names,
        [
            "leads-bekasi.xlsx",
            "leads-bogor.csv",
            "leads-depok.xls",
            "legacy-cp1252.csv",
            "two-sheets.xlsx"
        ]
    );
}

/// The three rows above the header that automatic detection picks are in the report.
// See: issue 13 ("every input row accounted for, and no silent guesses").
#[test]
fn r13_rows_above_the_header_are_reported() {
    let merged = Merger::new().merge(&[data("calamine/biff5_write.xls")]).unwrap();
    let source = &merged.report.sources[0];
    assert_eq!((source.header_row, source.rows_above_header, source.rows), (Some(4), 3, 0));
    assert_eq!(merged.report.rows_above_header(), 3);

    let merged = Merger::new()
        .header_row(HeaderRow::None)
        .merge(&[data("calamine/biff5_write.xls")])
        .unwrap();
    assert_eq!(
        merged.table.columns(),
        [
            "column_a",
            "column_b",
            "column_c",
            "column_d",
            "source_file",
            "source_sheet",
            "source_row"
        ]
    );
    assert_eq!(merged.table.len(), 4);
    assert_eq!(merged.report.sources[0].rows_above_header, 0);
}
