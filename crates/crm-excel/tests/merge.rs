//! Merging the branch fixtures: alignment, provenance, rejects, accounting.

use std::path::Path;

use crm_excel::{
    Aliases, Cell, Dedup, ErrorKind, HeaderRow, Input, Keep, Merger, Origin, Passwords,
    SOURCE_COLUMNS, SheetSelector, Sheets, Table, Workbook, XlsxWriter, collect_inputs,
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
    // The provenance columns say where both rows of each duplicate are.
    let budi = &report.duplicates[0];
    let at = |source: &str, sheet: Option<&str>, row| {
        Some(Origin { source: source.into(), sheet: sheet.map(String::from), row })
    };
    assert_eq!(budi.dropped, at("leads-bogor.csv", None, 3));
    assert_eq!(budi.kept, at("leads-bekasi.xlsx", Some("Leads"), 4));
}

/// A workbook of a `Leads` sheet between two sheets with no cell at all, as Excel's blank
/// `Sheet2` and `Sheet3` are.
fn leads_with_empty_sheets(path: &Path) {
    let mut xlsx = XlsxWriter::new();
    xlsx.begin_sheet("Sheet2", &[]).unwrap();
    xlsx.begin_sheet("Leads", &["Nama".into(), "No HP".into()]).unwrap();
    xlsx.write_row(&[Cell::from("Budi"), Cell::from("081234567890")]).unwrap();
    xlsx.write_row(&[Cell::from("Siti"), Cell::from("081311112222")]).unwrap();
    xlsx.begin_sheet("Sheet3", &[]).unwrap();
    xlsx.save(path).unwrap();
}

#[test]
fn all_sheets_skips_empty_extra_sheets_but_named_sheet_is_required() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("leads.xlsx");
    leads_with_empty_sheets(&path);
    // The two extra sheets really are empty, and really are there.
    let mut book = Workbook::open(&path, &Passwords::new()).unwrap();
    assert_eq!(book.sheet_names(), ["Sheet2", "Leads", "Sheet3"]);
    for empty in ["Sheet2", "Sheet3"] {
        let mut sheet = book.sheet(&SheetSelector::Name(empty.into()), HeaderRow::None).unwrap();
        assert!(sheet.read_all().unwrap().is_empty(), "{empty}");
    }

    // Every sheet: the empty ones are skipped, and the report lists only the sheet read.
    let merged = Merger::new().sheets(Sheets::All).merge(std::slice::from_ref(&path)).unwrap();
    let sources: Vec<(Option<&str>, usize)> =
        merged.report.sources.iter().map(|s| (s.sheet.as_deref(), s.rows)).collect();
    assert_eq!(sources, [(Some("Leads"), 2)]);
    assert_eq!(merged.table.len(), 2);
    let sheet = merged.table.column_index("source_sheet").unwrap();
    assert!(merged.table.rows().iter().all(|row| row[sheet] == Cell::from("Leads")));

    // A sheet the user names, or the first sheet by default, must have a header.
    for sheets in [Sheets::Named("Sheet3".into()), Sheets::First] {
        let err =
            Merger::new().sheets(sheets.clone()).merge(std::slice::from_ref(&path)).unwrap_err();
        assert!(matches!(err.kind(), ErrorKind::NoHeader { scanned: 0 }), "{sheets:?}: {err}");
    }
    let err = Merger::new()
        .sheets(Sheets::Named("Nope".into()))
        .merge(&[data("branches/two-sheets.xlsx")])
        .unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::SheetNotFound { .. }), "{err}");
    let file = err.position().and_then(|p| p.file.clone());
    assert_eq!(file, Some(data("branches/two-sheets.xlsx")));
    assert!(
        err.to_string()
            .ends_with("two-sheets.xlsx: no sheet named \"Nope\" (sheets: Ringkasan, Leads)"),
        "the error names the workbook without the sheet: {err}"
    );
}

