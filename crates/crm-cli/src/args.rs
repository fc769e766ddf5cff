//! Command-line arguments of `crm`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// CRM analytics for Indonesian lenders and retailers: merge branch Excel files, repair broken
/// text exports, and run the whole pipeline on generated data with `crm demo`.
///
/// Tables are chosen by extension. Inputs: .csv, workbooks (.xlsx .xlsm .xls .xlsb .ods),
/// .parquet, or - (CSV on standard input). Outputs: .csv, .xlsx, .parquet (real types), or -
/// (CSV on standard output; a run that rejects rows needs a file, which gets the rejects
/// beside it as OUT.rejects.csv / OUT.rejects.parquet or a Rejects sheet).
#[derive(Debug, Parser)]
#[command(name = "crm", version, about, long_about, propagate_version = true)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
    /// Write CSV cells exactly as they are. By default, text cells that Excel would run as
    /// a formula (starting with = + - @, a tab or CR, and not a number) get a leading ' so
    /// they open as text (OWASP's advice against CSV injection); -5000 stays a number. Use
    /// this for CSV files only pipelines read.
    #[arg(long, global = true)]
    pub(crate) raw_csv: bool,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Excel and CSV files: merge branch files, split a table into one workbook per group.
    #[command(subcommand)]
    Excel(ExcelCommand),
    /// Delimited text exports.
    #[command(subcommand)]
    Txt(TxtCommand),
    /// Indonesian identity numbers: NIK (KTP) and KK (family card).
    #[command(subcommand)]
    Id(IdCommand),
    /// RFM features, scores and segments from a transaction file.
    Rfm(Box<RfmArgs>),
    /// Cluster customers with K-Means (`crm segment IN --features ...`), or assign new
    /// customers to a saved model (`crm segment predict IN --model ...`).
    Segment(Box<SegmentCommand>),
    /// Lead distribution by e-mail: plan one message per branch into an outbox, send it.
    #[command(subcommand)]
    Mail(MailCommand),
    /// Customer texts: WhatsApp / SMS / push blasts and auto-debit holiday notices.
    #[command(subcommand)]
    Message(MessageCommand),
    /// Telesales lead scoring: train one- or two-stage models, score, evaluate, monitor.
    #[command(subcommand)]
    Leads(LeadsCommand),
    /// A campaign audience from a member table: filters, exclusions, de-duplication,
    /// priority, cap and split, with a count at every step.
    Audience(AudienceArgs),
    /// Backtest segments against an outcome that followed (attended, answered, bought).
    Backtest(BacktestArgs),
    /// Generate realistic inputs and run every capability on them.
    Demo(DemoArgs),
}

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub(crate) struct SegmentCommand {
    #[command(subcommand)]
    pub(crate) action: Option<SegmentAction>,
    #[command(flatten)]
    pub(crate) fit: SegmentArgs,
}

#[derive(Debug, Subcommand)]
pub(crate) enum SegmentAction {
    /// Assign the rows of a file to the clusters of a saved model.
    Predict(PredictArgs),
}

