//! Models saved by crm-leadscore 0.1.0 (before the API changes of issue 13) still load and
//! score new leads exactly as they did when they were saved.
//!
//! `data/saved/` holds two pipelines written by `LeadModel::to_json` at commit 468f6e4:
//! `two_stage.json` (Stage 1 a random forest of 8 trees, Stage 2 boosted trees of 12
//! rounds, over datetime, categorical, numeric and yes/no inputs) and `logistic.json` (one
//! logistic stage); `leads.csv` holds 40 new leads as text and `scores.csv` what that
//! version's `LeadModel::score` gave for them (floats as Rust's `{:?}`, the shortest text
//! that reads back to the same f64).

use crm_leadscore::{Frame, LeadModel};

const SAVED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/saved/");

fn read(name: &str) -> String {
    std::fs::read_to_string(format!("{SAVED}{name}")).unwrap()
}

/// The header and rows of a small comma-separated file without quoting.
fn table(name: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let text = read(name);
    let mut lines = text.lines().map(|l| l.split(',').map(String::from).collect::<Vec<_>>());
    let header = lines.next().unwrap();
    let rows: Vec<Vec<String>> = lines.collect();
    assert!(rows.iter().all(|r| r.len() == header.len()), "{name}");
    (header, rows)
}

#[test]
fn models_saved_by_0_1_0_score_as_they_did() {
    let (headers, leads) = table("leads.csv");
    let (score_headers, scores) = table("scores.csv");
    assert_eq!(leads.len(), 40);
    assert_eq!(scores.len(), leads.len());
    let col = |name: &str| score_headers.iter().position(|h| h == name).unwrap();
    let floats =
        |name: &str| -> Vec<f64> { scores.iter().map(|r| r[col(name)].parse().unwrap()).collect() };
    let ints = |name: &str| -> Vec<usize> {
        scores.iter().map(|r| r[col(name)].parse().unwrap()).collect()
    };
    let tiers = |name: &str| -> Vec<char> {
        scores.iter().map(|r| r[col(name)].chars().next().unwrap()).collect()
    };
    for (file, prefix, stages) in
        [("two_stage.json", "two_stage", 2), ("logistic.json", "logistic", 1)]
    {
        let model = LeadModel::from_json(&read(file)).unwrap();
        assert_eq!(model.stages.len(), stages, "{file}");
        let (frame, problems) = Frame::from_text(&headers, &leads, &model.input_types());
        assert!(problems.is_empty(), "{file}: {problems:?}");
        let scored = model.score(&frame).unwrap();
        // Equal, not close: the same model and inputs give the same floats.
        assert_eq!(scored.score, floats(&format!("{prefix}_score")), "{file}");
        assert_eq!(scored.decile, ints(&format!("{prefix}_decile")), "{file}");
        assert_eq!(scored.tier, tiers(&format!("{prefix}_tier")), "{file}");
        if stages == 2 {
            assert_eq!(scored.stages[0], floats("two_stage_contact"), "{file}");
            assert_eq!(scored.stages[1], floats("two_stage_booking"), "{file}");
        }
        // Saved again, it reads back to the same pipeline.
        assert_eq!(LeadModel::from_json(&model.to_json()).unwrap(), model, "{file}");
    }
}
