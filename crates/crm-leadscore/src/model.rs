//! The three model families behind one interface.

use serde::{Deserialize, Serialize};

use crate::boosted::{BoostParams, Boosted};
use crate::error::Error;
use crate::features::Design;
use crate::forest::{Forest, ForestParams};
use crate::logistic::Logistic;

/// Which family, with its settings.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ModelSpec {
    /// Logistic regression with inverse L2 strength `c`.
    Logistic {
        /// scikit-learn's `C` (default 1.0).
        c: f64,
    },
    /// Random forest.
    Forest(ForestParams),
    /// Gradient-boosted trees.
    Boosted(BoostParams),
}

impl ModelSpec {
    /// The family's name: `logistic`, `forest` or `boosted`.
    pub fn family(&self) -> &'static str {
        match self {
            ModelSpec::Logistic { .. } => "logistic",
            ModelSpec::Forest(_) => "forest",
            ModelSpec::Boosted(_) => "boosted",
        }
    }

    /// The family's default settings, with a seed.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for an unknown family name.
    pub fn default_for(family: &str, seed: u64) -> Result<ModelSpec, Error> {
        Ok(match family {
            "logistic" => ModelSpec::Logistic { c: 1.0 },
            "forest" => ModelSpec::Forest(ForestParams { seed, ..Default::default() }),
            "boosted" => ModelSpec::Boosted(BoostParams { seed, ..Default::default() }),
            other => {
                return Err(Error::InvalidParameter {
                    name: "model",
                    reason: format!("{other:?} is not logistic, forest or boosted"),
                });
            }
        })
    }
}

/// A fitted model of any family.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Model {
    /// Logistic regression.
    Logistic(Logistic),
    /// Random forest.
    Forest(Forest),
    /// Boosted trees.
    Boosted(Box<Boosted>),
}

/// Per-row weights that give both classes the same total weight (scikit-learn's
/// `class_weight="balanced"`: `n / (2 n_class)`).
pub fn balanced_weights(y: &[bool]) -> Vec<f64> {
    let p = y.iter().filter(|v| **v).count().max(1) as f64;
    let n = (y.len() as f64 - p).max(1.0);
    let total = y.len() as f64;
    y.iter().map(|&v| if v { total / (2.0 * p) } else { total / (2.0 * n) }).collect()
}

impl Model {
    /// Trains a model; `balanced` weights the classes equally.
    ///
    /// # Errors
    /// [`Error::SingleClass`] when `y` has one class; the family's training errors.
    pub fn fit(spec: &ModelSpec, x: &Design, y: &[bool], balanced: bool) -> Result<Model, Error> {
        let pos = y.iter().filter(|v| **v).count();
        if pos == 0 || pos == y.len() {
            return Err(Error::SingleClass {
                target: "target".into(),
                subset: "the training rows".into(),
                positives: pos,
                rows: y.len(),
            });
        }
        let w = balanced.then(|| balanced_weights(y));
        Ok(match spec {
            ModelSpec::Logistic { c } => Model::Logistic(Logistic::fit(x, y, *c, w.as_deref())?),
            ModelSpec::Forest(p) => Model::Forest(Forest::fit(x, y, w.as_deref(), p)?),
            ModelSpec::Boosted(p) => Model::Boosted(Box::new(Boosted::fit(x, y, w.as_deref(), p)?)),
        })
    }

    /// P(positive) per row.
    pub fn predict(&self, x: &Design) -> Vec<f64> {
        match self {
            Model::Logistic(m) => m.predict(x),
            Model::Forest(m) => m.predict(x),
            Model::Boosted(m) => m.predict(x),
        }
    }

    /// The family.
    pub fn family(&self) -> &'static str {
        match self {
            Model::Logistic(_) => "logistic",
            Model::Forest(_) => "forest",
            Model::Boosted(_) => "boosted",
        }
    }

    /// The model's own importance per input: |coefficient| × 1 (inputs are standardised)
    /// for logistic, Gini decrease for the forest, total gain for boosting.
    pub fn importance(&self) -> Vec<f64> {
        match self {
            Model::Logistic(m) => m.coefficients.iter().map(|c| c.abs()).collect(),
            Model::Forest(m) => m.importance.clone(),
            Model::Boosted(m) => m.importance.clone(),
        }
    }
}

/// Permutation importance: the drop in ROC-AUC when one input's values are shuffled
/// (seeded), per input.
///
/// # Errors
/// As [`crate::roc_auc`].
pub fn permutation_importance(
    model: &Model,
    x: &Design,
    y: &[bool],
    seed: u64,
) -> Result<Vec<f64>, Error> {
    use rand::SeedableRng;
    use rand::seq::SliceRandom;
    let base = crate::metrics::roc_auc(y, &model.predict(x))?;
    let mut out = Vec::with_capacity(x.cols());
    for j in 0..x.cols() {
        let mut shuffled = x.clone();
        let mut col = x.column(j);
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
        rng.set_stream(j as u64);
        col.shuffle(&mut rng);
        for (i, v) in col.into_iter().enumerate() {
            shuffled.x[i * x.cols() + j] = v;
        }
        out.push(base - crate::metrics::roc_auc(y, &model.predict(&shuffled))?);
    }
    Ok(out)
}