/// Without a header row, python-calamine's `base.xlsb`, whose `Sheet2` and `Merged Cells`
/// sheets hold no cell, is read sheet by sheet, and the empty sheets are reported as sources
/// of no rows rather than skipped.
#[test]
fn all_sheets_without_header_reports_empty_sheets_as_sources_of_no_rows() {
    let merged = Merger::new()
        .sheets(Sheets::All)
        .header_row(HeaderRow::None)
        .merge(&[data("peers/base.xlsb")])
        .unwrap();
    let sources: Vec<(Option<&str>, usize)> =
        merged.report.sources.iter().map(|s| (s.sheet.as_deref(), s.rows)).collect();
    assert_eq!(
        sources,
        [(Some("Sheet1"), 1), (Some("Sheet2"), 0), (Some("Sheet3"), 3), (Some("Merged Cells"), 0)]
    );
    assert_eq!(merged.table.len(), 4);
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
fn folders_expand_to_their_readable_files_named_by_the_folder() {
    let inputs = collect_inputs(&[data("branches")]).unwrap();
    let names: Vec<&str> = inputs.iter().map(|i| i.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "branches/leads-bekasi.xlsx",
            "branches/leads-bogor.csv",
            "branches/leads-depok.xls",
            "branches/legacy-cp1252.csv",
            "branches/two-sheets.xlsx"
        ]
    );
    assert_eq!(inputs[0].path, data("branches/leads-bekasi.xlsx"));
    let file = collect_inputs(&[data("branches/leads-depok.xls")]).unwrap();
    assert_eq!(file, [Input::new(data("branches/leads-depok.xls"))]);
    assert_eq!(file[0].name, "leads-depok.xls");
}

/// A workbook of leads `Lead {prefix}{i}` with the phone `phone(i)` for each `i`.
fn leads(path: &Path, prefix: &str, ids: std::ops::Range<u32>, phone: fn(u32) -> String) {
    let mut table = Table::new(vec!["Nama".into(), "No HP".into()]);
    for i in ids {
        table
            .push_row(vec![Cell::String(format!("Lead {prefix}{i}")), Cell::String(phone(i))])
            .unwrap();
    }
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let mut xlsx = XlsxWriter::new();
    xlsx.write_table("Leads", &table).unwrap();
    xlsx.save(path).unwrap();
}

/// Two branches each send a `leads.xlsx`: 30 rows from Jakarta, 50 from Bandung, 10 of
/// Bandung's phones (written `+62...`) repeating Jakarta's. The two sources keep their own
/// names, the 10 duplicates are charged to Bandung only, and the kept rows are the table.
// See: issue 13 ("every input row accounted for, and no silent guesses").
#[test]
fn r13_sources_of_one_file_name_are_told_apart_and_counted_apart() {
    let dir = tempfile::tempdir().unwrap();
    let (jakarta, bandung) = (dir.path().join("jakarta"), dir.path().join("bandung"));
    leads(&jakarta.join("leads.xlsx"), "J", 0..30, |i| format!("0812{i:08}"));
    leads(&bandung.join("leads.xlsx"), "B", 20..70, |i| format!("+62812{i:08}"));
    let inputs = collect_inputs(&[&jakarta, &bandung]).unwrap();
    let names: Vec<&str> = inputs.iter().map(|i| i.name.as_str()).collect();
    assert_eq!(names, ["jakarta/leads.xlsx", "bandung/leads.xlsx"]);

    let merged = Merger::new()
        .dedup(Dedup::new(Keep::First).key_auto("phone"))
        .merge_inputs(&inputs)
        .unwrap();
    let r = &merged.report;
    let counts: Vec<(&str, usize, usize, usize)> = r
        .sources
        .iter()
        .map(|s| (s.name.as_str(), s.rows, s.duplicates_removed, s.rows_kept))
        .collect();
    assert_eq!(counts, [("jakarta/leads.xlsx", 30, 0, 30), ("bandung/leads.xlsx", 50, 10, 40)]);
    assert_eq!((r.rows_kept(), r.duplicates_removed()), (70, 10));
    assert_eq!(merged.table.len(), r.rows_kept());

    let file = merged.table.column_index("source_file").unwrap();
    let from_bandung =
        merged.table.rows().iter().filter(|row| row[file] == Cell::from("bandung/leads.xlsx"));
    assert_eq!(from_bandung.count(), 40);

    // Bandung's 20 is its 1st data row (sheet row 2), a repeat of Jakarta's 21st (row 22).
    let first = &r.dedup.duplicates[0];
    let at = |source: &str, row| {
        Some(Origin { source: source.into(), sheet: Some("Leads".into()), row })
    };
    assert_eq!(first.dropped, at("bandung/leads.xlsx", 2));
    assert_eq!(first.kept, at("jakarta/leads.xlsx", 22));
    assert!(
        r.dedup
            .duplicates
            .iter()
            .all(|d| d.dropped.as_ref().unwrap().source == "bandung/leads.xlsx")
    );
}

