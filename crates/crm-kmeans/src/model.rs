//! Saved models: preprocessing + centroids + names + feature names, as JSON.

use ndarray::{Array2, ArrayView2};
use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::scale::Scaler;

/// The model file format this crate writes and reads.
pub const MODEL_FORMAT: u32 = 1;

/// A fitted clustering that assigns new customers: feature names and order, the fitted
/// preprocessing, centroids in the scaled space (ranked: cluster 0 is the most valuable),
/// and cluster names.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Model {
    /// [`MODEL_FORMAT`] of the writer.
    pub format: u32,
    /// The version of crm-kmeans that wrote it.
    pub crate_version: String,
    /// The features, in the order data must have.
    pub features: Vec<String>,
    /// The preprocessing.
    pub scaler: Scaler,
    /// One centroid per cluster, in the scaled space.
    pub centroids: Vec<Vec<f64>>,
    /// One name per cluster.
    pub names: Vec<String>,
    /// Inertia of the fit (scaled space).
    pub inertia: f64,
}

impl Model {
    /// Number of clusters.
    pub fn k(&self) -> usize {
        self.centroids.len()
    }

    /// The model as pretty JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a model always serialises")
    }

    /// Reads a model written by [`to_json`](Self::to_json).
    ///
    /// # Errors
    /// [`Error::Model`] for malformed JSON, another format, or inconsistent shapes.
    pub fn from_json(text: &str) -> Result<Model, Error> {
        let m: Model = serde_json::from_str(text).map_err(|e| Error::Model(e.to_string()))?;
        if m.format != MODEL_FORMAT {
            return Err(Error::Model(format!(
                "format {} is not supported (this version reads {MODEL_FORMAT})",
                m.format
            )));
        }
        let d = m.features.len();
        let ok = d > 0
            && !m.centroids.is_empty()
            && m.centroids.iter().all(|c| c.len() == d)
            && m.names.len() == m.centroids.len()
            && m.scaler.center.len() == d
            && m.scaler.scale.len() == d
            && m.scaler.scale.iter().all(|s| *s != 0.0 && s.is_finite());
        if !ok {
            return Err(Error::Model(
                "inconsistent shapes (features, centroids, names, scaler)".into(),
            ));
        }
        Ok(m)
    }

    /// The centroids in original units (preprocessing undone).
    pub fn centroids_original(&self) -> Array2<f64> {
        self.scaler.inverse(self.scaled_centroids().view())
    }

    fn scaled_centroids(&self) -> Array2<f64> {
        let d = self.features.len();
        Array2::from_shape_vec((self.k(), d), self.centroids.concat()).expect("checked shapes")
    }

    /// Assigns each row of `data` (original units; columns named `features`, in the model's
    /// order) to its nearest centroid.
    ///
    /// # Errors
    /// [`Error::FeatureMismatch`] when the names or their order differ from the model's;
    /// [`Error::NotFinite`] / [`Error::LogDomain`] naming the row and column.
    pub fn predict(
        &self,
        features: &[String],
        data: ArrayView2<'_, f64>,
    ) -> Result<Vec<usize>, Error> {
        let norm = |s: &String| s.trim().to_string();
        if features.len() != self.features.len()
            || features.iter().map(norm).ne(self.features.iter().map(norm))
        {
            return Err(Error::FeatureMismatch {
                expected: self.features.join(", "),
                found: features.join(", "),
            });
        }
        if data.ncols() != features.len() {
            return Err(Error::FeatureMismatch {
                expected: self.features.join(", "),
                found: format!("{} columns", data.ncols()),
            });
        }
        let z = self.scaler.transform(data, Some(features))?;
        crate::kmeans::predict(self.scaled_centroids().view(), z.view())
    }
}
