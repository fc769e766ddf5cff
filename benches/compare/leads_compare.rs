//! The Rust side of `benches/compare/leadscore.sh`: crm-leadscore on UCI Bank Marketing
//! with the reference split, printing `model <name> fit <s> auc <v> score1m <s>`.
//!
//! Usage: leads-compare BANK-FULL.csv SPLIT.csv --model logistic|forest|boosted
//!        [--min-leaf N] [--max-depth N]   (forest settings other than the defaults)
//! (loading and encoding are not timed; `score1m` scores 1,000,000 rows drawn from the test
//! rows with replacement, seed 0, through the fitted model).

use std::time::Instant;

use crm_leadscore::{Design, Encoder, FeatureSpec, Frame, Model, ModelSpec, roc_auc};

fn main() {
    if let Err(e) = run() {
        eprintln!("leads-compare: {e}");
        std::process::exit(2);
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (bank, split) = (args.first().ok_or("BANK-FULL.csv")?, args.get(1).ok_or("SPLIT.csv")?);
    let family =
        args.iter().position(|a| a == "--model").and_then(|i| args.get(i + 1)).ok_or("--model")?;
    let mut rdr = csv::ReaderBuilder::new().delimiter(b';').from_path(bank)?;
    let headers: Vec<String> = rdr.headers()?.iter().map(str::to_string).collect();
    let rows: Vec<Vec<String>> = rdr
        .records()
        .map(|r| r.map(|r| r.iter().map(str::to_string).collect()))
        .collect::<Result<_, _>>()?;
    let is_test: Vec<bool> =
        std::fs::read_to_string(split)?.lines().skip(1).map(|l| l == "test").collect();
    let (frame, _) = Frame::from_text(&headers, &rows, &[]);
    let y: Vec<bool> =
        frame.target("y", Some("yes"))?.into_iter().map(|v| v.unwrap_or(false)).collect();
    let train: Vec<usize> = (0..rows.len()).filter(|&i| !is_test[i]).collect();
    let test: Vec<usize> = (0..rows.len()).filter(|&i| is_test[i]).collect();
    let spec = FeatureSpec {
        exclude: vec!["y".into()],
        leakage: vec!["duration".into()],
        min_level_count: 1,
        ..Default::default()
    };
    let enc = Encoder::fit(&frame.select(&train), &spec)?;
    let x = enc.transform(&frame)?;
    let (xtr, xte) = (x.select(&train), x.select(&test));
    let ytr: Vec<bool> = train.iter().map(|&i| y[i]).collect();
    let yte: Vec<bool> = test.iter().map(|&i| y[i]).collect();
    let mut spec = ModelSpec::default_for(family, 42)?;
    let flag = |name: &str| -> Option<usize> {
        args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)?.parse().ok())
    };
    if let ModelSpec::Forest(p) = &mut spec {
        if let Some(v) = flag("--min-leaf") {
            p.min_samples_leaf = v;
        }
        if let Some(v) = flag("--max-depth") {
            p.max_depth = Some(v);
        }
    }
    let t = Instant::now();
    let model = Model::fit(&spec, &xtr, &ytr, false)?;
    let fit = t.elapsed().as_secs_f64();
    let auc = roc_auc(&yte, &model.predict(&xte))?;
    // 1,000,000 leads: test rows drawn with replacement (SplitMix64, seed 0).
    let mut s = 0u64;
    let mut pick = Vec::with_capacity(1_000_000);
    for _ in 0..1_000_000 {
        s = s.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = s;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        pick.push(((z ^ (z >> 31)) % xte.rows as u64) as usize);
    }
    let big: Design = xte.select(&pick);
    let t = Instant::now();
    let p = model.predict(&big);
    let score = t.elapsed().as_secs_f64();
    assert_eq!(p.len(), 1_000_000);
    println!("model {family} fit {fit:.4} auc {auc:.6} score1m {score:.4}");
    Ok(())
}
