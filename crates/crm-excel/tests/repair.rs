//! Properties of the delimited-text repair.

use crm_excel::{LineJoin, RepairEvent, RepairOptions, Repairer, repair_to_csv};
use proptest::prelude::*;

const COLUMNS: usize = 5;

/// Repairs `text` and returns the records (fields) and the rejected line ranges.
fn repair(
    text: &[u8],
    options: RepairOptions,
) -> (Vec<Vec<String>>, Vec<(u64, u64)>, crm_excel::RepairStats) {
    let mut r = Repairer::new(text, options);
    let mut records = Vec::new();
    let mut rejects = Vec::new();
    while let Some(event) = r.next_event().unwrap() {
        match event {
            RepairEvent::Header(_) => {}
            RepairEvent::Record(rec) => records.push(rec.iter().map(str::to_owned).collect()),
            RepairEvent::Reject(rej) => rejects.push((rej.first_line, rej.last_line)),
        }
    }
    (records, rejects, r.stats().clone())
}

/// Records of plain field text (no delimiter, quote or line break).
fn records() -> impl Strategy<Value = Vec<Vec<String>>> {
    prop::collection::vec(prop::collection::vec("[a-zA-Z0-9 .,éü]{0,8}", COLUMNS), 1..40)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Breaking records at any point before their last delimiter, and re-joining without a
    /// separator, gives back exactly the original records.
    #[test]
    fn broken_file_repairs_to_the_original_records(
        recs in records(),
        breaks in prop::collection::vec((any::<prop::sample::Index>(), any::<bool>()), 40),
    ) {
        let mut text = String::new();
        for (rec, (at, broken)) in recs.iter().zip(&breaks) {
            let line = rec.join("|");
            let last_delim = line.rfind('|').unwrap();
            if *broken && last_delim > 0 {
                // Any char boundary up to and including the last delimiter.
                let cuts: Vec<usize> = line.char_indices().map(|(i, _)| i).filter(|&i| i > 0 && i <= last_delim).collect();
                if !cuts.is_empty() {
                    let cut = cuts[at.index(cuts.len())];
                    text.push_str(&line[..cut]);
                    text.push('\n');
                    text.push_str(&line[cut..]);
                    text.push('\n');
                    continue;
                }
            }
            text.push_str(&line);
            text.push('\n');
        }
        let options = RepairOptions::new(COLUMNS).has_header(false).quote(None).join(LineJoin::Nothing);
        let (out, rejects, stats) = repair(text.as_bytes(), options);
        // A record whose first field is empty and that was broken before its first delimiter
        // starts with an empty line, which is a blank line between records: its content is
        // unchanged either way.
        prop_assert_eq!(out, recs);
        prop_assert!(rejects.is_empty());
        prop_assert_eq!(stats.header_lines + stats.intact + stats.repaired_lines + stats.rejected_lines + stats.blank_lines, stats.lines);
    }

    /// Any input: no panic, and every line is in a record, a reject or the blank count.
    #[test]
    fn every_line_is_accounted_for(bytes in prop::collection::vec(
        prop_oneof![Just(b'|'), Just(b'\n'), Just(b'"'), Just(b'\r'), any::<u8>()], 0..400),
        header in any::<bool>(),
        quotes in any::<bool>(),
        join in prop_oneof![Just(LineJoin::Space), Just(LineJoin::Nothing), Just(LineJoin::Newline)],
    ) {
        let options =
            RepairOptions::new(3).has_header(header).quote(quotes.then_some(b'"')).join(join).max_record_bytes(64);
        let mut r = Repairer::new(&bytes[..], options);
        let mut good_lines = 0;
        loop {
            match r.next_event() {
                Ok(Some(RepairEvent::Record(rec))) => {
                    prop_assert_eq!(rec.len(), 3);
                    good_lines += rec.last_line() - rec.first_line() + 1;
                }
                Ok(Some(_)) => {}
                Ok(None) => break,
                // A header of the wrong width is an error; nothing else is.
                Err(e) => {
                    prop_assert!(header, "{}", e);
                    return Ok(());
                }
            }
        }
        let s = r.stats();
        prop_assert_eq!(good_lines, s.intact + s.repaired_lines);
        prop_assert_eq!(s.header_lines + s.intact + s.repaired_lines + s.rejected_lines + s.blank_lines, s.lines);
    }

    /// The CSV output parses back to the same records.
    #[test]
    fn csv_output_parses_back(recs in records()) {
        let text: String = recs.iter().map(|r| r.join("|") + "\n").collect();
        let mut out = Vec::new();
        repair_to_csv(text.as_bytes(), RepairOptions::new(COLUMNS).has_header(false), &mut out, std::io::sink()).unwrap();
        let mut csv = csv::ReaderBuilder::new().has_headers(false).from_reader(&out[..]);
        let back: Vec<Vec<String>> = csv.records().map(|r| r.unwrap().iter().map(str::to_owned).collect()).collect();
        prop_assert_eq!(back, recs);
    }
}

#[test]
fn quoted_fields_with_delimiters_and_line_breaks() {
    let text = "id|address|city\n1|\"Jl. A | B\nNo. 1\"|Bekasi\n2|\"say \"\"hi\"\"\"|Bogor\n";
    let (out, rejects, stats) =
        repair(text.as_bytes(), RepairOptions::new(3).join(LineJoin::Newline));
    assert_eq!(out, [vec!["1", "Jl. A | B\nNo. 1", "Bekasi"], vec!["2", "say \"hi\"", "Bogor"]]);
    assert!(rejects.is_empty());
    assert_eq!((stats.intact, stats.repaired), (1, 1));
}
