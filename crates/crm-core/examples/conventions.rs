//! Reads a few branch-workbook cells the way every crm-rs crate reads them.
//!
//! Run with `cargo run -p crm-core --example conventions -- "14-03-2025" "Rp 15.000.000"`;
//! each argument is tried as a date, an amount, a yes/no value, a phone number and an
//! e-mail address, and printed masked.

fn main() {
    if let Err(e) = try_main() {
        eprintln!("conventions: {e}");
        std::process::exit(1);
    }
}

fn try_main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    if args.is_empty() {
        args =
            ["14-03-2025", "Rp 15.000.000", "1.250", "Ya", "+62 812-3456-7890", "budi@acme.co.id"]
                .map(String::from)
                .to_vec();
    }
    for text in &args {
        println!("{}:", crm_core::mask(text));
        match crm_core::parse_datetime(text) {
            Some(d) => println!("  date      {d}"),
            None => println!("  date      -"),
        }
        match crm_core::parse_amount(text) {
            Ok(v) => println!("  amount    {v}"),
            Err(e) => println!("  amount    - ({e})"),
        }
        println!("  boolean   {:?}", crm_core::parse_bool(text));
        match crm_core::normalize_phone(text) {
            Some(p) => {
                println!("  phone     {} (mobile: {})", crm_core::mask(&p), crm_core::is_mobile(&p))
            }
            None => println!("  phone     -"),
        }
        match crm_core::check_email(text) {
            Ok(a) => println!("  e-mail    {}", crm_core::mask(&a)),
            Err(e) => println!("  e-mail    - ({e})"),
        }
    }
    Ok(())
}