#[derive(Debug, Args)]
pub(crate) struct SegmentArgs {
    /// The customers (.csv, a workbook, .parquet or -), one row per customer (e.g. a `crm rfm` output).
    #[arg(value_name = "IN", required = true)]
    pub(crate) input: Option<PathBuf>,
    /// The numeric feature columns, e.g. `recency_days,frequency,monetary`.
    #[arg(long, value_delimiter = ',', value_name = "A,B,C", required = true)]
    pub(crate) features: Vec<String>,
    /// Transform before scaling.
    #[arg(long, value_enum, default_value_t = TransformArg::Log1p)]
    pub(crate) transform: TransformArg,
    /// Scaling after the transform.
    #[arg(long, value_enum, default_value_t = ScaleArg::Standard)]
    pub(crate) scale: ScaleArg,
    /// The number of clusters.
    #[arg(long, value_name = "N", conflicts_with = "k_range", required_unless_present = "k_range")]
    pub(crate) k: Option<usize>,
    /// Try every k of a range, e.g. `2..10` (inclusive), and use the recommended one.
    #[arg(long, value_name = "A..B")]
    pub(crate) k_range: Option<String>,
    /// Restarts per k (the best inertia wins).
    #[arg(long, default_value_t = 10, value_name = "N")]
    pub(crate) n_init: usize,
    /// The seed: same seed, same clusters.
    #[arg(long, default_value_t = 0, value_name = "S")]
    pub(crate) seed: u64,
    /// Cluster names from best to worst (default: Champions ... Lost).
    #[arg(long, value_delimiter = ',', value_name = "A,B,C")]
    pub(crate) names: Vec<String>,
    /// The output: the input rows plus `cluster` and `cluster_name`: .csv, .parquet, .xlsx (adds
    /// Profiles and, with --k-range, Selection sheets).
    #[arg(long, value_name = "OUT", required = true)]
    pub(crate) out: Option<PathBuf>,
    /// Also save the model (scaler, centroids, names, features) as JSON.
    #[arg(long, value_name = "MODEL.json")]
    pub(crate) model_out: Option<PathBuf>,
    /// Also write an HTML report: elbow and silhouette charts, cluster profiles.
    #[arg(long, value_name = "FILE.html")]
    pub(crate) report: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub(crate) struct PredictArgs {
    /// The customers to assign.
    #[arg(value_name = "IN")]
    pub(crate) input: PathBuf,
    /// A model written by `crm segment --model-out`.
    #[arg(long, value_name = "MODEL.json")]
    pub(crate) model: PathBuf,
    /// The input rows plus `cluster` and `cluster_name`: .csv, .parquet, .xlsx or -.
    #[arg(long, value_name = "OUT")]
    pub(crate) out: PathBuf,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum TransformArg {
    Log1p,
    None,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum ScaleArg {
    Standard,
    Robust,
    Minmax,
    None,
}

#[derive(Debug, Subcommand)]
pub(crate) enum MailCommand {
    /// One e-mail per branch (its leads attached) into an outbox folder, with plan.csv and
    /// problems.csv; nothing is sent.
    Plan(Box<MailPlanArgs>),
    /// Send an outbox over SMTP (or into a folder); only what is not yet sent.
    Send(Box<MailSendArgs>),
}

#[derive(Debug, Args)]
pub(crate) struct MailPlanArgs {
    /// The leads (.csv, a workbook, .parquet or -), with a branch column.
    #[arg(value_name = "LEADS")]
    pub(crate) input: PathBuf,
    /// The branch column of the leads.
    #[arg(long, default_value = "branch", value_name = "C")]
    pub(crate) branch_col: String,
    /// The branch directory (.csv, a workbook or .parquet) with columns `branch`, `email` (one row per
    /// recipient) and optionally `cc`, `area`.
    #[arg(long, value_name = "FILE")]
    pub(crate) directory: PathBuf,
    /// The HTML body template (minijinja; sees branch, area, campaign, rows, table, date).
    #[arg(long, value_name = "T.html")]
    pub(crate) template: Option<PathBuf>,
    /// The plain-text body template.
    #[arg(long, value_name = "T.txt")]
    pub(crate) text_template: Option<PathBuf>,
    /// The subject template, e.g. `Leads {{ campaign }} - {{ branch }}`.
    #[arg(long, value_name = "TEMPLATE")]
    pub(crate) subject: Option<String>,
    /// The campaign id: part of every message key (re-planning the same campaign with the
    /// same content gives the same keys).
    #[arg(long, default_value = "campaign", value_name = "ID")]
    pub(crate) campaign: String,
    /// The sender, e.g. `CRM <crm@acme.co.id>`.
    #[arg(long, value_name = "ADDRESS")]
    pub(crate) from: String,
    /// The attachment: the branch's leads as xlsx or csv, or none.
    #[arg(long, value_enum, default_value_t = AttachArg::Xlsx)]
    pub(crate) attach: AttachArg,
    /// Summarise each branch's leads by this column (counts) in the e-mail's table
    /// (default: the first 10 leads).
    #[arg(long, value_name = "C")]
    pub(crate) summary_col: Option<String>,
    /// Accept only recipients at these domains (repeatable).
    #[arg(long = "allowed-domain", value_name = "DOMAIN")]
    pub(crate) allowed_domains: Vec<String>,
    /// The date shown in the messages and their Date header, `YYYY-MM-DD` (default: today).
    #[arg(long, value_name = "DATE")]
    pub(crate) date: Option<String>,
    /// Mark the .eml files `X-Unsent: 1`, so Outlook opens them as drafts to review.
    #[arg(long)]
    pub(crate) drafts: bool,
    /// The outbox folder (created; plan.csv and problems.csv are written there).
    #[arg(long, value_name = "DIR")]
    pub(crate) outbox: PathBuf,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum AttachArg {
    Xlsx,
    Csv,
    None,
}

#[derive(Debug, Args)]
pub(crate) struct MailSendArgs {
    /// The outbox `crm mail plan` wrote.
    #[arg(long, value_name = "DIR")]
    pub(crate) outbox: PathBuf,
    /// The SMTP server, `smtp://host[:port]` or `smtps://host[:port]`.
    #[arg(long, value_name = "URL", required_unless_present = "folder")]
    pub(crate) smtp: Option<String>,
    /// Deliver into this folder instead (a dry run).
    #[arg(long, value_name = "DIR", conflicts_with = "smtp")]
    pub(crate) folder: Option<PathBuf>,
    /// Upgrade the connection with STARTTLS (required).
    #[arg(long, conflicts_with = "tls")]
    pub(crate) starttls: bool,
    /// TLS from the first byte (the default for smtps://).
    #[arg(long)]
    pub(crate) tls: bool,
    /// Trust this CA certificate (PEM) too.
    #[arg(long, value_name = "FILE.pem")]
    pub(crate) ca_cert: Option<PathBuf>,
    /// The SMTP user.
    #[arg(long, value_name = "U", requires = "password_env")]
    pub(crate) user: Option<String>,
    /// The environment variable holding the password (never a command-line argument).
    #[arg(long, value_name = "VAR")]
    pub(crate) password_env: Option<String>,
    /// At most this many messages per minute (Exchange Online: 30).
    #[arg(long, value_name = "N")]
    pub(crate) rate: Option<u32>,
    /// Retries of a temporary failure (4xx reply, dropped connection).
    #[arg(long, default_value_t = 3, value_name = "N")]
    pub(crate) retries: u32,
    /// Wait before the first retry, in milliseconds (doubled for each next one).
    #[arg(long, default_value_t = 2000, value_name = "MS")]
    pub(crate) backoff_ms: u64,
    /// Also send messages an interrupted run left in `sending` (only after checking they
    /// were not received).
    #[arg(long)]
    pub(crate) resend_stuck: bool,
    /// The send log (JSON lines; created).
    #[arg(long, value_name = "FILE.jsonl")]
    pub(crate) log: PathBuf,
}

#[derive(Debug, Subcommand)]
pub(crate) enum MessageCommand {
    /// One text per customer from a template with placeholders (`{{ name }}`,
    /// `{{ salutation }}` from a gender column).
    Render(MessageRenderArgs),
    /// Customers whose auto-debit date falls on a weekend or holiday in a month, with the
    /// previous working day.
    Autodebit(AutodebitArgs),
}

#[derive(Debug, Args)]
pub(crate) struct MessageRenderArgs {
    /// The template (plain text).
    #[arg(long, value_name = "T.txt")]
    pub(crate) template: PathBuf,
    /// The customers (.csv, a workbook, .parquet or -); columns are the placeholders.
    #[arg(long, value_name = "CUSTOMERS")]
    pub(crate) input: PathBuf,
    /// The channel (length limit).
    #[arg(long, value_enum)]
    pub(crate) channel: ChannelArg,
    /// Every rendered row with a `text` column: .csv, .parquet, .xlsx or -; rows that cannot be
    /// rendered go to OUT.rejects.csv (or a Rejects sheet).
    #[arg(long, value_name = "OUT")]
    pub(crate) out: PathBuf,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum ChannelArg {
    Whatsapp,
    Sms,
    Push,
}

#[derive(Debug, Args)]
pub(crate) struct AutodebitArgs {
    /// The customers (.csv, a workbook, .parquet or -) with a debit-day column.
    #[arg(long, value_name = "FILE")]
    pub(crate) customers: PathBuf,
    /// The debit-day column (day of month, 1-31).
    #[arg(long, default_value = "debit_day", value_name = "C")]
    pub(crate) day_col: String,
    /// The holiday calendar: CSV with a `date` column (and optionally `name`).
    #[arg(long, value_name = "FILE.csv")]
    pub(crate) calendar: PathBuf,
    /// The month, `YYYY-MM`.
    #[arg(long, value_name = "YYYY-MM")]
    pub(crate) month: String,
    /// Weekend days (default sat,sun).
    #[arg(long, value_delimiter = ',', default_value = "sat,sun", value_name = "DAYS")]
    pub(crate) weekend: Vec<String>,
    /// The customers affected, with scheduled_date, moved_to and reason: .csv, .parquet, .xlsx or -.
    #[arg(long, value_name = "OUT")]
    pub(crate) out: PathBuf,
}

#[derive(Debug, Subcommand)]
pub(crate) enum LeadsCommand {
    /// Train on labelled leads; prints validation and test metrics, saves the pipeline.
    Train(Box<LeadsTrainArgs>),
    /// Score leads with a saved pipeline: every row plus probabilities, score, decile, tier.
    Score(LeadsScoreArgs),
    /// Metrics of a saved pipeline on labelled leads, as JSON.
    Evaluate(LeadsEvaluateArgs),
    /// Population stability of a new batch against the training data.
    Monitor(LeadsMonitorArgs),
}

#[derive(Debug, Args)]
pub(crate) struct LeadsTrainArgs {
    /// Labelled leads: .csv, a workbook, .parquet or -.
    #[arg(value_name = "IN")]
    pub(crate) input: PathBuf,
    /// A single target (e.g. booking).
    #[arg(
        long,
        value_name = "COL",
        required_unless_present = "contact_target",
        conflicts_with = "contact_target"
    )]
    pub(crate) target: Option<String>,
    /// Two stages: the contact (delivered) target ...
    #[arg(long, value_name = "COL", requires = "booking_target")]
    pub(crate) contact_target: Option<String>,
    /// ... and the booking target (learned on contacted leads only).
    #[arg(long, value_name = "COL")]
    pub(crate) booking_target: Option<String>,
    /// The positive value of categorical targets (default `yes`; 1/true/ya also work for
    /// yes/no columns).
    #[arg(long, value_name = "VALUE")]
    pub(crate) positive: Option<String>,
    /// A column that is not a feature (an id, a name, a phone; repeatable).
    #[arg(long = "exclude", value_name = "COL")]
    pub(crate) excludes: Vec<String>,
    /// A column filled after the call (status, duration): never a feature (repeatable).
    #[arg(long = "leakage", value_name = "COL")]
    pub(crate) leakage: Vec<String>,
    /// The date column for `--split time`.
    #[arg(long, value_name = "COL")]
    pub(crate) date_col: Option<String>,
    /// How test rows are chosen.
    #[arg(long, value_enum, default_value_t = SplitArg::Random)]
    pub(crate) split: SplitArg,
    /// The model family, or `best` to try all three.
    #[arg(long, value_enum, default_value_t = FamilyArg::Boosted)]
    pub(crate) model: FamilyArg,
    /// Random-search candidates per family (1: defaults only).
    #[arg(long, default_value_t = 1, value_name = "N")]
    pub(crate) tune: usize,
    /// Compare candidates by stratified K-fold cross-validation on the training leads
    /// (default: on one 20% validation part of them).
    #[arg(long, value_name = "K", value_parser = clap::value_parser!(u16).range(2..=20))]
    pub(crate) cv: Option<u16>,
    /// Weight both classes equally.
    #[arg(long)]
    pub(crate) balanced: bool,
    /// The seed.
    #[arg(long, default_value_t = 42, value_name = "S")]
    pub(crate) seed: u64,
    /// Where to save the pipeline (JSON).
    #[arg(long, value_name = "MODEL.json")]
    pub(crate) model_out: PathBuf,
    /// Also write an HTML report: ROC and gains charts, deciles, importances.
    #[arg(long, value_name = "FILE.html")]
    pub(crate) report: Option<PathBuf>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum SplitArg {
    Random,
    Time,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum FamilyArg {
    Logistic,
    Forest,
    Boosted,
    Best,
}

#[derive(Debug, Args)]
pub(crate) struct LeadsScoreArgs {
    /// The leads to score.
    #[arg(value_name = "IN")]
    pub(crate) input: PathBuf,
    /// A pipeline from `crm leads train`.
    #[arg(long, value_name = "MODEL.json")]
    pub(crate) model: PathBuf,
    /// The scored leads: .csv, .parquet, .xlsx or -; rows that cannot be scored go to OUT.rejects.csv
    /// (or a Rejects sheet).
    #[arg(long, value_name = "OUT")]
    pub(crate) out: PathBuf,
    /// Sort by score, best first.
    #[arg(long)]
    pub(crate) sort: bool,
}

#[derive(Debug, Args)]
pub(crate) struct LeadsEvaluateArgs {
    /// Labelled leads.
    #[arg(value_name = "IN")]
    pub(crate) input: PathBuf,
    /// A pipeline from `crm leads train`.
    #[arg(long, value_name = "MODEL.json")]
    pub(crate) model: PathBuf,
    /// Metrics and deciles as JSON.
    #[arg(long, value_name = "metrics.json")]
    pub(crate) out: PathBuf,
}

#[derive(Debug, Args)]
pub(crate) struct LeadsMonitorArgs {
    /// A new batch of leads.
    #[arg(value_name = "IN")]
    pub(crate) input: PathBuf,
    /// A pipeline from `crm leads train`.
    #[arg(long, value_name = "MODEL.json")]
    pub(crate) model: PathBuf,
}

#[derive(Debug, Args)]
pub(crate) struct AudienceArgs {
    /// The member table: .csv, a workbook, .parquet or -.
    #[arg(value_name = "MEMBERS")]
    pub(crate) input: PathBuf,
    /// The selection rules, one per line: `where COL OP VALUE`, `exclude COL`, `dedup COL`,
    /// `priority COL asc|desc`, `cap N`, `split COL A|B` (see the crm-rfm docs).
    #[arg(long, value_name = "FILE")]
    pub(crate) rules: PathBuf,
    /// Members of other campaigns to leave out: files with a column named like the `exclude`
    /// rule's column, which lists the values (repeatable). A file without that column is an
    /// error naming the columns it has.
    #[arg(long = "exclude", value_name = "FILE")]
    pub(crate) excludes: Vec<PathBuf>,
    /// The date `within N days` counts back from, `YYYY-MM-DD` (default: today).
    #[arg(long, value_name = "DATE")]
    pub(crate) as_of: Option<String>,
    /// Only these columns, in this order (e.g. the channel's upload layout:
    /// `member_id,name,email,phone`).
    #[arg(long, value_delimiter = ',', value_name = "A,B,C")]
    pub(crate) columns: Vec<String>,
    /// The audience: .xlsx (one sheet per split group, plus Steps and Left out) or .csv /
    /// .parquet (one file per split group, plus OUT.steps and OUT.status with every
    /// member's fate, in the same format).
    #[arg(long, value_name = "OUT")]
    pub(crate) out: PathBuf,
}

#[derive(Debug, Args)]
pub(crate) struct BacktestArgs {
    /// Customers with their segment as of a past date (e.g. a `crm rfm` output).
    #[arg(value_name = "SEGMENTS")]
    pub(crate) input: PathBuf,
    /// The outcome that followed, per customer.
    #[arg(long, value_name = "FILE")]
    pub(crate) outcome_file: PathBuf,
    /// The customer id column in both files.
    #[arg(long, default_value = "customer_id", value_name = "C")]
    pub(crate) customer_col: String,
    /// The segment column of SEGMENTS.
    #[arg(long, default_value = "segment", value_name = "C")]
    pub(crate) segment_col: String,
    /// The outcome column (1/0, true/false, yes/no, ya/tidak); without it, being listed in
    /// the outcome file is the positive outcome (e.g. an attendance list).
    #[arg(long, value_name = "C")]
    pub(crate) outcome_col: Option<String>,
    /// Per-segment rates, intervals, lift and the capture curve: .csv, .parquet, .xlsx or -.
    #[arg(long, value_name = "OUT")]
    pub(crate) out: PathBuf,
}

#[derive(Debug, Args)]
pub(crate) struct RfmArgs {
    /// The transactions: .csv (streamed), - (CSV on stdin), .parquet (typed date and amount columns are taken
    /// as they are), or a workbook (.xlsx, .xls, ...).
    #[arg(value_name = "TX_FILE")]
    pub(crate) input: PathBuf,
    /// The customer id column.
    #[arg(long, value_name = "C")]
    pub(crate) customer_col: String,
    /// The transaction date column (`YYYY-MM-DD`, `DD/MM/YYYY` or `YYYYMMDD`).
    #[arg(long, value_name = "C")]
    pub(crate) date_col: String,
    /// The amount column (plain numbers; negative = return).
    #[arg(long, value_name = "C")]
    pub(crate) amount_col: String,
    /// The invoice id column; frequency then counts distinct invoices by default.
    #[arg(long, value_name = "C")]
    pub(crate) invoice_col: Option<String>,
    /// The date recency is measured to, `YYYY-MM-DD`; later transactions are left out.
    #[arg(long, value_name = "DATE")]
    pub(crate) as_of: String,
    /// Scores per dimension (2-99).
    #[arg(long, default_value_t = 5, value_name = "N")]
    pub(crate) bins: u8,
    /// How values become scores: value quantiles (equal values share a score) or
    /// equal-count NTILE bins (ties broken by customer id).
    #[arg(long, value_enum, default_value_t = MethodArg::Quantile)]
    pub(crate) method: MethodArg,
    /// What counts as a purchase (default: invoices with --invoice-col, else rows).
    #[arg(long, value_enum)]
    pub(crate) frequency: Option<FrequencyArg>,
    /// Monetary as the total or the mean per purchase.
    #[arg(long, value_enum, default_value_t = MonetaryArg::Total)]
    pub(crate) monetary: MonetaryArg,
    /// Returns (negative amounts): netted from monetary, ignored, or counted as purchases.
    #[arg(long, value_enum, default_value_t = ReturnsArg::Net)]
    pub(crate) returns: ReturnsArg,
    /// Segment rules: `r-rfm` (R rfm's 10 segments), `rf-map` (the 25-cell R x F map), or a
    /// CSV file with the header `segment,r,f,m` (cells like `5`, `3-5`, `*`).
    #[arg(long, default_value = "r-rfm", value_name = "RULES")]
    pub(crate) segments: String,
    /// The output: .csv (plus OUT.rejects.csv next to it when rows were rejected), .parquet
    /// (the CSV's columns with real types: dates, counts, floats; rejects in
    /// OUT.rejects.parquet), .xlsx (Customers, Thresholds, Segments, Coverage and Rejects
    /// sheets) or - (CSV on stdout).
    #[arg(long, value_name = "OUT")]
    pub(crate) out: PathBuf,
    /// Also write a self-contained HTML report: segment sizes and R x F heat maps.
    #[arg(long, value_name = "FILE.html")]
    pub(crate) report: Option<PathBuf>,
    /// The sheet to read from a workbook (default: the first).
    #[arg(long, value_name = "NAME")]
    pub(crate) sheet: Option<String>,
    /// Also group by this column (a store, a brand): one row per customer and value, with
    /// the value after the customer id. Repeatable.
    #[arg(long = "by", value_name = "COL")]
    pub(crate) by: Vec<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum MethodArg {
    Quantile,
    Ntile,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum FrequencyArg {
    Rows,
    Invoices,
    Days,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum MonetaryArg {
    Total,
    Mean,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum ReturnsArg {
    Net,
    Ignore,
    AsPurchase,
}

#[derive(Debug, Subcommand)]
pub(crate) enum ExcelCommand {
    /// Merge files and folders of branch files into one table: align headers, drop
    /// duplicates, filter; writes xlsx (Data + Summary sheets) or CSV.
    Merge(MergeArgs),
    /// Split a table into one formatted workbook per value of a column.
    Split(SplitArgs),
}

#[derive(Debug, Subcommand)]
pub(crate) enum IdCommand {
    /// Check NIKs: structure, official region codes, birth date (women +40), serial.
    Nik(IdArgs),
    /// Check KK (family card) numbers: structure, issuing region, issue date, serial.
    Kk(IdArgs),
    /// Validate a customer file (CSV or workbook): NIK, KK, name, birthplace, birth date and
    /// gender per record; writes every row with its status, codes and normalised values.
    Validate(Box<ValidateArgs>),
}

#[derive(Debug, Args)]
pub(crate) struct ValidateArgs {
    /// The customer file: .csv, a workbook (.xlsx, .xls, ...), .parquet or -.
    #[arg(value_name = "INPUT")]
    pub(crate) input: PathBuf,
    /// The output: .xlsx (Data, Summary, Errors sheets), or the Data table as .csv, .parquet or -.
    #[arg(long, value_name = "OUTPUT")]
    pub(crate) out: PathBuf,
    /// The sheet to read (default: the first).
    #[arg(long, value_name = "NAME")]
    pub(crate) sheet: Option<String>,
    #[command(flatten)]
    pub(crate) passwords: PasswordArgs,
    /// The NIK column (default: found by header, e.g. `NIK`, `No KTP`).
    #[arg(long, value_name = "C")]
    pub(crate) nik_col: Option<String>,
    /// The KK column (default: found by header, e.g. `No KK`).
    #[arg(long, value_name = "C")]
    pub(crate) kk_col: Option<String>,
    /// The name column (default: found by header, e.g. `Nama`).
    #[arg(long, value_name = "C")]
    pub(crate) name_col: Option<String>,
    /// The birthplace column (default: found by header, e.g. `Tempat Lahir`).
    #[arg(long, value_name = "C")]
    pub(crate) birthplace_col: Option<String>,
    /// The birth date column (default: found by header, e.g. `Tgl Lahir`).
    #[arg(long, value_name = "C")]
    pub(crate) birthdate_col: Option<String>,
    /// The gender column (default: found by header, e.g. `Jenis Kelamin`).
    #[arg(long, value_name = "C")]
    pub(crate) gender_col: Option<String>,
    /// The date ages and centuries are computed against, `YYYY-MM-DD` (default: today).
    #[arg(long, value_name = "DATE")]
    pub(crate) as_of: Option<String>,
    /// The lowest birthplace similarity (0-100) accepted as a correction.
    #[arg(long, default_value_t = 85.0, value_name = "N")]
    pub(crate) threshold: f64,
    /// Exit with code 1 when any record has at least this status.
    #[arg(long, value_enum, value_name = "LEVEL")]
    pub(crate) fail_on: Option<FailOn>,
    /// Also write a self-contained HTML report: status chart, field x code heat map, codes.
    #[arg(long, value_name = "FILE.html")]
    pub(crate) report: Option<PathBuf>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum FailOn {
    Error,
    Warning,
}

#[derive(Debug, Args)]
pub(crate) struct IdArgs {
    /// The numbers; `-` reads one per line from standard input.
    #[arg(required = true, value_name = "NUMBER")]
    pub(crate) numbers: Vec<String>,
    /// The date ages and centuries are computed against, `YYYY-MM-DD` (default: today).
    #[arg(long, value_name = "DATE")]
    pub(crate) as_of: Option<String>,
    /// One JSON object per line instead of text.
    #[arg(long)]
    pub(crate) json: bool,
}

#[derive(Debug, Subcommand)]
pub(crate) enum TxtCommand {
    /// Re-join records broken across lines; write good records and a rejects file.
    Repair(RepairArgs),
}

/// Where encrypted workbooks get their passwords.
#[derive(Debug, Args)]
pub(crate) struct PasswordArgs {
    /// A password to try on every encrypted workbook (repeatable).
    #[arg(long = "password", value_name = "P")]
    pub(crate) passwords: Vec<String>,
    /// A CSV with the header `file,password` giving passwords per file name (`*` for all).
    #[arg(long = "passwords", value_name = "FILE.csv")]
    pub(crate) password_file: Option<PathBuf>,
}

/// Where the header row of each sheet is.
#[derive(Debug, Default, Args)]
pub(crate) struct HeaderArgs {
    /// The 1-based row holding the headers (default: found among the first 20 rows); the
    /// rows above it are counted and not read.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub(crate) header_row: Option<u64>,
    /// The sheets have no header row: every row is data, and the columns are named
    /// `column_a`, `column_b`, ...
    #[arg(long, conflicts_with = "header_row")]
    pub(crate) no_header: bool,
}

#[derive(Debug, Args)]
pub(crate) struct MergeArgs {
    /// Files (.xlsx .xlsm .xlsb .xls .ods .csv) and folders holding them.
    #[arg(required = true, value_name = "FILES|DIRS")]
    pub(crate) inputs: Vec<PathBuf>,
    /// The merged output: .xlsx, .csv, .parquet or -.
    #[arg(long, value_name = "OUT")]
    pub(crate) out: PathBuf,
    #[command(flatten)]
    pub(crate) passwords: PasswordArgs,
    #[command(flatten)]
    pub(crate) header: HeaderArgs,
    /// A key column for de-duplication (repeatable; phone and NIK columns are normalised).
    #[arg(long = "key", value_name = "COL")]
    pub(crate) keys: Vec<String>,
    /// Rewrite this column's phone numbers as `08...` text before de-duplicating
    /// (`+62 812-...`, `62812...` and `812...` typed into number cells all become `0812...`).
    #[arg(long = "normalize-phone", value_name = "COL")]
    pub(crate) normalize_phones: Vec<String>,
    /// Which duplicate to keep.
    #[arg(long, value_enum, default_value_t = KeepArg::First)]
    pub(crate) keep: KeepArg,
    /// A CSV with the header `alias,column` adding header aliases to the built-in ones.
    #[arg(long, value_name = "FILE")]
    pub(crate) alias: Option<PathBuf>,
    /// Keep only rows matching `COL OP VALUE`, e.g. `plafon >= 10000000`,
    /// `branch in Bekasi|Bogor`, `email is not empty` (repeatable; all must match).
    #[arg(long = "where", value_name = "EXPR")]
    pub(crate) filters: Vec<String>,
    /// Read this sheet of every workbook (default: the first).
    #[arg(long, value_name = "NAME", conflicts_with = "all_sheets")]
    pub(crate) sheet: Option<String>,
    /// Read every sheet of every workbook.
    #[arg(long)]
    pub(crate) all_sheets: bool,
    /// Also write the duplicates report (which row was kept for each dropped row): .csv, .parquet or .xlsx.
    #[arg(long, value_name = "FILE")]
    pub(crate) duplicates_out: Option<PathBuf>,
    /// Also write the rejected rows (file, sheet, row, reason): .csv, .parquet or .xlsx.
    #[arg(long, value_name = "FILE")]
    pub(crate) rejects_out: Option<PathBuf>,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub(crate) enum KeepArg {
    First,
    Last,
    MostComplete,
}

#[derive(Debug, Args)]
pub(crate) struct SplitArgs {
    /// The table to split: .csv, a workbook (.xlsx, .xls, ...), .parquet or -.
    #[arg(value_name = "IN")]
    pub(crate) input: PathBuf,
    /// The column whose values name the groups, e.g. `branch`.
    #[arg(long, value_name = "COL")]
    pub(crate) by: String,
    /// The folder for the workbooks (created if missing).
    #[arg(long, value_name = "DIR")]
    pub(crate) out_dir: PathBuf,
    /// The sheet to read (default: the first).
    #[arg(long, value_name = "NAME")]
    pub(crate) sheet: Option<String>,
    #[command(flatten)]
    pub(crate) passwords: PasswordArgs,
    #[command(flatten)]
    pub(crate) header: HeaderArgs,
}

#[derive(Debug, Args)]
pub(crate) struct RepairArgs {
    /// The delimited text export.
    #[arg(value_name = "IN")]
    pub(crate) input: PathBuf,
    /// Fields per record.
    #[arg(long, value_name = "N")]
    pub(crate) columns: usize,
    /// The field delimiter: a character, or `tab`.
    #[arg(long, default_value = "|", value_name = "D")]
    pub(crate) delimiter: String,
    /// The file has no header line.
    #[arg(long)]
    pub(crate) no_header: bool,
    /// Fields are never quoted (a `"` is always literal).
    #[arg(long)]
    pub(crate) no_quotes: bool,
    /// What replaces a line break inside a re-joined record.
    #[arg(long, value_enum, default_value_t = JoinArg::Space)]
    pub(crate) join: JoinArg,
    /// The text encoding.
    #[arg(long, value_enum, default_value_t = EncodingArg::Auto)]
    pub(crate) encoding: EncodingArg,
    /// The repaired records: .csv, - (stdout) or .xlsx (split into sheets past 1,048,575 rows).
    #[arg(long, value_name = "OUT")]
    pub(crate) out: PathBuf,
    /// The rejected lines, as CSV (first_line, last_line, reason, raw).
    #[arg(long, value_name = "REJ.csv")]
    pub(crate) rejects: PathBuf,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub(crate) enum JoinArg {
    Space,
    None,
    Newline,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub(crate) enum EncodingArg {
    /// UTF-8, or Windows-1252 for records that are not valid UTF-8.
    Auto,
    /// Windows-1252 / Latin-1 throughout.
    Windows1252,
}

#[derive(Debug, Args)]
pub(crate) struct DemoArgs {
    /// The folder for inputs and results.
    #[arg(long, default_value = "crm-demo", value_name = "DIR")]
    pub(crate) out: PathBuf,
    /// The seed of the generated data: same seed, same files.
    #[arg(long, default_value_t = 42)]
    pub(crate) seed: u64,
    /// Leads across all branch workbooks.
    #[arg(long, default_value_t = 6_000)]
    pub(crate) rows: usize,
}
