//! The Rust sides of `benches/compare/kmeans.sh`: crm-kmeans and linfa-clustering 0.8 on
//! the same CSV, timed in-process (loading not timed), printing one parseable line.
//!
//! Usage:
//!   kmeans-compare fit IN.csv --k K --n-init N --seed S         crm-kmeans (Auto: Hamerly)
//!   kmeans-compare lloyd IN.csv --k K --n-init N --seed S       crm-kmeans, Lloyd forced
//!   kmeans-compare linfa IN.csv --k K --n-init N --seed S       linfa-clustering KMeans
//!   kmeans-compare silhouette IN.csv --k K --sample M --seed S  fit with --n-init (not timed), then the
//!                                                              sampled silhouette (timed)
//! Output: `fit <seconds> inertia <sum> n_iter <n>` or `silhouette <seconds> value <v>`.

use std::time::Instant;

use crm_kmeans::{Algorithm, KMeans, silhouette_sampled};
use linfa::traits::{Fit, Predict};
use ndarray::Array2;

fn main() {
    if let Err(e) = try_main() {
        eprintln!("kmeans-compare: {e}");
        std::process::exit(2);
    }
}

fn load(path: &str) -> Result<Array2<f64>, Box<dyn std::error::Error>> {
    let mut rdr = csv::Reader::from_path(path)?;
    let d = rdr.headers()?.len();
    let mut v = Vec::new();
    for r in rdr.records() {
        for f in r?.iter() {
            v.push(f.parse::<f64>()?);
        }
    }
    Ok(Array2::from_shape_vec((v.len() / d, d), v)?)
}

fn try_main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mode = args.first().ok_or("missing mode (see the file header)")?.clone();
    let path = args.get(1).ok_or("missing IN.csv")?.clone();
    let opt = |name: &str, default: u64| -> Result<u64, Box<dyn std::error::Error>> {
        match args.iter().position(|a| a == name) {
            Some(i) => Ok(args.get(i + 1).ok_or("missing value")?.parse()?),
            None => Ok(default),
        }
    };
    let (k, n_init, seed) =
        (opt("--k", 8)? as usize, opt("--n-init", 10)? as usize, opt("--seed", 0)?);
    let x = load(&path)?;
    match mode.as_str() {
        "fit" | "lloyd" => {
            let algorithm = if mode == "fit" { Algorithm::Auto } else { Algorithm::Lloyd };
            let params = KMeans::params(k).n_runs(n_init).seed(seed).algorithm(algorithm);
            let t = Instant::now();
            let fit = params.fit(x.view())?;
            let secs = t.elapsed().as_secs_f64();
            println!("fit {secs:.4} inertia {} n_iter {}", fit.inertia, fit.n_iter);
        }
        "linfa" => {
            use rand_xoshiro::Xoshiro256Plus;
            use rand_xoshiro::rand_core::SeedableRng;
            let dataset = linfa::DatasetBase::from(x.clone());
            let rng = Xoshiro256Plus::seed_from_u64(seed);
            let t = Instant::now();
            let model = linfa_clustering::KMeans::params_with_rng(k, rng)
                .n_runs(n_init)
                .tolerance(1e-4)
                .max_n_iterations(300)
                .fit(&dataset)?;
            let secs = t.elapsed().as_secs_f64();
            // Inertia as a sum, from the model's own assignment.
            let labels: ndarray::Array1<usize> = model.predict(&x);
            let c = model.centroids();
            let inertia: f64 = x
                .rows()
                .into_iter()
                .zip(labels.iter())
                .map(|(r, &l)| r.iter().zip(c.row(l)).map(|(a, b)| (a - b) * (a - b)).sum::<f64>())
                .sum();
            println!("fit {secs:.4} inertia {inertia} n_iter n/a");
        }
        "silhouette" => {
            let sample = opt("--sample", 10_000)? as usize;
            let fit = KMeans::params(k).n_runs(n_init).seed(seed).fit(x.view())?;
            let t = Instant::now();
            let v = silhouette_sampled(x.view(), &fit.labels, sample, seed)?;
            println!("silhouette {:.4} value {v}", t.elapsed().as_secs_f64());
        }
        other => return Err(format!("unknown mode {other:?}").into()),
    }
    Ok(())
}
