//! Every public type a service shares across threads is `Send + Sync`, and `Debug`.

fn assert_send_sync<T: Send + Sync + std::fmt::Debug>() {}

#[test]
fn public_types_are_send_and_sync() {
    use crm_excel::*;
    assert_send_sync::<Aliases>();
    assert_send_sync::<Cell>();
    assert_send_sync::<Dedup>();
    assert_send_sync::<DedupReport>();
    assert_send_sync::<Error>();
    assert_send_sync::<Filter>();
    assert_send_sync::<FilterReport>();
    assert_send_sync::<MergeReport>();
    assert_send_sync::<Merged>();
    assert_send_sync::<Merger>();
    assert_send_sync::<Passwords>();
    assert_send_sync::<ReaderBuilder>();
    assert_send_sync::<RepairOptions>();
    assert_send_sync::<RepairStats>();
    assert_send_sync::<Table>();
    assert_send_sync::<WriteStats>();
    assert_send_sync::<XlsxWriter>();
}

/// A reader is a cursor over one sheet, and a workbook hands its parsed sheets from one
/// reader to the next: both move to a worker thread (`Send`) and are not shared (`Sync`) by
/// design, like `csv::Reader`.
#[test]
fn a_reader_moves_to_another_thread() {
    fn assert_send<T: Send + std::fmt::Debug>() {}
    assert_send::<crm_excel::Reader>();
    assert_send::<crm_excel::Workbook>();
    let csv = "nama,plafon\nBudi,5000000\n";
    let reader =
        crm_excel::ReaderBuilder::new().from_csv_reader(std::io::Cursor::new(csv)).unwrap();
    let rows = std::thread::spawn(move || {
        let mut reader = reader;
        reader.read_all().unwrap().len()
    })
    .join()
    .unwrap();
    assert_eq!(rows, 1);
}