#[test]
fn names_that_repeat_become_the_path_as_given_then_get_a_number() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("2025/jakarta"), dir.path().join("2026/jakarta"));
    leads(&a.join("leads.xlsx"), "A", 0..1, |i| format!("0812{i:08}"));
    leads(&b.join("leads.xlsx"), "B", 0..1, |i| format!("0813{i:08}"));
    let inputs = collect_inputs(&[&a, &b]).unwrap();
    assert_eq!(inputs[0].name, a.join("leads.xlsx").display().to_string());
    assert_eq!(inputs[1].name, b.join("leads.xlsx").display().to_string());

    let twice = collect_inputs(&[a.join("leads.xlsx"), a.join("leads.xlsx")]).unwrap();
    let given = a.join("leads.xlsx").display().to_string();
    assert_eq!(twice[0].name, given);
    assert_eq!(twice[1].name, format!("{given} (2)"));
    let merged = Merger::new().merge(&[a.join("leads.xlsx"), b.join("leads.xlsx")]).unwrap();
    assert_ne!(merged.report.sources[0].name, merged.report.sources[1].name);

    let same = [Input::new(a.join("leads.xlsx")), Input::new(b.join("leads.xlsx"))];
    let err = Merger::new().merge_inputs(&same).unwrap_err();
    assert_eq!(err.to_string(), "invalid inputs: two inputs are named \"leads.xlsx\"");
}

/// Each source's rows are blank, rejected, filtered out, dropped or kept, and nothing else;
/// with or without provenance columns.
#[test]
fn filters_and_duplicates_are_charged_to_the_source_of_each_row() {
    for provenance in [true, false] {
        let merged = Merger::new()
            .provenance(provenance)
            .normalize_phone("phone")
            .filter("plafon >= 4000000".parse().unwrap())
            .dedup(Dedup::new(Keep::MostComplete).key_auto("phone"))
            .merge(&branch_files())
            .unwrap();
        let r = &merged.report;
        let per_source: Vec<(usize, usize, usize)> =
            r.sources.iter().map(|s| (s.filtered_out, s.duplicates_removed, s.rows_kept)).collect();
        // Bogor's André (3,000,000) fails the filter; Bekasi's Budi and Siti are kept, more
        // complete than Bogor's Budi (no e-mail) and Depok's Siti (no NIK, no e-mail), which
        // are charged to Bogor and Depok.
        assert_eq!(per_source, [(0, 0, 4), (1, 1, 1), (0, 1, 1)], "provenance {provenance}");
        for s in &r.sources {
            assert_eq!(s.rows, s.filtered_out + s.duplicates_removed + s.rows_kept);
        }
        assert_eq!(r.rows_kept(), merged.table.len());
        assert_eq!(r.phones_normalized, 7);
        assert!(r.dedup.duplicates.iter().all(|d| d.dropped.is_some() && d.kept.is_some()));
    }
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
