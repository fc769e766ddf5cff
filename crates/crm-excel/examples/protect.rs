//! Password-protects an xlsx file the way Excel does, e.g. before sending it to a branch.
//!
//! Usage: `cargo run -p crm-excel --example protect -- IN.xlsx OUT.xlsx PASSWORD`

use crm_excel::{EncryptOptions, encrypt};

fn main() {
    if let Err(e) = try_main() {
        eprintln!("protect: {e}");
        std::process::exit(1);
    }
}

fn try_main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [input, output, password] = args.as_slice() else {
        return Err("usage: protect IN.xlsx OUT.xlsx PASSWORD".into());
    };
    let zip = std::fs::read(input).map_err(|e| format!("{input}: {e}"))?;
    let locked = encrypt(&zip, password, &EncryptOptions::new())?;
    std::fs::write(output, locked).map_err(|e| format!("{output}: {e}"))?;
    println!("wrote {output}");
    Ok(())
}
